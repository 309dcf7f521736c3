// sh, dh, mh: the hashing schedulers (ip_vs_sh.c, ip_vs_dh.c, ip_vs_mh.c; ipvs-tcp-http.md
// sections 4.1, 5.0, 5.7, 5.8, 5.11).
//
// Unlike the list-walking schedulers these do not skip a weight-0 or overloaded destination:
// the client's slot decides, and an unusable slot means "no destination" (the SYN draws ICMP
// port unreachable) unless the service has the fallback flag (sh and mh only), which walks on
// through the table. Tables are rebuilt on every destination change.
#include <algorithm>
#include <bit>
#include <numeric>

#include "models/ipvs/scheduler.hpp"

namespace lvs::ipvs {
namespace {

// include/linux/hash.h: multiply by the 32-bit golden ratio (wrapping) and keep the top `bits`.
constexpr uint32_t hash_32(uint32_t v, unsigned bits) { return (v * 0x61C88647u) >> (32 - bits); }

// is_unavailable() of ip_vs_sh.c and ip_vs_mh.c: weight <= 0 or the OVERLOAD flag. The
// AVAILABLE flag is not looked at (the table only holds the service's own destinations).
bool hash_unavailable(const Dest& d) { return d.weight <= 0 || d.overloaded(); }

bool fallback_flag(const Service& svc) { return (svc.flags & kSvcSched1) != 0; }
// sh-port / mh-port: the client's source port joins the key (0 otherwise).
uint32_t key_port(const Service& svc, const ConnRequest& req) {
    return (svc.flags & kSvcSched2) != 0 ? req.client.port : 0u;
}

// The client's slot, then (with the fallback flag) a walk over the whole table for a usable
// destination; the kernel's ip_vs_sh_get_fallback and ip_vs_mh_get_fallback share this shape.
// `slot_of(offset)` hashes the client's key with `offset` added. The walk feeds
// (first slot + i) back in as that offset, so it starts at slot_of(first slot), not next to it.
template <typename SlotOf>
Dest* lookup_with_fallback(const std::vector<Dest*>& table, bool fallback, SlotOf slot_of) {
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

// Trace figures shared by the three: how many slots a destination owns and whether this
// client's slot is one of them.
void explain_table(const Service& svc, const std::vector<Dest*>& table, uint32_t client_slot,
                   bool (*eligible)(const Dest&), std::vector<Considered>& out) {
    for (const Dest* d : svc.dests) {
        const auto slots = std::count(table.begin(), table.end(), d);
        std::string figure = "slots=" + std::to_string(slots) + " weight=" + std::to_string(d->weight) +
                             " last_weight=" + std::to_string(d->last_weight);
        if (table[client_slot] == d) figure += " client_slot=" + std::to_string(client_slot);
        out.push_back({d, std::move(figure), eligible(*d)});
    }
}

// ---------------------------------------------------------------------------------------------
// sh: 256 buckets keyed by the client's address (plus its port with sh-port).

constexpr unsigned kShBits = 8;  // CONFIG_IP_VS_SH_TAB_BITS
constexpr uint32_t kShSize = 1u << kShBits;

struct Sh final : Scheduler {
    std::vector<Dest*> buckets = std::vector<Dest*>(kShSize, nullptr);

    std::string_view name() const override { return "sh"; }
    void on_service_init(Service& svc) override { reassign(svc); }
    void on_dests_changed(Service& svc) override { reassign(svc); }

    // ip_vs_sh_reassign: in list order each destination takes max(weight, 1) consecutive
    // buckets, cycling through the list until all 256 are filled. A weight-0 destination still
    // owns buckets, which is why its clients are refused rather than re-routed.
    void reassign(const Service& svc) {
        size_t i = 0;
        int32_t taken = 0;
        for (Dest*& b : buckets) {
            if (svc.dests.empty()) {
                b = nullptr;
                continue;
            }
            b = svc.dests[i];
            if (++taken >= b->weight) {
                i = (i + 1) % svc.dests.size();
                taken = 0;
            }
        }
    }

    static uint32_t slot(const Service& svc, const ConnRequest& req, uint32_t offset) {
        const uint32_t key = key_port(svc, req) + req.client.addr.value();
        return (offset + hash_32(key, kShBits)) & (kShSize - 1);
    }
    Dest* pick(Service& svc, const ConnRequest& req) override {
        return lookup_with_fallback(buckets, fallback_flag(svc),
                                    [&](uint32_t offset) { return slot(svc, req, offset); });
    }
    void explain(const Service& svc, const ConnRequest& req, std::vector<Considered>& out) const override {
        explain_table(
            svc, buckets, slot(svc, req, 0), [](const Dest& d) { return !hash_unavailable(d); }, out);
    }
};

// ---------------------------------------------------------------------------------------------
// dh: 256 buckets keyed by the packet's destination address, one destination per bucket.

constexpr unsigned kDhBits = 8;  // CONFIG_IP_VS_DH_TAB_BITS
constexpr uint32_t kDhSize = 1u << kDhBits;

// ip_vs_dh_schedule refuses a bucket whose destination is not AVAILABLE, has weight <= 0 or
// is overloaded; there is no fallback.
bool dh_usable(const Dest& d) { return d.available() && d.weight > 0 && !d.overloaded(); }

struct Dh final : Scheduler {
    std::vector<Dest*> buckets = std::vector<Dest*>(kDhSize, nullptr);

    std::string_view name() const override { return "dh"; }
    void on_service_init(Service& svc) override { reassign(svc); }
    void on_dests_changed(Service& svc) override { reassign(svc); }

    // ip_vs_dh_reassign: one bucket per destination in list order, cycling; weight ignored.
    void reassign(const Service& svc) {
        for (uint32_t b = 0; b < kDhSize; ++b)
            buckets[b] = svc.dests.empty() ? nullptr : svc.dests[b % svc.dests.size()];
    }

    static uint32_t slot(const ConnRequest& req) { return hash_32(req.vip.addr.value(), kDhBits); }
    Dest* pick(Service&, const ConnRequest& req) override {
        Dest* d = buckets[slot(req)];
        return d != nullptr && dh_usable(*d) ? d : nullptr;
    }
    void explain(const Service& svc, const ConnRequest& req, std::vector<Considered>& out) const override {
        explain_table(svc, buckets, slot(req), dh_usable, out);
    }
};

// ---------------------------------------------------------------------------------------------
// mh: Maglev hashing over a 251-slot lookup table.
//
// ASSIGNMENTS ARE ILLUSTRATIVE, NOT BIT-EXACT WITH THE KERNEL'S HSIPHASH. ip_vs_mh.c hashes with
// hsiphash under two fixed keys (every key word 2654435761 for h1, 2654446892 for h2); which
// hsiphash variant runs depends on the machine's word size and was not confirmed (spec section
// 11 item 14). We substitute MurmurHash3_x86_32 (Austin Appleby's public-domain algorithm) of
// the single 32-bit word, seeded with the key word. Everything else - the table size, offsets,
// skips, turns, the population order and the lookup with its fallback walk - follows the
// kernel, so which client lands where differs from a real director but the properties (even
// spread, minimal disruption, quiescing by last_weight) are the same.

constexpr uint32_t kMhSize = 251;  // primes[CONFIG_IP_VS_MH_TAB_INDEX - 8] with the default 12
constexpr int kMhTabBits = 6;      // CONFIG_IP_VS_MH_TAB_INDEX / 2: caps turns at 6 bits
constexpr uint32_t kMhKey1 = 2654435761u;
constexpr uint32_t kMhKey2 = 2654446892u;

constexpr uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

// The hsiphash substitute: MurmurHash3_x86_32 over one 4-byte block (the value, little endian)
// with `seed`, including the length step and the fmix32 finaliser.
constexpr uint32_t mh_substitute_hash(uint32_t value, uint32_t seed) {
    uint32_t k = value * 0xCC9E2D51u;
    k = rotl32(k, 15);
    k *= 0x1B873593u;
    uint32_t h = seed ^ k;
    h = rotl32(h, 13);
    h = h * 5 + 0xE6546B64u;
    h ^= 4u;  // input length in bytes
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}
// Published MurmurHash3_x86_32 check values: four zero bytes with seed 0, "aaaa" with seed
// 0x9747B28C.
static_assert(mh_substitute_hash(0u, 0u) == 0x2362F9DEu);
static_assert(mh_substitute_hash(0x61616161u, 0x9747B28Cu) == 0x5A97808Au);

// ip_vs_mh_hashkey: the hashed value is offset + port + address (32-bit wrap).
uint32_t mh_hashkey(net::Ipv4 addr, uint32_t port, uint32_t key, uint32_t offset) {
    return mh_substitute_hash(offset + port + addr.value(), key);
}

struct Mh final : Scheduler {
    std::vector<Dest*> lookup = std::vector<Dest*>(kMhSize, nullptr);

    std::string_view name() const override { return "mh"; }
    void on_service_init(Service& svc) override { reassign(svc); }
    void on_dests_changed(Service& svc) override { reassign(svc); }
    // The kernel keeps the table (holding references) when it refuses to rebuild for more than
    // M destinations; we cannot hold a destination the director may free, so its slots empty.
    void on_dest_removed(Service&, const Dest& d, size_t) override {
        std::replace(lookup.begin(), lookup.end(), const_cast<Dest*>(&d), static_cast<Dest*>(nullptr));
    }

    // ip_vs_mh_reassign with ip_vs_mh_gcd_weight, ip_vs_mh_shift_weight, ip_vs_mh_permutate and
    // ip_vs_mh_populate. last_weight, not weight, drives the table, so quiescing a server
    // (weight 0) keeps every slot where it was.
    void reassign(const Service& svc) {
        if (svc.dests.size() > kMhSize) return;  // the kernel refuses (-EINVAL), old table stays
        int32_t gcd = 0, max_lw = 0;
        for (const Dest* d : svc.dests) {
            if (d->last_weight > 0) gcd = gcd > 0 ? std::gcd(gcd, d->last_weight) : d->last_weight;
            max_lw = std::max(max_lw, d->last_weight);
        }
        if (gcd < 1) {  // no destinations, or none ever had a weight
            std::fill(lookup.begin(), lookup.end(), nullptr);
            return;
        }
        // Keep turns within kMhTabBits bits: shift = occupied bits of max/gcd minus 6.
        const int bits = static_cast<int>(std::bit_width(static_cast<uint32_t>(max_lw / gcd)));
        const int rshift = std::max(0, bits - kMhTabBits);

        struct Setup {
            uint32_t skip;
            uint32_t perm;  // next preferred slot
            int32_t turns;  // slots claimed per round
        };
        std::vector<Setup> setup;
        setup.reserve(svc.dests.size());
        for (const Dest* d : svc.dests) {
            const uint32_t offset = mh_hashkey(d->addr.addr, d->addr.port, kMhKey1, 0) % kMhSize;
            const uint32_t skip = mh_hashkey(d->addr.addr, d->addr.port, kMhKey2, 0) % (kMhSize - 1) + 1;
            const int32_t lw = d->last_weight;
            const int32_t turns = (lw / gcd) >> rshift;
            setup.push_back({skip, offset, turns != 0 ? turns : (lw != 0 ? 1 : 0)});
        }

        // Rounds over the list; each destination claims `turns` slots per round, each time its
        // next preferred slot not yet taken, until all M are filled.
        std::vector<bool> taken(kMhSize, false);
        uint32_t filled = 0;
        while (filled < kMhSize) {
            for (size_t i = 0; i < svc.dests.size() && filled < kMhSize; ++i) {
                Setup& s = setup[i];
                for (int32_t t = 0; t < s.turns && filled < kMhSize; ++t) {
                    while (taken[s.perm]) {
                        s.perm += s.skip;
                        if (s.perm >= kMhSize) s.perm -= kMhSize;
                    }
                    taken[s.perm] = true;
                    lookup[s.perm] = svc.dests[i];
                    ++filled;
                }
            }
        }
    }

    static uint32_t slot(const Service& svc, const ConnRequest& req, uint32_t offset) {
        return mh_hashkey(req.client.addr, key_port(svc, req), kMhKey1, offset) % kMhSize;
    }
    Dest* pick(Service& svc, const ConnRequest& req) override {
        return lookup_with_fallback(lookup, fallback_flag(svc),
                                    [&](uint32_t offset) { return slot(svc, req, offset); });
    }
    void explain(const Service& svc, const ConnRequest& req, std::vector<Considered>& out) const override {
        explain_table(
            svc, lookup, slot(svc, req, 0), [](const Dest& d) { return !hash_unavailable(d); }, out);
    }
};

}  // namespace

void register_hashing(SchedulerRegistry& r) {
    r.add("sh", [] { return std::make_unique<Sh>(); });
    r.add("dh", [] { return std::make_unique<Dh>(); });
    r.add("mh", [] { return std::make_unique<Mh>(); });
}

}  // namespace lvs::ipvs
