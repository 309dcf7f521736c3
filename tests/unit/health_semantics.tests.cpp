// The two health checkers' own semantics (ipvs-tcp-http.md section 7): keepalived's retries,
// quorum and sorry server, alpha and start-up; ldirectord's start with every realserver held
// out; what HTTP, TCP and script checks each notice.
#include <catch2/catch.hpp>

#include "models/ipvs/health_checker.hpp"
#include "support/lvs_harness.hpp"

using namespace lvs;
using namespace lvs::testing;

namespace {

const ipvs::ServiceKey kService{ipvs::Proto::Tcp, {Ipv4::of(10, 0, 0, 100), 80}, 0};
const net::Endpoint kRs1{Ipv4::of(192, 168, 10, 11), 80};
const net::Endpoint kRs2{Ipv4::of(192, 168, 10, 12), 80};
const net::Endpoint kSorry{Ipv4::of(192, 168, 10, 99), 80};

// keepalived's HTTP_GET defaults but a 6 s delay_loop, 3 s connect_timeout, retry 2 and
// delay_before_retry 2 s.
ipvs::HealthCheckConfig keepalived(bool inhibit = false) {
    ipvs::HealthCheckConfig c;
    c.name = "keepalived";
    c.tool = ipvs::CheckerTool::Keepalived;
    c.service = kService;
    c.interval = s(6);
    c.check.timeout = s(3);
    c.check.failures = 3;
    c.check.retry_delay = s(2);
    c.check.quiescent = inhibit;
    return c;
}

const ipvs::Dest* dest(Farm& f, const net::Endpoint& at) { return f.director->find_dest(kService, at); }

void at_time(Farm& f, sim::Duration t, std::function<void()> fn) {
    f.sim.at(at(t), std::move(fn), Priority::Timeline);
}

}  // namespace

SCENARIO("keepalived retries a failed check after delay_before_retry, not delay_loop",
         "[health][keepalived]") {
    Farm f;
    f.nat_service();
    ipvs::HealthChecker hc(*f.director, keepalived());
    hc.start();
    at_time(f, s(10), [&] { f.web[0]->crash(); });
    f.run_until(at(s(40)));
    // Checks at 1, 7, 13 s (delay_loop 6 s after the 1 s bootstrap). The 13 s check times out at
    // 16 s; retries at 18 s (fails 21 s) and 23 s (fails 26 s): the third failure marks it down.
    const auto* st = hc.server("rs1");
    REQUIRE(st->down_at.has_value());
    CHECK(st->down_at->seconds() == Approx(26.0).margin(0.01));
    CHECK(dest(f, kRs1) == nullptr);  // no inhibit_on_failure: removed
    CHECK(hc.server("rs2")->up);
}

SCENARIO("keepalived starts with its retries used up: one failure before the first success is enough",
         "[health][keepalived]") {
    Farm f;
    f.nat_service();
    ipvs::HealthChecker hc(*f.director, keepalived(true));
    hc.start();
    at_time(f, ms(500), [&] { f.web[0]->crash(); });
    f.run_until(at(s(5)));
    const auto* st = hc.server("rs1");
    REQUIRE(st->down_at.has_value());
    CHECK(st->down_at->seconds() == Approx(4.0).margin(0.01));  // the 1 s check timed out at 4 s
    REQUIRE(dest(f, kRs1) != nullptr);
    CHECK(dest(f, kRs1)->weight == 0);  // inhibit_on_failure: weight 0
}

SCENARIO("keepalived's quorum: below it the sorry server takes the service, the live realservers leave",
         "[health][keepalived]") {
    Farm f;
    f.nat_service();
    ipvs::HealthCheckConfig c = keepalived();
    c.check.failures = 1;
    c.quorum = 2;  // both weight-1 realservers are needed
    c.fallback = kSorry;
    ipvs::HealthChecker hc(*f.director, c);
    hc.start();
    at_time(f, s(3), [&] { f.web[0]->set_checks_failing(true); });
    f.run_until(at(s(10)));
    THEN("rs1's failed check loses the quorum: rs2, alive, is removed and the sorry server added") {
        CHECK_FALSE(hc.quorum_up());
        CHECK(hc.fallback_active());
        CHECK(hc.server("rs2")->up);
        CHECK(dest(f, kRs1) == nullptr);
        CHECK(dest(f, kRs2) == nullptr);
        REQUIRE(dest(f, kSorry) != nullptr);
        CHECK(dest(f, kSorry)->weight == 1);
    }
    at_time(f, s(11), [&] { f.web[0]->set_checks_failing(false); });
    f.run_until(at(s(20)));
    THEN("rs1 passing again regains it: the sorry server leaves, both realservers return") {
        CHECK(hc.quorum_up());
        CHECK_FALSE(hc.fallback_active());
        CHECK(dest(f, kSorry) == nullptr);
        REQUIRE(dest(f, kRs1) != nullptr);
        REQUIRE(dest(f, kRs2) != nullptr);
        CHECK(dest(f, kRs1)->weight == 1);
    }
}

SCENARIO("keepalived without a sorry server keeps the live realservers when the quorum is lost",
         "[health][keepalived]") {
    Farm f;
    f.nat_service();
    ipvs::HealthCheckConfig c = keepalived();
    c.check.failures = 1;
    c.quorum = 2;
    ipvs::HealthChecker hc(*f.director, c);
    hc.start();
    at_time(f, s(3), [&] { f.web[0]->set_checks_failing(true); });
    f.run_until(at(s(10)));
    CHECK_FALSE(hc.quorum_up());
    CHECK(dest(f, kRs2) != nullptr);  // only keepalived's notifiers run
}

SCENARIO("alpha: keepalived starts every realserver failed until its first check succeeds",
         "[health][keepalived]") {
    Farm f;
    f.nat_service();
    ipvs::HealthCheckConfig c = keepalived(true);
    c.start_down = true;
    ipvs::HealthChecker hc(*f.director, c);
    hc.start();
    f.run_until(at(ms(500)));
    CHECK(dest(f, kRs1)->weight == 0);  // with inhibit_on_failure: listed at weight 0
    f.run_until(at(s(2)));
    CHECK(dest(f, kRs1)->weight == 1);  // the 1 s check passed
    CHECK(hc.server("rs1")->up);
}

SCENARIO("ldirectord holds every realserver out until its first check succeeds", "[health][ldirectord]") {
    for (const bool quiescent : {true, false}) {
        GIVEN(std::string("quiescent = ") + (quiescent ? "yes" : "no")) {
            Farm f;
            f.nat_service();
            ipvs::HealthCheckConfig c;
            c.service = kService;
            c.check.quiescent = quiescent;
            c.start_down = true;
            c.fallback = kSorry;
            std::vector<ipvs::HealthAction> kinds;
            ipvs::HealthChecker hc(*f.director, c,
                                   [&](const ipvs::HealthChange& h) { kinds.push_back(h.action); });
            hc.start();
            // Before any check has answered: weight 0 or absent, and the fallback in.
            if (quiescent) CHECK(dest(f, kRs1)->weight == 0);
            else CHECK(dest(f, kRs1) == nullptr);
            CHECK(hc.fallback_active());
            f.run_until(at(s(1)));
            CHECK(dest(f, kRs1)->weight == 1);
            CHECK_FALSE(hc.fallback_active());
            REQUIRE(kinds.size() >= 2);
            CHECK(kinds[0] == ipvs::HealthAction::StartDown);
        }
    }
}

SCENARIO("what each check type notices", "[health]") {
    for (const auto type : {ipvs::CheckType::Http, ipvs::CheckType::Tcp, ipvs::CheckType::Script}) {
        GIVEN("a check of type " + std::to_string(static_cast<int>(type))) {
            Farm f;
            f.nat_service();
            ipvs::HealthCheckConfig c;
            c.service = kService;
            c.check.type = type;
            c.check.quiescent = true;
            ipvs::HealthChecker hc(*f.director, c, {}, [&](const net::Endpoint& e) {
                return e == kRs1 ? f.web[0]->checks_pass() : f.web[1]->checks_pass();
            });
            hc.start();
            at_time(f, s(5), [&] { f.web[0]->set_checks_failing(true); });
            f.run_until(at(s(12)));
            THEN("a server that fails its checks but still serves is down for HTTP and script checks only") {
                CHECK(hc.server("rs1")->up == (type == ipvs::CheckType::Tcp));
                CHECK(f.web[0]->running());
            }
        }
    }
}

SCENARIO("an HTTP check accepts only the status codes it lists", "[health]") {
    Farm f;
    f.nat_service();
    ipvs::HealthCheckConfig c;
    c.service = kService;
    c.check.quiescent = true;
    c.check.status_codes = {301};  // the servers answer 200
    RecorderSink rec;
    f.sim.trace().subscribe(rec);
    ipvs::HealthChecker hc(*f.director, c);
    hc.start();
    f.run_until(at(s(1)));
    CHECK_FALSE(hc.server("rs1")->up);
    bool said = false;
    for (const auto& r : rec.records())
        said = said || (r.kind == "health.check" && r.get_text("reason") == "HTTP status 200");
    CHECK(said);
}

SCENARIO(
    "keepalived's HTTP_GET brings a failed realserver back after two passing checks, TCP_CHECK after one",
    "[health][keepalived]") {
    for (const auto type : {ipvs::CheckType::Http, ipvs::CheckType::Tcp}) {
        GIVEN(std::string(type == ipvs::CheckType::Http ? "HTTP_GET" : "TCP_CHECK")) {
            Farm f;
            f.nat_service();
            ipvs::HealthCheckConfig c = keepalived(true);
            c.check.type = type;
            c.check.failures = 1;
            ipvs::HealthChecker hc(*f.director, c);
            hc.start();
            at_time(f, s(3), [&] { f.web[0]->crash(); });
            at_time(f, s(20), [&] { f.web[0]->start(); });
            f.run_until(at(s(40)));
            const auto* st = hc.server("rs1");
            REQUIRE(st->up_at.has_value());
            // Checks every 6 s after the last one ended: the first pass after 20 s brings a TCP
            // check back; an HTTP check passes every url once more (check_http.c, epilog()).
            const double first_pass = st->up_at->seconds() - (type == ipvs::CheckType::Http ? 6.0 : 0.0);
            CHECK(first_pass > 20);
            CHECK(first_pass < 26.1);
        }
    }
}

SCENARIO("keepalived spreads its first checks over the warm-up, the same for the same seed",
         "[health][keepalived]") {
    const auto first_checks = [](uint64_t seed) {
        Farm f(ipvs::current_kernel(), 2, false, seed);
        f.nat_service();
        ipvs::HealthCheckConfig c = keepalived();
        c.warmup = s(6);
        RecorderSink rec;
        f.sim.trace().subscribe(rec);
        ipvs::HealthChecker hc(*f.director, c);
        hc.start();
        f.run_until(at(s(7) + ms(100)));
        std::vector<double> at;
        for (const auto& r : rec.records())
            if (r.kind == "health.check") at.push_back(r.time.seconds());
        return at;
    };
    const auto a = first_checks(1);
    REQUIRE(a.size() >= 2);
    for (double t : a) CHECK((t >= 1.0 && t <= 7.01));
    CHECK(a[0] != Approx(a[1]).margin(0.01));  // not all at the same second
    CHECK(first_checks(1) == a);
}

SCENARIO("keepalived without enough live weight at start runs on the sorry server from the first moment",
         "[health][keepalived]") {
    Farm f;
    f.nat_service();
    ipvs::HealthCheckConfig c = keepalived();
    c.quorum = 2;
    c.hysteresis = 1;  // regained only at 3: two weight-1 realservers never reach it
    c.fallback = kSorry;
    ipvs::HealthChecker hc(*f.director, c);
    hc.start();
    CHECK_FALSE(hc.quorum_up());
    CHECK(dest(f, kRs1) == nullptr);
    REQUIRE(dest(f, kSorry) != nullptr);
    f.run_until(at(s(30)));
    CHECK_FALSE(hc.quorum_up());
}

SCENARIO("ldirectord's checktype=off holds every realserver out and lets the fallback in",
         "[health][ldirectord]") {
    Farm f;
    f.nat_service();
    ipvs::HealthCheckConfig c;
    c.service = kService;
    c.check.type = ipvs::CheckType::Off;
    c.start_down = true;
    c.fallback = kSorry;
    ipvs::HealthChecker hc(*f.director, c);
    hc.start();
    f.run_until(at(s(30)));
    CHECK(dest(f, kRs1) == nullptr);
    CHECK(hc.fallback_active());
    CHECK(hc.server("rs1")->checks == 0);
}

SCENARIO("ldirectord's checks follow redirects (LWP), keepalived's do not", "[health]") {
    for (const bool follow : {true, false}) {
        Farm f;
        f.nat_service();
        f.web[0]->set_check_status(302);
        ipvs::HealthCheckConfig c;
        c.service = kService;
        c.check.quiescent = true;
        c.check.follow_redirects = follow;
        ipvs::HealthChecker hc(*f.director, c);
        hc.start();
        f.run_until(at(s(1)));
        CHECK(hc.server("rs1")->up == follow);
    }
}

SCENARIO("ldirectord with fork=no checks every virtual service in one loop: a silent server delays them all",
         "[health][ldirectord]") {
    Farm f;
    f.nat_service();
    f.ipvsadm("-A -t 10.0.0.101:80 -s wlc");
    f.ipvsadm("-a -t 10.0.0.101:80 -r 192.168.10.12:80 -m -w 1");
    ipvs::HealthCheckConfig a;
    a.name = "web";
    a.service = kService;
    a.check.timeout = s(3);
    ipvs::HealthCheckConfig b = a;
    b.name = "assets";
    b.service = {ipvs::Proto::Tcp, {Ipv4::of(10, 0, 0, 101), 80}, 0};
    RecorderSink rec;
    f.sim.trace().subscribe(rec);
    auto round = std::make_shared<ipvs::CheckRound>(f.sim, a.interval);
    ipvs::HealthChecker web(*f.director, a), assets(*f.director, b);
    web.share_round(round);
    assets.share_round(round);
    web.start();
    assets.start();
    at_time(f, s(5), [&] { f.web[0]->crash(); });
    f.run_until(at(s(16)));
    // Round 1 at 0 s: web's rs1, rs2, then assets' rs2. Round 2 at 10 s: rs1 is silent, so
    // assets' check of rs2 waits for its 3 s timeout.
    std::vector<std::pair<std::string, double>> checks;
    for (const auto& r : rec.records())
        if (r.kind == "health.check") checks.emplace_back(std::string(r.entity_name), r.time.seconds());
    REQUIRE(checks.size() >= 6);
    CHECK(checks[2].first == "assets");
    CHECK(checks[2].second < 0.1);
    CHECK(checks[3].first == "web");  // rs1 timing out
    CHECK(checks[3].second == Approx(13.0).margin(0.1));
    CHECK(checks[5].first == "assets");
    CHECK(checks[5].second > 13.0);
}
