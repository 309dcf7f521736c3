// The report of a run as data (what Run::report() returns), and its writers: text, JSON, CSV.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "lvsim/stats.hpp"
#include "lvsim/tables.hpp"
#include "models/scenario/capacity.hpp"
#include "models/scenario/fleet.hpp"
#include "models/scenario/ha_pair.hpp"
#include "models/scenario/scenario.hpp"
#include "models/socket/program.hpp"
#include "sim/time.hpp"

namespace lvs::scenario {

// A snapshot's services are the public API's tables (include/lvsim/tables.hpp): the library
// hands them over as they are.
using lvsim::RealServerRow;
using lvsim::ServiceTable;

// One host's sockets, as `ss -tan` and `ss -tin` print them.
struct HostSockets {
    std::string host;
    std::string ss_tan;
    std::string ss_tin;
};

struct Snapshot {
    std::string label;
    sim::Time at;
    std::string ipvsadm_ln;
    std::string ipvsadm_lnc;
    // A director pair: whose listing ipvsadm_ln is ("lvs1 (MASTER)"), and the other's.
    std::string director;
    std::string peer;
    std::string peer_ln;
    // A fleet: the first director's name ("node1 (in)"), and the others' names and listings.
    std::vector<std::pair<std::string, std::string>> fleet_ln;
    std::vector<ServiceTable> services;
    // The director, every realserver, and the client hosts when there are at most
    // kSocketListedClients of them.
    std::vector<HostSockets> sockets;
};
constexpr size_t kSocketListedClients = 16;

struct DrainResult {
    std::string realserver;
    std::string command;
    sim::Time at;
    std::optional<sim::Duration> no_active_after;
    std::optional<sim::Duration> no_entries_after;
};

struct ExpectResult {
    std::string text;
    std::optional<sim::Time> at;
    bool passed = false;
    std::string observed;  // "rs1.active=3"
    Mark mark;
};

// What the public report gives (lvsim::ClientStats), and two figures the text and JSON
// reports add.
struct ClientReport : lvsim::ClientStats {
    uint64_t pages_with_failures = 0;
    uint64_t errors_no_port = 0;
    uint64_t api_clients = 0;  // of `browsers`, the hosts running an API client preset
    // Visitors (arrivals) and replayed logs.
    uint64_t sessions = 0;            // visits begun
    uint64_t sessions_completed = 0;  // visits that loaded all their pages
    double session_pages_mean = 0;    // pages per completed visit
    uint64_t sessions_peak = 0;       // visits under way at once, at most (summed over groups)
    uint64_t visitor_hosts = 0;       // client hosts made for visits and logged clients
    uint64_t remapped_addresses = 0;  // logged addresses replayed from 100.64.0.0/10 instead
    uint64_t replayed_requests = 0;
    std::vector<std::pair<std::string, uint64_t>> page_mix;  // loads per page of a mix
    std::vector<std::string> access_log;                     // what was replayed and what not (one group)
    // HTTPS and HTTP/2 (http::BrowserStats).
    uint64_t tls_full = 0;
    uint64_t tls_resumed = 0;
    double tls_wait_mean_ms = 0;  // connect() to the first request allowed to leave
    uint64_t h2_sessions = 0;
    uint64_t goaway = 0;
    uint64_t goaway_retries = 0;
    uint64_t ping_failures = 0;
    uint64_t idle_trims = 0;
    // UDP clients: stub resolvers and syslog senders.
    uint64_t resolvers = 0;
    uint64_t lookups = 0;
    uint64_t lookups_answered = 0;
    uint64_t lookups_failed = 0;
    uint64_t lookups_pending = 0;  // under way when the report was made
    uint64_t lookup_retries = 0;   // queries sent again
    uint64_t lookup_timeouts = 0;  // tries that waited their whole timeout
    uint64_t lookups_refused = 0;  // tries ended by ICMP port unreachable
    double lookup_p50_ms = 0;
    double lookup_p95_ms = 0;
    double lookup_max_ms = 0;
    uint64_t syslog_senders = 0;
    uint64_t syslog_sent = 0;
    uint64_t syslog_received = 0;   // by any collector
    uint64_t syslog_in_flight = 0;  // sent within one network round trip of the report
    uint64_t syslog_lost() const {
        const uint64_t settled = syslog_sent - std::min(syslog_sent, syslog_in_flight);
        return settled - std::min(settled, syslog_received);
    }
    bool has_udp() const { return resolvers + syslog_senders > 0; }
    bool has_browsers() const { return browsers > 0 || resolvers + syslog_senders == 0; }
};

// What the public report gives (lvsim::ServerStats), and what the runtime's own cross-checks
// read besides.
struct ServerReport : lvsim::ServerStats {
    uint64_t busy_peak = 0;
    uint64_t idle_keepalive_peak = 0;
    // UDP services.
    bool dns = false;
    uint64_t dns_queries = 0;
    uint64_t dns_answers = 0;
    bool syslog = false;
    uint64_t syslog_received = 0;
    uint64_t udp_no_ports = 0;      // datagrams for a port with no socket (Udp: NoPorts)
    uint64_t icmp_unreachable = 0;  // port unreachable it sent (after the ICMP rate limits)
    CapacityInput capacity;         // for the queueing cross-check
};

// One time-series row per sample time and realserver.
struct SampleRow {
    sim::Time t;
    std::string realserver;
    int weight = 0;
    bool present = false;
    uint32_t active = 0;
    uint32_t inactive = 0;
    uint64_t conns = 0;
    uint64_t time_wait = 0;
    uint32_t workers_busy = 0;
    uint32_t workers_idle_keepalive = 0;
    uint64_t client_time_wait = 0;
};

// A host's (or a client group's) loss recovery, from its TCP counters.
struct TcpLossReport {
    std::string name;
    tcp::RetransmitCounts retransmits;
    uint64_t recoveries = 0;
    uint64_t timeouts = 0;
    uint64_t loss_probes = 0;
    uint64_t loss_probe_recoveries = 0;
    uint64_t ooo_segments = 0;
    uint64_t dsacks_sent = 0;
    uint64_t zero_window_probes = 0;
};

// Frames a lossy link carried and lost, per direction (a: toward b, b: toward a).
struct LinkReport {
    std::string name;  // "ie8-internet"
    std::array<net::LinkDirStats, 2> dir;
};

// A finite queue of one link direction: its limit, drops, and occupancy at every sample time.
struct QueueReport {
    std::string link;  // "browser-internet"
    std::string dir;   // "out" (a -> b) or "back"
    net::QueueLimit limit;
    uint64_t drops = 0;
    struct Sample {
        sim::Time t;
        net::QueueOccupancy q;
    };
    std::vector<Sample> samples;
};

// Every sample time, the largest windows among a host's connections.
struct WindowSample {
    sim::Time t;
    std::string host;
    uint32_t connections = 0;
    uint32_t rcv_wnd = 0;  // the largest receive window it advertises (bytes)
    uint32_t rcv_space = 0;
    uint32_t snd_wnd = 0;  // the largest window its peers advertise
    uint32_t cwnd = 0;     // the largest congestion window (segments)
};

// A scripted program's calls, as they returned.
struct ProgramReport {
    std::string name;  // the client group's or the realserver's
    std::vector<sock::Call> calls;
};

// The director's UDP side, as its counters stand (the report's UDP sections).
struct DirectorUdpReport {
    bool any = false;  // the run has UDP services or traffic
    uint64_t entries = 0;
    uint64_t datagrams = 0;        // from clients, taken for a service
    uint64_t one_packet = 0;       // scheduled one by one (--ops)
    uint64_t dropped_nodest = 0;   // all protocols: packets for entries of deleted realservers
    uint64_t icmp_translated = 0;  // NAT realservers' ICMP errors passed on as from the VIP
    uint64_t icmp_no_dest = 0;     // all protocols: port unreachable for services with no destination
};

struct Report {
    bool complete = true;  // false: the run was stopped early (RunOptions::stop)
    std::string scenario;
    std::string lesson;
    std::string file;
    uint64_t seed = 0;
    std::string kernel;        // the kernel profile
    std::string kernel_asked;  // the release the file named, when it named one ("5.4")
    std::vector<Warning> warnings;
    std::vector<ProgramReport> programs;
    sim::Time end;
    uint64_t events = 0;
    ClientReport clients;
    std::vector<ClientReport> groups;
    std::vector<ServerReport> realservers;
    std::vector<DrainResult> drains;
    std::vector<Snapshot> snapshots;
    std::vector<ExpectResult> expectations;
    std::vector<SampleRow> samples;
    std::vector<TcpLossReport> tcp_loss;  // realservers then client groups
    std::vector<LinkReport> links;        // links with loss configured or drops
    std::vector<WindowSample> windows;    // when the scenario asks (report_windows)
    std::vector<QueueReport> queues;      // links with a finite queue
    DirectorUdpReport director_udp;
    HaReport ha;
    FleetReport fleet;
    std::vector<std::string> admin_log;   // "[20s] ipvsadm -e ... : ok" / errors
    bool capacity_check = false;          // print the queueing cross-check
    std::optional<uint64_t> fingerprint;  // the trace's digest, when asked for (RunOptions)
    bool passed() const {
        for (const auto& e : expectations)
            if (!e.passed) return false;
        return true;
    }
};

// Writers.
// `ss`: print every snapshot's `ss -tin` listings too.
void write_text_report(std::ostream& out, const Report& r, bool ss = false);
void write_json_report(std::ostream& out, const Report& r);
// The director pair's section (report_ha.cpp): nothing without `ha:`.
void write_ha_text(std::ostream& out, const Report& r);
void write_ha_json(std::ostream& out, const Report& r);
void write_fleet_text(std::ostream& out, const Report& r);
void write_fleet_json(std::ostream& out, const Report& r);
void write_csv(std::ostream& out, const Report& r);
// A trace fingerprint as 16 hex digits.
std::string format_fingerprint(uint64_t fingerprint);

}  // namespace lvs::scenario
