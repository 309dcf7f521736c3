// One connection's timers (net/ipv4/tcp_timer.c): SYN and SYN+ACK retransmission, the RTO and
// its backoff, the tail-loss probe, keep-alive probes, orphaned FIN_WAIT_2 and TIME_WAIT; and
// the RTT estimator that sets the RTO. Every timer goes through the host's timer wheel
// (TcpStack::arm_kernel_timer), in jiffies.
//
// One sim::Timer carries the retransmit timer and the timers that never run beside it
// (TIME_WAIT, FIN_WAIT_2, and keep-alive, which Linux keeps on sk_timer but which only probes
// when nothing is in flight: while data is out its expiries just re-arm, which
// arm_keepalive_if_idle() replays when the connection falls idle again).
#include <algorithm>

#include "models/tcp/tcp_conn.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/tcp/timer_batch.hpp"

namespace lvs::tcp {

namespace flag = net::tcpflag;

namespace {

// tcp_model_timeout(): how long `boundary` retransmissions with exponential backoff from
// `base` (capped at `max`) last; retransmits_timed_out() compares the time since the first
// retransmitted segment was first sent with it.
sim::Duration model_timeout(int64_t boundary, sim::Duration base, sim::Duration max) {
    int linear = 0;  // ilog2(max / base)
    for (int64_t v = max.ns() / base.ns(); v > 1; v >>= 1) ++linear;
    if (boundary <= linear) return sim::ns(((int64_t{2} << boundary) - 1) * base.ns());
    return sim::ns(((int64_t{2} << linear) - 1) * base.ns() + (boundary - linear) * max.ns());
}

}  // namespace

void TcpConn::set_rtx_at(sim::Time t) {
    rtx_at_ = t;
    reschedule_timer();
}
void TcpConn::clear_rtx() {
    rtx_at_ = sim::Time{};
    reschedule_timer();
}
void TcpConn::set_delack_at(sim::Time t) {
    delack_at_ = t;
    reschedule_timer();
}
void TcpConn::clear_delack() {
    delack_at_ = sim::Time{};
    reschedule_timer();
}

void TcpConn::reschedule_timer() {
    if (timer_batch_ != 0) {
        timer_dirty_ = true;
        return;
    }
    apply_timer();
}

void TcpConn::apply_timer() {
    timer_dirty_ = false;
    const sim::Time none{};
    if (rtx_at_ == none && delack_at_ == none) {
        timer_.disarm();
        return;
    }
    if (rtx_at_ == none) timer_.arm_at(delack_at_);
    else if (delack_at_ == none) timer_.arm_at(rtx_at_);
    else timer_.arm_at(std::min(rtx_at_, delack_at_));
}

void TcpConn::on_timer() {
    const TimerBatch batch(*this);
    const sim::Time now = stack_.sim().now();
    const sim::Time none{};
    if (delack_at_ != none && delack_at_ <= now) {
        delack_at_ = none;
        on_delack_timer();
        if (state_ == TcpState::Closed) return;
    }
    if (rtx_at_ != none && rtx_at_ <= now) {
        rtx_at_ = none;
        on_rtx_timer();
        if (state_ == TcpState::Closed) return;
    }
    reschedule_timer();
}

void TcpConn::on_rtx_timer() {
    TcpStack::InTimer in_timer(stack_);
    const TimerMode mode = timer_mode_;
    // tcp_write_timer_handler(): the loss probe and the reordering timer run with icsk_pending
    // still set, so that tcp_rearm_rto() counts the RTO from the oldest segment's send.
    if (mode != TimerMode::Probe && mode != TimerMode::ReoTimeout) timer_mode_ = TimerMode::None;
    switch (mode) {
        case TimerMode::Syn:
        case TimerMode::SynAck: retransmit_syn(); break;
        case TimerMode::Rto: on_rto(); break;
        case TimerMode::Probe: on_probe(); break;
        case TimerMode::ReoTimeout: on_reo_timeout(); break;
        case TimerMode::Probe0: send_probe0(); break;
        case TimerMode::Keepalive: on_keepalive(); break;
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
        case TimerMode::NoNeighbour: fail(SocketError::HostUnreach, TcpEvent::Timeout); break;
        case TimerMode::None: break;
    }
}

void TcpConn::retransmit_syn() {
    const TcpSysctls& sys = stack_.sysctl();
    const KernelClock& clk = stack_.clock();
    if (state_ == TcpState::SynSent) {
        // tcp_write_timeout(): tcp_syn_retries plus tcp_syn_linear_timeouts retransmissions,
        // or the time they would take from a 1 s base (retransmits_timed_out).
        const int64_t max = sys.tcp_syn_retries + sys.tcp_syn_linear_timeouts;
        const sim::Duration elapsed = stack_.sim().now() - retrans_stamp_;
        const sim::Duration limit =
            model_timeout(sys.tcp_syn_retries, sim::s(1), sim::ms(sys.tcp_rto_max_ms));
        if (syn_tries_ >= max || (syn_tries_ > 0 && elapsed >= limit)) {
            fail(SocketError::TimedOut, TcpEvent::Timeout);
            return;
        }
        ++syn_tries_;
        ++total_rto_;
        ++stack_.counters_.timeouts;  // tcp_retransmit_timer() counts TCPTimeouts for SYNs too
        stack_.counters_.timeout_at.note(stack_.sim().now());
        count_syn_retransmit();
        emit(flag::kSyn, iss_);
        // tcp_retransmit_timer(): the first tcp_syn_linear_timeouts RTOs keep 1 s; then the
        // RTO doubles, up to tcp_rto_max.
        if (total_rto_ > sys.tcp_syn_linear_timeouts)
            rto_ = std::min(rto_ << 1, clk.from_ms(sys.tcp_rto_max_ms));
        arm_rtx(TimerMode::Syn, rto_);
        return;
    }
    // reqsk_timer_handler(): tcp_synack_retries resends, each after min(1 s << n, TCP_RTO_MAX);
    // then the half-open request is dropped silently.
    if (syn_tries_ >= sys.tcp_synack_retries) {
        apply(TcpEvent::Timeout);
        enter_closed();
        return;
    }
    ++syn_tries_;
    ++stack_.counters_.timeouts;  // tcp_syn_ack_timeout()
    count_syn_retransmit();
    emit(flag::kSyn | flag::kAck, iss_);
    const Jiffies next = std::min(clk.from_duration(sim::s(1)) << syn_tries_, clk.from_duration(sim::s(120)));
    arm_rtx(TimerMode::SynAck, next);
}

void TcpConn::count_syn_retransmit() {
    ++retransmissions_;
    ++stack_.counters_.retransmits;
    ++stack_.counters_.retransmits_by.rto;  // a SYN or SYN+ACK sent again when its timer ran out
    stack_.counters_.retransmit_at.note(stack_.sim().now());
}

void TcpConn::on_probe() {
    if (packets_out_ == 0) return;
    send_loss_probe();
}

void TcpConn::on_rto() {
    // tcp_retransmit_timer().
    if (packets_out_ == 0 || rtx_.empty()) return;
    const TcpSysctls& sys = stack_.sysctl();
    const sim::Time now = stack_.sim().now();
    if (snd_wnd_ == 0 && !app_closed_) {
        // tcp_retransmit_timer() with the peer's window shut: a peer that keeps answering keeps the
        // connection; it ends only after 2 x TCP_RTO_MAX without an ACK (tcp_rtx_probe0_timed_out()).
        if (now - last_heard_ > sim::ms(2 * sys.tcp_rto_max_ms)) {
            fail(SocketError::TimedOut, TcpEvent::Timeout);
            return;
        }
        const Jiffies old_rto = rto_;
        const uint8_t old_backoff = backoff_;
        enter_loss();
        ++backoff_;
        timer_mode_ = TimerMode::Rto;
        retransmit_chunk(rtx_.head, 1, RetransmitCause::Rto);
        rto_ = std::min(rto_ << 1, stack_.clock().from_ms(sys.tcp_rto_max_ms));
        trace_rto(old_rto, old_backoff);
        arm_rtx(TimerMode::Rto, rto_);
        return;
    }
    ++stack_.counters_.timeouts;
    stack_.counters_.timeout_at.note(now);
    // tcp_write_timeout(): tcp_retries2 as a time (tcp_model_timeout from TCP_RTO_MIN) since
    // the first retransmission (retrans_stamp; the first RTO never gives up); ETIMEDOUT, and
    // no RST. A connection its application closed counts tcp_orphan_retries instead.
    // TCP_USER_TIMEOUT replaces either limit when set.
    const bool alive = rto_ < stack_.clock().from_ms(sys.tcp_rto_max_ms);
    const sim::Duration limit = user_timeout_ms() != 0 ? sim::ms(user_timeout_ms())
                                : app_closed_          ? orphan_give_up(stack_.profile(), alive)
                                                       : retransmission_give_up(stack_.profile());
    if (retrans_stamp_ != sim::Time{} && now - retrans_stamp_ >= limit) {
        fail(SocketError::TimedOut, TcpEvent::Timeout);
        return;
    }
    const uint32_t old_cwnd = cwnd_;
    const Jiffies old_rto = rto_;
    const uint8_t old_backoff = backoff_;
    enter_loss();
    ++backoff_;
    ++total_rto_;
    trace_window(old_cwnd);
    timer_mode_ = TimerMode::Rto;  // output() must not re-arm a probe
    // The head, one segment (tcp_retransmit_skb(sk, tcp_rtx_queue_head(sk), 1)).
    retransmit_chunk(rtx_.head, 1, RetransmitCause::Rto);
    // The backoff doubles icsk_rto in place, up to tcp_rto_max, until an RTT sample resets it.
    rto_ = std::min(rto_ << 1, stack_.clock().from_ms(sys.tcp_rto_max_ms));
    Jiffies next = rto_;
    if (user_timeout_ms() != 0) {
        // tcp_clamp_rto_to_user_timeout(): the timer runs out no later than the user timeout.
        const sim::Duration left = sim::ms(user_timeout_ms()) - (now - retrans_stamp_);
        next = std::max<Jiffies>(1, std::min(next, stack_.clock().from_duration(left)));
    }
    trace_rto(old_rto, old_backoff);
    arm_rtx(TimerMode::Rto, next);
}

void TcpConn::rtt_sample(sim::Duration r) {
    // tcp_rtt_estimator(): srtt scaled by 8, mdev by 4, rttvar at least tcp_rto_min, decaying
    // toward the largest deviation once per RTT; then __tcp_set_rto() in jiffies (rounded up).
    const TcpSysctls& sys = stack_.sysctl();
    const auto rto_min_us = static_cast<uint32_t>(sys.tcp_rto_min_us);
    int64_t m = std::max<int64_t>(r.ns() / 1000, 1);
    if (srtt_us_ == 0) {
        srtt_us_ = static_cast<uint32_t>(m << 3);
        mdev_us_ = static_cast<uint32_t>(m << 1);
        rttvar_us_ = std::max(mdev_us_, rto_min_us);
        mdev_max_us_ = rttvar_us_;
        rttvar_seq_ = snd_nxt_;
    } else {
        int64_t srtt = srtt_us_, mdev = mdev_us_;
        m -= srtt >> 3;
        srtt += m;
        if (m < 0) {
            m = -m;
            m -= mdev >> 2;
            if (m > 0) m >>= 3;
        } else {
            m -= mdev >> 2;
        }
        mdev += m;
        srtt_us_ = static_cast<uint32_t>(std::max<int64_t>(srtt, 1));
        mdev_us_ = static_cast<uint32_t>(std::max<int64_t>(mdev, 0));
        if (mdev_us_ > mdev_max_us_) {
            mdev_max_us_ = mdev_us_;
            rttvar_us_ = std::max(rttvar_us_, mdev_max_us_);
        }
        if (static_cast<int32_t>(snd_una_ - rttvar_seq_) > 0) {
            if (mdev_max_us_ < rttvar_us_) rttvar_us_ -= (rttvar_us_ - mdev_max_us_) >> 2;
            rttvar_seq_ = snd_nxt_;
            mdev_max_us_ = rto_min_us;
        }
    }
    const KernelClock& clk = stack_.clock();
    const Jiffies old_rto = rto_;
    const uint8_t old_backoff = backoff_;
    rto_ = std::min(clk.from_us((srtt_us_ >> 3) + rttvar_us_), clk.from_ms(sys.tcp_rto_max_ms));
    backoff_ = 0;
    trace_rto(old_rto, old_backoff);
}

void TcpConn::enter_fin_wait2_timer() {
    // tcp_fin_time(): tcp_fin_timeout, but at least 3.5 RTOs.
    const Jiffies fin_timeout = stack_.clock().from_duration(sim::s(stack_.sysctl().tcp_fin_timeout));
    arm_rtx(TimerMode::FinWait2, std::max(fin_timeout, (rto_ << 2) - (rto_ >> 1)));
}

// ---- keep-alive (tcp_keepalive_timer) ----------------------------------------------------------

void TcpConn::note_peer_heard() { last_heard_ = stack_.sim().now(); }

void TcpConn::arm_keepalive_if_idle() {
    if (!keepalive_ || timer_mode_ != TimerMode::None || snd_una_ != snd_max_) return;
    if (state_ != TcpState::Established && state_ != TcpState::CloseWait) return;
    // Expiries that fell while data was in flight re-armed a full tcp_keepalive_time each.
    const KernelClock& clk = stack_.clock();
    const Jiffies full = clk.from_duration(sim::s(stack_.sysctl().tcp_keepalive_time));
    sim::Time& deadline = extras().keepalive_deadline;
    while (deadline <= stack_.sim().now()) deadline = clk.fire_time(deadline, full, true);
    timer_mode_ = TimerMode::Keepalive;
    set_rtx_at(extras().keepalive_deadline);
}

void TcpConn::on_keepalive() {
    const TcpSysctls& sys = stack_.sysctl();
    const KernelClock& clk = stack_.clock();
    const sim::Time now = stack_.sim().now();
    const Jiffies keepalive_time = clk.from_duration(sim::s(sys.tcp_keepalive_time));
    const Jiffies elapsed = clk.jiffies(now) - clk.jiffies(last_heard_);
    Jiffies next = keepalive_time - elapsed;
    if (elapsed >= keepalive_time) {
        const bool user_expired = user_timeout_ms() != 0 && keepalive_probes_ > 0 &&
                                  clk.duration(elapsed) >= sim::ms(user_timeout_ms());
        if ((user_timeout_ms() == 0 && keepalive_probes_ >= sys.tcp_keepalive_probes) || user_expired) {
            // The peer is gone: RST, then ETIMEDOUT to the application.
            emit(flag::kRst | flag::kAck, snd_nxt_);
            fail(SocketError::TimedOut, TcpEvent::Timeout);
            return;
        }
        // tcp_xmit_probe_skb(): a bare ACK one byte below snd_una, which the peer must answer.
        ++keepalive_probes_;
        ++stack_.counters_.keepalive_probes;
        emit(flag::kAck, snd_una_ - 1);
        next = clk.from_duration(sim::s(sys.tcp_keepalive_intvl));
    }
    extras().keepalive_deadline = clk.fire_time(now, next, true);
    timer_mode_ = TimerMode::Keepalive;
    set_rtx_at(extras().keepalive_deadline);
}

}  // namespace lvs::tcp
