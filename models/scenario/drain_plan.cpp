// The drain planner's variants, runs and summaries (drain_plan.hpp). Which drains there are
// and what each does to the table: ipvs-tcp-http.md section 4.5 (-w 0 versus -d),
// section 4.6 (expire_nodest_conn), section 7 (health checkers).
#include "models/scenario/drain_plan.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>

#include "models/scenario/runtime.hpp"

namespace lvs::scenario {

namespace {

// Every service the rules put the realserver in, with its configured destination.
std::vector<std::pair<ipvs::ServiceKey, ipvs::DestSpec>> services_of(const Scenario& s,
                                                                     const RealServerSpec& rs) {
    std::vector<std::pair<ipvs::ServiceKey, ipvs::DestSpec>> out;
    for (const Rule& r : s.rules)
        if (r.command.cmd == ipvs::IpvsadmCmd::AddDest && r.command.dest.addr.addr == rs.address)
            out.emplace_back(r.command.service.key, r.command.dest);
    return out;
}

bool drains(const Scenario& s, const TimelineEntry& e, size_t realserver) {
    const RealServerSpec& rs = s.realservers[realserver];
    if (const auto* a = std::get_if<IpvsadmAction>(&e.action)) {
        const ipvs::IpvsadmCommand& c = a->command;
        return c.dest.addr.addr == rs.address && ipvs::drains_dest(c);
    }
    if (const auto* a = std::get_if<ServerAction>(&e.action))
        return a->realserver == realserver &&
               (a->verb == ServerVerb::FailChecks || a->verb == ServerVerb::Drain ||
                a->verb == ServerVerb::Reload || a->verb == ServerVerb::GracefulStop);
    return false;
}

double missing_or(const std::optional<sim::Duration>& after, sim::Time started, sim::Time at) {
    if (!after) return NAN;
    return ((started + *after) - at).seconds();
}

}  // namespace

std::optional<DrainMethod> drain_method_named(std::string_view name) {
    for (size_t i = 0; i < kDrainMethodNames.size(); ++i)
        if (kDrainMethodNames[i] == name) return static_cast<DrainMethod>(i);
    return std::nullopt;
}

std::optional<sim::Time> first_drain_in(const Scenario& s, size_t realserver) {
    for (const TimelineEntry& e : s.timeline)
        if (drains(s, e, realserver)) return e.at;
    return std::nullopt;
}

DrainVariant drain_variant(const Scenario& base, size_t realserver, sim::Time at, DrainMethod method,
                           std::vector<std::string>* removed) {
    DrainVariant v;
    v.scenario = base;
    Scenario& s = v.scenario;
    const RealServerSpec& rs = s.realservers[realserver];
    std::vector<TimelineEntry> kept;
    for (const TimelineEntry& e : s.timeline) {
        if (!drains(s, e, realserver)) {
            kept.push_back(e);
            continue;
        }
        if (removed == nullptr) continue;
        std::string what;
        if (const auto* a = std::get_if<IpvsadmAction>(&e.action)) what = "ipvsadm " + a->command.text;
        if (const auto* a = std::get_if<ServerAction>(&e.action))
            what = "server " + rs.name + " " + std::string(to_string(a->verb));
        removed->push_back(what + " at " + sim::format_time(e.at));
    }
    s.timeline = std::move(kept);
    const auto services = services_of(s, rs);
    const auto add = [&](TimelineAction a) { s.timeline.push_back({at, std::move(a), {}, {}}); };
    const auto edit_all = [&](bool remove) {
        for (const auto& [key, spec] : services) {
            ipvs::DestSpec quiet = spec;
            quiet.weight = 0;
            add(IpvsadmAction{remove ? ipvs::dest_command(ipvs::IpvsadmCmd::DelDest, key, spec)
                                     : ipvs::dest_command(ipvs::IpvsadmCmd::EditDest, key, quiet)});
            v.how += (v.how.empty() ? "" : "; ") + std::string("ipvsadm ") +
                     std::get<IpvsadmAction>(s.timeline.back().action).command.text;
        }
    };
    if (services.empty()) v.unavailable = rs.name + " is in no service of the rules";
    const bool scripted = !rs.script.empty();
    switch (method) {
        case DrainMethod::Weight0: edit_all(false); break;
        case DrainMethod::Delete: edit_all(true); break;
        case DrainMethod::DeleteExpire:
            add(SysctlAction{ipvs::find_sysctl("expire_nodest_conn"), 1});
            v.how = "sysctl net.ipv4.vs.expire_nodest_conn=1";
            edit_all(true);
            break;
        case DrainMethod::HealthCheck: {
            const bool watched =
                std::any_of(s.health_checks.begin(), s.health_checks.end(), [&](const HealthCheckSpec& h) {
                    return std::any_of(services.begin(), services.end(),
                                       [&](const auto& svc) { return svc.first.vip == h.service; });
                });
            if (!watched) v.unavailable = "no health check watches " + rs.name + "'s services";
            else if (scripted) v.unavailable = rs.name + " runs a script, which has no health page to fail";
            add(ServerAction{realserver, ServerVerb::FailChecks, {}});
            v.how = rs.name + " starts failing its health checks (the checker quiesces or removes it)";
            break;
        }
        case DrainMethod::Graceful:
            if (scripted) v.unavailable = rs.name + " runs a script, not a web server that can drain";
            edit_all(false);
            add(ServerAction{realserver, ServerVerb::Drain, {}});
            v.how +=
                "; the web server drains: every answer closes its connection (Connection: close, "
                "HTTP/2 GOAWAY), idle keep-alive connections close";
            break;
        case DrainMethod::Reload:
            if (scripted) v.unavailable = rs.name + " runs a script, not a web server that can reload";
            edit_all(false);
            add(ServerAction{realserver, ServerVerb::Reload, {}});
            v.how +=
                "; then a graceful reload (nginx -s reload): its open connections finish and close "
                "(Connection: close, HTTP/2 GOAWAY)";
            break;
        case DrainMethod::Count: break;
    }
    std::stable_sort(s.timeline.begin(), s.timeline.end(),
                     [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
    // The scenario's own expectations were written for its own drain: they do not apply here.
    s.expectations.clear();
    s.steps.clear();
    return v;
}

DrainSample run_drain_sample(const Scenario& variant, size_t realserver, sim::Time at, uint64_t seed) {
    Scenario s = variant;
    s.seed = seed;
    Run run(s);
    const Report rep = run.run();
    DrainSample out;
    // The realserver is drained when every service it is in has drained it: the latest of those
    // drains' ends, from the method's moment (a realserver in two services, each with its own
    // checker, is empty only when both checkers have taken it out and both tables are empty).
    const size_t services = services_of(s, s.realservers[realserver]).size();
    size_t drained = 0;
    out.no_active_s = out.no_entries_s = 0;
    for (const DrainResult& d : rep.drains) {
        if (d.realserver != s.realservers[realserver].name || d.at < at) continue;
        ++drained;
        out.no_active_s = std::max(out.no_active_s, missing_or(d.no_active_after, d.at, at));
        out.no_entries_s = std::max(out.no_entries_s, missing_or(d.no_entries_after, d.at, at));
        if (std::isnan(missing_or(d.no_active_after, d.at, at))) out.no_active_s = NAN;
        if (std::isnan(missing_or(d.no_entries_after, d.at, at))) out.no_entries_s = NAN;
    }
    if (drained < services || std::isnan(out.no_active_s)) out.no_active_s = NAN;
    if (drained < services || std::isnan(out.no_entries_s)) out.no_entries_s = NAN;
    out.objects_failed = static_cast<double>(rep.clients.objects_failed);
    out.objects_aborted = static_cast<double>(rep.clients.objects_aborted);
    out.stalls = static_cast<double>(rep.clients.stalls);
    out.resets = static_cast<double>(rep.clients.errors_reset);
    out.longest_stall_s = rep.clients.longest_stall_s;
    out.lookups_failed = static_cast<double>(rep.clients.lookups_failed);
    out.syslog_lost = static_cast<double>(rep.clients.syslog_lost());
    return out;
}

DrainOutcome summarise_drain(DrainMethod m, const DrainVariant& v, const std::vector<DrainSample>& samples) {
    DrainOutcome o;
    o.method = m;
    o.how = v.how;
    o.unavailable = v.unavailable;
    const auto of = [&](double DrainSample::*field) {
        std::vector<double> xs;
        for (const DrainSample& s : samples) xs.push_back(s.*field);
        return estimate(xs);
    };
    o.no_active_s = of(&DrainSample::no_active_s);
    o.no_entries_s = of(&DrainSample::no_entries_s);
    o.objects_failed = of(&DrainSample::objects_failed);
    o.objects_aborted = of(&DrainSample::objects_aborted);
    o.stalls = of(&DrainSample::stalls);
    o.resets = of(&DrainSample::resets);
    o.longest_stall_s = of(&DrainSample::longest_stall_s);
    o.lookups_failed = of(&DrainSample::lookups_failed);
    o.syslog_lost = of(&DrainSample::syslog_lost);
    return o;
}

}  // namespace lvs::scenario
