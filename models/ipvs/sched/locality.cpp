// lblc, lblcr: locality-based least connection, without and with replication (ip_vs_lblc.c,
// ip_vs_lblcr.c; ipvs-tcp-http.md sections 5.9-5.10).
//
// Both keep a cache keyed by the packet's destination address (built for web caches, where the
// address names the origin server): lblc maps it to one destination, lblcr to a set. A stale
// or overloaded entry falls back to weighted least connection over the whole service. The
// kernel garbage-collects the cache from a 60 s timer; schedulers here see the clock only
// through ConnRequest::now, so the timer's ticks run lazily, each with its own time, at the
// next scheduling decision. Nothing else touches the cache between decisions, so this gives
// the same result as running them on time.
#include <algorithm>
#include <array>

#include "models/ipvs/scheduler.hpp"

namespace lvs::ipvs {
namespace {

constexpr unsigned kTabBits = 10;  // CONFIG_IP_VS_LBLC(R)_TAB_BITS
constexpr uint32_t kTabSize = 1u << kTabBits;
constexpr uint32_t kTabMask = kTabSize - 1;
constexpr size_t kMaxEntries = kTabSize * 16;             // tbl->max_size
constexpr sim::Duration kCheckInterval = sim::s(60);      // CHECK_EXPIRE_INTERVAL
constexpr sim::Duration kEntryTimeout = sim::minutes(6);  // ENTRY_TIMEOUT
constexpr int kCountForFullExpiration = 30;               // COUNT_FOR_FULL_EXPIRATION
// net.ipv4.vs.lblc_expiration and lblcr_expiration default to one day; the simulator has no
// knob for them yet.
constexpr sim::Duration kExpiration = sim::hours(24);

// include/linux/hash.h: multiply by the 32-bit golden ratio (wrapping) and keep the top `bits`.
constexpr uint32_t hash_32(uint32_t v, unsigned bits) { return (v * 0x61C88647u) >> (32 - bits); }

// The cache table shared by lblc and lblcr: 1024 buckets by hash_32(address, 10) and the
// periodic collection of ip_vs_lblc_check_expire / ip_vs_lblcr_check_expire. `Entry` has
// `addr` (the key) and `lastuse`.
//
// The timer: the kernel arms it when the service is created, but on_service_init gets no
// clock, so ours is taken to have been armed at time zero (ticks at 60 s, 120 s, ...). That
// is exact for services created at the start of a run; for later ones the ticks' phase (and
// the 30-tick full-sweep cycle) may differ from the kernel's by less than one period (cycle).
template <typename Entry>
class LocalityCache {
public:
    Entry* find(net::Ipv4 addr) {
        for (Entry& e : buckets_[bucket_of(addr)])
            if (e.addr == addr) return &e;
        return nullptr;
    }
    const Entry* find(net::Ipv4 addr) const { return const_cast<LocalityCache*>(this)->find(addr); }
    // `e.addr` must not be cached yet.
    Entry& insert(Entry e) {
        ++entries_;
        auto& bucket = buckets_[bucket_of(e.addr)];
        bucket.push_back(std::move(e));
        return bucket.back();
    }
    // Drops the entries for which `f` returns true.
    template <typename F>
    void erase_if(F f) {
        for (auto& bucket : buckets_) {
            const auto end = std::remove_if(bucket.begin(), bucket.end(), f);
            entries_ -= static_cast<size_t>(bucket.end() - end);
            bucket.erase(end, bucket.end());
        }
    }
    template <typename F>
    void for_each(F f) {
        for (auto& bucket : buckets_)
            for (Entry& e : bucket) f(e);
    }
    size_t size() const { return entries_; }

    // Runs every tick of the collection timer due by `now`.
    void collect(sim::Time now) {
        while (next_check_ <= now) {
            check_expire(next_check_);
            next_check_ += kCheckInterval;
        }
    }

private:
    static uint32_t bucket_of(net::Ipv4 addr) { return hash_32(addr.value(), kTabBits); }

    // Drops the entries of one bucket unused for `timeout`; returns how many.
    size_t expire_bucket(uint32_t b, sim::Time now, sim::Duration timeout) {
        auto& bucket = buckets_[b];
        const auto end = std::remove_if(bucket.begin(), bucket.end(),
                                        [&](const Entry& e) { return now >= e.lastuse + timeout; });
        const auto n = static_cast<size_t>(bucket.end() - end);
        bucket.erase(end, bucket.end());
        entries_ -= n;
        return n;
    }

    // One tick. Every 30th a full sweep against the expiration (24 h); otherwise, only while
    // the table holds more than its maximum, entries idle for 6 min go, bucket by bucket from
    // the rover on, until 4/3 of the excess (at most half the maximum) is gone.
    void check_expire(sim::Time now) {
        if (counter_ % kCountForFullExpiration == 0) {
            // Walks all 1024 buckets from rover + 1, so the rover ends where it started.
            if (entries_ > 0)
                for (uint32_t b = 0; b < kTabSize; ++b) expire_bucket(b, now, kExpiration);
            counter_ = 1;
            return;
        }
        if (entries_ <= kMaxEntries) {
            ++counter_;
            return;
        }
        int64_t goal = static_cast<int64_t>(entries_ - kMaxEntries) * 4 / 3;
        goal = std::min(goal, static_cast<int64_t>(kMaxEntries / 2));
        uint32_t j = rover_;
        for (uint32_t i = 0; i < kTabSize; ++i) {
            j = (j + 1) & kTabMask;
            goal -= static_cast<int64_t>(expire_bucket(j, now, kEntryTimeout));
            if (goal <= 0) break;  // only after a whole bucket, like the kernel
        }
        rover_ = j;
    }

    std::array<std::vector<Entry>, kTabSize> buckets_;
    size_t entries_ = 0;
    uint32_t rover_ = 0;
    int counter_ = 1;
    sim::Time next_check_ = sim::Time::zero() + kCheckInterval;
};

// is_overloaded() of ip_vs_lblc.c / ip_vs_lblcr.c (not the OVERLOAD flag): more active
// connections than its weight while some destination of the service is below half its weight.
bool lblc_overloaded(const Dest& d, const Service& svc) {
    if (int64_t{d.activeconns} <= d.weight) return false;
    return std::any_of(svc.dests.begin(), svc.dests.end(),
                       [](const Dest* x) { return int64_t{x->activeconns} * 2 < x->weight; });
}

// __ip_vs_lblc_schedule / __ip_vs_lblcr_schedule: weighted least connection over the service,
// as wlc (the first usable destination, replaced only by a strictly less loaded one).
Dest* least_weighted(const Service& svc) {
    Dest* least = nullptr;
    uint64_t loh = 0;
    for (Dest* d : svc.dests) {
        if (!usable(*d)) continue;
        const uint64_t doh = d->overhead();
        if (least == nullptr ||
            loh * static_cast<uint64_t>(d->weight) > doh * static_cast<uint64_t>(least->weight)) {
            least = d;
            loh = doh;
        }
    }
    return least;
}

std::string figures(const Dest& d) {
    return "overhead=" + std::to_string(d.overhead()) + " weight=" + std::to_string(d.weight) +
           " active=" + std::to_string(d.activeconns) + " inactive=" + std::to_string(d.inactconns);
}

// Whether `d` still belongs to the service (entries for destinations the tests or the director
// took out without on_dest_removed are dropped in on_dests_changed).
bool in_service(const Service& svc, const Dest* d) {
    return std::find(svc.dests.begin(), svc.dests.end(), d) != svc.dests.end();
}

// ---------------------------------------------------------------------------------------------
// lblc: address -> one destination.

struct LblcEntry {
    net::Ipv4 addr;
    Dest* dest;
    sim::Time lastuse;
};

struct Lblc final : Scheduler {
    LocalityCache<LblcEntry> cache;

    std::string_view name() const override { return "lblc"; }

    // The kernel's entry holds a reference that keeps a deleted destination in the trash (and
    // skips it as not AVAILABLE); the director may free ours, so its entries go now. The next
    // connection for those addresses is scheduled afresh either way.
    void on_dest_removed(Service&, const Dest& d, size_t) override {
        cache.erase_if([&](const LblcEntry& e) { return e.dest == &d; });
    }
    void on_dests_changed(Service& svc) override {
        cache.erase_if([&](const LblcEntry& e) { return !in_service(svc, e.dest); });
    }

    Dest* pick(Service& svc, const ConnRequest& req) override {
        cache.collect(req.now);
        const net::Ipv4 daddr = req.vip.addr;
        LblcEntry* en = cache.find(daddr);
        if (en != nullptr) {
            en->lastuse = req.now;  // touched even when it is then replaced
            Dest* d = en->dest;
            // Spec section 4.2 (all schedulers skip OVERLOAD) adds the flag test to section 5.9's
            // AVAILABLE, weight > 0 and not lblc-overloaded.
            if (d->available() && usable(*d) && !lblc_overloaded(*d, svc)) return d;
        }
        Dest* d = least_weighted(svc);
        if (d == nullptr) return nullptr;
        // ip_vs_lblc_new: an entry already naming `d` stays as it is; otherwise it is replaced.
        if (en == nullptr) cache.insert({daddr, d, req.now});
        else if (en->dest != d) *en = {daddr, d, req.now};
        return d;
    }

    void explain(const Service& svc, const ConnRequest& req, std::vector<Considered>& out) const override {
        const LblcEntry* en = cache.find(req.vip.addr);
        for (const Dest* d : svc.dests) {
            std::string f = figures(*d);
            if (en != nullptr && en->dest == d) f += " cached";
            if (lblc_overloaded(*d, svc)) f += " lblc_overloaded";
            out.push_back({d, std::move(f), usable(*d)});
        }
    }
};

// ---------------------------------------------------------------------------------------------
// lblcr: address -> a set of destinations that grows under load and shrinks when unchanged
// for a day.

struct LblcrEntry {
    net::Ipv4 addr;
    std::vector<Dest*> set;  // newest member first (list_add_rcu)
    sim::Time lastmod;       // the set's last insert or erase
    sim::Time lastuse;
};

// ip_vs_dest_set_min: the weighted least-loaded member that is not OVERLOADed, has weight > 0
// and is AVAILABLE; the first such member wins ties.
Dest* set_min(const std::vector<Dest*>& set) {
    Dest* least = nullptr;
    uint64_t loh = 0;
    for (Dest* d : set) {
        if (d->overloaded() || !d->available() || d->weight <= 0) continue;
        const uint64_t doh = d->overhead();
        if (least == nullptr ||
            loh * static_cast<uint64_t>(d->weight) > doh * static_cast<uint64_t>(least->weight)) {
            least = d;
            loh = doh;
        }
    }
    return least;
}

// ip_vs_dest_set_max: the weighted most-loaded member with weight > 0 (flags not looked at);
// the first wins ties.
Dest* set_max(const std::vector<Dest*>& set) {
    Dest* most = nullptr;
    uint64_t moh = 0;
    for (Dest* d : set) {
        if (d->weight <= 0) continue;
        const uint64_t doh = d->overhead();
        if (most == nullptr ||
            moh * static_cast<uint64_t>(d->weight) < doh * static_cast<uint64_t>(most->weight)) {
            most = d;
            moh = doh;
        }
    }
    return most;
}

struct Lblcr final : Scheduler {
    LocalityCache<LblcrEntry> cache;

    std::string_view name() const override { return "lblcr"; }

    // As lblc: the kernel's sets hold deleted members (never chosen, not AVAILABLE) until they
    // age out; ours drop them at once, without counting that as a change of the set.
    void on_dest_removed(Service&, const Dest& d, size_t) override {
        cache.for_each([&](LblcrEntry& e) { std::erase(e.set, &d); });
    }
    void on_dests_changed(Service& svc) override {
        cache.for_each(
            [&](LblcrEntry& e) { std::erase_if(e.set, [&](const Dest* d) { return !in_service(svc, d); }); });
    }

    Dest* pick(Service& svc, const ConnRequest& req) override {
        cache.collect(req.now);
        const net::Ipv4 daddr = req.vip.addr;
        LblcrEntry* en = cache.find(daddr);
        if (en == nullptr) {
            Dest* d = least_weighted(svc);
            if (d != nullptr) cache.insert({daddr, {d}, req.now, req.now});
            return d;
        }
        en->lastuse = req.now;
        Dest* d = set_min(en->set);
        // A set unchanged for the expiration loses its most loaded member. The kernel chose
        // `d` before this, so it may return the member it has just erased.
        if (en->set.size() > 1 && req.now > en->lastmod + kExpiration) {
            if (Dest* m = set_max(en->set)) {
                std::erase(en->set, m);
                en->lastmod = req.now;
            }
        }
        if (d != nullptr && !lblc_overloaded(*d, svc)) return d;
        d = least_weighted(svc);
        if (d == nullptr) return nullptr;
        if (std::find(en->set.begin(), en->set.end(), d) == en->set.end()) {
            en->set.insert(en->set.begin(), d);
            en->lastmod = req.now;
        }
        return d;
    }

    void explain(const Service& svc, const ConnRequest& req, std::vector<Considered>& out) const override {
        const LblcrEntry* en = cache.find(req.vip.addr);
        for (const Dest* d : svc.dests) {
            std::string f = figures(*d);
            if (en != nullptr && std::find(en->set.begin(), en->set.end(), d) != en->set.end())
                f += " in_set";
            if (lblc_overloaded(*d, svc)) f += " lblc_overloaded";
            out.push_back({d, std::move(f), usable(*d)});
        }
    }
};

}  // namespace

void register_locality(SchedulerRegistry& r) {
    r.add("lblc", [] { return std::make_unique<Lblc>(); });
    r.add("lblcr", [] { return std::make_unique<Lblcr>(); });
}

}  // namespace lvs::ipvs
