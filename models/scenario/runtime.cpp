#include "models/scenario/runtime.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "models/ipvs/ipvsadm.hpp"
#include "models/scenario/expr.hpp"
#include "models/tcp/tcp_profile.hpp"

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
      sampler_(sim_, [this] { sample(); }, sim::Priority::Late),
      listing_timer_(sim_, [this] { trace_listings(); }, sim::Priority::Late) {
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
    const net::LinkSpec lan_link{s.network.lan_delay, s.network.lan_bandwidth_bps, 0.0};
    net_.add_link(internet, lan, lan_link);
    director_ = std::make_unique<ipvs::Director>(net_, "director", s.director_address, *kernel, tcp::linux6_profile());
    net_.add_link(director_->node(), lan, lan_link);

    // Forwarding method per realserver, from the rules: -m puts the director on the reply
    // path (the realserver's gateway); -g/-i put the VIP on the realserver's loopback.
    std::map<uint32_t, std::set<ipvs::Forward>> forwards;
    std::vector<net::Ipv4> vips;
    for (const std::string& line : s.rules) {
        ipvs::IpvsadmError err;
        const auto c = ipvs::parse_ipvsadm(line, &err);
        if (!c) continue;
        if (c->cmd == ipvs::IpvsadmCmd::AddDest || c->cmd == ipvs::IpvsadmCmd::EditDest)
            forwards[c->dest.addr.addr.value()].insert(c->dest.forward);
        if (c->has_service && c->service.key.fwmark == 0 && std::find(vips.begin(), vips.end(), c->service.key.vip.addr) == vips.end())
            vips.push_back(c->service.key.vip.addr);
    }
    for (const TimelineEntry& e : s.timeline) {
        if (e.kind != TimelineEntry::Kind::Ipvsadm) continue;
        ipvs::IpvsadmError err;
        const auto c = ipvs::parse_ipvsadm(e.text, &err);
        if (c && (c->cmd == ipvs::IpvsadmCmd::AddDest || c->cmd == ipvs::IpvsadmCmd::EditDest))
            forwards[c->dest.addr.addr.value()].insert(c->dest.forward);
    }
    for (const RealServerSpec& spec : s.realservers) {
        RealServer rs;
        rs.name = spec.name;
        rs.host = std::make_unique<net::Host>(net_, spec.name, *tcp::find_tcp_profile(spec.tcp));
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
            for (ipvs::Forward m : f) methods += (methods.empty() ? "" : ",") + std::string(ipvs::to_string(m));
            LVS_TRACE(sim_, net_.entity(director_->node()), "director.realserver")
                .f("name", spec.name)
                .f("address", spec.address.str())
                .f("forward", methods);
        }
        rs.web = std::make_unique<http::WebServer>(*rs.host, spec.server);
        rs.web->start();
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
        if (!vips.empty()) cfg.server = {vips.front(), 80};
        if (spec.target) cfg.server = *spec.target;
        const tcp::TcpProfile* profile = tcp::find_tcp_profile(spec.tcp);
        if (spec.port_low != 0) {
            custom_profiles_.push_back(std::make_unique<tcp::TcpProfile>(*profile));
            custom_profiles_.back()->ephemeral_low = spec.port_low;
            custom_profiles_.back()->ephemeral_high = spec.port_high;
            profile = custom_profiles_.back().get();
        }
        for (uint32_t i = 0; i < spec.count; ++i) {
            const std::string name = spec.count == 1 ? spec.name : spec.name + "." + std::to_string(i + 1);
            auto h = std::make_unique<net::Host>(net_, name, *profile);
            h->add_address(net::Ipv4(net::Ipv4::of(172, 16, 0, 0).value() + ++next_client));
            net_.add_link(h->node(), internet, {access, s.network.bandwidth_bps, s.network.loss});
            g.browsers.push_back(std::make_unique<http::Browser>(*h, name + ":browser", cfg, g.stats));
            g.hosts.push_back(std::move(h));
        }
    }
    group_time_wait_max_.assign(groups_.size(), 0);
    net_.finalize();
    if (!options_.pcap_path.empty()) pcap_ = std::make_unique<net::PcapWriter>(net_, options_.pcap_path);

    // The director's configuration at t = 0, before anything else happens.
    for (const auto& [name, value] : s.sysctls) {
        const std::string err = director_->set_sysctl(name, value);
        admin_log_.push_back("[0s] sysctl net.ipv4.vs." + name + "=" + std::to_string(value) + (err.empty() ? "" : ": " + err));
    }
    for (const std::string& line : s.rules) {
        ipvs::IpvsadmError err;
        const auto c = ipvs::parse_ipvsadm(line, &err);
        const ipvs::AdminResult r = c ? ipvs::apply_ipvsadm(*director_, *c) : ipvs::AdminResult{ipvs::AdminCode::Invalid, err.message};
        admin_log_.push_back("[0s] ipvsadm " + line + (r.ok() ? "" : ": " + r.message));
    }
    for (const HealthCheckSpec& h : s.health_checks) {
        ipvs::HealthCheckConfig cfg;
        cfg.name = h.name;
        cfg.service = {ipvs::Proto::Tcp, *net::Endpoint::parse(h.service), 0};
        cfg.interval = h.interval;
        cfg.timeout = h.timeout;
        cfg.failures = h.failures;
        cfg.successes = h.successes;
        cfg.quiescent = h.quiescent;
        if (h.fallback) cfg.fallback = *net::Endpoint::parse(*h.fallback);
        // A removal or a quiescing by the health checker is a drain like an admin's.
        auto hook = [this, cfg](const std::string& rs, const std::string& command, const std::string& why) {
            admin_log_.push_back("[" + sim::format_time(sim_.now()) + "] " + cfg.name + ": " + command + " (" + why + ")");
            const bool drains = command.find(" -w 0") != std::string::npos || command.rfind("ipvsadm -d ", 0) == 0;
            if (!drains || rs == "fallback") return;
            net::Ipv4 addr;
            for (const RealServerSpec& r : scenario_.realservers)
                if (r.name == rs) addr = r.address;
            const ipvs::Service* svc = director_->find_service(cfg.service);
            const ipvs::Dest* d = nullptr;
            if (svc != nullptr)
                for (const ipvs::Dest* x : svc->dests)
                    if (x->addr.addr == addr) d = x;
            for (const ipvs::Dest* x : director_->trash())
                if (d == nullptr && x->addr.addr == addr && x->svc_vip == cfg.service.vip) d = x;
            start_drain(rs, cfg.name + ": " + command, d != nullptr && d->refcnt > 0 ? d : nullptr);
        };
        health_.push_back(std::make_unique<ipvs::HealthChecker>(*director_, cfg, hook));
        health_.back()->start();
    }
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
        sim_.at(scenario_.timeline[i].at, [this, i] { apply(scenario_.timeline[i]); }, sim::Priority::Timeline);
    for (sim::Time t : options_.snapshot_at)
        if (t <= end_) sim_.at(t, [this] { snapshots_.push_back(take_snapshot("at " + sim::format_time(sim_.now()))); }, sim::Priority::Late);
    results_.resize(scenario_.expectations.size());
    for (size_t i = 0; i < scenario_.expectations.size(); ++i) {
        const Expectation& x = scenario_.expectations[i];
        results_[i].text = x.text;
        results_[i].at = x.at;
        results_[i].mark = x.mark;
        const Expr e = Expr::parse(x.text);
        // Values at earlier times (`name@T`) are captured when T comes.
        for (const Expr::Ref& ref : e.refs()) {
            if (!ref.at || *ref.at > end_) continue;
            const std::string key = ref.name + "@" + sim::format_time(*ref.at);
            sim_.at(*ref.at, [this, key, name = ref.name] {
                try {
                    at_values_[key] = quantity(name);
                } catch (const std::exception&) {
                    at_values_[key] = NAN;
                }
            }, sim::Priority::Late);
        }
        if (x.at && *x.at <= end_) sim_.at(*x.at, [this, i] { evaluate(i); }, sim::Priority::Late);
    }
}

void Run::apply(const TimelineEntry& e) {
    const std::string when = "[" + sim::format_time(sim_.now()) + "] ";
    switch (e.kind) {
        case TimelineEntry::Kind::Ipvsadm: {
            ipvs::IpvsadmError err;
            const auto c = ipvs::parse_ipvsadm(e.text, &err);
            if (!c) {
                admin_log_.push_back(when + "ipvsadm " + e.text + ": " + err.message);
                return;
            }
            // A weight of 0 or a deletion starts a drain of that realserver.
            const bool drain = (c->cmd == ipvs::IpvsadmCmd::EditDest && c->dest.weight == 0) || c->cmd == ipvs::IpvsadmCmd::DelDest;
            const ipvs::Dest* before = director_->find_dest(c->service.key, c->dest.addr);
            const bool vanishes = c->cmd == ipvs::IpvsadmCmd::DelDest && before != nullptr && before->refcnt == 0;
            const ipvs::AdminResult r = ipvs::apply_ipvsadm(*director_, *c);
            admin_log_.push_back(when + "ipvsadm " + e.text + (r.ok() ? "" : ": " + r.message));
            LVS_TRACE(sim_, net_.entity(director_->node()), "timeline.ipvsadm").f("command", e.text).f("result", r.ok() ? "ok" : r.message);
            if (r.ok() && drain && before != nullptr) start_drain(rs_name_of(c->dest.addr.addr), "ipvsadm " + e.text, vanishes ? nullptr : before);
            return;
        }
        case TimelineEntry::Kind::Sysctl: {
            const size_t eq = e.text.find('=');
            std::string name = e.text.substr(0, eq);
            if (name.rfind("net.ipv4.vs.", 0) == 0) name = name.substr(12);
            int value = 0;
            try {
                value = std::stoi(e.text.substr(eq + 1));
            } catch (...) {
                value = -1;
            }
            const std::string err = director_->set_sysctl(name, value);
            admin_log_.push_back(when + "sysctl " + e.text + (err.empty() ? "" : ": " + err));
            LVS_TRACE(sim_, net_.entity(director_->node()), "timeline.sysctl").f("setting", e.text).f("result", err.empty() ? "ok" : err);
            return;
        }
        case TimelineEntry::Kind::Server: {
            for (RealServer& rs : rs_) {
                if (rs.name != e.target) continue;
                if (e.text == "stop") rs.web->abrupt_stop();
                else if (e.text == "graceful-stop") rs.web->graceful_stop();
                else if (e.text == "crash") rs.web->crash();
                else if (e.text == "start") rs.web->start();
                else if (e.text == "keepalive-on") rs.web->set_keepalive(true, rs.web->config().keepalive_timeout);
                else if (e.text == "keepalive-off") rs.web->set_keepalive(false, rs.web->config().keepalive_timeout);
                else if (e.text == "keepalive-timeout") rs.web->set_keepalive(rs.web->config().keepalive, *e.duration_arg);
                admin_log_.push_back(when + "server " + rs.name + " " + e.text);
                LVS_TRACE(sim_, rs.host->tcp().entity(), "timeline.server").f("server", rs.name).f("action", e.text);
            }
            return;
        }
        case TimelineEntry::Kind::Client: {
            for (ClientGroup& g : groups_) {
                if (g.name != e.target) continue;
                for (auto& b : g.browsers) {
                    if (e.text == "stop-reloading") b->stop_reloading();
                    else if (e.text == "start-reloading") b->start_reloading(sim_.now());
                    else if (e.text == "keepalive-timeout") b->set_keepalive_timeout(*e.duration_arg);
                }
                admin_log_.push_back(when + "client " + g.name + " " + e.text);
            }
            return;
        }
        case TimelineEntry::Kind::Snapshot:
            snapshots_.push_back(take_snapshot(e.text));
            return;
    }
}

std::string Run::rs_name_of(net::Ipv4 addr) const {
    for (const RealServerSpec& s : scenario_.realservers)
        if (s.address == addr) return s.name;
    return addr.str();
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
        sim_.post_after(sim::Duration{}, [this] {
            listing_due_ = false;
            std::string ln = ipvs::ipvsadm_ln(*director_);
            if (ln != last_listing_) {
                last_listing_ = std::move(ln);
                LVS_TRACE(sim_, net_.entity(director_->node()), "director.listing").f("ipvsadm_ln", last_listing_);
            }
        }, sim::Priority::Late);
    }
}

void Run::trace_listings() {
    if (!sim_.tracing()) return;
    LVS_TRACE(sim_, net_.entity(director_->node()), "director.connections").f("ipvsadm_lnc", ipvs::ipvsadm_lnc(*director_));
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
        if (!d.result.no_active_after && d.dest->activeconns == 0) d.result.no_active_after = sim_.now() - d.result.at;
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
    for (RealServer& rs : rs_) {
        SampleRow row;
        row.t = sim_.now();
        row.realserver = rs.name;
        const ipvs::Dest* d = dest_of(rs.name);
        if (d != nullptr) {
            row.present = d->available();
            row.weight = d->available() ? d->weight : 0;
            row.active = d->activeconns;
            row.inactive = d->inactconns;
            row.conns = d->stats.conns;
        }
        row.time_wait = rs.host->tcp().count(tcp::TcpState::TimeWait);
        row.workers_busy = rs.web->workers_busy();
        row.workers_idle_keepalive = rs.web->workers_idle_keepalive();
        row.client_time_wait = client_tw;
        rs_idle_peak_[rs.name] = std::max<uint64_t>(rs_idle_peak_[rs.name], row.workers_idle_keepalive);
        samples_.push_back(row);
    }
    if (sim_.now() + scenario_.sample_every <= end_) sampler_.arm(scenario_.sample_every);
}

const ipvs::Dest* Run::dest_of(const std::string& rs_name) const {
    net::Ipv4 addr;
    for (const RealServerSpec& s : scenario_.realservers)
        if (s.name == rs_name) addr = s.address;
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
        std::sort(dests.begin(), dests.end(), [](const ipvs::Dest* a, const ipvs::Dest* b) { return a->addr < b->addr; });
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
    LVS_TRACE(sim_, net_.entity(director_->node()), "snapshot").f("label", label).f("ipvsadm_ln", s.ipvsadm_ln);
    return s;
}

double Run::quantity(const std::string& name) {
    const auto bad = [&]() -> double { throw std::invalid_argument("unknown quantity '" + name + "'"); };
    if (name == "time") return sim_.now().seconds();
    const size_t dot = name.find('.');
    const std::string head = name.substr(0, dot);
    const std::string tail = dot == std::string::npos ? "" : name.substr(dot + 1);
    // A realserver.
    for (RealServer& rs : rs_) {
        if (rs.name != head) continue;
        const ipvs::Dest* d = dest_of(rs.name);
        if (tail == "weight") return d != nullptr && d->available() ? d->weight : 0;
        if (tail == "present") return d != nullptr && d->available() ? 1 : 0;
        if (tail == "active") return d != nullptr ? d->activeconns : 0;
        if (tail == "inactive") return d != nullptr ? d->inactconns : 0;
        if (tail == "persistent") return d != nullptr ? d->persistconns : 0;
        if (tail == "conns") return d != nullptr ? static_cast<double>(d->stats.conns - d->zero_point.conns) : 0;
        if (tail == "inpkts") return d != nullptr ? static_cast<double>(d->stats.inpkts) : 0;
        if (tail == "outpkts") return d != nullptr ? static_cast<double>(d->stats.outpkts) : 0;
        if (tail == "entries" || tail.rfind("state.", 0) == 0) {
            const std::string want = tail == "entries" ? "" : tail.substr(6);
            if (!want.empty() && !ipvs::state_from_string(want)) bad();
            double n = 0;
            for (const ipvs::Conn* c : director_->connections())
                if (!c->is_template() && c->dest_addr.addr == rs.host->address() && (want.empty() || ipvs::to_string(c->state) == want)) ++n;
            return n;
        }
        if (tail == "time_wait") return static_cast<double>(rs.host->tcp().count(tcp::TcpState::TimeWait));
        if (tail == "time_wait_max") return static_cast<double>(rs.host->tcp().counters().time_wait_max);
        if (tail == "established") return static_cast<double>(rs.host->tcp().count(tcp::TcpState::Established));
        if (tail == "requests") return static_cast<double>(rs.web->stats().requests);
        if (tail == "connections") return static_cast<double>(rs.web->stats().connections_accepted);
        if (tail == "workers_busy") return rs.web->workers_busy();
        if (tail == "workers_idle_keepalive") return rs.web->workers_idle_keepalive();
        if (tail == "workers_free") return rs.web->workers_free();
        if (tail == "keepalive_closes") return static_cast<double>(rs.web->stats().keepalive_closes);
        // The queueing cross-check (capacity.hpp), over the run so far.
        if (tail == "offered_erlangs" || tail == "erlang_c_wait" || tail == "workers_busy_mean" || tail == "workers_held_mean" ||
            tail == "waited_fraction" || tail == "connection_hold_s" || tail == "under_count") {
            const CapacityCheck k = capacity_check(capacity_input(rs));
            if (tail == "offered_erlangs") return k.offered_erlangs;
            if (tail == "erlang_c_wait") return k.erlang_c_wait;
            if (tail == "workers_busy_mean") return k.busy_mean;
            if (tail == "workers_held_mean") return k.held_mean;
            if (tail == "waited_fraction") return k.waited_fraction;
            if (tail == "connection_hold_s") return k.hold_mean_s;
            return k.under_count;
        }
        return bad();
    }
    // Clients: all of them, or one group.
    std::vector<const ClientGroup*> groups;
    if (head == "clients")
        for (const ClientGroup& g : groups_) groups.push_back(&g);
    for (const ClientGroup& g : groups_)
        if (g.name == head) groups.push_back(&g);
    if (!groups.empty()) {
        const ClientReport c = client_report(head, groups);
        uint64_t tw_now = 0;
        for (const ClientGroup* g : groups)
            for (const auto& h : g->hosts) tw_now += h->tcp().count(tcp::TcpState::TimeWait);
        const std::map<std::string, double> m{
            {"pages", static_cast<double>(c.pages)},
            {"pages_completed", static_cast<double>(c.pages_completed)},
            {"pages_aborted", static_cast<double>(c.pages_aborted)},
            {"pages_with_failures", static_cast<double>(c.pages_with_failures)},
            {"objects_ok", static_cast<double>(c.objects_ok)},
            {"objects_failed", static_cast<double>(c.objects_failed)},
            {"objects_aborted", static_cast<double>(c.objects_aborted)},
            {"objects_pending", static_cast<double>(c.objects_pending)},
            {"retries", static_cast<double>(c.retries)},
            {"connections_opened", static_cast<double>(c.connections_opened)},
            {"requests", static_cast<double>(c.requests)},
            {"errors.refused", static_cast<double>(c.errors_refused)},
            {"errors.reset", static_cast<double>(c.errors_reset)},
            {"errors.timeout", static_cast<double>(c.errors_timeout)},
            {"time_wait", static_cast<double>(tw_now)},
            {"time_wait_max", static_cast<double>(c.time_wait_max)},
            {"page_load_p50", c.page_load_p50},
            {"page_load_p95", c.page_load_p95},
            {"page_load_p99", c.page_load_p99},
            {"page_load_mean", c.page_load_mean},
            {"longest_stall_s", c.longest_stall_s},
            {"requests_per_connection", c.requests_per_connection},
        };
        const auto it = m.find(tail);
        return it == m.end() ? bad() : it->second;
    }
    if (head == "servers") {
        double sum = 0, mx = 0;
        for (RealServer& rs : rs_) {
            if (tail == "time_wait") sum += static_cast<double>(rs.host->tcp().count(tcp::TcpState::TimeWait));
            else if (tail == "time_wait_max") mx = std::max(mx, static_cast<double>(rs.host->tcp().counters().time_wait_max));
            else if (tail == "requests") sum += static_cast<double>(rs.web->stats().requests);
            else return bad();
        }
        return tail == "time_wait_max" ? mx : sum;
    }
    if (head == "director") {
        const ipvs::DirectorCounters& k = director_->counters();
        if (tail == "entries" || tail.rfind("state.", 0) == 0) {
            const std::string want = tail == "entries" ? "" : tail.substr(6);
            double n = 0;
            for (const ipvs::Conn* c : director_->connections())
                if (!c->is_template() && (want.empty() || ipvs::to_string(c->state) == want)) ++n;
            return n;
        }
        if (tail == "templates") {
            double n = 0;
            for (const ipvs::Conn* c : director_->connections()) n += c->is_template() ? 1 : 0;
            return n;
        }
        if (tail == "dropped_nodest") return static_cast<double>(k.dropped_nodest);
        if (tail == "dropped_conntrack") return static_cast<double>(k.dropped_conntrack);
        if (tail == "rescheduled") return static_cast<double>(k.rescheduled_reuse);
        if (tail == "icmp") return static_cast<double>(k.no_dest_icmp);
        if (tail == "resets") return static_cast<double>(k.stack_resets);
        if (tail == "scheduled") return static_cast<double>(k.scheduled);
        return bad();
    }
    if (head == "health") {
        // health.NAME.RS.up / down_s / up_s / checks / failed_checks, health.NAME.fallback
        const size_t d2 = tail.find('.');
        const std::string hname = tail.substr(0, d2);
        const std::string rest = d2 == std::string::npos ? "" : tail.substr(d2 + 1);
        for (const auto& h : health_) {
            if (h->config().name != hname) continue;
            if (rest == "fallback") return h->fallback_active() ? 1 : 0;
            const size_t d3 = rest.find('.');
            const ipvs::HealthChecker::ServerState* st = h->server(rest.substr(0, d3));
            if (st == nullptr) return bad();
            const std::string what = d3 == std::string::npos ? "" : rest.substr(d3 + 1);
            if (what == "up") return st->up ? 1 : 0;
            if (what == "down_s") return st->down_at ? st->down_at->seconds() : -1;
            if (what == "up_s") return st->up_at ? st->up_at->seconds() : -1;
            if (what == "checks") return static_cast<double>(st->checks);
            if (what == "failed_checks") return static_cast<double>(st->failed_checks);
            return bad();
        }
        return bad();
    }
    if (head == "kernel") {
        // The selected kernel profile's behaviours, so one file can state what each era does.
        const ipvs::KernelProfile& k = director_->kernel();
        if (tail == "syn_states_active") return k.syn_states_active ? 1 : 0;
        if (tail == "has_conn_reuse_mode") return k.has_conn_reuse_mode ? 1 : 0;
        if (tail == "conntrack_drop_only_if_confirmed") return k.conntrack_drop_only_if_confirmed ? 1 : 0;
        if (tail == "nodest_reprocess") return k.nodest_reprocess ? 1 : 0;
        if (tail == "nodest_flush") return k.nodest_flush ? 1 : 0;
        return bad();
    }
    if (head == "drain") {
        // drain.rs1.no_active_s / no_entries_s / started_s: seconds, or -1 (not (yet)).
        const size_t d2 = tail.find('.');
        const std::string rs = tail.substr(0, d2);
        const std::string what = d2 == std::string::npos ? "" : tail.substr(d2 + 1);
        const Drain* found = nullptr;
        for (const Drain& d : drains_)
            if (d.result.realserver == rs && found == nullptr) found = &d;
        if (what == "started_s") return found != nullptr ? found->result.at.seconds() : -1;
        if (what == "no_active_s") return found != nullptr && found->result.no_active_after ? found->result.no_active_after->seconds() : -1;
        if (what == "no_entries_s") return found != nullptr && found->result.no_entries_after ? found->result.no_entries_after->seconds() : -1;
        return bad();
    }
    return bad();
}

bool Run::known_quantity(const std::string& name) {
    try {
        (void)quantity(name);
        return true;
    } catch (const std::invalid_argument&) {
        return false;
    }
}

void Run::evaluate(size_t i) {
    ExpectResult& r = results_[i];
    const Expr e = Expr::parse(r.text);
    std::string observed;
    try {
        const double v = e.eval([&](const Expr::Ref& ref) {
            double x = 0;
            if (ref.at) {
                const auto it = at_values_.find(ref.name + "@" + sim::format_time(*ref.at));
                x = it == at_values_.end() ? NAN : it->second;
            } else {
                x = quantity(ref.name);
            }
            observed += (observed.empty() ? "" : ", ") + ref.name + (ref.at ? "@" + sim::format_time(*ref.at) : "") + "=" + fmt_num(x);
            return x;
        });
        r.passed = v != 0 && !std::isnan(v);
    } catch (const std::invalid_argument& ex) {
        r.passed = false;
        observed = ex.what();
    }
    r.observed = observed;
    LVS_TRACE(sim_, sim::kNoEntity, "expectation").f("that", r.text).f("passed", r.passed).f("observed", observed);
}

bool Run::run_until(sim::Time t) {
    const sim::Time target = std::min(t, end_);
    // Progress is reported between slices of the run, never by an event of its own, so the
    // event count (and so the report) is the same with or without it.
    if (options_.progress) {
        while (sim_.now() < target) {
            const sim::StopReason why = sim_.run_until(std::min(target, sim_.now() + options_.progress_every));
            options_.progress(sim_.now(), sim_.events_executed());
            if (why == sim::StopReason::Requested) break;
        }
    } else {
        sim_.run_until(target);
    }
    return target < end_;
}

ClientReport Run::client_report(const std::string& name, const std::vector<const ClientGroup*>& groups) const {
    ClientReport c;
    c.name = name;
    std::vector<double> loads;
    uint64_t closed_requests = 0, closed = 0;
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
        closed_requests += s.requests_on_closed_conns;
        closed += s.connections_closed;
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
    c.requests_per_connection = closed == 0 ? 0 : static_cast<double>(closed_requests) / static_cast<double>(closed);
    return c;
}

Report Run::report() {
    Report r;
    r.scenario = scenario_.name;
    r.lesson = scenario_.lesson;
    r.file = scenario_.file;
    r.seed = scenario_.seed;
    r.kernel = scenario_.kernel;
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
        s.connections_accepted = rs.web->stats().connections_accepted;
        s.requests = rs.web->stats().requests;
        s.time_wait_max = rs.host->tcp().counters().time_wait_max;
        s.keepalive_closes = rs.web->stats().keepalive_closes;
        s.busy_peak = rs.web->stats().busy_peak;
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
    if (fingerprint_) r.fingerprint = fingerprint_->value();
    return r;
}

CapacityInput Run::capacity_input(RealServer& rs) {
    const http::ServerStats& st = rs.web->stats_now();
    CapacityInput c;
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
    snapshots_.push_back(take_snapshot("end"));
    for (size_t i = 0; i < results_.size(); ++i)
        if (!scenario_.expectations[i].at || *scenario_.expectations[i].at > end_) evaluate(i);
    return report();
}

}  // namespace lvs::scenario
