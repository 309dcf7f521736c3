// Scheduler plugins and their registry (ip_vs_sched.c's register_ip_vs_scheduler).
//
// A scheduler picks a destination for a new connection. Integer arithmetic only; ties go to
// the earlier destination in kernel order (newest first). Weight 0 and overloaded
// destinations are never picked by the list-walking schedulers; hashing schedulers refuse
// instead (no destination -> ICMP port unreachable).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
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
    // A hashing scheduler's lookup table (slot -> destination, nullptr = empty slot), for
    // measurements such as hash_churn.hpp; empty for the schedulers that have none.
    virtual std::span<Dest* const> lookup_table() const { return {}; }
};

// What a kernel fixes when it is built (its .config), for the schedulers that have such
// settings. The defaults are the kernel's.
struct SchedulerConfig {
    // mh: the lookup table's size M, a prime. The kernel's is IP_VS_MH_TAB_SIZE =
    // primes[CONFIG_IP_VS_MH_TAB_INDEX - 8], 4093 with the default index 12 (ip_vs_mh.c,
    // net/netfilter/ipvs/Kconfig); mh_table_for_tab_index() gives the others. Any prime is
    // accepted here (the Maglev paper's 65537 is not one of the kernel's).
    uint32_t mh_table_size = 4093;
    // IP_VS_MH_TAB_BITS = CONFIG_IP_VS_MH_TAB_INDEX / 2: how many bits of weight / gcd a
    // destination's turns may use (ip_vs_mh_shift_weight).
    int mh_tab_bits = 6;
    // hsiphash as a 32-bit kernel runs it (HalfSipHash-1-3) instead of a 64-bit one's
    // (SipHash-1-3, x86_64 and arm64); the tables differ.
    bool mh_hsiphash_32bit = false;
};

// CONFIG_IP_VS_MH_TAB_INDEX (Kconfig range 8..17) as ip_vs_mh.c turns it into a table:
// primes[index - 8] (251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071) and
// IP_VS_MH_TAB_BITS = index / 2. nullopt outside the range.
struct MhTable {
    uint32_t size;
    int bits;
};
std::optional<MhTable> mh_table_for_tab_index(int tab_index);
// "" when the configuration is usable, else why not (mh_table_size must be a prime from 2 to
// kMhMaxTableSize, mh_tab_bits from 1 to 30).
constexpr uint32_t kMhMaxTableSize = 1u << 24;
std::string check_scheduler_config(const SchedulerConfig& c);

using SchedulerFactory = std::function<std::unique_ptr<Scheduler>()>;
// A factory for a scheduler that reads the build settings (mh).
using ConfiguredSchedulerFactory = std::function<std::unique_ptr<Scheduler>(const SchedulerConfig&)>;

class SchedulerRegistry {
public:
    static SchedulerRegistry& instance();
    // Duplicate names are a programming error (std::logic_error).
    void add(std::string name, SchedulerFactory f);
    void add_configured(std::string name, ConfiguredSchedulerFactory f);
    // Throws std::invalid_argument naming the valid schedulers when unknown, or saying what is
    // wrong with `config` (check_scheduler_config()).
    std::unique_ptr<Scheduler> create(std::string_view name) const;
    std::unique_ptr<Scheduler> create(std::string_view name, const SchedulerConfig& config) const;
    bool has(std::string_view name) const;
    std::vector<std::string> names() const;

private:
    SchedulerRegistry();
    std::map<std::string, ConfiguredSchedulerFactory, std::less<>> factories_;
};

// Registers the built-in schedulers (called by the registry on first use).
void register_builtin_schedulers(SchedulerRegistry& r);

// Helpers shared by the list-walking schedulers.
inline bool usable(const Dest& d) { return d.weight > 0 && !d.overloaded(); }

}  // namespace lvs::ipvs
