// Scheduler plugins (lvsim/scheduler.hpp), adapted to the director's ipvs::Scheduler.
//
// The adapter shows a plugin what ipvsadm shows (names, addresses, weights, ActiveConn,
// InActConn, flags) in kernel order, and maps its answer back to the destination. A plugin
// registered by name is found by the same registry as the built-ins, so `-s NAME` works in
// scenario rules and timeline ipvsadm lines alike.
#include "lvsim/scheduler.hpp"

#include <algorithm>
#include <stdexcept>

#include "api/internal.hpp"
#include "models/ipvs/scheduler.hpp"

namespace lvsim {

std::string Scheduler::explain(const Candidate& c, Time) const {
    return "weight=" + std::to_string(c.weight) + " active=" + std::to_string(c.active) +
           " inactive=" + std::to_string(c.inactive);
}

namespace {

namespace ipvs = lvs::ipvs;

class DirectorRandom final : public Random {
public:
    explicit DirectorRandom(lvs::sim::Rng* rng) : rng_(rng) {}
    uint64_t below(uint64_t n) override { return rng_->below(n); }
    double uniform() override { return rng_->uniform01(); }

private:
    lvs::sim::Rng* rng_;
};

// The candidates' views and the text they point into, rebuilt for every decision.
struct CandidateList {
    std::vector<std::string> names, addresses;
    std::vector<Candidate> candidates;
    std::string service, client;

    void fill(const ipvs::Service& svc, const ipvs::ConnRequest& req) {
        const size_t n = svc.dests.size();
        names.resize(n);
        addresses.resize(n);
        candidates.resize(n);
        for (size_t i = 0; i < n; ++i) {
            const ipvs::Dest& d = *svc.dests[i];
            addresses[i] = d.addr.str();
            names[i] = d.name.empty() ? addresses[i] : d.name;
            Candidate& c = candidates[i];
            c.name = names[i];
            c.address = addresses[i];
            c.weight = d.weight;
            c.active = d.activeconns;
            c.inactive = d.inactconns;
            c.persistent = d.persistconns;
            c.conns = d.stats.conns - d.zero_point.conns;
            c.overloaded = d.overloaded();
        }
        service = svc.fwmark != 0 ? "FWM " + std::to_string(svc.fwmark) : svc.vip.str();
        client = req.client.str();
    }
};

class PluginAdapter final : public ipvs::Scheduler {
public:
    PluginAdapter(std::string name, std::unique_ptr<lvsim::Scheduler> plugin)
        : name_(std::move(name)), plugin_(std::move(plugin)) {}

    std::string_view name() const override { return name_; }

    ipvs::Dest* pick(ipvs::Service& svc, const ipvs::ConnRequest& req) override {
        list_.fill(svc, req);
        if (req.rng == nullptr)
            throw std::logic_error("scheduler " + name_ + ": ConnRequest::rng is required");
        DirectorRandom random(req.rng);
        const PickRequest pr{list_.service, list_.client, from_sim(req.now), random};
        const Candidate* chosen = plugin_->pick(std::span<const Candidate>(list_.candidates), pr);
        if (chosen == nullptr) return nullptr;
        const Candidate* first = list_.candidates.data();
        if (chosen < first || chosen >= first + list_.candidates.size())
            throw Error(
                "scheduler '" + name_ +
                "' returned a pointer that is not into its candidates (return &candidates[i] or nullptr)");
        const size_t i = static_cast<size_t>(chosen - first);
        if (!chosen->usable())
            throw Error(
                "scheduler '" + name_ + "' picked " + std::string(chosen->name) + ", which " +
                (chosen->weight <= 0 ? "has weight " + std::to_string(chosen->weight)
                                     : std::string("is overloaded")) +
                ": IPVS never schedules a new connection to it (skip candidates that are not usable())");
        return svc.dests[i];
    }

    void explain(const ipvs::Service& svc, const ipvs::ConnRequest& req,
                 std::vector<ipvs::Considered>& out) const override {
        CandidateList list;
        list.fill(svc, req);
        for (size_t i = 0; i < list.candidates.size(); ++i)
            out.push_back({svc.dests[i], plugin_->explain(list.candidates[i], from_sim(req.now)),
                           list.candidates[i].usable()});
    }

private:
    std::string name_;
    std::unique_ptr<lvsim::Scheduler> plugin_;
    CandidateList list_;
};

}  // namespace

void register_scheduler(const std::string& name, SchedulerFactory factory) {
    if (name.empty() ||
        std::any_of(name.begin(), name.end(), [](unsigned char ch) { return ch <= ' ' || ch == '#'; }))
        throw Error("register_scheduler: '" + name +
                    "' is not a scheduler name (one word, as `ipvsadm -s NAME` takes it)");
    if (!factory) throw Error("register_scheduler(" + name + "): the factory is empty");
    auto& registry = ipvs::SchedulerRegistry::instance();
    if (registry.has(name)) {
        std::string known;
        for (const std::string& n : registry.names()) known += (known.empty() ? "" : ", ") + n;
        throw Error("register_scheduler: the name '" + name + "' is taken (taken: " + known +
                    "); choose another");
    }
    registry.add(name, [name, factory]() -> std::unique_ptr<ipvs::Scheduler> {
        std::unique_ptr<lvsim::Scheduler> plugin = factory();
        if (!plugin) throw Error("the factory of scheduler '" + name + "' returned nullptr");
        return std::make_unique<PluginAdapter>(name, std::move(plugin));
    });
}

std::vector<std::string> scheduler_names() { return ipvs::SchedulerRegistry::instance().names(); }

}  // namespace lvsim
