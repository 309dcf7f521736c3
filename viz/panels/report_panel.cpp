#include "viz/panels/report_panel.hpp"

#include <imgui.h>

#include "models/trace/vocabulary.hpp"
#include "viz/derive/event_text.hpp"
#include "viz/panels/panel_util.hpp"

namespace lvs::viz {

void ReportPanel::draw(const ViewerState& st, float width, float height) {
    ImGui::BeginChild("##report", ImVec2(width, height), false, ImGuiWindowFlags_HorizontalScrollbar);
    const TraceModel& m = run_.model;
    const auto& K = m.keys();
    ImGui::TextColored(to_vec4(colours::kText), "Expectations checked by %s",
                       format_seconds(st.cursor.t, 3).c_str());
    int shown = 0;
    for (uint32_t ri : m.of_kind(m.kinds().expectation)) {
        const Record& r = m.at(ri);
        const bool due = r.t <= st.cursor.t;
        const bool ok = m.get_int(r, K.passed) != 0;
        const Rgb c = !due ? colours::kDimText : ok ? colours::kPass : colours::kFail;
        ImGui::TextColored(to_vec4(c), "%s %-10s %.*s   [%.*s]",
                           !due ? "    "
                           : ok ? "PASS"
                                : "FAIL",
                           format_seconds(r.t, 0).c_str(), static_cast<int>(m.get_text(r, K.that).size()),
                           m.get_text(r, K.that).data(), static_cast<int>(m.get_text(r, K.observed).size()),
                           m.get_text(r, K.observed).data());
        ++shown;
    }
    if (shown == 0) ImGui::TextColored(to_vec4(colours::kDimText), "(none in this run)");
    // A graded exercise (`lvsim grade --trace`): each question right or wrong, with its hint.
    for (uint32_t ri : m.of_kind(trace::kind::exercise_grade)) {
        const Record& r = m.at(ri);
        if (r.t > st.cursor.t) continue;
        const bool right = m.get_int(r, m.find_str("right")) != 0;
        ImGui::TextColored(to_vec4(right ? colours::kPass : colours::kFail), "%s %s: %s  %s",
                           right ? "RIGHT" : "WRONG",
                           std::string(m.get_text(r, m.find_str("student"))).c_str(),
                           std::string(m.get_text(r, m.find_str("question"))).c_str(),
                           std::string(m.get_text(r, m.find_str("detail"))).c_str());
        if (!right)
            ImGui::TextColored(to_vec4(colours::kDimText), "    hint: %s",
                               std::string(m.get_text(r, m.find_str("hint"))).c_str());
    }
    for (const std::string& notice : run_.notices)
        ImGui::TextColored(to_vec4(colours::kFail), "%s", notice.c_str());
    ImGui::Separator();
    if (!run_.report_text.empty() && !st.show_future && st.cursor.t < run_.end()) {
        ImGui::TextColored(to_vec4(colours::kDimText),
                           "The run's report tells how it ends: hidden with the future (V shows it).");
    } else if (!run_.report_text.empty()) {
        ImGui::TextColored(to_vec4(colours::kText), "lvsim run report (end of the run)");
        ImGui::TextUnformatted(run_.report_text.c_str(), run_.report_text.c_str() + run_.report_text.size());
    } else {
        ImGui::TextColored(
            to_vec4(colours::kDimText),
            "A recorded trace carries no report: open the scenario file for `lvsim run`'s report.");
    }
    ImGui::EndChild();
}

}  // namespace lvs::viz
