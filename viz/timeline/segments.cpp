#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "viz/timeline/timeline_row.hpp"

namespace lvs::viz {

void SegmentFolder::add(float x0, float x1, Rgb colour) {
    if (x1 <= x0) return;
    const float w = x1 - x0;
    if (w >= 1.0f) {
        // A wide span: it starts where the previous folded column ends, if they share a pixel.
        if (!out_.empty() && out_.back().x1 > x0) x0 = std::min(x1, out_.back().x1);
        out_.push_back({x0, x1, colour});
        last_folded_ = false;
        return;
    }
    if (!out_.empty() && std::floor(out_.back().x1 - 1e-3f) >= std::floor(x0) &&
        (last_folded_ || out_.back().x1 - out_.back().x0 < 1.0f)) {
        Segment& s = out_.back();
        if (!last_folded_) weight_ = s.x1 - s.x0;
        s.x1 = std::max(s.x1, x1);
        if (w > weight_) s.colour = colour, weight_ = w;
        last_folded_ = true;
        return;
    }
    // A lone sub-pixel span still shows as one pixel.
    const float px = std::floor(x0);
    out_.push_back({px, std::max(x1, px + 1.0f), colour});
    weight_ = w;
    last_folded_ = true;
}

Rgb faded(Rgb c) {
    const Rgb bg = colours::kPanel;
    const auto mix = [](uint8_t a, uint8_t b) { return static_cast<uint8_t>(b + (a - b) * 0.38f); };
    return {mix(c.r, bg.r), mix(c.g, bg.g), mix(c.b, bg.b)};
}

void draw_segments(ImDrawList* dl, const std::vector<Segment>& segs, float y0, float y1, float cursor_x) {
    // Whole pixels: rectangles on pixel boundaries render without blended edges.
    const float cx = std::floor(cursor_x);
    for (const Segment& s : segs) {
        const float a = std::floor(s.x0), b = std::max(a + 1, std::floor(s.x1));
        if (b <= cx) {
            dl->AddRectFilled(ImVec2(a, y0), ImVec2(b, y1), s.colour.abgr());
        } else if (a >= cx) {
            dl->AddRectFilled(ImVec2(a, y0), ImVec2(b, y1), faded(s.colour).abgr());
        } else {
            dl->AddRectFilled(ImVec2(a, y0), ImVec2(cx, y1), s.colour.abgr());
            dl->AddRectFilled(ImVec2(cx, y0), ImVec2(b, y1), faded(s.colour).abgr());
        }
    }
}

}  // namespace lvs::viz
