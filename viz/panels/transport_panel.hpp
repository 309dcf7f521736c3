// The playback bar: buttons, speed, jump kind, the time readout and display toggles, and the
// scrubber over the whole run with the timeline's markers.
#pragma once

#include <vector>

#include "viz/playback.hpp"
#include "viz/timeline/marker_row.hpp"
#include "viz/viewer_state.hpp"

namespace lvs::viz {

// What the bar asks the viewer to do (the viewer owns navigation over all loaded runs).
struct TransportRequests {
    bool step_forward = false, step_back = false, jump_next = false, jump_prev = false;
    bool start = false, end = false, export_png = false, toggle_presentation = false;
};

class TransportPanel {
public:
    // `markers`: one list per loaded run (compare mode draws both on the scrubber).
    void draw(ViewerState& st, const std::vector<const std::vector<Marker>*>& markers, int64_t begin,
              int64_t end, TransportRequests& req);

private:
    void scrubber(ViewerState& st, const std::vector<const std::vector<Marker>*>& markers, int64_t begin,
                  int64_t end);
    bool dragging_ = false;
};

}  // namespace lvs::viz
