// RACK (net/ipv4/tcp_recovery.c): a segment sent before one that was delivered is lost once
// it is older than the delivered one's RTT plus a reordering window, and the timer that waits
// out that window (tcp_rack_reo_timeout()). Kept apart as the time-based loss detector.
#include "models/tcp/ack_event.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::tcp {

using net::Packet;
namespace flag = net::tcpflag;

// ---- RACK -------------------------------------------------------------------------------------

void TcpConn::rack_advance(uint8_t tags, uint32_t end_seq, sim::Time xmit) {
    // tcp_rack_advance().
    LossState& ls = loss();
    const int64_t rtt_us = us_since(stack_.sim().now(), xmit);
    if (rtt_us < min_rtt_us_ && (tags & (tag::kRetrans | tag::kEverRetrans))) return;  // ambiguous
    ls.rack_advanced = true;
    ls.rack_rtt_us = static_cast<uint32_t>(std::max<int64_t>(rtt_us, 0));
    if (sent_after(xmit, ls.rack_mstamp, end_seq, ls.rack_end_seq)) {
        ls.rack_mstamp = xmit;
        ls.rack_end_seq = end_seq;
    }
}

uint32_t TcpConn::rack_reo_wnd_us() const {
    // tcp_rack_reo_wnd().
    const LossState& ls = *loss_if();
    const auto recovery = static_cast<uint32_t>(stack_.sysctl().tcp_recovery);
    if (ls.reord_seen == 0) {
        if (ls.ca_state >= CaState::Recovery) return 0;
        if (sacked_out_ >= ls.reordering && !(recovery & kRackNoDupthresh)) return 0;
    }
    const uint32_t min_rtt = min_rtt_us_ == UINT32_MAX ? 0 : min_rtt_us_;
    const uint32_t steps = (recovery & kRackStaticReoWnd) ? 1 : ls.reo_wnd_steps;
    return std::min<uint32_t>((min_rtt >> 2) * steps, srtt_us_ >> 3);
}

void TcpConn::mark_lost(uint32_t i, bool by_dupthresh) {
    // tcp_mark_skb_lost().
    SentChunk& c = stack_.chunks_[i];
    if (c.tags & tag::kSacked) return;
    if (c.tags & tag::kLost) {
        if (c.tags & tag::kRetrans) {  // the retransmission was lost too (FLAG_LOST_RETRANS)
            c.tags &= static_cast<uint8_t>(~tag::kRetrans);
            dec(retrans_out_, c.segs);
            loss().lost_retrans = true;
        }
        return;
    }
    c.tags |= tag::kLost;
    c.tags &= static_cast<uint8_t>(~(kLostByDupthresh | kLostByRto));
    if (by_dupthresh) c.tags |= kLostByDupthresh;
    lost_out_ = static_cast<uint16_t>(lost_out_ + c.segs);
}

bool TcpConn::rack_detect_loss(uint32_t& reo_timeout_us, bool from_timer) {
    // tcp_rack_detect_loss(): returns whether anything was newly marked lost.
    LossState& ls = loss();
    const uint32_t reo_wnd = rack_reo_wnd_us();
    // The reordering window is zero through the DUPTHRESH shortcut: these are the classic
    // "three duplicate ACKs".
    const bool dupthresh =
        !from_timer && reo_wnd == 0 && ls.reord_seen == 0 && ls.ca_state < CaState::Recovery;
    const sim::Time now = stack_.sim().now();
    reo_timeout_us = 0;
    bool marked = false;
    for (uint32_t i = rtx_.head; i != 0; i = stack_.chunks_[i].next) {
        const SentChunk& c = stack_.chunks_[i];
        if (c.tags & tag::kSacked) continue;
        if ((c.tags & tag::kLost) && !(c.tags & tag::kRetrans)) continue;
        if (!sent_after(ls.rack_mstamp, c.xmit, ls.rack_end_seq, c.end)) continue;
        const int64_t remaining = int64_t{ls.rack_rtt_us} + reo_wnd - us_since(now, c.xmit);
        if (remaining <= 0) {
            mark_lost(i, dupthresh);
            marked = true;
        } else {
            reo_timeout_us = std::max<uint32_t>(reo_timeout_us, static_cast<uint32_t>(remaining));
        }
    }
    return marked;
}

void TcpConn::on_reo_timeout() {
    // tcp_rack_reo_timeout().
    LossState& ls = loss();
    const uint32_t prior_in_flight = packets_in_flight();
    const uint32_t prior_lost = lost_out_;
    uint32_t timeout = 0;
    rack_detect_loss(timeout, true);
    if (prior_in_flight != packets_in_flight()) {
        if (ls.ca_state != CaState::Recovery) {
            enter_recovery();
            cwnd_reduction(1, lost_out_ - prior_lost, false);
        }
        xmit_retransmit_queue();
    }
    if (timer_mode_ != TimerMode::Rto) rearm_rto();
}

}  // namespace lvs::tcp
