#include "viz/timeline/directors_row.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "viz/derive/event_text.hpp"
#include "viz/panels/panel_util.hpp"

namespace lvs::viz {

namespace {

Rgb event_colour(const DirectorEvent& e) {
    switch (e.kind) {
        case DirectorEvent::Kind::Vrrp:
            return e.state == VrrpState::Stopped ? colours::kFail : colours::of_director(e.director);
        case DirectorEvent::Kind::Crash: return colours::kFail;
        case DirectorEvent::Kind::Stop: return colours::kDimText;
        case DirectorEvent::Kind::Start:
        case DirectorEvent::Kind::Join: return colours::kPass;
        case DirectorEvent::Kind::Partition:
        case DirectorEvent::Kind::Heal:
        case DirectorEvent::Kind::Leave: return colours::kMarkerAdmin;
    }
    return colours::kText;
}

}  // namespace

float DirectorsRow::height() const { return 2 * (ImGui::GetTextLineHeight() + 6.0f); }

void DirectorsRow::prepare(const ViewTransform& view, float x0, float x1, int64_t cursor) {
    cursor_ = cursor;
    cursor_x_ = view.x_of(cursor, x0, x1);
    bands_.clear();
    placed_.clear();
    const DirectorSet& ds = run_.directors;
    const int64_t ta = view.t_of(x0, x0, x1), tb = view.t_of(x1, x0, x1);
    const auto& band = ds.band();
    for (size_t i = 0; i < band.size(); ++i) {
        const int64_t end = i + 1 < band.size() ? band[i + 1].t : run_.end();
        if (end < ta || band[i].t > tb) continue;
        const float a = std::max(x0, view.x_of(band[i].t, x0, x1)), b = std::min(x1, view.x_of(end, x0, x1));
        if (b > a) bands_.push_back({a, b, i});
    }
    const auto& ev = ds.events();
    for (size_t i = 0; i < ev.size(); ++i)
        if (ev[i].t >= ta && ev[i].t <= tb) placed_.push_back({view.x_of(ev[i].t, x0, x1), i});
}

void DirectorsRow::draw(ImDrawList* dl, const RowGeometry& g) {
    geo_ = g;
    const float mid = std::floor((g.y0 + g.y1) * 0.5f);
    draw_band(dl, g, g.y0 + 2, mid - 1);
    draw_events(dl, g, mid + 1, g.y1 - 1);
}

void DirectorsRow::draw_band(ImDrawList* dl, const RowGeometry& g, float y0, float y1) const {
    const float lh = ImGui::GetTextLineHeight();
    const float ty = y0 + (y1 - y0 - lh) * 0.5f;
    const DirectorSet& ds = run_.directors;
    dl->AddText(ImVec2(g.label_x + 4, ty), colours::kText.abgr(), ds.band_title().data());
    // What the router does after the cursor is an outcome: hidden with the future.
    const float limit = show_future_ ? g.x1 : std::min(g.x1, cursor_x_);
    std::vector<Segment> segs;
    for (const Band& b : bands_)
        if (b.x0 < limit) segs.push_back({b.x0, std::min(b.x1, limit), ds.band()[b.span].colour});
    draw_segments(dl, segs, y0, y1, cursor_x_);
    for (const Band& b : bands_) {
        // Spans of one colour side by side (a fleet's group changing its members) keep apart.
        if (b.x0 > g.x0 && b.x0 < limit)
            dl->AddLine(ImVec2(std::floor(b.x0), y0), ImVec2(std::floor(b.x0), y1),
                        colours::kBackground.abgr());
        const std::string text = fit_text(ds.band()[b.span].label, std::min(b.x1, limit) - b.x0 - 8);
        if (text.empty()) continue;
        dl->AddText(ImVec2(b.x0 + 4, ty), colours::kBackground.abgr(), text.c_str());
    }
}

void DirectorsRow::draw_events(ImDrawList* dl, const RowGeometry& g, float y0, float y1) const {
    const float lh = ImGui::GetTextLineHeight();
    const float ty = y0 + (y1 - y0 - lh) * 0.5f;
    const DirectorSet& ds = run_.directors;
    dl->AddText(ImVec2(g.label_x + 4, ty), colours::kDimText.abgr(), ds.events_title().data());
    const auto& ev = ds.events();
    const float cy = (y0 + y1) * 0.5f;
    for (const Placed& p : placed_) {
        const DirectorEvent& e = ev[p.event];
        if (glyph_hidden(e)) continue;
        const float x = std::floor(p.x) + 0.5f;
        const uint32_t col = event_colour(e).abgr();
        switch (e.kind) {
            case DirectorEvent::Kind::Crash:  // a cross
                dl->AddLine(ImVec2(x - 5, cy - 5), ImVec2(x + 5, cy + 5), col, 2.5f);
                dl->AddLine(ImVec2(x - 5, cy + 5), ImVec2(x + 5, cy - 5), col, 2.5f);
                break;
            case DirectorEvent::Kind::Vrrp: {
                // A dot in the director's colour, the first director's above the second's: the
                // pair's changes at the same moment (at the start, at a failover) both show.
                const float dy = e.director == 0 ? -3.0f : e.director == 1 ? 3.0f : 0.0f;
                dl->AddCircleFilled(ImVec2(x, cy + dy), 4.0f, col, 12);
                break;
            }
            case DirectorEvent::Kind::Leave:  // a triangle pointing down: out of the group
                dl->AddTriangleFilled(ImVec2(x - 5, cy - 4), ImVec2(x + 5, cy - 4), ImVec2(x, cy + 5), col);
                break;
            case DirectorEvent::Kind::Join:  // and up: into it
                dl->AddTriangleFilled(ImVec2(x - 5, cy + 4), ImVec2(x + 5, cy + 4), ImVec2(x, cy - 5), col);
                break;
            default:  // a square: stop, start, link cut or restored
                dl->AddRectFilled(ImVec2(x - 4, cy - 4), ImVec2(x + 4, cy + 4), col);
        }
    }
    draw_labels(dl, g, ty);
}

void DirectorsRow::draw_labels(ImDrawList* dl, const RowGeometry& g, float ty) const {
    // Labels (a pair's VRRP changes, a fleet's changes: the marker row above names a pair's
    // script actions) in the room before the next event, as the marker row does.
    const DirectorSet& ds = run_.directors;
    const auto& ev = ds.events();
    float text_end = -1e9f;
    for (size_t i = 0; i < placed_.size(); ++i) {
        const DirectorEvent& e = ev[placed_[i].event];
        if (!ds.event_labelled(e) || hidden(e.t) || e.t == run_.begin()) continue;
        const float x = std::floor(placed_[i].x) + 0.5f;
        if (x + 7 < text_end) continue;
        float room_end = g.x1;
        for (size_t j = i + 1; j < placed_.size(); ++j)
            if (placed_[j].x > x + 1 && !glyph_hidden(ev[placed_[j].event])) {  // up to the next glyph
                room_end = std::min(room_end, std::floor(placed_[j].x) - 8);
                break;
            }
        const std::string text = fit_text(ds.event_label(e), room_end - (x + 7));
        if (text.empty()) continue;
        dl->AddText(ImVec2(x + 7, ty), event_colour(e).abgr(), text.c_str());
        text_end = x + 7 + ImGui::CalcTextSize(text.c_str()).x + 4;
    }
}

std::string DirectorsRow::tooltip(float x, float y, int64_t* t) const {
    const TraceModel& m = run_.model;
    const DirectorSet& ds = run_.directors;
    const float mid = std::floor((geo_.y0 + geo_.y1) * 0.5f);
    if (y >= mid) {  // the events strip: the nearest glyph within 6 px
        int best = -1;
        float best_d = 6.0f;
        for (const Placed& p : placed_) {
            if (glyph_hidden(ds.events()[p.event])) continue;
            if (const float d = std::fabs(p.x - x); d < best_d) best_d = d, best = static_cast<int>(p.event);
        }
        if (best < 0) return "";
        const DirectorEvent& e = ds.events()[static_cast<size_t>(best)];
        *t = e.t;
        const Record& r = m.at(e.record);
        std::string text = cursor_text(e.t) + "  " + ds.event_label(e);
        const bool group = e.kind == DirectorEvent::Kind::Leave || e.kind == DirectorEvent::Kind::Join;
        if (group && hidden(e.t))  // the script, not yet what it moved
            text = cursor_text(e.t) + "  " + ds.directors()[static_cast<size_t>(e.director)].name +
                   (e.kind == DirectorEvent::Kind::Leave ? " leaves" : " joins") + " the router's group";
        if (e.kind == DirectorEvent::Kind::Vrrp)
            text += " (from " + std::string(m.get_text(r, m.keys().from)) + ", priority " +
                    std::to_string(m.get_int(r, m.find_str("priority"))) + ")\n" +
                    std::string(m.get_text(r, m.keys().why));
        return text;
    }
    for (const Band& b : bands_) {
        if (x < b.x0 || x >= b.x1 || (!show_future_ && x > cursor_x_)) continue;
        const BandSpan& s = ds.band()[b.span];
        *t = s.t;
        return std::string(ds.band_verb()) + s.label + " from " + cursor_text(s.t) + " (" + s.why + ")";
    }
    return "";
}

}  // namespace lvs::viz
