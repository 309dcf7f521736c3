// lvsim-bench farm --clients N: N browsers (one 20 kB HTML object and 40 images of 10 kB per
// page, then an exponential think time of mean 30 s), one NAT director with wlc and 10
// event-MPM realservers, 20 ms round trips, 10 simulated minutes, one process.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"

namespace lvs::bench {

// Built as a scenario file would be, and read by the loader (which checks it like any file).
scenario::Scenario farm_scenario(uint32_t clients, sim::Duration duration) {
    std::string rules = "    -A -t 10.0.0.100:80 -s wlc\n";
    std::string realservers;
    for (int i = 0; i < 10; ++i) {
        const std::string name = "rs" + std::to_string(i + 1),
                          address = "192.168.10." + std::to_string(11 + i);
        rules += "    -a -t 10.0.0.100:80 -r " + address + ":80 -m -w 1\n";
        // Event MPM (nginx-like), 1 ms per request.
        realservers +=
            "  - {name: " + name + ", address: " + address + ", server: nginx, service_time: 1ms}\n";
    }
    const std::string yaml = "name: farm\nseed: 1\nduration: " + sim::format_duration(duration) +
                             "\nsample_every: 10s\n"
                             // A 10 Gbit/s LAN: at 10,000 users the responses alone exceed 1 Gbit/s through
                             // the NAT director, which would turn the benchmark into a congestion study.
                             "network: {lan_bandwidth: 10Gbit}\n"
                             "director:\n  rules: |\n" +
                             rules + "realservers:\n" + realservers +
                             "clients:\n  - name: users\n    count: " + std::to_string(clients) +
                             "\n    browser: ie8\n    page: {html: 20kB, objects: 40, object_size: 10kB}\n"
                             "    schedule: {think: exp(30s), start: 0s}\n";
    return scenario::load_scenario_text(yaml, "(lvsim-bench farm)");
}

int run_farm(const std::vector<std::string>& args) {
    uint32_t clients = 10'000;
    int64_t seconds = 600;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--clients" && i + 1 < args.size())
            clients = static_cast<uint32_t>(std::strtoul(args[++i].c_str(), nullptr, 10));
        else if (args[i] == "--seconds" && i + 1 < args.size()) seconds = std::atoll(args[++i].c_str());
        else {
            std::fprintf(stderr, "lvsim-bench farm: unknown argument '%s' (use --clients N, --seconds S)\n",
                         args[i].c_str());
            return 2;
        }
    }
    const scenario::Scenario s = farm_scenario(clients, sim::s(seconds));
    const auto t0 = Clock::now();
    scenario::Run run(s);
    const scenario::Report r = run.run();
    const double wall = seconds_since(t0);
    std::printf("farm clients=%u sim_s=%lld events=%llu wall_s=%.2f events_per_s=%.0f peak_rss_mb=%.0f\n",
                clients, static_cast<long long>(seconds), static_cast<unsigned long long>(r.events), wall,
                static_cast<double>(r.events) / wall, peak_rss_mb());
    std::fprintf(stderr, "  idle_wakeups=%llu scheduled=%llu\n",
                 static_cast<unsigned long long>(run.sim().idle_wakeups()),
                 static_cast<unsigned long long>(run.sim().events_scheduled()));
    std::fprintf(stderr, "  pages=%llu objects_ok=%llu failed=%llu p50=%.0fms p95=%.0fms\n",
                 static_cast<unsigned long long>(r.clients.pages),
                 static_cast<unsigned long long>(r.clients.objects_ok),
                 static_cast<unsigned long long>(r.clients.objects_failed), r.clients.page_load_p50_ms,
                 r.clients.page_load_p95_ms);
    return 0;
}

}  // namespace lvs::bench
