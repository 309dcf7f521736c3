// Several directors on the timeline: a band of what the router does with the VIPs (a pair:
// coloured by the director it sends them to; a fleet: how many next hops its ECMP group has,
// green with all of them, yellow with fewer, red with none or with a crashed one still in it),
// and below it a strip of the directors' events (a pair's VRRP state changes, a fleet's leaves
// and joins with what they moved, crashes, stops, starts, cuts of the VRRP link). Only runs with
// several directors have it.
#pragma once

#include <string>
#include <vector>

#include "viz/run_data.hpp"
#include "viz/timeline/timeline_row.hpp"

namespace lvs::viz {

class DirectorsRow final : public TimelineRow {
public:
    explicit DirectorsRow(const RunData& run) : run_(run) {}
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
        size_t span;  // index into DirectorSet::band()
    };
    struct Placed {
        float x;
        size_t event;  // index into DirectorSet::events()
    };
    bool hidden(int64_t t) const { return !show_future_ && t > cursor_; }
    // A VRRP change after the cursor is an outcome; crashes, leaves and link cuts are the script
    // (but what a leave moved is an outcome: its label waits for the cursor).
    bool glyph_hidden(const DirectorEvent& e) const {
        return e.kind == DirectorEvent::Kind::Vrrp && hidden(e.t);
    }
    void draw_band(ImDrawList* dl, const RowGeometry& g, float y0, float y1) const;
    void draw_events(ImDrawList* dl, const RowGeometry& g, float y0, float y1) const;
    void draw_labels(ImDrawList* dl, const RowGeometry& g, float ty) const;

    const RunData& run_;
    bool show_future_ = true;
    int64_t cursor_ = 0;
    float cursor_x_ = 0;
    std::vector<Band> bands_;
    std::vector<Placed> placed_;
    RowGeometry geo_{};
};

}  // namespace lvs::viz
