// How many connections were in each state over time, stacked: the overview above the lanes,
// readable with 10,000 connections where single lanes are not.
#pragma once

#include <string>
#include <vector>

#include "viz/derive/connections.hpp"
#include "viz/timeline/timeline_row.hpp"

namespace lvs::viz {

class StateStackRow final : public TimelineRow {
public:
    StateStackRow(std::string name, const StateCounts& counts) : name_(std::move(name)), counts_(counts) {}
    float height() const override;
    void prepare(const ViewTransform& view, float x0, float x1, int64_t cursor) override;
    void draw(ImDrawList* dl, const RowGeometry& g) override;

private:
    std::string name_;
    const StateCounts& counts_;
    // Runs of pixel columns with the same counts (sampled at each column's right edge).
    struct Run {
        float x0, x1;
        std::array<int32_t, kStateCount> counts;
    };
    std::vector<Run> runs_;
    std::array<int32_t, kStateCount> at_cursor_{};
    float cursor_x_ = 0;
};

}  // namespace lvs::viz
