// Loss recovery as Linux 6.x does it (net/ipv4/tcp_input.c, tcp_recovery.c, tcp_output.c;
// function names at each step):
//
//  - every ACK (tcp_ack()): the peer's window, SACK tagging (tcp_sacktag_write_queue(),
//    D-SACK detection), the cumulative ACK (tcp_clean_rtx_queue(), RTT samples, RACK's
//    record of the most recently sent delivered segment), the TLP episode
//    (tcp_process_tlp_ack()), then tcp_fastretrans_alert() when the ACK is "dubious";
//  - loss detection: RACK (tcp_rack_detect_loss()): a segment sent before one that was
//    delivered is lost once it is older than the delivered one's RTT plus a reordering window
//    of min_rtt/4, which is zero while no reordering was seen and at least tp->reordering
//    (3) segments are SACKed: the DUPTHRESH shortcut that makes three duplicate ACKs an
//    immediate fast retransmit; peers without SACK count duplicate ACKs (NewReno);
//  - fast recovery (tcp_enter_recovery()), with PRR setting cwnd on every ACK
//    (tcp_cwnd_reduction()) and retransmitting the segments marked lost
//    (tcp_xmit_retransmit_queue());
//  - the tail-loss probe (tcp_schedule_loss_probe(), tcp_send_loss_probe()): two RTTs after
//    the last send, new data or the last segment again;
//  - the RTO (tcp_retransmit_timer() / tcp_enter_loss()): everything not SACKed and not sent
//    within the last RACK RTT is lost, cwnd = in-flight + 1, slow start.
//
// And the receiving side (tcp_data_queue()): out-of-order segments are kept and reported in
// SACK blocks, most recent first, with a D-SACK for a duplicate; the first three ACKs for
// out-of-order data go at once, later ones are compressed (tcp_comp_sack_nr, a timer of 5 %
// of the RTT, at most 1 ms); filling the last hole is ACKed at once (RFC 5681 4.2).
//
// Not modelled: F-RTO, undo of spurious recoveries (tcp_try_undo_*), ECN; the reduction is
// Reno's or CUBIC's ssthresh, with PRR for every congestion control (bbr's own model is a
// later issue).
#include <algorithm>

#include "models/tcp/seq.hpp"
#include "models/tcp/tcp_conn.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::tcp {

using net::Packet;
namespace flag = net::tcpflag;

namespace {
constexpr uint8_t kLostByDupthresh = 0x08;  // lvsim's own tag bits: which mechanism marked it
constexpr uint8_t kLostByRto = 0x10;
constexpr uint32_t kRackNoDupthresh = 0x4;  // TCP_RACK_NO_DUPTHRESH
constexpr uint32_t kRackStaticReoWnd = 0x2;

// tcp_skb_sent_after(): t1 later than t2, or the same instant and seq1 beyond seq2.
bool sent_after(sim::Time t1, sim::Time t2, uint32_t seq1, uint32_t seq2) {
    return t1 > t2 || (t1 == t2 && seq_gt(seq1, seq2));
}
int64_t us_since(sim::Time now, sim::Time then) { return (now - then).ns() / 1000; }
// Scoreboard counters never go below zero, whatever an odd ACK says.
void dec(uint16_t& counter, uint32_t n) {
    counter = static_cast<uint16_t>(counter - std::min<uint32_t>(counter, n));
}
}  // namespace

const char* to_string(CaState s) {
    switch (s) {
        case CaState::Open: return "open";
        case CaState::Disorder: return "disorder";
        case CaState::Cwr: return "cwr";
        case CaState::Recovery: return "recovery";
        case CaState::Loss: return "loss";
    }
    return "?";
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

// ---- state ------------------------------------------------------------------------------------

LossState& TcpConn::loss() {
    if (loss_ == 0) {
        loss_ = stack_.losses_.allocate();
        stack_.losses_[loss_].reordering = static_cast<uint32_t>(stack_.sysctl().tcp_reordering);
    }
    return stack_.losses_[loss_];
}

LossState* TcpConn::loss_if() const { return loss_ != 0 ? &stack_.losses_[loss_] : nullptr; }

uint8_t TcpConn::ca_state() const {
    return static_cast<uint8_t>(loss_ != 0 ? stack_.losses_[loss_].ca_state : CaState::Open);
}

void TcpConn::free_loss_state_if_idle() {
    if (loss_ == 0) return;
    const LossState& ls = stack_.losses_[loss_];
    // What must outlive an episode: reordering seen on this path, an open episode, held data.
    if (ls.ca_state != CaState::Open || ls.ooo_head != 0 || ls.num_sacks != 0 || ls.dsack || ls.comp_timer ||
        ls.tlp_high_seq != 0 || ls.reord_seen != 0 || ls.reo_wnd_steps != 1 || ls.reo_wnd_persist != 0 ||
        ls.reordering != static_cast<uint32_t>(stack_.sysctl().tcp_reordering) || sacked_out_ != 0 ||
        lost_out_ != 0 || retrans_out_ != 0 || timer_mode_ == TimerMode::ReoTimeout)
        return;
    stack_.losses_.free(loss_);
    loss_ = 0;
}

uint32_t TcpConn::packets_in_flight() const {
    const int64_t n = int64_t{packets_out_} - (sacked_out_ + lost_out_) + retrans_out_;
    return n > 0 ? static_cast<uint32_t>(n) : 0;
}

void TcpConn::update_min_rtt(uint32_t rtt_us) {
    // tcp_update_rtt_min(): a windowed minimum (tcp_min_rtt_wlen); a sample older than the
    // window is replaced by the current one (Linux's 3-sample filter ages more smoothly).
    const auto now = static_cast<uint32_t>(now_jiffies());
    const uint32_t wlen = static_cast<uint32_t>(stack_.sysctl().tcp_min_rtt_wlen) * stack_.clock().hz();
    if (rtt_us == 0) rtt_us = 1;
    if (rtt_us <= min_rtt_us_ || now - min_rtt_stamp_ > wlen) {
        min_rtt_us_ = rtt_us;
        min_rtt_stamp_ = now;
    }
}

// ---- the ACK ----------------------------------------------------------------------------------

void TcpConn::process_ack(const Packet& p) {
    const uint32_t ack = p.ack;
    if (seq_gt(ack, snd_max_)) return;  // acknowledges what we never sent
    const sim::Time now = stack_.sim().now();
    AckEvent ev;
    ev.reord = snd_nxt_;
    ev.reord_cum = snd_nxt_;
    ev.data = p.len > 0;
    ev.rs.prior_in_flight = packets_in_flight();
    const uint32_t prior_snd_una = snd_una_;
    const uint32_t old_wnd = snd_wnd_;
    const uint32_t old_cwnd = cwnd_;
    const Jiffies old_rto = rto_;
    const uint8_t old_backoff = backoff_;
    const uint32_t prior_fack = highest_sack_end();
    update_send_window(p);
    ev.win_update = snd_wnd_ != old_wnd;
    if (seq_gt(ack, snd_una_)) {
        ev.snd_una_advanced = true;
        snd_una_ = ack;
        if (seq_lt(snd_nxt_, snd_una_)) snd_nxt_ = snd_una_;
    }
    if (p.has_sack() && sack_ok_) sacktag(stack_.network().sacks().get(p.msg), ack, ev);
    if (seq_lt(ack, prior_snd_una)) {
        // An old ACK: only its SACK information counts (tcp_ack(), old_ack).
        if (ev.data_sacked || ev.dsack) {
            fastretrans_alert(prior_snd_una, ev);
            xmit_retransmit_queue();
        }
        return;
    }
    keepalive_probes_ = 0;  // icsk_probes_out
    if (ev.snd_una_advanced) clean_rtx_queue(ack, ev);
    // tcp_clean_rtx_queue(): a never-retransmitted segment in a hole below the highest SACK,
    // now cumulatively acknowledged, arrived late: reordering.
    if (sack_ok_ && seq_lt(ev.reord_cum, prior_fack)) check_sack_reordering(ev.reord_cum);
    sample_rtt(ev);
    cc_pkts_acked(ev.ca_rtt_us);
    if (loss_ != 0) update_reo_wnd();
    if (ev.snd_una_advanced) {
        // Linux samples even retransmitted data (timestamps); here the RTO at least returns
        // from its backoff to what SRTT and RTTVAR give (tcp_set_rto()).
        if (backoff_ > 0 && srtt_us_ != 0)
            rto_ = std::min(stack_.clock().from_us((srtt_us_ >> 3) + rttvar_us_),
                            stack_.clock().from_ms(stack_.sysctl().tcp_rto_max_ms));
        backoff_ = 0;
    }
    if (LossState* ls = loss_if(); ls != nullptr && ls->tlp_high_seq != 0) process_tlp_ack(ack, ev);
    const bool not_dup = ev.snd_una_advanced || ev.data || ev.win_update;
    const bool dubious = !not_dup || ev.data_sacked || ev.dsack || ca_state() != 0;
    if (dubious && packets_out_ + (seq_gt(ack, prior_snd_una) ? 1u : 0u) > 0)
        fastretrans_alert(prior_snd_una, ev);
    if (ev.set_xmit_timer) {
        if (!schedule_loss_probe(true)) rearm_rto();
    } else if (packets_out_ == 0 && (timer_mode_ == TimerMode::Rto || timer_mode_ == TimerMode::Probe)) {
        rearm_rto();
    }
    // tcp_cong_control(): BBR models every ACK itself; others reduce by PRR, else grow.
    const uint32_t acked_sacked = ev.delivered;
    const auto state = static_cast<CaState>(ca_state());
    if (paced()) {
        ev.rs.rtt_us = ev.ca_rtt_us;
        rate_gen(ev.delivered, ev.newly_lost, ev.rs);
        bbr_main(ev.rs);
    } else if (state == CaState::Cwr || state == CaState::Recovery) {
        cwnd_reduction(acked_sacked, ev.newly_lost, ev.snd_una_advanced);
    } else if (acked_sacked > 0 && cwnd_limited()) {
        // tcp_may_raise_cwnd(): new data acknowledged, or any progress on a reordering path.
        const bool may_raise =
            (loss_if() != nullptr && loss_if()->reordering > stack_.sysctl().tcp_reordering) ||
            ev.acked_segs > 0;
        if (may_raise) {
            uint32_t acked = acked_sacked;
            // One ACK train stands for several ACKs, and Linux checks tcp_is_cwnd_limited() at
            // each: in slow start a sender that was not window-limited stops at twice what it
            // had out.
            if (cwnd_ < ssthresh_ && !is_cwnd_limited_) {
                const uint32_t cap = std::max(old_cwnd, 2u * max_packets_out_);
                acked = cwnd_ >= cap ? 0 : std::min(acked, cap - cwnd_);
            }
            if (acked > 0) slow_start_or_avoid(acked);
            cwnd_ = std::min<uint32_t>(cwnd_, 65535);
        }
    }
    trace_window(old_cwnd);
    trace_rto(old_rto, old_backoff);
    xmit_retransmit_queue();
    if (ev.snd_una_advanced) {
        release_acked_messages();
        if (retrans_out_ == 0 && state != CaState::Loss) retrans_stamp_ = sim::Time{};
    }
    // tcp_ack_probe(): the head fits the window now, or the probe timer restarts from now.
    if (timer_mode_ == TimerMode::Probe0) {
        if (seq_le(std::min(app_end_, snd_nxt_ + net::kMss), snd_una_ + snd_wnd_)) {
            clear_rtx();
            timer_mode_ = TimerMode::None;
            backoff_ = 0;
        } else {
            const TcpSysctls& sys = stack_.sysctl();
            const Jiffies base = std::max(rto_, stack_.clock().from_us(sys.tcp_rto_min_us));
            arm_rtx(TimerMode::Probe0, std::min<Jiffies>(base << std::min<uint8_t>(backoff_, 10),
                                                         stack_.clock().from_ms(sys.tcp_rto_max_ms)));
        }
    }
    if (static_cast<int32_t>(app_end_ - send_limit()) > 0 && packets_in_flight() < cwnd_) sndbuf_expand();
    (void)now;
    const bool fin_acked = fin_sent_ && seq_gt(snd_una_, fin_seq_);
    if (fin_acked && ev.snd_una_advanced) {
        switch (state_) {
            case TcpState::FinWait1:
                if (!p.fin()) {
                    apply(TcpEvent::RecvAck);
                    // Only an orphan waits with a timeout (tcp_fin_timeout); a half-closed
                    // socket its application still holds waits for the peer's FIN for ever.
                    if (app_closed_) enter_fin_wait2_timer();
                    return;
                }
                break;  // FIN+ACK of our FIN: handled with the FIN (straight to TIME_WAIT)
            case TcpState::Closing:
                apply(TcpEvent::RecvAck);
                enter_time_wait();
                return;
            case TcpState::LastAck:
                apply(TcpEvent::RecvAck);
                enter_closed();
                return;
            default: break;
        }
    }
    output();
    arm_keepalive_if_idle();
    free_loss_state_if_idle();
}

uint32_t TcpConn::message_ending_at(uint32_t seq) const {
    for (uint8_t i = 0; i < out_count_; ++i) {
        const OutMsg& m = out_[(out_head_ + i) % kMaxOut];
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

void TcpConn::clean_rtx_queue(uint32_t ack, AckEvent& ev) {
    // tcp_clean_rtx_queue(): free what the cumulative ACK covers and advance RACK.
    ChunkPool& pool = stack_.chunks_;
    while (rtx_.head != 0 && seq_lt(pool[rtx_.head].start, ack)) {
        uint32_t i = rtx_.head;
        if (seq_gt(pool[i].end, ack)) {
            if (pool[i].segs < 2) break;  // a partly acknowledged segment stays
            rtx_split(pool, rtx_, i, ack, net::kMss);
        }
        const SentChunk c = pool[i];
        if (c.tags & (tag::kRetrans | tag::kEverRetrans)) {
            if (c.tags & tag::kRetrans) dec(retrans_out_, c.segs);
            ev.retrans_data_acked = true;
        } else if (!(c.tags & tag::kSacked)) {
            if (!ev.has_ackt) {
                ev.first_ackt = c.xmit;
                ev.has_ackt = true;
            }
            ev.last_ackt = c.xmit;
            if (seq_lt(c.start, ev.reord_cum)) ev.reord_cum = c.start;
        }
        if (paced()) rate_skb_delivered(pool[i], ev.rs);
        if (c.tags & tag::kSacked) {
            dec(sacked_out_, c.segs);
        } else {
            if (sack_ok_) ev.delivered += c.segs;  // tcp_count_delivered(): SACKed ones were counted then
            if (loss_ != 0 && sack_ok_) rack_advance(c.tags, c.end, c.xmit);
        }
        if (c.tags & tag::kLost) dec(lost_out_, c.segs);
        packets_out_ -= std::min<uint32_t>(packets_out_, c.segs);
        ev.acked_segs += c.segs;
        rtx_.head = c.next;
        if (rtx_.head == 0) rtx_.tail = 0;
        pool.free(i);
    }
    if (!sack_ok_ && ev.acked_segs > 0) {
        // tcp_remove_reno_sacks(): what duplicate ACKs announced was delivered then; the rest now.
        ev.delivered += std::max<uint32_t>(ev.acked_segs > sacked_out_ ? ev.acked_segs - sacked_out_ : 0, 1);
        sacked_out_ =
            ev.acked_segs - 1 >= sacked_out_ ? 0 : static_cast<uint16_t>(sacked_out_ - (ev.acked_segs - 1));
        limit_reno_sacked();
    }
    if (ev.acked_segs > 0) ev.set_xmit_timer = true;
}

void TcpConn::limit_reno_sacked() {
    // tcp_limit_reno_sacked(): duplicate ACKs never stand for more than is out.
    const uint32_t holes = std::max<uint32_t>(lost_out_, 1);
    const uint32_t limit = packets_out_ > holes ? packets_out_ - holes : 0;
    if (sacked_out_ > limit) sacked_out_ = static_cast<uint16_t>(limit);
}

void TcpConn::sample_rtt(AckEvent& ev) {
    // tcp_ack_update_rtt(): the first newly acknowledged segment, else the SACKed one (Karn:
    // never retransmitted data).
    const sim::Time now = stack_.sim().now();
    int64_t seq_rtt = -1, ca_rtt = -1;
    if (ev.has_ackt && !ev.retrans_data_acked) {
        seq_rtt = us_since(now, ev.first_ackt);
        ca_rtt = us_since(now, ev.last_ackt);
    } else if (ev.has_sackt) {
        seq_rtt = us_since(now, ev.first_sackt);
        ca_rtt = us_since(now, ev.last_sackt);
    }
    if (seq_rtt >= 0) {
        update_min_rtt(static_cast<uint32_t>(std::max<int64_t>(ca_rtt, 1)));
        rtt_sample(sim::us(seq_rtt));
        ev.ca_rtt_us = ca_rtt;
    }
}

// ---- RACK -------------------------------------------------------------------------------------

void TcpConn::rack_advance(uint8_t tags, uint32_t end_seq, sim::Time xmit) {
    // tcp_rack_advance().
    LossState& ls = loss();
    const int64_t rtt_us = us_since(stack_.sim().now(), xmit);
    if (rtt_us < min_rtt_us_ && (tags & (tag::kRetrans | tag::kEverRetrans))) return;  // ambiguous
    ls.rack_advanced = true;
    ls.rack_rtt_us = static_cast<uint32_t>(std::max<int64_t>(rtt_us, 0));
    if (sent_after(xmit, ls.rack_mstamp, end_seq, ls.rack_end_seq)) {
        ls.rack_mstamp = xmit;
        ls.rack_end_seq = end_seq;
    }
}

uint32_t TcpConn::rack_reo_wnd_us() const {
    // tcp_rack_reo_wnd().
    const LossState& ls = *loss_if();
    const auto recovery = static_cast<uint32_t>(stack_.sysctl().tcp_recovery);
    if (ls.reord_seen == 0) {
        if (ls.ca_state >= CaState::Recovery) return 0;
        if (sacked_out_ >= ls.reordering && !(recovery & kRackNoDupthresh)) return 0;
    }
    const uint32_t min_rtt = min_rtt_us_ == UINT32_MAX ? 0 : min_rtt_us_;
    const uint32_t steps = (recovery & kRackStaticReoWnd) ? 1 : ls.reo_wnd_steps;
    return std::min<uint32_t>((min_rtt >> 2) * steps, srtt_us_ >> 3);
}

void TcpConn::mark_lost(uint32_t i, bool by_dupthresh) {
    // tcp_mark_skb_lost().
    SentChunk& c = stack_.chunks_[i];
    if (c.tags & tag::kSacked) return;
    if (c.tags & tag::kLost) {
        if (c.tags & tag::kRetrans) {  // the retransmission was lost too (FLAG_LOST_RETRANS)
            c.tags &= static_cast<uint8_t>(~tag::kRetrans);
            dec(retrans_out_, c.segs);
            loss().lost_retrans = true;
        }
        return;
    }
    c.tags |= tag::kLost;
    c.tags &= static_cast<uint8_t>(~(kLostByDupthresh | kLostByRto));
    if (by_dupthresh) c.tags |= kLostByDupthresh;
    lost_out_ = static_cast<uint16_t>(lost_out_ + c.segs);
}

bool TcpConn::rack_detect_loss(uint32_t& reo_timeout_us, bool from_timer) {
    // tcp_rack_detect_loss(): returns whether anything was newly marked lost.
    LossState& ls = loss();
    const uint32_t reo_wnd = rack_reo_wnd_us();
    // The reordering window is zero through the DUPTHRESH shortcut: these are the classic
    // "three duplicate ACKs".
    const bool dupthresh =
        !from_timer && reo_wnd == 0 && ls.reord_seen == 0 && ls.ca_state < CaState::Recovery;
    const sim::Time now = stack_.sim().now();
    reo_timeout_us = 0;
    bool marked = false;
    for (uint32_t i = rtx_.head; i != 0; i = stack_.chunks_[i].next) {
        const SentChunk& c = stack_.chunks_[i];
        if (c.tags & tag::kSacked) continue;
        if ((c.tags & tag::kLost) && !(c.tags & tag::kRetrans)) continue;
        if (!sent_after(ls.rack_mstamp, c.xmit, ls.rack_end_seq, c.end)) continue;
        const int64_t remaining = int64_t{ls.rack_rtt_us} + reo_wnd - us_since(now, c.xmit);
        if (remaining <= 0) {
            mark_lost(i, dupthresh);
            marked = true;
        } else {
            reo_timeout_us = std::max<uint32_t>(reo_timeout_us, static_cast<uint32_t>(remaining));
        }
    }
    return marked;
}

void TcpConn::on_reo_timeout() {
    // tcp_rack_reo_timeout().
    LossState& ls = loss();
    const uint32_t prior_in_flight = packets_in_flight();
    const uint32_t prior_lost = lost_out_;
    uint32_t timeout = 0;
    rack_detect_loss(timeout, true);
    if (prior_in_flight != packets_in_flight()) {
        if (ls.ca_state != CaState::Recovery) {
            enter_recovery();
            cwnd_reduction(1, lost_out_ - prior_lost, false);
        }
        xmit_retransmit_queue();
    }
    if (timer_mode_ != TimerMode::Rto) rearm_rto();
}

// ---- tcp_fastretrans_alert() ------------------------------------------------------------------

void TcpConn::fastretrans_alert(uint32_t prior_snd_una, AckEvent& ev) {
    LossState& ls = loss();
    (void)prior_snd_una;
    const uint32_t lost_before = lost_out_;
    const auto identify_packet_loss = [&] {
        // tcp_identify_packet_loss().
        if (rtx_.empty()) return;
        if (!sack_ok_) {
            // tcp_newreno_mark_lost(): the third duplicate ACK, or a partial ACK in recovery.
            if ((ls.ca_state < CaState::Recovery && sacked_out_ >= ls.reordering) ||
                (ls.ca_state == CaState::Recovery && ev.snd_una_advanced)) {
                uint32_t head = rtx_.head;
                if (stack_.chunks_[head].tags & tag::kLost) return;
                if (stack_.chunks_[head].segs > 1)
                    rtx_split(stack_.chunks_, rtx_, head, stack_.chunks_[head].start + net::kMss, net::kMss);
                mark_lost(head, true);
            }
            return;
        }
        if (!ls.rack_advanced) return;
        ls.rack_advanced = false;
        uint32_t timeout = 0;
        rack_detect_loss(timeout, false);
        if (timeout != 0) {
            // The reordering timer: 2 ms after the last candidate could be declared lost.
            const Jiffies j = std::min(stack_.clock().from_us(int64_t{timeout} + 2000), rto_);
            arm_rtx(TimerMode::ReoTimeout, j);
            ev.set_xmit_timer = false;
        }
    };
    ls.lost_retrans = false;
    const bool dup = !ev.snd_una_advanced && !ev.data && !ev.win_update && !ev.dsack;
    const auto add_reno_sack = [&] {
        // tcp_add_reno_sack(): a duplicate ACK stands for one segment that arrived (delivered).
        if (!sack_ok_ && dup) {
            ++sacked_out_;
            ev.delivered += 1;
            limit_reno_sacked();
        }
    };
    // Leaving a reduction once the recovery point is acknowledged.
    if ((ls.ca_state == CaState::Cwr || ls.ca_state == CaState::Recovery) && seq_ge(snd_una_, ls.high_seq)) {
        if (ls.ca_state == CaState::Cwr) {
            if (snd_una_ != ls.high_seq) {
                end_cwnd_reduction();
                ls.ca_state = CaState::Open;
            }
        } else if (!sack_ok_ && snd_una_ == ls.high_seq) {
            // tcp_is_non_sack_preventing_reopen(): a Reno peer stays in recovery until something
            // beyond the recovery point is acknowledged.
        } else {
            if (!sack_ok_) sacked_out_ = 0;
            if (ls.reo_wnd_persist > 0) --ls.reo_wnd_persist;  // tcp_try_undo_recovery(), no undo
            end_cwnd_reduction();
            ls.ca_state = CaState::Open;
        }
    }
    bool open_path = false;
    switch (ls.ca_state) {
        case CaState::Recovery:
            if (!ev.snd_una_advanced) add_reno_sack();
            identify_packet_loss();
            break;
        case CaState::Loss:
            // tcp_process_loss(); a lost retransmission or the end of Loss goes on below.
            if (seq_ge(snd_una_, ls.high_seq)) ls.ca_state = CaState::Open;
            identify_packet_loss();
            open_path = ls.ca_state == CaState::Open || ls.lost_retrans;
            if (open_path) ls.ca_state = CaState::Open;
            else add_reno_sack();
            break;
        default: open_path = true; break;
    }
    if (open_path) {
        if (!sack_ok_ && ev.snd_una_advanced) sacked_out_ = 0;  // tcp_reset_reno_sack()
        add_reno_sack();
        identify_packet_loss();
        if (lost_out_ == 0) {
            // tcp_try_to_open() / tcp_try_keep_open().
            if (ls.ca_state != CaState::Cwr) {
                const CaState next =
                    (sacked_out_ + lost_out_ + retrans_out_) != 0 ? CaState::Disorder : CaState::Open;
                if (next != ls.ca_state) {
                    ls.ca_state = next;
                    ls.high_seq = snd_nxt_;
                }
            }
        } else {
            enter_recovery();
        }
    }
    ev.newly_lost += lost_out_ > lost_before ? lost_out_ - lost_before : 0;
}

void TcpConn::init_cwnd_reduction() {
    LossState& ls = loss();
    ls.high_seq = snd_nxt_;
    ls.tlp_high_seq = 0;
    ls.prior_cwnd = cwnd_;
    ls.prr_delivered = 0;
    ls.prr_out = 0;
    ssthresh_ = cc_ssthresh();
}

void TcpConn::enter_recovery() {
    LossState& ls = loss();
    ++stack_.counters_.recoveries;
    if (ls.ca_state != CaState::Cwr && ls.ca_state != CaState::Recovery) init_cwnd_reduction();
    ls.ca_state = CaState::Recovery;
    LVS_TRACE(stack_.sim(), stack_.entity(), trace::kind::tcp_recovery)
        .f("conn", id_)
        .f("state", "recovery")
        .f("high_seq", static_cast<int64_t>(ls.high_seq - iss_))
        .f("lost", lost_out_)
        .f("sacked", sacked_out_)
        .f("ssthresh", ssthresh_);
}

void TcpConn::end_cwnd_reduction() {
    if (uses(CongestionControl::Bbr)) return;  // cong_control: BBR sets cwnd itself
    // tcp_end_cwnd_reduction(): no undo, so cwnd = ssthresh.
    if (ssthresh_ != UINT32_MAX) cwnd_ = ssthresh_;
}

void TcpConn::cwnd_reduction(uint32_t newly_acked_sacked, uint32_t newly_lost, bool snd_una_advanced) {
    if (uses(CongestionControl::Bbr)) return;
    // tcp_cwnd_reduction(): Proportional Rate Reduction (RFC 6937).
    LossState& ls = loss();
    if (newly_acked_sacked == 0 || ls.prior_cwnd == 0) return;
    const auto in_flight = static_cast<int64_t>(packets_in_flight());
    const int64_t delta = int64_t{ssthresh_} - in_flight;
    ls.prr_delivered += newly_acked_sacked;
    int64_t sndcnt = 0;
    if (delta < 0) {
        const uint64_t dividend = uint64_t{ssthresh_} * ls.prr_delivered + ls.prior_cwnd - 1;
        sndcnt = static_cast<int64_t>(dividend / ls.prior_cwnd) - ls.prr_out;
    } else {
        sndcnt = std::max<int64_t>(int64_t{ls.prr_delivered} - ls.prr_out, newly_acked_sacked);
        if (snd_una_advanced && newly_lost == 0) ++sndcnt;
        sndcnt = std::min(delta, sndcnt);
    }
    sndcnt = std::max<int64_t>(sndcnt, ls.prr_out != 0 ? 0 : 1);  // force the fast retransmit
    cwnd_ = static_cast<uint32_t>(std::clamp<int64_t>(in_flight + sndcnt, 1, 65535));
}

// ---- retransmitting ---------------------------------------------------------------------------

bool TcpConn::retransmit_chunk(uint32_t i, uint32_t max_segs, RetransmitCause why) {
    ChunkPool& pool = stack_.chunks_;
    if (pool[i].segs > max_segs) rtx_split(pool, rtx_, i, pool[i].start + max_segs * net::kMss, net::kMss);
    const sim::Time now = stack_.sim().now();
    const bool has_fin = fin_sent_ && pool[i].end == fin_seq_ + 1;
    const uint32_t data_end = has_fin ? fin_seq_ : pool[i].end;
    const uint32_t len = data_end - pool[i].start;
    const sim::Time depart = paced() ? pace(len) : now;
    if (paced()) rate_skb_sent(pool[i], depart);
    SentChunk& c = pool[i];
    if (len == 0) {
        emit(flag::kFin | flag::kAck, c.start, 0, 1, 0, depart);
    } else {
        uint8_t flags = flag::kAck | flag::kPsh;
        if (has_fin) flags |= flag::kFin;
        emit(flags, c.start, len, static_cast<uint8_t>(std::min<uint32_t>(c.segs, net::kMaxTrainSegs)),
             message_ending_at(data_end), depart);
    }
    c.xmit = depart;
    c.tags |= tag::kEverRetrans;
    if (why != RetransmitCause::Tlp) {
        c.tags |= tag::kRetrans;
        retrans_out_ = static_cast<uint16_t>(retrans_out_ + c.segs);
        if (retrans_stamp_ == sim::Time{}) retrans_stamp_ = now;
    }
    retransmissions_ += c.segs;
    TcpCounters& k = stack_.counters_;
    k.retransmits += c.segs;
    k.retransmit_at.note(now);
    switch (why) {
        case RetransmitCause::Dupack: k.retransmits_by.dupack += c.segs; break;
        case RetransmitCause::Rack: k.retransmits_by.rack += c.segs; break;
        case RetransmitCause::Tlp: k.retransmits_by.tlp += c.segs; break;
        case RetransmitCause::Rto: k.retransmits_by.rto += c.segs; break;
    }
    last_send_ = now;
    LVS_TRACE(stack_.sim(), stack_.entity(), trace::kind::tcp_retransmit)
        .f("conn", id_)
        .f("seq", static_cast<int64_t>(c.start - iss_))
        .f("len", static_cast<int64_t>(len))
        .f("segs", c.segs)
        .f("why", why == RetransmitCause::Dupack ? "dupack"
                  : why == RetransmitCause::Rack ? "rack"
                  : why == RetransmitCause::Tlp  ? "tlp"
                                                 : "rto")
        .f("state", to_string(static_cast<CaState>(ca_state())));
    return true;
}

void TcpConn::xmit_retransmit_queue() {
    // tcp_xmit_retransmit_queue(): the segments marked lost, in order, while cwnd allows.
    if (packets_out_ == 0 || lost_out_ == 0) return;
    const auto state = static_cast<CaState>(ca_state());
    bool rearm = false;
    for (uint32_t i = rtx_.head; i != 0; i = stack_.chunks_[i].next) {
        const int64_t room = int64_t{cwnd_} - packets_in_flight();
        if (room <= 0 || retrans_out_ >= lost_out_) break;
        const SentChunk& c = stack_.chunks_[i];
        if (!(c.tags & tag::kLost) || (c.tags & (tag::kSacked | tag::kRetrans))) continue;
        const RetransmitCause why = (c.tags & kLostByRto)         ? RetransmitCause::Rto
                                    : (c.tags & kLostByDupthresh) ? RetransmitCause::Dupack
                                                                  : RetransmitCause::Rack;
        const bool head = i == rtx_.head;
        retransmit_chunk(i, static_cast<uint32_t>(std::min<int64_t>(room, net::kMaxTrainSegs)), why);
        if (state == CaState::Cwr || state == CaState::Recovery) loss().prr_out += stack_.chunks_[i].segs;
        if (head && timer_mode_ != TimerMode::ReoTimeout) rearm = true;
    }
    if (rearm) arm_rtx(TimerMode::Rto, rto_);
}

// ---- timers: TLP and RTO ----------------------------------------------------------------------

bool TcpConn::schedule_loss_probe(bool advancing_rto) {
    // tcp_schedule_loss_probe(): SACK connections not in recovery, two RTTs (plus the
    // minimum RTO when a single segment is out, for the peer's delayed ACK).
    const TcpSysctls& sys = stack_.sysctl();
    const auto state = static_cast<CaState>(ca_state());
    if ((sys.tcp_early_retrans != 3 && sys.tcp_early_retrans != 4) || packets_out_ == 0 || !sack_ok_ ||
        (state != CaState::Open && state != CaState::Cwr))
        return false;
    const KernelClock& clk = stack_.clock();
    Jiffies timeout = clk.from_duration(sim::s(1));  // TCP_TIMEOUT_INIT
    if (srtt_us_ != 0)
        timeout = clk.from_us(int64_t{srtt_us_ >> 2} + (packets_out_ == 1 ? sys.tcp_rto_min_us : 2000));
    // The RTO's own deadline caps it: a full RTO when the ACK just advanced, else what is left
    // of the RTO of the oldest unacknowledged segment (tcp_rto_delta_us()).
    int64_t rto_delta_us = clk.duration(rto_).ns() / 1000;
    if (!advancing_rto && rtx_.head != 0)
        rto_delta_us = (stack_.chunks_[rtx_.head].xmit + clk.duration(rto_) - stack_.sim().now()).ns() / 1000;
    if (rto_delta_us > 0) timeout = std::min(timeout, clk.from_us(rto_delta_us));
    arm_rtx(TimerMode::Probe, timeout);
    return true;
}

void TcpConn::rearm_rto() {
    // tcp_rearm_rto(): the RTO counts from the oldest unacknowledged segment's last send when
    // a probe or the reordering timer held the slot.
    if (packets_out_ == 0) {
        if (timer_mode_ == TimerMode::Rto || timer_mode_ == TimerMode::Probe ||
            timer_mode_ == TimerMode::ReoTimeout) {
            clear_rtx();
            timer_mode_ = TimerMode::None;
        }
        return;
    }
    Jiffies rto = rto_;
    if ((timer_mode_ == TimerMode::ReoTimeout || timer_mode_ == TimerMode::Probe) && rtx_.head != 0) {
        const int64_t delta_us =
            (stack_.chunks_[rtx_.head].xmit + stack_.clock().duration(rto_) - stack_.sim().now()).ns() / 1000;
        rto = stack_.clock().from_us(std::max<int64_t>(delta_us, 1));
    }
    arm_rtx(TimerMode::Rto, rto);
}

void TcpConn::send_loss_probe() {
    // tcp_send_loss_probe(): new data if the window allows, else the last segment again.
    LossState& ls = loss();
    if (ls.tlp_high_seq != 0 || packets_out_ == 0) {
        rearm_rto();
        return;
    }
    ls.tlp_retrans = false;
    const uint32_t before = packets_out_;
    if (seq_lt(snd_nxt_, app_end_) && seq_lt(snd_nxt_, send_limit())) {
        const uint32_t saved = cwnd_;
        const bool limited = is_cwnd_limited_;
        const uint16_t max_out = max_packets_out_;
        const uint32_t usage = cwnd_usage_seq_;
        cwnd_ = packets_in_flight() + 1;  // push_one = 2: one segment, whatever cwnd says
        output();
        cwnd_ = saved;
        is_cwnd_limited_ = limited;  // the probe's borrowed window says nothing of cwnd's use
        max_packets_out_ = max_out;
        cwnd_usage_seq_ = usage;
    }
    if (packets_out_ == before) {
        uint32_t last = rtx_.tail;
        if (last == 0) {
            rearm_rto();
            return;
        }
        if (stack_.chunks_[last].segs > 1) {
            const SentChunk& c = stack_.chunks_[last];
            last = rtx_split(stack_.chunks_, rtx_, last, c.start + (c.segs - 1) * net::kMss, net::kMss);
        }
        retransmit_chunk(last, 1, RetransmitCause::Tlp);
        ls.tlp_retrans = true;
    }
    ls.tlp_high_seq = snd_nxt_;
    ++stack_.counters_.loss_probes;
    timer_mode_ = TimerMode::None;  // icsk_pending = 0: the RTO restarts from now
    rearm_rto();
}

void TcpConn::process_tlp_ack(uint32_t ack, const AckEvent& ev) {
    // tcp_process_tlp_ack().
    LossState& ls = loss();
    if (seq_lt(ack, ls.tlp_high_seq)) return;
    if (!ls.tlp_retrans || ev.dsack_tlp) {
        ls.tlp_high_seq = 0;  // new data, or the D-SACK shows the original arrived
    } else if (seq_gt(ack, ls.tlp_high_seq)) {
        // The probe repaired a loss: a one-shot reduction (CWR), then open again.
        init_cwnd_reduction();
        ls.ca_state = CaState::Cwr;
        end_cwnd_reduction();
        ls.ca_state = (sacked_out_ + lost_out_ + retrans_out_) != 0 ? CaState::Disorder : CaState::Open;
        ls.high_seq = snd_nxt_;
        ++stack_.counters_.loss_probe_recoveries;
    } else if (!ev.snd_una_advanced && !ev.data && !ev.win_update && !ev.data_sacked) {
        ls.tlp_high_seq = 0;  // a pure duplicate ACK: no loss
    }
}

void TcpConn::enter_loss() {
    // tcp_enter_loss() with tcp_timeout_mark_lost().
    LossState& ls = loss();
    ChunkPool& pool = stack_.chunks_;
    const sim::Time now = stack_.sim().now();
    const bool reneged = rtx_.head != 0 && (pool[rtx_.head].tags & tag::kSacked);
    if (reneged) sacked_out_ = 0;
    if (!sack_ok_) sacked_out_ = 0;  // tcp_reset_reno_sack()
    for (uint32_t i = rtx_.head; i != 0; i = pool[i].next) {
        SentChunk& c = pool[i];
        if (reneged) {
            c.tags &= static_cast<uint8_t>(~tag::kSacked);
        } else if (i != rtx_.head && int64_t{ls.rack_rtt_us} - us_since(now, c.xmit) > 0) {
            continue;  // sent within the last RACK RTT: not yet
        }
        if (c.tags & tag::kSacked) continue;
        if (c.tags & tag::kLost) {
            if (c.tags & tag::kRetrans) {
                c.tags &= static_cast<uint8_t>(~tag::kRetrans);
                retrans_out_ = static_cast<uint16_t>(retrans_out_ - c.segs);
            }
        } else {
            c.tags |= tag::kLost;
            lost_out_ = static_cast<uint16_t>(lost_out_ + c.segs);
        }
        c.tags = static_cast<uint8_t>((c.tags & ~kLostByDupthresh) | kLostByRto);
    }
    // Not again for repeated timeouts of the same episode (icsk_retransmits, here backoff_).
    if (ls.ca_state <= CaState::Disorder || !seq_gt(ls.high_seq, snd_una_) ||
        (ls.ca_state == CaState::Loss && backoff_ == 0)) {
        ls.prior_cwnd = cwnd_;
        ssthresh_ = cc_ssthresh();
    }
    cwnd_ = packets_in_flight() + 1;
    if (ls.ca_state <= CaState::Disorder && sacked_out_ >= stack_.sysctl().tcp_reordering)
        ls.reordering =
            std::min<uint32_t>(ls.reordering, static_cast<uint32_t>(stack_.sysctl().tcp_reordering));
    ls.ca_state = CaState::Loss;
    cc_enter_loss_state();
    ls.high_seq = snd_nxt_;
    ls.tlp_high_seq = 0;
}

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
