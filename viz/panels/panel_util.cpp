#include "viz/panels/panel_util.hpp"

#include <cmath>

#include "viz/derive/event_text.hpp"
#include "viz/layout/layout_audit.hpp"

namespace lvs::viz {

std::string fit_text(std::string_view text, float width) {
    if (ImGui::CalcTextSize(text.data(), text.data() + text.size()).x <= width) return std::string(text);
    // Drop words from the end (then characters) until it fits with "..." after it.
    std::string s(text);
    while (!s.empty() && ImGui::CalcTextSize((s + "...").c_str()).x > width) {
        const size_t space = s.find_last_of(' ');
        s.resize(space != std::string::npos && space > 0 && s.size() - space < 16 ? space : s.size() - 1);
    }
    return s.empty() ? std::string() : s + "...";
}

void panel_title(const char* title, const char* detail) {
    ImGui::TextColored(to_vec4(colours::kText), "%s", title);
    if (LayoutAudit* audit = LayoutAudit::active()) audit->last_item(title);
    if (detail != nullptr && detail[0] != '\0') {
        // The detail gives way: shortened to the room left on the line, never cut mid-glyph.
        ImGui::SameLine();
        const std::string d = fit_text(detail, ImGui::GetContentRegionAvail().x);
        if (!d.empty()) {
            ImGui::TextColored(to_vec4(colours::kDimText), "%s", d.c_str());
            if (LayoutAudit* audit = LayoutAudit::active()) audit->last_item(d);
        }
    }
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddLine(
        ImVec2(p.x, p.y - 1), ImVec2(p.x + ImGui::GetContentRegionAvail().x, p.y - 1), colours::kGrid.abgr());
    ImGui::Dummy(ImVec2(0, 1));
}

void state_legend(std::initializer_list<ConnState> states) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float lh = ImGui::GetTextLineHeight();
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    for (ConnState s : states) {
        const StateInfo& info = state_info(s);
        const float sz = 9.0f;
        // Wrapped rather than cut at the panel's edge (large fonts, narrow panels).
        const float item_w =
            sz + 3 + ImGui::CalcTextSize(info.name.data(), info.name.data() + info.name.size()).x;
        if (ImGui::GetCursorScreenPos().x + item_w > right) ImGui::NewLine();
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float y = std::floor(p.y + (lh - sz) * 0.5f);
        dl->AddRectFilled(ImVec2(std::floor(p.x), y), ImVec2(std::floor(p.x) + sz, y + sz),
                          info.colour.abgr());
        ImGui::Dummy(ImVec2(sz + 3, lh));
        ImGui::SameLine(0, 0);
        ImGui::TextColored(to_vec4(colours::kDimText), "%.*s", static_cast<int>(info.name.size()),
                           info.name.data());
        if (LayoutAudit* audit = LayoutAudit::active()) audit->last_item(info.name);
        ImGui::SameLine(0, 10);
    }
    ImGui::NewLine();
}

std::string cursor_text(int64_t t) { return format_seconds(t, 6); }

}  // namespace lvs::viz
