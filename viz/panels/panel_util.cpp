#include "viz/panels/panel_util.hpp"

#include <cmath>

#include "viz/derive/event_text.hpp"

namespace lvs::viz {

void panel_title(const char* title, const char* detail) {
    ImGui::TextColored(to_vec4(colours::kText), "%s", title);
    if (detail != nullptr && detail[0] != '\0') {
        ImGui::SameLine();
        ImGui::TextColored(to_vec4(colours::kDimText), "%s", detail);
    }
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddLine(
        ImVec2(p.x, p.y - 1), ImVec2(p.x + ImGui::GetContentRegionAvail().x, p.y - 1), colours::kGrid.abgr());
    ImGui::Dummy(ImVec2(0, 1));
}

void state_legend(std::initializer_list<ConnState> states) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float lh = ImGui::GetTextLineHeight();
    for (ConnState s : states) {
        const StateInfo& info = state_info(s);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float sz = 9.0f;
        const float y = std::floor(p.y + (lh - sz) * 0.5f);
        dl->AddRectFilled(ImVec2(std::floor(p.x), y), ImVec2(std::floor(p.x) + sz, y + sz),
                          info.colour.abgr());
        ImGui::Dummy(ImVec2(sz + 3, lh));
        ImGui::SameLine(0, 0);
        ImGui::TextColored(to_vec4(colours::kDimText), "%.*s", static_cast<int>(info.name.size()),
                           info.name.data());
        ImGui::SameLine(0, 10);
    }
    ImGui::NewLine();
}

std::string cursor_text(int64_t t) { return format_seconds(t, 6); }

}  // namespace lvs::viz
