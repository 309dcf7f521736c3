#include "viz/timeline/marker_row.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "viz/panels/panel_util.hpp"

namespace lvs::viz {

std::vector<Marker> collect_markers(const RunData& run) {
    const TraceModel& m = run.model;
    const auto& K = m.keys();
    const auto& k = m.kinds();
    std::vector<Marker> out;
    // A director pair's script: crashes, stops and starts, and cuts of the link between them.
    const StrId director_action = m.find_str("timeline.director"), vrrp_link = m.find_str("timeline.vrrp");
    const StrId partitioned = m.find_str("partitioned"), director = m.find_str("director");
    for (uint32_t i = 0; i < m.size(); ++i) {
        const Record& r = m.at(i);
        Marker mk;
        mk.t = r.t;
        mk.record = i;
        if (r.kind == k.timeline_ipvsadm) mk.label = "ipvsadm " + std::string(m.get_text(r, K.command));
        else if (r.kind == k.timeline_sysctl) mk.label = "sysctl " + std::string(m.get_text(r, K.setting));
        else if (r.kind == k.timeline_server)
            mk.label = std::string(m.get_text(r, K.server)) + " " + std::string(m.get_text(r, K.action));
        else if (r.kind == director_action && director_action != kNoStr)
            mk.label = std::string(m.get_text(r, director)) + " " + std::string(m.get_text(r, K.action));
        else if (r.kind == vrrp_link && vrrp_link != kNoStr)
            mk.label = m.get_int(r, partitioned) != 0 ? "VRRP link cut" : "VRRP link restored";
        else if (r.kind == k.snapshot)
            mk.kind = Marker::Kind::Snapshot, mk.label = "snapshot " + std::string(m.get_text(r, K.label));
        else if (r.kind == k.expectation) {
            mk.kind = m.get_int(r, K.passed) != 0 ? Marker::Kind::Pass : Marker::Kind::Fail;
            mk.label = std::string(m.get_text(r, K.that));
        } else {
            continue;
        }
        out.push_back(std::move(mk));
    }
    for (size_t i = 0; i < run.steps.size(); ++i)
        out.push_back({run.steps[i].t, 0, Marker::Kind::Step,
                       "step " + std::to_string(i + 1) + ": " + run.steps[i].caption});
    for (const KeyMoment& km : run.moments) out.push_back({km.t, 0, Marker::Kind::Moment, km.label});
    std::stable_sort(out.begin(), out.end(), [](const Marker& a, const Marker& b) { return a.t < b.t; });
    return out;
}

Rgb marker_colour(Marker::Kind k) {
    switch (k) {
        case Marker::Kind::Action: return colours::kMarkerAdmin;
        case Marker::Kind::Snapshot: return colours::kMarkerSnapshot;
        case Marker::Kind::Pass: return colours::kPass;
        case Marker::Kind::Fail: return colours::kFail;
        case Marker::Kind::Step: return colours::kDirector;
        case Marker::Kind::Moment: return colours::kText;
    }
    return colours::kText;
}

float MarkerRow::height() const { return ImGui::GetTextLineHeight() + 8.0f; }

void MarkerRow::prepare(const ViewTransform& view, float x0, float x1, int64_t cursor) {
    cursor_ = cursor;
    placed_.clear();
    const int64_t ta = view.t_of(x0, x0, x1), tb = view.t_of(x1, x0, x1);
    const auto it = std::lower_bound(markers_.begin(), markers_.end(), ta,
                                     [](const Marker& m, int64_t t) { return m.t < t; });
    for (auto m = it; m != markers_.end() && m->t <= tb; ++m)
        placed_.push_back({view.x_of(m->t, x0, x1), static_cast<size_t>(m - markers_.begin())});
}

void MarkerRow::draw(ImDrawList* dl, const RowGeometry& g) {
    const float h = g.y1 - g.y0;
    const float lh = ImGui::GetTextLineHeight();
    dl->AddText(ImVec2(g.label_x + 4, g.y0 + (h - lh) * 0.5f), colours::kDimText.abgr(), "timeline");
    // Glyphs first; then each action's text in the room before the next marker, shortened
    // with "..." rather than run under it (expectations and snapshots are glyphs only).
    for (const Placed& p : placed_) {
        const Marker& m = markers_[p.index];
        const float x = std::floor(p.x) + 0.5f;
        // Outcomes ahead of the cursor stay unknown while the future is hidden: an
        // expectation is a grey dot, a key moment is not drawn.
        const bool unknown =
            !show_future_ && m.t > cursor_ &&
            (m.kind == Marker::Kind::Pass || m.kind == Marker::Kind::Fail || m.kind == Marker::Kind::Moment);
        if (unknown && m.kind == Marker::Kind::Moment) continue;
        const uint32_t col = unknown ? colours::kDimText.abgr() : marker_colour(m.kind).abgr();
        const float cy = g.y0 + h * 0.5f;
        if (m.kind == Marker::Kind::Action) {
            dl->AddTriangleFilled(ImVec2(x - 5, g.y0 + 2), ImVec2(x + 5, g.y0 + 2), ImVec2(x, g.y0 + 10),
                                  col);
            dl->AddLine(ImVec2(x, g.y0 + 2), ImVec2(x, g.y1), col);
        } else if (m.kind == Marker::Kind::Snapshot) {
            dl->AddQuadFilled(ImVec2(x, cy - 5), ImVec2(x + 5, cy), ImVec2(x, cy + 5), ImVec2(x - 5, cy),
                              col);
        } else if (m.kind == Marker::Kind::Step) {  // a flag
            dl->AddLine(ImVec2(x, g.y0 + 2), ImVec2(x, g.y1), col, 2.0f);
            dl->AddRectFilled(ImVec2(x, g.y0 + 2), ImVec2(x + 8, g.y0 + 8), col);
        } else if (m.kind == Marker::Kind::Moment) {  // a ring
            dl->AddCircle(ImVec2(x, cy), 4.5f, col, 12, 1.5f);
        } else {
            dl->AddCircleFilled(ImVec2(x, cy), 4.0f, col, 12);
        }
    }
    float text_end = -1e9f;  // where the last label ended: markers under it get none
    for (size_t i = 0; i < placed_.size(); ++i) {
        const Marker& m = markers_[placed_[i].index];
        if (m.kind != Marker::Kind::Action && m.kind != Marker::Kind::Step) continue;
        // A step's caption may tell what is to come: ahead of the cursor only its flag shows
        // while the future is hidden.
        if (m.kind == Marker::Kind::Step && !show_future_ && m.t > cursor_) continue;
        const float x = std::floor(placed_[i].x) + 0.5f;
        if (x + 6 < text_end) continue;
        float room_end = g.x1;
        for (size_t j = i + 1; j < placed_.size(); ++j)
            if (placed_[j].x > x + 1) {
                room_end = std::min(room_end, std::floor(placed_[j].x) - 7);
                break;
            }
        const std::string text = fit_text(m.label, room_end - (x + 6));
        if (text.empty()) continue;
        dl->AddText(ImVec2(x + 6, g.y0 + (h - lh) * 0.5f + 2), marker_colour(m.kind).abgr(), text.c_str());
        text_end = x + 6 + ImGui::CalcTextSize(text.c_str()).x + 4;
    }
}

int MarkerRow::hit(float x) const {
    int best = -1;
    float best_d = 6.0f;
    for (const Placed& p : placed_) {
        const float d = std::fabs(p.x - x);
        if (d < best_d) best_d = d, best = static_cast<int>(p.index);
    }
    return best;
}

}  // namespace lvs::viz
