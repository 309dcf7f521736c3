// The drain planner: how long until a realserver is empty, and who sees an error, for each way
// of draining it, on the same traffic. Any drain of that realserver the scenario has is taken
// out; each method is then applied at the same moment, with the same seeds (common random
// numbers), replicated, and summarised as mean and 95% confidence interval.
#pragma once

#include <array>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "models/scenario/sweep.hpp"

namespace lvs::scenario {

enum class DrainMethod : uint8_t {
    Weight0,       // ipvsadm -e ... -w 0 on every service it is in
    Delete,        // ipvsadm -d
    DeleteExpire,  // net.ipv4.vs.expire_nodest_conn=1, then ipvsadm -d
    HealthCheck,   // its health checks start failing (the checker quiesces or removes it)
    Graceful,      // -w 0 and the web server closes its connections gracefully (drain)
    Reload,        // -w 0, then a graceful reload of the web server (its open connections close)
    Count
};
inline constexpr std::array<std::string_view, static_cast<size_t>(DrainMethod::Count)> kDrainMethodNames{
    "weight0", "delete", "delete-expire", "health-check", "graceful", "reload"};
std::optional<DrainMethod> drain_method_named(std::string_view name);

// The scenario with `realserver`'s own drains taken out (said in `removed`) and `method` applied
// at `at`; `how` says what was done, `unavailable` why the method cannot apply ("" when it can).
struct DrainVariant {
    Scenario scenario;
    std::string how;
    std::string unavailable;
};
DrainVariant drain_variant(const Scenario& base, size_t realserver, sim::Time at, DrainMethod method,
                           std::vector<std::string>* removed = nullptr);
// When the scenario itself first drains the realserver (an ipvsadm -w 0 or -d, fail-checks or
// drain on the timeline), if it does.
std::optional<sim::Time> first_drain_in(const Scenario& s, size_t realserver);

// What one run measured, times from the method's moment (NaN: not within the run).
struct DrainSample {
    double no_active_s = 0;
    double no_entries_s = 0;
    double objects_failed = 0;
    double objects_aborted = 0;
    double stalls = 0;
    double resets = 0;
    double longest_stall_s = 0;
    double lookups_failed = 0;  // UDP clients: DNS lookups that failed
    double syslog_lost = 0;     // syslog messages sent and never received
};
DrainSample run_drain_sample(const Scenario& variant, size_t realserver, sim::Time at, uint64_t seed);

struct DrainOutcome {
    DrainMethod method = DrainMethod::Weight0;
    std::string how;
    std::string unavailable;
    Estimate no_active_s, no_entries_s, objects_failed, objects_aborted, stalls, resets, longest_stall_s;
    Estimate lookups_failed, syslog_lost;
};
struct DrainPlan {
    std::string scenario;
    std::string file;
    std::string realserver;
    sim::Time at;
    uint32_t replications = 0;
    bool udp = false;  // the scenario has UDP clients: their columns are shown
    std::vector<std::string> removed;
    std::vector<DrainOutcome> methods;
};
// One method's samples, in replication order, summarised.
DrainOutcome summarise_drain(DrainMethod m, const DrainVariant& v, const std::vector<DrainSample>& samples);

void write_drain_table(std::ostream& out, const DrainPlan& p);
void write_drain_json(std::ostream& out, const DrainPlan& p);

}  // namespace lvs::scenario
