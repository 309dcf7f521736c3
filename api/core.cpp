// Time text and the version (lvsim/core.hpp).
#include "lvsim/core.hpp"

#include "api/internal.hpp"

namespace lvsim {

Time parse_time(std::string_view text) {
    try {
        return from_sim(lvs::sim::parse_duration(text));
    } catch (const lvs::sim::TimeParseError& e) {
        std::string msg = "bad time '" + std::string(text) + "' at column " + std::to_string(e.column() + 1) +
                          ": " + e.what();
        if (!e.hint().empty()) msg += "\n  hint: " + e.hint();
        throw Error(msg);
    }
}

std::string format_time(Time t) { return lvs::sim::format_duration(to_sim_duration(t)); }

std::string version() { return LVSIM_VERSION; }

Error to_error(const lvs::scenario::ConfigError& e, const std::string& context) {
    if (context.empty()) return Error(e.format());
    // Positions would point into text the caller never wrote: name the call instead.
    std::string msg = context + ": error: " + e.what();
    if (!e.hint().empty()) msg += "\n  hint: " + e.hint();
    return Error(msg);
}

}  // namespace lvsim
