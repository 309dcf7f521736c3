// The loader: each section of a scenario file read into its typed form, then the checks
// across sections (cross_check.cpp), then the expectations compiled against the quantity table.
// This file holds the order of the sections and the top-level keys, the YAML text's depth check
// and --set handling; each section's reader is in loader_<section>.cpp, the Loader class in
// loader_impl.hpp.
#include "models/scenario/loader.hpp"

#include <fstream>
#include <sstream>

#include "models/scenario/loader_impl.hpp"

namespace lvs::scenario {

const RealServerSpec* Scenario::find_realserver(std::string_view n) const {
    for (const RealServerSpec& r : realservers)
        if (r.name == n) return &r;
    return nullptr;
}

const RealServerSpec* Scenario::realserver_at(net::Ipv4 address) const {
    for (const RealServerSpec& r : realservers)
        if (r.address == address) return &r;
    return nullptr;
}

namespace detail {

Scenario Loader::load() {
    const std::string& origin = r_.origin();
    if (!root_ || root_.IsNull())
        throw ConfigError(origin, 1, 1, "the scenario file is empty", "start with `name:` and `duration:`");
    r_.check_keys(root_, schema::kRoot, "the scenario");
    if (!root_["name"])
        throw ConfigError(origin, 1, 1, "the scenario has no name", "add a line `name: my-case`");
    top_level();
    network();
    imports();      // an operator's own files: their director and realservers join the file's
    realservers();  // first: the rules, clients and timeline refer to them
    merge_imported_realservers();
    director();
    ha();     // after director: (its address) and realservers: (their names and addresses)
    fleet();  // likewise
    clients();
    timeline();
    cross_check(s_, r_, root_);
    expectations();  // conditions name realservers, groups and health checks
    steps();         // a step may reveal an expectation
    exercise();
    return std::move(s_);
}

void Loader::top_level() {
    s_.name = r_.text(root_["name"], "name");
    if (root_["lesson"]) s_.lesson = r_.text(root_["lesson"], "lesson");
    if (root_["seed"]) s_.seed = static_cast<uint64_t>(r_.integer(root_["seed"], "seed", 0, INT64_MAX));
    if (root_["duration"]) s_.duration = r_.duration(root_["duration"], "duration");
    if (s_.duration <= sim::Duration{}) r_.fail(root_["duration"], "duration must be positive");
    if (root_["sample_every"]) s_.sample_every = r_.duration(root_["sample_every"], "sample_every");
    if (root_["report_windows"]) s_.report_windows = r_.boolean(root_["report_windows"], "report_windows");
    if (s_.sample_every < sim::ms(1)) r_.fail(root_["sample_every"], "sample_every must be at least 1ms");
    if (root_["capacity_check"]) s_.capacity_check = r_.boolean(root_["capacity_check"], "capacity_check");
    if (const YAML::Node k = root_["kernel"]) kernel(k);
}

// A profile name, or a release number resolved to the profile that covers it.
void Loader::kernel(const YAML::Node& k) {
    const std::string t = r_.text(k, "kernel");
    if (ipvs::find_kernel_profile(t) != nullptr) {
        s_.kernel = t;
        return;
    }
    if (const ipvs::KernelProfile* p = ipvs::kernel_profile_for_release(t)) {
        s_.kernel = p->name;
        s_.kernel_asked = t;
        return;
    }
    const std::vector<std::string> names = to_strings(ipvs::kernel_profile_names());
    const std::string near = did_you_mean(t, names);
    r_.fail(k, "unknown kernel '" + t + "'",
            (near.empty() ? "" : "did you mean '" + near + "'? ") +
                "write a release (5.4, 6.1) or a profile: " + join(names));
}

}  // namespace detail

namespace {

// Source lines, for columns inside block scalars (`rules: |`), whose text yaml-cpp de-indents.
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        out.push_back(line);
    }
    return out;
}

}  // namespace

using detail::Loader;

// A scenario nests a few levels; yaml-cpp recurses once per level and gives up near a
// thousand with "bad file". Deeper flow collections or indentation are refused first, with
// the place and the limit.
void check_nesting(const std::string& text, const std::string& origin) {
    constexpr int kMaxFlowDepth = 64;
    constexpr size_t kMaxIndent = 256;
    int line = 1, depth = 0;
    size_t col = 0, indent = 0;
    bool at_line_start = true;
    char quote = 0;
    for (const char c : text) {
        ++col;
        if (c == '\n') {
            ++line, col = 0, indent = 0, at_line_start = true;
            quote = 0;  // a scenario's quoted scalars are on one line
            continue;
        }
        if (at_line_start) {
            if (c == ' ') {
                if (++indent > kMaxIndent)
                    throw ConfigError(origin, line, static_cast<int>(col),
                                      "indented more than " + std::to_string(kMaxIndent) + " columns",
                                      "a scenario nests a few levels; use fewer levels");
                continue;
            }
            at_line_start = false;
        }
        if (quote != 0) {
            if (c == quote) quote = 0;
            continue;
        }
        if (c == '"' || c == '\'') quote = c;
        else if (c == '#') quote = '\n';  // a comment: skip to the end of the line
        else if (c == '[' || c == '{') {
            if (++depth > kMaxFlowDepth)
                throw ConfigError(
                    origin, line, static_cast<int>(col),
                    "lists and mappings nest deeper than " + std::to_string(kMaxFlowDepth) + " levels",
                    "a scenario nests a few levels; use fewer levels");
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
}

Scenario load_scenario_text(const std::string& text, const std::string& origin,
                            const std::vector<std::string>& sets) {
    check_nesting(text, origin);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw ConfigError(origin, e.mark.line + 1, e.mark.column + 1, "YAML: " + e.msg,
                          "check the indentation and the ':' after each key");
    }
    const std::vector<std::string> source = lines_of(text);
    Scenario s = Loader(root, origin, source).load();  // the file itself must be right first
    if (sets.empty()) return s;
    for (const std::string& a : sets) apply_set(root, a);
    try {
        return Loader(root, origin, source).load();
    } catch (const ConfigError& e) {
        // Only a --set value can be wrong now: name the first option after which the file no
        // longer loads (the last one if only their combination is wrong).
        std::string culprit = sets.back();
        if (sets.size() > 1) {
            for (size_t k = 1; k < sets.size(); ++k) {
                YAML::Node partial = YAML::Load(text);
                for (size_t i = 0; i < k; ++i) apply_set(partial, sets[i]);
                try {
                    (void)Loader(partial, origin, source).load();
                } catch (const ConfigError&) {
                    culprit = sets[k - 1];
                    break;
                }
            }
        }
        throw ConfigError("command line", 0, 0, "--set " + culprit + ": " + e.what(), e.hint());
    }
}

Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets) {
    std::ifstream in(path);
    if (!in)
        throw ConfigError(path, 0, 0, "cannot open the scenario file",
                          "check the path (lessons live in scenarios/)");
    std::stringstream buf;
    buf << in.rdbuf();
    return load_scenario_text(buf.str(), path, sets);
}

}  // namespace lvs::scenario
