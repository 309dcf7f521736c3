// Sending (net/ipv4/tcp_output.c): building a segment (tcp_transmit_skb()), tcp_write_xmit()'s
// loop over what the congestion and receive windows allow, the FIN, cwnd validation, and the
// application's send queue of messages. Separate from tcp_conn.cpp because it is the one
// place segments leave the connection.
#include <algorithm>

#include "models/tcp/seq.hpp"
#include "models/tcp/tcp_conn.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/tcp/timer_batch.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::tcp {

using net::Packet;
namespace flag = net::tcpflag;

void TcpConn::emit(uint8_t flags, uint32_t seq, uint32_t len, uint8_t segs, uint32_t msg, sim::Time depart) {
    Packet p;
    p.saddr = tuple_.local.addr.value();
    p.daddr = tuple_.remote.addr.value();
    p.sport = tuple_.local.port;
    p.dport = tuple_.remote.port;
    p.seq = seq;
    p.ack = (flags & flag::kAck) ? rcv_nxt_ : 0;
    p.len = len;
    p.flags = flags;
    p.segs = segs;
    p.msg = msg;
    if (flags & flag::kSyn) {
        // The window of a SYN or SYN+ACK is never scaled; its options say what this side does.
        p.win = static_cast<uint16_t>(std::min<uint32_t>(rcv_wnd_, 65535));
        net::SynOptions o;
        o.mss = static_cast<uint16_t>(net::kMss);
        o.has_wscale = wscale_ok_;
        o.wscale = rcv_wscale_;
        o.sack_ok = sack_ok_;
        p.msg = o.pack();
    } else if (!(flags & flag::kRst) && (flags & flag::kAck)) {
        p.win = select_window();
        if (loss_ != 0 && sack_ok_) {
            // SACK blocks (tcp_established_options()): the D-SACK first, then the most recent;
            // four at most without timestamps.
            LossState& ls = stack_.losses_[loss_];
            if (ls.dsack || ls.num_sacks > 0) {
                net::SackInfo info;
                info.msg = msg;
                if (ls.dsack) {
                    info.blocks[info.count++] = ls.duplicate_sack;
                    info.dsack = true;
                    ls.dsack = false;
                }
                for (uint8_t k = 0; k < ls.num_sacks && info.count < info.blocks.size(); ++k)
                    info.blocks[info.count++] = ls.selective_acks[k];
                p.msg = stack_.network().sacks().add(info);
                p.aux |= Packet::kSack;
            }
        }
    }
    TcpCounters& k = stack_.counters_;
    const sim::Time now = stack_.sim().now();
    if (ack_now_deferred_ && (flags & flag::kAck) && !(flags & (flag::kRst | flag::kSyn)) &&
        (len > 0 || (flags & flag::kFin))) {
        // The held ACK goes first, as its own frame of this train.
        ack_now_deferred_ = false;
        if (ack_sched_) {
            p.aux |= Packet::kLeadAck;
            ++k.sent.pure_ack;
            k.pure_ack_at.note(now);
        }
    }
    if (flags & flag::kRst) {
        ++k.resets_sent;
        ++k.sent.rst;
        k.rst_at.note(now);
    } else if (flags & flag::kSyn) {
        if (flags & flag::kAck) ++k.sent.synack, k.synack_at.note(now);
        else ++k.sent.syn, k.syn_at.note(now);
    } else {
        if (len > 0) k.sent.data += segs, k.data_at.note(now);
        if (flags & flag::kFin) ++k.sent.fin, k.fin_at.note(now);
        if (len == 0 && !(flags & flag::kFin)) ++k.sent.pure_ack, k.pure_ack_at.note(now);
    }
    if ((flags & flag::kAck) && !(flags & flag::kRst)) ack_sent();
    if (len > 0) data_sent();
    stack_.transmit(route_, p, depart);
}

void TcpConn::send_ack() { emit(flag::kAck, snd_nxt_); }

void TcpConn::arm_rtx(TimerMode mode, Jiffies timeout) {
    timer_mode_ = mode;
    set_rtx_at(stack_.kernel_fire_time(timeout));
}

void TcpConn::output(bool window_probe) {
    const bool may_send =
        state_ == TcpState::Established || state_ == TcpState::CloseWait ||
        ((state_ == TcpState::FinWait1 || state_ == TcpState::LastAck || state_ == TcpState::Closing) &&
         fin_queued_);
    if (!may_send) return;
    // tcp_write_xmit().
    const sim::Time now = stack_.sim().now();
    const uint32_t limit = send_limit();
    const auto state = static_cast<CaState>(ca_state());
    const bool reducing = state == CaState::Cwr || state == CaState::Recovery;
    bool sent = false;
    bool window_full = false;
    bool rearm = false;  // tcp_event_new_data_sent(): the RTO starts with the first segment out
    while (seq_lt(snd_nxt_, app_end_)) {
        const uint32_t inflight = packets_in_flight();
        if (inflight >= cwnd_) {
            window_full = true;
            break;
        }
        // A train is one TSO burst (tcp_tso_segs()): about 1 ms of the pacing rate.
        const uint32_t room = std::min({cwnd_ - inflight, net::kMaxTrainSegs, tso_segs()}) * net::kMss;
        // A train never runs past a message boundary, so the message id rides on its end.
        uint32_t end = app_end_;
        uint32_t msg = 0;
        for (size_t i = 0, n = out_.size(); i < n; ++i) {
            const SentMessage& m = out_.at(i);
            if (seq_gt(m.end, snd_nxt_)) {
                end = m.end;
                msg = m.id;
                break;
            }
        }
        uint32_t len = end - snd_nxt_;
        if (len > room) {
            len = room;
            msg = 0;
        }
        // tcp_snd_wnd_test(): the first segment must fit in the peer's window (and the send
        // buffer); a longer train is cut to whole segments (tcp_mss_split_point()). A window
        // probe (tcp_write_wakeup()) sends what fits of one segment.
        if (window_probe) {
            if (!seq_lt(snd_nxt_, limit)) break;
            len = std::min({len, net::kMss, limit - snd_nxt_});
            if (len < end - snd_nxt_) msg = 0;
        } else {
            if (seq_gt(snd_nxt_ + std::min(len, net::kMss), limit)) break;
            if (seq_gt(snd_nxt_ + len, limit)) {
                len = (limit - snd_nxt_) / net::kMss * net::kMss;
                msg = 0;
            }
        }
        // tcp_nagle_check() with Minshall's change (tcp_minshall_check()): a small segment
        // waits while an earlier small segment is unacknowledged.
        if (nagle_ && len < net::kMss && packets_out_ != 0 && seq_gt(snd_sml_, snd_una_) &&
            !seq_gt(snd_sml_, snd_nxt_) && !fin_queued_)
            break;
        uint8_t flags = flag::kAck | flag::kPsh;
        const bool with_fin = fin_queued_ && snd_nxt_ + len == app_end_;
        if (with_fin) flags |= flag::kFin;
        const auto segs = static_cast<uint8_t>((len + net::kMss - 1) / net::kMss);
        const bool first = packets_out_ == 0;
        if (first) cc_tx_start();
        const sim::Time depart = paced() ? pace(len) : now;
        emit(flags, snd_nxt_, len, segs, msg, depart);
        const uint32_t chunk =
            rtx_append(stack_.chunks_, rtx_, snd_nxt_, snd_nxt_ + len + (with_fin ? 1 : 0), segs, depart);
        if (paced()) rate_skb_sent(stack_.chunks_[chunk], depart);
        packets_out_ += segs;
        if (reducing) loss().prr_out += segs;
        snd_nxt_ += len;
        if (len < uint32_t{segs} * net::kMss) snd_sml_ = snd_nxt_;  // tcp_minshall_update()
        if (with_fin) {
            fin_sent_ = true;
            fin_seq_ = snd_nxt_;
            snd_nxt_ += 1;
        }
        if (seq_gt(snd_nxt_, snd_max_)) snd_max_ = snd_nxt_;
        last_send_ = now;
        sent = true;
        rearm = rearm || first || timer_mode_ == TimerMode::Probe || window_probe;
        if (window_probe) break;
    }
    if (fin_queued_ && !fin_sent_ && snd_nxt_ == app_end_ && state_ != TcpState::Established &&
        state_ != TcpState::CloseWait) {
        rearm = rearm || packets_out_ == 0 || timer_mode_ == TimerMode::Probe;
        send_fin();
        sent = true;
    }
    // tcp_write_xmit(): is_cwnd_limited when the window is full after sending.
    window_full = window_full || packets_in_flight() >= cwnd_;
    if (sent || window_full) validate_cwnd(window_full);
    // Then the tail-loss probe replaces the RTO when it may (one timer arming for both).
    if (sent) {
        // tcp_write_wakeup()'s data goes out under the RTO (tcp_event_new_data_sent()), not a probe.
        if ((window_probe || !schedule_loss_probe(false)) && rearm) rearm_rto();
    } else if (packets_out_ == 0 && seq_lt(snd_nxt_, app_end_)) {
        check_probe_timer();
    }
}

void TcpConn::validate_cwnd(bool window_full) {
    // tcp_cwnd_validate(): remember, once per window of data, whether the window was full or
    // else the most segments that were ever out at once.
    const uint32_t packets_out = packets_in_flight();
    if (!seq_lt(snd_una_, cwnd_usage_seq_) || window_full ||
        (!is_cwnd_limited_ && packets_out > max_packets_out_)) {
        is_cwnd_limited_ = window_full;
        max_packets_out_ = static_cast<uint16_t>(std::min<uint32_t>(packets_out, UINT16_MAX));
        cwnd_usage_seq_ = snd_nxt_;
    }
}

bool TcpConn::cwnd_limited() const {
    // tcp_is_cwnd_limited() (include/net/tcp.h): in slow start cwnd may grow to twice what
    // was out at most; after that only a full window counts. A keep-alive connection carrying
    // one small request per round therefore keeps its initial window, as ss shows on Linux.
    if (is_cwnd_limited_) return true;
    if (cwnd_ < ssthresh_) return cwnd_ < 2 * max_packets_out_;
    return false;
}

void TcpConn::send_fin() {
    const sim::Time now = stack_.sim().now();
    const sim::Time depart = paced() ? pace(0) : now;
    emit(flag::kFin | flag::kAck, app_end_, 0, 1, 0, depart);
    fin_sent_ = true;
    fin_seq_ = app_end_;
    snd_nxt_ = app_end_ + 1;
    if (seq_gt(snd_nxt_, snd_max_)) snd_max_ = snd_nxt_;
    const uint32_t chunk = rtx_append(stack_.chunks_, rtx_, fin_seq_, fin_seq_ + 1, 1, depart);
    if (paced()) rate_skb_sent(stack_.chunks_[chunk], depart);
    ++packets_out_;
    last_send_ = now;
}

SocketError TcpConn::send(const net::AppMessage& m) {
    const TimerBatch batch(*this);
    rate_check_app_limited();
    if (reset_seen_ || state_ == TcpState::Closed) return SocketError::BrokenPipe;
    if (state_ != TcpState::Established && state_ != TcpState::CloseWait) return SocketError::NotConnected;
    // tcp_slow_start_after_idle_check() (from tcp_skb_entail): nothing in flight, a congestion
    // control without its own cong_control (bbr has one), idle longer than the RTO ->
    // tcp_cwnd_restart(): halve once per RTO of idle beyond the first, down to the restart
    // window min(TCP_INIT_CWND, cwnd).
    const TcpSysctls& sys = stack_.sysctl();
    if (sys.tcp_slow_start_after_idle != 0 && ca_ != CongestionControl::Bbr && snd_una_ == snd_max_ &&
        last_send_ != sim::Time{}) {
        const KernelClock& clk = stack_.clock();
        int64_t delta = static_cast<int64_t>(now_jiffies() - clk.jiffies(last_send_));
        if (delta > static_cast<int64_t>(rto_)) {
            const uint32_t old_cwnd = cwnd_;
            // tcp_cwnd_restart(): ssthresh keeps three quarters of the window it had.
            if (ca_state() != static_cast<uint8_t>(CaState::Cwr) &&
                ca_state() != static_cast<uint8_t>(CaState::Recovery))
                ssthresh_ = std::max(ssthresh_, (cwnd_ >> 1) + (cwnd_ >> 2));  // "infinite" stays
            const uint32_t restart = std::min(stack_.profile().initial_cwnd, cwnd_);
            while ((delta -= static_cast<int64_t>(rto_)) > 0 && cwnd_ > restart) cwnd_ >>= 1;
            cwnd_ = std::max(cwnd_, restart);
            trace_window(old_cwnd);
        }
    }
    app_end_ += m.bytes;
    const uint32_t id = stack_.network().messages().add(m);
    out_.push(SentMessage{app_end_, id});
    output();
    return SocketError::None;
}

void TcpConn::release_acked_messages() {
    while (!out_.empty() && seq_le(out_.front().end, snd_una_)) {
        stack_.network().messages().release(out_.front().id);
        out_.pop();
    }
}

void TcpConn::release_all_messages() {
    while (!out_.empty()) {
        stack_.network().messages().release(out_.front().id);
        out_.pop();
    }
}

}  // namespace lvs::tcp
