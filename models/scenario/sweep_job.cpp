// One job of a sweep and what it measures: the metric names (quantities of the expectation
// language, peak./mean. over the samples, events), checked once at plan time, and read from a
// finished run. Apart from the plan because each job runs on its own thread or MPI rank.
#include <algorithm>
#include <cmath>

#include "models/scenario/loader.hpp"
#include "models/scenario/quantity.hpp"
#include "models/scenario/runtime.hpp"
#include "models/scenario/sweep.hpp"

namespace lvs::scenario {

namespace {

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

}  // namespace

std::vector<std::string> default_metrics(const Scenario& s) {
    std::vector<std::string> m;
    bool browsers = false, resolvers = false, syslog = false;
    for (const ClientGroupSpec& c : s.clients) {
        browsers = browsers || !c.is_udp();
        resolvers = resolvers || c.udp.kind == UdpClientKind::Resolver;
        syslog = syslog || c.udp.kind == UdpClientKind::Syslog;
    }
    if (browsers) {
        m.push_back("clients.page_load_p50");
        m.push_back("clients.page_load_p95");
        m.push_back("clients.objects_failed");
    }
    // UDP clients: each resolver group's failed lookups, all lost syslog, the UDP entries.
    for (const ClientGroupSpec& c : s.clients)
        if (c.udp.kind == UdpClientKind::Resolver) m.push_back(c.name + ".lookups_failed");
    if (resolvers) m.push_back("clients.lookup_p95");
    if (syslog) m.push_back("clients.syslog_lost");
    if (resolvers || syslog) m.push_back("director.udp_entries");
    for (const RealServerSpec& rs : s.realservers) {
        m.push_back("drain." + rs.name + ".no_active_s");
        m.push_back("drain." + rs.name + ".no_entries_s");
    }
    if (browsers || s.clients.empty()) {
        m.push_back("peak.servers.time_wait");
        m.push_back("mean.servers.workers_busy");
        m.push_back("mean.servers.workers_idle_keepalive");
    }
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

}  // namespace lvs::scenario
