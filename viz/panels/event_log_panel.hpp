// The event log: every record, filtered by kind and text, clipped to the visible lines, with
// the reason the director gave for its decisions. Clicking a line moves the cursor there; the
// log follows the cursor otherwise.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "viz/run_data.hpp"
#include "viz/viewer_state.hpp"

namespace lvs::viz {

class EventLogPanel {
public:
    explicit EventLogPanel(const RunData& run);
    void draw(ViewerState& st, float width, float height);

private:
    void refilter();
    void draw_controls(const ViewerState& st);
    void draw_row(ViewerState& st, uint32_t record, bool at_cursor);
    void record_tooltip(uint32_t record, const std::string& time_text) const;
    // The "why" column: the director's reason, or for a state change what caused it.
    std::string reason(uint32_t record) const;
    bool passes(const Record& r) const;

    const RunData& run_;
    // Categories shown; packets and the periodic listings are off by default (they are most
    // of the records).
    bool show_[9] = {true, true, true, true, true, false, false, true, true};
    bool show_other_ = true;
    ImGuiTextFilter filter_;
    std::vector<uint32_t> rows_;  // record numbers passing the filters
    bool dirty_ = true;
    int64_t last_cursor_ = INT64_MIN;
    int64_t selected_ = -1;
};

}  // namespace lvs::viz
