// The trace vocabulary (models/trace/vocabulary.cpp): what the models publish conforms to it,
// the check catches what does not, and docs/trace.md is the table's own rendering.
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"
#include "models/trace/vocabulary.hpp"
#include "sim/check.hpp"

using namespace lvs;

namespace {

sim::TraceRecord record(std::string_view kind) {
    sim::TraceRecord r;
    r.kind = kind;
    return r;
}

}  // namespace

TEST_CASE("trace vocabulary: the check names what is wrong with a record", "[trace]") {
    sim::TraceRecord ok = record(trace::kind::tcp_cwnd);
    ok.fields = {{"conn", int64_t{3}}, {"cwnd", int64_t{10}}, {"ssthresh", int64_t{-1}}};
    CHECK(trace::check_record(ok).empty());

    sim::TraceRecord misspelt = record("tcp.cwd");
    CHECK_THAT(trace::check_record(misspelt), Catch::Contains("'tcp.cwd' is not in the trace vocabulary"));

    sim::TraceRecord unknown_key = ok;
    unknown_key.fields.push_back({"cwin", int64_t{1}});
    CHECK_THAT(trace::check_record(unknown_key), Catch::Contains("field 'cwin' is not in the vocabulary"));

    sim::TraceRecord wrong_type = ok;
    wrong_type.fields[1] = {"cwnd", std::string("10")};
    CHECK_THAT(trace::check_record(wrong_type), Catch::Contains("'cwnd' is text, the vocabulary says int"));

    sim::TraceRecord missing = ok;
    missing.fields.pop_back();
    CHECK_THAT(trace::check_record(missing), Catch::Contains("field 'ssthresh' is missing"));

    // A field that only sometimes applies may be left out.
    sim::TraceRecord no_template = record(trace::kind::ipvs_conn_new);
    no_template.fields = {{"conn", int64_t{1}}, {"client", std::string("a")}, {"dest", std::string("rs1")}};
    CHECK(trace::check_record(no_template).empty());

    trace::VocabularyCheck check;
    CHECK_THROWS_AS(check.on_record(misspelt), sim::InvariantError);
}

TEST_CASE("trace vocabulary: every record of the lessons conforms, and the table has no unused kind",
          "[trace][scenario][all-lessons]") {
    // Records the lessons cannot produce (each is published by a unit-tested model path).
    const std::set<std::string_view> not_in_lessons = {
        trace::kind::http_request_timeout, trace::kind::http_server_graceful_stop,
        trace::kind::http_ping_failed,     trace::kind::ipvs_no_dest,
        trace::kind::ipvs_warning,         trace::kind::tcp_drop,
        trace::kind::tcp_tw_overflow,      trace::kind::tcp_tw_reuse,
        trace::kind::exercise_grade};
    std::set<std::string> seen;
    const char* lessons[] = {"02-delete-server.yaml",
                             "03-delete-expire-nodest.yaml",
                             "07-healthcheck-quiescent.yaml",
                             "08-persistence-drain.yaml",
                             "11-conn-reuse-stall.yaml",
                             "12-tcp-close-packets.yaml",
                             "13-syn-black-hole.yaml",
                             "14-closed-port.yaml",
                             "16-server-killed.yaml",
                             "17-other-side-goes-away.yaml",
                             "22-cubic-vs-bbr-shallow-queue.yaml",
                             "23-drain-shared-bottleneck.yaml",
                             "25-http2-drain.yaml",
                             "26-api-pool-drain.yaml",
                             "27-capacity-daily-peak.yaml",
                             "28-dns-backend-deleted.yaml",
                             "30-failover-mid-drain.yaml",
                             "32-split-brain.yaml",
                             "34-fleet-director-leaves.yaml"};
    for (const char* lesson : lessons) {
        INFO(lesson);
        const scenario::Scenario s =
            scenario::load_scenario_file(std::string(LVSIM_SCENARIO_DIR) + "/" + lesson);
        sim::RecorderSink rec;
        scenario::RunOptions o;
        o.extra_sinks.push_back(&rec);
        scenario::Run run(s, o);
        run.run();
        for (const sim::TraceRecord& r : rec.records()) {
            const std::string problem = trace::check_record(r);
            if (!problem.empty()) FAIL(problem);
            seen.insert(std::string(r.kind));
        }
    }
    for (const trace::KindSpec& k : trace::vocabulary()) {
        INFO(k.kind);
        CHECK(seen.count(std::string(k.kind)) + not_in_lessons.count(k.kind) == 1);
    }
}

TEST_CASE("trace vocabulary: docs/trace.md is the table's rendering", "[trace][docs]") {
    std::ifstream in(std::string(LVSIM_SOURCE_DIR) + "/docs/trace.md");
    REQUIRE(in);
    std::stringstream doc;
    doc << in.rdbuf();
    // On a difference: build/cli/lvsim trace-vocabulary > docs/trace.md
    CHECK(doc.str() == trace::render_markdown());
}

TEST_CASE("trace vocabulary: kinds are unique and every field is described", "[trace]") {
    std::set<std::string_view> kinds;
    for (const trace::KindSpec& k : trace::vocabulary()) {
        INFO(k.kind);
        CHECK(kinds.insert(k.kind).second);
        CHECK(trace::find_kind(k.kind) == &k);
        CHECK(!k.meaning.empty());
        std::set<std::string_view> keys;
        for (const trace::FieldSpec& f : k.fields) {
            INFO(f.key);
            CHECK(keys.insert(f.key).second);
            CHECK(!f.meaning.empty());
        }
    }
}
