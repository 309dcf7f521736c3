#include "viz/timeline/ha_row.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "viz/derive/event_text.hpp"
#include "viz/panels/panel_util.hpp"

namespace lvs::viz {

namespace {

Rgb event_colour(const HaEvent& e) {
    switch (e.kind) {
        case HaEvent::Kind::Vrrp:
            return e.state == VrrpState::Stopped ? colours::kFail : colours::ha_director(e.director);
        case HaEvent::Kind::Crash: return colours::kFail;
        case HaEvent::Kind::Stop: return colours::kDimText;
        case HaEvent::Kind::Start: return colours::kPass;
        case HaEvent::Kind::Partition:
        case HaEvent::Kind::Heal: return colours::kMarkerAdmin;
    }
    return colours::kText;
}

}  // namespace

float HaRow::height() const { return 2 * (ImGui::GetTextLineHeight() + 6.0f); }

void HaRow::prepare(const ViewTransform& view, float x0, float x1, int64_t cursor) {
    cursor_ = cursor;
    cursor_x_ = view.x_of(cursor, x0, x1);
    bands_.clear();
    placed_.clear();
    const HaPair& ha = run_.ha;
    const int64_t ta = view.t_of(x0, x0, x1), tb = view.t_of(x1, x0, x1);
    const auto& vip = ha.vip();
    for (size_t i = 0; i < vip.size(); ++i) {
        const int64_t end = i + 1 < vip.size() ? vip[i + 1].t : run_.end();
        if (end < ta || vip[i].t > tb) continue;
        const float a = std::max(x0, view.x_of(vip[i].t, x0, x1)), b = std::min(x1, view.x_of(end, x0, x1));
        if (b > a) bands_.push_back({a, b, vip[i].owner, i});
    }
    const auto& ev = ha.events();
    for (size_t i = 0; i < ev.size(); ++i)
        if (ev[i].t >= ta && ev[i].t <= tb) placed_.push_back({view.x_of(ev[i].t, x0, x1), i});
}

void HaRow::draw(ImDrawList* dl, const RowGeometry& g) {
    geo_ = g;
    const float mid = std::floor((g.y0 + g.y1) * 0.5f);
    draw_band(dl, g, g.y0 + 2, mid - 1);
    draw_events(dl, g, mid + 1, g.y1 - 1);
}

void HaRow::draw_band(ImDrawList* dl, const RowGeometry& g, float y0, float y1) const {
    const float lh = ImGui::GetTextLineHeight();
    const float ty = y0 + (y1 - y0 - lh) * 0.5f;
    dl->AddText(ImVec2(g.label_x + 4, ty), colours::kText.abgr(), "VIP owner");
    // Who owns the VIPs after the cursor is an outcome: hidden with the future.
    const float limit = show_future_ ? g.x1 : std::min(g.x1, cursor_x_);
    std::vector<Segment> segs;
    for (const Band& b : bands_)
        if (b.x0 < limit) segs.push_back({b.x0, std::min(b.x1, limit), colours::ha_director(b.owner)});
    draw_segments(dl, segs, y0, y1, cursor_x_);
    for (const Band& b : bands_) {
        const int32_t o = b.owner;
        const std::string name = o >= 0 ? run_.ha.directors()[static_cast<size_t>(o)].name : "?";
        const std::string text = fit_text(name, std::min(b.x1, limit) - b.x0 - 8);
        if (text.empty()) continue;
        dl->AddText(ImVec2(b.x0 + 4, ty), colours::kBackground.abgr(), text.c_str());
    }
}

void HaRow::draw_events(ImDrawList* dl, const RowGeometry& g, float y0, float y1) const {
    const float lh = ImGui::GetTextLineHeight();
    const float ty = y0 + (y1 - y0 - lh) * 0.5f;
    dl->AddText(ImVec2(g.label_x + 4, ty), colours::kDimText.abgr(), "VRRP");
    const auto& ev = run_.ha.events();
    const float cy = (y0 + y1) * 0.5f;
    for (const Placed& p : placed_) {
        const HaEvent& e = ev[p.event];
        // A state change after the cursor is an outcome; crashes and link cuts are the script.
        if (e.kind == HaEvent::Kind::Vrrp && hidden(e.t)) continue;
        const float x = std::floor(p.x) + 0.5f;
        const uint32_t col = event_colour(e).abgr();
        if (e.kind == HaEvent::Kind::Crash) {  // a cross
            dl->AddLine(ImVec2(x - 5, cy - 5), ImVec2(x + 5, cy + 5), col, 2.5f);
            dl->AddLine(ImVec2(x - 5, cy + 5), ImVec2(x + 5, cy - 5), col, 2.5f);
        } else if (e.kind == HaEvent::Kind::Vrrp) {
            // A dot in the director's colour, the first director's above the second's: the
            // pair's changes at the same moment (at the start, at a failover) both show.
            const float dy = e.director == 0 ? -3.0f : e.director == 1 ? 3.0f : 0.0f;
            dl->AddCircleFilled(ImVec2(x, cy + dy), 4.0f, col, 12);
        } else {  // a square: stop, start, link cut or restored
            dl->AddRectFilled(ImVec2(x - 4, cy - 4), ImVec2(x + 4, cy + 4), col);
        }
    }
    // Labels (of the VRRP changes: the marker row above names the script's actions) in the room
    // before the next event, as the marker row does.
    float text_end = -1e9f;
    for (size_t i = 0; i < placed_.size(); ++i) {
        const HaEvent& e = ev[placed_[i].event];
        if (e.kind != HaEvent::Kind::Vrrp || hidden(e.t) || e.t == run_.begin()) continue;
        const float x = std::floor(placed_[i].x) + 0.5f;
        if (x + 7 < text_end) continue;
        float room_end = g.x1;
        for (size_t j = i + 1; j < placed_.size(); ++j)
            if (placed_[j].x > x + 1 && !hidden(ev[placed_[j].event].t)) {
                room_end = std::min(room_end, std::floor(placed_[j].x) - 8);
                break;
            }
        const std::string text = fit_text(event_label(e), room_end - (x + 7));
        if (text.empty()) continue;
        dl->AddText(ImVec2(x + 7, ty), event_colour(e).abgr(), text.c_str());
        text_end = x + 7 + ImGui::CalcTextSize(text.c_str()).x + 4;
    }
}

std::string HaRow::event_label(const HaEvent& e) const {
    const std::string who =
        e.director >= 0 ? run_.ha.directors()[static_cast<size_t>(e.director)].name : std::string("?");
    switch (e.kind) {
        case HaEvent::Kind::Vrrp: return who + " " + std::string(vrrp_state_name(e.state));
        case HaEvent::Kind::Crash: return who + " crash";
        case HaEvent::Kind::Stop: return who + " stop";
        case HaEvent::Kind::Start: return who + " start";
        case HaEvent::Kind::Partition: return "VRRP link cut";
        case HaEvent::Kind::Heal: return "VRRP link restored";
    }
    return who;
}

std::string HaRow::tooltip(float x, float y, int64_t* t) const {
    const TraceModel& m = run_.model;
    const float mid = std::floor((geo_.y0 + geo_.y1) * 0.5f);
    if (y >= mid) {  // the events strip: the nearest glyph within 6 px
        int best = -1;
        float best_d = 6.0f;
        for (const Placed& p : placed_) {
            const HaEvent& e = run_.ha.events()[p.event];
            if (e.kind == HaEvent::Kind::Vrrp && hidden(e.t)) continue;
            if (const float d = std::fabs(p.x - x); d < best_d) best_d = d, best = static_cast<int>(p.event);
        }
        if (best < 0) return "";
        const HaEvent& e = run_.ha.events()[static_cast<size_t>(best)];
        *t = e.t;
        std::string text = cursor_text(e.t) + "  " + event_label(e);
        if (e.kind == HaEvent::Kind::Vrrp) {
            const Record& r = m.at(e.record);
            text += " (from " + std::string(m.get_text(r, m.keys().from)) + ", priority " +
                    std::to_string(m.get_int(r, m.find_str("priority"))) + ")\n" +
                    std::string(m.get_text(r, m.keys().why));
        }
        return text;
    }
    for (const Band& b : bands_) {
        if (x < b.x0 || x >= b.x1 || (!show_future_ && x > cursor_x_)) continue;
        const VipChange& v = run_.ha.vip()[b.vip];
        *t = v.t;
        const std::string who = b.owner >= 0 ? run_.ha.directors()[static_cast<size_t>(b.owner)].name : "?";
        return "VIPs sent to " + who + " from " + cursor_text(v.t) + " (" +
               std::string(m.get_text(m.at(v.record), m.keys().text)) + ")";
    }
    return "";
}

}  // namespace lvs::viz
