// The directors of a run that has more than one, read once from the trace: a highly available
// pair (keepalived VRRP + the IPVS sync daemon: `ha.*` records) or a fleet behind the router's
// ECMP (`fleet:`: `fleet.*` records). A pair is a fleet of two with VRRP on top: both have each
// director's -Ln and -Lnc, its state over time (VRRP, or in and out of the router's group), its
// crashes and starts, and a band for the timeline (who owns the VIPs, or how many next hops the
// router spreads them over). Empty for a single-director run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "viz/theme.hpp"
#include "viz/trace_model.hpp"

namespace lvs::viz {

enum class VrrpState : uint8_t { Init, Backup, Master, Fault, Stopped, Unknown };
std::string_view vrrp_state_name(VrrpState s);
VrrpState vrrp_state_from_name(std::string_view name);

struct DirectorTrack {
    std::string name;                   // its HA or fleet name (lvs1, node1)
    StrId entity = kNoStr;              // its trace entity ("director" for the first)
    std::vector<uint32_t> listings;     // its -Ln records, in time order
    std::vector<uint32_t> connections;  // its -Lnc records, in time order
    struct Change {
        int64_t t;
        VrrpState state;
        uint32_t record;
    };
    std::vector<Change> states;  // VRRP state changes, in time order (a pair)
    struct Membership {
        int64_t t;
        bool joined;
        uint32_t record;
    };
    std::vector<Membership> membership;  // in or out of the router's ECMP group (a fleet)
};

// Something that happened to the directors, for the timeline's markers.
struct DirectorEvent {
    enum class Kind : uint8_t { Vrrp, Crash, Stop, Start, Partition, Heal, Leave, Join } kind = Kind::Vrrp;
    int64_t t = 0;
    uint32_t record = 0;
    int32_t director = -1;                 // index into directors() (-1: the VRRP link between them)
    VrrpState state = VrrpState::Unknown;  // Vrrp: the new state
    uint32_t next_hops = 0;                // Leave, Join: the router's next hops after it
    int64_t moved = 0;                     // Leave, Join: entries whose flows now hash elsewhere
};

// The timeline's band from t on: who the router sends the VIPs to (a pair) or the router's
// ECMP group (a fleet).
struct BandSpan {
    int64_t t = 0;
    int32_t owner = -1;  // a pair: the VIP owner (-1: a director the trace does not list)
    Rgb colour{};
    std::string label;  // "lvs2"; "3 next hops: node1, node2, node3"
    std::string why;    // what changed it
    uint32_t record = 0;
};

class DirectorSet {
public:
    void build(const TraceModel& m);
    // Two directors or more (the run has `ha.peer.*` or `fleet.*` records): the panels show all.
    bool present() const { return directors_.size() >= 2; }
    bool fleet() const { return fleet_; }
    const std::vector<DirectorTrack>& directors() const { return directors_; }
    const std::vector<DirectorEvent>& events() const { return events_; }
    const std::vector<BandSpan>& band() const { return band_; }
    // The band's title and its tooltip's verb: "VIP owner", "VIPs sent to "; "ECMP group", "".
    std::string_view band_title() const { return fleet_ ? "ECMP group" : "VIP owner"; }
    std::string_view band_verb() const { return fleet_ ? "" : "VIPs sent to "; }
    std::string_view events_title() const { return fleet_ ? "fleet" : "VRRP"; }

    // The director's VRRP state at t (Unknown before its first record).
    VrrpState state_at(size_t director, int64_t t) const;
    // A fleet director in the router's ECMP group at t.
    bool joined_at(size_t director, int64_t t) const;
    // Why a director is down at t: "crashed", "stopped" or "" (running, or a pair's STOPPED
    // director the timeline did not stop).
    std::string_view down_why(size_t director, int64_t t) const;
    // Down at t: a pair's director while its VRRP state is STOPPED; a fleet's from a crash or a
    // stop until it starts again.
    bool down_at(size_t director, int64_t t) const {
        return fleet_ ? !down_why(director, t).empty() : state_at(director, t) == VrrpState::Stopped;
    }
    // Out of the router's group at t (a fleet; never for a pair).
    bool out_at(size_t director, int64_t t) const { return fleet_ && !joined_at(director, t); }
    // "MASTER", "STOPPED (crashed)"; "ECMP in", "ECMP out", "DOWN (crashed), ECMP in".
    std::string status_at(size_t director, int64_t t) const;
    // "lvs1 - MASTER", "node3 - ECMP out" (ASCII: the built-in font has no em dash).
    std::string label_at(size_t director, int64_t t) const {
        return directors_[director].name + " - " + status_at(director, t);
    }
    // The colour of its name at t: its own, dimmed while out of the group, red while down.
    Rgb colour_at(size_t director, int64_t t) const;
    // Which director owns the VIPs at t (-1: none yet, not listed, or a fleet).
    int32_t owner_at(int64_t t) const;
    int32_t index_of(std::string_view name) const;
    // "lvs1 MASTER", "lvs1 crash", "node3 leaves: 2 next hops, 44 entries moved".
    std::string event_label(const DirectorEvent& e) const;
    // Whether the timeline names the event beside its glyph (a pair's script actions are named
    // by the marker row; a fleet's say what they did to the router's group).
    bool event_labelled(const DirectorEvent& e) const;

private:
    void read_pair(const TraceModel& m);
    void read_fleet(const TraceModel& m);
    void read_script(const TraceModel& m);
    void fleet_band(const TraceModel& m);

    bool fleet_ = false;
    std::vector<DirectorTrack> directors_;
    std::vector<DirectorEvent> events_;
    std::vector<BandSpan> band_;
};

}  // namespace lvs::viz
