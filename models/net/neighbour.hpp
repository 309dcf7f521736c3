// The router's ARP entry for a VRRP address (net/core/neighbour.c, net/ipv4/arp.c): which
// director the router sends the VIPs to, and how that changes without a gratuitous ARP.
//
// A gratuitous ARP overrides the entry at once (arp_process(): a current kernel overrides on a
// gratuitous ARP whatever the locktime) and leaves it STALE. A STALE entry in use goes to DELAY
// (delay_first_probe_time 5 s), then PROBE: unicast ARP requests to the address it holds,
// retrans_time 1 s apart, ucast_solicit 3 of them. An answer makes it REACHABLE for
// reachable_time (drawn from base_reachable_time 30 s x [0.5, 1.5), neigh_rand_reach_time()),
// after which it is STALE again. Three unanswered probes make it FAILED: the next packet
// broadcasts a request, and whoever holds the address now answers.
//
// lvsim's simplification: the VIP is taken as always in use (a busy service), so STALE moves
// to DELAY at once; the NAT realservers' entries for the inside VIP follow the router's.
#pragma once

#include <cstdint>
#include <functional>

#include "sim/rng.hpp"
#include "sim/simulator.hpp"
#include "sim/timer.hpp"

namespace lvs::net {

enum class NudState : uint8_t { Reachable, Stale, Delay, Probe, Failed };
const char* to_string(NudState s);

struct NeighbourParams {
    sim::Duration base_reachable_time = sim::s(30);
    sim::Duration delay_first_probe_time = sim::s(5);
    sim::Duration retrans_time = sim::s(1);
    uint32_t ucast_solicit = 3;
};

class NeighbourEntry {
public:
    // `answers(who)`: whether director `who` answers an ARP request for the address now;
    // `holder()`: who answers a broadcast request (-1: nobody); `moved(who)`: the entry now
    // points at `who`. `rtt`: a request's round trip.
    struct Hooks {
        std::function<bool(int)> answers;
        std::function<int()> holder;
        std::function<void(int)> moved;
    };
    NeighbourEntry(sim::Simulator& sim, sim::Rng rng, sim::Duration rtt, Hooks hooks, NeighbourParams p = {});

    // The entry as the run begins: pointing at `who`, REACHABLE.
    void start(int who);
    // A gratuitous ARP from `who` arrived.
    void gratuitous(int who);
    int points_at() const { return who_; }
    NudState state() const { return state_; }

private:
    void enter(NudState s);
    void on_timer();
    void broadcast();
    sim::Duration reachable_time();

    sim::Simulator& sim_;
    sim::Rng rng_;
    sim::Duration rtt_;
    Hooks hooks_;
    NeighbourParams p_;
    int who_ = -1;
    NudState state_ = NudState::Failed;
    uint32_t probes_ = 0;
    sim::Timer timer_;
};

}  // namespace lvs::net
