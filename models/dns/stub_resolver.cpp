#include "models/dns/stub_resolver.hpp"

#include "models/trace/vocabulary.hpp"

namespace lvs::dns {

StubResolver::StubResolver(net::Host& host, net::Endpoint server, const ResolverConfig& config,
                           ResolverStats& stats)
    : host_(host),
      sim_(host.network().simulator()),
      server_(server),
      config_(config),
      stats_(stats),
      rng_(sim_.stream("resolver:" + host.name())),
      next_(sim_, [this] { begin(); }) {}

StubResolver::~StubResolver() {
    for (auto& l : lookups_)
        if (l->id != 0 && l->socket != shared_) host_.udp().close(l->socket);
    if (shared_ != udp::kNoSocket) host_.udp().close(shared_);
}

void StubResolver::start(sim::Time first) {
    running_ = true;
    next_.arm_at(first);
}

void StubResolver::stop() {
    running_ = false;
    next_.disarm();
}

size_t StubResolver::pending() const {
    size_t n = 0;
    for (const auto& l : lookups_) n += l->id != 0 ? 1 : 0;
    return n;
}

StubResolver::Lookup* StubResolver::by_socket(udp::SocketId s) {
    for (auto& l : lookups_)
        if (l->id != 0 && l->socket == s) return l.get();
    return nullptr;
}

StubResolver::Lookup* StubResolver::by_id(uint32_t id) {
    for (auto& l : lookups_)
        if (l->id == id) return l.get();
    return nullptr;
}

void StubResolver::begin() {
    if (!running_) return;
    next_.arm(http::sample_duration(config_.interval, rng_));
    Lookup* l = nullptr;
    for (auto& x : lookups_)
        if (x->id == 0) l = x.get();
    if (l == nullptr) {
        lookups_.push_back(std::make_unique<Lookup>(sim_, this));
        l = lookups_.back().get();
    }
    ++stats_.lookups;
    // A DNS ID is 16 bits; lvsim keeps counting so that a late answer never matches a newer
    // lookup (a real resolver's random ID and port make that unlikely too).
    l->id = ++next_id_;
    l->started = sim_.now();
    l->tries = 0;
    l->socket = udp::kNoSocket;
    send_try(*l);
}

void StubResolver::send_try(Lookup& l) {
    udp::UdpStack& udp = host_.udp();
    if (l.socket == udp::kNoSocket) {
        if (config_.source_port == SourcePort::Fixed) {
            if (shared_ == udp::kNoSocket) shared_ = udp.open(this, 0);
            l.socket = shared_;
        } else {
            // send_dg(): socket(), connect() to the nameserver (an ephemeral port on connect).
            l.socket = udp.open(this, 0);
            if (l.socket != udp::kNoSocket) udp.connect(l.socket, server_);
        }
        if (l.socket == udp::kNoSocket) {
            ++stats_.socket_errors;
            finish(l, false);
            return;
        }
    }
    if (l.tries > 0) ++stats_.retries;
    ++l.tries;
    udp.send(l.socket, host_.address(), server_, config_.query_bytes, l.id);
    // With one nameserver every try waits the whole timeout (retrans << ns, ns = 0).
    l.timer.arm(config_.timeout);
}

void StubResolver::on_timeout(Lookup& l) {
    ++stats_.timeouts;
    next_try(l, false);
}

void StubResolver::on_refused(udp::SocketId s) {
    Lookup* l = by_socket(s);
    if (l == nullptr) return;
    ++stats_.refused;
    l->timer.disarm();
    // send_dg() gives up on this socket (ECONNREFUSED) and closes it: the next try opens another.
    host_.udp().close(l->socket);
    l->socket = udp::kNoSocket;
    next_try(*l, true);
}

void StubResolver::next_try(Lookup& l, bool refused) {
    LVS_TRACE(sim_, host_.entity(), trace::kind::dns_try_failed)
        .f("lookup", static_cast<int64_t>(l.id))
        .f("try", static_cast<int64_t>(l.tries))
        .f("reason", refused ? "port unreachable" : "timeout")
        .f("server", server_.str());
    if (l.tries >= config_.attempts) {
        finish(l, false);
        return;
    }
    send_try(l);
}

void StubResolver::on_datagram(udp::SocketId s, const net::Packet& p) {
    // res_send() takes an answer from the nameserver's address and port with the query's ID.
    if (p.src_ep() != server_) return;
    Lookup* l = by_id(p.msg);
    if (l == nullptr || l->socket != s) return;  // a late answer to a finished lookup
    stats_.answer_ms.push_back((sim_.now() - l->started).seconds() * 1000.0);
    finish(*l, true);
}

void StubResolver::finish(Lookup& l, bool answered) {
    l.timer.disarm();
    if (answered) ++stats_.answered;
    else ++stats_.failed;
    LVS_TRACE(sim_, host_.entity(), trace::kind::dns_lookup)
        .f("lookup", static_cast<int64_t>(l.id))
        .f("outcome", answered ? "answered" : "failed")
        .f("ms", (sim_.now() - l.started).seconds() * 1000.0)
        .f("tries", static_cast<int64_t>(l.tries))
        .f("port", static_cast<int64_t>(l.socket != udp::kNoSocket ? host_.udp().port(l.socket) : 0));
    if (l.socket != udp::kNoSocket && l.socket != shared_) host_.udp().close(l.socket);
    l.socket = udp::kNoSocket;
    l.id = 0;
}

}  // namespace lvs::dns
