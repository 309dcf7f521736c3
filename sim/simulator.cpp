#include "sim/simulator.hpp"

#include <limits>

namespace lvs::sim {

const char* to_string(StopReason r) {
    switch (r) {
        case StopReason::Drained: return "drained";
        case StopReason::TimeLimit: return "time-limit";
        case StopReason::EventLimit: return "event-limit";
        case StopReason::Requested: return "requested";
    }
    return "?";
}

Simulator::Simulator(uint64_t seed) : seed_(seed) { names_.emplace_back("kernel"); }

void Simulator::past_error(Time t) const {
    invariant_failed(
        *this, kNoEntity, "t >= now()",
        "event scheduled into the past at " + format_time(t) + " (now " + format_time(now_) + ")", __FILE__,
        __LINE__);
}

StopReason Simulator::loop(Time limit, uint64_t max_events) {
    stop_requested_ = false;
    uint64_t ran = 0;
    EventQueue::Popped ev;
    while (ran < max_events) {
        if (!queue_.pop_until(limit, ev))
            return queue_.pending() == 0 ? StopReason::Drained : StopReason::TimeLimit;
        now_ = ev.time;
        current_seq_ = ev.seq;
        current_cause_ = ev.cause;
        queue_.run_popped();
        current_seq_ = 0;
        current_cause_ = 0;
        ++executed_;
        ++ran;
        if (stop_requested_) [[unlikely]] {
            stop_requested_ = false;
            return StopReason::Requested;
        }
    }
    return StopReason::EventLimit;
}

bool Simulator::step() { return loop(Time::max(), 1) == StopReason::EventLimit; }

StopReason Simulator::run_until(Time t) {
    const StopReason r = loop(t, std::numeric_limits<uint64_t>::max());
    if ((r == StopReason::TimeLimit || r == StopReason::Drained) && now_ < t) now_ = t;
    return r == StopReason::Drained ? StopReason::TimeLimit : r;
}

StopReason Simulator::run_events(uint64_t n) { return loop(Time::max(), n); }

StopReason Simulator::run() { return loop(Time::max(), std::numeric_limits<uint64_t>::max()); }

EntityId Simulator::add_entity(std::string name) {
    const auto id = static_cast<EntityId>(names_.size());
    names_.push_back(std::move(name));
    by_name_.emplace(names_.back(), id);
    return id;
}

std::string_view Simulator::entity_name(EntityId id) const {
    return id < names_.size() ? std::string_view(names_[id]) : std::string_view("?");
}

EntityId Simulator::find_entity(std::string_view name) const {
    const auto it = by_name_.find(name);
    return it == by_name_.end() ? kNoEntity : it->second;
}

void invariant_failed(const Simulator& sim, EntityId entity, const char* condition,
                      const std::string& message, const char* file, int line) {
    const std::string who(sim.entity_name(entity));
    throw InvariantError("invariant failed at t=" + format_time(sim.now()) + " event #" +
                             std::to_string(sim.current_seq()) + " entity " + who + ": " + message + " (" +
                             condition + ", " + file + ":" + std::to_string(line) + ")",
                         sim.now(), sim.current_seq(), who);
}

}  // namespace lvs::sim
