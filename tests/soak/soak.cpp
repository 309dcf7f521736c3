// The soak test: every lesson, with several seeds, each run with random faults injected on its
// timeline (weight changes and zero-weight drains, realservers crashing, being killed or
// stopped and started again, single lost segments in both directions, clients that stop
// reloading) and the invariants checked at every sample (Run::check_invariants). In the
// sanitizer build ASan and UBSan watch the same runs.
//
//   lvsim-soak SCENARIO_DIR SEEDS FAULTS [UNTIL]
//
// Each run stops at UNTIL simulated seconds (default 120) or its duration. Exit 0 when every
// run ended without an invariant, an exception or a sanitizer report.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"

namespace {

using namespace lvs;
namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string seconds(double t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3fs", t);
    return buf;
}

// One random fault for this scenario as timeline entries (YAML), or none when the scenario
// offers nothing of that kind.
std::vector<YAML::Node> random_fault(const scenario::Scenario& s, std::mt19937_64& rng, double horizon) {
    std::uniform_real_distribution<double> when(0.5, std::max(1.0, horizon - 1));
    const double at = when(rng);
    std::vector<YAML::Node> out;
    const auto node = [&](double t) {
        YAML::Node n;
        n["at"] = seconds(t);
        return n;
    };
    std::vector<const scenario::RealServerSpec*> web;
    for (const auto& rs : s.realservers)
        if (rs.script.empty()) web.push_back(&rs);
    std::vector<std::string> dests;  // -a lines as -e lines with a new weight
    for (const auto& r : s.rules)
        if (r.command.cmd == ipvs::IpvsadmCmd::AddDest) dests.push_back(r.command.text);
    switch (std::uniform_int_distribution<int>(0, 4)(rng)) {
        case 0:  // a weight change, often a drain
            if (!dests.empty()) {
                std::string line = dests[std::uniform_int_distribution<size_t>(0, dests.size() - 1)(rng)];
                const size_t a = line.find("-a");
                if (a != std::string::npos) line[a + 1] = 'e';
                const size_t w = line.find(" -w ");
                if (w != std::string::npos) line = line.substr(0, w);
                line += " -w " + std::to_string(std::uniform_int_distribution<int>(0, 3)(rng));
                YAML::Node n = node(at);
                n["ipvsadm"] = line;
                out.push_back(n);
            }
            break;
        case 1:  // a realserver goes away and comes back
            if (!web.empty()) {
                const auto* rs = web[std::uniform_int_distribution<size_t>(0, web.size() - 1)(rng)];
                static const char* const kHow[] = {"crash", "kill", "stop"};
                YAML::Node down = node(at);
                down["server"] = rs->name;
                down["action"] = kHow[std::uniform_int_distribution<int>(0, 2)(rng)];
                YAML::Node up =
                    node(std::min(horizon, at + std::uniform_real_distribution<double>(1, 30)(rng)));
                up["server"] = rs->name;
                up["action"] = "start";
                out.push_back(down);
                out.push_back(up);
            }
            break;
        case 2:
        case 3: {  // a lost segment toward or from a host
            std::vector<std::string> hosts;
            for (const auto& rs : s.realservers) hosts.push_back(rs.name);
            for (const auto& g : s.clients)
                if (g.count == 1) hosts.push_back(g.name);
            if (hosts.empty()) break;
            YAML::Node n = node(at);
            n["drop"]["host"] = hosts[std::uniform_int_distribution<size_t>(0, hosts.size() - 1)(rng)];
            n["drop"]["direction"] = std::uniform_int_distribution<int>(0, 1)(rng) == 0 ? "in" : "out";
            n["drop"]["segment"] = std::uniform_int_distribution<int>(1, 40)(rng);
            out.push_back(n);
            break;
        }
        case 4:  // a client group stops reloading
            if (!s.clients.empty()) {
                YAML::Node n = node(at);
                n["client"] =
                    s.clients[std::uniform_int_distribution<size_t>(0, s.clients.size() - 1)(rng)].name;
                n["action"] = "stop-reloading";
                out.push_back(n);
            }
            break;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: lvsim-soak SCENARIO_DIR SEEDS FAULTS [UNTIL_SECONDS]\n");
        return 2;
    }
    const fs::path dir = argv[1];
    const int seeds = std::stoi(argv[2]);
    const int faults = std::stoi(argv[3]);
    const double until = argc > 4 ? std::stod(argv[4]) : 120;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".yaml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    int failed = 0, runs = 0, injected = 0;
    uint64_t events = 0;
    for (const fs::path& f : files) {
        const std::string text = read_file(f);
        for (int seed = 1; seed <= seeds; ++seed) {
            std::mt19937_64 rng(static_cast<uint64_t>(seed) * 0x9E3779B97F4A7C15ull ^
                                std::hash<std::string>{}(f.filename().string()));
            try {
                const scenario::Scenario base = scenario::load_scenario_text(text, f.string());
                const double horizon = std::min(until, base.duration.seconds());
                YAML::Node root = YAML::Load(text);
                int added = 0;
                for (int k = 0; k < faults; ++k) {
                    const std::vector<YAML::Node> fault = random_fault(base, rng, horizon);
                    if (fault.empty()) continue;
                    YAML::Node trial = YAML::Clone(root);
                    for (const YAML::Node& n : fault) trial["timeline"].push_back(n);
                    std::stringstream emitted;
                    emitted << trial;
                    try {
                        (void)scenario::load_scenario_text(emitted.str(), f.string());
                        root = trial;  // a fault the lesson accepts
                        ++added;
                    } catch (const scenario::ConfigError&) {
                        // e.g. a drop toward a host group of many, a start of a running server
                    }
                }
                std::stringstream emitted;
                emitted << root;
                scenario::Scenario s = scenario::load_scenario_text(emitted.str(), f.string());
                s.seed = base.seed + static_cast<uint64_t>(seed);
                scenario::RunOptions opt;
                opt.check_invariants = true;
                opt.until = sim::at(sim::ms(static_cast<int64_t>(horizon * 1000)));
                scenario::Run run(s, std::move(opt));
                const scenario::Report r = run.run();
                events += r.events;
                ++runs;
                injected += added;
            } catch (const std::exception& e) {
                std::printf("FAIL %s seed %d: %s\n", f.filename().c_str(), seed, e.what());
                ++failed;
            }
        }
    }
    std::printf("soak: %d runs of %zu lessons, %d faults injected, %llu events, %d failed\n", runs,
                files.size(), injected, static_cast<unsigned long long>(events), failed);
    return failed == 0 ? 0 : 1;
}
