// The director: its construction, realservers it knows by address, the listing of its
// entries and its housekeeping (the trash of deleted destinations, rate estimation). The
// rest follows the kernel's files: ip_vs_ctl.cpp (administration), ip_vs_conn.cpp (the
// connection table), ip_vs_proto_tcp.cpp (the TCP state machine), ip_vs_core.cpp (the
// packet path), sched/ (the schedulers).
#include "models/ipvs/director.hpp"

#include <algorithm>

#include "models/trace/vocabulary.hpp"

namespace lvs::ipvs {

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
      udp_(net, node_, tcp.sysctl.ip_local_port_range),
      rng_(sim_.stream(name + ":ipvs")),
      trash_timer_(sim_, [this] { trash_scan(); }),
      rate_timer_(sim_, [this] { rate_tick(); }),
      sync_timer_(sim_, [this] { sync_flush(); }),
      sync_wakeup_(sim_, [this] { sync_send_queued(); }) {
    net.add_address(node_, own_address);
    rate_timer_.arm(sim::s(2));
}

Director::~Director() = default;

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
            LVS_TRACE(sim_, entity_, trace::kind::ipvs_dest_freed).f("dest", d->addr.str());
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
