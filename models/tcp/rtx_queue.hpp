// The retransmission queue: what a connection sent and the peer has not cumulatively
// acknowledged, as chunks of sequence space in sequence order (Linux's tcp_rtx_queue of skbs).
//
// A chunk starts as one train (the segments sent together at one instant); SACK blocks and
// loss marks split it at segment boundaries, so each chunk has one set of tags (the skb's
// TCPCB_* bits, include/net/tcp.h) and one transmit time (skb_mstamp). Chunks live in the
// host's pool (IndexPool), linked by index: a connection carries just the two ends.
#pragma once

#include <cstdint>

#include "models/tcp/index_pool.hpp"
#include "sim/time.hpp"

namespace lvs::tcp {

// TCPCB_* tags of a chunk.
namespace tag {
constexpr uint8_t kSacked = 0x01;       // TCPCB_SACKED_ACKED: the receiver has it
constexpr uint8_t kRetrans = 0x02;      // TCPCB_SACKED_RETRANS: a retransmission is in flight
constexpr uint8_t kLost = 0x04;         // TCPCB_LOST: marked lost, to be retransmitted
constexpr uint8_t kEverRetrans = 0x80;  // TCPCB_EVER_RETRANS: retransmitted at least once (Karn)
}  // namespace tag

struct SentChunk {
    uint32_t start = 0;  // first sequence number (a SYN or FIN occupies one)
    uint32_t end = 0;    // just past the last
    sim::Time xmit;      // last (re)transmission
    uint32_t next = 0;   // the chunk after it (0: none)
    uint16_t segs = 0;   // segments (tcp_skb_pcount)
    uint8_t tags = 0;
    bool tx_app_limited = false;  // tcp_skb_cb.tx: what the rate sampler knew when it was sent
    uint32_t tx_delivered = 0;
    uint32_t tx_delivered_mstamp = 0;  // us; 0: already counted (SACKed)
    uint32_t tx_first_tx_mstamp = 0;   // us
};
using ChunkPool = IndexPool<SentChunk>;

struct RtxQueue {
    uint32_t head = 0;
    uint32_t tail = 0;
    bool empty() const { return head == 0; }
};

// Segments in [start, end) for MSS-sized segments (the last may be shorter; a lone SYN or FIN
// is one).
uint16_t segments_in(uint32_t start, uint32_t end, uint32_t mss);

// Appends a chunk sent at `xmit`; returns its index.
uint32_t rtx_append(ChunkPool& pool, RtxQueue& q, uint32_t start, uint32_t end, uint16_t segs,
                    sim::Time xmit);
// Splits chunk `i` at `at` (start < at < end); the back part keeps the tags and is returned.
uint32_t rtx_split(ChunkPool& pool, RtxQueue& q, uint32_t i, uint32_t at, uint32_t mss);
// Frees every chunk.
void rtx_clear(ChunkPool& pool, RtxQueue& q);

}  // namespace lvs::tcp
