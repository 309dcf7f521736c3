#include "viz/derive/directors.hpp"

#include <algorithm>
#include <array>

namespace lvs::viz {

namespace {

constexpr std::array<std::string_view, 6> kVrrpNames = {"INIT", "BACKUP", "MASTER", "FAULT", "STOPPED", "?"};

// The record numbers of `kind` whose entity is `entity`.
std::vector<uint32_t> of_entity_kind(const TraceModel& m, StrId kind, StrId entity) {
    std::vector<uint32_t> out;
    for (uint32_t ri : m.of_kind(kind))
        if (m.at(ri).entity == entity) out.push_back(ri);
    return out;
}

std::string plural(int64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string_view vrrp_state_name(VrrpState s) { return kVrrpNames[static_cast<size_t>(s)]; }

VrrpState vrrp_state_from_name(std::string_view name) {
    for (size_t i = 0; i + 1 < kVrrpNames.size(); ++i)
        if (kVrrpNames[i] == name) return static_cast<VrrpState>(i);
    return VrrpState::Unknown;
}

int32_t DirectorSet::index_of(std::string_view name) const {
    for (size_t i = 0; i < directors_.size(); ++i)
        if (directors_[i].name == name) return static_cast<int32_t>(i);
    return -1;
}

void DirectorSet::build(const TraceModel& m) {
    directors_.clear(), events_.clear(), band_.clear();
    const StrId k_director = m.find_str("director");
    const StrId peer_ln = m.find_str("ha.peer.listing"), peer_lnc = m.find_str("ha.peer.connections");
    const StrId fleet_ln = m.find_str("fleet.listing"), fleet_lnc = m.find_str("fleet.connections");
    const StrId member = m.find_str("fleet.member");
    fleet_ = member != kNoStr || fleet_ln != kNoStr || fleet_lnc != kNoStr;
    if (!fleet_ && peer_ln == kNoStr && peer_lnc == kNoStr) return;  // one director: nothing to show
    const StrId ln = fleet_ ? fleet_ln : peer_ln, lnc = fleet_ ? fleet_lnc : peer_lnc;

    // The first director keeps the entity "director"; its name is in its ha.vrrp or
    // fleet.member records.
    DirectorTrack first;
    first.name = "director";
    first.entity = k_director;
    for (StrId kind : {m.find_str("ha.vrrp"), member})
        for (uint32_t ri : m.of_kind(kind))
            if (m.at(ri).entity == k_director && first.name == "director")
                first.name = std::string(m.get_text(m.at(ri), k_director));
    first.listings = of_entity_kind(m, m.kinds().listing, k_director);
    first.connections = of_entity_kind(m, m.kinds().connections, k_director);
    directors_.push_back(std::move(first));
    // The others: one per name, in the order of their first record (a fleet's members at 0 s
    // come in the scenario's order).
    for (StrId kind : {member, ln, lnc})
        for (uint32_t ri : m.of_kind(kind)) {
            const Record& r = m.at(ri);
            const std::string_view name = m.get_text(r, k_director);
            if (r.entity == k_director || index_of(name) >= 0) continue;
            DirectorTrack d;
            d.name = std::string(name);
            d.entity = r.entity;
            d.listings = of_entity_kind(m, ln, d.entity);
            d.connections = of_entity_kind(m, lnc, d.entity);
            directors_.push_back(std::move(d));
        }
    read_pair(m);
    read_fleet(m);
    read_script(m);
    std::stable_sort(events_.begin(), events_.end(),
                     [](const DirectorEvent& a, const DirectorEvent& b) { return a.record < b.record; });
    if (fleet_) {
        fleet_band(m);
        return;
    }
    const StrId owner = m.find_str("owner");
    for (uint32_t ri : m.of_kind(m.find_str("ha.vip"))) {
        const Record& r = m.at(ri);
        BandSpan s;
        s.t = r.t, s.record = ri;
        s.owner = index_of(m.get_text(r, owner));
        s.colour = colours::of_director(s.owner);
        s.label = s.owner >= 0 ? directors_[static_cast<size_t>(s.owner)].name : "?";
        s.why = std::string(m.get_text(r, m.keys().text));
        band_.push_back(std::move(s));
    }
}

void DirectorSet::read_pair(const TraceModel& m) {
    const StrId k_director = m.find_str("director");
    for (uint32_t ri : m.of_kind(m.find_str("ha.vrrp"))) {
        const Record& r = m.at(ri);
        const int32_t d = index_of(m.get_text(r, k_director));
        if (d < 0) continue;
        const VrrpState s = vrrp_state_from_name(m.get_text(r, m.keys().to));
        directors_[static_cast<size_t>(d)].states.push_back({r.t, s, ri});
        events_.push_back({DirectorEvent::Kind::Vrrp, r.t, ri, d, s});
    }
    for (uint32_t ri : m.of_kind(m.find_str("timeline.vrrp"))) {
        const Record& r = m.at(ri);
        const bool cut = m.get_int(r, m.find_str("partitioned")) != 0;
        events_.push_back({cut ? DirectorEvent::Kind::Partition : DirectorEvent::Kind::Heal, r.t, ri, -1});
    }
}

void DirectorSet::read_fleet(const TraceModel& m) {
    // Each director's first fleet.member record is its place at the start; every later one is
    // a leave or a join. `moved` counts up over the run: each change moved the difference.
    const StrId k_director = m.find_str("director"), joined = m.find_str("joined");
    const StrId next_hops = m.find_str("next_hops"), moved = m.find_str("moved");
    int64_t moved_before = 0;
    for (uint32_t ri : m.of_kind(m.find_str("fleet.member"))) {
        const Record& r = m.at(ri);
        const int32_t d = index_of(m.get_text(r, k_director));
        if (d < 0) continue;
        auto& member = directors_[static_cast<size_t>(d)].membership;
        const bool in = m.get_int(r, joined) != 0;
        const int64_t total = m.get_int(r, moved);
        if (!member.empty()) {
            DirectorEvent e{in ? DirectorEvent::Kind::Join : DirectorEvent::Kind::Leave, r.t, ri, d};
            e.next_hops = static_cast<uint32_t>(m.get_int(r, next_hops));
            e.moved = total - moved_before;
            events_.push_back(e);
        }
        moved_before = total;
        member.push_back({r.t, in, ri});
    }
}

void DirectorSet::read_script(const TraceModel& m) {
    // The timeline's crashes, stops and starts (a fleet's leaves and joins are its fleet.member
    // records, which say what they did).
    const StrId k_director = m.find_str("director");
    for (uint32_t ri : m.of_kind(m.find_str("timeline.director"))) {
        const Record& r = m.at(ri);
        const std::string_view action = m.get_text(r, m.keys().action);
        if (action == "leave" || action == "join") continue;
        const DirectorEvent::Kind kind = action == "crash"  ? DirectorEvent::Kind::Crash
                                         : action == "stop" ? DirectorEvent::Kind::Stop
                                                            : DirectorEvent::Kind::Start;
        events_.push_back({kind, r.t, ri, index_of(m.get_text(r, k_director))});
    }
}

void DirectorSet::fleet_band(const TraceModel& m) {
    // A span from each moment the group or a member's life changes: how many next hops, which,
    // and which of them are down (the router still hashes flows to a crashed member).
    const StrId why_key = m.keys().why;
    std::vector<uint32_t> changes, start;  // start: each member's place when the run began
    for (const DirectorTrack& d : directors_)
        for (const auto& x : d.membership) {
            changes.push_back(x.record);
            if (&x == &d.membership.front()) start.push_back(x.record);
        }
    for (const DirectorEvent& e : events_)
        if (e.director >= 0 && e.kind != DirectorEvent::Kind::Vrrp) changes.push_back(e.record);
    std::sort(changes.begin(), changes.end());
    changes.erase(std::unique(changes.begin(), changes.end()), changes.end());
    for (size_t i = 0; i < changes.size(); ++i) {
        const Record& r = m.at(changes[i]);
        if (i + 1 < changes.size() && m.at(changes[i + 1]).t == r.t) continue;  // the instant's last
        BandSpan s;
        s.t = r.t, s.record = changes[i];
        std::string names, down;
        size_t in = 0;
        for (size_t d = 0; d < directors_.size(); ++d) {
            if (!joined_at(d, r.t)) continue;
            ++in;
            names += (names.empty() ? "" : ", ") + directors_[d].name;
            if (down_at(d, r.t)) down += (down.empty() ? "" : ", ") + directors_[d].name;
        }
        s.label = in == 0 ? "no next hop: the VIPs are unreachable"
                          : plural(static_cast<int64_t>(in), "next hop", "next hops") + ": " + names;
        if (!down.empty()) s.label += "; " + down + " down";
        s.colour = in == 0 || !down.empty()  ? colours::kFail
                   : in == directors_.size() ? colours::kPass
                                             : colours::kMarkerAdmin;
        // What changed it: "node3 leaves the group", "node2 crash"; the run's start.
        const std::string who(m.get_text(r, m.find_str("director")));
        const std::string_view action = m.get_text(r, m.keys().action);
        if (std::find(start.begin(), start.end(), changes[i]) != start.end()) s.why = "the run begins";
        else if (!action.empty()) s.why = who + " " + std::string(action);
        else s.why = who + " " + std::string(m.get_text(r, why_key));
        if (!band_.empty() && band_.back().label == s.label) continue;
        band_.push_back(std::move(s));
    }
}

VrrpState DirectorSet::state_at(size_t director, int64_t t) const {
    const auto& states = directors_[director].states;
    const auto it = std::upper_bound(states.begin(), states.end(), t,
                                     [](int64_t v, const DirectorTrack::Change& c) { return v < c.t; });
    return it == states.begin() ? VrrpState::Unknown : std::prev(it)->state;
}

bool DirectorSet::joined_at(size_t director, int64_t t) const {
    const auto& member = directors_[director].membership;
    const auto it = std::upper_bound(member.begin(), member.end(), t,
                                     [](int64_t v, const DirectorTrack::Membership& c) { return v < c.t; });
    return it == member.begin() ? true : std::prev(it)->joined;
}

std::string_view DirectorSet::down_why(size_t director, int64_t t) const {
    // A pair's director is down while VRRP says STOPPED; a fleet's from a crash or a stop until
    // it starts again.
    if (!fleet_ && state_at(director, t) != VrrpState::Stopped) return "";
    std::string_view why;
    for (const DirectorEvent& e : events_) {
        if (e.t > t) break;
        if (e.director != static_cast<int32_t>(director)) continue;
        if (e.kind == DirectorEvent::Kind::Crash) why = "crashed";
        else if (e.kind == DirectorEvent::Kind::Stop) why = "stopped";
        else if (e.kind == DirectorEvent::Kind::Start && fleet_) why = "";
    }
    return why;
}

std::string DirectorSet::status_at(size_t director, int64_t t) const {
    const std::string_view why = down_why(director, t);
    if (fleet_)
        return (why.empty() ? "" : "DOWN (" + std::string(why) + "), ") +
               (joined_at(director, t) ? "ECMP in" : "ECMP out");
    std::string out(vrrp_state_name(state_at(director, t)));
    if (!why.empty()) out += " (" + std::string(why) + ")";
    return out;
}

Rgb DirectorSet::colour_at(size_t director, int64_t t) const {
    if (down_at(director, t)) return colours::kFail;
    if (out_at(director, t)) return colours::kDimText;
    return colours::of_director(static_cast<int32_t>(director));
}

int32_t DirectorSet::owner_at(int64_t t) const {
    if (fleet_) return -1;
    const auto it =
        std::upper_bound(band_.begin(), band_.end(), t, [](int64_t v, const BandSpan& c) { return v < c.t; });
    return it == band_.begin() ? -1 : std::prev(it)->owner;
}

std::string DirectorSet::event_label(const DirectorEvent& e) const {
    const std::string who =
        e.director >= 0 ? directors_[static_cast<size_t>(e.director)].name : std::string("?");
    const std::string consequence =
        plural(e.next_hops, "next hop", "next hops") + ", " + plural(e.moved, "entry", "entries") + " moved";
    switch (e.kind) {
        case DirectorEvent::Kind::Vrrp: return who + " " + std::string(vrrp_state_name(e.state));
        case DirectorEvent::Kind::Crash:
            return who + " crash" +
                   (fleet_ && e.director >= 0 && joined_at(static_cast<size_t>(e.director), e.t)
                        ? ", still a next hop"
                        : "");
        case DirectorEvent::Kind::Stop: return who + " stop";
        case DirectorEvent::Kind::Start: return who + " start" + (fleet_ ? ", empty table" : "");
        case DirectorEvent::Kind::Partition: return "VRRP link cut";
        case DirectorEvent::Kind::Heal: return "VRRP link restored";
        case DirectorEvent::Kind::Leave: return who + " leaves: " + consequence;
        case DirectorEvent::Kind::Join: return who + " joins: " + consequence;
    }
    return who;
}

bool DirectorSet::event_labelled(const DirectorEvent& e) const {
    switch (e.kind) {
        case DirectorEvent::Kind::Vrrp:
        case DirectorEvent::Kind::Leave:
        case DirectorEvent::Kind::Join: return true;
        case DirectorEvent::Kind::Crash:
        case DirectorEvent::Kind::Stop:
        case DirectorEvent::Kind::Start: return fleet_;
        case DirectorEvent::Kind::Partition:
        case DirectorEvent::Kind::Heal: return false;
    }
    return false;
}

}  // namespace lvs::viz
