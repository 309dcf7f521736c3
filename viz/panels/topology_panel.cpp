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

namespace {

// A director of a pair: its VRRP state at t under its box, with its HA name when the node is
// named otherwise ("lvs1 - MASTER" under "director", "BACKUP" under "lvs2"), in the colour of
// its listing's title; empty for a single director.
std::pair<std::string, Rgb> ha_state_label(const RunData& run, std::string_view node, int64_t t) {
    const auto& directors = run.ha.directors();
    for (size_t d = 0; d < directors.size() && run.ha.present(); ++d) {
        if (run.model.str(directors[d].entity) != node) continue;
        const bool stopped = run.ha.state_at(d, t) == VrrpState::Stopped;
        std::string text = run.ha.label_at(d, t);
        if (directors[d].name == node) text.erase(0, node.size() + 3);  // "lvs2 - "
        return {text, stopped ? colours::kFail : colours::ha_director(static_cast<int32_t>(d))};
    }
    return {};
}

}  // namespace

TopologyPanel::TopologyPanel(const RunData& run) : run_(run) {
    const TraceModel& m = run.model;
    for (const Connection& c : run.conns.connections())
        conn_nodes_.emplace_back(node_of(c.client_host), c.server != kNoStr ? node_of(c.server) : -1);
    for (uint32_t ri : m.of_kind(m.kinds().net_packet)) {
        const Record& r = m.at(ri);
        max_flight_ = std::max(max_flight_, m.get_int(r, m.keys().arrive, r.t) - r.t);
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
    for (const auto& [a, b] : run_.topology.links()) {
        const P pa = node_pos(a), pb = node_pos(b);
        dl->AddLine(ImVec2(pa.x, pa.y), ImVec2(pb.x, pb.y), colours::kGrid.abgr(), 3.0f);
    }
    draw_connections(dl, t);
    if (!st.headless && ImGui::IsWindowHovered() && ImGui::IsMouseClicked(0))
        if (const int32_t hit = line_at(ImGui::GetIO().MousePos); hit >= 0)
            st.selected_conn = hit, st.selected_run = &run_;
    if (st.selected_run == &run_ && st.selected_conn >= 0) draw_selected(dl, st.selected_conn);
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

void TopologyPanel::draw_selected(ImDrawList* dl, int32_t conn) {
    // The inspector's connection, traced over its legs in the step's orange.
    const Topology& topo = run_.topology;
    if (topo.director() < 0 || conn >= static_cast<int32_t>(conn_nodes_.size())) return;
    const uint32_t dir = static_cast<uint32_t>(topo.director());
    const auto [cn, sn] = conn_nodes_[static_cast<size_t>(conn)];
    if (cn >= 0) polyline(dl, topo.path(static_cast<uint32_t>(cn), dir), 0, colours::kDirector.abgr(), 4.0f);
    if (sn >= 0) polyline(dl, topo.path(dir, static_cast<uint32_t>(sn)), 0, colours::kDirector.abgr(), 4.0f);
}

void TopologyPanel::draw_connections(ImDrawList* dl, int64_t t) {
    const Topology& topo = run_.topology;
    if (topo.director() < 0) return;
    const uint32_t dir = static_cast<uint32_t>(topo.director());
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
    for (uint32_t ci : alive_) {
        const Connection& c = run_.conns.connections()[ci];
        const auto [cn, sn] = conn_nodes_[ci];
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
            labels.push_back(
                {along(path, g.to == dir ? 0.15f : 0.8f, off), static_cast<ConnState>(s), g.counts[s]});
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
    // there are more than fit), coloured by IPVS state, in proportion.
    const Topology& topo = run_.topology;
    if (topo.director() < 0) return;
    int counts[kStateCount] = {};
    int total = 0;
    for (uint32_t ci : alive_) {
        const Connection& c = run_.conns.connections()[ci];
        if (c.side[1] < 0) continue;
        const ConnState s = run_.conns.state_at(run_.conns.endpoint(c.side[1]), t);
        if (s == ConnState::Closed) continue;
        ++counts[static_cast<int>(s)];
        ++total;
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

void TopologyPanel::draw_nodes(ImDrawList* dl, int64_t t, const std::string& highlight, bool hide_counters) {
    const float text_fs = ImGui::GetFontSize();
    // Node sizes follow the font, shrunk when the picture is small (large fonts, small panel).
    const float fs = text_fs * std::clamp(std::min(w_, h_) / (text_fs * 14), 0.5f, 1.0f);
    struct Placed {
        ImVec2 min, max;
    };
    std::vector<Placed> taken;  // node shapes first, then each label as it is placed
    struct Pending {
        P c;
        float r;
        std::string text;
        uint32_t colour;
        bool below;             // its preferred side: the name above the node, the counters below
        bool optional = false;  // left out when it finds no free side
    };
    std::vector<Pending> labels;
    std::vector<Pending> last;  // placed after every other label
    for (uint32_t n = 0; n < run_.topology.nodes().size(); ++n) {
        const TopoNode& node = run_.topology.nodes()[n];
        const P c = node_pos(n);
        float r = draw_node_shape(dl, node, c, fs);
        if (node.name == highlight) {  // the lesson step points at it; its labels go outside the ring
            r = r * 1.6f + 4;
            dl->AddCircle(ImVec2(c.x, c.y), r, colours::kDirector.abgr(), 24, 3.0f);
        }
        taken.push_back({ImVec2(c.x - r * 1.4f, c.y - r), ImVec2(c.x + r * 1.4f, c.y + r)});
        const bool router = node.role == NodeRole::Router;
        if (router && w_ < text_fs * 24) continue;  // a cramped picture keeps only the hosts' names
        labels.push_back({c, r, node.name, (router ? colours::kDimText : colours::kText).abgr(), false});
        if (node.role == NodeRole::Director)
            if (const auto [text, colour] = ha_state_label(run_, node.name, t); !text.empty())
                last.push_back({c, r, text, colour.abgr(), true, true});
        if (node.role != NodeRole::RealServer || hide_counters) continue;  // hidden with -Ln by a step
        for (const RealServerSeries& s : run_.series) {
            if (s.name != node.name) continue;
            const double w = s.weight.at(t), a = s.active.at(t), i = s.inactive.at(t);
            char buf[64];
            if (std::isnan(w)) std::snprintf(buf, sizeof buf, "not in service");
            else std::snprintf(buf, sizeof buf, "w %g  A %g  I %g", w, a, i);
            labels.push_back({c, r, buf, colours::kDimText.abgr(), true});
        }
    }
    labels.insert(labels.end(), last.begin(), last.end());
    // Each label on the first side (preferred, then the other, right, left) where it covers no
    // node and no label placed before it, and stays inside the panel.
    const ImVec2 clip_min = dl->GetClipRectMin(), clip_max = dl->GetClipRectMax();
    const int group = LayoutAudit::active() != nullptr ? next_audit_group() : 0;
    for (const Pending& pending : labels) {
        Pending l = pending;
        ImVec2 ts, at;
        bool found = false;
        // A label that finds no free side is tried again in its compact form ("w0 A3 I0").
        for (int attempt = 0; attempt < 2; ++attempt) {
            ts = ImGui::CalcTextSize(l.text.c_str());
            const ImVec2 above(std::floor(l.c.x - ts.x * 0.5f), std::floor(l.c.y - l.r - ts.y - 2));
            const ImVec2 below(std::floor(l.c.x - ts.x * 0.5f), std::floor(l.c.y + l.r + 2));
            const ImVec2 right(std::floor(l.c.x + l.r * 1.4f + 4), std::floor(l.c.y - ts.y * 0.5f));
            const ImVec2 left(std::floor(l.c.x - l.r * 1.4f - 4 - ts.x), std::floor(l.c.y - ts.y * 0.5f));
            const float half = std::floor(ts.x * 0.5f + l.r);
            const ImVec2 order[8] = {l.below ? below : above,
                                     l.below ? above : below,
                                     right,
                                     left,
                                     ImVec2(below.x + half, below.y),
                                     ImVec2(below.x - half, below.y),
                                     ImVec2(above.x + half, above.y),
                                     ImVec2(above.x - half, above.y)};
            const auto free_at = [&](ImVec2 a) {
                const ImVec2 z(a.x + ts.x, a.y + ts.y);
                if (a.x < clip_min.x || a.y < clip_min.y || z.x > clip_max.x || z.y > clip_max.y)
                    return false;
                for (const Placed& p : taken)
                    if (!(z.x <= p.min.x || p.max.x <= a.x || z.y <= p.min.y || p.max.y <= a.y)) return false;
                return true;
            };
            at = order[0];
            found = false;
            for (const ImVec2& o : order)
                if (free_at(o)) {
                    at = o;
                    found = true;
                    break;
                }
            std::string compact;
            for (size_t i = 0; i < l.text.size(); ++i)
                if (!(l.text[i] == ' ' && i > 0 &&
                      std::isalpha(static_cast<unsigned char>(l.text[i - 1])) != 0 && i + 1 < l.text.size() &&
                      std::isdigit(static_cast<unsigned char>(l.text[i + 1])) != 0) &&
                    !(l.text[i] == ' ' && i + 1 < l.text.size() && l.text[i + 1] == ' '))
                    compact += l.text[i];
            if (found || compact == l.text) break;
            l.text = compact;
        }
        if (!found && l.optional) continue;
        // On a dark plate: readable where lines pass under it.
        dl->AddRectFilled(ImVec2(at.x - 2, at.y), ImVec2(at.x + ts.x + 2, at.y + ts.y),
                          colours::kBackground.abgr(190), 2.0f);
        dl->AddText(at, l.colour, l.text.c_str());
        taken.push_back({at, ImVec2(at.x + ts.x, at.y + ts.y)});
        if (LayoutAudit* audit = LayoutAudit::active())
            audit->text(l.text, at, ImVec2(at.x + ts.x, at.y + ts.y));
    }
    if (LayoutAudit* audit = LayoutAudit::active())
        for (size_t i = 0; i < taken.size(); ++i)
            audit->box(
                i < run_.topology.nodes().size() ? "node " + run_.topology.nodes()[i].name : "topology label",
                group, taken[i].min, taken[i].max);
}

float TopologyPanel::draw_node_shape(ImDrawList* dl, const TopoNode& node, P c, float fs) const {
    float r = fs * 0.8f;
    switch (node.role) {
        case NodeRole::Client: dl->AddCircleFilled(ImVec2(c.x, c.y), r, colours::kClient.abgr(), 14); break;
        case NodeRole::ClientCluster:
            r = fs * 1.3f;
            dl->AddCircleFilled(ImVec2(c.x, c.y), r, colours::kClient.abgr(), 16);
            dl->AddCircle(ImVec2(c.x, c.y), r + 4, colours::kClient.abgr(150), 16, 2.0f);
            break;
        case NodeRole::Router:
            r = fs * 0.45f;
            dl->AddQuadFilled(ImVec2(c.x, c.y - r), ImVec2(c.x + r, c.y), ImVec2(c.x, c.y + r),
                              ImVec2(c.x - r, c.y), colours::kRouter.abgr());
            break;
        case NodeRole::Director:
            r = fs * 1.0f;
            dl->AddRectFilled(ImVec2(c.x - r * 1.4f, c.y - r * 0.8f), ImVec2(c.x + r * 1.4f, c.y + r * 0.8f),
                              colours::kDirector.abgr(), 4.0f);
            break;
        case NodeRole::RealServer:
            r = fs * 0.9f;
            dl->AddRectFilled(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), colours::kRealServer.abgr(),
                              3.0f);
            break;
    }
    return r;
}

}  // namespace lvs::viz
