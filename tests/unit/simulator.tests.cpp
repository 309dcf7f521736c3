#include "sim/simulator.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "sim/timer.hpp"

using namespace lvs::sim;

TEST_CASE("sim::Simulator: events run in time order and the clock follows", "[sim]") {
    Simulator sim;
    std::vector<std::pair<int, int64_t>> log;
    sim.at(at(s(3)), [&] { log.push_back({3, sim.now().ns()}); });
    sim.at(at(s(1)), [&] { log.push_back({1, sim.now().ns()}); });
    sim.after(s(2), [&] { log.push_back({2, sim.now().ns()}); });
    CHECK(sim.run() == StopReason::Drained);
    REQUIRE(log.size() == 3);
    CHECK(log[0] == std::pair<int, int64_t>{1, 1'000'000'000});
    CHECK(log[1] == std::pair<int, int64_t>{2, 2'000'000'000});
    CHECK(log[2] == std::pair<int, int64_t>{3, 3'000'000'000});
    CHECK(sim.events_executed() == 3);
}

TEST_CASE("sim::Simulator: same-time events run by priority, then FIFO", "[sim]") {
    Simulator sim;
    std::string order;
    const Time t = at(ms(5));
    sim.at(t, [&] { order += 'a'; });
    sim.at(t, [&] { order += 'b'; });
    sim.at(
        t, [&] { order += 'T'; }, Priority::Timeline);
    sim.at(t, [&] { order += 'c'; });
    sim.at(
        t, [&] { order += 'L'; }, Priority::Late);
    sim.at(t, [&] {
        order += 'd';
        // A zero-delay event scheduled now runs after everything already queued at T with the
        // same priority, but a timeline-priority one still jumps ahead of queued model events.
        sim.after(Duration{}, [&] { order += 'e'; });
    });
    sim.run();
    CHECK(order == "TabcdeL");
}

TEST_CASE("sim::Simulator: a timeline action at T runs before model events at T", "[sim]") {
    Simulator sim;
    std::string order;
    sim.at(at(s(10)), [&] { order += "model;"; });
    sim.run_until(at(s(5)));
    sim.at(
        at(s(10)), [&] { order += "timeline;"; }, Priority::Timeline);
    sim.run();
    CHECK(order == "timeline;model;");
}

TEST_CASE("sim::Simulator: run_until leaves the clock at the target", "[sim]") {
    Simulator sim;
    int ran = 0;
    sim.at(at(s(1)), [&] { ++ran; });
    sim.at(at(s(5)), [&] { ++ran; });
    CHECK(sim.run_until(at(s(2))) == StopReason::TimeLimit);
    CHECK(ran == 1);
    CHECK(sim.now() == at(s(2)));
    // An event exactly at the limit runs.
    CHECK(sim.run_until(at(s(5))) == StopReason::TimeLimit);
    CHECK(ran == 2);
    CHECK(sim.now() == at(s(5)));
    CHECK(sim.run_until(at(s(9))) == StopReason::TimeLimit);
    CHECK(sim.now() == at(s(9)));
}

TEST_CASE("sim::Simulator: run by event count and stop requests", "[sim]") {
    Simulator sim;
    int ran = 0;
    std::function<void()> tick = [&] {
        ++ran;
        if (ran == 7) sim.request_stop();
        sim.after(ms(1), tick);
    };
    sim.after(ms(1), tick);
    CHECK(sim.run_events(3) == StopReason::EventLimit);
    CHECK(ran == 3);
    CHECK(sim.run() == StopReason::Requested);
    CHECK(ran == 7);
    CHECK(sim.now() == at(ms(7)));
    CHECK(sim.step());
    CHECK(ran == 8);
}

TEST_CASE("sim::Simulator: scheduling into the past is an invariant failure", "[sim]") {
    Simulator sim;
    sim.run_until(at(s(10)));
    REQUIRE_THROWS_AS(sim.at(at(s(9)), [] {}), InvariantError);
    try {
        sim.at(at(s(9)), [] {});
    } catch (const InvariantError& e) {
        CHECK(e.time() == at(s(10)));
        CHECK_THAT(e.what(), Catch::Contains("into the past"));
    }
}

TEST_CASE("sim::Simulator: invariant checks name time, event and entity", "[sim]") {
    Simulator sim;
    const EntityId rs1 = sim.add_entity("rs1");
    sim.at(at(ms(1500)), [&] { LVS_CHECK(sim, rs1, 1 + 1 == 3, "arithmetic is broken"); });
    try {
        sim.run();
        FAIL("no exception");
    } catch (const InvariantError& e) {
        CHECK(e.time() == at(ms(1500)));
        CHECK(e.seq() == 1);
        CHECK(e.entity() == "rs1");
        CHECK_THAT(e.what(), Catch::Contains("arithmetic is broken") && Catch::Contains("t=1.5s"));
    }
}

TEST_CASE("sim::Simulator: cancelling an event", "[sim]") {
    Simulator sim;
    int ran = 0;
    EventId id = sim.after(s(1), [&] { ++ran; });
    CHECK(sim.is_pending(id));
    EventId copy = id;
    CHECK(sim.cancel(id));
    CHECK_FALSE(id.valid());
    CHECK_FALSE(sim.cancel(copy));
    sim.run();
    CHECK(ran == 0);
    // An event cannot cancel itself while it runs (it is no longer pending).
    EventId self;
    bool cancelled_self = true;
    self = sim.after(s(1), [&] { cancelled_self = sim.cancel(self); });
    sim.run();
    CHECK_FALSE(cancelled_self);
}

TEST_CASE("sim::Timer: fires once at its deadline", "[sim][timer]") {
    Simulator sim;
    std::vector<int64_t> fired;
    Timer t(sim, [&] { fired.push_back(sim.now().ns()); });
    t.arm(s(5));
    CHECK(t.armed());
    sim.run();
    CHECK(fired == std::vector<int64_t>{5'000'000'000});
    CHECK_FALSE(t.armed());
}

TEST_CASE("sim::Timer: re-arming later and earlier", "[sim][timer]") {
    Simulator sim;
    std::vector<int64_t> fired;
    Timer t(sim, [&] { fired.push_back(sim.now().ns()); });
    t.arm(s(5));
    sim.at(at(s(2)), [&] { t.arm(s(10)); });  // later: deadline 12 s
    sim.run();
    CHECK(fired == std::vector<int64_t>{12'000'000'000});
    fired.clear();
    t.arm(s(100));                            // at 112 s
    sim.at(at(s(20)), [&] { t.arm(s(1)); });  // earlier: 21 s
    sim.run();
    CHECK(fired == std::vector<int64_t>{21'000'000'000});
    // The early-deadline wakeup ran only the re-queue, not the callback, and was not counted.
    CHECK(sim.idle_wakeups() >= 1);
}

TEST_CASE("sim::Timer: disarm and destruction stop it", "[sim][timer]") {
    Simulator sim;
    int fired = 0;
    {
        Timer t(sim, [&] { ++fired; });
        t.arm(s(1));
        t.disarm();
        sim.run();
        CHECK(fired == 0);
        t.arm(s(1));
    }  // destroyed while armed: its wakeup is cancelled
    sim.run();
    CHECK(fired == 0);
}

TEST_CASE("sim::Timer: a million re-arms keep the queue small", "[sim][timer]") {
    Simulator sim;
    int fired = 0;
    Timer idle(sim, [&] { ++fired; });
    // A keep-alive idle timer pushed forward by every packet of a busy connection, mixed with
    // occasional earlier re-arms (the slow path that cancels).
    std::function<void()> packet = [&] {
        idle.arm(sim.now().ns() % 7 == 0 ? ms(1) : s(60));
        if (sim.now() < at(s(1000))) sim.after(ms(1), packet);
    };
    sim.after(ms(1), packet);
    sim.run();
    CHECK(sim.events_pending() == 0);
    CHECK(sim.queue().tombstones() < 2048);
    CHECK(fired >= 1);
}
