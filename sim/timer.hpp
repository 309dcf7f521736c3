// A re-armable timer owned by an entity (TCP retransmission, keep-alive idle, IPVS expiry).
//
// Models re-arm timers on nearly every packet, almost always to a later deadline. Re-arming
// later is O(1): only the deadline moves, and the one queued wakeup re-queues itself at the new
// deadline when it fires early. Re-arming earlier replaces the queued wakeup (the old one is
// cancelled, and the queue compacts cancelled entries), so each timer has at most one live
// wakeup in the queue and a long run never accumulates garbage. Destroying a timer cancels it.
#pragma once

#include "sim/simulator.hpp"
#include "sim/small_function.hpp"

namespace lvs::sim {

class Timer {
public:
    using Callback = SmallFunction<void(), 16>;

    Timer(Simulator& sim, Callback on_expire, Priority priority = Priority::Normal)
        : sim_(&sim), on_expire_(std::move(on_expire)), priority_(priority) {}
    ~Timer() { sim_->cancel(wakeup_); }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    void arm_at(Time deadline) {
        deadline_ = deadline;
        armed_ = true;
        if (wakeup_.valid() && wakeup_time_ <= deadline) return;  // fires early, re-queues
        sim_->cancel(wakeup_);
        schedule(deadline);
    }
    void arm(Duration delay) { arm_at(sim_->now() + delay); }
    // Stops the timer. The queued wakeup (if any) stays and finds nothing to do, which is
    // cheaper than cancelling when the timer is re-armed soon after (the common case).
    void disarm() { armed_ = false; }
    bool armed() const { return armed_; }
    Time deadline() const { return deadline_; }
    Duration remaining() const { return deadline_ - sim_->now(); }

private:
    void schedule(Time t) {
        wakeup_time_ = t;
        wakeup_ = sim_->at(t, [this] { on_wakeup(); }, priority_);
    }
    void on_wakeup() {
        wakeup_ = EventId{};
        if (!armed_) {
            sim_->note_idle_wakeup();
            return;
        }
        if (deadline_ > sim_->now()) {
            sim_->note_idle_wakeup();
            schedule(deadline_);
            return;
        }
        armed_ = false;
        on_expire_();
    }

    Simulator* sim_;
    Callback on_expire_;
    EventId wakeup_;
    Time wakeup_time_;
    Time deadline_;
    Priority priority_;
    bool armed_ = false;
};

}  // namespace lvs::sim
