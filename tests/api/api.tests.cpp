// The public API (include/lvsim/): scenarios loaded, built and extended in code with the
// loader's own checks; runs stepped, traced and read; scheduler plugins registered by name and
// used from scenario lines, with IPVS's rules enforced.
#include <catch2/catch.hpp>
#include <lvsim/lvsim.hpp>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

const std::string kRoot = LVSIM_SOURCE_DIR;

// Two realservers, one browser loading one page a second for 10 s.
lvsim::ScenarioBuilder small(const std::string& scheduler = "wlc") {
    lvsim::ScenarioBuilder b("small");
    b.duration(20s)
        .rule("-A -t 10.0.0.100:80 -s " + scheduler)
        .rule("-a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1")
        .rule("-a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 1")
        .realserver("rs1", "192.168.10.11")
        .realserver("rs2", "192.168.10.12")
        .clients("c", {{"keepalive_timeout", "100ms"},
                       {"page.objects", "4"},
                       {"schedule.reload_every", "1s"},
                       {"schedule.stop", "10s"}});
    return b;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const lvsim::Error& e) {
        return e.what();
    }
    FAIL("no lvsim::Error");
    return {};
}

// Picks the first usable candidate and counts its calls.
struct First final : lvsim::Scheduler {
    static inline int calls = 0;
    const lvsim::Candidate* pick(std::span<const lvsim::Candidate> cs, const lvsim::PickRequest&) override {
        ++calls;
        for (const auto& c : cs)
            if (c.usable()) return &c;
        return nullptr;
    }
};

}  // namespace

TEST_CASE("lvsim: time text and version", "[api]") {
    CHECK(lvsim::parse_time("1.5s") == 1500ms);
    CHECK(lvsim::format_time(120ms) == "120ms");
    CHECK(lvsim::format_time(90s) == "90s");
    CHECK_THAT(error_of([] { lvsim::parse_time("12"); }), Catch::Contains("bad time '12'"));
    CHECK(lvsim::version() == LVSIM_TEST_VERSION);
}

TEST_CASE("lvsim::Scenario: a lesson file loads with --set overrides; mistakes name the place",
          "[api][scenario]") {
    const auto s = lvsim::Scenario::load(kRoot + "/scenarios/01-drain-zero-weight.yaml", {"seed=7"});
    CHECK(s.name() == "drain-zero-weight");
    CHECK(s.seed() == 7);
    CHECK(s.duration() == 420s);
    CHECK(s.with({"clients.ie8.keepalive_timeout=30s"}).seed() == 7);  // earlier sets are kept

    CHECK_THAT(error_of([] { lvsim::Scenario::load("/nonexistent.yaml"); }), Catch::Contains("cannot open"));
    CHECK_THAT(error_of([] { lvsim::Scenario::parse("name: x\nduraton: 5s\n", "x.yaml"); }),
               Catch::Contains("x.yaml:2:1: error:") && Catch::Contains("did you mean 'duration'"));
    CHECK_THAT(error_of([&] { (void)s.with({"clients.ie8.keepalive_timout=30s"}); }),
               Catch::Contains("--set clients.ie8.keepalive_timout=30s") &&
                   Catch::Contains("did you mean 'keepalive_timeout'"));
}

TEST_CASE("lvsim::Scenario: additions in code are checked like file lines and leave it unchanged on error",
          "[api][scenario]") {
    auto s = small().build();
    const std::string before = s.yaml();
    CHECK_THAT(
        error_of([&] { s.ipvsadm_at(5s, "-e -t 10.0.0.100:80 -r 192.168.10.11:80 -w"); }),
        Catch::StartsWith("ipvsadm_at(5s, \"-e -t 10.0.0.100:80 -r 192.168.10.11:80 -w\"): error: ipvsadm:"));
    CHECK_THAT(error_of([&] { s.server_at(5s, "rs3", "crash"); }),
               Catch::Contains("no realserver named 'rs3'"));
    CHECK_THAT(error_of([&] { s.ipvsadm_at(30s, "-d -t 10.0.0.100:80 -r 192.168.10.11:80"); }),
               Catch::Contains("30s"));
    CHECK_THAT(error_of([&] { s.expect("rs9.active == 0"); }), Catch::Contains("unknown name 'rs9'"));
    CHECK(s.yaml() == before);

    s.ipvsadm_at(5s, "-e -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0")
        .expect("rs1.weight == 0", 6s)
        .snapshot_at(7s, "later");
    const lvsim::Report r = lvsim::Run(s).run();
    REQUIRE(r.expectations.size() == 1);
    CHECK(r.expectations[0].passed);
    CHECK(r.drain("rs1") != nullptr);
    CHECK(r.snapshots.size() == 2);  // "later" and the end
}

TEST_CASE("lvsim::ScenarioBuilder: lesson 01 built in code runs like the file", "[api][scenario]") {
    const auto built =
        lvsim::ScenarioBuilder("drain")
            .duration(420s)
            .rule("-A -t 10.0.0.100:80 -s wlc")
            .rule("-a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1")
            .rule("-a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 1")
            .realserver("rs1", "192.168.10.11", {{"server", "iis"}})
            .realserver("rs2", "192.168.10.12", {{"server", "iis"}})
            .clients("ie8", {{"browser", "ie8"}, {"schedule.reload_every", "5s"}, {"schedule.stop", "150s"}})
            .ipvsadm_at(20s, "-e -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0")
            .build();
    const lvsim::Report a = lvsim::Run(built).run();
    const lvsim::Report b =
        lvsim::Run(lvsim::Scenario::load(kRoot + "/scenarios/01-drain-zero-weight.yaml")).run();
    REQUIRE(a.drain("rs1") != nullptr);
    REQUIRE(b.drain("rs1") != nullptr);
    CHECK(a.drain("rs1")->no_active_after == b.drain("rs1")->no_active_after);
    CHECK(a.drain("rs1")->no_entries_after == b.drain("rs1")->no_entries_after);
    CHECK(a.clients.requests == b.clients.requests);
    CHECK(a.clients.connections_opened == b.clients.connections_opened);

    CHECK_THAT(error_of([] { lvsim::ScenarioBuilder("x").realserver("rs1", "192.168.10.300").build(); }),
               Catch::Contains("ScenarioBuilder(x):") && Catch::Contains("ScenarioBuilder::yaml()"));
}

TEST_CASE("lvsim::Run: stepping, quantities, tables and listings agree", "[api][run]") {
    lvsim::Run run(small().build());
    CHECK(run.now() == 0s);
    CHECK(run.end() == 20s);
    CHECK(run.step());
    const lvsim::Time first = run.now();
    CHECK(run.step());
    CHECK(run.now() >= first);
    CHECK(run.run_until(3s));
    CHECK(run.now() == 3s);

    const lvsim::DirectorTables t = run.tables();
    REQUIRE(t.services.size() == 1);
    CHECK(t.services[0].address == "10.0.0.100:80");
    REQUIRE(t.services[0].realservers.size() == 2);
    CHECK(t.services[0].realservers[0].name == "rs1");
    CHECK(t.services[0].realservers[0].address == "192.168.10.11:80");
    CHECK(t.services[0].realservers[0].forward == "Masq");
    CHECK(double(t.connections.size()) == run.quantity("director.entries"));
    CHECK(run.evaluate("rs1.conns + rs2.conns") == run.quantity("rs1.conns") + run.quantity("rs2.conns"));
    CHECK(run.evaluate("rs1.weight == 1 && rs2.weight == 1") == 1);
    CHECK_THAT(run.ipvsadm("-Ln"), Catch::Contains("TCP  10.0.0.100:80 wlc"));
    CHECK_THAT(run.ipvsadm("-Lnc"), Catch::StartsWith("IPVS connection entries"));
    CHECK_THAT(error_of([&] { run.ipvsadm("-d -t 10.0.0.100:80 -r 192.168.10.11:80"); }),
               Catch::Contains("only listings"));
    CHECK_THAT(error_of([&] { run.quantity("rs7.active"); }),
               Catch::Contains("unknown name 'rs7'") && Catch::Contains("did you mean 'rs1'"));
    CHECK_THAT(error_of([&] { run.evaluate("rs1.active >"); }), Catch::Contains("evaluate("));

    const lvsim::Report r = run.run();
    CHECK(r.end == 20s);
    CHECK(r.clients.pages_completed == 11);  // 0 s, 1 s, ... 10 s
    CHECK_FALSE(run.run_until(30s));
    CHECK_FALSE(run.step());
    CHECK(run.report().json() == r.json());
    CHECK_THAT(r.text(), Catch::Contains("small"));
    CHECK_THAT(r.json(), Catch::StartsWith("{"));
    CHECK_FALSE(r.csv().empty());
}

TEST_CASE("lvsim::Run: the same scenario and seed give the same report; another seed may not", "[api][run]") {
    const auto s =
        lvsim::Scenario::load(kRoot + "/scenarios/10-capacity-prefork.yaml", {"clients.users.count=10"});
    CHECK(lvsim::Run(s).run().json() == lvsim::Run(s).run().json());
    CHECK(lvsim::Run(s).run().json() != lvsim::Run(s.with({"seed=2"})).run().json());
}

TEST_CASE("lvsim::Run: trace subscribers see the run from its first record, as views", "[api][trace]") {
    lvsim::Run run(small().build());
    std::vector<std::string> kinds;
    std::string decision;
    lvsim::Time first_admin = -1s;
    run.subscribe([&](const lvsim::TraceRecord& r) {
        kinds.emplace_back(r.kind());
        if (r.kind() == "ipvs.admin" && first_admin < 0s) first_admin = r.time();
        if (r.kind() == "ipvs.sched" && decision.empty()) {
            CHECK(r.entity() == "director");
            CHECK(r.has("candidates"));
            CHECK_FALSE(r.has("nope"));
            CHECK(r.field("nope").empty());
            CHECK(r.text("scheduler") == "wlc");
            decision = r.line();
        }
        if (r.kind() == "ipvs.state") CHECK(r.integer("conn") > 0);
    });
    run.run_until(2s);
    REQUIRE_FALSE(kinds.empty());
    CHECK(first_admin == 0s);  // the rules, applied while the models are built
    CHECK_THAT(decision, Catch::StartsWith("[") && Catch::Contains("] director: ipvs.sched ") &&
                             Catch::Contains("chosen="));

    // A late subscriber gets records from then on.
    int late = 0;
    run.subscribe([&](const lvsim::TraceRecord& r) {
        CHECK(r.time() >= 2s);
        ++late;
    });
    run.run_until(3s);
    CHECK(late > 0);
}

TEST_CASE("lvsim::register_scheduler: names are checked", "[api][sched]") {
    lvsim::register_scheduler<First>("api-once");
    const auto names = lvsim::scheduler_names();
    CHECK(std::find(names.begin(), names.end(), "api-once") != names.end());
    CHECK_THAT(error_of([] { lvsim::register_scheduler<First>("api-once"); }), Catch::Contains("is taken"));
    CHECK_THAT(error_of([] { lvsim::register_scheduler<First>("wlc"); }), Catch::Contains("is taken"));
    CHECK_THAT(error_of([] { lvsim::register_scheduler<First>("two words"); }), Catch::Contains("one word"));
    CHECK_THAT(error_of([] { lvsim::register_scheduler("api-empty", nullptr); }), Catch::Contains("empty"));
}

TEST_CASE("lvsim::register_scheduler: a plugin is used by name from rules and timeline lines",
          "[api][sched]") {
    static const bool registered =
        (lvsim::register_scheduler<First>("api-first"), true);  // once: sections re-enter
    CHECK(registered);

    SECTION("in the rules") {
        First::calls = 0;
        lvsim::Run run(small("api-first").build());
        const lvsim::Report r = run.run();
        CHECK(First::calls > 0);
        CHECK(run.tables().services.at(0).scheduler == "api-first");
        CHECK(r.clients.objects_failed == 0);
        // "first usable" in kernel order (the newest first): rs2 takes every connection
        CHECK(run.quantity("rs1.conns") == 0);
        CHECK(run.quantity("rs2.conns") > 0);
    }
    SECTION("switched to in the timeline with -E") {
        First::calls = 0;
        auto s = small().build();
        s.ipvsadm_at(5s, "-E -t 10.0.0.100:80 -s api-first");
        lvsim::Run run(s);
        run.run_until(4s);
        CHECK(First::calls == 0);
        CHECK(run.tables().services.at(0).scheduler == "wlc");
        run.run();
        CHECK(First::calls > 0);
        CHECK(run.tables().services.at(0).scheduler == "api-first");
    }
}

TEST_CASE(
    "lvsim::Scenario: an unknown scheduler is an error when the scenario is built, naming register_scheduler",
    "[api][sched]") {
    CHECK_THAT(
        error_of([] { (void)small("api-unregistered").build(); }),
        Catch::Contains("no scheduler named 'api-unregistered'") && Catch::Contains("register_scheduler"));
    auto s = small().build();
    CHECK_THAT(error_of([&] { s.ipvsadm_at(5s, "-E -t 10.0.0.100:80 -s api-unregistered-too"); }),
               Catch::Contains("api-unregistered-too"));
}

TEST_CASE(
    "lvsim::Scheduler: IPVS's rules hold for plugins (weight 0 is never picked, nullptr is no destination)",
    "[api][sched]") {
    struct Stubborn final : lvsim::Scheduler {  // always the last candidate, usable or not
        const lvsim::Candidate* pick(std::span<const lvsim::Candidate> cs,
                                     const lvsim::PickRequest&) override {
            return &cs.back();
        }
    };
    struct Nobody final : lvsim::Scheduler {
        const lvsim::Candidate* pick(std::span<const lvsim::Candidate>, const lvsim::PickRequest&) override {
            return nullptr;
        }
    };
    struct Random final : lvsim::Scheduler {  // uniform among the usable ones, from the run's stream
        const lvsim::Candidate* pick(std::span<const lvsim::Candidate> cs,
                                     const lvsim::PickRequest& req) override {
            CHECK(req.service == "10.0.0.100:80");
            CHECK(req.now > 0s);
            return &cs[req.random.below(cs.size())];
        }
        std::string explain(const lvsim::Candidate& c, lvsim::Time) const override {
            return "any " + std::string(c.name);
        }
    };
    lvsim::register_scheduler<Stubborn>("api-stubborn");
    lvsim::register_scheduler<Nobody>("api-nobody");
    lvsim::register_scheduler<Random>("api-random");

    auto s = small("api-stubborn").build();  // the last in kernel order is rs1, the first added
    s.ipvsadm_at(3s, "-e -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0");
    lvsim::Run stubborn(s);
    CHECK(stubborn.run_until(2s));
    CHECK_THAT(error_of([&] { stubborn.run(); }), Catch::Contains("picked rs1, which has weight 0"));

    lvsim::Run nobody(small("api-nobody").build());
    const lvsim::Report r = nobody.run();
    CHECK(r.clients.objects_ok == 0);
    CHECK(nobody.quantity("director.icmp") > 0);

    const lvsim::Report plain = lvsim::Run(small("api-random").build()).run();
    CHECK(lvsim::Run(small("api-random").build()).run().json() == plain.json());  // seeded: reproducible
    std::string candidates;
    lvsim::Run random(small("api-random").build());
    random.subscribe([&](const lvsim::TraceRecord& rec) {
        if (rec.kind() == "ipvs.sched") candidates = rec.field("candidates");
    });
    const lvsim::Report a = random.run();
    CHECK(a.clients.objects_failed == 0);
    CHECK(random.quantity("rs1.conns") > 0);
    CHECK(random.quantity("rs2.conns") > 0);
    CHECK(candidates == "rs2 any rs2; rs1 any rs1");
    CHECK(a.clients.requests == plain.clients.requests);  // tracing does not change the run
}
