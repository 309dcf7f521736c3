// Client outcomes: totals so far, every page of one browser on the shared time axis, and the
// page at the cursor as a waterfall of its objects (failed ones marked with their cause).
#pragma once

#include "viz/run_data.hpp"
#include "viz/viewer_state.hpp"

namespace lvs::viz {

class WaterfallPanel {
public:
    explicit WaterfallPanel(const RunData& run) : run_(run) {}
    void draw(ViewerState& st, float width, float height);

private:
    void page_strip(ViewerState& st, float width);
    void lookups(const ViewerState& st);
    void waterfall(const ViewerState& st, const PageLoad& page, float width, float height);

    const RunData& run_;
    int browser_ = 0;
    int64_t totals_at_ = INT64_MIN;
    PageLoadSet::Totals totals_;
};

}  // namespace lvs::viz
