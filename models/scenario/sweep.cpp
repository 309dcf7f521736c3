// The sweep's plan: reading each --vary (value lists and ranges), the replications' seeds, and
// the grid of points, every one loaded and checked before anything runs. Running a job is in
// sweep_job.cpp, the statistics in sweep_stats.cpp, the table, CSV and JSON in sweep_output.cpp.
#include "models/scenario/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "models/scenario/loader.hpp"
#include "models/scenario/run_estimate.hpp"

namespace lvs::scenario {

namespace {

constexpr size_t kMaxValuesPerAxis = 1000;
constexpr uint64_t kMaxSweepRuns = 100000;  // points x replications

std::string trim(const std::string& s) {
    const size_t a = s.find_first_not_of(" \t");
    if (a == std::string::npos) return "";
    const size_t b = s.find_last_not_of(" \t");
    return s.substr(a, b - a + 1);
}

// "60s" -> 60 and "s"; "2.5" -> 2.5 and "". False when it does not start with a number.
bool split_number(const std::string& text, double& value, std::string& unit, bool& integral) {
    const char* begin = text.c_str();
    char* end = nullptr;
    value = std::strtod(begin, &end);
    if (end == begin || !std::isfinite(value)) return false;
    const std::string number(begin, static_cast<size_t>(end - begin));
    integral = number.find_first_of(".eE") == std::string::npos;
    unit = trim(std::string(end));
    return true;
}

std::string format_value(double v, bool integral, const std::string& unit) {
    char buf[64];
    if (integral) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(std::llround(v)));
    else std::snprintf(buf, sizeof buf, "%.6g", v);
    if (!integral && std::string(buf).find('e') != std::string::npos)
        std::snprintf(buf, sizeof buf, "%.6f", v);
    return std::string(buf) + unit;
}

void expand_range(const std::string& key, const std::string& item, std::vector<std::string>& out) {
    const std::string example =
        "e.g. " + key + "=100..10000x10 (log steps) or " + key + "=10..50+10 (linear steps)";
    const size_t dots = item.find("..");
    const std::string lo_text = trim(item.substr(0, dots));
    std::string rest = trim(item.substr(dots + 2));
    size_t op = rest.find_last_of("x+");
    if (op == std::string::npos || op == 0)
        throw SweepError("--vary " + key + "=" + item + ": a range needs a step, '+S' or 'xF' (" + example +
                         ")");
    const char kind = rest[op];
    const std::string hi_text = trim(rest.substr(0, op));
    const std::string step_text = trim(rest.substr(op + 1));
    double lo = 0, hi = 0, step = 0;
    std::string lo_unit, hi_unit, step_unit;
    bool lo_int = false, hi_int = false, step_int = false;
    if (!split_number(lo_text, lo, lo_unit, lo_int) || !split_number(hi_text, hi, hi_unit, hi_int) ||
        !split_number(step_text, step, step_unit, step_int))
        throw SweepError("--vary " + key + "=" + item + ": a range's ends and step must be numbers (" +
                         example + ")");
    if (lo_unit != hi_unit || (kind == '+' && !step_unit.empty() && step_unit != lo_unit))
        throw SweepError("--vary " + key + "=" + item + ": the range's ends" +
                         (kind == '+' ? " and step" : "") + " must use one unit (e.g. 5s..60s+5s)");
    if (kind == 'x' && !step_unit.empty())
        throw SweepError("--vary " + key + "=" + item +
                         ": the factor after 'x' is a plain number (e.g. 100..10000x10)");
    if (lo > hi)
        throw SweepError("--vary " + key + "=" + item + ": the range runs from low to high (e.g. 10..50+10)");
    if (kind == '+' && step <= 0)
        throw SweepError("--vary " + key + "=" + item + ": the step after '+' must be positive");
    if (kind == 'x' && step <= 1)
        throw SweepError("--vary " + key + "=" + item + ": the factor after 'x' must be above 1");
    // Integral ends give integral values (log steps are rounded, so counts stay counts).
    const bool integral = lo_int && hi_int && (kind == 'x' || step_int);
    const double tolerance = 1e-9 * std::max(1.0, std::abs(hi));
    std::string last;
    for (size_t k = 0;; ++k) {
        const double v =
            kind == '+' ? lo + static_cast<double>(k) * step : lo * std::pow(step, static_cast<double>(k));
        if (v > hi + tolerance) break;
        const std::string text = format_value(v, integral, lo_unit);
        if (text != last) out.push_back(text);
        last = text;
        if (out.size() > kMaxValuesPerAxis)
            throw SweepError("--vary " + key + "=" + item + ": more than " +
                             std::to_string(kMaxValuesPerAxis) + " values; use a larger step");
        if (kind == 'x' && lo == 0) break;
    }
}

// splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014).
uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

}  // namespace

Axis parse_axis(const std::string& text) {
    const size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw SweepError("--vary '" + text +
                         "': write KEY=V1,V2,... (e.g. --vary clients.users.count=10,20,40 or "
                         "--vary clients.users.count=100..10000x10)");
    Axis a;
    a.key = trim(text.substr(0, eq));
    for (size_t start = 0; start <= a.key.size();) {
        size_t comma = a.key.find(',', start);
        if (comma == std::string::npos) comma = a.key.size();
        const std::string k = trim(a.key.substr(start, comma - start));
        if (k.empty())
            throw SweepError("--vary " + text +
                             ": an empty key between commas (write K1,K2=V1,V2 to set two keys together)");
        a.keys.push_back(k);
        start = comma + 1;
    }
    const std::string values = text.substr(eq + 1);
    size_t start = 0;
    while (start <= values.size()) {
        size_t comma = values.find(',', start);
        if (comma == std::string::npos) comma = values.size();
        const std::string item = trim(values.substr(start, comma - start));
        if (item.empty()) throw SweepError("--vary " + text + ": an empty value between commas");
        if (item.find("..") != std::string::npos) expand_range(a.key, item, a.values);
        else a.values.push_back(item);
        start = comma + 1;
    }
    return a;
}

uint64_t replication_seed(uint64_t scenario_seed, uint32_t replication) {
    if (replication == 0) return scenario_seed;
    return splitmix64(scenario_seed + 0x632BE59BD9B4E019ull * replication);
}

SweepPlan plan_sweep(const std::string& file, const std::vector<std::string>& base_sets,
                     const std::vector<Axis>& axes, uint32_t replications, std::vector<std::string> metrics,
                     std::optional<uint64_t> seed, bool allow_large_runs) {
    if (replications == 0) throw SweepError("--replications must be at least 1");
    // The plan is counted before it is built: points x replications runs.
    double runs = replications;
    for (const Axis& a : axes) runs *= static_cast<double>(a.values.size());
    if (runs > kMaxSweepRuns)
        throw SweepError("the sweep would be " + std::to_string(static_cast<uint64_t>(runs)) +
                         " runs (points x --replications); the limit is " + std::to_string(kMaxSweepRuns) +
                         ": use fewer values or replications");
    std::set<std::string> keys;
    for (const Axis& a : axes)
        for (const std::string& k : a.keys)
            if (!keys.insert(k).second)
                throw SweepError("--vary " + k + " appears twice; give all its values in one --vary");
    SweepPlan p;
    p.file = file;
    p.base_sets = base_sets;
    p.axes = axes;
    p.replications = replications;
    const Scenario base = load_scenario_file(file, base_sets);
    p.scenario = base.name;
    p.base_seed = seed ? *seed : base.seed;
    p.default_metrics = metrics.empty();
    p.metrics = metrics.empty() ? default_metrics(base) : std::move(metrics);
    // Cross product, last axis fastest.
    p.points.emplace_back();
    for (const Axis& a : axes) {
        std::vector<std::vector<std::string>> next;
        for (const auto& prefix : p.points)
            for (const std::string& v : a.values) {
                auto row = prefix;
                row.push_back(v);
                next.push_back(std::move(row));
            }
        p.points = std::move(next);
    }
    for (size_t i = 0; i < p.points.size(); ++i) {
        std::vector<std::string> sets = base_sets;
        for (size_t k = 0; k < axes.size(); ++k)
            for (const std::string& key : axes[k].keys) sets.push_back(key + "=" + p.points[i][k]);
        // Every point is loaded (and so checked) before anything runs.
        const Scenario s = load_scenario_file(file, sets);
        if (i == 0) check_metrics(s, p.metrics);
        if (!allow_large_runs)
            if (const std::string why = run_too_large(estimate_run(s, sim::at(s.duration))); !why.empty())
                throw SweepError("point " + std::to_string(i + 1) + " of the sweep: " + why);
        const uint64_t point_seed = seed ? *seed : s.seed;  // a varied `seed` key moves the base
        for (uint32_t r = 0; r < replications; ++r)
            p.jobs.push_back({i, r, sets, replication_seed(point_seed, r)});
    }
    return p;
}

}  // namespace lvs::scenario
