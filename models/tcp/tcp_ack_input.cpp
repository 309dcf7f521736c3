// One ACK arriving (net/ipv4/tcp_input.c, tcp_ack()): the peer's window, SACK tagging, the
// cumulative ACK with its RTT samples (tcp_clean_rtx_queue()), the TLP episode, then
// tcp_fastretrans_alert() when the ACK is "dubious", congestion control and the FIN states.
// The order of these steps is the kernel's; each step lives in the file named for it.
#include "models/tcp/ack_event.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::tcp {

using net::Packet;
namespace flag = net::tcpflag;

// ---- the ACK ----------------------------------------------------------------------------------

void TcpConn::process_ack(const Packet& p) {
    const uint32_t ack = p.ack;
    if (seq_gt(ack, snd_max_)) return;  // acknowledges what we never sent
    const sim::Time now = stack_.sim().now();
    AckEvent ev;
    ev.reord = snd_nxt_;
    ev.reord_cum = snd_nxt_;
    ev.data = p.len > 0;
    ev.rs.prior_in_flight = packets_in_flight();
    const uint32_t prior_snd_una = snd_una_;
    const uint32_t old_wnd = snd_wnd_;
    const uint32_t old_cwnd = cwnd_;
    const Jiffies old_rto = rto_;
    const uint8_t old_backoff = backoff_;
    const uint32_t prior_fack = highest_sack_end();
    update_send_window(p);
    ev.win_update = snd_wnd_ != old_wnd;
    if (seq_gt(ack, snd_una_)) {
        ev.snd_una_advanced = true;
        snd_una_ = ack;
        if (seq_lt(snd_nxt_, snd_una_)) snd_nxt_ = snd_una_;
    }
    if (p.has_sack() && sack_ok_) sacktag(stack_.network().sacks().get(p.msg), ack, ev);
    if (seq_lt(ack, prior_snd_una)) {
        // An old ACK: only its SACK information counts (tcp_ack(), old_ack).
        if (ev.data_sacked || ev.dsack) {
            fastretrans_alert(prior_snd_una, ev);
            xmit_retransmit_queue();
        }
        return;
    }
    keepalive_probes_ = 0;  // icsk_probes_out
    if (ev.snd_una_advanced) clean_rtx_queue(ack, ev);
    // tcp_clean_rtx_queue(): a never-retransmitted segment in a hole below the highest SACK,
    // now cumulatively acknowledged, arrived late: reordering.
    if (sack_ok_ && seq_lt(ev.reord_cum, prior_fack)) check_sack_reordering(ev.reord_cum);
    sample_rtt(ev);
    cc_pkts_acked(ev.ca_rtt_us);
    if (loss_ != 0) update_reo_wnd();
    if (ev.snd_una_advanced) {
        // Linux samples even retransmitted data (timestamps); here the RTO at least returns
        // from its backoff to what SRTT and RTTVAR give (tcp_set_rto()).
        if (backoff_ > 0 && srtt_us_ != 0)
            rto_ = std::min(stack_.clock().from_us((srtt_us_ >> 3) + rttvar_us_),
                            stack_.clock().from_ms(stack_.sysctl().tcp_rto_max_ms));
        backoff_ = 0;
    }
    if (LossState* ls = loss_if(); ls != nullptr && ls->tlp_high_seq != 0) process_tlp_ack(ack, ev);
    const bool not_dup = ev.snd_una_advanced || ev.data || ev.win_update;
    const bool dubious = !not_dup || ev.data_sacked || ev.dsack || ca_state() != 0;
    if (dubious && packets_out_ + (seq_gt(ack, prior_snd_una) ? 1u : 0u) > 0)
        fastretrans_alert(prior_snd_una, ev);
    if (ev.set_xmit_timer) {
        if (!schedule_loss_probe(true)) rearm_rto();
    } else if (packets_out_ == 0 && (timer_mode_ == TimerMode::Rto || timer_mode_ == TimerMode::Probe)) {
        rearm_rto();
    }
    // tcp_cong_control(): BBR models every ACK itself; others reduce by PRR, else grow.
    const auto state = static_cast<CaState>(ca_state());
    cong_control(ev, state, old_cwnd);
    trace_window(old_cwnd);
    trace_rto(old_rto, old_backoff);
    xmit_retransmit_queue();
    if (ev.snd_una_advanced) {
        release_acked_messages();
        if (retrans_out_ == 0 && state != CaState::Loss) retrans_stamp_ = sim::Time{};
    }
    // tcp_ack_probe(): the head fits the window now, or the probe timer restarts from now.
    if (timer_mode_ == TimerMode::Probe0) {
        if (seq_le(std::min(app_end_, snd_nxt_ + net::kMss), snd_una_ + snd_wnd_)) {
            clear_rtx();
            timer_mode_ = TimerMode::None;
            backoff_ = 0;
        } else {
            const TcpSysctls& sys = stack_.sysctl();
            const Jiffies base = std::max(rto_, stack_.clock().from_us(sys.tcp_rto_min_us));
            arm_rtx(TimerMode::Probe0, std::min<Jiffies>(base << std::min<uint8_t>(backoff_, 10),
                                                         stack_.clock().from_ms(sys.tcp_rto_max_ms)));
        }
    }
    if (static_cast<int32_t>(app_end_ - send_limit()) > 0 && packets_in_flight() < cwnd_) sndbuf_expand();
    (void)now;
    const bool fin_acked = fin_sent_ && seq_gt(snd_una_, fin_seq_);
    if (fin_acked && ev.snd_una_advanced) {
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
    output();
    arm_keepalive_if_idle();
    free_loss_state_if_idle();
}

// tcp_cong_control(): BBR models every ACK itself; others reduce by PRR, else grow. `state`
// is the CA state before this step (the caller keeps using that value).
void TcpConn::cong_control(AckEvent& ev, CaState state, uint32_t old_cwnd) {
    const uint32_t acked_sacked = ev.delivered;
    if (paced()) {
        ev.rs.rtt_us = ev.ca_rtt_us;
        rate_gen(ev.delivered, ev.newly_lost, ev.rs);
        bbr_main(ev.rs);
    } else if (state == CaState::Cwr || state == CaState::Recovery) {
        cwnd_reduction(acked_sacked, ev.newly_lost, ev.snd_una_advanced);
    } else if (acked_sacked > 0 && cwnd_limited()) {
        // tcp_may_raise_cwnd(): new data acknowledged, or any progress on a reordering path.
        const bool may_raise =
            (loss_if() != nullptr && loss_if()->reordering > stack_.sysctl().tcp_reordering) ||
            ev.acked_segs > 0;
        if (may_raise) {
            uint32_t acked = acked_sacked;
            // One ACK train stands for several ACKs, and Linux checks tcp_is_cwnd_limited() at
            // each: in slow start a sender that was not window-limited stops at twice what it
            // had out.
            if (cwnd_ < ssthresh_ && !is_cwnd_limited_) {
                const uint32_t cap = std::max(old_cwnd, 2u * max_packets_out_);
                acked = cwnd_ >= cap ? 0 : std::min(acked, cap - cwnd_);
            }
            if (acked > 0) slow_start_or_avoid(acked);
            cwnd_ = std::min<uint32_t>(cwnd_, 65535);
        }
    }
}

void TcpConn::clean_rtx_queue(uint32_t ack, AckEvent& ev) {
    // tcp_clean_rtx_queue(): free what the cumulative ACK covers and advance RACK.
    ChunkPool& pool = stack_.chunks_;
    while (rtx_.head != 0 && seq_lt(pool[rtx_.head].start, ack)) {
        uint32_t i = rtx_.head;
        if (seq_gt(pool[i].end, ack)) {
            if (pool[i].segs < 2) break;  // a partly acknowledged segment stays
            rtx_split(pool, rtx_, i, ack, net::kMss);
        }
        const SentChunk c = pool[i];
        if (c.tags & (tag::kRetrans | tag::kEverRetrans)) {
            if (c.tags & tag::kRetrans) dec(retrans_out_, c.segs);
            ev.retrans_data_acked = true;
        } else if (!(c.tags & tag::kSacked)) {
            if (!ev.has_ackt) {
                ev.first_ackt = c.xmit;
                ev.has_ackt = true;
            }
            ev.last_ackt = c.xmit;
            if (seq_lt(c.start, ev.reord_cum)) ev.reord_cum = c.start;
        }
        if (paced()) rate_skb_delivered(pool[i], ev.rs);
        if (c.tags & tag::kSacked) {
            dec(sacked_out_, c.segs);
        } else {
            if (sack_ok_) ev.delivered += c.segs;  // tcp_count_delivered(): SACKed ones were counted then
            if (loss_ != 0 && sack_ok_) rack_advance(c.tags, c.end, c.xmit);
        }
        if (c.tags & tag::kLost) dec(lost_out_, c.segs);
        packets_out_ -= std::min<uint32_t>(packets_out_, c.segs);
        ev.acked_segs += c.segs;
        rtx_.head = c.next;
        if (rtx_.head == 0) rtx_.tail = 0;
        pool.free(i);
    }
    if (!sack_ok_ && ev.acked_segs > 0) {
        // tcp_remove_reno_sacks(): what duplicate ACKs announced was delivered then; the rest now.
        ev.delivered += std::max<uint32_t>(ev.acked_segs > sacked_out_ ? ev.acked_segs - sacked_out_ : 0, 1);
        sacked_out_ =
            ev.acked_segs - 1 >= sacked_out_ ? 0 : static_cast<uint16_t>(sacked_out_ - (ev.acked_segs - 1));
        limit_reno_sacked();
    }
    if (ev.acked_segs > 0) ev.set_xmit_timer = true;
}

void TcpConn::limit_reno_sacked() {
    // tcp_limit_reno_sacked(): duplicate ACKs never stand for more than is out.
    const uint32_t holes = std::max<uint32_t>(lost_out_, 1);
    const uint32_t limit = packets_out_ > holes ? packets_out_ - holes : 0;
    if (sacked_out_ > limit) sacked_out_ = static_cast<uint16_t>(limit);
}

void TcpConn::sample_rtt(AckEvent& ev) {
    // tcp_ack_update_rtt(): the first newly acknowledged segment, else the SACKed one (Karn:
    // never retransmitted data).
    const sim::Time now = stack_.sim().now();
    int64_t seq_rtt = -1, ca_rtt = -1;
    if (ev.has_ackt && !ev.retrans_data_acked) {
        seq_rtt = us_since(now, ev.first_ackt);
        ca_rtt = us_since(now, ev.last_ackt);
    } else if (ev.has_sackt) {
        seq_rtt = us_since(now, ev.first_sackt);
        ca_rtt = us_since(now, ev.last_sackt);
    }
    if (seq_rtt >= 0) {
        update_min_rtt(static_cast<uint32_t>(std::max<int64_t>(ca_rtt, 1)));
        rtt_sample(sim::us(seq_rtt));
        ev.ca_rtt_us = ca_rtt;
    }
}

}  // namespace lvs::tcp
