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
// This file holds the per-connection loss state, tcp_fastretrans_alert() with fast recovery and
// PRR, and the retransmission of marked segments; the other steps live in files named for
// them: tcp_ack_input.cpp (the ACK), tcp_sack.cpp, tcp_rack.cpp, tcp_loss_probe.cpp (TLP and
// the RTO's loss state) and tcp_ofo.cpp (the receiver's out-of-order queue).
//
// Not modelled: F-RTO, undo of spurious recoveries (tcp_try_undo_*), ECN; the reduction is
// Reno's or CUBIC's ssthresh, with PRR for every congestion control (bbr's own model is a
// later issue).
#include <algorithm>

#include "models/tcp/ack_event.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::tcp {

using net::Packet;
namespace flag = net::tcpflag;

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

}  // namespace lvs::tcp
