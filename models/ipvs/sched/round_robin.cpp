// rr and wrr (ip_vs_rr.c, ip_vs_wrr.c; ipvs-tcp-http.md sections 5.1-5.2).
#include <numeric>

#include "models/ipvs/scheduler.hpp"

namespace lvs::ipvs {
namespace {

// Position of `d` in kernel order, or -1 for the list head (before the first destination).
int index_of(const Service& svc, const Dest* d) {
    for (size_t i = 0; i < svc.dests.size(); ++i)
        if (svc.dests[i] == d) return static_cast<int>(i);
    return -1;
}

// rr: walk on from the last pick (wrapping, one full circle at most) to the first usable
// destination. Weights other than 0 do not matter.
struct Rr final : Scheduler {
    const Dest* last = nullptr;  // nullptr: the list head
    std::string_view name() const override { return "rr"; }
    Dest* pick(Service& svc, const ConnRequest&) override {
        const int n = static_cast<int>(svc.dests.size());
        const int start = index_of(svc, last);
        for (int k = 1; k <= n; ++k) {
            Dest* d = svc.dests[static_cast<size_t>((start + k) % n)];
            if (usable(*d)) {
                last = d;
                return d;
            }
        }
        return nullptr;
    }
    void on_dest_removed(Service& svc, const Dest& d, size_t index) override {
        // The kernel moves its pointer to the predecessor of a removed `last`.
        if (&d == last) last = index == 0 ? nullptr : svc.dests[index - 1];
    }
};

// wrr: a current weight `cw` steps down by the weights' gcd each time the scan passes the end
// of the list; a destination is returned when its weight >= cw. Example (A=4, B=3, C=2):
// A A B A B C A B C ...
struct Wrr final : Scheduler {
    const Dest* cl = nullptr;  // current position (nullptr: list head)
    int cw = 0, mw = 0, di = 1;
    std::string_view name() const override { return "wrr"; }

    static int gcd_weight(const Service& svc) {
        int g = 0;
        for (const Dest* d : svc.dests)
            if (d->weight > 0) g = g == 0 ? d->weight : std::gcd(g, d->weight);
        return g == 0 ? 1 : g;
    }
    static int max_weight(const Service& svc) {
        int m = 0;
        for (const Dest* d : svc.dests) m = std::max(m, d->weight);
        return m;
    }
    void on_service_init(Service& svc) override {
        cl = nullptr;
        di = gcd_weight(svc);
        mw = max_weight(svc) - (di - 1);
        cw = mw;
    }
    void on_dests_changed(Service& svc) override {
        cl = nullptr;
        di = gcd_weight(svc);
        mw = max_weight(svc) - (di - 1);
        if (cw > mw || cw <= 0) cw = mw;
        else if (di > 1) cw = (cw / di) * di + 1;
    }
    void on_dest_removed(Service&, const Dest& d, size_t) override {
        if (&d == cl) cl = nullptr;
    }
    Dest* pick(Service& svc, const ConnRequest&) override {
        if (mw <= 0) return nullptr;
        const int n = static_cast<int>(svc.dests.size());
        const int last = index_of(svc, cl);
        int pos = last;
        bool last_pass = false, restarted = false;
        int stop = -2;  // index where the final pass stops (-2: none)
        for (int guard = 0; guard < 4 * (mw / std::max(di, 1) + 2) * (n + 1); ++guard) {
            for (int i = pos + 1; i < n; ++i) {
                Dest* d = svc.dests[static_cast<size_t>(i)];
                if (!d->overloaded() && d->weight >= cw) {
                    cl = d;
                    return d;
                }
                if (i == stop) return nullptr;  // all overloaded
            }
            pos = -1;  // past the end: back to the head
            cw -= di;
            if (cw <= 0) {
                cw = mw;
                if (last_pass || last == -1) return nullptr;
                restarted = true;
            }
            last_pass = cw <= di;
            if (last_pass && restarted && last != -1) stop = last;
        }
        return nullptr;
    }
};

}  // namespace

void register_round_robin(SchedulerRegistry& r) {
    r.add("rr", [] { return std::make_unique<Rr>(); });
    r.add("wrr", [] { return std::make_unique<Wrr>(); });
}

}  // namespace lvs::ipvs
