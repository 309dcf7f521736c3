// The scenario's ha: section: a VRRP pair of directors as keepalived configures them
// (keepalived.conf(5): vrrp_instance's state, priority, advert_int, nopreempt, preempt_delay,
// garp_master_delay; global_defs' lvs_sync_daemon), checked the way keepalived would refuse or
// silently change them.
#include "models/scenario/loader_impl.hpp"

namespace lvs::scenario::detail {

namespace {

// Whole seconds from 1 to `max` (VRRP version 2 carries advert_int in one byte of seconds).
bool whole_seconds(sim::Duration d) { return d.ns() % 1'000'000'000 == 0; }

}  // namespace

// Whether `a` is a virtual address of the rules.
bool Loader::vip_of_rules(net::Ipv4 a) const {
    for (const Rule& r : s_.rules)
        if (r.command.has_service && r.command.service.key.fwmark == 0 && r.command.service.key.vip.addr == a)
            return true;
    return false;
}

void Loader::ha_director(const YAML::Node& n, const YAML::Node& shared, HaSpec& spec) {
    r_.check_keys(n, schema::kHaDirector, "a director of ha.directors");
    HaDirectorSpec d;
    d.mark = mark_of(n);
    if (!n["name"]) r_.fail(n, "a director of the pair needs `name:`", "e.g. name: lvs1");
    d.name = unique_name(n["name"], "director name");
    const bool first = spec.directors.empty();
    if (n["address"]) d.address = r_.address(n["address"], "the director's address");
    else d.address = first ? s_.director_address : net::Ipv4(s_.director_address.value() + 1);
    if (first && n["address"] && root_["director"] && root_["director"]["address"] &&
        !(d.address == s_.director_address))
        r_.fail(n["address"],
                "the first director of the pair is the director: section's, whose address is " +
                    s_.director_address.str(),
                "write the address in one place only");
    if (first) s_.director_address = d.address;
    ha::VrrpConfig& v = d.vrrp;
    if (const YAML::Node adv = shared["advert_int"]) {
        v.advert_int = r_.duration(adv, "ha.advert_int");
    }
    if (const YAML::Node ver = shared["version"])
        v.version = static_cast<uint8_t>(r_.integer(ver, "ha.version", 2, 3));
    if (v.version == 2 &&
        (!whole_seconds(v.advert_int) || v.advert_int < sim::s(1) || v.advert_int > sim::s(255)))
        r_.fail(shared["advert_int"], "VRRP version 2 sends advert_int as whole seconds from 1s to 255s",
                "write e.g. advert_int: 1s, or version: 3 for centiseconds");
    if (v.version == 3 &&
        (v.advert_int < sim::ms(10) || v.advert_int > sim::ms(40950) || v.advert_int.ns() % 10'000'000 != 0))
        r_.fail(shared["advert_int"], "VRRP version 3 sends advert_int in centiseconds, 10ms to 40.95s");
    if (const YAML::Node g = shared["garp_master_delay"]) {
        v.garp_master_delay = r_.duration(g, "ha.garp_master_delay");
        // keepalived reads whole seconds; the upper bound is lvsim's.
        if (v.garp_master_delay < sim::Duration{} || v.garp_master_delay > sim::s(3600) ||
            !whole_seconds(v.garp_master_delay))
            r_.fail(g, "garp_master_delay is whole seconds, 0s (no second burst) to 3600s",
                    "keepalived's default is 5s");
    }
    if (const YAML::Node g = shared["garp_master_refresh"]) {
        v.garp_master_refresh = r_.duration(g, "ha.garp_master_refresh");
        if (v.garp_master_refresh < sim::Duration{} || v.garp_master_refresh > sim::s(86400) ||
            !whole_seconds(v.garp_master_refresh))
            r_.fail(g, "garp_master_refresh is whole seconds, 0s (off, keepalived's default) to 86400s",
                    "e.g. 10s");
    }
    std::string state = "BACKUP";
    if (n["state"]) state = r_.one_of(n["state"], "state", {"MASTER", "BACKUP"});
    v.initial_master = state == "MASTER";
    // keepalived: `state MASTER` without a priority owns the address (255).
    v.priority = 100;
    if (n["priority"]) v.priority = static_cast<uint8_t>(r_.integer(n["priority"], "priority", 1, 255));
    else if (v.initial_master) v.priority = 255;
    // No state: MASTER exactly for the address owner (priority 255).
    if (!n["state"] && v.priority == 255) v.initial_master = true;
    if (n["preempt"]) {
        v.preempt = r_.boolean(n["preempt"], "preempt");
        // vrrp_complete_instance(): nopreempt with state MASTER or priority 255 is cleared.
        if (!v.preempt && (v.initial_master || v.priority == 255))
            r_.fail(n["preempt"],
                    "keepalived ignores nopreempt on a director with state MASTER or priority 255",
                    "write state: BACKUP on both directors and give them different priorities");
    }
    if (n["preempt_delay"]) {
        v.preempt_delay = r_.duration(n["preempt_delay"], "preempt_delay");
        if (v.preempt_delay < sim::Duration{} || v.preempt_delay > sim::s(1000))
            r_.fail(n["preempt_delay"], "preempt_delay is 0s to 1000s (keepalived.conf(5))");
        if (v.initial_master && v.preempt_delay > sim::Duration{})
            r_.fail(n["preempt_delay"], "keepalived ignores preempt_delay on a director with state MASTER",
                    "write state: BACKUP on both directors");
        if (!v.preempt && v.preempt_delay > sim::Duration{})
            r_.fail(n["preempt_delay"],
                    "preempt_delay means nothing with preempt: off (keepalived resets it)");
    }
    for (const HaDirectorSpec& other : spec.directors)
        if (other.address == d.address)
            r_.fail(n["address"] ? n["address"] : n, "both directors have the address " + d.address.str(),
                    "give the second one its own, e.g. " + net::Ipv4(d.address.value() + 1).str());
    if (s_.realserver_at(d.address) != nullptr)
        r_.fail(n["address"] ? n["address"] : n, "the address " + d.address.str() + " is a realserver's",
                "give the director an address of its own, e.g. 10.0.0.2");
    if (vip_of_rules(d.address))
        r_.fail(n["address"] ? n["address"] : n,
                "the address " + d.address.str() + " is a VIP: VRRP moves it, a director needs its own",
                "e.g. 10.0.0.1 and 10.0.0.2 for the pair");
    spec.directors.push_back(std::move(d));
}

void Loader::ha() {
    const YAML::Node h = root_["ha"];
    if (!h) return;
    r_.check_keys(h, schema::kHa, "ha");
    HaSpec spec;
    spec.mark = mark_of(h);
    const YAML::Node list = h["directors"];
    if (list && list.IsSequence() && list.size() > 2)
        r_.fail(list[2],
                "ha.directors has " + std::to_string(list.size()) + " directors: lvsim models a pair (two)",
                "a VRRP instance with more routers, or a fleet of directors, is not modelled");
    if (!list || !list.IsSequence() || list.size() != 2)
        r_.fail(list ? list : h, "ha.directors lists the two directors of the pair",
                "e.g. directors: [{name: lvs1, priority: 150}, {name: lvs2, priority: 100}]");
    for (const auto& n : list) ha_director(n, h, spec);
    const auto& a = spec.directors[0].vrrp;
    const auto& b = spec.directors[1].vrrp;
    if (a.initial_master && b.initial_master && a.priority == 255 && b.priority == 255)
        r_.fail(list, "two address owners (state MASTER, priority 255) fight for the VIPs",
                "give one state: BACKUP and a lower priority");
    if (const YAML::Node sync = h["sync"]) {
        if (sync.IsScalar()) {
            spec.sync = r_.boolean(sync, "ha.sync");
        } else {
            r_.check_keys(sync, schema::kHaSync, "ha.sync");
            spec.sync = sync["daemon"] ? r_.boolean(sync["daemon"], "ha.sync.daemon") : true;
            if (sync["follows_vrrp"])
                spec.sync_follows_vrrp = r_.boolean(sync["follows_vrrp"], "ha.sync.follows_vrrp");
            if (sync["syncid"])
                spec.syncid = static_cast<uint8_t>(r_.integer(sync["syncid"], "ha.sync.syncid", 0, 255));
        }
    }
    s_.ha = std::move(spec);
}

// `on: lvs2` of an ipvsadm or sysctl timeline entry.
std::optional<size_t> Loader::director_on(const YAML::Node& entry) {
    const YAML::Node on = entry["on"];
    if (!on) return std::nullopt;
    if (!entry["ipvsadm"] && !entry["sysctl"])
        r_.fail(on, "`on:` belongs to ipvsadm and sysctl entries",
                "it names the director that runs the command");
    if (s_.fleet) return index_named(on, s_.fleet->directors, "director");
    if (!s_.ha)
        r_.fail(on, "`on:` names a director of the pair or the fleet, and this scenario has one director",
                "add an ha: or a fleet: section, or leave `on:` out");
    return index_named(on, s_.ha->directors, "director");
}

TimelineAction Loader::ha_action(const YAML::Node& n) {
    if (const YAML::Node v = n["vrrp"]; v && s_.fleet)
        r_.fail(v, "vrrp: acts on a VRRP pair (ha:), and a fleet behind ECMP runs no VRRP",
                "make a director leave the router's group instead: director: NAME, action: leave");
    if (const YAML::Node v = n["vrrp"]) {
        if (!s_.ha)
            r_.fail(v, "vrrp: acts on a director pair, and this scenario has one director",
                    "add an ha: section");
        return VrrpLinkAction{r_.one_of(v, "vrrp", {"partition", "heal"}) == "partition"};
    }
    const YAML::Node v = n["director"];
    if (s_.fleet) return fleet_action(n);
    if (n["value"]) r_.fail(n["value"], "director entries take no `value:`", "actions: crash, stop, start");
    if (!s_.ha)
        r_.fail(v,
                "a director entry acts on a director of the pair or the fleet, and this scenario has one "
                "director",
                "add an ha: section with two directors, or a fleet: section");
    const auto [who, what, value] =
        verb_entry(n, v, s_.ha->directors, kDirectorVerbNames, "director", "director", DirectorVerb::Count);
    (void)value;
    return DirectorAction{who, what};
}

}  // namespace lvs::scenario::detail
