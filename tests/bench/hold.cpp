// The classic hold model: N pending events; each event, when it fires, schedules one successor
// at now + Exp(mean 1 s) drawn from a seeded stream. Measures the event kernel alone.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench.hpp"
#include "sim/simulator.hpp"

namespace lvs::bench {
namespace {

struct Hold {
    sim::Simulator& sim;
    sim::Rng rng;
    void fire() {
        sim.post_after(rng.exponential(sim::s(1)), [this] { fire(); });
    }
};

struct HoldResult {
    uint64_t events;
    double wall_s;
    double bytes_per_pending;
};

HoldResult run_once(uint64_t n, uint64_t events, uint64_t seed) {
    sim::Simulator sim(seed);
    Hold hold{sim, sim.stream("hold")};
    for (uint64_t i = 0; i < n; ++i)
        sim.post_after(hold.rng.exponential(sim::s(1)), [&hold] { hold.fire(); });
    // Warm-up: let the queue reach its steady shape before timing (set-up is excluded).
    sim.run_events(n);
    const uint64_t before = sim.events_executed();
    const auto t0 = Clock::now();
    sim.run_events(events);
    const double wall = seconds_since(t0);
    return HoldResult{
        sim.events_executed() - before, wall,
        static_cast<double>(sim.queue().memory_bytes()) / static_cast<double>(sim.events_pending())};
}

}  // namespace

double hold_events_per_s(uint64_t n, uint64_t events) {
    const HoldResult r = run_once(n, events, 1);
    return static_cast<double>(r.events) / r.wall_s;
}

int run_hold(const std::vector<std::string>& args) {
    std::vector<uint64_t> sizes{1'000, 100'000, 1'000'000};
    uint64_t events = 10'000'000;
    uint64_t seed = 1;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--n" && i + 1 < args.size()) sizes = {std::strtoull(args[++i].c_str(), nullptr, 10)};
        else if (args[i] == "--events" && i + 1 < args.size())
            events = std::strtoull(args[++i].c_str(), nullptr, 10);
        else if (args[i] == "--seed" && i + 1 < args.size())
            seed = std::strtoull(args[++i].c_str(), nullptr, 10);
        else {
            std::fprintf(stderr,
                         "lvsim-bench hold: unknown argument '%s' (use --n N, --events E, --seed S)\n",
                         args[i].c_str());
            return 2;
        }
    }
    for (uint64_t n : sizes) {
        const HoldResult r = run_once(n, events, seed);
        std::printf("hold N=%llu events=%llu events_per_s=%.0f bytes_per_pending=%.1f\n",
                    static_cast<unsigned long long>(n), static_cast<unsigned long long>(r.events),
                    static_cast<double>(r.events) / r.wall_s, r.bytes_per_pending);
        std::fflush(stdout);
    }
    return 0;
}

}  // namespace lvs::bench
