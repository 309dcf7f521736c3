// Reading scenario files: YAML in, a checked Scenario out, or one ConfigError naming file,
// line, column and the fix.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace lvs::scenario {

// Loads and checks a scenario file; `sets` are "KEY=VALUE" overrides applied first (key paths
// through the file's structure, list items addressed by their `name`).
Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets = {});
// The same for text already in memory (`origin` names it in errors).
Scenario load_scenario_text(const std::string& text, const std::string& origin, const std::vector<std::string>& sets = {});

// Every settable key path with its current value (defaults included), in file order.
std::vector<std::pair<std::string, std::string>> list_keys(const Scenario& s);

// Units in scenario text.
uint64_t parse_size_text(const std::string& text, size_t* error_column = nullptr);       // "20kB", "10KiB", "400B"
uint64_t parse_bandwidth_text(const std::string& text, size_t* error_column = nullptr);  // "100Mbit", "1Gbit/s"
// "10ms", "exp(30s)", "uniform(1ms, 3ms)", "lognormal(10ms, 0.5)"; durations in ns or sizes in bytes.
http::Distribution parse_distribution_text(const std::string& text, bool sizes, size_t* error_column = nullptr);
std::string format_size(uint64_t bytes);
std::string format_bandwidth(uint64_t bps);
std::string format_distribution(const http::Distribution& d, bool sizes);

// Levenshtein-nearest candidate within distance 2 (or a prefix match), for "did you mean".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace lvs::scenario
