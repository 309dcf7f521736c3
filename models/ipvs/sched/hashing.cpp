// sh, dh: the hashing schedulers with 256-bucket tables (ip_vs_sh.c, ip_vs_dh.c;
// ipvs-tcp-http.md sections 4.1, 5.0, 5.7, 5.8). mh, the third, is in maglev.cpp.
//
// Unlike the list-walking schedulers these do not skip a weight-0 or overloaded destination:
// the client's slot decides, and an unusable slot means "no destination" (the SYN draws ICMP
// port unreachable) unless the service has the fallback flag (sh and mh only), which walks on
// through the table. Tables are rebuilt on every destination change.
#include "models/ipvs/sched/hash_lookup.hpp"

namespace lvs::ipvs {
namespace {

// include/linux/hash.h: multiply by the 32-bit golden ratio (wrapping) and keep the top `bits`.
constexpr uint32_t hash_32(uint32_t v, unsigned bits) { return (v * 0x61C88647u) >> (32 - bits); }

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
    std::span<Dest* const> lookup_table() const override { return buckets; }
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
    std::span<Dest* const> lookup_table() const override { return buckets; }
};

}  // namespace

void register_hashing(SchedulerRegistry& r) {
    r.add("sh", [] { return std::make_unique<Sh>(); });
    r.add("dh", [] { return std::make_unique<Dh>(); });
}

}  // namespace lvs::ipvs
