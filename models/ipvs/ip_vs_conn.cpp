// The connection table (net/netfilter/ipvs/ip_vs_conn.c): entries and persistence templates
// created, bound to a destination (ip_vs_bind_dest: ActiveConn, InActConn, PersistConn),
// unbound and expired.
#include "models/ipvs/director.hpp"
#include "models/trace/vocabulary.hpp"
#include "sim/check.hpp"

namespace lvs::ipvs {

using net::Packet;

// ---- entries --------------------------------------------------------------------------------

bool Director::state_active(ConnState s) const {
    if (s == ConnState::Established) return true;
    return kernel_.syn_states_active &&
           (s == ConnState::SynSent || s == ConnState::SynRecv || s == ConnState::SynAck);
}

void Director::bind(Conn& cp, Dest& d) {
    // ip_vs_bind_dest: entries start inactive (the INACTIVE flag of the destination's
    // connection-flag template); templates count as persistent.
    cp.dest = &d;
    ++d.refcnt;
    if (cp.is_template()) {
        ++d.persistconns;
        return;
    }
    cp.flags |= kConnInactive;
    ++d.inactconns;
    if (d.u_threshold != 0 && d.activeconns + d.inactconns >= d.u_threshold) d.flags |= kDestOverload;
}

void Director::update_overload_on_unbind(Dest& d) {
    // ip_vs_unbind_dest: below the lower threshold, or under 3/4 of the upper one, or with no
    // thresholds at all, OVERLOAD clears.
    const uint32_t total = d.activeconns + d.inactconns;
    if (d.l_threshold != 0) {
        if (total < d.l_threshold) d.flags &= ~kDestOverload;
    } else if (d.u_threshold != 0) {
        if (uint64_t{total} * 4 < uint64_t{d.u_threshold} * 3) d.flags &= ~kDestOverload;
    } else {
        d.flags &= ~kDestOverload;
    }
}

void Director::unbind(Conn& cp) {
    Dest* d = cp.dest;
    if (d == nullptr) return;
    // ip_vs_unbind_dest(): the counters this entry added come off again, never below zero.
    if (cp.is_template()) {
        LVS_CHECK(sim_, entity_, d->persistconns > 0, "PersistConn would go below zero");
        --d->persistconns;
    } else if (cp.inactive()) {
        LVS_CHECK(sim_, entity_, d->inactconns > 0, "InActConn would go below zero");
        --d->inactconns;
    } else {
        LVS_CHECK(sim_, entity_, d->activeconns > 0, "ActiveConn would go below zero");
        --d->activeconns;
    }
    LVS_CHECK(sim_, entity_, d->refcnt > 0, "a destination's refcnt would go below zero");
    --d->refcnt;
    update_overload_on_unbind(*d);
    cp.dest = nullptr;
}

std::unique_ptr<Conn> Director::take_conn() {
    // Entries are recycled (their timers are reused), as the kernel's ip_vs_conn_cachep slab.
    if (free_conns_.empty()) return std::make_unique<Conn>(*this, sim_);
    std::unique_ptr<Conn> owned = std::move(free_conns_.back());
    free_conns_.pop_back();
    return owned;
}

Conn* Director::new_conn(Service& svc, Dest& d, const Packet& p, Conn* control, bool scheduled) {
    std::unique_ptr<Conn> owned = take_conn();
    Conn& cp = *owned;
    cp.id = ++next_conn_id_;
    // A firewall-mark service carries either protocol: the entry is the packet's.
    cp.proto = p.is_udp() ? Proto::Udp : Proto::Tcp;
    cp.client = p.src_ep();
    cp.vip = p.dst_ep();
    cp.forward = d.forward;
    // DR and TUN cannot map ports: the realserver gets the virtual port.
    cp.dest_addr = d.forward == Forward::Masq ? d.addr : net::Endpoint{d.addr.addr, p.dport};
    cp.state = ConnState::None;
    cp.flags = d.forward == Forward::Masq ? 0 : kConnNoOutput;
    // --ops: each datagram is its own entry (ip_vs_schedule(), and ip_vs_sched_persist() for the
    // entries a template controls: UDP only, never hashed).
    const bool one_packet = svc.one_packet && cp.proto == Proto::Udp;
    if (one_packet) {
        cp.flags |= kConnOnePacket;
        ++counters_.one_packet;
    }
    cp.control = nullptr;
    cp.n_control = 0;
    cp.assured = false;
    cp.has_conntrack = sysctls_.conntrack != 0;
    cp.saw_fin = false;
    cp.client_rst_last = false;
    cp.created = sim_.now();
    cp.old_state = ConnState::None;
    cp.in_pkts = 0;
    cp.sync_tries = 0;
    cp.sync_endtime = {};
    cp.timeout = sim::s(3);  // provisional until the first transition (ip_vs_conn_new)
    cp.hashed = !one_packet;
    bind(cp, d);
    if (control != nullptr) {
        cp.control = control;
        ++control->n_control;
    }
    cp.to_dest = {};
    cp.to_client = {};
    if (cp.hashed)
        in_.put(key(cp.proto, cp.client.addr.value(), cp.client.port, cp.vip.addr.value(), cp.vip.port), &cp);
    if (cp.hashed && cp.forward == Forward::Masq)
        out_.put(key(cp.proto, cp.client.addr.value(), cp.client.port, cp.dest_addr.addr.value(),
                     cp.dest_addr.port),
                 &cp);
    if (scheduled) {
        ++svc.stats.conns;
        ++d.stats.conns;
        ++counters_.scheduled;
    }
    Conn* raw = owned.get();
    conns_.emplace(cp.id, std::move(owned));
    arm(*raw);
    if (scheduled && on_scheduled) on_scheduled(*raw);
    return raw;
}

Conn* Director::new_template(Service& svc, Dest& d, const InKey& k) {
    std::unique_ptr<Conn> owned = take_conn();
    Conn& ct = *owned;
    ct.id = ++next_conn_id_;
    ct.proto = svc.proto;
    ct.client = {net::Ipv4(k.caddr), 0};
    ct.vip = {net::Ipv4(k.vaddr), k.vport};
    ct.forward = d.forward;
    ct.dest_addr = d.forward == Forward::Masq ? d.addr : net::Endpoint{d.addr.addr, k.vport};
    ct.state = ConnState::None;
    ct.flags = kConnTemplate;
    ct.control = nullptr;
    ct.n_control = 0;
    ct.assured = false;
    ct.has_conntrack = false;
    ct.created = sim_.now();
    ct.old_state = ConnState::None;
    ct.in_pkts = 0;
    ct.sync_tries = 0;
    ct.sync_endtime = {};
    ct.timeout = sim::s(svc.persistence_s);
    ct.hashed = true;
    bind(ct, d);
    templates_.put(k, &ct);
    Conn* raw = owned.get();
    conns_.emplace(ct.id, std::move(owned));
    arm(*raw);
    LVS_TRACE(sim_, entity_, trace::kind::ipvs_template_new)
        .f("client", ct.client.addr.str())
        .f("dest", dest_name(d))
        .f("timeout_s", svc.persistence_s);
    return raw;
}

void Director::free_conn(Conn& cp) {
    if (cp.is_template()) {
        templates_.erase(key(cp.proto, cp.client.addr.value(), 0, cp.vip.addr.value(), cp.vip.port), &cp);
    } else {
        in_.erase(key(cp.proto, cp.client.addr.value(), cp.client.port, cp.vip.addr.value(), cp.vip.port),
                  &cp);
        if (cp.forward == Forward::Masq)
            out_.erase(key(cp.proto, cp.client.addr.value(), cp.client.port, cp.dest_addr.addr.value(),
                           cp.dest_addr.port),
                       &cp);
    }
    LVS_TRACE(sim_, entity_, trace::kind::ipvs_conn_expire)
        .f("conn", cp.id)
        .f("client", cp.client.str())
        .f("dest", cp.dest != nullptr ? dest_name(*cp.dest) : cp.dest_addr.str())
        .f("state", cp.assured ? "ASSURED" : std::string(to_string(cp.state)))
        .f("template", cp.is_template());
    if (cp.control != nullptr) {
        --cp.control->n_control;
        cp.control = nullptr;
    }
    unbind(cp);
    cp.timer.disarm();
    ++counters_.expired;
    const auto it = conns_.find(cp.id);
    free_conns_.push_back(std::move(it->second));
    conns_.erase(it);
    changed();
}

void Director::on_expire(Conn& cp) {
    // ip_vs_conn_expire: an entry that still controls others is re-armed for 60 s (its own
    // timeout stays 60 s from then on: observed in code, unverified in practice).
    if (cp.n_control > 0) {
        cp.timeout = sim::s(60);
        arm(cp);
        return;
    }
    free_conn(cp);
}

void Director::expire_now(Conn& cp) { on_expire(cp); }

// The destination an entry made elsewhere names (an operator's listing, a sync message): DR and
// TUN entries carry the virtual port, so only a NAT destination's port must match.
Dest* Director::dest_named(Service& svc, const net::Endpoint& dest) const {
    Dest* d = nullptr;
    for (Dest* x : svc.dests)
        if (x->addr.addr == dest.addr && (x->addr.port == dest.port || x->forward != Forward::Masq)) d = x;
    return d;
}

// An entry for a flow this director did not schedule, as if its first packet had come now.
Conn* Director::adopt_conn(Service& svc, Dest& d, Proto proto, const net::Endpoint& client,
                           const net::Endpoint& vip) {
    net::Packet p;
    if (proto == Proto::Udp) p.set_proto(net::Proto::Udp);
    p.saddr = client.addr.value();
    p.sport = client.port;
    p.daddr = vip.addr.value();
    p.dport = vip.port;
    Conn* control = templates_.find(key(proto, client.addr.value(), 0, vip.addr.value(), vip.port));
    return new_conn(svc, d, p, control, false);
}

std::string Director::restore_entry(Proto proto, const net::Endpoint& client, const net::Endpoint& vip,
                                    const net::Endpoint& dest, ConnState state, sim::Duration remaining) {
    Service* svc = find_service({proto, vip, 0});
    if (svc == nullptr) return "no virtual service " + vip.str();
    Dest* d = dest_named(*svc, dest);
    if (d == nullptr) return "service " + vip.str() + " has no realserver " + dest.str();
    const bool is_template = client.port == 0 && state == ConnState::None;
    if (is_template) {
        if (svc->persistence_s == 0) return "service " + vip.str() + " is not persistent (-p): no templates";
        Conn* ct = new_template(*svc, *d, key(proto, client.addr.value(), 0, vip.addr.value(), vip.port));
        ct->timer.arm(remaining);  // its own timeout stays the service's, for later refreshes
        return {};
    }
    // Placed by the operator's director, not by this run's scheduler; Conns counts it.
    Conn* cp = adopt_conn(*svc, *d, proto, client, vip);
    ++svc->stats.conns;
    ++d->stats.conns;
    enter_state(*cp, state, "restored", "in");
    cp->timer.arm(remaining);
    return {};
}

}  // namespace lvs::ipvs
