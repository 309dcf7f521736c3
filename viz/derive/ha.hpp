// A highly available director pair (keepalived VRRP + the IPVS sync daemon), read once from the
// trace: each director's VRRP state over time, which director the router sends the VIPs to, and
// the timeline's crashes, stops, starts and link cuts. Empty for a single-director run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "viz/trace_model.hpp"

namespace lvs::viz {

enum class VrrpState : uint8_t { Init, Backup, Master, Fault, Stopped, Unknown };
std::string_view vrrp_state_name(VrrpState s);
VrrpState vrrp_state_from_name(std::string_view name);

struct HaDirector {
    std::string name;                   // its HA name (lvs1)
    StrId entity = kNoStr;              // its trace entity ("director" for the first)
    std::vector<uint32_t> listings;     // its -Ln records, in time order
    std::vector<uint32_t> connections;  // its -Lnc records, in time order
    struct Change {
        int64_t t;
        VrrpState state;
        uint32_t record;
    };
    std::vector<Change> states;  // VRRP state changes, in time order
};

// Something that happened to the pair, for the timeline's markers.
struct HaEvent {
    enum class Kind : uint8_t { Vrrp, Crash, Stop, Start, Partition, Heal } kind = Kind::Vrrp;
    int64_t t = 0;
    uint32_t record = 0;
    int32_t director = -1;                 // index into HaPair::directors (-1: the link between them)
    VrrpState state = VrrpState::Unknown;  // Vrrp: the new state
};

struct VipChange {
    int64_t t;
    int32_t owner;  // index into HaPair::directors (-1: a director the trace does not list)
    uint32_t record;
};

class HaPair {
public:
    void build(const TraceModel& m);
    // Two directors or more (the run has `ha.peer.*` records): the panels show all of them.
    bool present() const { return directors_.size() >= 2; }
    const std::vector<HaDirector>& directors() const { return directors_; }
    const std::vector<HaEvent>& events() const { return events_; }
    const std::vector<VipChange>& vip() const { return vip_; }
    // The director's VRRP state at t (Unknown before its first record).
    VrrpState state_at(size_t director, int64_t t) const;
    // Why a STOPPED director is stopped at t: "crashed", "stopped" or "" (not stopped).
    std::string_view stopped_why(size_t director, int64_t t) const;
    // "lvs1 - MASTER", "lvs1 - STOPPED (crashed)" (ASCII: the built-in font has no em dash).
    std::string label_at(size_t director, int64_t t) const;
    // Which director owns the VIPs at t (-1: none yet, or not listed).
    int32_t owner_at(int64_t t) const;
    int32_t index_of(std::string_view name) const;

private:
    std::vector<HaDirector> directors_;
    std::vector<HaEvent> events_;
    std::vector<VipChange> vip_;
};

}  // namespace lvs::viz
