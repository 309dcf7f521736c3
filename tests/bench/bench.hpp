// Shared helpers of lvsim-bench's modes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "sim/time.hpp"

namespace lvs::bench {

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}
// Peak resident set size of this process in MiB (from /proc/self/status VmHWM).
double peak_rss_mb();

// The hold model's rate (events per second) with n pending events, over `events` events.
double hold_events_per_s(uint64_t n, uint64_t events);

// The farm workload (farm.cpp): `clients` browsers behind one NAT director and 10 realservers,
// or behind `fleet_directors` directors under ECMP with direct routing.
scenario::Scenario farm_scenario(uint32_t clients, sim::Duration duration, uint32_t fleet_directors = 0);

int run_hold(const std::vector<std::string>& args);
int run_tcp(const std::vector<std::string>& args);
int run_farm(const std::vector<std::string>& args);
int run_transfer(const std::vector<std::string>& args);

}  // namespace lvs::bench
