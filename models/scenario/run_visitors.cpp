// Client groups whose hosts are made as they come: visitors arriving by a rate, a day's
// profile or a CSV of times (each visit a session of pages, on a host of its own address), and
// the clients of a replayed access log (one host per logged address, its requests at their
// logged times).
//
// A visit takes a host whose last visit is over (its connections closed) or, when none is,
// a new host on an access link of its own; so the group has as many hosts as were ever held at
// once (a visit's idle connections hold its host after it), not as many as arrived. Every visit gets a new
// client address (from 100.64.0.0/10), as a new user would: persistence and the director's connection table
// see distinct clients.
#include "models/scenario/runtime.hpp"

namespace lvs::scenario {

net::LinkSpec Run::access_link() const {
    const NetworkSpec& n = scenario_.network;
    const sim::Duration access = std::max(sim::ns(1), n.rtt / 2 - n.lan_delay * 2);
    return {access, n.bandwidth_bps, n.loss, n.burst, n.queue};
}

void Run::build_visitors(size_t group) {
    const ClientGroupSpec& spec = scenario_.clients[group];
    ClientGroup& g = groups_[group];
    g.visitors = std::make_unique<ClientGroup::Visitors>();
    ClientGroup::Visitors& v = *g.visitors;
    v.rng = sim_.stream(spec.name + ":arrivals");
    if (spec.arrivals) v.clock = std::make_unique<http::ArrivalClock>(spec.arrivals->process);
    struct Due {
        Run* run;
        size_t group;
        void operator()() const { run->on_visitor(group); }
    };
    v.next = std::make_unique<sim::Timer>(sim_, Due{this, group});
    const sim::Time first = spec.arrivals ? v.clock->next(sim::Time{}, v.rng)
                                          : spec.access_log->users.front().requests.front().at;
    if (first != sim::Time::max()) v.next->arm_at(first);
}

net::Ipv4 Run::fresh_client_address() {
    // RFC 6598's shared address space first (4,194,304 addresses, distinct from the RFC 1918
    // ones scenarios use); past it, on from 1.0.0.0: routing only needs an address no host
    // owns. Addresses any host or the director owns are skipped.
    for (;;) {
        if (next_visitor_address_ == net::Ipv4::of(100, 128, 0, 0).value())
            next_visitor_address_ = net::Ipv4::of(1, 0, 0, 0).value();
        const net::Ipv4 a(next_visitor_address_++);
        if (net_.owner(a) == net::kNoNode) return a;
    }
}

uint32_t Run::add_client_host(size_t group, const http::BrowserConfig& config) {
    const ClientGroupSpec& spec = scenario_.clients[group];
    ClientGroup& g = groups_[group];
    const std::string name = spec.name + "." + std::to_string(g.hosts.size() + 1);
    auto h = std::make_unique<net::Host>(net_, name, spec.tcp);
    net_.add_link(h->node(), internet_, access_link());
    net_.attach_leaf(h->node());
    const bool api = config.profile.kind == http::ClientKind::Api;
    g.browsers.push_back(
        std::make_unique<http::Browser>(*h, name + (api ? ":client" : ":browser"), config, g.stats));
    g.hosts.push_back(std::move(h));
    return static_cast<uint32_t>(g.hosts.size() - 1);
}

void Run::on_visitor(size_t group) {
    const ClientGroupSpec& spec = scenario_.clients[group];
    ClientGroup& g = groups_[group];
    ClientGroup::Visitors& v = *g.visitors;
    http::BrowserConfig cfg = spec.browser;
    cfg.server = spec.target;
    if (spec.access_log) {
        // The next logged client: a host of its own, with its logged address when the run can
        // give it.
        const LoggedUser& u = spec.access_log->users[v.arrival++];
        cfg.profile = *http::find_client_profile(u.preset);
        cfg.schedule.replay = u.requests;
        const uint32_t k = add_client_host(group, cfg);
        const bool usable = u.ipv4 && net_.owner(*u.ipv4) == net::kNoNode && u.ipv4->value() != 0;
        if (!usable) ++v.remapped;
        g.hosts[k]->take_address(usable ? *u.ipv4 : fresh_client_address());
        g.browsers[k]->start();
        if (v.arrival < spec.access_log->users.size())
            v.next->arm_at(std::max(sim_.now(), spec.access_log->users[v.arrival].requests.front().at));
        return;
    }
    // A CSV row may name the visitor's preset and page count.
    const size_t at =
        spec.arrivals->process.kind == http::ArrivalProcess::Kind::Times ? v.clock->last_time() : SIZE_MAX;
    const ArrivalRow* row = at < spec.arrivals->rows.size() ? &spec.arrivals->rows[at] : nullptr;
    if (row != nullptr && !row->client.empty()) {
        const bool https = cfg.https;
        cfg.profile = *http::find_client_profile(row->client);
        cfg.https = https;
    }
    if (row != nullptr && row->pages > 0) cfg.session.pages = http::Distribution::fixed(row->pages);
    uint32_t k = 0;
    if (!v.free.empty()) {
        k = v.free.back();
        v.free.pop_back();
    } else {
        k = add_client_host(group, cfg);
    }
    g.hosts[k]->take_address(fresh_client_address());
    http::Browser& b = *g.browsers[k];
    struct Freed {
        Run* run;
        size_t group;
        uint32_t host;
    };
    const Freed f{this, group, k};
    b.on_free([f](http::Browser&) {
        ClientGroup::Visitors& vv = *f.run->groups_[f.group].visitors;
        vv.free.push_back(f.host);
    });
    b.begin_session(cfg);
    const sim::Time next = v.clock->next(sim_.now(), v.rng);
    if (next != sim::Time::max()) v.next->arm_at(next);
}

}  // namespace lvs::scenario
