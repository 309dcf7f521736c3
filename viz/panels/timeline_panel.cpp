#include "viz/panels/timeline_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viz/panels/panel_util.hpp"
#include "viz/timeline/axis.hpp"

namespace lvs::viz {

TimelinePanel::TimelinePanel(const RunData& run, const std::vector<Marker>& markers)
    : run_(run), marker_row_(markers), lane_(run) {
    if (run.directors.present()) directors_row_ = std::make_unique<DirectorsRow>(run);
    // Drop-tail queues first (in a lesson about queues they are the point), one group per link:
    // the backlog in packets toward each end that ever held one, scaled to the largest seen.
    for (const QueueSeries& q : run.queues) {
        const std::string title = "queue " + q.link;
        if (groups_.empty() || groups_.back().title != title) {
            Group g;
            g.title = title;
            groups_.push_back(std::move(g));
        }
        groups_.back().rows.push_back(std::make_unique<CounterRow>(
            q.to.empty() ? q.dir : "to " + q.to, &q.packets, colours::kQueue, q.packets.max()));
    }
    // DNS lookups per client group: answered and failed so far (a deleted backend's stuck
    // entries show as the failed line climbing).
    for (const LookupSeries& l : run.lookups) {
        Group g;
        g.title = "DNS lookups " + l.group;
        const double most = std::max({l.answered.max(), l.failed.max(), 1.0});
        g.rows.push_back(std::make_unique<CounterRow>("answered", &l.answered, colours::kPass, most));
        g.rows.push_back(std::make_unique<CounterRow>("failed", &l.failed, colours::kFail, most));
        groups_.push_back(std::move(g));
    }
    const size_t first_rs = groups_.size();
    for (const RealServerSeries& s : run.series) {
        Group g;
        g.title = s.name + (s.address.empty() || s.address == s.name ? "" : "  " + s.address);
        const double conns = std::max({s.active.max(), s.inactive.max(), 1.0});
        g.rows.push_back(std::make_unique<CounterRow>("weight", &s.weight, colours::kWeight, s.weight.max()));
        g.rows.push_back(std::make_unique<CounterRow>("ActiveConn", &s.active, colours::kActive, conns));
        g.rows.push_back(std::make_unique<CounterRow>("InActConn", &s.inactive, colours::kInactive, conns));
        g.rows.push_back(std::make_unique<CounterRow>("TIME_WAIT", &s.time_wait, colours::kServerTimeWait,
                                                      s.time_wait.max()));
        if (s.has_workers) {
            const double w = std::max(s.workers_busy.max(), s.workers_idle.max());
            g.rows.push_back(
                std::make_unique<CounterRow>("workers busy", &s.workers_busy, colours::kWorkers, w));
            g.rows.push_back(
                std::make_unique<CounterRow>("idle keep-alive", &s.workers_idle, colours::kWorkersIdle, w));
        } else {
            g.rows.push_back(std::make_unique<CounterRow>("workers (n/a)", nullptr, colours::kWorkers, 1));
        }
        groups_.push_back(std::move(g));
    }
    // With many realservers only the first two start open.
    for (size_t i = first_rs + 2; i < groups_.size() && groups_.size() - first_rs > 3; ++i)
        groups_[i].open = false;
    // With a handful of connections the lanes say it all; the overview earns its room with many.
    overview_ = run.conns.connections().size() > 24;
    stacks_.push_back(std::make_unique<StateStackRow>("client TCP", run.conns.counts(Side::Client)));
    stacks_.push_back(std::make_unique<StateStackRow>("IPVS entries", run.conns.counts(Side::Director)));
    stacks_.push_back(std::make_unique<StateStackRow>("server TCP", run.conns.counts(Side::Server)));
}

void TimelinePanel::cursor_line(ImDrawList* dl, const ViewerState& st, float y0, float y1,
                                bool curtain) const {
    const float x = st.view.x_of(st.cursor.t, x0_, x1_);
    // With the future hidden (V; presentation mode), a curtain covers what the cursor has not
    // reached yet. The axis and the scenario's own markers stay: they are the script, known
    // before the run.
    if (curtain && !st.show_future && x < x1_)
        dl->AddRectFilled(ImVec2(std::max(x0_, std::floor(x) + 1), y0), ImVec2(x1_ + 1, y1),
                          colours::kPanel.abgr(245));
    if (x < x0_ - 1 || x > x1_ + 1) return;
    dl->AddRectFilled(ImVec2(std::floor(x), y0), ImVec2(std::floor(x) + 1, y1), colours::kCursor.abgr());
}

float TimelinePanel::draw_directors_row(ViewerState& st, ImDrawList* dl, float label_x, float y) {
    if (!directors_row_) return 0;
    const float h = directors_row_->height();
    dl->AddLine(ImVec2(label_x, y + 0.5f), ImVec2(x1_, y + 0.5f), colours::kGrid.abgr());
    directors_row_->set_show_future(st.show_future);
    directors_row_->prepare(st.view, x0_, x1_, st.cursor.t);
    directors_row_->draw(dl, RowGeometry{label_x, x0_, x1_, y, y + h});
    const ImVec2 mp = ImGui::GetIO().MousePos;
    if (!st.headless && ImGui::IsWindowHovered() &&
        ImGui::IsMouseHoveringRect(ImVec2(x0_, y), ImVec2(x1_, y + h))) {
        int64_t t = 0;
        const std::string tip = directors_row_->tooltip(mp.x, mp.y, &t);
        if (!tip.empty()) {
            ImGui::SetTooltip("%s", tip.c_str());
            if (ImGui::IsMouseClicked(0)) st.cursor.t = t;  // snap to it
        }
    }
    return h;
}

void TimelinePanel::strip_input(ViewerState& st, float x0, float x1, float y0, float y1) {
    if (st.headless) return;
    const ImGuiIO& io = ImGui::GetIO();
    const ImVec2 mp = io.MousePos;
    const bool over = ImGui::IsWindowHovered() && mp.x >= x0 && mp.x <= x1 && mp.y >= y0 && mp.y <= y1;
    if (over && ImGui::IsMouseClicked(0) && !ImGui::IsAnyItemHovered()) dragging_ = true;
    if (over && ImGui::IsMouseClicked(1)) panning_ = true, pan_last_x_ = mp.x;
    if (dragging_ && ImGui::IsMouseDown(0))
        st.cursor.t = std::clamp(st.view.t_of(mp.x, x0, x1), st.view.extent_begin(), st.view.extent_end());
    if (!ImGui::IsMouseDown(0)) dragging_ = false;
    if (panning_) {
        if (ImGui::IsMouseDown(1)) st.view.pan(mp.x - pan_last_x_, x0, x1), pan_last_x_ = mp.x;
        else panning_ = false;
    }
    if (over && io.MouseWheel != 0) st.view.zoom(std::pow(0.8f, io.MouseWheel), mp.x, x0, x1);
    if (over && ImGui::IsMouseDoubleClicked(0)) st.view.reset();
    if (over && !dragging_) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddLine(ImVec2(mp.x, y0), ImVec2(mp.x, y1), colours::kDimText.abgr(90));
    }
}

void TimelinePanel::draw(ViewerState& st, float width, float height) {
    (void)height;  // the rows region takes what it needs, the lanes the rest
    const float lh = ImGui::GetTextLineHeight();
    label_w_ = std::floor(ImGui::GetFontSize() * 12.5f);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    x0_ = std::floor(origin.x + label_w_);
    // Room for the rows' scrollbar on the right.
    x1_ = std::floor(origin.x + width - ImGui::GetStyle().ScrollbarSize - 4);

    ImGui::TextColored(to_vec4(colours::kText), "Timeline");
    ImGui::SameLine(0, 16);
    state_legend({ConnState::SynSent, ConnState::SynReceived, ConnState::Established, ConnState::FinWait1,
                  ConnState::FinWait2, ConnState::CloseWait, ConnState::LastAck, ConnState::TimeWait,
                  ConnState::Close});
    // UDP entries' one state, in runs that have them (a state record's "UDP").
    if (run_.model.find_str("UDP") != kNoStr) {
        ImGui::SameLine(0, 10);
        state_legend({ConnState::Udp});
    }

    // Axis and markers.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const std::vector<Tick> ticks = make_ticks(st.view, x0_, x1_, ImGui::GetFontSize() * 8);
    const ImVec2 a = ImGui::GetCursorScreenPos();
    const float axis_h = lh + 8;
    char range[96];
    std::snprintf(range, sizeof range, "%s%s", st.view.compressed() ? "compressed " : "",
                  st.view.zoomed() ? "zoomed" : "whole run");
    dl->AddText(ImVec2(a.x + 4, a.y + 2), colours::kDimText.abgr(), range);
    draw_axis(dl, ticks, x0_, x1_, a.y, axis_h);
    const RowGeometry mg{a.x, x0_, x1_, a.y + axis_h, a.y + axis_h + marker_row_.height()};
    marker_row_.set_show_future(st.show_future);
    marker_row_.prepare(st.view, x0_, x1_, st.cursor.t);
    marker_row_.draw(dl, mg);
    const float top_h = axis_h + marker_row_.height() + draw_directors_row(st, dl, a.x, mg.y1);
    ImGui::Dummy(ImVec2(width, top_h));
    cursor_line(dl, st, a.y, a.y + top_h, false);
    strip_input(st, x0_, x1_, a.y, a.y + top_h);
    if (!st.headless && ImGui::IsWindowHovered() &&
        ImGui::IsMouseHoveringRect(ImVec2(x0_, mg.y0), ImVec2(x1_, mg.y1))) {
        const int hit = marker_row_.hit(ImGui::GetIO().MousePos.x);
        if (hit >= 0) {
            const Marker& m = marker_row_.marker(hit);
            ImGui::SetTooltip("%s  %s", cursor_text(m.t).c_str(), m.label.c_str());
            if (ImGui::IsMouseClicked(0)) st.cursor.t = m.t;  // snap to the marker
        }
    }

    // Realserver rows, then connections.
    float rows_h = 0;
    for (const Group& g : groups_) {
        rows_h += lh + 6;
        if (g.open)
            for (const auto& r : g.rows) rows_h += r->height();
    }
    const float avail = ImGui::GetContentRegionAvail().y;
    const float region_h = std::floor(std::min(rows_h + 4, avail * 0.5f));
    draw_rows_region(st, width, region_h);
    draw_lanes_region(st, width, ImGui::GetContentRegionAvail().y);
}

void TimelinePanel::draw_rows_region(ViewerState& st, float width, float height) {
    ImGui::BeginChild("##rsrows", ImVec2(width, height), false, ImGuiWindowFlags_NoScrollWithMouse);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float lh = ImGui::GetTextLineHeight();
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const std::vector<Tick> ticks = make_ticks(st.view, x0_, x1_, ImGui::GetFontSize() * 8);
    for (size_t gi = 0; gi < groups_.size(); ++gi) {
        Group& g = groups_[gi];
        ImGui::PushID(static_cast<int>(gi));
        const ImVec2 p = ImGui::GetCursorScreenPos();
        dl->AddLine(ImVec2(p.x, p.y + 0.5f), ImVec2(p.x + width, p.y + 0.5f), colours::kGrid.abgr());
        if (ImGui::InvisibleButton("##hdr", ImVec2(label_w_, lh + 4))) g.open = !g.open;
        dl->AddText(ImVec2(p.x + 4, p.y + 2), colours::kRealServer.abgr(),
                    (std::string(g.open ? "v " : "> ") + g.title).c_str());
        ImGui::Dummy(ImVec2(0, 2));
        if (g.open) {
            for (auto& row : g.rows) {
                const ImVec2 q = ImGui::GetCursorScreenPos();
                const RowGeometry geo{q.x, x0_, x1_, q.y, q.y + row->height()};
                row->prepare(st.view, x0_, x1_, st.cursor.t);
                row->draw(dl, geo);
                ImGui::Dummy(ImVec2(width, row->height()));
            }
        }
        ImGui::PopID();
    }
    const float end_y = ImGui::GetCursorScreenPos().y;
    draw_grid(dl, ticks, start.y, end_y);
    cursor_line(dl, st, start.y, end_y);
    const ImVec2 wmin = ImGui::GetWindowPos();
    if (ImGui::IsWindowHovered() && ImGui::GetIO().MouseWheel != 0 && ImGui::GetIO().MousePos.x < x0_)
        ImGui::SetScrollY(ImGui::GetScrollY() - ImGui::GetIO().MouseWheel * 3 * lh);
    else strip_input(st, x0_, x1_, wmin.y, wmin.y + height);
    ImGui::EndChild();
}

void TimelinePanel::rebuild_lanes(int64_t t) {
    lanes_.clear();
    const auto& conns = run_.conns.connections();
    const StrId server =
        server_filter_ > 0 ? run_.conns.servers()[static_cast<size_t>(server_filter_ - 1)] : kNoStr;
    for (uint32_t i = 0; i < conns.size(); ++i) {
        if (server != kNoStr && conns[i].server != server) continue;
        if (alive_only_ && !(conns[i].t0 <= t && t < conns[i].t1)) continue;
        lanes_.push_back(i);
    }
}

void TimelinePanel::draw_lanes_region(ViewerState& st, float width, float height) {
    const float lh = ImGui::GetTextLineHeight();
    rebuild_lanes(st.cursor.t);
    ImGui::Dummy(ImVec2(0, 2));
    char title[96];
    std::snprintf(title, sizeof title, "Connections  %zu of %zu", lanes_.size(),
                  run_.conns.connections().size());
    ImGui::TextColored(to_vec4(colours::kText), "%s", title);
    ImGui::SameLine(0, 12);
    ImGui::Checkbox("open at cursor", &alive_only_);
    ImGui::SameLine(0, 12);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    const auto& servers = run_.conns.servers();
    const std::string current =
        server_filter_ == 0 ? "all servers"
                            : std::string(run_.model.str(servers[static_cast<size_t>(server_filter_ - 1)]));
    if (ImGui::BeginCombo("##server", current.c_str())) {
        if (ImGui::Selectable("all servers", server_filter_ == 0)) server_filter_ = 0;
        for (size_t i = 0; i < servers.size(); ++i)
            if (ImGui::Selectable(std::string(run_.model.str(servers[i])).c_str(),
                                  server_filter_ == static_cast<int>(i + 1)))
                server_filter_ = static_cast<int>(i + 1);
        ImGui::EndCombo();
    }
    ImGui::SameLine(0, 12);
    ImGui::Checkbox("overview", &overview_);
    ImGui::SameLine(0, 12);
    ImGui::TextColored(to_vec4(colours::kDimText), "lanes: client / IPVS entry / server");

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const std::vector<Tick> ticks = make_ticks(st.view, x0_, x1_, ImGui::GetFontSize() * 8);
    // Overviews: how many connections are in each state.
    const ImVec2 s0 = ImGui::GetCursorScreenPos();
    for (auto& row : stacks_) {
        if (!overview_) break;
        const ImVec2 q = ImGui::GetCursorScreenPos();
        const RowGeometry geo{q.x, x0_, x1_, q.y, q.y + row->height()};
        row->prepare(st.view, x0_, x1_, st.cursor.t);
        row->draw(dl, geo);
        ImGui::Dummy(ImVec2(width, row->height()));
    }
    const float s1 = ImGui::GetCursorScreenPos().y;
    draw_grid(dl, ticks, s0.y, s1);
    cursor_line(dl, st, s0.y, s1);
    strip_input(st, x0_, x1_, s0.y, s1);

    const float rest = std::max(lh * 2, ImGui::GetContentRegionAvail().y);
    (void)height;
    ImGui::BeginChild("##lanes", ImVec2(width, rest), false, ImGuiWindowFlags_NoScrollWithMouse);
    ImDrawList* ldl = ImGui::GetWindowDrawList();
    const float lane_h = ConnRow::lane_height();
    const ImVec2 l0 = ImGui::GetCursorScreenPos();
    ImGuiListClipper clip;
    clip.Begin(static_cast<int>(lanes_.size()), lane_h);
    while (clip.Step()) {
        for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
            const ImVec2 q = ImGui::GetCursorScreenPos();
            lane_.set(lanes_[static_cast<size_t>(i)]);
            lane_.prepare(st.view, x0_, x1_, st.cursor.t);
            lane_.draw(ldl, RowGeometry{q.x, x0_, x1_, q.y, q.y + lane_h});
            const auto conn = static_cast<int32_t>(lanes_[static_cast<size_t>(i)]);
            if (st.selected_run == &run_ && st.selected_conn == conn)
                ldl->AddRect(ImVec2(q.x, q.y), ImVec2(x1_ + 1, q.y + lane_h), colours::kDirector.abgr(), 0, 0,
                             2.0f);
            // A click on a lane selects its connection (the inspector opens) and, over the
            // plot, also moves the cursor.
            const ImVec2 mp = ImGui::GetIO().MousePos;
            if (!st.headless && ImGui::IsWindowHovered() && ImGui::IsMouseClicked(0) && mp.y >= q.y &&
                mp.y < q.y + lane_h)
                st.selected_conn = conn, st.selected_run = &run_;
            ImGui::Dummy(ImVec2(width, lane_h));
        }
    }
    const ImVec2 wpos = ImGui::GetWindowPos();
    const float bottom = wpos.y + rest;
    draw_grid(ldl, ticks, std::max(l0.y, wpos.y), bottom);
    cursor_line(ldl, st, std::max(l0.y, wpos.y), bottom);
    if (ImGui::IsWindowHovered() && ImGui::GetIO().MouseWheel != 0 && ImGui::GetIO().MousePos.x < x0_)
        ImGui::SetScrollY(ImGui::GetScrollY() - ImGui::GetIO().MouseWheel * 3 * lane_h);
    else strip_input(st, x0_, x1_, wpos.y, bottom);
    ImGui::EndChild();
}

}  // namespace lvs::viz
