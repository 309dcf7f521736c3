// HTTP/1.1 keep-alive browsers and web servers (ipvs-tcp-http.md section 9).
#include <catch2/catch.hpp>

#include "support/http_harness.hpp"

using namespace lvs;
using namespace lvs::testing;
using tcp::TcpState;

namespace {
http::BrowserConfig one_load(WebSetup& w, const std::string& profile = "ie8") {
    http::BrowserConfig c = w.browser_config(profile);
    c.schedule.kind = http::LoadSchedule::Kind::Times;
    c.schedule.times = {at(s(1))};
    return c;
}
}  // namespace

SCENARIO("who closes first follows the shorter idle timeout", "[http][keepalive]") {
    GIVEN("an IE8 browser (60 s) and an IIS server (120 s)") {
        WebSetup w(ms(20), preset("iis"));
        w.add_browser(one_load(w));
        w.run_until(at(s(30)));
        REQUIRE(w.stats.pages_completed == 1);
        REQUIRE(w.stats.objects_ok == 41);
        const auto open = w.net.client.tcp().count(TcpState::Established);
        CHECK(open == 6);  // six parallel connections, kept alive
        WHEN("the page has been idle for 60 s") {
            w.run_until(at(s(75)));
            THEN("the browser sent the first FINs and holds TIME_WAIT; the server holds none") {
                CHECK(w.net.client.tcp().count(TcpState::TimeWait) == 6);
                CHECK(w.net.server.tcp().count(TcpState::TimeWait) == 0);
                CHECK(w.server->stats().keepalive_closes == 0);
            }
            AND_THEN("TIME_WAIT is gone 60 s later") {
                w.run_until(at(s(140)));
                CHECK(w.net.client.tcp().count(TcpState::TimeWait) == 0);
                CHECK(w.net.client.tcp().counters().time_wait_max == 6);
            }
        }
    }
    GIVEN("the same browser and an Apache server (5 s)") {
        WebSetup w(ms(20), preset("apache"));
        w.add_browser(one_load(w));
        w.run_until(at(s(10)));
        THEN("the server closes first and accumulates TIME_WAIT; the browser holds none") {
            CHECK(w.stats.objects_ok == 41);
            CHECK(w.server->stats().keepalive_closes == 6);
            CHECK(w.net.server.tcp().count(TcpState::TimeWait) == 6);
            CHECK(w.net.client.tcp().count(TcpState::TimeWait) == 0);
        }
    }
}

SCENARIO("keep-alive off opens one connection per object", "[http][keepalive]") {
    http::ServerConfig cfg = preset("iis");
    cfg.keepalive = false;
    WebSetup w(ms(200), cfg);
    w.add_browser(one_load(w));
    w.run_until(at(s(30)));
    THEN("41 objects take 41 connections, each closed by the server after its response") {
        CHECK(w.stats.objects_ok == 41);
        CHECK(w.stats.connections_opened == 41);
        CHECK(w.server->stats().connections_accepted == 41);
        CHECK(w.net.server.tcp().count(TcpState::TimeWait) == 41);
    }
    AND_THEN("the page takes longer than with keep-alive (a handshake per object)") {
        WebSetup k(ms(200), preset("iis"));
        k.add_browser(one_load(k));
        k.run_until(at(s(30)));
        REQUIRE(k.stats.load_ms.size() == 1);
        REQUIRE(w.stats.load_ms.size() == 1);
        CHECK(w.stats.load_ms[0] > k.stats.load_ms[0] + 600);
    }
}

SCENARIO("a request on a stale keep-alive connection is retried once on a fresh one", "[http][retry]") {
    GIVEN("a browser reusing connections whose server side was reset while idle") {
        WebSetup w(ms(20), preset("iis"));
        http::BrowserConfig c = w.browser_config();
        c.schedule.kind = http::LoadSchedule::Kind::Times;
        c.schedule.times = {at(s(1)), at(s(20))};
        w.add_browser(c);
        w.run_until(at(s(10)));
        REQUIRE(w.stats.objects_ok == 41);
        // The server process dies without telling anyone (its kernel forgets the sockets);
        // then it comes back: every request on the old connections draws a RST.
        w.server->crash();
        w.server->start();
        w.run_until(at(s(40)));
        THEN("every object of the second page is retried once and then succeeds") {
            CHECK(w.stats.pages_completed == 2);
            CHECK(w.stats.objects_failed == 0);
            CHECK(w.stats.objects_ok == 82);
            CHECK(w.stats.retries >= 6);
        }
    }
    GIVEN("a browser whose fresh connection is reset") {
        WebSetup w(ms(20), preset("iis"));
        w.add_browser(one_load(w));
        // The server accepts the handshake, then resets everything before answering.
        w.net.sim.at(at(s(1) + ms(25)), [&] { w.server->abrupt_stop(); });
        w.run_until(at(s(5)));
        THEN("the HTML fails at once: no retry on a fresh connection") {
            CHECK(w.stats.retries == 0);
            CHECK(w.stats.objects_failed == 1);
            CHECK(w.stats.failed_reset == 1);
            CHECK(w.stats.pages_completed == 1);
        }
    }
}

SCENARIO("prefork workers are held by idle keep-alive connections, event workers are not",
         "[http][workers]") {
    const auto run = [](http::WorkerModel model) {
        http::ServerConfig cfg = preset("iis");
        cfg.model = model;
        cfg.workers = 10;
        cfg.keepalive_timeout = s(120);
        WebSetup w(ms(20), cfg);
        // 20 browsers, one connection each, one page of one object.
        for (int i = 0; i < 20; ++i) {
            http::BrowserConfig c = w.browser_config();
            c.profile.max_connections = 1;
            c.page.objects = 0;
            c.schedule.kind = http::LoadSchedule::Kind::Times;
            c.schedule.times = {at(s(1) + ms(10 * i))};
            w.add_browser(c);
        }
        w.run_until(at(s(10)));
        return std::make_pair(w.stats.pages_completed, w.server->workers_idle_keepalive());
    };
    WHEN("the server is prefork with 10 workers") {
        const auto [done, idle_held] = run(http::WorkerModel::Prefork);
        THEN("10 idle keep-alive connections hold all workers and the other 10 pages stall") {
            CHECK(done == 10);
            CHECK(idle_held == 10);
        }
    }
    WHEN("the server is event-driven with 10 workers") {
        const auto [done, idle_held] = run(http::WorkerModel::Event);
        THEN("all 20 pages load") {
            CHECK(done == 20);
            CHECK(idle_held == 0);
        }
    }
}

SCENARIO(
    "with a per-request timeout, a crash turns in-flight requests into timeouts; a graceful stop loses none",
    "[http][timeout]") {
    const auto setup = [](WebSetup& w) {
        http::BrowserConfig c = w.browser_config();
        c.request_timeout = s(10);
        c.schedule.kind = http::LoadSchedule::Kind::Times;
        c.schedule.times = {at(s(1))};
        w.add_browser(c);
    };
    http::ServerConfig slow = preset("iis");
    slow.service = http::Distribution::fixed(2e9);  // 2 s per request
    GIVEN("a crash while requests are being served") {
        WebSetup w(ms(20), slow);
        setup(w);
        w.net.sim.at(at(s(4)), [&] { w.server->crash(); });
        w.run_until(at(s(60)));
        THEN(
            "the requests in flight end as timeouts 10 s after they were sent; nothing is reset or refused") {
            CHECK(w.stats.failed_timeout >= 6);
            CHECK(w.stats.failed_refused == 0);
            CHECK(w.stats.failed_reset == 0);
            CHECK(w.stats.objects_ok + w.stats.objects_failed + w.browsers[0]->pending_objects() == 41);
        }
    }
    GIVEN("a graceful stop while requests are being served") {
        WebSetup w(ms(20), slow);
        setup(w);
        w.net.sim.at(at(s(4)), [&] { w.server->graceful_stop(); });
        w.run_until(at(s(60)));
        THEN("requests in flight complete; later ones are refused, none times out") {
            CHECK(w.stats.failed_timeout == 0);
            CHECK(w.stats.objects_ok >= 7);  // the HTML and the six in flight
            CHECK(w.stats.failed_refused + w.stats.objects_ok == 41);
        }
    }
}

SCENARIO("a reload aborts a stalled page's outstanding objects", "[http][reload]") {
    http::ServerConfig cfg = preset("iis");
    WebSetup w(ms(20), cfg);
    http::BrowserConfig c = w.browser_config();
    c.schedule.kind = http::LoadSchedule::Kind::Times;
    c.schedule.times = {at(s(1)), at(s(10)), at(s(20))};
    w.add_browser(c);
    // The server goes silent after the HTML of page 1 is out: the images stall.
    w.net.sim.at(at(s(1) + ms(62)), [&] { w.net.server.set_down(true); });
    w.net.sim.at(at(s(15)), [&] {
        w.net.server.set_down(false);
        w.server->crash();
        w.server->start();
    });
    w.run_until(at(s(60)));
    THEN("the reload at 10 s counts page 1's missing images as aborted, and later pages load") {
        CHECK(w.stats.pages_aborted >= 1);
        CHECK(w.stats.objects_aborted >= 40);
        CHECK(w.stats.longest_outstanding_s > 8.0);
        CHECK(w.stats.pages_completed >= 1);
    }
}
