// lvsim's public API: what the clients and the realservers' web servers saw, as the report
// gives it. The simulator's report is made of these same structs (its realserver rows extend
// ServerStats with figures only its own cross-checks read).
#pragma once

#include <cstdint>
#include <string>

namespace lvsim {

/// What a group of browsers (or all of them, name "clients") experienced.
struct ClientStats {
    std::string name;                    ///< the client group's name, or "clients" for all
    uint64_t browsers = 0;               ///< browsers in the group
    uint64_t pages = 0;                  ///< page loads started
    uint64_t pages_completed = 0;        ///< page loads with every object in
    uint64_t pages_aborted = 0;          ///< page loads cut short by the next reload
    uint64_t objects_ok = 0;             ///< objects received
    uint64_t objects_failed = 0;         ///< objects given up on (refused, reset, timed out)
    uint64_t objects_aborted = 0;        ///< objects abandoned by a reload while waiting
    uint64_t objects_pending = 0;        ///< objects still awaited when the report was made
    uint64_t retries = 0;                ///< transparent browser retries
    uint64_t connections_opened = 0;     ///< TCP connections the browsers opened
    uint64_t requests = 0;               ///< HTTP requests sent
    uint64_t errors_refused = 0;         ///< connections refused (RST to the SYN)
    uint64_t errors_reset = 0;           ///< connections reset, or closed before the response
    uint64_t errors_timeout = 0;         ///< requests that timed out (only with a request timeout)
    uint64_t time_wait_max = 0;          ///< most client sockets in TIME_WAIT at one time
    double page_load_p50_ms = 0;         ///< page load time, median (ms)
    double page_load_p95_ms = 0;         ///< page load time, 95th percentile (ms)
    double page_load_p99_ms = 0;         ///< page load time, 99th percentile (ms)
    double page_load_mean_ms = 0;        ///< page load time, mean (ms)
    double longest_stall_s = 0;          ///< the longest a request waited: response, failure or abort (s)
    uint64_t stalls = 0;                 ///< requests that waited 1 s or more (a user notices)
    double requests_per_connection = 0;  ///< requests per connection opened (open ones included)
};

/// What a realserver's web server saw.
struct ServerStats {
    std::string name;                   ///< the realserver's name ("rs1")
    std::string address;                ///< its address ("192.168.10.11")
    uint64_t connections_accepted = 0;  ///< connections its web server accepted
    uint64_t requests = 0;              ///< requests it answered
    uint64_t time_wait_max = 0;         ///< most server sockets in TIME_WAIT at one time
    uint64_t keepalive_closes = 0;      ///< idle keep-alive connections the server closed
};

}  // namespace lvsim
