// mh: Maglev hashing (net/netfilter/ipvs/ip_vs_mh.c; the algorithm of D. E. Eisenbud et al.,
// "Maglev: A Fast and Reliable Software Network Load Balancer", NSDI 2016, section 3.4;
// ipvs-tcp-http.md section 5.11).
//
// Written to be bit-exact with the kernel's table and lookup for IPv4 on a little-endian CPU:
//   - the hash is hsiphash (hsiphash.hpp): SipHash-1-3 as a 64-bit kernel runs it, or
//     HalfSipHash-1-3 for a 32-bit one (SchedulerConfig::mh_hsiphash_32bit); both reproduce all
//     64 of the kernel's published test vectors (lib/siphash_kunit.c);
//   - the keys are generate_hash_secret()'s: both words 2654435761 for hash1, 2654446892 for
//     hash2;
//   - the hashed value is ip_vs_mh_hashkey()'s u32 v = offset + ntohs(port) + ntohl(addr),
//     hashed as the 4 bytes a little-endian CPU (x86, arm64) stores;
//   - the table size is IP_VS_MH_TAB_SIZE = primes[CONFIG_IP_VS_MH_TAB_INDEX - 8], 4093 by
//     default (this file used 251 before, which is primes[0], index 8);
//   - offset, skip, turns, the population order and the fallback walk follow
//     ip_vs_mh_permutate, ip_vs_mh_populate (maglev.hpp), ip_vs_mh_gcd_weight,
//     ip_vs_mh_shift_weight, ip_vs_mh_get and ip_vs_mh_get_fallback.
// What was checked (tests/unit/maglev.tests.cpp): the hash against the kernel's vectors, the
// population against ip_vs_mh_populate's own loop shape and against the paper's Table 1, and
// the fill, weight and fallback rules by hand. What was not: no real kernel ran here, so no
// table was compared with one a kernel built. Not modelled: big-endian kernels (they hash v's
// bytes in the other order, so their tables differ) and IPv6 (the kernel XORs the four words).
#include "models/ipvs/sched/maglev.hpp"

#include <algorithm>
#include <bit>
#include <numeric>

#include "models/ipvs/sched/hash_lookup.hpp"
#include "models/ipvs/sched/hsiphash.hpp"

namespace lvs::ipvs {

namespace {

// ip_vs_mh.c primes[]: the table sizes CONFIG_IP_VS_MH_TAB_INDEX 8..17 select.
constexpr uint32_t kMhPrimes[] = {251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071};
constexpr int kMhFirstTabIndex = 8;

bool is_prime(uint32_t n) {
    if (n < 2) return false;
    for (uint32_t f = 2; f <= n / f; ++f)
        if (n % f == 0) return false;
    return true;
}

// generate_hash_secret(): fixed keys, so every director builds the same table.
constexpr HsiphashKey kMhHash1{2654435761UL, 2654435761UL};
constexpr HsiphashKey kMhHash2{2654446892UL, 2654446892UL};

class Mh final : public Scheduler {
public:
    explicit Mh(const SchedulerConfig& c)
        : size_(c.mh_table_size),
          tab_bits_(c.mh_tab_bits),
          width_(c.mh_hsiphash_32bit ? HsiphashWidth::Long32 : HsiphashWidth::Long64),
          lookup_(size_, nullptr),
          taken_(size_, false) {}

    std::string_view name() const override { return "mh"; }
    void on_service_init(Service& svc) override { reassign(svc); }
    void on_dests_changed(Service& svc) override { reassign(svc); }
    // The kernel keeps the table (holding references) when it refuses to rebuild for more than
    // M destinations; we cannot hold a destination the director may free, so its slots empty.
    void on_dest_removed(Service&, const Dest& d, size_t) override {
        std::replace(lookup_.begin(), lookup_.end(), const_cast<Dest*>(&d), static_cast<Dest*>(nullptr));
    }

    Dest* pick(Service& svc, const ConnRequest& req) override {
        return lookup_with_fallback(lookup_, fallback_flag(svc),
                                    [&](uint32_t offset) { return slot(svc, req, offset); });
    }
    void explain(const Service& svc, const ConnRequest& req, std::vector<Considered>& out) const override {
        explain_table(
            svc, lookup_, slot(svc, req, 0), [](const Dest& d) { return !hash_unavailable(d); }, out);
    }
    std::span<Dest* const> lookup_table() const override { return lookup_; }

private:
    // ip_vs_mh_hashkey: v = offset + port + address (u32 arithmetic, host order), hashed.
    uint32_t hashkey(net::Ipv4 addr, uint32_t port, const HsiphashKey& key, uint32_t offset) const {
        return hsiphash_u32(offset + port + addr.value(), key, width_);
    }
    uint32_t slot(const Service& svc, const ConnRequest& req, uint32_t offset) const {
        return hashkey(req.client.addr, key_port(svc, req), kMhHash1, offset) % size_;
    }

    void reassign(const Service& svc);
    void permutate(const Service& svc, int32_t gcd, int rshift);

    uint32_t size_;
    int tab_bits_;
    HsiphashWidth width_;
    std::vector<Dest*> lookup_;
    // Rebuild scratch, kept between rebuilds (the kernel's kcalloc'd dest_setup and bitmap).
    std::vector<bool> taken_;
    std::vector<MaglevSetup> setup_;
};

// ip_vs_mh_dest_changed -> ip_vs_mh_gcd_weight, ip_vs_mh_shift_weight, ip_vs_mh_reassign.
// last_weight, not weight, drives the table, so quiescing a server (weight 0) keeps every slot
// where it was.
void Mh::reassign(const Service& svc) {
    if (svc.dests.size() > size_) return;  // -EINVAL: the old table stays
    int32_t gcd = 0, max_lw = 0;
    for (const Dest* d : svc.dests) {
        if (d->last_weight > 0) gcd = gcd > 0 ? std::gcd(d->last_weight, gcd) : d->last_weight;
        max_lw = std::max(max_lw, d->last_weight);
    }
    if (gcd < 1) {  // no destinations, or none ever had a weight: ip_vs_mh_reset
        std::fill(lookup_.begin(), lookup_.end(), nullptr);
        return;
    }
    // shift = occupied bits of max/gcd (fls) minus IP_VS_MH_TAB_BITS, at least 0.
    const int bits = static_cast<int>(std::bit_width(static_cast<uint32_t>(max_lw / gcd)));
    permutate(svc, gcd, std::max(0, bits - tab_bits_));
    // ip_vs_mh_populate, in kernel list order.
    maglev_populate(setup_, taken_, [&](uint32_t slot, size_t i) { lookup_[slot] = svc.dests[i]; });
}

// ip_vs_mh_permutate: each destination's offset and skip from its address and port.
void Mh::permutate(const Service& svc, int32_t gcd, int rshift) {
    setup_.clear();
    for (const Dest* d : svc.dests) {
        const uint32_t offset = hashkey(d->addr.addr, d->addr.port, kMhHash1, 0) % size_;
        const uint32_t skip = hashkey(d->addr.addr, d->addr.port, kMhHash2, 0) % (size_ - 1) + 1;
        const int32_t lw = d->last_weight;
        const int32_t turns = (lw / gcd) >> rshift;
        setup_.push_back({skip, offset, turns != 0 ? turns : (lw != 0 ? 1 : 0)});
    }
}

}  // namespace

std::optional<MhTable> mh_table_for_tab_index(int tab_index) {
    const int i = tab_index - kMhFirstTabIndex;
    if (i < 0 || i >= static_cast<int>(std::size(kMhPrimes))) return std::nullopt;
    return MhTable{kMhPrimes[i], tab_index / 2};
}

std::string check_scheduler_config(const SchedulerConfig& c) {
    if (c.mh_table_size < 2 || c.mh_table_size > kMhMaxTableSize || !is_prime(c.mh_table_size))
        return "the mh table size " + std::to_string(c.mh_table_size) + " is not a prime from 2 to " +
               std::to_string(kMhMaxTableSize) + " (the kernel's: 251, 509, 1021, 2039, 4093, 8191, 16381, " +
               "32749, 65521, 131071)";
    if (c.mh_tab_bits < 1 || c.mh_tab_bits > 30)
        return "mh_tab_bits " + std::to_string(c.mh_tab_bits) + " is outside 1..30";
    return "";
}

void register_maglev(SchedulerRegistry& r) {
    r.add_configured("mh", [](const SchedulerConfig& c) { return std::make_unique<Mh>(c); });
}

}  // namespace lvs::ipvs
