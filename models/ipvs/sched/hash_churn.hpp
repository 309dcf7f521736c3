// How much a hashing scheduler's table and flows move when realservers leave (sh, mh, dh),
// measured on the simulator's own scheduler objects through a Service and its Dests, changed
// as the director changes them (ip_vs_ctl.cpp).
//
// The measures are the Maglev paper's (Eisenbud et al., NSDI 2016, section 5.3):
//   (a) slots moved: of the table slots whose realserver stays, the fraction whose realserver
//       changed (the slots of the removed ones must move and are not counted);
//       The paper's Figure 12 counts "changed entries" without saying whether the removed
//       backends' own entries count; `slots_changed` is the other reading: of all slots, those
//       whose realserver changed.
//   (b) flows moved: of the synthetic flows whose realserver stays, the fraction sent to a
//       different one;
//   (c) spread: max / mean slots per realserver that can take new flows (weight > 0), per
//       unit of weight, the paper's over-provision factor, before and after.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/ipvs/scheduler.hpp"

namespace lvs::ipvs {

struct ChurnSpec {
    std::string scheduler = "mh";
    SchedulerConfig config;
    // Realservers 10.0.1.1:80, 10.0.1.2:80, ... added (ipvsadm -a) in that order, so the
    // kernel's list (newest first) holds the last one first.
    uint32_t realservers = 10;
    std::vector<int32_t> weights;  // one per realserver; empty = all 1
    uint32_t remove = 1;           // how many leave, chosen by the seed
    bool quiesce = false;          // ipvsadm -e -w 0 (last_weight kept) instead of ipvsadm -d
    uint32_t flags = 0;            // kSvcSched1 (sh/mh-fallback), kSvcSched2 (sh/mh-port)
    uint64_t flows = 100000;       // client address, port and destination address from the seed
    uint64_t seed = 1;
};

struct ChurnResult {
    uint32_t table_size = 0;
    std::vector<uint32_t> removed;  // realserver numbers, 0 = 10.0.1.1
    uint64_t slots_considered = 0;  // (a)
    uint64_t slots_moved = 0;
    uint64_t slots_changed = 0;     // of all table_size slots
    uint64_t flows_considered = 0;  // (b)
    uint64_t flows_moved = 0;
    uint64_t flows_on_removed = 0;     // flows that were on a removed realserver
    uint64_t flows_refused_after = 0;  // flows with no destination after (of all flows)
    double spread_before = 0;          // (c)
    double spread_after = 0;

    double slots_moved_fraction() const;
    double flows_moved_fraction() const;
    double slots_changed_fraction() const;
};

// std::invalid_argument for a spec that cannot be measured: an unknown scheduler or one without
// a lookup table, a bad SchedulerConfig, weights not one per realserver, `remove` not below
// `realservers`, no flows, or mh with more realservers than slots (ip_vs_mh_reassign refuses).
ChurnResult measure_churn(const ChurnSpec& spec);

// The number of realservers a fraction of `realservers` is, rounded to the nearest.
uint32_t removal_count(double fraction, uint32_t realservers);

}  // namespace lvs::ipvs
