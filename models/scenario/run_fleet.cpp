// A fleet of directors behind ECMP (`fleet:`): every director runs the file's rules with a table
// and scheduler state of its own, and the router in front sends each flow to one of them by a
// hash (Network::set_multipath). A director leaving or joining the router's group moves the
// flows whose hash now falls to another next hop; that director has no entry for them, so it
// resets them, or with sloppy_tcp schedules them afresh (where a consistent scheduler, sh or mh,
// picks the same realserver on every director).
//
// What lvsim simplifies (README, limitations): the router's hash is ours, not the kernel's
// (which keys it with a secret drawn at boot); the group changes at the instant of the timeline
// entry (no BGP or BFD timers); VIPs added by the timeline later stay with the first director.
#include <algorithm>
#include <tuple>

#include "models/ipvs/ipvsadm.hpp"
#include "models/scenario/runtime.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::scenario {

void Run::build_fleet(net::NodeId lan, const net::LinkSpec& lan_link) {
    const Scenario& s = scenario_;
    if (!s.fleet) return;
    const ipvs::KernelProfile* kernel = ipvs::find_kernel_profile(s.kernel);
    fleet_state_.push_back({director_.get(), s.fleet->directors[0].joined});
    for (size_t i = 1; i < s.fleet->directors.size(); ++i) {
        const FleetDirectorSpec& spec = s.fleet->directors[i];
        fleet_.push_back(
            std::make_unique<ipvs::Director>(net_, spec.name, spec.address, *kernel, s.director_tcp));
        net_.add_link(fleet_.back()->node(), lan, lan_link);
        fleet_state_.push_back({fleet_.back().get(), spec.joined});
    }
    last_fleet_listing_.assign(fleet_state_.size(), std::string());
}

std::vector<net::Network::NextHop> Run::fleet_next_hops() const {
    std::vector<net::Network::NextHop> hops;
    for (size_t i = 0; i < fleet_state_.size(); ++i)
        if (fleet_state_[i].joined)
            hops.push_back({fleet_state_[i].director->node(), scenario_.fleet->directors[i].weight});
    return hops;
}

// At 0 s, after every director has its rules: the router's multipath route for each VIP.
void Run::start_fleet() {
    if (fleet_state_.empty()) return;
    const FleetSpec& f = *scenario_.fleet;
    for (const auto& svc : director_->services())
        if (svc->fwmark == 0 &&
            std::find(fleet_vips_.begin(), fleet_vips_.end(), svc->vip.addr) == fleet_vips_.end())
            fleet_vips_.push_back(svc->vip.addr);
    const uint64_t seed = scenario_.seed * 0x9E3779B97F4A7C15ull + 0xEC3Du;  // the router's own hash key
    for (net::Ipv4 vip : fleet_vips_)
        net_.set_multipath(vip, fleet_next_hops(), f.hash == MultipathHash::L4, seed);
    placement_.groups.assign(groups_.size(), PlacementCounts{});
    for (FleetMember& m : fleet_state_)
        m.director->on_scheduled = [this, d = m.director](const ipvs::Conn& c) { fleet_placed(*d, c); };
    std::string names;
    for (size_t i = 0; i < fleet_state_.size(); ++i)
        if (fleet_state_[i].joined) names += (names.empty() ? "" : ", ") + f.directors[i].name;
    fleet_events_.push_back(
        when_label() + "the router spreads the VIPs over " + std::to_string(fleet_next_hops().size()) +
        " next hops (" + names + "), hash " +
        (f.hash == MultipathHash::L4 ? "l4: addresses, ports, protocol" : "l3: addresses"));
    for (size_t i = 0; i < fleet_state_.size(); ++i)
        trace_fleet_member(i, fleet_state_[i].joined ? "in the group when the run began"
                                                     : "out of the group when the run began");
}

void Run::trace_fleet_member(size_t i, const std::string& why) {
    LVS_TRACE(sim_, net_.entity(fleet_state_[i].director->node()), trace::kind::fleet_member)
        .f("director", scenario_.fleet->directors[i].name)
        .f("joined", fleet_state_[i].joined ? 1 : 0)
        .f("next_hops", fleet_next_hops().size())
        .f("moved", fleet_moved_)
        .f("why", why);
}

// The router's group changed (director `changed` left or joined): which existing entries' flows
// now hash to another director. Those of the director that left must move; the others move only
// because hash-threshold shifts every boundary (RFC 2992 section 4).
void Run::fleet_regroup(size_t changed, const std::string& what) {
    const auto flow_hop = [this](const ipvs::Conn& c) {
        return net_.next_hop(c.client.addr, c.vip.addr, c.client.port, c.vip.port,
                             c.proto == ipvs::Proto::Udp ? net::Proto::Udp : net::Proto::Tcp);
    };
    std::vector<std::vector<net::NodeId>> before(fleet_state_.size());
    for (size_t i = 0; i < fleet_state_.size(); ++i)
        for (const ipvs::Conn* c : fleet_state_[i].director->connections())
            if (!c->is_template() && net_.multipath(c->vip.addr)) before[i].push_back(flow_hop(*c));
    for (net::Ipv4 vip : fleet_vips_) net_.set_next_hops(vip, fleet_next_hops());
    uint64_t own = 0, others = 0;
    for (size_t i = 0; i < fleet_state_.size(); ++i) {
        size_t k = 0;
        for (const ipvs::Conn* c : fleet_state_[i].director->connections())
            if (!c->is_template() && net_.multipath(c->vip.addr) && before[i][k++] != flow_hop(*c))
                ++(i == changed ? own : others);
    }
    fleet_moved_ += own + others;
    const std::string& name = scenario_.fleet->directors[changed].name;
    fleet_events_.push_back(when_label() + name + " " + what + " the router's ECMP group (" +
                            std::to_string(fleet_next_hops().size()) + " next hops): the flows of " +
                            std::to_string(own) + " of its entries and " + std::to_string(others) +
                            " of the other directors' now hash to another director");
    trace_fleet_member(changed, what + " the group");
}

void Run::apply_action(const FleetAction& a, const std::string& when) {
    FleetMember& m = fleet_state_[a.director];
    const std::string& name = scenario_.fleet->directors[a.director].name;
    std::string note;
    switch (a.verb) {
        case FleetVerb::Leave:
        case FleetVerb::Join: {
            const bool join = a.verb == FleetVerb::Join;
            if (m.joined == join) {
                note = join ? " (already in the group)" : " (already out of the group)";
                break;
            }
            if (!join && fleet_next_hops().size() == 1)
                note = " (the last next hop: the VIPs are unreachable)";
            m.joined = join;
            fleet_regroup(a.director, join ? "joins" : "leaves");
            break;
        }
        case FleetVerb::Crash:
            // The host dies with its table; the router hashes flows to it until it leaves.
            m.director->set_down(true);
            break;
        case FleetVerb::Start:
            if (m.director->down()) {
                // It boots with an empty table and the file's rules and sysctls.
                m.director->set_down(false);
                m.director->flush();
                configure_director(*m.director, false);
            }
            break;
        case FleetVerb::Count: break;
    }
    admin_log_.push_back(when + "director " + name + " " + std::string(to_string(a.verb)) + note);
    LVS_TRACE(sim_, net_.entity(m.director->node()), trace::kind::timeline_director)
        .f("director", name)
        .f("action", to_string(a.verb));
}

// A connection placed by director `d`: did its client's previous one go to the same realserver?
void Run::fleet_placed(const ipvs::Director& d, const ipvs::Conn& c) {
    const uint32_t rs = c.dest_addr.addr.value();
    const uint64_t key = uint64_t{c.client.addr.value()} << 32 | c.vip.addr.value();
    auto [it, first] = placement_.clients.try_emplace(key);
    ClientPlacement::Client& client = it->second;
    if (first) {
        client.realserver = rs;
        // The group whose host has the client's address (several groups may share a VIP).
        client.group = static_cast<uint32_t>(groups_.size());
        for (size_t g = 0; g < groups_.size() && client.group == groups_.size(); ++g)
            for (const auto& h : groups_[g].hosts)
                if (h->address() == c.client.addr) {
                    client.group = static_cast<uint32_t>(g);
                    break;
                }
        return;
    }
    Placement now = Placement::Stayed;
    if (client.realserver != rs) {
        // Whether the client's previous realserver still serves in this connection's service.
        bool serves = false;
        const ipvs::Service* svc = c.dest != nullptr ? c.dest->svc : nullptr;
        for (const auto& s : d.services())
            if (s.get() == svc || svc == nullptr)
                for (const ipvs::Dest* x : s->dests)
                    serves = serves || (x->addr.addr.value() == client.realserver && x->weight > 0);
        now = serves ? Placement::Moved : Placement::Forced;
    }
    client.realserver = rs;
    if (now <= client.worst) return;
    const auto count = [&](PlacementCounts& k, Placement p, int delta) {
        uint64_t* field = p == Placement::Stayed ? &k.stayed : p == Placement::Forced ? &k.forced : &k.moved;
        *field = static_cast<uint64_t>(static_cast<int64_t>(*field) + delta);
    };
    for (PlacementCounts* k : {&placement_.all, client.group < placement_.groups.size()
                                                    ? &placement_.groups[client.group]
                                                    : static_cast<PlacementCounts*>(nullptr)}) {
        if (k == nullptr) continue;
        if (client.worst != Placement::New) count(*k, client.worst, -1);
        count(*k, now, +1);
    }
    client.worst = now;
}

// A realserver's ActiveConn and InActConn summed over the fleet (what it carries).
std::pair<uint32_t, uint32_t> Run::fleet_conns(const std::string& service, net::Endpoint rs) const {
    std::pair<uint32_t, uint32_t> sum{0, 0};
    for (const FleetMember& m : fleet_state_)
        for (const auto& svc : m.director->services())
            if (ipvs::service_label(*svc) == service)
                for (const ipvs::Dest* d : svc->dests)
                    if (d->addr == rs) {
                        sum.first += d->activeconns;
                        sum.second += d->inactconns;
                    }
    return sum;
}

void Run::trace_fleet_listings() {
    if (fleet_.empty() || !sim_.tracing()) return;
    for (size_t i = 1; i < fleet_state_.size(); ++i) {
        const ipvs::Director& d = *fleet_state_[i].director;
        const std::string& name = scenario_.fleet->directors[i].name;
        const sim::EntityId e = net_.entity(d.node());
        LVS_TRACE(sim_, e, trace::kind::fleet_connections)
            .f("director", name)
            .f("ipvsadm_lnc", ipvs::ipvsadm_lnc(d));
        std::string ln = ipvs::ipvsadm_ln(d);
        if (ln == last_fleet_listing_[i]) continue;
        last_fleet_listing_[i] = std::move(ln);
        LVS_TRACE(sim_, e, trace::kind::fleet_listing)
            .f("director", name)
            .f("ipvsadm_ln", last_fleet_listing_[i]);
    }
}

FleetReport Run::fleet_report() const {
    FleetReport r;
    if (fleet_state_.empty()) return r;
    const FleetSpec& f = *scenario_.fleet;
    r.any = true;
    r.hash = f.hash == MultipathHash::L4 ? "l4" : "l3";
    const size_t n = fleet_state_.size();
    for (size_t i = 0; i < n; ++i) {
        const ipvs::Director& d = *fleet_state_[i].director;
        FleetDirectorReport x;
        x.name = f.directors[i].name;
        x.address = f.directors[i].address.str();
        x.weight = f.directors[i].weight;
        x.joined = fleet_state_[i].joined;
        x.down = d.down();
        x.packets_in = d.counters().packets_in;
        x.scheduled = d.counters().scheduled;
        for (const ipvs::Conn* c : d.connections())
            if (!c->is_template()) ++x.entries;
        x.resets = d.counters().stack_resets;
        x.lost_down = d.counters().lost_down;
        x.ipvsadm_ln = ipvs::ipvsadm_ln(d);
        for (const auto& svc : d.services()) {
            const std::string service = ipvs::service_label(*svc);
            for (const ipvs::Dest* dest : svc->dests) {
                x.active += dest->activeconns;
                x.inactive += dest->inactconns;
                const std::string rs = d.dest_name(*dest);
                auto row = std::find_if(r.rows.begin(), r.rows.end(), [&](const FleetRow& w) {
                    return w.service == service && w.realserver == rs;
                });
                if (row == r.rows.end()) {
                    r.rows.push_back({service, rs, dest->addr, std::vector<uint32_t>(n, 0),
                                      std::vector<uint32_t>(n, 0),
                                      static_cast<uint32_t>(std::max(dest->weight, 0))});
                    row = r.rows.end() - 1;
                }
                row->active[i] = dest->activeconns;
                row->inactive[i] = dest->inactconns;
            }
        }
        r.directors.push_back(std::move(x));
    }
    // In the services' order, each service's realservers by address (ipvsadm -Ln's order).
    std::vector<std::string> services;
    for (const FleetRow& row : r.rows)
        if (std::find(services.begin(), services.end(), row.service) == services.end())
            services.push_back(row.service);
    const auto rank = [&](const FleetRow& row) {
        return std::make_tuple(std::find(services.begin(), services.end(), row.service) - services.begin(),
                               row.address.addr.value(), row.address.port);
    };
    std::stable_sort(r.rows.begin(), r.rows.end(),
                     [&](const FleetRow& a, const FleetRow& b) { return rank(a) < rank(b); });
    r.moved_entries = fleet_moved_;
    r.clients = placement_.all;
    r.events = fleet_events_;
    return r;
}

}  // namespace lvs::scenario
