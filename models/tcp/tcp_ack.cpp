// Linux's ACK policy for one connection (net/ipv4/tcp_input.c, tcp_output.c, tcp_timer.c as of
// Linux 6.7+): when a received segment is ACKed at once, when the ACK waits for the delayed-ACK
// timer (and rides on data or a FIN sent meanwhile), and how quick-ACK and pingpong modes come
// and go.
//
//  - tcp_event_data_recv(): the first data, or data after an idle longer than the RTO, grants
//    quick ACKs (TCP_MAX_QUICKACKS = 16: rcv_wnd / (2 * rcv_mss) = 64240 / 2920 = 22 is more);
//    the ATO adapts to the gaps between arrivals;
//  - __tcp_ack_snd_check(): ACK now when more than one full segment is unacknowledged, in
//    quick-ACK mode (credit left and not pingpong), else delay;
//  - tcp_event_data_sent(): data sent within the ATO of the last arrival is a reply: the
//    pingpong count rises (tcp_pingpong_thresh = 1 makes one reply enough);
//  - tcp_event_ack_sent(): any segment carrying an ACK cancels the delayed ACK and uses one
//    quick ACK if it acknowledges new data;
//  - tcp_delack_timer_handler(): a delayed ACK that had to fire leaves pingpong mode (or, out of
//    pingpong, doubles the ATO up to the RTO).
#include <algorithm>

#include "models/tcp/tcp_conn.hpp"
#include "models/tcp/tcp_stack.hpp"

namespace lvs::tcp {

namespace {

constexpr uint8_t kMaxQuickAcks = 16;  // TCP_MAX_QUICKACKS

// include/net/tcp.h, in jiffies for this HZ.
Jiffies ato_min(uint32_t hz) { return hz < 100 ? 4 : hz / 25; }  // TCP_ATO_MIN = TCP_DELACK_MIN
Jiffies delack_max(uint32_t hz) { return hz / 5; }               // TCP_DELACK_MAX

}  // namespace

void TcpConn::incr_quickack() {
    if (quick_ < kMaxQuickAcks) quick_ = kMaxQuickAcks;
}

void TcpConn::enter_quickack_mode() {
    incr_quickack();
    pingpong_ = 0;
    ato_ = static_cast<uint16_t>(ato_min(stack_.clock().hz()));
}

void TcpConn::data_received(uint32_t len, uint8_t segs) {
    ack_sched_ = true;
    // tcp_measure_rcv_mss(): full-sized segments raise rcv_mss; a short one marks the ACK
    // "pushed" (which lets the ATO grow to TCP_DELACK_MAX only).
    const uint32_t seg = segs > 1 ? net::kMss : len;
    if (seg >= rcv_mss_) rcv_mss_ = static_cast<uint16_t>(std::min<uint32_t>(seg, net::kMss));
    else ack_pushed_ = true;
    const Jiffies now = now_jiffies();
    const Jiffies min = ato_min(stack_.clock().hz());
    if (ato_ == 0) {
        incr_quickack();
        ato_ = static_cast<uint16_t>(min);
    } else {
        const Jiffies m = static_cast<uint32_t>(now) - lrcvtime_;
        if (m <= min / 2) {
            ato_ = static_cast<uint16_t>(ato_ / 2 + min / 2);
        } else if (m < ato_) {
            ato_ = static_cast<uint16_t>(std::min<Jiffies>(ato_ / 2 + m, rto_));
        } else if (m > rto_) {
            incr_quickack();  // a long gap: the sender restarts its window, ACK quickly
        }
    }
    lrcvtime_ = static_cast<uint32_t>(now);
    rcv_rtt_measure();
    grow_window(len);
}

void TcpConn::fin_received_pingpong() { pingpong_ = kPingpongThresh; }

void TcpConn::ack_check(bool app_reads_next) {
    if (!ack_sched_) return;
    const bool quick = quick_ > 0 && !in_pingpong_mode();
    // "More than one full segment" needs the application to be reading, or the window to open
    // no less than it is (__tcp_ack_snd_check(): rcv_nxt - copied_seq < rcvlowat, or
    // __tcp_select_window() >= rcv_wnd).
    const bool two_segments =
        rcv_nxt_ - acked_upto_ > rcv_mss_ &&
        (!reads_on_demand_ || rcv_nxt_ == copied_seq_ || select_window_bytes() >= rcv_wnd_);
    if (two_segments || quick) {
        // The ACK goes now. When the application is about to read, it is held until the
        // application returns: if it answers at once, the ACK travels as the first frame of
        // the answer's train (Packet::kLeadAck), the same frames on the wire, one event less.
        if (app_reads_next) ack_now_deferred_ = true;
        else send_ack();
    } else {
        send_delayed_ack();
    }
}

void TcpConn::send_delayed_ack() {
    const uint32_t hz = stack_.clock().hz();
    const Jiffies min = ato_min(hz);
    Jiffies ato = ato_;
    if (ato > min) {
        Jiffies max_ato = hz / 2;
        if (in_pingpong_mode() || ack_pushed_) max_ato = delack_max(hz);
        // Bounded by the measured RTT, not the RTO.
        if (srtt_us_ != 0) max_ato = std::min(max_ato, std::max(stack_.clock().from_us(srtt_us_ >> 3), min));
        ato = std::min(ato, max_ato);
    }
    // tcp_delack_max(): below the minimum RTO as well (Linux 6.10+).
    const Jiffies rto_min = stack_.clock().from_us(stack_.sysctl().tcp_rto_min_us);
    ato = std::min(ato, std::min(delack_max(hz), std::max<Jiffies>(rto_min, 2) - 1));
    const Jiffies now = now_jiffies();
    uint32_t timeout = static_cast<uint32_t>(now + ato);
    if (ack_timer_) {
        // A delayed ACK that is about to go anyway goes now; otherwise the earlier one stands.
        if (static_cast<int32_t>(delack_expiry_ - static_cast<uint32_t>(now + ato / 4)) <= 0) {
            send_ack();
            return;
        }
        if (static_cast<int32_t>(timeout - delack_expiry_) >= 0) timeout = delack_expiry_;
    }
    ack_sched_ = true;
    ack_timer_ = true;
    delack_expiry_ = timeout;
    set_delack_at(stack_.kernel_fire_time(static_cast<uint32_t>(timeout - static_cast<uint32_t>(now))));
}

void TcpConn::on_delack_timer() {
    TcpStack::InTimer in_timer(stack_);
    if (loss_ != 0 && stack_.losses_[loss_].comp_timer) {
        // tcp_compressed_ack_kick(): the compressed SACK ACKs go as one.
        LossState& ls = stack_.losses_[loss_];
        ls.comp_timer = false;
        ack_timer_ = false;
        if (ls.compressed_ack > 0 && state_ != TcpState::Closed) send_ack();
        return;
    }
    if (state_ == TcpState::Closed || state_ == TcpState::Listen || state_ == TcpState::SynSent ||
        !ack_timer_)
        return;
    ack_timer_ = false;
    if (!ack_sched_) return;
    if (!in_pingpong_mode()) {
        ato_ = static_cast<uint16_t>(
            std::min<Jiffies>(Jiffies{ato_} << 1, rto_));  // delayed ACK missed: inflate
    } else {
        pingpong_ = 0;  // delayed ACK missed: leave pingpong mode
        ato_ = static_cast<uint16_t>(ato_min(stack_.clock().hz()));
    }
    send_ack();
}

void TcpConn::ack_sent() {
    // tcp_dec_quickack_mode() (Linux 6.6+: only ACKs of new data use a quick ACK).
    if (quick_ > 0) {
        const uint8_t pkts = ack_sched_ ? 1 : 0;
        if (pkts >= quick_) {
            quick_ = 0;
            ato_ = static_cast<uint16_t>(ato_min(stack_.clock().hz()));
        } else {
            quick_ = static_cast<uint8_t>(quick_ - pkts);
        }
    }
    ack_sched_ = false;
    ack_timer_ = false;
    ack_pushed_ = false;
    clear_delack();
    acked_upto_ = rcv_nxt_;
    if (loss_ != 0) {
        LossState& ls = stack_.losses_[loss_];
        ls.compressed_ack = 0;
        ls.comp_timer = false;
    }
}

void TcpConn::data_sent() {
    if (static_cast<uint32_t>(now_jiffies()) - lrcvtime_ < ato_ && pingpong_ < 255) ++pingpong_;
}

}  // namespace lvs::tcp
