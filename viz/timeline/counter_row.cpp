#include "viz/timeline/counter_row.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lvs::viz {

float CounterRow::row_height() { return std::max(20.0f, ImGui::GetTextLineHeight() + 7.0f); }

void CounterRow::prepare(const ViewTransform& view, float x0, float x1, int64_t cursor) {
    value_ = series_ == nullptr ? std::nan("") : series_->at(cursor);
    if (series_ == nullptr || series_->empty()) return;
    const auto& t = series_->times();
    const auto& v = series_->values();
    const int64_t ta = view.t_of(x0, x0, x1), tb = view.t_of(x1, x0, x1);
    // The columns depend on the view alone, not on the cursor: while playing over an unzoomed
    // axis they are the same every frame, and a series may have tens of thousands of steps.
    const Span span{ta, tb, x0, x1, view.compressed()};
    if (span == span_) return;
    span_ = span;
    cols_.clear();
    int64_t k = std::max<int64_t>(0, series_->index_at(ta));
    for (; k < static_cast<int64_t>(t.size()) && t[static_cast<size_t>(k)] <= tb; ++k) {
        const size_t i = static_cast<size_t>(k);
        const float a = std::max(x0, view.x_of(t[i], x0, x1));
        const float b = i + 1 < t.size() ? std::min(x1, view.x_of(t[i + 1], x0, x1)) : x1;
        const double val = v[i];
        const bool gap = std::isnan(val);
        // Steps inside one pixel column fold into it (their range becomes a vertical bar).
        if (!cols_.empty() && !gap && !cols_.back().gap &&
            std::floor(a) < std::floor(cols_.back().x0) + 1.0f) {
            Column& c = cols_.back();
            c.x1 = std::max(c.x1, b);
            c.last = val;
            c.lo = std::min(c.lo, val);
            c.hi = std::max(c.hi, val);
            continue;
        }
        cols_.push_back({a, std::max(b, a), val, val, val, val, gap});
    }
}

void CounterRow::draw(ImDrawList* dl, const RowGeometry& g) {
    const float top = g.y0 + 3, base = g.y1 - 2;
    const auto y_of = [&](double val) {
        return std::round(base - static_cast<float>(val / scale_) * (base - top));
    };
    dl->AddLine(ImVec2(g.x0, base + 0.5f), ImVec2(g.x1, base + 0.5f), colours::kGrid.abgr());
    const uint32_t line = colour_.abgr();
    // One pixel-aligned rectangle per column: the envelope of the values the column covers
    // (and the step into it), at least one pixel tall. Columns with the same envelope merge,
    // so a flat stretch is one rectangle and a busy one costs two triangles per pixel column;
    // the software renderer pays per triangle.
    double prev = std::nan("");
    float run_x0 = 0, run_x1 = -1, run_top = 0, run_bottom = 0;
    const auto flush = [&] {
        if (run_x1 > run_x0) dl->AddRectFilled(ImVec2(run_x0, run_top), ImVec2(run_x1, run_bottom), line);
        run_x1 = run_x0 - 1;
    };
    for (const Column& c : cols_) {
        if (c.gap) {
            flush();
            // Deleted from the service: a hatched band says "not listed".
            for (float x = std::ceil(c.x0 / 6) * 6; x < c.x1; x += 6)
                dl->AddLine(ImVec2(x, base), ImVec2(std::min(c.x1, x + 5), top), colours::kGrid.abgr(160));
            prev = std::nan("");
            continue;
        }
        const float xa = std::floor(c.x0), xb = std::max(xa + 1, std::floor(c.x1));
        double lo = c.lo, hi = c.hi;
        if (!std::isnan(prev)) lo = std::min(lo, prev), hi = std::max(hi, prev);
        // The step into the column is a one-pixel-wide envelope; the rest of it the level.
        const float y_hi = y_of(hi), y_lo = y_of(lo) + 1, y_last = y_of(c.last);
        const auto add = [&](float a, float b, float t, float bt) {
            if (run_x1 == a && run_top == t && run_bottom == bt) {
                run_x1 = b;
                return;
            }
            flush();
            run_x0 = a, run_x1 = b, run_top = t, run_bottom = bt;
        };
        if (y_lo - y_hi > 1.0f) {
            add(xa, xa + 1, y_hi, y_lo);
            if (xb > xa + 1) add(xa + 1, xb, y_last, y_last + 1);
        } else {
            add(xa, xb, y_last, y_last + 1);
        }
        prev = c.last;
    }
    flush();
    char text[96];
    if (std::isnan(value_)) std::snprintf(text, sizeof text, "%s  -", name_.c_str());
    else std::snprintf(text, sizeof text, "%s  %g", name_.c_str(), value_);
    const float h = g.y1 - g.y0;
    dl->AddRectFilled(ImVec2(g.label_x + 4, g.y0 + h * 0.5f - 4), ImVec2(g.label_x + 12, g.y0 + h * 0.5f + 4),
                      line);
    dl->PushClipRect(ImVec2(g.label_x, g.y0), ImVec2(g.x0 - 4, g.y1), true);
    dl->AddText(ImVec2(g.label_x + 16, g.y0 + (h - ImGui::GetTextLineHeight()) * 0.5f), colours::kText.abgr(),
                text);
    dl->PopClipRect();
    char scale[32];
    std::snprintf(scale, sizeof scale, "%g", scale_);
    dl->AddText(ImVec2(g.x1 - ImGui::CalcTextSize(scale).x - 3, g.y0 + 1), colours::kDimText.abgr(140),
                scale);
}

}  // namespace lvs::viz
