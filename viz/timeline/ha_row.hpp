// A director pair on the timeline: a band coloured by the director the router sends the VIPs to,
// and below it a strip of the pair's events (VRRP state changes; the timeline's crashes, stops,
// starts and link cuts). Only runs with a director pair have it.
#pragma once

#include <string>
#include <vector>

#include "viz/run_data.hpp"
#include "viz/timeline/timeline_row.hpp"

namespace lvs::viz {

class HaRow final : public TimelineRow {
public:
    explicit HaRow(const RunData& run) : run_(run) {}
    void set_show_future(bool on) { show_future_ = on; }
    float height() const override;
    void prepare(const ViewTransform& view, float x0, float x1, int64_t cursor) override;
    void draw(ImDrawList* dl, const RowGeometry& g) override;
    // What lies under the mouse at (x, y) of the last drawn geometry, for a tooltip ("" if
    // nothing), and its time (for a click to snap to).
    std::string tooltip(float x, float y, int64_t* t) const;

private:
    struct Band {
        float x0, x1;
        int32_t owner;
        size_t vip;  // index into HaPair::vip()
    };
    struct Placed {
        float x;
        size_t event;  // index into HaPair::events()
    };
    bool hidden(int64_t t) const { return !show_future_ && t > cursor_; }
    std::string event_label(const HaEvent& e) const;
    void draw_band(ImDrawList* dl, const RowGeometry& g, float y0, float y1) const;
    void draw_events(ImDrawList* dl, const RowGeometry& g, float y0, float y1) const;

    const RunData& run_;
    bool show_future_ = true;
    int64_t cursor_ = 0;
    float cursor_x_ = 0;
    std::vector<Band> bands_;
    std::vector<Placed> placed_;
    RowGeometry geo_{};
};

}  // namespace lvs::viz
