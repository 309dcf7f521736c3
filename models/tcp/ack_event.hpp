// What one ACK did (TcpConn::AckEvent, tcp_ack()'s flags and counts) and the small helpers of
// the SACK scoreboard. Private to the loss-recovery files (tcp_ack_input.cpp, tcp_sack.cpp,
// tcp_rack.cpp, tcp_recovery.cpp, tcp_loss_probe.cpp), which all read or fill one AckEvent.
#pragma once

#include <algorithm>
#include <cstdint>

#include "models/tcp/seq.hpp"
#include "models/tcp/tcp_conn.hpp"

namespace lvs::tcp {

inline constexpr uint8_t kLostByDupthresh = 0x08;  // lvsim's own tag bits: which mechanism marked it
inline constexpr uint8_t kLostByRto = 0x10;
inline constexpr uint32_t kRackNoDupthresh = 0x4;  // TCP_RACK_NO_DUPTHRESH
inline constexpr uint32_t kRackStaticReoWnd = 0x2;

// tcp_skb_sent_after(): t1 later than t2, or the same instant and seq1 beyond seq2.
inline bool sent_after(sim::Time t1, sim::Time t2, uint32_t seq1, uint32_t seq2) {
    return t1 > t2 || (t1 == t2 && seq_gt(seq1, seq2));
}
inline int64_t us_since(sim::Time now, sim::Time then) { return (now - then).ns() / 1000; }
// Scoreboard counters never go below zero, whatever an odd ACK says.
inline void dec(uint16_t& counter, uint32_t n) {
    counter = static_cast<uint16_t>(counter - std::min<uint32_t>(counter, n));
}

// What one ACK did: tcp_ack()'s flags and counts.
struct TcpConn::AckEvent {
    uint32_t acked_segs = 0;    // cumulatively acknowledged (pkts_acked)
    uint32_t newly_sacked = 0;  // segments newly SACKed
    uint32_t delivered = 0;     // tp->delivered's growth: newly SACKed, or acknowledged unSACKed
    uint32_t reord_cum = 0;     // lowest never-retransmitted unSACKed sequence the cumulative ACK covered
    bool lost_retrans = false;  // a retransmission was found lost again (FLAG_LOST_RETRANS)
    int64_t ca_rtt_us = -1;     // RTT of the most recently sent segment acknowledged
    RateSample rs;
    uint32_t newly_lost = 0;
    uint32_t reord = 0;  // lowest sequence delivered out of order (state->reord)
    bool snd_una_advanced = false;
    bool data = false;        // the segment carried data (FLAG_DATA)
    bool win_update = false;  // FLAG_WIN_UPDATE
    bool data_sacked = false;
    bool dsack = false;
    bool dsack_tlp = false;
    bool retrans_data_acked = false;  // Karn: no RTT sample
    bool set_xmit_timer = false;
    bool has_ackt = false, has_sackt = false;
    sim::Time first_ackt, last_ackt, first_sackt, last_sackt;
};

}  // namespace lvs::tcp
