// The simulator: one instance per run (no globals), owning the clock, the future event set,
// the entity registry, the random streams and the trace bus.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/check.hpp"
#include "sim/event_queue.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace lvs::sim {

enum class StopReason : uint8_t {
    Drained,     // no events left
    TimeLimit,   // reached the requested time
    EventLimit,  // executed the requested number of events
    Requested,   // request_stop() was called
};
const char* to_string(StopReason r);

// A logical process (LP): a part of the model that one process of a partitioned run executes
// (conservative parallel simulation; tests/bench/pdes.cpp). kAnyLp: no part in particular.
using Lp = uint16_t;
constexpr Lp kAnyLp = UINT16_MAX;

class Simulator {
public:
    explicit Simulator(uint64_t seed = 1);
    Simulator(const Simulator&) = delete;
    Simulator& operator=(const Simulator&) = delete;

    Time now() const { return now_; }
    uint64_t seed() const { return seed_; }

    // Schedules `fn` at absolute time `t` (>= now). Same-time events run by priority, then in
    // the order they were scheduled. Scheduling into the past is an invariant failure.
    template <class F>
    EventId at(Time t, F&& fn, Priority priority = Priority::Normal) {
        if (t < now_) [[unlikely]]
            past_error(t);
        if (lp_context_ != kAnyLp && lp_context_ != own_lp_) [[unlikely]]
            return EventId{};
        return queue_.push(t, priority, current_seq_, true, std::forward<F>(fn));
    }
    template <class F>
    EventId after(Duration d, F&& fn, Priority priority = Priority::Normal) {
        return at(now_ + d, std::forward<F>(fn), priority);
    }
    // Like at()/after() for events nobody will cancel (packet arrivals, periodic samplers):
    // they skip the cancellation bookkeeping, which saves a cache miss per event.
    template <class F>
    void post_at(Time t, F&& fn, Priority priority = Priority::Normal) {
        if (t < now_) [[unlikely]]
            past_error(t);
        if (lp_context_ != kAnyLp && lp_context_ != own_lp_) [[unlikely]]
            return;
        queue_.push(t, priority, current_seq_, false, std::forward<F>(fn));
    }
    template <class F>
    void post_after(Duration d, F&& fn, Priority priority = Priority::Normal) {
        post_at(now_ + d, std::forward<F>(fn), priority);
    }
    // Cancels a pending event and clears the id; false when it already ran or was cancelled.
    bool cancel(EventId& id) {
        const bool ok = queue_.cancel(id);
        id = EventId{};
        return ok;
    }
    bool is_pending(EventId id) const { return queue_.is_pending(id); }
    // For owners that know their event is still queued (sim::Timer).
    void cancel_pending(EventId id) { queue_.cancel_pending(id); }

    // Runs the next event, if any. The clock moves to its time.
    bool step();
    // Runs every event with time <= t, then leaves the clock at t (unless stopped earlier).
    StopReason run_until(Time t);
    // Runs at most n events.
    StopReason run_events(uint64_t n);
    // Runs until no events remain or a stop is requested.
    StopReason run();
    // Asks the running loop to return after the current event.
    void request_stop() { stop_requested_ = true; }

    uint64_t events_executed() const { return executed_ - idle_wakeups_; }
    uint64_t events_scheduled() const { return queue_.scheduled_total(); }
    size_t events_pending() const { return queue_.pending(); }
    // Timers count wakeups that found nothing to do (a re-armed timer moving its deadline
    // later) here, so they do not inflate the executed-events counter.
    void note_idle_wakeup() { ++idle_wakeups_; }
    uint64_t idle_wakeups() const { return idle_wakeups_; }
    Time next_event_time() { return queue_.peek_time(); }
    const EventQueue& queue() const { return queue_; }

    // Number of the event being executed (0 between events) and the event that scheduled it.
    uint64_t current_seq() const { return current_seq_; }
    uint64_t current_cause() const { return current_cause_; }

    // Entities: names for traces and for the random streams.
    EntityId add_entity(std::string name);
    std::string_view entity_name(EntityId id) const;
    EntityId find_entity(std::string_view name) const;
    size_t entity_count() const { return names_.size() - 1; }

    // Independent random stream for a name, derived from the run's seed.
    Rng stream(std::string_view name) const { return Rng::stream(seed_, name); }

    TraceBus& trace() { return trace_; }
    bool tracing() const { return trace_.enabled(); }

    // Partitioned runs. Every process builds the whole model and executes only its own LP's
    // events: code that schedules on behalf of one LP (a browser's first page, a server's
    // start) runs inside an LpScope, and what it schedules for another process's LP is left
    // out here (that process schedules it). Outside any scope everything is kept: the samplers
    // and the timeline run in every process, and whatever an event schedules while it runs
    // belongs with it (a process runs only its own LP's events and those of no LP).
    void set_own_lp(Lp lp) { own_lp_ = lp; }
    Lp own_lp() const { return own_lp_; }
    class LpScope {
    public:
        LpScope(Simulator& sim, Lp lp) : sim_(sim), saved_(sim.lp_context_) { sim.lp_context_ = lp; }
        ~LpScope() { sim_.lp_context_ = saved_; }
        LpScope(const LpScope&) = delete;
        LpScope& operator=(const LpScope&) = delete;

    private:
        Simulator& sim_;
        Lp saved_;
    };

private:
    [[noreturn]] void past_error(Time t) const;
    StopReason loop(Time limit, uint64_t max_events);

    Time now_;
    uint64_t seed_;
    EventQueue queue_;
    uint64_t current_seq_ = 0;
    uint64_t current_cause_ = 0;
    uint64_t executed_ = 0;
    uint64_t idle_wakeups_ = 0;
    bool stop_requested_ = false;
    Lp own_lp_ = kAnyLp;
    Lp lp_context_ = kAnyLp;
    std::deque<std::string> names_;
    std::unordered_map<std::string_view, EntityId> by_name_;
    TraceBus trace_;
};

}  // namespace lvs::sim
