#include "models/scenario/runtime.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <unordered_set>

#include "models/ipvs/ipvsadm.hpp"
#include "models/scenario/expr.hpp"
#include "models/scenario/quantity.hpp"
#include "models/tcp/ss.hpp"
#include "models/tcp/tcp_profile.hpp"
#include "sim/check.hpp"

namespace lvs::scenario {

namespace {

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    // Nearest-rank percentile.
    const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

std::string fmt_num(double v) {
    std::ostringstream o;
    o.precision(6);
    o << v;
    return o.str();
}

}  // namespace

Run::Run(const Scenario& s, RunOptions options)
    : scenario_(s),
      options_(std::move(options)),
      sim_(s.seed),
      net_(sim_),
      end_(options_.until ? *options_.until : sim::at(s.duration)),
      sampler_(
          sim_, [this] { sample(); }, sim::Priority::Late),
      listing_timer_(
          sim_, [this] { trace_listings(); }, sim::Priority::Late) {
    if (options_.trace_jsonl != nullptr) {
        jsonl_ = std::make_unique<sim::JsonLinesSink>(*options_.trace_jsonl);
        sim_.trace().subscribe(*jsonl_);
    }
    for (sim::TraceSink* t : options_.extra_sinks) sim_.trace().subscribe(*t);
    if (options_.fingerprint) {
        fingerprint_ = std::make_unique<sim::FingerprintSink>();
        sim_.trace().subscribe(*fingerprint_);
    }
    build();
}

Run::~Run() {
    if (pcap_) pcap_->flush_all();
}

void Run::build() {
    const Scenario& s = scenario_;
    const ipvs::KernelProfile* kernel = ipvs::find_kernel_profile(s.kernel);
    const net::NodeId internet = net_.add_node("internet", net::NodeKind::Router);
    const net::NodeId lan = net_.add_node("lan", net::NodeKind::Switch);
    const net::LinkSpec lan_link{
        s.network.lan_delay, s.network.lan_bandwidth_bps, s.network.lan_loss, {}, s.network.lan_queue};
    net_.add_link(internet, lan, lan_link);
    director_ =
        std::make_unique<ipvs::Director>(net_, "director", s.director_address, *kernel, s.director_tcp);
    net_.add_link(director_->node(), lan, lan_link);

    // Forwarding method per realserver, from the rules: -m puts the director on the reply
    // path (the realserver's gateway); -g/-i put the VIP on the realserver's loopback.
    std::map<uint32_t, std::set<ipvs::Forward>> forwards;
    std::vector<net::Ipv4> vips;
    std::unordered_set<uint32_t> vip_seen;
    const auto note = [&](const ipvs::IpvsadmCommand& c, bool rule) {
        if (c.cmd == ipvs::IpvsadmCmd::AddDest || c.cmd == ipvs::IpvsadmCmd::EditDest)
            forwards[c.dest.addr.addr.value()].insert(c.dest.forward);
        if (rule && c.has_service && c.service.key.fwmark == 0 &&
            vip_seen.insert(c.service.key.vip.addr.value()).second)
            vips.push_back(c.service.key.vip.addr);
    };
    for (const Rule& r : s.rules) note(r.command, true);
    for (const TimelineEntry& e : s.timeline)
        if (const auto* a = std::get_if<IpvsadmAction>(&e.action)) note(a->command, false);
    for (const RealServerSpec& spec : s.realservers) {
        RealServer rs;
        rs.name = spec.name;
        rs.host = std::make_unique<net::Host>(net_, spec.name, spec.tcp);
        rs.host->add_address(spec.address);
        net_.add_link(rs.host->node(), lan, lan_link);
        const auto& f = forwards[spec.address.value()];
        if (f.count(ipvs::Forward::Masq) != 0) net_.set_gateway(rs.host->node(), director_->node());
        if (f.count(ipvs::Forward::Route) != 0 || f.count(ipvs::Forward::Tunnel) != 0)
            for (net::Ipv4 v : vips) rs.host->add_local_address(v);
        director_->add_realserver(spec.address, rs.host->node(), spec.name);
        if (sim_.tracing()) {
            // Which name goes with which address, for readers of the trace (with direct
            // routing the realserver's connections carry the VIP, not its address).
            std::string methods;
            for (ipvs::Forward m : f)
                methods += (methods.empty() ? "" : ",") + std::string(ipvs::to_string(m));
            LVS_TRACE(sim_, net_.entity(director_->node()), "director.realserver")
                .f("name", spec.name)
                .f("address", spec.address.str())
                .f("forward", methods);
        }
        if (spec.script.empty()) {
            rs.web = std::make_unique<http::WebServer>(*rs.host, spec.server);
            rs.web->start();
        } else {
            rs.program = std::make_unique<sock::Program>(*rs.host, spec.name, spec.script, net::Endpoint{},
                                                         spec.server.port);
            rs.program->start(sim::Time{});
        }
        rs_.push_back(std::move(rs));
    }
    // Clients: one host per browser, each on its own access link; the link's delay makes the
    // round trip to the director `rtt`.
    const sim::Duration access = std::max(sim::ns(1), s.network.rtt / 2 - s.network.lan_delay * 2);
    uint32_t next_client = 0;
    groups_.reserve(s.clients.size());
    for (const ClientGroupSpec& spec : s.clients) {
        groups_.emplace_back();
        ClientGroup& g = groups_.back();
        g.name = spec.name;
        http::BrowserConfig cfg = spec.browser;
        cfg.server = spec.target;
        for (uint32_t i = 0; i < spec.count; ++i) {
            const std::string name = spec.count == 1 ? spec.name : spec.name + "." + std::to_string(i + 1);
            auto h = std::make_unique<net::Host>(net_, name, spec.tcp);
            h->add_address(net::Ipv4(net::Ipv4::of(172, 16, 0, 0).value() + ++next_client));
            net_.add_link(
                h->node(), internet,
                {access, s.network.bandwidth_bps, s.network.loss, s.network.burst, s.network.queue});
            if (spec.script.empty()) {
                g.browsers.push_back(std::make_unique<http::Browser>(*h, name + ":browser", cfg, g.stats));
            } else {
                g.program = std::make_unique<sock::Program>(*h, name, spec.script, spec.target, 0);
                g.program->start(sim::Time{});
            }
            g.hosts.push_back(std::move(h));
        }
    }
    group_time_wait_max_.assign(groups_.size(), 0);
    net_.finalize();
    if (!options_.pcap_path.empty()) pcap_ = std::make_unique<net::PcapWriter>(net_, options_.pcap_path);

    // The director's configuration at t = 0, before anything else happens.
    for (const SysctlSetting& x : s.sysctls) {
        const std::string err = director_->set_sysctl(x.sysctl->name, x.value);
        admin_log_.push_back("[0s] sysctl net.ipv4.vs." + std::string(x.sysctl->name) + "=" +
                             std::to_string(x.value) + (err.empty() ? "" : ": " + err));
    }
    for (const Rule& rule : s.rules) {
        const ipvs::AdminResult r = ipvs::apply_ipvsadm(*director_, rule.command);
        admin_log_.push_back("[0s] ipvsadm " + rule.command.text + (r.ok() ? "" : ": " + r.message));
    }
    for (const HealthCheckSpec& h : s.health_checks) {
        ipvs::HealthCheckConfig cfg;
        cfg.name = h.name;
        cfg.service = {ipvs::Proto::Tcp, h.service, 0};
        cfg.interval = h.interval;
        cfg.timeout = h.timeout;
        cfg.failures = h.failures;
        cfg.successes = h.successes;
        cfg.quiescent = h.quiescent;
        cfg.fallback = h.fallback;
        // A removal or a quiescing by the health checker is a drain like an admin's.
        auto hook = [this, cfg](const ipvs::HealthChange& c) {
            const std::string command = "ipvsadm " + c.command.text;
            admin_log_.push_back("[" + sim::format_time(sim_.now()) + "] " + cfg.name + ": " + command +
                                 " (" + c.why + ")");
            if (!c.drains()) return;
            const RealServerSpec* rs = scenario_.find_realserver(c.realserver);
            if (rs == nullptr) return;
            const ipvs::Service* svc = director_->find_service(cfg.service);
            const ipvs::Dest* d = nullptr;
            if (svc != nullptr)
                for (const ipvs::Dest* x : svc->dests)
                    if (x->addr.addr == rs->address) d = x;
            for (const ipvs::Dest* x : director_->trash())
                if (d == nullptr && x->addr.addr == rs->address && x->svc_vip == cfg.service.vip) d = x;
            start_drain(rs->name, cfg.name + ": " + command, d != nullptr && d->refcnt > 0 ? d : nullptr);
        };
        health_.push_back(std::make_unique<ipvs::HealthChecker>(*director_, cfg, hook));
        health_.back()->start();
    }
    // What the loader warned about (timeline entries say theirs when they are applied).
    for (const Warning& w : s.warnings)
        if (!w.timeline_entry) trace_warning(w);
    for (ClientGroup& g : groups_)
        for (auto& b : g.browsers) b->start();
    schedule_timeline();
    sampler_.arm(sim::Duration{});
    director_->on_change = [this] { on_director_change(); };
    if (sim_.tracing()) trace_listings();
    built_ = true;
}

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
    LVS_TRACE(sim_, net_.entity(director_->node()), "scenario.warning")
        .f("text", w.text)
        .f("line", w.mark.line);
}

void Run::apply(size_t index) {
    const TimelineEntry& e = scenario_.timeline[index];
    for (const Warning& w : scenario_.warnings)
        if (w.timeline_entry == index) trace_warning(w);
    const std::string when = "[" + (sim_.now() == sim::Time{} ? "0s" : sim::format_time(sim_.now())) + "] ";
    std::visit([&](const auto& a) { apply_action(a, when); }, e.action);
}

void Run::apply_action(const IpvsadmAction& a, const std::string& when) {
    const ipvs::IpvsadmCommand& c = a.command;
    // A weight of 0 or a deletion starts a drain of that realserver.
    const bool drain =
        (c.cmd == ipvs::IpvsadmCmd::EditDest && c.dest.weight == 0) || c.cmd == ipvs::IpvsadmCmd::DelDest;
    const ipvs::Dest* before = director_->find_dest(c.service.key, c.dest.addr);
    const bool vanishes = c.cmd == ipvs::IpvsadmCmd::DelDest && before != nullptr && before->refcnt == 0;
    const ipvs::AdminResult r = ipvs::apply_ipvsadm(*director_, c);
    admin_log_.push_back(when + "ipvsadm " + c.text + (r.ok() ? "" : ": " + r.message));
    LVS_TRACE(sim_, net_.entity(director_->node()), "timeline.ipvsadm")
        .f("command", c.text)
        .f("result", r.ok() ? "ok" : r.message);
    if (r.ok() && drain && before != nullptr)
        start_drain(rs_name_of(c.dest.addr.addr), "ipvsadm " + c.text, vanishes ? nullptr : before);
}

void Run::apply_action(const SysctlAction& a, const std::string& when) {
    const std::string setting = "net.ipv4.vs." + std::string(a.sysctl->name) + "=" + std::to_string(a.value);
    const std::string err = director_->set_sysctl(a.sysctl->name, a.value);
    admin_log_.push_back(when + "sysctl " + setting + (err.empty() ? "" : ": " + err));
    LVS_TRACE(sim_, net_.entity(director_->node()), "timeline.sysctl")
        .f("setting", setting)
        .f("result", err.empty() ? "ok" : err);
}

void Run::apply_action(const ServerAction& a, const std::string& when) {
    RealServer& rs = rs_[a.realserver];
    http::WebServer& web = *rs.web;
    switch (a.verb) {
        case ServerVerb::Stop: web.abrupt_stop(); break;
        case ServerVerb::GracefulStop: web.graceful_stop(); break;
        case ServerVerb::Crash: web.crash(); break;
        case ServerVerb::Kill: web.kill(); break;
        case ServerVerb::Start: web.start(); break;
        case ServerVerb::KeepaliveOn: web.set_keepalive(true, web.config().keepalive_timeout); break;
        case ServerVerb::KeepaliveOff: web.set_keepalive(false, web.config().keepalive_timeout); break;
        case ServerVerb::KeepaliveTimeout: web.set_keepalive(web.config().keepalive, a.value); break;
        case ServerVerb::Count: break;
    }
    admin_log_.push_back(when + "server " + rs.name + " " + std::string(to_string(a.verb)));
    LVS_TRACE(sim_, rs.host->tcp().entity(), "timeline.server")
        .f("server", rs.name)
        .f("action", to_string(a.verb));
}

void Run::apply_action(const ClientAction& a, const std::string& when) {
    ClientGroup& g = groups_[a.group];
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

void Run::start_drain(const std::string& rs, const std::string& command, const ipvs::Dest* dest) {
    Drain d;
    d.result.realserver = rs;
    d.result.command = command;
    d.result.at = sim_.now();
    d.dest = dest;
    if (dest == nullptr) {
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
                listing_due_ = false;
                std::string ln = ipvs::ipvsadm_ln(*director_);
                if (ln != last_listing_) {
                    last_listing_ = std::move(ln);
                    LVS_TRACE(sim_, net_.entity(director_->node()), "director.listing")
                        .f("ipvsadm_ln", last_listing_);
                }
            },
            sim::Priority::Late);
    }
}

void Run::trace_listings() {
    if (!sim_.tracing()) return;
    // The hosts' sockets as `ss -tin` shows them, for the viewer.
    for (const auto& [name, stack] : listed_hosts())
        LVS_TRACE(sim_, stack->entity(), "host.sockets")
            .f("host", name)
            .f("ss", tcp::ss_listing(*stack, true));
    LVS_TRACE(sim_, net_.entity(director_->node()), "director.connections")
        .f("ipvsadm_lnc", ipvs::ipvsadm_lnc(*director_));
    std::string ln = ipvs::ipvsadm_ln(*director_);
    if (ln != last_listing_) {
        last_listing_ = std::move(ln);
        LVS_TRACE(sim_, net_.entity(director_->node()), "director.listing").f("ipvsadm_ln", last_listing_);
    }
    if (sim_.now() + options_.listing_every <= end_) listing_timer_.arm(options_.listing_every);
}

void Run::watch_drains() {
    for (Drain& d : drains_) {
        if (d.done) continue;
        if (!d.result.no_active_after && d.dest->activeconns == 0)
            d.result.no_active_after = sim_.now() - d.result.at;
        if (d.dest->refcnt == 0) {
            if (!d.result.no_active_after) d.result.no_active_after = sim_.now() - d.result.at;
            d.result.no_entries_after = sim_.now() - d.result.at;
            d.done = true;  // the destination may be freed from the trash from now on
        }
    }
}

void Run::sample() {
    uint64_t client_tw = 0;
    for (size_t i = 0; i < groups_.size(); ++i) {
        uint64_t g = 0;
        for (auto& h : groups_[i].hosts) g += h->tcp().count(tcp::TcpState::TimeWait);
        group_time_wait_max_[i] = std::max(group_time_wait_max_[i], g);
        client_tw += g;
    }
    client_time_wait_max_ = std::max(client_time_wait_max_, client_tw);
    for (size_t i = 0; i < rs_.size(); ++i) {
        RealServer& rs = rs_[i];
        SampleRow row;
        row.t = sim_.now();
        row.realserver = rs.name;
        const ipvs::Dest* d = dest_of(i);
        if (d != nullptr) {
            row.present = d->available();
            row.weight = d->available() ? d->weight : 0;
            row.active = d->activeconns;
            row.inactive = d->inactconns;
            row.conns = d->stats.conns;
        }
        row.time_wait = rs.host->tcp().count(tcp::TcpState::TimeWait);
        if (rs.web) {
            row.workers_busy = rs.web->workers_busy();
            row.workers_idle_keepalive = rs.web->workers_idle_keepalive();
        }
        row.client_time_wait = client_tw;
        rs_idle_peak_[rs.name] = std::max<uint64_t>(rs_idle_peak_[rs.name], row.workers_idle_keepalive);
        samples_.push_back(row);
    }
    if (scenario_.report_windows) sample_windows();
    if (options_.check_invariants) check_invariants();
    sample_queues();
    if (sim_.now() + scenario_.sample_every <= end_) sampler_.arm(scenario_.sample_every);
}

void Run::sample_queues() {
    if (queued_links_.empty() && queues_.empty()) {
        const std::vector<net::Network::LinkInfo> links = net_.links();
        for (uint32_t i = 0; i < links.size(); ++i) {
            if (!links[i].spec.queue.limited()) continue;
            for (uint8_t d = 0; d < 2; ++d) {
                QueueReport q;
                q.link = std::string(net_.name(links[i].a)) + "-" + std::string(net_.name(links[i].b));
                q.dir = d == 0 ? "out" : "back";
                q.limit = links[i].spec.queue;
                queues_.push_back(std::move(q));
                queued_links_.emplace_back(i, d);
                queue_node_.push_back(d == 0 ? links[i].a : links[i].b);  // the sending end
                queue_to_.emplace_back(net_.name(d == 0 ? links[i].b : links[i].a));
            }
        }
    }
    for (size_t k = 0; k < queues_.size(); ++k) {
        const auto [link, dir] = queued_links_[k];
        const net::QueueOccupancy o = net_.queue_occupancy(link, dir);
        queues_[k].samples.push_back({sim_.now(), o});
        LVS_TRACE(sim_, net_.entity(queue_node_[k]), "net.queue")
            .f("link", queues_[k].link)
            .f("dir", queues_[k].dir)
            .f("to", queue_to_[k])
            .f("packets", o.packets)
            .f("bytes", static_cast<int64_t>(o.bytes))
            .f("delay_us", o.delay.ns() / 1000);
    }
}

Run::QueueFigures Run::queues_toward(const std::vector<std::unique_ptr<net::Host>>& hosts) const {
    QueueFigures f;
    double sum_ms = 0;
    size_t samples = 0;
    const std::vector<net::Network::LinkInfo> links = net_.links();
    for (size_t k = 0; k < queues_.size(); ++k) {
        const auto [link, dir] = queued_links_[k];
        const net::Network::LinkInfo& info = links[link];
        const net::NodeId receiver = dir == 0 ? info.b : info.a;
        if (std::none_of(hosts.begin(), hosts.end(), [&](const auto& h) { return h->node() == receiver; }))
            continue;
        f.drops += net_.link_stats()[link][dir].queue_drops;
        for (const QueueReport::Sample& s : queues_[k].samples) {
            const double ms = s.q.delay.seconds() * 1000;
            sum_ms += ms;
            f.delay_max_ms = std::max(f.delay_max_ms, ms);
            ++samples;
        }
    }
    f.delay_mean_ms = samples == 0 ? 0 : sum_ms / static_cast<double>(samples);
    return f;
}

void Run::check_invariants() {
    const auto fail = [&](const std::string& what) {
        sim::invariant_failed(sim_, net_.entity(director_->node()), "Run::check_invariants", what, __FILE__,
                              __LINE__);
    };
    // Objects are conserved: every object a page asked for is received, failed, aborted by a
    // reload, or still outstanding.
    for (const ClientGroup& g : groups_) {
        uint64_t pending = 0;
        for (const auto& b : g.browsers) pending += b->pending_objects();
        const http::BrowserStats& st = g.stats;
        if (st.objects_started != st.objects_ok + st.objects_failed + st.objects_aborted + pending)
            fail("client group " + g.name + ": " + std::to_string(st.objects_started) + " objects started, " +
                 std::to_string(st.objects_ok) + " ok + " + std::to_string(st.objects_failed) + " failed + " +
                 std::to_string(st.objects_aborted) + " aborted + " + std::to_string(pending) + " pending");
        if (st.pages_completed + st.pages_aborted > st.pages_started)
            fail("client group " + g.name + ": more pages ended than started");
    }
    // IPVS: every entry's destination is listed in a service or kept in the trash, and no
    // destination counts more connections than the entries bound to it (a counter that went
    // below zero wraps to billions).
    std::unordered_map<const ipvs::Dest*, uint64_t> bound;
    std::unordered_set<const ipvs::Dest*> known;
    for (const auto& svc : director_->services())
        for (const ipvs::Dest* d : svc->dests) known.insert(d);
    for (const ipvs::Dest* d : director_->trash()) known.insert(d);
    for (const ipvs::Conn* c : director_->connections()) {
        if (c->dest == nullptr) continue;
        if (known.count(c->dest) == 0)
            fail("an IPVS entry is bound to a destination neither listed nor in the trash");
        ++bound[c->dest];
    }
    for (const ipvs::Dest* d : known)
        if (uint64_t{d->activeconns} + d->inactconns > bound[d])
            fail("destination " + d->addr.str() + " counts " + std::to_string(d->activeconns) + " active + " +
                 std::to_string(d->inactconns) + " inactive connections for " + std::to_string(bound[d]) +
                 " entries");
    // TCP: each connection's send sequence space stays ordered.
    for (const auto& host : listed_hosts()) {
        const std::string& name = host.first;  // a lambda may not capture a structured binding (C++20)
        host.second->for_each_connection([&](const tcp::TcpConn& c) {
            if (!c.sequence_ordered())
                fail(name + ": a connection's snd_una, snd_nxt, snd_max are out of order");
        });
    }
}

void Run::sample_windows() {
    const auto one = [&](net::Host& h) {
        WindowSample w;
        w.t = sim_.now();
        w.host = std::string(net_.name(h.node()));
        h.tcp().for_each_connection([&](const tcp::TcpConn& c) {
            if (c.state() != tcp::TcpState::Established && c.state() != tcp::TcpState::CloseWait) return;
            const tcp::TcpInfo i = c.info();
            ++w.connections;
            w.rcv_wnd = std::max(w.rcv_wnd, i.rcv_wnd);
            w.rcv_space = std::max(w.rcv_space, i.rcv_space);
            w.snd_wnd = std::max(w.snd_wnd, i.snd_wnd);
            w.cwnd = std::max(w.cwnd, i.cwnd);
        });
        windows_.push_back(w);
    };
    for (const RealServer& rs : rs_) one(*rs.host);
    for (const ClientGroup& g : groups_)
        for (const auto& h : g.hosts) one(*h);
}

const ipvs::Dest* Run::dest_of(size_t realserver) const {
    const net::Ipv4 addr = scenario_.realservers[realserver].address;
    for (const auto& svc : director_->services())
        for (const ipvs::Dest* d : svc->dests)
            if (d->addr.addr == addr) return d;
    for (const ipvs::Dest* d : director_->trash())
        if (d->addr.addr == addr) return d;
    return nullptr;
}

Snapshot Run::take_snapshot(const std::string& label) {
    Snapshot s;
    s.label = label;
    s.at = sim_.now();
    s.ipvsadm_ln = ipvs::ipvsadm_ln(*director_);
    s.ipvsadm_lnc = ipvs::ipvsadm_lnc(*director_);
    std::map<std::string, std::map<std::string, uint64_t>> states;  // dest address -> state -> n
    for (const ipvs::Conn* c : director_->connections()) {
        if (c->is_template()) continue;
        ++states[c->dest_addr.addr.str()][std::string(ipvs::to_string(c->state))];
    }
    for (const auto& svc : director_->services()) {
        ServiceView v;
        v.vip = svc->fwmark != 0 ? "FWM " + std::to_string(svc->fwmark) : svc->vip.str();
        v.scheduler = svc->sched_name;
        std::vector<const ipvs::Dest*> dests(svc->dests.begin(), svc->dests.end());
        std::sort(dests.begin(), dests.end(),
                  [](const ipvs::Dest* a, const ipvs::Dest* b) { return a->addr < b->addr; });
        for (const ipvs::Dest* d : dests) {
            DestView dv;
            dv.name = director_->dest_name(*d);
            dv.address = d->addr.str();
            dv.forward = std::string(ipvs::to_string(d->forward));
            dv.weight = d->weight;
            dv.active = d->activeconns;
            dv.inactive = d->inactconns;
            dv.persistent = d->persistconns;
            dv.conns = d->stats.conns - d->zero_point.conns;
            dv.states = states[d->addr.addr.str()];
            v.realservers.push_back(std::move(dv));
        }
        s.services.push_back(std::move(v));
    }
    for (const auto& [name, stack] : listed_hosts())
        s.sockets.push_back({name, tcp::ss_listing(*stack, false), tcp::ss_listing(*stack, true)});
    LVS_TRACE(sim_, net_.entity(director_->node()), "snapshot")
        .f("label", label)
        .f("ipvsadm_ln", s.ipvsadm_ln);
    return s;
}

std::vector<std::pair<std::string, const tcp::TcpStack*>> Run::listed_hosts() {
    std::vector<std::pair<std::string, const tcp::TcpStack*>> out;
    out.emplace_back("director", &director_->tcp());
    for (const RealServer& rs : rs_) out.emplace_back(rs.name, &rs.host->tcp());
    size_t clients = 0;
    for (const ClientGroup& g : groups_) clients += g.hosts.size();
    if (clients <= kSocketListedClients)
        for (const ClientGroup& g : groups_)
            for (const auto& h : g.hosts) out.emplace_back(h->name(), &h->tcp());
    return out;
}

double Run::quantity(const std::string& name) {
    QuantityError err;
    const auto q = resolve_quantity(name, scenario_, &err);
    if (!q) throw std::invalid_argument(err.message + " (" + err.hint + ")");
    return read_quantity(*this, *q);
}

ClientReport Run::client_report_now(std::optional<size_t> group) const {
    std::vector<const ClientGroup*> groups;
    for (size_t i = 0; i < groups_.size(); ++i)
        if (!group || *group == i) groups.push_back(&groups_[i]);
    return client_report(group ? groups_[*group].name : "clients", groups);
}

const DrainResult* Run::first_drain(size_t realserver) const {
    for (const Drain& d : drains_)
        if (d.result.realserver == scenario_.realservers[realserver].name) return &d.result;
    return nullptr;
}

void Run::evaluate(size_t i) {
    ExpectResult& r = results_[i];
    const Expr& e = scenario_.expectations[i].condition;
    std::string observed;
    const double v = e.eval([&](const Expr::Ref& ref) {
        double x = 0;
        if (ref.at) {
            const size_t k = static_cast<size_t>(&ref - e.refs().data());
            x = at_values_[i][k];
        } else {
            x = read_quantity(*this, ref.quantity);
        }
        observed += (observed.empty() ? "" : ", ") + ref.name +
                    (ref.at ? "@" + sim::format_time(*ref.at) : "") + "=" + fmt_num(x);
        return x;
    });
    r.passed = v != 0 && !std::isnan(v);
    r.observed = observed;
    LVS_TRACE(sim_, sim::kNoEntity, "expectation")
        .f("that", r.text)
        .f("passed", r.passed)
        .f("observed", observed);
}

bool Run::run_until(sim::Time t) {
    const sim::Time target = std::min(t, end_);
    // Progress is reported between slices of the run, never by an event of its own, so the
    // event count (and so the report) is the same with or without it.
    if (options_.progress || options_.stop != nullptr) {
        while (sim_.now() < target) {
            const sim::StopReason why =
                sim_.run_until(std::min(target, sim_.now() + options_.progress_every));
            if (options_.progress) options_.progress(sim_.now(), sim_.events_executed());
            if (why == sim::StopReason::Requested) break;
            if (options_.stop != nullptr && *options_.stop != 0) {
                interrupted_ = true;
                return false;
            }
        }
    } else {
        sim_.run_until(target);
    }
    return target < end_;
}

ClientReport Run::client_report(const std::string& name,
                                const std::vector<const ClientGroup*>& groups) const {
    ClientReport c;
    c.name = name;
    std::vector<double> loads;
    for (const ClientGroup* g : groups) {
        const http::BrowserStats& s = g->stats;
        c.browsers += g->browsers.size();
        c.pages += s.pages_started;
        c.pages_completed += s.pages_completed;
        c.pages_aborted += s.pages_aborted;
        c.pages_with_failures += s.pages_with_failures;
        c.objects_ok += s.objects_ok;
        c.objects_failed += s.objects_failed;
        c.objects_aborted += s.objects_aborted;
        c.retries += s.retries;
        c.connections_opened += s.connections_opened;
        c.requests += s.requests;
        c.errors_refused += s.failed_refused;
        c.errors_reset += s.failed_reset;
        c.errors_timeout += s.failed_timeout;
        c.errors_no_port += s.failed_no_port;
        c.longest_stall_s = std::max(c.longest_stall_s, s.longest_outstanding_s);
        loads.insert(loads.end(), s.load_ms.begin(), s.load_ms.end());
        for (const auto& b : g->browsers) c.objects_pending += b->pending_objects();
        for (size_t i = 0; i < groups_.size(); ++i)
            if (&groups_[i] == g) c.time_wait_max += group_time_wait_max_[i];
    }
    if (groups.size() == groups_.size() && groups_.size() > 1) c.time_wait_max = client_time_wait_max_;
    c.page_load_p50 = percentile(loads, 50);
    c.page_load_p95 = percentile(loads, 95);
    c.page_load_p99 = percentile(loads, 99);
    double sum = 0;
    for (double v : loads) sum += v;
    c.page_load_mean = loads.empty() ? 0 : sum / static_cast<double>(loads.size());
    // Over every connection opened, open ones included (they carry requests too).
    c.requests_per_connection = c.connections_opened == 0 ? 0
                                                          : static_cast<double>(c.requests) /
                                                                static_cast<double>(c.connections_opened);
    return c;
}

Report Run::report() {
    Report r;
    r.scenario = scenario_.name;
    r.lesson = scenario_.lesson;
    r.file = scenario_.file;
    r.seed = scenario_.seed;
    r.kernel = scenario_.kernel;
    r.kernel_asked = scenario_.kernel_asked;
    r.warnings = scenario_.warnings;
    r.end = sim_.now();
    r.events = sim_.events_executed();
    std::vector<const ClientGroup*> all;
    for (const ClientGroup& g : groups_) all.push_back(&g);
    r.clients = client_report("clients", all);
    for (const ClientGroup& g : groups_) r.groups.push_back(client_report(g.name, {&g}));
    for (RealServer& rs : rs_) {
        ServerReport s;
        s.name = rs.name;
        s.address = rs.host->address().str();
        if (rs.web) {
            s.connections_accepted = rs.web->stats().connections_accepted;
            s.requests = rs.web->stats().requests;
            s.keepalive_closes = rs.web->stats().keepalive_closes;
            s.busy_peak = rs.web->stats().busy_peak;
        }
        s.time_wait_max = rs.host->tcp().counters().time_wait_max;
        s.idle_keepalive_peak = rs_idle_peak_[rs.name];
        s.capacity = capacity_input(rs);
        r.realservers.push_back(s);
    }
    for (const Drain& d : drains_) r.drains.push_back(d.result);
    r.snapshots = snapshots_;
    r.expectations = results_;
    r.samples = samples_;
    r.admin_log = admin_log_;
    r.capacity_check = scenario_.capacity_check;
    for (const RealServer& rs : rs_)
        if (rs.program) r.programs.push_back({rs.name, rs.program->calls()});
    for (const ClientGroup& g : groups_)
        if (g.program) r.programs.push_back({g.name, g.program->calls()});
    const auto loss_of = [](const std::string& name, const tcp::TcpCounters& k, TcpLossReport& t) {
        t.name = name;
        t.retransmits.dupack += k.retransmits_by.dupack;
        t.retransmits.rack += k.retransmits_by.rack;
        t.retransmits.tlp += k.retransmits_by.tlp;
        t.retransmits.rto += k.retransmits_by.rto;
        t.recoveries += k.recoveries;
        t.timeouts += k.timeouts;
        t.loss_probes += k.loss_probes;
        t.loss_probe_recoveries += k.loss_probe_recoveries;
        t.ooo_segments += k.ooo_segments;
        t.dsacks_sent += k.dsacks_sent;
        t.zero_window_probes += k.zero_window_probes;
    };
    for (const RealServer& rs : rs_) loss_of(rs.name, rs.host->tcp().counters(), r.tcp_loss.emplace_back());
    for (const ClientGroup& g : groups_) {
        TcpLossReport& t = r.tcp_loss.emplace_back();
        for (const auto& h : g.hosts) loss_of(g.name, h->tcp().counters(), t);
    }
    const std::vector<net::Network::LinkInfo> links = net_.links();
    for (size_t i = 0; i < links.size(); ++i) {
        const auto& st = net_.link_stats()[i];
        const bool lossy = links[i].spec.loss > 0 || links[i].spec.burst.enabled();
        if (!lossy && st[0].dropped + st[1].dropped == 0) continue;
        r.links.push_back(
            {std::string(net_.name(links[i].a)) + "-" + std::string(net_.name(links[i].b)), st});
    }
    r.windows = windows_;
    r.queues = queues_;
    for (size_t k = 0; k < r.queues.size(); ++k)
        r.queues[k].drops = net_.link_stats()[queued_links_[k].first][queued_links_[k].second].queue_drops;
    if (fingerprint_) r.fingerprint = fingerprint_->value();
    return r;
}

CapacityInput Run::capacity_input(RealServer& rs) {
    CapacityInput c;
    if (!rs.web) return c;
    const http::ServerStats& st = rs.web->stats_now();
    c.prefork = rs.web->config().model == http::WorkerModel::Prefork;
    c.workers = rs.web->config().workers;
    c.elapsed_s = sim_.now().seconds();
    c.requests = st.requests;
    c.service_total_s = st.service_time.seconds();
    c.connections_accepted = st.connections_accepted;
    c.connections_closed = st.connections_closed;
    c.connection_total_s = st.connection_time.seconds();
    c.busy_integral_s = static_cast<double>(st.busy_ns) * 1e-9;
    c.held_integral_s = static_cast<double>(st.held_ns) * 1e-9;
    c.waited = c.prefork ? st.connections_waited : st.requests_waited;
    return c;
}

Report Run::run() {
    run_until(end_);
    if (interrupted_) {
        // Stopped early: what happened so far, and no verdict on what was to come.
        snapshots_.push_back(take_snapshot("interrupted"));
        Report r = report();
        r.complete = false;
        return r;
    }
    snapshots_.push_back(take_snapshot("end"));
    for (size_t i = 0; i < results_.size(); ++i)
        if (!scenario_.expectations[i].at || *scenario_.expectations[i].at > end_) evaluate(i);
    return report();
}

}  // namespace lvs::scenario
