#include "viz/timeline/axis.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viz/theme.hpp"

namespace lvs::viz {

int64_t nice_step(double ns) {
    int64_t p = 1;
    while (true) {
        for (int64_t m : {1, 2, 5})
            if (static_cast<double>(p * m) >= ns) return p * m;
        if (p > INT64_MAX / 100) return p;
        p *= 10;
    }
}

std::string tick_label(int64_t t, int64_t step) {
    int decimals = 0;
    for (int64_t s = 1'000'000'000; s > step && decimals < 9; s /= 10) ++decimals;
    const bool neg = t < 0;
    const uint64_t a = static_cast<uint64_t>(neg ? -t : t);
    char buf[48];
    if (decimals == 0) {
        std::snprintf(buf, sizeof buf, "%s%llu s", neg ? "-" : "",
                      static_cast<unsigned long long>(a / 1'000'000'000ull));
    } else {
        uint64_t frac = a % 1'000'000'000ull;
        for (int d = decimals; d < 9; ++d) frac /= 10;
        std::snprintf(buf, sizeof buf, "%s%llu.%0*llu s", neg ? "-" : "",
                      static_cast<unsigned long long>(a / 1'000'000'000ull), decimals,
                      static_cast<unsigned long long>(frac));
    }
    return buf;
}

std::vector<Tick> make_ticks(const ViewTransform& view, float x0, float x1, float spacing) {
    std::vector<Tick> out;
    if (x1 - x0 < spacing) return out;
    if (!view.compressed()) {
        const int64_t a = view.t_of(x0, x0, x1), b = view.t_of(x1, x0, x1);
        const int64_t step = nice_step(static_cast<double>(b - a) / static_cast<double>(x1 - x0) * spacing);
        int64_t t = (a >= 0 ? (a + step - 1) / step : a / step) * step;
        for (; t <= b; t += step) out.push_back({view.x_of(t, x0, x1), t, tick_label(t, step)});
        return out;
    }
    // Compressed: walk across the view; at each point pick the round step of the local scale.
    float last_x = -1e9f;
    int64_t last_t = INT64_MIN;
    for (float x = x0; x <= x1; x += spacing * 0.25f) {
        const int64_t ta = view.t_of(x, x0, x1), tb = view.t_of(x + spacing, x0, x1);
        const int64_t step = nice_step(static_cast<double>(std::max<int64_t>(1, tb - ta)));
        const int64_t t = ((ta + step - 1) / step) * step;
        const float tx = view.x_of(t, x0, x1);
        if (t <= last_t || tx < last_x + spacing * 0.8f || tx > x1) continue;
        out.push_back({tx, t, tick_label(t, step)});
        last_x = tx;
        last_t = t;
    }
    return out;
}

void draw_axis(ImDrawList* dl, const std::vector<Tick>& ticks, float x0, float x1, float y0, float height) {
    const float base = y0 + height - 1;
    dl->AddLine(ImVec2(x0, base), ImVec2(x1, base), colours::kGrid.abgr());
    const float lh = ImGui::GetTextLineHeight();
    float last_end = -1e9f;
    for (const Tick& t : ticks) {
        dl->AddLine(ImVec2(std::floor(t.x) + 0.5f, base - 5), ImVec2(std::floor(t.x) + 0.5f, base),
                    colours::kDimText.abgr());
        const float w = ImGui::CalcTextSize(t.label.c_str()).x;
        const float lx = std::clamp(t.x - w * 0.5f, x0, x1 - w);
        if (lx < last_end + 6) continue;  // labels never overlap
        dl->AddText(ImVec2(std::floor(lx), base - 6 - lh), colours::kDimText.abgr(), t.label.c_str());
        last_end = lx + w;
    }
}

void draw_grid(ImDrawList* dl, const std::vector<Tick>& ticks, float y0, float y1) {
    for (const Tick& t : ticks)
        dl->AddRectFilled(ImVec2(std::floor(t.x), y0), ImVec2(std::floor(t.x) + 1, y1),
                          colours::kGrid.abgr(110));
}

}  // namespace lvs::viz
