// When user sessions begin: a Poisson process at a constant rate, a non-homogeneous Poisson
// process following a rate profile (a day's curve, piecewise linear), or given times (a CSV of
// arrivals). Each arrival starts one session (session.hpp) on a client host of its group.
//
// Sessions, not requests, arrive independently: a visitor's pages follow each other, but
// different visitors do not coordinate, which is why a session arrival process is Poisson
// (Paxson & Floyd, "Wide-Area Traffic: The Failure of Poisson Modeling", 1995: user-initiated
// session arrivals are well modelled as Poisson with hourly-varying rates; the packets and
// requests within them are not).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace lvs::http {

// The rate at a time of the profile's day: sessions per second.
struct RatePoint {
    sim::Duration at;  // since the profile's midnight (or its first point)
    double per_second = 0;
};

struct ArrivalProcess {
    enum class Kind : uint8_t { Poisson, Profile, Times };
    Kind kind = Kind::Poisson;
    double rate = 1.0;                  // Poisson: sessions per second
    std::vector<RatePoint> profile;     // Profile: linear between points, constant past either end
    sim::Duration profile_from;         // the profile's time at the run's 0 s (19h: the evening peak)
    double scale = 1.0;                 // multiplies `rate` and every point of `profile`
    std::vector<sim::Time> times;       // Times: sorted
    sim::Time start;                    // no arrival before
    sim::Time stop = sim::Time::max();  // nor at or after

    // Sessions per second at run time t (scale included).
    double rate_at(sim::Time t) const;
    // The highest rate over the run [start, stop) (scale included).
    double peak_rate() const;
    // The expected number of arrivals in [from, to).
    double expected(sim::Time from, sim::Time to) const;
};

// Draws the arrivals one at a time. Profile: thinning (Lewis & Shedler, "Simulation of
// nonhomogeneous Poisson processes by thinning", 1979), segment by segment so that the bound
// is each segment's own peak and a night at rate 0 costs nothing.
class ArrivalClock {
public:
    explicit ArrivalClock(const ArrivalProcess& p) : p_(p) {}
    // The first arrival after `now` (Times: the next listed one at or after it), or
    // Time::max() when there are no more.
    sim::Time next(sim::Time now, sim::Rng& rng);
    // Times: the index of the time next() returned last.
    size_t last_time() const { return next_time_ - 1; }

private:
    sim::Time next_profile(sim::Time now, sim::Rng& rng) const;
    const ArrivalProcess& p_;
    size_t next_time_ = 0;
};

}  // namespace lvs::http
