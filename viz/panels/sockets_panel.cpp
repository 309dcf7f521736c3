#include "viz/panels/sockets_panel.hpp"

#include <imgui.h>

#include <algorithm>

#include "viz/derive/event_text.hpp"
#include "viz/panels/panel_util.hpp"

namespace lvs::viz {

SocketsPanel::SocketsPanel(const RunData& run) : run_(run) {
    const TraceModel& m = run.model;
    for (uint32_t ri : m.of_kind(m.kinds().host_sockets)) {
        const std::string_view host = m.get_text(m.at(ri), m.keys().host);
        auto it = std::find(hosts_.begin(), hosts_.end(), host);
        if (it == hosts_.end()) {
            hosts_.emplace_back(host);
            records_.emplace_back();
            it = hosts_.end() - 1;
        }
        records_[static_cast<size_t>(it - hosts_.begin())].push_back(ri);
    }
    // Start on the first realserver rather than the director (whose stack is mostly idle).
    if (hosts_.size() > 1 && hosts_[0] == "director") selected_ = 1;
}

void SocketsPanel::select(const std::string& host) {
    for (size_t i = 0; i < hosts_.size(); ++i)
        if (hosts_[i] == host) selected_ = static_cast<int>(i);
}

std::string_view SocketsPanel::listing(size_t h, int64_t t) const {
    if (h >= records_.size()) return {};
    const int64_t rec = run_.model.latest(records_[h], t);
    if (rec < 0) return {};
    return run_.model.get_text(run_.model.at(static_cast<size_t>(rec)), run_.model.keys().ss);
}

void SocketsPanel::draw(const ViewerState& st, float width, float height) {
    ImGui::BeginChild("##sockets", ImVec2(width, height), false, ImGuiWindowFlags_HorizontalScrollbar);
    if (hosts_.empty()) {
        ImGui::TextColored(to_vec4(colours::kDimText),
                           "No socket listings in this run (they are recorded with tracing on, for the\n"
                           "director, the realservers and up to 16 client hosts).");
        ImGui::EndChild();
        return;
    }
    ImGui::SetNextItemWidth(std::min(width * 0.5f, 240.0f));
    if (ImGui::BeginCombo("host##sshost", hosts_[static_cast<size_t>(selected_)].c_str())) {
        for (size_t i = 0; i < hosts_.size(); ++i)
            if (ImGui::Selectable(hosts_[i].c_str(), static_cast<int>(i) == selected_))
                selected_ = static_cast<int>(i);
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::TextColored(to_vec4(colours::kDimText), "ss -tin at %s", format_seconds(st.cursor.t, 0).c_str());
    const std::string_view text = listing(static_cast<size_t>(selected_), st.cursor.t);
    if (text.empty()) ImGui::TextColored(to_vec4(colours::kDimText), "(no listing yet)");
    else ImGui::TextUnformatted(text.data(), text.data() + text.size());
    ImGui::EndChild();
}

}  // namespace lvs::viz
