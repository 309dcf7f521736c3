#include "viz/panels/director_panel.hpp"

#include <algorithm>
#include <cstdio>

#include "viz/derive/event_text.hpp"
#include "viz/layout/layout_audit.hpp"
#include "viz/panels/panel_util.hpp"

namespace lvs::viz {

DirectorPanel::DirectorPanel(const RunData& run) : run_(run) {
    const TraceModel& m = run.model;
    if (!run.directors.present()) {
        tables_.resize(1);
        tables_[0].records = &m.of_kind(m.kinds().connections);
        return;
    }
    tables_.resize(run.directors.directors().size());
    for (size_t d = 0; d < tables_.size(); ++d)
        tables_[d].records = &run.directors.directors()[d].connections;
}

const std::vector<uint32_t>& DirectorPanel::listings(size_t d) const {
    if (!run_.directors.present()) return run_.model.of_kind(run_.model.kinds().listing);
    return run_.directors.directors()[d].listings;
}

size_t DirectorPanel::columns(int64_t t, float width) const {
    const size_t n = director_count();
    if (n <= 2 || width <= 0) return 1;
    // A column holds the listing's lines as drawn (ipvsadm's padding trimmed) and the title up
    // to the state (the time it was listed is shortened to fit).
    float column = lines_width(t, true);
    for (size_t d = 0; d < n; ++d)
        column = std::max(
            column, ImGui::CalcTextSize(("# ipvsadm -Ln " + run_.directors.label_at(d, t) + "  ").c_str()).x);
    const ImGuiStyle& style = ImGui::GetStyle();
    const float gap = style.CellPadding.x * 2 + 4, inside = width - style.WindowPadding.x * 2 - 4;
    return std::clamp<size_t>(static_cast<size_t>((inside + gap) / (column + gap)), 1, n);
}

float DirectorPanel::lines_width(int64_t t, bool trimmed) const {
    const TraceModel& m = run_.model;
    float w = 0;
    for (size_t d = 0; d < director_count(); ++d) {
        const int64_t rec = listing_at(d, t);
        if (rec < 0) continue;
        const std::string_view text = m.get_text(m.at(static_cast<size_t>(rec)), m.keys().ipvsadm_ln);
        size_t pos = 0;
        while (pos < text.size()) {
            size_t nl = text.find('\n', pos);
            if (nl == std::string_view::npos) nl = text.size();
            size_t end = nl;
            while (trimmed && end > pos && text[end - 1] == ' ') --end;
            w = std::max(w, ImGui::CalcTextSize(text.data() + pos, text.data() + end).x);
            pos = nl + 1;
        }
    }
    return w;
}

float DirectorPanel::listing_height(int64_t t, float width) const {
    const TraceModel& m = run_.model;
    const size_t cols = columns(t, width);
    int lines = 1, row_lines = 0;
    for (size_t d = 0; d < director_count(); ++d) {
        const int64_t rec = listing_at(d, t);
        int n = 0;
        if (rec >= 0)
            for (char c : m.get_text(m.at(static_cast<size_t>(rec)), m.keys().ipvsadm_ln))
                n += c == '\n' ? 1 : 0;
        // A row is as tall as its tallest listing; each row after the first has the next
        // directors' titles and the space above them.
        if (d % cols == 0) lines += row_lines + (d > 0 ? 2 : 0), row_lines = 0;
        row_lines = std::max(row_lines, n);
    }
    lines += row_lines;
    return static_cast<float>(lines + 2) * ImGui::GetTextLineHeightWithSpacing();
}

float DirectorPanel::listing_width(int64_t t) const {
    float w = ImGui::CalcTextSize("# ipvsadm -Ln (listed at 000.000000 s)").x;
    if (run_.directors.fleet())
        for (size_t d = 0; d < director_count(); ++d)
            w = std::max(
                w,
                ImGui::CalcTextSize(
                    ("# ipvsadm -Ln " + run_.directors.label_at(d, t) + " (listed at 000.000000 s)").c_str())
                    .x);
    else if (run_.directors.present())
        w = ImGui::CalcTextSize("# ipvsadm -Ln lvs1 - STOPPED (crashed) (listed at 000.000000 s)").x;
    return std::max(w, lines_width(t, false)) + ImGui::GetStyle().WindowPadding.x * 2 + 4;
}

void DirectorPanel::draw_listing_text(int64_t rec, bool dim) const {
    const TraceModel& m = run_.model;
    if (dim) ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(colours::kDimText));
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
    if (dim) ImGui::PopStyleColor();
}

void DirectorPanel::draw_listing(const ViewerState& st, float width, float height) {
    const TraceModel& m = run_.model;
    if (run_.directors.present()) {
        ImGui::BeginChild("##ln", ImVec2(width, height), false, ImGuiWindowFlags_HorizontalScrollbar);
        draw_listings(st, width + ImGui::GetStyle().WindowPadding.x * 2);  // the region's width
        ImGui::EndChild();
        return;
    }
    const int64_t rec = listing_at(0, st.cursor.t);
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
        draw_listing_text(rec, false);
    }
    ImGui::EndChild();
}

void DirectorPanel::draw_listings(const ViewerState& st, float width) {
    const size_t cols = columns(st.cursor.t, width);
    if (cols <= 1) {
        for (size_t d = 0; d < director_count(); ++d) {
            if (d > 0) ImGui::Spacing();
            draw_director_listing(st, d);
        }
        return;
    }
    if (!ImGui::BeginTable("##lngrid", static_cast<int>(cols), ImGuiTableFlags_SizingStretchSame)) return;
    for (size_t d = 0; d < director_count(); ++d) {
        ImGui::TableNextColumn();
        if (d >= cols) ImGui::Spacing();
        draw_director_listing(st, d);
    }
    ImGui::EndTable();
}

void DirectorPanel::draw_director_listing(const ViewerState& st, size_t d) {
    const TraceModel& m = run_.model;
    const DirectorSet& ds = run_.directors;
    const int64_t rec = listing_at(d, st.cursor.t);
    // "# ipvsadm -Ln  lvs2 - MASTER  (listed at ...)": the name in the director's colour
    // (red while it is down, grey while out of the router's group), its listing dimmed
    // while it is not running.
    ImGui::TextColored(to_vec4(colours::kText), "# ipvsadm -Ln");
    ImGui::SameLine();
    const std::string label = ds.label_at(d, st.cursor.t);
    const Rgb colour = ds.colour_at(d, st.cursor.t);
    ImGui::TextColored(to_vec4(colour), "%s", label.c_str());
    if (LayoutAudit* audit = LayoutAudit::active()) audit->last_item(label);
    char detail[96] = "";
    if (rec >= 0)
        std::snprintf(detail, sizeof detail, "(listed at %s)",
                      format_seconds(m.at(static_cast<size_t>(rec)).t).c_str());
    ImGui::SameLine();
    const std::string shown = fit_text(detail, ImGui::GetContentRegionAvail().x);
    ImGui::TextColored(to_vec4(colours::kDimText), "%s", shown.c_str());
    if (LayoutAudit* audit = LayoutAudit::active()) audit->last_item(shown);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddLine(
        ImVec2(p.x, p.y - 1), ImVec2(p.x + ImGui::GetContentRegionAvail().x, p.y - 1), colours::kGrid.abgr());
    ImGui::Dummy(ImVec2(0, 1));
    if (st.conceal == "listing") {
        ImGui::TextColored(to_vec4(colours::kMarkerAdmin), "Hidden: predict it first (PageDown shows it).");
    } else if (rec < 0) {
        ImGui::TextColored(to_vec4(colours::kDimText), "(no listing yet)");
    } else {
        draw_listing_text(rec, ds.down_at(d, st.cursor.t));
    }
}

std::string DirectorPanel::connections_tab(size_t d, int64_t t) const {
    const DirectorSet& ds = run_.directors;
    if (!ds.present()) return "ipvsadm -Lnc";
    const std::string id = "###lnc" + std::to_string(d);
    if (!ds.fleet()) return "ipvsadm -Lnc " + ds.label_at(d, t) + id;
    // A fleet's tabs are many: short ones ("-Lnc node3 (out)", "node3 (out)" past three); the
    // table's title says it all.
    const char* where = ds.down_at(d, t) ? "DOWN" : ds.out_at(d, t) ? "out" : "in";
    return (director_count() > 3 ? "" : "-Lnc ") + ds.directors()[d].name + " (" + where + ")" + id;
}

bool DirectorPanel::owner_changed(int64_t t) {
    const int32_t now = owner(t);
    const bool changed = now != last_owner_;
    last_owner_ = now;
    return changed && now >= 0;
}

void DirectorPanel::refresh(Table& table, int64_t record) {
    if (record == table.parsed_record) return;
    table.parsed_record = record;
    table.entries.clear();
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
            table.entries.push_back(std::move(e));
        }
    }
    refilter(table);
}

void DirectorPanel::refilter(Table& table) {
    table.shown.clear();
    for (uint32_t i = 0; i < table.entries.size(); ++i) {
        const std::string_view line = table.entries[i].line;
        if (table.filter.PassFilter(line.data(), line.data() + line.size())) table.shown.push_back(i);
    }
}

void DirectorPanel::draw_connections(ViewerState& st, float width, float height, size_t director) {
    const TraceModel& m = run_.model;
    Table& table = tables_[std::min(director, tables_.size() - 1)];
    const int64_t rec = m.latest(*table.records, st.cursor.t);
    refresh(table, rec);
    ImGui::PushID(static_cast<int>(director));
    ImGui::BeginChild("##lnc", ImVec2(width, height), false);
    char detail[200];
    const DirectorSet& ds = run_.directors;
    const std::string who = !ds.present() ? ""
                            : ds.fleet()  ? ds.label_at(director, st.cursor.t)
                                          : ds.directors()[director].name;
    std::snprintf(detail, sizeof detail, "%s%s%zu entries, %zu shown%s%s", who.c_str(),
                  ds.present() ? ": " : "", table.entries.size(), table.shown.size(),
                  rec >= 0 ? ", listed at " : "",
                  rec >= 0 ? format_seconds(m.at(static_cast<size_t>(rec)).t, 0).c_str() : "");
    panel_title("# ipvsadm -Lnc", detail);
    if (st.conceal == "connections") {
        ImGui::TextColored(to_vec4(colours::kMarkerAdmin), "Hidden: predict it first (PageDown shows it).");
    } else {
        draw_table(st, table);
    }
    ImGui::EndChild();
    ImGui::PopID();
}

void DirectorPanel::draw_table(ViewerState& st, Table& table) {
    ImGui::SetNextItemWidth(-1);
    if (table.filter.Draw("##lncfilter", -1)) refilter(table);
    if (!table.filter.IsActive() && !st.headless) {
        // A hint inside the empty box.
        const ImVec2 r = ImGui::GetItemRectMin();
        ImGui::GetWindowDrawList()->AddText(ImVec2(r.x + 6, r.y + 3), colours::kDimText.abgr(110),
                                            "filter: state, address...  (-exclude, a,b)");
    }
    // No alternating row backgrounds: full-width blended rows cost the software renderer.
    const ImGuiTableFlags flags =
        ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV;
    if (!ImGui::BeginTable("##lnctable", 6, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    const char* names[6] = {"pro", "expire", "state", "source", "virtual", "destination"};
    for (const char* n : names) ImGui::TableSetupColumn(n);
    ImGui::TableHeadersRow();
    ImGuiListClipper clip;
    clip.Begin(static_cast<int>(table.shown.size()));
    while (clip.Step()) {
        for (int row = clip.DisplayStart; row < clip.DisplayEnd; ++row) {
            const Entry& e = table.entries[table.shown[static_cast<size_t>(row)]];
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
                    if (ImGui::Selectable("##row", false, ImGuiSelectableFlags_SpanAllColumns) && conn >= 0)
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

}  // namespace lvs::viz
