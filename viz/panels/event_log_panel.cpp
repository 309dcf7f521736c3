#include "viz/panels/event_log_panel.hpp"

#include <algorithm>
#include <cstdio>

#include "viz/derive/event_text.hpp"
#include "viz/panels/panel_util.hpp"

namespace lvs::viz {

namespace {
const char* kCategoryNames[9] = {"admin",   "sched",    "state", "faults", "timers",
                                 "packets", "listings", "http",  "checks"};
}

EventLogPanel::EventLogPanel(const RunData& run) : run_(run) {}

bool EventLogPanel::passes(const Record& r) const {
    if (r.category == 0) return show_other_;
    for (int b = 0; b < 9; ++b)
        if ((r.category & (1u << b)) != 0 && show_[b]) return true;
    return false;
}

void EventLogPanel::refilter() {
    rows_.clear();
    const TraceModel& m = run_.model;
    const bool text = filter_.IsActive();
    std::string line;
    for (uint32_t i = 0; i < m.size(); ++i) {
        const Record& r = m.at(i);
        if (!passes(r)) continue;
        if (text) {
            line.assign(m.str(r.entity));
            line += ' ';
            line += m.str(r.kind);
            line += ' ';
            line += event_summary(m, r);
            line += ' ';
            line += event_reason(m, r);
            if (!filter_.PassFilter(line.c_str())) continue;
        }
        rows_.push_back(i);
    }
    dirty_ = false;
}

void EventLogPanel::draw_controls(const ViewerState& st) {
    const TraceModel& m = run_.model;
    char detail[64];
    std::snprintf(detail, sizeof detail, "%zu of %zu records", rows_.size(), m.size());
    panel_title("Event log", detail);
    // Kinds in a popup (they do not fit on a line in a narrow panel); the button says which.
    std::string kinds;
    for (int b = 0; b < 9; ++b)
        if (show_[b]) kinds += (kinds.empty() ? "" : " ") + std::string(kCategoryNames[b]);
    if (show_other_) kinds += " other";
    if (ImGui::Button("kinds")) ImGui::OpenPopup("##kinds");
    if (ImGui::BeginPopup("##kinds")) {
        for (int b = 0; b < 9; ++b)
            if (ImGui::Checkbox(kCategoryNames[b], &show_[b])) dirty_ = true;
        if (ImGui::Checkbox("other", &show_other_)) dirty_ = true;
        ImGui::EndPopup();
    }
    ImGui::SameLine();
    ImGui::TextColored(to_vec4(colours::kDimText), "%s", kinds.c_str());
    ImGui::SetNextItemWidth(-1);
    if (filter_.Draw("##logfilter", -1)) dirty_ = true;
    if (!filter_.IsActive() && !st.headless) {
        const ImVec2 r = ImGui::GetItemRectMin();
        ImGui::GetWindowDrawList()->AddText(ImVec2(r.x + 6, r.y + 3), colours::kDimText.abgr(110),
                                            "filter: rs1, SYN, ipvs.drop, -net.packet ...");
    }
    if (dirty_) refilter();
}

void EventLogPanel::draw(ViewerState& st, float width, float height) {
    (void)width;
    (void)height;
    const TraceModel& m = run_.model;
    draw_controls(st);

    // The row of the latest record at or before the cursor.
    const auto cur_it = std::upper_bound(rows_.begin(), rows_.end(), st.cursor.t,
                                         [&m](int64_t t, uint32_t i) { return t < m.at(i).t; });
    const int current = static_cast<int>(cur_it - rows_.begin()) - 1;
    const bool cursor_moved = st.cursor.t != last_cursor_;
    last_cursor_ = st.cursor.t;
    // With the future hidden the log ends at the cursor.
    const int shown = st.show_future ? static_cast<int>(rows_.size()) : current + 1;

    const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit |
                                  ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable("##log", 4, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    const float fs = ImGui::GetFontSize();
    ImGui::TableSetupColumn("time", ImGuiTableColumnFlags_WidthFixed, fs * 7.5f);
    ImGui::TableSetupColumn("entity", ImGuiTableColumnFlags_WidthFixed, fs * 6.0f);
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch, 1.8f);
    ImGui::TableSetupColumn("why", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    const float row_h = ImGui::GetTextLineHeightWithSpacing();
    if (cursor_moved) {
        // Follow the cursor: its line in the middle of the view.
        const float visible = ImGui::GetWindowHeight();
        ImGui::SetScrollY(std::max(0.0f, (static_cast<float>(current) + 1) * row_h - visible * 0.5f));
    }
    ImGuiListClipper clip;
    clip.Begin(shown, row_h);
    while (clip.Step()) {
        for (int row = clip.DisplayStart; row < clip.DisplayEnd; ++row) {
            const uint32_t ri = rows_[static_cast<size_t>(row)];
            const bool at_cursor =
                row == current || (current >= 0 && m.at(ri).t == m.at(rows_[static_cast<size_t>(current)]).t);
            draw_row(st, ri, at_cursor);
        }
    }
    ImGui::EndTable();
}

void EventLogPanel::draw_row(ViewerState& st, uint32_t ri, bool at_cursor) {
    const TraceModel& m = run_.model;
    const Record& r = m.at(ri);
    ImGui::TableNextRow();
    const bool future = r.t > st.cursor.t;
    if (at_cursor) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, colours::kCursor.abgr(70));
    ImGui::TableSetColumnIndex(0);
    ImGui::PushID(static_cast<int>(ri));
    const std::string t = format_seconds(r.t, 6);
    if (future) ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(colours::kDimText, 0.75f));
    if (ImGui::Selectable(t.c_str(), selected_ == ri, ImGuiSelectableFlags_SpanAllColumns)) {
        selected_ = ri;
        st.cursor.t = r.t;
        last_cursor_ = r.t;  // the line is on screen: do not scroll to it
        // A line about a connection selects it (the inspector opens).
        if (const int32_t conn = run_.conns.connection_of(m, r); conn >= 0)
            st.selected_conn = conn, st.selected_run = &run_;
    }
    if (ImGui::IsItemHovered() && !st.headless) record_tooltip(ri, t);
    ImGui::TableSetColumnIndex(1);
    ImGui::TextUnformatted(m.str(r.entity).data(), m.str(r.entity).data() + m.str(r.entity).size());
    ImGui::TableSetColumnIndex(2);
    ImGui::TextUnformatted(event_summary(m, r).c_str());
    ImGui::TableSetColumnIndex(3);
    const std::string why = reason(ri);
    if (!why.empty())
        ImGui::TextColored(to_vec4(colours::kMarkerAdmin, future ? 0.6f : 1.0f), "%s", why.c_str());
    if (future) ImGui::PopStyleColor();
    ImGui::PopID();
}

void EventLogPanel::record_tooltip(uint32_t ri, const std::string& time_text) const {
    const TraceModel& m = run_.model;
    const Record& r = m.at(ri);
    ImGui::BeginTooltip();
    ImGui::Text("%s  %.*s  %.*s", time_text.c_str(), static_cast<int>(m.str(r.entity).size()),
                m.str(r.entity).data(), static_cast<int>(m.str(r.kind).size()), m.str(r.kind).data());
    ImGui::TextWrapped("%s", event_fields(m, r).c_str());
    // Walk back along the causes: what made this happen.
    int64_t c = cause_record(m, ri);
    for (int depth = 0; c >= 0 && depth < 4; ++depth) {
        const Record& cr = m.at(static_cast<size_t>(c));
        ImGui::TextColored(to_vec4(colours::kDimText), "%s because  %s  %.*s: %s", depth == 0 ? "" : "  ",
                           format_seconds(cr.t).c_str(), static_cast<int>(m.str(cr.entity).size()),
                           m.str(cr.entity).data(), event_summary(m, cr).c_str());
        c = cause_record(m, static_cast<uint32_t>(c));
    }
    ImGui::EndTooltip();
}

std::string EventLogPanel::reason(uint32_t ri) const {
    const TraceModel& m = run_.model;
    const Record& r = m.at(ri);
    std::string text = event_reason(m, r);
    if (!text.empty() || (r.category & kCatState) == 0) return text;
    // A transition's reason is what arrived (the packet), or the event that armed the timer
    // (or delay) that ran out now.
    const int64_t c = cause_record(m, ri);
    if (c < 0) return text;
    const Record& cr = m.at(static_cast<size_t>(c));
    if (cr.kind == m.kinds().net_packet && m.get_int(cr, m.keys().arrive, -1) == r.t)
        return "on [" + std::string(m.get_text(cr, m.keys().flags)) + "] from " +
               std::string(m.str(cr.entity));
    if (cr.t < r.t)
        return "scheduled at " + format_seconds(cr.t, 6) + " (" + std::string(m.str(cr.entity)) + ")";
    return "with " + std::string(m.str(cr.kind)) + " (" + std::string(m.str(cr.entity)) + ")";
}

}  // namespace lvs::viz
