// The smallest program a student writes against an installed lvsim: a scenario built in code,
// a scheduler of its own, a run, a listing and a few figures.
#include <cstdio>
#include <lvsim/lvsim.hpp>

using namespace std::chrono_literals;

// Round robin by hand: the usable candidate after the last one picked.
struct Turns final : lvsim::Scheduler {
    size_t next = 0;
    const lvsim::Candidate* pick(std::span<const lvsim::Candidate> cs, const lvsim::PickRequest&) override {
        for (size_t i = 0; i < cs.size(); ++i) {
            const lvsim::Candidate& c = cs[(next + i) % cs.size()];
            if (c.usable()) {
                next = (next + i + 1) % cs.size();
                return &c;
            }
        }
        return nullptr;
    }
};

int main() {
    lvsim::register_scheduler<Turns>("turns");
    const lvsim::Scenario s =
        lvsim::ScenarioBuilder("consumer")
            .duration(30s)
            .rule("-A -t 10.0.0.100:80 -s turns")
            .rule("-a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1")
            .rule("-a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 1")
            .realserver("rs1", "192.168.10.11")
            .realserver("rs2", "192.168.10.12")
            .clients("c",
                     {{"keepalive_timeout", "1s"}, {"schedule.reload_every", "5s"}, {"schedule.stop", "20s"}})
            .expect("rs1.conns == rs2.conns")
            .build();
    lvsim::Run run(s);
    const lvsim::Report r = run.run();
    std::printf("pages %llu, objects %llu, expectations %s\n",
                static_cast<unsigned long long>(r.clients.pages_completed),
                static_cast<unsigned long long>(r.clients.objects_ok), r.passed() ? "hold" : "FAIL");
    std::printf("%s", run.ipvsadm("-Ln --stats").c_str());
    return r.passed() ? 0 : 1;
}
