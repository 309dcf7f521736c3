// UDP end to end (models/udp, models/dns, models/syslog and the director's UDP path): small
// scenarios written inline and run through the scenario runtime, read back through the
// quantities and the listings. What each case asserts is the kernel's or glibc's behaviour
// (/tmp/udp-facts.md when it was written), not merely what the model happened to do.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "models/ipvs/ipvsadm.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"

using namespace lvs;
using namespace lvs::scenario;

namespace {

// A run of one inline scenario, stepped to the times a case looks at.
struct UdpRun {
    explicit UdpRun(const std::string& yaml, RunOptions options = {})
        : run(load_scenario_text(yaml, "udp.yaml"), options) {}
    // Advance to `seconds` of simulated time (fractions allowed).
    void to(double seconds) { run.run_until(sim::at(sim::ms(std::llround(seconds * 1000)))); }
    double q(const std::string& name) { return run.quantity(name); }
    std::string lnc() { return run.take_snapshot("t").ipvsadm_lnc; }
    Run run;
};

size_t count_of(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

// The lines of `ipvsadm -Lnc` that mention `what`.
std::string lines_with(const std::string& text, const std::string& what) {
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(start, end - start);
        if (line.find(what) != std::string::npos) out += line + "\n";
        start = end + 1;
    }
    return out;
}

// The realservers dns1..dnsN (192.168.10.11, .12, ...), each running a DNS server on port 53.
std::string dns_servers(int n) {
    std::string out = "realservers:\n";
    for (int k = 1; k <= n; ++k)
        out += "  - name: dns" + std::to_string(k) + "\n    address: 192.168.10." + std::to_string(10 + k) +
               "\n    dns: on\n";
    return out;
}

}  // namespace

// ---- 1. UDP entries ----------------------------------------------------------------------------

TEST_CASE("udp: an entry is in state UDP, counted in InActConn, and every datagram refreshes it", "[udp]") {
    // One NAT backend; a fixed-port client asks at 1 s and then every 20 s (1, 21, 41, 61 s),
    // a per-lookup client once at 2 s.
    UdpRun r(R"(name: t
seed: 1
duration: 70s
director:
  rules: |
    -A -u 10.0.0.53:53 -s rr
    -a -u 10.0.0.53:53 -r 192.168.10.11:53 -m
)" + dns_servers(1) +
             R"(clients:
  - name: cache
    target: 10.0.0.53:53
    resolver: {every: 20s, source_port: fixed, start: 1s}
  - name: pod
    target: 10.0.0.53:53
    resolver: {every: 100s, start: 2s, stop: 3s}
timeline:
  - at: 30s
    ipvsadm: --set 0 0 10
)");
    r.to(1.5);
    CHECK(r.q("cache.lookups_answered") == 1);
    CHECK(r.q("director.udp_entries") == 1);
    CHECK(r.q("director.state.UDP") == 1);
    CHECK(r.q("dns1.inactive") == 1);
    CHECK(r.q("dns1.active") == 0);
    CHECK(r.q("dns1.conns") == 1);
    {
        const std::string lnc = r.lnc();
        INFO(lnc);
        // Answered at ~1.02 s (the answer passes the NAT director and refreshes the entry too):
        // 300 s from then, listed truncated to whole seconds.
        CHECK(count_of(lnc, "UDP 04:59  UDP ") == 1);
        CHECK(lines_with(lnc, "UDP ").find("10.0.0.53:53") != std::string::npos);
        CHECK(lines_with(lnc, "UDP ").find("192.168.10.11:53") != std::string::npos);
    }
    r.to(2.5);  // the pod's lookup: a new port, a new entry, another Conns
    CHECK(r.q("pod.lookups_answered") == 1);
    CHECK(r.q("director.udp_entries") == 2);
    CHECK(r.q("dns1.inactive") == 2);
    CHECK(r.q("dns1.active") == 0);
    CHECK(r.q("dns1.conns") == 2);
    r.to(20.5);  // counting down: 301.02 - 20.5 = 280.5 s left
    CHECK(count_of(r.lnc(), "UDP 04:40  UDP ") == 1);
    r.to(21.5);  // the cache's second query refreshed its entry; no new entry, no new Conns
    CHECK(r.q("cache.lookups_answered") == 2);
    CHECK(r.q("dns1.conns") == 2);
    CHECK(r.q("director.udp_entries") == 2);
    {
        const std::string lnc = r.lnc();
        INFO(lnc);
        CHECK(count_of(lnc, "UDP 04:59  UDP ") == 1);  // the cache's, refreshed
        CHECK(count_of(lnc, "UDP 04:40  UDP ") == 1);  // the pod's, from 2.02 s
    }
    // --set 0 0 10 at 30 s changes no running timer: the next datagram takes the new timeout.
    r.to(30.5);
    CHECK(count_of(r.lnc(), "UDP 04:50  UDP ") == 1);
    r.to(41.5);
    {
        const std::string lnc = r.lnc();
        INFO(lnc);
        CHECK(count_of(lnc, "UDP 00:09  UDP ") == 1);  // the cache's, refreshed at ~41.02 s
        CHECK(count_of(lnc, "UDP 04:20  UDP ") == 1);  // the pod's, untouched since 2.02 s
    }
    r.to(52);  // 10 s after its last datagram the cache's entry is gone
    CHECK(r.q("director.udp_entries") == 1);
    CHECK(r.q("dns1.inactive") == 1);
    r.to(61.5);  // so its next query makes a new entry: Conns counts it
    CHECK(r.q("director.udp_entries") == 2);
    CHECK(r.q("dns1.conns") == 3);
    CHECK(r.q("cache.lookups_failed") == 0);
}

TEST_CASE("udp: a NAT answer passing the director refreshes the entry, a DR answer never passes it",
          "[udp]") {
    // The DNS servers take 2 s to answer: the query at ~1.01 s arms 300 s, the NAT answer at
    // ~3.02 s arms them again (udp_state_transition() in both directions).
    const std::string forward = GENERATE(std::string("-m"), std::string("-g"));
    CAPTURE(forward);
    UdpRun r(R"(name: t
seed: 1
duration: 10s
director:
  rules: |
    -A -u 10.0.0.53:53 -s rr
    -a -u 10.0.0.53:53 -r 192.168.10.11:53 )" +
             forward + R"(
realservers:
  - name: dns1
    address: 192.168.10.11
    dns: {port: 53, answer_time: 2s}
clients:
  - name: pod
    target: 10.0.0.53:53
    resolver: {every: 100s, start: 1s}
)");
    r.to(3.5);
    CHECK(r.q("pod.lookups_answered") == 1);
    const std::string lnc = r.lnc();
    INFO(lnc);
    CHECK(count_of(lnc, forward == "-m" ? "UDP 04:59  UDP " : "UDP 04:57  UDP ") == 1);
}

TEST_CASE("udp: director.timeouts.udp sets the entries' timeout from the first datagram", "[udp]") {
    UdpRun r(R"(name: t
seed: 1
duration: 40s
director:
  timeouts: {udp: 15s}
  rules: |
    -A -u 10.0.0.53:53 -s rr
    -a -u 10.0.0.53:53 -r 192.168.10.11:53 -g
)" + dns_servers(1) +
             R"(clients:
  - name: cache
    target: 10.0.0.53:53
    resolver: {every: 10s, source_port: fixed, start: 1s, stop: 12s}
)");
    r.to(1.5);
    CHECK(count_of(r.lnc(), "UDP 00:14  UDP ") == 1);
    r.to(11.5);  // DR: only the query passes the director, at ~11.01 s
    CHECK(count_of(r.lnc(), "UDP 00:14  UDP ") == 1);
    CHECK(r.q("dns1.conns") == 1);
    r.to(25.5);
    CHECK(r.q("director.udp_entries") == 1);
    r.to(26.5);
    CHECK(r.q("director.udp_entries") == 0);
    CHECK(r.q("dns1.inactive") == 0);
    CHECK(r.q("cache.lookups_answered") == 2);
}

// ---- 2. One-packet scheduling -----------------------------------------------------------------

namespace {
std::string ops_farm(const char* forward) {
    return std::string(R"(name: t
seed: 1
duration: 15s
director:
  rules: |
    -A -u 10.0.0.53:53 -s rr -o
    -a -u 10.0.0.53:53 -r 192.168.10.11:53 )") +
           forward + "\n    -a -u 10.0.0.53:53 -r 192.168.10.12:53 " + forward +
           "\n    -a -u 10.0.0.53:53 -r 192.168.10.13:53 " + forward + R"(
)" + dns_servers(3) +
           R"(clients:
  - name: cache
    target: 10.0.0.53:53
    resolver: {every: 100ms, source_port: fixed, start: 1s, stop: 4s}
)";
}
}  // namespace

TEST_CASE("udp: one-packet scheduling (-o) spreads one flow's datagrams and keeps no entries", "[udp]") {
    SECTION("DR: every query answered") {
        UdpRun r(ops_farm("-g"));
        r.to(2.55);
        CHECK(r.q("director.udp_entries") == 0);
        CHECK(r.q("director.entries") == 0);
        r.to(10);
        const double lookups = r.q("cache.lookups");
        CHECK(lookups == 30);
        CHECK(r.q("cache.lookups_answered") == lookups);
        CHECK(r.q("cache.lookups_failed") == 0);
        CHECK(r.q("director.one_packet") == lookups);
        CHECK(r.q("director.udp_packets") == lookups);
        CHECK(r.q("director.udp_entries") == 0);
        // rr over three backends, one datagram at a time: 10 each, though every query came
        // from one address and port.
        for (const char* rs : {"dns1", "dns2", "dns3"}) {
            CAPTURE(rs);
            CHECK(r.q(std::string(rs) + ".dns_queries") == 10);
            CHECK(r.q(std::string(rs) + ".conns") == 10);  // Conns counts every datagram
            CHECK(r.q(std::string(rs) + ".inactive") == 0);
            CHECK(r.q(std::string(rs) + ".active") == 0);
        }
    }
    SECTION("NAT: the answers leave untranslated (no entry to match) and the resolver drops them") {
        UdpRun r(ops_farm("-m"));
        r.to(10);
        const double lookups = r.q("cache.lookups");
        CHECK(lookups == 30);
        CHECK(r.q("director.one_packet") >= lookups);
        CHECK(r.q("director.udp_entries") == 0);
        // The servers answered every query that reached them, from their own address.
        CHECK(r.q("dns1.dns_queries") + r.q("dns2.dns_queries") + r.q("dns3.dns_queries") ==
              r.q("director.udp_packets"));
        CHECK(r.q("cache.lookups_answered") == 0);
        r.to(15);  // two tries of 5 s each
        CHECK(r.q("cache.lookups_failed") == lookups);
        CHECK(r.q("cache.lookup_retries") == lookups);
        CHECK(r.q("director.one_packet") == 2 * lookups);
        CHECK(r.q("director.icmp_translated") == 0);
    }
}

// ---- 3. expire_nodest_conn ---------------------------------------------------------------------

namespace {
// Two DR backends; a fixed-port client (a caching forwarder: every query from one port) asks
// every 100 ms from 1 s. rr gives the service's first datagram to the backend added last
// (dns2; the precondition is checked), and -d deletes it at 10 s with its DNS server still up,
// so that only the director can lose a query.
std::string nodest_farm(const std::string& kernel, int expire_nodest_conn, const std::string& duration) {
    return "name: t\nseed: 1\nduration: " + duration + "\nkernel: \"" + kernel + R"("
director:
  sysctl: {expire_nodest_conn: )" +
           std::to_string(expire_nodest_conn) + R"(}
  rules: |
    -A -u 10.0.0.53:53 -s rr
    -a -u 10.0.0.53:53 -r 192.168.10.11:53 -g
    -a -u 10.0.0.53:53 -r 192.168.10.12:53 -g
)" + dns_servers(2) +
           R"(clients:
  - name: cache
    target: 10.0.0.53:53
    resolver: {every: 100ms, source_port: fixed, start: 1s}
timeline:
  - at: 10s
    ipvsadm: -d -u 10.0.0.53:53 -r 192.168.10.12:53
)";
}
}  // namespace

TEST_CASE(
    "udp: expire_nodest_conn=0 blackholes a fixed-port flow until 300 s after its last forwarded datagram",
    "[udp]") {
    UdpRun r(nodest_farm("current", 0, "330s"));
    r.to(9.95);
    REQUIRE(r.q("dns2.inactive") == 1);  // the flow's one entry is on the backend deleted at 10 s
    CHECK(r.q("dns1.dns_queries") == 0);
    const double answered = r.q("cache.lookups_answered");
    CHECK(answered == 90);
    CHECK(r.q("cache.lookups_failed") == 0);
    r.to(305);
    // Every query since 10 s was dropped, and the drops did not refresh the entry: it is listed
    // (its realserver gone) with ~5 s left of the 300 s from ~9.9 s.
    CHECK(r.q("cache.lookups_answered") == answered);
    CHECK(r.q("cache.lookups_failed") > 2800);
    CHECK(r.q("director.dropped_nodest") > 5000);
    CHECK(r.q("dns1.dns_queries") == 0);
    CHECK(r.q("director.udp_entries") == 1);
    CHECK(count_of(r.lnc(), "UDP 00:04  UDP ") == 1);
    r.to(309.8);
    CHECK(r.q("cache.lookups_answered") == answered);
    r.to(310.5);  // expired at ~309.9 s: the next query is scheduled anew, to dns1
    CHECK(r.q("cache.lookups_answered") > answered);
    CHECK(r.q("dns1.dns_queries") > 0);
    CHECK(r.q("dns1.inactive") == 1);
    const double dropped = r.q("director.dropped_nodest");
    r.to(316);  // the last lookup whose two tries were both dropped has failed by now
    const double failed = r.q("cache.lookups_failed");
    r.to(330);
    CHECK(r.q("cache.lookups_failed") == failed);
    CHECK(r.q("director.dropped_nodest") == dropped);
}

TEST_CASE("udp: expire_nodest_conn=1 on a current kernel moves the flow at its next query, none lost",
          "[udp]") {
    UdpRun r(nodest_farm("current", 1, "30s"));
    r.to(9.95);
    REQUIRE(r.q("dns2.inactive") == 1);
    const double before = r.q("cache.lookups_answered");
    r.to(30);
    CHECK(r.q("director.dropped_nodest") == 0);
    CHECK(r.q("cache.lookups_failed") == 0);
    CHECK(r.q("cache.lookup_retries") == 0);
    CHECK(r.q("cache.lookup_max") < 100);
    CHECK(r.q("dns1.dns_queries") == r.q("cache.lookups_answered") - before);
    CHECK(r.q("dns1.inactive") == 1);
    CHECK(r.q("director.udp_entries") == 1);
}

TEST_CASE("udp: expire_nodest_conn=1 on 3.10 drops the one datagram that expires the entry", "[udp]") {
    // Before 5.9 the entry is expired but its packet dropped, and nothing flushes at -d: the
    // lookup begun at 10 s loses its first try; the next lookup (a new entry, to dns1) and that
    // try's retry 5 s later go through.
    UdpRun r(nodest_farm("3.10", 1, "30s"));
    r.to(9.95);
    REQUIRE(r.q("dns2.inactive") == 1);
    r.to(30);
    CHECK(r.q("director.dropped_nodest") == 1);
    CHECK(r.q("cache.lookups_failed") == 0);
    CHECK(r.q("cache.lookup_retries") == 1);
    CHECK(r.q("cache.lookup_timeouts") == 1);
    // The retried lookup: answered 5 s (its timeout) and one round trip after it began.
    CHECK(r.q("cache.lookup_max") > 5000);
    CHECK(r.q("cache.lookup_max") < 5100);
    CHECK(r.q("director.udp_entries") == 1);
    CHECK(r.q("dns1.inactive") == 1);
}

// ---- 4. The stub resolver and the realservers' ICMP -------------------------------------------

TEST_CASE("udp: a stopped DNS server's port unreachable ends the try at once, the retry has a new port",
          "[udp]") {
    UdpRun r(R"(name: t
seed: 1
duration: 12s
director:
  rules: |
    -A -u 10.0.0.53:53 -s rr
    -a -u 10.0.0.53:53 -r 192.168.10.11:53 -g
    -a -u 10.0.0.53:53 -r 192.168.10.12:53 -g
)" + dns_servers(2) +
             R"(clients:
  - name: pod
    target: 10.0.0.53:53
    resolver: {every: 1s, start: 1s, stop: 10500ms}
timeline:
  - at: 500ms
    server: dns1
    action: stop
)");
    r.to(11.5);
    const double lookups = r.q("pod.lookups");
    const double refused = r.q("pod.lookups_refused");
    CHECK(lookups == 10);
    CHECK(r.q("pod.lookups_answered") == lookups);
    CHECK(r.q("pod.lookups_failed") == 0);
    // rr alternates: the first lookup goes to dns2, every later one first to dns1 (refused)
    // and its retry to dns2.
    CHECK(refused == 9);
    CHECK(r.q("pod.lookup_retries") == refused);
    CHECK(r.q("pod.lookup_timeouts") == 0);
    CHECK(r.q("dns1.icmp_unreachable") == refused);
    // No wait for the timeout: the refused try is followed by the retry at once.
    CHECK(r.q("pod.lookup_max") < 100);
    // The retry leaves from a new port, so the director schedules it anew (to dns2): one entry
    // per try, not per lookup.
    CHECK(r.q("director.udp_entries") == lookups + refused);
    CHECK(r.q("dns2.dns_queries") == lookups);
    CHECK(r.q("dns1.dns_queries") == 0);
    // DR: the ICMP goes from the realserver to the client (as from the VIP), not through IPVS.
    CHECK(r.q("director.icmp_translated") == 0);
}

TEST_CASE("udp: a realserver sends each client address a burst of 6 port unreachables, then 1 a second",
          "[udp]") {
    // Two fixed-port clients (172.16.0.1 and .2, the second 50 ms after the first) send every
    // 100 ms straight to a realserver's port 53, where nothing listens once its DNS server has
    // stopped.
    UdpRun r(R"(name: t
seed: 1
duration: 12s
director:
  rules: |
    -A -u 10.0.0.53:53 -s rr
    -a -u 10.0.0.53:53 -r 192.168.10.11:53 -m
)" + dns_servers(1) +
             R"(clients:
  - name: probe
    count: 2
    target: 192.168.10.11:53
    resolver: {every: 100ms, source_port: fixed, start: 1s}
timeline:
  - at: 500ms
    server: dns1
    action: stop
)");
    r.to(1.58);  // each address's first six datagrams (1.0-1.5 s, 1.05-1.55 s): a port unreachable each
    CHECK(r.q("dns1.icmp_unreachable") == 12);
    r.to(1.98);  // then the tokens are spent
    CHECK(r.q("dns1.icmp_unreachable") == 12);
    r.to(2.08);  // one more each at 2.0 and 2.05 s
    CHECK(r.q("dns1.icmp_unreachable") == 14);
    r.to(10.99);  // and one a second each until then: 2 x (6 + 9)
    CHECK(r.q("dns1.icmp_unreachable") == 30);
    CHECK(r.q("dns1.dns_queries") == 0);
    // An unconnected socket hears nothing of the ICMP (no IP_RECVERR): its tries time out.
    CHECK(r.q("probe.lookups_refused") == 0);
    CHECK(r.q("probe.lookups_answered") == 0);
    CHECK(r.q("probe.lookup_timeouts") > 0);
}

TEST_CASE("udp: once a realserver's ICMP budget for a client is spent, refused tries become timeouts",
          "[udp]") {
    // One DR backend whose DNS server has stopped; a per-lookup client every 200 ms from 1 s to
    // 2.8 s, one try of 1 s each. Port unreachables go out for the tries at 1.0 to 2.2 s (the
    // burst of six, and one more from the tokens refilled meanwhile); those at 2.4, 2.6 and
    // 2.8 s find the tokens spent and wait their timeout.
    UdpRun r(R"(name: t
seed: 1
duration: 6s
director:
  rules: |
    -A -u 10.0.0.53:53 -s rr
    -a -u 10.0.0.53:53 -r 192.168.10.11:53 -g
)" + dns_servers(1) +
             R"(clients:
  - name: pod
    target: 10.0.0.53:53
    resolver: {every: 200ms, timeout: 1s, attempts: 1, start: 1s, stop: 2900ms}
timeline:
  - at: 500ms
    server: dns1
    action: stop
)");
    r.to(5);
    CHECK(r.q("pod.lookups") == 10);
    CHECK(r.q("pod.lookups_failed") == 10);
    CHECK(r.q("dns1.icmp_unreachable") == 7);
    CHECK(r.q("pod.lookups_refused") == 7);
    CHECK(r.q("pod.lookup_timeouts") == 3);
}

TEST_CASE("udp: an unanswered lookup fails after attempts x timeout, its retries on the same port", "[udp]") {
    // dns1 has crashed: no answer and no ICMP. `tuned` asks with timeout 2 s and 3 attempts
    // (at 1 s and 11 s), `dflt` with glibc's defaults, 5 s and 2 attempts (at 1 s).
    UdpRun r(R"(name: t
seed: 1
duration: 20s
director:
  rules: |
    -A -u 10.0.0.53:53 -s rr
    -a -u 10.0.0.53:53 -r 192.168.10.11:53 -g
)" + dns_servers(1) +
             R"(clients:
  - name: tuned
    target: 10.0.0.53:53
    resolver: {every: 10s, timeout: 2s, attempts: 3, start: 1s, stop: 12s}
  - name: dflt
    target: 10.0.0.53:53
    resolver: {every: 100s, start: 1s, stop: 2s}
timeline:
  - at: 500ms
    server: dns1
    action: crash
)");
    r.to(6.9);
    CHECK(r.q("tuned.lookups_failed") == 0);
    CHECK(r.q("tuned.lookup_retries") == 2);
    r.to(7.1);  // 1 s + 3 x 2 s
    CHECK(r.q("tuned.lookups_failed") == 1);
    CHECK(r.q("tuned.lookup_retries") == 2);
    CHECK(r.q("tuned.lookup_timeouts") == 3);
    CHECK(r.q("dflt.lookups_failed") == 0);
    r.to(10.9);
    CHECK(r.q("dflt.lookups_failed") == 0);
    CHECK(r.q("dflt.lookup_retries") == 1);
    r.to(11.1);  // 1 s + 2 x 5 s
    CHECK(r.q("dflt.lookups_failed") == 1);
    r.to(17.1);
    CHECK(r.q("tuned.lookups") == 2);
    CHECK(r.q("tuned.lookups_failed") == 2);
    CHECK(r.q("tuned.lookup_retries") == 4);
    CHECK(r.q("tuned.lookup_timeouts") == 6);
    CHECK(r.q("tuned.lookups_answered") == 0);
    CHECK(r.q("tuned.lookups_refused") == 0);
    // A lookup keeps its socket through its tries: one entry per lookup (3 in all), each try
    // a datagram on it.
    CHECK(r.q("director.udp_entries") == 3);
    CHECK(r.q("dns1.conns") == 3);
    CHECK(r.q("director.udp_packets") == 3 * 2 + 2);
}

// ---- 5. Persistence -----------------------------------------------------------------------------

namespace {
std::string persistent_farm(const std::string& flags, const char* forward) {
    return R"(name: t
seed: 1
duration: 15s
director:
  rules: |
    -A -u 10.0.0.53:53 -s rr -p 60 )" +
           flags + "\n    -a -u 10.0.0.53:53 -r 192.168.10.11:53 " + forward +
           "\n    -a -u 10.0.0.53:53 -r 192.168.10.12:53 " + forward + R"(
)" + dns_servers(2) +
           R"(clients:
  - name: pod
    target: 10.0.0.53:53
    resolver: {every: 1s, start: 1s, stop: 10500ms}
)";
}
}  // namespace

TEST_CASE("udp: with -p 60 every lookup of a client goes to one realserver, whatever its port", "[udp]") {
    UdpRun r(persistent_farm("", "-g"));
    r.to(11.5);
    const double lookups = r.q("pod.lookups");
    CHECK(lookups == 10);
    CHECK(r.q("pod.lookups_answered") == lookups);
    const double q1 = r.q("dns1.dns_queries");
    const double q2 = r.q("dns2.dns_queries");
    CHECK(std::max(q1, q2) == lookups);
    CHECK(std::min(q1, q2) == 0);
    CHECK(r.q("director.templates") == 1);
    CHECK(r.q("director.udp_entries") == lookups);  // one entry per lookup (a new port each)
    // The template: UDP, client port 0, the service's address and port, state NONE (DR: no
    // answer passes the director), the persistence timeout from the last lookup (~10.0 s).
    const std::string lnc = r.lnc();
    INFO(lnc);
    CHECK(count_of(lnc, "UDP 00:58  NONE        172.16.0.1:0       10.0.0.53:53       ") == 1);
}

TEST_CASE("udp: -p with -o: the template keeps the client on one realserver, each datagram its own entry",
          "[udp]") {
    // ip_vs_sched_persist() gives the entries it makes under a template IP_VS_CONN_F_ONE_PACKET
    // too (svc->flags & IP_VS_SVC_F_ONEPACKET and UDP): they are never hashed and freed after
    // their datagram; only the template stays.
    UdpRun r(persistent_farm("-o", "-g"));
    r.to(11.5);
    const double lookups = r.q("pod.lookups");
    CHECK(r.q("pod.lookups_answered") == lookups);
    CHECK(std::max(r.q("dns1.dns_queries"), r.q("dns2.dns_queries")) == lookups);
    CHECK(r.q("director.templates") == 1);
    CHECK(r.q("director.udp_entries") == 0);
    CHECK(r.q("director.one_packet") == lookups);
    CHECK(r.q("dns1.inactive") + r.q("dns2.inactive") == 0);
}

TEST_CASE("udp: a NAT service's template turns ASSURED when an answer passes the director", "[udp]") {
    // udp_state_transition(): a datagram in the output direction calls ip_vs_control_assure_ct()
    // on the entry's template (5.9+).
    UdpRun r(persistent_farm("", "-m"));
    r.to(1.5);
    CHECK(r.q("pod.lookups_answered") == 1);
    CHECK(r.q("director.templates") == 1);
    const std::string lnc = r.lnc();
    INFO(lnc);
    CHECK(count_of(lnc, "ASSURED     172.16.0.1:0") == 1);
}

// ---- 6. Syslog -----------------------------------------------------------------------------------

TEST_CASE("udp: syslog flows stay on a weight-0 collector, only new flows go elsewhere", "[udp]") {
    // Four hosts send a message a second from 0 s, each from one port; log1 is set to weight 0
    // at 10 s; two more hosts start at 15 s. expire_nodest_conn=1 changes nothing: its
    // weight-0 rescheduling is for TCP SYNs (is_new_conn()), and log1 is not deleted.
    const int expire_nodest_conn = GENERATE(0, 1);
    CAPTURE(expire_nodest_conn);
    UdpRun r(R"(name: t
seed: 1
duration: 40s
director:
  sysctl: {expire_nodest_conn: )" +
             std::to_string(expire_nodest_conn) + R"(}
  rules: |
    -A -u 10.0.0.100:514 -s rr
    -a -u 10.0.0.100:514 -r 192.168.10.21:514 -m -w 1
    -a -u 10.0.0.100:514 -r 192.168.10.22:514 -m -w 1
realservers:
  - name: log1
    address: 192.168.10.21
    syslog: {port: 514}
  - name: log2
    address: 192.168.10.22
    syslog: on
clients:
  - name: hosts
    count: 4
    target: 10.0.0.100:514
    syslog: {every: 1s, size: 180B}
  - name: late
    count: 2
    target: 10.0.0.100:514
    syslog: {every: 1s, start: 15s}
timeline:
  - at: 10s
    ipvsadm: -e -u 10.0.0.100:514 -r 192.168.10.21:514 -m -w 0
)");
    r.to(9.9);
    CHECK(r.q("log1.inactive") == 2);
    CHECK(r.q("log2.inactive") == 2);
    r.to(20);
    const double log1_at_20 = r.q("log1.syslog_received");
    r.to(39.9);
    // Every message sent has arrived (the last ones are under way at most).
    CHECK(r.q("hosts.syslog_sent") == 4 * 40);
    CHECK(r.q("hosts.syslog_received") == r.q("hosts.syslog_sent"));
    CHECK(r.q("hosts.syslog_lost") == 0);
    CHECK(r.q("late.syslog_sent") == 2 * 25);
    CHECK(r.q("late.syslog_lost") == 0);
    // log1's two flows go on at weight 0: 2 messages a second from 20 s to 39.9 s.
    CHECK(r.q("log1.syslog_received") - log1_at_20 == 2 * 20);
    CHECK(r.q("log1.inactive") == 2);
    CHECK(r.q("log1.conns") == 2);
    // The late hosts' new flows all went to log2.
    CHECK(r.q("log2.inactive") == 4);
    CHECK(r.q("log2.conns") == 4);
    CHECK(r.q("log1.syslog_received") + r.q("log2.syslog_received") ==
          r.q("hosts.syslog_received") + r.q("late.syslog_received"));
    CHECK(r.q("director.dropped_nodest") == 0);
}

TEST_CASE("udp: syslog to a stopped collector is lost without the sender noticing", "[udp]") {
    UdpRun r(R"(name: t
seed: 1
duration: 30s
director:
  rules: |
    -A -u 10.0.0.100:514 -s rr
    -a -u 10.0.0.100:514 -r 192.168.10.21:514 -m
realservers:
  - name: log1
    address: 192.168.10.21
    syslog: on
clients:
  - name: host
    target: 10.0.0.100:514
    syslog: {every: 100ms}
timeline:
  - at: 10s
    server: log1
    action: stop
)");
    r.to(9.99);
    CHECK(r.q("host.syslog_lost") == 0);
    r.to(29.99);
    // The sender (unconnected, no IP_RECVERR) goes on from the same port: one entry, every
    // message after 10 s lost; the ICMPs it is sent are rate limited (6, then 1 a second).
    CHECK(r.q("host.syslog_sent") == 300);
    CHECK(r.q("host.syslog_lost") == 200);
    CHECK(r.q("director.udp_entries") == 1);
    CHECK(r.q("log1.conns") == 1);
    CHECK(r.q("log1.icmp_unreachable") == 6 + 19);
    // The realserver's ICMP is about an entry of a NAT service: the director sends it on.
    CHECK(r.q("director.icmp_translated") == r.q("log1.icmp_unreachable"));
}

TEST_CASE("udp: the director's port unreachable for a service with no destination is rate limited", "[udp]") {
    // ip_vs_leave() answers a datagram no destination can take with icmp_send(), under the same
    // limits as any ICMP the director sends (icmpv4_xrlim_allow(): a burst of 6 to one client
    // address, then 1 a second). The only realserver has weight 0; a per-lookup client asks
    // every 100 ms from 1 s to 2.95 s, one try of 1 s each.
    UdpRun r(R"(name: t
seed: 1
duration: 6s
director:
  rules: |
    -A -u 10.0.0.53:53 -s rr
    -a -u 10.0.0.53:53 -r 192.168.10.11:53 -g -w 0
)" + dns_servers(1) +
             R"(clients:
  - name: pod
    target: 10.0.0.53:53
    resolver: {every: 100ms, timeout: 1s, attempts: 1, start: 1s, stop: 2950ms}
)");
    r.to(5);
    CHECK(r.q("pod.lookups") == 20);
    CHECK(r.q("pod.lookups_failed") == 20);
    CHECK(r.q("dns1.dns_queries") == 0);
    // 1.0-1.5 s: six refusals; then one at 2.0 s: the other 13 tries wait their timeout.
    CHECK(r.q("director.icmp") == 7);
    CHECK(r.q("pod.lookups_refused") == 7);
    CHECK(r.q("pod.lookup_timeouts") == 13);
}

// ---- 7. A NAT realserver's ICMP -----------------------------------------------------------------

TEST_CASE("udp: a NAT realserver's port unreachable reaches the client as from the VIP", "[udp]") {
    // One NAT backend whose DNS server stopped at 0.5 s; a per-lookup client at 1, 3 and 5 s.
    UdpRun r(R"(name: t
seed: 1
duration: 10s
director:
  rules: |
    -A -u 10.0.0.53:53 -s rr
    -a -u 10.0.0.53:53 -r 192.168.10.11:53 -m
)" + dns_servers(1) +
             R"(clients:
  - name: pod
    target: 10.0.0.53:53
    resolver: {every: 2s, start: 1s, stop: 6s}
timeline:
  - at: 500ms
    server: dns1
    action: stop
)");
    r.to(5.5);  // each lookup: two tries, each refused at once (no 5 s waits)
    CHECK(r.q("pod.lookups") == 3);
    CHECK(r.q("pod.lookups_failed") == 3);
    CHECK(r.q("pod.lookups_refused") == 6);
    CHECK(r.q("pod.lookup_retries") == 3);
    CHECK(r.q("pod.lookup_timeouts") == 0);
    CHECK(r.q("dns1.icmp_unreachable") == 6);
    CHECK(r.q("director.icmp_translated") == 6);
    CHECK(r.q("director.udp_entries") == 6);  // a new port for every try
}

// ---- Determinism ----------------------------------------------------------------------------------

TEST_CASE("udp: the same scenario and seed give the same figures and trace twice", "[udp]") {
    const std::string text = R"(name: t
seed: 7
duration: 40s
director:
  rules: |
    -A -u 10.0.0.53:53 -s wrr
    -a -u 10.0.0.53:53 -r 192.168.10.11:53 -g -w 2
    -a -u 10.0.0.53:53 -r 192.168.10.12:53 -g -w 1
    -A -u 10.0.0.100:514 -s rr
    -a -u 10.0.0.100:514 -r 192.168.10.21:514 -m
    -a -u 10.0.0.100:514 -r 192.168.10.22:514 -m
realservers:
  - name: dns1
    address: 192.168.10.11
    dns: on
  - name: dns2
    address: 192.168.10.12
    dns: on
  - name: log1
    address: 192.168.10.21
    syslog: on
  - name: log2
    address: 192.168.10.22
    syslog: on
clients:
  - name: pods
    count: 5
    target: 10.0.0.53:53
    resolver: {every: exp(300ms)}
  - name: cache
    target: 10.0.0.53:53
    resolver: {every: 100ms, source_port: fixed}
  - name: hosts
    count: 3
    target: 10.0.0.100:514
    syslog: {every: exp(500ms)}
timeline:
  - at: 10s
    server: dns1
    action: stop
  - at: 20s
    ipvsadm: -d -u 10.0.0.53:53 -r 192.168.10.11:53
  - at: 25s
    ipvsadm: -e -u 10.0.0.100:514 -r 192.168.10.21:514 -m -w 0
)";
    const auto once = [&] {
        RunOptions o;
        o.fingerprint = true;
        UdpRun r(text, o);
        r.to(40);
        std::vector<double> v;
        for (const char* name :
             {"pods.lookups", "pods.lookups_answered", "pods.lookups_failed", "pods.lookups_refused",
              "pods.lookup_retries", "cache.lookups_failed", "hosts.syslog_sent", "hosts.syslog_lost",
              "dns1.icmp_unreachable", "dns2.dns_queries", "log1.syslog_received", "director.udp_entries",
              "director.dropped_nodest", "pods.lookup_p95"})
            v.push_back(r.q(name));
        return std::make_pair(v, r.run.fingerprint());
    };
    const auto a = once();
    const auto b = once();
    CHECK(a.first == b.first);
    REQUIRE(a.second.has_value());
    CHECK(a.second == b.second);
    CHECK(a.first[0] > 100);  // the run did something
    CHECK(a.first[3] > 0);    // refusals after dns1 stopped
    CHECK(a.first[5] > 0);    // the cache's flow on dns1 was blackholed after -d
}
