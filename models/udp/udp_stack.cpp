#include "models/udp/udp_stack.hpp"

#include <algorithm>
#include <string>

namespace lvs::udp {

using net::Packet;

UdpStack::UdpStack(net::Network& net, net::NodeId node, const tcp::PortRange& ports)
    : net_(net),
      node_(node),
      ports_(ports),
      rng_(net.simulator().stream(std::string("udp:") + std::string(net.name(node)))) {}

SocketId UdpStack::find(uint16_t port) const {
    for (SocketId i = 0; i < sockets_.size(); ++i)
        if (sockets_[i].port == port) return i;
    return kNoSocket;
}

uint16_t UdpStack::ephemeral_port() {
    // udp_lib_get_port(): a random start in ip_local_port_range, then the next free port
    // (the kernel steps through the range by an odd multiple of its hash size; with a
    // handful of sockets per host the first try is free either way).
    const uint32_t span = uint32_t{ports_.high} - ports_.low + 1;
    const uint32_t first = static_cast<uint32_t>(rng_.below(span));
    for (uint32_t k = 0; k < span; ++k) {
        const auto port = static_cast<uint16_t>(ports_.low + (first + k) % span);
        if (find(port) == kNoSocket) return port;
    }
    return 0;
}

SocketId UdpStack::open(Receiver* owner, uint16_t port) {
    if (port == 0) port = ephemeral_port();
    if (port == 0 || find(port) != kNoSocket) return kNoSocket;
    SocketId s;
    if (!free_.empty()) {
        s = free_.back();
        free_.pop_back();
    } else {
        s = static_cast<SocketId>(sockets_.size());
        sockets_.emplace_back();
    }
    sockets_[s] = Socket{port, false, {}, owner};
    ++open_;
    return s;
}

void UdpStack::connect(SocketId s, net::Endpoint peer) {
    sockets_[s].connected = true;
    sockets_[s].peer = peer;
}

void UdpStack::close(SocketId s) {
    if (s >= sockets_.size() || sockets_[s].port == 0) return;
    sockets_[s] = Socket{};
    free_.push_back(s);
    --open_;
}

void UdpStack::send(SocketId s, net::Ipv4 from, net::Endpoint to, uint32_t len, uint32_t msg) {
    if (down_) return;
    Packet p;
    p.set_proto(net::Proto::Udp);
    p.saddr = from.value();
    p.daddr = to.addr.value();
    p.sport = sockets_[s].port;
    p.dport = to.port;
    p.len = len;
    p.msg = msg;
    ++counters_.out_datagrams;
    net_.send(node_, p);
}

void UdpStack::receive(const Packet& p) {
    if (down_) return;
    if (p.is_icmp()) {
        // Port unreachable quoting our datagram (local sport -> remote dport); its sender is
        // the address we sent to (__udp4_lib_err: only a connected socket learns of it).
        const SocketId s = find(p.sport);
        if (s == kNoSocket) return;
        const Socket& k = sockets_[s];
        if (!k.connected || k.peer != net::Endpoint{p.src(), p.dport}) return;
        ++counters_.refused;
        k.owner->on_refused(s);
        return;
    }
    const SocketId s = find(p.dport);
    // A connected socket matches its peer's datagrams only (__udp4_lib_lookup(): the remote
    // address and port score too): from anyone else, no socket takes the datagram.
    if (s == kNoSocket || (sockets_[s].connected && sockets_[s].peer != p.src_ep())) {
        ++counters_.no_ports;
        port_unreachable(p);
        return;
    }
    const Socket& k = sockets_[s];
    ++counters_.in_datagrams;
    k.owner->on_datagram(s, p);
}

bool UdpStack::icmp_allowed(net::Ipv4 peer) {
    const sim::Time now = net_.simulator().now();
    // icmp_global_allow(): 1000 messages a second, bursts of 50, checked first; a message that
    // passes the peer's limit then consumes one credit (icmp_global_consume(): a random 0 to 2,
    // one on average; lvsim takes the average, so its runs need no random draw here).
    global_credit_ = std::min(50.0, global_credit_ + (now - global_last_).seconds() * 1000.0);
    global_last_ = now;
    if (global_credit_ < 1.0) return false;
    // icmpv4_xrlim_allow() -> inet_peer_xrlim_allow(): tokens accrue in time, at most six
    // intervals of icmp_ratelimit (1000 ms); one message costs one interval. A new peer
    // starts full (its rate_last lies 60 s back).
    constexpr int64_t kInterval = 1'000'000'000;
    constexpr int64_t kBurst = 6 * kInterval;
    auto [it, fresh] = peers_.try_emplace(peer.value());
    PeerTokens& t = it->second;
    t.tokens_ns = fresh ? kBurst : std::min(kBurst, t.tokens_ns + (now - t.last).ns());
    t.last = now;
    if (t.tokens_ns < kInterval) return false;
    t.tokens_ns -= kInterval;
    global_credit_ -= 1.0;
    return true;
}

void UdpStack::port_unreachable(const Packet& p) {
    if (!icmp_allowed(p.src())) {
        ++counters_.icmp_limited;
        return;
    }
    ++counters_.icmp_sent;
    Packet icmp;
    icmp.set_proto(net::Proto::Icmp);
    icmp.aux |= Packet::kQuotedUdp;
    // icmp_send() answers from the address the datagram was for (a DR realserver: the VIP).
    icmp.saddr = p.daddr;
    icmp.daddr = p.saddr;
    icmp.sport = p.sport;
    icmp.dport = p.dport;
    icmp.ack = 8 + p.len;  // the quoted UDP header's length field (for captures)
    net_.send(node_, icmp);
}

}  // namespace lvs::udp
