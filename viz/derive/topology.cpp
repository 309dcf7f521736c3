#include "viz/derive/topology.hpp"

#include <algorithm>
#include <deque>
#include <set>

namespace lvs::viz {

void Topology::build(const TopologyInput& in) {
    nodes_.clear();
    links_.clear();
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
    adj_.assign(nodes_.size(), {});
    for (const auto& [a, b] : links_) {
        adj_[a].push_back(b);
        adj_[b].push_back(a);
    }
    layout();
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
    // A director pair: the second director is the entity of its own VRRP records.
    for (uint32_t ri : m.of_kind(m.find_str("ha.vrrp")))
        in.nodes[node(host_of(m.str(m.at(ri).entity)))].role = NodeRole::Director;
    in.links.assign(links.begin(), links.end());
    return in;
}

}  // namespace lvs::viz
