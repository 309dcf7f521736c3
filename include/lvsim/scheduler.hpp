// lvsim's public API, part 4: scheduler plugins written outside the library.
//
// A scheduler picks a realserver for each new connection of a virtual service, as the
// kernel's ip_vs_*.c modules do. Register yours under a name, and every scenario can use it
// exactly like a built-in one: `-A -t 10.0.0.100:80 -s NAME` in the director's rules, or
// `-E -t 10.0.0.100:80 -s NAME` in the timeline. docs/writing-a-scheduler.md walks through one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lvsim/core.hpp"

namespace lvsim {

/// What a scheduler may know about one realserver of the service: what IPVS itself knows
/// (`ipvsadm -Ln`), nothing about the server's insides.
struct Candidate {
    std::string_view name;     ///< the scenario's name for it ("rs1")
    std::string_view address;  ///< "192.168.10.11:80"
    int weight = 0;            ///< Weight (0: quiesced, must not be picked)
    uint32_t active = 0;       ///< ActiveConn: entries in ESTABLISHED (and SYN_RECV on old kernels)
    uint32_t inactive = 0;     ///< InActConn: entries in every other state
    uint32_t persistent = 0;   ///< PersistConn
    uint64_t conns = 0;        ///< connections scheduled to it so far (Conns of --stats)
    bool overloaded = false;   ///< above its upper connection threshold (-x): must not be picked
    /// Whether a scheduler may pick it: weight above 0 and not overloaded (IPVS's rule).
    bool usable() const { return weight > 0 && !overloaded; }
};

/// A deterministic random stream (the director's own, derived from the run's seed): the same
/// seed gives the same draws, so runs with a randomised scheduler stay reproducible.
class Random {
public:
    virtual ~Random() = default;
    /// Uniform integer in [0, n) (0 when n is 0).
    virtual uint64_t below(uint64_t n) = 0;
    /// Uniform in [0, 1).
    virtual double uniform() = 0;
};

/// The new connection being scheduled.
struct PickRequest {
    std::string_view service;  ///< the virtual service, "10.0.0.100:80"
    std::string_view client;   ///< the client's address:port, "172.16.0.1:45274"
    Time now{};                ///< simulated time of the SYN
    Random& random;            ///< for randomised schedulers
};

/// A scheduler plugin. One instance per virtual service, made by the factory you register.
///
/// Candidates come in kernel order (the most recently added realserver first); like the
/// kernel's list-walking schedulers, break ties in favour of the earlier one.
class Scheduler {
public:
    virtual ~Scheduler() = default;

    /// Picks the realserver for a new connection: a pointer into `candidates`, or nullptr for
    /// "no destination available" (the director answers the SYN with ICMP port unreachable,
    /// as IPVS does). Never pick a candidate that is not usable(): lvsim stops the run with an
    /// lvsim::Error saying so, because IPVS never schedules to a quiesced or overloaded server.
    virtual const Candidate* pick(std::span<const Candidate> candidates, const PickRequest& request) = 0;

    /// The figures behind a decision for one candidate, as the "candidates" field of the
    /// "ipvs.sched" trace record shows them ("why did this connection go to RS2?"). Called
    /// only when tracing, right after pick(). The default shows weight, ActiveConn, InActConn.
    virtual std::string explain(const Candidate& candidate, Time now) const;
};

/// Makes a new scheduler instance (one per virtual service that uses the name).
using SchedulerFactory = std::function<std::unique_ptr<Scheduler>()>;

/// Registers a scheduler under `name` for every scenario run in this process: services in
/// scenario files and ipvsadm lines may then say `-s name`. Register before creating the Run.
/// Throws lvsim::Error when the name is taken (the built-ins: rr, wrr, lc, wlc, sed, nq, sh, dh,
/// mh, lblc, lblcr, fo, ovf, twos) or is not one word.
void register_scheduler(const std::string& name, SchedulerFactory factory);

/// register_scheduler for a default-constructible scheduler class.
template <class S>
void register_scheduler(const std::string& name) {
    register_scheduler(name, [] { return std::make_unique<S>(); });
}

/// Every scheduler name a scenario may use, built-in and registered, sorted.
std::vector<std::string> scheduler_names();

}  // namespace lvsim
