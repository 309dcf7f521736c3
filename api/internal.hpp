// The library face's internals: what api/*.cpp share and installed headers never see.
#pragma once

#include <string>
#include <vector>

#include "lvsim/core.hpp"
#include "lvsim/scenario.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/time.hpp"

namespace lvsim {

// The public Time and the simulator's: both integer nanoseconds.
inline lvs::sim::Time to_sim_time(Time t) { return lvs::sim::Time::from_ns(t.count()); }
inline lvs::sim::Duration to_sim_duration(Time t) { return lvs::sim::Duration::from_ns(t.count()); }
inline Time from_sim(lvs::sim::Time t) { return Time(t.ns()); }
inline Time from_sim(lvs::sim::Duration d) { return Time(d.ns()); }

// A ConfigError as one lvsim::Error: "file:line:column: error: ...\n  hint: ...", or, with a
// context, "CONTEXT: error: ...\n  hint: ..." (for text made in code, whose lines nobody wrote).
Error to_error(const lvs::scenario::ConfigError& e, const std::string& context = {});

// One timeline entry or expectation added in code, in the file's own keys.
struct Addition {
    bool is_expectation = false;
    std::vector<std::pair<std::string, std::string>> fields;  // {"at","20s"}, {"ipvsadm","-e ..."}
};

struct Scenario::Impl {
    std::string text;    // the YAML source: a file's contents or a builder's output
    std::string origin;  // the file's path, or "ScenarioBuilder(name)"
    std::vector<std::string> sets;
    std::vector<Addition> additions;
    lvs::scenario::Scenario parsed;  // the checked result of all of the above

    // Re-reads text + additions + sets through the loader (throws ConfigError).
    void materialize();
    // The YAML text with the additions in it.
    std::string merged_text() const;
    // Adds `a` and re-checks; on a mistake (lvsim::Error naming `context`) nothing changes.
    void add(Addition a, const std::string& context);
};

}  // namespace lvsim
