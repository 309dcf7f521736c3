// The director at the cursor: `ipvsadm -Ln` exactly as the runtime printed it (the latest
// listing at or before the cursor) and the `-Lnc` connection entries as a filterable table.
// With several directors, every one: each listing under its name and its state at the cursor
// (a pair's VRRP state, "lvs1 - MASTER"; a fleet member's place in the router's ECMP group,
// "node3 - ECMP out"), in columns when there are more than two and the panel is wide enough,
// and one -Lnc table per director.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "viz/run_data.hpp"
#include "viz/viewer_state.hpp"

namespace lvs::viz {

class DirectorPanel {
public:
    explicit DirectorPanel(const RunData& run);
    // Height of the -Ln block for the listings at t (lines of text), for the layout, when the
    // panel is `width` wide (0: one listing a row).
    float listing_height(int64_t t, float width = 0) const;
    // The width one director's listing needs.
    float listing_width(int64_t t) const;
    void draw_listing(const ViewerState& st, float width, float height);
    // `director`: index into run.directors.directors() (0, the only one, in a single-director run).
    void draw_connections(ViewerState& st, float width, float height, size_t director = 0);
    // How many directors the panel shows (1, or the pair's or the fleet's size).
    size_t director_count() const { return tables_.size(); }
    // The -Lnc tab label of a director ("ipvsadm -Lnc lvs2 - MASTER###lnc1", "-Lnc node3 (out)###lnc2").
    std::string connections_tab(size_t director, int64_t t) const;
    // True on the first frame the VIPs have a new owner at the cursor (the owner's -Lnc tab
    // comes up); call once a frame.
    bool owner_changed(int64_t t);
    int32_t owner(int64_t t) const { return run_.directors.owner_at(t); }

private:
    // Views into the listing's text, which the model keeps for the whole session: a 10,000
    // entry listing is parsed without copying a string.
    struct Entry {
        std::string_view line;
        std::string_view cols[6];  // pro expire state source virtual destination
        ConnState state;
    };
    // One director's -Lnc: the parsed listing at the cursor and its filter.
    struct Table {
        const std::vector<uint32_t>* records = nullptr;
        int64_t parsed_record = -2;
        std::vector<Entry> entries;
        std::vector<uint32_t> shown;
        ImGuiTextFilter filter;
    };
    // The -Ln records of director d (the run's director.listing in a single-director run).
    const std::vector<uint32_t>& listings(size_t d) const;
    int64_t listing_at(size_t d, int64_t t) const { return run_.model.latest(listings(d), t); }
    void draw_listing_text(int64_t record, bool dim) const;
    // Listings a row in `width` (more than one only for more than two directors).
    size_t columns(int64_t t, float width) const;
    // The widest line of the listings at t (`trimmed`: without ipvsadm's trailing blanks).
    float lines_width(int64_t t, bool trimmed) const;
    void draw_listings(const ViewerState& st, float width);
    void draw_director_listing(const ViewerState& st, size_t director);
    void refresh(Table& table, int64_t listing_record);
    static void refilter(Table& table);
    void draw_table(ViewerState& st, Table& table);

    const RunData& run_;
    std::vector<Table> tables_;
    int32_t last_owner_ = -2;
};

}  // namespace lvs::viz
