// The tail-loss probe and the RTO's loss state (net/ipv4/tcp_output.c tcp_schedule_loss_probe(),
// tcp_send_loss_probe(); tcp_input.c tcp_process_tlp_ack(), tcp_enter_loss()): what is sent
// or marked lost when ACKs stop coming, as opposed to what an arriving ACK reveals.
#include "models/tcp/ack_event.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::tcp {

using net::Packet;
namespace flag = net::tcpflag;

// ---- timers: TLP and RTO ----------------------------------------------------------------------

bool TcpConn::schedule_loss_probe(bool advancing_rto) {
    // tcp_schedule_loss_probe(): SACK connections not in recovery, two RTTs (plus the
    // minimum RTO when a single segment is out, for the peer's delayed ACK).
    const TcpSysctls& sys = stack_.sysctl();
    const auto state = static_cast<CaState>(ca_state());
    if ((sys.tcp_early_retrans != 3 && sys.tcp_early_retrans != 4) || packets_out_ == 0 || !sack_ok_ ||
        (state != CaState::Open && state != CaState::Cwr))
        return false;
    const KernelClock& clk = stack_.clock();
    Jiffies timeout = clk.from_duration(sim::s(1));  // TCP_TIMEOUT_INIT
    if (srtt_us_ != 0)
        timeout = clk.from_us(int64_t{srtt_us_ >> 2} + (packets_out_ == 1 ? sys.tcp_rto_min_us : 2000));
    // The RTO's own deadline caps it: a full RTO when the ACK just advanced, else what is left
    // of the RTO of the oldest unacknowledged segment (tcp_rto_delta_us()).
    int64_t rto_delta_us = clk.duration(rto_).ns() / 1000;
    if (!advancing_rto && rtx_.head != 0)
        rto_delta_us = (stack_.chunks_[rtx_.head].xmit + clk.duration(rto_) - stack_.sim().now()).ns() / 1000;
    if (rto_delta_us > 0) timeout = std::min(timeout, clk.from_us(rto_delta_us));
    arm_rtx(TimerMode::Probe, timeout);
    return true;
}

void TcpConn::rearm_rto() {
    // tcp_rearm_rto(): the RTO counts from the oldest unacknowledged segment's last send when
    // a probe or the reordering timer held the slot.
    if (packets_out_ == 0) {
        if (timer_mode_ == TimerMode::Rto || timer_mode_ == TimerMode::Probe ||
            timer_mode_ == TimerMode::ReoTimeout) {
            clear_rtx();
            timer_mode_ = TimerMode::None;
        }
        return;
    }
    Jiffies rto = rto_;
    if ((timer_mode_ == TimerMode::ReoTimeout || timer_mode_ == TimerMode::Probe) && rtx_.head != 0) {
        const int64_t delta_us =
            (stack_.chunks_[rtx_.head].xmit + stack_.clock().duration(rto_) - stack_.sim().now()).ns() / 1000;
        rto = stack_.clock().from_us(std::max<int64_t>(delta_us, 1));
    }
    arm_rtx(TimerMode::Rto, rto);
}

void TcpConn::send_loss_probe() {
    // tcp_send_loss_probe(): new data if the window allows, else the last segment again.
    LossState& ls = loss();
    if (ls.tlp_high_seq != 0 || packets_out_ == 0) {
        rearm_rto();
        return;
    }
    ls.tlp_retrans = false;
    const uint32_t before = packets_out_;
    if (seq_lt(snd_nxt_, app_end_) && seq_lt(snd_nxt_, send_limit())) {
        const uint32_t saved = cwnd_;
        const bool limited = is_cwnd_limited_;
        const uint16_t max_out = max_packets_out_;
        const uint32_t usage = cwnd_usage_seq_;
        cwnd_ = packets_in_flight() + 1;  // push_one = 2: one segment, whatever cwnd says
        output();
        cwnd_ = saved;
        is_cwnd_limited_ = limited;  // the probe's borrowed window says nothing of cwnd's use
        max_packets_out_ = max_out;
        cwnd_usage_seq_ = usage;
    }
    if (packets_out_ == before) {
        uint32_t last = rtx_.tail;
        if (last == 0) {
            rearm_rto();
            return;
        }
        if (stack_.chunks_[last].segs > 1) {
            const SentChunk& c = stack_.chunks_[last];
            last = rtx_split(stack_.chunks_, rtx_, last, c.start + (c.segs - 1) * net::kMss, net::kMss);
        }
        retransmit_chunk(last, 1, RetransmitCause::Tlp);
        ls.tlp_retrans = true;
    }
    ls.tlp_high_seq = snd_nxt_;
    ++stack_.counters_.loss_probes;
    timer_mode_ = TimerMode::None;  // icsk_pending = 0: the RTO restarts from now
    rearm_rto();
}

void TcpConn::process_tlp_ack(uint32_t ack, const AckEvent& ev) {
    // tcp_process_tlp_ack().
    LossState& ls = loss();
    if (seq_lt(ack, ls.tlp_high_seq)) return;
    if (!ls.tlp_retrans || ev.dsack_tlp) {
        ls.tlp_high_seq = 0;  // new data, or the D-SACK shows the original arrived
    } else if (seq_gt(ack, ls.tlp_high_seq)) {
        // The probe repaired a loss: a one-shot reduction (CWR), then open again.
        init_cwnd_reduction();
        ls.ca_state = CaState::Cwr;
        end_cwnd_reduction();
        ls.ca_state = (sacked_out_ + lost_out_ + retrans_out_) != 0 ? CaState::Disorder : CaState::Open;
        ls.high_seq = snd_nxt_;
        ++stack_.counters_.loss_probe_recoveries;
    } else if (!ev.snd_una_advanced && !ev.data && !ev.win_update && !ev.data_sacked) {
        ls.tlp_high_seq = 0;  // a pure duplicate ACK: no loss
    }
}

void TcpConn::enter_loss() {
    // tcp_enter_loss() with tcp_timeout_mark_lost().
    LossState& ls = loss();
    ChunkPool& pool = stack_.chunks_;
    const sim::Time now = stack_.sim().now();
    const bool reneged = rtx_.head != 0 && (pool[rtx_.head].tags & tag::kSacked);
    if (reneged) sacked_out_ = 0;
    if (!sack_ok_) sacked_out_ = 0;  // tcp_reset_reno_sack()
    for (uint32_t i = rtx_.head; i != 0; i = pool[i].next) {
        SentChunk& c = pool[i];
        if (reneged) {
            c.tags &= static_cast<uint8_t>(~tag::kSacked);
        } else if (i != rtx_.head && int64_t{ls.rack_rtt_us} - us_since(now, c.xmit) > 0) {
            continue;  // sent within the last RACK RTT: not yet
        }
        if (c.tags & tag::kSacked) continue;
        if (c.tags & tag::kLost) {
            if (c.tags & tag::kRetrans) {
                c.tags &= static_cast<uint8_t>(~tag::kRetrans);
                retrans_out_ = static_cast<uint16_t>(retrans_out_ - c.segs);
            }
        } else {
            c.tags |= tag::kLost;
            lost_out_ = static_cast<uint16_t>(lost_out_ + c.segs);
        }
        c.tags = static_cast<uint8_t>((c.tags & ~kLostByDupthresh) | kLostByRto);
    }
    // Not again for repeated timeouts of the same episode (icsk_retransmits, here backoff_).
    if (ls.ca_state <= CaState::Disorder || !seq_gt(ls.high_seq, snd_una_) ||
        (ls.ca_state == CaState::Loss && backoff_ == 0)) {
        ls.prior_cwnd = cwnd_;
        ssthresh_ = cc_ssthresh();
    }
    cwnd_ = packets_in_flight() + 1;
    if (ls.ca_state <= CaState::Disorder && sacked_out_ >= stack_.sysctl().tcp_reordering)
        ls.reordering =
            std::min<uint32_t>(ls.reordering, static_cast<uint32_t>(stack_.sysctl().tcp_reordering));
    ls.ca_state = CaState::Loss;
    cc_enter_loss_state();
    ls.high_seq = snd_nxt_;
    ls.tlp_high_seq = 0;
}

}  // namespace lvs::tcp
