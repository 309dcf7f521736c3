// lvsim hash-churn: how many table slots and flows move when realservers leave a sh, mh or dh
// service (models/ipvs/sched/hash_churn.hpp), as a plain table.
#include "models/ipvs/sched/hash_churn.hpp"

#include <charconv>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "models/ipvs/ipvsadm_args.hpp"

namespace lvs::cli {

namespace po = boost::program_options;

namespace {

std::vector<std::string> split_list(const std::vector<std::string>& values) {
    std::vector<std::string> out;
    for (const std::string& v : values) {
        std::stringstream in(v);
        std::string word;
        while (std::getline(in, word, ',')) out.push_back(word);
    }
    return out;
}

uint64_t whole_number(const std::string& option, const std::string& text, uint64_t min, uint64_t max) {
    uint64_t v = 0;
    const char* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || p != end || v < min || v > max)
        throw CliError(option + " " + text + ": a whole number from " + std::to_string(min) + " to " +
                       std::to_string(max));
    return v;
}

std::vector<uint64_t> whole_numbers(const po::variables_map& vm, const std::string& option, uint64_t min,
                                    uint64_t max) {
    std::vector<uint64_t> out;
    if (vm.count(option) == 0) return out;
    for (const std::string& w : split_list(vm[option].as<std::vector<std::string>>()))
        out.push_back(whole_number("--" + option, w, min, max));
    if (out.empty()) throw CliError("--" + option + " needs a value");
    return out;
}

std::vector<std::string> schedulers_of(const po::variables_map& vm) {
    const std::vector<std::string> words = vm.count("scheduler") != 0
                                               ? split_list(vm["scheduler"].as<std::vector<std::string>>())
                                               : std::vector<std::string>{"all"};
    std::vector<std::string> out;
    for (const std::string& w : words) {
        if (w == "all") out.insert(out.end(), {"sh", "mh"});
        else if (w == "sh" || w == "mh" || w == "dh") out.push_back(w);
        else throw CliError("--scheduler " + w + ": one of sh, mh, dh, all (sh and mh)");
    }
    return out;
}

// The mh tables to measure: --table-size primes or --mh-tab-index values (the kernel's), or the
// kernel's default.
std::vector<ipvs::SchedulerConfig> mh_configs(const po::variables_map& vm, bool hsiphash32) {
    if (vm.count("table-size") != 0 && vm.count("mh-tab-index") != 0)
        throw CliError("--table-size and --mh-tab-index both set the mh table; give one");
    std::vector<ipvs::SchedulerConfig> out;
    for (const uint64_t p : whole_numbers(vm, "table-size", 2, ipvs::kMhMaxTableSize)) {
        ipvs::SchedulerConfig c;
        c.mh_table_size = static_cast<uint32_t>(p);
        const std::string wrong = ipvs::check_scheduler_config(c);
        if (!wrong.empty()) throw CliError("--table-size " + std::to_string(p) + ": " + wrong);
        out.push_back(c);
    }
    for (const uint64_t i : whole_numbers(vm, "mh-tab-index", 8, 17)) {
        const ipvs::MhTable t = *ipvs::mh_table_for_tab_index(static_cast<int>(i));
        ipvs::SchedulerConfig c;
        c.mh_table_size = t.size;
        c.mh_tab_bits = t.bits;
        out.push_back(c);
    }
    if (out.empty()) out.emplace_back();
    for (ipvs::SchedulerConfig& c : out) c.mh_hsiphash_32bit = hsiphash32;
    return out;
}

std::vector<int32_t> weights_of(const po::variables_map& vm) {
    std::vector<int32_t> out;
    for (const uint64_t w : whole_numbers(vm, "weights", 0, 65535)) out.push_back(static_cast<int32_t>(w));
    return out;
}

// How many leave, per realserver count: --remove K... or --remove-fraction F... (0 < F < 1).
std::vector<uint32_t> removals_of(const po::variables_map& vm, uint32_t realservers) {
    if (vm.count("remove") != 0 && vm.count("remove-fraction") != 0)
        throw CliError("--remove and --remove-fraction both say how many leave; give one");
    std::vector<uint32_t> out;
    for (const uint64_t k : whole_numbers(vm, "remove", 0, realservers - 1))
        out.push_back(static_cast<uint32_t>(k));
    if (vm.count("remove-fraction") != 0) {
        for (const std::string& w : split_list(vm["remove-fraction"].as<std::vector<std::string>>())) {
            double f = 0;
            const auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), f);
            if (w.empty() || ec != std::errc() || p != w.data() + w.size() || !(f > 0 && f < 1))
                throw CliError("--remove-fraction " + w + ": a fraction between 0 and 1 (0.01 = 1 %)");
            out.push_back(ipvs::removal_count(f, realservers));
        }
    }
    if (out.empty()) out.push_back(1);
    for (const uint32_t k : out)
        if (k >= realservers)
            throw CliError("removing " + std::to_string(k) + " of " + std::to_string(realservers) +
                           " realservers leaves none");
    return out;
}

std::string percent(double f) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(2) << f * 100 << "%";
    return o.str();
}

std::string ratio(double v) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(4) << v;
    return o.str();
}

void print_header() {
    std::cout << std::left << std::setw(10) << "scheduler" << std::right << std::setw(8) << "table"
              << std::setw(13) << "realservers" << std::setw(9) << "removed" << std::setw(13) << "slots moved"
              << std::setw(13) << "all changed" << std::setw(13) << "flows moved" << std::setw(17)
              << "max/mean before" << std::setw(8) << "after" << std::setw(9) << "refused"
              << "\n";
}

// One row: the means over the repeats (seed, seed + 1, ...).
struct Row {
    ipvs::ChurnSpec spec;
    uint32_t table = 0;
    double slots_moved = 0, all_changed = 0, flows_moved = 0, spread_before = 0, spread_after = 0,
           refused = 0;
};

Row measure_row(const ipvs::ChurnSpec& spec, uint64_t repeats) {
    Row row{spec};
    for (uint64_t i = 0; i < repeats; ++i) {
        ipvs::ChurnSpec one = spec;
        one.seed = spec.seed + i;
        ipvs::ChurnResult r;
        try {
            r = ipvs::measure_churn(one);
        } catch (const std::invalid_argument& e) {
            throw CliError(e.what());
        }
        row.table = r.table_size;
        row.slots_moved += r.slots_moved_fraction();
        row.all_changed += r.slots_changed_fraction();
        row.flows_moved += r.flows_moved_fraction();
        row.spread_before += r.spread_before;
        row.spread_after += r.spread_after;
        row.refused += static_cast<double>(r.flows_refused_after) / static_cast<double>(spec.flows);
    }
    for (double* v : {&row.slots_moved, &row.all_changed, &row.flows_moved, &row.spread_before,
                      &row.spread_after, &row.refused})
        *v /= static_cast<double>(repeats);
    return row;
}

void print_row(const Row& r) {
    std::cout << std::left << std::setw(10) << r.spec.scheduler << std::right << std::setw(8) << r.table
              << std::setw(13) << r.spec.realservers << std::setw(9) << r.spec.remove << std::setw(13)
              << percent(r.slots_moved) << std::setw(13) << percent(r.all_changed) << std::setw(13)
              << percent(r.flows_moved) << std::setw(17) << ratio(r.spread_before) << std::setw(8)
              << ratio(r.spread_after) << std::setw(9) << percent(r.refused) << "\n";
}

po::options_description churn_options() {
    po::options_description o("lvsim hash-churn [options]");
    const auto list = [] { return po::value<std::vector<std::string>>()->composing(); };
    o.add_options()("help,h", "show this help")("scheduler", list(),
                                                "sh, mh, dh or all (= sh,mh); repeat or comma-separate")(
        "realservers", list(), "N realservers 10.0.1.1:80, 10.0.1.2:80, ... (default 10; a list: 3,5,10)")(
        "weights", list(), "W1,W2,...: one weight per realserver (default all 1)")(
        "remove", list(), "K of them leave, chosen by the seed (default 1; a list: 1,2)")(
        "remove-fraction", list(), "F of them leave, rounded (0.01 = 1 %; a list: 0.01,0.05)")(
        "table-size", list(), "mh's table: any prime (default the kernel's 4093; a list: 4093,65537)")(
        "mh-tab-index", list(), "mh's table as CONFIG_IP_VS_MH_TAB_INDEX 8..17 chooses it (12 = 4093)")(
        "flows", po::value<std::string>()->default_value("100000"), "synthetic flows")(
        "seed", po::value<std::string>()->default_value("1"), "seed of the flows and of who leaves")(
        "repeat", po::value<std::string>()->default_value("1"),
        "R runs with seeds S, S+1, ...: each row is their mean (the paper's Figure 12 averages 200)")(
        "quiesce", "ipvsadm -e -w 0 (mh keeps last_weight) instead of ipvsadm -d")(
        "flags", po::value<std::string>(), "ipvsadm -b flags: sh-fallback,sh-port,mh-fallback,mh-port")(
        "hsiphash", po::value<std::string>()->default_value("64"),
        "64 (x86_64, arm64) or 32: the kernel's word size");
    return o;
}

const char* kChurnHelp =
    "\nColumns:\n"
    "  slots moved  of the table slots whose realserver stays, the share that changed hands\n"
    "               (the Maglev paper's measure)\n"
    "  all changed  of all the table's slots, the share whose realserver changed (the removed\n"
    "               ones' slots included: the other reading of the paper's Figure 12)\n"
    "  flows moved  of the flows whose realserver stays, the share sent elsewhere\n"
    "  max/mean     slots per unit of weight of the busiest realserver over the mean, over those\n"
    "               with weight > 0 (the paper's over-provision factor), before and after\n"
    "  refused      flows with no destination after (-w 0 without the fallback flag)\n"
    "\nExamples:\n  lvsim hash-churn --realservers 3,5,10 --table-size 4093,65537\n"
    "  lvsim hash-churn --scheduler mh --realservers 1000 --table-size 65537 --remove-fraction "
    "0.01,0.02,0.05,0.1\n"
    "  lvsim hash-churn --quiesce --flags mh-fallback,sh-fallback\n";

}  // namespace

int cmd_hash_churn(const std::vector<std::string>& args) {
    const po::options_description o = churn_options();
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(o).run(), vm);
    po::notify(vm);
    if (vm.count("help") != 0) {
        std::cout << o << kChurnHelp;
        return 0;
    }
    ipvs::ChurnSpec base;
    base.flows = whole_number("--flows", vm["flows"].as<std::string>(), 1, 50'000'000);
    base.seed = parse_seed(vm["seed"].as<std::string>());
    base.quiesce = vm.count("quiesce") != 0;
    if (vm.count("flags") != 0 && !ipvs::parse_sched_flags(vm["flags"].as<std::string>(), &base.flags))
        throw CliError("--flags " + vm["flags"].as<std::string>() +
                       ": ipvsadm -b names (sh-fallback, sh-port, mh-fallback, mh-port, flag-1..3)");
    const std::string width = vm["hsiphash"].as<std::string>();
    if (width != "64" && width != "32") throw CliError("--hsiphash " + width + ": 64 or 32");
    base.weights = weights_of(vm);
    std::vector<uint64_t> counts = whole_numbers(vm, "realservers", 1, 1'000'000);
    if (counts.empty()) counts.push_back(base.weights.empty() ? 10 : base.weights.size());
    if (!base.weights.empty() && (counts.size() != 1 || counts[0] != base.weights.size()))
        throw CliError("--weights gives " + std::to_string(base.weights.size()) +
                       " weights: one per realserver, for one --realservers count");
    const std::vector<std::string> schedulers = schedulers_of(vm);
    const std::vector<ipvs::SchedulerConfig> mh = mh_configs(vm, width == "32");
    const uint64_t repeats = whole_number("--repeat", vm["repeat"].as<std::string>(), 1, 10'000);
    std::vector<Row> rows;
    for (const std::string& name : schedulers)
        for (const uint64_t n : counts)
            for (const uint32_t k : removals_of(vm, static_cast<uint32_t>(n)))
                for (const ipvs::SchedulerConfig& c :
                     name == "mh" ? mh : std::vector<ipvs::SchedulerConfig>(1)) {
                    ipvs::ChurnSpec spec = base;
                    spec.scheduler = name;
                    spec.config = c;
                    spec.realservers = static_cast<uint32_t>(n);
                    spec.remove = k;
                    rows.push_back(measure_row(spec, repeats));
                }
    std::cout << "# " << base.flows << " flows, seed " << base.seed
              << (repeats > 1 ? ".." + std::to_string(base.seed + repeats - 1) + " (means of " +
                                    std::to_string(repeats) + " runs)"
                              : std::string())
              << ", "
              << (base.quiesce ? "ipvsadm -e -w 0 (quiesced)" : "ipvsadm -d (the realservers leave the list)")
              << ", flags " << (vm.count("flags") != 0 ? vm["flags"].as<std::string>() : "none")
              << ", hsiphash " << width << "-bit\n";
    print_header();
    for (const Row& r : rows) print_row(r);
    return 0;
}

}  // namespace lvs::cli
