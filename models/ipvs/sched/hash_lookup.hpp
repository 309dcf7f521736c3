// What the table-driven schedulers share (hashing.cpp: sh, dh; maglev.cpp: mh): the
// availability test, the scheduler flags, the lookup with its fallback walk and the trace
// figures.
#pragma once

#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/ipvs/scheduler.hpp"

namespace lvs::ipvs {

// is_unavailable() of ip_vs_sh.c and ip_vs_mh.c: weight <= 0 or the OVERLOAD flag. The
// AVAILABLE flag is not looked at (the table only holds the service's own destinations).
inline bool hash_unavailable(const Dest& d) { return d.weight <= 0 || d.overloaded(); }

inline bool fallback_flag(const Service& svc) { return (svc.flags & kSvcSched1) != 0; }
// sh-port / mh-port: the client's source port joins the key (0 otherwise).
inline uint32_t key_port(const Service& svc, const ConnRequest& req) {
    return (svc.flags & kSvcSched2) != 0 ? req.client.port : 0u;
}

// The client's slot, then (with the fallback flag) a walk over the whole table for a usable
// destination; the kernel's ip_vs_sh_get_fallback and ip_vs_mh_get_fallback share this shape.
// `slot_of(offset)` hashes the client's key with `offset` added. The walk feeds
// (first slot + i) back in as that offset, so it starts at slot_of(first slot), not next to it.
template <typename SlotOf>
Dest* lookup_with_fallback(std::span<Dest* const> table, bool fallback, SlotOf slot_of) {
    const auto size = static_cast<uint32_t>(table.size());
    const uint32_t ihash = slot_of(0);
    Dest* d = table[ihash];
    if (d == nullptr || !hash_unavailable(*d)) return d;
    if (!fallback) return nullptr;
    for (uint32_t offset = 0; offset < size; ++offset) {
        d = table[slot_of((offset + ihash) % size)];
        if (d == nullptr) break;
        if (!hash_unavailable(*d)) return d;
    }
    return nullptr;
}

// Trace figures: how many slots a destination owns and whether this client's slot is one of
// them. One pass over the table (mh's has thousands of slots).
inline void explain_table(const Service& svc, std::span<Dest* const> table, uint32_t client_slot,
                          bool (*eligible)(const Dest&), std::vector<Considered>& out) {
    std::unordered_map<const Dest*, size_t> slots;
    for (const Dest* d : table)
        if (d != nullptr) ++slots[d];
    for (const Dest* d : svc.dests) {
        const auto it = slots.find(d);
        std::string figure = "slots=" + std::to_string(it == slots.end() ? 0 : it->second) +
                             " weight=" + std::to_string(d->weight) +
                             " last_weight=" + std::to_string(d->last_weight);
        if (table[client_slot] == d) figure += " client_slot=" + std::to_string(client_slot);
        out.push_back({d, std::move(figure), eligible(*d)});
    }
}

}  // namespace lvs::ipvs
