// lvsim's public API, part 2: scenarios, loaded from a file or built in code.
//
// A scenario is one case and its timeline, exactly what a file in scenarios/ describes (the
// format is in the README). Whatever way it is made, it goes through the same checks as a
// file: a mistake gives one lvsim::Error with the place and a hint, never a half-built run.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lvsim/core.hpp"

namespace lvsim {

class Run;

/// Key/value settings in the scenario file's own words, in order. Keys may be dotted to reach
/// nested maps: {{"server", "apache"}, {"keepalive_timeout", "5s"}, {"page.objects", "10"}}.
using Settings = std::vector<std::pair<std::string, std::string>>;

/// A checked scenario: a value (copies are independent). Add timeline entries and
/// expectations in code, or re-apply `--set` overrides with with().
class Scenario {
public:
    /// Loads and checks a scenario file; `sets` are "KEY=VALUE" overrides as `lvsim run --set`
    /// takes them ("clients.ie8.keepalive_timeout=30s", "realservers.rs1.server=apache").
    static Scenario load(const std::string& path, const std::vector<std::string>& sets = {});
    /// The same for YAML text in memory; `origin` names it in error messages.
    static Scenario parse(const std::string& yaml, const std::string& origin = "(text)",
                          const std::vector<std::string>& sets = {});

    /// Scenarios are values: copies are independent, moves are cheap.
    Scenario(const Scenario&);
    Scenario& operator=(const Scenario&);
    Scenario(Scenario&&) noexcept;
    Scenario& operator=(Scenario&&) noexcept;
    ~Scenario();

    /// A copy with more "KEY=VALUE" overrides applied (on top of earlier ones); entries added
    /// in code are kept. The what-if loop: `base.with({"clients.ie8.keepalive_timeout=30s"})`.
    Scenario with(const std::vector<std::string>& sets) const;

    // ---- additions in code (each is checked at once, as if it were written in the file) ----

    /// Runs an ipvsadm command line at `at` ("-e -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0";
    /// a leading "ipvsadm" is optional). `-E ... -s NAME` at 0s switches a service's scheduler.
    Scenario& ipvsadm_at(Time at, const std::string& command);
    /// Sets a sysctl at `at`: "net.ipv4.vs.expire_nodest_conn=1".
    Scenario& sysctl_at(Time at, const std::string& setting);
    /// A realserver action at `at`: stop, graceful-stop, crash, start, keepalive-on,
    /// keepalive-off, keepalive-timeout (with `value`, e.g. "5s").
    Scenario& server_at(Time at, const std::string& realserver, const std::string& action,
                        const std::string& value = {});
    /// A client group action at `at`: stop-reloading, start-reloading, keepalive-timeout (value).
    Scenario& client_at(Time at, const std::string& group, const std::string& action,
                        const std::string& value = {});
    /// Takes an `ipvsadm -Ln`/`-Lnc` snapshot named `label` into the report at `at`.
    Scenario& snapshot_at(Time at, const std::string& label);
    /// Adds an expectation in the expectation language ("rs1.active == 0"), checked at `at`
    /// or, without it, at the end of the run.
    Scenario& expect(const std::string& condition, std::optional<Time> at = std::nullopt);

    // ---- reading ----

    /// The scenario's name (its `name:` key).
    std::string name() const;
    /// The lesson text (its `lesson:` key), possibly empty.
    std::string lesson() const;
    /// The run's seed: the same scenario and seed give the same run, event for event.
    uint64_t seed() const;
    /// How long the run lasts.
    Time duration() const;
    /// Every settable key path with its current value, in file order (`lvsim run --list-keys`).
    std::vector<std::pair<std::string, std::string>> keys() const;
    /// The scenario as YAML text, additions in code included (what a file for it would say;
    /// `--set` overrides are not written in, keys() shows the values in effect).
    std::string yaml() const;

private:
    struct Impl;
    explicit Scenario(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    friend class ScenarioBuilder;
    friend class Run;
};

/// Builds a scenario from scratch in code. Each call adds what the matching part of a file
/// would hold; build() checks the whole as the loader checks a file. Unset values take the
/// file format's defaults (seed 1, 60 s, kernel current, 20 ms round trip, 100 Mbit/s).
class ScenarioBuilder {
public:
    /// A scenario named `name` (reports and errors use it).
    explicit ScenarioBuilder(std::string name);
    /// Copies are independent (build variants from a common start).
    ScenarioBuilder(const ScenarioBuilder&);
    ScenarioBuilder& operator=(const ScenarioBuilder&);
    ~ScenarioBuilder();

    /// The lesson text shown by reports.
    ScenarioBuilder& lesson(const std::string& text);
    /// The run's seed.
    ScenarioBuilder& seed(uint64_t seed);
    /// How long the run lasts.
    ScenarioBuilder& duration(Time d);
    /// The kernel profile: current, 5.9-5.15, 4.8-5.8, 4.2-4.7, 3.10-4.1, <=3.9.
    ScenarioBuilder& kernel(const std::string& profile);
    /// Network settings (keys of `network:`): rtt, bandwidth, lan_delay, lan_bandwidth, loss.
    ScenarioBuilder& network(const Settings& settings);
    /// One of the director's rules, an ipvsadm-save line: "-A -t 10.0.0.100:80 -s wlc".
    ScenarioBuilder& rule(const std::string& ipvsadm_line);
    /// A director sysctl at the start (net.ipv4.vs.NAME without the prefix).
    ScenarioBuilder& sysctl(const std::string& name, int value);
    /// A realserver host with its web server; `settings` as in the file: server (iis, apache,
    /// nginx), keepalive, keepalive_timeout, max_requests, workers, model, backlog,
    /// service_time, tcp.
    ScenarioBuilder& realserver(const std::string& name, const std::string& address,
                                const Settings& settings = {});
    /// A group of browsers; `settings` as in the file: count, browser (ie8, firefox, chrome),
    /// keepalive_timeout, max_connections, close, request_timeout, ports, target, tcp,
    /// page.html/objects/object_size/request, schedule.reload_every/think/times/start/stop.
    ScenarioBuilder& clients(const std::string& name, const Settings& settings = {});
    /// Timeline: an ipvsadm command at `at` (see Scenario::ipvsadm_at).
    ScenarioBuilder& ipvsadm_at(Time at, const std::string& command);
    /// Timeline: a sysctl setting at `at` ("net.ipv4.vs.expire_nodest_conn=1").
    ScenarioBuilder& sysctl_at(Time at, const std::string& setting);
    /// Timeline: a realserver action at `at` (see Scenario::server_at).
    ScenarioBuilder& server_at(Time at, const std::string& realserver, const std::string& action,
                               const std::string& value = {});
    /// Timeline: a client group action at `at` (see Scenario::client_at).
    ScenarioBuilder& client_at(Time at, const std::string& group, const std::string& action,
                               const std::string& value = {});
    /// Timeline: a snapshot of the director's listings at `at`.
    ScenarioBuilder& snapshot_at(Time at, const std::string& label);
    /// An expectation, at `at` or at the end.
    ScenarioBuilder& expect(const std::string& condition, std::optional<Time> at = std::nullopt);

    /// The scenario file this builder describes (YAML), for reading or saving.
    std::string yaml() const;
    /// Checks and returns the scenario; throws lvsim::Error naming the wrong part.
    Scenario build() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace lvsim
