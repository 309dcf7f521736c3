// A re-armable timer owned by an entity (TCP retransmission, keep-alive idle, IPVS expiry).
//
// Models re-arm timers on nearly every packet, almost always to a later deadline. Re-arming
// later is O(1): only the deadline moves, and the one queued wakeup re-queues itself at the new
// deadline when it fires early. Re-arming earlier, disarming and destroying cancel the queued
// wakeup (the queue compacts cancelled entries), so each timer has at most one live wakeup and
// a long run never accumulates garbage; a cancelled wakeup never touches the timer's memory,
// which matters when tens of thousands of connections each own timers.
//
// The callback is a small trivially copyable callable (a lambda capturing `this` and perhaps
// one more pointer): 64 bytes per timer in all.
#pragma once

#include <cstring>
#include <new>
#include <type_traits>

#include "sim/simulator.hpp"

namespace lvs::sim {

class Timer {
public:
    template <class F>
    Timer(Simulator& sim, F on_expire, Priority priority = Priority::Normal)
        : sim_(&sim), priority_(priority) {
        static_assert(sizeof(F) <= sizeof(buf_) && alignof(F) <= 8 && std::is_trivially_copyable_v<F>,
                      "a timer callback captures at most two pointers");
        ::new (static_cast<void*>(buf_)) F(on_expire);
        call_ = [](void* p) { (*std::launder(static_cast<F*>(p)))(); };
    }
    ~Timer() { cancel_wakeup(); }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    void arm_at(Time deadline) {
        deadline_ = deadline;
        armed_ = true;
        if (wakeup_seq_ != 0 && wakeup_time_ <= deadline) return;  // fires early, re-queues
        cancel_wakeup();
        schedule(deadline);
    }
    void arm(Duration delay) { arm_at(sim_->now() + delay); }
    void disarm() {
        armed_ = false;
        cancel_wakeup();
    }
    bool armed() const { return armed_; }
    Time deadline() const { return deadline_; }
    Duration remaining() const { return deadline_ - sim_->now(); }

private:
    void cancel_wakeup() {
        if (wakeup_seq_ == 0) return;
        // wakeup_seq_ != 0 means queued: on_wakeup clears it before anything else.
        sim_->cancel_pending(EventId{wakeup_slot_, wakeup_seq_});
        wakeup_seq_ = 0;
    }
    void schedule(Time t) {
        wakeup_time_ = t;
        const EventId id = sim_->at(
            t, [this] { on_wakeup(); }, priority_);
        wakeup_slot_ = id.slot;
        wakeup_seq_ = id.seq;
    }
    void on_wakeup() {
        wakeup_seq_ = 0;
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
        call_(buf_);
    }

    Simulator* sim_;
    void (*call_)(void*) = nullptr;
    alignas(8) unsigned char buf_[16];
    uint64_t wakeup_seq_ = 0;
    Time wakeup_time_;
    Time deadline_;
    uint32_t wakeup_slot_ = 0;
    Priority priority_;
    bool armed_ = false;
};
static_assert(sizeof(Timer) == 64);

}  // namespace lvs::sim
