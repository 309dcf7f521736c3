// Assembling a run from its scenario: the topology (the Internet router, the director's LAN,
// one access link per client host), the director with its realservers and forwarding
// methods, web servers or socket programs, browsers, health checks, the rules.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "models/ipvs/ipvsadm.hpp"
#include "models/scenario/runtime.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::scenario {

namespace {

// Forwarding method per realserver, from the rules: -m puts the director on the reply
// path (the realserver's gateway); -g/-i put the VIP on the realserver's loopback.
struct Forwarding {
    std::map<uint32_t, std::set<ipvs::Forward>> forwards;  // by realserver address
    std::vector<net::Ipv4> vips;
};

Forwarding forwarding_of(const Scenario& s) {
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
    // A health checker's fallback (sorry) server is added by NAT (health_checker.cpp).
    for (const HealthCheckSpec& h : s.health_checks)
        if (h.fallback) forwards[h.fallback->addr.value()].insert(h.fallback_forward);
    return {std::move(forwards), std::move(vips)};
}

}  // namespace

void Run::build() {
    const Scenario& s = scenario_;
    // In a partitioned run, what the directors', the realservers' and the clients' setup
    // schedules belongs to their part (run_partition.cpp); the samplers and the timeline run in
    // every process.
    const sim::Lp clients = part_lp(kClientSideLp), directors = part_lp(kDirectorSideLp);
    const sim::Lp realservers = options_.partition_cut == PartitionCut::Clients ? directors : clients;
    std::optional<sim::Simulator::LpScope> scope;
    scope.emplace(sim_, directors);
    const ipvs::KernelProfile* kernel = ipvs::find_kernel_profile(s.kernel);
    const net::NodeId internet = net_.add_node("internet", net::NodeKind::Router);
    const net::NodeId lan = net_.add_node("lan", net::NodeKind::Switch);
    const net::LinkSpec lan_link{
        s.network.lan_delay, s.network.lan_bandwidth_bps, s.network.lan_loss, {}, s.network.lan_queue};
    net_.add_link(internet, lan, lan_link);
    director_ =
        std::make_unique<ipvs::Director>(net_, "director", s.director_address, *kernel, s.director_tcp);
    net_.add_link(director_->node(), lan, lan_link);
    build_ha(lan, lan_link);
    build_fleet(lan, lan_link);
    {
        sim::Simulator::LpScope side(sim_, realservers);
        build_realservers(lan, lan_link);
    }
    {
        sim::Simulator::LpScope side(sim_, clients);
        build_clients(internet);
    }
    group_time_wait_max_.assign(groups_.size(), 0);
    net_.finalize();
    if (!options_.pcap_path.empty()) pcap_ = std::make_unique<net::PcapWriter>(net_, options_.pcap_path);
    for (size_t d = 0; d < director_count(); ++d) configure_director(director_at(d), d == 0);
    start_ha();
    start_fleet();
    build_health_checks();
    // What the loader warned about (timeline entries say theirs when they are applied).
    for (const Warning& w : s.warnings)
        if (!w.timeline_entry) trace_warning(w);
    // The guided lesson, for the viewer and for recorded traces (the run never reads it).
    for (size_t i = 0; i < s.steps.size(); ++i)
        LVS_TRACE(sim_, sim::kNoEntity, trace::kind::lesson_step)
            .f("n", i + 1)
            .f("at", s.steps[i].at)
            .f("caption", s.steps[i].caption)
            .f("question", s.steps[i].question)
            .f("highlight", s.steps[i].highlight)
            .f("reveal", s.steps[i].reveal);
    scope.emplace(sim_, clients);
    for (ClientGroup& g : groups_)
        for (auto& b : g.browsers) b->start();
    start_udp_clients();
    scope.reset();
    if (partitioned()) partition_network();
    schedule_timeline();
    sampler_.arm(sim::Duration{});
    director_->on_change = [this] { on_director_change(); };
    for (size_t d = 1; d < director_count(); ++d) director_at(d).on_change = [this] { on_director_change(); };
    if (sim_.tracing()) trace_listings();
    built_ = true;
}

void Run::build_realservers(net::NodeId lan, const net::LinkSpec& lan_link) {
    const Scenario& s = scenario_;
    Forwarding plan = forwarding_of(s);
    auto& forwards = plan.forwards;
    const auto& vips = plan.vips;
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
        for (size_t d = 0; d < director_count(); ++d)
            director_at(d).add_realserver(spec.address, rs.host->node(), spec.name);
        if (sim_.tracing()) {
            // Which name goes with which address, for readers of the trace (with direct
            // routing the realserver's connections carry the VIP, not its address).
            std::string methods;
            for (ipvs::Forward m : f)
                methods += (methods.empty() ? "" : ",") + std::string(ipvs::to_string(m));
            LVS_TRACE(sim_, net_.entity(director_->node()), trace::kind::director_realserver)
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
        build_udp_services(rs, spec);
        rs_.push_back(std::move(rs));
    }
}

namespace {

// How a group's first loads are spread (ClientGroupSpec::stagger): as asked, or over one
// reload interval or one mean think time, so that a group does not click in one instant.
sim::Duration stagger_of(const ClientGroupSpec& spec) {
    if (spec.stagger) return *spec.stagger;
    const http::LoadSchedule& s = spec.browser.schedule;
    switch (s.kind) {
        case http::LoadSchedule::Kind::Interval: return s.interval;
        case http::LoadSchedule::Kind::Think: return sim::ns(static_cast<int64_t>(s.think.mean()));
        default: return {};
    }
}

}  // namespace

// Clients: one host per browser, each on its own access link; the link's delay makes the
// round trip to the director `rtt`.
void Run::build_clients(net::NodeId internet) {
    const Scenario& s = scenario_;
    internet_ = internet;
    uint32_t next_client = 0;
    groups_.reserve(s.clients.size());
    for (const ClientGroupSpec& spec : s.clients) {
        groups_.emplace_back();
        ClientGroup& g = groups_.back();
        g.name = spec.name;
        if (spec.arrivals || spec.access_log) {
            build_visitors(groups_.size() - 1);
            continue;
        }
        if (spec.is_udp()) {
            build_udp_clients(groups_.size() - 1, next_client);
            continue;
        }
        http::BrowserConfig cfg = spec.browser;
        cfg.server = spec.target;
        const sim::Duration stagger = stagger_of(spec);
        for (uint32_t i = 0; i < spec.count; ++i) {
            const std::string name = spec.count == 1 ? spec.name : spec.name + "." + std::to_string(i + 1);
            auto h = std::make_unique<net::Host>(net_, name, spec.tcp);
            h->add_address(net::Ipv4(net::Ipv4::of(172, 16, 0, 0).value() + ++next_client));
            net_.add_link(h->node(), internet, access_link());
            // Browser i's first load comes i/count of the stagger after the group's start.
            const sim::Duration offset = sim::ns(stagger.ns() / spec.count * i);
            cfg.schedule.start = spec.browser.schedule.start + offset;
            cfg.schedule.times = spec.browser.schedule.times;
            for (sim::Time& t : cfg.schedule.times) t = t + offset;
            if (spec.script.empty()) {
                const bool api = cfg.profile.kind == http::ClientKind::Api;
                g.browsers.push_back(
                    std::make_unique<http::Browser>(*h, name + (api ? ":client" : ":browser"), cfg, g.stats));
            } else {
                g.program = std::make_unique<sock::Program>(*h, name, spec.script, spec.target, 0);
                g.program->start(sim::Time{});
            }
            g.hosts.push_back(std::move(h));
        }
    }
}

// The director's configuration at t = 0, before anything else happens.
// With a director pair, both get the same sysctls and rules (keepalived's one configuration);
// the log names the director only then.
void Run::configure_director(ipvs::Director& d, bool first) {
    const Scenario& s = scenario_;
    const std::string at = when_label() + (director_count() > 1 ? director_label(d) + ": " : std::string());
    for (const SysctlSetting& x : s.sysctls) {
        const std::string err = d.set_sysctl(x.sysctl->name, x.value, x.second);
        admin_log_.push_back(at + "sysctl net.ipv4.vs." + std::string(x.sysctl->name) + "=" +
                             std::to_string(x.value) + (x.second ? " " + std::to_string(*x.second) : "") +
                             (err.empty() ? "" : ": " + err));
    }
    if (s.timeouts) {
        const auto& [tcp, fin, udp] = *s.timeouts;
        d.set_timeouts(tcp, fin, udp);
        admin_log_.push_back(at + "ipvsadm --set " + std::to_string(tcp) + " " + std::to_string(fin) + " " +
                             std::to_string(udp) + " (director.timeouts)");
    }
    for (const Rule& rule : s.rules) {
        const ipvs::AdminResult r = ipvs::apply_ipvsadm(d, rule.command);
        admin_log_.push_back(at + "ipvsadm " + rule.command.text + (r.ok() ? "" : ": " + r.message));
    }
    if (!first) return;
    // The operator's connection table, resumed (checked against these rules by the loader).
    for (const InitialConnection& c : s.connections)
        director_->restore_entry(c.proto, c.client, c.vip, c.dest, c.state, c.remaining);
    if (!s.connections.empty())
        admin_log_.push_back("[0s] " + std::to_string(s.connections.size()) +
                             " connection entries resumed from the operator's table");
}

void Run::build_health_checks() {
    const Scenario& s = scenario_;
    std::map<std::string, std::shared_ptr<ipvs::CheckRound>> rounds;  // ldirectord's fork=no loops
    for (const HealthCheckSpec& h : s.health_checks) {
        ipvs::HealthCheckConfig cfg;
        cfg.name = h.name;
        cfg.service = {ipvs::Proto::Tcp, h.service, 0};
        cfg.tool = h.tool;
        cfg.interval = h.interval;
        cfg.check = h.check;
        for (const HealthCheckSpec::ServerCheck& sc : h.servers) {
            const RealServerSpec& rs = s.realservers[sc.realserver];
            cfg.servers.push_back({{rs.address, rs.server.port}, sc.check});
        }
        // ldirectord's checks are LWP's GETs, which follow redirects; keepalived's do not.
        const bool ldirectord = h.tool == ipvs::CheckerTool::Ldirectord;
        cfg.check.follow_redirects = ldirectord;
        for (auto& sc : cfg.servers) sc.check.follow_redirects = ldirectord;
        cfg.fallback_forward = h.fallback_forward;
        if (!ldirectord) cfg.warmup = h.warmup.value_or(h.interval);
        cfg.start_down = h.tool == ipvs::CheckerTool::Ldirectord || h.alpha;
        cfg.quorum = h.quorum;
        cfg.hysteresis = h.hysteresis;
        cfg.fallback = h.fallback;
        // A removal or a quiescing by the health checker is a drain like an admin's (drains
        // are followed on the first director).
        auto hook = [this, cfg](const ipvs::HealthChange& c, size_t on) {
            const std::string command = "ipvsadm " + c.command.text;
            admin_log_.push_back(
                "[" + sim::format_time(sim_.now()) + "] " +
                (director_count() > 1 ? director_label(director_at(on)) + ": " : std::string()) + cfg.name +
                ": " + command + " (" + c.why + ")");
            if (!c.drains() || on != 0) return;
            const RealServerSpec* rs = scenario_.find_realserver(c.realserver);
            if (rs == nullptr) return;
            const ipvs::Service* svc = director_->find_service(cfg.service);
            const ipvs::Dest* d = nullptr;
            if (svc != nullptr)
                for (const ipvs::Dest* x : svc->dests)
                    if (x->addr.addr == rs->address) d = x;
            for (const ipvs::Dest* x : director_->trash())
                if (d == nullptr && x->addr.addr == rs->address && x->svc_vip == cfg.service.vip) d = x;
            std::vector<const ipvs::Dest*> dests;
            if (d != nullptr && d->refcnt > 0) dests.push_back(d);
            start_drain(rs->name, cfg.name + ": " + command, std::move(dests));
        };
        // A check script's verdict (MISC_CHECK, checktype=external): the realserver is running
        // and nobody told it to fail its checks.
        auto verdict = [this](const net::Endpoint& at) {
            for (RealServer& r : rs_)
                if (r.host->address() == at.addr) return r.web != nullptr && r.web->checks_pass();
            return false;
        };
        // Each director of a pair runs its own checker on its own table.
        // (health_ keeps the first director's, in the scenario's order: quantities index it).
        for (size_t on = 0; on < director_count(); ++on) {
            auto& list = on == 0 ? health_ : peer_health_;
            list.push_back(std::make_unique<ipvs::HealthChecker>(
                director_at(on), cfg, [hook, on](const ipvs::HealthChange& c) { hook(c, on); }, verdict));
            if (!h.round.empty()) {
                std::shared_ptr<ipvs::CheckRound>& round = rounds[h.round + "@" + std::to_string(on)];
                if (round == nullptr) round = std::make_shared<ipvs::CheckRound>(sim_, h.interval);
                list.back()->share_round(round);
            }
            list.back()->start();
        }
    }
}

}  // namespace lvs::scenario
