// A scenario: one case and its timeline, as written in a scenario file (YAML).
//
// Plain data with every default filled in; `load_scenario` reads it from YAML with precise
// errors, `scenario_to_yaml` writes the full normalised form (every settable key), which is
// what `--set KEY=VALUE` and `--list-keys` work on.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/http/browser.hpp"
#include "models/http/web_server.hpp"
#include "sim/time.hpp"

namespace lvs::scenario {

// Bad input: where it is and how to fix it. The command line prints it and exits 2.
class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string file, int line, int column, std::string message, std::string hint = {})
        : std::runtime_error(message), file_(std::move(file)), line_(line), column_(column), hint_(std::move(hint)) {}
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
    sim::Duration rtt = sim::ms(20);              // client <-> director round trip
    uint64_t bandwidth_bps = 100'000'000;         // client access links
    sim::Duration lan_delay = sim::us(50);        // director/realserver LAN, one way per link
    uint64_t lan_bandwidth_bps = 1'000'000'000;
    double loss = 0.0;                            // on the client access links
};

struct RealServerSpec {
    std::string name;
    net::Ipv4 address;
    std::string tcp = "linux-6";
    http::ServerConfig server;  // preset plus overrides
    Mark mark;
};

struct ClientGroupSpec {
    std::string name;
    uint32_t count = 1;
    std::string tcp = "linux-6";
    // ip_local_port_range override ("40000-40079"); 0/0 = the TCP profile's range.
    uint16_t port_low = 0;
    uint16_t port_high = 0;
    std::optional<net::Endpoint> target;  // the VIP:port it loads pages from (default: the first service)
    http::BrowserConfig browser;  // profile, page, schedule, request timeout
    Mark mark;
};

struct HealthCheckSpec {
    std::string name;
    std::string service;  // "10.0.0.100:80"
    sim::Duration interval = sim::s(10);
    sim::Duration timeout = sim::s(5);
    uint32_t failures = 1;
    uint32_t successes = 1;
    bool quiescent = false;
    std::optional<std::string> fallback;  // "127.0.0.1:80"
    Mark mark;
};

struct TimelineEntry {
    enum class Kind : uint8_t { Ipvsadm, Sysctl, Server, Client, Snapshot };
    sim::Time at;
    Kind kind = Kind::Ipvsadm;
    std::string text;    // ipvsadm line, "name=value" sysctl, action name, snapshot label
    std::string target;  // realserver or client group name
    std::string arg;     // action argument (a duration, "on"/"off", ...)
    std::optional<sim::Duration> duration_arg;
    Mark mark;
};

struct Expectation {
    std::string text;   // the condition
    std::optional<sim::Time> at;  // nullopt: at the end of the run
    Mark mark;
};

struct Scenario {
    std::string file;
    std::string name;
    std::string lesson;
    uint64_t seed = 1;
    sim::Duration duration = sim::s(60);
    std::string kernel = "current";
    NetworkSpec network;
    net::Ipv4 director_address = net::Ipv4::of(10, 0, 0, 1);
    std::vector<std::string> rules;  // ipvsadm-save lines
    std::vector<Mark> rule_marks;
    std::vector<std::pair<std::string, int>> sysctls;
    std::vector<HealthCheckSpec> health_checks;
    std::vector<RealServerSpec> realservers;
    std::vector<ClientGroupSpec> clients;
    std::vector<TimelineEntry> timeline;
    std::vector<Expectation> expectations;
    sim::Duration sample_every = sim::s(1);
    bool capacity_check = false;  // the report's queueing cross-check (Erlang C, Little's law)
    std::vector<sim::Time> snapshots_at;  // extra snapshots (--snapshot-at)
};

}  // namespace lvs::scenario
