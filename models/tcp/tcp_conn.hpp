// A TCP endpoint (one side of a connection) with Linux's lifecycle, ACK policy and timers.
//
// What is modelled (../shared/spec/ipvs-tcp-http.md section 8, linux-tcp-observed.md, and the
// kernel functions named at each piece): the RFC 793 states with simultaneous open/close; SYN
// retransmissions with tcp_syn_linear_timeouts then backoff, SYN+ACK retransmissions; data as
// MSS-sized segments sent in trains under a congestion window (initial window 10, slow start,
// restart after idle where the congestion control obeys it); the RTO as tcp_rtt_estimator()
// and __tcp_set_rto() compute it, in jiffies, with backoff, a tail-loss probe before the first
// RTO and give-up after tcp_retries2 (tcp_model_timeout); Linux's ACK policy (quick-ACK mode at
// connection start and after idle, delayed ACKs with an adaptive ATO, pingpong mode, tcp_fin());
// SO_KEEPALIVE probes; TIME_WAIT (60 s) and orphaned FIN_WAIT_2 (tcp_fin_timeout); every timer
// filed into the host's timer wheel (kernel_clock.hpp); RST on data for a socket the
// application has closed; the error an application sees (EOF, ECONNRESET, EPIPE, ECONNREFUSED,
// ETIMEDOUT).
//
// Simplifications (also listed in the README): no receive-window limit, no SACK or fast
// retransmit (loss is repaired by RTO, go-back-N), no congestion-avoidance detail beyond
// "+1 segment per window"; an ACK acknowledges a whole train (stretch ACKs, as under GRO).
#pragma once

#include <array>
#include <cstdint>

#include "models/net/network.hpp"
#include "models/tcp/kernel_clock.hpp"
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
    HostUnreach,   // EHOSTUNREACH: nobody answers ARP for the destination (3 s)
};
// The errno value Linux uses (32 EPIPE, 104 ECONNRESET, 110 ETIMEDOUT, ...); 0 for None.
int errno_of(SocketError e);
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
    // Bytes received that the application has not read yet (ss's Recv-Q). The models'
    // applications read everything at once.
    virtual uint64_t unread(const TcpConn&) const { return 0; }
};

// What getsockopt(TCP_INFO) reports of a connection (struct tcp_info), as ss -i prints it.
struct TcpInfo {
    uint32_t rto_us = 0;
    uint32_t ato_us = 0;
    uint32_t rtt_us = 0;     // srtt
    uint32_t rttvar_us = 0;  // mdev / 4
    uint32_t cwnd = 0;
    uint32_t ssthresh = 0;  // 0x7fffffff: not set yet
    uint8_t backoff = 0;
    uint32_t retransmits = 0;  // unrecovered RTO retransmissions now
    uint32_t total_retrans = 0;
    uint32_t rcv_mss = 0;
    uint64_t send_queue = 0;  // bytes written and not acknowledged (ss's Send-Q)
    sim::Duration since_send, since_receive;
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
    // shutdown(SHUT_WR): FIN after queued data; the application still receives.
    void shutdown_write();
    // TCP_USER_TIMEOUT: unacknowledged data older than this ends the connection (0: off).
    void set_user_timeout(sim::Duration d) { user_timeout_ms_ = static_cast<uint32_t>(d.ns() / 1'000'000); }
    // TCP_NODELAY off: Nagle's algorithm holds a small segment while data is unacknowledged.
    void set_nagle(bool on) { nagle_ = on; }
    // SO_KEEPALIVE: probes after tcp_keepalive_time of silence (tcp_set_keepalive()).
    void set_keepalive(bool on);
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
    Jiffies rto_jiffies() const { return rto_; }
    sim::Duration rto() const;
    sim::Duration srtt() const { return sim::us(srtt_us_ >> 3); }
    bool in_pingpong_mode() const { return pingpong_ >= kPingpongThresh; }
    uint32_t quick_acks_left() const { return quick_; }
    TcpInfo info() const;
    TcpApp* app() const { return app_; }
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
    enum class TimerMode : uint8_t {
        None,
        Syn,
        SynAck,
        Rto,
        Probe,
        Keepalive,
        TimeWait,
        FinWait2,
        NoNeighbour
    };
    // tcp_pingpong_thresh's default (Linux 6.7+; 6.1-6.6 had the constant 1 too).
    static constexpr uint8_t kPingpongThresh = 1;

    void set_state(TcpState to, TcpEvent why);
    bool apply(TcpEvent e);  // applies the table's transition if there is one
    void emit(uint8_t flags, uint32_t seq, uint32_t len = 0, uint8_t segs = 1, uint32_t msg = 0);
    void send_ack();
    void output();  // sends what the window allows, then FIN if due
    void send_fin();
    void arm_rtx(TimerMode mode, Jiffies timeout);
    void on_rtx_timer();
    void retransmit_syn();
    void on_rto();
    void on_probe();
    void schedule_loss_probe_or_rto();
    void process_ack(const net::Packet& p);
    void process_data_and_fin(const net::Packet& p);
    void rtt_sample(sim::Duration r);  // tcp_rtt_estimator() and tcp_set_rto()
    Jiffies now_jiffies() const;
    // ---- the ACK policy (tcp_ack.cpp) ----
    void data_received(uint32_t len, uint8_t segs);  // tcp_event_data_recv()
    void fin_received_pingpong();                    // tcp_fin() in ESTABLISHED / SYN_RECV
    void ack_check(bool app_reads_next = false);     // __tcp_ack_snd_check()
    void send_delayed_ack();                         // tcp_send_delayed_ack()
    void on_delack_timer();                          // tcp_delack_timer_handler()
    void enter_quickack_mode();                      // tcp_enter_quickack_mode()
    void incr_quickack();                            // tcp_incr_quickack(TCP_MAX_QUICKACKS)
    void ack_sent();                                 // tcp_event_ack_sent()
    void data_sent();                                // tcp_event_data_sent()
    // ---- keep-alive (tcp_timers.cpp) ----
    void arm_keepalive_if_idle();
    void on_keepalive();
    void note_peer_heard();
    void enter_fin_wait2_timer();
    // Reports to the app, then goes CLOSED (through the table's row for `why`) and releases.
    void fail(SocketError e, TcpEvent why);
    void enter_closed();  // CLOSED without telling the app (it is gone already)
    void enter_time_wait();
    void count_retransmit();
    // Trace records of cwnd/ssthresh and rto/backoff, when they changed (tracing on only).
    void trace_window(uint32_t old_cwnd);
    void trace_rto(Jiffies old_rto, uint8_t old_backoff);
    void release_acked_messages();
    void release_all_messages();
    uint32_t segments_in_flight() const { return (snd_nxt_ - snd_una_ + net::kMss - 1) / net::kMss; }
    void validate_cwnd(bool cwnd_limited);
    void queue_fin();
    bool cwnd_limited() const;

    TcpStack& stack_;
    net::FourTuple tuple_;
    uint64_t id_;
    uint32_t pool_index_ = 0;
    uint32_t user_timeout_ms_ = 0;  // TCP_USER_TIMEOUT, 0: off
    TcpApp* app_ = nullptr;
    uint64_t app_tag_ = 0;
    Listener* parent_ = nullptr;  // while waiting to be accepted

    TcpState state_ = TcpState::Closed;
    TimerMode timer_mode_ = TimerMode::None;
    bool app_closed_ = false;  // close() called: FIN after queued data, orphaned
    bool fin_queued_ = false;  // close() or shutdown(SHUT_WR): FIN after queued data
    bool nagle_ = false;       // the models' applications write whole messages, as TCP_NODELAY
    bool fin_sent_ = false;
    bool peer_fin_ = false;
    bool reset_seen_ = false;
    bool in_accept_queue_ = false;
    bool probe_sent_ = false;
    bool keepalive_ = false;
    uint8_t syn_tries_ = 0;  // icsk_retransmits in the SYN states
    uint8_t backoff_ = 0;
    uint8_t keepalive_probes_ = 0;  // probes_out
    uint8_t total_rto_ = 0;         // RTO events (tcp_syn_linear_timeouts counts them)
    bool is_cwnd_limited_ = false;  // see cwnd_usage_seq_
    bool rtt_timing_ = false;
    bool retransmitting_ = false;

    // Linux's ACK state (icsk_ack): ATO and last-receive time in jiffies, quick-ACK credit,
    // pingpong count, whether an ACK is scheduled and when its timer expires.
    uint16_t ato_ = 0;
    uint8_t quick_ = 0;
    uint8_t pingpong_ = 0;
    bool ack_sched_ = false;
    bool ack_timer_ = false;
    bool ack_now_deferred_ = false;  // an ACK due now, held while the application reads
    bool ack_pushed_ = false;
    uint16_t rcv_mss_ = 536;        // tcp_initialize_rcv_mss(): TCP_MSS_DEFAULT until data shows more
    uint16_t max_packets_out_ = 0;  // see cwnd_usage_seq_
    uint32_t lrcvtime_ = 0;
    uint32_t delack_expiry_ = 0;

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
    // tcp_cwnd_validate()'s record of how much of the window the sender used: grow cwnd only
    // when the window, not the application, limited what was sent.
    uint32_t cwnd_usage_seq_ = 0;
    uint32_t retransmissions_ = 0;
    uint32_t rtt_seq_ = 0;  // a segment being timed (Karn: never a retransmitted one)

    // tcp_rtt_estimator()'s state, in microseconds (srtt scaled by 8, mdev by 4).
    uint32_t srtt_us_ = 0;
    uint32_t mdev_us_ = 0;
    uint32_t mdev_max_us_ = 0;
    uint32_t rttvar_us_ = 0;
    uint32_t rttvar_seq_ = 0;  // once per RTT, rttvar decays toward mdev_max
    Jiffies rto_ = 0;          // icsk_rto, backoff included
    sim::Time rtt_start_;
    sim::Time last_send_;
    sim::Time last_heard_;          // the last segment from the peer (keep-alive's clock)
    sim::Time keepalive_deadline_;  // when the keep-alive timer (sk_timer) would run
    sim::Time time_wait_since_;     // tw_entry_stamp: tcp_tw_reuse waits a second from it
    sim::Time first_unacked_send_;  // for the tcp_retries2 give-up

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
