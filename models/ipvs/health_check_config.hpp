// How a health checker checks: whose semantics (ldirectord or keepalived) and how each
// realserver is probed. Plain data, apart from the checker so that scenario files can hold it
// (spec ipvs-tcp-http.md section 7).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/net/address.hpp"
#include "sim/time.hpp"

namespace lvs::ipvs {

// What a check does on the wire. Http: connect, send a GET with `Connection: close`, judge the
// answer's status code (keepalived HTTP_GET/SSL_GET, ldirectord checktype=negotiate). Tcp: a
// connect that completes (keepalived TCP_CHECK, ldirectord checktype=connect). Script: a local
// program's exit status (keepalived MISC_CHECK, ldirectord checktype=external), which no packet
// carries: its verdict comes from the scenario (`fail-checks` / `pass-checks`, the host up).
// None: not checked (a keepalived real_server without a checker stays as configured;
// ldirectord's checktype=on). Off: not checked and held out (ldirectord's checktype=off).
enum class CheckType : uint8_t { Http, Tcp, Script, None, Off };

// Whose semantics: they differ in how a service starts and when the spare server comes in.
//   ldirectord: every realserver starts down (quiescent: weight 0, else absent) until its first
//     check succeeds; the fallback server is added while no realserver is up.
//   keepalived: realservers start up unless `alpha`; the sorry server comes in when the quorum
//     is lost (the live weight sum below quorum - hysteresis) and leaves when it is regained
//     (at least quorum + hysteresis), and while it is in the service the live realservers are
//     taken out (check/ipwrapper.c, update_quorum_state()).
enum class CheckerTool : uint8_t { Ldirectord, Keepalived };

// How one realserver is checked. keepalived configures this per real_server (its checker
// block and inhibit_on_failure); ldirectord per virtual service.
struct CheckMethod {
    CheckType type = CheckType::Http;
    sim::Duration timeout = sim::s(5);  // checktimeout / negotiatetimeout (connect_timeout)
    // keepalived's delay_before_retry (0: at once); none: the next check comes after the interval.
    std::optional<sim::Duration> retry_delay;
    uint32_t failures = 1;   // failurecount (keepalived: retry + 1)
    bool quiescent = false;  // must be explicit in scenarios (spec section 7, note)
    // Consecutive successes that bring a failed realserver back; 0: the tool's own rule (keepalived's
    // HTTP_GET/SSL_GET 2, as check_http.c's epilog() first clears failed_url, then passes every
    // url again; 1 otherwise, with fast_recovery, and for a first success after alpha).
    uint32_t successes = 0;
    // Redirects count as the page they lead to (ldirectord's LWP follows them); keepalived does not.
    bool follow_redirects = false;
    std::vector<uint16_t> status_codes;  // accepted answers; empty: any 2xx (LWP's is_success)
    std::string path = "/";              // what the GET asks for (traces only)
};

}  // namespace lvs::ipvs
