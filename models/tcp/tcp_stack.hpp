// A host's TCP: listeners, the connection table, ephemeral ports, RSTs for strays.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "models/net/network.hpp"
#include "models/tcp/conn_table.hpp"
#include "models/tcp/tcp_conn.hpp"
#include "models/tcp/tcp_profile.hpp"

namespace lvs::tcp {

class Listener {
public:
    Listener(TcpStack& stack, net::Endpoint local, uint32_t backlog, TcpApp* app);
    // Takes the oldest established connection from the accept queue (nullptr when empty).
    TcpConn* accept(TcpApp* app, uint64_t tag);
    size_t queued() const { return queue_.size(); }
    uint32_t backlog() const { return backlog_; }
    const net::Endpoint& local() const { return local_; }
    uint64_t overflows() const { return overflows_; }
    // Stops listening (new SYNs are refused with RST); queued connections are reset.
    void close();
    bool open() const { return open_; }
    TcpApp* app() const { return app_; }

private:
    friend class TcpConn;
    friend class TcpStack;
    TcpStack& stack_;
    net::Endpoint local_;
    uint32_t backlog_;
    TcpApp* app_;
    std::deque<TcpConn*> queue_;
    uint64_t overflows_ = 0;
    bool open_ = true;
};

struct TcpCounters {
    uint64_t active_opens = 0;
    uint64_t passive_opens = 0;
    uint64_t resets_sent = 0;
    uint64_t resets_received = 0;
    uint64_t retransmits = 0;
    uint64_t listen_overflows = 0;
    uint64_t port_exhaustion = 0;
    uint64_t time_wait_max = 0;          // most sockets in TIME_WAIT at one time
    uint64_t time_wait_overflow = 0;     // closes that skipped TIME_WAIT (tcp_max_tw_buckets)
    uint64_t loss_probes = 0;            // tail-loss probes (TcpExtTCPLossProbes)
    uint64_t loss_probe_recoveries = 0;  // TcpExtTCPLossProbeRecovery
    uint64_t keepalive_probes = 0;
    RetransmitCounts retransmits_by;   // by mechanism (sums to `retransmits`; SYNs count as rto)
    uint64_t recoveries = 0;           // fast recoveries entered (TcpExtTCPSackRecovery + Reno)
    uint64_t timeouts = 0;             // RTOs (TcpExtTCPTimeouts)
    uint64_t ooo_segments = 0;         // segments queued out of order (TcpExtTCPOFOQueue)
    uint64_t dsacks_sent = 0;          // TcpExtTCPDSACKOldSent + OfoSent
    uint64_t zero_window_probes = 0;   // TcpExtTCPWinProbe
    uint64_t zero_window_adverts = 0;  // TcpExtTCPToZeroWindowAdv
    // Segments sent, by what they carry (a data segment with FIN counts as data and FIN).
    struct Sent {
        uint64_t syn = 0, synack = 0, fin = 0, rst = 0, data = 0, pure_ack = 0;
    } sent;
    // When each kind was first and last sent (Time{} until it was).
    struct When {
        sim::Time first, last;
        void note(sim::Time t) {
            if (first == sim::Time{} && last == sim::Time{}) first = t;
            last = t;
        }
    };
    When syn_at, synack_at, fin_at, rst_at, data_at, pure_ack_at, retransmit_at, timeout_at;
    sim::Time first_error_at;  // the first error an application saw (ECONNREFUSED, ETIMEDOUT, ...)
    bool error_seen = false;
};

class TcpStack {
public:
    TcpStack(net::Network& net, net::NodeId node, const TcpProfile& profile);
    ~TcpStack();
    TcpStack(const TcpStack&) = delete;
    TcpStack& operator=(const TcpStack&) = delete;

    // Listens on `local` (address 0.0.0.0 = any of the host's addresses).
    Listener& listen(net::Endpoint local, uint32_t backlog, TcpApp* app);
    // Active open from `local_addr` to `remote`; nullptr with `error` set when no port is free.
    TcpConn* connect(net::Ipv4 local_addr, net::Endpoint remote, TcpApp* app, uint64_t tag,
                     SocketError* error = nullptr);
    // connect() after bind() to an explicit local port; nullptr (EADDRINUSE reported as
    // AddrNotAvail) when that 4-tuple is taken, TIME_WAIT included.
    TcpConn* connect_from(net::Endpoint local, net::Endpoint remote, TcpApp* app, uint64_t tag,
                          SocketError* error = nullptr);
    void receive(const net::Packet& p);
    TcpConn* find(const net::FourTuple& t) const { return table_.find(t); }

    // A host that is down neither sends nor receives (power-off, crash).
    void set_down(bool down) { down_ = down; }
    bool down() const { return down_; }
    // Abortive close of every connection (a server killed with SO_LINGER 0): RST to peers.
    void reset_all();
    // Forgets every connection without a packet (a crash: the peer learns nothing).
    void drop_all();

    const TcpProfile& profile() const { return profile_; }
    const TcpSysctls& sysctl() const { return profile_.sysctl; }
    const KernelClock& clock() const { return clock_; }
    // When mod_timer(jiffies + timeout) would run on this host (through the wheel).
    sim::Time kernel_fire_time(Jiffies timeout) { return clock_.fire_time(sim().now(), timeout, in_timer_); }
    // Arms `t` the way mod_timer(jiffies + timeout) does.
    void arm_kernel_timer(sim::Timer& t, Jiffies timeout) { t.arm_at(kernel_fire_time(timeout)); }
    // Timer callbacks run with the wheel's clock one jiffy ahead (forward_timer_base).
    struct InTimer {
        TcpStack& s;
        explicit InTimer(TcpStack& stack) : s(stack) { s.in_timer_ = true; }
        ~InTimer() { s.in_timer_ = false; }
    };
    sim::Simulator& sim() { return net_.simulator(); }
    net::Network& network() { return net_; }
    net::NodeId node() const { return node_; }
    sim::EntityId entity() const { return entity_; }
    uint64_t count(TcpState s) const { return in_state_[static_cast<size_t>(s)]; }
    size_t connections() const { return table_.size(); }
    const TcpCounters& counters() const { return counters_; }
    // Every connection (TIME_WAIT included) and every listener, for listings such as ss.
    template <class F>
    void for_each_connection(F f) const {
        table_.for_each([&](TcpConn* c) { f(*c); });
    }
    const std::vector<std::unique_ptr<Listener>>& listeners() const { return listeners_; }
    // Memory held by connection objects and the table (for the benchmark).
    size_t memory_bytes() const;

private:
    friend class TcpConn;
    friend class Listener;
    TcpConn* new_conn(const net::FourTuple& t);
    void release(TcpConn* c);  // called when a connection reaches CLOSED for good
    void on_state_change(TcpState from, TcpState to);
    void send_rst_for(const net::Packet& p);
    void transmit(const net::Packet& p) {
        if (!down_) net_.send(node_, p);
    }
    // A paced segment waits for its departure time (its EDT) in the host, as in the fq qdisc:
    // other connections' packets pass it.
    void transmit(net::Network::RouteRef& cached, const net::Packet& p, sim::Time depart = sim::Time{}) {
        if (down_) return;
        if (depart > sim().now()) {
            sim().post_at(depart, [this, p] {
                if (!down_) net_.send(node_, p);
            });
            return;
        }
        if (!net_.current(cached)) cached = net_.resolve(node_, p);
        net_.send(node_, cached, p);
    }
    Listener* find_listener(net::Endpoint local);
    uint64_t next_conn_id() { return ++conn_ids_; }

    // Connections live in blocks that never move; freed slots are reused.
    class Pool {
    public:
        static constexpr size_t kBlockConns = 8;  // small: a browser host uses about a dozen
        TcpConn* at(uint32_t i) const {
            return std::launder(reinterpret_cast<TcpConn*>(&(*blocks_[i / kBlockConns])[i % kBlockConns]));
        }
        uint32_t allocate();
        void free(uint32_t i) { free_.push_back(i); }
        size_t memory_bytes() const {
            return blocks_.size() * kBlockConns * sizeof(TcpConn) + free_.capacity() * sizeof(uint32_t);
        }

    private:
        std::vector<std::unique_ptr<
            std::array<std::aligned_storage_t<sizeof(TcpConn), alignof(TcpConn)>, kBlockConns>>>
            blocks_;
        std::vector<uint32_t> free_;
        uint32_t allocated_ = 0;
    };

    net::Network& net_;
    net::NodeId node_;
    TcpProfile profile_;
    sim::EntityId entity_;
    KernelClock clock_;
    bool in_timer_ = false;
    sim::Rng rng_;
    Pool pool_;
    ConnTable<Pool, TcpConn> table_{pool_};
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::array<uint64_t, kTcpStateCount> in_state_{};
    TcpCounters counters_;
    uint32_t port_cursor_ = 0;
    uint64_t conn_ids_ = 0;
    bool down_ = false;
    std::vector<TcpConn*> graveyard_;  // released during packet processing, freed after
    ChunkPool chunks_;                 // every connection's retransmission queue
    OooPool ooo_;                      // every connection's out-of-order data
    LossPool losses_;                  // recovery state of connections that met loss
    ExtrasPool extras_;                // socket options and held requests of some connections
    CubicPool cubics_;                 // CUBIC state of connections that needed it
    BbrPool bbrs_;                     // BBR state
    // In-order data a segment made deliverable: (bytes, message id ending there or 0).
    struct Deliverable {
        uint32_t bytes;
        uint32_t msg;
    };
    std::vector<Deliverable> deliver_scratch_;
};

}  // namespace lvs::tcp
