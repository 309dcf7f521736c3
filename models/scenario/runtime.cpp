// A run: construction, snapshots, quantities, expectations, stepping and the report. The
// rest of Run is in run_build.cpp (assembling the models), run_timeline.cpp (timeline entries,
// drains, listings) and run_samples.cpp (samples, queues, windows, invariants).
#include "models/scenario/runtime.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "models/ipvs/ipvsadm.hpp"
#include "models/scenario/expr.hpp"
#include "models/scenario/quantity.hpp"
#include "models/tcp/ss.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::scenario {

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    // Nearest-rank percentile.
    const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

namespace {

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
          sim_,
          [this] {
              ++observer_events_;
              trace_listings();
          },
          sim::Priority::Late) {
    // With invariant checks on, every record is held against the vocabulary before any sink
    // (the JSON Lines writer first) sees it.
    if (options_.check_invariants &&
        (options_.trace_jsonl != nullptr || !options_.extra_sinks.empty() || options_.fingerprint))
        sim_.trace().subscribe(vocabulary_check_);
    if (options_.trace_jsonl != nullptr) {
        jsonl_ = std::make_unique<sim::JsonLinesSink>(*options_.trace_jsonl);
        sim_.trace().subscribe(*jsonl_);
    }
    for (sim::TraceSink* t : options_.extra_sinks) sim_.trace().subscribe(*t);
    if (options_.fingerprint) {
        fingerprint_ = std::make_unique<sim::FingerprintSink>();
        sim_.trace().subscribe(*fingerprint_);
    }
    if (partitioned()) {
        if (const std::string why = partition_limits(s); !why.empty())
            throw std::invalid_argument(
                "this scenario cannot be split into the clients' and the director's side: " + why);
        sim_.set_own_lp(options_.partition_lp);
    }
    build();
}

std::vector<ServiceTable> Run::service_tables() const {
    std::map<const ipvs::Dest*, std::map<std::string, uint64_t>> states;  // entries by state
    for (const ipvs::Conn* c : director_->connections())
        if (!c->is_template() && c->dest != nullptr)
            ++states[c->dest][std::string(ipvs::to_string(c->state))];
    std::vector<ServiceTable> out;
    for (const auto& svc : director_->services()) {
        ServiceTable v;
        v.address = svc->fwmark != 0 ? "FWM " + std::to_string(svc->fwmark) : svc->vip.str();
        v.scheduler = svc->sched_name;
        std::vector<const ipvs::Dest*> dests(svc->dests.begin(), svc->dests.end());
        std::sort(dests.begin(), dests.end(), [](const ipvs::Dest* a, const ipvs::Dest* b) {
            return a->addr < b->addr;
        });  // ipvsadm sorts
        for (const ipvs::Dest* d : dests)
            v.realservers.push_back({director_->dest_name(*d), d->addr.str(),
                                     std::string(ipvs::to_string(d->forward)), d->weight, d->activeconns,
                                     d->inactconns, d->persistconns, d->stats.conns - d->zero_point.conns,
                                     states[d]});
        out.push_back(std::move(v));
    }
    return out;
}

Run::~Run() {
    if (pcap_) pcap_->flush_all();
}

const ipvs::Dest* Run::dest_of(size_t realserver) const { return dest_on(0, realserver); }

const ipvs::Dest* Run::dest_on(size_t director, size_t realserver) const {
    const net::Ipv4 addr = scenario_.realservers[realserver].address;
    const ipvs::Director& on = director_at(director);
    for (const auto& svc : on.services())
        for (const ipvs::Dest* d : svc->dests)
            if (d->addr.addr == addr) return d;
    for (const ipvs::Dest* d : on.trash())
        if (d->addr.addr == addr) return d;
    return nullptr;
}

Snapshot Run::take_snapshot(const std::string& label) {
    Snapshot s;
    s.label = label;
    s.at = sim_.now();
    s.ipvsadm_ln = ipvs::ipvsadm_ln(*director_);
    s.ipvsadm_lnc = ipvs::ipvsadm_lnc(*director_);
    s.services = service_tables();
    if (peer_) {
        const auto state = [&](size_t i) {
            return scenario_.ha->directors[i].name + " (" + std::string(ha::to_string(ha_[i].vrrp->state())) +
                   ")";
        };
        s.director = state(0);
        s.peer = state(1);
        s.peer_ln = ipvs::ipvsadm_ln(*peer_);
    }
    for (size_t i = 0; i < fleet_state_.size(); ++i) {
        const std::string name = scenario_.fleet->directors[i].name + " (" +
                                 (fleet_state_[i].director->down() ? "down"
                                  : fleet_state_[i].joined         ? "in"
                                                                   : "out") +
                                 ")";
        if (i == 0) s.director = name;
        else s.fleet_ln.emplace_back(name, ipvs::ipvsadm_ln(*fleet_state_[i].director));
    }
    for (const auto& [name, stack] : listed_hosts())
        s.sockets.push_back({name, tcp::ss_listing(*stack, false), tcp::ss_listing(*stack, true)});
    LVS_TRACE(sim_, net_.entity(director_->node()), trace::kind::snapshot)
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
    LVS_TRACE(sim_, sim::kNoEntity, trace::kind::expectation)
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
    uint64_t session_pages = 0;
    for (const ClientGroup* g : groups) {
        const http::BrowserStats& s = g->stats;
        c.browsers += g->browsers.size();
        for (const auto& b : g->browsers) c.api_clients += b->config().profile.kind == http::ClientKind::Api;
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
        c.stalls += s.stalls;
        c.tls_full += s.tls_full;
        c.tls_resumed += s.tls_resumed;
        c.tls_wait_mean_ms += s.tls_wait_ms;  // a sum until the end of the loop
        c.h2_sessions += s.h2_sessions;
        c.goaway += s.goaway;
        c.goaway_retries += s.goaway_retries;
        c.ping_failures += s.ping_failures;
        c.idle_trims += s.idle_trims;
        c.sessions += s.sessions_started;
        c.sessions_completed += s.sessions_completed;
        session_pages += s.session_pages;
        c.replayed_requests += s.replayed_requests;
        c.sessions_peak += s.sessions_peak;
        if (g->visitors) {
            c.visitor_hosts += g->browsers.size();
            c.remapped_addresses += g->visitors->remapped;
        }
        if (groups.size() == 1) {
            const ClientGroupSpec& spec = scenario_.clients[static_cast<size_t>(g - groups_.data())];
            for (size_t k = 0; k < spec.browser.mix.size(); ++k)
                c.page_mix.emplace_back(spec.browser.mix[k].name,
                                        k < s.pages_by_choice.size() ? s.pages_by_choice[k] : 0);
            if (spec.access_log) c.access_log = spec.access_log->summary;
        }
        loads.insert(loads.end(), s.load_ms.begin(), s.load_ms.end());
        for (const auto& b : g->browsers) c.objects_pending += b->pending_objects();
        for (size_t i = 0; i < groups_.size(); ++i)
            if (&groups_[i] == g) c.time_wait_max += group_time_wait_max_[i];
    }
    if (groups.size() == groups_.size() && groups_.size() > 1) c.time_wait_max = client_time_wait_max_;
    c.session_pages_mean = c.sessions_completed == 0 ? 0
                                                     : static_cast<double>(session_pages) /
                                                           static_cast<double>(c.sessions_completed);
    const uint64_t handshakes = c.tls_full + c.tls_resumed;
    c.tls_wait_mean_ms = handshakes == 0 ? 0 : c.tls_wait_mean_ms / static_cast<double>(handshakes);
    c.page_load_p50_ms = percentile(loads, 50);
    c.page_load_p95_ms = percentile(loads, 95);
    c.page_load_p99_ms = percentile(loads, 99);
    double sum = 0;
    for (double v : loads) sum += v;
    c.page_load_mean_ms = loads.empty() ? 0 : sum / static_cast<double>(loads.size());
    // Over every connection opened, open ones included (they carry requests too).
    c.requests_per_connection = c.connections_opened == 0 ? 0
                                                          : static_cast<double>(c.requests) /
                                                                static_cast<double>(c.connections_opened);
    udp_client_report(c, groups);
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
    // The model's events: the listings traced for the viewer are events too, but a run must
    // report the same figure with and without --trace.
    r.events = sim_.events_executed() - observer_events_;
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
        udp_server_report(s, rs);
        s.time_wait_max = rs.host->tcp().counters().time_wait_max;
        s.idle_keepalive_peak = rs_idle_peak_[rs.name];
        s.capacity = capacity_input(rs);
        r.realservers.push_back(s);
    }
    for (const Drain& d : drains_) r.drains.push_back(d.result);
    r.director_udp = director_udp_report();
    r.ha = ha_report();
    r.fleet = fleet_report();
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
