// Syslog over UDP (RFC 5426): a sender that streams messages one way, and a collector that
// counts them. rsyslog's omfwd (and classic syslogd) send every message from one socket kept
// for the daemon's life, so a stream is one flow with one source port; nothing is acknowledged
// and nothing is sent again, so a message IPVS drops is lost without anyone noticing.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "models/http/distribution.hpp"
#include "models/net/host.hpp"
#include "sim/rng.hpp"
#include "sim/timer.hpp"

namespace lvs::syslog {

struct SenderConfig {
    http::Distribution interval = http::Distribution::fixed(1e9);  // between messages (ns)
    uint32_t message_bytes = 120;
};

// Messages per sending group: sent by its hosts, received by any collector. A message carries
// its group's index (+1) in the packet's message id, so collectors can credit it.
struct Tally {
    std::vector<uint64_t> sent;
    std::vector<uint64_t> received;
};

class Sender {
public:
    Sender(net::Host& host, net::Endpoint target, const SenderConfig& config, Tally& tally, uint32_t group);
    ~Sender();
    Sender(const Sender&) = delete;
    Sender& operator=(const Sender&) = delete;
    void start(sim::Time first);
    void stop();
    uint16_t port() const;
    // Messages sent within `window` before now (still on their way when the window is one
    // network round trip): counted from the last kRecent sent.
    uint32_t sent_within(sim::Duration window) const;

private:
    static constexpr size_t kRecent = 32;
    std::array<sim::Time, kRecent> recent_{};  // send times, a ring
    uint64_t count_ = 0;
    void send();
    net::Host& host_;
    net::Endpoint target_;
    SenderConfig config_;
    Tally& tally_;
    uint32_t group_;
    sim::Rng rng_;
    udp::SocketId socket_ = udp::kNoSocket;
    sim::Timer timer_;
};

class Collector final : public udp::Receiver {
public:
    Collector(net::Host& host, uint16_t port, Tally& tally);
    ~Collector();
    Collector(const Collector&) = delete;
    Collector& operator=(const Collector&) = delete;
    bool start();
    void stop();
    bool running() const { return socket_ != udp::kNoSocket; }
    uint64_t received() const { return received_; }
    uint16_t port() const { return port_; }

    void on_datagram(udp::SocketId s, const net::Packet& p) override;
    void on_refused(udp::SocketId) override {}

private:
    net::Host& host_;
    uint16_t port_;
    Tally& tally_;
    udp::SocketId socket_ = udp::kNoSocket;
    uint64_t received_ = 0;
};

}  // namespace lvs::syslog
