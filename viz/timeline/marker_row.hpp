// The run's landmarks on the time axis: timeline actions (ipvsadm, sysctl, server and client
// actions; a director pair's crashes, stops, starts and link cuts), snapshots and expectations (green when
// they held, red when not).
#pragma once

#include <string>
#include <vector>

#include "viz/run_data.hpp"
#include "viz/timeline/timeline_row.hpp"

namespace lvs::viz {

struct Marker {
    int64_t t = 0;
    uint32_t record = 0;
    // Step: a guided lesson's step (script); Moment: found in the run (an outcome, hidden
    // ahead of the cursor while the future is).
    enum class Kind : uint8_t { Action, Snapshot, Pass, Fail, Step, Moment } kind = Kind::Action;
    std::string label;
};

std::vector<Marker> collect_markers(const RunData& run);
Rgb marker_colour(Marker::Kind k);

class MarkerRow final : public TimelineRow {
public:
    explicit MarkerRow(const std::vector<Marker>& markers) : markers_(markers) {}
    void set_show_future(bool on) { show_future_ = on; }
    float height() const override;
    void prepare(const ViewTransform& view, float x0, float x1, int64_t cursor) override;
    void draw(ImDrawList* dl, const RowGeometry& g) override;
    // The marker under x (for tooltips and clicks), or -1.
    int hit(float x) const;
    const Marker& marker(int i) const { return markers_[static_cast<size_t>(i)]; }

private:
    bool show_future_ = true;
    int64_t cursor_ = 0;
    const std::vector<Marker>& markers_;
    struct Placed {
        float x;
        size_t index;
    };
    std::vector<Placed> placed_;
};

}  // namespace lvs::viz
