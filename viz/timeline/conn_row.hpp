// One connection's lane: the client's TCP states on top, the director's IPVS entry as a thin
// bar in the middle, the server's TCP states below, all coloured by state.
#pragma once

#include <string>

#include "viz/run_data.hpp"
#include "viz/timeline/timeline_row.hpp"

namespace lvs::viz {

class ConnRow final : public TimelineRow {
public:
    explicit ConnRow(const RunData& run) : run_(run) {}
    // The row is reused for every visible lane: set the connection, then prepare and draw.
    void set(uint32_t connection) { conn_ = connection; }
    static float lane_height();
    float height() const override { return lane_height(); }
    void prepare(const ViewTransform& view, float x0, float x1, int64_t cursor) override;
    void draw(ImDrawList* dl, const RowGeometry& g) override;
    // "ie8 :45262 > rs1"
    std::string label() const;

private:
    const RunData& run_;
    uint32_t conn_ = 0;
    SegmentFolder sides_[kSideCount];
    float cursor_x_ = 0;
};

}  // namespace lvs::viz
