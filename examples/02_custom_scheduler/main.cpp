// Example 2: a scheduler written outside the library, registered by name, compared with wlc.
//
// "slowstart" is weighted least-connection with a slow start, which the kernel does not have:
// a realserver that joins (added, or its weight raised from 0) starts with a small share of
// the new connections and reaches its full weight 30 s later, like HAProxy's `slowstart`
// server option and nginx's `slow_start` ("the weight grows linearly from 0 to 100%").
// docs/writing-a-scheduler.md walks through this file.
#include <algorithm>
#include <cstdio>
#include <lvsim/lvsim.hpp>
#include <map>
#include <string>

using namespace std::chrono_literals;

class SlowStart final : public lvsim::Scheduler {
public:
    const lvsim::Candidate* pick(std::span<const lvsim::Candidate> candidates,
                                 const lvsim::PickRequest& req) override {
        const lvsim::Candidate* best = nullptr;
        for (const lvsim::Candidate& c : candidates) {
            if (!c.usable()) {  // weight 0 or overloaded: never picked, and it ramps again later
                joined_.erase(std::string(c.address));
                continue;
            }
            // A scheduler hears of the world only when asked to pick: "joined" is the first
            // time it sees the realserver usable.
            joined_.try_emplace(std::string(c.address), req.now);
            // Least (ActiveConn + 1) / effective weight wins, compared by cross-multiplying in
            // integers as the kernel's schedulers do; a tie keeps the earlier candidate. The + 1
            // matters: an empty server's load would be 0 whatever its weight.
            if (best == nullptr ||
                (c.active + 1ull) * effective(*best, req.now) < (best->active + 1ull) * effective(c, req.now))
                best = &c;
        }
        return best;  // nullptr when nobody is usable: "no destination available"
    }

    // What the "ipvs.sched" trace record shows for each candidate.
    std::string explain(const lvsim::Candidate& c, lvsim::Time now) const override {
        return "weight=" + std::to_string(c.weight) + " active=" + std::to_string(c.active) +
               " effective=" + std::to_string(c.usable() ? effective(c, now) : 0);
    }

private:
    static constexpr int64_t kRampMs = 30'000;

    // The weight scaled by the ramp, in weight-milliseconds: weight * clamp(ms since joining).
    uint64_t effective(const lvsim::Candidate& c, lvsim::Time now) const {
        const auto it = joined_.find(c.address);
        const int64_t ms =
            it == joined_.end()
                ? kRampMs
                : std::chrono::duration_cast<std::chrono::milliseconds>(now - it->second).count();
        return static_cast<uint64_t>(c.weight) * static_cast<uint64_t>(std::clamp<int64_t>(ms, 1, kRampMs));
    }

    std::map<std::string, lvsim::Time, std::less<>> joined_;  // address -> when it joined
};

int main(int argc, char** argv) {
    // From now on any scenario may say `-s slowstart`, in its rules or in an ipvsadm line.
    lvsim::register_scheduler<SlowStart>("slowstart");

    const std::string root = argc > 1 ? argv[1] : ".";  // the lvsim source tree
    const lvsim::Scenario lesson =
        lvsim::Scenario::load(root + "/examples/02_custom_scheduler/rs1-joins.yaml");
    const lvsim::Time windows[] = {30s, 33s, 36s, 40s, 50s, 60s, 90s};

    std::printf("share of the new connections that went to RS1 (added at 30s)\n%-10s", "scheduler");
    for (size_t i = 0; i + 1 < std::size(windows); ++i)
        std::printf(
            " %7s",
            (std::to_string(windows[i] / 1s) + "-" + std::to_string(windows[i + 1] / 1s) + "s").c_str());
    std::printf("  ActiveConn@60s  p95 page\n");
    // sed is wlc with the + 1 of ours and no ramp: it shows which part makes the difference.
    for (const char* scheduler : {"wlc", "sed", "slowstart"}) {
        lvsim::Scenario s = lesson;
        s.ipvsadm_at(0s, std::string("-E -t 10.0.0.100:80 -s ") + scheduler);  // as an admin would
        lvsim::Run run(s);
        std::printf("%-10s", scheduler);
        std::string active;
        run.run_until(windows[0]);
        double rs1 = run.quantity("rs1.conns"), all = run.evaluate("rs1.conns + rs2.conns");
        for (size_t i = 1; i < std::size(windows); ++i) {
            run.run_until(windows[i]);
            const double rs1_now = run.quantity("rs1.conns"), all_now = run.evaluate("rs1.conns + rs2.conns");
            std::printf(" %6.0f%%", 100.0 * (rs1_now - rs1) / std::max(1.0, all_now - all));
            rs1 = rs1_now;
            all = all_now;
            if (windows[i] == 60s)
                active = std::to_string(int(run.quantity("rs1.active"))) + " / " +
                         std::to_string(int(run.quantity("rs2.active")));
        }
        const lvsim::Report r = run.run();
        std::printf("  %-14s %6.0fms%s\n", active.c_str(), r.clients.page_load_p95_ms,
                    r.passed() ? "" : "  (expectations failed)");
    }
    // wlc's rush lasts longer than one might think: RS2's idle keep-alive connections count as
    // ActiveConn, so RS2 looks busy while serving little. Pages load as fast under all three:
    // the servers have room to spare. What a slow start buys is a gentle start for a cold
    // server (caches, JIT, pools), which lvsim does not model; its cost shows above.
}
