// The quantities of the expectation language, as one table: each has a name pattern, a unit,
// a meaning and how to read it from a run. The loader resolves names against it (so a typo is
// an error at load time), expectations and sweep metrics read through it, `lvsim run FILE
// --list-quantities` lists it, and the README's table is checked against it.
//
// A pattern's upper-case parts stand for names of the scenario: RS a realserver, GROUP a client
// group or `clients` (all of them), STATE an IPVS connection state (TIME_WAIT, FIN_WAIT, ...),
// CHECK a health check, N the number of a scripted program's call (1 = its first).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/ipvs/tcp_table.hpp"

namespace lvs::scenario {

struct Scenario;
class Run;

// The unit a quantity is read in. A bare number compared with it is in that unit; a number
// written with a time unit ("1s", "150ms") is converted to the quantity's unit.
enum class Unit : uint8_t { Count, Milliseconds, Seconds, Ratio, Erlangs, Flag };
std::string_view to_string(Unit u);  // "count", "ms", "s", "ratio", "erlangs", "0/1"
inline bool is_time(Unit u) { return u == Unit::Milliseconds || u == Unit::Seconds; }

// A name resolved against a scenario: which table entry, and the names its placeholders bound.
struct QuantityRef {
    uint16_t def = 0;                               // index into quantity_table()
    size_t subject = 0;                             // RS, GROUP or CHECK: its index in the scenario
    bool all_groups = false;                        // GROUP was `clients`
    size_t realserver = 0;                          // health.CHECK.RS: the realserver
    ipvs::ConnState state = ipvs::ConnState::None;  // STATE
    uint32_t call = 0;                              // N of a program's call (0-based here)
};

struct QuantityDef {
    std::string_view pattern;  // "RS.active"
    Unit unit;
    std::string_view meaning;
    double (*read)(Run&, const QuantityRef&);
};

std::span<const QuantityDef> quantity_table();
inline const QuantityDef& definition(const QuantityRef& q) { return quantity_table()[q.def]; }

// Why a name did not resolve: the message and a hint ("did you mean 'rs1.active'?").
struct QuantityError {
    std::string message;
    std::string hint;
};

// Resolves `name` against the scenario's realservers, client groups and health checks.
std::optional<QuantityRef> resolve_quantity(std::string_view name, const Scenario& s,
                                            QuantityError* error = nullptr);

// The value now.
double read_quantity(Run& run, const QuantityRef& q);

// Every name the scenario can use, one per placeholder binding (for "did you mean" and lists).
std::vector<std::string> quantity_names(const Scenario& s);

// The table for people: aligned text naming the scenario's own realservers, groups and checks
// (`lvsim run FILE --list-quantities`), and the README's Markdown table.
std::string quantity_listing(const Scenario& s);
std::string quantity_markdown();

}  // namespace lvs::scenario
