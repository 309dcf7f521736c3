#include "models/scenario/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "models/scenario/loader.hpp"
#include "models/scenario/quantity.hpp"
#include "models/scenario/run_estimate.hpp"
#include "models/scenario/runtime.hpp"
#include "sim/trace.hpp"

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

const std::vector<std::string> kSampleFields{"active",    "inactive",     "conns",
                                             "time_wait", "workers_busy", "workers_idle_keepalive"};

uint64_t sample_field(const SampleRow& r, const std::string& f) {
    if (f == "active") return r.active;
    if (f == "inactive") return r.inactive;
    if (f == "conns") return r.conns;
    if (f == "time_wait") return r.time_wait;
    if (f == "workers_busy") return r.workers_busy;
    return r.workers_idle_keepalive;
}

// peak.X / mean.X over the samples.
double sample_metric(const Report& rep, const std::string& metric) {
    const bool peak = metric.rfind("peak.", 0) == 0;
    const std::string rest = metric.substr(5);
    const size_t dot = rest.find('.');
    const std::string who = rest.substr(0, dot);
    const std::string field = rest.substr(dot + 1);
    // Mean worker occupancy is exact: the web servers integrate it over time (samples a
    // second apart would miss most 2 ms requests).
    if (!peak && (field == "workers_busy" || field == "workers_idle_keepalive")) {
        double sum = 0;
        for (const ServerReport& s : rep.realservers) {
            if (who != "servers" && s.name != who) continue;
            const CapacityCheck k = capacity_check(s.capacity);
            sum += field == "workers_busy" ? k.busy_mean
                                           : (s.capacity.prefork ? k.held_mean - k.busy_mean : 0.0);
        }
        return sum;
    }
    // One value per sample time, in time order.
    std::vector<double> series;
    for (size_t i = 0; i < rep.samples.size();) {
        size_t j = i;
        double v = 0;
        bool have = false;
        for (; j < rep.samples.size() && rep.samples[j].t == rep.samples[i].t; ++j) {
            const SampleRow& r = rep.samples[j];
            if (who == "clients") {
                v = static_cast<double>(r.client_time_wait);
                have = true;
            } else if (who == "servers") {
                v += static_cast<double>(sample_field(r, field));
                have = true;
            } else if (r.realserver == who) {
                v = static_cast<double>(sample_field(r, field));
                have = true;
            }
        }
        if (have) series.push_back(v);
        i = j;
    }
    if (series.empty()) return 0;
    if (peak) return *std::max_element(series.begin(), series.end());
    double sum = 0;
    for (double v : series) sum += v;
    return sum / static_cast<double>(series.size());
}

bool is_sample_metric(const std::string& m) { return m.rfind("peak.", 0) == 0 || m.rfind("mean.", 0) == 0; }

// Short column labels for the usual metrics (the table's legend names them in full).
std::string label_of(const std::string& m) {
    const auto ends = [&](const std::string& tail) {
        return m.size() > tail.size() && m.compare(m.size() - tail.size(), tail.size(), tail) == 0;
    };
    const std::string head = m.substr(0, m.find('.'));
    if (ends(".page_load_p50")) return (head == "clients" ? std::string("page") : head) + " p50 ms";
    if (ends(".page_load_p95")) return (head == "clients" ? std::string("page") : head) + " p95 ms";
    if (ends(".page_load_p99")) return (head == "clients" ? std::string("page") : head) + " p99 ms";
    if (m == "clients.objects_failed") return "failed objects";
    if (m == "peak.servers.time_wait") return "peak TIME_WAIT";
    if (m == "mean.servers.workers_busy") return "workers busy";
    if (m == "mean.servers.workers_idle_keepalive") return "workers idle-KA";
    if (head == "drain" && ends(".no_active_s")) return m.substr(6, m.size() - 6 - 12) + " ActiveConn 0 s";
    if (head == "drain" && ends(".no_entries_s")) return m.substr(6, m.size() - 6 - 13) + " no entries s";
    return m;
}

std::string cell_number(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

void json_str(std::ostream& o, const std::string& s) { sim::write_json_string(o, s); }

// Full precision, the same text on every machine.
std::string exact(double v) {
    if (std::isnan(v)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::vector<double> column(const SweepResult& r, size_t point, size_t metric) {
    std::vector<double> xs;
    const uint32_t reps = r.plan->replications;
    for (uint32_t k = 0; k < reps; ++k) xs.push_back(r.jobs[point * reps + k].values[metric]);
    return xs;
}

// Which metrics the table shows: all requested ones, except default drain columns no run filled.
std::vector<size_t> shown_metrics(const SweepResult& r) {
    std::vector<size_t> out;
    for (size_t m = 0; m < r.plan->metrics.size(); ++m) {
        bool any = !r.plan->default_metrics || !metric_may_be_missing(r.plan->metrics[m]);
        for (size_t j = 0; j < r.jobs.size() && !any; ++j) any = !std::isnan(r.jobs[j].values[m]);
        if (any) out.push_back(m);
    }
    return out;
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

std::vector<std::string> default_metrics(const Scenario& s) {
    std::vector<std::string> m;
    if (!s.clients.empty()) {
        m.push_back("clients.page_load_p50");
        m.push_back("clients.page_load_p95");
        m.push_back("clients.objects_failed");
    }
    for (const RealServerSpec& rs : s.realservers) {
        m.push_back("drain." + rs.name + ".no_active_s");
        m.push_back("drain." + rs.name + ".no_entries_s");
    }
    m.push_back("peak.servers.time_wait");
    m.push_back("mean.servers.workers_busy");
    m.push_back("mean.servers.workers_idle_keepalive");
    return m;
}

bool metric_may_be_missing(const std::string& metric) { return metric.rfind("drain.", 0) == 0; }

void check_metrics(const Scenario& s, const std::vector<std::string>& metrics) {
    std::vector<std::string> names{"clients", "servers"};
    for (const RealServerSpec& rs : s.realservers) names.push_back(rs.name);
    for (const std::string& m : metrics) {
        if (m == "events") continue;
        if (is_sample_metric(m)) {
            const std::string rest = m.substr(5);
            const size_t dot = rest.find('.');
            const std::string who = rest.substr(0, dot);
            const std::string field = dot == std::string::npos ? "" : rest.substr(dot + 1);
            if (std::find(names.begin(), names.end(), who) == names.end())
                throw SweepError(
                    "--metrics " + m + ": '" + who +
                    "' is no realserver; peak./mean. take a realserver name, servers or clients" +
                    (did_you_mean(who, names).empty() ? ""
                                                      : " (did you mean " + did_you_mean(who, names) + "?)"));
            const bool ok = who == "clients" ? field == "time_wait"
                                             : std::find(kSampleFields.begin(), kSampleFields.end(), field) !=
                                                   kSampleFields.end();
            if (!ok)
                throw SweepError(
                    "--metrics " + m + ": peak./mean. of " + who + " take " +
                    (who == "clients"
                         ? std::string("time_wait")
                         : "active, inactive, conns, time_wait, workers_busy or workers_idle_keepalive"));
            continue;
        }
        QuantityError err;
        if (!resolve_quantity(m, s, &err))
            throw SweepError(
                "--metrics " + m + ": unknown metric: " + err.message + " (" + err.hint +
                "); use a quantity of the expectation language (e.g. "
                "clients.page_load_p95, rs1.time_wait_max, drain.rs1.no_active_s, rs1.workers_held_mean), "
                "peak.X or mean.X over the samples (e.g. peak.rs1.active, mean.servers.workers_busy), or "
                "events");
    }
}

JobResult run_job(const std::string& file, const SweepJob& job, const std::vector<std::string>& metrics) {
    Scenario s = load_scenario_file(file, job.sets);
    s.seed = job.seed;
    Run run(s);
    const Report rep = run.run();
    JobResult out;
    out.expectations_hold = rep.passed();
    out.values.reserve(metrics.size());
    for (const std::string& m : metrics) {
        double v = 0;
        if (m == "events") v = static_cast<double>(rep.events);
        else if (is_sample_metric(m)) v = sample_metric(rep, m);
        else v = read_quantity(run, *resolve_quantity(m, s));
        if (metric_may_be_missing(m) && v < 0) v = NAN;
        out.values.push_back(v);
    }
    return out;
}

double student_t95(uint32_t df) {
    // Two-sided 95% quantiles of Student's t (any statistics table, e.g. NIST/SEMATECH
    // e-Handbook §1.3.6.7.2).
    static constexpr double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                        2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                        2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                        2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
    if (df == 0) return 0;
    if (df <= 30) return kTable[df - 1];
    // Beyond the table, the Cornish-Fisher expansion around z = 1.96 (error < 0.001 here).
    const double z = 1.959964, n = df;
    return z + (z * z * z + z) / (4 * n) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

Estimate estimate(const std::vector<double>& xs) {
    Estimate e;
    double sum = 0;
    for (double x : xs) {
        if (std::isnan(x)) {
            ++e.missing;
            continue;
        }
        sum += x;
        ++e.n;
    }
    if (e.n == 0) return e;
    e.mean = sum / e.n;
    if (e.n < 2) return e;
    double ss = 0;
    for (double x : xs)
        if (!std::isnan(x)) ss += (x - e.mean) * (x - e.mean);
    const double sd = std::sqrt(ss / (e.n - 1));
    e.half_width = student_t95(e.n - 1) * sd / std::sqrt(static_cast<double>(e.n));
    return e;
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

void write_sweep_table(std::ostream& o, const SweepResult& r) {
    const SweepPlan& p = *r.plan;
    o << "Sweep of " << p.scenario << " (" << p.file << "): " << p.points.size() << " point"
      << (p.points.size() == 1 ? "" : "s") << " x " << p.replications << " replication"
      << (p.replications == 1 ? "" : "s") << " = " << p.jobs.size() << " run"
      << (p.jobs.size() == 1 ? "" : "s") << "\n";
    for (const std::string& s : p.base_sets) o << "  --set " << s << "\n";
    o << "  seeds, the same at every point:";
    for (uint32_t k = 0; k < p.replications && k < p.jobs.size(); ++k)
        o << (k ? ", " : " ") << p.jobs[k].seed;
    o << "\n";
    if (p.replications > 1)
        o << "  cells: mean ± half-width of the 95% confidence interval (Student's t, " << p.replications - 1
          << (p.replications == 2 ? " degree" : " degrees") << " of freedom)\n";
    else o << "  cells: the value of one run (no confidence interval; use --replications R for one)\n";
    const std::vector<size_t> shown = shown_metrics(r);
    std::vector<std::string> header;
    for (const Axis& a : p.axes) header.push_back(a.key);
    for (size_t m : shown) header.push_back(label_of(p.metrics[m]));
    header.push_back("expectations");
    std::vector<std::vector<std::string>> rows;
    // Decimals per column, from the largest mean in it.
    std::vector<int> decimals(p.metrics.size(), 0);
    for (size_t m : shown) {
        double biggest = 0;
        bool integral = true;
        for (size_t i = 0; i < p.points.size(); ++i) {
            const Estimate e = estimate(column(r, i, m));
            biggest = std::max(biggest, std::abs(e.mean));
            for (double x : column(r, i, m)) integral = integral && (std::isnan(x) || x == std::floor(x));
        }
        decimals[m] = biggest >= 100 ? 0 : biggest >= 10 ? 1 : biggest >= 1 ? 2 : 3;
        if (integral) decimals[m] = p.replications == 1 || biggest == 0 ? 0 : std::min(decimals[m], 1);
    }
    for (size_t i = 0; i < p.points.size(); ++i) {
        std::vector<std::string> row = p.points[i];
        for (size_t m : shown) {
            const Estimate e = estimate(column(r, i, m));
            std::string cell;
            if (e.n == 0) {
                cell = "-";
            } else {
                cell = cell_number(e.mean, decimals[m]);
                if (e.n > 1) cell += " ± " + cell_number(e.half_width, decimals[m]);
                if (e.missing != 0)
                    cell += " (" + std::to_string(e.n) + "/" + std::to_string(e.n + e.missing) + ")";
            }
            row.push_back(cell);
        }
        uint32_t hold = 0;
        for (uint32_t k = 0; k < p.replications; ++k)
            hold += r.jobs[i * p.replications + k].expectations_hold ? 1 : 0;
        row.push_back(std::to_string(hold) + "/" + std::to_string(p.replications) + " hold");
        rows.push_back(std::move(row));
    }
    // UTF-8 "±" is two bytes but one column.
    const auto width = [](const std::string& s) {
        size_t w = 0;
        for (unsigned char c : s) w += (c & 0xC0) != 0x80 ? 1 : 0;
        return w;
    };
    std::vector<size_t> w(header.size(), 0);
    for (size_t k = 0; k < header.size(); ++k) w[k] = width(header[k]);
    for (const auto& row : rows)
        for (size_t k = 0; k < row.size(); ++k) w[k] = std::max(w[k], width(row[k]));
    const auto line = [&](const std::vector<std::string>& cells) {
        o << " ";
        for (size_t k = 0; k < cells.size(); ++k) {
            // Axis values to the left, figures to the right.
            const size_t pad = w[k] - width(cells[k]);
            o << " ";
            if (k < p.axes.size()) o << cells[k] << std::string(pad, ' ');
            else o << std::string(pad, ' ') << cells[k];
            if (k + 1 < cells.size()) o << " ";
        }
        o << "\n";
    };
    o << "\n";
    line(header);
    for (const auto& row : rows) line(row);
    o << "\n";
    for (size_t m : shown)
        if (label_of(p.metrics[m]) != p.metrics[m])
            o << "  " << label_of(p.metrics[m]) << ": " << p.metrics[m] << "\n";
    bool partial = false;
    for (size_t m : shown)
        for (size_t i = 0; i < p.points.size(); ++i)
            partial = partial || estimate(column(r, i, m)).missing != 0;
    if (partial)
        o << "  (k/R): only k of R runs reached that point within the run; the figure is over those.\n";
}

void write_sweep_csv(std::ostream& o, const SweepResult& r) {
    const SweepPlan& p = *r.plan;
    for (const Axis& a : p.axes) o << a.key << ",";
    for (const std::string& m : p.metrics) o << m << "_mean," << m << "_ci95," << m << "_n,";
    o << "runs,expectations_hold\n";
    for (size_t i = 0; i < p.points.size(); ++i) {
        for (const std::string& v : p.points[i]) o << v << ",";
        for (size_t m = 0; m < p.metrics.size(); ++m) {
            const Estimate e = estimate(column(r, i, m));
            o << (e.n ? exact(e.mean) : "") << "," << (e.n > 1 ? exact(e.half_width) : "") << "," << e.n
              << ",";
        }
        uint32_t hold = 0;
        for (uint32_t k = 0; k < p.replications; ++k)
            hold += r.jobs[i * p.replications + k].expectations_hold ? 1 : 0;
        o << p.replications << "," << hold << "\n";
    }
}

void write_sweep_json(std::ostream& o, const SweepResult& r) {
    const SweepPlan& p = *r.plan;
    o << "{\n  \"format\": \"lvsim-sweep/1\",\n  \"scenario\": ";
    json_str(o, p.scenario);
    o << ",\n  \"file\": ";
    json_str(o, p.file);
    o << ",\n  \"sets\": [";
    for (size_t i = 0; i < p.base_sets.size(); ++i) {
        o << (i ? ", " : "");
        json_str(o, p.base_sets[i]);
    }
    o << "],\n  \"vary\": [";
    for (size_t i = 0; i < p.axes.size(); ++i) {
        o << (i ? ", " : "");
        json_str(o, p.axes[i].key);
    }
    o << "],\n  \"replications\": " << p.replications << ",\n  \"metrics\": [";
    for (size_t i = 0; i < p.metrics.size(); ++i) {
        o << (i ? ", " : "");
        json_str(o, p.metrics[i]);
    }
    o << "],\n  \"points\": [";
    const auto num = [](double v) { return std::isnan(v) ? std::string("null") : exact(v); };
    for (size_t i = 0; i < p.points.size(); ++i) {
        o << (i ? ",\n    " : "\n    ") << "{\"values\": [";
        for (size_t k = 0; k < p.points[i].size(); ++k) {
            o << (k ? ", " : "");
            json_str(o, p.points[i][k]);
        }
        o << "],\n     \"mean\": [";
        for (size_t m = 0; m < p.metrics.size(); ++m) {
            const Estimate e = estimate(column(r, i, m));
            o << (m ? ", " : "") << (e.n ? num(e.mean) : "null");
        }
        o << "],\n     \"ci95\": [";
        for (size_t m = 0; m < p.metrics.size(); ++m) {
            const Estimate e = estimate(column(r, i, m));
            o << (m ? ", " : "") << (e.n > 1 ? num(e.half_width) : "null");
        }
        o << "],\n     \"runs\": [";
        for (uint32_t k = 0; k < p.replications; ++k) {
            const JobResult& j = r.jobs[i * p.replications + k];
            o << (k ? ",\n       " : "\n       ") << "{\"seed\": " << p.jobs[i * p.replications + k].seed
              << ", \"expectations_hold\": " << (j.expectations_hold ? "true" : "false") << ", \"values\": [";
            for (size_t m = 0; m < j.values.size(); ++m) o << (m ? ", " : "") << num(j.values[m]);
            o << "]}";
        }
        o << "]}";
    }
    o << "]\n}\n";
}

}  // namespace lvs::scenario
