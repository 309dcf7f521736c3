#include "viz/derive/ha.hpp"

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

}  // namespace

std::string_view vrrp_state_name(VrrpState s) { return kVrrpNames[static_cast<size_t>(s)]; }

VrrpState vrrp_state_from_name(std::string_view name) {
    for (size_t i = 0; i + 1 < kVrrpNames.size(); ++i)
        if (kVrrpNames[i] == name) return static_cast<VrrpState>(i);
    return VrrpState::Unknown;
}

int32_t HaPair::index_of(std::string_view name) const {
    for (size_t i = 0; i < directors_.size(); ++i)
        if (directors_[i].name == name) return static_cast<int32_t>(i);
    return -1;
}

void HaPair::build(const TraceModel& m) {
    directors_.clear(), events_.clear(), vip_.clear();
    const StrId k_director = m.find_str("director");
    const StrId peer_ln = m.find_str("ha.peer.listing"), peer_lnc = m.find_str("ha.peer.connections");
    if (peer_ln == kNoStr && peer_lnc == kNoStr) return;  // one director: nothing to show
    const StrId vrrp = m.find_str("ha.vrrp");

    // The first director keeps the entity "director"; its HA name is in its ha.vrrp records.
    HaDirector first;
    first.name = "director";
    first.entity = k_director;
    for (uint32_t ri : m.of_kind(vrrp))
        if (m.at(ri).entity == k_director) {
            first.name = std::string(m.get_text(m.at(ri), k_director));
            break;
        }
    first.listings = of_entity_kind(m, m.kinds().listing, k_director);
    first.connections = of_entity_kind(m, m.kinds().connections, k_director);
    directors_.push_back(std::move(first));
    // The others: one per name in the ha.peer.* records.
    for (StrId kind : {peer_ln, peer_lnc})
        for (uint32_t ri : m.of_kind(kind)) {
            const std::string_view name = m.get_text(m.at(ri), k_director);
            if (index_of(name) >= 0) continue;
            HaDirector d;
            d.name = std::string(name);
            d.entity = m.at(ri).entity;
            d.listings = of_entity_kind(m, peer_ln, d.entity);
            d.connections = of_entity_kind(m, peer_lnc, d.entity);
            directors_.push_back(std::move(d));
        }

    for (uint32_t ri : m.of_kind(vrrp)) {
        const Record& r = m.at(ri);
        const int32_t d = index_of(m.get_text(r, k_director));
        if (d < 0) continue;
        const VrrpState s = vrrp_state_from_name(m.get_text(r, m.keys().to));
        directors_[static_cast<size_t>(d)].states.push_back({r.t, s, ri});
        events_.push_back({HaEvent::Kind::Vrrp, r.t, ri, d, s});
    }
    for (uint32_t ri : m.of_kind(m.find_str("timeline.director"))) {
        const Record& r = m.at(ri);
        const std::string_view action = m.get_text(r, m.keys().action);
        const HaEvent::Kind kind = action == "crash"  ? HaEvent::Kind::Crash
                                   : action == "stop" ? HaEvent::Kind::Stop
                                                      : HaEvent::Kind::Start;
        events_.push_back({kind, r.t, ri, index_of(m.get_text(r, k_director)), VrrpState::Unknown});
    }
    for (uint32_t ri : m.of_kind(m.find_str("timeline.vrrp"))) {
        const Record& r = m.at(ri);
        const bool cut = m.get_int(r, m.find_str("partitioned")) != 0;
        events_.push_back(
            {cut ? HaEvent::Kind::Partition : HaEvent::Kind::Heal, r.t, ri, -1, VrrpState::Unknown});
    }
    std::stable_sort(events_.begin(), events_.end(),
                     [](const HaEvent& a, const HaEvent& b) { return a.record < b.record; });
    const StrId owner = m.find_str("owner");
    for (uint32_t ri : m.of_kind(m.find_str("ha.vip")))
        vip_.push_back({m.at(ri).t, index_of(m.get_text(m.at(ri), owner)), ri});
}

VrrpState HaPair::state_at(size_t director, int64_t t) const {
    const auto& states = directors_[director].states;
    const auto it = std::upper_bound(states.begin(), states.end(), t,
                                     [](int64_t v, const HaDirector::Change& c) { return v < c.t; });
    return it == states.begin() ? VrrpState::Unknown : std::prev(it)->state;
}

std::string_view HaPair::stopped_why(size_t director, int64_t t) const {
    if (state_at(director, t) != VrrpState::Stopped) return "";
    std::string_view why;
    for (const HaEvent& e : events_) {
        if (e.t > t) break;
        if (e.director != static_cast<int32_t>(director)) continue;
        if (e.kind == HaEvent::Kind::Crash) why = "crashed";
        else if (e.kind == HaEvent::Kind::Stop) why = "stopped";
    }
    return why;
}

std::string HaPair::label_at(size_t director, int64_t t) const {
    const VrrpState s = state_at(director, t);
    std::string out = directors_[director].name + " - " + std::string(vrrp_state_name(s));
    if (const std::string_view why = stopped_why(director, t); !why.empty())
        out += " (" + std::string(why) + ")";
    return out;
}

int32_t HaPair::owner_at(int64_t t) const {
    const auto it =
        std::upper_bound(vip_.begin(), vip_.end(), t, [](int64_t v, const VipChange& c) { return v < c.t; });
    return it == vip_.begin() ? -1 : std::prev(it)->owner;
}

}  // namespace lvs::viz
