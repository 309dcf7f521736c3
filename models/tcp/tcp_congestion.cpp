// Congestion control (net/ipv4/tcp_cong.c, tcp_cubic.c; BBR in tcp_bbr.cpp): what each ACK
// adds to cwnd, what a loss leaves of it, and what happens after idle.
//
//  - Reno: slow start adds what was acknowledged up to ssthresh (tcp_slow_start()); congestion
//    avoidance adds one segment per cwnd acknowledged (tcp_cong_avoid_ai()); a loss halves.
//  - CUBIC (tcp_cubic.c "v2.3"): after a loss the window follows W(t) = C (t - K)^3 + W_max
//    with C = 0.4 and K the time to regain W_max, looking one min RTT ahead (bictcp_update());
//    never slower than Reno would be (TCP friendliness); a loss keeps 717/1024 of cwnd and
//    remembers W_max, lowered to 0.85 cwnd when the window shrank since (fast convergence);
//    HyStart leaves slow start when ACK trains stretch past half the minimum delay or the
//    round's minimum RTT rises by delay_min/8 (4-16 ms); idle shifts the epoch.
//
// Simplifications: CUBIC's record is created on first need (cwnd at hystart_low_window in slow
// start, congestion avoidance, a loss), its delay_min starting from the connection's minimum
// RTT; before that Linux would have tracked the same minimum. cubic_root() is cbrt() rounded
// as the kernel's table-and-Newton step rounds (within its 0.2 % error).
#include <algorithm>
#include <cmath>

#include "models/tcp/tcp_conn.hpp"
#include "models/tcp/tcp_stack.hpp"

namespace lvs::tcp {

namespace {

constexpr uint32_t kBetaScale = 1024;                        // BICTCP_BETA_SCALE
constexpr uint32_t kBeta = 717;                              // beta: 0.7
constexpr uint32_t kBicHz = 10;                              // BICTCP_HZ: K and t in 2^-10 s
constexpr uint64_t kCubeRttScale = 410;                      // bic_scale * 10
constexpr uint64_t kCubeFactor = (uint64_t{1} << 40) / 410;  // 2^(10+3*BICTCP_HZ) / cube_rtt_scale
constexpr uint32_t kBetaScaleFriendly = 8 * (1024 + 717) / 3 / (1024 - 717);  // 15
constexpr uint32_t kHystartLowWindow = 16;
constexpr uint32_t kHystartAckDeltaUs = 2000;
constexpr uint8_t kHystartMinSamples = 8;

uint32_t cubic_root(uint64_t a) {
    return static_cast<uint32_t>(std::llround(std::cbrt(static_cast<double>(a))));
}

uint32_t clamp_delay_thresh(uint32_t x) {
    return std::clamp<uint32_t>(x, 4000, 16000);
}  // HYSTART_DELAY_THRESH

}  // namespace

bool TcpConn::uses(CongestionControl c) const { return ca_ == c; }

uint64_t TcpConn::pacing_rate() const {
    if (paced()) return const_cast<TcpConn*>(this)->bbr().pacing_rate;
    // tcp_update_pacing_rate() (tcp_input.c), which Linux runs after every ACK for a congestion
    // control without cong_control(): twice cwnd x mss / srtt while cwnd < ssthresh / 2
    // (tcp_pacing_ss_ratio 200), 1.2 times after (tcp_pacing_ca_ratio 120). Nothing paces by it
    // here (no fq), but it sizes the bursts. Before the first RTT sample it is ~0 (unlimited).
    if (srtt_us_ == 0) return UINT64_MAX;
    const uint64_t ratio = ssthresh_ == UINT32_MAX || cwnd_ < ssthresh_ / 2 ? 200 : 120;
    const uint64_t window = std::max(cwnd_, packets_out_);
    return uint64_t{net::kMss} * ((1'000'000 / 100) << 3) * ratio * window / srtt_us_;
}

uint32_t TcpConn::tso_segs() const {
    // tcp_tso_segs() and tcp_tso_autosize() (tcp_output.c, Linux >= 5.18): a burst holds about
    // 1 ms of the pacing rate (sk_pacing_shift 10), plus an allowance for close peers that
    // halves every 2^tcp_tso_rtt_log (9: 512 us) of min RTT, capped at sk_gso_max_size (64 KB)
    // and at least tcp_min_tso_segs (2; BBR's bbr_min_tso_segs() allows 1 below 1.2 Mbit/s).
    // One burst is one train here, and the receiver acknowledges a train at once (as GRO
    // does), so this is what keeps an unpaced sender's ACK clock at about one ACK per ms.
    constexpr uint64_t kGsoMaxSize = 65536;
    const uint64_t rate = pacing_rate();
    uint64_t bytes = rate == UINT64_MAX ? kGsoMaxSize : rate >> 10;
    const uint32_t r = min_rtt_us_ >> 9;
    if (r < 32) bytes += kGsoMaxSize >> r;
    bytes = std::min(bytes, kGsoMaxSize);
    const uint32_t min_segs = paced() && rate < 1'200'000 / 8 ? 1 : 2;
    return std::max(static_cast<uint32_t>(bytes / net::kMss), min_segs);
}

CubicState& TcpConn::cubic() {
    if (cc_ == 0) {
        cc_ = stack_.cubics_.allocate();
        CubicState& ca = stack_.cubics_[cc_];
        ca = CubicState{};
        ca.delay_min = min_rtt_us_ == UINT32_MAX ? 0 : min_rtt_us_;
        hystart_reset(ca);
    }
    return stack_.cubics_[cc_];
}

void TcpConn::hystart_reset(CubicState& ca) {
    // bictcp_hystart_reset().
    const auto now_us = static_cast<uint32_t>(stack_.sim().now().ns() / 1000);
    ca.round_start = ca.last_ack = now_us;
    ca.end_seq = snd_nxt_;
    ca.curr_rtt = UINT32_MAX;
    ca.sample_cnt = 0;
}

void TcpConn::slow_start_or_avoid(uint32_t acked) {
    // tcp_reno_cong_avoid() / cubictcp_cong_avoid(): the caller has checked tcp_is_cwnd_limited().
    if (cwnd_ < ssthresh_) {
        // tcp_slow_start(): up to ssthresh; what is left over goes to avoidance.
        const uint32_t next = std::min(cwnd_ + acked, ssthresh_);
        acked -= next - cwnd_;
        cwnd_ = next;
        if (acked == 0) return;
    }
    uint32_t w = cwnd_;
    if (uses(CongestionControl::Cubic)) {
        bictcp_update(cubic(), acked);
        w = cubic().cnt;
    }
    // tcp_cong_avoid_ai(): one segment per w acknowledged.
    if (snd_cwnd_cnt_ >= w) {
        snd_cwnd_cnt_ = 0;
        ++cwnd_;
    }
    snd_cwnd_cnt_ += acked;
    if (snd_cwnd_cnt_ >= w) {
        const uint32_t delta = snd_cwnd_cnt_ / w;
        snd_cwnd_cnt_ -= delta * w;
        cwnd_ += delta;
    }
}

void TcpConn::bictcp_update(CubicState& ca, uint32_t acked) {
    const uint32_t cwnd = cwnd_;
    const auto now = static_cast<uint32_t>(now_jiffies());
    const uint32_t hz = stack_.clock().hz();
    ca.ack_cnt += acked;
    if (ca.last_cwnd == cwnd && static_cast<int32_t>(now - ca.last_time) <= static_cast<int32_t>(hz / 32))
        return;
    if (!(ca.epoch_start != 0 && now == ca.last_time)) {
        ca.last_cwnd = cwnd;
        ca.last_time = now;
        if (ca.epoch_start == 0) {  // a new epoch, after every reduction
            ca.epoch_start = now == 0 ? 1 : now;
            ca.ack_cnt = acked;
            ca.tcp_cwnd = cwnd;
            if (ca.last_max_cwnd <= cwnd) {
                ca.bic_K = 0;
                ca.bic_origin_point = cwnd;
            } else {
                ca.bic_K = cubic_root(kCubeFactor * (ca.last_max_cwnd - cwnd));
                ca.bic_origin_point = ca.last_max_cwnd;
            }
        }
        // t: the time since the epoch began, one min RTT ahead, in 2^-10 s.
        uint64_t t = static_cast<uint32_t>(now - ca.epoch_start);
        t += static_cast<uint64_t>(stack_.clock().from_us(ca.delay_min));
        t = (t << kBicHz) / hz;
        const uint64_t offs = t < ca.bic_K ? ca.bic_K - t : t - ca.bic_K;
        const uint64_t delta = (kCubeRttScale * offs * offs * offs) >> (10 + 3 * kBicHz);
        const uint64_t target = t < ca.bic_K ? ca.bic_origin_point - delta : ca.bic_origin_point + delta;
        if (target > cwnd) ca.cnt = static_cast<uint32_t>(cwnd / (target - cwnd));
        else ca.cnt = 100 * cwnd;                               // a very small increment
        if (ca.last_max_cwnd == 0 && ca.cnt > 20) ca.cnt = 20;  // no W_max known: at least 5 % per RTT
    }
    // TCP friendliness: never slower than Reno's estimate of its own window.
    const uint32_t per_segment = (cwnd * kBetaScaleFriendly) >> 3;
    while (per_segment != 0 && ca.ack_cnt > per_segment) {
        ca.ack_cnt -= per_segment;
        ++ca.tcp_cwnd;
    }
    if (ca.tcp_cwnd > cwnd) {
        const uint32_t max_cnt = cwnd / (ca.tcp_cwnd - cwnd);
        if (ca.cnt > max_cnt) ca.cnt = max_cnt;
    }
    ca.cnt = std::max(ca.cnt, 2u);
}

void TcpConn::cc_pkts_acked(int64_t rtt_us) {
    // cubictcp_acked(): the minimum delay, and HyStart in the initial slow start.
    if (!uses(CongestionControl::Cubic) || rtt_us < 0) return;
    const bool in_slow_start = cwnd_ < ssthresh_;
    if (cc_ == 0 && !(in_slow_start && cwnd_ >= kHystartLowWindow)) return;  // nothing to keep yet
    CubicState& ca = cubic();
    const auto now = static_cast<uint32_t>(now_jiffies());
    if (ca.epoch_start != 0 &&
        static_cast<int32_t>(now - ca.epoch_start) < static_cast<int32_t>(stack_.clock().hz()))
        return;  // the first second after a reduction
    const auto delay = static_cast<uint32_t>(std::max<int64_t>(rtt_us, 1));
    if (ca.delay_min == 0 || ca.delay_min > delay) ca.delay_min = delay;
    if (!ca.found && in_slow_start) hystart_update(ca, delay);
}

void TcpConn::hystart_update(CubicState& ca, uint32_t delay) {
    // hystart_update() (Linux 6.12).
    if (static_cast<int32_t>(snd_una_ - ca.end_seq) > 0) hystart_reset(ca);  // a new round
    if (cwnd_ < kHystartLowWindow) return;
    const auto now_us = static_cast<uint32_t>(stack_.sim().now().ns() / 1000);
    // ACK trains: the ACKs of one round keep coming less than 2 ms apart for longer than half
    // the minimum delay (unpaced).
    if (static_cast<int32_t>(now_us - ca.last_ack) <= static_cast<int32_t>(kHystartAckDeltaUs)) {
        ca.last_ack = now_us;
        const uint32_t threshold = ca.delay_min >> 1;
        if (static_cast<int32_t>(now_us - ca.round_start) > static_cast<int32_t>(threshold)) {
            ca.found = true;
            ssthresh_ = cwnd_;
        }
    }
    // Delay increase: the round's minimum RTT, after 8 samples, above delay_min plus an eighth.
    if (ca.curr_rtt > delay) ca.curr_rtt = delay;
    if (ca.sample_cnt < kHystartMinSamples) {
        ++ca.sample_cnt;
    } else if (ca.curr_rtt > ca.delay_min + clamp_delay_thresh(ca.delay_min >> 3)) {
        ca.found = true;
        ssthresh_ = cwnd_;
    }
}

uint32_t TcpConn::cc_ssthresh() {
    // ca_ops->ssthresh().
    if (uses(CongestionControl::Reno)) return std::max<uint32_t>(cwnd_ >> 1, 2);  // tcp_reno_ssthresh()
    if (uses(CongestionControl::Bbr)) return bbr_ssthresh();
    // cubictcp_recalc_ssthresh(): remember W_max (lowered when the window shrank: fast convergence).
    CubicState& ca = cubic();
    ca.epoch_start = 0;
    if (cwnd_ < ca.last_max_cwnd) ca.last_max_cwnd = cwnd_ * (kBetaScale + kBeta) / (2 * kBetaScale);
    else ca.last_max_cwnd = cwnd_;
    return std::max<uint32_t>(cwnd_ * kBeta / kBetaScale, 2);
}

void TcpConn::cc_enter_loss_state() {
    // ca_ops->set_state(TCP_CA_Loss): CUBIC forgets W_max and the delay and re-arms HyStart.
    if (uses(CongestionControl::Cubic) && cc_ != 0) {
        CubicState& ca = cubic();
        const uint32_t keep_time = ca.last_time;
        ca = CubicState{};
        ca.last_time = keep_time;
        hystart_reset(ca);
    } else if (uses(CongestionControl::Bbr)) {
        bbr_on_loss_state();
    }
}

void TcpConn::cc_tx_start() {
    // CA_EVENT_TX_START (tcp_event_data_sent() with nothing in flight).
    if (uses(CongestionControl::Cubic) && cc_ != 0 && cubic().epoch_start != 0) {
        // cubictcp_cwnd_event(): shift the epoch by the idle time since lsndtime, so the curve
        // does not jump.
        CubicState& ca = cubic();
        const auto now = static_cast<uint32_t>(now_jiffies());
        const auto idle =
            static_cast<int32_t>(now - static_cast<uint32_t>(stack_.clock().jiffies(last_send_)));
        if (idle > 0) {
            ca.epoch_start += static_cast<uint32_t>(idle);
            if (static_cast<int32_t>(ca.epoch_start - now) > 0) ca.epoch_start = now;
        }
    } else if (uses(CongestionControl::Bbr)) {
        bbr_tx_start();
    }
}

void TcpConn::free_congestion_state() {
    if (cc_ == 0) return;
    if (uses(CongestionControl::Bbr)) stack_.bbrs_.free(cc_);
    else stack_.cubics_.free(cc_);
    cc_ = 0;
}

}  // namespace lvs::tcp
