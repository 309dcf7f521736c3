// A host's UDP (net/ipv4/udp.c): sockets bound to ports, ephemeral ports for sockets that do
// not choose one, datagrams delivered to their socket, and ICMP port unreachable (rate limited
// as net/ipv4/icmp.c does) for a datagram no socket takes.
//
// Sockets are few per host (a resolver's per-lookup socket, a server's one): they live in a
// small vector searched by port, which never allocates once grown.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "models/net/network.hpp"
#include "models/tcp/tcp_profile.hpp"
#include "sim/rng.hpp"

namespace lvs::udp {

using SocketId = uint32_t;
constexpr SocketId kNoSocket = 0xFFFFFFFFu;

// What a socket's owner hears. One level of dispatch: the resolver, the DNS server and the
// syslog collector each implement it once.
class Receiver {
public:
    virtual void on_datagram(SocketId s, const net::Packet& p) = 0;
    // ICMP port unreachable for a datagram a connected socket sent: its next recv() fails with
    // ECONNREFUSED (an unconnected socket is not told, without IP_RECVERR: udp_err()).
    virtual void on_refused(SocketId s) = 0;

protected:
    ~Receiver() = default;
};

struct UdpCounters {
    uint64_t in_datagrams = 0;   // Udp: InDatagrams
    uint64_t out_datagrams = 0;  // Udp: OutDatagrams
    uint64_t no_ports = 0;       // Udp: NoPorts (datagrams for a port with no socket)
    uint64_t icmp_sent = 0;      // port unreachable sent
    uint64_t icmp_limited = 0;   // port unreachable not sent: rate limited
    uint64_t refused = 0;        // port unreachable received by a connected socket
};

class UdpStack {
public:
    UdpStack(net::Network& net, net::NodeId node, const tcp::PortRange& ports);

    // bind(): `port` 0 takes an ephemeral port (kNoSocket when the range is used up, or when
    // `port` is taken). The socket listens on every address of the host.
    SocketId open(Receiver* owner, uint16_t port);
    // connect(): datagrams from anyone else are dropped, and ICMP errors are reported.
    void connect(SocketId s, net::Endpoint peer);
    void close(SocketId s);
    // sendto() from `from` (one of the host's addresses; a server answers from the address the
    // request was sent to).
    void send(SocketId s, net::Ipv4 from, net::Endpoint to, uint32_t len, uint32_t msg);
    uint16_t port(SocketId s) const { return sockets_[s].port; }
    size_t open_sockets() const { return open_; }

    void receive(const net::Packet& p);
    void set_down(bool down) { down_ = down; }
    // The host's ICMP rate limits (icmp_send()): true when an ICMP error to `peer` may go now
    // (it is then counted against the limits). Anything on the host that sends ICMP errors asks.
    bool icmp_allowed(net::Ipv4 peer);
    const UdpCounters& counters() const { return counters_; }

private:
    struct Socket {
        uint16_t port = 0;  // 0: free slot
        bool connected = false;
        net::Endpoint peer;
        Receiver* owner = nullptr;
    };
    SocketId find(uint16_t port) const;
    uint16_t ephemeral_port();
    void port_unreachable(const net::Packet& p);

    net::Network& net_;
    net::NodeId node_;
    tcp::PortRange ports_;
    sim::Rng rng_;
    std::vector<Socket> sockets_;
    std::vector<SocketId> free_;
    size_t open_ = 0;
    bool down_ = false;
    UdpCounters counters_;
    // ICMP rate limits (net/ipv4/icmp.c): a global token bucket (icmp_msgs_per_sec 1000,
    // icmp_msgs_burst 50) and one per peer (icmp_ratelimit 1000 ms, XRLIM_BURST_FACTOR 6).
    double global_credit_ = 50;
    sim::Time global_last_;
    struct PeerTokens {
        int64_t tokens_ns = 0;
        sim::Time last;
    };
    std::unordered_map<uint32_t, PeerTokens> peers_;
};

}  // namespace lvs::udp
