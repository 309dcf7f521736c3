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
#include "models/scenario/fleet.hpp"
#include "models/scenario/ha_pair.hpp"
#include "models/scenario/report_data.hpp"
#include "models/scenario/run_options.hpp"
#include "models/scenario/scenario.hpp"
#include "models/socket/program.hpp"
#include "models/syslog/syslog.hpp"
#include "models/trace/vocabulary.hpp"
#include "sim/simulator.hpp"

namespace lvs::scenario {

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
    // The pair's (`ha:`) or the fleet's (`fleet:`) directors in the scenario's order; just the
    // director without either.
    size_t director_count() const { return peer_ ? 2 : 1 + fleet_.size(); }
    ipvs::Director& director_at(size_t i) { return i == 0 ? *director_ : peer_ ? *peer_ : *fleet_[i - 1]; }
    const ipvs::Director& director_at(size_t i) const {
        return i == 0 ? *director_ : peer_ ? *peer_ : *fleet_[i - 1];
    }
    const std::vector<FleetMember>& fleet_members() const { return fleet_state_; }
    const ClientPlacement& client_placement() const { return placement_; }
    uint64_t fleet_moved_entries() const { return fleet_moved_; }
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
    const ipvs::Dest* dest_on(size_t director, size_t realserver) const;  // the same on director_at(director)
    ClientReport client_report_now(std::optional<size_t> group) const;    // nullopt: all groups
    const DrainResult* first_drain(size_t realserver) const;
    CapacityInput capacity_input(RealServer& rs);

    // A partitioned run's (RunOptions::partition_lp).
    bool partitioned() const { return options_.partition_lp != sim::kAnyLp; }

private:
    // `lp` in a partitioned run, kAnyLp (no part) otherwise (run_partition.cpp).
    sim::Lp part_lp(sim::Lp lp) const { return partitioned() ? lp : sim::kAnyLp; }
    void partition_network();
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
    void ha_garp_refresh(size_t i, uint32_t mastership, sim::Duration first);
    void ha_garp_bursts(size_t i);
    int vip_holder_index() const;
    void ha_move_vips(size_t to, const char* why);
    void ha_changed(size_t i, ha::VrrpState from, ha::VrrpState to, std::string_view why);
    void ha_sync_daemons(size_t i, bool master);
    void trace_peer_listings();
    HaReport ha_report() const;
    // The fleet behind ECMP (run_fleet.cpp).
    void build_fleet(net::NodeId lan, const net::LinkSpec& lan_link);
    void start_fleet();
    void apply_action(const FleetAction& a, const std::string& when);
    void fleet_regroup(size_t changed, const std::string& what);
    std::vector<net::Network::NextHop> fleet_next_hops() const;
    void fleet_placed(const ipvs::Director& d, const ipvs::Conn& c);
    void trace_fleet_member(size_t i, const std::string& why);
    void trace_fleet_listings();
    std::pair<uint32_t, uint32_t> fleet_conns(const std::string& service, net::Endpoint rs) const;
    FleetReport fleet_report() const;
    // The directors an admin command of the timeline runs on.
    std::vector<ipvs::Director*> directors_on(std::optional<size_t> on);
    // A director's name in logs: the pair's names (`ha:`); the node of the first is "director".
    std::string director_label(const ipvs::Director& d) const;
    // "[20s] ", "[0s] ": the time logs and the admin log put before a line.
    std::string when_label() const;
    void sample_windows();
    void sample_queues();
    void trace_warning(const Warning& w);
    void sample();
    void watch_drains();
    void on_director_change();
    void trace_listings();
    void trace_service_table();
    void start_drain(const std::string& rs, const std::string& command, std::vector<const ipvs::Dest*> dests);
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
    std::vector<std::unique_ptr<ipvs::Director>> fleet_;  // a fleet's directors after the first
    std::vector<FleetMember> fleet_state_;                // all of the fleet's, the first included
    std::vector<net::Ipv4> fleet_vips_;                   // the addresses the router spreads
    std::vector<std::string> fleet_events_;
    std::vector<std::string> last_fleet_listing_;
    uint64_t fleet_moved_ = 0;
    ClientPlacement placement_;
    bool vrrp_partitioned_ = false;
    std::optional<size_t> stopping_;                   // the director whose keepalived is stopping now
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
    std::vector<std::unique_ptr<ipvs::HealthChecker>> peer_health_;  // the other directors' (a pair, a fleet)
    std::unique_ptr<net::PcapWriter> pcap_;
    bool interrupted_ = false;
    sim::Time end_;
    bool built_ = false;

    std::vector<Snapshot> snapshots_;
    // With a director pair or a fleet a drain ends when no director has an entry for the
    // realserver (either of a pair may carry its connections after a failover); a destination is
    // let go (nullptr) once it has none, since a deleted one may then be freed.
    struct Drain {
        DrainResult result;
        std::vector<const ipvs::Dest*> dests;  // one per director the command ran on
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

// Why the scenario cannot be split into the clients' and the director's side (empty: it can).
std::string partition_limits(const Scenario& s);

// Nearest-rank percentile (p in 0..100) of `v`; 0 when empty.
double percentile(std::vector<double> v, double p);

}  // namespace lvs::scenario
