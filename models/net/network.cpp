// The network: nodes, links and addresses as a Boost.Graph topology, shortest-path routes,
// message and SACK tables, packet taps. What happens to a packet on the links is in
// link_transmit.cpp.
#include "models/net/network.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <stdexcept>

#include "models/trace/vocabulary.hpp"
#include "sim/rng.hpp"

namespace lvs::net {

const char* to_string(NodeKind k) {
    switch (k) {
        case NodeKind::Host: return "host";
        case NodeKind::Router: return "router";
        case NodeKind::Switch: return "switch";
        case NodeKind::Director: return "director";
    }
    return "?";
}

const char* flag_letters(uint8_t f) {
    // Enough combinations for traces; anything else prints its hex value through the caller.
    switch (f) {
        case tcpflag::kSyn: return "S";
        case tcpflag::kSyn | tcpflag::kAck: return "SA";
        case tcpflag::kAck: return ".";
        case tcpflag::kAck | tcpflag::kPsh: return "P.";
        case tcpflag::kFin | tcpflag::kAck: return "F.";
        case tcpflag::kFin | tcpflag::kAck | tcpflag::kPsh: return "FP.";
        case tcpflag::kRst: return "R";
        case tcpflag::kRst | tcpflag::kAck: return "R.";
        case tcpflag::kFin: return "F";
        default: return "?";
    }
}

const char* packet_label(const Packet& p) {
    if (p.is_icmp()) return "ICMP";
    if (p.is_udp()) return "UDP";
    return flag_letters(static_cast<uint8_t>(p.flags));
}

uint32_t MessageTable::add(const AppMessage& m) {
    if (!free_.empty()) {
        const uint32_t id = free_.back();
        free_.pop_back();
        items_[id - 1] = m;
        return id;
    }
    items_.push_back(m);
    return static_cast<uint32_t>(items_.size());
}

void MessageTable::release(uint32_t id) {
    if (id != 0 && (id & kCopyBit) == 0) free_.push_back(id);
}

uint32_t MessageTable::add_copy(const AppMessage& m) {
    if (copies_.empty()) copies_.resize(kCopies);
    next_copy_ = (next_copy_ + 1) & ~kCopyBit;
    if (next_copy_ == 0) next_copy_ = 1;
    const uint32_t id = next_copy_ | kCopyBit;
    copies_[next_copy_ % kCopies] = {id, m};
    return id;
}

const AppMessage& MessageTable::copy(uint32_t id) const {
    const uint32_t n = id & ~kCopyBit;
    if (copies_.empty() || copies_[n % kCopies].first != id)
        throw std::runtime_error("message copy overrun: a segment outlived " + std::to_string(kCopies) +
                                 " newer messages from other processes (a partitioned run's limit)");
    return copies_[n % kCopies].second;
}

Network::Network(sim::Simulator& sim) : sim_(sim), entity_(sim.add_entity("network")) {}
Network::~Network() = default;

NodeId Network::add_node(std::string name, NodeKind kind, Node* handler) {
    const auto id = static_cast<NodeId>(nodes_.size());
    NodeRec rec;
    rec.entity = sim_.add_entity(name);
    rec.name = std::move(name);
    rec.kind = kind;
    rec.handler = handler;
    nodes_.push_back(std::move(rec));
    finalized_ = false;
    return id;
}

void Network::set_handler(NodeId node, Node* handler) { nodes_.at(node).handler = handler; }

void Network::add_link(NodeId a, NodeId b, const LinkSpec& spec) {
    if (a >= nodes_.size() || b >= nodes_.size() || a == b)
        throw std::invalid_argument("add_link: bad endpoints");
    if (spec.bandwidth_bps == 0) throw std::invalid_argument("add_link: bandwidth must be positive");
    const auto id = static_cast<uint32_t>(links_.size());
    links_.push_back(LinkRec{{},
                             {},
                             {},
                             spec.delay,
                             spec.bandwidth_bps,
                             spec.loss,
                             a,
                             b,
                             spec.loss > 0 || spec.burst.enabled(),
                             spec.queue.limited(),
                             sim::ns(static_cast<int64_t>(uint64_t{kMss + kHeaderBytes} * 8'000'000'000ull /
                                                          spec.bandwidth_bps))});
    link_rng_.push_back(sim_.stream("link:" + nodes_[a].name + "-" + nodes_[b].name));
    link_loss_.push_back(LossState{spec.burst, {false, false}, spec.queue, {}});
    link_stats_.push_back({});
    nodes_[a].links.push_back(id);
    nodes_[b].links.push_back(id);
    finalized_ = false;
}

void Network::add_address(NodeId node, Ipv4 addr) {
    const auto [it, inserted] = owners_.emplace(addr.value(), node);
    if (!inserted && it->second != node)
        throw std::invalid_argument("address " + addr.str() + " already belongs to " +
                                    nodes_[it->second].name);
}

void Network::set_gateway(NodeId node, NodeId gateway) { nodes_.at(node).gateway = gateway; }

void Network::move_address(Ipv4 addr, NodeId node) {
    owners_[addr.value()] = node;
    ++epoch_;
}

void Network::move_gateway(NodeId old_gateway, NodeId node) {
    for (NodeRec& n : nodes_)
        if (n.gateway == old_gateway) n.gateway = node;
    ++epoch_;
}

NodeId Network::owner(Ipv4 addr) const {
    const auto it = owners_.find(addr.value());
    return it == owners_.end() ? kNoNode : it->second;
}

NodeId Network::find(std::string_view name) const {
    for (NodeId i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].name == name) return i;
    return kNoNode;
}

std::vector<Network::LinkInfo> Network::links() const {
    std::vector<LinkInfo> out;
    for (size_t i = 0; i < links_.size(); ++i) {
        const LinkRec& l = links_[i];
        out.push_back(
            {l.a, l.b, LinkSpec{l.delay, l.bandwidth_bps, l.loss, link_loss_[i].burst, link_loss_[i].queue}});
    }
    return out;
}

void Network::finalize() {
    using namespace boost;
    using Graph = adjacency_list<vecS, vecS, undirectedS, no_property, property<edge_weight_t, int64_t>>;
    Graph g(nodes_.size());
    for (const LinkRec& l : links_) add_edge(l.a, l.b, l.delay.ns() + 1, g);  // +1: fewer hops win ties
    toward_.clear();
    routes_.clear();
    // Leaves (hosts on one link) reach everything through their neighbour, so Dijkstra only
    // runs from the core: routers and switches (even on one link: hosts may join them later,
    // attach_leaf), the director, multi-homed hosts.
    for (NodeId c = 0; c < nodes_.size(); ++c) {
        const bool forwards = nodes_[c].kind == NodeKind::Router || nodes_[c].kind == NodeKind::Switch;
        if (nodes_[c].links.size() < 2 && !forwards) continue;
        std::vector<Graph::vertex_descriptor> pred(num_vertices(g));
        std::vector<int64_t> dist(num_vertices(g));
        dijkstra_shortest_paths(g, c, predecessor_map(&pred[0]).distance_map(&dist[0]));
        std::vector<NodeId> next(nodes_.size(), kNoNode);
        for (NodeId v = 0; v < nodes_.size(); ++v)
            if (v != c && pred[v] != v) next[v] = static_cast<NodeId>(pred[v]);
        toward_.emplace(c, std::move(next));
    }
    finalized_ = true;
}

void Network::attach_leaf(NodeId leaf) {
    if (toward_.empty() || nodes_[leaf].links.size() != 1) return;  // finalize() will see it
    const LinkRec& l = links_[nodes_[leaf].links.front()];
    const NodeId neighbour = l.a == leaf ? l.b : l.a;
    if (toward_.count(neighbour) == 0) return;  // not a core: finalize() computes everything again
    // From a leaf, every core is reached through its one neighbour.
    for (auto& [core, next] : toward_) {
        next.resize(nodes_.size(), kNoNode);
        next[leaf] = neighbour;
    }
    finalized_ = true;
}

std::vector<Network::Hop> Network::compute_route(NodeId from, NodeId to) {
    std::vector<Hop> hops;
    const auto link_between = [this](NodeId u, NodeId v) -> Hop {
        // Scan the shorter of the two link lists: a router with a link to each of 100,000
        // client hosts made every route cost a pass over all of them. Both lists hold the
        // links in the order they were added, so the same link wins a tie either way.
        const NodeId scan = nodes_[v].links.size() < nodes_[u].links.size() ? v : u;
        uint32_t best = UINT32_MAX;
        for (uint32_t l : nodes_[scan].links) {
            const LinkRec& rec = links_[l];
            if ((rec.a == u && rec.b == v) || (rec.a == v && rec.b == u))
                if (best == UINT32_MAX || rec.delay < links_[best].delay) best = l;
        }
        if (best == UINT32_MAX) throw std::logic_error("route through non-adjacent nodes");
        return Hop{best, static_cast<uint8_t>(links_[best].a == u ? 0 : 1)};
    };
    const auto walk = [&](NodeId a, NodeId core) {
        const auto it = toward_.find(core);
        NodeId v = a;
        while (v != core) {
            const NodeId nxt = it->second[v];
            if (nxt == kNoNode)
                throw std::runtime_error("no route from " + nodes_[from].name + " to " + nodes_[to].name);
            hops.push_back(link_between(v, nxt));
            v = nxt;
        }
    };
    if (from == to) return hops;
    if (toward_.count(to) != 0) {
        walk(from, to);
        return hops;
    }
    if (nodes_[to].links.empty()) throw std::runtime_error("no route to " + nodes_[to].name + " (no links)");
    const LinkRec& last = links_[nodes_[to].links.front()];
    const NodeId neighbour = last.a == to ? last.b : last.a;
    if (neighbour != from) {
        if (toward_.count(neighbour) == 0)
            throw std::runtime_error("no route from " + nodes_[from].name + " to " + nodes_[to].name);
        walk(from, neighbour);
    }
    hops.push_back(link_between(neighbour, to));
    return hops;
}

const std::vector<Network::Hop>& Network::route(NodeId from, NodeId to) {
    if (!finalized_) finalize();
    const uint64_t key = (uint64_t{from} << 32) | to;
    auto it = routes_.find(key);
    if (it == routes_.end()) it = routes_.emplace(key, compute_route(from, to)).first;
    return it->second;
}

sim::Duration Network::path_delay(NodeId a, NodeId b) {
    sim::Duration d;
    for (const Hop& h : route(a, b)) d += links_[h.link].delay;
    return d;
}

Network::RouteRef Network::resolve(NodeId from, Ipv4 dst_addr) {
    NodeId to = nodes_[from].gateway;
    const NodeId dst = owner(dst_addr);
    if (to == kNoNode || dst == to) to = dst;
    return resolve_to(from, to);
}

Network::RouteRef Network::resolve(NodeId from, const Packet& p) {
    if (multipath_.empty() || nodes_[from].gateway != kNoNode || multipath_.count(p.daddr) == 0)
        return resolve(from, p.dst());
    return resolve_to(from, next_hop(p.src(), p.dst(), p.sport, p.dport, p.proto()));
}

void Network::set_multipath(Ipv4 addr, std::vector<NextHop> hops, bool l4, uint64_t seed) {
    Multipath& m = multipath_[addr.value()];
    m.l4 = l4;
    m.seed = seed;
    set_next_hops(addr, std::move(hops));
}

// fib_rebalance(): next hop i takes the hashes up to round(w_1 + ... + w_i) * 2^31 / total) - 1.
void Network::set_next_hops(Ipv4 addr, std::vector<NextHop> hops) {
    Multipath& m = multipath_.at(addr.value());
    uint64_t total = 0;
    for (const NextHop& h : hops) total += h.weight;
    m.upper.clear();
    uint64_t w = 0;
    for (const NextHop& h : hops) {
        w += h.weight;
        m.upper.push_back(static_cast<int64_t>(((w << 31) + total / 2) / total) - 1);
    }
    m.hops = std::move(hops);
    ++epoch_;
}

// The kernel hashes the flow with flow_hash_from_keys(), a siphash under a key drawn at boot, so
// no two machines agree on which flow goes where; any well-mixed hash of the same fields is as
// faithful. Ours mixes them with splitmix64 under the scenario's seed. The kernel's
// fib_multipath_hash() returns the hash shifted right by one: 31 bits.
NodeId Network::next_hop(Ipv4 src, Ipv4 dst, uint16_t sport, uint16_t dport, Proto proto) const {
    const auto it = multipath_.find(dst.value());
    if (it == multipath_.end()) return owner(dst);
    const Multipath& m = it->second;
    if (m.hops.empty()) return kNoNode;
    uint64_t state = m.seed ^ (uint64_t{src.value()} << 32 | dst.value());
    uint64_t mixed = sim::splitmix64(state);
    if (m.l4) {
        state = mixed ^ (uint64_t{sport} << 24 | uint64_t{dport} << 8 | static_cast<uint8_t>(proto));
        mixed = sim::splitmix64(state);
    }
    const auto hash = static_cast<int64_t>(mixed >> 33);
    for (size_t i = 0; i < m.hops.size(); ++i)
        if (hash <= m.upper[i]) return m.hops[i].node;
    return m.hops.back().node;
}

Network::RouteRef Network::resolve_to(NodeId from, NodeId to) {
    if (to == kNoNode) return RouteRef{};
    const std::vector<Hop>& hops = route(from, to);
    RouteRef r;
    r.to = to;
    r.epoch = epoch_;
    r.count = static_cast<uint8_t>(std::min<size_t>(hops.size(), 255));
    if (hops.size() <= kInlineHops) {
        r.inline_hops = true;
        std::copy(hops.begin(), hops.end(), r.hops);
    } else {
        r.more = &hops;
    }
    return r;
}

void Network::send(NodeId from, const Packet& p) {
    const RouteRef r = resolve(from, p);
    if (!r.valid()) {
        LVS_TRACE(sim_, nodes_[from].entity, trace::kind::net_drop)
            .f("reason", "no route")
            .f("dst", p.dst().str());
        ++packets_lost_;
        return;
    }
    transmit(from, r.to, r.data(), r.count, p);
}

void Network::send_to(NodeId from, NodeId to, const Packet& p) { transmit(from, to, p); }

void Network::remove_tap(PacketTap* tap) {
    taps_.erase(std::remove(taps_.begin(), taps_.end(), tap), taps_.end());
}

}  // namespace lvs::net
