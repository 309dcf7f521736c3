// The command line of lvsim-view.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lvs::viz {

struct Options {
    std::string file;
    std::string compare;
    std::vector<std::string> sets;
    std::vector<std::string> compare_sets;
    int64_t at = 0;
    bool at_given = false;
    std::string screenshot;
    bool check_layout = false;
    int step = 0;  // --step N (0: none)
    int width = 1600, height = 1000;
    bool presentation = false;
    std::string sockets;  // --sockets HOST: start on the ss tab with that host
    bool compressed = false;
    int frames = 5;
    int benchmark_frames = 0;
    double speed = 1.0;
    std::optional<std::pair<int64_t, int64_t>> zoom;  // visible window [a, b]
};

// Exit statuses.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitNoDisplay = 3;

// Parses argv. Returns nullopt after printing --help (exit 0); throws std::invalid_argument
// with the message for bad input (exit 2).
std::optional<Options> parse_options(int argc, char** argv);

}  // namespace lvs::viz
