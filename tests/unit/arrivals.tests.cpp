// Traffic an operator has: visitors arriving by a Poisson process, a rate profile over the
// day or a CSV of times, each visit a session of pages from a page mix on a client host of its
// own address; an access log's clients replayed; a group's browsers staggered; and the errors
// of the new keys.
#include "models/http/arrivals.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "models/scenario/key_paths.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"
#include "models/scenario/units.hpp"
#include "tests/support/scenario_harness.hpp"

using namespace lvs;
using namespace lvs::scenario;

namespace {

std::string farm(const std::string& clients, const std::string& duration = "300s") {
    return "name: t\nseed: 1\nduration: " + duration +
           "\nnetwork: {rtt: 20ms}\n"
           "director:\n  rules: |\n    -A -t 10.0.0.100:80 -s wlc\n"
           "    -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1\n"
           "    -a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 1\n"
           "realservers:\n  - {name: rs1, address: 192.168.10.11, server: nginx}\n"
           "  - {name: rs2, address: 192.168.10.12, server: nginx}\n"
           "clients:\n" +
           clients;
}

// Counts arrivals of a process over [0, until).
size_t count_arrivals(const http::ArrivalProcess& p, sim::Time until, uint64_t seed = 7) {
    http::ArrivalClock clock(p);
    sim::Rng rng = sim::Rng::stream(seed, "t");
    size_t n = 0;
    for (sim::Time t = clock.next(sim::Time{}, rng); t < until; t = clock.next(t, rng)) ++n;
    return n;
}

// Files a scenario names sit beside it: this folder, and the scenario's origin within it.
const std::string kDir = (std::filesystem::temp_directory_path() / "lvsim-arrivals-tests").string();
const std::string kOrigin = kDir + "/t.yaml";

void write_file(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(kDir);
    std::ofstream(kDir + "/" + name) << text;
}

}  // namespace

TEST_CASE("a Poisson process at 2/s brings 2 arrivals a second, with exponential gaps", "[arrivals]") {
    http::ArrivalProcess p;
    p.rate = 2;
    const size_t n = count_arrivals(p, sim::at(sim::s(10'000)));
    // 20,000 expected, standard deviation sqrt(20,000) = 141: four of them either way.
    CHECK(n > 20'000 - 566);
    CHECK(n < 20'000 + 566);
    // Scale multiplies the rate; start and stop bound the arrivals.
    p.scale = 0.5;
    p.start = sim::at(sim::s(100));
    p.stop = sim::at(sim::s(1100));
    const size_t m = count_arrivals(p, sim::at(sim::s(10'000)));
    CHECK(m > 1000 - 127);
    CHECK(m < 1000 + 127);
    http::ArrivalClock clock(p);
    sim::Rng rng = sim::Rng::stream(1, "t");
    CHECK(clock.next(sim::Time{}, rng) >= p.start);
}

TEST_CASE(
    "a rate profile is linear between its points, read from its `from` time of day, and thinned exactly",
    "[arrivals]") {
    http::ArrivalProcess p;
    p.kind = http::ArrivalProcess::Kind::Profile;
    p.profile = {{sim::s(0), 0}, {sim::s(1000), 10}, {sim::s(2000), 10}, {sim::s(3000), 0}};
    CHECK(p.rate_at(sim::at(sim::s(500))) == Approx(5));
    CHECK(p.rate_at(sim::at(sim::s(1500))) == Approx(10));
    CHECK(p.rate_at(sim::at(sim::s(9000))) == Approx(0));  // constant past the last point
    CHECK(p.peak_rate() == Approx(10));
    // The ramp 0 -> 10/s over 1000 s brings 5,000 on average, the plateau 10,000.
    CHECK(p.expected(sim::Time{}, sim::at(sim::s(1000))) == Approx(5000));
    CHECK(p.expected(sim::Time{}, sim::at(sim::s(3000))) == Approx(20000));
    const size_t ramp = count_arrivals(p, sim::at(sim::s(1000)));
    CHECK(ramp > 5000 - 283);
    CHECK(ramp < 5000 + 283);
    // From 1500 s of the profile's day on: the run's 0 s is its plateau's middle.
    p.profile_from = sim::s(1500);
    CHECK(p.rate_at(sim::Time{}) == Approx(10));
    CHECK(p.rate_at(sim::at(sim::s(1000))) == Approx(5));
    const size_t later = count_arrivals(p, sim::at(sim::s(500)));
    CHECK(later > 5000 - 283);
    CHECK(later < 5000 + 283);
    // A night at rate 0 brings nobody, and costs nothing to cross.
    p.profile = {{sim::s(0), 0}, {sim::s(86'400), 0}};
    p.profile_from = {};
    CHECK(count_arrivals(p, sim::at(sim::s(10 * 86'400))) == 0);
}

TEST_CASE("listed arrival times come back in order, equal ones each once", "[arrivals]") {
    http::ArrivalProcess p;
    p.kind = http::ArrivalProcess::Kind::Times;
    p.times = {sim::at(sim::s(1)), sim::at(sim::s(1)), sim::at(sim::s(5))};
    http::ArrivalClock clock(p);
    sim::Rng rng = sim::Rng::stream(1, "t");
    CHECK(clock.next(sim::Time{}, rng) == sim::at(sim::s(1)));
    CHECK(clock.next(sim::at(sim::s(1)), rng) == sim::at(sim::s(1)));
    CHECK(clock.last_time() == 1);
    CHECK(clock.next(sim::at(sim::s(1)), rng) == sim::at(sim::s(5)));
    CHECK(clock.next(sim::at(sim::s(5)), rng) == sim::Time::max());
}

TEST_CASE("rates and page counts are read with their units", "[arrivals][units]") {
    CHECK(parse_rate_text("2/s") == Approx(2));
    CHECK(parse_rate_text("120/min") == Approx(2));
    CHECK(parse_rate_text("7200/h") == Approx(2));
    CHECK_THROWS_AS(parse_rate_text("2"), std::invalid_argument);
    CHECK_THROWS_AS(parse_rate_text("2/day"), std::invalid_argument);
    CHECK_THROWS_AS(parse_rate_text("-1/s"), std::invalid_argument);
    const http::Distribution g = parse_count_distribution("geometric(5)");
    CHECK(g.kind == http::Distribution::Kind::Geometric);
    sim::Rng rng = sim::Rng::stream(3, "g");
    double sum = 0, least = 1e9;
    for (int i = 0; i < 20'000; ++i) {
        const double v = g.sample(rng);
        sum += v;
        least = std::min(least, v);
        REQUIRE(v == std::floor(v));
    }
    CHECK(least == 1);
    CHECK(sum / 20'000 == Approx(5).epsilon(0.03));
    CHECK(parse_count_distribution("4").a == 4);
    CHECK_THROWS_AS(parse_count_distribution("geometric(0.5)"), std::invalid_argument);
    CHECK_THROWS_AS(parse_count_distribution("uniform(8, 2)"), std::invalid_argument);
}

TEST_CASE(
    "arriving visitors: each visit a session of pages on a host of a new address, hosts reused once free",
    "[arrivals][scenario]") {
    const std::string visitors =
        "  - name: v\n    browser: chrome\n    arrivals: {rate: 0.5/s, stop: 200s}\n"
        "    session: {pages: 3}\n    schedule: {think: exp(5s)}\n"
        "    pages:\n      - {name: big, weight: 3, objects: 20}\n      - {name: small, weight: 1, objects: "
        "2}\n";
    struct Sink final : sim::TraceSink {
        std::set<std::string> addresses;
        size_t starts = 0;
        void on_record(const sim::TraceRecord& r) override {
            if (r.kind != trace::kind::http_session_start) return;
            ++starts;
            addresses.insert(std::string(r.get_text("address")));
        }
    } sink;
    RunOptions options;
    options.extra_sinks.push_back(&sink);
    Run run(load_scenario_text(farm(visitors), "t.yaml"), options);
    const Report r = run.run();
    const ClientReport& c = r.clients;
    // 100 expected over 200 s (sd 10).
    CHECK(c.sessions > 70);
    CHECK(c.sessions < 130);
    CHECK(c.sessions_completed == c.sessions);  // 3 pages and about 10 s of thinking each
    CHECK(c.session_pages_mean == Approx(3));
    CHECK(c.pages == 3 * c.sessions);
    // Every visit its own client address; far fewer hosts than visits.
    CHECK(sink.starts == c.sessions);
    CHECK(sink.addresses.size() == c.sessions);
    // Visits under way at once are few (each about 10 s); the hosts they need are more, held
    // after the visit by idle connections.
    CHECK(c.visitor_hosts == c.browsers);
    CHECK(c.sessions_peak >= 3);
    CHECK(c.sessions_peak < c.browsers);
    // A host is free once its connections have closed: nginx ends idle ones after 75 s, so by
    // Little's law about 0.5/s x (10 s + 75 s) = 43 hosts serve the 100 visits.
    CHECK(c.browsers > 25);
    CHECK(c.browsers < 60);
    // The page mix's weights: 3 to 1.
    REQUIRE(c.page_mix.size() == 2);
    const double big = static_cast<double>(c.page_mix[0].second);
    CHECK(big / static_cast<double>(c.pages) == Approx(0.75).margin(0.08));
    CHECK(c.objects_failed == 0);
}

TEST_CASE("a CSV of arrivals: each line a visit at its time, with its own preset and page count",
          "[arrivals][scenario]") {
    write_file("arrivals.csv", "time,client,pages\n# a comment\n1,firefox,2\n2.5s\n2.5,curl,1\n");
    const std::string text =
        farm("  - name: v\n    browser: chrome\n    arrivals: {csv: arrivals.csv}\n", "60s");
    Run run(load_scenario_text(text, kOrigin));
    const Report r = run.run();
    CHECK(r.clients.sessions == 3);
    CHECK(r.clients.sessions_completed == 3);
    CHECK(r.clients.pages == 4);        // 2 + 1 (the group's default) + 1
    CHECK(r.clients.api_clients == 1);  // curl's visit ran on a host that is an API client now
}

TEST_CASE("an access log's clients are replayed at their logged times from their logged addresses",
          "[arrivals][scenario][access-log]") {
    const std::string log =
        "192.0.2.10 - - [12/Mar/2024:09:00:00 +0000] \"GET / HTTP/1.1\" 200 20000 \"-\" \"Mozilla/5.0 "
        "Chrome/122.0\"\n"
        "192.0.2.10 - - [12/Mar/2024:09:00:00 +0000] \"GET /a.css HTTP/1.1\" 200 5000 \"-\" \"Mozilla/5.0 "
        "Chrome/122.0\"\n"
        "198.51.100.7 - - [12/Mar/2024:09:00:10 +0000] \"POST /api HTTP/1.1\" 201 300 \"-\" "
        "\"python-requests/2.31\"\n"
        "2001:db8::5 - - [12/Mar/2024:09:00:20 +0000] \"GET / HTTP/1.1\" 200 20000 \"-\" \"Googlebot/2.1\"\n"
        "garbage line\n";
    write_file("replay.log", log);
    const std::string text = farm("  - name: logged\n    access_log: replay.log\n", "60s") +
                             "timeline:\n  - at: 10.5s\n    snapshot: mid\n";
    Run run(load_scenario_text(text, kOrigin));
    const Report r = run.run();
    CHECK(r.clients.replayed_requests == 4);
    CHECK(r.clients.objects_ok == 4);
    CHECK(r.clients.browsers == 3);
    CHECK(r.clients.api_clients == 1);
    // The director sees the logged address of the client that is talking at 10.5 s.
    REQUIRE(!r.snapshots.empty());
    CHECK(r.snapshots[0].ipvsadm_lnc.find("198.51.100.7") != std::string::npos);
    // What could not be mapped, said in the report.
    const std::string all = [&] {
        std::string s;
        for (const std::string& l : r.clients.access_log) s += l + "\n";
        return s;
    }();
    CHECK(all.find("1 client whose User-Agent no preset matches, replayed as chrome") != std::string::npos);
    CHECK(all.find("1 line not replayed") != std::string::npos);
    CHECK(r.clients.remapped_addresses == 1);  // the IPv6 client
    // A window of the log: from 10 s on, only the POST and the bot.
    const std::string windowed =
        farm("  - name: logged\n    access_log: {file: replay.log, from: 10s, default: firefox}\n", "60s");
    const Report w = Run(load_scenario_text(windowed, kOrigin)).run();
    CHECK(w.clients.replayed_requests == 2);
}

TEST_CASE("a group's browsers start spread over one reload interval unless the scenario says otherwise",
          "[arrivals][stagger]") {
    const auto pages_by_end = [](const std::string& stagger) {
        const std::string text = farm(
                                     "  - name: u\n    count: 4\n    browser: chrome\n"
                                     "    page: {objects: 0}\n    schedule: {reload_every: 8s" +
                                         stagger + "}\n",
                                     "18.5s") +
                                 "timeline:\n  - at: 1s\n    snapshot: early\n";
        const Report r = Run(load_scenario_text(text, "t.yaml")).run();
        return r.clients.pages;
    };
    // Staggered: browser i first loads at 2i s, so 3 + 3 + 2 + 2 pages by 18.5 s (loads at 0, 8,
    // 16; 2, 10, 18; 4, 12; 6, 14).
    CHECK(pages_by_end("") == 10);
    // All at once (stagger: none): 3 loads each.
    CHECK(pages_by_end(", stagger: none") == 12);
    CHECK(pages_by_end(", stagger: 4s") == 11);  // from 0, 1, 2, 3 s: 3 + 3 + 3 + 2
}

TEST_CASE("the new keys refuse what they cannot mean, naming line and column", "[arrivals][errors]") {
    const std::string head = "  - name: v\n    browser: chrome\n";
    struct Row {
        std::string what, clients, message;
        int line;
    };
    const Row rows[] = {
        {"count with arrivals", head + "    count: 3\n    arrivals: {rate: 1/s}\n", "does not go with", 16},
        {"reload_every with arrivals", head + "    arrivals: {rate: 1/s}\n    schedule: {reload_every: 5s}\n",
         "does not go with", 17},
        {"session without arrivals", head + "    session: {pages: 3}\n", "arriving users", 16},
        {"two processes", head + "    arrivals: {rate: 1/s, profile: [[0h, 1/s]]}\n", "one of rate", 16},
        {"a rate without unit", head + "    arrivals: {rate: 2}\n", "needs its unit", 16},
        {"profile going back", head + "    arrivals: {profile: [[2h, 1/s], [1h, 2/s]]}\n", "must increase",
         16},
        {"from without profile", head + "    arrivals: {rate: 1/s, from: 2h}\n", "give a profile", 16},
        {"a missing CSV", head + "    arrivals: {csv: nowhere.csv}\n", "cannot find", 16},
        {"pages and requests", head + "    requests: {parallel: 2}\n    pages: [{name: a}]\n", "page mix",
         17},
        {"weights of zero", head + "    pages: [{name: a, weight: 0}]\n", "add up to 0", 16},
        {"a bad page count", head + "    arrivals: {rate: 1/s}\n    session: {pages: geometric(0)}\n",
         "at least 1", 17},
        {"arrivals and a log", head + "    arrivals: {rate: 1/s}\n    access_log: x.log\n", "not both", 17},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        const ConfigError e = testing::load_error(farm(row.clients));
        CHECK(std::string(e.what()).find(row.message) != std::string::npos);
        CHECK(e.line() == row.line);
        CHECK(e.column() > 0);
    }
    // A CSV's own mistakes name the CSV's line and column.
    write_file("bad-arrivals.csv", "time,client\n1,chrome\n2,chrom\n");
    try {
        (void)load_scenario_text(farm(head + "    arrivals: {csv: bad-arrivals.csv}\n"), kOrigin);
        FAIL("a bad preset in the CSV loaded");
    } catch (const ConfigError& e) {
        CHECK(e.file().find("bad-arrivals.csv") != std::string::npos);
        CHECK(e.line() == 3);
        CHECK(e.column() == 3);
        CHECK(e.hint().find("chrome") != std::string::npos);
    }
}

TEST_CASE("the arrival keys take --set and --vary like any other", "[arrivals][sweep]") {
    const std::string text = farm(
        "  - name: v\n    browser: chrome\n    arrivals: {profile: [[0h, 1/s], [1h, 2/s]]}\n"
        "    session: {pages: 2}\n");
    const Scenario s = load_scenario_text(text, "t.yaml",
                                          {"clients.v.arrivals.scale=1.5", "clients.v.arrivals.stop=100s",
                                           "clients.v.session.pages=geometric(3)"});
    REQUIRE(s.clients[0].arrivals);
    CHECK(s.clients[0].arrivals->process.scale == 1.5);
    CHECK(s.clients[0].arrivals->process.stop == sim::at(sim::s(100)));
    CHECK(s.clients[0].browser.session.pages.kind == http::Distribution::Kind::Geometric);
    bool listed = false;
    for (const auto& [key, value] : list_keys(s))
        listed |= key == "clients.v.arrivals.scale" && value == "1.5";
    CHECK(listed);
    const ConfigError e = testing::load_error(text, {"clients.v.arrivals.sclae=2"});
    CHECK(std::string(e.what()).find("unknown key 'sclae'") != std::string::npos);
    CHECK(e.hint().find("scale") != std::string::npos);
}

TEST_CASE("a replayed log's summary covers its window; taken addresses and unknown agents are said",
          "[arrivals][access-log]") {
    const std::string agent = "\"-\" \"Mozilla/5.0 Chrome/122.0\"\n";
    write_file(
        "window.log",
        "10.0.0.100 - - [12/Mar/2024:09:00:00 +0000] \"GET / HTTP/1.1\" 404 100 " + agent +
            "192.0.2.9 - - [12/Mar/2024:09:00:05 +0000] \"GET / HTTP/1.1\" 200 100 \"-\" \"Wget/1.21\"\n"
            "192.0.2.9 - - [12/Mar/2024:09:00:30 +0000] \"GET / HTTP/1.1\" 304 0 \"-\" \"Wget/1.21\"\n");
    // The VIP's address in the log is given another; Wget gets the group's own preset.
    const std::string text = farm(
        "  - name: logged\n    client: curl\n    access_log: {file: window.log, duration: 20s}\n", "60s");
    const Report r = Run(load_scenario_text(text, kOrigin)).run();
    CHECK(r.clients.replayed_requests == 2);
    CHECK(r.clients.remapped_addresses == 1);
    std::string all;
    for (const std::string& l : r.clients.access_log) all += l + "\n";
    CHECK(all.find("statuses: 200 x1 404 x1 (") != std::string::npos);  // not the 304 outside the window
    CHECK(all.find(
              "1 client whose User-Agent no preset matches, replayed as curl: \"Wget/1.21\" (1 request)") !=
          std::string::npos);
}

TEST_CASE("profile times as a clock shows them, and the mistakes users make with visits",
          "[arrivals][errors]") {
    const std::string head = "  - name: v\n    browser: chrome\n";
    const Scenario s = load_scenario_text(
        farm(head + "    arrivals: {profile: [['0:00', 1/s], ['20:00', 3/s]], from: '19:30'}\n"), "t.yaml");
    CHECK(s.clients[0].arrivals->process.profile[1].at == sim::s(20 * 3600));
    CHECK(s.clients[0].arrivals->process.profile_from == sim::s(19 * 3600 + 1800));
    const ConfigError zero =
        testing::load_error(farm(head + "    arrivals: {rate: 1/s}\n    session: {pages: 0}\n"));
    CHECK(std::string(zero.what()).find("at least one page") != std::string::npos);
    const ConfigError comma =
        testing::load_error(farm(head + "    arrivals: {rate: 1/s}\n    session: {pages: uniform(2, 8)}\n"));
    CHECK(comma.hint().find("needs quotes") != std::string::npos);
    const ConfigError both = testing::load_error(farm(head + "    arrivals: {rate: 1/s, csv: a.csv}\n"));
    CHECK(std::string(both.what()).find("only one of") != std::string::npos);
}

TEST_CASE("a busy farm of every kind of visitor through drains, kills, crashes and loss",
          "[arrivals][soak]") {
    // Arrivals by rate, profile and CSV, browsers and API clients over HTTP/1.1, HTTP/2 and TLS,
    // a replayed log and a fixed group, through every server action: the invariants hold at
    // every sample (objects conserved, IPVS entries bound to listed or trashed destinations).
    write_file(
        "soak.csv",
        "time,client,pages\n0.5,python,3\n1,go,2\n1.5,curl,1\n2,firefox,4\n3,safari,2\n3,java,2\n4,ie8,1\n");
    std::string text =
        "name: arrivals-soak\n"
        "seed: 3\n"
        "duration: 200s\n"
        "network: {rtt: 30ms, loss: 0.5%}\n"
        "director:\n"
        "  rules: |\n"
        "    -A -t 10.0.0.100:443 -s wlc -p 60\n"
        "    -a -t 10.0.0.100:443 -r 192.168.10.11:443 -m -w 1\n"
        "    -a -t 10.0.0.100:443 -r 192.168.10.12:443 -m -w 1\n"
        "    -A -t 10.0.0.100:80 -s rr\n"
        "    -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1\n"
        "    -a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 1\n"
        "realservers:\n"
        "  - {name: rs1, address: 192.168.10.11, server: nginx, ports: [80, 443], http2: on}\n"
        "  - {name: rs2, address: 192.168.10.12, server: apache, ports: [80, 443], workers: 40}\n"
        "clients:\n"
        "  - name: web\n"
        "    browser: chrome\n"
        "    https: on\n"
        "    target: 10.0.0.100:443\n"
        "    arrivals: {rate: 2/s, stop: 150s}\n"
        "    session: {pages: geometric(3)}\n"
        "    schedule: {think: exp(3s)}\n"
        "    pages:\n"
        "      - {name: a, weight: 1, objects: 20}\n"
        "      - {name: b, weight: 2, objects: 3, object_size: 100kB}\n"
        "  - name: api\n"
        "    client: python\n"
        "    target: 10.0.0.100:80\n"
        "    arrivals: {rate: 1/s, stop: 150s}\n"
        "    session: {pages: \"uniform(1, 6)\"}\n"
        "    requests: {parallel: 3, method: POST}\n"
        "  - name: golang\n"
        "    client: go\n"
        "    target: 10.0.0.100:80\n"
        "    arrivals: {profile: [[0s, 0/s], [50s, 3/s], [100s, 0/s]]}\n"
        "    session: {pages: 4}\n"
        "  - name: listed\n"
        "    browser: chrome\n"
        "    target: 10.0.0.100:80\n"
        "    arrivals: {csv: soak.csv}\n"
        "    session: {pages: 2}\n"
        "  - name: logged\n"
        "    target: 10.0.0.100:80\n"
        "    access_log: ACCESS_LOG\n"
        "  - name: fixed\n"
        "    count: 5\n"
        "    browser: firefox\n"
        "    target: 10.0.0.100:80\n"
        "    schedule: {reload_every: 7s}\n"
        "timeline:\n"
        "  - {at: 30s, ipvsadm: \"-e -t 10.0.0.100:443 -r 192.168.10.11:443 -m -w 0\"}\n"
        "  - {at: 40s, server: rs2, action: kill}\n"
        "  - {at: 45s, server: rs2, action: start}\n"
        "  - {at: 60s, server: rs1, action: reload}\n"
        "  - {at: 70s, ipvsadm: \"-d -t 10.0.0.100:80 -r 192.168.10.12:80\"}\n"
        "  - {at: 80s, server: rs1, action: crash}\n"
        "  - {at: 90s, server: rs1, action: start}\n"
        "  - {at: 95s, ipvsadm: \"-a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 1\"}\n"
        "  - {at: 100s, server: rs2, action: drain}\n"
        "  - {at: 120s, server: rs1, action: stop}\n"
        "  - {at: 125s, server: rs1, action: start}\n";
    text.replace(text.find("ACCESS_LOG"), 10,
                 std::string(LVSIM_SOURCE_DIR) + "/tests/import/fixtures/access-nginx.log");
    RunOptions options;
    options.check_invariants = true;
    Run run(load_scenario_text(text, kOrigin), options);
    const Report r = run.run();
    CHECK(r.clients.sessions > 300);
    CHECK(r.clients.sessions_completed <= r.clients.sessions);
    CHECK(r.clients.replayed_requests == 10);
    CHECK(r.clients.objects_ok > 5000);
    for (const ClientReport& g : r.groups) {
        INFO(g.name);
        CHECK(g.pages > 0);
    }
}
