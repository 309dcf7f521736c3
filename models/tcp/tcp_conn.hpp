// A TCP endpoint (one side of a connection) with Linux-like lifecycle and timers.
//
// What is modelled (see ../shared/spec/ipvs-tcp-http.md section 8 and linux-tcp-observed.md):
// the RFC 793 states with simultaneous open/close; SYN and SYN+ACK retransmission schedules
// per profile; data as MSS-sized segments sent in trains under a congestion window (initial
// window 10, slow start, window restart after idle for the cubic-like profile); RTO from
// SRTT/RTTVAR with 200 ms..120 s bounds and exponential backoff, a tail-loss probe before the
// first RTO, give-up after tcp_retries2; delayed ACKs; TIME_WAIT 60 s and orphaned FIN_WAIT_2
// 60 s; RST on data for a socket the application has closed; the error an application sees
// (EOF, ECONNRESET, EPIPE, ECONNREFUSED, ETIMEDOUT).
//
// Simplifications (also listed in the README): no receive-window limit, no SACK or fast
// retransmit (loss is repaired by RTO, go-back-N), no congestion-avoidance detail beyond
// "+1 segment per window"; an ACK acknowledges a whole train (stretch ACKs, as under GRO).
#pragma once

#include <array>
#include <cstdint>

#include "models/net/network.hpp"
#include "models/tcp/tcp_state.hpp"
#include "sim/timer.hpp"

namespace lvs::tcp {

class TcpStack;
class TcpConn;
class Listener;

// Errors surfaced to the application (errno names; what Linux returns in each case).
enum class SocketError : uint8_t {
    None,
    Refused,       // ECONNREFUSED: RST or ICMP port unreachable in reply to our SYN
    Reset,         // ECONNRESET: RST on a synchronized connection
    TimedOut,      // ETIMEDOUT: SYN or data retransmissions exhausted
    BrokenPipe,    // EPIPE: writing after the connection was reset or fully closed
    AddrNotAvail,  // EADDRNOTAVAIL: no free ephemeral port for this destination
    NotConnected,  // writing before the handshake completed
};
std::string_view to_string(SocketError e);

// What a connection tells its application. Called from inside TCP processing.
class TcpApp {
public:
    virtual ~TcpApp() = default;
    virtual void on_connected(TcpConn&) {}
    // Bytes of a message arrived (the first ones carry the headers).
    virtual void on_bytes(TcpConn&, uint32_t /*bytes*/) {}
    // A complete application message arrived.
    virtual void on_message(TcpConn&, const net::AppMessage&) {}
    // The peer closed its direction (read() returned 0).
    virtual void on_eof(TcpConn&) {}
    // The connection failed. After this call returns the connection is released: do not
    // touch it again.
    virtual void on_error(TcpConn&, SocketError) {}
    // A listener has a connection ready for accept().
    virtual void on_acceptable(Listener&) {}
};

class TcpConn {
public:
    TcpConn(TcpStack& stack, const net::FourTuple& tuple);
    TcpConn(const TcpConn&) = delete;
    TcpConn& operator=(const TcpConn&) = delete;

    // ---- the socket API ----
    // Queues one application message (its bytes go out as the window allows).
    SocketError send(const net::AppMessage& m);
    // Graceful close: FIN after queued data. The application must not use the connection
    // afterwards (TCP finishes the close on its own, orphaned, as Linux does).
    void close();
    // Abortive close (SO_LINGER 0): RST now. The connection is gone after the call.
    void abort();
    void set_app(TcpApp* app, uint64_t tag) {
        app_ = app;
        app_tag_ = tag;
    }

    TcpState state() const { return state_; }
    const net::FourTuple& tuple() const { return tuple_; }
    uint64_t tag() const { return app_tag_; }
    bool peer_closed() const { return peer_fin_; }
    uint32_t bytes_in_flight() const { return snd_nxt_ - snd_una_; }
    uint32_t unsent_bytes() const { return app_end_ - snd_nxt_; }
    uint32_t cwnd() const { return cwnd_; }
    sim::Duration rto() const { return rto_; }
    sim::Duration srtt() const { return srtt_; }
    uint32_t retransmissions() const { return retransmissions_; }
    TcpStack& stack() { return stack_; }
    uint64_t id() const { return id_; }

    // ---- driven by the stack ----
    void active_open();
    void passive_open(const net::Packet& syn, Listener* parent);
    void on_segment(const net::Packet& p);
    void on_icmp_unreachable();
    // Hands a connection that waited in an accept queue to its application.
    void accepted(TcpApp* app, uint64_t tag);

private:
    friend class TcpStack;
    friend class Listener;
    enum class TimerMode : uint8_t { None, Syn, SynAck, Rto, Probe, TimeWait, FinWait2 };

    void set_state(TcpState to, TcpEvent why);
    bool apply(TcpEvent e);  // applies the table's transition if there is one
    void emit(uint8_t flags, uint32_t seq, uint32_t len = 0, uint16_t segs = 1, uint32_t msg = 0);
    void send_ack();
    void output();  // sends what the window allows, then FIN if due
    void send_fin();
    void arm_rtx(TimerMode mode, sim::Duration d);
    void on_rtx_timer();
    void on_delack_timer();
    void retransmit_syn();
    void on_rto();
    void on_probe();
    void process_ack(const net::Packet& p);
    void process_data_and_fin(const net::Packet& p);
    void rtt_sample(sim::Duration r);
    // Reports to the app, then goes CLOSED (through the table's row for `why`) and releases.
    void fail(SocketError e, TcpEvent why);
    void enter_closed();  // CLOSED without telling the app (it is gone already)
    void enter_time_wait();
    void release_acked_messages();
    void release_all_messages();
    uint32_t segments_in_flight() const { return (snd_nxt_ - snd_una_ + net::kMss - 1) / net::kMss; }

    TcpStack& stack_;
    net::FourTuple tuple_;
    uint64_t id_;
    uint32_t pool_index_ = 0;
    TcpApp* app_ = nullptr;
    uint64_t app_tag_ = 0;
    Listener* parent_ = nullptr;  // while waiting to be accepted

    TcpState state_ = TcpState::Closed;
    TimerMode timer_mode_ = TimerMode::None;
    bool app_closed_ = false;  // close() called: FIN after queued data, orphaned
    bool fin_sent_ = false;
    bool peer_fin_ = false;
    bool reset_seen_ = false;
    bool in_accept_queue_ = false;
    bool probe_sent_ = false;
    uint8_t syn_tries_ = 0;
    uint8_t backoff_ = 0;

    uint32_t iss_ = 0;
    uint32_t snd_una_ = 0;
    uint32_t snd_nxt_ = 0;
    uint32_t snd_max_ = 0;
    uint32_t app_end_ = 0;  // sequence number just past the last queued application byte
    uint32_t fin_seq_ = 0;  // sequence number of our FIN once sent
    uint32_t rcv_nxt_ = 0;
    uint32_t acked_upto_ = 0;  // rcv_nxt_ as last acknowledged to the peer
    uint32_t cwnd_ = 10;
    uint32_t ssthresh_ = UINT32_MAX;
    uint32_t retransmissions_ = 0;
    uint32_t rtt_seq_ = 0;  // a segment being timed (Karn: never a retransmitted one)
    bool rtt_timing_ = false;

    sim::Duration srtt_;
    sim::Duration rttvar_;
    sim::Duration rto_;
    sim::Time rtt_start_;
    sim::Time last_send_;
    sim::Time first_unacked_send_;  // for the tcp_retries2 give-up
    bool retransmitting_ = false;

    // Messages sent but not yet acknowledged: (sequence just past the message, table id).
    struct OutMsg {
        uint32_t end;
        uint32_t id;
    };
    static constexpr size_t kMaxOut = 4;
    std::array<OutMsg, kMaxOut> out_{};
    uint8_t out_head_ = 0;
    uint8_t out_count_ = 0;
    net::Network::RouteRef route_;  // toward the peer, resolved at the first send
    // A message that arrived before accept() (copied: the sender frees table entries once
    // they are acknowledged). HTTP/1.1 clients send one request and wait.
    std::array<net::AppMessage, 1> held_{};
    uint8_t held_count_ = 0;
    bool held_eof_ = false;

    sim::Timer rtx_timer_;
    sim::Timer delack_timer_;
};

}  // namespace lvs::tcp
