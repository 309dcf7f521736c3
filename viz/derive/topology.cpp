#include "viz/derive/topology.hpp"

#include <algorithm>
#include <deque>
#include <set>

namespace lvs::viz {

void Topology::build(const TopologyInput& in, const std::vector<std::string>& fleet) {
    nodes_.clear();
    links_.clear();
    ecmp_.clear();
    by_name_.clear();
    paths_.clear();
    director_ = -1;
    size_t clients = 0;
    for (const auto& n : in.nodes) clients += n.role == NodeRole::Client ? 1 : 0;
    const bool cluster = clients > kMaxDrawnClients;
    int32_t cluster_node = -1;
    std::vector<int32_t> map(in.nodes.size(), -1);
    for (size_t i = 0; i < in.nodes.size(); ++i) {
        const auto& n = in.nodes[i];
        if (cluster && n.role == NodeRole::Client) {
            if (cluster_node < 0) {
                cluster_node = static_cast<int32_t>(nodes_.size());
                nodes_.push_back({"clients", NodeRole::ClientCluster, 0});
            }
            ++nodes_[static_cast<size_t>(cluster_node)].members;
            map[i] = cluster_node;
        } else {
            map[i] = static_cast<int32_t>(nodes_.size());
            nodes_.push_back({n.name, n.role, 1});
            if (n.role == NodeRole::Director && director_ < 0) director_ = map[i];
        }
        by_name_[n.name] = static_cast<uint32_t>(map[i]);
    }
    if (cluster_node >= 0) {
        TopoNode& c = nodes_[static_cast<size_t>(cluster_node)];
        c.name = std::to_string(c.members) + " clients";
    }
    std::set<std::pair<uint32_t, uint32_t>> seen;
    for (const auto& [a, b] : in.links) {
        uint32_t x = static_cast<uint32_t>(map[a]), y = static_cast<uint32_t>(map[b]);
        if (x == y) continue;
        if (x > y) std::swap(x, y);
        if (seen.insert({x, y}).second) links_.emplace_back(x, y);
    }
    index_links();
    if (!fleet.empty()) link_next_hops();
    layout();
    if (!fleet.empty()) layer_fleet(fleet);
}

void Topology::layer_fleet(const std::vector<std::string>& fleet) {
    // The spring layout crowds a fleet's directors between the router and the LAN switch, all
    // linked to both: columns instead, each keeping the spring layout's order top to bottom.
    // A trace's picture has no router (its clients link to the directors): its column stays
    // empty.
    const int64_t router = ecmp_.empty() ? -1 : static_cast<int64_t>(ecmp_.front().first);
    std::vector<std::vector<uint32_t>> columns(5);
    for (uint32_t n = 0; n < nodes_.size(); ++n) {
        const NodeRole r = nodes_[n].role;
        const size_t c = r == NodeRole::Client || r == NodeRole::ClientCluster ? 0
                         : n == router                                         ? 1
                         : r == NodeRole::Director                             ? 2
                         : r == NodeRole::Router                               ? 3
                                                                               : 4;
        columns[c].push_back(n);
    }
    // The directors in the fleet's order; the router and the switch level with the gap in the
    // middle of their column, so that the link between them passes no director.
    const size_t n = columns[2].size();
    const float middle = n < 2 ? 0.25f : (static_cast<float>((n - 1) / 2) + 0.5f) / static_cast<float>(n - 1);
    const auto rank = [&](uint32_t node) {
        return std::find(fleet.begin(), fleet.end(), nodes_[node].name) - fleet.begin();
    };
    for (size_t c = 0; c < columns.size(); ++c) {
        auto& col = columns[c];
        if (c == 2)
            std::stable_sort(col.begin(), col.end(),
                             [&](uint32_t a, uint32_t b) { return rank(a) < rank(b); });
        else
            std::stable_sort(col.begin(), col.end(),
                             [this](uint32_t a, uint32_t b) { return nodes_[a].y < nodes_[b].y; });
        for (size_t k = 0; k < col.size(); ++k) {
            nodes_[col[k]].x = static_cast<float>(c) / 4.0f;
            nodes_[col[k]].y = col.size() == 1 ? (c == 1 || c == 3 ? middle : 0.5f)
                                               : static_cast<float>(k) / static_cast<float>(col.size() - 1);
        }
    }
}

void Topology::index_links() {
    paths_.clear();
    adj_.assign(nodes_.size(), {});
    for (const auto& [a, b] : links_) {
        adj_[a].push_back(b);
        adj_[b].push_back(a);
    }
}

void Topology::link_next_hops() {
    // The router is the hop before the LAN switch on the way from the clients to the first
    // director (client, ..., router, switch, director). A trace's picture has no routers (its
    // clients link to each director directly): nothing to add.
    const auto client = std::find_if(nodes_.begin(), nodes_.end(), [](const TopoNode& n) {
        return n.role == NodeRole::Client || n.role == NodeRole::ClientCluster;
    });
    if (director_ < 0 || client == nodes_.end()) return;
    const std::vector<uint32_t> way =
        path(static_cast<uint32_t>(client - nodes_.begin()), static_cast<uint32_t>(director_));
    if (way.size() < 4) return;
    const uint32_t router = way[way.size() - 3];
    if (nodes_[router].role != NodeRole::Router || nodes_[way[way.size() - 2]].role != NodeRole::Router)
        return;
    for (uint32_t n = 0; n < nodes_.size(); ++n) {
        if (nodes_[n].role != NodeRole::Director) continue;
        ecmp_.emplace_back(router, n);
        const std::pair<uint32_t, uint32_t> link(std::min(router, n), std::max(router, n));
        if (std::find(links_.begin(), links_.end(), link) == links_.end()) links_.push_back(link);
    }
    index_links();
}

int32_t Topology::node_of(std::string_view name) const {
    auto it = by_name_.find(std::string(name));
    if (it != by_name_.end()) return static_cast<int32_t>(it->second);
    const size_t colon = name.find(':');  // "ie8:browser", "rs1:http"
    if (colon != std::string_view::npos) {
        it = by_name_.find(std::string(name.substr(0, colon)));
        if (it != by_name_.end()) return static_cast<int32_t>(it->second);
    }
    return -1;
}

const std::vector<uint32_t>& Topology::path(uint32_t a, uint32_t b) const {
    const uint64_t key = (static_cast<uint64_t>(a) << 32) | b;
    const auto it = paths_.find(key);
    if (it != paths_.end()) return it->second;
    std::vector<int32_t> prev(nodes_.size(), -1);
    std::vector<bool> seen(nodes_.size(), false);
    std::deque<uint32_t> q{a};
    seen[a] = true;
    while (!q.empty()) {
        const uint32_t n = q.front();
        q.pop_front();
        if (n == b) break;
        for (uint32_t m : adj_[n])
            if (!seen[m]) {
                seen[m] = true;
                prev[m] = static_cast<int32_t>(n);
                q.push_back(m);
            }
    }
    std::vector<uint32_t> out;
    if (seen[b]) {
        for (int32_t n = static_cast<int32_t>(b); n >= 0; n = prev[static_cast<size_t>(n)])
            out.push_back(static_cast<uint32_t>(n));
        std::reverse(out.begin(), out.end());
    } else {
        out = {a, b};  // not linked (a trace with missing records): straight line
    }
    return paths_.emplace(key, std::move(out)).first->second;
}

TopologyInput Topology::infer(const TraceModel& m) {
    TopologyInput in;
    std::unordered_map<std::string, uint32_t> index;
    const auto host_of = [](std::string_view entity) {
        const size_t colon = entity.find(':');
        return std::string(colon == std::string_view::npos ? entity : entity.substr(0, colon));
    };
    const auto node = [&](const std::string& name) -> uint32_t {
        const auto it = index.find(name);
        if (it != index.end()) return it->second;
        in.nodes.push_back({name, NodeRole::Client});
        index.emplace(name, static_cast<uint32_t>(in.nodes.size() - 1));
        return static_cast<uint32_t>(in.nodes.size() - 1);
    };
    const auto& K = m.keys();
    const StrId listen = m.find_str("LISTEN");
    for (uint32_t ri : m.of_kind(m.kinds().tcp_state)) {
        const Record& r = m.at(ri);
        const uint32_t n = node(host_of(m.str(r.entity)));
        if (m.get_text_id(r, K.to) == listen) in.nodes[n].role = NodeRole::RealServer;
    }
    std::set<std::pair<uint32_t, uint32_t>> links;
    for (uint32_t ri : m.of_kind(m.kinds().net_packet)) {
        const Record& r = m.at(ri);
        const uint32_t a = node(host_of(m.str(r.entity)));
        const uint32_t b = node(host_of(m.get_text(r, K.to)));
        if (a != b) links.insert({std::min(a, b), std::max(a, b)});
    }
    for (auto& n : in.nodes)
        if (n.name == "director") n.role = NodeRole::Director;
    if (index.count("director") == 0 && !m.of_kind(m.kinds().ipvs_state).empty())
        node("director"), in.nodes.back().role = NodeRole::Director;
    // A director pair: the second director is the entity of its own VRRP records; a fleet's
    // directors are the entities of their fleet.member records.
    for (std::string_view kind : {"ha.vrrp", "fleet.member"})
        for (uint32_t ri : m.of_kind(m.find_str(kind)))
            in.nodes[node(host_of(m.str(m.at(ri).entity)))].role = NodeRole::Director;
    in.links.assign(links.begin(), links.end());
    return in;
}

}  // namespace lvs::viz
