// lvsim: run scenario files, compare them, check them, list the lessons.
//
// Exit status: 0 when every expectation holds, 1 when one fails, 2 on bad input (a wrong file
// or command line), with a message naming file, line, column and the fix.
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/quantity.hpp"
#include "models/scenario/run_estimate.hpp"
#include "models/scenario/runtime.hpp"
#include "models/trace/vocabulary.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace lvs;

namespace {

constexpr int kOk = 0;
constexpr int kExpectationsFailed = 1;
constexpr int kBadInput = 2;
constexpr int kOutputFailed = 74;  // sysexits.h EX_IOERR: an output could not be written

struct Usage : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const char* kMainHelp =
    "lvsim - a discrete-event simulator of Linux Virtual Server (IPVS) load balancing\n"
    "\n"
    "usage: lvsim COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  run FILE       run a scenario, print the report (exit 0 if every expectation holds, 1 if not)\n"
    "  check FILE     validate a scenario file without running it\n"
    "  compare A [B]  run scenarios (or variants of one) and print their key figures side by side\n"
    "  sweep FILE     run a scenario over varied values, replicated, on all cores (or MPI ranks): mean ± 95% "
    "CI\n"
    "  lessons        list the lesson library (scenarios/)\n"
    "  view FILE      open a scenario or a recorded trace in the timeline viewer (lvsim-view)\n"
    "  export FILE    a web page of the run (--html OUT.html) or a printable handout (--handout)\n"
    "  grade EX ANS   grade break/fix exercise answers against the exercise's key\n"
    "  import KIND F  your keepalived.conf, ldirectord.cf, ipvsadm-save, sysctl -a, -Lnc or access log as a "
    "scenario\n"
    "  drain-plan F   drain one realserver every way (weight 0, -d, health check, ...): time to empty, "
    "errors\n"
    "  presets [NAME] the client and server presets (browsers, API clients, web servers) and their sources\n"
    "  hash-churn     slots and flows that move when realservers leave sh, mh (Maglev) or dh\n"
    "  trace-vocabulary  print the trace's record kinds and fields (docs/trace.md)\n"
    "\n"
    "`lvsim COMMAND --help` shows a command's options. Exit status 2 means bad input.\n";

std::vector<sim::Time> parse_times(const std::string& text) {
    std::vector<sim::Time> out;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ',')) {
        try {
            out.push_back(sim::parse_time(part));
        } catch (const sim::TimeParseError& e) {
            throw Usage(std::string("--snapshot-at: ") + e.what() + " (" + e.hint() + ")");
        }
    }
    return out;
}

volatile std::sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int sig) { g_stop_signal = sig; }

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

std::string scenario_dir() {
    if (const char* env = std::getenv("LVSIM_SCENARIOS")) return env;
    return LVSIM_SCENARIO_DIR;
}

// Progress on stderr for runs longer than about two seconds, only on a terminal.
struct Progress {
    bool enabled;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last = start;
    uint64_t last_events = 0;
    bool printed = false;
    explicit Progress(bool on) : enabled(on && isatty(2) != 0) {}
    void operator()(sim::Time t, uint64_t events, sim::Time end) {
        if (!enabled) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - start < std::chrono::seconds(2) || now - last < std::chrono::milliseconds(500)) return;
        const double dt = std::chrono::duration<double>(now - last).count();
        std::fprintf(stderr, "\r  simulated %s of %s, %.2fM events/s   ", sim::format_time(t).c_str(),
                     sim::format_time(end).c_str(), static_cast<double>(events - last_events) / dt / 1e6);
        last = now;
        last_events = events;
        printed = true;
    }
    ~Progress() {
        if (printed) std::fputs("\r\033[K", stderr);
    }
};

void declare_run_options(po::options_description& o) {
    o.add_options()("help,h", "show this help")("seed", po::value<std::string>(),
                                                "override the scenario's seed")(
        "until", po::value<std::string>(), "stop at this simulated time (e.g. 90s) instead of the duration")(
        "set", po::value<std::vector<std::string>>()->composing(),
        "KEY=VALUE: override a scenario value by key path (repeatable)")(
        "snapshot-at", po::value<std::string>(), "T[,T...]: extra ipvsadm snapshots at these times")(
        "json", po::value<std::string>(), "write the JSON report (lvsim-report/1) to PATH, or - for stdout")(
        "csv", po::value<std::string>(), "write the time series (one row per sample and realserver) to PATH")(
        "trace", po::value<std::string>(), "write every trace record as JSON Lines to PATH")(
        "pcap", po::value<std::string>(), "write the simulated segments as a pcap file to PATH")(
        "quiet,q", "no human report and no progress line")(
        "list-quantities",
        "print every quantity conditions and sweep metrics can name, with its unit, then exit")(
        "fingerprint", "digest every trace record into a fingerprint and print it (alone with --quiet)")(
        "ss", "print each snapshot's `ss -tin` listings of the hosts' sockets in the report")(
        "list-keys", "print every settable key path with its value, then exit")(
        "allow-large-run", "run even when the estimate exceeds 5 G events or 4 GiB of samples")(
        "check-invariants",
        "check the models' invariants at every sample (always on in the sanitizer build)");
}

void print_run_help(const po::options_description& o) {
    std::cout
        << o << "\nKey paths are dotted paths through the scenario, list items addressed by name:\n"
        << "  --set clients.ie8.keepalive_timeout=30s --set realservers.rs1.keepalive_timeout=5s\n"
        << "  --set director.sysctl.expire_nodest_conn=1 --set network.rtt=200ms --set "
           "clients.ie8.count=100\n"
        << "The presets a scenario names (browser:, client:, server:) and their sources: lvsim presets.\n";
}

// How far to run, the extra snapshots, and the size check, all before anything runs.
scenario::RunOptions run_settings(const po::variables_map& vm, const scenario::Scenario& s) {
    scenario::RunOptions opt;
    if (vm.count("until") != 0) {
        try {
            opt.until = sim::parse_time(vm["until"].as<std::string>());
        } catch (const sim::TimeParseError& e) {
            throw Usage(std::string("--until: ") + e.what() + " (" + e.hint() + ")");
        }
    }
    if (vm.count("snapshot-at") != 0) {
        opt.snapshot_at = parse_times(vm["snapshot-at"].as<std::string>());
        const sim::Time last = opt.until ? *opt.until : sim::at(s.duration);
        for (const sim::Time t : opt.snapshot_at)
            if (t > last)
                throw Usage("--snapshot-at " + sim::format_time(t) + " is after the run ends (" +
                            sim::format_time(last) + "); use --until or a time within the run");
    }
    {
        const sim::Time last = opt.until ? *opt.until : sim::at(s.duration);
        const std::string too_large = scenario::run_too_large(scenario::estimate_run(s, last));
        if (!too_large.empty() && vm.count("allow-large-run") == 0) throw Usage(too_large);
    }
    return opt;
}

// Every output is opened (under a temporary name) before the run starts, so a wrong path
// costs nothing, and put in place only once complete.
struct RunOutputs {
    std::unique_ptr<cli::OutputFile> json, csv, trace, pcap;
};

RunOutputs open_outputs(const po::variables_map& vm) {
    const auto output = [&](const char* option) -> std::unique_ptr<cli::OutputFile> {
        if (vm.count(option) == 0 || vm[option].as<std::string>() == "-") return nullptr;
        return std::make_unique<cli::OutputFile>(std::string("--") + option, vm[option].as<std::string>());
    };
    RunOutputs out;
    out.json = output("json");
    out.csv = output("csv");
    out.trace = output("trace");
    out.pcap = vm.count("pcap") != 0 ? std::make_unique<cli::OutputFile>(
                                           "--pcap", vm["pcap"].as<std::string>(), std::ios::binary)
                                     : nullptr;
    return out;
}

// Writes and puts in place what the options asked for, once the run has ended.
void write_outputs(const po::variables_map& vm, const RunOutputs& out, const scenario::Report& report) {
    const auto& [json, csv, trace, pcap] = out;
    const bool quiet = vm.count("quiet") != 0;
    // Outputs of an interrupted run: the JSON says "complete": false; the others keep only a
    // ".partial" name.
    const std::string partial = report.complete ? "" : ".partial";
    if (vm.count("json") != 0) {
        if (json) {
            scenario::write_json_report(json->stream(), report);
            json->commit();
        } else {
            scenario::write_json_report(std::cout, report);
        }
    }
    if (vm.count("csv") != 0) {
        if (csv) {
            scenario::write_csv(csv->stream(), report);
            csv->commit(partial);
        } else {
            scenario::write_csv(std::cout, report);
        }
    }
    if (trace) trace->commit(partial);
    if (pcap) pcap->commit(partial);
    if (!quiet && !(vm.count("json") != 0 && vm["json"].as<std::string>() == "-"))
        scenario::write_text_report(std::cout, report, vm.count("ss") != 0);
    else if (quiet && report.fingerprint)
        std::cout << scenario::format_fingerprint(*report.fingerprint) << "\n";
    cli::check_stdout();
}

int cmd_run(const std::vector<std::string>& args) {
    po::options_description o("lvsim run FILE [options]");
    declare_run_options(o);
    const po::variables_map vm = cli::parse_file_command(args, o);
    if (vm.count("help") != 0) {
        print_run_help(o);
        return kOk;
    }
    if (vm.count("file") == 0)
        throw Usage("lvsim run: which scenario file? (e.g. lvsim run scenarios/01-drain-zero-weight.yaml)");
    const std::vector<std::string> sets =
        vm.count("set") != 0 ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    scenario::Scenario s = scenario::load_scenario_file(vm["file"].as<std::string>(), sets);
    if (vm.count("seed") != 0) s.seed = cli::parse_seed(vm["seed"].as<std::string>());
    if (vm.count("list-keys") != 0) {
        for (const auto& [k, v] : scenario::list_keys(s)) std::cout << k << " = " << v << "\n";
        return kOk;
    }
    if (vm.count("list-quantities") != 0) {
        std::cout << scenario::quantity_listing(s);
        return kOk;
    }
    scenario::RunOptions opt = run_settings(vm, s);
    const RunOutputs outputs = open_outputs(vm);
    if (outputs.trace) opt.trace_jsonl = &outputs.trace->stream();
    else if (vm.count("trace") != 0) opt.trace_jsonl = &std::cout;  // --trace -
    if (outputs.pcap) {
        outputs.pcap->close_stream();  // the pcap writer opens it itself
        opt.pcap_path = outputs.pcap->writing_path();
    }
    opt.fingerprint = vm.count("fingerprint") != 0;
    if (vm.count("check-invariants") != 0) opt.check_invariants = true;
    const bool quiet = vm.count("quiet") != 0;
    Progress progress(!quiet);
    const sim::Time end = opt.until ? *opt.until : sim::at(s.duration);
    opt.progress = [&](sim::Time t, uint64_t ev) { progress(t, ev, end); };
    opt.progress_every = sim::s(1);
    // SIGINT and SIGTERM end the run at the next simulated second, with a partial report.
    opt.stop = &g_stop_signal;
    install_stop_handlers();
    scenario::Report report;
    {
        scenario::Run run(s, std::move(opt));
        report = run.run();
    }  // the pcap writer flushes here
    write_outputs(vm, outputs, report);
    if (!report.complete) {
        std::cerr << "lvsim run: stopped by " << (g_stop_signal == SIGTERM ? "SIGTERM" : "SIGINT") << " at "
                  << sim::format_time(report.end) << "; the outputs are partial\n";
        return 128 + static_cast<int>(g_stop_signal);
    }
    return report.passed() ? kOk : kExpectationsFailed;
}

int cmd_check(const std::vector<std::string>& args) {
    po::options_description o("lvsim check FILE [--set KEY=VALUE ...]");
    o.add_options()("help,h", "show this help")("set", po::value<std::vector<std::string>>()->composing(),
                                                "KEY=VALUE override");
    const po::variables_map vm = cli::parse_file_command(args, o);
    if (vm.count("help") != 0) {
        std::cout
            << o
            << "\nValidates the file (YAML, keys, units, names, ipvsadm lines applied in order, realserver\n"
            << "addresses, client targets, sysctls, times, conditions and their units) and exits 0 when it "
               "is\n"
            << "right (printing any warnings), 2 with the first problem's file:line:column otherwise.\n";
        return kOk;
    }
    if (vm.count("file") == 0) throw Usage("lvsim check: which scenario file?");
    const auto sets =
        vm.count("set") != 0 ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const scenario::Scenario s = scenario::load_scenario_file(vm["file"].as<std::string>(), sets);
    for (const scenario::Warning& w : s.warnings)
        std::cout << s.file << ":" << w.mark.line << ":" << w.mark.column << ": warning: " << w.text << "\n";
    std::cout << vm["file"].as<std::string>() << ": ok (" << s.name << ": " << s.realservers.size()
              << " realservers, " << s.clients.size() << " client groups, " << s.timeline.size()
              << " timeline entries, " << s.expectations.size() << " expectations)\n";
    return kOk;
}

// The lesson text's first sentence, on one line: up to the first full stop followed by a space
// and a capital letter (or the end), so "-p 300" or "1.2 s" do not cut it.
std::string first_sentence(const std::string& text) {
    std::string flat;
    for (char c : text) flat += c == '\n' ? ' ' : c;
    for (size_t i = 0; i < flat.size(); ++i) {
        if (flat[i] != '.') continue;
        size_t j = i + 1;
        while (j < flat.size() && flat[j] == ' ') ++j;
        if (j == flat.size() || (j > i + 1 && std::isupper(static_cast<unsigned char>(flat[j])) != 0))
            return flat.substr(0, i + 1);
    }
    while (!flat.empty() && flat.back() == ' ') flat.pop_back();
    return flat;
}

// Words wrapped at `width` columns, continuation lines indented to `indent`.
std::string wrap(const std::string& text, size_t indent, size_t width) {
    std::string out;
    size_t column = indent;
    std::istringstream words(text);
    std::string w;
    while (words >> w) {
        if (column > indent && column + 1 + w.size() > width) {
            out += "\n" + std::string(indent, ' ');
            column = indent;
        } else if (column > indent) {
            out += ' ';
            ++column;
        }
        out += w;
        column += w.size();
    }
    return out;
}

int cmd_lessons(const std::vector<std::string>& args) {
    po::options_description o("lvsim lessons [--dir DIR]");
    o.add_options()("help,h", "show this help")(
        "dir", po::value<std::string>(), "where the lessons are (default: the source tree's scenarios/)");
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(o).run(), vm);
    po::notify(vm);
    if (vm.count("help") != 0) {
        std::cout << o << "\nLists the lesson library, one line each.\n";
        return kOk;
    }
    const std::string dir = vm.count("dir") != 0 ? vm["dir"].as<std::string>() : scenario_dir();
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".yaml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
        try {
            const scenario::Scenario s = scenario::load_scenario_file(f.string());
            std::cout << std::left << std::setw(34) << f.filename().string() << " "
                      << wrap(first_sentence(s.lesson), 35, 100) << "\n";
        } catch (const scenario::ConfigError& e) {
            std::cout << std::left << std::setw(34) << f.filename().string() << " (invalid: " << e.what()
                      << ")\n";
        }
    }
    return kOk;
}

int cmd_trace_vocabulary(const std::vector<std::string>& args) {
    po::options_description o("lvsim trace-vocabulary");
    o.add_options()("help,h", "show this help");
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(o).run(), vm);
    po::notify(vm);
    if (vm.count("help") != 0) {
        std::cout << o << "\nPrints every record kind of `lvsim run --trace` and its fields, as Markdown.\n";
        return kOk;
    }
    std::cout << trace::render_markdown();
    return kOk;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::cerr << kMainHelp;
        return kBadInput;
    }
    const std::string cmd = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    try {
        if (cmd == "--help" || cmd == "-h" || cmd == "help") {
            std::cout << kMainHelp;
            return kOk;
        }
        if (cmd == "run") return cmd_run(rest);
        if (cmd == "check") return cmd_check(rest);
        if (cmd == "lessons") return cmd_lessons(rest);
        if (cmd == "trace-vocabulary") return cmd_trace_vocabulary(rest);
        if (cmd == "compare") return cli::cmd_compare(rest);
        if (cmd == "sweep") return cli::cmd_sweep(rest);
        if (cmd == "export") return cli::cmd_export(rest);
        if (cmd == "grade") return cli::cmd_grade(rest);
        if (cmd == "import") return cli::cmd_import(rest);
        if (cmd == "drain-plan") return cli::cmd_drain_plan(rest);
        if (cmd == "presets") return cli::cmd_presets(rest);
        if (cmd == "hash-churn") return cli::cmd_hash_churn(rest);
        if (cmd == "view") {
#ifdef LVSIM_VIEWER_PATH
            std::vector<char*> argv_view{const_cast<char*>(LVSIM_VIEWER_PATH)};
            for (const std::string& a : rest) argv_view.push_back(const_cast<char*>(a.c_str()));
            argv_view.push_back(nullptr);
            execv(LVSIM_VIEWER_PATH, argv_view.data());
            throw Usage(std::string("view: cannot start ") + LVSIM_VIEWER_PATH +
                        " (build it: cmake --build build --target lvsim-view)");
#else
            throw Usage(
                "view: this build has no viewer; install libglfw3-dev libimgui-dev libstb-dev and configure "
                "again "
                "(scripts/setup.sh does both)");
#endif
        }
        throw Usage(
            "unknown command '" + cmd +
            "'; commands: run, check, compare, sweep, lessons, view, export, grade, import, drain-plan, "
            "presets, trace-vocabulary (see "
            "lvsim --help)");
    } catch (const scenario::ConfigError& e) {
        std::cerr << e.format() << "\n";
        return kBadInput;
    } catch (const Usage& e) {
        std::cerr << "lvsim: " << e.what() << "\n";
        return kBadInput;
    } catch (const po::error& e) {
        std::cerr << "lvsim " << cmd << ": " << e.what() << " (see lvsim " << cmd << " --help)\n";
        return kBadInput;
    } catch (const std::filesystem::filesystem_error& e) {
        std::cerr << "lvsim: " << e.what() << "\n";
        return kBadInput;
    } catch (const cli::CliError& e) {
        std::cerr << "lvsim " << cmd << ": " << e.what() << "\n";
        return kBadInput;
    } catch (const cli::OutputError& e) {
        if (*e.what() != 0) std::cerr << "lvsim " << cmd << ": " << e.what() << "\n";
        return kOutputFailed;
    } catch (const std::exception& e) {
        // A failure inside the simulator, not the user's input: say so plainly.
        std::cerr << "lvsim " << cmd << ": internal error: " << e.what() << "\n";
        return 3;
    }
}
