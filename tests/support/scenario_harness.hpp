// Scenario-file tests: the ConfigError a text gives when loaded (the test fails if it loads).
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "models/scenario/loader.hpp"

namespace lvs::testing {

inline scenario::ConfigError load_error(const std::string& text, const std::vector<std::string>& sets = {}) {
    try {
        (void)scenario::load_scenario_text(text, "t.yaml", sets);
    } catch (const scenario::ConfigError& e) {
        return e;
    }
    FAIL("no error for:\n" << text);
    return scenario::ConfigError("", 0, 0, "");
}

}  // namespace lvs::testing
