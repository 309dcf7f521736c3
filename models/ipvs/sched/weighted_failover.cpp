// fo, ovf, twos: weight-ordered failover, overflow and the power of two choices (ip_vs_fo.c,
// ip_vs_ovf.c, ip_vs_twos.c; ipvs-tcp-http.md sections 5.12-5.14). All three skip weight-0 and
// OVERLOADed destinations and break ties by kernel order (most recently added first).
#include <stdexcept>

#include "models/ipvs/scheduler.hpp"

namespace lvs::ipvs {
namespace {

// fo: the heaviest usable destination. Only a strictly greater weight replaces the candidate
// (the kernel starts from hw = 0, which is also what keeps weight 0 out).
struct Fo final : Scheduler {
    std::string_view name() const override { return "fo"; }
    Dest* pick(Service& svc, const ConnRequest&) override {
        Dest* heaviest = nullptr;
        int32_t hw = 0;
        for (Dest* d : svc.dests) {
            if (!d->overloaded() && d->weight > hw) {
                heaviest = d;
                hw = d->weight;
            }
        }
        return heaviest;
    }
    void explain(const Service& svc, const ConnRequest&, std::vector<Considered>& out) const override {
        for (const Dest* d : svc.dests) out.push_back({d, "weight=" + std::to_string(d->weight), usable(*d)});
    }
};

// ovf: like fo, but a destination with more active connections than its weight is passed
// over, so traffic stays on the heaviest until it is "full" and then overflows to the next.
bool ovf_eligible(const Dest& d) { return usable(d) && int64_t{d.activeconns} <= d.weight; }

struct Ovf final : Scheduler {
    std::string_view name() const override { return "ovf"; }
    Dest* pick(Service& svc, const ConnRequest&) override {
        Dest* heaviest = nullptr;
        for (Dest* d : svc.dests)
            if (ovf_eligible(*d) && (heaviest == nullptr || d->weight > heaviest->weight)) heaviest = d;
        return heaviest;
    }
    void explain(const Service& svc, const ConnRequest&, std::vector<Considered>& out) const override {
        for (const Dest* d : svc.dests)
            out.push_back(
                {d, "weight=" + std::to_string(d->weight) + " active=" + std::to_string(d->activeconns),
                 ovf_eligible(*d)});
    }
};

// twos: two destinations drawn with probability about proportional to weight; the less
// loaded (overhead / weight, cross-multiplied) of the two wins, the first on a tie.
struct Twos final : Scheduler {
    // The last decision's draws, for explain().
    const Dest* first = nullptr;
    const Dest* second = nullptr;
    uint64_t draw1 = 0, draw2 = 0, range = 0;

    std::string_view name() const override { return "twos"; }
    void on_dest_removed(Service&, const Dest& d, size_t) override {
        if (first == &d) first = nullptr;
        if (second == &d) second = nullptr;
    }
    Dest* pick(Service& svc, const ConnRequest& req) override {
        first = second = nullptr;
        int64_t total = 0;
        for (const Dest* d : svc.dests)
            if (usable(*d)) total += d->weight;
        if (total == 0) return nullptr;
        if (req.rng == nullptr) throw std::logic_error("twos: ConnRequest::rng is required");
        // Two independent draws in [0, total]; the kernel adds 1 to the sum to include total.
        // A draw r picks the first destination at which the running sum reaches r, so a draw
        // of 0 lands on the first (which therefore has weight + 1 chances in total + 1).
        range = static_cast<uint64_t>(total) + 1;
        draw1 = req.rng->below(range);
        draw2 = req.rng->below(range);
        auto r1 = static_cast<int64_t>(draw1), r2 = static_cast<int64_t>(draw2);
        Dest* c1 = nullptr;
        Dest* c2 = nullptr;
        for (Dest* d : svc.dests) {
            if (!usable(*d)) continue;
            r1 -= d->weight;
            r2 -= d->weight;
            if (r1 <= 0 && c1 == nullptr) c1 = d;
            if (r2 <= 0 && c2 == nullptr) c2 = d;
            if (c1 != nullptr && c2 != nullptr) break;
        }
        first = c1;
        second = c2;
        const int64_t oh1 = c1->overhead(), oh2 = c2->overhead();
        return int64_t{c2->weight} * oh1 > int64_t{c1->weight} * oh2 ? c2 : c1;
    }
    void explain(const Service& svc, const ConnRequest&, std::vector<Considered>& out) const override {
        for (const Dest* d : svc.dests) {
            std::string f =
                "overhead=" + std::to_string(d->overhead()) + " weight=" + std::to_string(d->weight);
            if (d == first) f += " draw1=" + std::to_string(draw1) + "/" + std::to_string(range);
            if (d == second) f += " draw2=" + std::to_string(draw2) + "/" + std::to_string(range);
            out.push_back({d, std::move(f), usable(*d)});
        }
    }
};

}  // namespace

void register_weighted_failover(SchedulerRegistry& r) {
    r.add("fo", [] { return std::make_unique<Fo>(); });
    r.add("ovf", [] { return std::make_unique<Ovf>(); });
    r.add("twos", [] { return std::make_unique<Twos>(); });
}

}  // namespace lvs::ipvs
