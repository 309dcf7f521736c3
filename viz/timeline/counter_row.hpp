// A step plot of one series (weight, ActiveConn, InActConn, TIME_WAIT, workers), with its
// value at the cursor in the label column.
#pragma once

#include <string>
#include <vector>

#include "viz/derive/series.hpp"
#include "viz/timeline/timeline_row.hpp"

namespace lvs::viz {

class CounterRow final : public TimelineRow {
public:
    CounterRow(std::string name, const StepSeries* series, Rgb colour, double scale_max)
        : name_(std::move(name)), series_(series), colour_(colour), scale_(std::max(1.0, scale_max)) {}
    static float row_height();
    float height() const override { return row_height(); }
    void prepare(const ViewTransform& view, float x0, float x1, int64_t cursor) override;
    void draw(ImDrawList* dl, const RowGeometry& g) override;

private:
    // One pixel column (or a wider step): the values it covers.
    struct Column {
        float x0, x1;
        double first, last, lo, hi;
        bool gap;  // NaN: not in the listing (deleted)
    };
    std::string name_;
    const StepSeries* series_;
    Rgb colour_;
    double scale_;
    // The view the columns were folded for.
    struct Span {
        int64_t ta = 0, tb = -1;
        float x0 = 0, x1 = 0;
        bool compressed = false;
        bool operator==(const Span&) const = default;
    };
    std::vector<Column> cols_;
    Span span_;
    double value_ = 0;
};

}  // namespace lvs::viz
