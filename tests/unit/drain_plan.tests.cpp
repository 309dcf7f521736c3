// The drain planner: the scenario's own drain taken out, each method applied at one moment, and
// what a run of it measures (lvsim drain-plan).
#include "models/scenario/drain_plan.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "models/scenario/loader.hpp"

using namespace lvs;
using namespace lvs::scenario;

namespace {

Scenario lesson(const std::string& name) {
    return load_scenario_file(std::string(LVSIM_SCENARIO_DIR) + "/" + name);
}

size_t actions_on(const Scenario& s, const std::string& text) {
    size_t n = 0;
    for (const TimelineEntry& e : s.timeline)
        if (const auto* a = std::get_if<IpvsadmAction>(&e.action)) n += a->command.text == text;
    return n;
}

}  // namespace

SCENARIO("each method replaces the scenario's own drain, at the same moment", "[drain-plan]") {
    const Scenario base = lesson("01-drain-zero-weight.yaml");
    const size_t rs1 = static_cast<size_t>(base.find_realserver("rs1") - base.realservers.data());
    REQUIRE(first_drain_in(base, rs1).has_value());
    const sim::Time at = *first_drain_in(base, rs1);
    CHECK(at.seconds() == Approx(20.0));
    std::vector<std::string> removed;
    const DrainVariant del = drain_variant(base, rs1, at, DrainMethod::Delete, &removed);
    REQUIRE(removed.size() == 1);
    CHECK(removed[0] == "ipvsadm -e -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0 at 20s");
    CHECK(actions_on(del.scenario, "-e -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0") == 0);
    CHECK(actions_on(del.scenario, "-d -t 10.0.0.100:80 -r 192.168.10.11:80") == 1);
    CHECK(del.unavailable.empty());
    CHECK(del.scenario.expectations.empty());  // written for the lesson's own drain

    const DrainVariant expire = drain_variant(base, rs1, at, DrainMethod::DeleteExpire);
    bool sysctl = false;
    for (const TimelineEntry& e : expire.scenario.timeline)
        if (const auto* a = std::get_if<SysctlAction>(&e.action))
            sysctl = sysctl || (a->sysctl->name == "expire_nodest_conn" && a->value == 1 && e.at == at);
    CHECK(sysctl);

    const DrainVariant hc = drain_variant(base, rs1, at, DrainMethod::HealthCheck);
    CHECK(hc.unavailable == "no health check watches rs1's services");
    const DrainVariant graceful = drain_variant(base, rs1, at, DrainMethod::Graceful);
    CHECK(graceful.unavailable.empty());
}

SCENARIO("what a run of a method measures, from the method's moment", "[drain-plan]") {
    const Scenario base = lesson("01-drain-zero-weight.yaml");
    const size_t rs1 = static_cast<size_t>(base.find_realserver("rs1") - base.realservers.data());
    const sim::Time at = sim::at(sim::s(20));
    const DrainSample weight0 =
        run_drain_sample(drain_variant(base, rs1, at, DrainMethod::Weight0).scenario, rs1, at, 1);
    const DrainSample expire =
        run_drain_sample(drain_variant(base, rs1, at, DrainMethod::DeleteExpire).scenario, rs1, at, 1);
    const DrainSample graceful =
        run_drain_sample(drain_variant(base, rs1, at, DrainMethod::Graceful).scenario, rs1, at, 1);
    // Lesson 01's story: weight 0 waits for the browser to stop reusing its connections; -d with
    // expire_nodest_conn empties the realserver at once; a server-side drain closes its
    // connections at once, but the entries stay until their FIN_WAIT/TIME_WAIT timers end.
    CHECK(weight0.no_active_s > 100);
    CHECK(expire.no_entries_s == Approx(0.0).margin(0.5));
    CHECK(graceful.no_active_s < 1.0);
    CHECK(graceful.no_entries_s > graceful.no_active_s);
    CHECK(weight0.objects_failed == 0);
    CHECK(weight0.stalls == 0);
}

SCENARIO("the HTTP/2 drain of lesson 25: weight 0 waits for nginx, a reload empties rs1, -d stalls",
         "[drain-plan][h2]") {
    const Scenario base = lesson("25-http2-drain.yaml");
    const size_t rs1 = static_cast<size_t>(base.find_realserver("rs1") - base.realservers.data());
    const sim::Time at = sim::at(sim::s(20));
    std::vector<std::string> removed;
    const DrainVariant reload_variant = drain_variant(base, rs1, at, DrainMethod::Reload, &removed);
    // The lesson's own -w 0 and its reload at 80 s are both taken out.
    CHECK(removed.size() == 2);
    CHECK(reload_variant.unavailable.empty());
    const auto sample = [&](DrainMethod m) {
        return run_drain_sample(drain_variant(base, rs1, at, m).scenario, rs1, at, 1);
    };
    const DrainSample weight0 = sample(DrainMethod::Weight0);
    const DrainSample reload = sample(DrainMethod::Reload);
    const DrainSample graceful = sample(DrainMethod::Graceful);
    const DrainSample del = sample(DrainMethod::Delete);
    // Chrome never idles its one connection while the user clicks: only nginx's
    // keepalive_requests (1000 requests, GOAWAY) ends it, 100 s in.
    CHECK(weight0.no_active_s == Approx(100).margin(5));
    // GOAWAY at once: the browsers finish their streams and reconnect to rs2.
    CHECK(reload.no_active_s < 0.5);
    CHECK(graceful.no_active_s < 0.5);
    CHECK(reload.objects_failed + reload.objects_aborted + reload.stalls == 0);
    CHECK(weight0.objects_failed + weight0.objects_aborted + weight0.stalls == 0);
    // -d black-holes the connection: the next page stalls until the reload after it aborts it.
    CHECK(del.objects_aborted > 0);
    CHECK(del.longest_stall_s == Approx(5.0).margin(0.1));
}
