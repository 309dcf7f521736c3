// The queueing cross-check for capacity lessons: what Erlang C and Little's law say about a
// realserver's worker pool for the load it was offered, next to what the simulation saw.
//
// Erlang C (M/M/c) treats a worker as busy only while it serves a request. A prefork server
// (Apache's prefork MPM) gives each connection its own worker from accept() to close, idle
// keep-alive time included, so the formula under-counts the workers a keep-alive load needs;
// Little's law over connections (held = connection rate x how long each is held) shows by how
// much.
#pragma once

#include <cstdint>
#include <string>

namespace lvs::scenario {

// Figures of one realserver over a run, as measured by the web server.
struct CapacityInput {
    bool prefork = false;
    uint32_t workers = 0;
    double elapsed_s = 0;
    uint64_t requests = 0;
    double service_total_s = 0;
    uint64_t connections_accepted = 0;
    uint64_t connections_closed = 0;
    double connection_total_s = 0;
    double busy_integral_s = 0;  // worker-seconds serving
    double held_integral_s = 0;  // worker-seconds held (prefork: by a connection)
    uint64_t waited = 0;         // prefork: connections that waited for a worker; event: requests
};

struct CapacityCheck {
    double arrival_rate = 0;     // lambda, requests per second
    double service_mean_s = 0;   // S
    double offered_erlangs = 0;  // A = lambda * S
    double erlang_c_wait = 0;    // P(wait) for c = workers servers, 1 when A >= c
    double erlang_busy = 0;      // mean busy workers the formula predicts (= A)
    double busy_mean = 0;        // simulated mean busy workers
    double held_mean = 0;        // simulated mean workers held
    double waited_fraction = 0;  // simulated share of connections (prefork) / requests (event) that waited
    double connection_rate = 0;  // lambda_c, connections per second
    double hold_mean_s = 0;      // W, mean time a connection stays open
    double little_held = 0;      // lambda_c * W
    double under_count = 0;      // held_mean - erlang_busy
};

// Erlang C: probability that an arrival waits, with c servers and A erlangs offered (the
// Erlang B recursion, numerically stable for large c). Source: Kleinrock, Queueing Systems
// vol. 1, §3.5; B(0)=1, B(k)=A·B(k-1)/(k+A·B(k-1)), C = c·B/(c - A·(1-B)).
double erlang_c(uint32_t c, double a);

CapacityCheck capacity_check(const CapacityInput& in);

}  // namespace lvs::scenario
