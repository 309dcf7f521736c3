// A scenario: one case and its timeline, as written in a scenario file (YAML).
//
// Plain data with every default filled in and every value typed: the loader is the only code
// that reads the file's text (ipvsadm lines become commands, timeline entries a closed set of
// actions, expectations conditions compiled against the quantity table), and everything after
// it (the runtime, the command line, the API, the viewer) takes these types.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "models/dns/dns_server.hpp"
#include "models/dns/stub_resolver.hpp"
#include "models/ha/vrrp.hpp"
#include "models/http/arrivals.hpp"
#include "models/http/browser.hpp"
#include "models/http/web_server.hpp"
#include "models/ipvs/health_check_config.hpp"
#include "models/ipvs/ipvsadm.hpp"
#include "models/ipvs/sysctl.hpp"
#include "models/scenario/expr.hpp"
#include "models/socket/program.hpp"
#include "models/syslog/syslog.hpp"
#include "models/tcp/tcp_profile.hpp"
#include "sim/time.hpp"

namespace lvs::scenario {

// Bad input: where it is and how to fix it. The command line prints it and exits 2.
class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string file, int line, int column, std::string message, std::string hint = {})
        : std::runtime_error(message),
          file_(std::move(file)),
          line_(line),
          column_(column),
          hint_(std::move(hint)) {}
    const std::string& file() const { return file_; }
    int line() const { return line_; }      // 1-based, 0 when unknown
    int column() const { return column_; }  // 1-based, 0 when unknown
    const std::string& hint() const { return hint_; }
    // "file:line:column: error: message\n  hint: ..."
    std::string format() const;

private:
    std::string file_;
    int line_;
    int column_;
    std::string hint_;
};

// Where a value came from in the file, for errors raised after parsing.
struct Mark {
    int line = 0;
    int column = 0;
};

struct NetworkSpec {
    sim::Duration rtt = sim::ms(20);        // client <-> director round trip
    uint64_t bandwidth_bps = 100'000'000;   // client access links
    sim::Duration lan_delay = sim::us(50);  // director/realserver LAN, one way per link
    uint64_t lan_bandwidth_bps = 1'000'000'000;
    double loss = 0.0;          // on the client access links, per segment
    net::BurstLoss burst;       // correlated loss on the client access links (netem's gemodel)
    double lan_loss = 0.0;      // on the director/realserver LAN links, per segment
    net::QueueLimit queue;      // drop-tail queue of each client access link direction (0: none)
    net::QueueLimit lan_queue;  // of each LAN link direction
};

struct RealServerSpec {
    std::string name;
    net::Ipv4 address;
    tcp::TcpProfile tcp = tcp::linux6_profile();  // bundle plus `sysctl:`, `hz`, `jiffies_at_start`
    http::ServerConfig server;                    // preset plus overrides
    std::vector<sock::Step> script;               // a scripted server instead of the web server
    // UDP services beside the web server (`dns:`, `syslog:`).
    std::optional<dns::DnsServerConfig> dns;
    std::optional<uint16_t> syslog_port;
    Mark mark;
};

// Visitors arriving (`arrivals:`): when sessions begin, and what each one is. A row of an
// arrivals CSV may name its own preset and page count.
struct ArrivalRow {
    std::string client;  // a preset; empty: the group's
    uint32_t pages = 0;  // 0: the group's session length
};
struct ArrivalsSpec {
    http::ArrivalProcess process;
    std::vector<ArrivalRow> rows;  // Times from a CSV: one per time (may be empty)
    std::string csv;               // the file, as written
};

// A client of an access log (`access_log:`): its address and preset, and its requests.
struct LoggedUser {
    std::string address;            // as logged
    std::optional<net::Ipv4> ipv4;  // when it can be this client's address in the run
    std::string preset;             // mapped from its User-Agent, or the group's default
    std::vector<http::ReplayedRequest> requests;
};
struct AccessLogSpec {
    std::string file;
    std::vector<LoggedUser> users;     // by their first request's time
    std::vector<std::string> summary;  // what was read, what could not be mapped (the report's lines)
};

// A client group of UDP traffic instead of browsers: stub resolvers (`resolver:`) or syslog
// senders (`syslog:`), one per host.
enum class UdpClientKind : uint8_t { None, Resolver, Syslog };
struct UdpClientSpec {
    UdpClientKind kind = UdpClientKind::None;
    dns::ResolverConfig resolver;
    syslog::SenderConfig syslog;
    sim::Time start;                // the first lookup or message (then staggered over one interval)
    std::optional<sim::Time> stop;  // none: until the run ends
};

struct ClientGroupSpec {
    std::string name;
    uint32_t count = 1;
    // How the first loads of a group's browsers are spread: browser i (of count) starts at
    // schedule.start + i x stagger / count. nullopt: one reload interval, or the mean think
    // time, so that a group does not click in one instant (Times: 0).
    std::optional<sim::Duration> stagger;
    std::optional<ArrivalsSpec> arrivals;         // visitors arrive: no fixed count of hosts
    std::optional<AccessLogSpec> access_log;      // a log's clients replayed
    tcp::TcpProfile tcp = tcp::linux6_profile();  // `ports:` is its ip_local_port_range
    net::Endpoint target;            // the VIP:port (or realserver address:port) it loads pages from
    bool target_given = false;       // `target:` in the file (else the first TCP service)
    http::BrowserConfig browser;     // profile, page, schedule, request timeout
    std::vector<sock::Step> script;  // a scripted socket client instead of a browser (count 1)
    UdpClientSpec udp;               // kind None: browsers (or the script)
    bool is_udp() const { return udp.kind != UdpClientKind::None; }
    Mark mark;
};

// A health checker (ldirectord or keepalived) watching one virtual service. keepalived checks
// each real_server its own way: `servers:` holds those per-realserver methods.
struct HealthCheckSpec {
    std::string name;
    net::Endpoint service;  // the TCP virtual service it checks
    ipvs::CheckerTool tool = ipvs::CheckerTool::Ldirectord;
    sim::Duration interval = sim::s(10);
    ipvs::CheckMethod check;  // every realserver not in `servers`
    struct ServerCheck {
        size_t realserver = 0;  // index into Scenario::realservers
        ipvs::CheckMethod check;
        Mark mark;
    };
    std::vector<ServerCheck> servers;
    bool alpha = false;  // keepalived: realservers start failed (ldirectord always does)
    bool omega = false;  // keepalived: notifiers at shutdown only; no effect on the table
    uint32_t quorum = 1;
    uint32_t hysteresis = 0;
    std::optional<net::Endpoint> fallback;  // 127.0.0.1:80 (keepalived: sorry_server)
    ipvs::Forward fallback_forward = ipvs::Forward::Masq;
    std::optional<sim::Duration> warmup;  // keepalived; none: its delay_loop
    std::string round;                    // ldirectord: checks naming the same round share one loop (fork=no)
    Mark mark;
};

// ---- the timeline: a closed set of actions, each parsed once by the loader ----------------------

// With a director pair (`ha:`), an admin command runs on both directors (as keepalived's one
// configuration does) unless `on:` names one.
struct IpvsadmAction {
    ipvs::IpvsadmCommand command;  // parsed with ipvsadm's rules; `command.text` as written
    std::optional<size_t> on;      // index into the pair's or the fleet's directors
};
struct SysctlAction {
    const ipvs::SysctlDef* sysctl = nullptr;  // from ipvs::sysctl_table()
    int value = 0;
    std::optional<int> second;  // sync_threshold's period
    std::optional<size_t> on;
};
// A director of a fleet (`fleet:`): leave (the router withdraws its next hop: a BGP withdraw, a
// node drained from the ECMP group), join (the router adds it), crash (the host dies: its table
// is gone, and the router keeps hashing flows to it until a leave), start (it boots with an
// empty table and the file's rules).
enum class FleetVerb : uint8_t { Leave, Join, Crash, Start, Count };
constexpr std::array<std::string_view, static_cast<size_t>(FleetVerb::Count)> kFleetVerbNames{
    "leave", "join", "crash", "start"};
inline std::string_view to_string(FleetVerb v) { return kFleetVerbNames[static_cast<size_t>(v)]; }
struct FleetAction {
    size_t director = 0;  // index into FleetSpec::directors
    FleetVerb verb = FleetVerb::Leave;
};
// A director of the pair: crash (the host dies: no advert, its table is gone), stop (keepalived
// stops: a priority-0 advert, the VIPs released, the sync daemon stopped), start (keepalived
// starts again; a crashed host boots with an empty table).
enum class DirectorVerb : uint8_t { Crash, Stop, Start, Count };
constexpr std::array<std::string_view, static_cast<size_t>(DirectorVerb::Count)> kDirectorVerbNames{
    "crash", "stop", "start"};
inline std::string_view to_string(DirectorVerb v) { return kDirectorVerbNames[static_cast<size_t>(v)]; }
struct DirectorAction {
    size_t director = 0;  // index into HaSpec::directors
    DirectorVerb verb = DirectorVerb::Crash;
};
// `vrrp: partition` loses every advert and sync message between the two directors (a broken
// link, a firewall dropping protocol 112); `vrrp: heal` ends it.
struct VrrpLinkAction {
    bool partitioned = true;
};
// stop: SO_LINGER 0 close of every socket (RST); kill: the process dies and the kernel closes its
// sockets (FIN, RST for unaccepted ones); crash: the host goes silent; graceful-stop: finish
// requests, close idle keep-alive connections.
enum class ServerVerb : uint8_t {
    Stop,
    GracefulStop,
    Crash,
    Start,
    KeepaliveOn,
    KeepaliveOff,
    KeepaliveTimeout,
    Kill,
    FailChecks,  // health checks get 503 / the check script fails; requests are still served
    PassChecks,
    Drain,   // Connection: close / GOAWAY on every answer, idle keep-alive connections closed, still serving
    Reload,  // nginx -s reload, apachectl -k graceful: the connections open now finish and close
    Count
};
struct ServerAction {
    size_t realserver = 0;  // index into Scenario::realservers
    ServerVerb verb = ServerVerb::Stop;
    sim::Duration value;  // KeepaliveTimeout's new timeout
};
enum class ClientVerb : uint8_t { StartReloading, StopReloading, KeepaliveTimeout, Count };
struct ClientAction {
    size_t group = 0;  // index into Scenario::clients
    ClientVerb verb = ClientVerb::StartReloading;
    sim::Duration value;
};
struct SnapshotAction {
    std::string label;
};
// A deterministic loss: on a host's own link, the `nth` data segment (or the nth segment
// carrying all of `flags`) arriving at it (`direction: in`) or leaving it (`out`), counted from
// this moment; `conn` limits it to the host's conn-th connection opened from now on.
struct DropAction {
    bool realserver = false;  // else a client group (its first host)
    size_t index = 0;
    bool toward_host = true;
    uint32_t conn = 0;
    uint32_t nth = 1;
    uint8_t flags = 0;
    std::string text;  // the rule, as the report and trace show it
};
using TimelineAction = std::variant<IpvsadmAction, SysctlAction, ServerAction, ClientAction, SnapshotAction,
                                    DropAction, DirectorAction, VrrpLinkAction, FleetAction>;

// The words a scenario file uses for the verbs (`action: graceful-stop`), indexed by the enums.
constexpr std::array<std::string_view, static_cast<size_t>(ServerVerb::Count)> kServerVerbNames{
    "stop", "graceful-stop", "crash",       "start", "keepalive-on", "keepalive-off", "keepalive-timeout",
    "kill", "fail-checks",   "pass-checks", "drain", "reload"};
constexpr std::array<std::string_view, static_cast<size_t>(ClientVerb::Count)> kClientVerbNames{
    "start-reloading", "stop-reloading", "keepalive-timeout"};
inline std::string_view to_string(ServerVerb v) { return kServerVerbNames[static_cast<size_t>(v)]; }
inline std::string_view to_string(ClientVerb v) { return kClientVerbNames[static_cast<size_t>(v)]; }

struct TimelineEntry {
    sim::Time at;
    TimelineAction action;
    Mark mark;        // the entry (`- at: ...`)
    Mark value_mark;  // its action's value (the ipvsadm line, the sysctl, the server's name)
};

// ---- expectations: conditions compiled against the quantity table ---------------------------

struct Expectation {
    std::string text;             // the condition as written
    std::optional<sim::Time> at;  // nullopt: at the end of the run
    Expr condition;               // parsed, its quantities resolved and units checked
    Mark mark;
};

// A guided lesson's step (`steps:`): where the viewer stops, what it says, what it asks the
// class to predict, what it points at and what it shows once the class has answered.
struct LessonStep {
    sim::Time at;
    std::string caption;
    std::string question;   // empty: nothing to predict
    std::string highlight;  // a realserver, client group, "director", or a panel (kStepPanels)
    std::string reveal;     // empty, or one of kStepReveals
    Mark mark;
};
inline constexpr const char* kStepPanels[] = {"listing", "connections", "topology", "timeline",
                                              "log",     "waterfall",   "report"};
inline constexpr const char* kStepReveals[] = {"listing", "connections", "expectation", "timeline"};

// A break/fix exercise (`exercise:`): the symptom the student sees and the questions to answer.
// The answers live in a key file of their own (models/scenario/exercise.hpp), not here.
struct ExerciseQuestion {
    std::string id;   // "cause", "fix": what the answer file and the key call it
    std::string ask;  // the question as the student reads it
    Mark mark;
};
struct ExerciseSpec {
    std::string task;
    std::vector<ExerciseQuestion> questions;
};

// Something lvsim does that a user may not expect: said in the report, the JSON and the trace.
struct Warning {
    std::string text;
    Mark mark;
    std::optional<size_t> timeline_entry;  // said when that entry is applied; otherwise at 0 s
};

// An ipvsadm line of `director.rules`, applied at 0 s in file order.
struct Rule {
    ipvs::IpvsadmCommand command;
    Mark mark;
};

// An entry of the director's connection table at 0 s (`director.connections`: lines of an
// operator's `ipvsadm -Lnc` or /proc/net/ip_vs_conn), resumed with its state and time left.
struct InitialConnection {
    ipvs::Proto proto = ipvs::Proto::Tcp;
    net::Endpoint client;  // port 0 with state NONE: a persistence template
    net::Endpoint vip;
    net::Endpoint dest;
    ipvs::ConnState state = ipvs::ConnState::Established;
    sim::Duration remaining;
    Mark mark;
};

struct SysctlSetting {
    const ipvs::SysctlDef* sysctl = nullptr;
    int value = 0;
    std::optional<int> second;  // sync_threshold's period ("3 50")
    Mark mark;
};

// A highly available pair of directors (`ha:`): keepalived's VRRP on both, the same IPVS rules
// and sysctls on both, and optionally the IPVS sync daemon between them (lvs_sync_daemon).
struct HaDirectorSpec {
    std::string name;
    net::Ipv4 address;
    ha::VrrpConfig vrrp;
    Mark mark;
};
struct HaSpec {
    std::vector<HaDirectorSpec> directors;  // two; the first is the `director:` section's own
    bool sync = false;
    // `lvs_sync_daemon IF INSTANCE`: the master daemon runs on the MASTER only, the backup
    // daemon on the BACKUP, switched at each transition; off: both run on both all the time.
    bool sync_follows_vrrp = true;
    uint8_t syncid = 0;
    Mark mark;
    size_t index_of(std::string_view name) const {
        for (size_t i = 0; i < directors.size(); ++i)
            if (directors[i].name == name) return i;
        return directors.size();
    }
};

// A fleet of directors behind ECMP (`fleet:`), as kube-proxy's IPVS mode runs a director on every
// node: each director has its own connection table and scheduler state and runs the same rules;
// the router in front spreads flows over them by a hash (RFC 2992's hash-threshold, Linux's
// fib_select_multipath()).
enum class MultipathHash : uint8_t {
    L3,  // net.ipv4.fib_multipath_hash_policy=0 (Linux's default): source and destination address
    L4,  // =1: the 5-tuple (addresses, ports, protocol)
};
struct FleetDirectorSpec {
    std::string name;
    net::Ipv4 address;
    uint32_t weight = 1;  // the next hop's weight (`ip route add VIP nexthop via A weight W ...`)
    bool joined = true;   // in the router's ECMP group when the run begins (else it joins later)
    Mark mark;
};
struct FleetSpec {
    std::vector<FleetDirectorSpec> directors;  // two or more; the first is the director: section's own
    MultipathHash hash = MultipathHash::L3;
    Mark mark;
    size_t index_of(std::string_view name) const {
        for (size_t i = 0; i < directors.size(); ++i)
            if (directors[i].name == name) return i;
        return directors.size();
    }
};

struct Scenario {
    std::string file;
    std::string name;
    std::string lesson;
    uint64_t seed = 1;
    sim::Duration duration = sim::s(60);
    std::string kernel = "current";  // the kernel profile's name
    std::string kernel_asked;        // as the file wrote it ("5.4"), when that differs
    NetworkSpec network;
    net::Ipv4 director_address = net::Ipv4::of(10, 0, 0, 1);
    tcp::TcpProfile director_tcp = tcp::linux6_profile();  // the director's own stack (health checks)
    std::vector<Rule> rules;
    std::vector<SysctlSetting> sysctls;
    // director.timeouts: `ipvsadm --set` seconds for tcp, tcpfin, udp (0: unchanged), before the rules.
    std::optional<std::array<int64_t, 3>> timeouts;
    std::vector<HealthCheckSpec> health_checks;
    std::optional<HaSpec> ha;
    std::optional<FleetSpec> fleet;
    std::vector<InitialConnection> connections;  // templates first, then the entries they control
    std::vector<RealServerSpec> realservers;
    std::vector<ClientGroupSpec> clients;
    std::vector<TimelineEntry> timeline;  // in time order (stable for equal times)
    std::vector<Expectation> expectations;
    std::vector<LessonStep> steps;  // in time order
    std::optional<ExerciseSpec> exercise;
    std::vector<Warning> warnings;
    sim::Duration sample_every = sim::s(1);
    bool report_windows = false;  // sample every connection's windows into the report
    bool capacity_check = false;  // the report's queueing cross-check (Erlang C, Little's law)

    const RealServerSpec* find_realserver(std::string_view name) const;
    const RealServerSpec* realserver_at(net::Ipv4 address) const;
};

}  // namespace lvs::scenario
