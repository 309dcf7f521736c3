// lc, wlc, sed, nq: the least-connection family (ip_vs_lc.c, ip_vs_wlc.c, ip_vs_sed.c,
// ip_vs_nq.c; ipvs-tcp-http.md sections 5.3-5.6). Weighted comparisons are cross-multiplied
// in 64 bits, never divided; a later destination replaces the candidate only when strictly
// better, so ties go to the earlier one in kernel order (most recently added).
#include "models/ipvs/scheduler.hpp"

namespace lvs::ipvs {
namespace {

std::string figures(const Dest& d, uint64_t overhead) {
    return "overhead=" + std::to_string(overhead) + " weight=" + std::to_string(d.weight) +
           " active=" + std::to_string(d.activeconns) + " inactive=" + std::to_string(d.inactconns);
}

// lc: minimal overhead = active*256 + inactive; weight only decides eligibility.
struct Lc final : Scheduler {
    std::string_view name() const override { return "lc"; }
    Dest* pick(Service& svc, const ConnRequest&) override {
        Dest* least = nullptr;
        for (Dest* d : svc.dests) {
            if (!usable(*d)) continue;
            if (least == nullptr || d->overhead() < least->overhead()) least = d;
        }
        return least;
    }
    void explain(const Service& svc, const ConnRequest&, std::vector<Considered>& out) const override {
        for (const Dest* d : svc.dests) out.push_back({d, figures(*d, d->overhead()), usable(*d)});
    }
};

// wlc: minimal overhead/weight; `cand` is replaced when cand.oh * d.w > d.oh * cand.w.
struct Wlc final : Scheduler {
    std::string_view name() const override { return "wlc"; }
    Dest* pick(Service& svc, const ConnRequest&) override {
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
    void explain(const Service& svc, const ConnRequest&, std::vector<Considered>& out) const override {
        for (const Dest* d : svc.dests) out.push_back({d, figures(*d, d->overhead()), usable(*d)});
    }
};

// sed: like wlc with overhead = active + 1 (inactive ignored).
uint64_t sed_overhead(const Dest& d) { return uint64_t{d.activeconns} + 1; }

Dest* sed_pick(Service& svc, Dest* least) {
    uint64_t loh = least != nullptr ? sed_overhead(*least) : 0;
    for (Dest* d : svc.dests) {
        if (!usable(*d) || d == least) continue;
        const uint64_t doh = sed_overhead(*d);
        if (least == nullptr ||
            loh * static_cast<uint64_t>(d->weight) > doh * static_cast<uint64_t>(least->weight)) {
            least = d;
            loh = doh;
        }
    }
    return least;
}

struct Sed final : Scheduler {
    std::string_view name() const override { return "sed"; }
    Dest* pick(Service& svc, const ConnRequest&) override { return sed_pick(svc, nullptr); }
    void explain(const Service& svc, const ConnRequest&, std::vector<Considered>& out) const override {
        for (const Dest* d : svc.dests) out.push_back({d, figures(*d, sed_overhead(*d)), usable(*d)});
    }
};

// nq: the first idle destination (no active connections) wins at once; otherwise sed.
struct Nq final : Scheduler {
    std::string_view name() const override { return "nq"; }
    Dest* pick(Service& svc, const ConnRequest&) override {
        Dest* least = nullptr;
        uint64_t loh = 0;
        for (Dest* d : svc.dests) {
            if (!usable(*d)) continue;
            if (d->activeconns == 0) return d;
            const uint64_t doh = sed_overhead(*d);
            if (least == nullptr ||
                loh * static_cast<uint64_t>(d->weight) > doh * static_cast<uint64_t>(least->weight)) {
                least = d;
                loh = doh;
            }
        }
        return least;
    }
    void explain(const Service& svc, const ConnRequest&, std::vector<Considered>& out) const override {
        for (const Dest* d : svc.dests) out.push_back({d, figures(*d, sed_overhead(*d)), usable(*d)});
    }
};

}  // namespace

void register_least_connection(SchedulerRegistry& r) {
    r.add("lc", [] { return std::make_unique<Lc>(); });
    r.add("wlc", [] { return std::make_unique<Wlc>(); });
    r.add("sed", [] { return std::make_unique<Sed>(); });
    r.add("nq", [] { return std::make_unique<Nq>(); });
}

}  // namespace lvs::ipvs
