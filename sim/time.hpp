// Simulated time: strong 64-bit integer nanosecond types.
//
// The kernel never uses floating point for time. A `Duration` is a signed span, a `Time` is a
// point on the simulation clock (nanoseconds since the start of the run). Mixing them up is a
// compile error: Time + Duration -> Time, Time - Time -> Duration, Time + Time does not exist.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lvs::sim {

class Duration {
public:
    constexpr Duration() = default;
    static constexpr Duration from_ns(int64_t ns) { return Duration(ns); }
    static constexpr Duration max() { return Duration(std::numeric_limits<int64_t>::max()); }

    constexpr int64_t ns() const { return ns_; }
    // For reports and statistics only (never fed back into the kernel).
    constexpr double seconds() const { return static_cast<double>(ns_) / 1e9; }
    constexpr double millis() const { return static_cast<double>(ns_) / 1e6; }

    constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
    constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
    constexpr Duration operator-() const { return Duration(-ns_); }
    constexpr Duration operator*(int64_t k) const { return Duration(ns_ * k); }
    constexpr Duration operator/(int64_t k) const { return Duration(ns_ / k); }
    constexpr int64_t operator/(Duration o) const { return ns_ / o.ns_; }
    constexpr Duration& operator+=(Duration o) {
        ns_ += o.ns_;
        return *this;
    }
    constexpr Duration& operator-=(Duration o) {
        ns_ -= o.ns_;
        return *this;
    }
    constexpr auto operator<=>(const Duration&) const = default;

private:
    constexpr explicit Duration(int64_t ns) : ns_(ns) {}
    int64_t ns_ = 0;
};

constexpr Duration ns(int64_t v) { return Duration::from_ns(v); }
constexpr Duration us(int64_t v) { return Duration::from_ns(v * 1'000); }
constexpr Duration ms(int64_t v) { return Duration::from_ns(v * 1'000'000); }
constexpr Duration s(int64_t v) { return Duration::from_ns(v * 1'000'000'000); }
constexpr Duration minutes(int64_t v) { return s(v * 60); }
constexpr Duration hours(int64_t v) { return s(v * 3600); }

class Time {
public:
    constexpr Time() = default;
    static constexpr Time from_ns(int64_t ns) { return Time(ns); }
    static constexpr Time zero() { return Time(0); }
    static constexpr Time max() { return Time(std::numeric_limits<int64_t>::max()); }

    constexpr int64_t ns() const { return ns_; }
    constexpr Duration since_start() const { return Duration::from_ns(ns_); }
    constexpr double seconds() const { return static_cast<double>(ns_) / 1e9; }

    constexpr Time operator+(Duration d) const { return Time(ns_ + d.ns()); }
    constexpr Time operator-(Duration d) const { return Time(ns_ - d.ns()); }
    constexpr Duration operator-(Time o) const { return Duration::from_ns(ns_ - o.ns_); }
    constexpr Time& operator+=(Duration d) {
        ns_ += d.ns();
        return *this;
    }
    constexpr auto operator<=>(const Time&) const = default;

private:
    constexpr explicit Time(int64_t ns) : ns_(ns) {}
    int64_t ns_ = 0;
};

constexpr Time at(Duration since_start) { return Time::from_ns(since_start.ns()); }

// Thrown by parse_duration/parse_time for malformed text. `column` is the 0-based offset of the
// offending character inside the parsed string so callers can point at it in the source file.
class TimeParseError : public std::runtime_error {
public:
    TimeParseError(std::string message, size_t column, std::string hint)
        : std::runtime_error(std::move(message)), column_(column), hint_(std::move(hint)) {}
    size_t column() const { return column_; }
    const std::string& hint() const { return hint_; }

private:
    size_t column_;
    std::string hint_;
};

struct DurationParseOptions {
    bool allow_negative = false;
};

// Parses "1.5s", "120 ms", "2min", "1h", "250us", "40ns" (also "µs", "sec", "m" is refused as
// ambiguous). The value must be exactly representable in nanoseconds. A unit is mandatory.
Duration parse_duration(std::string_view text, DurationParseOptions options = {});
inline Time parse_time(std::string_view text) { return at(parse_duration(text)); }

// Shortest exact rendering with the largest fitting unit: 1500ms -> "1.5s", 120ms -> "120ms",
// 90s -> "90s", 3600s -> "3600s". Seconds are used from 1 s upwards (reports read in seconds).
std::string format_duration(Duration d);
inline std::string format_time(Time t) { return format_duration(t.since_start()); }

// Fixed-width clock for trace lines: "    12.000345" (seconds, 6 decimals, truncated).
std::string format_clock(Time t);

}  // namespace lvs::sim
