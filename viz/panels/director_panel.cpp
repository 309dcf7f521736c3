#include "viz/panels/director_panel.hpp"

#include <algorithm>
#include <cstdio>

#include "viz/derive/event_text.hpp"
#include "viz/layout/layout_audit.hpp"
#include "viz/panels/panel_util.hpp"

namespace lvs::viz {

float DirectorPanel::listing_height(int64_t t) const {
    const TraceModel& m = run_.model;
    const int64_t rec = m.latest(m.of_kind(m.kinds().listing), t);
    int lines = 1;
    if (rec >= 0)
        for (char c : m.get_text(m.at(static_cast<size_t>(rec)), m.keys().ipvsadm_ln))
            lines += c == '\n' ? 1 : 0;
    return static_cast<float>(lines + 2) * ImGui::GetTextLineHeightWithSpacing();
}

float DirectorPanel::listing_width(int64_t t) const {
    const TraceModel& m = run_.model;
    const int64_t rec = m.latest(m.of_kind(m.kinds().listing), t);
    float w = ImGui::CalcTextSize("# ipvsadm -Ln (listed at 000.000000 s)").x;
    if (rec >= 0) {
        const std::string_view text = m.get_text(m.at(static_cast<size_t>(rec)), m.keys().ipvsadm_ln);
        size_t pos = 0;
        while (pos < text.size()) {
            size_t nl = text.find('\n', pos);
            if (nl == std::string_view::npos) nl = text.size();
            w = std::max(w, ImGui::CalcTextSize(text.data() + pos, text.data() + nl).x);
            pos = nl + 1;
        }
    }
    return w + ImGui::GetStyle().WindowPadding.x * 2 + 4;
}

void DirectorPanel::draw_listing(const ViewerState& st, float width, float height) {
    const TraceModel& m = run_.model;
    const int64_t rec = m.latest(m.of_kind(m.kinds().listing), st.cursor.t);
    char detail[96] = "";
    if (rec >= 0)
        std::snprintf(detail, sizeof detail, "(listed at %s)",
                      format_seconds(m.at(static_cast<size_t>(rec)).t).c_str());
    ImGui::BeginChild("##ln", ImVec2(width, height), false, ImGuiWindowFlags_HorizontalScrollbar);
    panel_title("# ipvsadm -Ln", detail);
    if (st.conceal == "listing") {
        ImGui::TextColored(to_vec4(colours::kMarkerAdmin), "Hidden: predict it first (PageDown shows it).");
    } else if (rec < 0) {
        ImGui::TextColored(to_vec4(colours::kDimText), "(no listing yet: the run has no director records)");
    } else {
        // Line by line, so that the layout check can hold each against the panel.
        const std::string_view text = m.get_text(m.at(static_cast<size_t>(rec)), m.keys().ipvsadm_ln);
        size_t pos = 0;
        while (pos < text.size()) {
            size_t nl = text.find('\n', pos);
            if (nl == std::string_view::npos) nl = text.size();
            std::string_view line = text.substr(pos, nl - pos);
            while (!line.empty() && line.back() == ' ') line.remove_suffix(1);  // ipvsadm pads columns
            ImGui::TextUnformatted(line.data(), line.data() + line.size());
            if (LayoutAudit* audit = LayoutAudit::active()) audit->last_item(line);
            pos = nl + 1;
        }
    }
    ImGui::EndChild();
}

void DirectorPanel::refresh(int64_t record) {
    if (record == parsed_record_) return;
    parsed_record_ = record;
    entries_.clear();
    if (record >= 0) {
        const std::string_view text =
            run_.model.get_text(run_.model.at(static_cast<size_t>(record)), run_.model.keys().ipvsadm_lnc);
        size_t pos = 0;
        int line_no = 0;
        while (pos < text.size()) {
            size_t nl = text.find('\n', pos);
            if (nl == std::string_view::npos) nl = text.size();
            const std::string_view line = text.substr(pos, nl - pos);
            pos = nl + 1;
            if (line_no++ < 2 || line.empty()) continue;  // "IPVS connection entries" and the header
            Entry e;
            e.line = line;
            size_t i = 0;
            for (int c = 0; c < 6; ++c) {
                while (i < line.size() && line[i] == ' ') ++i;
                size_t j = i;
                while (j < line.size() && line[j] != ' ') ++j;
                e.cols[c] = line.substr(i, j - i);
                i = j;
            }
            e.state = state_from_name(e.cols[2]);
            entries_.push_back(std::move(e));
        }
    }
    refilter();
}

void DirectorPanel::refilter() {
    shown_.clear();
    for (uint32_t i = 0; i < entries_.size(); ++i)
        if (filter_.PassFilter(entries_[i].line.data(), entries_[i].line.data() + entries_[i].line.size()))
            shown_.push_back(i);
}

void DirectorPanel::draw_connections(ViewerState& st, float width, float height) {
    const TraceModel& m = run_.model;
    const int64_t rec = m.latest(m.of_kind(m.kinds().connections), st.cursor.t);
    refresh(rec);
    ImGui::BeginChild("##lnc", ImVec2(width, height), false);
    char detail[128];
    std::snprintf(detail, sizeof detail, "%zu entries, %zu shown%s%s", entries_.size(), shown_.size(),
                  rec >= 0 ? ", listed at " : "",
                  rec >= 0 ? format_seconds(m.at(static_cast<size_t>(rec)).t, 0).c_str() : "");
    panel_title("# ipvsadm -Lnc", detail);
    if (st.conceal == "connections") {
        ImGui::TextColored(to_vec4(colours::kMarkerAdmin), "Hidden: predict it first (PageDown shows it).");
        ImGui::EndChild();
        return;
    }
    ImGui::SetNextItemWidth(-1);
    if (filter_.Draw("##lncfilter", -1)) refilter();
    if (!filter_.IsActive() && !st.headless) {
        // A hint inside the empty box.
        const ImVec2 r = ImGui::GetItemRectMin();
        ImGui::GetWindowDrawList()->AddText(ImVec2(r.x + 6, r.y + 3), colours::kDimText.abgr(110),
                                            "filter: state, address...  (-exclude, a,b)");
    }
    // No alternating row backgrounds: full-width blended rows cost the software renderer.
    const ImGuiTableFlags flags =
        ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV;
    if (ImGui::BeginTable("##lnctable", 6, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        const char* names[6] = {"pro", "expire", "state", "source", "virtual", "destination"};
        for (const char* n : names) ImGui::TableSetupColumn(n);
        ImGui::TableHeadersRow();
        ImGuiListClipper clip;
        clip.Begin(static_cast<int>(shown_.size()));
        while (clip.Step()) {
            for (int row = clip.DisplayStart; row < clip.DisplayEnd; ++row) {
                const Entry& e = entries_[shown_[static_cast<size_t>(row)]];
                ImGui::TableNextRow();
                // The row's connection (by its client address:port, open at the cursor):
                // highlighted when selected, selected by a click.
                const int32_t conn = run_.conns.connection_at(run_.model.find_str(e.cols[3]), st.cursor.t);
                const bool selected = conn >= 0 && st.selected_run == &run_ && st.selected_conn == conn;
                if (selected) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, colours::kDirector.abgr(90));
                for (int c = 0; c < 6; ++c) {
                    ImGui::TableSetColumnIndex(c);
                    if (c == 0) {
                        ImGui::PushID(row);
                        if (ImGui::Selectable("##row", false, ImGuiSelectableFlags_SpanAllColumns) &&
                            conn >= 0)
                            st.selected_conn = conn, st.selected_run = &run_;
                        ImGui::PopID();
                        ImGui::SameLine(0, 0);
                    }
                    const std::string_view v = e.cols[c];
                    if (c == 2) ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(state_colour(e.state)));
                    ImGui::TextUnformatted(v.data(), v.data() + v.size());
                    if (LayoutAudit* audit = LayoutAudit::active()) audit->last_item(v);
                    if (c == 2) ImGui::PopStyleColor();
                }
            }
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
}

}  // namespace lvs::viz
