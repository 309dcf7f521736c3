// The scenario runtime: builds the network, the director, the realservers and the browsers a
// scenario describes, plays its timeline (a timeline action at T takes effect before any model
// event at T), samples time series, follows drains, evaluates expectations, and reports.
#pragma once

#include <csignal>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "lvsim/stats.hpp"
#include "lvsim/tables.hpp"
#include "models/dns/dns_server.hpp"
#include "models/dns/stub_resolver.hpp"
#include "models/ha/vrrp.hpp"
#include "models/http/browser.hpp"
#include "models/http/web_server.hpp"
#include "models/ipvs/director.hpp"
#include "models/ipvs/health_checker.hpp"
#include "models/net/host.hpp"
#include "models/net/neighbour.hpp"
#include "models/net/pcap.hpp"
#include "models/scenario/capacity.hpp"
#include "models/scenario/ha_report.hpp"
#include "models/scenario/run_options.hpp"
#include "models/scenario/scenario.hpp"
#include "models/socket/program.hpp"
#include "models/syslog/syslog.hpp"
#include "models/trace/vocabulary.hpp"
#include "sim/simulator.hpp"

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
    std::vector<std::string> admin_log;   // "[20s] ipvsadm -e ... : ok" / errors
    bool capacity_check = false;          // print the queueing cross-check
    std::optional<uint64_t> fingerprint;  // the trace's digest, when asked for (RunOptions)
    bool passed() const {
        for (const auto& e : expectations)
            if (!e.passed) return false;
        return true;
    }
};

class Run {
public:
    Run(const Scenario& s, RunOptions options = {});
    ~Run();
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    // Advances to `t` (at most the end of the run). Returns false once the end is reached.
    bool run_until(sim::Time t);
    // Runs to the end and builds the report.
    Report run();
    // The report as of now (also valid mid-run, for stepping tools).
    Report report();
    sim::Time end() const { return end_; }
    // The trace fingerprint so far (RunOptions::fingerprint).
    std::optional<uint64_t> fingerprint() const {
        return fingerprint_ ? std::optional<uint64_t>(fingerprint_->value()) : std::nullopt;
    }

    // A named quantity of the expectation language, now (quantity.hpp); throws
    // std::invalid_argument for a name the scenario does not know.
    double quantity(const std::string& name);

    sim::Simulator& sim() { return sim_; }
    net::Network& network() { return net_; }
    ipvs::Director& director() { return *director_; }
    // The pair's directors (`ha:`) in the scenario's order; just the director without one.
    size_t director_count() const { return peer_ ? 2 : 1; }
    ipvs::Director& director_at(size_t i) { return i == 0 ? *director_ : *peer_; }
    struct HaMember {
        ipvs::Director* director = nullptr;
        std::unique_ptr<ha::VrrpInstance> vrrp;
        sim::Time master_since;
        sim::Duration master_time;
        uint32_t became_master = 0;
    };
    const std::vector<HaMember>& ha_members() const { return ha_; }
    double ha_master_seconds(size_t i) const;
    double ha_split_brain_seconds() const;
    uint32_t ha_vip_moves() const { return vip_moves_; }
    const Scenario& scenario() const { return scenario_; }
    struct RealServer {
        std::string name;
        std::unique_ptr<net::Host> host;
        std::unique_ptr<http::WebServer> web;    // none on a scripted server
        std::unique_ptr<sock::Program> program;  // a scripted server (destroyed before its host)
        std::unique_ptr<dns::DnsServer> dns;
        std::unique_ptr<syslog::Collector> syslog;
    };
    std::vector<RealServer>& realservers() { return rs_; }
    struct ClientGroup {
        std::string name;
        http::BrowserStats stats;
        std::vector<std::unique_ptr<net::Host>> hosts;
        std::vector<std::unique_ptr<http::Browser>> browsers;
        std::unique_ptr<sock::Program> program;  // a scripted client instead of browsers
        // UDP clients instead of browsers (one per host).
        dns::ResolverStats resolver_stats;
        std::vector<std::unique_ptr<dns::StubResolver>> resolvers;
        std::vector<std::unique_ptr<syslog::Sender>> senders;
        // Visitors that arrive (`arrivals:`) or a log's clients (`access_log:`): client hosts
        // are made as they come, and an arriving visitor takes a host whose visit is over.
        struct Visitors {
            std::unique_ptr<http::ArrivalClock> clock;
            sim::Rng rng;
            std::unique_ptr<sim::Timer> next;
            std::vector<uint32_t> free;  // hosts whose visit is over, the latest last
            size_t arrival = 0;          // access_log: the next logged client to come
            uint64_t remapped = 0;       // logged addresses the run cannot give (taken, IPv6): from 100.64/10
        };
        std::unique_ptr<Visitors> visitors;
    };
    std::vector<ClientGroup>& client_groups() { return groups_; }
    // The drop-tail queues that feed the given hosts (their access links toward them): drops
    // so far and the queueing delay over the samples so far.
    struct QueueFigures {
        uint64_t drops = 0;
        double delay_mean_ms = 0;
        double delay_max_ms = 0;
    };
    QueueFigures queues_toward(const std::vector<std::unique_ptr<net::Host>>& hosts) const;
    // Throws sim::InvariantError (sim/check.hpp) when a model's state is impossible: a counter wrapped below
    // zero, objects not conserved (started = ok + failed + aborted + pending), an IPVS entry bound to a
    // destination that is neither listed nor in the trash, a TCP send sequence out of order.
    void check_invariants();
    const std::vector<std::unique_ptr<ipvs::HealthChecker>>& health_checkers() const { return health_; }
    Snapshot take_snapshot(const std::string& label);
    // `ipvsadm -Ln` as data (the snapshots' and the library's Run::tables()).
    std::vector<ServiceTable> service_tables() const;
    // The hosts whose sockets snapshots and traces list: (name, host's TCP).
    std::vector<std::pair<std::string, const tcp::TcpStack*>> listed_hosts();

    // What the quantity table reads.
    const ipvs::Dest* dest_of(size_t realserver) const;  // listed, or in the trash; nullptr once gone
    ClientReport client_report_now(std::optional<size_t> group) const;  // nullopt: all groups
    const DrainResult* first_drain(size_t realserver) const;
    CapacityInput capacity_input(RealServer& rs);

private:
    void build();
    // build()'s steps, in the order a run is assembled (run_build.cpp).
    void build_realservers(net::NodeId lan, const net::LinkSpec& lan_link);
    void build_clients(net::NodeId internet);
    void build_udp_clients(size_t group, uint32_t& next_client);  // run_udp.cpp
    void build_udp_services(RealServer& rs, const RealServerSpec& spec);
    void start_udp_clients();
    // Visitors and replayed logs (run_visitors.cpp).
    net::LinkSpec access_link() const;
    void build_visitors(size_t group);
    void on_visitor(size_t group);
    uint32_t add_client_host(size_t group, const http::BrowserConfig& config);
    net::Ipv4 fresh_client_address();
    void configure_director(ipvs::Director& d, bool first);
    void build_health_checks();
    void schedule_timeline();
    void apply(size_t timeline_entry);
    void apply_action(const IpvsadmAction& a, const std::string& when);
    void apply_action(const SysctlAction& a, const std::string& when);
    void apply_action(const ServerAction& a, const std::string& when);
    void apply_action(const ClientAction& a, const std::string& when);
    void apply_action(const SnapshotAction& a, const std::string& when);
    void apply_action(const DropAction& a, const std::string& when);
    // The director pair (run_ha.cpp).
    void build_ha(net::NodeId lan, const net::LinkSpec& lan_link);
    void start_ha();
    void apply_action(const DirectorAction& a, const std::string& when);
    void apply_action(const VrrpLinkAction& a, const std::string& when);
    void ha_send_advert(size_t from, const ha::Advert& a);
    void ha_send_sync(size_t from, ipvs::SyncMessage&& m);
    void ha_become_master(size_t i);
    void ha_leave_master(size_t i);
    void ha_gratuitous_arp(size_t i);
    void ha_garp_refresh(size_t i, uint32_t mastership);
    void ha_move_vips(size_t to, const char* why);
    void ha_changed(size_t i, ha::VrrpState from, ha::VrrpState to, std::string_view why);
    void ha_sync_daemons(size_t i, bool master);
    void trace_peer_listings();
    HaReport ha_report() const;
    // The directors an admin command of the timeline runs on.
    std::vector<ipvs::Director*> directors_on(std::optional<size_t> on);
    // A director's name in logs: the pair's names (`ha:`); the node of the first is "director".
    std::string director_label(const ipvs::Director& d) const;
    void sample_windows();
    void sample_queues();
    void trace_warning(const Warning& w);
    void sample();
    void watch_drains();
    void on_director_change();
    void trace_listings();
    void trace_service_table();
    void start_drain(const std::string& rs, const std::string& command, const ipvs::Dest* dest,
                     const ipvs::Dest* peer_dest = nullptr);
    void evaluate(size_t index);
    ClientReport client_report(const std::string& name, const std::vector<const ClientGroup*>& groups) const;
    void udp_client_report(ClientReport& c, const std::vector<const ClientGroup*>& groups) const;
    void udp_server_report(ServerReport& s, RealServer& rs) const;
    DirectorUdpReport director_udp_report() const;
    void udp_server_verb(RealServer& rs, ServerVerb verb);
    void udp_client_verb(ClientGroup& g, ClientVerb verb);
    std::string rs_name_of(net::Ipv4 addr) const;

    Scenario scenario_;
    RunOptions options_;
    sim::Simulator sim_;
    trace::VocabularyCheck vocabulary_check_;
    std::unique_ptr<sim::JsonLinesSink> jsonl_;
    std::unique_ptr<sim::FingerprintSink> fingerprint_;
    net::Network net_;
    std::unique_ptr<ipvs::Director> director_;
    std::unique_ptr<ipvs::Director> peer_;  // the pair's second director (`ha:`)
    std::vector<HaMember> ha_;
    bool vrrp_partitioned_ = false;
    std::unique_ptr<net::NeighbourEntry> router_arp_;  // the router's ARP entry for the VIPs
    size_t vip_owner_ = 0;                             // the director the router sends the VIPs to
    uint32_t vip_moves_ = 0;
    sim::Time split_since_;
    sim::Duration split_brain_;
    bool split_ = false;
    std::vector<std::string> ha_events_;
    std::string last_peer_listing_;
    std::vector<RealServer> rs_;
    std::vector<ClientGroup> groups_;
    syslog::Tally syslog_tally_;  // messages per client group: sent, received by any collector
    net::NodeId internet_ = net::kNoNode;
    uint32_t next_visitor_address_ = net::Ipv4::of(100, 64, 0, 1).value();
    std::vector<std::unique_ptr<ipvs::HealthChecker>> health_;
    std::vector<std::unique_ptr<ipvs::HealthChecker>> peer_health_;  // the pair's second director's
    std::unique_ptr<net::PcapWriter> pcap_;
    bool interrupted_ = false;
    sim::Time end_;
    bool built_ = false;

    std::vector<Snapshot> snapshots_;
    // With a director pair a drain ends when neither director has an entry for the realserver
    // (either may carry its connections after a failover); a destination is let go (nullptr)
    // once it has none, since a deleted one may then be freed.
    struct Drain {
        DrainResult result;
        const ipvs::Dest* dest;
        const ipvs::Dest* peer_dest = nullptr;
        bool done = false;
    };
    std::vector<Drain> drains_;
    std::vector<ExpectResult> results_;
    std::vector<std::vector<double>> at_values_;  // per expectation, per reference: `name@T`'s value
    std::vector<SampleRow> samples_;
    std::vector<WindowSample> windows_;
    std::vector<QueueReport> queues_;
    std::vector<std::pair<uint32_t, uint8_t>> queued_links_;  // (link, direction) of queues_[i]
    std::vector<net::NodeId> queue_node_;                     // the node that feeds queues_[i]
    std::vector<std::string> queue_to_;                       // the node it feeds
    uint32_t links_examined_ = 0;                             // links looked at for a queue
    std::vector<std::string> admin_log_;
    std::map<std::string, uint64_t> rs_time_wait_max_;
    std::map<std::string, uint64_t> rs_idle_peak_;
    uint64_t client_time_wait_max_ = 0;
    std::vector<uint64_t> group_time_wait_max_;
    sim::Timer sampler_;
    // With tracing on, the director's listings go into the trace (for the viewer and for
    // recorded traces): -Ln whenever it changes, -Lnc every `listing_every`.
    sim::Timer listing_timer_;
    std::string last_listing_;
    bool listing_due_ = false;
    uint64_t observer_events_ = 0;  // events that only trace listings (not in Report::events)
    // The -Ln rows as last traced (director.dest records), by (service, realserver address).
    struct ListedRow {
        std::string name, forward;
        int32_t weight = 0;
        uint32_t active = 0, inactive = 0;
        bool operator==(const ListedRow&) const = default;
    };
    using ListedRowKey = std::pair<std::string, std::string>;
    std::map<ListedRowKey, ListedRow> listed_rows_;
};

// Nearest-rank percentile (p in 0..100) of `v`; 0 when empty.
double percentile(std::vector<double> v, double p);

// Writers.
// `ss`: print every snapshot's `ss -tin` listings too.
void write_text_report(std::ostream& out, const Report& r, bool ss = false);
void write_json_report(std::ostream& out, const Report& r);
// The director pair's section (report_ha.cpp): nothing without `ha:`.
void write_ha_text(std::ostream& out, const Report& r);
void write_ha_json(std::ostream& out, const Report& r);
void write_csv(std::ostream& out, const Report& r);
// A trace fingerprint as 16 hex digits.
std::string format_fingerprint(uint64_t fingerprint);

}  // namespace lvs::scenario
