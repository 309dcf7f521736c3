// What a run samples every sample_every: the realservers' rows, the drop-tail queues, the
// windows of each host's connections, and the models' invariants (check_invariants()).
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "models/scenario/runtime.hpp"
#include "models/trace/vocabulary.hpp"
#include "sim/check.hpp"

namespace lvs::scenario {

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
    // Links are looked at once each, as they appear: visitors' client hosts come mid-run.
    if (links_examined_ < net_.links_count()) {
        const std::vector<net::Network::LinkInfo> links = net_.links();
        for (uint32_t i = links_examined_; i < links.size(); ++i) {
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
        links_examined_ = static_cast<uint32_t>(links.size());
    }
    for (size_t k = 0; k < queues_.size(); ++k) {
        const auto [link, dir] = queued_links_[k];
        const net::QueueOccupancy o = net_.queue_occupancy(link, dir);
        queues_[k].samples.push_back({sim_.now(), o});
        LVS_TRACE(sim_, net_.entity(queue_node_[k]), trace::kind::net_queue)
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

}  // namespace lvs::scenario
