// A host kernel's sense of time: jiffies and the timer wheel (kernel/time/timer.c).
//
// Linux counts time in jiffies, HZ per second (CONFIG_HZ: 100, 250, 300 or 1000; Debian's
// kernels use 250). TCP computes its timeouts in jiffies, and mod_timer() files a timer into
// the wheel, which never fires early: calc_index() rounds the expiry up to the next bucket of
// the timer's level, and the level's granularity grows with the delay (1, 8, 64, 512, ...
// jiffies for delays from 0, 63, 504, 4032, 32256 jiffies on). So a 1 s SYN timeout at
// HZ=250 fires 1.004 to 1.032 s after it is armed, and 1.024 s after an earlier one fired,
// and a 60 s TIME_WAIT ends 0 to 2 s late.
//
// Each host has its own phase: the jiffies count at simulated time 0 and where in a tick
// time 0 falls, drawn from the run's seed (or pinned with `jiffies_at_start`).
#pragma once

#include <cstdint>

#include "sim/time.hpp"

namespace lvs::tcp {

using Jiffies = uint64_t;

class KernelClock {
public:
    // hz: CONFIG_HZ; jiffies_at_start: the count at simulated 0 s; tick_offset: how long
    // after 0 s the next tick comes (0 <= tick_offset < one tick).
    KernelClock(uint32_t hz, Jiffies jiffies_at_start, sim::Duration tick_offset);

    uint32_t hz() const { return hz_; }
    // The jiffies count at time t. A packet asks several times at one instant (RTT samples,
    // timer arming, the delayed ACK), so the last answer is kept: the division it saves took
    // 1.6 % of a 1,000-browser farm's time.
    Jiffies jiffies(sim::Time t) const {
        if (t.ns() != memo_ns_) {
            memo_ns_ = t.ns();
            memo_jiffies_ = count_at(t.ns());
        }
        return memo_jiffies_;
    }
    // The moment the count becomes j.
    sim::Time time_of(Jiffies j) const;

    // When a timer armed at `now` with mod_timer(jiffies + timeout) runs: the expiry of the
    // wheel bucket it is filed in. `from_timer` when armed by a timer callback (the wheel's
    // clock is then one jiffy ahead: forward_timer_base).
    sim::Time fire_time(sim::Time now, Jiffies timeout, bool from_timer = false) const;
    // calc_wheel_index(): the bucket expiry for a timer due at `expires` on a wheel at `clk`.
    Jiffies bucket_expiry(Jiffies expires, Jiffies clk) const;

    // include/linux/jiffies.h: usecs_to_jiffies() and msecs_to_jiffies() round up.
    Jiffies from_us(int64_t us) const;
    Jiffies from_ms(int64_t ms) const { return from_us(ms * 1000); }
    Jiffies from_duration(sim::Duration d) const;  // rounded up, like usecs_to_jiffies
    sim::Duration duration(Jiffies j) const;       // j ticks as time

private:
    Jiffies count_at(int64_t ns) const;

    uint32_t hz_;
    Jiffies start_;
    int64_t offset_ns_;
    int64_t tick_ns_;  // 1e9 / HZ when that is whole (100, 250, 1000 Hz), else 0
    int depth_;        // LVL_DEPTH: 9 levels for HZ > 100, else 8
    mutable int64_t memo_ns_ = -1;
    mutable Jiffies memo_jiffies_ = 0;
};

}  // namespace lvs::tcp
