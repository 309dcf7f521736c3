// The administration interface (net/netfilter/ipvs/ip_vs_ctl.c): services and destinations
// added, edited and deleted as ipvsadm asks, with libipvs's error messages; the hashed
// service and VIP indexes (ip_vs_svc_table); timeouts and sysctls.
#include <algorithm>

#include "models/ipvs/director.hpp"
#include "models/ipvs/sysctl.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::ipvs {

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
    LVS_TRACE(sim_, entity_, trace::kind::ipvs_admin).f("op", what).f("ok", r.ok()).f("error", r.message);
}

void Director::set_scheduler_config(const SchedulerConfig& c) {
    const std::string wrong = check_scheduler_config(c);
    if (!wrong.empty()) throw std::invalid_argument(wrong);
    sched_config_ = c;
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
    svc->scheduler = SchedulerRegistry::instance().create(s.scheduler, sched_config_);
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
        svc->scheduler = SchedulerRegistry::instance().create(s.scheduler, sched_config_);
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
            LVS_TRACE(sim_, entity_, trace::kind::ipvs_dest_revived)
                .f("dest", spec.addr.str())
                .f("entries", d->refcnt);
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
        LVS_TRACE(sim_, entity_, trace::kind::ipvs_warning)
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
    LVS_TRACE(sim_, entity_, trace::kind::ipvs_nodest_flush)
        .f("dest", d->addr.str())
        .f("entries", victims.size());
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

std::string Director::set_sysctl(std::string_view name, int value, std::optional<int> second) {
    const std::string path = "net.ipv4.vs." + std::string(name);
    const SysctlDef* def = find_sysctl(name);
    std::string error;
    if (def == nullptr || !def->exists_on(kernel_))
        error = "sysctl: cannot stat /proc/sys/" + path + ": No such file or directory" +
                (def != nullptr ? " (absent before Linux 4.2: kernel profile " + kernel_.name + ")" : "");
    else if (value < 0 || value > def->max || (second && def->second == nullptr) ||
             (second && (*second < 0 || *second > def->max || !pair_in_order(value, *second))))
        error = "sysctl: setting key \"" + path + "\": Invalid argument";
    else {
        sysctls_.*(def->field) = value;
        if (second) sysctls_.*(def->second) = *second;
    }
    LVS_TRACE(sim_, entity_, trace::kind::ipvs_sysctl).f("name", name).f("value", value).f("error", error);
    if (error.empty()) changed();
    return error;
}

}  // namespace lvs::ipvs
