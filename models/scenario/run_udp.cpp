// UDP in a run: the realservers' DNS servers and syslog collectors, client groups of stub
// resolvers and syslog senders, what timeline verbs do to them, and their report figures.
#include "models/scenario/runtime.hpp"

namespace lvs::scenario {

void Run::build_udp_services(RealServer& rs, const RealServerSpec& spec) {
    if (spec.dns) {
        rs.dns = std::make_unique<dns::DnsServer>(*rs.host, *spec.dns);
        rs.dns->start();
    }
    if (spec.syslog_port) {
        rs.syslog = std::make_unique<syslog::Collector>(*rs.host, *spec.syslog_port, syslog_tally_);
        rs.syslog->start();
    }
}

// One host per resolver or sender, on its own access link, as browsers have.
void Run::build_udp_clients(size_t group, uint32_t& next_client) {
    const ClientGroupSpec& spec = scenario_.clients[group];
    ClientGroup& g = groups_[group];
    syslog_tally_.sent.resize(scenario_.clients.size(), 0);
    syslog_tally_.received.resize(scenario_.clients.size(), 0);
    for (uint32_t i = 0; i < spec.count; ++i) {
        const std::string name = spec.count == 1 ? spec.name : spec.name + "." + std::to_string(i + 1);
        auto h = std::make_unique<net::Host>(net_, name, spec.tcp);
        h->add_address(net::Ipv4(net::Ipv4::of(172, 16, 0, 0).value() + ++next_client));
        net_.add_link(h->node(), internet_, access_link());
        if (spec.udp.kind == UdpClientKind::Resolver)
            g.resolvers.push_back(
                std::make_unique<dns::StubResolver>(*h, spec.target, spec.udp.resolver, g.resolver_stats));
        else
            g.senders.push_back(std::make_unique<syslog::Sender>(
                *h, spec.target, spec.udp.syslog, syslog_tally_, static_cast<uint32_t>(group)));
        g.hosts.push_back(std::move(h));
    }
}

// Host i of a group starts i/count of one interval after the group's start, so that a group
// does not send in one instant; `stop` ends it.
void Run::start_udp_clients() {
    for (size_t k = 0; k < groups_.size(); ++k) {
        const ClientGroupSpec& spec = scenario_.clients[k];
        if (!spec.is_udp()) continue;
        ClientGroup& g = groups_[k];
        const http::Distribution& every =
            spec.udp.kind == UdpClientKind::Resolver ? spec.udp.resolver.interval : spec.udp.syslog.interval;
        const int64_t stagger = static_cast<int64_t>(every.mean());
        const size_t n = g.hosts.size();
        for (size_t i = 0; i < n; ++i) {
            const sim::Time first =
                spec.udp.start + sim::ns(stagger / static_cast<int64_t>(n) * static_cast<int64_t>(i));
            if (i < g.resolvers.size()) g.resolvers[i]->start(first);
            if (i < g.senders.size()) g.senders[i]->start(first);
        }
        if (spec.udp.stop)
            sim_.post_at(*spec.udp.stop,
                         [this, k] { udp_client_verb(groups_[k], ClientVerb::StopReloading); });
    }
}

void Run::udp_server_verb(RealServer& rs, ServerVerb verb) {
    // A stopped or killed daemon's socket closes (the host answers port unreachable); a crashed
    // host takes its daemons down with it; start brings them back.
    switch (verb) {
        case ServerVerb::Stop:
        case ServerVerb::GracefulStop:
        case ServerVerb::Kill:
        case ServerVerb::Crash:
            if (rs.dns) rs.dns->stop();
            if (rs.syslog) rs.syslog->stop();
            break;
        case ServerVerb::Start:
            if (rs.dns) rs.dns->start();
            if (rs.syslog) rs.syslog->start();
            break;
        default: break;
    }
}

void Run::udp_client_verb(ClientGroup& g, ClientVerb verb) {
    if (verb == ClientVerb::StopReloading) {
        for (auto& r : g.resolvers) r->stop();
        for (auto& s : g.senders) s->stop();
    } else if (verb == ClientVerb::StartReloading) {
        for (auto& r : g.resolvers) r->start(sim_.now());
        for (auto& s : g.senders) s->start(sim_.now());
    }
}

void Run::udp_client_report(ClientReport& c, const std::vector<const ClientGroup*>& groups) const {
    std::vector<double> answers;
    for (const ClientGroup* g : groups) {
        const dns::ResolverStats& r = g->resolver_stats;
        c.resolvers += g->resolvers.size();
        c.lookups += r.lookups;
        c.lookups_answered += r.answered;
        c.lookups_failed += r.failed;
        c.lookup_retries += r.retries;
        c.lookup_timeouts += r.timeouts;
        c.lookups_refused += r.refused;
        for (const auto& x : g->resolvers) c.lookups_pending += x->pending();
        answers.insert(answers.end(), r.answer_ms.begin(), r.answer_ms.end());
        c.syslog_senders += g->senders.size();
        for (const auto& s : g->senders) c.syslog_in_flight += s->sent_within(scenario_.network.rtt);
        const auto k = static_cast<size_t>(g - groups_.data());
        if (k < syslog_tally_.sent.size()) {
            c.syslog_sent += syslog_tally_.sent[k];
            c.syslog_received += syslog_tally_.received[k];
        }
    }
    c.lookup_p50_ms = percentile(answers, 50);
    c.lookup_p95_ms = percentile(answers, 95);
    c.lookup_max_ms = percentile(answers, 100);
}

void Run::udp_server_report(ServerReport& s, RealServer& rs) const {
    if (rs.dns) {
        s.dns = true;
        s.dns_queries = rs.dns->stats().queries;
        s.dns_answers = rs.dns->stats().answers;
    }
    if (rs.syslog) {
        s.syslog = true;
        s.syslog_received = rs.syslog->received();
    }
    s.udp_no_ports = rs.host->udp().counters().no_ports;
    s.icmp_unreachable = rs.host->udp().counters().icmp_sent;
}

DirectorUdpReport Run::director_udp_report() const {
    DirectorUdpReport d;
    const ipvs::DirectorCounters& c = director_->counters();
    for (const auto& svc : director_->services()) d.any = d.any || svc->proto == ipvs::Proto::Udp;
    d.any = d.any || c.udp_packets_in > 0;
    for (const ipvs::Conn* k : director_->connections())
        d.entries += !k->is_template() && k->proto == ipvs::Proto::Udp ? 1 : 0;
    d.datagrams = c.udp_packets_in;
    d.one_packet = c.one_packet;
    d.dropped_nodest = c.dropped_nodest;
    d.icmp_translated = c.icmp_translated;
    d.icmp_no_dest = c.no_dest_icmp;
    return d;
}

}  // namespace lvs::scenario
