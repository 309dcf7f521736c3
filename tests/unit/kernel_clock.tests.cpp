// kernel/time/timer.c's wheel and jiffies: a timer never fires early, and how late it fires
// depends on its level's granule.
#include "models/tcp/kernel_clock.hpp"

#include <catch2/catch.hpp>

using namespace lvs;
using tcp::Jiffies;
using tcp::KernelClock;

TEST_CASE("tcp::KernelClock: calc_wheel_index rounds up to the level's granule, strictly after",
          "[tcp][jiffies]") {
    const KernelClock c(250, 0, sim::Duration{});
    using Row = std::tuple<Jiffies, Jiffies, Jiffies>;  // clk, expires, bucket expiry
    auto [clk, expires, bucket] = GENERATE(table<Jiffies, Jiffies, Jiffies>({
        Row{1000, 1010, 1011},           // level 0 (delta < 63): one jiffy late
        Row{1000, 1062, 1063},           // still level 0
        Row{1000, 1063, 1064},           // level 1 (granule 8): next multiple of 8 above
        Row{1000, 1250, 1256},           // 1 s at HZ 250 from a bucket boundary: 256 jiffies
        Row{1000, 1503, 1504},           // level 1's last delta (503)
        Row{1000, 1504, 1536},           // level 2 (granule 64)
        Row{1024, 1024 + 2000, 3072},    // 8 s from a 64-aligned clock: 2048 jiffies
        Row{1024, 1024 + 15000, 16384},  // 60 s TIME_WAIT at level 3 (granule 512)
        Row{1000, 999, 1000},            // already due: the current bucket
    }));
    CAPTURE(clk, expires);
    CHECK(c.bucket_expiry(expires, clk) == bucket);
    CHECK(c.bucket_expiry(expires, clk) > (expires >= clk ? expires : clk - 1));
}

TEST_CASE("tcp::KernelClock: jiffies and their times invert; usecs_to_jiffies rounds up", "[tcp][jiffies]") {
    for (const uint32_t hz : {100u, 250u, 300u, 1000u}) {
        CAPTURE(hz);
        const KernelClock c(hz, 4242, sim::us(700));
        for (Jiffies j = 4243; j < 4243 + 1000; j += 7) {
            CHECK(c.jiffies(c.time_of(j)) == j);
            CHECK(c.jiffies(c.time_of(j) - sim::ns(1)) == j - 1);
        }
        CHECK(c.from_us(1) == 1);
        CHECK(c.from_ms(1000) == hz);
        CHECK(c.from_duration(sim::ms(200)) == (hz * 200 + 999) / 1000);
    }
    const KernelClock c250(250, 0, sim::Duration{});
    CHECK(c250.from_us(200'020) == 51);  // 200 ms + 20 us of SRTT: the 204 ms RTO seen on Linux
}

TEST_CASE("tcp::KernelClock: a timer armed inside a tick fires at a tick edge, never early",
          "[tcp][jiffies]") {
    const KernelClock c(250, 100, sim::us(1500));
    for (int64_t t_us = 0; t_us < 20'000; t_us += 333) {
        const sim::Time now = sim::Time{} + sim::us(t_us);
        const sim::Time fire = c.fire_time(now, 10);
        CAPTURE(t_us);
        CHECK(fire - now > sim::ms(36));  // 10 jiffies after the current one began, plus one
        CHECK(fire - now <= sim::ms(44));
        CHECK(c.time_of(c.jiffies(fire)) == fire);
    }
}
