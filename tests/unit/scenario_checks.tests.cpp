// Everything a run would reject is rejected when the scenario is loaded, with file:line:column
// and a hint; what lvsim does that a user may not expect is a warning, in the report, the JSON
// and the trace.
#include <catch2/catch.hpp>
#include <sstream>

#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"
#include "sim/trace.hpp"
#include "support/scenario_harness.hpp"

using namespace lvs;
using namespace lvs::scenario;

namespace {

// Line numbers matter below: the rules are lines 5-7, the realservers 9-10, the client 12.
const std::string kHead = R"(name: t
duration: 60s
director:
  rules: |
    -A -t 10.0.0.100:80 -s wlc
    -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1
    -a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 3
realservers:
  - {name: rs1, address: 192.168.10.11}
  - {name: rs2, address: 192.168.10.12}
clients:
  - {name: ie8, schedule: {reload_every: 5s}}
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("scenario checks: what a run would reject fails at load time, at the right place",
          "[scenario][errors]") {
    using Row = std::tuple<const char*, std::string, int, int, const char*>;
    auto [what, text, line, column,
          fragment] = GENERATE(table<const char*, std::string, int, int, const char*>({
        Row{"misspelled quantity", kHead + "expect:\n  - that: rs1.activ >= 1\n", 14, 11,
            "did you mean 'rs1.active'"},
        Row{"unknown IPVS state", kHead + "expect:\n  - that: director.state.FOO == 0\n", 14, 11,
            "unknown IPVS state 'FOO'"},
        Row{"time against a count", kHead + "expect:\n  - that: rs1.active < 5s\n", 14, 24,
            "rs1.active is a count, not a time"},
        Row{"time plus a count", kHead + "expect:\n  - that: clients.page_load_p50 + rs1.active > 3\n", 14,
            33, "is a time (ms) and rs1.active is a count"},
        Row{"unknown scheduler", replace(kHead, "-s wlc", "-s bogus"), 5, 25, "no scheduler named 'bogus'"},
        Row{"-a before -A",
            replace(kHead,
                    "    -A -t 10.0.0.100:80 -s wlc\n    -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1\n",
                    "    -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1\n    -A -t 10.0.0.100:80 -s wlc\n"),
            5, 5, "Service not defined"},
        Row{"bad token in a rules block", replace(kHead, "-m -w 3", "-m -w x"), 7, 51,
            "illegal weight specified"},
        Row{"timeline sysctl value", kHead + "timeline:\n  - at: 5s\n    sysctl: expire_nodest_conn=abc\n",
            15, 32, "takes 0 to 1, not 'abc'"},
        Row{"timeline sysctl range", kHead + "timeline:\n  - at: 5s\n    sysctl: net.ipv4.vs.secure_tcp=4\n",
            15, 36, "takes 0 to 3"},
        Row{"timeline -e of a missing realserver",
            kHead + "timeline:\n  - at: 5s\n    ipvsadm: -e -t 10.0.0.100:80 -r 192.168.10.11:8080 -m -w 0\n",
            15, 14, "No such destination"},
        Row{"rule for no realserver", replace(kHead, "192.168.10.12:80 -m -w 3", "192.168.10.13:80 -m -w 3"),
            7, 25, "192.168.10.13 is no realserver's address"},
        Row{"client target nowhere", replace(kHead, "{name: ie8,", "{name: ie8, target: 10.0.0.101:80,"), 12,
            25, "neither a virtual service nor a realserver"},
        Row{"unused realserver", kHead + "realservers:\n", 0, 0, ""},  // replaced below
        Row{"reserved name", replace(kHead, "name: rs2,", "name: time,"), 10, 12, "reserved"},
        Row{"unknown kernel", kHead + "kernel: banana\n", 13, 9, "write a release (5.4, 6.1) or a profile"},
        Row{"unknown TCP sysctl",
            replace(kHead, "address: 192.168.10.11}", "address: 192.168.10.11, sysctl: {tcp_retrie2: 5}}"), 9,
            50, "did you mean 'tcp_retries2'"},
        Row{"TCP sysctl value",
            replace(kHead, "address: 192.168.10.11}",
                    "address: 192.168.10.11, sysctl: {tcp_fin_timeout: soon}}"),
            9, 67, "tcp_fin_timeout takes a whole number (seconds)"},
        Row{"TCP sysctl range",
            replace(kHead, "address: 192.168.10.11}", "address: 192.168.10.11, sysctl: {tcp_tw_reuse: 3}}"),
            9, 64, "out of range (0 to 2)"},
        Row{"unknown socket call",
            replace(kHead, "{name: ie8, schedule: {reload_every: 5s}}",
                    "{name: ie8, script: [connect, shutdwon]}"),
            12, 35, "did you mean 'shutdown'"},
        Row{"connect in a server script",
            replace(kHead, "{name: rs2, address: 192.168.10.12}",
                    "{name: rs2, address: 192.168.10.12, script: [connect]}"),
            10, 50, "connect is for client scripts"},
        Row{"browser keys on a script",
            replace(kHead, "{name: ie8, schedule: {reload_every: 5s}}",
                    "{name: ie8, schedule: {times: [1s]}, script: [connect]}"),
            12, 27, "`schedule:` is for browsers"},
        Row{"CONFIG_HZ", replace(kHead, "address: 192.168.10.11}", "address: 192.168.10.11, hz: 200}"), 9, 45,
            "100, 250, 300 or 1000"},
        Row{"drop at an unknown host", kHead + "timeline:\n  - at: 1s\n    drop: {host: ie9}\n", 15, 18,
            "did you mean 'ie8'"},
        Row{"drop direction", kHead + "timeline:\n  - at: 1s\n    drop: {host: ie8, direction: up}\n", 15, 34,
            "drop.direction is in or out"},
        Row{"drop flags", kHead + "timeline:\n  - at: 1s\n    drop: {host: rs1, flags: FX}\n", 15, 31,
            "the letters S, A, F, R and P, not 'X'"},
        Row{"loss above 50 %", replace(kHead, "duration: 60s\n", "duration: 60s\nnetwork: {loss: 60%}\n"), 3,
            17, "from 0 to 0.5 (50%)"},
        Row{"burst loss without p",
            replace(kHead, "duration: 60s\n", "duration: 60s\nnetwork: {burst_loss: {r: 20%}}\n"), 3, 23,
            "needs p"},
        Row{"health check of no service",
            replace(
                kHead, "realservers:\n",
                "  health_checks:\n    - {name: hc, service: 10.0.0.9:80, quiescent: no}\nrealservers:\n"),
            9, 7, "which director.rules does not define"},
    }));
    CAPTURE(what);
    if (std::string(what) == "unused realserver") {
        const std::string t =
            replace(kHead, "  - {name: rs2, address: 192.168.10.12}\n",
                    "  - {name: rs2, address: 192.168.10.12}\n  - {name: rs3, address: 192.168.10.13}\n");
        const ConfigError e = lvs::testing::load_error(t);
        CHECK(e.line() == 11);
        CHECK(e.column() == 5);
        CHECK_THAT(
            e.what(),
            Catch::Contains("realserver rs3 (192.168.10.13) is used by no rule, timeline entry or client"));
        CHECK_THAT(e.hint(), Catch::Contains("-a -t 10.0.0.100:80 -r 192.168.10.13:80"));
        return;
    }
    const ConfigError e = lvs::testing::load_error(text);
    CHECK(e.file() == "t.yaml");
    CHECK(e.line() == line);
    CHECK(e.column() == column);
    CHECK_THAT(std::string(e.what()) + " " + e.hint(), Catch::Contains(fragment));
}

TEST_CASE("scenario checks: a time literal is converted to the quantity's unit", "[scenario][expr]") {
    const Scenario s = load_scenario_text(kHead + R"(expect:
  - that: clients.page_load_p50 < 1s
  - that: clients.page_load_p50 < 0.1s
  - that: clients.page_load_p50 < 1000
  - that: clients.longest_stall_s < 500ms
  - that: time == 60s && time == 60000ms
)",
                                          "t.yaml");
    Run run(s);
    const Report r = run.run();
    REQUIRE(r.expectations.size() == 5);
    CHECK(r.clients.page_load_p50_ms > 100);  // a 41-object page over 20 ms round trips
    CHECK(r.clients.page_load_p50_ms < 1000);
    CHECK(r.expectations[0].passed);   // 1s means 1000 ms, not 1 ms
    CHECK(!r.expectations[1].passed);  // 0.1s is 100 ms
    CHECK(r.expectations[2].passed);   // a bare number keeps the quantity's unit (ms)
    CHECK(r.expectations[3].passed);   // 500ms against a quantity in seconds is 0.5
    CHECK(r.expectations[4].passed);
}

TEST_CASE("scenario checks: kernel accepts a release and names the profile it resolved to",
          "[scenario][kernel]") {
    const auto profile = [](const std::string& k) {
        const Scenario s = load_scenario_text(kHead + "kernel: " + k + "\n", "t.yaml");
        return s.kernel + (s.kernel_asked.empty() ? "" : " for " + s.kernel_asked);
    };
    CHECK(profile("5.4") == "4.8-5.8 for 5.4");
    CHECK(profile("4.19.0-27-amd64") == "4.8-5.8 for 4.19.0-27-amd64");
    CHECK(profile("5.15") == "5.9-5.15 for 5.15");
    CHECK(profile("6.1") == "current for 6.1");
    CHECK(profile("3.10") == "3.10-4.1 for 3.10");
    CHECK(profile("2.6") == "<=3.9 for 2.6");
    CHECK(profile("4.2-4.7") == "4.2-4.7");
    const Scenario s = load_scenario_text(kHead + "kernel: 5.4\n", "t.yaml");
    Run run(s);
    std::ostringstream text;
    write_text_report(text, run.run());
    CHECK_THAT(text.str(), Catch::Contains("kernel profile 4.8-5.8 (for kernel 5.4)"));
}

TEST_CASE("scenario checks: surprises are warnings in the report, the JSON and the trace",
          "[scenario][warnings]") {
    const std::string text = kHead + R"(kernel: 3.10
director:
timeline:
  - at: 10s
    ipvsadm: -e -t 10.0.0.100:80 -r 192.168.10.12:80 -w 0
  - at: 20s
    server: rs1
    action: keepalive-timeout
    value: 5s
  - at: 30s
    sysctl: net.ipv4.vs.conn_reuse_mode=0
)";
    // The `director:` line above would be a duplicate key: build the text without it.
    const Scenario s =
        load_scenario_text(replace(text, "kernel: 3.10\ndirector:\n", "kernel: 3.10\n"), "t.yaml");
    REQUIRE(s.warnings.size() == 3);
    CHECK_THAT(s.warnings[0].text,
               Catch::Contains("rs2 changes from Masq to Route") && Catch::Contains("repeat -m"));
    CHECK(s.warnings[0].mark.line == 16);
    CHECK(s.warnings[0].timeline_entry == std::optional<size_t>(0));
    CHECK_THAT(s.warnings[1].text,
               Catch::Contains("rs1's new keep-alive timeout applies to connections that go idle after 20s"));
    CHECK_THAT(s.warnings[2].text,
               Catch::Contains("conn_reuse_mode does not exist on kernel profile 3.10-4.1"));

    sim::RecorderSink trace;
    RunOptions o;
    o.extra_sinks.push_back(&trace);
    Run run(s, o);
    const Report r = run.run();
    REQUIRE(r.warnings.size() == 3);
    std::ostringstream report, json;
    write_text_report(report, r);
    write_json_report(json, r);
    CHECK_THAT(report.str(),
               Catch::Contains("Warnings\n  t.yaml:16: ipvsadm -e without a forwarding switch"));
    CHECK_THAT(json.str(),
               Catch::Contains("\"warnings\": [\n    {\"text\": \"ipvsadm -e without a forwarding switch") &&
                   Catch::Contains("\"line\": 16"));
    std::vector<std::pair<double, std::string>> seen;
    for (const auto& rec : trace.records())
        if (rec.kind == "scenario.warning")
            seen.emplace_back(rec.time.seconds(), std::string(rec.get_text("text")));
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].first == 10);  // said when its entry is applied
    CHECK(seen[1].first == 20);
    CHECK(seen[2].first == 30);
    // And the run did what the warning said: rs2 is now Route with weight 0.
    CHECK(r.snapshots.back().services.at(0).realservers.at(1).forward == "Route");
}

TEST_CASE("scenario checks: an -e that restates its options says nothing", "[scenario][warnings]") {
    const Scenario s = load_scenario_text(
        kHead + "timeline:\n  - at: 10s\n    ipvsadm: -e -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 0\n",
        "t.yaml");
    CHECK(s.warnings.empty());
}

TEST_CASE("invariants: a sound run passes them at every sample; a broken count is caught",
          "[scenario][invariants]") {
    const Scenario s = load_scenario_text(kHead, "t.yaml");
    RunOptions o;
    o.check_invariants = true;
    Run run(s, o);
    CHECK_NOTHROW(run.run_until(sim::at(sim::s(20))));
    run.check_invariants();
    // One object that was never started: the conservation of objects no longer holds.
    ++run.client_groups()[0].stats.objects_ok;
    CHECK_THROWS_AS(run.check_invariants(), sim::InvariantError);
    try {
        run.check_invariants();
    } catch (const sim::InvariantError& e) {
        CHECK(std::string(e.what()).find("objects started") != std::string::npos);
    }
}

TEST_CASE("Report::events counts the model's events: the same with and without a trace",
          "[scenario][trace]") {
    // Tracing adds listing events (-Ln on change, -Lnc every second) that only observe; the
    // viewer simulates with tracing on and must show the figure `lvsim run` prints.
    const Scenario s = load_scenario_file(std::string(LVSIM_SCENARIO_DIR) + "/07-healthcheck-quiescent.yaml");
    const uint64_t plain = Run(s).run().events;
    sim::RecorderSink trace;
    RunOptions o;
    o.extra_sinks.push_back(&trace);
    const Report traced = Run(s, o).run();
    CHECK(traced.events == plain);
    CHECK(plain > 100'000);
    CHECK(trace.records().size() > 0);
}
