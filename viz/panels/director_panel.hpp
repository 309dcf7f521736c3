// The director at the cursor: `ipvsadm -Ln` exactly as the runtime printed it (the latest
// listing at or before the cursor) and the `-Lnc` connection entries as a filterable table.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "viz/run_data.hpp"
#include "viz/viewer_state.hpp"

namespace lvs::viz {

class DirectorPanel {
public:
    explicit DirectorPanel(const RunData& run) : run_(run) {}
    // Height of the -Ln block for the listing at t (lines of text), for the layout.
    float listing_height(int64_t t) const;
    float listing_width(int64_t t) const;
    void draw_listing(const ViewerState& st, float width, float height);
    void draw_connections(ViewerState& st, float width, float height);

private:
    // Views into the listing's text, which the model keeps for the whole session: a 10,000
    // entry listing is parsed without copying a string.
    struct Entry {
        std::string_view line;
        std::string_view cols[6];  // pro expire state source virtual destination
        ConnState state;
    };
    void refresh(int64_t listing_record);
    void refilter();

    const RunData& run_;
    int64_t parsed_record_ = -2;
    std::vector<Entry> entries_;
    std::vector<uint32_t> shown_;
    ImGuiTextFilter filter_;
    std::string last_filter_;
};

}  // namespace lvs::viz
