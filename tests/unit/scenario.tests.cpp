// Scenario files: precise errors for every kind of bad input, --set key paths, --list-keys, the
// expectation language, and a timeline action at T running before model events at T.
#include <catch2/catch.hpp>

#include "models/scenario/expr.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"
#include "support/scenario_harness.hpp"

using namespace lvs;
using namespace lvs::scenario;

namespace {

const std::string kBase = R"(name: t
duration: 60s
director:
  rules: |
    -A -t 10.0.0.100:80 -s wlc
    -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1
realservers:
  - name: rs1
    address: 192.168.10.11
clients:
  - name: ie8
    schedule: {times: [1s]}
)";

}  // namespace

TEST_CASE("scenario: each kind of bad input names file, line, column and a fix", "[scenario][errors]") {
    using Row = std::tuple<const char*, std::string, int, int, const char*>;
    auto [what, text, line, column,
          fragment] = GENERATE(table<const char*, std::string, int, int, const char*>({
        Row{"YAML syntax", "name: t\nduration: [1s\n", 3, 1, "YAML"},
        Row{"unknown key", kBase + "reloads: 5\n", 13, 1, "unknown key 'reloads'"},
        Row{"did you mean", kBase + "expcet:\n  - that: rs1.active == 1\n", 13, 1, "did you mean 'expect'"},
        Row{"wrong type", "name: t\nduration: 60s\nseed: many\n", 3, 7, "whole number"},
        Row{"bad unit", "name: t\nduration: 60 parsecs\n", 2, 14, "unknown unit \"parsecs\""},
        Row{"unknown realserver", kBase + "timeline:\n  - at: 5s\n    server: rs9\n    action: crash\n", 15,
            13, "no realserver named 'rs9'"},
        Row{"bad ipvsadm line",
            kBase + "timeline:\n  - at: 5s\n    ipvsadm: -e -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w -3\n",
            15, 60, "illegal weight specified"},  // at the value, not at -w
        Row{"weight above 65535",
            kBase + "timeline:\n  - at: 5s\n    ipvsadm: -e -t 10.0.0.100:80 -r 192.168.10.11:80 -w 65536\n",
            15, 57, "illegal weight specified"},
        Row{"time past the end", kBase + "timeline:\n  - at: 61s\n    snapshot: x\n", 14, 9,
            "after the end of the run"},
        Row{"impossible value", "name: t\nduration: 60s\nnetwork:\n  loss: 2\n", 4, 9, "out of range"},
        Row{"bad condition", kBase + "expect:\n  - that: rs1.active = 1\n", 14, 22, "'==' "},
        Row{"unknown quantity head", kBase + "expect:\n  - that: rs2.active == 1\n", 14, 11,
            "unknown name 'rs2'"},
        Row{"unknown sysctl", kBase + "timeline:\n  - at: 5s\n    sysctl: net.ipv4.vs.expire_nodest=1\n", 15,
            13, "did you mean 'expire_nodest_conn'"},
        Row{"bad address",
            "name: t\nduration: 60s\nrealservers:\n  - name: rs1\n    address: 192.168.10.300\n", 5, 14,
            "IPv4 address"},
    }));
    CAPTURE(what);
    const ConfigError e = lvs::testing::load_error(text);
    CHECK(e.file() == "t.yaml");
    CHECK(e.line() == line);
    CHECK(e.column() == column);
    CHECK_THAT(std::string(e.what()) + " " + e.hint(), Catch::Contains(fragment));
    CHECK_THAT(e.format(), Catch::StartsWith("t.yaml:" + std::to_string(line) + ":" + std::to_string(column) +
                                             ": error: "));
}

TEST_CASE("scenario: --set overrides by key path, list items by name", "[scenario][set]") {
    const Scenario s = load_scenario_text(
        kBase, "t.yaml",
        {"clients.ie8.keepalive_timeout=30s", "realservers.rs1.keepalive_timeout=5s", "clients.ie8.count=3",
         "network.rtt=200ms", "director.sysctl.expire_nodest_conn=1", "realservers.rs1.server=apache"});
    REQUIRE(s.clients.size() == 1);
    CHECK(s.clients[0].browser.profile.keepalive_timeout == sim::s(30));
    CHECK(s.clients[0].count == 3);
    CHECK(s.realservers[0].server.keepalive_timeout == sim::s(5));
    CHECK(s.realservers[0].server.model == http::WorkerModel::Prefork);  // the apache preset took effect
    CHECK(s.network.rtt == sim::ms(200));
    REQUIRE(s.sysctls.size() == 1);
    CHECK(s.sysctls[0].sysctl->name == "expire_nodest_conn");
    CHECK(s.sysctls[0].value == 1);
    const ConfigError e = lvs::testing::load_error(kBase, {"clients.ie9.count=2"});
    CHECK(e.file() == "command line");
    CHECK_THAT(e.what(), Catch::Contains("no client group named 'ie9'"));
    CHECK_THAT(e.hint(), Catch::Contains("did you mean 'ie8'"));
    const ConfigError v = lvs::testing::load_error(kBase, {"clients.ie8.count=-4"});
    CHECK_THAT(v.what(), Catch::Contains("out of range"));
}

TEST_CASE("scenario: --list-keys shows every settable key with its current value", "[scenario][set]") {
    const Scenario s = load_scenario_text(kBase, "t.yaml");
    const auto keys = list_keys(s);
    const auto find = [&](const std::string& k) {
        for (const auto& [key, v] : keys)
            if (key == k) return v;
        return std::string("<missing>");
    };
    CHECK(find("clients.ie8.keepalive_timeout") == "60s");
    CHECK(find("clients.ie8.max_connections") == "6");
    CHECK(find("realservers.rs1.keepalive_timeout") == "120s");
    CHECK(find("director.sysctl.conn_reuse_mode") == "1");
    CHECK(find("network.rtt") == "20ms");
    CHECK(find("clients.ie8.page.objects") == "40");
}

TEST_CASE("scenario: the expectation language", "[scenario][expr]") {
    const auto eval = [](const std::string& text, std::map<std::string, double> values) {
        const Expr e = Expr::parse(text);
        return e.eval([&](const Expr::Ref& r) {
            return values.at(r.name + (r.at ? "@" + sim::format_time(*r.at) : ""));
        });
    };
    CHECK(eval("rs1.active >= 1", {{"rs1.active", 3}}) == 1);
    CHECK(eval("rs1.active >= 1 && rs2.conns > 10", {{"rs1.active", 3}, {"rs2.conns", 10}}) == 0);
    CHECK(eval("a == 41 * b", {{"a", 82}, {"b", 2}}) == 1);
    CHECK(eval("x < 60s", {{"x", 59.9}}) == 1);
    CHECK(eval("x@20s == x", {{"x@20s", 4}, {"x", 4}}) == 1);
    CHECK(eval("(a || b) && c == 0", {{"a", 0}, {"b", 1}, {"c", 0}}) == 1);
    REQUIRE_THROWS_AS(Expr::parse("a ="), ExprError);
    REQUIRE_THROWS_AS(Expr::parse("(a > 1"), ExprError);
    REQUIRE_THROWS_AS(Expr::parse("a > 1s5"), ExprError);
}

TEST_CASE("scenario: a timeline action at T takes effect before model events at T", "[scenario][timeline]") {
    // The browser's page load and a server crash are both at 1 s: the crash must come first,
    // so the first SYN already finds a dead server.
    const Scenario s =
        load_scenario_text(kBase + "timeline:\n  - at: 1s\n    server: rs1\n    action: crash\n", "t.yaml");
    Run run(s);
    const Report r = run.run();
    CHECK(r.realservers[0].connections_accepted == 0);
    CHECK(r.clients.objects_ok == 0);
}
