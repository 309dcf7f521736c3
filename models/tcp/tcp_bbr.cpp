// BBR v1 as Linux 6.x has it (net/ipv4/tcp_bbr.c); the delivery-rate sampler it feeds on
// (net/ipv4/tcp_rate.c) and pacing by departure time are in tcp_rate.cpp.
//
// BBR models the path instead of reacting to loss: the bottleneck bandwidth is the largest
// delivery rate of the last 10 round trips, the propagation delay the smallest RTT of the last
// 10 s. It paces at gain x bandwidth and keeps cwnd at gain x bandwidth x min RTT (plus room for
// ACK aggregation). STARTUP grows at 2/ln 2 until the bandwidth stops growing by 25 % for three
// rounds, DRAIN empties the queue it built, PROBE_BW cycles the pacing gain 1.25, 0.75, 1 x 6,
// and every 10 s without a new minimum PROBE_RTT holds cwnd at 4 for 200 ms. A loss does not
// cut the rate: the first round of recovery conserves packets; a policer shows as a long-term
// bandwidth that BBR then uses (bbr_lt_bw_sampling()).
//
// Simplifications: the sampler's times are microseconds in 32 bits (wrapping after 71 minutes of
// a connection's life, harmlessly for the intervals BBR takes); a segment's departure is its
// pacing time (EDT, as fq releases it), with TSO bursts of bbr_tso_segs_goal() segments; TCP
// small queues are not modelled (the whole window is handed to the "qdisc" at once, each burst
// stamped with its departure).
#include <algorithm>

#include "models/tcp/seq.hpp"
#include "models/tcp/tcp_conn.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::tcp {

namespace {

constexpr uint32_t kBwScale = 24;
constexpr uint64_t kBwUnit = uint64_t{1} << kBwScale;
constexpr uint32_t kBbrUnit = 256;                          // BBR_UNIT
constexpr uint32_t kHighGain = kBbrUnit * 2885 / 1000 + 1;  // 739: 2/ln(2)
constexpr uint32_t kDrainGain = kBbrUnit * 1000 / 2885;     // 88
constexpr uint32_t kCwndGain = kBbrUnit * 2;
constexpr uint16_t kPacingGain[8] = {kBbrUnit * 5 / 4, kBbrUnit * 3 / 4, kBbrUnit, kBbrUnit,
                                     kBbrUnit,         kBbrUnit,         kBbrUnit, kBbrUnit};
constexpr uint32_t kCycleLen = 8;
constexpr uint32_t kBwRtts = kCycleLen + 2;  // bbr_bw_rtts
constexpr uint32_t kMinRttWinSec = 10;
constexpr uint32_t kProbeRttModeMs = 200;
constexpr uint32_t kCwndMinTarget = 4;
constexpr uint32_t kFullBwThresh = kBbrUnit * 5 / 4;
constexpr uint32_t kFullBwCnt = 3;
constexpr uint32_t kLtIntvlMinRtts = 4;
constexpr uint32_t kLtLossThresh = 50;
constexpr uint32_t kLtBwRatio = kBbrUnit / 8;
constexpr uint32_t kLtBwDiff = 4000 / 8;  // bytes per second
constexpr uint32_t kLtBwMaxRtts = 48;
constexpr uint32_t kExtraAckedGain = kBbrUnit;
constexpr uint32_t kExtraAckedWinRtts = 5;
constexpr uint32_t kAckEpochAckedResetThresh = 1u << 20;
constexpr uint32_t kExtraAckedMaxUs = 100 * 1000;
constexpr uint32_t kPacingMarginPercent = 1;
constexpr uint64_t kMinTsoRate = 1'200'000;  // bits per second

}  // namespace

uint32_t MinMax::running_max(uint32_t win, uint32_t t, uint32_t meas) {
    // minmax_running_max() (lib/win_minmax.c): the best, second best and third best of the
    // window, each replaced as it ages out.
    const Sample val{t, meas};
    if (meas >= s[0].v || t - s[2].t > win) {
        reset(t, meas);
        return s[0].v;
    }
    if (meas >= s[1].v) s[2] = s[1] = val;
    else if (meas >= s[2].v) s[2] = val;
    // minmax_subwin_update().
    const uint32_t dt = t - s[0].t;
    if (dt > win) {
        s[0] = s[1];
        s[1] = s[2];
        s[2] = val;
        if (t - s[0].t > win) {
            s[0] = s[1];
            s[1] = s[2];
            s[2] = val;
        }
    } else if (s[1].t == s[0].t && dt > win / 4) {
        s[2] = s[1] = val;
    } else if (s[2].t == s[1].t && dt > win / 2) {
        s[2] = val;
    }
    return s[0].v;
}

BbrState& TcpConn::bbr() { return stack_.bbrs_[cc_]; }

bool TcpConn::paced() const { return cc_ != 0 && uses(CongestionControl::Bbr); }

uint32_t TcpConn::now_us32() const { return static_cast<uint32_t>(stack_.sim().now().ns() / 1000); }

void TcpConn::bbr_init() {
    // bbr_init(), at ESTABLISHED.
    if (!uses(CongestionControl::Bbr)) return;
    if (cc_ == 0) cc_ = stack_.bbrs_.allocate();
    BbrState& b = stack_.bbrs_[cc_];
    b = BbrState{};
    b.min_rtt_us = min_rtt_us_;
    b.min_rtt_stamp = static_cast<uint32_t>(now_jiffies());
    b.bw.reset(0, 0);
    b.mode = BbrMode::Startup;
    b.ack_epoch_mstamp = now_us32();
    b.delivered_mstamp = now_us32();
    b.app_limited = UINT32_MAX;  // ~0U: app-limited until the first burst is delivered
    bbr_init_pacing_rate_from_rtt();
    b.pacing_gain = b.cwnd_gain = kHighGain;
}

uint64_t TcpConn::bbr_rate_bytes_per_sec(uint64_t rate, uint32_t gain) const {
    rate *= net::kMss;
    rate *= gain;
    rate >>= 8;
    rate *= 1'000'000 / 100 * (100 - kPacingMarginPercent);
    return rate >> kBwScale;
}

void TcpConn::bbr_init_pacing_rate_from_rtt() {
    BbrState& b = bbr();
    uint32_t rtt_us = 1000;  // USEC_PER_MSEC without a sample
    if (srtt_us_ != 0) {
        rtt_us = std::max<uint32_t>(srtt_us_ >> 3, 1);
        b.has_seen_rtt = true;
    }
    const uint64_t bw = uint64_t{cwnd_} * kBwUnit / rtt_us;
    b.pacing_rate = bbr_rate_bytes_per_sec(bw, kHighGain);
}

uint32_t TcpConn::bbr_max_bw() { return bbr().bw.get(); }
uint32_t TcpConn::bbr_bw() { return bbr().lt_use_bw ? bbr().lt_bw : bbr_max_bw(); }

uint32_t TcpConn::bbr_tso_segs_goal() {
    // bbr_tso_segs_goal(): about 1 ms of the pacing rate per burst, 2 segments at least.
    const BbrState& b = bbr();
    const uint64_t bytes = std::min<uint64_t>(b.pacing_rate >> 10, 65536 - 1 - 320);
    const uint32_t min_segs = b.pacing_rate < kMinTsoRate / 8 ? 1 : 2;
    return std::min<uint32_t>(std::max<uint32_t>(static_cast<uint32_t>(bytes / net::kMss), min_segs), 127);
}

uint32_t TcpConn::bbr_bdp(uint32_t bw, uint32_t gain) {
    const BbrState& b = bbr();
    if (b.min_rtt_us == UINT32_MAX) return stack_.profile().initial_cwnd;  // no RTT sample yet
    const uint64_t w = uint64_t{bw} * b.min_rtt_us;
    return static_cast<uint32_t>((((w * gain) >> 8) + kBwUnit - 1) / kBwUnit);
}

uint32_t TcpConn::bbr_quantization_budget(uint32_t cwnd) {
    cwnd += 3 * bbr_tso_segs_goal();
    cwnd = (cwnd + 1) & ~1u;
    if (bbr().mode == BbrMode::ProbeBw && bbr().cycle_idx == 0) cwnd += 2;
    return cwnd;
}

uint32_t TcpConn::bbr_inflight(uint32_t bw, uint32_t gain) {
    return bbr_quantization_budget(bbr_bdp(bw, gain));
}

uint32_t TcpConn::bbr_packets_in_net_at_edt(uint32_t inflight_now) {
    // What will still be in the network when the next burst departs.
    BbrState& b = bbr();
    const sim::Time now = stack_.sim().now();
    const sim::Time edt = std::max(b.wstamp, now);
    const uint64_t interval_us = static_cast<uint64_t>((edt - now).ns() / 1000);
    const uint64_t interval_delivered = (uint64_t{bbr_bw()} * interval_us) >> kBwScale;
    uint64_t at_edt = inflight_now;
    if (b.pacing_gain > kBbrUnit) at_edt += bbr_tso_segs_goal();
    return at_edt > interval_delivered ? static_cast<uint32_t>(at_edt - interval_delivered) : 0;
}

void TcpConn::bbr_save_cwnd() {
    BbrState& b = bbr();
    if (b.prev_ca_state < static_cast<uint8_t>(CaState::Recovery) && b.mode != BbrMode::ProbeRtt)
        b.prior_cwnd = cwnd_;
    else b.prior_cwnd = std::max(b.prior_cwnd, cwnd_);
}

uint32_t TcpConn::bbr_ssthresh() {
    bbr_save_cwnd();  // bbr_ssthresh(): no multiplicative decrease
    return ssthresh_;
}

void TcpConn::bbr_reset_lt_bw_sampling_interval() {
    BbrState& b = bbr();
    b.lt_last_stamp = b.delivered_mstamp / 1000;
    b.lt_last_delivered = b.delivered;
    b.lt_last_lost = b.lost;
    b.lt_rtt_cnt = 0;
}

void TcpConn::bbr_reset_lt_bw_sampling() {
    BbrState& b = bbr();
    b.lt_bw = 0;
    b.lt_use_bw = false;
    b.lt_is_sampling = false;
    bbr_reset_lt_bw_sampling_interval();
}

void TcpConn::bbr_on_loss_state() {
    // bbr_set_state(TCP_CA_Loss).
    if (cc_ == 0) return;
    BbrState& b = bbr();
    b.prev_ca_state = static_cast<uint8_t>(CaState::Loss);
    b.full_bw = 0;
    b.round_start = true;
    RateSample rs;
    rs.losses = 1;
    bbr_lt_bw_sampling(rs);
}

void TcpConn::bbr_tx_start() {
    // bbr_cwnd_event(CA_EVENT_TX_START).
    if (cc_ == 0) return;
    BbrState& b = bbr();
    if (b.app_limited == 0) return;
    b.idle_restart = true;
    b.ack_epoch_mstamp = now_us32();
    b.ack_epoch_acked = 0;
    if (b.mode == BbrMode::ProbeBw) bbr_set_pacing_rate(bbr_bw(), kBbrUnit);
    else if (b.mode == BbrMode::ProbeRtt) bbr_check_probe_rtt_done();
}

void TcpConn::bbr_set_pacing_rate(uint32_t bw, uint32_t gain) {
    BbrState& b = bbr();
    const uint64_t rate = bbr_rate_bytes_per_sec(bw, gain);
    if (!b.has_seen_rtt && srtt_us_ != 0) bbr_init_pacing_rate_from_rtt();
    if (b.full_bw_reached || rate > b.pacing_rate) b.pacing_rate = rate;
}

void TcpConn::bbr_lt_bw_interval_done(uint32_t bw) {
    BbrState& b = bbr();
    if (b.lt_bw != 0) {
        const uint32_t diff = bw > b.lt_bw ? bw - b.lt_bw : b.lt_bw - bw;
        if (uint64_t{diff} * kBbrUnit <= uint64_t{kLtBwRatio} * b.lt_bw ||
            bbr_rate_bytes_per_sec(diff, kBbrUnit) <= kLtBwDiff) {
            b.lt_bw = (bw + b.lt_bw) >> 1;  // a policer: use the average
            b.lt_use_bw = true;
            b.pacing_gain = kBbrUnit;
            b.lt_rtt_cnt = 0;
            return;
        }
    }
    b.lt_bw = bw;
    bbr_reset_lt_bw_sampling_interval();
}

void TcpConn::bbr_lt_bw_sampling(const RateSample& rs) {
    BbrState& b = bbr();
    if (b.lt_use_bw) {
        if (b.mode == BbrMode::ProbeBw && b.round_start && ++b.lt_rtt_cnt >= kLtBwMaxRtts) {
            bbr_reset_lt_bw_sampling();
            bbr_reset_probe_bw_mode();
        }
        return;
    }
    if (!b.lt_is_sampling) {
        if (rs.losses == 0) return;
        bbr_reset_lt_bw_sampling_interval();
        b.lt_is_sampling = true;
    }
    if (rs.is_app_limited) {
        bbr_reset_lt_bw_sampling();
        return;
    }
    if (b.round_start) ++b.lt_rtt_cnt;
    if (b.lt_rtt_cnt < kLtIntvlMinRtts) return;
    if (b.lt_rtt_cnt > 4 * kLtIntvlMinRtts) {
        bbr_reset_lt_bw_sampling();
        return;
    }
    if (rs.losses == 0) return;
    const uint32_t lost = b.lost - b.lt_last_lost;
    const uint32_t delivered = b.delivered - b.lt_last_delivered;
    if (delivered == 0 || (uint64_t{lost} << 8) < uint64_t{kLtLossThresh} * delivered) return;
    const auto t = static_cast<int32_t>(b.delivered_mstamp / 1000 - b.lt_last_stamp);
    if (t < 1) return;
    const uint64_t bw = uint64_t{delivered} * kBwUnit / (static_cast<uint64_t>(t) * 1000);
    bbr_lt_bw_interval_done(static_cast<uint32_t>(std::min<uint64_t>(bw, UINT32_MAX)));
}

void TcpConn::bbr_reset_probe_bw_mode() {
    BbrState& b = bbr();
    b.mode = BbrMode::ProbeBw;
    b.cycle_idx = static_cast<uint8_t>(kCycleLen - 1 - stack_.rng_.below(kCycleLen - 1));
    // bbr_advance_cycle_phase().
    b.cycle_idx = static_cast<uint8_t>((b.cycle_idx + 1) & (kCycleLen - 1));
    b.cycle_mstamp = b.delivered_mstamp;
}

void TcpConn::bbr_reset_mode() {
    if (!bbr().full_bw_reached) bbr().mode = BbrMode::Startup;
    else bbr_reset_probe_bw_mode();
}

void TcpConn::bbr_check_probe_rtt_done() {
    BbrState& b = bbr();
    const auto now = static_cast<uint32_t>(now_jiffies());
    if (!(b.probe_rtt_done_stamp != 0 && seq_gt(now, b.probe_rtt_done_stamp))) return;
    b.min_rtt_stamp = now;
    cwnd_ = std::max(cwnd_, b.prior_cwnd);
    bbr_reset_mode();
}

namespace {
const char* mode_name(BbrMode m) {
    switch (m) {
        case BbrMode::Startup: return "startup";
        case BbrMode::Drain: return "drain";
        case BbrMode::ProbeBw: return "probe_bw";
        case BbrMode::ProbeRtt: return "probe_rtt";
    }
    return "?";
}
}  // namespace

void TcpConn::bbr_main(const RateSample& rs) {
    const BbrMode mode_before = bbr().mode;
    bbr_model(rs);
    BbrState& b = bbr();
    if (b.mode != mode_before) {
        LVS_TRACE(stack_.sim(), stack_.entity(), trace::kind::tcp_bbr)
            .f("conn", id_)
            .f("mode", mode_name(b.mode))
            .f("bw_bps", static_cast<int64_t>(bbr_rate_bytes_per_sec(bbr_bw(), kBbrUnit) * 8))
            .f("min_rtt_us", b.min_rtt_us)
            .f("pacing_rate_bps", static_cast<int64_t>(b.pacing_rate * 8))
            .f("cwnd", cwnd_);
    }
}

void TcpConn::bbr_model(const RateSample& rs) {
    BbrState& b = bbr();
    // bbr_update_model(): bandwidth and rounds.
    b.round_start = false;
    if (rs.delivered >= 0 && rs.interval_us > 0) {
        if (!seq_gt(b.next_rtt_delivered, rs.prior_delivered)) {
            b.next_rtt_delivered = b.delivered;
            ++b.rtt_cnt;
            b.round_start = true;
            b.packet_conservation = false;
        }
        bbr_lt_bw_sampling(rs);
        const uint64_t bw =
            static_cast<uint64_t>(rs.delivered) * kBwUnit / static_cast<uint64_t>(rs.interval_us);
        const auto bw32 = static_cast<uint32_t>(std::min<uint64_t>(bw, UINT32_MAX));
        if (!rs.is_app_limited || bw32 >= bbr_max_bw()) b.bw.running_max(kBwRtts, b.rtt_cnt, bw32);
    }
    // bbr_update_ack_aggregation().
    if (rs.acked_sacked > 0 && rs.delivered >= 0 && rs.interval_us > 0) {
        if (b.round_start) {
            b.extra_acked_win_rtts =
                static_cast<uint8_t>(std::min<uint32_t>(0x1F, b.extra_acked_win_rtts + 1u));
            if (b.extra_acked_win_rtts >= kExtraAckedWinRtts) {
                b.extra_acked_win_rtts = 0;
                b.extra_acked_win_idx ^= 1;
                b.extra_acked[b.extra_acked_win_idx] = 0;
            }
        }
        const uint32_t epoch_us = b.delivered_mstamp - b.ack_epoch_mstamp;
        uint64_t expected = (uint64_t{bbr_bw()} * epoch_us) >> kBwScale;
        if (b.ack_epoch_acked <= expected ||
            b.ack_epoch_acked + rs.acked_sacked >= kAckEpochAckedResetThresh) {
            b.ack_epoch_acked = 0;
            b.ack_epoch_mstamp = b.delivered_mstamp;
            expected = 0;
        }
        b.ack_epoch_acked = std::min<uint32_t>(0xFFFFF, b.ack_epoch_acked + rs.acked_sacked);
        const uint64_t extra = std::min<uint64_t>(b.ack_epoch_acked - expected, cwnd_);
        if (extra > b.extra_acked[b.extra_acked_win_idx])
            b.extra_acked[b.extra_acked_win_idx] = static_cast<uint16_t>(std::min<uint64_t>(extra, 0xFFFF));
    }
    // bbr_update_cycle_phase().
    if (b.mode == BbrMode::ProbeBw) {
        const bool full_length =
            static_cast<int32_t>(b.delivered_mstamp - b.cycle_mstamp) > static_cast<int32_t>(b.min_rtt_us);
        bool next = full_length;
        if (b.pacing_gain != kBbrUnit) {
            const uint32_t inflight = bbr_packets_in_net_at_edt(rs.prior_in_flight);
            const uint32_t bw = bbr_max_bw();
            if (b.pacing_gain > kBbrUnit)
                next = full_length && (rs.losses > 0 || inflight >= bbr_inflight(bw, b.pacing_gain));
            else next = full_length || inflight <= bbr_inflight(bw, kBbrUnit);
        }
        if (next) {
            b.cycle_idx = static_cast<uint8_t>((b.cycle_idx + 1) & (kCycleLen - 1));
            b.cycle_mstamp = b.delivered_mstamp;
        }
    }
    // bbr_check_full_bw_reached().
    if (!b.full_bw_reached && b.round_start && !rs.is_app_limited) {
        if (uint64_t{bbr_max_bw()} >= (uint64_t{b.full_bw} * kFullBwThresh >> 8)) {
            b.full_bw = bbr_max_bw();
            b.full_bw_cnt = 0;
        } else {
            ++b.full_bw_cnt;
            b.full_bw_reached = b.full_bw_cnt >= kFullBwCnt;
        }
    }
    // bbr_check_drain().
    if (b.mode == BbrMode::Startup && b.full_bw_reached) {
        b.mode = BbrMode::Drain;
        ssthresh_ = bbr_inflight(bbr_max_bw(), kBbrUnit);
    }
    if (b.mode == BbrMode::Drain &&
        bbr_packets_in_net_at_edt(packets_in_flight()) <= bbr_inflight(bbr_max_bw(), kBbrUnit))
        bbr_reset_probe_bw_mode();
    // bbr_update_min_rtt() and PROBE_RTT.
    const auto now = static_cast<uint32_t>(now_jiffies());
    const bool expired = seq_gt(now, b.min_rtt_stamp + kMinRttWinSec * stack_.clock().hz());
    if (rs.rtt_us >= 0 && (rs.rtt_us < b.min_rtt_us || expired)) {
        b.min_rtt_us = static_cast<uint32_t>(rs.rtt_us);
        b.min_rtt_stamp = now;
    }
    if (expired && !b.idle_restart && b.mode != BbrMode::ProbeRtt) {
        b.mode = BbrMode::ProbeRtt;
        bbr_save_cwnd();
        b.probe_rtt_done_stamp = 0;
    }
    if (b.mode == BbrMode::ProbeRtt) {
        b.app_limited = std::max<uint32_t>(b.delivered + packets_in_flight(), 1);
        if (b.probe_rtt_done_stamp == 0 && packets_in_flight() <= kCwndMinTarget) {
            b.probe_rtt_done_stamp =
                std::max<uint32_t>(now + static_cast<uint32_t>(stack_.clock().from_ms(kProbeRttModeMs)), 1);
            b.probe_rtt_round_done = false;
            b.next_rtt_delivered = b.delivered;
        } else if (b.probe_rtt_done_stamp != 0) {
            if (b.round_start) b.probe_rtt_round_done = true;
            if (b.probe_rtt_round_done) bbr_check_probe_rtt_done();
        }
    }
    if (rs.delivered > 0) b.idle_restart = false;
    // bbr_update_gains().
    switch (b.mode) {
        case BbrMode::Startup: b.pacing_gain = b.cwnd_gain = kHighGain; break;
        case BbrMode::Drain:
            b.pacing_gain = kDrainGain;
            b.cwnd_gain = kHighGain;
            break;
        case BbrMode::ProbeBw:
            b.pacing_gain = b.lt_use_bw ? kBbrUnit : kPacingGain[b.cycle_idx];
            b.cwnd_gain = kCwndGain;
            break;
        case BbrMode::ProbeRtt: b.pacing_gain = b.cwnd_gain = kBbrUnit; break;
    }
    const uint32_t bw = bbr_bw();
    bbr_set_pacing_rate(bw, b.pacing_gain);
    bbr_set_cwnd(rs, rs.acked_sacked, bw, b.cwnd_gain);
}

void TcpConn::bbr_set_cwnd(const RateSample& rs, uint32_t acked, uint32_t bw, uint32_t gain) {
    BbrState& b = bbr();
    uint32_t cwnd = cwnd_;
    if (acked != 0) {
        // bbr_set_cwnd_to_recover_or_restore().
        const uint8_t prev = b.prev_ca_state;
        const uint8_t state = ca_state();
        uint32_t c = cwnd_;
        bool conserve = false;
        if (rs.losses > 0) c = std::max<int64_t>(int64_t{c} - rs.losses, 1);
        if (state == static_cast<uint8_t>(CaState::Recovery) &&
            prev != static_cast<uint8_t>(CaState::Recovery)) {
            b.packet_conservation = true;  // the first round of recovery
            b.next_rtt_delivered = b.delivered;
            c = packets_in_flight() + acked;
        } else if (prev >= static_cast<uint8_t>(CaState::Recovery) &&
                   state < static_cast<uint8_t>(CaState::Recovery)) {
            c = std::max(c, b.prior_cwnd);
            b.packet_conservation = false;
        }
        b.prev_ca_state = state;
        if (b.packet_conservation) {
            cwnd = std::max(c, packets_in_flight() + acked);
            conserve = true;
        } else {
            cwnd = c;
        }
        if (!conserve) {
            uint32_t target = bbr_bdp(bw, gain);
            // bbr_ack_aggregation_cwnd().
            if (b.full_bw_reached) {
                const uint64_t extra =
                    uint64_t{kExtraAckedGain} * std::max(b.extra_acked[0], b.extra_acked[1]) >> 8;
                const uint64_t cap = (uint64_t{bw} * kExtraAckedMaxUs) >> kBwScale;
                target += static_cast<uint32_t>(std::min(extra, cap));
            }
            target = bbr_quantization_budget(target);
            if (b.full_bw_reached) cwnd = std::min(cwnd + acked, target);
            else if (cwnd < target || b.delivered < stack_.profile().initial_cwnd) cwnd = cwnd + acked;
            cwnd = std::max(cwnd, kCwndMinTarget);
        }
    }
    cwnd_ = std::min<uint32_t>(cwnd, 65535);
    if (b.mode == BbrMode::ProbeRtt) cwnd_ = std::min(cwnd_, kCwndMinTarget);
}

}  // namespace lvs::tcp
