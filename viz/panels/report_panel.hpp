// What `lvsim run` would print: the text report for in-process runs; for recorded traces the
// expectations and outcomes the trace itself carries. Expectations checked by the cursor's
// time are listed first, with their results.
#pragma once

#include "viz/run_data.hpp"
#include "viz/viewer_state.hpp"

namespace lvs::viz {

class ReportPanel {
public:
    explicit ReportPanel(const RunData& run) : run_(run) {}
    void draw(const ViewerState& st, float width, float height);

private:
    const RunData& run_;
};

}  // namespace lvs::viz
