#include "models/ipvs/sched/hash_churn.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "sim/rng.hpp"

namespace lvs::ipvs {

namespace {

// The service and its realservers, changed only the way the director changes them.
struct Farm {
    std::vector<std::unique_ptr<Dest>> owned;  // declared first: outlives the scheduler
    Service svc;

    explicit Farm(const ChurnSpec& spec) {
        svc.sched_name = spec.scheduler;
        svc.flags = spec.flags;
        svc.vip = {net::Ipv4::of(10, 0, 0, 100), 80};
        svc.scheduler = SchedulerRegistry::instance().create(spec.scheduler, spec.config);
        svc.scheduler->on_service_init(svc);
        const uint32_t first = net::Ipv4::of(10, 0, 1, 1).value();
        for (uint32_t i = 0; i < spec.realservers; ++i) {
            owned.push_back(std::make_unique<Dest>());
            Dest& d = *owned.back();
            d.addr = {net::Ipv4(first + i), 80};
            d.weight = spec.weights.empty() ? 1 : spec.weights[i];
            d.last_weight = d.weight;  // __ip_vs_update_dest on add: last_weight = weight
            d.svc = &svc;
            svc.dests.insert(svc.dests.begin(), &d);  // list_add: newest first
        }
        // One rebuild for all the adds: sh and mh rebuild their whole table from the list on
        // every change, so the table after the last -a depends on the final list only.
        svc.scheduler->on_dests_changed(svc);
    }

    // ipvsadm -d of each, then the table rebuilt once: sh and mh rebuild from the list alone,
    // so one rebuild gives the table the last of the director's per-command rebuilds gives.
    void remove(const std::vector<Dest*>& gone) {
        for (Dest* d : gone) {
            const auto it = std::find(svc.dests.begin(), svc.dests.end(), d);
            svc.scheduler->on_dest_removed(svc, *d, static_cast<size_t>(it - svc.dests.begin()));
            svc.dests.erase(it);
            d->flags &= ~kDestAvailable;
            d->svc = nullptr;
        }
        svc.scheduler->on_dests_changed(svc);
    }
    // ipvsadm -e -w 0 of each (last_weight kept), then the table rebuilt once.
    void quiesce(const std::vector<Dest*>& gone) {
        for (Dest* d : gone) d->weight = 0;
        svc.scheduler->on_dests_changed(svc);
    }

    std::vector<Dest*> table() const {
        const auto t = svc.scheduler->lookup_table();
        return {t.begin(), t.end()};
    }
};

void check_spec(const ChurnSpec& spec) {
    if (spec.realservers == 0) throw std::invalid_argument("at least one realserver");
    if (!spec.weights.empty() && spec.weights.size() != spec.realservers)
        throw std::invalid_argument(std::to_string(spec.weights.size()) + " weights for " +
                                    std::to_string(spec.realservers) + " realservers");
    if (std::any_of(spec.weights.begin(), spec.weights.end(), [](int32_t w) { return w < 0; }))
        throw std::invalid_argument("a weight is negative");
    if (spec.remove >= spec.realservers)
        throw std::invalid_argument("removing " + std::to_string(spec.remove) + " of " +
                                    std::to_string(spec.realservers) + " realservers leaves none");
    if (spec.flows == 0) throw std::invalid_argument("at least one flow");
    if (spec.scheduler == "mh" && spec.realservers > spec.config.mh_table_size)
        throw std::invalid_argument("mh: " + std::to_string(spec.realservers) + " realservers exceed the " +
                                    std::to_string(spec.config.mh_table_size) +
                                    "-slot table (ip_vs_mh_reassign refuses, -EINVAL)");
}

// `k` distinct realserver numbers out of `n`, chosen by the seed (a partial Fisher-Yates).
std::vector<uint32_t> choose_removed(uint32_t k, uint32_t n, uint64_t seed) {
    std::vector<uint32_t> all(n);
    std::iota(all.begin(), all.end(), 0u);
    sim::Rng rng = sim::Rng::stream(seed, "hash-churn removed");
    for (uint32_t i = 0; i < k; ++i) std::swap(all[i], all[i + rng.below(n - i)]);
    all.resize(k);
    std::sort(all.begin(), all.end());
    return all;
}

// Max / mean slots per unit of weight over the realservers in the list with weight > 0 (with
// equal weights: the busiest realserver's slots over the mean).
double spread(const Service& svc, const std::vector<Dest*>& table) {
    std::unordered_map<const Dest*, uint64_t> slots;
    for (const Dest* d : table)
        if (d != nullptr) ++slots[d];
    uint64_t total = 0, weights = 0;
    double most = 0;
    for (const Dest* d : svc.dests) {
        if (d->weight <= 0) continue;
        const uint64_t n = slots[d];
        total += n;
        weights += static_cast<uint64_t>(d->weight);
        most = std::max(most, static_cast<double>(n) / d->weight);
    }
    if (total == 0) return 0;
    return most * static_cast<double>(weights) / static_cast<double>(total);
}

// The synthetic flows' picks: client address, port and destination address from the seed (the
// destination address is what dh hashes; sh and mh ignore it).
std::vector<Dest*> pick_all(Farm& farm, const ChurnSpec& spec) {
    sim::Rng flow_rng = sim::Rng::stream(spec.seed, "hash-churn flows");
    sim::Rng sched_rng(spec.seed);
    std::vector<Dest*> out;
    out.reserve(spec.flows);
    for (uint64_t i = 0; i < spec.flows; ++i) {
        const uint64_t r = flow_rng.next();
        const net::Endpoint client{net::Ipv4(static_cast<uint32_t>(r >> 32)),
                                   static_cast<net::Port>(1024 + (r & 0xFFFF) % 64512)};
        const net::Endpoint dst{net::Ipv4(static_cast<uint32_t>(flow_rng.next() >> 32)), 80};
        const ConnRequest req{client, dst, &sched_rng, sim::Time::zero()};
        out.push_back(farm.svc.scheduler->pick(farm.svc, req));
    }
    return out;
}

}  // namespace

double ChurnResult::slots_moved_fraction() const {
    return slots_considered == 0 ? 0
                                 : static_cast<double>(slots_moved) / static_cast<double>(slots_considered);
}

double ChurnResult::flows_moved_fraction() const {
    return flows_considered == 0 ? 0
                                 : static_cast<double>(flows_moved) / static_cast<double>(flows_considered);
}

double ChurnResult::slots_changed_fraction() const {
    return table_size == 0 ? 0 : static_cast<double>(slots_changed) / static_cast<double>(table_size);
}

uint32_t removal_count(double fraction, uint32_t realservers) {
    return static_cast<uint32_t>(std::llround(fraction * static_cast<double>(realservers)));
}

ChurnResult measure_churn(const ChurnSpec& spec) {
    check_spec(spec);
    Farm farm(spec);
    if (farm.svc.scheduler->lookup_table().empty())
        throw std::invalid_argument(spec.scheduler + " has no lookup table (sh, dh and mh have)");
    ChurnResult res;
    res.removed = choose_removed(spec.remove, spec.realservers, spec.seed);
    const std::vector<Dest*> table_before = farm.table();
    res.table_size = static_cast<uint32_t>(table_before.size());
    res.spread_before = spread(farm.svc, table_before);
    const std::vector<Dest*> flows_before = pick_all(farm, spec);

    std::vector<Dest*> leaving;
    for (const uint32_t i : res.removed) leaving.push_back(farm.owned[i].get());
    if (spec.quiesce) farm.quiesce(leaving);
    else farm.remove(leaving);
    const std::unordered_set<const Dest*> gone(leaving.begin(), leaving.end());
    const auto was_removed = [&](const Dest* d) { return gone.count(d) != 0; };

    const std::vector<Dest*> table_after = farm.table();
    res.spread_after = spread(farm.svc, table_after);
    for (size_t s = 0; s < table_before.size(); ++s) {
        if (table_after[s] != table_before[s]) ++res.slots_changed;
        if (was_removed(table_before[s])) continue;
        ++res.slots_considered;
        if (table_after[s] != table_before[s]) ++res.slots_moved;
    }
    const std::vector<Dest*> flows_after = pick_all(farm, spec);
    for (size_t f = 0; f < flows_before.size(); ++f) {
        if (flows_after[f] == nullptr) ++res.flows_refused_after;
        if (was_removed(flows_before[f])) {
            ++res.flows_on_removed;
            continue;
        }
        ++res.flows_considered;
        if (flows_after[f] != flows_before[f]) ++res.flows_moved;
    }
    return res;
}

}  // namespace lvs::ipvs
