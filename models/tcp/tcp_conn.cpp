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

// ---- sending ---------------------------------------------------------------------------------

void TcpConn::emit(uint8_t flags, uint32_t seq, uint32_t len, uint8_t segs, uint32_t msg, sim::Time depart) {
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
    if (flags & flag::kSyn) {
        // The window of a SYN or SYN+ACK is never scaled; its options say what this side does.
        p.win = static_cast<uint16_t>(std::min<uint32_t>(rcv_wnd_, 65535));
        net::SynOptions o;
        o.mss = static_cast<uint16_t>(net::kMss);
        o.has_wscale = wscale_ok_;
        o.wscale = rcv_wscale_;
        o.sack_ok = sack_ok_;
        p.msg = o.pack();
    } else if (!(flags & flag::kRst) && (flags & flag::kAck)) {
        p.win = select_window();
        if (loss_ != 0 && sack_ok_) {
            // SACK blocks (tcp_established_options()): the D-SACK first, then the most recent;
            // four at most without timestamps.
            LossState& ls = stack_.losses_[loss_];
            if (ls.dsack || ls.num_sacks > 0) {
                net::SackInfo info;
                info.msg = msg;
                if (ls.dsack) {
                    info.blocks[info.count++] = ls.duplicate_sack;
                    info.dsack = true;
                    ls.dsack = false;
                }
                for (uint8_t k = 0; k < ls.num_sacks && info.count < info.blocks.size(); ++k)
                    info.blocks[info.count++] = ls.selective_acks[k];
                p.msg = stack_.network().sacks().add(info);
                p.aux |= Packet::kSack;
            }
        }
    }
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
    stack_.transmit(route_, p, depart);
}

void TcpConn::send_ack() { emit(flag::kAck, snd_nxt_); }

void TcpConn::arm_rtx(TimerMode mode, Jiffies timeout) {
    timer_mode_ = mode;
    set_rtx_at(stack_.kernel_fire_time(timeout));
}

void TcpConn::output(bool window_probe) {
    const bool may_send =
        state_ == TcpState::Established || state_ == TcpState::CloseWait ||
        ((state_ == TcpState::FinWait1 || state_ == TcpState::LastAck || state_ == TcpState::Closing) &&
         fin_queued_);
    if (!may_send) return;
    // tcp_write_xmit().
    const sim::Time now = stack_.sim().now();
    const uint32_t limit = send_limit();
    const auto state = static_cast<CaState>(ca_state());
    const bool reducing = state == CaState::Cwr || state == CaState::Recovery;
    bool sent = false;
    bool window_full = false;
    bool rearm = false;  // tcp_event_new_data_sent(): the RTO starts with the first segment out
    while (seq_lt(snd_nxt_, app_end_)) {
        const uint32_t inflight = packets_in_flight();
        if (inflight >= cwnd_) {
            window_full = true;
            break;
        }
        // A train is one TSO burst (tcp_tso_segs()): about 1 ms of the pacing rate.
        const uint32_t room = std::min({cwnd_ - inflight, net::kMaxTrainSegs, tso_segs()}) * net::kMss;
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
        // tcp_snd_wnd_test(): the first segment must fit in the peer's window (and the send
        // buffer); a longer train is cut to whole segments (tcp_mss_split_point()). A window
        // probe (tcp_write_wakeup()) sends what fits of one segment.
        if (window_probe) {
            if (!seq_lt(snd_nxt_, limit)) break;
            len = std::min({len, net::kMss, limit - snd_nxt_});
            if (len < end - snd_nxt_) msg = 0;
        } else {
            if (seq_gt(snd_nxt_ + std::min(len, net::kMss), limit)) break;
            if (seq_gt(snd_nxt_ + len, limit)) {
                len = (limit - snd_nxt_) / net::kMss * net::kMss;
                msg = 0;
            }
        }
        // tcp_nagle_check() with Minshall's change (tcp_minshall_check()): a small segment
        // waits while an earlier small segment is unacknowledged.
        if (nagle_ && len < net::kMss && packets_out_ != 0 && seq_gt(snd_sml_, snd_una_) &&
            !seq_gt(snd_sml_, snd_nxt_) && !fin_queued_)
            break;
        uint8_t flags = flag::kAck | flag::kPsh;
        const bool with_fin = fin_queued_ && snd_nxt_ + len == app_end_;
        if (with_fin) flags |= flag::kFin;
        const auto segs = static_cast<uint8_t>((len + net::kMss - 1) / net::kMss);
        const bool first = packets_out_ == 0;
        if (first) cc_tx_start();
        const sim::Time depart = paced() ? pace(len) : now;
        emit(flags, snd_nxt_, len, segs, msg, depart);
        const uint32_t chunk =
            rtx_append(stack_.chunks_, rtx_, snd_nxt_, snd_nxt_ + len + (with_fin ? 1 : 0), segs, depart);
        if (paced()) rate_skb_sent(stack_.chunks_[chunk], depart);
        packets_out_ += segs;
        if (reducing) loss().prr_out += segs;
        snd_nxt_ += len;
        if (len < uint32_t{segs} * net::kMss) snd_sml_ = snd_nxt_;  // tcp_minshall_update()
        if (with_fin) {
            fin_sent_ = true;
            fin_seq_ = snd_nxt_;
            snd_nxt_ += 1;
        }
        if (seq_gt(snd_nxt_, snd_max_)) snd_max_ = snd_nxt_;
        last_send_ = now;
        sent = true;
        rearm = rearm || first || timer_mode_ == TimerMode::Probe || window_probe;
        if (window_probe) break;
    }
    if (fin_queued_ && !fin_sent_ && snd_nxt_ == app_end_ && state_ != TcpState::Established &&
        state_ != TcpState::CloseWait) {
        rearm = rearm || packets_out_ == 0 || timer_mode_ == TimerMode::Probe;
        send_fin();
        sent = true;
    }
    // tcp_write_xmit(): is_cwnd_limited when the window is full after sending.
    window_full = window_full || packets_in_flight() >= cwnd_;
    if (sent || window_full) validate_cwnd(window_full);
    // Then the tail-loss probe replaces the RTO when it may (one timer arming for both).
    if (sent) {
        // tcp_write_wakeup()'s data goes out under the RTO (tcp_event_new_data_sent()), not a probe.
        if ((window_probe || !schedule_loss_probe(false)) && rearm) rearm_rto();
    } else if (packets_out_ == 0 && seq_lt(snd_nxt_, app_end_)) {
        check_probe_timer();
    }
}

void TcpConn::validate_cwnd(bool window_full) {
    // tcp_cwnd_validate(): remember, once per window of data, whether the window was full or
    // else the most segments that were ever out at once.
    const uint32_t packets_out = packets_in_flight();
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

void TcpConn::send_fin() {
    const sim::Time now = stack_.sim().now();
    const sim::Time depart = paced() ? pace(0) : now;
    emit(flag::kFin | flag::kAck, app_end_, 0, 1, 0, depart);
    fin_sent_ = true;
    fin_seq_ = app_end_;
    snd_nxt_ = app_end_ + 1;
    if (seq_gt(snd_nxt_, snd_max_)) snd_max_ = snd_nxt_;
    const uint32_t chunk = rtx_append(stack_.chunks_, rtx_, fin_seq_, fin_seq_ + 1, 1, depart);
    if (paced()) rate_skb_sent(stack_.chunks_[chunk], depart);
    ++packets_out_;
    last_send_ = now;
}

SocketError TcpConn::send(const net::AppMessage& m) {
    rate_check_app_limited();
    if (reset_seen_ || state_ == TcpState::Closed) return SocketError::BrokenPipe;
    if (state_ != TcpState::Established && state_ != TcpState::CloseWait) return SocketError::NotConnected;
    if (out_count_ == kMaxOut) return SocketError::BrokenPipe;  // an HTTP/1.1 peer never gets here
    // tcp_slow_start_after_idle_check() (from tcp_skb_entail): nothing in flight, a congestion
    // control without its own cong_control (bbr has one), idle longer than the RTO ->
    // tcp_cwnd_restart(): halve once per RTO of idle beyond the first, down to the restart
    // window min(TCP_INIT_CWND, cwnd).
    const TcpSysctls& sys = stack_.sysctl();
    if (sys.tcp_slow_start_after_idle != 0 && ca_ != CongestionControl::Bbr && snd_una_ == snd_max_ &&
        last_send_ != sim::Time{}) {
        const KernelClock& clk = stack_.clock();
        int64_t delta = static_cast<int64_t>(now_jiffies() - clk.jiffies(last_send_));
        if (delta > static_cast<int64_t>(rto_)) {
            const uint32_t old_cwnd = cwnd_;
            // tcp_cwnd_restart(): ssthresh keeps three quarters of the window it had.
            if (ca_state() != static_cast<uint8_t>(CaState::Cwr) &&
                ca_state() != static_cast<uint8_t>(CaState::Recovery))
                ssthresh_ = std::max(ssthresh_, (cwnd_ >> 1) + (cwnd_ >> 2));  // "infinite" stays
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
                peer_syn_options(net::SynOptions::unpack(p.msg), p.win);
                snd_wl1_ = p.seq;  // tcp_init_wl()
                handshake_rtt(now);
                apply(TcpEvent::RecvSynAck);
                clear_rtx();
                timer_mode_ = TimerMode::None;
                init_buffer_space();
                send_ack();  // tcp_rcv_synsent_state_process(): the handshake's ACK goes at once
                last_send_ = now;
                if (app_ != nullptr) app_->on_connected(*this);
                if (state_ == TcpState::Established) output();
                if (keepalive_) {
                    extras().keepalive_deadline = stack_.clock().fire_time(
                        now, stack_.clock().from_duration(sim::s(stack_.sysctl().tcp_keepalive_time)));
                    arm_keepalive_if_idle();
                }
            } else if (p.syn()) {
                rcv_nxt_ = p.seq + 1;  // simultaneous open
                init_windows_passive(net::SynOptions::unpack(p.msg));
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
            handshake_rtt(now);
            clear_rtx();
            timer_mode_ = TimerMode::None;
            last_send_ = now;
            // tcp_rcv_state_process(), TCP_SYN_RECV: buffers first, then the peer's window.
            init_buffer_space();
            snd_wnd_ = uint32_t{p.win} << snd_wscale_;
            snd_wl1_ = p.seq;
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

void TcpConn::receive_fin(bool& eof) {
    rcv_nxt_ += 1;
    peer_fin_ = true;
    ack_sched_ = true;
    eof = true;
    // tcp_fin(): ESTABLISHED (or SYN_RECV) goes to CLOSE_WAIT in pingpong mode, so the FIN's
    // ACK is delayed and usually rides on the application's own FIN; in FIN_WAIT_1/2 it is
    // sent at once. Only in FIN_WAIT_1 can this FIN be what acknowledges ours (then straight to
    // TIME_WAIT).
    const bool ours_acked = state_ == TcpState::FinWait1 && fin_sent_ && seq_gt(snd_una_, fin_seq_);
    const bool was_open = state_ == TcpState::Established || state_ == TcpState::SynReceived;
    apply(ours_acked ? TcpEvent::RecvFinAck : TcpEvent::RecvFin);
    if (was_open) fin_received_pingpong();
    else send_ack();
    if (state_ == TcpState::TimeWait) enter_time_wait();
}

void TcpConn::deliver_pending(uint32_t from) {
    // In-order data to the application (or held for it while it waits in the accept queue).
    auto& pending = stack_.deliver_scratch_;
    for (size_t k = from; k < pending.size(); ++k) {
        if (state_ == TcpState::Closed || (app_ == nullptr && !in_accept_queue_)) break;
        const TcpStack::Deliverable d = pending[k];
        const net::AppMessage* m = d.msg != 0 ? &stack_.network().messages().get(d.msg) : nullptr;
        if (in_accept_queue_ || app_ == nullptr) {
            if (m != nullptr && extras().held_count == 0) {
                extras().held = *m;
                extras().held_count = 1;
            }
        } else {
            app_->on_bytes(*this, d.bytes);
            if (m != nullptr && app_ != nullptr) app_->on_message(*this, *m);
        }
    }
    pending.resize(from);
    if (state_ != TcpState::Closed && !reads_on_demand_) rcv_space_adjust();  // read at once
}

void TcpConn::process_data_and_fin(const Packet& p) {
    // As in tcp_rcv_established(): the data is queued and the ACK decided (a quick ACK goes out
    // now) before the application reads anything; what it answers then carries a delayed ACK.
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
    }
    if (p.len == 0 && p.fin() && peer_fin_ && p.seq + 1 == rcv_nxt_) {
        enter_quickack_mode();
        send_ack();  // a retransmitted FIN (our ACK was lost): old data, ACKed at once
        return;
    }
    const uint32_t msg = p.has_sack() ? stack_.network().sacks().get(p.msg).msg : p.msg;
    auto& pending = stack_.deliver_scratch_;
    const auto from = static_cast<uint32_t>(pending.size());
    bool eof = false;
    const bool in_order = !has_ooo() && p.seq == rcv_nxt_ && (p.len == 0 || receive_window() > 0);
    if (!in_order) {
        // tcp_data_queue() segment by segment: out-of-order data, a filled hole, duplicates,
        // a closed window. Each segment gets the ACK Linux would give it.
        uint32_t bytes = 0;
        const uint32_t segs = p.len == 0 ? 1 : p.segs;
        for (uint32_t k = 0; k < segs; ++k) {
            const uint32_t off = k * net::kMss;
            const uint32_t len = p.len == 0 ? 0 : std::min(net::kMss, p.len - off);
            const bool last = k + 1 == segs;
            data_queue_segment(p.seq + off, len, last && p.fin(), last ? msg : 0, eof, bytes);
            if (state_ == TcpState::Closed || state_ == TcpState::TimeWait) {
                pending.resize(from);
                return;
            }
        }
        deliver_pending(from);
        if (eof && state_ != TcpState::Closed) {
            if (app_ != nullptr) app_->on_eof(*this);
            else if (in_accept_queue_) extras().held_eof = true;
        }
        return;
    }
    const bool data = p.len > 0;
    if (data) {
        rcv_nxt_ += p.len;
        data_received(p.len, p.segs);
        pending.push_back({p.len, msg});
    }
    if (p.fin()) {
        receive_fin(eof);
        if (state_ == TcpState::TimeWait) {
            pending.resize(from);
            return;
        }
    }
    const bool app_reads = data && app_ != nullptr && !in_accept_queue_;
    ack_check(app_reads);
    deliver_pending(from);
    if (state_ == TcpState::Closed) return;
    if (ack_now_deferred_) {
        ack_now_deferred_ = false;
        if (ack_sched_) send_ack();  // the application sent nothing: the ACK goes alone
    }
    if (eof) {
        if (app_ != nullptr) app_->on_eof(*this);
        else if (in_accept_queue_) extras().held_eof = true;
    }
}

}  // namespace lvs::tcp
