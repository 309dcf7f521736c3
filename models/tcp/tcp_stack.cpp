#include "models/tcp/tcp_stack.hpp"

#include <algorithm>

#include "models/trace/vocabulary.hpp"

namespace lvs::tcp {

using net::Packet;

namespace {

// Each host's jiffies phase: pinned by the profile (ticks then fall on whole multiples of
// 1/HZ), or drawn from the run's seed, from a stream of the host's own so that nothing else
// the host draws moves.
KernelClock kernel_clock(net::Network& net, net::NodeId node, const TcpProfile& p) {
    if (p.jiffies_at_start) return KernelClock(p.hz, *p.jiffies_at_start, sim::Duration{});
    sim::Rng rng = net.simulator().stream(std::string("kernel:") + std::string(net.name(node)));
    const Jiffies start = rng.next() & 0xFFFFFFFFu;
    const auto tick_ns = static_cast<uint64_t>(1'000'000'000 / p.hz);
    return KernelClock(p.hz, start, sim::ns(static_cast<int64_t>(rng.below(tick_ns))));
}

}  // namespace
namespace flag = net::tcpflag;

Listener::Listener(TcpStack& stack, net::Endpoint local, uint32_t backlog, TcpApp* app)
    : stack_(stack), local_(local), backlog_(backlog), app_(app) {}

TcpConn* Listener::accept(TcpApp* app, uint64_t tag) {
    if (queue_.empty()) return nullptr;
    TcpConn* c = queue_.front();
    queue_.pop_front();
    c->accepted(app, tag);
    return c;
}

void Listener::close() {
    if (!open_) return;
    open_ = false;
    --stack_.in_state_[static_cast<size_t>(TcpState::Listen)];
    LVS_TRACE(stack_.sim(), stack_.entity(), trace::kind::tcp_state)
        .f("conn", 0)
        .f("local", local_.str())
        .f("remote", "*")
        .f("from", to_string(TcpState::Listen))
        .f("to", to_string(*next_state(TcpState::Listen, TcpEvent::AppClose)))
        .f("event", to_string(TcpEvent::AppClose));
    while (!queue_.empty()) {
        TcpConn* c = queue_.front();
        queue_.pop_front();
        c->in_accept_queue_ = false;
        c->abort();
    }
}

TcpStack::TcpStack(net::Network& net, net::NodeId node, const TcpProfile& profile)
    : net_(net),
      node_(node),
      profile_(profile),
      entity_(net.entity(node)),
      clock_(kernel_clock(net, node, profile)),
      rng_(net.simulator().stream(std::string("tcp:") + std::string(net.name(node)))) {
    const PortRange& ports = profile.sysctl.ip_local_port_range;
    port_cursor_ = static_cast<uint32_t>(rng_.below(uint64_t{ports.high} - ports.low + 1));
}

TcpStack::~TcpStack() {
    std::vector<TcpConn*> live;
    table_.for_each([&](TcpConn* c) { live.push_back(c); });
    for (TcpConn* c : live) c->~TcpConn();
    for (TcpConn* c : graveyard_) c->~TcpConn();
}

Listener& TcpStack::listen(net::Endpoint local, uint32_t backlog, TcpApp* app) {
    listeners_.push_back(std::make_unique<Listener>(*this, local, backlog, app));
    ++in_state_[static_cast<size_t>(TcpState::Listen)];
    LVS_TRACE(sim(), entity_, trace::kind::tcp_state)
        .f("conn", 0)
        .f("local", local.str())
        .f("remote", "*")
        .f("from", to_string(TcpState::Closed))
        .f("to", to_string(TcpState::Listen))
        .f("event", to_string(TcpEvent::AppListen))
        .f("backlog", backlog);
    return *listeners_.back();
}

Listener* TcpStack::find_listener(net::Endpoint local) {
    for (auto& l : listeners_) {
        if (!l->open_ || l->local_.port != local.port) continue;
        if (l->local_.addr.is_zero() || l->local_.addr == local.addr) return l.get();
    }
    return nullptr;
}

uint32_t TcpStack::Pool::allocate() {
    if (!free_.empty()) {
        const uint32_t i = free_.back();
        free_.pop_back();
        return i;
    }
    if (allocated_ % kBlockConns == 0)
        blocks_.push_back(
            std::make_unique<
                std::array<std::aligned_storage_t<sizeof(TcpConn), alignof(TcpConn)>, kBlockConns>>());
    return allocated_++;
}

TcpConn* TcpStack::new_conn(const net::FourTuple& t) {
    const uint32_t index = pool_.allocate();
    auto* c = new (static_cast<void*>(pool_.at(index))) TcpConn(*this, t);
    c->pool_index_ = index;
    table_.insert(t, index);
    ++in_state_[static_cast<size_t>(TcpState::Closed)];
    return c;
}

void TcpStack::release(TcpConn* c) {
    table_.erase(c->tuple_);
    --in_state_[static_cast<size_t>(TcpState::Closed)];
    graveyard_.push_back(c);
    if (graveyard_.size() == 1) {
        // Freed after the current event: the connection may still be on the call stack.
        sim().post_after(
            sim::Duration{},
            [this] {
                for (TcpConn* dead : graveyard_) {
                    const uint32_t index = dead->pool_index_;
                    dead->~TcpConn();
                    pool_.free(index);
                }
                graveyard_.clear();
            },
            sim::Priority::Late);
    }
}

void TcpStack::on_state_change(TcpState from, TcpState to) {
    --in_state_[static_cast<size_t>(from)];
    ++in_state_[static_cast<size_t>(to)];
    const uint64_t tw = in_state_[static_cast<size_t>(TcpState::TimeWait)];
    if (tw > counters_.time_wait_max) counters_.time_wait_max = tw;
}

TcpConn* TcpStack::connect(net::Ipv4 local_addr, net::Endpoint remote, TcpApp* app, uint64_t tag,
                           SocketError* error) {
    const uint32_t low = profile_.sysctl.ip_local_port_range.low;
    const uint32_t range = uint32_t{profile_.sysctl.ip_local_port_range.high} - low + 1;
    // Linux picks a port whose 4-tuple is not in use, TIME_WAIT included, unless
    // tcp_twsk_unique() lets it take over a TIME_WAIT socket: tcp_tw_reuse=1, or 2 on
    // loopback, a second after it entered TIME_WAIT (tcp_tw_reuse_delay; timestamps on, as by
    // default). So fast churn toward one destination exhausts the range.
    const int64_t reuse = profile_.sysctl.tcp_tw_reuse;
    const bool loopback = (local_addr.value() >> 24) == 127 || (remote.addr.value() >> 24) == 127;
    for (uint32_t i = 0; i < range; ++i) {
        const uint32_t offset = (port_cursor_ + i) % range;
        const net::FourTuple t{{local_addr, static_cast<net::Port>(low + offset)}, remote};
        if (TcpConn* old = table_.find(t)) {
            const bool may_reuse = (reuse == 1 || (reuse == 2 && loopback)) &&
                                   old->state_ == TcpState::TimeWait &&
                                   sim().now() - old->time_wait_since() >= sim::s(1);
            if (!may_reuse) continue;
            LVS_TRACE(sim(), entity_, trace::kind::tcp_tw_reuse)
                .f("conn", old->id())
                .f("remote", remote.str());
            old->set_state(TcpState::Closed, TcpEvent::AppConnect);
            old->enter_closed();
        }
        port_cursor_ = (offset + 1) % range;
        TcpConn* c = new_conn(t);
        c->set_app(app, tag);
        c->active_open();
        return c;
    }
    ++counters_.port_exhaustion;
    LVS_TRACE(sim(), entity_, trace::kind::tcp_error).f("error", "EADDRNOTAVAIL").f("remote", remote.str());
    if (error != nullptr) *error = SocketError::AddrNotAvail;
    return nullptr;
}

TcpConn* TcpStack::connect_from(net::Endpoint local, net::Endpoint remote, TcpApp* app, uint64_t tag,
                                SocketError* error) {
    const net::FourTuple t{local, remote};
    if (table_.find(t) != nullptr) {
        if (error != nullptr) *error = SocketError::AddrNotAvail;
        return nullptr;
    }
    TcpConn* c = new_conn(t);
    c->set_app(app, tag);
    c->active_open();
    return c;
}

void TcpStack::send_rst_for(const Packet& p) {
    if (p.rst()) return;  // never answer a RST
    Packet r;
    r.saddr = p.daddr;
    r.daddr = p.saddr;
    r.sport = p.dport;
    r.dport = p.sport;
    if (p.ackf()) {
        r.seq = p.ack;
        r.flags = flag::kRst;
    } else {
        r.seq = 0;
        r.ack = p.seq + p.seq_len();
        r.flags = flag::kRst | flag::kAck;
    }
    ++counters_.resets_sent;
    ++counters_.sent.rst;
    counters_.rst_at.note(sim().now());
    LVS_TRACE(sim(), entity_, trace::kind::tcp_rst)
        .f("to", p.src_ep().str())
        .f("from", p.dst_ep().str())
        .f("reason", "no socket");
    transmit(r);
}

void TcpStack::receive(const Packet& p) {
    if (down_) return;
    if (p.is_icmp()) {
        // Destination unreachable quoting our segment (local sport -> remote dport); the
        // sender of the ICMP is the address we tried to reach.
        const net::FourTuple t{{p.dst(), p.sport}, {p.src(), p.dport}};
        if (TcpConn* c = table_.find(t)) c->on_icmp_unreachable();
        return;
    }
    const net::FourTuple t{{p.dst(), p.dport}, {p.src(), p.sport}};
    TcpConn* c = table_.find(t);
    if (c != nullptr && c->state_ == TcpState::TimeWait && p.syn() && !p.ackf() &&
        static_cast<int32_t>(p.seq - c->rcv_nxt_) > 0 && find_listener(t.local) != nullptr) {
        // A new SYN with a higher sequence number reuses a TIME_WAIT tuple (Linux accepts
        // it: tcp_timewait_state_process returns TCP_TW_SYN).
        c->set_state(TcpState::Closed, TcpEvent::RecvSyn);
        c->enter_closed();
        c = nullptr;
    }
    if (c != nullptr) {
        c->on_segment(p);
        return;
    }
    Listener* l = find_listener(t.local);
    if (l != nullptr && p.syn() && !p.ackf() && !p.rst()) {
        // Accept queue full when the SYN arrives: dropped silently (ListenOverflows), the
        // client retransmits on its SYN schedule.
        if (l->queue_.size() >= std::min(l->backlog_, static_cast<uint32_t>(profile_.sysctl.somaxconn))) {
            ++l->overflows_;
            ++counters_.listen_overflows;
            LVS_TRACE(sim(), entity_, trace::kind::tcp_drop)
                .f("reason", "accept queue full")
                .f("from", p.src_ep().str());
            return;
        }
        TcpConn* child = new_conn(t);
        child->passive_open(p, l);
        return;
    }
    send_rst_for(p);
}

void TcpStack::reset_all() {
    std::vector<TcpConn*> live;
    table_.for_each([&](TcpConn* c) { live.push_back(c); });
    std::sort(live.begin(), live.end(), [](TcpConn* a, TcpConn* b) { return a->id() < b->id(); });
    for (TcpConn* c : live) c->abort();
    for (auto& l : listeners_) l->close();
}

void TcpStack::drop_all() {
    std::vector<TcpConn*> live;
    table_.for_each([&](TcpConn* c) { live.push_back(c); });
    std::sort(live.begin(), live.end(), [](TcpConn* a, TcpConn* b) { return a->id() < b->id(); });
    for (TcpConn* c : live) {
        c->app_ = nullptr;
        c->app_closed_ = true;
        c->in_accept_queue_ = false;
        c->set_state(TcpState::Closed, TcpEvent::AppAbort);
        c->enter_closed();
    }
    for (auto& l : listeners_) {
        l->queue_.clear();
        l->close();
    }
}

size_t TcpStack::memory_bytes() const {
    return pool_.memory_bytes() + table_.memory_bytes() + chunks_.memory_bytes() + ooo_.memory_bytes() +
           losses_.memory_bytes() + extras_.memory_bytes() + cubics_.memory_bytes() + bbrs_.memory_bytes();
}

}  // namespace lvs::tcp
