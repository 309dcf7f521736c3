// A row of the timeline (Tracy-style): a label column on the left, a strip of time on the
// right. Rows share one ViewTransform and read the cursor the caller owns.
//
// prepare() culls to the visible time range with lower_bound and folds whatever is narrower
// than a pixel, so a row costs the same whether it holds ten state changes or a million;
// draw() only paints what prepare() kept.
#pragma once

#include <cstdint>
#include <vector>

#include "viz/theme.hpp"
#include "viz/timeline/view_transform.hpp"

struct ImDrawList;

namespace lvs::viz {

struct RowGeometry {
    float label_x;  // left edge of the label column
    float x0, x1;   // the time strip
    float y0, y1;
};

class TimelineRow {
public:
    virtual ~TimelineRow() = default;
    virtual float height() const = 0;
    // `cursor` is the caller's: rows fade what lies after it.
    virtual void prepare(const ViewTransform& view, float x0, float x1, int64_t cursor) = 0;
    virtual void draw(ImDrawList* dl, const RowGeometry& g) = 0;
};

// Coloured spans on a strip, folded per pixel column: a span under a pixel wide joins its
// neighbour in the same column, which takes the colour of the widest contributor.
struct Segment {
    float x0, x1;
    Rgb colour;
};

class SegmentFolder {
public:
    void reset() { out_.clear(), weight_ = 0; }
    void add(float x0, float x1, Rgb colour);
    const std::vector<Segment>& segments() const { return out_; }

private:
    std::vector<Segment> out_;
    float weight_ = 0;  // widest contribution to the last folded segment
    bool last_folded_ = false;
};

// A colour faded toward the background, for what lies after the cursor (the future is known
// but not yet "happened"; the screenshot checks rely on it not being the state colour).
Rgb faded(Rgb c);
// Draws segments in [y0, y1], in full colour up to x = cursor_x and faded after it.
void draw_segments(ImDrawList* dl, const std::vector<Segment>& segs, float y0, float y1, float cursor_x);

}  // namespace lvs::viz
