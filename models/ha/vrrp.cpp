#include "models/ha/vrrp.hpp"

namespace lvs::ha {

std::string_view to_string(VrrpState s) {
    switch (s) {
        case VrrpState::Init: return "INIT";
        case VrrpState::Backup: return "BACKUP";
        case VrrpState::Master: return "MASTER";
        case VrrpState::Stopped: return "STOPPED";
    }
    return "?";
}

VrrpInstance::VrrpInstance(sim::Simulator& sim, net::Ipv4 address, const VrrpConfig& cfg, VrrpHooks hooks)
    : sim_(sim),
      address_(address),
      cfg_(cfg),
      hooks_(std::move(hooks)),
      advert_timer_(sim, [this] { on_advert_timer(); }),
      down_timer_(sim, [this] { on_master_down(); }) {}

// VRRP_TIMER_SKEW: version 2 (RFC 3768) counts (256 - priority)/256 of a second whatever the
// advert interval; version 3 (RFC 5798) that fraction of the advert interval. Priority 255
// (the address owner) has the smallest skew.
sim::Duration VrrpInstance::skew() const {
    const int64_t share = 256 - cfg_.priority;
    if (cfg_.version == 3) return sim::ns(share * cfg_.advert_int.ns() / 256);
    return sim::ns(share * 1'000'000'000 / 256);
}

void VrrpInstance::enter(VrrpState to, std::string_view why) {
    const VrrpState from = state_;
    if (from == to) return;
    state_ = to;
    if (hooks_.changed) hooks_.changed(from, to, why);
}

void VrrpInstance::send(uint8_t priority) {
    if (hooks_.send_advert) hooks_.send_advert({priority, address_});
}

void VrrpInstance::start() {
    if (state_ != VrrpState::Init && state_ != VrrpState::Stopped) return;
    state_ = VrrpState::Init;
    preempt_started_ = false;
    // vrrp_init_state(): the address owner with `state MASTER` takes over at once; `state
    // MASTER` otherwise waits one advert interval (plus the smallest skew) for another master;
    // a BACKUP waits the whole master-down interval.
    if (cfg_.initial_master && cfg_.priority == 255) {
        on_master_down();
        return;
    }
    enter(VrrpState::Backup, "keepalived started");
    down_timer_.arm(cfg_.initial_master
                        ? cfg_.advert_int +
                              sim::ns(cfg_.version == 3 ? cfg_.advert_int.ns() / 256 : 1'000'000'000 / 256)
                        : master_down_interval());
}

void VrrpInstance::start_settled(bool master) {
    state_ = master ? VrrpState::Master : VrrpState::Backup;
    preempt_started_ = false;
    if (master) {
        send(cfg_.priority);
        advert_timer_.arm(cfg_.advert_int);
    } else {
        down_timer_.arm(master_down_interval());
    }
}

void VrrpInstance::stop() {
    const bool master = state_ == VrrpState::Master;
    if (master) {
        send(0);
        if (hooks_.leave_master) hooks_.leave_master();
    }
    advert_timer_.disarm();
    down_timer_.disarm();
    enter(VrrpState::Stopped, master ? "keepalived stopped: a priority-0 advert" : "keepalived stopped");
}

// A dead host sends nothing and releases nothing: the router keeps sending to it until another
// director's gratuitous ARP.
void VrrpInstance::crash() {
    advert_timer_.disarm();
    down_timer_.disarm();
    enter(VrrpState::Stopped, "the director crashed");
}

// vrrp_state_master_tx() then vrrp_state_become_master(): the advert first (so that an old
// master drops the addresses before the gratuitous ARPs), then the addresses and the ARPs.
void VrrpInstance::on_master_down() {
    if (state_ == VrrpState::Stopped) return;
    enter(VrrpState::Master, "master-down timer expired");
    send(cfg_.priority);
    advert_timer_.arm(cfg_.advert_int);
    if (hooks_.become_master) hooks_.become_master();
}

void VrrpInstance::on_advert_timer() {
    if (state_ != VrrpState::Master) return;
    send(cfg_.priority);
    advert_timer_.arm(cfg_.advert_int);
}

void VrrpInstance::receive(const Advert& a) {
    if (state_ == VrrpState::Backup) {
        // vrrp_state_backup(): priority 0 means the master is leaving: take over after the skew.
        if (a.priority == 0) {
            down_timer_.arm(skew());
            return;
        }
        const bool lower = a.priority < cfg_.priority;
        const bool in_delay =
            cfg_.preempt_delay > sim::Duration{} && (!preempt_started_ || sim_.now() < preempt_time_);
        if (!cfg_.preempt || !lower || in_delay) {
            down_timer_.arm(master_down_interval());
            if (cfg_.preempt_delay > sim::Duration{}) {
                if (!lower) preempt_started_ = false;  // a higher master: the delay starts over
                else if (!preempt_started_) {
                    preempt_started_ = true;
                    preempt_time_ = sim_.now() + cfg_.preempt_delay;
                }
            }
            return;
        }
        // A lower priority with preemption on: the advert is discarded and the running
        // master-down timer makes this instance MASTER.
        return;
    }
    if (state_ == VrrpState::Master) {
        if (a.priority == 0) {
            send(cfg_.priority);  // another master left: answer at once
            return;
        }
        const bool higher =
            a.priority > cfg_.priority || (a.priority == cfg_.priority && a.from.value() > address_.value());
        if (higher) {
            // vrrp_state_master_rx(): yield at once, no priority-0 advert.
            advert_timer_.disarm();
            enter(VrrpState::Backup, "a higher-priority advert");
            preempt_started_ = false;
            down_timer_.arm(master_down_interval());
            if (hooks_.leave_master) hooks_.leave_master();
            return;
        }
        // A lower priority: "forcing new election": advertise at once and refresh the ARP caches.
        send(cfg_.priority);
        if (hooks_.refresh_arp) hooks_.refresh_arp();
    }
}

}  // namespace lvs::ha
