// lvsim-bench farm --clients N: N browsers (one 20 kB HTML object and 40 images of 10 kB per
// page, then an exponential think time of mean 30 s), one NAT director with wlc and 10
// event-MPM realservers, 20 ms round trips, 10 simulated minutes, one process.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench.hpp"
#include "models/scenario/runtime.hpp"

namespace lvs::bench {

scenario::Scenario farm_scenario(uint32_t clients, sim::Duration duration) {
    scenario::Scenario s;
    s.name = "farm";
    s.file = "(lvsim-bench farm)";
    s.seed = 1;
    s.duration = duration;
    s.sample_every = sim::s(10);
    // A 10 Gbit/s LAN: at 10,000 users the responses alone exceed 1 Gbit/s through the NAT
    // director, which would turn the benchmark into a congestion study.
    s.network.lan_bandwidth_bps = 10'000'000'000;
    s.rules.push_back("-A -t 10.0.0.100:80 -s wlc");
    for (int i = 0; i < 10; ++i) {
        scenario::RealServerSpec rs;
        rs.name = "rs" + std::to_string(i + 1);
        rs.address = net::Ipv4::of(192, 168, 10, static_cast<uint8_t>(11 + i));
        rs.server = *http::find_server_preset("nginx");  // event MPM
        rs.server.service = http::Distribution::fixed(1e6);
        s.realservers.push_back(rs);
        s.rules.push_back("-a -t 10.0.0.100:80 -r " + rs.address.str() + ":80 -m -w 1");
    }
    scenario::ClientGroupSpec g;
    g.name = "users";
    g.count = clients;
    g.browser.profile = *http::find_browser_profile("ie8");
    g.browser.page.html_bytes = 20'000;
    g.browser.page.objects = 40;
    g.browser.page.object_bytes = http::Distribution::fixed(10'000);
    g.browser.schedule.kind = http::LoadSchedule::Kind::Think;
    g.browser.schedule.think = http::Distribution::exponential(30e9);
    // Start times spread over the first think time so that the farm does not load in lockstep.
    g.browser.schedule.start = sim::Time{};
    s.clients.push_back(g);
    return s;
}

int run_farm(const std::vector<std::string>& args) {
    uint32_t clients = 10'000;
    int64_t seconds = 600;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--clients" && i + 1 < args.size()) clients = static_cast<uint32_t>(std::strtoul(args[++i].c_str(), nullptr, 10));
        else if (args[i] == "--seconds" && i + 1 < args.size()) seconds = std::atoll(args[++i].c_str());
        else {
            std::fprintf(stderr, "lvsim-bench farm: unknown argument '%s' (use --clients N, --seconds S)\n", args[i].c_str());
            return 2;
        }
    }
    const scenario::Scenario s = farm_scenario(clients, sim::s(seconds));
    const auto t0 = Clock::now();
    scenario::Run run(s);
    const scenario::Report r = run.run();
    const double wall = seconds_since(t0);
    std::printf("farm clients=%u sim_s=%lld events=%llu wall_s=%.2f events_per_s=%.0f peak_rss_mb=%.0f\n", clients,
                static_cast<long long>(seconds), static_cast<unsigned long long>(r.events), wall,
                static_cast<double>(r.events) / wall, peak_rss_mb());
    std::fprintf(stderr, "  pages=%llu objects_ok=%llu failed=%llu p50=%.0fms p95=%.0fms\n",
                 static_cast<unsigned long long>(r.clients.pages), static_cast<unsigned long long>(r.clients.objects_ok),
                 static_cast<unsigned long long>(r.clients.objects_failed), r.clients.page_load_p50, r.clients.page_load_p95);
    return 0;
}

}  // namespace lvs::bench
