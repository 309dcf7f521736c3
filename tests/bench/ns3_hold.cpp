// The hold model on ns-3 (Debian's 3.37), for a same-machine comparison with lvsim-bench hold.
// Same workload: N pending events, each firing schedules one successor at now + Exp(mean 1 s);
// set-up excluded; one line per N in the same format.
#include <ns3/core-module.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

uint64_t g_remaining = 0;
ns3::Ptr<ns3::ExponentialRandomVariable> g_exp;

void Fire() {
    if (g_remaining == 0) {
        ns3::Simulator::Stop();
        return;
    }
    --g_remaining;
    ns3::Simulator::Schedule(ns3::NanoSeconds(static_cast<int64_t>(g_exp->GetValue() * 1e9)), &Fire);
}

double run(const std::string& scheduler, uint64_t n, uint64_t events) {
    ns3::ObjectFactory factory;
    factory.SetTypeId(scheduler);
    ns3::Simulator::SetScheduler(factory);
    g_exp = ns3::CreateObject<ns3::ExponentialRandomVariable>();
    g_exp->SetAttribute("Mean", ns3::DoubleValue(1.0));
    for (uint64_t i = 0; i < n; ++i)
        ns3::Simulator::Schedule(ns3::NanoSeconds(static_cast<int64_t>(g_exp->GetValue() * 1e9)), &Fire);
    // Warm-up of n events (as lvsim-bench does), then the timed part.
    g_remaining = n;
    ns3::Simulator::Run();
    g_remaining = events;
    const auto t0 = std::chrono::steady_clock::now();
    ns3::Simulator::Run();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ns3::Simulator::Destroy();
    return static_cast<double>(events) / wall;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string scheduler = argc > 1 ? argv[1] : "ns3::PriorityQueueScheduler";
    const uint64_t events = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10'000'000;
    for (uint64_t n : {1'000ull, 100'000ull, 1'000'000ull}) {
        if (argc > 3 && std::strtoull(argv[3], nullptr, 10) != n) continue;
        ns3::RngSeedManager::SetSeed(1);
        std::printf("ns3-hold scheduler=%s N=%llu events=%llu events_per_s=%.0f\n", scheduler.c_str(),
                    static_cast<unsigned long long>(n), static_cast<unsigned long long>(events),
                    run(scheduler, n, events));
        std::fflush(stdout);
    }
    return 0;
}
