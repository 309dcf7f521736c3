#include "viz/timeline/conn_row.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace lvs::viz {

float ConnRow::lane_height() { return std::max(18.0f, ImGui::GetTextLineHeight() + 5.0f); }

void ConnRow::prepare(const ViewTransform& view, float x0, float x1, int64_t cursor) {
    cursor_x_ = std::clamp(view.x_of(cursor, x0, x1), x0 - 1, x1 + 1);
    const Connection& c = run_.conns.connections()[conn_];
    const int64_t ta = view.t_of(x0, x0, x1), tb = view.t_of(x1, x0, x1);
    for (int s = 0; s < kSideCount; ++s) {
        SegmentFolder& f = sides_[s];
        f.reset();
        if (c.side[static_cast<size_t>(s)] < 0) continue;
        const Endpoint& e = run_.conns.endpoint(c.side[static_cast<size_t>(s)]);
        const StateSpan* b = run_.conns.spans_begin(e);
        const StateSpan* end = run_.conns.spans_end(e);
        // First span that ends after the view starts.
        const StateSpan* it =
            std::upper_bound(b, end, ta, [](int64_t v, const StateSpan& sp) { return v < sp.t1; });
        for (; it != end && it->t0 <= tb; ++it) {
            const float a = std::max(x0, view.x_of(it->t0, x0, x1));
            const float z = std::min(x1, view.x_of(it->t1, x0, x1));
            f.add(a, z, state_colour(it->state));
        }
    }
}

void ConnRow::draw(ImDrawList* dl, const RowGeometry& g) {
    const float h = g.y1 - g.y0;
    // Client and server bars of equal height, the IPVS entry a third of it between them.
    const float bar = std::floor((h - 3) * 0.4f);
    const float mid = std::max(2.0f, std::floor(h - 3 - 2 * bar));
    const float y_client = std::floor(g.y0 + 1);
    const float y_dir = y_client + bar;
    const float y_server = y_dir + mid;
    const float cx = cursor_x_;
    draw_segments(dl, sides_[0].segments(), y_client, y_client + bar, cx);
    draw_segments(dl, sides_[1].segments(), y_dir + 0, y_dir + mid, cx);
    draw_segments(dl, sides_[2].segments(), y_server, y_server + bar, cx);
    const std::string text = label();
    dl->PushClipRect(ImVec2(g.label_x, g.y0), ImVec2(g.x0 - 4, g.y1), true);
    dl->AddText(ImVec2(g.label_x + 4, g.y0 + (h - ImGui::GetTextLineHeight()) * 0.5f), colours::kText.abgr(),
                text.c_str());
    dl->PopClipRect();
}

std::string ConnRow::label() const {
    const Connection& c = run_.conns.connections()[conn_];
    const std::string_view addr = run_.model.str(c.client_addr);
    const size_t colon = addr.rfind(':');
    std::string out(run_.model.str(c.client_host));
    if (out.empty()) out = std::string(addr.substr(0, colon));
    out += " :";
    out += colon == std::string_view::npos ? std::string(addr) : std::string(addr.substr(colon + 1));
    out += " > ";
    out += c.server != kNoStr ? std::string(run_.model.str(c.server)) : std::string("?");
    return out;
}

}  // namespace lvs::viz
