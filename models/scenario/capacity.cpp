#include "models/scenario/capacity.hpp"

namespace lvs::scenario {

double erlang_c(uint32_t c, double a) {
    if (c == 0) return 1;
    if (a <= 0) return 0;
    if (a >= c) return 1;  // overloaded: every arrival waits, the queue grows without bound
    double b = 1;
    for (uint32_t k = 1; k <= c; ++k) b = a * b / (k + a * b);
    return c * b / (c - a * (1 - b));
}

CapacityCheck capacity_check(const CapacityInput& in) {
    CapacityCheck r;
    if (in.elapsed_s <= 0) return r;
    r.arrival_rate = static_cast<double>(in.requests) / in.elapsed_s;
    r.service_mean_s = in.requests != 0 ? in.service_total_s / static_cast<double>(in.requests) : 0;
    r.offered_erlangs = r.arrival_rate * r.service_mean_s;
    r.erlang_c_wait = erlang_c(in.workers, r.offered_erlangs);
    r.erlang_busy = r.offered_erlangs;  // Little's law on the workers: L = lambda * S
    r.busy_mean = in.busy_integral_s / in.elapsed_s;
    r.held_mean = in.held_integral_s / in.elapsed_s;
    const uint64_t base = in.prefork ? in.connections_accepted : in.requests;
    r.waited_fraction = base != 0 ? static_cast<double>(in.waited) / static_cast<double>(base) : 0;
    r.connection_rate = static_cast<double>(in.connections_accepted) / in.elapsed_s;
    r.hold_mean_s =
        in.connections_closed != 0 ? in.connection_total_s / static_cast<double>(in.connections_closed) : 0;
    r.little_held = r.connection_rate * r.hold_mean_s;
    r.under_count = r.held_mean - r.erlang_busy;
    return r;
}

}  // namespace lvs::scenario
