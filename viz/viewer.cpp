#include "viz/viewer.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "viz/derive/event_text.hpp"
#include "viz/panels/help_overlay.hpp"
#include "viz/panels/panel_util.hpp"

namespace lvs::viz {

namespace {

std::vector<const TraceModel*> models_of(const std::vector<std::unique_ptr<RunData>>& runs) {
    std::vector<const TraceModel*> out;
    for (const auto& r : runs) out.push_back(&r->model);
    return out;
}

// A bordered child region at an absolute position in the root window.
bool begin_region(const char* id, float x, float y, float w, float h, ImGuiWindowFlags flags = 0) {
    ImGui::SetCursorScreenPos(ImVec2(x, y));
    return ImGui::BeginChild(id, ImVec2(w, h), true, flags);
}

// One tab of a tab bar, its panel drawn in the space the tab leaves.
template <class Draw>
void tab(const char* label, Draw&& draw, ImGuiTabItemFlags flags = 0) {
    if (!ImGui::BeginTabItem(label, nullptr, flags)) return;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    draw(avail.x, avail.y);
    ImGui::EndTabItem();
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
      report(r) {}

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

void Viewer::set_presentation(bool on) {
    st_.presentation = on;
    ImGui::GetIO().FontDefault = on && font_large_ != nullptr ? font_large_ : font_normal_;
}

void Viewer::apply(Action a) {
    const int64_t t = st_.cursor.t;
    switch (a) {
        case Action::PlayPause: st_.playback.toggle(); break;
        case Action::StepForward: st_.playback.set_playing(false), st_.cursor.t = nav_.next(t, 0); break;
        case Action::StepBack: st_.playback.set_playing(false), st_.cursor.t = nav_.prev(t, 0); break;
        case Action::JumpNext: st_.cursor.t = nav_.next(t, kJumpKinds[st_.jump_kind].categories); break;
        case Action::JumpPrev: st_.cursor.t = nav_.prev(t, kJumpKinds[st_.jump_kind].categories); break;
        case Action::JumpKind1: st_.jump_kind = 0; break;
        case Action::JumpKind2: st_.jump_kind = 1; break;
        case Action::JumpKind3: st_.jump_kind = 2; break;
        case Action::JumpKind4: st_.jump_kind = 3; break;
        case Action::JumpKind5: st_.jump_kind = 4; break;
        case Action::Faster: st_.playback.faster(); break;
        case Action::Slower: st_.playback.slower(); break;
        case Action::Start: st_.cursor.t = begin_; break;
        case Action::End: st_.cursor.t = end_; break;
        case Action::NextMarker: {
            const auto it = std::upper_bound(all_markers_.begin(), all_markers_.end(), t,
                                             [](int64_t v, const Marker& m) { return v < m.t; });
            if (it != all_markers_.end()) st_.cursor.t = it->t;
            break;
        }
        case Action::PrevMarker: {
            const auto it = std::lower_bound(all_markers_.begin(), all_markers_.end(), t,
                                             [](const Marker& m, int64_t v) { return m.t < v; });
            if (it != all_markers_.begin()) st_.cursor.t = (it - 1)->t;
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
        case Action::ExportPng: {
            char name[96];
            std::snprintf(name, sizeof name, "lvsim-view-%s.png", format_seconds(t, 3).c_str());
            std::string path = name;
            std::replace(path.begin(), path.end(), ' ', '-');
            st_.export_path = path;
            break;
        }
        case Action::ToggleHelp: st_.show_help = !st_.show_help; break;
        case Action::Quit: quit_ = true; break;
    }
}

void Viewer::handle_keys() {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;  // typing into a filter box
    for (const Shortcut& s : shortcuts()) {
        if (s.shift != io.KeyShift || io.KeyCtrl || io.KeyAlt) continue;
        if (ImGui::IsKeyPressed(s.key, true)) apply(s.action);
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) st_.show_help = false;
}

void Viewer::header(const RunView& v) const {
    const RunData& r = v.run;
    ImGui::TextColored(to_vec4(colours::kDirector), "%s", r.title.c_str());
    ImGui::SameLine();
    std::string lesson = r.lesson.substr(0, r.lesson.find('\n'));
    ImGui::TextColored(to_vec4(colours::kDimText), "%s  [%s, %zu records, %zu connections]", lesson.c_str(),
                       r.in_process ? "simulated in-process" : "recorded trace", r.model.size(),
                       r.conns.connections().size());
}

void Viewer::frame(double wall_dt) {
    if (++frames_ > 2) st_.sockets_host.clear();  // --sockets selects the tab; then it is the user's
    if (!st_.headless) handle_keys();
    const int64_t before = st_.cursor.t;
    st_.playback.tick(wall_dt, st_.cursor, begin_, end_);
    if (st_.follow && (st_.playback.playing() || st_.cursor.t != before)) st_.view.follow(st_.cursor.t);

    const ImGuiIO& io = ImGui::GetIO();
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
        ImGui::TextColored(to_vec4(colours::kText), "%s  |  %s", views_[0]->run.title.c_str(),
                           views_[1]->run.title.c_str());
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
    help_overlay(st_.show_help);
}

int Viewer::sockets_tab_flags(RunView& v) {
    // --sockets HOST: the ss tab comes up selected on that host, for the first frames.
    if (st_.sockets_host.empty()) return 0;
    v.sockets.select(st_.sockets_host);
    return ImGuiTabItemFlags_SetSelected;
}

void Viewer::layout_single(RunView& v, float x, float y, float w, float h) {
    const float gap = 4;
    const float fs = ImGui::GetFontSize();
    const float left_w = std::floor(std::clamp(w * 0.34f, fs * 34, fs * 52));
    const float right_w = w - left_w - gap;
    // Left column: topology, -Ln, -Lnc.
    const float topo_h = std::floor(h * 0.37f);
    const float ln_h = std::floor(std::min(v.director.listing_height(st_.cursor.t) + 8, h * 0.28f));
    const float lnc_h = h - topo_h - ln_h - 2 * gap;
    if (begin_region("##topology", x, y, left_w, topo_h, ImGuiWindowFlags_NoScrollbar)) {
        panel_title("Topology", "open connections by TCP state: client side, server side; packets in flight");
        v.topology.draw(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    }
    ImGui::EndChild();
    if (begin_region("##director", x, y + topo_h + gap, left_w, ln_h, ImGuiWindowFlags_NoScrollbar))
        v.director.draw_listing(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    if (begin_region("##lncregion", x, y + topo_h + ln_h + 2 * gap, left_w, lnc_h,
                     ImGuiWindowFlags_NoScrollbar)) {
        if (ImGui::BeginTabBar("##lnctabs")) {
            tab("ipvsadm -Lnc", [&](float tw, float th) { v.director.draw_connections(st_, tw, th); });
            tab(
                "ss -tin (hosts)", [&](float tw, float th) { v.sockets.draw(st_, tw, th); },
                sockets_tab_flags(v));
            ImGui::EndTabBar();
        }
    }
    ImGui::EndChild();

    // Right column: the timeline, then the log and the client outcomes.
    const float rx = x + left_w + gap;
    const float tl_h = std::floor(h * 0.60f);
    if (begin_region("##timeline", rx, y, right_w, tl_h,
                     ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse))
        v.timeline.draw(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    const float by = y + tl_h + gap, bh = h - tl_h - gap;
    const float log_w = std::floor(right_w * 0.62f);
    if (begin_region("##log", rx, by, log_w, bh, ImGuiWindowFlags_NoScrollbar))
        v.log.draw(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    if (begin_region("##outcomes", rx + log_w + gap, by, right_w - log_w - gap, bh,
                     ImGuiWindowFlags_NoScrollbar)) {
        if (ImGui::BeginTabBar("##outtabs")) {
            tab("Client outcomes", [&](float tw, float th) { v.waterfall.draw(st_, tw, th); });
            tab("Report", [&](float tw, float th) { v.report.draw(st_, tw, th); });
            ImGui::EndTabBar();
        }
    }
    ImGui::EndChild();
}

void Viewer::layout_presentation(RunView& v, float x, float y, float w, float h) {
    // Large fonts leave room for fewer panels: the picture and the director's listing on
    // top, and one big tabbed area (the timeline first) below.
    const float gap = 4;
    const float top_h = std::floor(std::max(h * 0.42f, v.director.listing_height(st_.cursor.t) + 8));
    const float ln_w = std::floor(std::min(w * 0.64f, v.director.listing_width(st_.cursor.t)));
    const float topo_w = w - ln_w - gap;
    if (begin_region("##ptopo", x, y, topo_w, top_h, ImGuiWindowFlags_NoScrollbar))
        v.topology.draw(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    if (begin_region("##pdir", x + topo_w + gap, y, ln_w, top_h, ImGuiWindowFlags_NoScrollbar))
        v.director.draw_listing(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    if (begin_region("##pbottom", x, y + top_h + gap, w, h - top_h - gap,
                     ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
        if (ImGui::BeginTabBar("##ptabs")) {
            tab("Timeline", [&](float tw, float th) { v.timeline.draw(st_, tw, th); });
            tab("Event log", [&](float tw, float th) { v.log.draw(st_, tw, th); });
            tab("ipvsadm -Lnc", [&](float tw, float th) { v.director.draw_connections(st_, tw, th); });
            tab(
                "ss -tin", [&](float tw, float th) { v.sockets.draw(st_, tw, th); }, sockets_tab_flags(v));
            tab("Client outcomes", [&](float tw, float th) { v.waterfall.draw(st_, tw, th); });
            tab("Report", [&](float tw, float th) { v.report.draw(st_, tw, th); });
            ImGui::EndTabBar();
        }
    }
    ImGui::EndChild();
}

void Viewer::layout_compare(float x, float y, float w, float h) {
    const float gap = 6;
    const float cw = std::floor((w - gap) * 0.5f);
    compare_column(*views_[0], 0, x, y, cw, h);
    compare_column(*views_[1], 1, x + cw + gap, y, w - cw - gap, h);
}

void Viewer::compare_column(RunView& v, int index, float x, float y, float w, float h) {
    ImGui::PushID(index);
    const float gap = 4;
    const float lh = ImGui::GetTextLineHeightWithSpacing();
    ImGui::SetCursorScreenPos(ImVec2(x, y));
    ImGui::TextColored(to_vec4(colours::kDirector), "%s", v.run.title.c_str());
    ImGui::SameLine();
    const std::string lesson = v.run.lesson.substr(0, v.run.lesson.find('\n'));
    ImGui::TextColored(to_vec4(colours::kDimText), "%s", lesson.c_str());
    y += lh;
    h -= lh;
    const float top_h = std::floor(std::max(h * 0.27f, v.director.listing_height(st_.cursor.t) + 8));
    const float topo_w = std::floor(std::max(w * 0.35f, w - gap - v.director.listing_width(st_.cursor.t)));
    if (begin_region("##ctopo", x, y, topo_w, top_h, ImGuiWindowFlags_NoScrollbar))
        v.topology.draw(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    if (begin_region("##cdir", x + topo_w + gap, y, w - topo_w - gap, top_h, ImGuiWindowFlags_NoScrollbar))
        v.director.draw_listing(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    const float tl_y = y + top_h + gap;
    const float tl_h = std::floor(h * 0.43f);
    if (begin_region("##ctimeline", x, tl_y, w, tl_h,
                     ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse))
        v.timeline.draw(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    const float by = tl_y + tl_h + gap;
    if (begin_region("##cbottom", x, by, w, y + h - by, ImGuiWindowFlags_NoScrollbar)) {
        if (ImGui::BeginTabBar("##ctabs")) {
            tab("Event log", [&](float tw, float th) { v.log.draw(st_, tw, th); });
            tab("Client outcomes", [&](float tw, float th) { v.waterfall.draw(st_, tw, th); });
            tab("-Lnc", [&](float tw, float th) { v.director.draw_connections(st_, tw, th); });
            tab(
                "ss", [&](float tw, float th) { v.sockets.draw(st_, tw, th); }, sockets_tab_flags(v));
            tab("Report", [&](float tw, float th) { v.report.draw(st_, tw, th); });
            ImGui::EndTabBar();
        }
    }
    ImGui::EndChild();
    ImGui::PopID();
}

}  // namespace lvs::viz
