// Docs tests: the text of README.md between a begin marker line and an end marker, for the
// tables ctest keeps equal to their generators (quantities, presets).
#pragma once

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

namespace lvs::testing {

inline std::string readme_block(const std::string& begin, const std::string& end) {
    std::ifstream in(std::string(LVSIM_SOURCE_DIR) + "/README.md");
    REQUIRE(in);
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string readme = buf.str();
    const size_t a = readme.find(begin), b = readme.find(end);
    REQUIRE(a != std::string::npos);
    REQUIRE(b != std::string::npos);
    return readme.substr(a + begin.size(), b - a - begin.size());
}

}  // namespace lvs::testing
