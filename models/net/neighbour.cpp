#include "models/net/neighbour.hpp"

namespace lvs::net {

const char* to_string(NudState s) {
    switch (s) {
        case NudState::Reachable: return "REACHABLE";
        case NudState::Stale: return "STALE";
        case NudState::Delay: return "DELAY";
        case NudState::Probe: return "PROBE";
        case NudState::Failed: return "FAILED";
    }
    return "?";
}

NeighbourEntry::NeighbourEntry(sim::Simulator& sim, sim::Rng rng, sim::Duration rtt, Hooks hooks,
                               NeighbourParams p)
    : sim_(sim), rng_(rng), rtt_(rtt), hooks_(std::move(hooks)), p_(p), timer_(sim, [this] { on_timer(); }) {}

// neigh_rand_reach_time(): base/2 + a uniform share of base.
sim::Duration NeighbourEntry::reachable_time() {
    const int64_t base = p_.base_reachable_time.ns();
    return sim::ns(base / 2 + static_cast<int64_t>(rng_.uniform01() * static_cast<double>(base)));
}

void NeighbourEntry::start(int who) {
    who_ = who;
    enter(NudState::Reachable);
}

void NeighbourEntry::gratuitous(int who) {
    // __neigh_update(): the same link-layer address with a STALE update leaves the state alone.
    if (who == who_ && state_ != NudState::Failed) return;
    const bool moves = who != who_;
    who_ = who;
    // A request leaves the entry STALE (arp_process()); in use, it goes to DELAY at once.
    enter(NudState::Delay);
    if (moves && hooks_.moved) hooks_.moved(who);
}

void NeighbourEntry::enter(NudState s) {
    state_ = s;
    switch (s) {
        case NudState::Reachable: timer_.arm(reachable_time()); break;
        case NudState::Stale:
        case NudState::Delay:
            state_ = NudState::Delay;
            timer_.arm(p_.delay_first_probe_time);
            break;
        case NudState::Probe:
            probes_ = 0;
            timer_.arm(p_.retrans_time);
            break;
        case NudState::Failed: broadcast(); break;
    }
}

// The next packet finds the entry FAILED: a broadcast request, answered by whoever holds the
// address one round trip later, or asked again after retrans_time.
void NeighbourEntry::broadcast() {
    const int h = hooks_.holder ? hooks_.holder() : -1;
    if (h < 0) {
        timer_.arm(p_.retrans_time);
        return;
    }
    sim_.post_after(rtt_, [this, h] {
        if (state_ != NudState::Failed) return;
        const bool moves = h != who_;
        who_ = h;
        enter(NudState::Reachable);
        if (moves && hooks_.moved) hooks_.moved(h);
    });
}

void NeighbourEntry::on_timer() {
    switch (state_) {
        case NudState::Reachable: enter(NudState::Stale); return;
        case NudState::Stale:
        case NudState::Delay: enter(NudState::Probe); return;
        case NudState::Probe:
            // The probe sent retrans_time ago was answered (or not) within a round trip.
            if (hooks_.answers && hooks_.answers(who_)) {
                enter(NudState::Reachable);
                return;
            }
            if (++probes_ < p_.ucast_solicit) {
                timer_.arm(p_.retrans_time);
                return;
            }
            enter(NudState::Failed);
            return;
        case NudState::Failed: broadcast(); return;
    }
}

}  // namespace lvs::net
