// What a connection needs only once it meets loss or reordering: Linux's recovery state
// (icsk_ca_state, high_seq, PRR, RACK, TLP) for its sending side, and the out-of-order queue
// and SACK blocks for its receiving side. Kept out of TcpConn and allocated from the host's
// pool on first need, so the many connections that never lose a segment stay small.
#pragma once

#include <array>
#include <cstdint>

#include "models/net/network.hpp"
#include "models/net/sack.hpp"
#include "models/tcp/index_pool.hpp"
#include "sim/time.hpp"

namespace lvs::tcp {

// icsk_ca_state (include/net/inet_connection_sock.h, enum tcp_ca_state).
enum class CaState : uint8_t { Open = 0, Disorder = 1, Cwr = 2, Recovery = 3, Loss = 4 };
const char* to_string(CaState s);

// Why a segment was sent again: the counter it adds to.
enum class RetransmitCause : uint8_t { Dupack, Rack, Tlp, Rto };

// A run of out-of-order data held by the receiver (its out_of_order_queue).
struct OooSegment {
    uint32_t start = 0;
    uint32_t end = 0;  // data only; a FIN is `fin`
    uint32_t msg = 0;  // the application message that ends at `end` (0: none)
    uint32_t next = 0;
    bool fin = false;  // the peer's FIN follows `end`
};
using OooPool = IndexPool<OooSegment>;

struct LossState {
    // ---- sending: tcp_fastretrans_alert()'s state ----
    CaState ca_state = CaState::Open;
    bool lost_by_dupthresh = false;  // the last loss marks came from the DUPTHRESH shortcut
    uint32_t high_seq = 0;           // the recovery point (snd_nxt when recovery began)
    uint32_t prior_cwnd = 0;
    uint32_t prr_delivered = 0;
    uint32_t prr_out = 0;
    uint32_t reordering = 3;  // tp->reordering (tcp_reordering)
    uint32_t reord_seen = 0;
    // RACK (tcp_recovery.c): the most recently sent segment known delivered, and its RTT.
    sim::Time rack_mstamp;
    uint32_t rack_end_seq = 0;
    uint32_t rack_rtt_us = 0;
    uint8_t reo_wnd_steps = 1;
    uint8_t reo_wnd_persist = 0;  // recoveries left before the window shrinks back
    bool rack_advanced = false;
    bool rack_dsack_seen = false;
    bool lost_retrans = false;  // set by tcp_mark_skb_lost() for this ACK (FLAG_LOST_RETRANS)
    // TLP: the snd_nxt when the probe went (0: no probe outstanding), and whether it was a
    // retransmission.
    uint32_t tlp_high_seq = 0;
    bool tlp_retrans = false;
    // ---- receiving: the out-of-order queue and the SACK blocks we send ----
    uint32_t ooo_head = 0;
    uint8_t num_sacks = 0;
    bool dsack = false;  // duplicate_sack rides on the next ACK
    uint8_t dup_ack_counter = 0;
    uint8_t compressed_ack = 0;
    bool comp_timer = false;  // the delayed-ACK timer runs as the SACK compression timer
    uint32_t compressed_ack_rcv_nxt = 0;
    net::SackBlock duplicate_sack;
    std::array<net::SackBlock, 4> selective_acks{};
};
using LossPool = IndexPool<LossState>;

// What only some sockets use, kept out of TcpConn like LossState: SO_KEEPALIVE's next expiry,
// TCP_USER_TIMEOUT, and a request that arrived while the connection waited in the accept queue
// (copied: the sender frees its table entry once it is acknowledged).
struct ConnExtras {
    sim::Time keepalive_deadline;
    uint32_t user_timeout_ms = 0;
    uint8_t held_count = 0;
    bool held_eof = false;
    net::AppMessage held{};
};
using ExtrasPool = IndexPool<ConnExtras>;

}  // namespace lvs::tcp
