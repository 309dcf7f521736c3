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
// Loss recovery is Linux 6.x's (tcp_recovery.cpp names its files): SACK and D-SACK, RACK with its
// reordering window and the DUPTHRESH shortcut, fast recovery with PRR, tail-loss probes, RTO with
// tcp_enter_loss(); receive windows with window scaling, autotuning and zero-window probes (tcp_window.cpp);
// congestion control Reno, CUBIC with HyStart (tcp_congestion.cpp) or BBR v1 (tcp_bbr.cpp). Simplified
// (see the README): no F-RTO, no undo of spurious recoveries; one ACK train is a GRO receiver's stretch ACK.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "models/net/network.hpp"
#include "models/tcp/congestion.hpp"
#include "models/tcp/index_pool.hpp"
#include "models/tcp/kernel_clock.hpp"
#include "models/tcp/loss_state.hpp"
#include "models/tcp/rtx_queue.hpp"
#include "models/tcp/sent_messages.hpp"
#include "models/tcp/tcp_profile.hpp"
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
    uint32_t ssthresh = 0;                            // 0x7fffffff: not set yet
    CongestionControl ca = CongestionControl::Cubic;  // tcpi_ca_name (INET_DIAG_CONG)
    uint8_t backoff = 0;
    uint32_t retransmits = 0;  // unrecovered RTO retransmissions now
    uint32_t total_retrans = 0;
    uint32_t rcv_mss = 0;
    uint64_t send_queue = 0;  // bytes written and not acknowledged (ss's Send-Q)
    sim::Duration since_send, since_receive;
    uint32_t unacked = 0;  // packets_out
    uint32_t min_rtt_us = 0;
    uint32_t retrans_out = 0;  // segments retransmitted and not yet acknowledged (ss retrans:a/)
    uint32_t lost_out = 0, sacked_out = 0, reordering = 3;
    uint8_t snd_wscale = 0, rcv_wscale = 0;
    bool wscale_ok = false, sack_ok = false;
    uint32_t snd_wnd = 0, rcv_wnd = 0, rcv_ssthresh = 0, rcv_space = 0;
    uint32_t rcv_rtt_us = 0;
    uint32_t sndbuf = 0, rcvbuf = 0;
    const char* ca_state = "open";
};

// What one ACK tells the rate sampler (struct rate_sample, tcp_rate.c).
struct RateSample {
    uint32_t prior_mstamp = 0;
    uint32_t prior_delivered = 0;
    int64_t delivered = -1;
    int64_t interval_us = -1;
    int64_t rtt_us = -1;
    uint32_t losses = 0;
    uint32_t acked_sacked = 0;
    uint32_t prior_in_flight = 0;
    uint32_t last_end_seq = 0;
    bool has_prior = false;
    bool is_app_limited = false;
};

// Retransmissions by the mechanism that sent them (tcp.retransmits.{dupack,rack,tlp,rto}).

struct RetransmitCounts {
    uint64_t dupack = 0;  // fast retransmit after the DUPTHRESH shortcut (>= reordering SACKed)
    uint64_t rack = 0;    // RACK: a later segment was delivered and the reordering window passed
    uint64_t tlp = 0;     // tail-loss probe retransmissions
    uint64_t rto = 0;     // after a retransmission timeout (the head, then slow start; SYNs too)
    uint64_t total() const { return dupack + rack + tlp + rto; }
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
    void set_user_timeout(sim::Duration d);
    // TCP_NODELAY off: Nagle's algorithm holds a small segment while data is unacknowledged.
    void set_nagle(bool on) { nagle_ = on; }
    // An application that reads on demand (a scripted socket) rather than at once: received
    // bytes wait in the receive buffer until consume() (recv()), so the window can close.
    void set_reads_on_demand(bool on) { reads_on_demand_ = on; }
    void consume(uint32_t bytes);
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
    // The send sequence space is ordered: snd_una <= snd_nxt <= snd_max (an invariant check).
    bool sequence_ordered() const;
    Jiffies rto_jiffies() const { return rto_; }
    sim::Duration rto() const;
    sim::Duration srtt() const { return sim::us(srtt_us_ >> 3); }
    bool in_pingpong_mode() const { return pingpong_ >= kPingpongThresh; }
    uint32_t quick_acks_left() const { return quick_; }
    TcpInfo info() const;
    TcpApp* app() const { return app_; }
    uint32_t retransmissions() const { return retransmissions_; }
    // Bytes the peer allows us to send beyond snd_una, and what we advertised last.
    uint32_t send_window() const { return snd_wnd_; }
    uint32_t advertised_window() const { return rcv_wnd_; }
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
        Probe,       // tail-loss probe (ICSK_TIME_LOSS_PROBE)
        ReoTimeout,  // RACK's reordering timer (ICSK_TIME_REO_TIMEOUT)
        Probe0,      // zero-window probe (ICSK_TIME_PROBE0)
        Keepalive,
        TimeWait,
        FinWait2,
        NoNeighbour
    };
    static constexpr uint8_t kPingpongThresh = 1;  // tcp_pingpong_thresh (Linux 6.7+; 6.1-6.6: 1 too)

    void set_state(TcpState to, TcpEvent why);
    bool apply(TcpEvent e);  // applies the table's transition if there is one
    void emit(uint8_t flags, uint32_t seq, uint32_t len = 0, uint8_t segs = 1, uint32_t msg = 0,
              sim::Time depart = sim::Time{});
    void send_ack();
    void output(bool window_probe = false);  // sends what the windows allow, then FIN if due
    void send_fin();
    void arm_rtx(TimerMode mode, Jiffies timeout);
    void on_rtx_timer();
    void retransmit_syn();
    void count_syn_retransmit();
    void on_rto();
    void on_probe();
    bool schedule_loss_probe(bool advancing_rto);               // tcp_schedule_loss_probe()
    void rearm_rto();                                           // tcp_rearm_rto()
    void rcv_synsent(const net::Packet& p, sim::Time now);      // tcp_rcv_synsent_state_process()
    void rcv_synrecv_ack(const net::Packet& p, sim::Time now);  // tcp_rcv_state_process(), SYN_RECV
    void process_ack(const net::Packet& p);
    void process_data_and_fin(const net::Packet& p);
    void rtt_sample(sim::Duration r);   // tcp_rtt_estimator() and tcp_set_rto()
    void handshake_rtt(sim::Time now);  // the SYN exchange's sample, or the 3 s fallback after a retry
    Jiffies now_jiffies() const;
    // ---- the ACK policy (tcp_ack.cpp) ----
    void data_received(uint32_t len, uint8_t segs);  // tcp_event_data_recv()
    void fin_received_pingpong();                    // tcp_fin() in ESTABLISHED / SYN_RECV
    void ack_check(bool app_reads_next = false);     // __tcp_ack_snd_check()
    void send_delayed_ack();                         // tcp_send_delayed_ack()
    void on_delack_timer();                          // tcp_delack_timer_handler()
    void on_timer();
    void reschedule_timer();  // after rtx_at_ or delack_at_ changed: now, or at the batch's end
    void apply_timer();       // arms timer_ for the earlier of rtx_at_ and delack_at_
    friend class TimerBatch;  // timer_batch.hpp
    void set_rtx_at(sim::Time t);
    void clear_rtx();
    void set_delack_at(sim::Time t);
    void clear_delack();
    void enter_quickack_mode();  // tcp_enter_quickack_mode()
    void incr_quickack();        // tcp_incr_quickack(TCP_MAX_QUICKACKS)
    void ack_sent();             // tcp_event_ack_sent()
    void data_sent();            // tcp_event_data_sent()
    // ---- keep-alive (tcp_timers.cpp) ----
    void arm_keepalive_if_idle();
    void on_keepalive();
    void note_peer_heard();
    void enter_fin_wait2_timer();
    // Reports to the app, then goes CLOSED (through the table's row for `why`) and releases.
    void fail(SocketError e, TcpEvent why);
    void enter_closed();  // CLOSED without telling the app (it is gone already)
    void enter_time_wait();
    void free_send_and_receive_state();
    void trace_window(uint32_t old_cwnd);  // trace records of cwnd/ssthresh if changed (tracing on)
    void trace_rto(Jiffies old_rto, uint8_t old_backoff);  // the same for rto/backoff
    void release_acked_messages();
    void release_all_messages();
    uint32_t message_ending_at(uint32_t seq) const;  // id of the queued message ending there
    void validate_cwnd(bool cwnd_limited);
    bool cwnd_limited() const;
    void queue_fin();
    void receive_fin(bool& eof);           // the peer's FIN, in order
    void deliver_pending(uint32_t bytes);  // deliver_scratch_ to the application (or accept queue)

    // ---- loss recovery (tcp_ack_input, tcp_sack, tcp_rack, tcp_recovery, tcp_loss_probe, tcp_ofo) ----
    struct AckEvent;    // what one ACK did (tcp_ack()'s flag and counts; ack_event.hpp)
    LossState& loss();  // allocated on first need
    LossState* loss_if() const;
    void free_loss_state_if_idle();
    uint32_t packets_in_flight() const;  // tcp_packets_in_flight()
    void sacktag(const net::SackInfo& sack, uint32_t ack, AckEvent& ev);
    void clean_rtx_queue(uint32_t ack, AckEvent& ev);
    void sample_rtt(AckEvent& ev);
    void cong_control(AckEvent& ev, CaState state, uint32_t old_cwnd);
    uint32_t highest_sack_end() const;
    void check_sack_reordering(uint32_t low_seq);
    void update_reo_wnd();
    void limit_reno_sacked();
    void rack_advance(uint8_t tags, uint32_t end_seq, sim::Time xmit);
    uint32_t rack_reo_wnd_us() const;
    bool rack_detect_loss(uint32_t& reo_timeout_us, bool from_timer);
    void mark_lost(uint32_t chunk, bool by_dupthresh);
    void fastretrans_alert(uint32_t prior_snd_una, AckEvent& ev);
    void enter_recovery();
    void init_cwnd_reduction();
    void end_cwnd_reduction();
    void cwnd_reduction(uint32_t newly_acked_sacked, uint32_t newly_lost, bool snd_una_advanced);
    void xmit_retransmit_queue();
    bool retransmit_chunk(uint32_t chunk, uint32_t max_segs, RetransmitCause why);
    void send_loss_probe();
    void process_tlp_ack(uint32_t ack, const AckEvent& ev);
    void enter_loss();
    void on_reo_timeout();
    // ---- congestion control (tcp_congestion.cpp, tcp_bbr.cpp) ----
    bool uses(CongestionControl c) const;
    CubicState& cubic();
    void hystart_reset(CubicState& ca);
    void hystart_update(CubicState& ca, uint32_t delay);
    void bictcp_update(CubicState& ca, uint32_t acked);
    void slow_start_or_avoid(uint32_t acked);  // ca_ops->cong_avoid()
    void cc_pkts_acked(int64_t rtt_us);        // ca_ops->pkts_acked()
    uint32_t cc_ssthresh();                    // ca_ops->ssthresh()
    void cc_enter_loss_state();                // ca_ops->set_state(TCP_CA_Loss)
    void cc_tx_start();                        // CA_EVENT_TX_START
    void free_congestion_state();
    BbrState& bbr();
    uint32_t now_us32() const;
    void bbr_init();
    uint64_t bbr_rate_bytes_per_sec(uint64_t rate, uint32_t gain) const;
    void bbr_init_pacing_rate_from_rtt();
    uint32_t bbr_max_bw();
    uint32_t bbr_bw();
    uint32_t bbr_tso_segs_goal();
    uint32_t bbr_bdp(uint32_t bw, uint32_t gain);
    uint32_t bbr_quantization_budget(uint32_t cwnd);
    uint32_t bbr_inflight(uint32_t bw, uint32_t gain);
    uint32_t bbr_packets_in_net_at_edt(uint32_t inflight_now);
    void bbr_save_cwnd();
    uint32_t bbr_ssthresh();
    void bbr_reset_lt_bw_sampling_interval();
    void bbr_reset_lt_bw_sampling();
    void bbr_lt_bw_sampling(const RateSample& rs);
    void bbr_lt_bw_interval_done(uint32_t bw);
    void bbr_on_loss_state();
    void bbr_tx_start();
    void bbr_set_pacing_rate(uint32_t bw, uint32_t gain);
    void bbr_reset_probe_bw_mode();
    void bbr_reset_mode();
    void bbr_check_probe_rtt_done();
    void bbr_main(const RateSample& rs);
    void bbr_model(const RateSample& rs);
    void bbr_set_cwnd(const RateSample& rs, uint32_t acked, uint32_t bw, uint32_t gain);
    void rate_skb_sent(SentChunk& c, sim::Time depart);
    void rate_skb_delivered(SentChunk& c, RateSample& rs);
    void rate_gen(uint32_t delivered, uint32_t lost, RateSample& rs);
    void rate_check_app_limited();
    sim::Time pace(uint32_t bytes);  // this burst's departure (EDT), for BBR
    bool paced() const;              // BBR, which paces and models every ACK
    uint64_t pacing_rate() const;    // sk_pacing_rate, bytes per second (UINT64_MAX: unlimited)
    uint32_t tso_segs() const;       // segments in one burst (one train): tcp_tso_segs()
    void update_min_rtt(uint32_t rtt_us);
    uint32_t min_rtt_us() const { return min_rtt_us_; }
    ConnExtras& extras();
    uint32_t user_timeout_ms() const;
    sim::Time time_wait_since() const { return retrans_stamp_; }
    uint8_t ca_state() const;
    // ---- the receive side of loss: out-of-order data and SACK blocks ----
    bool has_ooo() const;
    void data_queue_segment(uint32_t seq, uint32_t len, bool fin, uint32_t msg, bool& eof, uint32_t& bytes);
    void ofo_queue(bool& eof, uint32_t& bytes);
    void sack_new_ofo(uint32_t seq, uint32_t end);
    void sack_remove();
    void dsack_set(uint32_t seq, uint32_t end);
    void dsack_extend(uint32_t seq, uint32_t end);
    void ooo_ack_check();  // __tcp_ack_snd_check() with out-of-order data queued
    void free_ooo();

    // ---- windows (tcp_window.cpp) ----
    void init_windows_active();                                        // tcp_connect_init()
    void init_windows_passive(const net::SynOptions& peer);            // tcp_openreq_init_rwin()
    void peer_syn_options(const net::SynOptions& peer, uint16_t win);  // from SYN / SYN+ACK
    void init_buffer_space();                                          // tcp_init_buffer_space()
    uint16_t select_window();                                          // tcp_select_window()
    uint32_t select_window_bytes() const;                              // __tcp_select_window()
    uint32_t receive_window() const;                                   // tcp_receive_window()
    uint32_t full_space() const;
    uint32_t free_space() const;
    void grow_window(uint32_t len);                 // tcp_grow_window()
    void rcv_rtt_measure();                         // tcp_rcv_rtt_measure()
    void rcv_space_adjust();                        // tcp_rcv_space_adjust()
    void update_send_window(const net::Packet& p);  // tcp_ack_update_window()
    void sndbuf_expand();                           // tcp_sndbuf_expand()
    uint32_t send_limit() const;         // highest sequence the send buffer and peer's window allow
    void check_probe_timer();            // tcp_check_probe_timer()
    void send_probe0();                  // tcp_send_probe0()
    void cleanup_rbuf(uint32_t copied);  // __tcp_cleanup_rbuf(): a window update after a read

    TcpStack& stack_;
    net::FourTuple tuple_;
    uint64_t id_;
    uint32_t pool_index_ = 0;
    uint32_t extras_ = 0;  // index of this connection's ConnExtras (0: none)
    TcpApp* app_ = nullptr;
    uint64_t app_tag_ = 0;
    Listener* parent_ = nullptr;  // while waiting to be accepted

    TcpState state_ = TcpState::Closed;
    TimerMode timer_mode_ = TimerMode::None;
    // The congestion control it was created with (icsk_ca_ops: tcp_assign_congestion_control()
    // at socket creation, inherited by accepted children); a later sysctl change applies to
    // new connections only, as in Linux.
    CongestionControl ca_;
    bool app_closed_ = false;  // close() called: FIN after queued data, orphaned
    bool fin_queued_ = false;  // close() or shutdown(SHUT_WR): FIN after queued data
    bool nagle_ = false;       // the models' applications write whole messages, as TCP_NODELAY
    bool fin_sent_ = false;
    bool peer_fin_ = false;
    bool reset_seen_ = false;
    bool in_accept_queue_ = false;
    bool keepalive_ = false;
    bool reads_on_demand_ = false;
    bool is_cwnd_limited_ = false;  // see cwnd_usage_seq_
    bool sack_ok_ = false;          // both sides offered SACK-permitted
    bool wscale_ok_ = false;        // both sides offered window scaling
    uint8_t rcv_wscale_ = 0;        // our shift (rx_opt.rcv_wscale)
    uint8_t snd_wscale_ = 0;        // the peer's shift (rx_opt.snd_wscale)
    uint8_t syn_tries_ = 0;         // icsk_retransmits in the SYN states
    uint8_t backoff_ = 0;
    uint8_t keepalive_probes_ = 0;  // probes_out (keep-alive and zero-window probes)
    uint8_t total_rto_ = 0;         // RTO events (tcp_syn_linear_timeouts counts them)
    uint8_t timer_batch_ = 0;       // open TimerBatch scopes
    bool timer_dirty_ = false;      // rtx_at_ or delack_at_ changed inside them

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
    uint16_t sacked_out_ = 0, lost_out_ = 0, retrans_out_ = 0;  // with packets_out_ below
    uint32_t lrcvtime_ = 0;
    uint32_t delack_expiry_ = 0;

    uint32_t iss_ = 0;
    uint32_t snd_una_ = 0;
    uint32_t snd_nxt_ = 0;
    uint32_t snd_max_ = 0;
    uint32_t snd_sml_ = 0;  // end of the last small segment sent (Minshall's Nagle)
    uint32_t app_end_ = 0;  // sequence number just past the last queued application byte
    uint32_t fin_seq_ = 0;  // sequence number of our FIN once sent
    uint32_t rcv_nxt_ = 0;
    uint32_t copied_seq_ = 0;  // next byte the application reads (reads_on_demand_ only)
    uint32_t acked_upto_ = 0;  // rcv_nxt_ as last acknowledged to the peer
    uint32_t cwnd_ = 10;
    uint32_t ssthresh_ = UINT32_MAX;
    // tcp_cwnd_validate()'s record of how much of the window the sender used: grow cwnd only
    // when the window, not the application, limited what was sent.
    uint32_t cwnd_usage_seq_ = 0;
    uint32_t retransmissions_ = 0;  // total_retrans
    // The scoreboard: tcp_sock's packets_out, sacked_out, lost_out, retrans_out (segments).
    uint32_t packets_out_ = 0;
    uint32_t loss_ = 0;          // index of this connection's LossState in the stack's pool (0: none)
    uint32_t cc_ = 0;            // index of its CubicState or BbrState, by ca_ (0: none)
    uint32_t snd_cwnd_cnt_ = 0;  // tcp_cong_avoid_ai()'s count of acknowledged segments
    RtxQueue rtx_;               // sent and not cumulatively acknowledged, in sequence order

    // Windows (tcp_window.cpp), in bytes.
    uint32_t snd_wnd_ = 0;       // what the peer allows beyond snd_una
    uint32_t rcv_wnd_ = 0;       // what we advertised last (unscaled)
    uint32_t rcv_wup_ = 0;       // rcv_nxt when we advertised it
    uint32_t rcv_ssthresh_ = 0;  // the window's current ceiling, grown by tcp_grow_window()
    uint32_t window_clamp_ = 0;
    uint32_t rcvbuf_ = 0;                                        // sk_rcvbuf
    uint32_t sndbuf_ = 0;                                        // sk_sndbuf
    uint32_t rcvq_space_ = 0, rcvq_seq_ = 0, rcvq_time_us_ = 0;  // tcp_rcv_space_adjust()
    uint32_t rcv_rtt_us_ = 0;                                    // rcv_rtt_est, microseconds x 8

    // tcp_rtt_estimator()'s state, in microseconds (srtt scaled by 8, mdev by 4).
    uint32_t srtt_us_ = 0;
    uint32_t mdev_us_ = 0;
    uint32_t mdev_max_us_ = 0;
    uint32_t rttvar_us_ = 0;
    uint32_t rttvar_seq_ = 0;           // once per RTT, rttvar decays toward mdev_max
    uint32_t min_rtt_us_ = UINT32_MAX;  // tcp_min_rtt(), windowed over tcp_min_rtt_wlen
    uint32_t min_rtt_stamp_ = 0;        // jiffies of that sample
    uint32_t snd_wl1_ = 0;              // the peer's sequence that last updated snd_wnd_
    Jiffies rto_ = 0;                   // icsk_rto, backoff included
    sim::Time last_send_;
    sim::Time last_heard_;  // the last segment from the peer (keep-alive's clock)
    // The SYN's send, or the first retransmission (tcp_retries2's clock); in TIME_WAIT, where
    // nothing is retransmitted, tw_entry_stamp (tcp_tw_reuse waits a second from it).
    sim::Time retrans_stamp_;

    SentMessages out_;              // sent and not yet acknowledged
    net::Network::RouteRef route_;  // toward the peer, resolved at the first send

    // One simulator timer carries the retransmit slot (rtx_at_, what for: timer_mode_) and the
    // delayed ACK (delack_at_), armed for the earlier and running whichever is due. Linux has
    // two kernel timers; here that would be 64 more bytes per connection. Time{}: not armed.
    sim::Timer timer_;
    sim::Time rtx_at_;
    sim::Time delack_at_;
};

}  // namespace lvs::tcp
