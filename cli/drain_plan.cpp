// lvsim drain-plan SCENARIO --server RS: every way of draining RS applied at the same moment on
// the same traffic, replicated, with the time until RS is empty and what clients saw.
#include "models/scenario/drain_plan.hpp"

#include <atomic>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "models/scenario/loader.hpp"

namespace lvs::cli {

namespace po = boost::program_options;

namespace {

std::vector<scenario::DrainMethod> parse_methods(const std::string& text) {
    std::vector<scenario::DrainMethod> out;
    std::stringstream in(text);
    std::string word;
    while (std::getline(in, word, ',')) {
        const auto m = scenario::drain_method_named(word);
        if (!m) {
            std::string names;
            for (std::string_view n : scenario::kDrainMethodNames)
                names += (names.empty() ? "" : ", ") + std::string(n);
            throw CliError("--methods: '" + word + "' is no drain method; methods: " + names);
        }
        out.push_back(*m);
    }
    if (out.empty()) throw CliError("--methods needs at least one method");
    return out;
}

// Every available method's replications on `threads` threads; each result goes back to its
// slot, so the output is the same for any -j.
std::vector<std::vector<scenario::DrainSample>> run_samples(
    const std::vector<scenario::DrainVariant>& variants, uint32_t replications, uint64_t seed, size_t index,
    sim::Time at, unsigned threads_wanted) {
    // Jobs: method-major; results go back to their slots, so the output is the same for any -j.
    std::vector<std::pair<size_t, uint32_t>> jobs;
    for (size_t m = 0; m < variants.size(); ++m)
        if (variants[m].unavailable.empty())
            for (uint32_t r = 0; r < replications; ++r) jobs.emplace_back(m, r);
    std::vector<std::vector<scenario::DrainSample>> samples(variants.size(),
                                                            std::vector<scenario::DrainSample>(replications));
    std::atomic<size_t> next{0};
    std::mutex failed_mutex;
    std::string failed;
    const unsigned threads =
        std::min<unsigned>(threads_wanted, static_cast<unsigned>(std::max<size_t>(jobs.size(), 1)));
    const auto worker = [&] {
        for (size_t j = next++; j < jobs.size(); j = next++) {
            const auto [m, r] = jobs[j];
            try {
                samples[m][r] = scenario::run_drain_sample(variants[m].scenario, index, at,
                                                           scenario::replication_seed(seed, r));
            } catch (const std::exception& e) {
                const std::lock_guard<std::mutex> lock(failed_mutex);
                if (failed.empty()) failed = e.what();
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (std::thread& t : pool) t.join();
    if (!failed.empty()) throw CliError("a run failed: " + failed);
    return samples;
}

}  // namespace

int cmd_drain_plan(const std::vector<std::string>& args) {
    po::options_description o("lvsim drain-plan SCENARIO --server RS [options]");
    o.add_options()("help,h", "show this help")("server", po::value<std::string>(),
                                                "the realserver to drain")(
        "at", po::value<std::string>(), "when to drain it (default: when the scenario drains it)")(
        "methods", po::value<std::string>(),
        "comma list of weight0, delete, delete-expire, health-check, graceful, reload (default: all)")(
        "replications,r", po::value<unsigned>()->default_value(5), "runs per method, each with its own seed")(
        "seed", po::value<std::string>(), "the first replication's seed (default: the scenario's)")(
        "set", po::value<std::vector<std::string>>(),
        "KEY=VALUE applied to the scenario first (as lvsim run)")(
        "json", po::value<std::string>(),
        "also write the result as JSON to PATH (- for stdout, then no table)")(
        "jobs,j", po::value<unsigned>(), "threads (default: all cores)");
    const po::variables_map vm = parse_file_command(args, o);
    if (vm.count("help") != 0) {
        std::cout
            << o
            << "\nAny drain of RS the scenario has (-w 0, -d, fail-checks, drain, reload) is taken out; each "
               "method\n"
               "is then applied at the same moment, on the same traffic (the same seeds for every method).\n"
               "Per method: seconds from the drain until RS has no active connections and no entries,\n"
               "the clients' failed and aborted objects, requests that stalled 1 s or more, resets, and\n"
               "the longest stall, as mean ± 95% confidence interval over the replications.\n";
        return 0;
    }
    if (vm.count("file") == 0) throw CliError("give the scenario: lvsim drain-plan SCENARIO --server RS");
    if (vm.count("server") == 0) throw CliError("--server RS: which realserver to drain");
    const unsigned replications = vm["replications"].as<unsigned>();
    if (replications == 0 || replications > 1000) throw CliError("-r must be from 1 to 1000");
    const std::string file = vm["file"].as<std::string>();
    const std::vector<std::string> sets =
        vm.count("set") != 0 ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const scenario::Scenario base = scenario::load_scenario_file(file, sets);
    const std::string rs_name = vm["server"].as<std::string>();
    const scenario::RealServerSpec* rs = base.find_realserver(rs_name);
    if (rs == nullptr) {
        std::vector<std::string> names;
        for (const auto& r : base.realservers) names.push_back(r.name);
        const std::string near = scenario::did_you_mean(rs_name, names);
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        throw CliError("--server " + rs_name + ": no such realserver" +
                       (near.empty() ? " (realservers: " + list + ")" : " (did you mean " + near + "?)"));
    }
    const size_t index = static_cast<size_t>(rs - base.realservers.data());
    std::optional<sim::Time> at;
    if (vm.count("at") != 0) {
        try {
            at = sim::parse_time(vm["at"].as<std::string>());
        } catch (const sim::TimeParseError& e) {
            throw CliError(std::string("--at: ") + e.what() + " (" + e.hint() + ")");
        }
    } else {
        at = scenario::first_drain_in(base, index);
    }
    if (!at) throw CliError("the scenario never drains " + rs_name + ": say when with --at, e.g. --at 30s");
    if (at->since_start() >= base.duration)
        throw CliError("--at " + sim::format_time(*at) + " is not before the end of the run (" +
                       sim::format_duration(base.duration) + ")");
    const std::vector<scenario::DrainMethod> methods =
        vm.count("methods") != 0 ? parse_methods(vm["methods"].as<std::string>())
                                 : std::vector<scenario::DrainMethod>{
                                       scenario::DrainMethod::Weight0, scenario::DrainMethod::Delete,
                                       scenario::DrainMethod::DeleteExpire,
                                       scenario::DrainMethod::HealthCheck, scenario::DrainMethod::Graceful};
    const uint64_t seed = vm.count("seed") != 0 ? parse_seed(vm["seed"].as<std::string>()) : base.seed;
    if (vm.count("jobs") != 0 && vm["jobs"].as<unsigned>() == 0) throw CliError("--jobs must be at least 1");

    const bool json_to_stdout = vm.count("json") != 0 && vm["json"].as<std::string>() == "-";
    // A --json path that cannot be written is said before anything runs.
    std::optional<OutputFile> json_file;
    if (vm.count("json") != 0 && !json_to_stdout) json_file.emplace("--json", vm["json"].as<std::string>());

    scenario::DrainPlan plan;
    plan.scenario = base.name;
    plan.file = file;
    plan.realserver = rs_name;
    plan.at = *at;
    plan.replications = replications;
    for (const scenario::ClientGroupSpec& c : base.clients) plan.udp = plan.udp || c.is_udp();
    std::vector<scenario::DrainVariant> variants;
    for (size_t i = 0; i < methods.size(); ++i)
        variants.push_back(
            scenario::drain_variant(base, index, *at, methods[i], i == 0 ? &plan.removed : nullptr));
    const unsigned threads =
        vm.count("jobs") != 0 ? vm["jobs"].as<unsigned>() : std::max(1u, std::thread::hardware_concurrency());
    const auto samples = run_samples(variants, replications, seed, index, *at, threads);
    for (size_t m = 0; m < methods.size(); ++m)
        plan.methods.push_back(scenario::summarise_drain(methods[m], variants[m], samples[m]));

    if (!json_to_stdout) scenario::write_drain_table(std::cout, plan);
    if (vm.count("json") != 0) {
        std::ostringstream json;
        scenario::write_drain_json(json, plan);
        if (json_to_stdout) std::cout << json.str();
        else {
            json_file->stream() << json.str();
            json_file->commit();
        }
    }
    return 0;
}

}  // namespace lvs::cli
