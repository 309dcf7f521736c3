// A run's timeline: each entry applied at its time (ipvsadm commands, sysctls, server and
// client actions, snapshots, dropped segments), the drains those commands start, and the
// -Ln / -Lnc listings traced when the director changes.

#include <tuple>

#include "models/ipvs/ipvsadm.hpp"
#include "models/scenario/runtime.hpp"
#include "models/tcp/ss.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::scenario {

void Run::schedule_timeline() {
    for (size_t i = 0; i < scenario_.timeline.size(); ++i)
        sim_.at(
            scenario_.timeline[i].at, [this, i] { apply(i); }, sim::Priority::Timeline);
    for (sim::Time t : options_.snapshot_at)
        if (t <= end_)
            sim_.at(
                t, [this] { snapshots_.push_back(take_snapshot("at " + sim::format_time(sim_.now()))); },
                sim::Priority::Late);
    results_.resize(scenario_.expectations.size());
    at_values_.resize(scenario_.expectations.size());
    for (size_t i = 0; i < scenario_.expectations.size(); ++i) {
        const Expectation& x = scenario_.expectations[i];
        results_[i].text = x.text;
        results_[i].at = x.at;
        results_[i].mark = x.mark;
        // Values at earlier times (`name@T`) are captured when T comes.
        const std::vector<Expr::Ref>& refs = x.condition.refs();
        at_values_[i].assign(refs.size(), NAN);
        for (size_t k = 0; k < refs.size(); ++k) {
            if (!refs[k].at || *refs[k].at > end_) continue;
            sim_.at(
                *refs[k].at,
                [this, i, k] {
                    at_values_[i][k] =
                        read_quantity(*this, scenario_.expectations[i].condition.refs()[k].quantity);
                },
                sim::Priority::Late);
        }
        if (x.at && *x.at <= end_)
            sim_.at(
                *x.at, [this, i] { evaluate(i); }, sim::Priority::Late);
    }
}

void Run::trace_warning(const Warning& w) {
    LVS_TRACE(sim_, net_.entity(director_->node()), trace::kind::scenario_warning)
        .f("text", w.text)
        .f("line", w.mark.line);
}

std::string Run::when_label() const {
    return "[" + (sim_.now() == sim::Time{} ? std::string("0s") : sim::format_time(sim_.now())) + "] ";
}

void Run::apply(size_t index) {
    const TimelineEntry& e = scenario_.timeline[index];
    for (const Warning& w : scenario_.warnings)
        if (w.timeline_entry == index) trace_warning(w);
    const std::string when = when_label();
    std::visit([&](const auto& a) { apply_action(a, when); }, e.action);
}

void Run::apply_action(const IpvsadmAction& a, const std::string& when) {
    const ipvs::IpvsadmCommand& c = a.command;
    // A weight of 0 or a deletion starts a drain of that realserver.
    const bool drain = ipvs::drains_dest(c);
    const bool listed = director_->find_dest(c.service.key, c.dest.addr) != nullptr;
    // Each director's destination, to follow (none once a -d frees it at once: no entries).
    std::vector<const ipvs::Dest*> dests;
    for (ipvs::Director* d : directors_on(a.on)) {
        const ipvs::Dest* x = d->find_dest(c.service.key, c.dest.addr);
        if (x != nullptr && !(c.cmd == ipvs::IpvsadmCmd::DelDest && x->refcnt == 0)) dests.push_back(x);
    }
    // On each director it names (a pair or a fleet: all unless `on:`); drains follow the first.
    bool first_ok = false;
    for (ipvs::Director* d : directors_on(a.on)) {
        const ipvs::AdminResult r = ipvs::apply_ipvsadm(*d, c);
        if (d == director_.get()) first_ok = r.ok();
        admin_log_.push_back(when + (director_count() > 1 ? director_label(*d) + ": " : std::string()) +
                             "ipvsadm " + c.text + (r.ok() ? "" : ": " + r.message));
        LVS_TRACE(sim_, net_.entity(d->node()), trace::kind::timeline_ipvsadm)
            .f("command", c.text)
            .f("result", r.ok() ? "ok" : r.message);
    }
    if (first_ok && drain && listed)
        start_drain(rs_name_of(c.dest.addr.addr), "ipvsadm " + c.text, std::move(dests));
}

void Run::apply_action(const SysctlAction& a, const std::string& when) {
    const std::string setting = "net.ipv4.vs." + std::string(a.sysctl->name) + "=" + std::to_string(a.value) +
                                (a.second ? " " + std::to_string(*a.second) : "");
    for (ipvs::Director* d : directors_on(a.on)) {
        const std::string err = d->set_sysctl(a.sysctl->name, a.value, a.second);
        admin_log_.push_back(when + (director_count() > 1 ? director_label(*d) + ": " : std::string()) +
                             "sysctl " + setting + (err.empty() ? "" : ": " + err));
        LVS_TRACE(sim_, net_.entity(d->node()), trace::kind::timeline_sysctl)
            .f("setting", setting)
            .f("result", err.empty() ? "ok" : err);
    }
}

void Run::apply_action(const ServerAction& a, const std::string& when) {
    RealServer& rs = rs_[a.realserver];
    http::WebServer& web = *rs.web;
    udp_server_verb(rs, a.verb);
    switch (a.verb) {
        case ServerVerb::Stop: web.abrupt_stop(); break;
        case ServerVerb::GracefulStop: web.graceful_stop(); break;
        case ServerVerb::Crash: web.crash(); break;
        case ServerVerb::Kill: web.kill(); break;
        case ServerVerb::Start: web.start(); break;
        case ServerVerb::KeepaliveOn: web.set_keepalive(true, web.config().keepalive_timeout); break;
        case ServerVerb::KeepaliveOff: web.set_keepalive(false, web.config().keepalive_timeout); break;
        case ServerVerb::KeepaliveTimeout: web.set_keepalive(web.config().keepalive, a.value); break;
        case ServerVerb::FailChecks: web.set_checks_failing(true); break;
        case ServerVerb::PassChecks: web.set_checks_failing(false); break;
        case ServerVerb::Drain: web.drain(); break;
        case ServerVerb::Reload: web.reload(); break;
        case ServerVerb::Count: break;
    }
    admin_log_.push_back(when + "server " + rs.name + " " + std::string(to_string(a.verb)));
    LVS_TRACE(sim_, rs.host->tcp().entity(), trace::kind::timeline_server)
        .f("server", rs.name)
        .f("action", to_string(a.verb));
}

void Run::apply_action(const ClientAction& a, const std::string& when) {
    ClientGroup& g = groups_[a.group];
    udp_client_verb(g, a.verb);
    for (auto& b : g.browsers) {
        switch (a.verb) {
            case ClientVerb::StopReloading: b->stop_reloading(); break;
            case ClientVerb::StartReloading: b->start_reloading(sim_.now()); break;
            case ClientVerb::KeepaliveTimeout: b->set_keepalive_timeout(a.value); break;
            case ClientVerb::Count: break;
        }
    }
    admin_log_.push_back(when + "client " + g.name + " " + std::string(to_string(a.verb)));
}

void Run::apply_action(const SnapshotAction& a, const std::string&) {
    snapshots_.push_back(take_snapshot(a.label));
}

void Run::apply_action(const DropAction& a, const std::string& when) {
    const net::Host& host = a.realserver ? *rs_[a.index].host : *groups_[a.index].hosts.front();
    net_.add_drop_rule({host.node(), a.toward_host, a.conn, a.nth, a.flags, a.text});
    admin_log_.push_back(when + "drop " + a.text);
}

std::string Run::rs_name_of(net::Ipv4 addr) const {
    const RealServerSpec* rs = scenario_.realserver_at(addr);
    return rs != nullptr ? rs->name : addr.str();
}

void Run::start_drain(const std::string& rs, const std::string& command,
                      std::vector<const ipvs::Dest*> dests) {
    Drain d;
    d.result.realserver = rs;
    d.result.command = command;
    d.result.at = sim_.now();
    d.dests = std::move(dests);
    if (d.dests.empty()) {
        // Deleted with no entries at all: drained at once.
        d.result.no_active_after = sim::Duration{};
        d.result.no_entries_after = sim::Duration{};
        d.done = true;
    }
    drains_.push_back(d);
    watch_drains();
}

void Run::on_director_change() {
    watch_drains();
    // At most one -Ln record per instant: the listing is taken after every event at it.
    if (sim_.tracing() && !listing_due_) {
        listing_due_ = true;
        sim_.post_after(
            sim::Duration{},
            [this] {
                ++observer_events_;
                listing_due_ = false;
                trace_service_table();
            },
            sim::Priority::Late);
    }
}

void Run::trace_listings() {
    if (!sim_.tracing()) return;
    // The hosts' sockets as `ss -tin` shows them, for the viewer.
    for (const auto& [name, stack] : listed_hosts())
        LVS_TRACE(sim_, stack->entity(), trace::kind::host_sockets)
            .f("host", name)
            .f("ss", tcp::ss_listing(*stack, true));
    LVS_TRACE(sim_, net_.entity(director_->node()), trace::kind::director_connections)
        .f("ipvsadm_lnc", ipvs::ipvsadm_lnc(*director_));
    trace_service_table();
    trace_peer_listings();
    trace_fleet_listings();
    if (sim_.now() + options_.listing_every <= end_) listing_timer_.arm(options_.listing_every);
}

void Run::trace_service_table() {
    std::string ln = ipvs::ipvsadm_ln(*director_);
    if (ln != last_listing_) {
        last_listing_ = std::move(ln);
        LVS_TRACE(sim_, net_.entity(director_->node()), trace::kind::director_listing)
            .f("ipvsadm_ln", last_listing_);
    }
    // The same rows as numbers, one record per row that changed, so that nobody has to read
    // the listing's text back (the viewer's counters come from these). With a director pair,
    // the rows of the director the router sends to: the one whose counts the clients live by.
    const ipvs::Director& from = peer_ ? *ha_[vip_owner_].director : *director_;
    const sim::EntityId director = net_.entity(from.node());
    const auto trace_row = [&](const ListedRowKey& key, const ListedRow& row, bool listed) {
        sim::TraceBuilder r(sim_, director, trace::kind::director_dest);
        r.f("service", key.first)
            .f("address", key.second)
            .f("name", row.name)
            .f("forward", row.forward)
            .f("weight", row.weight)
            .f("active", row.active)
            .f("inactive", row.inactive)
            .f("listed", listed);
        if (peer_) r.f("director", director_label(from));
        else if (!fleet_.empty()) r.f("director", "fleet");
    };
    std::map<ListedRowKey, ListedRow> now;
    for (const auto& svc : from.services()) {
        const std::string service = ipvs::service_label(*svc);
        for (const ipvs::Dest* d : svc->dests) {
            const ListedRowKey key{service, d->addr.str()};
            ListedRow row{from.dest_name(*d), std::string(ipvs::to_string(d->forward)), d->weight,
                          d->activeconns, d->inactconns};
            if (!fleet_.empty()) std::tie(row.active, row.inactive) = fleet_conns(service, d->addr);
            const auto before = listed_rows_.find(key);
            if (before == listed_rows_.end() || !(before->second == row)) trace_row(key, row, true);
            now.emplace(key, row);
        }
    }
    for (const auto& [key, row] : listed_rows_)
        if (now.count(key) == 0) trace_row(key, row, false);
    listed_rows_ = std::move(now);
}

void Run::watch_drains() {
    for (Drain& d : drains_) {
        if (d.done) continue;
        uint32_t active = 0;
        bool entries = false;
        for (const ipvs::Dest*& x : d.dests) {
            if (x == nullptr) continue;
            active += x->activeconns;
            if (x->refcnt == 0) x = nullptr;
            else entries = true;
        }
        if (!d.result.no_active_after && active == 0) d.result.no_active_after = sim_.now() - d.result.at;
        if (!entries) {
            if (!d.result.no_active_after) d.result.no_active_after = sim_.now() - d.result.at;
            d.result.no_entries_after = sim_.now() - d.result.at;
            d.done = true;  // the destination may be freed from the trash from now on
        }
    }
}

}  // namespace lvs::scenario
