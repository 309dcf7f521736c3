// How the quantity table reads a figure from a running simulation: per subject (a realserver,
// a client group, a health check, a drain) and per kind of host counter. Kept apart from the
// table (quantity_table.cpp) so that the table reads as a list of names, units and meanings,
// each row one short call into these.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "models/scenario/quantity.hpp"
#include "models/scenario/runtime.hpp"

namespace lvs::scenario::quantity_detail {

inline double n(uint64_t v) { return static_cast<double>(v); }

Run::RealServer& rs_of(Run& r, const QuantityRef& q);
const ipvs::Dest* dest_of(Run& r, const QuantityRef& q);

// Connection entries (not templates) bound to the realserver `only` (or any), in `state` (or any).
double entries(Run& r, std::optional<size_t> only, std::optional<ipvs::ConnState> state);

// A web server's figure; 0 for a realserver that runs a script instead.
uint64_t web_stat(Run& r, const QuantityRef& q, uint64_t http::ServerStats::*field);
double web_now(Run& r, const QuantityRef& q, uint32_t (http::WebServer::*f)() const);

ClientReport clients_of(Run& r, const QuantityRef& q);
// Connection entries of one protocol (templates left out).
double proto_entries(Run& r, ipvs::Proto proto);
// Queue figures toward the hosts of one client group, or of every group.
Run::QueueFigures client_queues(Run& r, const QuantityRef& q);
double client_time_wait(Run& r, const QuantityRef& q);

CapacityCheck capacity_of(Run& r, const QuantityRef& q);

const ipvs::HealthChecker::ServerState* health_of(Run& r, const QuantityRef& q);
// A health figure, or NaN (the check fails visibly) when the checker never knew the realserver.
template <class F>
double health(Run& r, const QuantityRef& q, F f) {
    const auto* st = health_of(r, q);
    return st == nullptr ? NAN : f(*st);
}

double drain(Run& r, const QuantityRef& q, std::optional<sim::Duration> DrainResult::*field);

// A fleet (`fleet:`): directors in the ECMP group, the share of needless moves, and the busiest
// realserver's ActiveConn over the mean, summed over the directors.
double fleet_members(Run& r);
// Where a group's clients went (a fleet only: zeros otherwise); `clients`: every group.
PlacementCounts placement_of(Run& r, const QuantityRef& q);
double fleet_imbalance(Run& r);
// A realserver's figure from its destination: on the director, or summed over a fleet's directors.
double over_dests(Run& r, const QuantityRef& q, double (*f)(const ipvs::Dest&));
double servers_sum(Run& r, double (*one)(Run::RealServer&));

// Visits the TCP counters (tcp_stack.hpp) of the realserver's host, or of every host of the
// client group (all groups for `clients`).
template <class F>
void for_each_host(Run& r, const QuantityRef& q, bool realserver, F f) {
    if (realserver) {
        f(r.realservers()[q.subject].host->tcp().counters());
        return;
    }
    const auto& groups = r.client_groups();
    for (size_t i = 0; i < groups.size(); ++i)
        if (q.all_groups || i == q.subject)
            for (const auto& h : groups[i].hosts) f(h->tcp().counters());
}
// The largest of a figure over every open connection of the realserver or client group.
template <class F>
double max_over_connections(Run& r, const QuantityRef& q, bool realserver, F f) {
    double best = 0;
    const auto visit = [&](net::Host& h) {
        h.tcp().for_each_connection([&](const tcp::TcpConn& c) {
            if (c.state() == tcp::TcpState::Established || c.state() == tcp::TcpState::CloseWait)
                best = std::max(best, double(f(c.info())));
        });
    };
    if (realserver) {
        visit(*r.realservers()[q.subject].host);
        return best;
    }
    const auto& groups = r.client_groups();
    for (size_t i = 0; i < groups.size(); ++i)
        if (q.all_groups || i == q.subject)
            for (const auto& h : groups[i].hosts) visit(*h);
    return best;
}
template <class F>
double over_hosts(Run& r, const QuantityRef& q, bool realserver, F f) {
    double sum = 0;
    for_each_host(r, q, realserver, [&](const tcp::TcpCounters& k) { sum += f(k); });
    return sum;
}
// The earliest (or latest) of a time the hosts recorded, or -1 when none did.
template <class F>
double earliest_or_latest(Run& r, const QuantityRef& q, bool realserver, bool first, F time_of) {
    double best = -1;
    for_each_host(r, q, realserver, [&](const tcp::TcpCounters& k) {
        const std::optional<sim::Time> t = time_of(k, first);
        if (!t) return;
        const double x = t->seconds();
        if (best < 0 || (first ? x < best : x > best)) best = x;
    });
    return best;
}
// When a kind of segment was first (or last) sent: -1 if never.
double when(Run& r, const QuantityRef& q, bool realserver, bool first,
            tcp::TcpCounters::When tcp::TcpCounters::*which);
double first_error(Run& r, const QuantityRef& q, bool realserver);

// A scripted program's call (N), by the realserver's or the client group's program.
const sock::Call& call_of(Run& r, const QuantityRef& q, bool realserver);
double call_time(const sock::Call& c, bool returned);
// A director's entries (templates left out), and its ActiveConn or InActConn over all services.
double ha_entries(const ipvs::Director& d);
double ha_conns(const ipvs::Director& d, bool active);

}  // namespace lvs::scenario::quantity_detail
