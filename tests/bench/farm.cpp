// lvsim-bench farm --clients N: N browsers (one 20 kB HTML object and 40 images of 10 kB per
// page, then an exponential think time of mean 30 s), one NAT director with wlc and 10
// event-MPM realservers, 20 ms round trips, 10 simulated minutes, one process.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"

namespace lvs::bench {

// Built as a scenario file would be, and read by the loader (which checks it like any file).
// With `fleet_directors`, the same site behind that many directors under an ECMP router, with
// direct routing (lvsim-pdes's fleet workload).
scenario::Scenario farm_scenario(uint32_t clients, sim::Duration duration, uint32_t fleet_directors) {
    std::string rules = "    -A -t 10.0.0.100:80 -s wlc\n";
    std::string realservers;
    const char* forward = fleet_directors == 0 ? "-m" : "-g";
    for (int i = 0; i < 10; ++i) {
        const std::string name = "rs" + std::to_string(i + 1),
                          address = "192.168.10." + std::to_string(11 + i);
        rules += "    -a -t 10.0.0.100:80 -r " + address + ":80 " + forward + " -w 1\n";
        // Event MPM (nginx-like), 1 ms per request.
        realservers +=
            "  - {name: " + name + ", address: " + address + ", server: nginx, service_time: 1ms}\n";
    }
    std::string fleet;
    if (fleet_directors > 0) {
        fleet = "fleet:\n  hash: l4\n  directors:\n";
        for (uint32_t d = 1; d <= fleet_directors; ++d)
            fleet += "    - {name: node" + std::to_string(d) + "}\n";
    }
    const std::string yaml = "name: farm\nseed: 1\nduration: " + sim::format_duration(duration) +
                             "\nsample_every: 10s\n"
                             // The LAN grows with the farm, 1 Mbit/s per browser and at least 10 Gbit/s: at
                             // 10,000 users the responses alone exceed 1 Gbit/s through the NAT director,
                             // and 100,000 would fill 10 Gbit/s (pages took 7 s instead of 0.2 s), which
                             // would turn the benchmark into a congestion study.
                             "network: {lan_bandwidth: " +
                             std::to_string(std::max<uint32_t>(10, clients / 1000)) +
                             "Gbit}\n"
                             "director:\n  rules: |\n" +
                             rules + fleet + "realservers:\n" + realservers +
                             "clients:\n  - name: users\n    count: " + std::to_string(clients) +
                             "\n    browser: ie8\n    page: {html: 20kB, objects: 40, object_size: 10kB}\n"
                             "    schedule: {think: exp(30s), start: 0s}\n";
    return scenario::load_scenario_text(yaml, "(lvsim-bench farm)");
}

// The goal of issue 29 is stated against the event kernel measured in the same run: the farm of
// 10,000 browsers for 600 s within 4 x (54.7 M events / the hold model's rate at N = 1e5).
// 54.7 M is the farm's event count when the goal was set; it stays fixed, so batching that
// removes events counts towards the goal.
constexpr double kGoalEvents = 54.7e6;
constexpr double kGoalFactor = 4.0;
constexpr uint64_t kHoldPending = 100'000;
constexpr uint64_t kHoldEvents = 10'000'000;

int run_farm(const std::vector<std::string>& args) {
    uint32_t clients = 10'000;
    int64_t seconds = 600;
    bool against_kernel = false;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--clients" && i + 1 < args.size())
            clients = static_cast<uint32_t>(std::strtoul(args[++i].c_str(), nullptr, 10));
        else if (args[i] == "--seconds" && i + 1 < args.size()) seconds = std::atoll(args[++i].c_str());
        else if (args[i] == "--against-kernel") against_kernel = true;
        else {
            std::fprintf(stderr,
                         "lvsim-bench farm: unknown argument '%s' (use --clients N, --seconds S, "
                         "--against-kernel)\n",
                         args[i].c_str());
            return 2;
        }
    }
    if (clients == 0 || seconds <= 0) {
        std::fprintf(stderr, "lvsim-bench farm: --clients and --seconds must be positive\n");
        return 2;
    }
    // The kernel is measured before and after the farm, and the two averaged, so that the
    // machine's drift during the farm's minute weighs on both sides of the ratio.
    const double hold_before = against_kernel ? hold_events_per_s(kHoldPending, kHoldEvents) : 0;
    const scenario::Scenario s = farm_scenario(clients, sim::s(seconds));
    const auto t0 = Clock::now();
    scenario::Run run(s);
    const scenario::Report r = run.run();
    const double wall = seconds_since(t0);
    std::printf(
        "farm clients=%u sim_s=%lld events=%llu pages=%llu wall_s=%.2f events_per_s=%.0f "
        "wall_ms_per_page=%.4f peak_rss_mb=%.0f\n",
        clients, static_cast<long long>(seconds), static_cast<unsigned long long>(r.events),
        static_cast<unsigned long long>(r.clients.pages), wall, static_cast<double>(r.events) / wall,
        r.clients.pages == 0 ? 0.0 : wall * 1000.0 / static_cast<double>(r.clients.pages), peak_rss_mb());
    if (against_kernel) {
        const double hold_after = hold_events_per_s(kHoldPending, kHoldEvents);
        const double hold = (hold_before + hold_after) / 2;
        const double kernel_s = kGoalEvents / hold;
        std::printf(
            "against-kernel hold_n=%llu events_per_s=%.0f..%.0f goal_s=%.2f (%.0f x %.1fM / hold) "
            "ratio=%.2f (farm wall / (%.1fM / hold); goal <= %.0f) model_cost_per_event=%.1fx kernel\n",
            static_cast<unsigned long long>(kHoldPending), std::min(hold_before, hold_after),
            std::max(hold_before, hold_after), kGoalFactor * kernel_s, kGoalFactor, kGoalEvents / 1e6,
            wall / kernel_s, kGoalEvents / 1e6, kGoalFactor, (wall / static_cast<double>(r.events)) * hold);
    }
    std::fprintf(stderr, "  idle_wakeups=%llu packets=%llu scheduled=%llu\n",
                 static_cast<unsigned long long>(run.sim().idle_wakeups()),
                 static_cast<unsigned long long>(run.network().packets_sent()),
                 static_cast<unsigned long long>(run.sim().events_scheduled()));
    std::fprintf(stderr, "  pages=%llu objects_ok=%llu failed=%llu p50=%.0fms p95=%.0fms\n",
                 static_cast<unsigned long long>(r.clients.pages),
                 static_cast<unsigned long long>(r.clients.objects_ok),
                 static_cast<unsigned long long>(r.clients.objects_failed), r.clients.page_load_p50_ms,
                 r.clients.page_load_p95_ms);
    return 0;
}

}  // namespace lvs::bench
