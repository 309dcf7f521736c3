#include "viz/timeline/state_stack_row.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lvs::viz {

float StateStackRow::height() const { return std::max(24.0f, ImGui::GetTextLineHeight() * 1.8f); }

void StateStackRow::prepare(const ViewTransform& view, float x0, float x1, int64_t cursor) {
    runs_.clear();
    cursor_x_ = std::clamp(view.x_of(cursor, x0, x1), x0 - 1, x1 + 1);
    at_cursor_ = counts_.at(cursor);
    if (counts_.t.empty()) return;
    // Per pixel column, the largest number of connections seen in the column's time range
    // would need a scan; the value at the column's end is exact for steps wider than a pixel
    // and a sample otherwise.
    for (float x = std::floor(x0); x < x1; x += 1.0f) {
        const auto c = counts_.at(view.t_of(x + 1.0f, x0, x1));
        if (!runs_.empty() && runs_.back().counts == c) {
            runs_.back().x1 = x + 1;
            continue;
        }
        runs_.push_back({x, x + 1, c});
    }
}

void StateStackRow::draw(ImDrawList* dl, const RowGeometry& g) {
    const float top = g.y0 + 2, base = g.y1 - 1;
    const double scale = std::max(1, counts_.max_total);
    const float cx = std::floor(cursor_x_);
    // Each state's band, merged across neighbouring columns while its pixel extent stays the
    // same (and split at the cursor, after which it is faded).
    struct Open {
        float x0 = 0, x1 = -1, y0 = 0, y1 = 0;
    };
    Open open[kStateCount];
    const auto flush = [&](int s) {
        Open& o = open[s];
        if (o.x1 <= o.x0) return;
        const Rgb col = state_colour(static_cast<ConnState>(s));
        dl->AddRectFilled(ImVec2(o.x0, o.y0), ImVec2(o.x1, o.y1), (o.x0 >= cx ? faded(col) : col).abgr());
        o.x1 = o.x0 - 1;
    };
    for (const Run& r : runs_) {
        // A run straddling the cursor is cut in two.
        const float cuts[3] = {r.x0, std::clamp(cx, r.x0, r.x1), r.x1};
        for (int part = 0; part < 2; ++part) {
            const float a = cuts[part], b = cuts[part + 1];
            if (b <= a) continue;
            float y = base;
            for (int s = 0; s < kStateCount; ++s) {
                const int32_t n = r.counts[static_cast<size_t>(s)];
                float y2 = y;
                if (n > 0) y2 = std::round(y - static_cast<float>(n / scale) * (base - top));
                Open& o = open[s];
                if (y2 >= y) {  // nothing of this state here
                    flush(s);
                    continue;
                }
                if (o.x1 == a && o.y0 == y2 && o.y1 == y && !(a == cx && o.x0 < cx)) {
                    o.x1 = b;
                } else {
                    flush(s);
                    o = Open{a, b, y2, y};
                }
                y = y2;
            }
        }
    }
    for (int s = 0; s < kStateCount; ++s) flush(s);
    int32_t total = 0;
    for (int32_t n : at_cursor_) total += n;
    char text[96];
    std::snprintf(text, sizeof text, "%s  %d", name_.c_str(), total);
    const float lh = ImGui::GetTextLineHeight();
    dl->PushClipRect(ImVec2(g.label_x, g.y0), ImVec2(g.x0 - 4, g.y1), true);
    dl->AddText(ImVec2(g.label_x + 4, g.y0 + (g.y1 - g.y0 - lh) * 0.5f), colours::kText.abgr(), text);
    dl->PopClipRect();
    char scale_text[32];
    std::snprintf(scale_text, sizeof scale_text, "%d", counts_.max_total);
    dl->AddText(ImVec2(g.x1 - ImGui::CalcTextSize(scale_text).x - 3, g.y0 + 1), colours::kDimText.abgr(140),
                scale_text);
}

}  // namespace lvs::viz
