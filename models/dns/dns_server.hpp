// An authoritative or caching DNS server on a realserver: one UDP socket on its port, every
// query answered after `answer_time`. Stopped (or killed), its socket is closed and the host's
// UDP answers port unreachable; crashed, the host is silent.
//
// It answers from the address the query was sent to (BIND listens on each address, unbound and
// dnsmasq use IP_PKTINFO), so a DR realserver answers from the VIP. No worker pool: a DNS
// server's queries are tiny and event-driven.
#pragma once

#include <cstdint>
#include <vector>

#include "models/net/host.hpp"
#include "sim/timer.hpp"

namespace lvs::dns {

struct DnsServerConfig {
    uint16_t port = 53;
    sim::Duration answer_time = sim::us(200);
    uint32_t answer_bytes = 49;  // the query and one A record (16)
};

struct DnsServerStats {
    uint64_t queries = 0;
    uint64_t answers = 0;
};

class DnsServer final : public udp::Receiver {
public:
    DnsServer(net::Host& host, const DnsServerConfig& config);
    ~DnsServer();
    DnsServer(const DnsServer&) = delete;
    DnsServer& operator=(const DnsServer&) = delete;

    // Binds the port (false when it is taken); stop() closes it, queries not yet answered die.
    bool start();
    void stop();
    bool running() const { return socket_ != udp::kNoSocket; }
    const DnsServerStats& stats() const { return stats_; }
    const DnsServerConfig& config() const { return config_; }

    void on_datagram(udp::SocketId s, const net::Packet& p) override;
    void on_refused(udp::SocketId) override {}

private:
    void answer_due();
    struct Pending {
        sim::Time due;
        net::Endpoint client;
        net::Ipv4 local;
        uint32_t id;
    };
    net::Host& host_;
    DnsServerConfig config_;
    DnsServerStats stats_;
    udp::SocketId socket_ = udp::kNoSocket;
    // Queries to answer, in arrival order (every answer takes the same time): a queue over a
    // vector that keeps its capacity, so a busy server allocates nothing per query.
    std::vector<Pending> pending_;
    size_t head_ = 0;
    sim::Timer timer_;
};

}  // namespace lvs::dns
