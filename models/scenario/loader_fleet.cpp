// The scenario's fleet: section: several directors behind a router that spreads flows over them
// by ECMP, as kube-proxy in IPVS mode runs one director per node. Each director runs the file's
// rules and sysctls; the router's next hops follow ip-route(8)'s multipath syntax (weights 1 to
// 256) and net.ipv4.fib_multipath_hash_policy (ip-sysctl.rst: 0 hashes the addresses, 1 the
// 5-tuple).
#include "models/scenario/loader_impl.hpp"

namespace lvs::scenario::detail {

namespace {

// More next hops than Linux's default multipath route would ever carry in a lesson; a bound so
// that a typo (directors: 10000) is an error rather than a long build.
constexpr size_t kMaxFleet = 64;

}  // namespace

void Loader::fleet_director(const YAML::Node& n, FleetSpec& spec) {
    r_.check_keys(n, schema::kFleetDirector, "a director of fleet.directors");
    FleetDirectorSpec d;
    d.mark = mark_of(n);
    if (!n["name"]) r_.fail(n, "a director of the fleet needs `name:`", "e.g. name: node1");
    d.name = unique_name(n["name"], "director name");
    const bool first = spec.directors.empty();
    const net::Ipv4 next = first ? s_.director_address
                                 : net::Ipv4(spec.directors.back().address.value() +
                                             1);  // node1, node2, ... on consecutive addresses
    d.address = n["address"] ? r_.address(n["address"], "the director's address") : next;
    if (first && n["address"] && root_["director"] && root_["director"]["address"] &&
        !(d.address == s_.director_address))
        r_.fail(n["address"],
                "the first director of the fleet is the director: section's, whose address is " +
                    s_.director_address.str(),
                "write the address in one place only");
    if (first) s_.director_address = d.address;
    if (n["weight"])
        d.weight =
            static_cast<uint32_t>(r_.integer(n["weight"], "weight (ip route's nexthop weight)", 1, 256));
    if (n["joined"]) d.joined = r_.boolean(n["joined"], "joined");
    const YAML::Node where = n["address"] ? n["address"] : n;
    for (const FleetDirectorSpec& other : spec.directors)
        if (other.address == d.address)
            r_.fail(where, "two directors of the fleet have the address " + d.address.str(),
                    "give this one its own, e.g. " + net::Ipv4(d.address.value() + 1).str());
    if (s_.realserver_at(d.address) != nullptr)
        r_.fail(where, "the address " + d.address.str() + " is a realserver's",
                "give the director an address of its own");
    if (vip_of_rules(d.address))
        r_.fail(where, "the address " + d.address.str() + " is a VIP: every director of the fleet serves it",
                "give each director an address of its own, e.g. 10.0.0.1, 10.0.0.2, ...");
    spec.directors.push_back(std::move(d));
}

void Loader::fleet() {
    const YAML::Node f = root_["fleet"];
    if (!f) return;
    r_.check_keys(f, schema::kFleet, "fleet");
    if (s_.ha)
        r_.fail(f, "a scenario has either a VRRP pair (ha:) or a fleet behind ECMP (fleet:), not both",
                "a fleet needs no VRRP: the router's ECMP group is what fails over");
    FleetSpec spec;
    spec.mark = mark_of(f);
    const YAML::Node list = f["directors"];
    if (!list || !list.IsSequence() || list.size() < 2)
        r_.fail(list ? list : f, "fleet.directors lists two or more directors",
                "e.g. directors: [{name: node1}, {name: node2}, {name: node3}]");
    if (list.size() > kMaxFleet)
        r_.fail(list[kMaxFleet], "fleet.directors has " + std::to_string(list.size()) + " directors",
                "lvsim runs at most " + std::to_string(kMaxFleet));
    for (const auto& n : list) fleet_director(n, spec);
    if (const YAML::Node h = f["hash"])
        spec.hash = r_.one_of(h, "fleet.hash", {"l3", "l4"}) == "l3" ? MultipathHash::L3 : MultipathHash::L4;
    if (std::none_of(spec.directors.begin(), spec.directors.end(), [](const auto& d) { return d.joined; }))
        r_.fail(list, "no director of the fleet is in the router's ECMP group at the start",
                "leave joined: out (true) on at least one");
    // NAT needs the replies back through the director that translated them; behind ECMP the
    // realserver's one gateway cannot be every director (kube-proxy masquerades the source for it).
    for (const Rule& r : s_.rules)
        if ((r.command.cmd == ipvs::IpvsadmCmd::AddDest || r.command.cmd == ipvs::IpvsadmCmd::EditDest) &&
            r.command.dest.forward == ipvs::Forward::Masq)
            r_.fail_at(r.mark,
                       "a fleet behind ECMP forwards by direct routing or tunnelling: with -m the "
                       "replies would return through one gateway, not the director that translated them",
                       "write -g (direct routing) or -i (IPIP tunnel) for " + r.command.dest.addr.str());
    s_.fleet = std::move(spec);
}

// A director entry of the timeline in a fleet: leave, join, crash or start.
TimelineAction Loader::fleet_action(const YAML::Node& n) {
    const YAML::Node v = n["director"];
    if (n["value"])
        r_.fail(n["value"], "director entries take no `value:`", "actions: leave, join, crash, start");
    const auto [who, what, value] =
        verb_entry(n, v, s_.fleet->directors, kFleetVerbNames, "director", "director", FleetVerb::Count);
    (void)value;
    return FleetAction{who, what};
}

}  // namespace lvs::scenario::detail
