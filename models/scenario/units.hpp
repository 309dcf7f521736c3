// Numbers with units in scenario text: sizes, bandwidths and random distributions, read and
// written back (durations are sim::parse_duration's).
#pragma once

#include <cstdint>
#include <string>

#include "models/http/distribution.hpp"

namespace lvs::scenario {

// Input limits (README, "Bad input"): a size is under 4 GiB, a link at most 1 Tbit/s (so that
// backlog x rate stays far inside 64 bits).
constexpr double kMaxSizeBytes = 4294967296.0;
constexpr double kMaxBandwidthBps = 1e12;

uint64_t parse_size_text(const std::string& text, size_t* error_column = nullptr);  // "20kB", "10KiB", "400B"
uint64_t parse_bandwidth_text(const std::string& text,
                              size_t* error_column = nullptr);  // "100Mbit", "1Gbit/s"
// "10ms", "exp(30s)", "uniform(1ms, 3ms)", "lognormal(10ms, 0.5)"; durations in ns or sizes in bytes.
http::Distribution parse_distribution_text(const std::string& text, bool sizes,
                                           size_t* error_column = nullptr);
// "2/s", "120/min", "7200/h": per second.
double parse_rate_text(const std::string& text, size_t* error_column = nullptr);
// Counts (pages per visit): "5", "geometric(5)", "uniform(2, 8)", "exp(4)", "lognormal(4, 0.8)".
http::Distribution parse_count_distribution(const std::string& text, size_t* error_column = nullptr);
std::string format_size(uint64_t bytes);
std::string format_bandwidth(uint64_t bps);
std::string format_distribution(const http::Distribution& d, bool sizes);

}  // namespace lvs::scenario
