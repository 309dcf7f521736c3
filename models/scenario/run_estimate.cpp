#include "models/scenario/run_estimate.hpp"

#include <algorithm>
#include <cstdio>

namespace lvs::scenario {

namespace {

// Events per object fetched, every hop through the director, timers and service completions
// included (lvsim-bench farm: 15.5 M events for 1,000 browsers x 20.8 pages x 41 objects).
constexpr double kEventsPerObject = 18;
// Bytes per sample: one row per realserver (SampleRow) and per queued link direction, and a
// window row per host when report_windows is on.
constexpr double kBytesPerRealserverSample = 100;
constexpr double kBytesPerQueueSample = 40;
constexpr double kBytesPerWindowSample = 80;
// A host with its TCP stack and a browser (lvsim-bench farm: about 30 kB per browser).
constexpr double kBytesPerHost = 30e3;

double pages_per_browser(const http::LoadSchedule& sch, double run_s) {
    using K = http::LoadSchedule::Kind;
    const double start = sch.start.seconds();
    const double stop = std::min(run_s, sch.stop == sim::Time::max() ? run_s : sch.stop.seconds());
    if (stop <= start) return sch.kind == K::Times ? static_cast<double>(sch.times.size()) : 1;
    switch (sch.kind) {
        case K::Interval: return 1 + (stop - start) / std::max(1e-3, sch.interval.seconds());
        case K::Think: return 1 + (stop - start) / std::max(1e-3, sch.think.mean() / 1e9 + 0.1);
        case K::Times: return static_cast<double>(sch.times.size());
        case K::Replay: return static_cast<double>(sch.replay.size());
    }
    return 1;
}

// Objects per page, the page mix's weighted mean when there is one.
double mean_objects(const http::BrowserConfig& b) {
    if (b.mix.empty()) return b.page.objects;
    double sum = 0, weights = 0;
    for (const http::PageChoice& c : b.mix) {
        sum += c.weight * c.page.objects;
        weights += c.weight;
    }
    return weights > 0 ? sum / weights : 0;
}

// "1.08 G" + unit, "72 G" + "B".
std::string human(double v, const char* unit) {
    char buf[64];
    if (v >= 1e12) std::snprintf(buf, sizeof buf, "%.3g T%s", v / 1e12, unit);
    else if (v >= 1e9) std::snprintf(buf, sizeof buf, "%.3g G%s", v / 1e9, unit);
    else if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.3g M%s", v / 1e6, unit);
    else std::snprintf(buf, sizeof buf, "%.3g %s", v, unit);
    return buf;
}

}  // namespace

RunEstimate estimate_run(const Scenario& s, sim::Time end) {
    RunEstimate e;
    const double run_s = end.seconds();
    const double samples = run_s / std::max(1e-3, s.sample_every.seconds());
    double hosts = static_cast<double>(s.realservers.size()) + 1;
    double queue_dirs = 0;
    for (const ClientGroupSpec& g : s.clients) {
        const double objects = 1 + mean_objects(g.browser);
        if (g.access_log) {
            hosts += static_cast<double>(g.access_log->users.size());
            for (const LoggedUser& u : g.access_log->users)
                e.events += static_cast<double>(u.requests.size()) * kEventsPerObject;
            continue;
        }
        if (g.arrivals) {
            // Every visit that arrives, each on a host (an upper bound: hosts are reused).
            const double visits = g.arrivals->process.expected(sim::Time{}, end);
            hosts += visits;
            e.events += visits * g.browser.session.pages.mean() * objects * kEventsPerObject;
            continue;
        }
        hosts += g.count;
        e.events += g.count * pages_per_browser(g.browser.schedule, run_s) * objects * kEventsPerObject;
    }
    if (s.network.queue.limited()) queue_dirs += 2 * static_cast<double>(hosts);
    e.events += samples * (1 + static_cast<double>(s.realservers.size()));
    e.bytes = samples * (static_cast<double>(s.realservers.size()) * kBytesPerRealserverSample +
                         queue_dirs * kBytesPerQueueSample +
                         (s.report_windows ? hosts * kBytesPerWindowSample : 0)) +
              hosts * kBytesPerHost;
    return e;
}

std::string run_too_large(const RunEstimate& e) {
    if (e.events <= kMaxRunEvents && e.bytes <= kMaxRunBytes) return {};
    return "this run would take about " + human(e.events, " events") + " and hold about " +
           human(e.bytes, "B") + " (limits: " + human(kMaxRunEvents, " events") + ", " +
           human(kMaxRunBytes, "B") +
           "); shorten `duration`, lower the clients' count or arrival rate, raise `sample_every`, "
           "or pass --allow-large-run";
}

}  // namespace lvs::scenario
