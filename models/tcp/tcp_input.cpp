// Receiving (net/ipv4/tcp_input.c): tcp_rcv_state_process() by state, the handshake's
// SYN_SENT and SYN_RECV steps, RST handling, then the ACK (tcp_ack_input.cpp) and the data and
// FIN (tcp_data_queue(), tcp_fin()). Separate from tcp_conn.cpp because it is the one place
// segments enter the connection.
#include <algorithm>

#include "models/tcp/seq.hpp"
#include "models/tcp/tcp_conn.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/tcp/timer_batch.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::tcp {

using net::Packet;
namespace flag = net::tcpflag;

void TcpConn::on_icmp_unreachable() {
    if (state_ == TcpState::SynSent) fail(SocketError::Refused, TcpEvent::RecvRst);
}

void TcpConn::on_segment(const Packet& p) {
    const TimerBatch batch(*this);
    const sim::Time now = stack_.sim().now();
    note_peer_heard();
    if (state_ == TcpState::TimeWait) {
        if (p.rst()) {
            apply(TcpEvent::RecvRst);
            enter_closed();
        } else if (p.fin()) {
            apply(TcpEvent::RecvFin);  // a retransmitted FIN: ACK again, restart the 60 s
            send_ack();
            enter_time_wait();
        } else if (p.len > 0 || p.syn()) {
            send_ack();
        }
        return;
    }
    if (p.rst()) {
        ++stack_.counters_.resets_received;
        if (state_ == TcpState::SynSent) {
            if (p.ackf() && p.ack == iss_ + 1) fail(SocketError::Refused, TcpEvent::RecvRst);
            return;
        }
        if (state_ == TcpState::SynReceived) {
            apply(TcpEvent::RecvRst);
            enter_closed();
            return;
        }
        reset_seen_ = true;
        // tcp_reset(): ECONNRESET, but EPIPE in CLOSE_WAIT (the peer's FIN came first, so the
        // application reads EOF before any error: observed, experiment 6).
        fail(state_ == TcpState::CloseWait ? SocketError::BrokenPipe : SocketError::Reset, TcpEvent::RecvRst);
        return;
    }
    switch (state_) {
        case TcpState::SynSent: rcv_synsent(p, now); return;
        case TcpState::SynReceived: rcv_synrecv_ack(p, now); return;
        default: break;
    }
    if (p.syn()) {
        send_ack();  // an old or duplicate SYN on a synchronized connection: challenge ACK
        return;
    }
    if (p.ackf()) {
        process_ack(p);
        if (state_ == TcpState::Closed) return;
    }
    if (p.len > 0 || p.fin()) {
        process_data_and_fin(p);
    } else if (seq_lt(p.seq, rcv_nxt_)) {
        // An old sequence number without data (a keep-alive probe: snd_una - 1):
        // tcp_validate_incoming() answers it with a duplicate ACK.
        send_ack();
    }
}

// tcp_rcv_synsent_state_process(): our SYN is answered by a SYN+ACK, or crossed by the peer's
// SYN (simultaneous open).
void TcpConn::rcv_synsent(const Packet& p, sim::Time now) {
    if (p.syn() && p.ackf()) {
        if (p.ack != iss_ + 1) {
            emit(flag::kRst, p.ack);
            return;
        }
        rcv_nxt_ = p.seq + 1;
        snd_una_ = p.ack;
        peer_syn_options(net::SynOptions::unpack(p.msg), p.win);
        snd_wl1_ = p.seq;  // tcp_init_wl()
        handshake_rtt(now);
        apply(TcpEvent::RecvSynAck);
        clear_rtx();
        timer_mode_ = TimerMode::None;
        init_buffer_space();
        send_ack();  // tcp_rcv_synsent_state_process(): the handshake's ACK goes at once
        last_send_ = now;
        if (app_ != nullptr) app_->on_connected(*this);
        if (state_ == TcpState::Established) output();
        if (keepalive_) {
            extras().keepalive_deadline = stack_.clock().fire_time(
                now, stack_.clock().from_duration(sim::s(stack_.sysctl().tcp_keepalive_time)));
            arm_keepalive_if_idle();
        }
    } else if (p.syn()) {
        rcv_nxt_ = p.seq + 1;  // simultaneous open
        init_windows_passive(net::SynOptions::unpack(p.msg));
        apply(TcpEvent::RecvSyn);
        emit(flag::kSyn | flag::kAck, iss_);
        syn_tries_ = 0;
        arm_rtx(TimerMode::SynAck, stack_.clock().from_duration(sim::s(1)));
    }
}

// tcp_rcv_state_process(), TCP_SYN_RECV: the handshake's ACK (or our lost SYN+ACK, asked for
// again), then the accept queue or the application.
void TcpConn::rcv_synrecv_ack(const Packet& p, sim::Time now) {
    if (p.syn() && !p.ackf()) {
        emit(flag::kSyn | flag::kAck, iss_);  // our SYN+ACK was lost: answer again
        return;
    }
    if (!p.ackf() || p.ack != iss_ + 1) return;
    if (parent_ != nullptr) {
        Listener& l = *parent_;
        const uint32_t limit = std::min(l.backlog_, static_cast<uint32_t>(stack_.sysctl().somaxconn));
        if (l.queue_.size() >= limit) {
            // Accept queue full: Linux ignores the ACK (the request stays half-open and
            // the SYN+ACK is retransmitted) unless tcp_abort_on_overflow is set.
            ++l.overflows_;
            ++stack_.counters_.listen_overflows;
            if (stack_.sysctl().tcp_abort_on_overflow != 0) abort();
            return;
        }
    }
    snd_una_ = p.ack;
    handshake_rtt(now);
    clear_rtx();
    timer_mode_ = TimerMode::None;
    last_send_ = now;
    // tcp_rcv_state_process(), TCP_SYN_RECV: buffers first, then the peer's window.
    init_buffer_space();
    snd_wnd_ = uint32_t{p.win} << snd_wscale_;
    snd_wl1_ = p.seq;
    apply(TcpEvent::RecvAck);
    if (parent_ != nullptr) {
        in_accept_queue_ = true;
        parent_->queue_.push_back(this);
        if (parent_->app_ != nullptr) parent_->app_->on_acceptable(*parent_);
    } else if (app_ != nullptr) {
        app_->on_connected(*this);
    }
    if (state_ == TcpState::Closed) return;
    if (p.len > 0 || p.fin()) process_data_and_fin(p);
}

void TcpConn::receive_fin(bool& eof) {
    rcv_nxt_ += 1;
    peer_fin_ = true;
    ack_sched_ = true;
    eof = true;
    // tcp_fin(): ESTABLISHED (or SYN_RECV) goes to CLOSE_WAIT in pingpong mode, so the FIN's
    // ACK is delayed and usually rides on the application's own FIN; in FIN_WAIT_1/2 it is
    // sent at once. Only in FIN_WAIT_1 can this FIN be what acknowledges ours (then straight to
    // TIME_WAIT).
    const bool ours_acked = state_ == TcpState::FinWait1 && fin_sent_ && seq_gt(snd_una_, fin_seq_);
    const bool was_open = state_ == TcpState::Established || state_ == TcpState::SynReceived;
    apply(ours_acked ? TcpEvent::RecvFinAck : TcpEvent::RecvFin);
    if (was_open) fin_received_pingpong();
    else send_ack();
    if (state_ == TcpState::TimeWait) enter_time_wait();
}

void TcpConn::deliver_pending(uint32_t from) {
    // In-order data to the application (or held for it while it waits in the accept queue).
    auto& pending = stack_.deliver_scratch_;
    for (size_t k = from; k < pending.size(); ++k) {
        if (state_ == TcpState::Closed || (app_ == nullptr && !in_accept_queue_)) break;
        const TcpStack::Deliverable d = pending[k];
        const net::AppMessage* m = d.msg != 0 ? &stack_.network().messages().get(d.msg) : nullptr;
        if (in_accept_queue_ || app_ == nullptr) {
            if (m != nullptr && extras().held_count == 0) {
                extras().held = *m;
                extras().held_count = 1;
            }
        } else {
            app_->on_bytes(*this, d.bytes);
            if (m != nullptr && app_ != nullptr) app_->on_message(*this, *m);
        }
    }
    pending.resize(from);
    if (state_ != TcpState::Closed && !reads_on_demand_) rcv_space_adjust();  // read at once
}

void TcpConn::process_data_and_fin(const Packet& p) {
    // As in tcp_rcv_established(): the data is queued and the ACK decided (a quick ACK goes out
    // now) before the application reads anything; what it answers then carries a delayed ACK.
    if (p.len > 0) {
        // Data for a socket the application has closed: Linux resets (RFC 1122 MUST).
        if (app_closed_ && (state_ == TcpState::FinWait1 || state_ == TcpState::FinWait2 ||
                            state_ == TcpState::Closing || state_ == TcpState::LastAck)) {
            if (seq_gt(p.seq + p.len, rcv_nxt_)) {
                emit(flag::kRst, p.ack);
                set_state(TcpState::Closed, TcpEvent::RecvRst);
                enter_closed();
                return;
            }
        }
    }
    if (p.len == 0 && p.fin() && peer_fin_ && p.seq + 1 == rcv_nxt_) {
        enter_quickack_mode();
        send_ack();  // a retransmitted FIN (our ACK was lost): old data, ACKed at once
        return;
    }
    const uint32_t msg = p.has_sack() ? stack_.network().sacks().get(p.msg).msg : p.msg;
    auto& pending = stack_.deliver_scratch_;
    const auto from = static_cast<uint32_t>(pending.size());
    bool eof = false;
    const bool in_order = !has_ooo() && p.seq == rcv_nxt_ && (p.len == 0 || receive_window() > 0);
    if (!in_order) {
        // tcp_data_queue() segment by segment: out-of-order data, a filled hole, duplicates,
        // a closed window. Each segment gets the ACK Linux would give it.
        uint32_t bytes = 0;
        const uint32_t segs = p.len == 0 ? 1 : p.segs;
        for (uint32_t k = 0; k < segs; ++k) {
            const uint32_t off = k * net::kMss;
            const uint32_t len = p.len == 0 ? 0 : std::min(net::kMss, p.len - off);
            const bool last = k + 1 == segs;
            data_queue_segment(p.seq + off, len, last && p.fin(), last ? msg : 0, eof, bytes);
            if (state_ == TcpState::Closed || state_ == TcpState::TimeWait) {
                pending.resize(from);
                return;
            }
        }
        deliver_pending(from);
        if (eof && state_ != TcpState::Closed) {
            if (app_ != nullptr) app_->on_eof(*this);
            else if (in_accept_queue_) extras().held_eof = true;
        }
        return;
    }
    const bool data = p.len > 0;
    if (data) {
        rcv_nxt_ += p.len;
        data_received(p.len, p.segs);
        pending.push_back({p.len, msg});
    }
    if (p.fin()) {
        receive_fin(eof);
        if (state_ == TcpState::TimeWait) {
            pending.resize(from);
            return;
        }
    }
    const bool app_reads = data && app_ != nullptr && !in_accept_queue_;
    ack_check(app_reads);
    deliver_pending(from);
    if (state_ == TcpState::Closed) return;
    if (ack_now_deferred_) {
        ack_now_deferred_ = false;
        if (ack_sched_) send_ack();  // the application sent nothing: the ACK goes alone
    }
    if (eof) {
        if (app_ != nullptr) app_->on_eof(*this);
        else if (in_accept_queue_) extras().held_eof = true;
    }
}

}  // namespace lvs::tcp
