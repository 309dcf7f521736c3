#include "viz/panels/transport_panel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viz/layout/layout_audit.hpp"
#include "viz/panels/panel_util.hpp"

namespace lvs::viz {

void TransportPanel::draw(ViewerState& st, const std::vector<const std::vector<Marker>*>& markers,
                          int64_t begin, int64_t end, TransportRequests& req) {
    if (ImGui::Button("|<")) req.start = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("start (Home)");
    ImGui::SameLine();
    if (ImGui::Button(" < ")) req.step_back = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("step one event back (Left)");
    ImGui::SameLine();
    if (ImGui::Button(st.playback.playing() ? "  Pause  " : "  Play   ")) st.playback.toggle();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("play / pause (Space)");
    ImGui::SameLine();
    if (ImGui::Button(" > ")) req.step_forward = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("step one event forward (Right)");
    ImGui::SameLine();
    if (ImGui::Button(">|")) req.end = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("end (End)");

    ImGui::SameLine(0, 16);
    float speed = static_cast<float>(st.playback.speed());
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    char fmt[32];
    std::snprintf(fmt, sizeof fmt, "speed %s", speed < 1 ? "%.1fx" : "%.0fx");
    if (ImGui::SliderFloat("##speed", &speed, static_cast<float>(Playback::kMinSpeed),
                           static_cast<float>(Playback::kMaxSpeed), fmt,
                           ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_NoRoundToFormat))
        st.playback.set_speed(speed);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("playback speed, simulated seconds per second (Up / Down)");

    ImGui::SameLine(0, 16);
    if (ImGui::Button("<<")) req.jump_prev = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("previous event of this kind (Shift+Left)");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 11);
    if (ImGui::BeginCombo("##jump", kJumpKinds[st.jump_kind].name)) {
        for (int i = 0; i < kJumpCategoryCount; ++i)
            if (ImGui::Selectable(kJumpKinds[i].name, i == st.jump_kind)) st.jump_kind = i;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (ImGui::Button(">>")) req.jump_next = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("next event of this kind (Shift+Right; kinds 1-5)");

    // The time on this line when it fits, else at the start of the next (never cut).
    const std::string now = "t = " + cursor_text(st.cursor.t);
    const std::string of = "/ " + cursor_text(end);
    const float time_w = ImGui::CalcTextSize(now.c_str()).x + ImGui::CalcTextSize(of.c_str()).x + 24;
    if (ImGui::GetItemRectMax().x + time_w <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
        ImGui::SameLine(0, 16);
    ImGui::TextColored(to_vec4(colours::kCursor), "%s", now.c_str());
    if (LayoutAudit* audit = LayoutAudit::active()) audit->last_item(now);
    ImGui::SameLine();
    ImGui::TextColored(to_vec4(colours::kDimText), "%s", of.c_str());
    if (LayoutAudit* audit = LayoutAudit::active()) audit->last_item(of);

    // Toggles on the right when they fit, else on a line of their own.
    const float right = ImGui::GetWindowContentRegionMax().x;
    const float w_toggles = ImGui::GetFontSize() * 22;
    const float used = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;
    if (used + 20 + w_toggles <= right) ImGui::SameLine(right - w_toggles);
    bool compressed = st.view.compressed();
    if (ImGui::Checkbox("compressed", &compressed)) st.view.set_compressed(compressed);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("non-linear time axis: busy stretches wide, idle ones narrow (C)");
    ImGui::SameLine();
    ImGui::Checkbox("follow", &st.follow);
    ImGui::SameLine();
    if (ImGui::Button(st.presentation ? "normal" : "present")) req.toggle_presentation = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("presentation mode: large fonts (P)");
    ImGui::SameLine();
    if (ImGui::Button("PNG")) req.export_png = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("export the current view as PNG (E)");
    ImGui::SameLine();
    if (ImGui::Button("?")) st.show_help = !st.show_help;

    scrubber(st, markers, begin, end);
}

void TransportPanel::scrubber(ViewerState& st, const std::vector<const std::vector<Marker>*>& markers,
                              int64_t begin, int64_t end) {
    const float h = ImGui::GetTextLineHeight() + 12;
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    ImGui::InvisibleButton("##scrubber", ImVec2(w, h));
    const bool hovered = ImGui::IsItemHovered();
    const float x0 = p.x + 6, x1 = p.x + w - 6;
    if (ImGui::IsItemActive()) {
        st.cursor.t = std::clamp(st.view.full_t_of(ImGui::GetIO().MousePos.x, x0, x1), begin, end);
        dragging_ = true;
    } else {
        dragging_ = false;
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    // A thin track rather than a filled box: the software renderer pays for every pixel.
    dl->AddRectFilled(ImVec2(p.x, p.y + h * 0.5f - 4), ImVec2(p.x + w, p.y + h * 0.5f + 4),
                      colours::kPanel.abgr(), 3.0f);
    // The zoomed window, so the user sees where the timeline looks.
    if (st.view.zoomed()) {
        const float a = st.view.full_x_of(st.view.visible_begin(), x0, x1);
        const float b = st.view.full_x_of(st.view.visible_end(), x0, x1);
        dl->AddRectFilled(ImVec2(a, p.y + 2), ImVec2(std::max(a + 2, b), p.y + h - 2),
                          colours::kGrid.abgr(200), 2.0f);
    }
    const float mid = p.y + h * 0.5f;
    dl->AddLine(ImVec2(x0, mid), ImVec2(x1, mid), colours::kDimText.abgr(120), 2.0f);
    const float dy = markers.size() > 1 ? h * 0.22f : 0.0f;
    for (size_t run = 0; run < markers.size(); ++run) {
        const float y = mid + (run == 0 ? -dy : dy);
        for (const Marker& m : *markers[run]) {
            const float x = std::floor(st.view.full_x_of(m.t, x0, x1)) + 0.5f;
            const uint32_t col = marker_colour(m.kind).abgr();
            if (m.kind == Marker::Kind::Action)
                dl->AddLine(ImVec2(x, p.y + 2), ImVec2(x, p.y + h - 2), col, 2.0f);
            else dl->AddCircleFilled(ImVec2(x, y), 3.0f, col, 8);
        }
    }
    const float cx = std::floor(st.view.full_x_of(st.cursor.t, x0, x1)) + 0.5f;
    dl->AddLine(ImVec2(cx, p.y), ImVec2(cx, p.y + h), colours::kCursor.abgr(), 2.0f);
    dl->AddTriangleFilled(ImVec2(cx - 6, p.y), ImVec2(cx + 6, p.y), ImVec2(cx, p.y + 7),
                          colours::kCursor.abgr());
    if (hovered && !st.headless) {
        const int64_t t = st.view.full_t_of(ImGui::GetIO().MousePos.x, x0, x1);
        // The nearest marker explains itself.
        const Marker* near = nullptr;
        float best = 6;
        for (const auto* list : markers)
            for (const Marker& m : *list) {
                const float d = std::fabs(st.view.full_x_of(m.t, x0, x1) - ImGui::GetIO().MousePos.x);
                if (d < best) best = d, near = &m;
            }
        if (near != nullptr) ImGui::SetTooltip("%s  %s", cursor_text(near->t).c_str(), near->label.c_str());
        else ImGui::SetTooltip("%s", cursor_text(std::clamp(t, begin, end)).c_str());
    }
}

}  // namespace lvs::viz
