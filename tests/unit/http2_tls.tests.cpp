// HTTPS and HTTP/2 end to end: TLS round trips and resumption, one connection per origin with
// streams up to the server's limit, GOAWAY and its retries, PING on a dead connection, the API
// clients' pools and retry rules, and the scenario keys' errors.
#include <catch2/catch.hpp>
#include <string>

#include "models/http/presets_table.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"
#include "tests/support/readme.hpp"
#include "tests/support/scenario_harness.hpp"

using namespace lvs;
using namespace lvs::scenario;

namespace {

// A director with `servers` nginx realservers on :443 and the clients given, for `duration`.
std::string farm(int servers, const std::string& clients, const std::string& extra = "",
                 const std::string& server_keys = "", const std::string& duration = "60s") {
    std::string t = "name: t\nseed: 1\nduration: " + duration +
                    "\nnetwork: {rtt: 100ms, bandwidth: 100Mbit}\n"
                    "director:\n  rules: |\n    -A -t 10.0.0.100:443 -s rr\n";
    for (int i = 1; i <= servers; ++i)
        t += "    -a -t 10.0.0.100:443 -r 192.168.10.1" + std::to_string(i) + ":443 -m -w 1\n";
    t += "realservers:\n";
    for (int i = 1; i <= servers; ++i)
        t += "  - {name: rs" + std::to_string(i) + ", address: 192.168.10.1" + std::to_string(i) +
             ", server: nginx, port: 443" + server_keys + "}\n";
    return t + "clients:\n" + clients + extra;
}

Report run_text(const std::string& text) {
    Run run(load_scenario_text(text, "t.yaml"));
    return run.run();
}

const ClientReport& group(const Report& r, const std::string& name) {
    for (const ClientReport& g : r.groups)
        if (g.name == name) return g;
    FAIL("no group " << name);
    return r.clients;
}

}  // namespace

SCENARIO("TLS 1.3 costs one round trip before the first request, TLS 1.2 two (one with False Start)",
         "[http][tls]") {
    const std::string one = "    page: {html: 20kB, objects: 0}\n    schedule: {times: [1s]}\n";
    const std::string head = "  - name: u\n    browser: chrome\n";
    const Report v13 = run_text(farm(1, head + "    https: on\n    http2: off\n" + one));
    const Report v12 = run_text(farm(1, head + "    https: on\n    http2: off\n    tls: '1.2'\n" + one));
    const Report plain = run_text(farm(1, head + one));
    REQUIRE(v13.clients.tls_full == 1);
    REQUIRE(v12.clients.tls_full == 1);
    CHECK(plain.clients.tls_full == 0);
    // connect() to the first request: the TCP handshake's RTT plus TLS's (100 ms RTT; the
    // server's flight of ~3.5 kB fits the initial window).
    CHECK(v13.clients.tls_wait_mean_ms == Approx(200).margin(15));
    // Chrome's False Start sends the request with its Finished: TLS 1.2 costs what 1.3 does.
    CHECK(v12.clients.tls_wait_mean_ms == Approx(200).margin(15));
    CHECK(v12.clients.page_load_p50_ms == Approx(v13.clients.page_load_p50_ms).margin(15));
    // Go's crypto/tls has no False Start: it waits for the server's Finished.
    const Report go12 =
        run_text(farm(1,
                      "  - name: g\n    client: go\n    https: on\n    http2: off\n    tls: '1.2'\n"
                      "    requests: {parallel: 1, response: 20kB}\n    schedule: {times: [1s]}\n"));
    REQUIRE(go12.clients.tls_full == 1);
    CHECK(go12.clients.tls_wait_mean_ms == Approx(300).margin(15));
    CHECK(v13.clients.page_load_p50_ms - plain.clients.page_load_p50_ms == Approx(100).margin(15));
}

SCENARIO("a session resumes only on the server whose ticket key sealed it", "[http][tls]") {
    // Every page on a new connection (Connection: close after each answer).
    const std::string c =
        "  - {name: u, browser: chrome, https: on, http2: off, max_connections: 1, page: {objects: 0},"
        " schedule: {reload_every: 5s, stop: 50s}}\n";
    const Report one = run_text(farm(1, c, "", ", keepalive: false"));
    CHECK(one.clients.tls_full == 1);
    CHECK(one.clients.tls_resumed == 10);
    // Two servers in round robin: a ticket from rs1 means nothing to rs2, and back.
    const Report two = run_text(farm(2, c, "", ", keepalive: false"));
    CHECK(two.clients.tls_full == 11);
    CHECK(two.clients.tls_resumed == 0);
    const Report shared = run_text(farm(2, c, "", ", keepalive: false, tls: {shared_ticket_keys: on}"));
    CHECK(shared.clients.tls_full == 1);
    CHECK(shared.clients.tls_resumed == 10);
    // nginx's ssl_session_timeout: a ticket older than it gives a full handshake.
    const Report expired = run_text(farm(1, c, "", ", keepalive: false, tls: {session_timeout: 4s}"));
    CHECK(expired.clients.tls_full == 11);
}

SCENARIO("HTTP/2: one connection carries the page; HTTP/1.1 opens six", "[http][h2]") {
    const std::string page =
        "    page: {html: 20kB, objects: 40, object_size: 10kB}\n    schedule: {times: [1s]}\n";
    const Report h2 = run_text(farm(1, "  - name: u\n    browser: chrome\n    https: on\n" + page));
    CHECK(h2.clients.connections_opened == 1);
    CHECK(h2.clients.h2_sessions == 1);
    CHECK(h2.clients.objects_ok == 41);
    const Report h1 =
        run_text(farm(1, "  - name: u\n    browser: chrome\n    https: on\n    http2: off\n" + page));
    CHECK(h1.clients.connections_opened == 6);
    CHECK(h1.clients.h2_sessions == 0);
    CHECK(h1.clients.objects_ok == 41);
    // A server without h2 in ALPN: the browser falls back to HTTP/1.1 and its six connections.
    const Report fallback =
        run_text(farm(1, "  - name: u\n    browser: chrome\n    https: on\n" + page, "", ", http2: off"));
    CHECK(fallback.clients.connections_opened == 6);
    CHECK(fallback.clients.objects_ok == 41);
    // Multiplexing saves the handshakes: the page loads sooner than over six connections.
    CHECK(h2.clients.page_load_p50_ms < h1.clients.page_load_p50_ms);
}

SCENARIO("the server's stream limit: a browser waits, Go opens another connection", "[http][h2]") {
    const std::string calls = "    requests: {parallel: 30, response: 1kB}\n    schedule: {times: [1s]}\n";
    const Report browser =
        run_text(farm(1,
                      "  - name: u\n    browser: chrome\n    https: on\n    page: {objects: 29}\n"
                      "    schedule: {times: [1s]}\n",
                      "", ", h2_max_streams: 10"));
    CHECK(browser.clients.connections_opened == 1);
    CHECK(browser.clients.objects_ok == 30);
    const Report go =
        run_text(farm(1, "  - name: g\n    client: go\n    https: on\n" + calls, "", ", h2_max_streams: 10"));
    CHECK(go.clients.objects_ok == 30);
    CHECK(go.clients.h2_sessions >= 3);
}

SCENARIO("GOAWAY: streams above its last stream id are sent again, nothing fails", "[http][h2]") {
    // The reload lands while the page's 40 objects are in flight.
    const std::string c =
        "  - name: u\n    browser: chrome\n    https: on\n    page: {objects: 40, object_size: 50kB}\n"
        "    schedule: {times: [1s]}\n";
    const Report r = run_text(farm(1, c, "timeline:\n  - {at: 1.45s, server: rs1, action: reload}\n"));
    CHECK(r.clients.goaway == 1);
    CHECK(r.clients.goaway_retries > 0);
    CHECK(r.clients.objects_failed == 0);
    CHECK(r.clients.objects_ok == 41);
    CHECK(r.clients.connections_opened == 2);
}

SCENARIO("Chromium's PING finds a black-holed HTTP/2 connection within 10 s", "[http][h2]") {
    // rr sends the first connection to rs2. After -d the idle connection's packets vanish; the next page's
    // request goes with a PING (nothing read for 15 s > 10 s) and the PING is not answered: the session is
    // closed and its requests go again on a new connection, to rs1.
    const std::string c =
        "  - name: u\n    browser: chrome\n    https: on\n    page: {objects: 2}\n"
        "    schedule: {times: [1s, 20s]}\n";
    const Report r =
        run_text(farm(2, c, "timeline:\n  - {at: 5s, ipvsadm: -d -t 10.0.0.100:443 -r 192.168.10.12:443}\n"));
    CHECK(r.clients.ping_failures == 1);
    CHECK(r.clients.objects_failed == 0);
    CHECK(r.clients.objects_ok == 6);
    // The second page waited for the PING's 10 s, then loaded over a new connection.
    CHECK(r.clients.page_load_p95_ms == Approx(10'000 + 3 * 100 + 200).margin(150));
    // Firefox pings a connection silent for 58 s and gives it 8 s.
    const std::string f =
        "  - name: u\n    browser: firefox\n    https: on\n    page: {objects: 2}\n"
        "    schedule: {times: [1s]}\n";
    const Report ff = run_text(farm(
        2, f, "timeline:\n  - {at: 5s, ipvsadm: -d -t 10.0.0.100:443 -r 192.168.10.12:443}\n", "", "90s"));
    CHECK(ff.clients.ping_failures == 1);
}

SCENARIO("API pools: Go keeps 2 idle connections and retries, Python keeps 10 and does not", "[http][api]") {
    const std::string t =
        "name: t\nseed: 1\nduration: 30s\nnetwork: {rtt: 2ms, bandwidth: 1Gbit}\n"
        "director:\n  rules: |\n    -A -t 10.0.0.100:80 -s rr\n    -a -t 10.0.0.100:80 -r 192.168.10.11:80 "
        "-m -w 1\n"
        "realservers:\n  - {name: rs1, address: 192.168.10.11, server: nginx}\n"
        "clients:\n"
        "  - {name: py, client: python, requests: {parallel: 4}, schedule: {reload_every: 1s}}\n"
        "  - {name: go, client: go, requests: {parallel: 4}, schedule: {reload_every: 1s}}\n"
        "  - {name: post, client: go, requests: {parallel: 4, method: POST}, schedule: {reload_every: 1s}}\n"
        "timeline:\n  - {at: 10s, server: rs1, action: reload}\n";
    const Report r = run_text(t);
    const ClientReport& py = group(r, "py");
    const ClientReport& go = group(r, "go");
    CHECK(py.connections_opened <= 8);
    CHECK(go.idle_trims >= 25);
    CHECK(go.connections_opened >= 2 * 28);
    // The reload closes the connections whose requests of 10 s are in flight: Go sends them
    // again on new connections, Python's requests (max_retries 0) raises the error.
    CHECK(py.objects_failed > 0);
    CHECK(go.objects_failed == 0);
    CHECK(go.retries > 0);
    // Go resends only what it may replay (isReplayable): a POST that met the reload fails.
    const ClientReport& post = group(r, "post");
    CHECK(post.objects_failed > 0);
    CHECK(post.retries == 0);
}

SCENARIO("the new keys say what is wrong and how to fix it", "[http][scenario]") {
    const std::string base = farm(1, "");
    const auto err = [&](const std::string& clients) {
        return lvs::testing::load_error(base + clients).format();
    };
    CHECK_THAT(err("  - {name: u, browser: go}\n"),
               Catch::Contains("'go' is an API client, not a browser") && Catch::Contains("client: go"));
    CHECK_THAT(err("  - {name: u, browser: chrome, http2: on}\n"), Catch::Contains("https: on"));
    CHECK_THAT(err("  - {name: u, client: go, requests: {parallel: 2}, page: {objects: 2}}\n"),
               Catch::Contains("not both"));
    CHECK_THAT(err("  - {name: u, client: go, requests: {paralel: 2}}\n"), Catch::Contains("parallel"));
    CHECK_THAT(err("  - {name: u, client: go, https: on, tls: '1.1'}\n"), Catch::Contains("1.3"));
    CHECK_THAT(err("  - {name: u, client: curl, https: maybe}\n"), Catch::Contains("https"));
    const std::string server = farm(1, "  - {name: u, browser: chrome}\n", "", ", tls: {tickets: on}");
    CHECK_THAT(lvs::testing::load_error(server).format(), Catch::Contains("shared_ticket_keys"));
    // What the real client cannot do is refused, with the way out.
    CHECK_THAT(err("  - {name: u, client: python, https: on, http2: on}\n"),
               Catch::Contains("python does not speak HTTP/2") && Catch::Contains("chrome"));
    CHECK_THAT(err("  - {name: u, browser: ie8, https: on, tls: '1.3'}\n"),
               Catch::Contains("does not speak TLS 1.3"));
    CHECK_THAT(err("  - {name: u, browser: chrome, https: on, tls: {version: '1.3'}}\n"),
               Catch::Contains("tls: '1.2'"));
    CHECK_THAT(
        lvs::testing::load_error(farm(1, "  - {name: u, browser: chrome}\n", "", ", tls: {certificate: 0B}"))
            .format(),
        Catch::Contains("200B to 100kB"));
    CHECK_THAT(err("  - {name: u, client: go, https: yes please}\n"), Catch::Contains("write on or off"));
    // nginx's keepalive_time is a realserver key, in the file and in --set.
    const Scenario s = load_scenario_text(farm(1, "  - {name: u, client: go}\n", "", ", keepalive_time: 10s"),
                                          "t.yaml", {"realservers.rs1.keepalive_time=20s"});
    CHECK(s.realservers[0].server.keepalive_time == sim::s(20));
    // An API client without requests: makes calls of one request, not a browser's page.
    CHECK_FALSE(s.clients[0].browser.page.document);
    CHECK(s.clients[0].browser.page.objects == 1);
}

SCENARIO("nginx's keepalive_time ends a busy connection; Go's max_idle spares HTTP/2", "[http][h2]") {
    const std::string calls = "    requests: {parallel: 6}\n    schedule: {reload_every: 1s}\n";
    // HTTP/1.1: a connection older than keepalive_time closes after its next answer.
    // Python keeps its six connections for ever; with keepalive_time 10s each lasts 10 s.
    const Report h1 =
        run_text(farm(1, "  - name: p\n    client: python\n" + calls, "", ", keepalive_time: 10s"));
    const Report no_limit = run_text(farm(1, "  - name: p\n    client: python\n" + calls));
    CHECK(no_limit.clients.connections_opened == 6);
    CHECK(h1.clients.connections_opened >= 6 * 5);
    CHECK(h1.clients.objects_failed == 0);
    // HTTP/2 with 2 streams a connection: Go opens three connections and keeps them (its idle
    // limit is for HTTP/1.1).
    const Report h2 =
        run_text(farm(1, "  - name: g\n    client: go\n    https: on\n" + calls, "", ", h2_max_streams: 2"));
    CHECK(h2.clients.connections_opened == 3);
    CHECK(h2.clients.idle_trims == 0);
}

SCENARIO("a server told to drain when its checks fail answers with GOAWAY", "[http][h2]") {
    const std::string c =
        "  - name: u\n    browser: chrome\n    https: on\n    page: {objects: 4}\n"
        "    schedule: {reload_every: 2s}\n";
    const Report r = run_text(farm(1, c, "timeline:\n  - {at: 10s, server: rs1, action: fail-checks}\n",
                                   ", drain_on_check_failure: on"));
    // Draining: every answer after 10 s ends its connection with GOAWAY; pages still load.
    CHECK(r.clients.goaway >= 20);
    CHECK(r.clients.objects_failed == 0);
    CHECK(r.clients.connections_opened >= 20);
}

SCENARIO("what a reload mid-page costs: new handshakes on HTTP/1.1, RST_STREAM on HTTP/2", "[http][tls]") {
    // Each reload comes while objects are still loading (1.2 s of service each on a 2 s cycle).
    const std::string c =
        "    page: {objects: 12, object_size: 10kB}\n    schedule: {reload_every: 2s, stop: 20s}\n";
    const std::string h1 = "  - name: u\n    browser: chrome\n    https: on\n    http2: off\n" + c;
    const std::string h2 = "  - name: u\n    browser: chrome\n    https: on\n" + c;
    const std::string slow = ", service_time: 1.2s";
    const Report r1 = run_text(farm(1, h1, "", slow));
    const Report r2 = run_text(farm(1, h2, "", slow));
    CHECK(r1.clients.pages_aborted >= 9);
    CHECK(r2.clients.pages_aborted >= 9);
    // HTTP/1.1 closes the connections that carried aborted requests: every reload opens them
    // again, each with a (resumed) handshake.
    CHECK(r1.clients.connections_opened >= 6 * 9);
    INFO(r1.clients.tls_full << " full, " << r1.clients.tls_resumed << " resumed");
    CHECK(r1.clients.tls_resumed >= 6 * 8);
    // HTTP/2 cancels the streams and keeps its one connection.
    CHECK(r2.clients.connections_opened == 1);
    CHECK(r2.clients.tls_full + r2.clients.tls_resumed == 1);
}

TEST_CASE("presets: the README's table is lvsim presets' output", "[http][docs]") {
    CHECK(lvs::testing::readme_block("<!-- presets:begin (generated by lvsim presets; ctest checks it) -->\n",
                                     "<!-- presets:end -->") == http::presets_markdown());
}

SCENARIO("nginx's request limit on HTTP/2: GOAWAY at the stream past it; refused twice, Chrome gives up",
         "[http][h2]") {
    const std::string c =
        "  - name: u\n    browser: chrome\n    https: on\n    page: {objects: 40}\n"
        "    schedule: {times: [1s]}\n";
    // keepalive_requests 10: the 11th stream's HEADERS bring GOAWAY naming it the last; the
    // page's other streams go to a new connection, which takes 11 more, and so on.
    const Report ten = run_text(farm(1, c, "", ", max_requests: 10"));
    CHECK(ten.clients.goaway >= 3);
    CHECK(ten.clients.goaway_retries > 0);
    CHECK(ten.clients.objects_ok + ten.clients.objects_failed == 41);
    // Every stream refused a third time fails (Chromium's kMaxRetryAttempts 2).
    CHECK(ten.clients.objects_failed > 0);
    // keepalive_requests 1: one stream per connection, the rest refused: most objects fail.
    const Report one = run_text(farm(1, c, "", ", max_requests: 1"));
    CHECK(one.clients.objects_failed > 30);
    // Go retries six times: with a limit of 10 it gets everything.
    const Report go =
        run_text(farm(1,
                      "  - name: g\n    client: go\n    https: on\n    requests: {parallel: 40}\n"
                      "    schedule: {times: [1s]}\n",
                      "", ", max_requests: 10"));
    CHECK(go.clients.objects_failed == 0);
    CHECK(go.clients.objects_ok == 40);
}

SCENARIO("a reload answers the connections it has not heard from yet instead of closing them", "[http][h2]") {
    // The reload lands while the browsers' connections finish their TLS handshakes: nginx
    // closes only idle connections; these get GOAWAY (last stream 0) after their handshake, or
    // Connection: close on their first answer, and every object arrives.
    const std::string h2 =
        "  - name: u\n    browser: chrome\n    count: 3\n    https: on\n    page: {objects: 4}\n"
        "    schedule: {times: [1s]}\n";
    const Report r = run_text(farm(1, h2, "timeline:\n  - {at: 1.2s, server: rs1, action: reload}\n"));
    CHECK(r.clients.objects_failed == 0);
    CHECK(r.clients.objects_ok == 15);
    CHECK(r.clients.goaway == 3);
    const std::string h1 =
        "  - name: u\n    browser: chrome\n    https: on\n    http2: off\n    page: {objects: 4}\n"
        "    schedule: {times: [1s]}\n";
    const Report r1 = run_text(farm(1, h1, "timeline:\n  - {at: 1.2s, server: rs1, action: reload}\n"));
    CHECK(r1.clients.objects_failed == 0);
    CHECK(r1.clients.objects_ok == 5);
}

SCENARIO("a farm where one realserver has no HTTP/2: that connection carries one request at a time",
         "[http][h2]") {
    // rr: the first connection goes to rs2 (h2), the second user's to rs1 (HTTP/1.1 only).
    const std::string c =
        "  - name: u\n    browser: chrome\n    count: 2\n    https: on\n    page: {objects: 10}\n"
        "    schedule: {times: [1s]}\n";
    std::string t = farm(2, c);
    const std::string rs1 = "server: nginx, port: 443}";
    t.replace(t.find(rs1), rs1.size(), "server: nginx, port: 443, http2: off}");
    const Report r = run_text(t);
    CHECK(r.clients.objects_ok == 22);
    CHECK(r.clients.objects_failed == 0);
    CHECK(r.clients.h2_sessions == 1);
}

SCENARIO("full handshakes take a worker's time: four at once on one worker queue", "[http][tls]") {
    const std::string c =
        "  - name: g\n    client: go\n    count: 4\n    https: on\n    schedule: {times: [1s]}\n";
    const Report quick = run_text(farm(1, c, "", ", workers: 1, tls: {full_handshake_cpu: 1us}"));
    const Report slow = run_text(farm(1, c, "", ", workers: 1, tls: {full_handshake_cpu: 100ms}"));
    REQUIRE(slow.clients.tls_full == 4);
    // 100, 200, 300 and 400 ms of handshake work one after another: 250 ms more on average.
    CHECK(slow.clients.tls_wait_mean_ms - quick.clients.tls_wait_mean_ms == Approx(250).margin(10));
    CHECK(slow.clients.objects_ok == 4);
}

SCENARIO("a busy mixed farm: every client and server kind, failures, drains and reloads", "[http][soak]") {
    // Found by a soak run: a call that came due while a connection's error was being handled
    // opened its connection in that very slot, which the handler then released (a crash at
    // 61 s). Every client preset, HTTP/1.1 and HTTP/2, TLS 1.2 and 1.3, checks, drains, reloads,
    // a crash, a kill and a stop, on a lossy network.
    const std::string text =
        "name: soak-a\n"
        "seed: 7\n"
        "duration: 100s\n"
        "network: {rtt: 30ms, bandwidth: 50Mbit, loss: 1%}\n"
        "director:\n"
        "  rules: |\n"
        "    -A -t 10.0.0.100:443 -s wlc\n"
        "    -a -t 10.0.0.100:443 -r 192.168.10.11:443 -m -w 1\n"
        "    -a -t 10.0.0.100:443 -r 192.168.10.12:443 -m -w 1\n"
        "    -a -t 10.0.0.100:443 -r 192.168.10.13:443 -m -w 1\n"
        "  health_checks:\n"
        "    - name: chk\n"
        "      service: 10.0.0.100:443\n"
        "      interval: 2s\n"
        "      quiescent: yes\n"
        "realservers:\n"
        "  - {name: rs1, address: 192.168.10.11, server: nginx, port: 443, drain_on_check_failure: on, "
        "h2_max_streams: 3, max_requests: 7}\n"
        "  - {name: rs2, address: 192.168.10.12, server: apache, port: 443, http2: off, tls: {version: "
        "'1.2', session_timeout: 3s}}\n"
        "  - {name: rs3, address: 192.168.10.13, server: iis, port: 443, keepalive_time: 5s, workers: 2}\n"
        "clients:\n"
        "  - {name: c, browser: chrome, count: 5, https: on, page: {objects: 30, object_size: 'exp(20kB)'}, "
        "schedule: {think: 'exp(2s)'}}\n"
        "  - {name: f, browser: firefox, count: 3, https: on, max_streams: 2, page: {objects: 10}, schedule: "
        "{reload_every: 1s}}\n"
        "  - {name: s, browser: safari, https: on, tls: '1.2', page: {objects: 5}, schedule: {reload_every: "
        "700ms}}\n"
        "  - {name: g, client: go, count: 2, https: on, requests: {parallel: 9, method: POST}, schedule: "
        "{reload_every: 300ms}}\n"
        "  - {name: j, client: java, https: on, requests: {parallel: 3}, schedule: {think: 'exp(1s)'}}\n"
        "  - {name: cu, client: curl, https: on, max_streams: 1, requests: {parallel: 4}, schedule: "
        "{reload_every: 2s}}\n"
        "  - {name: p, client: python, https: on, max_idle: 1, requests: {parallel: 5}, schedule: "
        "{reload_every: 500ms}, request_timeout: 3s}\n"
        "timeline:\n"
        "  - {at: 10s, server: rs1, action: fail-checks}\n"
        "  - {at: 20s, server: rs1, action: pass-checks}\n"
        "  - {at: 25s, server: rs2, action: reload}\n"
        "  - {at: 30s, ipvsadm: -d -t 10.0.0.100:443 -r 192.168.10.13:443}\n"
        "  - {at: 40s, server: rs3, action: crash}\n"
        "  - {at: 50s, server: rs2, action: drain}\n"
        "  - {at: 60s, server: rs1, action: kill}\n"
        "  - {at: 65s, server: rs1, action: start}\n"
        "  - {at: 70s, server: rs2, action: graceful-stop}\n"
        "  - {at: 75s, server: rs2, action: start}\n"
        "  - {at: 80s, server: rs1, action: stop}\n"
        "  - {at: 90s, server: rs1, action: start}\n";
    const Report r = run_text(text);
    CHECK(r.clients.objects_ok > 5000);
    CHECK(r.clients.h2_sessions > 100);
    CHECK(r.clients.tls_resumed > 0);
    CHECK(r.clients.goaway > 0);
}
