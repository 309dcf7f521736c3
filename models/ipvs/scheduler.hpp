// Scheduler plugins and their registry (ip_vs_sched.c's register_ip_vs_scheduler).
//
// A scheduler picks a destination for a new connection. Integer arithmetic only; ties go to
// the earlier destination in kernel order (newest first). Weight 0 and overloaded
// destinations are never picked by the list-walking schedulers; hashing schedulers refuse
// instead (no destination -> ICMP port unreachable).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/ipvs/types.hpp"
#include "sim/rng.hpp"

namespace lvs::ipvs {

// What a scheduler may look at for one new connection.
struct ConnRequest {
    net::Endpoint client;
    net::Endpoint vip;  // the packet's destination (dh, lblc use the address)
    sim::Rng* rng;      // for randomised schedulers (twos)
    sim::Time now;
};

// One candidate's figures as the scheduler saw them, for the trace ("why RS2?").
struct Considered {
    const Dest* dest;
    std::string figure;  // e.g. "overhead=257 weight=1"
    bool eligible;
};

class Scheduler {
public:
    virtual ~Scheduler() = default;
    virtual std::string_view name() const = 0;
    virtual void on_service_init(Service&) {}
    // Destinations added, removed or edited (weights, thresholds): rebuild derived state.
    virtual void on_dests_changed(Service&) {}
    // Called before `d` (at `index` in kernel order) leaves the list.
    virtual void on_dest_removed(Service&, const Dest& /*d*/, size_t /*index*/) {}
    // nullptr = "no destination available" (a traced outcome, not an error).
    virtual Dest* pick(Service& svc, const ConnRequest& req) = 0;
    // Optional: the figures behind the last pick, for decision records.
    virtual void explain(const Service& svc, const ConnRequest& req, std::vector<Considered>& out) const;
};

using SchedulerFactory = std::function<std::unique_ptr<Scheduler>()>;

class SchedulerRegistry {
public:
    static SchedulerRegistry& instance();
    // Duplicate names are a programming error (std::logic_error).
    void add(std::string name, SchedulerFactory f);
    // Throws std::invalid_argument naming the valid schedulers when unknown.
    std::unique_ptr<Scheduler> create(std::string_view name) const;
    bool has(std::string_view name) const;
    std::vector<std::string> names() const;

private:
    SchedulerRegistry();
    std::map<std::string, SchedulerFactory, std::less<>> factories_;
};

// Registers the built-in schedulers (called by the registry on first use).
void register_builtin_schedulers(SchedulerRegistry& r);

// Helpers shared by the list-walking schedulers.
inline bool usable(const Dest& d) { return d.weight > 0 && !d.overloaded(); }

}  // namespace lvs::ipvs
