// A VRRP pair of directors (`ha:`): the second director on the LAN, keepalived's VRRP instance on
// each, the VIPs following the MASTER through gratuitous ARP, and the IPVS sync daemon's
// messages between them.
//
// What lvsim simplifies (README, limitations): adverts and sync messages travel as events with
// the LAN's delay between the two directors, not as packets (no pcap of them); the router and the
// NAT realservers share one ARP entry for the VIPs (models/net/neighbour.hpp), which the first
// gratuitous ARP of a burst overrides; the run begins with the pair settled (the higher priority
// MASTER).
#include "models/ipvs/ipvsadm.hpp"
#include "models/scenario/runtime.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::scenario {

void Run::build_ha(net::NodeId lan, const net::LinkSpec& lan_link) {
    const Scenario& s = scenario_;
    if (!s.ha) return;
    const HaDirectorSpec& second = s.ha->directors[1];
    const ipvs::KernelProfile* kernel = ipvs::find_kernel_profile(s.kernel);
    peer_ = std::make_unique<ipvs::Director>(net_, second.name, second.address, *kernel, s.director_tcp);
    net_.add_link(peer_->node(), lan, lan_link);
    for (size_t i = 0; i < 2; ++i) {
        HaMember m;
        m.director = i == 0 ? director_.get() : peer_.get();
        ha::VrrpHooks hooks;
        hooks.send_advert = [this, i](const ha::Advert& a) { ha_send_advert(i, a); };
        hooks.become_master = [this, i] { ha_become_master(i); };
        hooks.leave_master = [this, i] { ha_leave_master(i); };
        hooks.refresh_arp = [this, i] { ha_garp_bursts(i); };
        hooks.changed = [this, i](ha::VrrpState from, ha::VrrpState to, std::string_view why) {
            ha_changed(i, from, to, why);
        };
        m.vrrp = std::make_unique<ha::VrrpInstance>(sim_, s.ha->directors[i].address, s.ha->directors[i].vrrp,
                                                    std::move(hooks));
        m.director->on_sync_send = [this, i](ipvs::SyncMessage&& msg) { ha_send_sync(i, std::move(msg)); };
        m.director->vip_holder = [this]() -> net::NodeId {
            const int h = vip_holder_index();
            return h < 0 ? net::kNoNode : ha_[static_cast<size_t>(h)].director->node();
        };
        ha_.push_back(std::move(m));
    }
}

// At 0 s, after both directors have their rules: the higher priority (the higher address on a
// tie) is MASTER and holds the VIPs; the sync daemons run as keepalived starts them.
void Run::start_ha() {
    if (ha_.empty()) return;
    net::NeighbourEntry::Hooks arp;
    arp.answers = [this](int who) {
        const ipvs::Director& d = *ha_[static_cast<size_t>(who)].director;
        return !d.down() && d.holds_vips();
    };
    arp.holder = [this] { return vip_holder_index(); };
    arp.moved = [this](int who) {
        ha_move_vips(static_cast<size_t>(who),
                     router_arp_->state() == net::NudState::Delay
                         ? "gratuitous ARP"
                         : "its ARP entry failed and a broadcast request found the VIP");
    };
    const sim::Duration rtt = sim::ns(2 * net_.path_delay(director_->node(), internet_).ns());
    router_arp_ = std::make_unique<net::NeighbourEntry>(sim_, sim_.stream("router:arp"), rtt, std::move(arp));
    const auto& d = scenario_.ha->directors;
    const size_t master =
        (d[1].vrrp.priority > d[0].vrrp.priority ||
         (d[1].vrrp.priority == d[0].vrrp.priority && d[1].address.value() > d[0].address.value()))
            ? 1
            : 0;
    for (size_t i = 0; i < 2; ++i) {
        ha_[i].director->set_holds_vips(i == master);
        if (i == master) {
            ha_[i].master_since = sim_.now();
            ++ha_[i].became_master;
        }
    }
    if (master == 1) {
        ha_move_vips(1, "the pair starts with this director MASTER");
        vip_moves_ = 0;
    }
    router_arp_->start(static_cast<int>(master));
    for (size_t i = 0; i < 2; ++i) {
        ha_[i].vrrp->start_settled(i == master);
        if (i == master) ha_garp_refresh(i, ha_[i].became_master, sim::Duration{});
        ha_sync_daemons(i, i == master);
        ha_events_.push_back(when_label() + d[i].name + ": " + (i == master ? "MASTER" : "BACKUP") +
                             " (priority " + std::to_string(d[i].vrrp.priority) + ")");
        LVS_TRACE(sim_, net_.entity(ha_[i].director->node()), trace::kind::ha_vrrp)
            .f("director", d[i].name)
            .f("from", "INIT")
            .f("to", i == master ? "MASTER" : "BACKUP")
            .f("priority", d[i].vrrp.priority)
            .f("why", "the pair was settled when the run began");
    }
    LVS_TRACE(sim_, sim::kNoEntity, trace::kind::ha_vip).f("owner", d[master].name).f("text", "at the start");
}

// keepalived's lvs_sync_daemon: with an instance the MASTER runs the master daemon and the
// BACKUP the backup daemon (ipvs_syncd_master()/ipvs_syncd_backup() stop one, start the other);
// without, both run on both directors all the time.
void Run::ha_sync_daemons(size_t i, bool master) {
    const HaSpec& h = *scenario_.ha;
    if (!h.sync) return;
    ipvs::Director& d = *ha_[i].director;
    if (!h.sync_follows_vrrp) {
        d.start_sync_daemon(ipvs::kSyncMaster | ipvs::kSyncBackup, h.syncid);
        return;
    }
    if (master) {
        d.stop_sync_daemon(ipvs::kSyncBackup);
        d.start_sync_daemon(ipvs::kSyncMaster, h.syncid);
    } else {
        d.stop_sync_daemon(ipvs::kSyncMaster);
        d.start_sync_daemon(ipvs::kSyncBackup, h.syncid);
    }
}

void Run::ha_send_advert(size_t from, const ha::Advert& a) {
    const size_t to = 1 - from;
    if (vrrp_partitioned_) return;
    const sim::Duration delay = net_.path_delay(ha_[from].director->node(), ha_[to].director->node());
    sim_.post_after(delay, [this, to, a] {
        if (!ha_[to].director->down()) ha_[to].vrrp->receive(a);
    });
}

void Run::ha_send_sync(size_t from, ipvs::SyncMessage&& m) {
    const size_t to = 1 - from;
    if (vrrp_partitioned_) return;
    const sim::Duration delay = net_.path_delay(ha_[from].director->node(), ha_[to].director->node());
    auto msg = std::make_shared<ipvs::SyncMessage>(std::move(m));
    sim_.post_after(delay, [this, to, msg] { ha_[to].director->receive_sync(*msg); });
}

void Run::ha_become_master(size_t i) {
    ha_[i].director->set_holds_vips(true);
    ha_sync_daemons(i, true);
    ha_garp_bursts(i);
    ha_garp_refresh(i, ha_[i].became_master, scenario_.ha->directors[i].vrrp.garp_master_delay);
}

// garp_master_refresh: gratuitous ARPs every period for as long as this mastership lasts, the
// first after the second burst (vrrp_state_become_master()).
void Run::ha_garp_refresh(size_t i, uint32_t mastership, sim::Duration first) {
    const sim::Duration every = scenario_.ha->directors[i].vrrp.garp_master_refresh;
    if (every <= sim::Duration{}) return;
    sim_.post_after(first + every, [this, i, mastership] {
        if (ha_[i].vrrp->state() != ha::VrrpState::Master || ha_[i].became_master != mastership) return;
        ha_gratuitous_arp(i);
        ha_garp_refresh(i, mastership, sim::Duration{});
    });
}

// Gratuitous ARPs now and a second burst after garp_master_delay, on becoming MASTER and when a
// MASTER hears a lower priority (garp_lower_prio_delay, keepalived's default: the same delay).
// The second burst matters when another director took the addresses meanwhile (a split brain).
void Run::ha_garp_bursts(size_t i) {
    ha_gratuitous_arp(i);
    const sim::Duration again = scenario_.ha->directors[i].vrrp.garp_master_delay;
    if (again > sim::Duration{})
        sim_.post_after(again, [this, i] {
            if (ha_[i].vrrp->state() == ha::VrrpState::Master) ha_gratuitous_arp(i);
        });
}

void Run::ha_leave_master(size_t i) {
    ha_[i].director->set_holds_vips(false);
    if (stopping_ != i) ha_sync_daemons(i, false);
}

// The router (and the NAT realservers, whose gateway is the inside VIP) hear the gratuitous
// ARP one path delay later, if the director still holds the addresses then.
void Run::ha_gratuitous_arp(size_t i) {
    const sim::Duration delay = net_.path_delay(ha_[i].director->node(), internet_);
    sim_.post_after(delay, [this, i] {
        if (ha_[i].director->down() || !ha_[i].director->holds_vips()) return;
        router_arp_->gratuitous(static_cast<int>(i));
    });
}

void Run::ha_move_vips(size_t to, const char* why) {
    const net::NodeId old_node = ha_[vip_owner_].director->node();
    const net::NodeId new_node = ha_[to].director->node();
    for (net::Ipv4 v : director_->vips()) net_.move_address(v, new_node);
    net_.move_gateway(old_node, new_node);
    vip_owner_ = to;
    ++vip_moves_;
    const std::string& name = scenario_.ha->directors[to].name;
    ha_events_.push_back(when_label() + "the router sends the VIPs to " + name + " (" + why + ")");
    LVS_TRACE(sim_, sim::kNoEntity, trace::kind::ha_vip).f("owner", name).f("text", why);
    if (built_) on_director_change();  // the traced -Ln rows now follow the new owner
}

void Run::ha_changed(size_t i, ha::VrrpState from, ha::VrrpState to, std::string_view why) {
    const std::string& name = scenario_.ha->directors[i].name;
    ha_events_.push_back(when_label() + name + ": " + std::string(ha::to_string(from)) + " -> " +
                         std::string(ha::to_string(to)) + " (" + std::string(why) + ")");
    LVS_TRACE(sim_, net_.entity(ha_[i].director->node()), trace::kind::ha_vrrp)
        .f("director", name)
        .f("from", ha::to_string(from))
        .f("to", ha::to_string(to))
        .f("priority", scenario_.ha->directors[i].vrrp.priority)
        .f("why", why);
    HaMember& m = ha_[i];
    if (from == ha::VrrpState::Master) m.master_time = m.master_time + (sim_.now() - m.master_since);
    if (to == ha::VrrpState::Master) {
        m.master_since = sim_.now();
        ++m.became_master;
    }
    const bool both =
        ha_[0].vrrp->state() == ha::VrrpState::Master && ha_[1].vrrp->state() == ha::VrrpState::Master;
    if (both && !split_) split_since_ = sim_.now();
    if (!both && split_) split_brain_ = split_brain_ + (sim_.now() - split_since_);
    split_ = both;
}

void Run::apply_action(const DirectorAction& a, const std::string& when) {
    HaMember& m = ha_[a.director];
    const std::string& name = scenario_.ha->directors[a.director].name;
    switch (a.verb) {
        case DirectorVerb::Crash:
            // The host dies; it boots without the VIPs (keepalived adds them as MASTER).
            m.vrrp->crash();
            m.director->set_down(true);
            m.director->set_holds_vips(false);
            break;
        case DirectorVerb::Stop:
            // keepalived's shutdown (vrrp_daemon.c): the sync daemons first (what the master
            // had not sent is lost), then the priority-0 advert and the addresses.
            if (scenario_.ha->sync) m.director->stop_sync_daemon(m.director->sync_state());
            stopping_ = a.director;
            m.vrrp->stop();
            stopping_.reset();
            m.director->set_holds_vips(false);
            break;
        case DirectorVerb::Start: {
            // keepalived starts: the backup daemon first (vrrp_init_state()), then VRRP, which
            // switches it to master if the instance becomes MASTER at once. A running
            // keepalived ignores it.
            const bool stopped = m.vrrp->state() == ha::VrrpState::Stopped;
            if (m.director->down()) {
                // The host boots: an empty table, and the rules and sysctls of keepalived.conf and
                // sysctl.conf (the scenario file's), not the ipvsadm changes made while it ran.
                m.director->set_down(false);
                m.director->flush();
                configure_director(*m.director, false);
            }
            if (stopped && scenario_.ha->sync) ha_sync_daemons(a.director, false);
            m.vrrp->start();
            break;
        }
        case DirectorVerb::Count: break;
    }
    admin_log_.push_back(when + "director " + name + " " + std::string(to_string(a.verb)));
    LVS_TRACE(sim_, net_.entity(m.director->node()), trace::kind::timeline_director)
        .f("director", name)
        .f("action", to_string(a.verb));
}

void Run::apply_action(const VrrpLinkAction& a, const std::string& when) {
    vrrp_partitioned_ = a.partitioned;
    admin_log_.push_back(when + (a.partitioned ? "vrrp partition: adverts and sync messages between the "
                                                 "directors are lost"
                                               : "vrrp heal: the directors hear each other again"));
    LVS_TRACE(sim_, sim::kNoEntity, trace::kind::timeline_vrrp).f("partitioned", a.partitioned ? 1 : 0);
}

std::vector<ipvs::Director*> Run::directors_on(std::optional<size_t> on) {
    if (on) return {&director_at(*on)};
    std::vector<ipvs::Director*> all;
    for (size_t d = 0; d < director_count(); ++d) all.push_back(&director_at(d));
    return all;
}

void Run::trace_peer_listings() {
    if (!peer_ || !sim_.tracing()) return;
    const std::string& name = scenario_.ha->directors[1].name;
    const sim::EntityId e = net_.entity(peer_->node());
    LVS_TRACE(sim_, e, trace::kind::ha_peer_connections)
        .f("director", name)
        .f("ipvsadm_lnc", ipvs::ipvsadm_lnc(*peer_));
    std::string ln = ipvs::ipvsadm_ln(*peer_);
    if (ln == last_peer_listing_) return;
    last_peer_listing_ = std::move(ln);
    LVS_TRACE(sim_, e, trace::kind::ha_peer_listing).f("director", name).f("ipvsadm_ln", last_peer_listing_);
}

// Who answers an ARP request for the VIPs: a director holding them (both in a split brain:
// the first one's answer is taken).
int Run::vip_holder_index() const {
    for (size_t i = 0; i < ha_.size(); ++i)
        if (!ha_[i].director->down() && ha_[i].director->holds_vips()) return static_cast<int>(i);
    return -1;
}

std::string Run::director_label(const ipvs::Director& d) const {
    for (size_t i = 0; i < fleet_state_.size(); ++i)
        if (fleet_state_[i].director == &d) return scenario_.fleet->directors[i].name;
    if (!scenario_.ha) return d.name();
    return scenario_.ha->directors[&d == director_.get() ? 0 : 1].name;
}

double Run::ha_master_seconds(size_t i) const {
    const HaMember& m = ha_[i];
    sim::Duration t = m.master_time;
    if (m.vrrp->state() == ha::VrrpState::Master) t = t + (sim_.now() - m.master_since);
    return t.seconds();
}

double Run::ha_split_brain_seconds() const {
    sim::Duration t = split_brain_;
    if (split_) t = t + (sim_.now() - split_since_);
    return t.seconds();
}

HaReport Run::ha_report() const {
    HaReport r;
    if (ha_.empty()) return r;
    const HaSpec& h = *scenario_.ha;
    r.any = true;
    r.sync = h.sync;
    r.sync_follows_vrrp = h.sync_follows_vrrp;
    for (size_t i = 0; i < ha_.size(); ++i) {
        const ipvs::Director& d = *ha_[i].director;
        HaDirectorReport x;
        x.name = h.directors[i].name;
        x.address = h.directors[i].address.str();
        x.priority = h.directors[i].vrrp.priority;
        x.vrrp_state = std::string(ha::to_string(ha_[i].vrrp->state()));
        x.master_s = ha_master_seconds(i);
        x.became_master = ha_[i].became_master;
        for (const ipvs::Conn* c : d.connections())
            if (!c->is_template()) ++x.entries;
        for (const auto& svc : d.services())
            for (const ipvs::Dest* dest : svc->dests) {
                x.active += dest->activeconns;
                x.inactive += dest->inactconns;
            }
        x.resets = d.counters().stack_resets;
        x.relayed = d.counters().relayed;
        x.no_holder = d.counters().no_holder;
        x.lost_down = d.counters().lost_down;
        x.sync = d.sync_counters();
        x.ipvsadm_ln = ipvs::ipvsadm_ln(d);
        r.directors.push_back(std::move(x));
    }
    r.vip_owner = h.directors[vip_owner_].name;
    r.vip_moves = vip_moves_;
    r.split_brain_s = ha_split_brain_seconds();
    r.events = ha_events_;
    return r;
}

}  // namespace lvs::scenario
