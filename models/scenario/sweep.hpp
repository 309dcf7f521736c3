// Sweeps: one scenario run over the cross product of varied values, each point replicated
// with distinct seeds, summarised as mean and 95% confidence interval per metric.
//
// The pieces here are plain and deterministic; who runs the jobs (one thread, all cores, MPI
// ranks) is the caller's business, and the result depends only on the job list, never on the
// order the jobs finish in.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace lvs::scenario {

// Bad sweep arguments, with the fix in the message (exit status 2).
struct SweepError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// One `--vary KEY=...`: a key path (as for --set) and its values in order. Values are a comma
// list whose items are plain values or ranges: "A..B+S" (A, A+S, ... up to B) or "A..BxF"
// (A, A·F, A·F², ... up to B, log steps). A range's ends and step share one unit ("5s..60s+5s").
// "K1,K2=V..." sets several keys to the same value at each point (both realservers' keep-alive).
struct Axis {
    std::string key;                // as written: "K" or "K1,K2"
    std::vector<std::string> keys;  // the key paths it sets
    std::vector<std::string> values;
};
Axis parse_axis(const std::string& text);

// Replication r's seed: the scenario's own seed for r = 0 (so a one-replication sweep repeats
// `lvsim run` exactly), a splitmix64 derivation for the others. Every point uses the same seeds
// (common random numbers), so differences between points are not seed noise.
uint64_t replication_seed(uint64_t scenario_seed, uint32_t replication);

// Metric names: any quantity of the expectation language at the end of the run
// ("clients.page_load_p95", "rs1.time_wait_max", "drain.rs1.no_active_s", "rs1.workers_held_mean"),
// "peak.X" / "mean.X" over the samples for X in RS.active, RS.inactive, RS.time_wait,
// RS.workers_busy, RS.workers_idle_keepalive, servers.* (summed over realservers) and
// clients.time_wait, and "events".
std::vector<std::string> default_metrics(const Scenario& s);
// Throws SweepError naming the metric and the choices when a name is unknown.
void check_metrics(const Scenario& s, const std::vector<std::string>& metrics);
// Drain times are -1 when the drain did not finish within the run: a missing value, not a number.
bool metric_may_be_missing(const std::string& metric);

// One run of the sweep.
struct SweepJob {
    size_t point = 0;
    uint32_t replication = 0;
    std::vector<std::string> sets;  // the base --set values, then this point's values
    uint64_t seed = 0;
};
struct JobResult {
    std::vector<double> values;  // one per metric
    bool expectations_hold = false;
};
JobResult run_job(const std::string& file, const SweepJob& job, const std::vector<std::string>& metrics);

// Mean and the half-width of its 95% confidence interval (Student's t with n-1 degrees of
// freedom; 0 when n < 2). Missing values (NaN) are left out and counted.
struct Estimate {
    double mean = 0;
    double half_width = 0;
    uint32_t n = 0;
    uint32_t missing = 0;
};
Estimate estimate(const std::vector<double>& xs);
// Student's t quantile for a two-sided 95% interval.
double student_t95(uint32_t degrees_of_freedom);

struct SweepPlan {
    std::string file;
    std::string scenario;
    uint64_t base_seed = 0;
    std::vector<std::string> base_sets;
    std::vector<Axis> axes;
    uint32_t replications = 1;
    std::vector<std::string> metrics;
    bool default_metrics = true;  // drop all-missing drain columns from the table
    // Points in row-major order over the axes (the last axis varies fastest).
    std::vector<std::vector<std::string>> points;
    std::vector<SweepJob> jobs;  // point-major: point p's replications are jobs p*R .. p*R+R-1
};
// Expands the axes into points and jobs, loading every point's scenario once so a bad value is
// reported before anything runs.
SweepPlan plan_sweep(const std::string& file, const std::vector<std::string>& base_sets,
                     const std::vector<Axis>& axes, uint32_t replications, std::vector<std::string> metrics,
                     std::optional<uint64_t> seed, bool allow_large_runs = false);

struct SweepResult {
    const SweepPlan* plan = nullptr;
    std::vector<JobResult> jobs;  // in plan order
};
void write_sweep_table(std::ostream& out, const SweepResult& r);
void write_sweep_csv(std::ostream& out, const SweepResult& r);
void write_sweep_json(std::ostream& out, const SweepResult& r);

}  // namespace lvs::scenario
