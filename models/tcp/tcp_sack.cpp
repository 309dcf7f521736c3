// The SACK scoreboard (net/ipv4/tcp_input.c, tcp_sacktag_write_queue()): which segments a
// SACK block covers, D-SACK detection, and the reordering a SACK reveals (tcp_check_sack_reordering()).
// Separate from the ACK's main path because it is the one piece that reads SACK blocks.
#include "models/tcp/ack_event.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::tcp {

using net::Packet;
namespace flag = net::tcpflag;

uint32_t TcpConn::message_ending_at(uint32_t seq) const {
    for (size_t i = 0, n = out_.size(); i < n; ++i) {
        const SentMessage& m = out_.at(i);
        if (m.end == seq) return m.id;
    }
    return 0;
}

void TcpConn::sacktag(const net::SackInfo& sack, uint32_t ack, AckEvent& ev) {
    // tcp_sacktag_write_queue().
    if (sack.count == 0) return;
    LossState& ls = loss();
    ChunkPool& pool = stack_.chunks_;
    size_t first = 0;
    const net::SackBlock b0 = sack.blocks[0];
    // tcp_check_dsack(): the first block below the cumulative ACK, or inside the second.
    const bool dsack = seq_lt(b0.start, ack) || (sack.count > 1 && seq_le(b0.end, sack.blocks[1].end) &&
                                                 seq_ge(b0.start, sack.blocks[1].start));
    if (dsack) {
        first = 1;
        ev.dsack = true;
        // tcp_dsack_seen(): a D-SACK of the probe says nothing about reordering.
        if (b0.end - b0.start <= net::kMss && ls.tlp_high_seq == b0.end) ev.dsack_tlp = true;
        else if (ls.reord_seen != 0) ls.rack_dsack_seen = true;
        // A D-SACKed retransmission is no longer in flight.
        for (uint32_t i = rtx_.head; i != 0; i = pool[i].next) {
            SentChunk& c = pool[i];
            if (seq_ge(c.start, b0.start) && seq_le(c.end, b0.end) && (c.tags & tag::kRetrans)) {
                c.tags &= static_cast<uint8_t>(~tag::kRetrans);
                dec(retrans_out_, c.segs);
            }
        }
    }
    const uint32_t fack_before = highest_sack_end();
    // The blocks in sequence order, as tcp_sacktag_write_queue() sorts them.
    std::array<net::SackBlock, 4> blocks{};
    size_t n = 0;
    for (size_t k = first; k < sack.count; ++k) blocks[n++] = sack.blocks[k];
    std::sort(blocks.begin(), blocks.begin() + static_cast<std::ptrdiff_t>(n),
              [](const net::SackBlock& a, const net::SackBlock& b) { return seq_lt(a.start, b.start); });
    for (size_t k = 0; k < n; ++k) {
        const net::SackBlock b = blocks[k];
        // tcp_is_sackblock_valid(), and blocks already below the cumulative ACK are skipped.
        if (!seq_lt(b.start, b.end) || seq_gt(b.end, snd_max_) || seq_le(b.end, ack) || seq_lt(b.start, ack))
            continue;
        for (uint32_t i = rtx_.head; i != 0; i = pool[i].next) {
            if (seq_le(pool[i].end, b.start)) continue;
            if (seq_ge(pool[i].start, b.end)) break;
            if (seq_lt(pool[i].start, b.start)) {
                if (pool[i].segs < 2) continue;
                i = rtx_split(pool, rtx_, i, b.start, net::kMss);  // the covered part follows
            }
            if (seq_gt(pool[i].end, b.end)) {
                if (pool[i].segs < 2) continue;
                rtx_split(pool, rtx_, i, b.end, net::kMss);
            }
            SentChunk& c = pool[i];
            if (c.tags & tag::kSacked) continue;
            // tcp_sacktag_one().
            rack_advance(c.tags, c.end, c.xmit);
            if (c.tags & tag::kRetrans) {
                if (c.tags & tag::kLost) {
                    c.tags &= static_cast<uint8_t>(~(tag::kLost | tag::kRetrans));
                    dec(lost_out_, c.segs);
                    dec(retrans_out_, c.segs);
                }
            } else {
                if (!(c.tags & tag::kEverRetrans)) {
                    if (seq_lt(c.start, fack_before) && seq_lt(c.start, ev.reord)) ev.reord = c.start;
                    if (!ev.has_sackt) {
                        ev.first_sackt = c.xmit;
                        ev.has_sackt = true;
                    }
                    ev.last_sackt = c.xmit;
                }
                if (c.tags & tag::kLost) {
                    c.tags &= static_cast<uint8_t>(~tag::kLost);
                    dec(lost_out_, c.segs);
                }
            }
            c.tags |= tag::kSacked;
            if (paced()) rate_skb_delivered(c, ev.rs);
            ev.data_sacked = true;
            sacked_out_ = static_cast<uint16_t>(sacked_out_ + c.segs);
            ev.newly_sacked += c.segs;
            ev.delivered += c.segs;
        }
    }
    // tcp_check_sack_reordering() with the lowest never-retransmitted segment SACKed in a hole.
    if (seq_lt(ev.reord, snd_nxt_)) check_sack_reordering(ev.reord);
}

uint32_t TcpConn::highest_sack_end() const {
    // tcp_highest_sack_seq(): just past the highest SACKed chunk (snd_una when none).
    uint32_t h = snd_una_;
    if (sacked_out_ == 0 || !sack_ok_) return h;
    for (uint32_t i = rtx_.head; i != 0; i = stack_.chunks_[i].next)
        if (stack_.chunks_[i].tags & tag::kSacked) h = stack_.chunks_[i].end;
    return h;
}

void TcpConn::check_sack_reordering(uint32_t low_seq) {
    // tcp_check_sack_reordering(): something delivered below the highest SACK: reordering.
    LossState& ls = loss();
    const uint32_t fack = highest_sack_end();
    if (!seq_lt(low_seq, fack)) return;
    const uint32_t metric = fack - low_seq;
    if (metric > ls.reordering * net::kMss)
        ls.reordering = std::min<uint32_t>((metric + net::kMss - 1) / net::kMss,
                                           static_cast<uint32_t>(stack_.sysctl().tcp_max_reordering));
    ++ls.reord_seen;
}

void TcpConn::update_reo_wnd() {
    // tcp_rack_update_reo_wnd(): a D-SACK widens the reordering window one step, kept for 16
    // recoveries; without one the window returns to a single step.
    LossState& ls = *loss_if();
    if (stack_.sysctl().tcp_recovery & kRackStaticReoWnd) return;
    if (ls.rack_dsack_seen) {
        ls.reo_wnd_steps = static_cast<uint8_t>(std::min(255, ls.reo_wnd_steps + 1));
        ls.rack_dsack_seen = false;
        ls.reo_wnd_persist = 16;  // TCP_RACK_RECOVERY_THRESH
    } else if (ls.reo_wnd_persist == 0) {
        ls.reo_wnd_steps = 1;
    }
}

}  // namespace lvs::tcp
