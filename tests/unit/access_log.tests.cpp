// Access logs (models/import/access_log.hpp): Apache's and nginx's combined format and the common
// format read into clients to replay, times in UTC from the logged offset, requests sorted, user
// agents mapped to client presets, bad lines counted by reason, and a file with nothing to
// replay refused with its line, column and a hint.
#include "models/import/access_log.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "models/http/client_profile.hpp"

using namespace lvs;
using import::AccessLog;
using import::LoggedClient;

namespace {

std::string fixture(const std::string& name) {
    return std::string(LVSIM_SOURCE_DIR) + "/tests/import/fixtures/" + name;
}

AccessLog parse(const std::string& text) { return import::parse_access_log(text, "access.log"); }

// A combined line with the fields that matter here; the others as a browser's would be.
std::string line(const std::string& host, const std::string& time, const std::string& request,
                 const std::string& status = "200", const std::string& bytes = "512",
                 const std::string& agent = "curl/8.5.0") {
    return host + " - - [" + time + "] \"" + request + "\" " + status + " " + bytes + " \"-\" \"" + agent +
           "\"\n";
}

const LoggedClient& client(const AccessLog& log, const std::string& address) {
    for (const LoggedClient& c : log.clients)
        if (c.address == address) return c;
    FAIL("no client " << address);
    throw;
}

const import::SkippedLines& skipped(const AccessLog& log, const std::string& why_starts) {
    for (const auto& s : log.skipped)
        if (s.why.rfind(why_starts, 0) == 0) return s;
    FAIL("no lines skipped as " << why_starts);
    throw;
}

// The error a text gives, as "line:column: message".
std::string error_of(const std::string& text) {
    try {
        (void)parse(text);
    } catch (const import::ImportError& e) {
        CHECK_FALSE(e.hint().empty());
        return std::to_string(e.at().line) + ":" + std::to_string(e.at().column) + ": " + e.what();
    }
    return "no error";
}

}  // namespace

SCENARIO("import::AccessLog: an Apache combined log of three minutes", "[import][access_log]") {
    const AccessLog log = import::read_access_log(fixture("access.log"));
    THEN("every line is read; the 408 without a request and the error-log line are not replayed") {
        CHECK(log.lines == 45);
        CHECK(log.requests == 43);
        REQUIRE(log.skipped.size() == 2);
        CHECK(log.skipped[0].why == "no request line (\"-\", a connection that sent nothing)");
        CHECK(log.skipped[0].count == 1);
        CHECK(log.skipped[0].first.str() == fixture("access.log") + ":28");
        CHECK(log.skipped[1].why == "not in combined log format");
        CHECK(log.skipped[1].first.line == 36);
        CHECK(log.skipped[1].first.column == 6);  // after "[Tue": where ident, user and [time] were due
    }
    THEN("the first request is 09:00:00 +0100, 08:00 UTC, and the last 170 s later") {
        CHECK(log.first_epoch_s == 1710230400);  // 2024-03-12T08:00:00Z
        CHECK(log.span_s == 170);
    }
    THEN("the clients in order of first appearance, each with the preset of its agent") {
        REQUIRE(log.clients.size() == 6);
        CHECK(log.clients[0].address == "192.0.2.250");
        CHECK(log.clients[0].preset == "curl");
        CHECK(log.clients[0].requests.size() == 18);
        CHECK(log.clients[1].preset == "chrome");
        CHECK(log.clients[2].address == "2001:db8::17");
        CHECK(log.clients[2].preset == "firefox");
        CHECK(log.clients[3].preset == "safari");
        CHECK(log.clients[4].preset == "python");
        CHECK(log.clients[5].preset.empty());  // Googlebot: the caller's default
        CHECK(log.clients_per_preset ==
              std::map<std::string, uint64_t>{
                  {"chrome", 1}, {"curl", 1}, {"firefox", 1}, {"python", 1}, {"safari", 1}});
        REQUIRE(log.unmapped_agents.size() == 1);
        CHECK(log.unmapped_agents[0].agent ==
              "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        CHECK(log.unmapped_agents[0].requests == 2);
        CHECK(log.unmapped_agents[0].clients == 1);
    }
    THEN("the curl probe every 10 s from the start") {
        const auto& probe = client(log, "192.0.2.250");
        for (size_t i = 0; i < probe.requests.size(); ++i)
            CHECK(probe.requests[i].at_ms == int64_t(i) * 10'000);
        CHECK(probe.ipv4 == net::Ipv4::of(192, 0, 2, 250));
    }
    THEN("the page's objects in time order: vendor.js, logged late at line 11, is back among 09:00:03's") {
        const auto& chrome = client(log, "192.0.2.10");
        REQUIRE(chrome.requests.size() == 11);
        CHECK(chrome.requests[0].line == 2);
        CHECK(chrome.requests[3].line == 5);
        CHECK(chrome.requests[4].line == 11);
        CHECK(chrome.requests[4].at_ms == 3000);
        CHECK(chrome.requests[4].bytes == 241877);
        CHECK(chrome.requests[5].at_ms == 4000);
        CHECK(chrome.requests[10].status == 404);
        CHECK(chrome.requests[10].bytes == 0);  // "-"
    }
    THEN("the API client's POSTs are not idempotent, its GET is; Safari's HEAD is") {
        const auto& api = client(log, "198.51.100.23");
        REQUIRE(api.requests.size() == 4);
        CHECK_FALSE(api.requests[0].idempotent);
        CHECK(api.requests[2].idempotent);
        CHECK(client(log, "203.0.113.45").requests[3].idempotent);
    }
    THEN("statuses of the replayed requests") {
        CHECK(log.statuses ==
              std::map<uint16_t, uint64_t>{{200, 37}, {201, 2}, {304, 2}, {404, 1}, {409, 1}});
    }
}

SCENARIO("import::AccessLog: nginx lines out of order across the end of daylight saving time",
         "[import][access_log]") {
    // 01:59:59 -0400 is followed by 01:00:00 -0500, one second later: the offset, not the
    // wall clock, orders the lines.
    const AccessLog log = import::read_access_log(fixture("access-nginx.log"));
    CHECK(log.lines == 10);
    CHECK(log.requests == 10);
    CHECK(log.skipped.empty());
    CHECK(log.first_epoch_s == 1730613597);  // 2024-11-03T05:59:57Z
    CHECK(log.span_s == 7);
    const auto& go = client(log, "203.0.113.9");
    CHECK(go.preset == "go");
    REQUIRE(go.requests.size() == 3);
    CHECK(go.requests[0].at_ms == 0);
    CHECK(go.requests[1].at_ms == 3000);  // 01:00:00 -0500
    CHECK(go.requests[2].at_ms == 6000);
    const auto& edge = client(log, "198.51.100.40");
    CHECK(edge.preset == "chrome");
    REQUIRE(edge.requests.size() == 3);
    CHECK(edge.requests[0].line == 3);  // app.js, a second before the page that was logged first
    CHECK(edge.requests[0].at_ms == 1000);
    CHECK(edge.requests[1].line == 2);
    CHECK(edge.requests[2].line == 6);
    CHECK(edge.requests[2].at_ms == 2000);
    const auto& java = client(log, "192.0.2.31");
    CHECK(java.preset == "java");
    CHECK_FALSE(java.requests[0].idempotent);  // PATCH
    CHECK(java.requests[1].idempotent);        // DELETE
    const auto& android = client(log, "203.0.113.200");
    CHECK(android.agent == "Dalvik/2.1.0 (Linux; U; Android 14; \"Pixel 8\" Build/AP1A.240305.019)");
    CHECK(android.preset.empty());
    CHECK(android.requests[0].status == 499);
    const auto& iphone = client(log, "2001:db8:4::a");
    CHECK(iphone.preset == "chrome");  // CriOS
    CHECK_FALSE(iphone.ipv4.has_value());
}

TEST_CASE("import::AccessLog: the logged offset gives UTC and the order", "[import][access_log]") {
    // 13:55:36 -0700 is 20:55:36 UTC; 22:55:35 +0200 is 20:55:35 UTC, a second earlier though
    // logged later and nine hours later on its own clock.
    const AccessLog log = parse(line("192.0.2.1", "10/Oct/2000:13:55:36 -0700", "GET /a HTTP/1.0") +
                                line("192.0.2.1", "10/Oct/2000:22:55:35 +0200", "GET /b HTTP/1.0") +
                                line("192.0.2.2", "10/Oct/2000:20:25:37 -0030", "GET /c HTTP/1.0"));
    CHECK(log.first_epoch_s == 971211335);
    CHECK(log.span_s == 2);
    const auto& c = log.clients.at(0);
    REQUIRE(c.requests.size() == 2);
    CHECK(c.requests[0].line == 2);
    CHECK(c.requests[0].at_ms == 0);
    CHECK(c.requests[1].line == 1);
    CHECK(c.requests[1].at_ms == 1000);
    CHECK(log.clients.at(1).requests.at(0).at_ms == 2000);  // -0030: half an hour behind UTC

    SECTION("a year's last second in -0100 is the next year in UTC; 29 February only in leap years") {
        const AccessLog y = parse(line("192.0.2.1", "31/Dec/1999:23:59:59 -0100", "GET / HTTP/1.1") +
                                  line("192.0.2.1", "29/Feb/2024:00:00:00 +0000", "GET / HTTP/1.1") +
                                  line("192.0.2.1", "29/Feb/2023:00:00:00 +0000", "GET / HTTP/1.1") +
                                  line("192.0.2.1", "10/oct/2000:13:55:36 -0700", "GET / HTTP/1.1") +
                                  line("192.0.2.1", "10/Oct/2000:13:55:36 0700", "GET / HTTP/1.1"));
        CHECK(y.first_epoch_s == 946688399);  // 2000-01-01T00:59:59Z
        CHECK(y.span_s == 1709164800 - 946688399);
        CHECK(y.requests == 2);
        const auto& bad = skipped(y, "time not as");
        CHECK(bad.count == 3);
        CHECK(bad.first.line == 3);
        CHECK(bad.first.column == 16);  // just inside the bracket
    }
}

TEST_CASE("import::AccessLog: \"-\" bytes are none, and a request's fields as logged",
          "[import][access_log]") {
    const AccessLog log =
        parse(line("192.0.2.1", "01/Jan/2024:00:00:00 +0000", "GET / HTTP/1.1", "304", "-") +
              line("192.0.2.1", "01/Jan/2024:00:00:01 +0000", "GET /iso HTTP/1.1", "200", "8589934592") +
              line("192.0.2.1", "01/Jan/2024:00:00:02 +0000", "GET / HTTP/1.1", "200", "0"));
    const auto& r = log.clients.at(0).requests;
    REQUIRE(r.size() == 3);
    CHECK(r[0].bytes == 0);
    CHECK(r[0].status == 304);
    CHECK(r[1].bytes == UINT32_MAX);  // 8 GiB saturates
    CHECK(r[2].bytes == 0);
    CHECK(r[2].line == 3);
}

TEST_CASE("import::AccessLog: escaped quotes and backslashes in quoted fields", "[import][access_log]") {
    // Apache writes a quote inside a field as \" and a backslash as \\; nginx writes \x22 and \x5C.
    const std::string apache =
        "192.0.2.1 - - [01/Jan/2024:00:00:00 +0000] \"GET /q?s=\\\"x\\\" HTTP/1.1\" 200 5 "
        "\"https://a.example/\\\"r\\\"\" \"Mozilla/5.0 \\\"quoted\\\" C:\\\\dir curl/8.5.0\"\n";
    const std::string nginx =
        "192.0.2.2 - - [01/Jan/2024:00:00:01 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" "
        "\"Mozilla/5.0 \\x22quoted\\x22 C:\\x5Cdir Firefox/120.0\"\n";
    const AccessLog log = parse(apache + nginx);
    REQUIRE(log.clients.size() == 2);
    CHECK(log.clients[0].agent == "Mozilla/5.0 \"quoted\" C:\\dir curl/8.5.0");
    CHECK(log.clients[0].preset == "curl");
    CHECK(log.clients[1].agent == "Mozilla/5.0 \"quoted\" C:\\dir Firefox/120.0");
    CHECK(log.clients[1].preset == "firefox");
    CHECK(log.skipped.empty());
}

TEST_CASE("import::AccessLog: idempotent methods as RFC 9110 section 9.2.2 lists them",
          "[import][access_log]") {
    const auto [method, idempotent] = GENERATE(table<std::string, bool>({
        {"GET", true},
        {"HEAD", true},
        {"OPTIONS", true},
        {"TRACE", true},
        {"PUT", true},
        {"DELETE", true},
        {"POST", false},
        {"PATCH", false},
        {"CONNECT", false},
        {"PROPFIND", false},  // unknown to RFC 9110: not retried
        {"get", false},       // methods are case-sensitive
    }));
    CAPTURE(method);
    const AccessLog log = parse(line("192.0.2.1", "01/Jan/2024:00:00:00 +0000", method + " /x HTTP/1.1"));
    REQUIRE(log.requests == 1);
    CHECK(log.clients.at(0).requests.at(0).idempotent == idempotent);
}

TEST_CASE("import::AccessLog: each user agent rule", "[import][access_log]") {
    const auto [agent, preset] = GENERATE(table<std::string, std::string>({
        {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/124.0.0.0 Safari/537.36",
         "chrome"},
        {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
         "chrome"},
        {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0",
         "chrome"},
        {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
         "chrome"},
        {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0", "firefox"},
        {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "FxiOS/125.0 Mobile/15E148 Safari/605.1.15",
         "firefox"},
        {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/17.4.1 Mobile/15E148 Safari/604.1",
         "safari"},
        {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/17.4 Safari/605.1.15",
         "safari"},
        {"Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)", "ie8"},
        {"curl/8.7.1", "curl"},
        {"Go-http-client/1.1", "go"},
        {"Go-http-client/2.0", "go"},
        {"python-requests/2.31.0", "python"},
        {"python-urllib3/2.2.1", "python"},
        {"Python-urllib/3.11", "python"},
        {"Python/3.12 aiohttp/3.9.5", "python"},
        {"Java-http-client/11.0.22", "java"},
        {"Java/1.8.0_412", "java"},
        {"Apache-HttpClient/4.5.14 (Java/17.0.11)", "java"},
        {"okhttp/4.12.0", "java"},
        {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", ""},
        // Googlebot smartphone and bingbot say Chrome/: crawlers are still unmapped.
        {"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/124.0.6367.155 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
         "+http://www.google.com/bot.html)",
         ""},
        {"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; "
         "+http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
         ""},
        {"Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)", ""},
        {"Wget/1.21.4", ""},
        {"-", ""},
        {"", ""},
    }));
    CAPTURE(agent);
    CHECK(import::preset_for_agent(agent) == preset);
    // Every preset a rule names is one the simulator has.
    if (!preset.empty()) CHECK(http::find_client_profile(preset) != nullptr);
}

TEST_CASE("import::AccessLog: lines not replayed, counted by reason with the first place",
          "[import][access_log]") {
    const std::string good = line("192.0.2.1", "01/Jan/2024:00:00:00 +0000", "GET / HTTP/1.1");
    const AccessLog log = parse(
        good +                                                                                        // 1
        "\n" +                                                                                        // 2
        "192.0.2.2 - - [01/Jan/2024:00:00:05 +0000] \"-\" 408 - \"-\" \"-\"\n" +                      // 3
        line("192.0.2.3", "01/Jan/2024:00:00:06 +0000", "\\x16\\x03\\x01\\x02", "400", "226") +       // 4
        line("192.0.2.3", "01/Jan/2024:00:00:06 +0000", "GET /", "200") +                             // 5
        line("192.0.2.4", "01/Jan/2024:00:00:07 +0000", "GET / HTTP/1.1", "2000") +                   // 6
        line("192.0.2.4", "01/Jan/2024:00:00:07 +0000", "GET / HTTP/1.1", "200", "12k") +             // 7
        "www.example.com:443 " + line("192.0.2.5", "01/Jan/2024:00:00:08 +0000", "GET / HTTP/1.1") +  // 8
        "192.0.2.2 - - [01/Jan/2024:00:00:09 +0000] \"-\" 400 0 \"-\" \"-\"\n" +                      // 9
        line("192.0.2.6", "1/Jan/2024:00:00:10 +0000", "GET / HTTP/1.1") +                            // 10
        "192.0.2.7 - - [01/Jan/2024:00:00:11 +0000] \"GET / HTTP/1.1\" 200 512 \"-\" \"Mozil");  // 11: cut
    CHECK(log.lines == 10);  // the blank line is not one
    CHECK(log.requests == 1);
    const auto expect = [&](const std::string& why, uint64_t count, int line, int column) {
        const auto& s = skipped(log, why);
        CAPTURE(why);
        CHECK(s.count == count);
        CHECK(s.first.line == line);
        CHECK(s.first.column == column);
        CHECK(s.first.file == "access.log");
    };
    expect("no request line", 2, 3, 45);
    expect("request line not METHOD TARGET HTTP/x", 2, 4, 45);  // TLS to port 80; HTTP/0.9
    expect("status not a number", 1, 6, 61);
    expect("bytes not a number", 1, 7, 65);
    expect("more than host, ident and user", 1, 8, 1);
    expect("time not as", 1, 10, 16);
    expect("not in combined log format", 1, 11, 73);  // the agent never closes
    REQUIRE(log.skipped.size() == 7);
    CHECK(log.skipped.front().first.line == 3);  // in order of first appearance
    CHECK(log.skipped.back().first.line == 11);
}

TEST_CASE("import::AccessLog: a line cut anywhere is skipped, unless what is left is a common log line",
          "[import][access_log]") {
    const std::string full =
        "203.0.113.5 - bob [01/Jan/2024:00:00:00 +0000] \"GET /a HTTP/1.1\" 200 512 \"-\" \"curl/8.5.0\"";
    const size_t common = full.find(" \"-\"");  // the line up to the bytes
    const size_t bytes = full.find("512");
    for (size_t n = 1; n <= full.size(); ++n) {
        const std::string cut = full.substr(0, n);
        CAPTURE(cut);
        // 5, 51 and 512 bytes are common log lines too; a blank after them is cut as trailing.
        const bool replayable = n == full.size() || (n > bytes && n <= common + 1);
        const AccessLog log = parse(line("192.0.2.1", "01/Jan/2024:00:00:00 +0000", "GET / HTTP/1.1") + cut);
        CHECK(log.requests == (replayable ? 2u : 1u));
        CHECK(log.skipped.size() == (replayable ? 0u : 1u));
    }
}

TEST_CASE("import::AccessLog: the common log format has no agent", "[import][access_log]") {
    const AccessLog log = parse(
        "192.0.2.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326\n"
        "192.0.2.1 - frank [10/Oct/2000:13:55:37 -0700] \"POST /form HTTP/1.0\" 302 -\n");
    REQUIRE(log.clients.size() == 1);
    CHECK(log.clients[0].agent.empty());
    CHECK(log.clients[0].preset.empty());
    CHECK(log.clients[0].requests.size() == 2);
    CHECK(log.clients[0].requests[1].at_ms == 1000);
    REQUIRE(log.unmapped_agents.size() == 1);
    CHECK(log.unmapped_agents[0].requests == 2);
}

TEST_CASE("import::AccessLog: addresses as written, an IPv4 literal also as an address",
          "[import][access_log]") {
    const AccessLog log =
        parse(line("2001:db8::1", "01/Jan/2024:00:00:00 +0000", "GET / HTTP/1.1") +
              line("client-7.dsl.example.net", "01/Jan/2024:00:00:00 +0000", "GET / HTTP/1.1") +
              line("198.51.100.7", "01/Jan/2024:00:00:00 +0000", "GET / HTTP/1.1") +
              line("::ffff:198.51.100.8", "01/Jan/2024:00:00:00 +0000", "GET / HTTP/1.1") +
              line("2001:db8::1", "01/Jan/2024:00:00:01 +0000", "GET /2 HTTP/1.1"));
    REQUIRE(log.clients.size() == 4);
    CHECK(log.clients[0].address == "2001:db8::1");
    CHECK_FALSE(log.clients[0].ipv4.has_value());
    CHECK(log.clients[0].requests.size() == 2);
    CHECK(log.clients[1].address == "client-7.dsl.example.net");
    CHECK_FALSE(log.clients[1].ipv4.has_value());
    REQUIRE(log.clients[2].ipv4.has_value());
    CHECK(*log.clients[2].ipv4 == net::Ipv4::of(198, 51, 100, 7));
    CHECK_FALSE(log.clients[3].ipv4.has_value());  // written as IPv6
}

TEST_CASE("import::AccessLog: a client's agent is that of its earliest request", "[import][access_log]") {
    const AccessLog log = parse(
        line("192.0.2.1", "01/Jan/2024:00:00:05 +0000", "GET /b HTTP/1.1", "200", "1",
             "python-requests/2.31.0") +
        line("192.0.2.1", "01/Jan/2024:00:00:02 +0000", "GET /a HTTP/1.1", "200", "1", "Go-http-client/1.1"));
    CHECK(log.clients.at(0).preset == "go");
    CHECK(log.clients.at(0).requests.at(0).line == 2);
}

TEST_CASE("import::AccessLog: nothing to replay is an error at the first bad line", "[import][access_log]") {
    CHECK(error_of("\n<html><body>404 Not Found</body></html>\nGET / HTTP/1.1\n") ==
          "2:17: no request in combined or common log format in 2 lines; the first: not in combined log "
          "format");
    CHECK(error_of("192.0.2.9 - - [01/Jan/2024:00:00:00 +0000] \"-\" 408 - \"-\" \"-\"\n")
              .starts_with("1:45: no request in combined or common log format in 1 lines; the first: no "
                           "request line"));
    CHECK(
        error_of("{\"time\":\"2024-01-01T00:00:00+00:00\",\"status\":200}\n").starts_with("1:1: no request"));
    CHECK(error_of("") == "0:0: access.log has no lines");
    CHECK(error_of(std::string("\x1f\x8b\x08\x00", 4)) == "1:1: access.log is gzip-compressed");
    CHECK_THROWS_AS(import::read_access_log(fixture("no-such-access.log")), import::ImportError);
}
