// TCP connections rebuilt from the trace: each has up to three sides, each a run of states.
//
//  client   tcp.state records of the browser's host (active open: CLOSED -> SYN_SENT ...)
//  director the IPVS entry (ipvs.state ... ipvs.conn.expire)
//  server   tcp.state records of the realserver (passive open: LISTEN -> SYN_RECEIVED ...)
//
// The sides are paired by the client's address:port, which every side sees unchanged (NAT
// rewrites the destination only; with direct routing the server's local address is the VIP,
// so only the client's endpoint is common), taking the latest client endpoint opened at or
// before the other side appeared, because ports are reused over a long run.
//
// With several directors a connection may have an entry on more than one (a pair's master and
// the sync daemon's copy on its backup; a fleet member and the one the router moved the flow
// to): its director side is then their merge, at each moment the state of the entry that
// changed last, and the entries themselves stay reachable (entry_at()).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "viz/theme.hpp"
#include "viz/trace_model.hpp"

namespace lvs::viz {

enum class Side : uint8_t { Client, Director, Server };
constexpr int kSideCount = 3;

struct StateSpan {
    int64_t t0 = 0;
    int64_t t1 = 0;  // end (exclusive); the run's end when still open
    ConnState state = ConnState::Unknown;
};

struct Endpoint {
    Side side = Side::Client;
    StrId host = kNoStr;   // client or realserver host; the realserver's name for an entry
    int64_t id = 0;        // tcp conn id on the host, or the IPVS entry id
    StrId local = kNoStr;  // addr:port; for an IPVS entry the client's
    StrId remote = kNoStr;
    uint32_t first_span = 0;
    uint32_t span_count = 0;
    int64_t t0 = 0;
    int64_t t1 = 0;
    bool open_at_end = false;
    StrId director = kNoStr;  // an IPVS entry: the director that holds it (its records' entity)
    int32_t also = -1;        // an IPVS entry: the same connection's entry on another director
    bool folded = false;      // an IPVS entry shown through its connection's merged side
    bool merged = false;      // a connection's merged director side (no records of its own)
};

struct Connection {
    std::array<int32_t, kSideCount> side{-1, -1, -1};  // endpoint indices
    int32_t entries = -1;  // its first IPVS entry; the others follow through Endpoint::also
    StrId client_host = kNoStr;
    StrId server = kNoStr;  // realserver (host name, or the entry's dest)
    StrId client_addr = kNoStr;
    int64_t t0 = 0;
    int64_t t1 = 0;
};

// Per-state counts over time (a step function), for the stacked overview rows.
struct StateCounts {
    std::vector<int64_t> t;
    std::vector<std::array<int32_t, kStateCount>> counts;
    std::array<int32_t, kStateCount> at(int64_t time) const;
    int32_t max_total = 0;
};

class ConnectionSet {
public:
    void build(const TraceModel& m);

    const std::vector<Connection>& connections() const { return conns_; }  // ordered by start
    const std::vector<Endpoint>& endpoints() const { return endpoints_; }
    const Endpoint& endpoint(int32_t i) const { return endpoints_[static_cast<size_t>(i)]; }
    const StateSpan* spans_begin(const Endpoint& e) const { return spans_.data() + e.first_span; }
    const StateSpan* spans_end(const Endpoint& e) const {
        return spans_.data() + e.first_span + e.span_count;
    }
    // State of an endpoint at t (Closed before it opened / after it ended).
    ConnState state_at(const Endpoint& e, int64_t t) const;
    // Connections with any side open at t (indices into connections()).
    void alive_at(int64_t t, std::vector<uint32_t>& out) const;
    const StateCounts& counts(Side s) const { return counts_[static_cast<int>(s)]; }
    // Realserver names seen on connections, in order of first appearance.
    const std::vector<StrId>& servers() const { return servers_; }
    // Client endpoint index by host and conn id (-1 when unknown), for the page waterfall.
    int32_t client_endpoint(StrId host, int64_t conn) const;

    // The connection a record is about (its `conn` on its host, or an IPVS entry's), or -1.
    int32_t connection_of(const TraceModel& m, const Record& r) const;
    // The connection of a client address:port open at t (an `ipvsadm -Lnc` row), or -1.
    int32_t connection_at(StrId client_addr, int64_t t) const;
    // The IPVS entry of connection `c` open at t: its first, or the latest one opened on another
    // director that took the flow over (a fleet whose router moved it, a pair's backup); -1
    // when none.
    int32_t entry_at(const Connection& c, int64_t t) const;
    // The connection an endpoint belongs to, or -1.
    int32_t connection_of_endpoint(int32_t endpoint) const {
        return endpoint < 0 ? -1 : conn_of_endpoint_[static_cast<size_t>(endpoint)];
    }

private:
    static constexpr uint64_t kIpvsTag = 1ull << 63;  // IPVS entry keys, apart from TCP keys
    static uint64_t endpoint_key(const Endpoint& e);
    // An IPVS entry's key: entry ids count up per director, so the director is part of it.
    static uint64_t entry_key(StrId director, int64_t id) {
        return kIpvsTag | (static_cast<uint64_t>(director) << 32) | static_cast<uint32_t>(id);
    }
    void build_endpoints(const TraceModel& m);
    void pair_endpoints();
    void merge_entries(Connection& c);
    void count_states(int64_t run_end);

    std::vector<Endpoint> endpoints_;
    std::vector<StateSpan> spans_;
    std::vector<Connection> conns_;
    std::array<StateCounts, kSideCount> counts_;
    std::vector<StrId> servers_;
    std::vector<std::pair<uint64_t, int32_t>> client_index_;    // (host<<32 | conn) sorted
    std::vector<std::pair<uint64_t, int32_t>> endpoint_index_;  // every side: (key, endpoint), sorted
    std::vector<int32_t> conn_of_endpoint_;
};

}  // namespace lvs::viz
