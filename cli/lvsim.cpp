// lvsim: the command line (a built-in kernel demo until the models land).
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>

#include "sim/simulator.hpp"
#include "sim/timer.hpp"

namespace {

// A toy: requests arrive at exponential intervals; an idle timer closes the "connection" after
// 5 s without requests. Shows the kernel's ordering, timers, streams and trace records.
struct Demo {
    lvs::sim::Simulator sim{1};
    lvs::sim::EntityId server = sim.add_entity("server");
    lvs::sim::Rng arrivals = sim.stream("client");
    int served = 0;
    lvs::sim::Timer idle{sim, [this] { LVS_TRACE(sim, server, "idle-close").f("served", served); }};

    void arrive() {
        using namespace lvs::sim;
        ++served;
        LVS_TRACE(sim, server, "request").f("n", served);
        idle.arm(s(5));
        if (sim.now() < at(s(20))) sim.after(arrivals.exponential(s(3)), [this] { arrive(); });
    }
};

int demo() {
    using namespace lvs::sim;
    Demo d;
    TextSink text(std::cout);
    CounterSink counter;
    d.sim.trace().subscribe(text);
    d.sim.trace().subscribe(counter);
    d.sim.after(Duration{}, [&d] { d.arrive(); });
    d.sim.run_until(at(s(60)));
    std::cout << "demo: " << d.served << " requests, " << counter.total() << " trace records, "
              << d.sim.events_executed() << " events, clock at " << format_time(d.sim.now()) << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 2 && std::strcmp(argv[1], "demo") == 0) return demo();
    std::fputs("usage: lvsim demo\n", argc >= 2 && std::strcmp(argv[1], "--help") == 0 ? stdout : stderr);
    return argc >= 2 && std::strcmp(argv[1], "--help") == 0 ? 0 : 2;
}
