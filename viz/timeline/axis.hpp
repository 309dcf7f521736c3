// Time axis ticks for any zoom, from nanoseconds to minutes, in linear or compressed views.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "viz/timeline/view_transform.hpp"

struct ImDrawList;

namespace lvs::viz {

struct Tick {
    float x;
    int64_t t;
    std::string label;
};

// Ticks at round times at least `spacing` pixels apart. In a compressed view the step adapts
// to the local scale, so dense stretches get fine ticks and idle ones coarse ticks.
std::vector<Tick> make_ticks(const ViewTransform& view, float x0, float x1, float spacing);
// "20 s", "20.25 s", "20.000125 s": as many decimals as the step needs.
std::string tick_label(int64_t t, int64_t step);
// A round step (1, 2, 5 x 10^k ns) of at least `ns`.
int64_t nice_step(double ns);

// Draws the axis (labels above a baseline) in [x0, x1] x [y0, y0 + height].
void draw_axis(ImDrawList* dl, const std::vector<Tick>& ticks, float x0, float x1, float y0, float height);
// Vertical grid lines at the ticks over [y0, y1].
void draw_grid(ImDrawList* dl, const std::vector<Tick>& ticks, float y0, float y1);

}  // namespace lvs::viz
