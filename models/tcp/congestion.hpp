// Congestion control state that Reno does not need: CUBIC's struct bictcp (net/ipv4/tcp_cubic.c)
// and BBR v1's struct bbr with the delivery-rate sampler (net/ipv4/tcp_bbr.c, tcp_rate.c).
//
// Kept out of TcpConn and pooled per host, like LossState, one pool per algorithm (a CUBIC record
// is 60 bytes, a BBR one 170): a CUBIC connection takes its record only when it first needs one
// (HyStart once cwnd reaches hystart_low_window, congestion avoidance, a loss), so short
// request/response connections that never leave the initial window never do; a BBR connection
// takes one when it is established, since BBR models every ACK. A connection keeps the
// algorithm it was created with (icsk_ca_ops), so its index always names a record of that
// pool. The functions that act on them are TcpConn's (tcp_congestion.cpp).
#pragma once

#include <array>
#include <cstdint>

#include "models/tcp/index_pool.hpp"
#include "sim/time.hpp"

namespace lvs::tcp {

struct CubicState {
    uint32_t cnt = 0;            // ACKs per +1 of cwnd
    uint32_t last_max_cwnd = 0;  // W_max
    uint32_t last_cwnd = 0;
    uint32_t last_time = 0;  // jiffies
    uint32_t bic_origin_point = 0;
    uint32_t bic_K = 0;        // 2^-10 s
    uint32_t delay_min = 0;    // us, a running minimum
    uint32_t epoch_start = 0;  // jiffies, 0: no epoch
    uint32_t ack_cnt = 0;
    uint32_t tcp_cwnd = 0;     // the Reno estimate (TCP friendliness)
    uint32_t round_start = 0;  // us (HyStart)
    uint32_t end_seq = 0;
    uint32_t last_ack = 0;  // us
    uint32_t curr_rtt = 0;  // us
    uint8_t sample_cnt = 0;
    bool found = false;
};

// A windowed maximum over round trips (lib/win_minmax.c, Kathleen Nichols' algorithm).
struct MinMax {
    struct Sample {
        uint32_t t = 0;
        uint32_t v = 0;
    };
    std::array<Sample, 3> s{};
    uint32_t get() const { return s[0].v; }
    uint32_t running_max(uint32_t win, uint32_t t, uint32_t meas);
    void reset(uint32_t t, uint32_t meas) { s.fill({t, meas}); }
};

enum class BbrMode : uint8_t { Startup, Drain, ProbeBw, ProbeRtt };

struct BbrState {
    // The model.
    uint32_t min_rtt_us = 0;
    uint32_t min_rtt_stamp = 0;         // jiffies
    uint32_t probe_rtt_done_stamp = 0;  // jiffies
    MinMax bw;                          // packets per us << 24, over bbr_bw_rtts rounds
    uint32_t rtt_cnt = 0;
    uint32_t next_rtt_delivered = 0;
    uint32_t cycle_mstamp = 0;  // us
    uint32_t prior_cwnd = 0;
    uint32_t full_bw = 0;
    uint32_t lt_bw = 0;  // long-term (policed) bandwidth
    uint32_t lt_last_delivered = 0;
    uint32_t lt_last_stamp = 0;  // ms
    uint32_t lt_last_lost = 0;
    uint32_t ack_epoch_mstamp = 0;  // us
    uint32_t ack_epoch_acked = 0;
    std::array<uint16_t, 2> extra_acked{};
    uint16_t pacing_gain = 256;
    uint16_t cwnd_gain = 256;
    BbrMode mode = BbrMode::Startup;
    uint8_t prev_ca_state = 0;
    uint8_t cycle_idx = 0;
    uint8_t full_bw_cnt = 0;
    uint8_t lt_rtt_cnt = 0;
    uint8_t extra_acked_win_rtts = 0;
    uint8_t extra_acked_win_idx = 0;
    bool packet_conservation = false;
    bool round_start = false;
    bool idle_restart = false;
    bool probe_rtt_round_done = false;
    bool lt_is_sampling = false;
    bool lt_use_bw = false;
    bool full_bw_reached = false;
    bool has_seen_rtt = false;
    // The delivery-rate sampler (tcp_rate.c) and pacing, which only BBR uses here.
    uint32_t delivered = 0;         // tp->delivered
    uint32_t lost = 0;              // tp->lost
    uint32_t delivered_mstamp = 0;  // us
    uint32_t first_tx_mstamp = 0;   // us
    uint32_t app_limited = 0;       // tp->app_limited (0: not)
    uint32_t segs_out = 0;          // data segments sent (pacing starts after 10)
    uint64_t pacing_rate = 0;       // bytes per second (sk_pacing_rate)
    sim::Time wstamp;               // tcp_wstamp_ns: the earliest departure of the next segment
};

using CubicPool = IndexPool<CubicState>;
using BbrPool = IndexPool<BbrState>;

}  // namespace lvs::tcp
