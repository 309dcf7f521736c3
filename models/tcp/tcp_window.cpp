// Receive and send windows (../shared/spec via the kernel: net/ipv4/tcp_output.c,
// tcp_input.c, tcp.c, Linux 6.12):
//
//  - the handshake: tcp_select_initial_window() makes the SYN's window 64240 (half of the
//    131072-byte default buffer, rounded down to whole segments) and the window scale 7
//    (from tcp_rmem[2]); window fields in SYN and SYN+ACK are never scaled;
//  - at ESTABLISHED, tcp_init_buffer_space(): window_clamp = full space less one segment
//    (tcp_app_win), rcv_ssthresh clamped to it, rcvq_space = min(rcv_ssthresh, rcv_wnd, 10 MSS);
//  - every segment: tcp_select_window(): the smaller of the free buffer space and rcv_ssthresh,
//    rounded up to 1 << wscale, never shrinking the right edge; zero when the buffer is nearly
//    full (receiver silly-window avoidance);
//  - growth: tcp_grow_window() raises rcv_ssthresh per in-order segment; tcp_rcv_space_adjust()
//    (DRS) grows the buffer, and window_clamp with it, once per receiver RTT when the
//    application read more than last time;
//  - the send side: the peer's window (tcp_ack_update_window()), the send buffer
//    (tcp_sndbuf_expand(): 2 x max(10, cwnd) x 4352 bytes, 3 x for bbr), zero-window probes
//    (tcp_probe_timer(), tcp_send_probe0(): a bare ACK at snd_una - 1, backing off from
//    max(RTO, 200 ms) to 120 s) and the window update after a read (__tcp_cleanup_rbuf()).
//
// Simplifications: the scaling ratio stays at TCP_DEFAULT_SCALING_RATIO (50 %: an skb's
// truesize is taken as twice its payload; Linux re-measures it from the driver's buffers); the
// receiver's RTT estimate follows the connection's smoothed RTT when it has one (Linux takes it
// from echoed timestamps, which lvsim does not carry).
#include <algorithm>
#include <bit>

#include "models/tcp/seq.hpp"
#include "models/tcp/tcp_conn.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::tcp {

namespace flag = net::tcpflag;

namespace {

constexpr uint32_t kScalingRatio = 128;  // TCP_DEFAULT_SCALING_RATIO, x / 256
constexpr uint32_t kMaxWscale = 14;      // TCP_MAX_WSCALE
constexpr uint32_t kAdvMss = net::kMss;  // advmss (no timestamps on the wire)
// tcp_sndbuf_expand()'s per-segment memory for MSS 1460 on x86-64: roundup_pow_of_two(1460 +
// MAX_TCP_HEADER + shared info) + sizeof(struct sk_buff), rounded.
constexpr uint32_t kSndMemPerMss = 4352;

uint32_t win_from_space(int64_t space) {
    return space <= 0 ? 0 : static_cast<uint32_t>((space * kScalingRatio) >> 8);
}
uint64_t space_from_win(uint64_t win) { return (win << 8) / kScalingRatio; }
uint32_t align_up(uint32_t v, uint32_t to) { return (v + to - 1) / to * to; }
uint32_t now_us(const sim::Simulator& sim) { return static_cast<uint32_t>(sim.now().ns() / 1000); }

// tcp_select_initial_window(): the SYN's window, the clamp, and our window scale.
struct InitialWindow {
    uint32_t rcv_wnd, window_clamp;
    uint8_t wscale;
};
InitialWindow select_initial_window(const TcpSysctls& sys, uint32_t space, uint32_t mss, bool wscale_ok) {
    uint32_t clamp = 65535u << kMaxWscale;
    space = std::min(clamp, space);
    if (space > mss) space = space / mss * mss;
    InitialWindow w{space, clamp, 0};
    if (wscale_ok) {
        uint64_t s = std::max<uint64_t>(space, static_cast<uint64_t>(sys.tcp_rmem[2]));
        s = std::max<uint64_t>(s, static_cast<uint64_t>(sys.rmem_max));
        s = std::min<uint64_t>(s, clamp);
        const int log = static_cast<int>(std::bit_width(s)) - 1;
        w.wscale = static_cast<uint8_t>(std::clamp(log - 15, 0, static_cast<int>(kMaxWscale)));
    }
    w.window_clamp = std::min<uint32_t>(65535u << w.wscale, clamp);
    return w;
}

}  // namespace

uint32_t TcpConn::full_space() const { return win_from_space(rcvbuf_); }

uint32_t TcpConn::free_space() const {
    // tcp_space(): the buffer less what waits in it. The models' applications read at once; a
    // scripted socket's unread bytes and out-of-order data occupy it (truesize taken as twice
    // the payload, what the 50 % scaling ratio assumes).
    uint64_t queued = reads_on_demand_ ? rcv_nxt_ - copied_seq_ : 0;
    if (const LossState* ls = loss_if())
        for (uint32_t i = ls->ooo_head; i != 0; i = stack_.ooo_[i].next)
            queued += stack_.ooo_[i].end - stack_.ooo_[i].start;
    return win_from_space(static_cast<int64_t>(rcvbuf_) - static_cast<int64_t>(2 * queued));
}

uint32_t TcpConn::receive_window() const {
    const auto w = static_cast<int32_t>(rcv_wup_ + rcv_wnd_ - rcv_nxt_);
    return w < 0 ? 0 : static_cast<uint32_t>(w);
}

void TcpConn::init_windows_active() {
    const TcpSysctls& sys = stack_.sysctl();
    rcvbuf_ = static_cast<uint32_t>(sys.tcp_rmem[1]);
    sndbuf_ = static_cast<uint32_t>(sys.tcp_wmem[1]);
    wscale_ok_ = sys.tcp_window_scaling != 0;  // offered; settled by the SYN+ACK
    sack_ok_ = sys.tcp_sack != 0;
    const InitialWindow w = select_initial_window(sys, full_space(), kAdvMss, wscale_ok_);
    rcv_wnd_ = w.rcv_wnd;
    window_clamp_ = w.window_clamp;
    rcv_wscale_ = w.wscale;
    rcv_ssthresh_ = rcv_wnd_;
    snd_wnd_ = 0;
}

void TcpConn::init_windows_passive(const net::SynOptions& peer) {
    // tcp_openreq_init_rwin(): the options the SYN carried decide what both sides use.
    const TcpSysctls& sys = stack_.sysctl();
    rcvbuf_ = static_cast<uint32_t>(sys.tcp_rmem[1]);
    sndbuf_ = static_cast<uint32_t>(sys.tcp_wmem[1]);
    wscale_ok_ = sys.tcp_window_scaling != 0 && peer.has_wscale;
    sack_ok_ = sys.tcp_sack != 0 && peer.sack_ok;
    const InitialWindow w = select_initial_window(sys, full_space(), kAdvMss, wscale_ok_);
    rcv_wnd_ = w.rcv_wnd;
    window_clamp_ = w.window_clamp;
    rcv_wscale_ = wscale_ok_ ? w.wscale : 0;
    snd_wscale_ = wscale_ok_ ? std::min<uint8_t>(peer.wscale, kMaxWscale) : 0;
    if (!wscale_ok_) window_clamp_ = std::min<uint32_t>(window_clamp_, 65535);
    rcv_ssthresh_ = rcv_wnd_;
}

void TcpConn::peer_syn_options(const net::SynOptions& peer, uint16_t win) {
    // tcp_rcv_synsent_state_process(): what the SYN+ACK agreed to; its window is unscaled.
    wscale_ok_ = wscale_ok_ && peer.has_wscale;
    sack_ok_ = sack_ok_ && peer.sack_ok;
    if (wscale_ok_) {
        snd_wscale_ = std::min<uint8_t>(peer.wscale, kMaxWscale);
    } else {
        snd_wscale_ = rcv_wscale_ = 0;
        window_clamp_ = std::min<uint32_t>(window_clamp_, 65535);
    }
    snd_wnd_ = win;
}

void TcpConn::init_buffer_space() {
    // tcp_init_buffer_space(), at ESTABLISHED.
    const TcpSysctls& sys = stack_.sysctl();
    sndbuf_expand();
    rcv_wup_ = rcv_nxt_;
    copied_seq_ = rcv_nxt_;
    rcvq_seq_ = copied_seq_;
    rcvq_time_us_ = now_us(stack_.sim());
    const uint32_t maxwin = full_space();
    const auto app_win = static_cast<uint32_t>(sys.tcp_app_win);
    if (window_clamp_ >= maxwin) {
        window_clamp_ = maxwin;
        if (app_win != 0 && maxwin > 4 * kAdvMss)
            window_clamp_ = std::max(maxwin - (app_win >= 32 ? 0 : maxwin >> app_win), 4 * kAdvMss);
    }
    // Force reservation of one segment.
    if (app_win != 0 && window_clamp_ > 2 * kAdvMss && window_clamp_ + kAdvMss > maxwin)
        window_clamp_ = std::max(2 * kAdvMss, maxwin - kAdvMss);
    rcv_ssthresh_ = std::min(rcv_ssthresh_, window_clamp_);
    rcvq_space_ = std::min({rcv_ssthresh_, rcv_wnd_, stack_.profile().initial_cwnd * kAdvMss});
    bbr_init();  // tcp_init_transfer() -> tcp_init_congestion_control()
}

void TcpConn::sndbuf_expand() {
    const uint32_t segs =
        std::max({stack_.profile().initial_cwnd, cwnd_, loss_if() ? loss_if()->reordering + 1 : 4});
    const uint32_t factor = ca_ == CongestionControl::Bbr ? 3 : 2;
    const uint64_t sndmem = uint64_t{factor} * segs * kSndMemPerMss;
    if (sndbuf_ < sndmem)
        sndbuf_ = static_cast<uint32_t>(std::min<uint64_t>(sndmem, stack_.sysctl().tcp_wmem[2]));
}

uint32_t TcpConn::select_window_bytes() const {
    // __tcp_select_window().
    uint32_t mss = rcv_mss_;
    int64_t free = free_space();
    const uint32_t allowed = full_space();
    const uint32_t full = std::min(window_clamp_, allowed);
    if (mss > full) {
        mss = full;
        if (mss == 0) return 0;
    }
    if (free < static_cast<int64_t>(full >> 1)) {
        free = free / (int64_t{1} << rcv_wscale_) * (int64_t{1} << rcv_wscale_);
        if (free < static_cast<int64_t>(allowed >> 4) || free < static_cast<int64_t>(mss)) return 0;
    }
    if (free > static_cast<int64_t>(rcv_ssthresh_)) free = rcv_ssthresh_;
    const auto f = static_cast<uint32_t>(free);
    if (rcv_wscale_ != 0) return align_up(f, 1u << rcv_wscale_);
    uint32_t window = rcv_wnd_;
    if (window + mss <= f || window > f) window = f / mss * mss;
    else if (mss == full && f > window + (full >> 1)) window = f;
    return window;
}

uint16_t TcpConn::select_window() {
    // tcp_select_window(): never shrink the offered window (tcp_shrink_window = 0).
    const uint32_t cur = receive_window();
    uint32_t win = select_window_bytes();
    // __tcp_select_window(): a buffer more than half full ends quick ACKs (icsk_ack.quick = 0).
    if (free_space() < (std::min(window_clamp_, full_space()) >> 1)) quick_ = 0;
    if (win < cur) win = align_up(cur, 1u << rcv_wscale_);
    const uint32_t old = rcv_wnd_;
    rcv_wnd_ = win;
    rcv_wup_ = rcv_nxt_;
    if (win != old) {
        LVS_TRACE(stack_.sim(), stack_.entity(), trace::kind::tcp_rwnd)
            .f("conn", id_)
            .f("rcv_wnd", win)
            .f("rcv_ssthresh", rcv_ssthresh_)
            .f("window_clamp", window_clamp_)
            .f("rcvbuf", rcvbuf_);
    }
    win = std::min<uint32_t>(win, 65535u << rcv_wscale_) >> rcv_wscale_;
    if (win == 0 && old != 0) ++stack_.counters_.zero_window_adverts;
    return static_cast<uint16_t>(win);
}

void TcpConn::grow_window(uint32_t len) {
    // tcp_grow_window() for an in-order skb of `len` bytes (a train stands for one GRO skb).
    if (len < 128) return;
    const int64_t room = static_cast<int64_t>(std::min(window_clamp_, free_space())) - rcv_ssthresh_;
    if (room <= 0) return;
    const uint32_t incr = std::max(2 * kAdvMss, 2 * len);
    rcv_ssthresh_ += static_cast<uint32_t>(std::min<int64_t>(room, incr));
    quick_ |= 1;
}

void TcpConn::rcv_rtt_measure() {
    // rcv_rtt_est, in microseconds x 8. With timestamps (Linux's default) each full segment
    // gives a sample (tcp_rcv_rtt_measure_ts(), a 1/8 moving average); lvsim carries no
    // timestamps and takes its own smoothed RTT as that sample.
    if (srtt_us_ == 0) return;
    const uint32_t sample = srtt_us_ >> 3;
    if (rcv_rtt_us_ == 0) rcv_rtt_us_ = sample << 3;
    else
        rcv_rtt_us_ = static_cast<uint32_t>(static_cast<int64_t>(rcv_rtt_us_) + sample -
                                            (static_cast<int64_t>(rcv_rtt_us_) >> 3));
}

void TcpConn::rcv_space_adjust() {
    // tcp_rcv_space_adjust() (DRS): once per receiver RTT, a buffer for twice what the
    // application read, plus growth.
    const TcpSysctls& sys = stack_.sysctl();
    const uint32_t now = now_us(stack_.sim());
    const uint32_t elapsed = now - rcvq_time_us_;
    if (rcv_rtt_us_ == 0 || elapsed < (rcv_rtt_us_ >> 3)) return;
    const uint32_t copied_to = reads_on_demand_ ? copied_seq_ : rcv_nxt_;
    const uint32_t copied = copied_to - rcvq_seq_;
    if (copied > rcvq_space_) {
        if (sys.tcp_moderate_rcvbuf != 0 && rcvq_space_ != 0) {
            uint64_t rcvwin = (uint64_t{copied} << 1) + 16 * kAdvMss;
            const uint64_t grow = rcvwin * (copied - rcvq_space_) / rcvq_space_;
            rcvwin += grow << 1;
            const uint64_t rcvbuf =
                std::min<uint64_t>(space_from_win(rcvwin), static_cast<uint64_t>(sys.tcp_rmem[2]));
            if (rcvbuf > rcvbuf_) {
                rcvbuf_ = static_cast<uint32_t>(rcvbuf);
                window_clamp_ = win_from_space(rcvbuf_);
            }
        }
        rcvq_space_ = copied;
    }
    rcvq_seq_ = copied_to;
    rcvq_time_us_ = now;
}

void TcpConn::update_send_window(const net::Packet& p) {
    // tcp_ack_update_window() / tcp_may_update_window(): only a newer segment moves the window.
    const uint32_t nwin = uint32_t{p.win} << snd_wscale_;
    if (seq_gt(p.ack, snd_una_) || seq_gt(p.seq, snd_wl1_) ||
        (p.seq == snd_wl1_ && (nwin > snd_wnd_ || nwin == 0))) {
        snd_wl1_ = p.seq;
        snd_wnd_ = nwin;
    }
}

uint32_t TcpConn::send_limit() const {
    // The peer's window (tcp_wnd_end) and what the send buffer holds (sk_wmem_queued against
    // sk_sndbuf; queued bytes count as their payload, as GSO-sized skbs carry little overhead).
    const uint32_t by_window = snd_una_ + snd_wnd_;
    const uint32_t by_buffer = snd_una_ + sndbuf_;
    return static_cast<int32_t>(by_window - by_buffer) < 0 ? by_window : by_buffer;
}

void TcpConn::check_probe_timer() {
    // tcp_check_probe_timer(): nothing in flight, data waiting, the window shut. Linux keeps
    // keep-alive on another timer; here the probe takes the slot and keep-alive comes back when
    // the connection is idle again.
    if (packets_out_ != 0 || (timer_mode_ != TimerMode::None && timer_mode_ != TimerMode::Keepalive)) return;
    const Jiffies base = std::max(rto_, stack_.clock().from_us(stack_.sysctl().tcp_rto_min_us));
    arm_rtx(TimerMode::Probe0, base);
}

void TcpConn::send_probe0() {
    // tcp_send_probe0() / tcp_write_wakeup().
    const TcpSysctls& sys = stack_.sysctl();
    if (packets_out_ != 0 || !static_cast<bool>(static_cast<int32_t>(app_end_ - snd_nxt_) > 0)) {
        keepalive_probes_ = 0;
        backoff_ = 0;
        return;
    }
    if (keepalive_probes_ >= sys.tcp_retries2) {
        fail(SocketError::TimedOut, TcpEvent::Timeout);
        return;
    }
    ++stack_.counters_.zero_window_probes;
    if (static_cast<int32_t>(snd_nxt_ - (snd_una_ + snd_wnd_)) < 0) {
        timer_mode_ = TimerMode::None;
        output(true);  // the window opened a little: what fits of a segment, then the RTO
        if (packets_out_ != 0) {
            keepalive_probes_ = 0;
            backoff_ = 0;
            return;
        }
    } else {
        emit(flag::kAck, snd_una_ - 1);  // tcp_xmit_probe_skb(): a bare ACK below the window
    }
    ++keepalive_probes_;
    if (backoff_ < sys.tcp_retries2) ++backoff_;
    const Jiffies base = std::max(rto_, stack_.clock().from_us(sys.tcp_rto_min_us));
    const Jiffies when = std::min<Jiffies>(base << std::min<uint8_t>(backoff_, 10),
                                           stack_.clock().from_ms(sys.tcp_rto_max_ms));
    arm_rtx(TimerMode::Probe0, when);
}

void TcpConn::consume(uint32_t bytes) {
    copied_seq_ += bytes;
    if (state_ == TcpState::Closed) return;
    rcv_space_adjust();
    cleanup_rbuf(bytes);
}

void TcpConn::cleanup_rbuf(uint32_t copied) {
    // __tcp_cleanup_rbuf(): after a read, ACK if the window grew to at least twice what is left.
    if (copied == 0 || peer_fin_) return;
    const uint32_t now = receive_window();
    if (2 * now > window_clamp_) return;
    const uint32_t next = select_window_bytes();
    if (next != 0 && next >= 2 * now) send_ack();
}

}  // namespace lvs::tcp
