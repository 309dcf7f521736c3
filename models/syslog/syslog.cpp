#include "models/syslog/syslog.hpp"

#include <algorithm>

namespace lvs::syslog {

// A sender owns no receiving side: its socket's owner is never told anything (unconnected).
namespace {
class Deaf final : public udp::Receiver {
public:
    void on_datagram(udp::SocketId, const net::Packet&) override {}
    void on_refused(udp::SocketId) override {}
};
Deaf deaf;
}  // namespace

Sender::Sender(net::Host& host, net::Endpoint target, const SenderConfig& config, Tally& tally,
               uint32_t group)
    : host_(host),
      target_(target),
      config_(config),
      tally_(tally),
      group_(group),
      rng_(host.network().simulator().stream("syslog:" + host.name())),
      timer_(host.network().simulator(), [this] { send(); }) {}

Sender::~Sender() {
    if (socket_ != udp::kNoSocket) host_.udp().close(socket_);
}

void Sender::start(sim::Time first) {
    // omfwd opens its socket once (an ephemeral port) and sends with sendto(), unconnected.
    if (socket_ == udp::kNoSocket) socket_ = host_.udp().open(&deaf, 0);
    timer_.arm_at(first);
}

void Sender::stop() { timer_.disarm(); }

uint32_t Sender::sent_within(sim::Duration window) const {
    const sim::Time from = host_.network().simulator().now() - window;
    uint32_t n = 0;
    for (uint64_t k = 0; k < std::min<uint64_t>(count_, kRecent); ++k) n += recent_[k] > from ? 1 : 0;
    return n;
}

uint16_t Sender::port() const { return socket_ != udp::kNoSocket ? host_.udp().port(socket_) : 0; }

void Sender::send() {
    timer_.arm(http::sample_duration(config_.interval, rng_));
    if (socket_ == udp::kNoSocket || host_.down()) return;
    ++tally_.sent[group_];
    recent_[count_++ % kRecent] = host_.network().simulator().now();
    host_.udp().send(socket_, host_.address(), target_, config_.message_bytes, group_ + 1);
}

Collector::Collector(net::Host& host, uint16_t port, Tally& tally)
    : host_(host), port_(port), tally_(tally) {}

Collector::~Collector() { stop(); }

bool Collector::start() {
    if (!running()) socket_ = host_.udp().open(this, port_);
    return running();
}

void Collector::stop() {
    if (!running()) return;
    host_.udp().close(socket_);
    socket_ = udp::kNoSocket;
}

void Collector::on_datagram(udp::SocketId, const net::Packet& p) {
    ++received_;
    if (p.msg >= 1 && p.msg <= tally_.received.size()) ++tally_.received[p.msg - 1];
}

}  // namespace lvs::syslog
