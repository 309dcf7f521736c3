// lvsim compare: scenarios (or variants of one) side by side, drains included.
#include <algorithm>
#include <boost/program_options.hpp>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"

namespace po = boost::program_options;

namespace lvs::cli {

namespace {

std::string fixed(double v, int p) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(p) << v;
    return o.str();
}

// "210.2 s (+190.2)": the run time, and how long after the drain command.
std::string drain_text(const scenario::DrainResult& drain, const std::optional<sim::Duration>& after) {
    if (!after) return "not within the run";
    return fixed((drain.at + *after).seconds(), 1) + " s (+" + fixed(after->seconds(), 1) + ")";
}

struct Variant {
    std::string title;
    std::string file;
    std::vector<std::string> sets;
};

// The runs to compare: one per file, or one per --vary value of a single file.
std::vector<Variant> variants_of(const po::variables_map& vm) {
    const auto files =
        vm.count("files") != 0 ? vm["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const auto sets =
        vm.count("set") != 0 ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    std::vector<Variant> variants;
    if (vm.count("vary") != 0) {
        if (files.size() != 1) throw CliError("--vary takes exactly one scenario file");
        const std::string v = vm["vary"].as<std::string>();
        const size_t eq = v.find('=');
        if (eq == std::string::npos)
            throw CliError("--vary needs KEY=V1,V2,... (e.g. clients.ie8.keepalive_timeout=30s,60s)");
        std::stringstream in(v.substr(eq + 1));
        std::string value;
        while (std::getline(in, value, ',')) {
            Variant x{v.substr(0, eq) + "=" + value, files[0], sets};
            x.sets.push_back(v.substr(0, eq) + "=" + value);
            variants.push_back(x);
        }
    } else {
        if (files.empty())
            throw CliError(
                "which scenarios? (e.g. lvsim compare scenarios/01-drain-zero-weight.yaml "
                "scenarios/02-delete-server.yaml)");
        for (const std::string& f : files) variants.push_back({f, f, sets});
    }
    return variants;
}

using Rows = std::vector<std::pair<std::string, std::vector<std::string>>>;

// Rows of key figures, one column per run.
Rows figure_rows(const std::vector<scenario::Report>& reports) {
    Rows rows;
    const auto row = [&](const std::string& label, auto get) {
        std::vector<std::string> cells;
        for (const scenario::Report& r : reports) cells.push_back(get(r));
        rows.emplace_back(label, cells);
    };
    const auto u = [](uint64_t v) { return std::to_string(v); };
    row("scenario", [](const scenario::Report& r) { return r.scenario; });
    row("kernel profile", [](const scenario::Report& r) { return r.kernel; });
    row("pages loaded / started",
        [&](const scenario::Report& r) { return u(r.clients.pages_completed) + " / " + u(r.clients.pages); });
    row("objects ok", [&](const scenario::Report& r) { return u(r.clients.objects_ok); });
    row("objects failed (broken)", [&](const scenario::Report& r) { return u(r.clients.objects_failed); });
    row("objects aborted by reload", [&](const scenario::Report& r) { return u(r.clients.objects_aborted); });
    row("objects pending at end", [&](const scenario::Report& r) { return u(r.clients.objects_pending); });
    row("requests retried", [&](const scenario::Report& r) { return u(r.clients.retries); });
    row("errors refused/reset/timeout", [&](const scenario::Report& r) {
        return u(r.clients.errors_refused) + "/" + u(r.clients.errors_reset) + "/" +
               u(r.clients.errors_timeout);
    });
    row("longest wait for a request",
        [](const scenario::Report& r) { return fixed(r.clients.longest_stall_s, 3) + " s"; });
    row("page load p50 / p95 (ms)", [](const scenario::Report& r) {
        return fixed(r.clients.page_load_p50_ms, 0) + " / " + fixed(r.clients.page_load_p95_ms, 0);
    });
    row("connections opened", [&](const scenario::Report& r) { return u(r.clients.connections_opened); });
    row("client TIME_WAIT max", [&](const scenario::Report& r) { return u(r.clients.time_wait_max); });
    // UDP clients, when any run has them.
    const bool dns = std::any_of(reports.begin(), reports.end(),
                                 [](const scenario::Report& r) { return r.clients.resolvers > 0; });
    const bool syslog = std::any_of(reports.begin(), reports.end(),
                                    [](const scenario::Report& r) { return r.clients.syslog_senders > 0; });
    if (dns) {
        row("DNS lookups answered / failed", [&](const scenario::Report& r) {
            return u(r.clients.lookups_answered) + " / " + u(r.clients.lookups_failed);
        });
        row("DNS answer p95 / max (ms)", [](const scenario::Report& r) {
            return fixed(r.clients.lookup_p95_ms, 0) + " / " + fixed(r.clients.lookup_max_ms, 0);
        });
    }
    if (syslog)
        row("syslog sent / lost", [&](const scenario::Report& r) {
            return u(r.clients.syslog_sent) + " / " + u(r.clients.syslog_lost());
        });
    if (!reports.empty())
        for (size_t i = 0; i < reports[0].realservers.size(); ++i) {
            const std::string name = reports[0].realservers[i].name;
            row(name + " requests served", [&](const scenario::Report& r) {
                return i < r.realservers.size() ? u(r.realservers[i].requests) : "-";
            });
            row(name + " TIME_WAIT max", [&](const scenario::Report& r) {
                return i < r.realservers.size() ? u(r.realservers[i].time_wait_max) : "-";
            });
        }
    row("drain command", [](const scenario::Report& r) {
        return r.drains.empty() ? std::string("-")
                                : r.drains[0].realserver + " at " + fixed(r.drains[0].at.seconds(), 0) + " s";
    });
    // Run time, and (after the command): both clocks, as the run report gives them.
    row("  ActiveConn reaches 0 at", [](const scenario::Report& r) {
        return r.drains.empty() ? std::string("-") : drain_text(r.drains[0], r.drains[0].no_active_after);
    });
    row("  all entries gone at", [](const scenario::Report& r) {
        return r.drains.empty() ? std::string("-") : drain_text(r.drains[0], r.drains[0].no_entries_after);
    });
    row("expectations", [](const scenario::Report& r) {
        size_t ok = 0;
        for (const auto& e : r.expectations) ok += e.passed ? 1 : 0;
        return std::to_string(ok) + "/" + std::to_string(r.expectations.size()) +
               (ok == r.expectations.size() ? " hold" : " FAIL");
    });
    return rows;
}

void print_columns(const std::vector<Variant>& variants, const std::vector<scenario::Report>& reports,
                   const Rows& rows) {
    size_t label_w = 0;
    for (const auto& [l, c] : rows) label_w = std::max(label_w, l.size());
    std::vector<size_t> col_w(reports.size(), 0);
    for (const auto& [l, c] : rows)
        for (size_t i = 0; i < c.size(); ++i) col_w[i] = std::max(col_w[i], c[i].size());
    for (size_t i = 0; i < variants.size(); ++i)
        std::cout << "[" << i + 1 << "] " << variants[i].title << "\n";
    std::cout << "\n" << std::left << std::setw(static_cast<int>(label_w)) << "";
    for (size_t i = 0; i < reports.size(); ++i)
        std::cout << "  " << std::left << std::setw(static_cast<int>(col_w[i]))
                  << "[" + std::to_string(i + 1) + "]";
    std::cout << "\n";
    for (const auto& [l, c] : rows) {
        std::cout << std::left << std::setw(static_cast<int>(label_w)) << l;
        for (size_t i = 0; i < c.size(); ++i)
            std::cout << "  " << std::left << std::setw(static_cast<int>(col_w[i])) << c[i];
        std::cout << "\n";
    }
}

}  // namespace

int cmd_compare(const std::vector<std::string>& args) {
    po::options_description o("lvsim compare A [B ...] [options]");
    o.add_options()("help,h", "show this help")("set", po::value<std::vector<std::string>>()->composing(),
                                                "KEY=VALUE applied to every run")(
        "vary", po::value<std::string>(), "KEY=V1,V2,...: one file, one run per value")(
        "json", po::value<std::string>(), "also write each run's JSON report to PATH.N.json");
    const po::variables_map vm = parse_files_command(args, o);
    if (vm.count("help") != 0) {
        std::cout << o
                  << "\nExamples:\n  lvsim compare scenarios/01-drain-zero-weight.yaml "
                     "scenarios/02-delete-server.yaml\n"
                  << "  lvsim compare scenarios/01-drain-zero-weight.yaml --vary "
                     "clients.ie8.keepalive_timeout=30s,60s,115s\n";
        return 0;
    }
    const std::vector<Variant> variants = variants_of(vm);
    std::vector<scenario::Report> reports;
    for (const Variant& v : variants) {
        const scenario::Scenario s = scenario::load_scenario_file(v.file, v.sets);
        scenario::Run run(s);
        reports.push_back(run.run());
    }
    print_columns(variants, reports, figure_rows(reports));
    bool ok = true;
    for (const auto& r : reports) ok = ok && r.passed();
    return ok ? 0 : 1;
}

}  // namespace lvs::cli
