// A VRRP instance as keepalived runs it (keepalived/vrrp/vrrp.c, vrrp_scheduler.c; RFC 3768 for
// version 2, RFC 5798 for version 3): who is MASTER of the virtual addresses, when a BACKUP
// takes over, and when a MASTER yields.
//
// The instance owns no sockets: what it sends (adverts, gratuitous ARPs) and what it does to the
// director (take or release the VIPs, switch the sync daemon) goes through the hooks, which the
// scenario runtime wires to the other director and to the network.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "models/net/address.hpp"
#include "sim/simulator.hpp"
#include "sim/timer.hpp"

namespace lvs::ha {

enum class VrrpState : uint8_t { Init, Backup, Master, Stopped };
std::string_view to_string(VrrpState s);

// One vrrp_instance block.
struct VrrpConfig {
    uint8_t priority = 100;  // 1..255; 255 owns the address (keepalived: `state MASTER` without priority)
    sim::Duration advert_int = sim::s(1);
    uint8_t version = 2;          // keepalived's default for IPv4
    bool initial_master = false;  // `state MASTER`: the first master-down wait is one advert
    bool preempt = true;          // `nopreempt` clears it (only with `state BACKUP`)
    sim::Duration preempt_delay;  // 0..1000 s
    uint8_t garp_master_repeat = 5;
    sim::Duration garp_master_delay = sim::s(5);  // the second burst of gratuitous ARPs
    sim::Duration garp_master_refresh;            // 0: off; else gratuitous ARPs again this often as MASTER
};

// What an advert carries that the receiver uses.
struct Advert {
    uint8_t priority = 0;  // 0: the master is shutting down
    net::Ipv4 from;        // the sender's primary address (equal priorities: the higher wins)
};

struct VrrpHooks {
    std::function<void(const Advert&)> send_advert;
    // The instance became MASTER: take the VIPs, send gratuitous ARPs (a burst now and one after
    // garp_master_delay), switch the sync daemon to master.
    std::function<void()> become_master;
    // A MASTER heard a lower priority: it advertises at once and sends gratuitous ARPs again
    // (keepalived's "refresh remote ARP cache", garp_lower_prio_repeat).
    std::function<void()> refresh_arp;
    // The instance left MASTER (release the VIPs, sync daemon back to backup).
    std::function<void()> leave_master;
    // Every state change, for the trace and the report.
    std::function<void(VrrpState from, VrrpState to, std::string_view why)> changed;
};

class VrrpInstance {
public:
    VrrpInstance(sim::Simulator& sim, net::Ipv4 address, const VrrpConfig& cfg, VrrpHooks hooks);

    // keepalived starts: INIT, then BACKUP with the master-down timer running (or MASTER at
    // once for priority 255 with `state MASTER`).
    void start();
    // A pair that has been running for a while when the run begins: MASTER advertising, or
    // BACKUP with its master-down timer running (no transition is reported).
    void start_settled(bool master);
    // keepalived stops: a MASTER sends a priority-0 advert first, so that the backup takes over
    // after its skew time instead of the whole master-down interval.
    void stop();
    // The host dies: nothing is sent.
    void crash();
    void receive(const Advert& a);

    VrrpState state() const { return state_; }
    const VrrpConfig& config() const { return cfg_; }
    net::Ipv4 address() const { return address_; }
    // VRRP_TIMER_SKEW and VRRP_MS_DOWN_TIMER (keepalived vrrp.h).
    sim::Duration skew() const;
    sim::Duration master_down_interval() const { return sim::ns(3 * cfg_.advert_int.ns()) + skew(); }

private:
    void enter(VrrpState to, std::string_view why);
    void on_advert_timer();
    void on_master_down();
    void send(uint8_t priority);

    sim::Simulator& sim_;
    net::Ipv4 address_;
    VrrpConfig cfg_;
    VrrpHooks hooks_;
    VrrpState state_ = VrrpState::Init;
    sim::Time preempt_time_;  // when lower-priority adverts stop being accepted (0: not started)
    bool preempt_started_ = false;
    sim::Timer advert_timer_;  // MASTER: the next advert
    sim::Timer down_timer_;    // BACKUP: the master-down timer
};

}  // namespace lvs::ha
