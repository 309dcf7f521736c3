#include <stdexcept>

#include "models/ipvs/scheduler.hpp"

namespace lvs::ipvs {

void Scheduler::explain(const Service& svc, const ConnRequest&, std::vector<Considered>& out) const {
    for (const Dest* d : svc.dests)
        out.push_back({d,
                       "weight=" + std::to_string(d->weight) + " active=" + std::to_string(d->activeconns) +
                           " inactive=" + std::to_string(d->inactconns),
                       usable(*d)});
}

// Each family of schedulers registers itself from its own file (round_robin.cpp: rr, wrr;
// least_connection.cpp: lc, wlc, sed, nq; hashing.cpp: sh, dh; maglev.cpp: mh; locality.cpp:
// lblc, lblcr; weighted_failover.cpp: fo, ovf, twos).
void register_round_robin(SchedulerRegistry& r);
void register_least_connection(SchedulerRegistry& r);
void register_hashing(SchedulerRegistry& r);
void register_maglev(SchedulerRegistry& r);
void register_locality(SchedulerRegistry& r);
void register_weighted_failover(SchedulerRegistry& r);

void register_builtin_schedulers(SchedulerRegistry& r) {
    register_round_robin(r);
    register_least_connection(r);
    register_hashing(r);
    register_maglev(r);
    register_locality(r);
    register_weighted_failover(r);
}

SchedulerRegistry::SchedulerRegistry() { register_builtin_schedulers(*this); }

SchedulerRegistry& SchedulerRegistry::instance() {
    static SchedulerRegistry r;
    return r;
}

void SchedulerRegistry::add(std::string name, SchedulerFactory f) {
    add_configured(std::move(name), [f = std::move(f)](const SchedulerConfig&) { return f(); });
}

void SchedulerRegistry::add_configured(std::string name, ConfiguredSchedulerFactory f) {
    if (factories_.count(name) != 0) throw std::logic_error("scheduler '" + name + "' registered twice");
    factories_.emplace(std::move(name), std::move(f));
}

bool SchedulerRegistry::has(std::string_view name) const { return factories_.find(name) != factories_.end(); }

std::unique_ptr<Scheduler> SchedulerRegistry::create(std::string_view name) const {
    return create(name, SchedulerConfig{});
}

std::unique_ptr<Scheduler> SchedulerRegistry::create(std::string_view name,
                                                     const SchedulerConfig& config) const {
    const auto it = factories_.find(name);
    if (it == factories_.end()) {
        std::string list;
        for (const auto& [n, f] : factories_) list += (list.empty() ? "" : ", ") + n;
        throw std::invalid_argument("unknown scheduler '" + std::string(name) + "' (known: " + list + ")");
    }
    const std::string wrong = check_scheduler_config(config);
    if (!wrong.empty()) throw std::invalid_argument("scheduler '" + std::string(name) + "': " + wrong);
    return it->second(config);
}

std::vector<std::string> SchedulerRegistry::names() const {
    std::vector<std::string> out;
    for (const auto& [n, f] : factories_) out.push_back(n);
    return out;
}

}  // namespace lvs::ipvs
