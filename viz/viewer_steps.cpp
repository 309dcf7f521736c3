// The viewer's guided lesson: PageDown / PageUp (what presentation clickers send) walk the
// scenario's `steps:`; playback stops at each; a step's card gives its caption and question,
// points at a panel or an entity, and keeps its answer hidden until the next PageDown.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "viz/derive/event_text.hpp"
#include "viz/panels/panel_util.hpp"
#include "viz/viewer.hpp"

namespace lvs::viz {

bool Viewer::at_step() const {
    return st_.step >= 0 && st_.step < static_cast<int>(steps().size()) &&
           steps()[static_cast<size_t>(st_.step)].t == st_.cursor.t;
}

void Viewer::go_to_step(int index) {
    st_.playback.set_playing(false);
    st_.step = index;
    st_.step_revealed = false;
    st_.step_arrived = true;
    st_.cursor.t = steps()[static_cast<size_t>(index)].t;
}

void Viewer::step_forward() {
    const auto& ss = steps();
    if (at_step()) {
        const LessonStepView& s = ss[static_cast<size_t>(st_.step)];
        if (!s.question.empty() && !st_.step_revealed) {  // first the answer
            st_.step_revealed = true;
            return;
        }
        if (st_.step + 1 < static_cast<int>(ss.size())) go_to_step(st_.step + 1);
        else notify("that was the lesson's last step");
        return;
    }
    const auto it = std::upper_bound(ss.begin(), ss.end(), st_.cursor.t,
                                     [](int64_t t, const LessonStepView& s) { return t < s.t; });
    // A step exactly at the cursor that is not the current one comes first.
    const auto at = std::lower_bound(ss.begin(), ss.end(), st_.cursor.t,
                                     [](const LessonStepView& s, int64_t t) { return s.t < t; });
    if (at != ss.end() && at->t == st_.cursor.t) go_to_step(static_cast<int>(at - ss.begin()));
    else if (it != ss.end()) go_to_step(static_cast<int>(it - ss.begin()));
    else notify("no step after the cursor");
}

void Viewer::step_backward() {
    const auto& ss = steps();
    if (at_step()) {
        if (st_.step > 0) go_to_step(st_.step - 1);
        else notify("this is the lesson's first step");
        return;
    }
    const auto it = std::lower_bound(ss.begin(), ss.end(), st_.cursor.t,
                                     [](const LessonStepView& s, int64_t t) { return s.t < t; });
    if (it != ss.begin()) go_to_step(static_cast<int>(it - ss.begin()) - 1);
    else notify("no step before the cursor");
}

void Viewer::stop_at_steps(int64_t before) {
    // Playing across a step stops there, as a slide would.
    if (!st_.playback.playing() || st_.cursor.t <= before) return;
    const auto& ss = steps();
    const auto it = std::upper_bound(ss.begin(), ss.end(), before,
                                     [](int64_t t, const LessonStepView& s) { return t < s.t; });
    if (it != ss.end() && it->t <= st_.cursor.t) go_to_step(static_cast<int>(it - ss.begin()));
}

void Viewer::prepare_step_view() {
    st_.highlight.clear();
    st_.conceal.clear();
    if (!at_step()) return;
    const LessonStepView& s = steps()[static_cast<size_t>(st_.step)];
    st_.highlight = s.highlight;
    if (!s.question.empty() && !st_.step_revealed && s.reveal != "expectation") st_.conceal = s.reveal;
}

void Viewer::draw_step_card() {
    if (!at_step()) return;
    const LessonStepView& s = steps()[static_cast<size_t>(st_.step)];
    const ImGuiIO& io = ImGui::GetIO();
    const float fs = ImGui::GetFontSize();
    const float w = std::min(io.DisplaySize.x * 0.42f, fs * 34);
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x - 12, io.DisplaySize.y - 12), ImGuiCond_Always,
                            ImVec2(1, 1));
    ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0), ImVec2(w, io.DisplaySize.y * 0.6f));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, to_vec4(colours::kPanel, 0.97f));
    ImGui::PushStyleColor(ImGuiCol_Border, to_vec4(colours::kDirector));
    ImGui::Begin("##step", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                     ImGuiWindowFlags_NoNav);
    ImGui::TextColored(to_vec4(colours::kDirector), "Step %d of %zu", st_.step + 1, steps().size());
    ImGui::SameLine();
    ImGui::TextColored(to_vec4(colours::kDimText), "at %s", format_seconds(s.t, 3).c_str());
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(s.caption.c_str());
    if (!s.question.empty()) {
        ImGui::Spacing();
        ImGui::TextColored(to_vec4(colours::kMarkerAdmin), "Predict: %s", s.question.c_str());
    }
    if (!s.question.empty() && st_.step_revealed) {
        ImGui::Spacing();
        if (s.reveal == "expectation") {
            // The latest expectation checked at or before the step, as the run found it.
            const TraceModel& m = views_[0]->run.model;
            const int64_t rec = m.latest(m.of_kind(m.kinds().expectation), s.t);
            if (rec >= 0) {
                const Record& r = m.at(static_cast<size_t>(rec));
                const bool ok = m.get_int(r, m.keys().passed) != 0;
                ImGui::TextColored(to_vec4(ok ? colours::kPass : colours::kFail), "%s %s  [%s]",
                                   ok ? "PASS" : "FAIL", std::string(m.get_text(r, m.keys().that)).c_str(),
                                   std::string(m.get_text(r, m.keys().observed)).c_str());
            }
        } else if (!s.reveal.empty()) {
            ImGui::TextColored(to_vec4(colours::kPass), "Answer: now shown in the %s.",
                               s.reveal == "listing"       ? "ipvsadm -Ln listing"
                               : s.reveal == "connections" ? "ipvsadm -Lnc listing"
                                                           : "timeline");
        }
    }
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    const bool asking = !s.question.empty() && !st_.step_revealed;
    ImGui::TextColored(to_vec4(colours::kDimText), "PageDown: %s    PageUp: back",
                       asking                                            ? "the answer"
                       : st_.step + 1 < static_cast<int>(steps().size()) ? "next step"
                                                                         : "(last step)");
    ImGui::End();
    ImGui::PopStyleColor(2);
}

}  // namespace lvs::viz
