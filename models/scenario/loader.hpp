// Reading scenario files: YAML in, a checked and compiled Scenario out, or one ConfigError
// naming file, line, column and the fix. The loader is the only code that reads a scenario's
// text: what it returns is typed throughout (scenario.hpp).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "models/scenario/units.hpp"

namespace lvs::scenario {

// Loads and checks a scenario file; `sets` are "KEY=VALUE" overrides applied first (key paths
// through the file's structure, list items addressed by their `name`).
Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets = {});
// The same for text already in memory (`origin` names it in errors).
Scenario load_scenario_text(const std::string& text, const std::string& origin,
                            const std::vector<std::string>& sets = {});

// Refuses YAML nested deeper than a scenario ever is (yaml-cpp recurses per level), naming
// the place: for every YAML file lvsim reads.
void check_nesting(const std::string& text, const std::string& origin);

// Every settable key path with its current value (defaults included), in file order.
std::vector<std::pair<std::string, std::string>> list_keys(const Scenario& s);

// Levenshtein-nearest candidate within distance 2 (or a prefix match), for "did you mean".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace lvs::scenario
