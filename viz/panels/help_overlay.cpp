#include "viz/panels/help_overlay.hpp"

#include <imgui.h>

#include "viz/panels/panel_util.hpp"
#include "viz/shortcuts.hpp"

namespace lvs::viz {

void help_overlay(bool& open) {
    if (!open) return;
    const ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Always,
                            ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowBgAlpha(0.96f);
    if (!ImGui::Begin("Keyboard and mouse", &open,
                      ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                          ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        return;
    }
    if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
        for (const Shortcut& s : shortcuts()) {
            if (s.keys == nullptr) continue;  // an alternative key, listed with its first
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::TextColored(to_vec4(colours::kMarkerAdmin), "%s", s.keys);
            ImGui::TableSetColumnIndex(1);
            ImGui::TextUnformatted(s.what);
        }
        ImGui::EndTable();
    }
    ImGui::Separator();
    ImGui::TextColored(to_vec4(colours::kText), "Mouse");
    ImGui::BulletText("click or drag on the scrubber or a timeline row: move the cursor");
    ImGui::BulletText(
        "wheel over a timeline: zoom around the mouse; right-drag: pan; double-click: whole run");
    ImGui::BulletText("wheel over the row labels: scroll the rows");
    ImGui::BulletText("click a line of the event log: move the cursor to it (hover: fields and causes)");
    ImGui::BulletText("click a marker (triangle, dot) on the timeline: go to that action or expectation");
    ImGui::Separator();
    ImGui::TextColored(to_vec4(colours::kDimText),
                       "Lanes: client TCP (top), IPVS entry (thin), server TCP (bottom).");
    ImGui::TextColored(to_vec4(colours::kDimText),
                       "Panels show what is known at the cursor; V shows what comes after it, faded.");
    ImGui::End();
}

}  // namespace lvs::viz
