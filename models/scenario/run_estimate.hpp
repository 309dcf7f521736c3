// How big a run will be, before it starts: an estimate of its events and of the memory its
// samples hold, so that a run too large for the machine is refused with the figures instead
// of growing until it is killed (README, "Bad input and interrupted runs").
#pragma once

#include <string>

#include "models/scenario/scenario.hpp"

namespace lvs::scenario {

struct RunEstimate {
    double events = 0;  // simulator events, about
    double bytes = 0;   // memory of the samples, snapshots' inputs and hosts, about
};

// For a run of `s` that ends at `end` (its duration, or --until).
RunEstimate estimate_run(const Scenario& s, sim::Time end);

// The limits lvsim runs without asking: about 20 minutes of work on this project's machine
// and 4 GiB.
constexpr double kMaxRunEvents = 5e9;
constexpr double kMaxRunBytes = 4.0 * 1024 * 1024 * 1024;

// Empty when the estimate is within the limits; otherwise why not, with the figures.
std::string run_too_large(const RunEstimate& e);

}  // namespace lvs::scenario
