#include "models/tcp/tcp_conn.hpp"

#include <algorithm>

#include "models/tcp/tcp_stack.hpp"

namespace lvs::tcp {

using net::Packet;
namespace flag = net::tcpflag;

namespace {
// Sequence-space comparisons with 32-bit wrap-around.
constexpr bool seq_lt(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0; }
constexpr bool seq_le(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) <= 0; }
constexpr bool seq_gt(uint32_t a, uint32_t b) { return seq_lt(b, a); }
constexpr bool seq_ge(uint32_t a, uint32_t b) { return seq_le(b, a); }
}  // namespace

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
      cwnd_(stack.profile().initial_cwnd),
      rto_(stack.clock().from_duration(sim::s(1))),  // TCP_TIMEOUT_INIT
      rtx_timer_(stack.sim(), [this] { on_rtx_timer(); }),
      delack_timer_(stack.sim(), [this] { on_delack_timer(); }) {}

// ---- state changes ---------------------------------------------------------------------------

void TcpConn::set_state(TcpState to, TcpEvent why) {
    const TcpState from = state_;
    state_ = to;
    stack_.on_state_change(from, to);
    LVS_TRACE(stack_.sim(), stack_.entity(), "tcp.state")
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
    rtx_timer_.disarm();
    delack_timer_.disarm();
    timer_mode_ = TimerMode::None;
    release_all_messages();
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
    LVS_TRACE(stack_.sim(), stack_.entity(), "tcp.error")
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
    delack_timer_.disarm();
    ack_timer_ = false;
    time_wait_since_ = stack_.sim().now();
    // tcp_time_wait(): no TIME_WAIT socket beyond tcp_max_tw_buckets (TCPTimeWaitOverflow):
    // the connection just closes.
    if (static_cast<int64_t>(stack_.count(TcpState::TimeWait)) > stack_.sysctl().tcp_max_tw_buckets) {
        ++stack_.counters_.time_wait_overflow;
        LVS_TRACE(stack_.sim(), stack_.entity(), "tcp.tw-overflow")
            .f("conn", id_)
            .f("remote", tuple_.remote.str());
        apply(TcpEvent::Timeout);
        enter_closed();
        return;
    }
    arm_rtx(TimerMode::TimeWait, stack_.clock().from_duration(sim::s(60)));  // TCP_TIMEWAIT_LEN
}

void TcpConn::count_retransmit() {
    ++retransmissions_;
    ++stack_.counters_.retransmits;
    stack_.counters_.retransmit_at.note(stack_.sim().now());
}

void TcpConn::trace_window(uint32_t old_cwnd) {
    if (old_cwnd == cwnd_) return;
    LVS_TRACE(stack_.sim(), stack_.entity(), "tcp.cwnd")
        .f("conn", id_)
        .f("cwnd", cwnd_)
        .f("ssthresh", ssthresh_ == UINT32_MAX ? int64_t{-1} : int64_t{ssthresh_});
}

void TcpConn::trace_rto(Jiffies old_rto, uint8_t old_backoff) {
    if (old_rto == rto_ && old_backoff == backoff_) return;
    LVS_TRACE(stack_.sim(), stack_.entity(), "tcp.rto")
        .f("conn", id_)
        .f("rto_ms", stack_.clock().duration(rto_).ns() / 1'000'000)
        .f("backoff", backoff_);
}

Jiffies TcpConn::now_jiffies() const { return stack_.clock().jiffies(stack_.sim().now()); }

sim::Duration TcpConn::rto() const { return stack_.clock().duration(rto_); }

TcpInfo TcpConn::info() const {
    TcpInfo i;
    const KernelClock& clk = stack_.clock();
    i.rto_us = static_cast<uint32_t>(clk.duration(rto_).ns() / 1000);
    i.ato_us = static_cast<uint32_t>(clk.duration(ato_).ns() / 1000);
    i.rtt_us = srtt_us_ >> 3;
    i.rttvar_us = mdev_us_ >> 2;
    i.cwnd = cwnd_;
    i.ssthresh = ssthresh_ == UINT32_MAX ? 0x7fffffff : ssthresh_;
    i.backoff = backoff_;
    i.retransmits = retransmitting_ ? backoff_ : 0;
    i.total_retrans = retransmissions_;
    i.rcv_mss = rcv_mss_;
    // Bytes written and not acknowledged (not the SYN: a connection still opening shows 0).
    const uint32_t first_byte = iss_ + 1;
    i.send_queue = seq_lt(snd_una_, first_byte) ? app_end_ - first_byte : app_end_ - snd_una_;
    const sim::Time now = stack_.sim().now();
    i.since_send = now - last_send_;
    i.since_receive = now - last_heard_;
    return i;
}

// ---- sending ---------------------------------------------------------------------------------

void TcpConn::emit(uint8_t flags, uint32_t seq, uint32_t len, uint8_t segs, uint32_t msg) {
    Packet p;
    p.saddr = tuple_.local.addr.value();
    p.daddr = tuple_.remote.addr.value();
    p.sport = tuple_.local.port;
    p.dport = tuple_.remote.port;
    p.seq = seq;
    p.ack = (flags & flag::kAck) ? rcv_nxt_ : 0;
    p.len = len;
    p.flags = flags;
    p.segs = segs;
    p.msg = msg;
    TcpCounters& k = stack_.counters_;
    const sim::Time now = stack_.sim().now();
    if (ack_now_deferred_ && (flags & flag::kAck) && !(flags & (flag::kRst | flag::kSyn)) &&
        (len > 0 || (flags & flag::kFin))) {
        // The held ACK goes first, as its own frame of this train.
        ack_now_deferred_ = false;
        if (ack_sched_) {
            p.aux |= Packet::kLeadAck;
            ++k.sent.pure_ack;
            k.pure_ack_at.note(now);
        }
    }
    if (flags & flag::kRst) {
        ++k.resets_sent;
        ++k.sent.rst;
        k.rst_at.note(now);
    } else if (flags & flag::kSyn) {
        if (flags & flag::kAck) ++k.sent.synack, k.synack_at.note(now);
        else ++k.sent.syn, k.syn_at.note(now);
    } else {
        if (len > 0) k.sent.data += segs, k.data_at.note(now);
        if (flags & flag::kFin) ++k.sent.fin, k.fin_at.note(now);
        if (len == 0 && !(flags & flag::kFin)) ++k.sent.pure_ack, k.pure_ack_at.note(now);
    }
    if ((flags & flag::kAck) && !(flags & flag::kRst)) ack_sent();
    if (len > 0) data_sent();
    stack_.transmit(route_, p);
}

void TcpConn::send_ack() { emit(flag::kAck, snd_nxt_); }

void TcpConn::arm_rtx(TimerMode mode, Jiffies timeout) {
    timer_mode_ = mode;
    stack_.arm_kernel_timer(rtx_timer_, timeout);
}

void TcpConn::output() {
    const bool may_send =
        state_ == TcpState::Established || state_ == TcpState::CloseWait ||
        ((state_ == TcpState::FinWait1 || state_ == TcpState::LastAck || state_ == TcpState::Closing) &&
         fin_queued_);
    if (!may_send) return;
    const sim::Time now = stack_.sim().now();
    bool sent = false;
    bool window_full = false;
    while (seq_lt(snd_nxt_, app_end_)) {
        const uint32_t inflight = segments_in_flight();
        if (inflight >= cwnd_) {
            window_full = true;
            break;
        }
        const uint32_t room = std::min(cwnd_ - inflight, net::kMaxTrainSegs) * net::kMss;
        // A train never runs past a message boundary, so the message id rides on its end.
        uint32_t end = app_end_;
        uint32_t msg = 0;
        for (uint8_t i = 0; i < out_count_; ++i) {
            const OutMsg& m = out_[(out_head_ + i) % kMaxOut];
            if (seq_gt(m.end, snd_nxt_)) {
                end = m.end;
                msg = m.id;
                break;
            }
        }
        uint32_t len = end - snd_nxt_;
        if (len > room) {
            len = room;
            msg = 0;
        }
        // tcp_nagle_check(): a small segment waits while earlier data is unacknowledged.
        if (nagle_ && len < net::kMss && snd_una_ != snd_nxt_ && !fin_queued_) break;
        uint8_t flags = flag::kAck | flag::kPsh;
        const bool with_fin = fin_queued_ && snd_nxt_ + len == app_end_;
        if (with_fin) flags |= flag::kFin;
        const auto segs = static_cast<uint8_t>((len + net::kMss - 1) / net::kMss);
        if (snd_una_ == snd_max_) first_unacked_send_ = now;
        if (!rtt_timing_ && !retransmitting_) {
            rtt_timing_ = true;
            rtt_seq_ = snd_nxt_ + len;
            rtt_start_ = now;
        }
        if (retransmitting_) count_retransmit();
        emit(flags, snd_nxt_, len, segs, msg);
        snd_nxt_ += len;
        if (with_fin) {
            fin_sent_ = true;
            fin_seq_ = snd_nxt_;
            snd_nxt_ += 1;
        }
        if (seq_gt(snd_nxt_, snd_max_)) snd_max_ = snd_nxt_;
        last_send_ = now;
        sent = true;
    }
    if (fin_queued_ && !fin_sent_ && snd_nxt_ == app_end_ && state_ != TcpState::Established &&
        state_ != TcpState::CloseWait) {
        send_fin();
        sent = true;
    }
    // tcp_write_xmit(): is_cwnd_limited when the window is full after sending.
    window_full = window_full || segments_in_flight() >= cwnd_;
    if (sent || window_full) validate_cwnd(window_full);
    if (sent && timer_mode_ != TimerMode::Rto && timer_mode_ != TimerMode::Probe)
        schedule_loss_probe_or_rto();
}

void TcpConn::validate_cwnd(bool window_full) {
    // tcp_cwnd_validate(): remember, once per window of data, whether the window was full or
    // else the most segments that were ever out at once.
    const uint32_t packets_out = segments_in_flight();
    if (!seq_lt(snd_una_, cwnd_usage_seq_) || window_full ||
        (!is_cwnd_limited_ && packets_out > max_packets_out_)) {
        is_cwnd_limited_ = window_full;
        max_packets_out_ = static_cast<uint16_t>(std::min<uint32_t>(packets_out, UINT16_MAX));
        cwnd_usage_seq_ = snd_nxt_;
    }
}

bool TcpConn::cwnd_limited() const {
    // tcp_is_cwnd_limited() (include/net/tcp.h): in slow start cwnd may grow to twice what
    // was out at most; after that only a full window counts. A keep-alive connection carrying
    // one small request per round therefore keeps its initial window, as ss shows on Linux.
    if (is_cwnd_limited_) return true;
    if (cwnd_ < ssthresh_) return cwnd_ < 2 * max_packets_out_;
    return false;
}

void TcpConn::schedule_loss_probe_or_rto() {
    // tcp_schedule_loss_probe(): with an RTT known, a probe after 2*SRTT plus tcp_rto_min
    // (one segment out) or TCP_TIMEOUT_MIN (2 ms), never later than the RTO would fire.
    const TcpSysctls& sys = stack_.sysctl();
    const bool tlp = sys.tcp_early_retrans == 3 || sys.tcp_early_retrans == 4;
    if (tlp && srtt_us_ != 0 && !probe_sent_) {
        const int64_t t_us = (srtt_us_ >> 2) + (segments_in_flight() <= 1 ? sys.tcp_rto_min_us : 2000);
        arm_rtx(TimerMode::Probe, std::min(stack_.clock().from_us(t_us), rto_));
    } else {
        arm_rtx(TimerMode::Rto, rto_);
    }
}

void TcpConn::send_fin() {
    if (snd_una_ == snd_max_) first_unacked_send_ = stack_.sim().now();
    emit(flag::kFin | flag::kAck, app_end_);
    fin_sent_ = true;
    fin_seq_ = app_end_;
    snd_nxt_ = app_end_ + 1;
    if (seq_gt(snd_nxt_, snd_max_)) snd_max_ = snd_nxt_;
    last_send_ = stack_.sim().now();
}

SocketError TcpConn::send(const net::AppMessage& m) {
    if (reset_seen_ || state_ == TcpState::Closed) return SocketError::BrokenPipe;
    if (state_ != TcpState::Established && state_ != TcpState::CloseWait) return SocketError::NotConnected;
    if (out_count_ == kMaxOut) return SocketError::BrokenPipe;  // an HTTP/1.1 peer never gets here
    // tcp_slow_start_after_idle_check() (from tcp_skb_entail): nothing in flight, a congestion
    // control without its own cong_control (bbr has one), idle longer than the RTO ->
    // tcp_cwnd_restart(): halve once per RTO of idle beyond the first, down to the restart
    // window min(TCP_INIT_CWND, cwnd).
    const TcpSysctls& sys = stack_.sysctl();
    if (sys.tcp_slow_start_after_idle != 0 && sys.tcp_congestion_control != CongestionControl::Bbr &&
        snd_una_ == snd_max_ && last_send_ != sim::Time{}) {
        const KernelClock& clk = stack_.clock();
        int64_t delta = static_cast<int64_t>(now_jiffies() - clk.jiffies(last_send_));
        if (delta > static_cast<int64_t>(rto_)) {
            const uint32_t old_cwnd = cwnd_;
            const uint32_t restart = std::min(stack_.profile().initial_cwnd, cwnd_);
            while ((delta -= static_cast<int64_t>(rto_)) > 0 && cwnd_ > restart) cwnd_ >>= 1;
            cwnd_ = std::max(cwnd_, restart);
            trace_window(old_cwnd);
        }
    }
    app_end_ += m.bytes;
    const uint32_t id = stack_.network().messages().add(m);
    out_[(out_head_ + out_count_) % kMaxOut] = OutMsg{app_end_, id};
    ++out_count_;
    output();
    return SocketError::None;
}

void TcpConn::release_acked_messages() {
    while (out_count_ > 0 && seq_le(out_[out_head_].end, snd_una_)) {
        stack_.network().messages().release(out_[out_head_].id);
        out_head_ = static_cast<uint8_t>((out_head_ + 1) % kMaxOut);
        --out_count_;
    }
}

void TcpConn::release_all_messages() {
    while (out_count_ > 0) {
        stack_.network().messages().release(out_[out_head_].id);
        out_head_ = static_cast<uint8_t>((out_head_ + 1) % kMaxOut);
        --out_count_;
    }
}

// ---- opening and closing -------------------------------------------------------------------

void TcpConn::active_open() {
    iss_ = static_cast<uint32_t>(stack_.rng_.next());
    snd_una_ = iss_;
    snd_nxt_ = iss_ + 1;
    snd_max_ = snd_nxt_;
    app_end_ = snd_nxt_;
    apply(TcpEvent::AppConnect);
    ++stack_.counters_.active_opens;
    syn_tries_ = 0;
    first_unacked_send_ = stack_.sim().now();
    rtt_start_ = stack_.sim().now();
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
    snd_max_ = snd_nxt_;
    app_end_ = snd_nxt_;
    apply(TcpEvent::RecvSyn);
    ++stack_.counters_.passive_opens;
    syn_tries_ = 0;
    rtt_start_ = stack_.sim().now();
    emit(flag::kSyn | flag::kAck, iss_);
    arm_rtx(TimerMode::SynAck, stack_.clock().from_duration(sim::s(1)));  // req->timeout
}

void TcpConn::accepted(TcpApp* app, uint64_t tag) {
    in_accept_queue_ = false;
    parent_ = nullptr;
    app_ = app;
    app_tag_ = tag;
    // What arrived while the connection waited in the accept queue.
    for (uint8_t i = 0; i < held_count_ && app_ == app; ++i) {
        app->on_bytes(*this, held_[i].bytes);
        app->on_message(*this, held_[i]);
    }
    held_count_ = 0;
    if (held_eof_ && app_ == app && state_ != TcpState::Closed) {
        held_eof_ = false;
        app->on_eof(*this);
    }
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
            rtx_timer_.disarm();
            timer_mode_ = TimerMode::None;
        }
        return;
    }
    keepalive_probes_ = 0;
    // tcp_set_keepalive(): armed now; a connection still opening is armed when it is
    // established (tcp_finish_connect()).
    if (state_ != TcpState::SynSent && state_ != TcpState::Closed) {
        keepalive_deadline_ = stack_.clock().fire_time(
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

// ---- receiving -------------------------------------------------------------------------------

void TcpConn::on_icmp_unreachable() {
    if (state_ == TcpState::SynSent) fail(SocketError::Refused, TcpEvent::RecvRst);
}

void TcpConn::on_segment(const Packet& p) {
    const sim::Time now = stack_.sim().now();
    note_peer_heard();
    if (state_ == TcpState::TimeWait) {
        if (p.rst()) {
            apply(TcpEvent::RecvRst);
            enter_closed();
        } else if (p.fin()) {
            apply(TcpEvent::RecvFin);  // a retransmitted FIN: ACK again, restart the 60 s
            send_ack();
            enter_time_wait();
        } else if (p.len > 0 || p.syn()) {
            send_ack();
        }
        return;
    }
    if (p.rst()) {
        ++stack_.counters_.resets_received;
        if (state_ == TcpState::SynSent) {
            if (p.ackf() && p.ack == iss_ + 1) fail(SocketError::Refused, TcpEvent::RecvRst);
            return;
        }
        if (state_ == TcpState::SynReceived) {
            apply(TcpEvent::RecvRst);
            enter_closed();
            return;
        }
        reset_seen_ = true;
        // tcp_reset(): ECONNRESET, but EPIPE in CLOSE_WAIT (the peer's FIN came first, so the
        // application reads EOF before any error: observed, experiment 6).
        fail(state_ == TcpState::CloseWait ? SocketError::BrokenPipe : SocketError::Reset, TcpEvent::RecvRst);
        return;
    }
    switch (state_) {
        case TcpState::SynSent:
            if (p.syn() && p.ackf()) {
                if (p.ack != iss_ + 1) {
                    emit(flag::kRst, p.ack);
                    return;
                }
                rcv_nxt_ = p.seq + 1;
                snd_una_ = p.ack;
                // Karn: no sample after a retry; then tcp_init_metrics() falls back to a
                // 3 s RTO (TCP_TIMEOUT_FALLBACK).
                if (syn_tries_ == 0) rtt_sample(now - rtt_start_);
                else rto_ = stack_.clock().from_duration(sim::s(3));
                apply(TcpEvent::RecvSynAck);
                rtx_timer_.disarm();
                timer_mode_ = TimerMode::None;
                send_ack();  // tcp_rcv_synsent_state_process(): the handshake's ACK goes at once
                last_send_ = now;
                if (app_ != nullptr) app_->on_connected(*this);
                if (state_ == TcpState::Established) output();
                if (keepalive_) {
                    keepalive_deadline_ = stack_.clock().fire_time(
                        now, stack_.clock().from_duration(sim::s(stack_.sysctl().tcp_keepalive_time)));
                    arm_keepalive_if_idle();
                }
            } else if (p.syn()) {
                rcv_nxt_ = p.seq + 1;  // simultaneous open
                apply(TcpEvent::RecvSyn);
                emit(flag::kSyn | flag::kAck, iss_);
                syn_tries_ = 0;
                arm_rtx(TimerMode::SynAck, stack_.clock().from_duration(sim::s(1)));
            }
            return;
        case TcpState::SynReceived:
            if (p.syn() && !p.ackf()) {
                emit(flag::kSyn | flag::kAck, iss_);  // our SYN+ACK was lost: answer again
                return;
            }
            if (!p.ackf() || p.ack != iss_ + 1) return;
            if (parent_ != nullptr) {
                Listener& l = *parent_;
                const uint32_t limit = std::min(l.backlog_, static_cast<uint32_t>(stack_.sysctl().somaxconn));
                if (l.queue_.size() >= limit) {
                    // Accept queue full: Linux ignores the ACK (the request stays half-open and
                    // the SYN+ACK is retransmitted) unless tcp_abort_on_overflow is set.
                    ++l.overflows_;
                    ++stack_.counters_.listen_overflows;
                    if (stack_.sysctl().tcp_abort_on_overflow != 0) abort();
                    return;
                }
            }
            snd_una_ = p.ack;
            if (syn_tries_ == 0) rtt_sample(now - rtt_start_);
            else rto_ = stack_.clock().from_duration(sim::s(3));
            rtx_timer_.disarm();
            timer_mode_ = TimerMode::None;
            last_send_ = now;
            apply(TcpEvent::RecvAck);
            if (parent_ != nullptr) {
                in_accept_queue_ = true;
                parent_->queue_.push_back(this);
                if (parent_->app_ != nullptr) parent_->app_->on_acceptable(*parent_);
            } else if (app_ != nullptr) {
                app_->on_connected(*this);
            }
            if (state_ == TcpState::Closed) return;
            if (p.len > 0 || p.fin()) process_data_and_fin(p);
            return;
        default: break;
    }
    if (p.syn()) {
        send_ack();  // an old or duplicate SYN on a synchronized connection: challenge ACK
        return;
    }
    if (p.ackf()) {
        process_ack(p);
        if (state_ == TcpState::Closed) return;
    }
    if (p.len > 0 || p.fin()) {
        process_data_and_fin(p);
    } else if (seq_lt(p.seq, rcv_nxt_)) {
        // An old sequence number without data (a keep-alive probe: snd_una - 1):
        // tcp_validate_incoming() answers it with a duplicate ACK.
        send_ack();
    }
}

void TcpConn::process_ack(const Packet& p) {
    if (seq_gt(p.ack, snd_max_) || !seq_gt(p.ack, snd_una_)) return;  // nothing new (or bogus)
    const uint32_t acked = p.ack - snd_una_;
    snd_una_ = p.ack;
    if (seq_lt(snd_nxt_, snd_una_)) snd_nxt_ = snd_una_;
    const sim::Time now = stack_.sim().now();
    if (rtt_timing_ && seq_ge(p.ack, rtt_seq_)) {
        rtt_timing_ = false;
        rtt_sample(now - rtt_start_);
    }
    const uint32_t old_cwnd = cwnd_;
    const Jiffies old_rto = rto_;
    const uint8_t old_backoff = backoff_;
    // With timestamps Linux samples even retransmitted data; here the RTO at least returns
    // from its backoff to what SRTT and RTTVAR give (tcp_set_rto()).
    if (backoff_ > 0 && srtt_us_ != 0)
        rto_ = std::min(stack_.clock().from_us((srtt_us_ >> 3) + rttvar_us_),
                        stack_.clock().from_ms(stack_.sysctl().tcp_rto_max_ms));
    const uint32_t acked_segs = (acked + net::kMss - 1) / net::kMss;
    if (cwnd_limited()) {
        if (cwnd_ < ssthresh_) {  // slow start
            cwnd_ += acked_segs;
            // One ACK train stands for several ACKs, and Linux checks the limit at each: a
            // sender that was not window-limited stops at twice what it had out.
            if (!is_cwnd_limited_) cwnd_ = std::min<uint32_t>(cwnd_, 2u * max_packets_out_);
        } else {
            cwnd_ += 1;  // one segment per acknowledged train
        }
        cwnd_ = std::min<uint32_t>(cwnd_, 65535);
    }
    backoff_ = 0;
    trace_window(old_cwnd);
    trace_rto(old_rto, old_backoff);
    retransmitting_ = false;
    probe_sent_ = false;
    keepalive_probes_ = 0;
    first_unacked_send_ = now;
    release_acked_messages();
    const bool fin_acked = fin_sent_ && seq_gt(snd_una_, fin_seq_);
    if (fin_acked) {
        switch (state_) {
            case TcpState::FinWait1:
                if (!p.fin()) {
                    apply(TcpEvent::RecvAck);
                    // Only an orphan waits with a timeout (tcp_fin_timeout); a half-closed
                    // socket its application still holds waits for the peer's FIN for ever.
                    if (app_closed_) enter_fin_wait2_timer();
                    return;
                }
                break;  // FIN+ACK of our FIN: handled with the FIN (straight to TIME_WAIT)
            case TcpState::Closing:
                apply(TcpEvent::RecvAck);
                enter_time_wait();
                return;
            case TcpState::LastAck:
                apply(TcpEvent::RecvAck);
                enter_closed();
                return;
            default: break;
        }
    }
    if (snd_una_ == snd_max_) {
        if (timer_mode_ == TimerMode::Rto || timer_mode_ == TimerMode::Probe) {
            rtx_timer_.disarm();
            timer_mode_ = TimerMode::None;
        }
    } else {
        arm_rtx(TimerMode::Rto, rto_);
    }
    output();
    arm_keepalive_if_idle();
}

void TcpConn::process_data_and_fin(const Packet& p) {
    // As in tcp_rcv_established(): the data is queued and the ACK decided (a quick ACK goes out
    // now) before the application reads anything; what it answers then carries a delayed ACK.
    bool data = false;
    if (p.len > 0) {
        // Data for a socket the application has closed: Linux resets (RFC 1122 MUST).
        if (app_closed_ && (state_ == TcpState::FinWait1 || state_ == TcpState::FinWait2 ||
                            state_ == TcpState::Closing || state_ == TcpState::LastAck)) {
            if (seq_gt(p.seq + p.len, rcv_nxt_)) {
                emit(flag::kRst, p.ack);
                set_state(TcpState::Closed, TcpEvent::RecvRst);
                enter_closed();
                return;
            }
        }
        if (p.seq != rcv_nxt_) {
            // tcp_data_queue(): an old segment re-enters quick-ACK mode and is ACKed at once
            // (with D-SACK); one beyond rcv_nxt is ACKed at once as a duplicate (go-back-N).
            if (seq_lt(p.seq, rcv_nxt_)) enter_quickack_mode();
            send_ack();
            return;
        }
        rcv_nxt_ += p.len;
        data_received(p.len, p.segs);
        data = true;
    }
    bool eof = false;
    if (p.fin()) {
        const uint32_t fin_at = p.seq + p.len;
        if (fin_at == rcv_nxt_ && !peer_fin_) {
            rcv_nxt_ += 1;
            peer_fin_ = true;
            ack_sched_ = true;
            eof = true;
            // tcp_fin(): ESTABLISHED (or SYN_RECV) goes to CLOSE_WAIT in pingpong mode, so the
            // FIN's ACK is delayed and usually rides on the application's own FIN; in
            // FIN_WAIT_1/2 it is sent at once. Only in FIN_WAIT_1 can this FIN be what
            // acknowledges ours (then straight to TIME_WAIT).
            const bool ours_acked = state_ == TcpState::FinWait1 && fin_sent_ && seq_gt(snd_una_, fin_seq_);
            const bool was_open = state_ == TcpState::Established || state_ == TcpState::SynReceived;
            apply(ours_acked ? TcpEvent::RecvFinAck : TcpEvent::RecvFin);
            if (was_open) fin_received_pingpong();
            else send_ack();
            if (state_ == TcpState::TimeWait) {
                enter_time_wait();
                return;
            }
        } else if (peer_fin_ && fin_at + 1 == rcv_nxt_) {
            enter_quickack_mode();
            send_ack();  // a retransmitted FIN (our ACK was lost): old data, ACKed at once
            return;
        }
    }
    const bool app_reads = data && app_ != nullptr && !in_accept_queue_;
    ack_check(app_reads);
    if (data && (app_ != nullptr || in_accept_queue_)) {
        const net::AppMessage* m = p.msg != 0 ? &stack_.network().messages().get(p.msg) : nullptr;
        if (in_accept_queue_ || app_ == nullptr) {
            if (m != nullptr && held_count_ < held_.size()) held_[held_count_++] = *m;
        } else {
            app_->on_bytes(*this, p.len);
            if (m != nullptr && app_ != nullptr) app_->on_message(*this, *m);
        }
        if (state_ == TcpState::Closed) return;
    }
    if (ack_now_deferred_) {
        ack_now_deferred_ = false;
        if (ack_sched_) send_ack();  // the application sent nothing: the ACK goes alone
    }
    if (eof) {
        if (app_ != nullptr) app_->on_eof(*this);
        else if (in_accept_queue_) held_eof_ = true;
    }
}

}  // namespace lvs::tcp
