// An operator's director as read from their own files (keepalived.conf, ldirectord.cf,
// ipvsadm-save, `ipvsadm -Ln --timeout`, `sysctl -a`, `ipvsadm -Lnc`): plain data in lvsim's
// terms, every value with the file and line it came from. `lvsim import` writes it out as a
// scenario (scenario_yaml.hpp); a scenario's `import:` key merges it into the scenario it loads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/ipvs/health_check_config.hpp"
#include "models/ipvs/types.hpp"
#include "models/net/address.hpp"
#include "sim/time.hpp"

namespace lvs::import {

// Where a value came from: "keepalived.conf:23".
struct Source {
    std::string file;
    int line = 0;
    int column = 0;
    std::string str() const { return file + ":" + std::to_string(line); }
};

// A file lvsim cannot import as written: where, what, and how to fix it.
class ImportError : public std::runtime_error {
public:
    ImportError(Source at, std::string message, std::string hint = {})
        : std::runtime_error(std::move(message)), at_(std::move(at)), hint_(std::move(hint)) {}
    const Source& at() const { return at_; }
    const std::string& hint() const { return hint_; }

private:
    Source at_;
    std::string hint_;
};

// An ipvsadm command line in ipvsadm-save's spelling ("-A -t 10.0.0.100:80 -s wlc").
struct Rule {
    std::string line;
    Source from;
    std::string detail;  // where its options came from: "lvs_sched :23, persistence_timeout :25"
};

// A host behind the director: it runs a web server on `port` that passes its configured
// checks (answers a check's GET with `check_status`).
struct Realserver {
    std::string name;  // "rs11": "rs" and the address's last octet (more when that is ambiguous)
    net::Ipv4 address;
    net::Port port = 80;
    std::vector<net::Port> more_ports;  // other ports of the same host's services
    uint16_t check_status = 200;
    Source from;
};

// Where each of a check's values came from, by its scenario key ("timeout", "failures");
// a key missing here took the tool's default.
using Sources = std::map<std::string, Source>;

struct ServerCheck {
    std::string realserver;
    ipvs::CheckMethod check;
    Source from;
    Sources at;
};

struct HealthCheck {
    std::string name;  // "keepalived_10_0_0_100_80"
    net::Endpoint service;
    ipvs::CheckerTool tool = ipvs::CheckerTool::Ldirectord;
    sim::Duration interval = sim::s(10);
    ipvs::CheckMethod check;
    std::vector<ServerCheck> servers;
    bool alpha = false;
    bool omega = false;
    uint32_t quorum = 1;
    uint32_t hysteresis = 0;
    std::optional<net::Endpoint> fallback;
    ipvs::Forward fallback_forward = ipvs::Forward::Masq;
    std::optional<sim::Duration> warmup;  // keepalived; none: the delay_loop
    std::string round;                    // ldirectord with fork=no: one loop for every virtual
    Source from;
    Sources at;
};

// A sysctl as `sysctl -a` names it ("net.ipv4.vs.expire_nodest_conn"); IPVS's and the
// director's TCP ones are imported.
struct Sysctl {
    std::string name;
    std::string value;
    Source from;
};

// One entry of the director's connection table (`ipvsadm -Lnc`, /proc/net/ip_vs_conn).
struct Connection {
    std::string protocol;  // "TCP", "UDP"
    std::string state;     // "ESTABLISHED", "NONE" (a persistence template), ...
    uint32_t expires_s = 0;
    net::Endpoint client;
    net::Endpoint vip;
    net::Endpoint dest;
    Source from;
};

// Accepted but without effect on balancing (router_id, logfile, notification_email, ...), or
// something lvsim simplifies: listed, never dropped silently.
struct Note {
    std::string directive;
    std::string why;
    Source from;
};

// A web server's access log, whose clients the written scenario replays (`access_log:`).
struct LogReplay {
    std::string path;  // as given
    uint64_t lines = 0, requests = 0, clients = 0;
    int64_t span_s = 0;
    std::map<std::string, uint64_t> clients_per_preset;
    uint64_t unmapped_clients = 0;
};

struct Director {
    std::vector<LogReplay> access_logs;  // not the director's, but what its clients did
    std::vector<Rule> rules;             // services, then realservers, then --set, in file order
    std::vector<Realserver> realservers;
    std::vector<HealthCheck> checks;
    std::vector<Sysctl> sysctls;
    std::vector<Connection> connections;
    std::vector<Note> ignored;     // no effect on balancing
    std::vector<Note> simplified;  // read, but lvsim models it more simply (the note says how)
};

// The kinds of file `lvsim import KIND FILE` and a scenario's `import:` take.
enum class Kind : uint8_t {
    Keepalived,
    Ldirectord,
    IpvsadmSave,
    IpvsadmTimeout,
    Sysctl,
    Connections,
    AccessLog
};
inline constexpr const char* kKindNames[] = {"keepalived", "ldirectord",  "ipvsadm-save", "ipvsadm-timeout",
                                             "sysctl",     "connections", "access-log"};
std::optional<Kind> kind_named(const std::string& name);
std::string kind_list();  // "keepalived, ldirectord, ..."

// Reads one file of `kind` into `into` (several files add up: a keepalived.conf, a sysctl dump
// and a connection listing describe one director). Throws ImportError.
void import_file(Kind kind, const std::string& path, Director& into);
// The same for text in memory; `origin` names it in errors and comments.
void import_text(Kind kind, const std::string& text, const std::string& origin, Director& into);

// One line of `ipvsadm -Lnc` or of /proc/net/ip_vs_conn (either format), for the scenario key
// `director.connections`; nullopt for a header line.
std::optional<Connection> parse_connection_line(const std::string& line, const Source& at);

// A realserver for `address:port`, named and added on first sight; its name.
std::string add_realserver(Director& d, const net::Endpoint& at, const Source& from,
                           const std::string& name = {});

}  // namespace lvs::import
