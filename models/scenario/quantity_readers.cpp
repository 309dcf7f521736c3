// The bodies of the quantity readers (quantity_readers.hpp); the templates among them live in
// the header, where the table's rows instantiate them.
#include "models/scenario/quantity_readers.hpp"

namespace lvs::scenario::quantity_detail {

Run::RealServer& rs_of(Run& r, const QuantityRef& q) { return r.realservers()[q.subject]; }
const ipvs::Dest* dest_of(Run& r, const QuantityRef& q) { return r.dest_of(q.subject); }

double entries(Run& r, std::optional<size_t> only, std::optional<ipvs::ConnState> state) {
    const net::Ipv4 addr = only ? r.scenario().realservers[*only].address : net::Ipv4{};
    double count = 0;
    // A fleet's entries are on all its directors (a pair's backup holds copies: the first only).
    const size_t directors = r.fleet_members().empty() ? 1 : r.director_count();
    for (size_t i = 0; i < directors; ++i)
        for (const ipvs::Conn* c : r.director_at(i).connections())
            if (!c->is_template() && (!only || c->dest_addr.addr == addr) && (!state || c->state == *state))
                ++count;
    return count;
}

double proto_entries(Run& r, ipvs::Proto proto) {
    double count = 0;
    for (const ipvs::Conn* c : r.director().connections())
        count += !c->is_template() && c->proto == proto ? 1 : 0;
    return count;
}

uint64_t web_stat(Run& r, const QuantityRef& q, uint64_t http::ServerStats::*field) {
    const Run::RealServer& rs = rs_of(r, q);
    return rs.web ? rs.web->stats().*field : 0;
}
double web_now(Run& r, const QuantityRef& q, uint32_t (http::WebServer::*f)() const) {
    const Run::RealServer& rs = rs_of(r, q);
    return rs.web ? double(((*rs.web).*f)()) : 0.0;
}

ClientReport clients_of(Run& r, const QuantityRef& q) {
    return r.client_report_now(q.all_groups ? std::nullopt : std::optional<size_t>(q.subject));
}

Run::QueueFigures client_queues(Run& r, const QuantityRef& q) {
    Run::QueueFigures sum;
    const auto& groups = r.client_groups();
    double weighted = 0;
    size_t n_groups = 0;
    for (size_t i = 0; i < groups.size(); ++i) {
        if (!q.all_groups && i != q.subject) continue;
        const Run::QueueFigures f = r.queues_toward(groups[i].hosts);
        sum.drops += f.drops;
        sum.delay_max_ms = std::max(sum.delay_max_ms, f.delay_max_ms);
        weighted += f.delay_mean_ms;
        ++n_groups;
    }
    sum.delay_mean_ms = n_groups == 0 ? 0 : weighted / static_cast<double>(n_groups);
    return sum;
}

double client_time_wait(Run& r, const QuantityRef& q) {
    uint64_t tw = 0;
    const auto& groups = r.client_groups();
    for (size_t i = 0; i < groups.size(); ++i)
        if (q.all_groups || i == q.subject)
            for (const auto& h : groups[i].hosts) tw += h->tcp().count(tcp::TcpState::TimeWait);
    return n(tw);
}

CapacityCheck capacity_of(Run& r, const QuantityRef& q) {
    return capacity_check(r.capacity_input(rs_of(r, q)));
}

const ipvs::HealthChecker::ServerState* health_of(Run& r, const QuantityRef& q) {
    return r.health_checkers()[q.subject]->server(r.scenario().realservers[q.realserver].name);
}

double drain(Run& r, const QuantityRef& q, std::optional<sim::Duration> DrainResult::*field) {
    const DrainResult* d = r.first_drain(q.subject);
    if (d == nullptr) return -1;
    if (field == nullptr) return d->at.seconds();
    return d->*field ? (d->*field)->seconds() : -1;
}

double servers_sum(Run& r, double (*one)(Run::RealServer&)) {
    double sum = 0;
    for (Run::RealServer& rs : r.realservers()) sum += one(rs);
    return sum;
}

double when(Run& r, const QuantityRef& q, bool realserver, bool first,
            tcp::TcpCounters::When tcp::TcpCounters::*which) {
    return earliest_or_latest(r, q, realserver, first,
                              [which](const tcp::TcpCounters& k, bool f) -> std::optional<sim::Time> {
                                  const tcp::TcpCounters::When& w = k.*which;
                                  if (w.first == sim::Time{} && w.last == sim::Time{}) return std::nullopt;
                                  return f ? w.first : w.last;
                              });
}
double first_error(Run& r, const QuantityRef& q, bool realserver) {
    return earliest_or_latest(
        r, q, realserver, true, [](const tcp::TcpCounters& k, bool) -> std::optional<sim::Time> {
            return k.error_seen ? std::optional<sim::Time>(k.first_error_at) : std::nullopt;
        });
}

const sock::Call& call_of(Run& r, const QuantityRef& q, bool realserver) {
    const sock::Program& p =
        realserver ? *r.realservers()[q.subject].program : *r.client_groups()[q.subject].program;
    return p.calls()[q.call];
}
double call_time(const sock::Call& c, bool returned) {
    if (!c.done) return -1;
    return (returned ? c.returned : c.started).seconds();
}

double ha_entries(const ipvs::Director& d) {
    double k = 0;
    for (const ipvs::Conn* c : d.connections()) k += c->is_template() ? 0 : 1;
    return k;
}

double ha_conns(const ipvs::Director& d, bool active) {
    double k = 0;
    for (const auto& svc : d.services())
        for (const ipvs::Dest* x : svc->dests) k += active ? x->activeconns : x->inactconns;
    return k;
}

double fleet_members(Run& r) {
    double k = 0;
    for (const FleetMember& m : r.fleet_members()) k += m.joined ? 1 : 0;
    return k;
}

PlacementCounts placement_of(Run& r, const QuantityRef& q) {
    const ClientPlacement& p = r.client_placement();
    if (q.all_groups) return p.all;
    return q.subject < p.groups.size() ? p.groups[q.subject] : PlacementCounts{};
}

double fleet_imbalance(Run& r) {
    double most = 0, sum = 0, count = 0;
    for (const auto& svc : r.director().services())
        for (const ipvs::Dest* d : svc->dests) {
            double a = 0;
            for (size_t i = 0; i < r.director_count(); ++i)
                if (const ipvs::Dest* x =
                        r.director_at(i).find_dest({svc->proto, svc->vip, svc->fwmark}, d->addr))
                    a += x->activeconns;
            most = std::max(most, a);
            sum += a;
            ++count;
        }
    return sum == 0 ? 1.0 : most / (sum / count);
}

double over_dests(Run& r, const QuantityRef& q, double (*f)(const ipvs::Dest&)) {
    if (r.fleet_members().empty()) {
        const ipvs::Dest* d = r.dest_of(q.subject);
        return d != nullptr ? f(*d) : 0.0;
    }
    double sum = 0;
    for (size_t i = 0; i < r.director_count(); ++i)
        if (const ipvs::Dest* d = r.dest_on(i, q.subject)) sum += f(*d);
    return sum;
}

}  // namespace lvs::scenario::quantity_detail
