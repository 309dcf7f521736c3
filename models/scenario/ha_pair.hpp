// A director pair (`ha:`) as data: each member as the runtime holds it (run_ha.cpp), and the
// report's section it hands the writers (report_ha.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/ha/vrrp.hpp"
#include "models/ipvs/director.hpp"
#include "models/ipvs/ip_vs_sync.hpp"

namespace lvs::scenario {

// One director of the pair: its VRRP instance and how long it has been MASTER.
struct HaMember {
    ipvs::Director* director = nullptr;
    std::unique_ptr<ha::VrrpInstance> vrrp;
    sim::Time master_since;
    sim::Duration master_time;
    uint32_t became_master = 0;
};

// A VRRP pair of directors (`ha:`): each director as it ended, and what moved between them.
struct HaDirectorReport {
    std::string name;
    std::string address;
    uint32_t priority = 0;
    std::string vrrp_state;  // at the end: MASTER, BACKUP, STOPPED
    double master_s = 0;     // seconds as MASTER
    uint32_t became_master = 0;
    uint64_t entries = 0;  // connection entries now (templates left out)
    uint64_t active = 0, inactive = 0;
    uint64_t resets = 0;     // RSTs from its own stack (packets of flows it has no entry for)
    uint64_t relayed = 0;    // packets for the VIPs that reached it as BACKUP, sent on to the holder
    uint64_t no_holder = 0;  // ... when nobody held them (lost)
    uint64_t lost_down = 0;  // packets that reached it while it was crashed
    ipvs::SyncCounters sync;
    std::string ipvsadm_ln;  // its services as it ended
};
struct HaReport {
    bool any = false;
    bool sync = false;
    bool sync_follows_vrrp = true;
    std::vector<HaDirectorReport> directors;
    std::string vip_owner;  // where the router sends the VIPs at the end
    uint32_t vip_moves = 0;
    double split_brain_s = 0;         // both MASTER at once
    std::vector<std::string> events;  // "[63.609s] lvs2: BACKUP -> MASTER (master-down timer expired)"
};

}  // namespace lvs::scenario
