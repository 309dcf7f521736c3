// A packet on its way over the links (the transmit side of Network): each hop's queue and
// serialization, random loss and scripted drop rules, then delivery of the frames that survive,
// a train split back into segments. Separate from network.cpp, which builds the topology and
// routes over it: this file is what happens to one packet in flight.
#include <algorithm>

#include "models/net/network.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::net {

namespace {
// Sequence range and flags of frame `f` of a train (frame 0 is the lead ACK when there is one).
struct FrameView {
    uint32_t seq, len;
    uint8_t flags;
    bool lead_ack;
};
FrameView frame_of(const Packet& p, uint32_t f) {
    if (p.lead_ack()) {
        if (f == 0) return {p.seq, 0, tcpflag::kAck, true};
        --f;
    }
    if (p.len == 0) return {p.seq, 0, static_cast<uint8_t>(p.flags), false};
    if (!p.is_tcp()) return {p.seq, p.len, 0, false};  // a datagram is one frame, whatever its size
    const uint32_t off = f * kMss;
    const uint32_t len = std::min(kMss, p.len - off);
    uint8_t flags = static_cast<uint8_t>(p.flags);
    if (off + len < p.len) flags &= static_cast<uint8_t>(~(tcpflag::kFin | tcpflag::kPsh));
    return {p.seq + off, len, flags, false};
}
// A frame's bytes on the wire (payload and framing).
uint64_t frame_bytes(const Packet& p, uint32_t f) { return uint64_t{frame_of(p, f).len} + header_bytes(p); }
}  // namespace

void Network::transmit(NodeId from, NodeId to, const Hop* hops, size_t count, const Packet& p) {
    // A partitioned run's copy of another process's node (a timeline action ran everywhere):
    // that process sends the packet.
    if (partitioned_ && node_lp_[from] != sim_.own_lp()) [[unlikely]]
        return;
    ++packets_sent_;
    const uint32_t frames = p.frames();
    sim::Time t = sim_.now();
    sim::Time first_bit;
    sim::Duration seg_gap, widest_gap;
    bool slow = !drop_rules_.empty();
    for (size_t i = 0; i < count && !slow; ++i)
        slow = links_[hops[i].link].lossy || links_[hops[i].link].queued;
    // Frame by frame only where something can happen to a frame: loss, a finite queue, a rule.
    if (slow) {
        alive_.assign(frames, true);
        if (!drop_rules_.empty()) apply_drop_rules(from, to, p, alive_);
    }
    uint64_t wire_bytes = uint64_t{p.len} + uint64_t{frames} * header_bytes(p);
    for (size_t i = 0; i < count; ++i) {
        LinkRec& l = links_[hops[i].link];
        const auto d = static_cast<size_t>(hops[i].dir);
        if (slow) {
            // Only frames still alive reach this link, and only those the queue takes use it.
            if (l.queued) admit(hops[i].link, static_cast<uint8_t>(hops[i].dir), t, from, p, alive_);
            wire_bytes = 0;
            uint32_t n = 0;
            for (uint32_t f = 0; f < frames; ++f)
                if (alive_[f]) wire_bytes += frame_bytes(p, f), ++n;
            link_stats_[hops[i].link][hops[i].dir].frames += n;
        } else {
            link_stats_[hops[i].link][hops[i].dir].frames += frames;
        }
        // FIFO in arrival order (see LinkRec).
        const sim::Time arrival = t;
        const bool in_order = l.in_order(d, arrival);
        t = l.free_at(d, arrival);
        const sim::Duration gap = l.segment_gap;
        if (i == 0) {
            first_bit = t;
            seg_gap = gap;
        }
        widest_gap = std::max(widest_gap, gap);
        t += l.serialisation(d, wire_bytes);
        if (in_order) {
            l.busy[d] = t;
            l.last_arrival[d] = std::max(l.last_arrival[d], arrival);
        } else {
            l.early_busy[d] = t;
        }
        t += l.delay;
        if (slow && l.lossy) apply_loss(from, hops[i], p, alive_);
    }
    if (partitioned_) [[unlikely]]
        for (size_t i = 0; i < count; ++i) booked_[2 * size_t{hops[i].link} + hops[i].dir] = 1;
    for (PacketTap* tap : taps_) tap->on_transmit(p, from, to, first_bit, seg_gap, t);
    LVS_TRACE(sim_, nodes_[from].entity, trace::kind::net_packet)
        .f("to", nodes_[to].name)
        .f("src", p.src_ep().str())
        .f("dst", p.dst_ep().str())
        .f("flags", packet_label(p))
        .f("seq", static_cast<int64_t>(p.seq))
        .f("ack", static_cast<int64_t>(p.ack))
        .f("len", static_cast<int64_t>(p.len))
        .f("segs", static_cast<int64_t>(p.segs))
        .f("lead_ack", p.lead_ack() ? 1 : 0)
        .f("arrive", t);
    Node* target = nodes_[to].handler;
    if (slow) {
        bool all = true;
        for (uint32_t f = 0; f < frames; ++f) all = all && alive_[f];
        if (!all) {
            if (target != nullptr) deliver_survivors(to, p, alive_, t, widest_gap);
            return;
        }
    }
    if (target == nullptr) return;  // a router or switch as a final hop: nothing processes it
    post_arrival(t, to, target, p);
}

QueueOccupancy Network::queue_occupancy(uint32_t link, uint8_t dir) {
    // The backlog is what the link still has to serialise: its busy time ahead of now.
    const LinkRec& l = links_[link];
    const sim::Time now = sim_.now();
    QueueOccupancy q;
    const sim::Time busy = std::max(l.busy[dir], l.early_busy[dir]);
    if (busy <= now) return q;
    q.delay = busy - now;
    // In floating point: an unlimited queue's backlog times a fast link's rate overflows 64 bits.
    q.bytes = static_cast<uint64_t>(q.delay.seconds() * static_cast<double>(l.bandwidth_bps) / 8);
    auto& deps = link_loss_[link].departures[dir];
    while (!deps.empty() && deps.front() <= now) deps.pop_front();
    q.packets = static_cast<uint32_t>(deps.size());
    if (!link_loss_[link].queue.limited())
        q.packets = static_cast<uint32_t>((q.bytes + kMss + kHeaderBytes - 1) / (kMss + kHeaderBytes));
    return q;
}

void Network::admit(uint32_t link, uint8_t dir, sim::Time arrival, NodeId from, const Packet& p,
                    std::vector<bool>& alive) {
    // Drop-tail: the train's frames join the queue in order; one that would exceed the packet
    // or byte limit is dropped (and a later, smaller one may still fit).
    LinkRec& l = links_[link];
    LossState& st = link_loss_[link];
    auto& deps = st.departures[dir];
    while (!deps.empty() && deps.front() <= arrival) deps.pop_front();
    const sim::Time start = l.free_at(dir, arrival);
    uint64_t backlog =
        start > arrival
            ? static_cast<uint64_t>((start - arrival).seconds() * static_cast<double>(l.bandwidth_bps) / 8)
            : 0;
    uint64_t queued = 0;  // bytes of this train admitted so far
    for (uint32_t f = 0; f < alive.size(); ++f) {
        if (!alive[f]) continue;
        const uint64_t bytes = frame_bytes(p, f);
        const bool full = (st.queue.packets != 0 && deps.size() >= st.queue.packets) ||
                          (st.queue.bytes != 0 && backlog + bytes > st.queue.bytes);
        if (full) {
            alive[f] = false;
            ++packets_lost_;
            ++link_stats_[link][dir].queue_drops;
            if (sim_.tracing()) trace_link_drop(from, link, "queue", p, f);
            continue;
        }
        backlog += bytes;
        queued += bytes;
        deps.push_back(start + sim::ns(static_cast<int64_t>(queued * 8'000'000'000ull / l.bandwidth_bps)));
    }
}

bool Network::lose_frame(uint32_t link, uint8_t dir) {
    const LinkRec& l = links_[link];
    sim::Rng& rng = link_rng_[link];
    if (l.loss > 0 && rng.chance(l.loss)) return true;
    LossState& st = link_loss_[link];
    if (!st.burst.enabled()) return false;
    // loss_gilb_ell(): move between the states, then lose with the new state's probability.
    bool& bad = st.bad[dir];
    if (!bad) {
        if (rng.chance(st.burst.p)) bad = true;
    } else if (rng.chance(st.burst.r)) {
        bad = false;
    }
    const double q = bad ? st.burst.bad_loss : st.burst.good_loss;
    return q > 0 && rng.chance(q);
}

void Network::trace_link_drop(NodeId from, uint32_t link, const char* reason, const Packet& p, uint32_t f) {
    const LinkRec& l = links_[link];
    const FrameView v = frame_of(p, f);
    LVS_TRACE(sim_, nodes_[from].entity, trace::kind::net_drop)
        .f("reason", reason)
        .f("link", nodes_[l.a].name + "-" + nodes_[l.b].name)
        .f("src", p.src_ep().str())
        .f("dst", p.dst_ep().str())
        .f("flags", p.is_tcp() ? flag_letters(v.flags) : packet_label(p))
        .f("seq", static_cast<int64_t>(v.seq))
        .f("len", static_cast<int64_t>(v.len));
}

void Network::apply_loss(NodeId from, Hop hop, const Packet& p, std::vector<bool>& alive) {
    for (uint32_t f = 0; f < alive.size(); ++f) {
        if (!alive[f] || !lose_frame(hop.link, static_cast<uint8_t>(hop.dir))) continue;
        alive[f] = false;
        ++packets_lost_;
        ++link_stats_[hop.link][hop.dir].lost;
        if (sim_.tracing()) trace_link_drop(from, hop.link, "loss", p, f);
    }
}

void Network::add_drop_rule(const DropRule& r) {
    drop_rules_.push_back(r);
    drop_seen_.push_back(0);
}

bool Network::apply_drop_rules(NodeId from, NodeId to, const Packet& p, std::vector<bool>& alive) {
    if (!p.is_tcp()) return false;  // rules count TCP segments
    bool any = false;
    for (size_t k = 0; k < drop_rules_.size(); ++k) {
        const DropRule& r = drop_rules_[k];
        if ((r.toward_host ? to : from) != r.host) continue;
        // The host's side of the connection: its address and port.
        const uint32_t addr = r.toward_host ? p.daddr : p.saddr;
        const uint16_t port = r.toward_host ? p.dport : p.sport;
        if (r.conn != 0) {
            auto it = std::find_if(tracked_.begin(), tracked_.end(), [&](const TrackedFlow& f) {
                return f.key_addr == addr && f.key_port == port;
            });
            if (it == tracked_.end() && p.syn() && !p.ackf() && !r.toward_host) {
                uint32_t n = 0;
                for (const TrackedFlow& f : tracked_) n += f.key_addr == addr ? 1 : 0;
                tracked_.push_back(TrackedFlow{addr, port, n + 1});
                it = tracked_.end() - 1;
            }
            if (it == tracked_.end() || it->ordinal != r.conn) continue;
        }
        for (uint32_t f = 0; f < alive.size(); ++f) {
            const FrameView v = frame_of(p, f);
            const bool match = r.flags != 0 ? (v.flags & r.flags) == r.flags && !v.lead_ack : v.len > 0;
            if (!match || drop_seen_[k] >= r.nth) continue;
            if (++drop_seen_[k] != r.nth) continue;
            if (alive[f]) {
                alive[f] = false;
                any = true;
                ++packets_lost_;
                const uint32_t link = nodes_[r.host].links.empty() ? 0 : nodes_[r.host].links.front();
                if (!link_stats_.empty())
                    ++link_stats_[link][links_[link].a == r.host ? (r.toward_host ? 1 : 0)
                                                                 : (r.toward_host ? 0 : 1)]
                          .dropped;
            }
            LVS_TRACE(sim_, nodes_[from].entity, trace::kind::net_drop)
                .f("reason", "rule")
                .f("rule", r.label)
                .f("src", p.src_ep().str())
                .f("dst", p.dst_ep().str())
                .f("flags", flag_letters(v.flags))
                .f("seq", static_cast<int64_t>(v.seq))
                .f("len", static_cast<int64_t>(v.len));
        }
    }
    return any;
}

void Network::deliver_survivors(NodeId to, const Packet& p, const std::vector<bool>& alive, sim::Time last,
                                sim::Duration gap) {
    // Each run of surviving segments arrives as its own train, when its last segment does
    // (segment k of n arrives (n-1-k) bottleneck gaps before the whole train would).
    Node* target = nodes_[to].handler;
    const uint32_t frames = static_cast<uint32_t>(alive.size());
    const uint32_t first_data = p.lead_ack() ? 1 : 0;
    const SackInfo* sack = p.has_sack() ? &sacks_.get(p.msg) : nullptr;
    const uint32_t msg = sack != nullptr ? sack->msg : p.msg;
    uint32_t f = 0;
    while (f < frames) {
        if (!alive[f]) {
            ++f;
            continue;
        }
        uint32_t g = f;
        while (g + 1 < frames && alive[g + 1]) ++g;
        Packet q = p;
        const FrameView b = frame_of(p, g);
        const bool has_lead = p.lead_ack() && f == 0;
        const uint32_t data_from = std::max(f, first_data);
        if (g < data_from) {
            // Only the lead ACK got through: a pure ACK.
            q.len = 0;
            q.segs = 1;
            q.flags = tcpflag::kAck;
            q.aux = static_cast<uint8_t>(q.aux & ~(Packet::kLeadAck | Packet::kSack));
            q.msg = 0;
        } else {
            const FrameView d = frame_of(p, data_from);
            q.seq = d.seq;
            q.len = b.seq + b.len - d.seq;
            q.segs = static_cast<uint8_t>(g - data_from + 1);
            q.flags = b.flags | (p.syn() && data_from == first_data ? tcpflag::kSyn : 0);
            if (!has_lead) q.aux = static_cast<uint8_t>(q.aux & ~Packet::kLeadAck);
            const bool ends_train = g == frames - 1;
            if (sack != nullptr) {
                SackInfo copy = *sack;
                copy.msg = ends_train ? msg : 0;
                q.msg = sacks_.add(copy);
            } else {
                q.msg = ends_train ? msg : 0;
            }
        }
        const sim::Time at = std::max(sim_.now(), last - gap * static_cast<int64_t>(frames - 1 - g));
        if (target != nullptr) post_arrival(at, to, target, q);
        f = g + 1;
    }
}

void Network::set_partition(std::vector<sim::Lp> node_lp) {
    if (node_lp.size() != nodes_.size())
        throw std::invalid_argument("Network::set_partition: one LP per node (" +
                                    std::to_string(nodes_.size()) + "), got " +
                                    std::to_string(node_lp.size()));
    node_lp_ = std::move(node_lp);
    booked_.assign(2 * links_.size(), 0);
    partitioned_ = true;
}

sim::Duration Network::lookahead() const {
    sim::Duration best = sim::Duration::max();
    for (const LinkRec& l : links_)
        if (lp_of(l.a) != lp_of(l.b)) best = std::min(best, l.delay);
    return best;
}

void Network::to_outbox(sim::Time t, NodeId to, const Packet& p) {
    RemoteArrival& r = outbox_.emplace_back();
    r.at = t;
    r.to = to;
    r.packet = p;
    if (!p.is_tcp() || p.syn()) return;  // msg is a datagram's own id or the SYN's options
    uint32_t msg = p.msg;
    if (p.has_sack()) {
        r.sack = sacks_.get(p.msg);
        msg = r.sack.msg;
    }
    if (msg != 0) {
        r.has_message = true;
        r.message = messages_.get(msg);
    }
}

void Network::arrive_remote(const RemoteArrival& r) {
    Packet p = r.packet;
    if (p.is_tcp() && !p.syn()) {
        const uint32_t msg = r.has_message ? messages_.add_copy(r.message) : 0;
        if (p.has_sack()) {
            SackInfo s = r.sack;
            s.msg = msg;
            p.msg = sacks_.add(s);
        } else {
            p.msg = msg;
        }
    }
    Node* target = nodes_[r.to].handler;
    sim_.post_at(r.at, [target, p] { target->receive(p); });
}

}  // namespace lvs::net
