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
    }
    return "?";
}

TcpConn::TcpConn(TcpStack& stack, const net::FourTuple& tuple)
    : stack_(stack),
      tuple_(tuple),
      id_(stack.next_conn_id()),
      cwnd_(stack.profile().initial_cwnd),
      rto_(stack.profile().rto_initial),
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
    if (state_ != TcpState::Closed && !apply(why)) set_state(TcpState::Closed, why);
    if (app != nullptr && !in_accept_queue_) app->on_error(*this, e);
    enter_closed();
}

void TcpConn::enter_time_wait() {
    delack_timer_.disarm();
    arm_rtx(TimerMode::TimeWait, stack_.profile().time_wait);
}

// ---- sending ---------------------------------------------------------------------------------

void TcpConn::emit(uint8_t flags, uint32_t seq, uint32_t len, uint16_t segs, uint32_t msg) {
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
    if (flags & flag::kAck) {
        delack_timer_.disarm();
        acked_upto_ = rcv_nxt_;
    }
    if (flags & flag::kRst) ++stack_.counters_.resets_sent;
    stack_.transmit(route_, p);
}

void TcpConn::send_ack() { emit(flag::kAck, snd_nxt_); }

void TcpConn::arm_rtx(TimerMode mode, sim::Duration d) {
    timer_mode_ = mode;
    rtx_timer_.arm(d);
}

void TcpConn::output() {
    const bool may_send =
        state_ == TcpState::Established || state_ == TcpState::CloseWait ||
        ((state_ == TcpState::FinWait1 || state_ == TcpState::LastAck || state_ == TcpState::Closing) &&
         app_closed_);
    if (!may_send) return;
    const TcpProfile& prof = stack_.profile();
    const sim::Time now = stack_.sim().now();
    // Cubic-like profile: a window that sat idle longer than the RTO restarts from the
    // initial window (tcp_slow_start_after_idle with a congestion control that obeys it).
    if (prof.restart_after_idle && snd_una_ == snd_max_ && now - last_send_ > rto_)
        cwnd_ = std::min(cwnd_, prof.initial_cwnd);
    bool sent = false;
    while (seq_lt(snd_nxt_, app_end_)) {
        const uint32_t inflight = segments_in_flight();
        if (inflight >= cwnd_) break;
        const uint32_t room = (cwnd_ - inflight) * net::kMss;
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
        uint8_t flags = flag::kAck | flag::kPsh;
        const bool with_fin = app_closed_ && snd_nxt_ + len == app_end_;
        if (with_fin) flags |= flag::kFin;
        const auto segs = static_cast<uint16_t>((len + net::kMss - 1) / net::kMss);
        if (snd_una_ == snd_max_) first_unacked_send_ = now;
        if (!rtt_timing_ && !retransmitting_) {
            rtt_timing_ = true;
            rtt_seq_ = snd_nxt_ + len;
            rtt_start_ = now;
        }
        if (retransmitting_) ++retransmissions_, ++stack_.counters_.retransmits;
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
    if (app_closed_ && snd_nxt_ == app_end_ && state_ != TcpState::Established &&
        state_ != TcpState::CloseWait) {
        send_fin();
        sent = true;
    }
    if (sent && timer_mode_ != TimerMode::Rto && timer_mode_ != TimerMode::Probe) {
        // The first flight after idle: a tail-loss probe comes before the RTO once an RTT is
        // known (Linux tcp_schedule_loss_probe: PTO = 2*SRTT, plus TCP_RTO_MIN when one
        // segment is out, never later than the RTO would fire).
        const TcpProfile& p = stack_.profile();
        if (p.tail_loss_probe && srtt_ > sim::Duration{} && !probe_sent_) {
            const sim::Duration pto = srtt_ * 2 + (segments_in_flight() <= 1 ? p.rto_min : sim::ms(2));
            arm_rtx(TimerMode::Probe, std::min(pto, rto_));
        } else {
            arm_rtx(TimerMode::Rto, rto_);
        }
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
    arm_rtx(TimerMode::Syn, stack_.profile().syn_gaps.at(0));
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
    arm_rtx(TimerMode::SynAck, stack_.profile().synack_gaps.at(0));
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

void TcpConn::close() {
    if (app_closed_) return;
    app_closed_ = true;
    app_ = nullptr;
    switch (state_) {
        case TcpState::SynSent:
            apply(TcpEvent::AppClose);
            enter_closed();
            return;
        case TcpState::SynReceived:
        case TcpState::Established:
        case TcpState::CloseWait:
            apply(TcpEvent::AppClose);
            output();
            return;
        default: return;
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

// ---- timers ----------------------------------------------------------------------------------

void TcpConn::on_rtx_timer() {
    const TimerMode mode = timer_mode_;
    timer_mode_ = TimerMode::None;
    switch (mode) {
        case TimerMode::Syn:
        case TimerMode::SynAck: retransmit_syn(); break;
        case TimerMode::Rto: on_rto(); break;
        case TimerMode::Probe: on_probe(); break;
        case TimerMode::TimeWait:
            apply(TcpEvent::Timeout);
            enter_closed();
            break;
        case TimerMode::FinWait2:
            if (state_ == TcpState::FinWait2) {
                apply(TcpEvent::Timeout);
                enter_closed();
            }
            break;
        case TimerMode::None: break;
    }
}

void TcpConn::retransmit_syn() {
    const TcpProfile& p = stack_.profile();
    const bool active = state_ == TcpState::SynSent;
    const auto& gaps = active ? p.syn_gaps : p.synack_gaps;
    if (syn_tries_ >= gaps.size()) {
        if (active) {
            fail(SocketError::TimedOut, TcpEvent::Timeout);
        } else {
            apply(TcpEvent::Timeout);  // the half-open request is dropped silently
            enter_closed();
        }
        return;
    }
    ++syn_tries_;
    ++retransmissions_;
    ++stack_.counters_.retransmits;
    emit(active ? flag::kSyn : (flag::kSyn | flag::kAck), iss_);
    const sim::Duration next =
        syn_tries_ < gaps.size() ? gaps[syn_tries_] : (active ? p.syn_fail_gap : p.synack_fail_gap);
    arm_rtx(active ? TimerMode::Syn : TimerMode::SynAck, next);
}

void TcpConn::on_probe() {
    if (snd_una_ == snd_max_) return;
    // Tail-loss probe: resend the last segment of the flight, then wait a full RTO.
    probe_sent_ = true;
    ++retransmissions_;
    ++stack_.counters_.retransmits;
    const uint32_t data_end = fin_sent_ ? fin_seq_ : snd_max_;
    const uint32_t len = std::min<uint32_t>(net::kMss, data_end - snd_una_);
    uint8_t flags = flag::kAck | flag::kPsh;
    if (fin_sent_) flags |= flag::kFin;
    if (len == 0) emit(flag::kFin | flag::kAck, fin_seq_);
    else emit(flags, data_end - len, len, 1, 0);
    rtt_timing_ = false;
    arm_rtx(TimerMode::Rto, rto_);
}

void TcpConn::on_rto() {
    if (snd_una_ == snd_max_) return;
    const TcpProfile& p = stack_.profile();
    const sim::Time now = stack_.sim().now();
    if (now - first_unacked_send_ >= retransmission_give_up(p)) {
        fail(SocketError::TimedOut, TcpEvent::Timeout);
        return;
    }
    ++backoff_;
    ssthresh_ = std::max<uint32_t>(segments_in_flight() / 2, 2);
    cwnd_ = 1;
    // Go-back-N from the first unacknowledged byte (no SACK in this model).
    snd_nxt_ = snd_una_;
    retransmitting_ = true;
    rtt_timing_ = false;
    probe_sent_ = true;
    const sim::Duration backed = std::min(rto_ * (int64_t{1} << std::min<int>(backoff_, 20)), p.rto_max);
    timer_mode_ = TimerMode::Rto;  // output() must not re-arm a probe
    if (fin_sent_ && snd_una_ == fin_seq_) {
        ++retransmissions_;
        ++stack_.counters_.retransmits;
        send_fin();
    } else {
        output();
    }
    arm_rtx(TimerMode::Rto, backed);
}

void TcpConn::on_delack_timer() {
    if (state_ != TcpState::Closed && state_ != TcpState::SynSent) send_ack();
}

// ---- receiving -------------------------------------------------------------------------------

void TcpConn::rtt_sample(sim::Duration r) {
    // RFC 6298 with Linux's floor: RTO = SRTT + max(4*RTTVAR, TCP_RTO_MIN).
    const TcpProfile& p = stack_.profile();
    if (srtt_ == sim::Duration{}) {
        srtt_ = std::max(r, sim::ns(1));
        rttvar_ = r / 2;
    } else {
        const sim::Duration err = r > srtt_ ? r - srtt_ : srtt_ - r;
        rttvar_ = (rttvar_ * 3 + err) / 4;
        srtt_ = (srtt_ * 7 + r) / 8;
    }
    rto_ = std::clamp(srtt_ + std::max(rttvar_ * 4, p.rto_min), p.rto_min, p.rto_max);
}

void TcpConn::on_icmp_unreachable() {
    if (state_ == TcpState::SynSent) fail(SocketError::Refused, TcpEvent::RecvRst);
}

void TcpConn::on_segment(const Packet& p) {
    const sim::Time now = stack_.sim().now();
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
        // Linux reports EOF first when a FIN was already queued (observed, experiment 6); the
        // application has that EOF, so the reset only ends the connection.
        fail(SocketError::Reset, TcpEvent::RecvRst);
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
                if (syn_tries_ == 0) rtt_sample(now - rtt_start_);  // Karn: no sample after a retry
                apply(TcpEvent::RecvSynAck);
                rtx_timer_.disarm();
                timer_mode_ = TimerMode::None;
                send_ack();
                last_send_ = now;
                if (app_ != nullptr) app_->on_connected(*this);
                if (state_ == TcpState::Established) output();
            } else if (p.syn()) {
                rcv_nxt_ = p.seq + 1;  // simultaneous open
                apply(TcpEvent::RecvSyn);
                emit(flag::kSyn | flag::kAck, iss_);
                syn_tries_ = 0;
                arm_rtx(TimerMode::SynAck, stack_.profile().synack_gaps.at(0));
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
                const uint32_t limit = std::min(l.backlog_, stack_.profile().somaxconn);
                if (l.queue_.size() >= limit) {
                    // Accept queue full: Linux ignores the ACK (the request stays half-open and
                    // the SYN+ACK is retransmitted) unless tcp_abort_on_overflow is set.
                    ++l.overflows_;
                    ++stack_.counters_.listen_overflows;
                    if (stack_.profile().abort_on_overflow) abort();
                    return;
                }
            }
            snd_una_ = p.ack;
            if (syn_tries_ == 0) rtt_sample(now - rtt_start_);
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
    if (p.len > 0 || p.fin()) process_data_and_fin(p);
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
    const uint32_t acked_segs = (acked + net::kMss - 1) / net::kMss;
    if (cwnd_ < ssthresh_) cwnd_ += acked_segs;  // slow start
    else cwnd_ += 1;                             // one segment per acknowledged train
    cwnd_ = std::min<uint32_t>(cwnd_, 65535);
    backoff_ = 0;
    retransmitting_ = false;
    probe_sent_ = false;
    first_unacked_send_ = now;
    release_acked_messages();
    const bool fin_acked = fin_sent_ && seq_gt(snd_una_, fin_seq_);
    if (fin_acked) {
        switch (state_) {
            case TcpState::FinWait1:
                if (!p.fin()) {
                    apply(TcpEvent::RecvAck);
                    arm_rtx(TimerMode::FinWait2, stack_.profile().fin_timeout);
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
}

void TcpConn::process_data_and_fin(const Packet& p) {
    const uint32_t old_rcv = rcv_nxt_;
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
            send_ack();  // duplicate or out of order: ACK what we have (go-back-N sender)
            return;
        }
        rcv_nxt_ += p.len;
        if (app_ != nullptr || in_accept_queue_) {
            const net::AppMessage* m = p.msg != 0 ? &stack_.network().messages().get(p.msg) : nullptr;
            if (in_accept_queue_ || app_ == nullptr) {
                if (m != nullptr && held_count_ < held_.size()) held_[held_count_++] = *m;
            } else {
                app_->on_bytes(*this, p.len);
                if (m != nullptr && app_ != nullptr) app_->on_message(*this, *m);
            }
        }
        if (state_ == TcpState::Closed) return;
    }
    if (p.fin()) {
        const uint32_t fin_at = p.seq + p.len;
        if (fin_at == rcv_nxt_ && !peer_fin_) {
            rcv_nxt_ += 1;
            peer_fin_ = true;
            // Only in FIN_WAIT_1 can this FIN be what acknowledges ours (then straight to TIME_WAIT).
            const bool ours_acked = state_ == TcpState::FinWait1 && fin_sent_ && seq_gt(snd_una_, fin_seq_);
            apply(ours_acked ? TcpEvent::RecvFinAck : TcpEvent::RecvFin);
            send_ack();
            if (state_ == TcpState::TimeWait) {
                enter_time_wait();
                return;
            }
            if (app_ != nullptr) app_->on_eof(*this);
            else if (in_accept_queue_) held_eof_ = true;
            return;
        }
        if (peer_fin_ && fin_at + 1 == rcv_nxt_) {
            send_ack();  // our ACK of their FIN was lost
            return;
        }
    }
    if (rcv_nxt_ != old_rcv && acked_upto_ != rcv_nxt_ && state_ != TcpState::Closed) {
        // Nothing went out in answer: ACK now for a multi-segment train, else delay.
        if (p.segs >= 2) send_ack();
        else if (!delack_timer_.armed()) delack_timer_.arm(stack_.profile().delayed_ack);
    }
}

}  // namespace lvs::tcp
