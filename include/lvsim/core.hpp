// lvsim's public API, part 1: simulated time, errors, version.
//
// Everything a program outside the library needs lives under <lvsim/...>; nothing here
// includes the simulator's internals, so a project that links lvsim::lvsim only sees these
// headers. <lvsim/lvsim.hpp> includes all of them.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lvsim {

/// Simulated time: integer nanoseconds, like the simulator's own clock (no floating point).
/// Used both for points in time (nanoseconds since the start of the run) and for spans.
/// With `using namespace std::chrono_literals;` write `20s`, `1500ms`, `2min`.
using Time = std::chrono::nanoseconds;

/// Parses time as scenario files write it: "1.5s", "120 ms", "2min", "1h" (a unit is required).
/// Throws lvsim::Error naming the column and the fix on malformed text.
Time parse_time(std::string_view text);

/// The shortest exact text for `t` as the reports print it: 20s, 1.5s, 120ms.
std::string format_time(Time t);

/// Seconds as a double, for printing and arithmetic in reports (never fed back into a run).
inline double seconds(Time t) { return std::chrono::duration<double>(t).count(); }

/// Bad input: a scenario file or text that does not check, an unknown scheduler, an invalid
/// ipvsadm line, a duplicate scheduler registration. what() is the whole message, with the
/// place ("file:line:column: error: ...") and a hint where one helps.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The library's version, "MAJOR.MINOR.PATCH" (the same as the CMake package's).
std::string version();

}  // namespace lvsim
