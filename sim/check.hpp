// Invariant checks that say when and where they failed.
//
// A broken invariant is a bug in a model, not a user error: it throws InvariantError carrying the
// simulated time, the number of the running event and the entity, so a failing run can be
// replayed to exactly that point (same scenario, same seed).
#pragma once

#include <stdexcept>
#include <string>

#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace lvs::sim {

class InvariantError : public std::logic_error {
public:
    InvariantError(const std::string& what, Time time, uint64_t seq, std::string entity)
        : std::logic_error(what), time_(time), seq_(seq), entity_(std::move(entity)) {}
    Time time() const { return time_; }
    uint64_t seq() const { return seq_; }
    const std::string& entity() const { return entity_; }

private:
    Time time_;
    uint64_t seq_;
    std::string entity_;
};

[[noreturn]] void invariant_failed(const Simulator& sim, EntityId entity, const char* condition,
                                   const std::string& message, const char* file, int line);

}  // namespace lvs::sim

#define LVS_CHECK(simref, entity, cond, message)                                                    \
    do {                                                                                            \
        if (!(cond)) [[unlikely]]                                                                   \
            ::lvs::sim::invariant_failed((simref), (entity), #cond, (message), __FILE__, __LINE__); \
    } while (0)
