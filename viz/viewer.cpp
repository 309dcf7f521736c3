#include "viz/viewer.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "viz/derive/event_text.hpp"
#include "viz/layout/layout_audit.hpp"
#include "viz/panels/help_overlay.hpp"
#include "viz/panels/panel_util.hpp"

namespace lvs::viz {

namespace {

std::vector<const TraceModel*> models_of(const std::vector<std::unique_ptr<RunData>>& runs) {
    std::vector<const TraceModel*> out;
    for (const auto& r : runs) out.push_back(&r->model);
    return out;
}

}  // namespace

RunView::RunView(const RunData& r)
    : run(r),
      markers(collect_markers(r)),
      topology(r),
      director(r),
      sockets(r),
      timeline(r, markers),
      log(r),
      waterfall(r),
      report(r),
      inspector(r) {}

Viewer::Viewer(std::vector<std::unique_ptr<RunData>> runs, int64_t at)
    : runs_(std::move(runs)), nav_(models_of(runs_)) {
    begin_ = INT64_MAX;
    end_ = INT64_MIN;
    for (const auto& r : runs_) {
        begin_ = std::min(begin_, r->begin());
        end_ = std::max(end_, r->end());
    }
    st_.view.set_extent(begin_, end_, models_of(runs_));
    for (const auto& r : runs_) views_.push_back(std::make_unique<RunView>(*r));
    for (const auto& v : views_)
        all_markers_.insert(all_markers_.end(), v->markers.begin(), v->markers.end());
    std::stable_sort(all_markers_.begin(), all_markers_.end(),
                     [](const Marker& a, const Marker& b) { return a.t < b.t; });
    st_.cursor.t = std::clamp(at, begin_, end_);
}

void Viewer::set_presentation(bool on) { st_.presentation = on; }

namespace {

// "lvsim-view-100.000-s.png", or "...-2.png", "-3.png" when taken: an export never overwrites.
std::string export_name(int64_t t) {
    std::string stem = "lvsim-view-" + format_seconds(t, 3);
    std::replace(stem.begin(), stem.end(), ' ', '-');
    std::string path = stem + ".png";
    for (int n = 2; std::filesystem::exists(path); ++n) path = stem + "-" + std::to_string(n) + ".png";
    return path;
}

}  // namespace

void Viewer::notify(std::string text) {
    st_.toast = std::move(text);
    st_.toast_left_s = 3.0;
}

void Viewer::jump(int64_t to, const char* nothing) {
    if (to == st_.cursor.t) notify(nothing);
    st_.cursor.t = to;
}

void Viewer::apply(Action a) {
    const int64_t t = st_.cursor.t;
    const JumpKind& kind = kJumpKinds[st_.jump_kind];
    switch (a) {
        case Action::PlayPause: st_.playback.toggle(); break;
        case Action::StepForward:
            st_.playback.set_playing(false);
            jump(nav_.next(t, 0), "no later event");
            break;
        case Action::StepBack:
            st_.playback.set_playing(false);
            jump(nav_.prev(t, 0), "no earlier event");
            break;
        case Action::JumpNext:
            jump(nav_.next(t, kind.categories), (std::string("no later ") + kind.name).c_str());
            break;
        case Action::JumpPrev:
            jump(nav_.prev(t, kind.categories), (std::string("no earlier ") + kind.name).c_str());
            break;
        case Action::JumpKind1:
        case Action::JumpKind2:
        case Action::JumpKind3:
        case Action::JumpKind4:
        case Action::JumpKind5:
            st_.jump_kind = static_cast<int>(a) - static_cast<int>(Action::JumpKind1);
            notify(std::string("N / B now jump to: ") + kJumpKinds[st_.jump_kind].name);
            break;
        case Action::Faster: st_.playback.faster(); break;
        case Action::Slower: st_.playback.slower(); break;
        case Action::Start: st_.cursor.t = begin_; break;
        case Action::End: st_.cursor.t = end_; break;
        case Action::NextMarker:
            if (!steps().empty()) {
                step_forward();
                break;
            }
            {
                const auto it = std::upper_bound(all_markers_.begin(), all_markers_.end(), t,
                                                 [](int64_t v, const Marker& m) { return v < m.t; });
                jump(it != all_markers_.end() ? it->t : t, "no later marker");
                break;
            }
        case Action::PrevMarker:
            if (!steps().empty()) {
                step_backward();
                break;
            }
            {
                const auto it = std::lower_bound(all_markers_.begin(), all_markers_.end(), t,
                                                 [](const Marker& m, int64_t v) { return m.t < v; });
                jump(it != all_markers_.begin() ? (it - 1)->t : t, "no earlier marker");
                break;
            }
        case Action::ZoomIn:
        case Action::ZoomOut: {
            // Around the cursor, on a nominal 1000-pixel strip (the factor is what matters).
            const float cx = st_.view.x_of(t, 0, 1000);
            st_.view.zoom(a == Action::ZoomIn ? 0.5f : 2.0f, std::clamp(cx, 0.0f, 1000.0f), 0, 1000);
            break;
        }
        case Action::ZoomReset: st_.view.reset(); break;
        case Action::ToggleCompressed: st_.view.set_compressed(!st_.view.compressed()); break;
        case Action::ToggleFollow: st_.follow = !st_.follow; break;
        case Action::TogglePresentation: set_presentation(!st_.presentation); break;
        case Action::ExportPng: st_.export_path = export_name(t); break;
        case Action::ToggleFuture:
            st_.show_future = !st_.show_future;
            notify(st_.show_future ? "showing what comes after the cursor (faded)"
                                   : "hiding what comes after the cursor");
            break;
        case Action::Reload:
            reload_requested_ = true;
            notify("reloading ...");
            break;
        case Action::ToggleHelp: st_.show_help = !st_.show_help; break;
        case Action::Quit: st_.confirm_quit = true; break;
    }
}

void Viewer::handle_keys() {
    const ImGuiIO& io = ImGui::GetIO();
    const auto pressed = [](int key) { return ImGui::IsKeyPressed(key, false); };
    if (st_.confirm_quit) {
        // Q again or Enter quits; Esc (or any other shortcut) stays.
        if (pressed(GLFW_KEY_Q) || pressed(GLFW_KEY_ENTER) || pressed(GLFW_KEY_KP_ENTER)) quit_ = true;
        else if (pressed(GLFW_KEY_ESCAPE) || pressed(GLFW_KEY_N)) st_.confirm_quit = false;
        return;
    }
    if (io.WantTextInput) return;  // typing into a filter box
    for (const Shortcut& s : shortcuts()) {
        if (s.shift != io.KeyShift || io.KeyCtrl || io.KeyAlt) continue;
        if (ImGui::IsKeyPressed(s.key, true)) apply(s.action);
    }
    if (pressed(GLFW_KEY_ESCAPE)) {
        if (st_.show_help) st_.show_help = false;
        else st_.selected_conn = -1;  // closes the inspector
    }
}

void Viewer::draw_overlays() {
    const ImGuiIO& io = ImGui::GetIO();
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    const auto box = [&](const std::string& text, float y, Rgb border) {
        const ImVec2 size = ImGui::CalcTextSize(text.c_str());
        const float pad = ImGui::GetFontSize() * 0.6f;
        const ImVec2 a((io.DisplaySize.x - size.x) * 0.5f - pad, y - pad);
        const ImVec2 b(a.x + size.x + 2 * pad, y + size.y + pad);
        dl->AddRectFilled(a, b, colours::kPanel.abgr());
        dl->AddRect(a, b, border.abgr(), 3.0f, 0, 2.0f);
        dl->AddText(ImVec2(a.x + pad, y), colours::kText.abgr(), text.c_str());
    };
    if (!st_.toast.empty() && st_.toast_left_s > 0)
        box(st_.toast, io.DisplaySize.y * 0.82f, colours::kDirector);
    if (st_.confirm_quit)
        box("Quit lvsim-view?   Q or Enter: quit    Esc: stay", io.DisplaySize.y * 0.45f, colours::kFail);
    if (!st_.load_error.empty())
        box(st_.load_error + "\n(showing the last good run; save the file again or press R)",
            io.DisplaySize.y * 0.3f, colours::kFail);
}

void Viewer::header(const RunView& v) const {
    const RunData& r = v.run;
    ImGui::TextColored(to_vec4(colours::kDirector), "%s", r.title.c_str());
    if (LayoutAudit* audit = LayoutAudit::active()) audit->last_item(r.title);
    ImGui::SameLine();
    char facts[128];
    std::snprintf(facts, sizeof facts, "  [%s, %zu records, %zu connections]",
                  r.in_process ? "simulated in-process" : "recorded trace", r.model.size(),
                  r.conns.connections().size());
    // The lesson's first line gives way to the width (a projector's 1024 pixels).
    const std::string line =
        fit_text(r.lesson.substr(0, r.lesson.find('\n')) + facts, ImGui::GetContentRegionAvail().x);
    ImGui::TextColored(to_vec4(colours::kDimText), "%s", line.c_str());
    if (LayoutAudit* audit = LayoutAudit::active()) audit->last_item(line);
}

bool Viewer::animating() const { return st_.playback.playing() || st_.toast_left_s > 0; }

void Viewer::frame(double wall_dt) {
    if (++frames_ > 2) st_.sockets_host.clear();  // --sockets selects the tab; then it is the user's
    st_.toast_left_s -= wall_dt;
    if (!st_.headless) handle_keys();
    const int64_t before = st_.cursor.t;
    st_.playback.tick(wall_dt, st_.cursor, begin_, end_);
    stop_at_steps(before);
    prepare_step_view();
    begin_layout();
    const bool show_future = st_.show_future;
    if (st_.conceal == "timeline") st_.show_future = false;  // until the step's answer
    if (st_.follow && (st_.playback.playing() || st_.cursor.t != before)) st_.view.follow(st_.cursor.t);

    const ImGuiIO& io = ImGui::GetIO();
    layout_ = choose_presentation(io.DisplaySize.x, io.DisplaySize.y);
    if (layout_.font != nullptr) ImGui::PushFont(layout_.font);
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
    ImGui::Begin("##root", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PopStyleVar();
    if (views_.size() == 1) header(*views_[0]);
    else {
        ImGui::TextColored(to_vec4(colours::kDirector), "compare:");
        ImGui::SameLine();
        const std::string both =
            fit_text(views_[0]->run.title + "  |  " + views_[1]->run.title, ImGui::GetContentRegionAvail().x);
        ImGui::TextColored(to_vec4(colours::kText), "%s", both.c_str());
        if (LayoutAudit* audit = LayoutAudit::active()) audit->last_item(both);
    }
    TransportRequests req;
    std::vector<const std::vector<Marker>*> markers;
    for (const auto& v : views_) markers.push_back(&v->markers);
    transport_.draw(st_, markers, begin_, end_, req);
    if (req.step_forward) apply(Action::StepForward);
    if (req.step_back) apply(Action::StepBack);
    if (req.jump_next) apply(Action::JumpNext);
    if (req.jump_prev) apply(Action::JumpPrev);
    if (req.start) apply(Action::Start);
    if (req.end) apply(Action::End);
    if (req.export_png) apply(Action::ExportPng);
    if (req.toggle_presentation) apply(Action::TogglePresentation);

    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float pad = ImGui::GetStyle().WindowPadding.x;
    const float w = io.DisplaySize.x - p.x - pad, h = io.DisplaySize.y - p.y - pad;
    if (views_.size() == 2) layout_compare(p.x, p.y, w, h);
    else if (st_.presentation) layout_presentation(*views_[0], p.x, p.y, w, h);
    else layout_single(*views_[0], p.x, p.y, w, h);
    ImGui::End();
    st_.show_future = show_future;
    st_.step_arrived = false;
    draw_step_card();
    for (const auto& v : views_) v->inspector.draw(st_);
    help_overlay(st_.show_help);
    draw_overlays();
    if (layout_.font != nullptr) ImGui::PopFont();
}

}  // namespace lvs::viz
