// A TCP connection's life: the socket errors, construction, state changes, the tcp_info
// snapshot, opening and closing. Segments arriving are in tcp_input.cpp, segments leaving in
// tcp_output.cpp, loss recovery in tcp_recovery.cpp and the files it names.
#include "models/tcp/tcp_conn.hpp"

#include <algorithm>

#include "models/tcp/seq.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::tcp {

using net::Packet;
namespace flag = net::tcpflag;

std::string_view to_string(SocketError e) {
    switch (e) {
        case SocketError::None: return "none";
        case SocketError::Refused: return "ECONNREFUSED";
        case SocketError::Reset: return "ECONNRESET";
        case SocketError::TimedOut: return "ETIMEDOUT";
        case SocketError::BrokenPipe: return "EPIPE";
        case SocketError::AddrNotAvail: return "EADDRNOTAVAIL";
        case SocketError::NotConnected: return "ENOTCONN";
        case SocketError::HostUnreach: return "EHOSTUNREACH";
    }
    return "?";
}

int errno_of(SocketError e) {
    switch (e) {
        case SocketError::None: return 0;
        case SocketError::Refused: return 111;
        case SocketError::Reset: return 104;
        case SocketError::TimedOut: return 110;
        case SocketError::BrokenPipe: return 32;
        case SocketError::AddrNotAvail: return 99;
        case SocketError::NotConnected: return 107;
        case SocketError::HostUnreach: return 113;
    }
    return 0;
}

TcpConn::TcpConn(TcpStack& stack, const net::FourTuple& tuple)
    : stack_(stack),
      tuple_(tuple),
      id_(stack.next_conn_id()),
      ca_(stack.sysctl().tcp_congestion_control),
      cwnd_(stack.profile().initial_cwnd),
      rto_(stack.clock().from_duration(sim::s(1))),  // TCP_TIMEOUT_INIT
      timer_(stack.sim(), [this] { on_timer(); }) {}

// ---- state changes ---------------------------------------------------------------------------

void TcpConn::set_state(TcpState to, TcpEvent why) {
    const TcpState from = state_;
    state_ = to;
    stack_.on_state_change(from, to);
    LVS_TRACE(stack_.sim(), stack_.entity(), trace::kind::tcp_state)
        .f("conn", id_)
        .f("local", tuple_.local.str())
        .f("remote", tuple_.remote.str())
        .f("from", to_string(from))
        .f("to", to_string(to))
        .f("event", to_string(why));
}

bool TcpConn::apply(TcpEvent e) {
    const auto next = next_state(state_, e);
    if (!next) return false;
    set_state(*next, e);
    return true;
}

void TcpConn::enter_closed() {
    if (state_ != TcpState::Closed) set_state(TcpState::Closed, TcpEvent::Timeout);
    rtx_at_ = delack_at_ = sim::Time{};
    timer_.disarm();
    timer_mode_ = TimerMode::None;
    release_all_messages();
    free_send_and_receive_state();
    stack_.extras_.free(extras_);
    extras_ = 0;
    if (parent_ != nullptr && in_accept_queue_) {
        auto& q = parent_->queue_;
        q.erase(std::remove(q.begin(), q.end(), this), q.end());
        in_accept_queue_ = false;
    }
    app_ = nullptr;
    stack_.release(this);
}

void TcpConn::fail(SocketError e, TcpEvent why) {
    TcpApp* app = app_closed_ ? nullptr : app_;
    LVS_TRACE(stack_.sim(), stack_.entity(), trace::kind::tcp_error)
        .f("conn", id_)
        .f("local", tuple_.local.str())
        .f("remote", tuple_.remote.str())
        .f("error", to_string(e))
        .f("state", to_string(state_));
    app_ = nullptr;
    app_closed_ = true;
    if (app != nullptr && !stack_.counters_.error_seen) {
        stack_.counters_.error_seen = true;
        stack_.counters_.first_error_at = stack_.sim().now();
    }
    if (state_ != TcpState::Closed && !apply(why)) set_state(TcpState::Closed, why);
    if (app != nullptr && !in_accept_queue_) app->on_error(*this, e);
    enter_closed();
}

void TcpConn::enter_time_wait() {
    clear_delack();
    ack_timer_ = false;
    free_send_and_receive_state();        // everything is acknowledged both ways
    retrans_stamp_ = stack_.sim().now();  // tw_entry_stamp
    // tcp_time_wait(): no TIME_WAIT socket beyond tcp_max_tw_buckets (TCPTimeWaitOverflow):
    // the connection just closes.
    if (static_cast<int64_t>(stack_.count(TcpState::TimeWait)) > stack_.sysctl().tcp_max_tw_buckets) {
        ++stack_.counters_.time_wait_overflow;
        LVS_TRACE(stack_.sim(), stack_.entity(), trace::kind::tcp_tw_overflow)
            .f("conn", id_)
            .f("remote", tuple_.remote.str());
        apply(TcpEvent::Timeout);
        enter_closed();
        return;
    }
    arm_rtx(TimerMode::TimeWait, stack_.clock().from_duration(sim::s(60)));  // TCP_TIMEWAIT_LEN
}

ConnExtras& TcpConn::extras() {
    if (extras_ == 0) extras_ = stack_.extras_.allocate();
    return stack_.extras_[extras_];
}

uint32_t TcpConn::user_timeout_ms() const {
    return extras_ != 0 ? stack_.extras_[extras_].user_timeout_ms : 0;
}

void TcpConn::set_user_timeout(sim::Duration d) {
    extras().user_timeout_ms = static_cast<uint32_t>(d.ns() / 1'000'000);
}

void TcpConn::free_send_and_receive_state() {
    free_congestion_state();
    rtx_clear(stack_.chunks_, rtx_);
    packets_out_ = 0;
    sacked_out_ = lost_out_ = retrans_out_ = 0;
    free_ooo();
    if (loss_ != 0) {
        stack_.losses_.free(loss_);
        loss_ = 0;
    }
}

void TcpConn::trace_window(uint32_t old_cwnd) {
    if (old_cwnd == cwnd_) return;
    LVS_TRACE(stack_.sim(), stack_.entity(), trace::kind::tcp_cwnd)
        .f("conn", id_)
        .f("cwnd", cwnd_)
        .f("ssthresh", ssthresh_ == UINT32_MAX ? int64_t{-1} : int64_t{ssthresh_});
}

void TcpConn::trace_rto(Jiffies old_rto, uint8_t old_backoff) {
    if (old_rto == rto_ && old_backoff == backoff_) return;
    LVS_TRACE(stack_.sim(), stack_.entity(), trace::kind::tcp_rto)
        .f("conn", id_)
        .f("rto_ms", stack_.clock().duration(rto_).ns() / 1'000'000)
        .f("backoff", backoff_);
}

Jiffies TcpConn::now_jiffies() const { return stack_.clock().jiffies(stack_.sim().now()); }

sim::Duration TcpConn::rto() const { return stack_.clock().duration(rto_); }

void TcpConn::handshake_rtt(sim::Time now) {
    // The handshake's RTT sample, from the SYN (or SYN+ACK) send. Karn: no sample after a
    // retry; then tcp_init_metrics() falls back to a 3 s RTO (TCP_TIMEOUT_FALLBACK).
    if (syn_tries_ == 0) {
        update_min_rtt(static_cast<uint32_t>((now - retrans_stamp_).ns() / 1000));
        rtt_sample(now - retrans_stamp_);
    } else {
        rto_ = stack_.clock().from_duration(sim::s(3));
    }
    retrans_stamp_ = sim::Time{};
}

bool TcpConn::sequence_ordered() const { return !seq_lt(snd_nxt_, snd_una_) && !seq_lt(snd_max_, snd_nxt_); }

TcpInfo TcpConn::info() const {
    TcpInfo i;
    const KernelClock& clk = stack_.clock();
    i.rto_us = static_cast<uint32_t>(clk.duration(rto_).ns() / 1000);
    i.ato_us = static_cast<uint32_t>(clk.duration(ato_).ns() / 1000);
    i.rtt_us = srtt_us_ >> 3;
    i.rttvar_us = mdev_us_ >> 2;
    i.cwnd = cwnd_;
    i.ca = ca_;
    i.ssthresh = ssthresh_ == UINT32_MAX ? 0x7fffffff : ssthresh_;
    i.backoff = backoff_;
    i.retransmits = backoff_;
    i.total_retrans = retransmissions_;
    i.retrans_out = retrans_out_;
    i.unacked = packets_out_;
    i.min_rtt_us = min_rtt_us_ == UINT32_MAX ? 0 : min_rtt_us_;
    i.lost_out = lost_out_;
    i.sacked_out = sacked_out_;
    i.reordering =
        loss_ != 0 ? stack_.losses_[loss_].reordering : static_cast<uint32_t>(stack_.sysctl().tcp_reordering);
    i.snd_wscale = snd_wscale_;
    i.rcv_wscale = rcv_wscale_;
    i.wscale_ok = wscale_ok_;
    i.sack_ok = sack_ok_;
    i.snd_wnd = snd_wnd_;
    i.rcv_wnd = rcv_wnd_;
    i.rcv_ssthresh = rcv_ssthresh_;
    i.rcv_space = rcvq_space_;
    i.rcv_rtt_us = rcv_rtt_us_ >> 3;
    i.sndbuf = sndbuf_;
    i.rcvbuf = rcvbuf_;
    i.ca_state = to_string(static_cast<CaState>(ca_state()));
    i.rcv_mss = rcv_mss_;
    // Bytes written and not acknowledged (not the SYN: a connection still opening shows 0).
    const uint32_t first_byte = iss_ + 1;
    i.send_queue = seq_lt(snd_una_, first_byte) ? app_end_ - first_byte : app_end_ - snd_una_;
    const sim::Time now = stack_.sim().now();
    i.since_send = now - last_send_;
    i.since_receive = now - last_heard_;
    return i;
}

// ---- opening and closing -------------------------------------------------------------------

void TcpConn::active_open() {
    iss_ = static_cast<uint32_t>(stack_.rng_.next());
    snd_una_ = iss_;
    snd_nxt_ = iss_ + 1;
    snd_max_ = snd_sml_ = snd_nxt_;
    app_end_ = snd_nxt_;
    apply(TcpEvent::AppConnect);
    ++stack_.counters_.active_opens;
    syn_tries_ = 0;
    retrans_stamp_ = stack_.sim().now();  // tcp_connect(): the SYN starts tcp_syn_retries' clock
    init_windows_active();
    emit(flag::kSyn, iss_);
    if (!route_.valid()) {
        // Nobody owns the address: the SYN waits for ARP (mcast_solicit 3, 1 s apart), which
        // fails; the local ICMP host unreachable ends connect() with EHOSTUNREACH.
        arm_rtx(TimerMode::NoNeighbour, stack_.clock().from_duration(sim::s(3)));
        return;
    }
    arm_rtx(TimerMode::Syn, rto_);  // TCP_TIMEOUT_INIT
}

void TcpConn::passive_open(const Packet& syn, Listener* parent) {
    parent_ = parent;
    state_ = TcpState::Listen;  // the child is born from the listener's state
    stack_.on_state_change(TcpState::Closed, TcpState::Listen);
    rcv_nxt_ = syn.seq + 1;
    iss_ = static_cast<uint32_t>(stack_.rng_.next());
    snd_una_ = iss_;
    snd_nxt_ = iss_ + 1;
    snd_max_ = snd_sml_ = snd_nxt_;
    app_end_ = snd_nxt_;
    apply(TcpEvent::RecvSyn);
    ++stack_.counters_.passive_opens;
    syn_tries_ = 0;
    retrans_stamp_ = stack_.sim().now();
    init_windows_passive(net::SynOptions::unpack(syn.msg));
    emit(flag::kSyn | flag::kAck, iss_);
    arm_rtx(TimerMode::SynAck, stack_.clock().from_duration(sim::s(1)));  // req->timeout
}

void TcpConn::accepted(TcpApp* app, uint64_t tag) {
    in_accept_queue_ = false;
    parent_ = nullptr;
    app_ = app;
    app_tag_ = tag;
    // What arrived while the connection waited in the accept queue.
    if (extras_ == 0) return;
    ConnExtras& x = extras();
    const bool had = x.held_count > 0;
    const net::AppMessage m = x.held;
    const bool eof = x.held_eof;
    x.held_count = 0;
    x.held_eof = false;
    if (had && app_ == app) {
        app->on_bytes(*this, m.bytes);
        app->on_message(*this, m);
    }
    if (eof && app_ == app && state_ != TcpState::Closed) app->on_eof(*this);
}

void TcpConn::queue_fin() {
    // tcp_close_state(): a synchronized connection sends its FIN after the queued data.
    fin_queued_ = true;
    switch (state_) {
        case TcpState::SynReceived:
        case TcpState::Established:
        case TcpState::CloseWait:
            apply(TcpEvent::AppClose);
            output();
            return;
        default: return;
    }
}

void TcpConn::shutdown_write() {
    if (fin_queued_ || app_closed_) return;
    queue_fin();
}

void TcpConn::close() {
    if (app_closed_) return;
    app_closed_ = true;
    app_ = nullptr;
    if (fin_queued_) {
        // Already half-closed: the FIN is on its way; orphaned from now on.
        if (state_ == TcpState::FinWait2) enter_fin_wait2_timer();
        return;
    }
    if (state_ == TcpState::SynSent) {
        fin_queued_ = true;
        apply(TcpEvent::AppClose);
        enter_closed();
        return;
    }
    queue_fin();
}

void TcpConn::set_keepalive(bool on) {
    keepalive_ = on;
    if (!on) {
        if (timer_mode_ == TimerMode::Keepalive) {
            clear_rtx();
            timer_mode_ = TimerMode::None;
        }
        return;
    }
    keepalive_probes_ = 0;
    // tcp_set_keepalive(): armed now; a connection still opening is armed when it is
    // established (tcp_finish_connect()).
    if (state_ != TcpState::SynSent && state_ != TcpState::Closed) {
        extras().keepalive_deadline = stack_.clock().fire_time(
            stack_.sim().now(), stack_.clock().from_duration(sim::s(stack_.sysctl().tcp_keepalive_time)));
        arm_keepalive_if_idle();
    }
}

void TcpConn::abort() {
    app_closed_ = true;
    app_ = nullptr;
    if (state_ == TcpState::Closed) return;
    const bool synchronized = state_ != TcpState::SynSent && state_ != TcpState::TimeWait;
    if (synchronized) emit(flag::kRst | flag::kAck, snd_nxt_);
    apply(TcpEvent::AppAbort);
    enter_closed();
}

}  // namespace lvs::tcp
