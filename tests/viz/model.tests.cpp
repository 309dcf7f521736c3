// The viewer's model without a display: the JSON Lines reader, both sources giving the same
// model, what the panels derive from it (connections, series, pages, topology), the time axis
// and navigation. Lesson 01's facts are the ones its text report states.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"
#include "viz/derive/event_text.hpp"
#include "viz/playback.hpp"
#include "viz/source/jsonl_reader.hpp"
#include "viz/source/loader.hpp"
#include "viz/timeline/axis.hpp"
#include "viz/timeline/view_transform.hpp"

using namespace lvs::viz;

namespace {

const std::string kLessons = LVSIM_SCENARIO_DIR;
constexpr int64_t kSec = 1'000'000'000;

// Writes lesson `name`'s trace the way `lvsim run --trace` does, once per test run.
std::string recorded_trace(const std::string& name) {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("lvsim-view-test-" + name + ".jsonl")).string();
    std::ofstream out(path);
    lvs::scenario::RunOptions options;
    options.trace_jsonl = &out;
    lvs::scenario::Run run(lvs::scenario::load_scenario_file(kLessons + "/" + name + ".yaml"), options);
    run.run();
    return path;
}

const RunData& lesson(const std::string& name, bool trace) {
    static std::map<std::pair<std::string, bool>, std::unique_ptr<RunData>> cache;
    auto& slot = cache[{name, trace}];
    if (!slot) slot = load_run(trace ? recorded_trace(name) : kLessons + "/" + name + ".yaml", {});
    return *slot;
}

const RealServerSeries& rs(const RunData& run, const std::string& name) {
    for (const auto& s : run.series)
        if (s.name == name) return s;
    FAIL("no realserver " << name);
    throw 0;
}

}  // namespace

TEST_CASE("viz::parse_flat_object: strings, escapes and numbers", "[viz][jsonl]") {
    std::string scratch;
    std::vector<JsonMember> m;
    parse_flat_object(
        R"({"seq":3831981897,"t":-5,"x":1.5e3,"s":"a\"b\\c\nd\te\u00e9\ud83d\ude00","ok":true})", scratch, m);
    REQUIRE(m.size() == 5);
    CHECK(m[0].key == "seq");
    CHECK(m[0].type == FieldType::Int);
    CHECK(m[0].i == 3831981897LL);
    CHECK(m[1].i == -5);
    CHECK(m[2].type == FieldType::Real);
    CHECK(m[2].d == 1500.0);
    CHECK(m[3].s == "a\"b\\c\nd\te\xC3\xA9\xF0\x9F\x98\x80");
    CHECK(m[4].i == 1);
    CHECK_THROWS_AS(parse_flat_object(R"({"a":1)", scratch, m), std::invalid_argument);
    CHECK_THROWS_AS(parse_flat_object(R"({"a":[1]})", scratch, m), std::invalid_argument);
    CHECK_THROWS_AS(parse_flat_object(R"({"a":"\q"})", scratch, m), std::invalid_argument);
}

namespace {

// Reads a trace of these lines; the reader's error, or "" when it took them all.
std::string read_trace_error(const std::string& name, const std::vector<std::string>& lines) {
    const std::string path = (std::filesystem::temp_directory_path() / name).string();
    {
        std::ofstream out(path);
        for (const std::string& l : lines) out << l << "\n";
    }
    TraceModel model;
    JsonLinesReader reader(path, model);
    try {
        while (reader.step(100)) {
        }
    } catch (const TraceParseError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("viz::JsonLinesReader: a broken line names its line number", "[viz][jsonl]") {
    const std::string err =
        read_trace_error("lvsim-view-test-broken.jsonl",
                         {R"({"seq":0,"t":0,"cause":0,"entity":"a","kind":"k"})", R"({"seq":1,"t":)"});
    CAPTURE(err);
    CHECK(err.find(":2: error:") != std::string::npos);
    CHECK_THROWS_AS(open_run("/nonexistent/file.yaml", {}), InputError);
}

TEST_CASE("viz::JsonLinesReader: a trace whose time goes backwards is rejected at that line",
          "[viz][jsonl]") {
    const std::string err = read_trace_error("lvsim-view-test-backwards.jsonl",
                                             {R"({"seq":0,"t":0,"cause":0,"entity":"a","kind":"k"})",
                                              R"({"seq":1,"t":2000,"cause":0,"entity":"a","kind":"k"})",
                                              R"({"seq":2,"t":1000,"cause":0,"entity":"a","kind":"k"})"});
    CAPTURE(err);
    CHECK(err.find(":3: error: time goes backwards") != std::string::npos);
}

TEST_CASE("viz: a scenario simulated in-process and its recorded trace give the same model",
          "[viz][source]") {
    const RunData& live = lesson("01-drain-zero-weight", false);
    const RunData& rec = lesson("01-drain-zero-weight", true);
    REQUIRE(live.model.size() == rec.model.size());
    for (size_t i = 0; i < live.model.size(); ++i) {
        const Record& a = live.model.at(i);
        const Record& b = rec.model.at(i);
        INFO("record " << i);
        REQUIRE(a.t == b.t);
        REQUIRE(a.seq == b.seq);
        REQUIRE(live.model.str(a.kind) == rec.model.str(b.kind));
        REQUIRE(live.model.str(a.entity) == rec.model.str(b.entity));
        REQUIRE(event_fields(live.model, a) == event_fields(rec.model, b));
    }
    CHECK(live.conns.connections().size() == rec.conns.connections().size());
    for (int64_t t : {19 * kSec, 100 * kSec, 215 * kSec, 400 * kSec}) {
        CHECK(rs(live, "rs1").active.at(t) == rs(rec, "rs1").active.at(t));
        CHECK(rs(live, "rs1").inactive.at(t) == rs(rec, "rs1").inactive.at(t));
        CHECK(rs(live, "rs1").weight.at(t) == rs(rec, "rs1").weight.at(t));
    }
    CHECK(live.in_process);
    CHECK(!live.report_text.empty());
    CHECK(!rec.in_process);
}

TEST_CASE("viz: lesson 01 as its report tells it", "[viz][lesson]") {
    const RunData& run = lesson("01-drain-zero-weight", false);
    const auto& rs1 = rs(run, "rs1");
    CHECK(rs1.address == "192.168.10.11:80");
    // -w 0 at 20 s: rs1 keeps its ActiveConn while the reloads continue.
    CHECK(rs1.weight.at(19 * kSec) == 1);
    CHECK(rs1.weight.at(21 * kSec) == 0);
    CHECK(rs1.active.at(100 * kSec) == 3);
    CHECK(rs1.active.at(140 * kSec) >= 1);
    // After the browser closed its idle connections: InActConn, the entries in TIME_WAIT.
    CHECK(rs1.active.at(215 * kSec) == 0);
    CHECK(rs1.inactive.at(215 * kSec) == 3);
    CHECK(rs1.time_wait.at(215 * kSec) == 0);  // the client holds TIME_WAIT, not the server
    CHECK(rs1.has_workers);
    // Six keep-alive connections, each with its client, IPVS and server side.
    const auto& conns = run.conns.connections();
    REQUIRE(conns.size() == 6);
    for (const Connection& c : conns) {
        CHECK(c.side[0] >= 0);
        CHECK(c.side[1] >= 0);
        CHECK(c.side[2] >= 0);
        CHECK(run.conns.state_at(run.conns.endpoint(c.side[0]), 100 * kSec) == ConnState::Established);
        CHECK(run.conns.state_at(run.conns.endpoint(c.side[0]), 215 * kSec) == ConnState::TimeWait);
        CHECK(run.conns.state_at(run.conns.endpoint(c.side[1]), 215 * kSec) == ConnState::TimeWait);
        CHECK(run.conns.state_at(run.conns.endpoint(c.side[2]), 215 * kSec) == ConnState::Closed);
    }
    const auto counts = run.conns.counts(Side::Client).at(215 * kSec);
    CHECK(counts[static_cast<int>(ConnState::TimeWait)] == 6);
    // Nothing fails.
    const auto totals = run.pages.totals_at(run.end());
    CHECK(totals.pages == 31);
    CHECK(totals.done == 31);
    CHECK(totals.objects_failed == 0);
    CHECK(totals.objects_ok == 31 * 41);
    // The listing at the cursor is the director's own text.
    const int64_t rec = run.model.latest(run.model.of_kind("director.listing"), 100 * kSec);
    REQUIRE(rec >= 0);
    const std::string_view ln =
        run.model.get_text(run.model.at(static_cast<size_t>(rec)), run.model.keys().ipvsadm_ln);
    CHECK(ln.find("  -> 192.168.10.11:80             Masq    0      3          0") != std::string_view::npos);
    // The topology: the director and both realservers, the one client.
    CHECK(run.topology.director() >= 0);
    CHECK(run.topology.node_of("rs1") >= 0);
    CHECK(run.topology.node_of("ie8:browser") == run.topology.node_of("ie8"));
    for (const TopoNode& n : run.topology.nodes()) {
        CHECK(n.x >= 0.0f);
        CHECK(n.x <= 1.0f);
        CHECK(n.y >= 0.0f);
        CHECK(n.y <= 1.0f);
    }
}

TEST_CASE("viz: lesson 02's deleted realserver and aborted page", "[viz][lesson]") {
    const RunData& run = lesson("02-delete-server", false);
    const auto& rs1 = rs(run, "rs1");
    CHECK(rs1.active.at(19 * kSec) == 3);
    CHECK(std::isnan(rs1.weight.at(21 * kSec)));  // no longer listed
    const auto totals = run.pages.totals_at(run.end());
    CHECK(totals.aborted >= 1);
    // The drops carry the director's reason.
    const auto& drops = run.model.of_kind("ipvs.drop");
    REQUIRE(!drops.empty());
    CHECK(event_reason(run.model, run.model.at(drops[0])).find("destination deleted") != std::string::npos);
    // ... and their cause is the packet that arrived.
    const int64_t cause = cause_record(run.model, drops[0]);
    REQUIRE(cause >= 0);
    CHECK(run.model.str(run.model.at(static_cast<size_t>(cause)).kind) == "net.packet");
}

TEST_CASE("viz: failed objects carry their cause into the waterfall", "[viz][lesson]") {
    // Lesson 02 with a 2 s request timeout: the black-holed requests fail instead of stalling.
    const auto run = load_run(kLessons + "/02-delete-server.yaml", {"clients.ie8.request_timeout=2s"});
    const auto totals = run->pages.totals_at(run->end());
    CHECK(totals.objects_failed == 3);
    CHECK(totals.with_failures == 1);
    const BrowserLoads& b = run->pages.browsers().at(0);
    const int64_t pi = run->pages.page_at(0, 21 * kSec);
    REQUIRE(pi >= 0);
    const PageLoad& p = b.pages[static_cast<size_t>(pi)];
    CHECK(p.failed == 3);
    int failed = 0;
    for (uint32_t oi = p.first_object; oi < p.first_object + p.object_count; ++oi) {
        const ObjectLoad& o = run->pages.object(oi);
        if (o.status != ObjectStatus::Failed) continue;
        ++failed;
        CHECK(run->model.str(o.why) == "timeout");
        CHECK(o.t_end - o.t_request == Approx(2 * kSec).epsilon(0.01));
    }
    CHECK(failed == 3);
}

TEST_CASE("viz: a recorded trace plots the workers the runtime counts, step by step", "[viz][source]") {
    // Lesson 10: prefork workers held by idle keep-alive connections.
    const RunData& rec = lesson("10-capacity-prefork", true);
    const RunData& live = lesson("10-capacity-prefork", false);
    lvs::scenario::Run run(lvs::scenario::load_scenario_file(kLessons + "/10-capacity-prefork.yaml"));
    run.run_until(lvs::sim::Time::from_ns(60 * kSec));
    for (const std::string name : {"rs1", "rs2"}) {
        INFO(name);
        const RealServerSeries& r = rs(rec, name);
        REQUIRE(r.has_workers);
        CHECK(r.workers_idle.at(60 * kSec) == run.quantity(name + ".workers_idle_keepalive"));
        CHECK(r.workers_busy.at(60 * kSec) == run.quantity(name + ".workers_busy"));
        // The in-process source reads the same records.
        CHECK(rs(live, name).workers_idle.times() == r.workers_idle.times());
        CHECK(rs(live, name).workers_idle.values() == r.workers_idle.values());
        CHECK(rs(live, name).workers_busy.values() == r.workers_busy.values());
    }
    CHECK(rs(rec, "rs1").workers_idle.at(60 * kSec) > 0);
    // Every one of the runtime's samples (once a second, after the events of that instant)
    // lies on the steps.
    const lvs::scenario::Report report = run.run();
    REQUIRE(report.samples.size() > 200);
    for (const lvs::scenario::SampleRow& row : report.samples) {
        INFO(row.realserver << " at " << row.t.ns());
        CHECK(rs(rec, row.realserver).workers_idle.at(row.t.ns()) == row.workers_idle_keepalive);
        CHECK(rs(rec, row.realserver).workers_busy.at(row.t.ns()) == row.workers_busy);
    }
}

namespace {

// A copy of trace `from` with each line passed through `edit` (an empty result drops it).
std::string edited_trace(const std::string& from, const std::string& name,
                         const std::function<std::string(std::string)>& edit) {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("lvsim-view-test-" + name + ".jsonl")).string();
    std::ifstream in(from);
    std::ofstream out(path);
    for (std::string line; std::getline(in, line);) {
        line = edit(line);
        if (!line.empty()) out << line << "\n";
    }
    return path;
}

void replace_all(std::string& s, const std::string& a, const std::string& b) {
    for (size_t at = s.find(a); at != std::string::npos; at = s.find(a, at + b.size()))
        s.replace(at, a.size(), b);
}

}  // namespace

TEST_CASE("viz: realserver counters come from director.dest records, never from listing text",
          "[viz][source]") {
    const std::string trace = recorded_trace("09-dr-vs-nat");
    const RunData& run = lesson("09-dr-vs-nat", true);
    REQUIRE(run.model.of_kind("director.realserver").size() == 2);
    REQUIRE(run.series.size() == 2);
    CHECK(rs(run, "rs1").address == "192.168.10.11:80");
    CHECK(rs(run, "rs2").address == "192.168.10.12:80");
    CHECK(rs(run, "rs1").weight.at(21 * kSec) == 0);
    CHECK(run.notices.empty());

    // The records decide: with the names swapped in them, so are the addresses.
    const auto swapped = load_run(edited_trace(trace, "09-swapped",
                                               [](std::string line) {
                                                   if (line.find("\"director.") == std::string::npos)
                                                       return line;
                                                   replace_all(line, "\"rs1\"", "\"tmp\"");
                                                   replace_all(line, "\"rs2\"", "\"rs1\"");
                                                   replace_all(line, "\"tmp\"", "\"rs2\"");
                                                   return line;
                                               }),
                                  {});
    CHECK(rs(*swapped, "rs1").address == "192.168.10.12:80");
    CHECK(rs(*swapped, "rs2").address == "192.168.10.11:80");

    // The listing's text is only displayed: blanked, the counters are the same.
    const auto blanked = load_run(edited_trace(trace, "09-blanked",
                                               [](std::string line) {
                                                   const size_t at = line.find("\"ipvsadm_ln\":\"");
                                                   if (at == std::string::npos) return line;
                                                   return line.substr(0, at) + "\"ipvsadm_ln\":\"\"}";
                                               }),
                                  {});
    for (int64_t t = 0; t <= 60 * kSec; t += kSec / 2) {
        CHECK(rs(*blanked, "rs1").active.at(t) == rs(run, "rs1").active.at(t));
        CHECK(rs(*blanked, "rs2").inactive.at(t) == rs(run, "rs2").inactive.at(t));
        CHECK(rs(*blanked, "rs1").weight.at(t) == rs(run, "rs1").weight.at(t));
    }

    // A trace from before director.dest, or with a kind lvsim never wrote, says so.
    const auto older =
        load_run(edited_trace(trace, "09-older",
                              [](std::string line) {
                                  if (line.find("\"director.dest\"") != std::string::npos)
                                      return std::string();
                                  replace_all(line, "\"http.server.workers\"", "\"http.worker\"");
                                  return line;
                              }),
                 {});
    REQUIRE(older->notices.size() == 2);
    CHECK_THAT(older->notices[0],
               Catch::Contains("kind 'http.worker', which is not in lvsim's trace vocabulary"));
    CHECK_THAT(older->notices[1], Catch::Contains("no `director.dest` records"));
    CHECK(rs(*older, "rs1").weight.empty());
    CHECK(!rs(*older, "rs1").has_workers);  // the timeline says "workers (n/a)"
}

TEST_CASE("viz: every field the viewer reads is in the trace vocabulary", "[viz][trace]") {
    for (const auto& [member, name] : TraceModel::key_names()) {
        INFO(name);
        bool found = false;
        for (const lvs::trace::KindSpec& k : lvs::trace::vocabulary())
            found = found || k.field(name) != nullptr;
        CHECK(found);
    }
    // The jump groups are the vocabulary's, with the two TCP transitions that are more.
    CHECK(categorize("ipvs.no-dest", "", "") == (kCatSched | kCatFault));
    CHECK(categorize("tcp.state", "recv-RST", "CLOSED") == (kCatState | kCatFault));
    CHECK(categorize("tcp.state", "timeout", "CLOSED") == (kCatState | kCatTimer));
    CHECK(categorize("tcp.state", "app-close", "FIN_WAIT1") == kCatState);
    CHECK(categorize("not.a.kind", "", "") == 0);
}

TEST_CASE("viz::Navigator: steps and jumps by kind, both ways", "[viz][playback]") {
    const RunData& run = lesson("01-drain-zero-weight", false);
    Navigator nav({&run.model});
    // The only timeline command is at 20 s.
    CHECK(nav.next(0, kJumpKinds[0].categories) == 20 * kSec);
    CHECK(nav.prev(100 * kSec, kJumpKinds[0].categories) == 60 * kSec);  // the snapshot at 60 s
    // Keep-alive connections are reused: nothing is scheduled after the first page's.
    CHECK(nav.next(20 * kSec, kCatSched) == 20 * kSec);
    CHECK(nav.prev(20 * kSec, kCatSched) < kSec);
    const int64_t a = nav.next(100 * kSec, 0);
    CHECK(a > 100 * kSec);
    CHECK(nav.prev(a, 0) <= 100 * kSec);
    // Timer expiries: the client's TIME_WAIT ends 60 s after it began.
    const int64_t expiry = nav.next(215 * kSec, kCatTimer);
    CHECK(expiry > 269 * kSec);
    CHECK(expiry < 271 * kSec);
    Playback p;
    p.set_speed(1);
    p.faster();
    CHECK(p.speed() == Approx(2));
    p.faster();
    CHECK(p.speed() == Approx(5));
    p.slower();
    p.slower();
    p.slower();
    CHECK(p.speed() == Approx(0.5));
    p.set_speed(5000);
    CHECK(p.speed() == Approx(1000));
    Cursor c{0};
    p.set_playing(true);
    p.tick(0.5, c, 0, 420 * kSec);
    CHECK(c.t == 420 * kSec);  // 1000x for half a second is 500 s: stops at the end
    CHECK(!p.playing());
}

TEST_CASE("viz::ViewTransform: linear and compressed axes invert, zoom keeps its point", "[viz][axis]") {
    const RunData& run = lesson("01-drain-zero-weight", false);
    ViewTransform v;
    v.set_extent(0, 420 * kSec, {&run.model});
    for (bool compressed : {false, true}) {
        v.set_compressed(compressed);
        v.reset();
        int64_t prev = -1;
        for (float x = 0; x <= 1000; x += 37) {
            const int64_t t = v.t_of(x, 0, 1000);
            CHECK(t >= prev);  // monotonic
            prev = t;
            CHECK(std::fabs(v.x_of(t, 0, 1000) - x) < 0.01f);
        }
        const int64_t at = v.t_of(300, 0, 1000);
        v.zoom(0.01f, 300, 0, 1000);
        CHECK(std::llabs(v.t_of(300, 0, 1000) - at) < kSec / 1000);
        for (int i = 0; i < 40; ++i) v.zoom(0.1f, 300, 0, 1000);
        // Down to about a microsecond across, not further.
        CHECK(v.visible_end() - v.visible_begin() >= 500);
        CHECK(v.visible_end() - v.visible_begin() <= 5000);
    }
    // The compressed axis gives the busy page loads more room than linear time does.
    v.set_compressed(false);
    v.reset();
    const float linear_w = v.x_of(210 * kSec + kSec / 2, 0, 1000) - v.x_of(210 * kSec, 0, 1000);
    v.set_compressed(true);
    v.reset();
    const float compressed_w = v.x_of(210 * kSec + kSec / 2, 0, 1000) - v.x_of(210 * kSec, 0, 1000);
    CHECK(compressed_w > 2 * linear_w);
}

TEST_CASE("viz: axis labels from nanoseconds to minutes", "[viz][axis]") {
    CHECK(nice_step(3) == 5);
    CHECK(nice_step(1'200'000) == 2'000'000);
    CHECK(tick_label(20 * kSec, 5 * kSec) == "20 s");
    CHECK(tick_label(20 * kSec + 250'000'000, 50'000'000) == "20.25 s");
    CHECK(tick_label(20 * kSec + 125'000, 1'000) == "20.000125 s");
    CHECK(format_seconds(215 * kSec + 1, 6) == "215.000000 s");
}

// The viewer itself, driven without a window: an ImGui context with a built font atlas is all
// the panels need to lay out a frame (nothing is rendered).
#include <GLFW/glfw3.h>
#include <imgui.h>

#include "viz/input/imgui_input.hpp"
#include "viz/viewer.hpp"

namespace {

struct HeadlessImGui {
    HeadlessImGui() {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(1600, 1000);
        io.DeltaTime = 1.0f / 60.0f;
        normal = io.Fonts->AddFontDefault();
        ImFontConfig large;
        large.SizePixels = 26.0f;
        big = io.Fonts->AddFontDefault(&large);
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
        io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(1)));
    }
    ~HeadlessImGui() { ImGui::DestroyContext(); }
    void frame(Viewer& v, double dt = 1.0 / 60.0) {
        ImGui::NewFrame();
        v.frame(dt);
        ImGui::Render();
    }
    ImFont* normal = nullptr;
    ImFont* big = nullptr;
};

std::vector<std::unique_ptr<RunData>> runs_of(std::initializer_list<std::string> files) {
    std::vector<std::unique_ptr<RunData>> out;
    for (const std::string& f : files) out.push_back(load_run(kLessons + "/" + f + ".yaml", {}));
    return out;
}

}  // namespace

TEST_CASE("viz::Viewer: playback, stepping and jumping by kind", "[viz][viewer]") {
    HeadlessImGui ui;
    Viewer v(runs_of({"01-drain-zero-weight"}), 0);
    v.set_fonts(ui.normal, ui.big);
    ViewerState& st = v.state();
    ui.frame(v);
    CHECK(st.cursor.t == 0);
    v.apply(Action::JumpKind1);  // admin command
    v.apply(Action::JumpNext);
    CHECK(st.cursor.t == 20 * kSec);  // the ipvsadm -e ... -w 0
    v.apply(Action::StepForward);
    const int64_t after = st.cursor.t;
    CHECK(after > 20 * kSec);
    v.apply(Action::StepBack);
    CHECK(st.cursor.t == 20 * kSec);  // and back again
    v.apply(Action::NextMarker);      // lesson 01 has guided steps: PageDown walks them
    CHECK(st.cursor.t == 20 * kSec);
    CHECK(st.step == 1);
    // Play at 10x for one simulated second (six frames of 1/60 s is 0.1 s of wall time).
    st.cursor.t = 100 * kSec;
    v.apply(Action::Faster);
    v.apply(Action::Faster);
    v.apply(Action::Faster);
    CHECK(st.playback.speed() == Approx(10));
    v.apply(Action::PlayPause);
    for (int i = 0; i < 6; ++i) ui.frame(v);
    CHECK(st.cursor.t == Approx(101 * kSec).epsilon(1e-6));
    v.apply(Action::PlayPause);
    // Every action once, in every display mode: no crash, the cursor stays in the run.
    for (int round = 0; round < 2; ++round) {
        for (int a = 0; a <= static_cast<int>(Action::ToggleHelp); ++a) {
            if (static_cast<Action>(a) == Action::ExportPng) continue;
            v.apply(static_cast<Action>(a));
            ui.frame(v);
            CHECK(st.cursor.t >= v.begin());
            CHECK(st.cursor.t <= v.end());
        }
    }
    v.apply(Action::ExportPng);
    CHECK(st.export_path.find(".png") != std::string::npos);
    v.apply(Action::Quit);
    CHECK(st.confirm_quit);  // asks first (see the input test)
    CHECK(!v.quit_requested());
}

TEST_CASE("viz::Viewer: compare mode shares one cursor over two runs", "[viz][viewer]") {
    HeadlessImGui ui;
    Viewer v(runs_of({"01-drain-zero-weight", "02-delete-server"}), 60 * kSec);
    v.set_fonts(ui.normal, ui.big);
    for (int i = 0; i < 3; ++i) ui.frame(v);
    CHECK(v.state().cursor.t == 60 * kSec);
    // Lesson 02's RST/drop events are reachable from the shared cursor.
    v.state().cursor.t = 20 * kSec;
    v.apply(Action::JumpKind4);
    v.apply(Action::JumpNext);
    CHECK(v.state().cursor.t > 20 * kSec);
    CHECK(v.state().cursor.t < 21 * kSec);
    ui.frame(v);
}

TEST_CASE("viz: the loader's warnings appear in the event log when their entry is applied", "[viz][source]") {
    const std::string path =
        (std::filesystem::temp_directory_path() / "lvsim-view-test-warning.yaml").string();
    {
        std::ofstream out(path);
        out << "name: w\nduration: 30s\ndirector:\n  rules: |\n    -A -t 10.0.0.100:80 -s wlc\n"
               "    -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1\nrealservers:\n  - {name: rs1, address: "
               "192.168.10.11}\n"
               "clients:\n  - {name: ie8, schedule: {times: [1s]}}\n"
               "timeline:\n  - at: 20s\n    ipvsadm: -e -t 10.0.0.100:80 -r 192.168.10.11:80 -w 0\n";
    }
    const auto run = load_run(path, {});
    std::vector<std::pair<int64_t, std::string>> warnings;
    for (size_t i = 0; i < run->model.size(); ++i) {
        const Record& r = run->model.at(i);
        if (r.kind == run->model.kinds().warning) warnings.emplace_back(r.t, event_summary(run->model, r));
    }
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].first == 20 * kSec);
    CHECK_THAT(warnings[0].second, Catch::Contains("warning (scenario line 13)") &&
                                       Catch::Contains("rs1 changes from Masq to Route"));
    CHECK((run->model.at(0).category & kCatAdmin) == 0);  // a plain record is not an admin one...
    bool admin = false;
    for (size_t i = 0; i < run->model.size(); ++i)
        if (run->model.at(i).kind == run->model.kinds().warning)
            admin = (run->model.at(i).category & kCatAdmin) != 0;
    CHECK(admin);  // ...the warning is, so jumping between admin events stops at it
}

TEST_CASE("viz::InputQueue: presses faster than frames are all applied, in order", "[viz][input]") {
    InputQueue q;
    const auto key = [](int code, bool down) { return InputEvent{InputEvent::Kind::Key, code, down, 0, 0}; };
    // Three taps of Up between two frames, then Shift held over '=' (the '+' key).
    for (int i = 0; i < 3; ++i) q.push(key(GLFW_KEY_UP, true)), q.push(key(GLFW_KEY_UP, false));
    q.push(key(GLFW_KEY_LEFT_SHIFT, true));
    q.push(key(GLFW_KEY_EQUAL, true));
    q.push(key(GLFW_KEY_EQUAL, false));
    q.push(key(GLFW_KEY_LEFT_SHIFT, false));
    std::vector<std::vector<InputEvent>> frames;
    while (!q.empty()) frames.push_back(q.next_frame());
    REQUIRE(frames.size() == 7);  // each transition of a key in a frame of its own
    int presses = 0;
    for (const auto& f : frames)
        for (const InputEvent& e : f) presses += e.code == GLFW_KEY_UP && e.down;
    CHECK(presses == 3);
    // Shift goes down with the last Up release, '=' is pressed while it is down, and Shift is
    // released only after '=' is.
    CHECK(frames[5].size() == 3);
    CHECK(frames[5][1].code == GLFW_KEY_LEFT_SHIFT);
    CHECK(frames[5][2].code == GLFW_KEY_EQUAL);
    CHECK(frames[6].size() == 2);
    CHECK(frames[6][1].code == GLFW_KEY_LEFT_SHIFT);

    // A click shorter than a frame is down in one frame and up in the next, where it was made.
    q.push({InputEvent::Kind::MouseButton, 0, true, 10, 20});
    q.push({InputEvent::Kind::MouseButton, 0, false, 10, 20});
    CHECK(q.next_frame().size() == 1);
    CHECK(q.next_frame().size() == 1);
    CHECK(q.empty());
}

TEST_CASE("viz::Viewer: every queued key reaches the viewer; feedback and quit confirmation",
          "[viz][viewer][input]") {
    HeadlessImGui ui;
    Viewer v(runs_of({"01-drain-zero-weight"}), 0);
    v.set_fonts(ui.normal, ui.big);
    ViewerState& st = v.state();
    InputQueue q;
    HeldButtons held;
    const auto tap = [&](int code) {
        q.push({InputEvent::Kind::Key, code, true, 0, 0});
        q.push({InputEvent::Kind::Key, code, false, 0, 0});
    };
    const auto run_frames = [&] {
        for (int i = 0; i < 20 && (!q.empty() || i < 2); ++i) {
            feed_imgui(q, held);
            ui.frame(v);
        }
    };
    const double before = st.playback.speed();
    tap(GLFW_KEY_UP), tap(GLFW_KEY_UP), tap(GLFW_KEY_UP);  // all between two frames
    run_frames();
    st.playback.set_speed(before);
    for (int i = 0; i < 3; ++i) st.playback.faster();
    const double three_steps = st.playback.speed();
    st.playback.set_speed(before);
    tap(GLFW_KEY_UP), tap(GLFW_KEY_UP), tap(GLFW_KEY_UP);
    run_frames();
    CHECK(st.playback.speed() == Approx(three_steps));

    // Shift+= zooms in like '+'.
    const double span = static_cast<double>(st.view.visible_end() - st.view.visible_begin());
    q.push({InputEvent::Kind::Key, GLFW_KEY_LEFT_SHIFT, true, 0, 0});
    tap(GLFW_KEY_EQUAL);
    q.push({InputEvent::Kind::Key, GLFW_KEY_LEFT_SHIFT, false, 0, 0});
    run_frames();
    CHECK(static_cast<double>(st.view.visible_end() - st.view.visible_begin()) == Approx(span / 2));

    // A jump with nowhere to go says so.
    st.cursor.t = v.end();
    v.apply(Action::JumpNext);
    CHECK(st.toast == "no later admin command");
    CHECK(v.animating());
    ui.frame(v, 4.0);  // the message fades after three seconds
    CHECK(!v.animating());

    // Q asks first; Esc stays, Q twice quits.
    tap(GLFW_KEY_Q);
    run_frames();
    CHECK(st.confirm_quit);
    CHECK(!v.quit_requested());
    tap(GLFW_KEY_ESCAPE);
    run_frames();
    CHECK(!st.confirm_quit);
    tap(GLFW_KEY_Q), tap(GLFW_KEY_Q);
    run_frames();
    CHECK(v.quit_requested());
}

TEST_CASE("viz: lesson 01's guided steps and key moments", "[viz][viewer][lesson]") {
    HeadlessImGui ui;
    Viewer v(runs_of({"01-drain-zero-weight"}), 0);
    v.set_fonts(ui.normal, ui.big);
    ViewerState& st = v.state();
    const RunData& run = v.run(0);
    REQUIRE(run.steps.size() == 7);
    CHECK(run.steps[1].t == 20 * kSec);
    CHECK(run.steps[1].reveal == "timeline");

    // The run's own story: the last reload, the browser's keep-alive timeout, the drain.
    const auto moment = [&](const std::string& label) -> int64_t {
        for (const KeyMoment& k : run.moments)
            if (k.label == label) return k.t;
        return -1;
    };
    CHECK(moment("last reload (ie8)") == 150 * kSec);
    CHECK(moment("ie8 closes its idle connections (keep-alive timeout)") / kSec == 210);
    CHECK(moment("rs1: no ActiveConn") / kSec == 210);
    CHECK(moment("rs1: last IPVS entry gone (drain over)") / kSec == 330);

    // PageDown walks the steps; a question hides its answer until the next PageDown.
    ui.frame(v);
    v.apply(Action::NextMarker);
    CHECK(st.cursor.t == 19 * kSec);
    CHECK(st.step == 0);
    v.apply(Action::NextMarker);
    CHECK(st.cursor.t == 20 * kSec);
    ui.frame(v);
    CHECK(st.conceal == "timeline");  // "Will rs1's ActiveConn drop in the next minute?"
    CHECK(st.highlight == "rs1");
    v.apply(Action::NextMarker);
    ui.frame(v);
    CHECK(st.cursor.t == 20 * kSec);
    CHECK(st.conceal.empty());
    v.apply(Action::NextMarker);
    CHECK(st.cursor.t == 140 * kSec);
    v.apply(Action::PrevMarker);
    CHECK(st.cursor.t == 20 * kSec);

    // Playing across a step stops at it.
    st.cursor.t = 100 * kSec;
    st.step = -1;
    st.playback.set_speed(1000);
    st.playback.set_playing(true);
    ui.frame(v, 0.1);  // 100 s of simulated time would pass
    CHECK(st.cursor.t == 140 * kSec);
    CHECK(!st.playback.playing());
    CHECK(st.step == 2);
}

TEST_CASE("viz: a connection is found from any record about it, and from its -Lnc row", "[viz][inspector]") {
    const RunData& run = lesson("02-delete-server", false);
    const TraceModel& m = run.model;
    const ConnectionSet& cs = run.conns;
    // Every ipvs.state record names an entry; its connection has that entry as its director side.
    int checked = 0;
    for (uint32_t ri : m.of_kind(m.kinds().ipvs_state)) {
        const int32_t c = cs.connection_of(m, m.at(ri));
        REQUIRE(c >= 0);
        const Connection& conn = cs.connections()[static_cast<size_t>(c)];
        REQUIRE(conn.side[1] >= 0);
        CHECK(cs.endpoint(conn.side[1]).id == m.get_int(m.at(ri), m.keys().conn));
        ++checked;
    }
    CHECK(checked > 10);
    // A browser's tcp.state record and its http.request on the same conn find the same one.
    for (uint32_t ri : m.of_kind(m.kinds().request)) {
        const Record& req = m.at(ri);
        const int32_t c = cs.connection_of(m, req);
        REQUIRE(c >= 0);
        const Connection& conn = cs.connections()[static_cast<size_t>(c)];
        CHECK(cs.endpoint(conn.side[0]).id == m.get_int(req, m.keys().conn));
        CHECK(cs.connection_at(conn.client_addr, req.t) == c);
    }
    // Records about no connection find none.
    CHECK(cs.connection_of(m, m.at(m.of_kind(m.kinds().listing).front())) == -1);
}
