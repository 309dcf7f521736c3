// A client's stub resolver: what glibc's res_send() does for getaddrinfo() with one nameserver
// in resolv.conf (here the DNS service's VIP).
//
// A lookup sends its query and waits `timeout` (options timeout:, RES_TIMEOUT 5 s) for the
// answer; unanswered, it sends again, up to `attempts` tries (options attempts:, RES_DFLRETRY
// 2), then fails ("Temporary failure in name resolution"). glibc opens and connect()s a new UDP
// socket for every lookup (a new ephemeral port) and keeps it for the lookup's tries; an ICMP
// port unreachable ends the try at once and closes the socket, so the next try has a new port.
//
// `source_port: fixed` is the other kind of client: one socket for the client's life (dnsmasq
// with `query-port`, BIND with a fixed `query-source port`, a program that keeps its socket),
// not connected, so ICMP errors go unnoticed and every query leaves from the same port.
// (CoreDNS, unbound and dnsmasq by default use a new random port per query.)
//
// Simplified: one query per lookup (glibc sends A and AAAA together on the same socket), one
// nameserver, no search domains.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/http/distribution.hpp"
#include "models/net/host.hpp"
#include "sim/rng.hpp"
#include "sim/timer.hpp"

namespace lvs::dns {

enum class SourcePort : uint8_t { PerLookup, Fixed };

struct ResolverConfig {
    http::Distribution interval = http::Distribution::fixed(1e9);  // between lookups' starts (ns)
    sim::Duration timeout = sim::s(5);
    uint32_t attempts = 2;
    SourcePort source_port = SourcePort::PerLookup;
    uint32_t query_bytes = 33;  // DNS header (12) and the question for www.example.com A (21)
};

struct ResolverStats {
    uint64_t lookups = 0;           // begun
    uint64_t answered = 0;          // got their answer
    uint64_t failed = 0;            // every try went unanswered or was refused
    uint64_t retries = 0;           // tries after a lookup's first
    uint64_t timeouts = 0;          // tries that waited their whole timeout
    uint64_t refused = 0;           // tries ended by ICMP port unreachable
    uint64_t socket_errors = 0;     // no ephemeral port free
    std::vector<double> answer_ms;  // per answered lookup: from its start to the answer
};

class StubResolver final : public udp::Receiver {
public:
    StubResolver(net::Host& host, net::Endpoint server, const ResolverConfig& config, ResolverStats& stats);
    ~StubResolver();
    StubResolver(const StubResolver&) = delete;
    StubResolver& operator=(const StubResolver&) = delete;

    // Lookups begin at `first` and then every `interval`, until stop().
    void start(sim::Time first);
    void stop();
    size_t pending() const;

    void on_datagram(udp::SocketId s, const net::Packet& p) override;
    void on_refused(udp::SocketId s) override;

private:
    struct Lookup {
        Lookup(sim::Simulator& sim, StubResolver* r) : timer(sim, [r, this] { r->on_timeout(*this); }) {}
        uint32_t id = 0;  // 0: a free slot
        udp::SocketId socket = udp::kNoSocket;
        sim::Time started;
        uint32_t tries = 0;
        sim::Timer timer;
    };
    void begin();
    void send_try(Lookup& l);
    void on_timeout(Lookup& l);
    void next_try(Lookup& l, bool refused);
    void finish(Lookup& l, bool answered);
    Lookup* by_socket(udp::SocketId s);
    Lookup* by_id(uint32_t id);

    net::Host& host_;
    sim::Simulator& sim_;
    net::Endpoint server_;
    ResolverConfig config_;
    ResolverStats& stats_;
    sim::Rng rng_;
    sim::Timer next_;
    bool running_ = false;
    udp::SocketId shared_ = udp::kNoSocket;  // SourcePort::Fixed
    uint32_t next_id_ = 0;
    // Lookups under way; slots are reused, so a steady client allocates nothing.
    std::vector<std::unique_ptr<Lookup>> lookups_;
};

}  // namespace lvs::dns
