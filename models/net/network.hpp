// The network: nodes, links and routes (a Boost.Graph graph), and packet delivery.
//
// Nodes that process packets (hosts, the director) implement `Node::receive`; routers and
// switches only forward. A packet sent by a node travels to the next *processing* node in one
// kernel event: its route is a chain of links, each a FIFO with propagation delay and
// bandwidth, reserved in order at send time (store-and-forward per link, serialisation of
// every segment of a train). Which processing node comes next is decided the way hosts do
// it: a node with a gateway (a NAT realserver whose default route is the director) sends
// everything there; otherwise the packet goes to the node owning its destination address.
// Routes between nodes are shortest paths (by delay) computed once with BGL's Dijkstra.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/net/address.hpp"
#include "models/net/packet.hpp"
#include "models/net/sack.hpp"
#include "sim/rng.hpp"
#include "sim/simulator.hpp"

namespace lvs::net {

using NodeId = uint32_t;
constexpr NodeId kNoNode = UINT32_MAX;

enum class NodeKind : uint8_t { Host, Router, Switch, Director };
const char* to_string(NodeKind k);

class Node {
public:
    virtual ~Node() = default;
    virtual void receive(const Packet& p) = 0;
};

// Burst loss as netem's "loss gemodel p r 1-h 1-k" (net/sched/sch_netem.c, loss_gilb_ell()):
// a two-state Markov chain per link direction, stepped once per segment (good -> bad with
// probability p, bad -> good with r), then the segment is lost with the new state's
// probability.
struct BurstLoss {
    double p = 0.0;          // good -> bad
    double r = 1.0;          // bad -> good
    double bad_loss = 1.0;   // 1-h: loss probability in the bad state
    double good_loss = 0.0;  // 1-k: loss probability in the good state
    bool enabled() const { return p > 0.0 || good_loss > 0.0; }
};

// A drop-tail queue in front of each direction of a link: a frame that finds it full is dropped
// (Linux's pfifo counts packets, a router's buffer is often in bytes). 0: no limit.
struct QueueLimit {
    uint32_t packets = 0;
    uint64_t bytes = 0;
    bool limited() const { return packets != 0 || bytes != 0; }
};

struct LinkSpec {
    sim::Duration delay = sim::us(50);       // one-way propagation delay
    uint64_t bandwidth_bps = 1'000'000'000;  // serialisation rate
    double loss = 0.0;                       // probability that a segment is lost (independent)
    BurstLoss burst;                         // correlated loss, on top of `loss`
    QueueLimit queue;                        // unlimited by default
};

// A deterministic drop (the scenario's `drop:` action): on `host`'s own link, the `nth`
// matching segment in one direction after the rule was armed. Without flags a data segment
// matches; with flags, a segment carrying all of them.
struct DropRule {
    NodeId host = 0;
    bool toward_host = true;  // segments arriving at the host (else leaving it)
    uint32_t conn = 0;        // only the host's conn-th connection (1-based, by its SYN); 0: any
    uint32_t nth = 1;
    uint8_t flags = 0;
    std::string label;  // for the trace: the rule as written
};

// What one link direction carried and lost, in frames (a train's segments count one each).
struct LinkDirStats {
    uint64_t frames = 0;
    uint64_t lost = 0;         // random or burst loss
    uint64_t dropped = 0;      // by a drop rule
    uint64_t queue_drops = 0;  // the queue was full (drop-tail)
};

// What waits in a link direction's queue at one instant (the frame being serialised included).
struct QueueOccupancy {
    uint64_t bytes = 0;
    uint32_t packets = 0;
    sim::Duration delay;  // how long a frame arriving now waits before its first bit goes out
};

// Per-segment framing counted for serialisation: IPv4 (20) + TCP (20) + Ethernet (14).
constexpr uint32_t kHeaderBytes = 54;
constexpr uint32_t kMss = 1460;
// The largest application message (one request or response body) the models carry: TCP's
// sequence comparisons (before()/after() in include/net/tcp.h) hold only within 2^31 bytes, and
// a message is sent as one write, so it stays well inside that.
constexpr uint32_t kMaxMessageBytes = 1u << 30;

// Application messages carried by TCP: the bytes are simulated, so what they would say (which
// object, how big, Connection: close) travels in this table, referenced by the packet that
// carries the message's last byte. The sender frees an entry once it is acknowledged.
struct AppMessage {
    uint32_t bytes = 0;
    uint16_t kind = 0;
    uint16_t flags = 0;
    uint32_t object = 0;
    uint32_t reply_bytes = 0;
    uint64_t tag = 0;
};

class MessageTable {
public:
    uint32_t add(const AppMessage& m);
    const AppMessage& get(uint32_t id) const {
        if ((id & kCopyBit) != 0) [[unlikely]]
            return copy(id);
        return items_[id - 1];
    }
    void release(uint32_t id);
    size_t live() const { return items_.size() - free_.size(); }
    // A partitioned run's copy of a message another process's sender holds (Network's
    // RemoteArrival). Nobody releases it: copies live in a ring until 2^20 newer ones are
    // written, far longer than a segment waits to be delivered; reading an overwritten copy
    // is an error the run reports.
    uint32_t add_copy(const AppMessage& m);

private:
    static constexpr uint32_t kCopyBit = 1u << 31;
    static constexpr uint32_t kCopies = 1u << 20;
    const AppMessage& copy(uint32_t id) const;
    std::vector<AppMessage> items_;
    std::vector<uint32_t> free_;
    std::vector<std::pair<uint32_t, AppMessage>> copies_;  // (id, message) by id % kCopies
    uint32_t next_copy_ = 0;
};

// Sees every packet transmission (for pcap files and the viewer's packets in flight).
class PacketTap {
public:
    virtual ~PacketTap() = default;
    // `first_bit` is when the first segment starts on the first link, `seg_gap` the
    // serialisation time of one full segment there, `arrival` when the train reaches `to`.
    virtual void on_transmit(const Packet& p, NodeId from, NodeId to, sim::Time first_bit,
                             sim::Duration seg_gap, sim::Time arrival) = 0;
};

class Network {
public:
    explicit Network(sim::Simulator& sim);
    ~Network();
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    NodeId add_node(std::string name, NodeKind kind, Node* handler = nullptr);
    void set_handler(NodeId node, Node* handler);
    void add_link(NodeId a, NodeId b, const LinkSpec& spec);
    // A routable address owned by `node` (the network delivers packets for it there).
    void add_address(NodeId node, Ipv4 addr);
    // All traffic from `node` goes to `gateway` first (a NAT realserver's default route).
    void set_gateway(NodeId node, NodeId gateway);
    NodeId gateway(NodeId node) const { return nodes_[node].gateway; }
    // Computes routes; called once after the topology is built (further sends call it lazily).
    void finalize();
    // A host on one link added after finalize() (a client host made when a visitor arrives):
    // extends the routes instead of computing them again, which would also drop the routes
    // connections hold.
    void attach_leaf(NodeId leaf);

    struct Hop {
        uint32_t link : 31;
        uint32_t dir : 1;  // 0: a -> b
    };
    // A resolved route from a node toward a destination address (next processing node and
    // the links to it). Connections keep one so that sending needs no lookups; routes of up
    // to kInlineHops links (all of a standard LVS topology's) are held inline.
    static constexpr size_t kInlineHops = 3;
    struct RouteRef {
        NodeId to = kNoNode;
        uint8_t count = 0;
        bool inline_hops = false;
        uint16_t epoch = 0;  // the network's epoch when resolved (an address moved since: stale)
        Hop hops[kInlineHops]{};
        const std::vector<Hop>* more = nullptr;
        bool valid() const { return to != kNoNode; }
        const Hop* data() const { return inline_hops ? hops : more->data(); }
    };
    RouteRef resolve(NodeId from, Ipv4 dst);
    // True while a route resolved before still leads where the addresses are now.
    bool current(const RouteRef& r) const { return r.valid() && r.epoch == epoch_; }
    // A VRRP address taking over: `addr` now belongs to `node` (the router learned it from a
    // gratuitous ARP), and nodes whose gateway was `old_gateway` use `node` (a NAT realserver's
    // default route through the inside VIP). Every route resolved before is resolved again.
    void move_address(Ipv4 addr, NodeId node);
    void move_gateway(NodeId old_gateway, NodeId node);
    // ECMP toward `addr` (RFC 2992's hash-threshold, as Linux's fib_select_multipath() and
    // fib_rebalance()): the router sends each flow to one of `hops`, chosen by a 31-bit hash of
    // the flow (`l4`: addresses, ports and protocol, fib_multipath_hash_policy=1; otherwise the
    // two addresses, policy 0) against each next hop's upper bound, its cumulative weight's
    // share of 2^31. A flow stays on its next hop while the group is unchanged; a next hop
    // withdrawn or added moves the boundaries (and so flows of the others too), and every route
    // resolved before is resolved again.
    struct NextHop {
        NodeId node = kNoNode;
        uint32_t weight = 1;
    };
    void set_multipath(Ipv4 addr, std::vector<NextHop> hops, bool l4, uint64_t seed);
    void set_next_hops(Ipv4 addr, std::vector<NextHop> hops);
    bool multipath(Ipv4 addr) const { return multipath_.count(addr.value()) != 0; }
    // The next hop a flow toward a multipath address takes now (kNoNode: the group is empty).
    NodeId next_hop(Ipv4 src, Ipv4 dst, uint16_t sport, uint16_t dport, Proto proto) const;
    // A route for a packet: as resolve(from, p.dst()), with the flow's next hop toward a
    // multipath address.
    RouteRef resolve(NodeId from, const Packet& p);
    // Sends from `from` to the next processing node chosen by gateway and destination.
    void send(NodeId from, const Packet& p);
    // Sends along a route resolved before (same result as send(), without the lookups).
    void send(NodeId from, const RouteRef& r, const Packet& p) {
        if (current(r)) transmit(from, r.to, r.data(), r.count, p);
        else send(from, p);
    }
    // Sends to an explicit next processing node (IPVS direct routing and tunnelling).
    void send_to(NodeId from, NodeId to, const Packet& p);

    NodeId owner(Ipv4 addr) const;
    std::string_view name(NodeId n) const { return nodes_[n].name; }
    NodeKind kind(NodeId n) const { return nodes_[n].kind; }
    size_t node_count() const { return nodes_.size(); }
    NodeId find(std::string_view name) const;
    sim::EntityId entity(NodeId n) const { return nodes_[n].entity; }
    // Neighbours and links, for layouts and the viewer.
    struct LinkInfo {
        NodeId a, b;
        LinkSpec spec;
    };
    std::vector<LinkInfo> links() const;
    size_t links_count() const { return links_.size(); }
    // One-way propagation delay along the route from a to b (for tests and reports).
    sim::Duration path_delay(NodeId a, NodeId b);

    MessageTable& messages() { return messages_; }
    SackTable& sacks() { return sacks_; }
    const SackTable& sacks() const { return sacks_; }
    // Arms a deterministic drop; it fires once.
    void add_drop_rule(const DropRule& r);
    // Per link (in links() order) and direction (0: a -> b).
    const std::vector<std::array<LinkDirStats, 2>>& link_stats() const { return link_stats_; }
    QueueOccupancy queue_occupancy(uint32_t link, uint8_t dir);
    sim::Simulator& simulator() { return sim_; }
    void add_tap(PacketTap* tap) { taps_.push_back(tap); }
    void remove_tap(PacketTap* tap);

    uint64_t packets_sent() const { return packets_sent_; }
    uint64_t packets_lost() const { return packets_lost_; }

    // Partitioned runs (sim::Simulator::LpScope): every process holds the whole network and
    // sends only for its own LP's nodes. A packet toward a node of another LP is booked on
    // every link of its path here, as always (exact only while no link direction is booked by
    // two LPs: booked_links() lets the run check), and waits in the outbox with what the
    // receiver reads from this network's side tables, until the run hands it to the node's
    // process (arrive_remote). Its arrival is at least the path's propagation delay after it was
    // sent: the lookahead that lets the processes run a window of that length independently.
    struct RemoteArrival {
        sim::Time at;
        NodeId to = kNoNode;
        Packet packet;
        bool has_message = false;
        AppMessage message;  // the application message the packet (or its SACK entry) names
        SackInfo sack;       // when packet.has_sack()
    };
    void set_partition(std::vector<sim::Lp> node_lp);
    sim::Lp lp_of(NodeId n) const { return node_lp_.empty() ? sim::kAnyLp : node_lp_[n]; }
    std::vector<RemoteArrival>& outbox() { return outbox_; }
    // The lookahead: the shortest delay of a link whose ends are in different LPs. Every path
    // from one part to another crosses one, so a packet arrives at least that long after it is
    // sent. Duration::max() when no link joins two parts.
    sim::Duration lookahead() const;
    // Per link direction (2 x link + direction): 1 when this process's packets booked it. A
    // direction both parts booked makes the split inexact (run_partition.cpp).
    const std::vector<uint8_t>& booked_links() const { return booked_; }
    void arrive_remote(const RemoteArrival& r);

private:
    struct NodeRec {
        std::string name;
        NodeKind kind;
        Node* handler = nullptr;
        NodeId gateway = kNoNode;
        sim::EntityId entity = 0;
        std::vector<uint32_t> links;  // incident link ids
    };
    // What every packet touches, kept small: 80 bytes per link.
    //
    // A packet's whole path is reserved when it is sent, so a link is booked at the times
    // packets will reach it, not in that order: a client's ACK sent now books the director's
    // LAN port for when it arrives, half a round trip later, while a realserver's segment sent
    // a moment after reaches that port long before. A link is a FIFO in arrival order, so a
    // packet that arrives well before the latest booking (by more than kReorderSlack) must not
    // wait behind it: such packets queue among themselves (early_busy). Simplifications: they
    // do not delay that booking, they see only the latest in-order booking (an overlap of up
    // to one transmission is not modelled), and bookings closer than the slack keep their
    // booking order.
    static constexpr sim::Duration kReorderSlack = sim::us(100);
    struct LinkRec {
        sim::Time busy[2];          // end of the transmission that arrives last, per direction (0: a->b)
        sim::Time last_arrival[2];  // when that transmission reaches the link
        sim::Time early_busy[2];    // end of the packets that arrived well before it
        bool in_order(size_t d, sim::Time arrival) const {
            return arrival + kReorderSlack >= last_arrival[d];
        }
        // When a packet reaching the link at `arrival` can start on it.
        sim::Time free_at(size_t d, sim::Time arrival) const {
            const sim::Time early = std::max(arrival, early_busy[d]);
            return in_order(d, arrival) ? std::max(early, busy[d]) : early;
        }
        // Serialisation time of `wire_bytes` (floor of bytes x 8 / bandwidth, in ns). A link
        // sees few distinct sizes (ACKs, one- and two-segment trains), so the last one per
        // direction is remembered: the 64-bit divisions per hop were a fifth of the time
        // Network::transmit took (perf, 1,000-browser farm).
        sim::Duration serialisation(size_t d, uint64_t wire_bytes) {
            if (wire_bytes != memo_bytes[d]) {
                memo_bytes[d] = wire_bytes;
                memo_ns[d] = static_cast<int64_t>(wire_bytes * 8'000'000'000ull / bandwidth_bps);
            }
            return sim::ns(memo_ns[d]);
        }
        sim::Duration delay;
        uint64_t bandwidth_bps;
        double loss;
        NodeId a, b;
        bool lossy;                 // random or burst loss configured
        bool queued;                // a finite queue
        sim::Duration segment_gap;  // one full frame's serialisation (a train's segment spacing)
        uint64_t memo_bytes[2] = {0, 0};
        int64_t memo_ns[2] = {0, 0};
    };
    // Loss state that only lossy links touch.
    struct LossState {
        BurstLoss burst;
        bool bad[2] = {false, false};
        QueueLimit queue;
        std::array<std::deque<sim::Time>, 2> departures;  // per queued frame: when it leaves
    };
    void admit(uint32_t link, uint8_t dir, sim::Time arrival, NodeId from, const Packet& p,
               std::vector<bool>& alive);
    struct TrackedFlow {  // a connection of a host that a drop rule watches
        uint32_t key_addr;
        uint16_t key_port;
        uint32_t ordinal;
    };
    bool lose_frame(uint32_t link, uint8_t dir);
    // Which frames of `p` reach the end of its route: bit i for frame i (lead ACK first).
    void apply_loss(NodeId from, Hop hop, const Packet& p, std::vector<bool>& alive);
    // The net.drop record of frame `f` of a train that a link lost (`reason`: loss, queue).
    void trace_link_drop(NodeId from, uint32_t link, const char* reason, const Packet& p, uint32_t f);
    bool apply_drop_rules(NodeId from, NodeId to, const Packet& p, std::vector<bool>& alive);
    void deliver_survivors(NodeId to, const Packet& p, const std::vector<bool>& alive, sim::Time last,
                           sim::Duration gap);
    const std::vector<Hop>& route(NodeId from, NodeId to);
    std::vector<Hop> compute_route(NodeId from, NodeId to);
    void transmit(NodeId from, NodeId to, const Packet& p) {
        const std::vector<Hop>& hops = route(from, to);
        transmit(from, to, hops.data(), hops.size(), p);
    }
    void transmit(NodeId from, NodeId to, const Hop* hops, size_t count, const Packet& p);
    // The arrival of `p` at `to` at `t`: an event here, or the outbox in a partitioned run.
    void post_arrival(sim::Time t, NodeId to, Node* target, const Packet& p) {
        if (partitioned_ && node_lp_[to] != sim_.own_lp()) [[unlikely]] {
            to_outbox(t, to, p);
            return;
        }
        sim_.post_at(t, [target, p] { target->receive(p); });
    }
    void to_outbox(sim::Time t, NodeId to, const Packet& p);

    sim::Simulator& sim_;
    std::vector<NodeRec> nodes_;
    std::vector<LinkRec> links_;
    std::vector<sim::Rng> link_rng_;  // per link, drawn only when the link is lossy
    std::vector<LossState> link_loss_;
    std::vector<std::array<LinkDirStats, 2>> link_stats_;
    std::vector<DropRule> drop_rules_;
    std::vector<uint32_t> drop_seen_;  // matching segments seen per rule
    std::vector<TrackedFlow> tracked_;
    std::vector<bool> alive_;  // scratch for apply_loss (no allocation per packet)
    std::unordered_map<uint32_t, NodeId> owners_;
    struct Multipath {
        std::vector<NextHop> hops;
        std::vector<int64_t> upper;  // per next hop: the largest hash it takes (-1: none)
        bool l4 = false;
        uint64_t seed = 0;
    };
    std::unordered_map<uint32_t, Multipath> multipath_;
    RouteRef resolve_to(NodeId from, NodeId to);
    uint16_t epoch_ = 0;  // bumped when an address or a gateway moves
    std::unordered_map<uint64_t, std::vector<Hop>> routes_;
    // Next hop toward each "core" node (routers, switches: degree > 1), from BGL's Dijkstra.
    std::unordered_map<NodeId, std::vector<NodeId>> toward_;
    bool finalized_ = false;
    MessageTable messages_;
    SackTable sacks_;
    std::vector<PacketTap*> taps_;
    bool partitioned_ = false;
    std::vector<sim::Lp> node_lp_;
    std::vector<RemoteArrival> outbox_;
    std::vector<uint8_t> booked_;
    uint64_t packets_sent_ = 0;
    uint64_t packets_lost_ = 0;
    sim::EntityId entity_;
};

}  // namespace lvs::net
