#include "viz/panels/topology_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "viz/layout/layout_audit.hpp"
#include "viz/panels/panel_util.hpp"

namespace lvs::viz {

TopologyPanel::TopologyPanel(const RunData& run) : run_(run) {
    const TraceModel& m = run.model;
    for (const Connection& c : run.conns.connections())
        conn_nodes_.emplace_back(node_of(c.client_host), c.server != kNoStr ? node_of(c.server) : -1);
    for (uint32_t ri : m.of_kind(m.kinds().net_packet)) {
        const Record& r = m.at(ri);
        max_flight_ = std::max(max_flight_, m.get_int(r, m.keys().arrive, r.t) - r.t);
    }
    // Each director of several by its node (the first director's node is "director").
    node_director_.assign(run.topology.nodes().size(), -1);
    node_entries_.assign(run.topology.nodes().size(), 0);
    const auto& directors = run.directors.directors();
    for (size_t d = 0; d < directors.size() && run.directors.present(); ++d)
        if (const int32_t n = run.topology.node_of(m.str(directors[d].entity)); n >= 0)
            node_director_[static_cast<size_t>(n)] = static_cast<int32_t>(d);
}

uint32_t TopologyPanel::conn_director(uint32_t conn, int64_t t, uint32_t dir) const {
    if (!run_.directors.fleet()) return dir;
    const int32_t e = run_.conns.entry_at(run_.conns.connections()[conn], t);
    if (e < 0) return dir;
    const int32_t n = node_of(run_.conns.endpoint(e).director);
    return n >= 0 ? static_cast<uint32_t>(n) : dir;
}

void TopologyPanel::draw_links(ImDrawList* dl, int64_t t) const {
    // A fleet's router -> member links are the router's next hops: solid while the member is
    // in its group (red while it is down there: the router still sends it flows), dashed and
    // faint once it has left.
    const auto& ecmp = run_.topology.ecmp_links();
    for (const auto& [a, b] : run_.topology.links()) {
        const P pa = node_pos(a), pb = node_pos(b);
        const auto hop = std::find_if(ecmp.begin(), ecmp.end(), [&](const auto& l) {
            return (l.first == a && l.second == b) || (l.first == b && l.second == a);
        });
        if (hop == ecmp.end()) {
            dl->AddLine(ImVec2(pa.x, pa.y), ImVec2(pb.x, pb.y), colours::kGrid.abgr(), 3.0f);
            continue;
        }
        const Look look = director_look(hop->second, t);
        if (look != Look::Out) {
            const Rgb c = look == Look::Down ? colours::kFail : colours::kRouter;
            dl->AddLine(ImVec2(pa.x, pa.y), ImVec2(pb.x, pb.y), c.abgr(look == Look::Down ? 150 : 120), 3.0f);
            continue;
        }
        const float len = std::hypot(pb.x - pa.x, pb.y - pa.y);
        for (float s = 0; s < len; s += 10) {
            const float f0 = s / len, f1 = std::min(len, s + 5) / len;
            dl->AddLine(ImVec2(pa.x + (pb.x - pa.x) * f0, pa.y + (pb.y - pa.y) * f0),
                        ImVec2(pa.x + (pb.x - pa.x) * f1, pa.y + (pb.y - pa.y) * f1), colours::kGrid.abgr(),
                        1.5f);
        }
    }
}

int32_t TopologyPanel::node_of(StrId name) const {
    const auto it = node_cache_.find(name);
    if (it != node_cache_.end()) return it->second;
    const int32_t n = run_.topology.node_of(run_.model.str(name));
    node_cache_.emplace(name, n);
    return n;
}

TopologyPanel::P TopologyPanel::node_pos(uint32_t n) const {
    const TopoNode& node = run_.topology.nodes()[n];
    return {std::floor(ox_ + node.x * w_), std::floor(oy_ + node.y * h_)};
}

TopologyPanel::P TopologyPanel::along(const std::vector<uint32_t>& nodes, float f, float offset) const {
    if (nodes.size() < 2) return nodes.empty() ? P{ox_, oy_} : node_pos(nodes[0]);
    float total = 0;
    for (size_t i = 0; i + 1 < nodes.size(); ++i) {
        const P a = node_pos(nodes[i]), b = node_pos(nodes[i + 1]);
        total += std::hypot(b.x - a.x, b.y - a.y);
    }
    float d = std::clamp(f, 0.0f, 1.0f) * total;
    for (size_t i = 0; i + 1 < nodes.size(); ++i) {
        const P a = node_pos(nodes[i]), b = node_pos(nodes[i + 1]);
        const float len = std::hypot(b.x - a.x, b.y - a.y);
        if (d <= len || i + 2 == nodes.size()) {
            const float g = len > 0 ? std::min(1.0f, d / len) : 0.0f;
            const float nx = len > 0 ? -(b.y - a.y) / len : 0.0f, ny = len > 0 ? (b.x - a.x) / len : 0.0f;
            return {a.x + (b.x - a.x) * g + nx * offset, a.y + (b.y - a.y) * g + ny * offset};
        }
        d -= len;
    }
    return node_pos(nodes.back());
}

int TopologyPanel::offset_points(const std::vector<uint32_t>& nodes, float offset, ImVec2 (&pts)[16]) const {
    int n = 0;
    for (size_t i = 0; i < nodes.size() && n < 16; ++i) {
        // Offset each vertex along the normal of its neighbouring segment(s).
        const P c = node_pos(nodes[i]);
        const P a = node_pos(nodes[i == 0 ? 0 : i - 1]);
        const P b = node_pos(nodes[i + 1 < nodes.size() ? i + 1 : i]);
        float dx = b.x - a.x, dy = b.y - a.y;
        const float len = std::hypot(dx, dy);
        if (len > 0) dx /= len, dy /= len;
        pts[n++] = ImVec2(c.x - dy * offset, c.y + dx * offset);
    }
    return n;
}

void TopologyPanel::polyline(ImDrawList* dl, const std::vector<uint32_t>& nodes, float offset,
                             uint32_t colour, float thickness) const {
    ImVec2 pts[16];
    const int n = offset_points(nodes, offset, pts);
    dl->AddPolyline(pts, n, colour, 0, thickness);
}

void TopologyPanel::draw(ViewerState& st, float width, float height) {
    const int64_t t = st.cursor.t;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(width, height));
    // Margins leave room for the labels around the nodes.
    const float fs = ImGui::GetFontSize();
    const float mx = std::max(40.0f, fs * 3.5f), my = fs * 2.0f;
    // The bottom strip holds the director's entries; the layout keeps its proportions within
    // 1.6:1 so a wide, short panel does not squash nodes onto each other.
    const float entries_h = fs + 2 * 7 + 4;
    w_ = std::max(1.0f, width - 2 * mx);
    h_ = std::max(1.0f, height - 2 * my - entries_h);
    const float cw = std::min(w_, h_ * 1.6f + 40), ch = std::min(h_, w_ * 1.6f + 40);
    ox_ = std::floor(p.x + mx + (w_ - cw) * 0.5f);
    oy_ = std::floor(p.y + my + (h_ - ch) * 0.5f);
    w_ = cw;
    h_ = ch;
    entries_x_ = p.x + 4;
    entries_y_ = p.y + height - entries_h;
    dl->PushClipRect(p, ImVec2(p.x + width, p.y + height), true);
    draw_links(dl, t);
    draw_connections(dl, t);
    if (!st.headless && ImGui::IsWindowHovered() && ImGui::IsMouseClicked(0))
        if (const int32_t hit = line_at(ImGui::GetIO().MousePos); hit >= 0)
            st.selected_conn = hit, st.selected_run = &run_;
    if (st.selected_run == &run_ && st.selected_conn >= 0) draw_selected(dl, st.selected_conn, t);
    draw_packets(dl, t);
    draw_nodes(dl, t, st.highlight, st.conceal == "listing");
    draw_entries(dl, t);
    dl->PopClipRect();
}

int32_t TopologyPanel::line_at(ImVec2 m) const {
    // The connection whose drawn line passes nearest the pointer (within 5 pixels), through
    // the same vertices polyline() drew it with.
    const Topology& topo = run_.topology;
    int32_t best = -1;
    float best_d = 5.0f;
    for (const Line& l : lines_) {
        ImVec2 pts[16];
        const int n = offset_points(topo.path(l.from, l.to), l.offset, pts);
        for (int i = 0; i + 1 < n; ++i) {
            const float vx = pts[i + 1].x - pts[i].x, vy = pts[i + 1].y - pts[i].y;
            const float len2 = vx * vx + vy * vy;
            const float u =
                len2 > 0 ? std::clamp(((m.x - pts[i].x) * vx + (m.y - pts[i].y) * vy) / len2, 0.0f, 1.0f) : 0;
            const float d = std::hypot(m.x - (pts[i].x + u * vx), m.y - (pts[i].y + u * vy));
            if (d < best_d) best_d = d, best = static_cast<int32_t>(l.conn);
        }
    }
    return best;
}

void TopologyPanel::draw_selected(ImDrawList* dl, int32_t conn, int64_t t) {
    // The inspector's connection, traced over its legs in the step's orange.
    const Topology& topo = run_.topology;
    if (topo.director() < 0 || conn >= static_cast<int32_t>(conn_nodes_.size())) return;
    const uint32_t dir =
        conn_director(static_cast<uint32_t>(conn), t, static_cast<uint32_t>(topo.director()));
    const auto [cn, sn] = conn_nodes_[static_cast<size_t>(conn)];
    if (cn >= 0) polyline(dl, topo.path(static_cast<uint32_t>(cn), dir), 0, colours::kDirector.abgr(), 4.0f);
    if (sn >= 0) polyline(dl, topo.path(dir, static_cast<uint32_t>(sn)), 0, colours::kDirector.abgr(), 4.0f);
}

void TopologyPanel::draw_connections(ImDrawList* dl, int64_t t) {
    const Topology& topo = run_.topology;
    if (topo.director() < 0) return;
    const uint32_t first = static_cast<uint32_t>(topo.director());
    run_.conns.alive_at(t, alive_);
    // Legs grouped per path: client -> director and director -> server.
    struct Group {
        uint32_t from, to;
        std::vector<ConnState> states;
        std::vector<uint32_t> conns;  // the connection of each line (for clicks)
        int counts[kStateCount] = {};
    };
    std::vector<Group> groups;
    const auto leg = [&](uint32_t from, uint32_t to, ConnState s, uint32_t conn) {
        Group* g = nullptr;
        for (Group& x : groups)
            if (x.from == from && x.to == to) g = &x;
        if (g == nullptr) {
            groups.push_back(Group{from, to, {}, {}, {}});
            g = &groups.back();
        }
        g->states.push_back(s);
        g->conns.push_back(conn);
        ++g->counts[static_cast<int>(s)];
    };
    std::fill(node_entries_.begin(), node_entries_.end(), 0);
    for (uint32_t ci : alive_) {
        const Connection& c = run_.conns.connections()[ci];
        const auto [cn, sn] = conn_nodes_[ci];
        // A fleet: through the member whose entry carries it now; each member counts the
        // entries it holds (those the flow left behind too, as its -Ln does).
        const uint32_t dir = conn_director(ci, t, first);
        for (int32_t e = run_.directors.fleet() ? c.entries : -1; e >= 0; e = run_.conns.endpoint(e).also)
            if (const int32_t n = node_of(run_.conns.endpoint(e).director);
                n >= 0 && run_.conns.state_at(run_.conns.endpoint(e), t) != ConnState::Closed)
                ++node_entries_[static_cast<size_t>(n)];
        if (cn >= 0 && c.side[0] >= 0) {
            const ConnState s = run_.conns.state_at(run_.conns.endpoint(c.side[0]), t);
            if (s != ConnState::Closed) leg(static_cast<uint32_t>(cn), dir, s, ci);
        }
        if (sn >= 0 && c.side[2] >= 0) {
            const ConnState s = run_.conns.state_at(run_.conns.endpoint(c.side[2]), t);
            if (s != ConnState::Closed) leg(dir, static_cast<uint32_t>(sn), s, ci);
        }
    }
    // Single lines fanned out, or, when crowded, one bundle per state with its count.
    const bool bundle = alive_.size() > kMaxSingleLines;
    struct Label {
        P at;
        ConnState state;
        int count;
    };
    std::vector<Label> labels;  // drawn over all the lines
    lines_.clear();
    for (const Group& g : groups) {
        const auto& path = topo.path(g.from, g.to);
        if (!bundle) {
            const float n = static_cast<float>(g.states.size());
            for (size_t i = 0; i < g.states.size(); ++i) {
                const float off = (static_cast<float>(i) - (n - 1) * 0.5f) * 4.0f;
                polyline(dl, path, off, state_colour(g.states[i]).abgr(), 2.0f);
                lines_.push_back({g.conns[i], g.from, g.to, off});
            }
            continue;
        }
        int kinds = 0;
        for (int c : g.counts) kinds += c > 0 ? 1 : 0;
        int k = 0;
        for (int s = 0; s < kStateCount; ++s) {
            if (g.counts[s] == 0) continue;
            const float thick = std::min(9.0f, 2.0f + std::log2(static_cast<float>(g.counts[s])));
            const float off = (static_cast<float>(k) - (kinds - 1) * 0.5f) * 10.0f;
            polyline(dl, path, off, state_colour(static_cast<ConnState>(s)).abgr(), thick);
            // Nearer the far end, so labels of paths sharing a switch do not pile up there.
            const bool inbound = topo.nodes()[g.to].role == NodeRole::Director;
            labels.push_back(
                {along(path, inbound ? 0.15f : 0.8f, off), static_cast<ConnState>(s), g.counts[s]});
            ++k;
        }
    }
    for (const Label& l : labels) {
        char text[24];
        std::snprintf(text, sizeof text, "%d", l.count);
        const ImVec2 ts = ImGui::CalcTextSize(text);
        const ImVec2 at(std::floor(l.at.x + 4), std::floor(l.at.y - ts.y - 2));
        dl->AddRectFilled(ImVec2(at.x - 2, at.y), ImVec2(at.x + ts.x + 2, at.y + ts.y),
                          colours::kBackground.abgr(200), 2.0f);
        dl->AddText(at, state_colour(l.state).abgr(), text);
    }
}

void TopologyPanel::draw_entries(ImDrawList* dl, int64_t t) {
    // The director's connection table: a square per entry (or per group of entries when
    // there are more than fit), coloured by IPVS state, in proportion. A fleet's: every
    // member's entries (those a moved flow left behind too, as the members' -Lnc list them).
    const Topology& topo = run_.topology;
    if (topo.director() < 0) return;
    const bool fleet = run_.directors.fleet();
    int counts[kStateCount] = {};
    int total = 0;
    for (uint32_t ci : alive_) {
        const Connection& c = run_.conns.connections()[ci];
        for (int32_t e = fleet ? c.entries : c.side[1]; e >= 0;
             e = fleet ? run_.conns.endpoint(e).also : -1) {
            const ConnState s = run_.conns.state_at(run_.conns.endpoint(e), t);
            if (s == ConnState::Closed) continue;
            ++counts[static_cast<int>(s)];
            ++total;
        }
    }
    // In the strip along the bottom of the panel, clear of the picture.
    const float lh = ImGui::GetFontSize();
    const int kPerRow = std::max(8, static_cast<int>((w_ + 2 * ox_ - 2 * entries_x_) / 7) - 2);
    const int kMaxSquares = 2 * kPerRow;
    const float x0 = std::floor(entries_x_);
    const float y = std::floor(entries_y_);
    const int per_square = std::max(1, (total + kMaxSquares - 1) / kMaxSquares);
    std::string text = "IPVS entries: " + std::to_string(total);
    for (int s = 0; s < kStateCount; ++s)
        if (counts[s] > 0)
            text += ", " + std::to_string(counts[s]) + " " +
                    std::string(state_info(static_cast<ConnState>(s)).name);
    if (per_square > 1) text += "  (a square is " + std::to_string(per_square) + ")";
    dl->AddText(ImVec2(x0, y), colours::kDimText.abgr(), text.c_str());
    int i = 0;
    for (int s = 0; s < kStateCount && i < kMaxSquares; ++s)
        for (int n = 0; n < (counts[s] + per_square - 1) / per_square && i < kMaxSquares; ++n, ++i) {
            const float x = std::floor(x0 + (i % kPerRow) * 7),
                        yy = std::floor(y + lh + 2 + (i / kPerRow) * 7);
            dl->AddRectFilled(ImVec2(x, yy), ImVec2(x + 5, yy + 5),
                              state_colour(static_cast<ConnState>(s)).abgr());
        }
}

void TopologyPanel::draw_packets(ImDrawList* dl, int64_t t) {
    const TraceModel& m = run_.model;
    const auto& K = m.keys();
    const auto& idx = m.of_kind(m.kinds().net_packet);
    size_t i = m.lower_bound(idx, t - max_flight_);
    size_t drawn = 0;
    for (; i < idx.size() && drawn < kMaxPackets; ++i) {
        const Record& r = m.at(idx[i]);
        if (r.t > t) break;
        const int64_t arrive = m.get_int(r, K.arrive, r.t);
        if (arrive <= t) continue;
        const int32_t a = node_of(r.entity);
        const int32_t b = node_of(m.get_text_id(r, K.to));
        if (a < 0 || b < 0) continue;
        const auto& path = run_.topology.path(static_cast<uint32_t>(a), static_cast<uint32_t>(b));
        const float f = static_cast<float>(static_cast<double>(t - r.t) / static_cast<double>(arrive - r.t));
        // Packets on the way out and back keep to their own side of the link.
        const P pos = along(path, f, a < b ? -5.0f : 5.0f);
        const std::string_view flags = m.get_text(r, K.flags);
        Rgb col = colours::kPacketData;
        float radius = 3.0f;
        if (flags.find('R') != std::string_view::npos) col = colours::kPacketRst, radius = 4.5f;
        else if (flags.find('S') != std::string_view::npos) col = colours::kPacketSyn, radius = 4.5f;
        else if (flags.find('F') != std::string_view::npos) col = colours::kPacketFin, radius = 4.5f;
        else if (m.get_int(r, K.len) == 0) col = colours::kDimText, radius = 2.0f;
        // Squares: four vertices each, hundreds of packets can be in flight.
        dl->AddRectFilled(ImVec2(std::floor(pos.x - radius), std::floor(pos.y - radius)),
                          ImVec2(std::floor(pos.x + radius), std::floor(pos.y + radius)), col.abgr());
        ++drawn;
    }
}

}  // namespace lvs::viz
