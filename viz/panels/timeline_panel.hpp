// The timeline: a time axis, the run's markers, per-realserver step plots (weight,
// ActiveConn, InActConn, TIME_WAIT, workers), drop-tail queue occupancy per link,
// connection-state overviews and one swimlane per connection, all on the shared ViewTransform
// with the cursor across them.
#pragma once

#include <memory>
#include <vector>

#include "viz/run_data.hpp"
#include "viz/timeline/conn_row.hpp"
#include "viz/timeline/counter_row.hpp"
#include "viz/timeline/directors_row.hpp"
#include "viz/timeline/marker_row.hpp"
#include "viz/timeline/state_stack_row.hpp"
#include "viz/viewer_state.hpp"

namespace lvs::viz {

class TimelinePanel {
public:
    TimelinePanel(const RunData& run, const std::vector<Marker>& markers);
    void draw(ViewerState& st, float width, float height);

private:
    struct Group {
        std::string title;
        bool open = true;
        std::vector<std::unique_ptr<CounterRow>> rows;
    };
    void draw_rows_region(ViewerState& st, float width, float height);
    void draw_lanes_region(ViewerState& st, float width, float height);
    void rebuild_lanes(int64_t t);
    // Mouse on a time strip: click or drag moves the cursor, wheel zooms, right-drag pans.
    void strip_input(ViewerState& st, float x0, float x1, float y0, float y1);
    void cursor_line(ImDrawList* dl, const ViewerState& st, float y0, float y1, bool curtain = true) const;
    // Several directors' band under the markers (nothing in a single-director run); its height.
    float draw_directors_row(ViewerState& st, ImDrawList* dl, float label_x, float y);

    const RunData& run_;
    MarkerRow marker_row_;
    std::unique_ptr<DirectorsRow> directors_row_;  // several directors only
    std::vector<Group> groups_;
    std::vector<std::unique_ptr<StateStackRow>> stacks_;
    ConnRow lane_;
    std::vector<uint32_t> lanes_;
    bool alive_only_ = false;
    bool overview_ = true;   // the per-state stacks above the lanes
    int server_filter_ = 0;  // 0: all, else 1 + index into conns.servers()
    float label_w_ = 170, x0_ = 0, x1_ = 1;
    bool dragging_ = false, panning_ = false;
    float pan_last_x_ = 0;
};

}  // namespace lvs::viz
