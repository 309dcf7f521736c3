// Sweeps: value ranges, seeds, confidence intervals, the queueing formulas, and a sweep's table
// made of exactly the runs it claims.
#include "models/scenario/sweep.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>

#include "models/scenario/capacity.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"

using namespace lvs;
using namespace lvs::scenario;

namespace {
const std::string kCapacity = std::string(LVSIM_SCENARIO_DIR) + "/10-capacity-prefork.yaml";
using Values = std::vector<std::string>;
}  // namespace

TEST_CASE("sweep: --vary lists, linear and log ranges", "[sweep]") {
    CHECK(parse_axis("clients.users.count=10,20,40").values == Values{"10", "20", "40"});
    CHECK(parse_axis("clients.users.count=10..50+10").values == Values{"10", "20", "30", "40", "50"});
    CHECK(parse_axis("clients.users.count=100..10000x10").values == Values{"100", "1000", "10000"});
    // Log steps with a non-integral factor stay counts, rounded.
    CHECK(parse_axis("clients.users.count=1..10x2.5").values == Values{"1", "3", "6"});
    CHECK(parse_axis("clients.ie8.keepalive_timeout=30s..120s+30s").values ==
          Values{"30s", "60s", "90s", "120s"});
    CHECK(parse_axis("network.rtt=20ms,100ms..300ms+100ms").values ==
          Values{"20ms", "100ms", "200ms", "300ms"});
    CHECK(parse_axis("network.loss=0..0.02+0.01").values == Values{"0", "0.01", "0.02"});
    CHECK(parse_axis("network.rtt=20ms").key == "network.rtt");
}

TEST_CASE("sweep: bad --vary text says what to write", "[sweep][errors]") {
    const auto message = [](const std::string& text) {
        try {
            (void)parse_axis(text);
        } catch (const SweepError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK_THAT(message("clients.users.count"), Catch::Contains("KEY=V1,V2"));
    CHECK_THAT(message("clients.users.count=10..100"), Catch::Contains("needs a step"));
    CHECK_THAT(message("network.rtt=20ms..1s+10ms"), Catch::Contains("one unit"));
    CHECK_THAT(message("clients.users.count=100..10x2"), Catch::Contains("low to high"));
    CHECK_THAT(message("clients.users.count=1..10x1"), Catch::Contains("above 1"));
    CHECK_THAT(message("clients.users.count=1..100000+1"), Catch::Contains("more than 1000 values"));
    CHECK_THAT(message("clients.users.count=10,,20"), Catch::Contains("empty value"));
}

TEST_CASE("sweep: replication 0 keeps the scenario's seed, the others differ and are stable", "[sweep]") {
    CHECK(replication_seed(1, 0) == 1);
    CHECK(replication_seed(1, 1) != 1);
    CHECK(replication_seed(1, 1) != replication_seed(1, 2));
    CHECK(replication_seed(1, 1) != replication_seed(2, 1));
    CHECK(replication_seed(1, 1) == 4754066425326119843ull);  // recorded in sweep outputs: must not drift
}

TEST_CASE("sweep: mean and 95% confidence half-width", "[sweep]") {
    const Estimate e = estimate({1, 2, 3});
    CHECK(e.n == 3);
    CHECK(e.mean == Approx(2));
    // sd = 1, t(2) = 4.303: 4.303 / sqrt(3)
    CHECK(e.half_width == Approx(4.303 / std::sqrt(3.0)));
    const Estimate missing = estimate({4, NAN, 6});
    CHECK(missing.n == 2);
    CHECK(missing.missing == 1);
    CHECK(missing.mean == Approx(5));
    CHECK(estimate({7}).half_width == 0);
    CHECK(student_t95(1) == Approx(12.706));
    CHECK(student_t95(100) == Approx(1.984).margin(0.002));
}

TEST_CASE("capacity: Erlang C matches the textbook values", "[capacity]") {
    CHECK(erlang_c(1, 0.5) == Approx(0.5));        // M/M/1: P(wait) = rho
    CHECK(erlang_c(2, 1.0) == Approx(1.0 / 3.0));  // B = 0.2, C = 0.4 / 1.2
    CHECK(erlang_c(10, 8.0) == Approx(0.4092).margin(0.0005));
    CHECK(erlang_c(10, 10.0) == 1);
    CHECK(erlang_c(50, 0.06) < 1e-12);
}

TEST_CASE("capacity: prefork workers held by idle keep-alive far exceed the Erlang estimate", "[capacity]") {
    Scenario s = load_scenario_file(kCapacity);
    Run run(s);
    const Report r = run.run();
    REQUIRE(r.capacity_check);
    for (const ServerReport& rs : r.realservers) {
        const CapacityCheck k = capacity_check(rs.capacity);
        CHECK(k.offered_erlangs > 0);
        CHECK(k.offered_erlangs < 1);  // 2 ms requests: a fraction of one worker
        CHECK(k.busy_mean == Approx(k.offered_erlangs).epsilon(0.05));  // Little's law on busy workers holds
        CHECK(k.held_mean > 30 * k.offered_erlangs);  // ...but idle keep-alive holds most of the pool
        CHECK(k.waited_fraction > 0.5);
        CHECK(k.erlang_c_wait < 0.001);  // which the formula cannot see
    }
    std::ostringstream text;
    write_text_report(text, r);
    CHECK_THAT(text.str(), Catch::Contains("the formula under-counts"));
}

TEST_CASE("sweep: the table is made of the runs it names", "[sweep]") {
    const SweepPlan plan = plan_sweep(
        kCapacity, {"duration=61s"}, {parse_axis("clients.users.count=10,30")}, 2,
        {"clients.page_load_p95", "peak.rs1.active", "rs1.workers_held_mean", "events"}, std::nullopt);
    REQUIRE(plan.points.size() == 2);
    REQUIRE(plan.jobs.size() == 4);
    SweepResult result{&plan, {}};
    for (const SweepJob& j : plan.jobs) result.jobs.push_back(run_job(plan.file, j, plan.metrics));
    // Each run again, the way `lvsim run --set ... --seed S` would do it.
    for (size_t i = 0; i < plan.jobs.size(); ++i) {
        const SweepJob& j = plan.jobs[i];
        CHECK(j.seed == replication_seed(1, j.replication));
        Scenario s =
            load_scenario_file(kCapacity, {"duration=61s", "clients.users.count=" + plan.points[j.point][0]});
        s.seed = j.seed;
        Run run(s);
        const Report r = run.run();
        CHECK(result.jobs[i].values[0] == run.quantity("clients.page_load_p95"));
        uint32_t peak = 0;
        for (const SampleRow& row : r.samples)
            if (row.realserver == "rs1") peak = std::max(peak, row.active);
        CHECK(result.jobs[i].values[1] == peak);
        CHECK(result.jobs[i].values[2] == run.quantity("rs1.workers_held_mean"));
        CHECK(result.jobs[i].values[3] == static_cast<double>(r.events));
    }
    // The CSV's means are those runs' means.
    std::ostringstream csv;
    write_sweep_csv(csv, result);
    const Estimate p95 = estimate({result.jobs[2].values[0], result.jobs[3].values[0]});
    char expect[64];
    std::snprintf(expect, sizeof expect, "30,%.10g,", p95.mean);
    CHECK_THAT(csv.str(), Catch::Contains(expect));
    // More clients on the same seeds: more workers held.
    CHECK(result.jobs[2].values[2] > result.jobs[0].values[2]);
}

TEST_CASE("sweep: unknown metrics and keys are refused before anything runs", "[sweep][errors]") {
    CHECK_THROWS_WITH(
        plan_sweep(kCapacity, {}, {parse_axis("clients.users.count=10")}, 1, {"rs9.active"}, std::nullopt),
        Catch::Contains("unknown metric"));
    CHECK_THROWS_WITH(plan_sweep(kCapacity, {}, {parse_axis("clients.users.count=10")}, 1,
                                 {"peak.rs3.active"}, std::nullopt),
                      Catch::Contains("no realserver"));
    CHECK_THROWS_WITH(plan_sweep(kCapacity, {}, {parse_axis("clients.users.count=10")}, 1, {"peak.rs1.bogus"},
                                 std::nullopt),
                      Catch::Contains("workers_idle_keepalive"));
    CHECK_THROWS_AS(plan_sweep(kCapacity, {}, {parse_axis("clients.userz.count=10")}, 1, {}, std::nullopt),
                    ConfigError);
    CHECK_THROWS_AS(plan_sweep(kCapacity, {}, {parse_axis("clients.users.count=ten")}, 1, {}, std::nullopt),
                    ConfigError);
    CHECK_THROWS_WITH(
        plan_sweep(kCapacity, {}, {parse_axis("network.rtt=1ms"), parse_axis("network.rtt=2ms")}, 1, {},
                   std::nullopt),
        Catch::Contains("twice"));
}

TEST_CASE("sweep: K1,K2=values sets both keys at each point", "[sweep]") {
    const Axis a = parse_axis("realservers.rs1.keepalive_timeout,realservers.rs2.keepalive_timeout=5s,15s");
    CHECK(a.keys == Values{"realservers.rs1.keepalive_timeout", "realservers.rs2.keepalive_timeout"});
    const SweepPlan plan = plan_sweep(kCapacity, {}, {a}, 1, {"events"}, std::nullopt);
    REQUIRE(plan.jobs.size() == 2);
    CHECK(plan.jobs[0].sets ==
          Values{"realservers.rs1.keepalive_timeout=5s", "realservers.rs2.keepalive_timeout=5s"});
    CHECK(plan.jobs[1].sets ==
          Values{"realservers.rs1.keepalive_timeout=15s", "realservers.rs2.keepalive_timeout=15s"});
}
