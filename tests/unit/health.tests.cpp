// Health checking in the manner of ldirectord/keepalived (ipvs-tcp-http.md section 7).
#include <catch2/catch.hpp>

#include "models/ipvs/health_checker.hpp"
#include "support/lvs_harness.hpp"

using namespace lvs;
using namespace lvs::testing;

namespace {

ipvs::HealthCheckConfig config(bool quiescent, uint32_t failures = 3) {
    ipvs::HealthCheckConfig c;
    c.name = "ldirectord";
    c.service = {ipvs::Proto::Tcp, {Ipv4::of(10, 0, 0, 100), 80}, 0};
    c.interval = s(10);
    c.check.timeout = s(5);
    c.check.failures = failures;
    c.check.quiescent = quiescent;
    return c;
}

}  // namespace

SCENARIO("a crashed realserver is detected after `failures` checks and quiesced or removed", "[health]") {
    for (const bool quiescent : {true, false}) {
        GIVEN(std::string("quiescent = ") + (quiescent ? "yes" : "no")) {
            Farm f;
            f.nat_service();
            RecorderSink rec;
            f.sim.trace().subscribe(rec);
            std::vector<std::string> actions;
            std::vector<ipvs::HealthAction> kinds;
            ipvs::HealthChecker hc(*f.director, config(quiescent), [&](const ipvs::HealthChange& c) {
                actions.push_back(c.realserver + ": ipvsadm " + c.command.text);
                kinds.push_back(c.action);
            });
            hc.start();
            f.run_until(at(s(25)));
            REQUIRE(hc.server("rs1")->checks == 3);  // at 0, 10 and 20 s
            CHECK(hc.server("rs1")->failed_checks == 0);
            f.sim.at(
                at(s(25)), [&] { f.web[0]->crash(); }, Priority::Timeline);
            f.run_until(at(s(80)));
            THEN("three failed rounds mark it down at 65 s: each round waits out the timeout, then sleeps") {
                // ldirectord checks its realservers one after another and sleeps `interval` after the
                // round (ldirectord.in, _ld_main_check_all): rounds at 0, 10, 20 s, then 30 s (rs1
                // times out at 35 s), 45 s (50 s), 60 s (65 s). Each of the 3 ms for a healthy check
                // is added to the rounds after it.
                const auto* st = hc.server("rs1");
                REQUIRE(st->down_at.has_value());
                CHECK(st->down_at->seconds() == Approx(65.0).margin(0.05));
                // Between f and f rounds of interval + timeout after the crash.
                CHECK(st->down_at->seconds() - 25 >= 2 * (10 + 5));
                CHECK(st->down_at->seconds() - 25 <= 3 * (10 + 5));
                REQUIRE(actions.size() == 1);
                CHECK(kinds[0] == (quiescent ? ipvs::HealthAction::Quiesce : ipvs::HealthAction::Remove));
                if (quiescent) {
                    CHECK(actions[0] == "rs1: ipvsadm -e -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0");
                    CHECK(f.dest(1).weight == 0);
                } else {
                    CHECK(actions[0] == "rs1: ipvsadm -d -t 10.0.0.100:80 -r 192.168.10.11:80");
                    CHECK(f.director->find_dest({ipvs::Proto::Tcp, {f.vip, 80}, 0},
                                                {Ipv4::of(192, 168, 10, 11), 80}) == nullptr);
                }
                CHECK(hc.server("rs2")->up);
            }
            AND_THEN("every check and the change publish records saying why") {
                int fails = 0;
                std::string text;
                for (const auto& r : rec.records()) {
                    if (r.kind == "health.check" && r.get_text("result") == "fail" && text.empty()) ++fails;
                    if (r.kind == "health.state" && text.empty()) text = std::string(r.get_text("text"));
                }
                CHECK(fails == 3);
                CHECK(text == std::string("ldirectord ") +
                                  (quiescent ? "set rs1 to weight 0" : "removed rs1") +
                                  " because 3 checks failed");
            }
            AND_WHEN("the server comes back") {
                f.sim.at(
                    at(s(82)), [&] { f.web[0]->start(); }, Priority::Timeline);
                f.run_until(at(s(95)));
                THEN("one good check restores its weight or re-adds it") {
                    CHECK(hc.server("rs1")->up);
                    CHECK(f.dest(1).weight == 1);
                    CHECK(f.dest(1).forward == ipvs::Forward::Masq);
                }
            }
        }
    }
}

SCENARIO("the checks are real connections", "[health]") {
    Farm f;
    f.nat_service();
    ipvs::HealthChecker hc(*f.director, config(true));
    hc.start();
    f.run_until(at(s(35)));
    // Four rounds (0, 10, 20, 30 s): connections accepted, and the server closed first
    // (the check asks for Connection: close), so the realserver holds TIME_WAIT.
    CHECK(f.web[0]->stats().connections_accepted == 4);
    CHECK(f.rs[0]->tcp().count(tcp::TcpState::TimeWait) == 4);
    CHECK(f.director->tcp().count(tcp::TcpState::TimeWait) == 0);
}

SCENARIO("the fallback server stands in while no realserver is up", "[health]") {
    Farm f;
    f.nat_service();
    ipvs::HealthCheckConfig c = config(false, 1);
    c.fallback = net::Endpoint{Ipv4::of(192, 168, 10, 99), 80};
    ipvs::HealthChecker hc(*f.director, c);
    hc.start();
    f.sim.at(
        at(s(5)),
        [&] {
            f.web[0]->crash();
            f.web[1]->crash();
        },
        Priority::Timeline);
    f.run_until(at(s(25)));  // the round at 10 s: rs1 times out at 15 s, rs2 at 20 s
    CHECK(hc.fallback_active());
    const ipvs::Dest* fb =
        f.director->find_dest({ipvs::Proto::Tcp, {f.vip, 80}, 0}, {Ipv4::of(192, 168, 10, 99), 80});
    REQUIRE(fb != nullptr);
    CHECK(fb->weight == 1);
    f.sim.at(
        at(s(26)), [&] { f.web[1]->start(); }, Priority::Timeline);
    f.run_until(at(s(40)));  // the round at 30 s: rs1 times out at 35 s, then rs2 passes
    CHECK_FALSE(hc.fallback_active());
    CHECK(f.director->find_dest({ipvs::Proto::Tcp, {f.vip, 80}, 0}, {Ipv4::of(192, 168, 10, 99), 80}) ==
          nullptr);
}

SCENARIO("a hashing scheduler that refuses produces the kernel's ICMP behaviour", "[health][sched]") {
    Farm f;
    f.ipvsadm("-A -t 10.0.0.100:80 -s sh");
    f.ipvsadm("-a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0");
    f.ipvsadm("-a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 0");
    RecordingApp app;
    app.sim = &f.sim;
    net::Host& c = f.add_client();
    c.tcp().connect(c.address(), {f.vip, 80}, &app, 0);
    f.run_until(at(s(1)));
    CHECK(app.error == tcp::SocketError::Refused);
    CHECK(f.director->counters().no_dest_icmp == 1);
}
