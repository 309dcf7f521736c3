// The receiving side of loss recovery (net/ipv4/tcp_input.c tcp_data_queue(), tcp_ofo_queue(),
// tcp_sack_new_ofo_skb()): out-of-order segments are kept and reported in SACK blocks, most
// recent first, with a D-SACK for a duplicate; the first three ACKs for out-of-order data go at
// once, later ones are compressed (tcp_comp_sack_nr, a timer of 5 % of the RTT, at most 1 ms);
// filling the last hole is ACKed at once (RFC 5681 4.2). Separate: it is the receiver's half.
#include "models/tcp/ack_event.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::tcp {

using net::Packet;
namespace flag = net::tcpflag;

// ---- receiving out-of-order data --------------------------------------------------------------

bool TcpConn::has_ooo() const { return loss_ != 0 && stack_.losses_[loss_].ooo_head != 0; }

void TcpConn::free_ooo() {
    if (loss_ == 0) return;
    LossState& ls = stack_.losses_[loss_];
    for (uint32_t i = ls.ooo_head; i != 0;) {
        const uint32_t next = stack_.ooo_[i].next;
        stack_.ooo_.free(i);
        i = next;
    }
    ls.ooo_head = 0;
    ls.num_sacks = 0;
}

void TcpConn::dsack_set(uint32_t seq, uint32_t end) {
    // tcp_dsack_set(): this segment's duplicate, reported in the next ACK's first block.
    if (!sack_ok_ || stack_.sysctl().tcp_dsack == 0) return;
    LossState& ls = loss();
    ls.dsack = true;
    ls.duplicate_sack = {seq, end};
    ++stack_.counters_.dsacks_sent;
}

void TcpConn::dsack_extend(uint32_t seq, uint32_t end) {
    // tcp_dsack_extend(): widen the duplicate block when the ranges touch (tcp_sack_extend()).
    LossState& ls = loss();
    if (!ls.dsack) {
        dsack_set(seq, end);
        return;
    }
    net::SackBlock& d = ls.duplicate_sack;
    if (seq_gt(seq, d.end) || seq_gt(d.start, end)) return;
    if (seq_lt(seq, d.start)) d.start = seq;
    if (seq_gt(end, d.end)) d.end = end;
}

void TcpConn::sack_new_ofo(uint32_t seq, uint32_t end) {
    // tcp_sack_new_ofo_skb(): extend a block (and move it first), else a new first block;
    // at most TCP_NUM_SACKS (4), the oldest dropped.
    LossState& ls = loss();
    auto& sp = ls.selective_acks;
    for (uint8_t k = 0; k < ls.num_sacks; ++k) {
        if (!seq_gt(seq, sp[k].end) && !seq_gt(sp[k].start, end)) {
            sp[k].start = seq_lt(seq, sp[k].start) ? seq : sp[k].start;
            sp[k].end = seq_gt(end, sp[k].end) ? end : sp[k].end;
            const net::SackBlock b = sp[k];
            for (uint8_t j = k; j > 0; --j) sp[j] = sp[j - 1];
            sp[0] = b;
            // tcp_sack_maybe_coalesce(): merge blocks the extension now touches.
            for (uint8_t j = 1; j < ls.num_sacks;) {
                if (!seq_gt(sp[j].start, sp[0].end) && !seq_gt(sp[0].start, sp[j].end)) {
                    sp[0].start = seq_lt(sp[j].start, sp[0].start) ? sp[j].start : sp[0].start;
                    sp[0].end = seq_gt(sp[j].end, sp[0].end) ? sp[j].end : sp[0].end;
                    for (uint8_t m = j; m + 1 < ls.num_sacks; ++m) sp[m] = sp[m + 1];
                    --ls.num_sacks;
                } else {
                    ++j;
                }
            }
            return;
        }
    }
    if (ls.num_sacks == sp.size()) --ls.num_sacks;
    for (uint8_t j = ls.num_sacks; j > 0; --j) sp[j] = sp[j - 1];
    sp[0] = {seq, end};
    ++ls.num_sacks;
}

void TcpConn::sack_remove() {
    // tcp_sack_remove(): blocks the cumulative ACK has passed go.
    LossState& ls = loss();
    if (ls.ooo_head == 0) {
        ls.num_sacks = 0;
        return;
    }
    uint8_t kept = 0;
    for (uint8_t k = 0; k < ls.num_sacks; ++k)
        if (seq_gt(ls.selective_acks[k].start, rcv_nxt_)) ls.selective_acks[kept++] = ls.selective_acks[k];
    ls.num_sacks = kept;
}

void TcpConn::ofo_queue(bool& eof, uint32_t& bytes) {
    // tcp_ofo_queue(): what the hole's filling made contiguous moves in.
    LossState& ls = loss();
    OooPool& pool = stack_.ooo_;
    while (ls.ooo_head != 0 && seq_le(pool[ls.ooo_head].start, rcv_nxt_)) {
        const uint32_t i = ls.ooo_head;
        const OooSegment s = pool[i];
        ls.ooo_head = s.next;
        pool.free(i);
        if (seq_gt(s.end, rcv_nxt_)) {
            if (seq_lt(s.start, rcv_nxt_)) dsack_extend(s.start, rcv_nxt_);
            const uint32_t len = s.end - rcv_nxt_;
            rcv_nxt_ = s.end;
            bytes += len;
            stack_.deliver_scratch_.push_back({len, s.msg});
        } else if (s.end != s.start) {
            dsack_extend(s.start, s.end);
        }
        if (s.fin && s.end == rcv_nxt_ && !peer_fin_) receive_fin(eof);
    }
}

void TcpConn::data_queue_segment(uint32_t seq, uint32_t len, bool fin, uint32_t msg, bool& eof,
                                 uint32_t& bytes) {
    // tcp_data_queue() for one segment when out-of-order data exists or is arriving. A D-SACK
    // rides only on the ACK for the segment that caused it.
    const uint32_t end = seq + len;
    if (loss_ != 0) stack_.losses_[loss_].dsack = false;
    if (len > 0 && receive_window() == 0 && seq == rcv_nxt_) {
        enter_quickack_mode();  // zero window: dropped, ACKed at once
        send_ack();
        return;
    }
    if (len > 0 && seq_ge(seq, rcv_nxt_ + std::max<uint32_t>(receive_window(), 1))) {
        enter_quickack_mode();  // beyond the window
        send_ack();
        return;
    }
    if (len > 0 && seq_le(end, rcv_nxt_)) {
        // Entirely old: a duplicate (our ACK was lost, or a spurious retransmission).
        dsack_set(seq, end);
        enter_quickack_mode();
        send_ack();
        return;
    }
    if (seq_le(seq, rcv_nxt_)) {
        // In order (the part we lacked).
        if (seq_lt(seq, rcv_nxt_)) dsack_set(seq, rcv_nxt_);
        const uint32_t new_len = end - rcv_nxt_;
        const bool had_ooo = has_ooo();
        if (new_len > 0) {
            rcv_nxt_ = end;
            bytes += new_len;
            stack_.deliver_scratch_.push_back({new_len, msg});
            data_received(new_len,
                          static_cast<uint8_t>(std::max<uint32_t>(1, (new_len + net::kMss - 1) / net::kMss)));
        }
        if (fin && !peer_fin_) receive_fin(eof);
        if (had_ooo) {
            ofo_queue(eof, bytes);
            if (!has_ooo()) {
                sack_remove();
                send_ack();  // RFC 5681 4.2: the hole is filled, ACK at once
                return;
            }
            sack_remove();
        }
        if (state_ == TcpState::Closed || state_ == TcpState::TimeWait) return;
        if (has_ooo()) ooo_ack_check();
        else ack_check(false);
        return;
    }
    // Out of order: queue it, report it in the SACK blocks (tcp_data_queue_ofo()).
    LossState& ls = loss();
    OooPool& pool = stack_.ooo_;
    ++stack_.counters_.ooo_segments;
    ack_sched_ = true;
    uint32_t prev = 0, i = ls.ooo_head;
    while (i != 0 && seq_le(pool[i].end, seq) && !(pool[i].end == seq && pool[i].start == seq)) {
        prev = i;
        i = pool[i].next;
    }
    if (i != 0 && seq_le(pool[i].start, seq) && seq_ge(pool[i].end, end) && (len > 0 || pool[i].fin == fin)) {
        dsack_set(seq, end);  // already held
    } else {
        uint32_t s = seq;
        if (prev != 0 && seq_lt(s, pool[prev].end)) s = pool[prev].end;
        if (i != 0 && seq_lt(s, pool[i].end) && seq_le(pool[i].start, s)) {
            dsack_set(s, pool[i].end);
            s = pool[i].end;
            prev = i;
            i = pool[i].next;
        }
        const uint32_t n = pool.allocate();
        pool[n] = OooSegment{s, end, msg, i, fin};
        if (prev != 0) pool[prev].next = n;
        else ls.ooo_head = n;
    }
    // The block covers the peer's FIN too (its sequence number is the one after the data).
    if (len > 0 || fin) sack_new_ofo(seq, end + (fin ? 1 : 0));
    ooo_ack_check();
}

void TcpConn::ooo_ack_check() {
    // __tcp_ack_snd_check() with out-of-order data queued: the first three ACKs for a given
    // rcv_nxt go at once, later ones are compressed (tcp_comp_sack_nr, and a timer of 5 % of
    // the RTT, at most tcp_comp_sack_delay_ns = 1 ms).
    LossState& ls = loss();
    const bool quick = quick_ > 0 && !in_pingpong_mode();
    if (rcv_nxt_ - acked_upto_ > rcv_mss_ || quick || !sack_ok_ ||
        ls.compressed_ack >= stack_.sysctl().tcp_comp_sack_nr) {
        send_ack();
        return;
    }
    if (ls.compressed_ack_rcv_nxt != rcv_nxt_) {
        ls.compressed_ack_rcv_nxt = rcv_nxt_;
        ls.dup_ack_counter = 0;
    }
    if (ls.dup_ack_counter < 3) {
        ++ls.dup_ack_counter;
        send_ack();
        return;
    }
    ++ls.compressed_ack;
    if (ls.comp_timer) return;
    uint32_t rtt8 = rcv_rtt_us_;
    if (srtt_us_ != 0 && (rtt8 == 0 || srtt_us_ < rtt8)) rtt8 = srtt_us_;
    const int64_t delay_ns = std::min<int64_t>(1'000'000, int64_t{rtt8} * 125 / 20);
    ls.comp_timer = true;
    ack_timer_ = true;
    set_delack_at(stack_.sim().now() + sim::ns(std::max<int64_t>(delay_ns, 1)));  // an hrtimer: exact
}

}  // namespace lvs::tcp
