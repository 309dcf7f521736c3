#include "models/ipvs/director.hpp"

#include <algorithm>

#include "models/ipvs/sysctl.hpp"
#include "sim/check.hpp"

namespace lvs::ipvs {

using net::Packet;

std::string_view to_string(Forward f) {
    switch (f) {
        case Forward::Masq: return "Masq";
        case Forward::Local: return "Local";
        case Forward::Tunnel: return "Tunnel";
        case Forward::Route: return "Route";
    }
    return "?";
}

std::string_view switch_of(Forward f) {
    switch (f) {
        case Forward::Masq: return "-m";
        case Forward::Tunnel: return "-i";
        case Forward::Local:
        case Forward::Route: return "-g";
    }
    return "-g";
}

std::string ServiceKey::str() const {
    if (fwmark != 0) return "FWM " + std::to_string(fwmark);
    return std::string(proto == Proto::Tcp ? "TCP " : "UDP ") + vip.str();
}

std::string admin_message(AdminOp op, AdminCode code) {
    // libipvs ipvs_strerror: the message depends on the operation and the errno.
    switch (code) {
        case AdminCode::Ok: return "";
        case AdminCode::Exists:
            return op == AdminOp::AddService ? "Service already exists" : "Destination already exists";
        case AdminCode::NoService:
            return (op == AdminOp::AddDest || op == AdminOp::EditDest || op == AdminOp::DelDest)
                       ? "Service not defined"
                       : "No such service";
        case AdminCode::NoDest: return "No such destination";
        case AdminCode::NoScheduler: return "Scheduler not found";
        case AdminCode::Invalid:
            return "Invalid operation.  Possibly wrong module version, address not unicast, ...";
    }
    return "?";
}

Conn::Conn(Director& d, sim::Simulator& sim) : timer(sim, [this, &d] { d.on_expire(*this); }) {}

Director::Director(net::Network& net, std::string name, net::Ipv4 own_address, const KernelProfile& kernel,
                   const tcp::TcpProfile& tcp)
    : net_(net),
      sim_(net.simulator()),
      name_(name),
      node_(net.add_node(name, net::NodeKind::Director, this)),
      entity_(net.entity(node_)),
      own_address_(own_address),
      kernel_(kernel),
      stack_(net, node_, tcp),
      rng_(sim_.stream(name + ":ipvs")),
      trash_timer_(sim_, [this] { trash_scan(); }),
      rate_timer_(sim_, [this] { rate_tick(); }) {
    net.add_address(node_, own_address);
    rate_timer_.arm(sim::s(2));
}

Director::~Director() = default;

// ---- administration ----------------------------------------------------------------------------

uint64_t Director::index_key(const ServiceKey& k) {
    // A fwmark service is keyed by its mark alone, as in ip_vs_svc_fwm_table.
    if (k.fwmark != 0) return (uint64_t{1} << 63) | k.fwmark;
    return (uint64_t{static_cast<uint8_t>(k.proto)} << 48) | (uint64_t{k.vip.addr.value()} << 16) |
           k.vip.port;
}

bool Director::is_vip(net::Ipv4 a) const {
    // A handful of VIPs: scanning them is faster than hashing.
    if (vips_.size() <= 8) return std::find(vips_.begin(), vips_.end(), a) != vips_.end();
    return vip_set_.count(a.value()) != 0;
}

void Director::index_vip(net::Ipv4 a) {
    if (!vip_set_.insert(a.value()).second) return;
    vips_.push_back(a);
    if (net_.owner(a) == net::kNoNode) net_.add_address(node_, a);
}

Service* Director::find_service(const ServiceKey& k) const {
    const auto it = service_index_.find(index_key(k));
    return it == service_index_.end() ? nullptr : it->second;
}

Dest* Director::find_dest_in(Service& svc, net::Endpoint addr) const {
    for (Dest* d : svc.dests)
        if (d->addr == addr) return d;
    return nullptr;
}

const Dest* Director::find_dest(const ServiceKey& k, net::Endpoint addr) const {
    Service* s = find_service(k);
    return s == nullptr ? nullptr : find_dest_in(*s, addr);
}

void Director::trace_admin(std::string_view what, const AdminResult& r) {
    LVS_TRACE(sim_, entity_, "ipvs.admin").f("op", what).f("ok", r.ok()).f("error", r.message);
}

AdminResult Director::add_service(const ServiceSpec& s) {
    AdminResult r;
    if (find_service(s.key) != nullptr)
        r = {AdminCode::Exists, admin_message(AdminOp::AddService, AdminCode::Exists)};
    else if (!SchedulerRegistry::instance().has(s.scheduler))
        r = {AdminCode::NoScheduler, admin_message(AdminOp::AddService, AdminCode::NoScheduler)};
    if (!r.ok()) {
        trace_admin("add-service", r);
        return r;
    }
    auto svc = std::make_unique<Service>();
    svc->proto = s.key.proto;
    svc->vip = s.key.vip;
    svc->fwmark = s.key.fwmark;
    svc->sched_name = s.scheduler;
    svc->flags = s.sched_flags;
    svc->persistent = s.persistent;
    svc->persistence_s = s.persistence_s;
    svc->netmask = s.netmask;
    svc->one_packet = s.one_packet;
    svc->scheduler = SchedulerRegistry::instance().create(s.scheduler);
    svc->scheduler->on_service_init(*svc);
    if (s.key.fwmark == 0) index_vip(s.key.vip.addr);
    service_index_[index_key(s.key)] = svc.get();
    services_.push_back(std::move(svc));
    trace_admin("add-service", r);
    changed();
    return r;
}

AdminResult Director::edit_service(const ServiceSpec& s) {
    AdminResult r;
    Service* svc = find_service(s.key);
    if (svc == nullptr) r = {AdminCode::NoService, admin_message(AdminOp::EditService, AdminCode::NoService)};
    else if (!SchedulerRegistry::instance().has(s.scheduler))
        r = {AdminCode::NoScheduler, admin_message(AdminOp::EditService, AdminCode::NoScheduler)};
    if (!r.ok()) {
        trace_admin("edit-service", r);
        return r;
    }
    if (svc->sched_name != s.scheduler) {
        svc->sched_name = s.scheduler;
        svc->scheduler = SchedulerRegistry::instance().create(s.scheduler);
        svc->scheduler->on_service_init(*svc);
    }
    svc->flags = s.sched_flags;
    svc->persistent = s.persistent;
    svc->persistence_s = s.persistence_s;
    svc->netmask = s.netmask;
    svc->one_packet = s.one_packet;
    svc->scheduler->on_dests_changed(*svc);
    trace_admin("edit-service", r);
    changed();
    return r;
}

bool Director::unlink_dest(Service& svc, Dest* d) {
    const auto it = std::find(svc.dests.begin(), svc.dests.end(), d);
    svc.scheduler->on_dest_removed(svc, *d, static_cast<size_t>(it - svc.dests.begin()));
    svc.dests.erase(it);
    d->flags &= ~kDestAvailable;
    d->svc = nullptr;
    if (d->refcnt > 0) {
        // Still referenced by entries: to the trash, revivable by -a (ip_vs_trash_get_dest).
        d->in_trash = true;
        d->idle_start = sim::Time::max();
        trash_.push_back(d);
        if (!trash_timer_.armed()) trash_timer_.arm(sim::s(60));
        return true;
    }
    dest_store_.erase(
        std::find_if(dest_store_.begin(), dest_store_.end(), [d](const auto& p) { return p.get() == d; }));
    return false;
}

AdminResult Director::del_service(const ServiceKey& k) {
    AdminResult r;
    Service* const found = find_service(k);
    const auto it = found == nullptr ? services_.end()
                                     : std::find_if(services_.begin(), services_.end(),
                                                    [&](const auto& s) { return s.get() == found; });
    if (it == services_.end()) {
        r = {AdminCode::NoService, admin_message(AdminOp::DelService, AdminCode::NoService)};
        trace_admin("delete-service", r);
        return r;
    }
    Service& svc = **it;
    while (!svc.dests.empty()) unlink_dest(svc, svc.dests.front());
    // Templates of this service lose their destination like any other entry.
    service_index_.erase(index_key(k));
    services_.erase(it);
    trace_admin("delete-service", r);
    changed();
    return r;
}

AdminResult Director::flush() {
    for (const auto& svc : services_)
        while (!svc->dests.empty()) unlink_dest(*svc, svc->dests.front());
    services_.clear();
    service_index_.clear();
    AdminResult r;
    trace_admin("flush", r);
    changed();
    return r;
}

AdminResult Director::zero(const std::optional<ServiceKey>& k) {
    AdminResult r;
    // ipvsadm -Z snapshots a zero point: Conns/Pkts/Bytes and rates read from it on, the
    // ActiveConn/InActConn counters are untouched.
    const auto zero_svc = [](Service& s) {
        s.zero_point = s.stats;
        for (Dest* d : s.dests) d->zero_point = d->stats;
    };
    if (k) {
        Service* s = find_service(*k);
        if (s == nullptr)
            r = {AdminCode::NoService, admin_message(AdminOp::ZeroService, AdminCode::NoService)};
        else zero_svc(*s);
    } else {
        for (auto& s : services_) zero_svc(*s);
    }
    trace_admin("zero", r);
    return r;
}

AdminResult Director::add_dest(const ServiceKey& k, const DestSpec& spec) {
    AdminResult r;
    Service* svc = find_service(k);
    if (svc == nullptr) r = {AdminCode::NoService, admin_message(AdminOp::AddDest, AdminCode::NoService)};
    else if (find_dest_in(*svc, spec.addr) != nullptr)
        r = {AdminCode::Exists, admin_message(AdminOp::AddDest, AdminCode::Exists)};
    else if (spec.weight < 0) r = {AdminCode::Invalid, admin_message(AdminOp::AddDest, AdminCode::Invalid)};
    if (!r.ok()) {
        trace_admin("add-server", r);
        return r;
    }
    // A destination still in the trash is revived: the same object, counters continue, and
    // its surviving entries are forwarded again.
    Dest* d = nullptr;
    for (auto it = trash_.begin(); it != trash_.end(); ++it) {
        Dest* t = *it;
        if (t->addr == spec.addr && t->svc_proto == svc->proto && t->svc_vip == svc->vip &&
            t->svc_fwmark == svc->fwmark) {
            d = t;
            trash_.erase(it);
            d->in_trash = false;
            LVS_TRACE(sim_, entity_, "ipvs.dest.revived").f("dest", spec.addr.str()).f("entries", d->refcnt);
            break;
        }
    }
    if (d == nullptr) {
        dest_store_.push_back(std::make_unique<Dest>());
        d = dest_store_.back().get();
        d->addr = spec.addr;
        d->svc_proto = svc->proto;
        d->svc_vip = svc->vip;
        d->svc_fwmark = svc->fwmark;
        d->last_weight = 0;  // a server added with weight 0 has no last weight (mh gives it no slots)
        const auto rs = realservers_.find(spec.addr.addr.value());
        if (rs != realservers_.end()) {
            d->node = rs->second.first;
            d->name = rs->second.second;
        } else {
            d->node = net_.owner(spec.addr.addr);
        }
    }
    d->svc = svc;
    d->forward = spec.forward;
    d->weight = static_cast<int32_t>(spec.weight);
    if (d->weight > 0) d->last_weight = d->weight;
    d->u_threshold = spec.u_threshold;
    d->l_threshold = spec.l_threshold;
    d->flags |= kDestAvailable;
    // New destinations go to the head of the list: kernel order is newest first.
    svc->dests.insert(svc->dests.begin(), d);
    svc->scheduler->on_dests_changed(*svc);
    trace_admin("add-server", r);
    changed();
    return r;
}

AdminResult Director::edit_dest(const ServiceKey& k, const DestSpec& spec) {
    AdminResult r;
    Service* svc = find_service(k);
    Dest* d = svc == nullptr ? nullptr : find_dest_in(*svc, spec.addr);
    if (svc == nullptr) r = {AdminCode::NoService, admin_message(AdminOp::EditDest, AdminCode::NoService)};
    else if (d == nullptr) r = {AdminCode::NoDest, admin_message(AdminOp::EditDest, AdminCode::NoDest)};
    else if (spec.weight < 0) r = {AdminCode::Invalid, admin_message(AdminOp::EditDest, AdminCode::Invalid)};
    if (!r.ok()) {
        trace_admin("edit-server", r);
        return r;
    }
    if (d->forward != spec.forward) {
        LVS_TRACE(sim_, entity_, "ipvs.warning")
            .f("dest", spec.addr.str())
            .f("text", std::string("forwarding method changed from ") + std::string(to_string(d->forward)) +
                           " to " + std::string(to_string(spec.forward)) +
                           " (an ipvsadm -e restates every option)");
    }
    // ip_vs_ctl.c __ip_vs_update_dest: a new upper threshold of 0, or a larger one, clears
    // OVERLOAD.
    if (spec.u_threshold == 0 || spec.u_threshold > d->u_threshold) d->flags &= ~kDestOverload;
    d->forward = spec.forward;  // applies to new entries; existing ones keep their method
    d->weight = static_cast<int32_t>(spec.weight);
    if (d->weight > 0) d->last_weight = d->weight;
    d->u_threshold = spec.u_threshold;
    d->l_threshold = spec.l_threshold;
    svc->scheduler->on_dests_changed(*svc);
    trace_admin("edit-server", r);
    changed();
    return r;
}

AdminResult Director::del_dest(const ServiceKey& k, net::Endpoint addr) {
    AdminResult r;
    Service* svc = find_service(k);
    Dest* d = svc == nullptr ? nullptr : find_dest_in(*svc, addr);
    if (svc == nullptr) r = {AdminCode::NoService, admin_message(AdminOp::DelDest, AdminCode::NoService)};
    else if (d == nullptr) r = {AdminCode::NoDest, admin_message(AdminOp::DelDest, AdminCode::NoDest)};
    if (!r.ok()) {
        trace_admin("delete-server", r);
        return r;
    }
    const bool trashed = unlink_dest(*svc, d);  // d is gone unless trashed
    svc->scheduler->on_dests_changed(*svc);
    if (trashed && sysctls_.expire_nodest_conn != 0 && kernel_.nodest_flush) {
        // 5.9+: a delayed work flushes the deleted destination's entries about a jiffy later.
        sim_.post_after(sim::ms(1), [this, d] { flush_nodest(d); });
    }
    trace_admin("delete-server", r);
    changed();
    return r;
}

void Director::flush_nodest(Dest* d) {
    if (!d->in_trash) return;  // revived in the meantime
    std::vector<Conn*> victims;
    for (auto& [id, c] : conns_)
        if (c->dest == d) victims.push_back(c.get());
    std::sort(victims.begin(), victims.end(), [](Conn* a, Conn* b) { return a->id < b->id; });
    LVS_TRACE(sim_, entity_, "ipvs.nodest.flush").f("dest", d->addr.str()).f("entries", victims.size());
    for (Conn* c : victims) expire_now(*c);
    changed();
}

AdminResult Director::set_timeouts(int64_t tcp_s, int64_t tcpfin_s, int64_t udp_s) {
    // ip_vs_set_timeout: 0 leaves a value unchanged; negatives are EINVAL.
    AdminResult r;
    if (tcp_s < 0 || tcpfin_s < 0 || udp_s < 0) {
        r = {AdminCode::Invalid, admin_message(AdminOp::SetTimeout, AdminCode::Invalid)};
    } else {
        if (tcp_s > 0) timeouts_.tcp = sim::s(tcp_s);
        if (tcpfin_s > 0) timeouts_.tcp_fin = sim::s(tcpfin_s);
        if (udp_s > 0) timeouts_.udp = sim::s(udp_s);
    }
    trace_admin("set", r);
    return r;
}

std::optional<int> Director::sysctl(std::string_view name) const {
    const SysctlDef* def = find_sysctl(name);
    if (def == nullptr || !def->exists_on(kernel_)) return std::nullopt;
    return sysctls_.*(def->field);
}

std::string Director::set_sysctl(std::string_view name, int value) {
    const std::string path = "net.ipv4.vs." + std::string(name);
    const SysctlDef* def = find_sysctl(name);
    std::string error;
    if (def == nullptr || !def->exists_on(kernel_))
        error = "sysctl: cannot stat /proc/sys/" + path + ": No such file or directory" +
                (def != nullptr ? " (absent before Linux 4.2: kernel profile " + kernel_.name + ")" : "");
    else if (value < 0 || value > def->max) error = "sysctl: setting key \"" + path + "\": Invalid argument";
    else sysctls_.*(def->field) = value;
    LVS_TRACE(sim_, entity_, "ipvs.sysctl").f("name", name).f("value", value).f("error", error);
    if (error.empty()) changed();
    return error;
}

void Director::add_realserver(net::Ipv4 addr, net::NodeId node, std::string name) {
    realservers_[addr.value()] = {node, std::move(name)};
}

void Director::add_fwmark_rule(net::Endpoint vip, uint32_t mark) {
    fwmark_rules_.push_back({vip, mark});
    index_vip(vip.addr);
}

std::string Director::dest_name(const Dest& d) const { return d.name.empty() ? d.addr.str() : d.name; }

std::vector<const Conn*> Director::connections() const {
    std::vector<const Conn*> out;
    out.reserve(conns_.size());
    for (const auto& [id, c] : conns_) out.push_back(c.get());
    std::sort(out.begin(), out.end(), [](const Conn* a, const Conn* b) { return a->id < b->id; });
    return out;
}

// ---- entries --------------------------------------------------------------------------------

bool Director::state_active(TcpState s) const {
    if (s == TcpState::Established) return true;
    return kernel_.syn_states_active &&
           (s == TcpState::SynSent || s == TcpState::SynRecv || s == TcpState::SynAck);
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

Conn* Director::new_conn(Service& svc, Dest& d, const Packet& p, Conn* control) {
    std::unique_ptr<Conn> owned;
    if (!free_conns_.empty()) {
        owned = std::move(free_conns_.back());
        free_conns_.pop_back();
    } else {
        owned = std::make_unique<Conn>(*this, sim_);
    }
    Conn& cp = *owned;
    cp.id = ++next_conn_id_;
    cp.proto = svc.proto;
    cp.client = p.src_ep();
    cp.vip = p.dst_ep();
    cp.forward = d.forward;
    // DR and TUN cannot map ports: the realserver gets the virtual port.
    cp.dest_addr = d.forward == Forward::Masq ? d.addr : net::Endpoint{d.addr.addr, p.dport};
    cp.state = TcpState::None;
    cp.flags = d.forward == Forward::Masq ? 0 : kConnNoOutput;
    cp.control = nullptr;
    cp.n_control = 0;
    cp.assured = false;
    cp.has_conntrack = sysctls_.conntrack != 0;
    cp.saw_fin = false;
    cp.client_rst_last = false;
    cp.created = sim_.now();
    cp.timeout = sim::s(3);  // provisional until the first transition (ip_vs_conn_new)
    cp.hashed = true;
    bind(cp, d);
    if (control != nullptr) {
        cp.control = control;
        ++control->n_control;
    }
    cp.to_dest = {};
    cp.to_client = {};
    in_.put(key(cp.proto, cp.client.addr.value(), cp.client.port, cp.vip.addr.value(), cp.vip.port), &cp);
    if (cp.forward == Forward::Masq)
        out_.put(key(cp.proto, cp.client.addr.value(), cp.client.port, cp.dest_addr.addr.value(),
                     cp.dest_addr.port),
                 &cp);
    ++svc.stats.conns;
    ++d.stats.conns;
    ++counters_.scheduled;
    Conn* raw = owned.get();
    conns_.emplace(cp.id, std::move(owned));
    arm(*raw);
    return raw;
}

Conn* Director::new_template(Service& svc, Dest& d, const InKey& k) {
    std::unique_ptr<Conn> owned;
    if (!free_conns_.empty()) {
        owned = std::move(free_conns_.back());
        free_conns_.pop_back();
    } else {
        owned = std::make_unique<Conn>(*this, sim_);
    }
    Conn& ct = *owned;
    ct.id = ++next_conn_id_;
    ct.proto = svc.proto;
    ct.client = {net::Ipv4(k.caddr), 0};
    ct.vip = {net::Ipv4(k.vaddr), k.vport};
    ct.forward = d.forward;
    ct.dest_addr = d.forward == Forward::Masq ? d.addr : net::Endpoint{d.addr.addr, k.vport};
    ct.state = TcpState::None;
    ct.flags = kConnTemplate;
    ct.control = nullptr;
    ct.n_control = 0;
    ct.assured = false;
    ct.has_conntrack = false;
    ct.created = sim_.now();
    ct.timeout = sim::s(svc.persistence_s);
    ct.hashed = true;
    bind(ct, d);
    templates_.put(k, &ct);
    Conn* raw = owned.get();
    conns_.emplace(ct.id, std::move(owned));
    arm(*raw);
    LVS_TRACE(sim_, entity_, "ipvs.template.new")
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
    LVS_TRACE(sim_, entity_, "ipvs.conn.expire")
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

// ---- the state table ------------------------------------------------------------------------------

void Director::transition(Conn& cp, Dir dir, const Packet& p) {
    const auto ev = event_of(static_cast<uint8_t>(p.flags));
    if (p.fin()) cp.saw_fin = true;
    if (p.rst()) cp.client_rst_last = dir != Dir::Output;
    const TcpState from = cp.state;
    const TcpState to =
        ev ? next(from, dir, *ev, {kernel_.ack_from_none_establishes, sysctls_.secure_tcp >= 2})
           : TcpState::Close;  // no SYN/FIN/ACK/RST: forced to CLOSE
    (void)from;
    enter_state(cp, to, ev ? to_string(*ev) : std::string_view("none"), to_string(dir));
}

void Director::enter_state(Conn& cp, TcpState to, std::string_view why, std::string_view dir) {
    const TcpState from = cp.state;
    if (to != from) {
        // set_tcp_state: counters move only when the state changes, by the INACTIVE flag.
        Dest* d = cp.dest;
        const bool now_active = state_active(to);
        if (cp.inactive() && now_active) {
            cp.flags &= ~kConnInactive;
            if (d != nullptr) {
                LVS_CHECK(sim_, entity_, d->inactconns > 0, "InActConn would go below zero");
                ++d->activeconns;
                --d->inactconns;
            }
        } else if (!cp.inactive() && !now_active) {
            cp.flags |= kConnInactive;
            if (d != nullptr) {
                LVS_CHECK(sim_, entity_, d->activeconns > 0, "ActiveConn would go below zero");
                --d->activeconns;
                ++d->inactconns;
            }
        }
        cp.state = to;
        if (to == TcpState::Established && cp.control != nullptr && kernel_.template_assured)
            cp.control->assured = true;
        LVS_TRACE(sim_, entity_, "ipvs.state")
            .f("conn", cp.id)
            .f("client", cp.client.str())
            .f("dest", d != nullptr ? dest_name(*d) : cp.dest_addr.str())
            .f("dir", dir)
            .f("event", why)
            .f("from", to_string(from))
            .f("to", to_string(to))
            .f("active", d != nullptr ? d->activeconns : 0u)
            .f("inactive", d != nullptr ? d->inactconns : 0u);
        changed();
    }
    // The timeout is set on every packet, changed state or not (`ipvsadm --set` values for
    // ESTABLISHED and FIN_WAIT).
    if (to == TcpState::Established) cp.timeout = timeouts_.tcp;
    else if (to == TcpState::FinWait) cp.timeout = timeouts_.tcp_fin;
    else cp.timeout = default_timeout(to);
}

void Director::force_state(uint64_t conn_id, TcpState s) {
    const auto it = conns_.find(conn_id);
    if (it == conns_.end()) return;
    enter_state(*it->second, s, "forced");
    arm(*it->second);
}

// ---- the packet procedure --------------------------------------------------------------------------

Service* Director::lookup_service(const Packet& p) const {
    // ip_vs_service_find(): a firewall mark first, then the TCP service of the address.
    for (const auto& [ep, mark] : fwmark_rules_)
        if (ep == p.dst_ep())
            if (Service* s = find_service(ServiceKey{Proto::Tcp, {}, mark})) return s;
    return find_service(ServiceKey{Proto::Tcp, p.dst_ep(), 0});
}

void Director::receive(const Packet& p) {
    if (p.is_icmp()) {
        if (p.dst() == own_address_ || is_vip(p.dst())) stack_.receive(p);
        else net_.send(node_, p);
        return;
    }
    const bool for_vip = is_vip(p.dst());
    if (for_vip && !services_.empty()) {
        // Entries are looked up before services: an entry outlives the service it came from.
        Conn* entry = in_.find(key(Proto::Tcp, p.saddr, p.sport, p.daddr, p.dport));
        Service* svc = entry != nullptr ? nullptr : lookup_service(p);
        if (entry != nullptr || svc != nullptr) {
            if (svc == nullptr) svc = lookup_service(p);
            ++counters_.packets_in;
            ipvs_in(p, svc);
            return;
        }
    }
    if (for_vip || p.dst() == own_address_) {
        // Deleting the last service unregisters the IPVS hooks: the director's own stack
        // answers (RST for anything but a listener).
        to_own_stack(p, for_vip ? "no virtual service" : "local");
        return;
    }
    if (ipvs_out(p)) return;
    net_.send(node_, p);  // plain IP forwarding
}

void Director::to_own_stack(const Packet& p, const char* why) {
    const uint64_t before = stack_.counters().resets_sent;
    stack_.receive(p);
    if (stack_.counters().resets_sent != before) {
        ++counters_.stack_resets;
        LVS_TRACE(sim_, entity_, "ipvs.rst")
            .f("client", p.src_ep().str())
            .f("vip", p.dst_ep().str())
            .f("flags", net::flag_letters(static_cast<uint8_t>(p.flags)))
            .f("rule", why)
            .f("text", "no IPVS entry and not schedulable: the director's own TCP answers with RST");
    }
}

bool Director::reuse_reschedules(const Conn& cp) const {
    // ip_vs_core.c is_new_conn_expected: never for a controlled entry (persistence, FTP).
    if (cp.control != nullptr) return false;
    if (cp.state == TcpState::TimeWait || cp.state == TcpState::Close) return true;
    return (sysctls_.conn_reuse_mode & 2) != 0 && cp.state == TcpState::FinWait &&
           (cp.flags & kConnNoOutput) != 0;
}

void Director::ipvs_in(const Packet& p, Service* svc) {
    Conn* cp = in_.find(key(Proto::Tcp, p.saddr, p.sport, p.daddr, p.dport));
    const bool syn = p.syn() && !p.rst();

    if (cp != nullptr && syn) {
        // Port reuse: a SYN for an existing entry (section 4.4 step 2, by kernel profile).
        const bool w0 = cp->dest != nullptr && cp->dest->weight == 0 && sysctls_.expire_nodest_conn != 0 &&
                        kernel_.weight0_reschedule &&
                        (!kernel_.weight0_reschedule_needs_reuse_mode || sysctls_.conn_reuse_mode != 0);
        const bool reuse =
            kernel_.has_conn_reuse_mode && sysctls_.conn_reuse_mode != 0 && reuse_reschedules(*cp);
        if (w0 || reuse) {
            ++counters_.rescheduled_reuse;
            // When conntrack is on, which conntrack rides on this SYN decides (ip_vs_in_hook,
            // ip_vs_conn_uses_old_conntrack; nf_conntrack_tcp_packet): a SYN for a tuple whose
            // conntrack is in TIME_WAIT/CLOSE after a FIN, or after the client's own RST, makes
            // conntrack kill the old entry and start a fresh one (NF_REPEAT), still unconfirmed
            // when IPVS (LOCAL_IN, before the confirm hook at INT_MAX priority) sees it. Any
            // other case leaves the old, confirmed conntrack attached.
            const bool uses_ct = cp->has_conntrack;
            const bool reopened = (cp->state == TcpState::TimeWait || cp->state == TcpState::Close) &&
                                  (cp->saw_fin || cp->client_rst_last);
            const bool confirmed = uses_ct && !reopened;
            LVS_TRACE(sim_, entity_, "ipvs.reuse")
                .f("conn", cp->id)
                .f("client", cp->client.str())
                .f("old_dest", cp->dest != nullptr ? dest_name(*cp->dest) : cp->dest_addr.str())
                .f("old_state", to_string(cp->state))
                .f("rule", w0 ? "weight 0 and expire_nodest_conn=1" : "conn_reuse_mode: reusable state");
            if (cp->n_control == 0) expire_now(*cp);
            if (uses_ct && (!kernel_.conntrack_drop_only_if_confirmed || confirmed)) {
                ++counters_.dropped_conntrack;
                LVS_TRACE(sim_, entity_, "ipvs.drop")
                    .f("client", p.src_ep().str())
                    .f("rule", kernel_.conntrack_drop_only_if_confirmed
                                   ? "conntrack=1 and the old conntrack is confirmed"
                                   : "conntrack=1: drop the first SYN to redirect conntrack")
                    .f("text", "SYN dropped; the client retransmits after its RTO (~1 s)");
                return;
            }
            cp = nullptr;
        }
    }
    if (cp != nullptr && cp->dest != nullptr && !cp->dest->available()) {
        // The entry's destination was deleted (section 4.4 step 3).
        if (sysctls_.expire_nodest_conn == 0) {
            ++counters_.dropped_nodest;
            LVS_TRACE(sim_, entity_, "ipvs.drop")
                .f("conn", cp->id)
                .f("client", p.src_ep().str())
                .f("flags", net::flag_letters(static_cast<uint8_t>(p.flags)))
                .f("rule", "destination deleted, expire_nodest_conn=0")
                .f("text", "silently dropped; the entry's timer is not refreshed");
            return;
        }
        const bool uses_ct = cp->has_conntrack;
        expire_now(*cp);
        if (!kernel_.nodest_reprocess || uses_ct) {
            ++counters_.dropped_nodest;
            LVS_TRACE(sim_, entity_, "ipvs.drop")
                .f("client", p.src_ep().str())
                .f("rule", "destination deleted, expire_nodest_conn=1: entry expired, this packet dropped")
                .f("text", "the retransmission finds no entry");
            return;
        }
        cp = nullptr;
    }
    if (cp == nullptr) {
        if (svc == nullptr) {
            to_own_stack(p, "entry gone and no virtual service");
            return;
        }
        const bool schedulable = !p.rst() && (p.syn() || sysctls_.sloppy_tcp != 0);
        if (!schedulable) {
            to_own_stack(p, "no entry and not a SYN");
            return;
        }
        cp = svc->persistent ? schedule_persistent(*svc, p) : schedule(*svc, p);
        if (cp == nullptr) {
            send_icmp_unreachable(p);
            return;
        }
    }
    if (cp->dest != nullptr && cp->dest->available()) {
        const uint64_t bytes = uint64_t{p.len} + uint64_t{p.frames()} * 40;
        cp->dest->stats.inpkts += p.frames();
        cp->dest->stats.inbytes += bytes;
        if (cp->dest->svc != nullptr) {
            cp->dest->svc->stats.inpkts += p.frames();
            cp->dest->svc->stats.inbytes += bytes;
        }
    }
    transition(*cp, (cp->flags & kConnNoOutput) ? Dir::InputOnly : Dir::Input, p);
    forward_to_dest(*cp, p);
    arm(*cp);
}

void Director::forward_to_dest(Conn& cp, const Packet& p) {
    if (cp.forward == Forward::Masq) {
        Packet q = p;
        q.daddr = cp.dest_addr.addr.value();
        q.dport = cp.dest_addr.port;
        if (!cp.to_dest.valid()) cp.to_dest = net_.resolve(node_, cp.dest_addr.addr);
        net_.send(node_, cp.to_dest, q);
        return;
    }
    // DR: the frame goes to the realserver's MAC with the IP header untouched; TUN wraps it
    // in IPIP. Either way the realserver receives a packet for the VIP.
    const net::NodeId to = cp.dest != nullptr ? cp.dest->node : net_.owner(cp.dest_addr.addr);
    if (to != net::kNoNode) net_.send_to(node_, to, p);
}

bool Director::ipvs_out(const Packet& p) {
    Conn* found = out_.find(key(Proto::Tcp, p.daddr, p.dport, p.saddr, p.sport));
    if (found == nullptr) return false;
    Conn& cp = *found;
    ++counters_.packets_out;
    cp.flags &= ~kConnNoOutput;
    if (cp.dest != nullptr && cp.dest->available()) {
        const uint64_t bytes = uint64_t{p.len} + uint64_t{p.frames()} * 40;
        cp.dest->stats.outpkts += p.frames();
        cp.dest->stats.outbytes += bytes;
        if (cp.dest->svc != nullptr) {
            cp.dest->svc->stats.outpkts += p.frames();
            cp.dest->svc->stats.outbytes += bytes;
        }
    }
    transition(cp, Dir::Output, p);
    Packet q = p;
    q.saddr = cp.vip.addr.value();
    q.sport = cp.vip.port;
    if (!cp.to_client.valid()) cp.to_client = net_.resolve(node_, cp.client.addr);
    net_.send(node_, cp.to_client, q);
    arm(cp);
    return true;
}

void Director::send_icmp_unreachable(const Packet& p) {
    ++counters_.no_dest_icmp;
    Packet icmp;
    icmp.set_proto(net::Proto::Icmp);
    icmp.saddr = p.daddr;
    icmp.daddr = p.saddr;
    icmp.sport = p.sport;
    icmp.dport = p.dport;
    icmp.seq = p.seq;
    icmp.flags = p.flags;  // the quoted segment's
    net_.send(node_, icmp);
}

Dest* Director::pick(Service& svc, const Packet& p) {
    const ConnRequest req{p.src_ep(), p.dst_ep(), &rng_, sim_.now()};
    Dest* d = svc.scheduler->pick(svc, req);
    if (sim_.tracing()) {
        std::vector<Considered> why;
        svc.scheduler->explain(svc, req, why);
        std::string figures;
        for (const Considered& c : why) {
            if (!figures.empty()) figures += "; ";
            figures += dest_name(*c.dest) + (c.eligible ? " " : " (not eligible) ") + c.figure;
        }
        LVS_TRACE(sim_, entity_, "ipvs.sched")
            .f("service", svc.vip.str())
            .f("scheduler", svc.sched_name)
            .f("client", p.src_ep().str())
            .f("chosen", d != nullptr ? dest_name(*d) : std::string("none"))
            .f("candidates", figures);
    }
    if (d == nullptr) {
        LVS_TRACE(sim_, entity_, "ipvs.no-dest")
            .f("text", "IPVS: " + svc.sched_name + ": TCP " + svc.vip.str() + " - no destination available")
            .f("client", p.src_ep().str());
    }
    return d;
}

Conn* Director::schedule(Service& svc, const Packet& p) {
    Dest* d = pick(svc, p);
    if (d == nullptr) return nullptr;
    Conn* cp = new_conn(svc, *d, p, nullptr);
    LVS_TRACE(sim_, entity_, "ipvs.conn.new")
        .f("conn", cp->id)
        .f("client", cp->client.str())
        .f("dest", dest_name(*d));
    return cp;
}

Conn* Director::schedule_persistent(Service& svc, const Packet& p) {
    // ip_vs_sched_persist: the template for (client & netmask, VIP, vport) decides.
    const InKey tkey = key(svc.proto, p.src().masked(svc.netmask).value(), 0, p.daddr, p.dport);
    Conn* ct = templates_.find(tkey);
    if (ct != nullptr) {
        // ip_vs_check_template: a deleted destination, or weight 0 with
        // expire_quiescent_template=1, invalidates the template.
        Dest* td = ct->dest;
        const bool valid =
            td != nullptr && td->available() && !(sysctls_.expire_quiescent_template != 0 && td->weight == 0);
        if (!valid) {
            LVS_TRACE(sim_, entity_, "ipvs.template.invalid")
                .f("client", ct->client.addr.str())
                .f("dest", td != nullptr ? dest_name(*td) : ct->dest_addr.str())
                .f("rule", td == nullptr || !td->available() ? "destination deleted"
                                                             : "weight 0 and expire_quiescent_template=1");
            templates_.erase(tkey, ct);
            ct->hashed = false;
            // The kernel marks it with port 65535 and lets it expire; it no longer matches.
            ct->vip.port = 65535;
            ct->dest_addr.port = 65535;
            if (ct->n_control == 0) {
                ct->timer.disarm();
                ct->n_control = 0;
                free_conn(*ct);
            }
            ct = nullptr;
        }
    }
    Dest* d = nullptr;
    if (ct != nullptr) {
        d = ct->dest;
        LVS_TRACE(sim_, entity_, "ipvs.sched")
            .f("service", svc.vip.str())
            .f("scheduler", "persistence template")
            .f("client", p.src_ep().str())
            .f("chosen", dest_name(*d))
            .f("candidates", "template of " + ct->client.addr.str() +
                                 " (the scheduler is not consulted; weight " + std::to_string(d->weight) +
                                 ")");
    } else {
        d = pick(svc, p);
        if (d == nullptr) return nullptr;
        ct = new_template(svc, *d, tkey);
    }
    Conn* cp = new_conn(svc, *d, p, ct);
    // Every connection made through the template re-arms it to its current timeout.
    arm(*ct);
    LVS_TRACE(sim_, entity_, "ipvs.conn.new")
        .f("conn", cp->id)
        .f("client", cp->client.str())
        .f("dest", dest_name(*d))
        .f("template", ct->id);
    return cp;
}

// ---- housekeeping ---------------------------------------------------------------------------------

void Director::trash_scan() {
    // ip_vs_dest_trash_expire, every 60 s: a destination unreferenced for >= 120 s is freed.
    const sim::Time now = sim_.now();
    for (auto it = trash_.begin(); it != trash_.end();) {
        Dest* d = *it;
        if (d->refcnt > 0) {
            d->idle_start = sim::Time::max();
            ++it;
            continue;
        }
        if (d->idle_start == sim::Time::max()) d->idle_start = now;
        if (now - d->idle_start >= sim::s(120)) {
            LVS_TRACE(sim_, entity_, "ipvs.dest.freed").f("dest", d->addr.str());
            it = trash_.erase(it);
            dest_store_.erase(std::find_if(dest_store_.begin(), dest_store_.end(),
                                           [d](const auto& p) { return p.get() == d; }));
            continue;
        }
        ++it;
    }
    if (!trash_.empty()) trash_timer_.arm(sim::s(60));
}

void Director::rate_tick() {
    // ip_vs_est.c: every 2 s, rate = delta/2 s in fixed point (x2^10 conns and packets, x2^5
    // bytes), avg += (rate - avg) / 4.
    const auto update = [](const DestStats& s, RateEstimate& e) {
        const auto step = [](uint64_t now, uint64_t& last, int64_t& avg, int shift) {
            const int64_t rate = static_cast<int64_t>((now - last) << shift);
            last = now;
            avg += (rate - avg) >> 2;
        };
        step(s.conns, e.last_conns, e.cps, 9);
        step(s.inpkts, e.last_inpkts, e.inpps, 9);
        step(s.outpkts, e.last_outpkts, e.outpps, 9);
        step(s.inbytes, e.last_inbytes, e.inbps, 4);
        step(s.outbytes, e.last_outbytes, e.outbps, 4);
    };
    for (auto& s : services_) {
        update(s->stats, s->rate);
        for (Dest* d : s->dests) update(d->stats, d->rate);
    }
    rate_timer_.arm(sim::s(2));
}

}  // namespace lvs::ipvs
