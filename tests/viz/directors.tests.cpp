// Several directors in the viewer, without a display: a fleet behind the router's ECMP (lesson
// 34: node3 leaves the router's group at 40 s) and a VRRP pair (lesson 30: lvs1 crashes at
// 60 s), as the director panel, the topology, the timeline's directors row and the web page
// read them (viz/derive/directors, viz/derive/connections, viz/derive/topology, run_json).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"
#include "viz/source/loader.hpp"
#include "viz/web/run_json.hpp"

using namespace lvs::viz;

namespace {

const std::string kLessons = LVSIM_SCENARIO_DIR;
constexpr int64_t kSec = 1'000'000'000;
const std::string kFleet = "34-fleet-director-leaves", kPair = "30-failover-mid-drain";

// Lesson `name` simulated in-process, or its trace recorded as `lvsim run --trace` writes it.
const RunData& lesson(const std::string& name, bool trace) {
    static std::map<std::pair<std::string, bool>, std::unique_ptr<RunData>> cache;
    auto& slot = cache[{name, trace}];
    if (slot) return *slot;
    std::string path = kLessons + "/" + name + ".yaml";
    if (trace) {
        const std::string file =
            (std::filesystem::temp_directory_path() / ("lvsim-view-directors-" + name + ".jsonl")).string();
        std::ofstream out(file);
        lvs::scenario::RunOptions options;
        options.trace_jsonl = &out;
        lvs::scenario::Run run(lvs::scenario::load_scenario_file(path), options);
        run.run();
        path = file;
    }
    slot = load_run(path, {});
    return *slot;
}

bool same(Rgb a, Rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

}  // namespace

TEST_CASE("viz::DirectorSet: a fleet's members, their place in the router's group, its band",
          "[viz][fleet]") {
    for (const bool trace : {false, true}) {
        INFO((trace ? "recorded trace" : "in-process"));
        const RunData& run = lesson(kFleet, trace);
        const DirectorSet& ds = run.directors;
        REQUIRE(ds.present());
        REQUIRE(ds.fleet());
        REQUIRE(ds.directors().size() == 3);
        // The first keeps the entity "director" and its fleet name; each lists its own table.
        CHECK(ds.directors()[0].name == "node1");
        CHECK(run.model.str(ds.directors()[0].entity) == "director");
        for (const DirectorTrack& d : ds.directors()) {
            CHECK(!d.listings.empty());
            CHECK(!d.connections.empty());
            for (uint32_t ri : d.listings) CHECK(run.model.at(ri).entity == d.entity);
        }
        CHECK(ds.label_at(2, 39 * kSec) == "node3 - ECMP in");
        CHECK(ds.label_at(2, 41 * kSec) == "node3 - ECMP out");
        CHECK(ds.out_at(2, 41 * kSec));
        CHECK(!ds.down_at(2, 41 * kSec));
        CHECK(ds.owner_at(50 * kSec) == -1);  // no VIP owner: every member serves the VIP
        // One change of the group: node3 leaves at 40 s, two next hops left.
        REQUIRE(ds.events().size() == 1);
        const DirectorEvent& e = ds.events()[0];
        CHECK(e.kind == DirectorEvent::Kind::Leave);
        CHECK(e.t == 40 * kSec);
        CHECK(e.director == 2);
        CHECK(e.next_hops == 2);
        CHECK(e.moved > 0);
        CHECK_THAT(ds.event_label(e), Catch::StartsWith("node3 leaves: 2 next hops, "));
        CHECK(ds.event_labelled(e));
        // The band: all three next hops (green), then two (yellow) from the leave.
        REQUIRE(ds.band().size() == 2);
        CHECK(ds.band()[0].label == "3 next hops: node1, node2, node3");
        CHECK(ds.band()[1].label == "2 next hops: node1, node2");
        CHECK(ds.band()[1].t == 40 * kSec);
        CHECK(ds.band()[1].why == "node3 leaves the group");
        CHECK(same(ds.band()[0].colour, colours::kPass));
        CHECK(same(ds.band()[1].colour, colours::kMarkerAdmin));
    }
}

TEST_CASE("viz::ConnectionSet: entries are told apart by director; a moved flow's joins its connection",
          "[viz][fleet]") {
    const RunData& run = lesson(kFleet, false);
    const TraceModel& m = run.model;
    // Entry ids count up on each director: an entry is (director, id). Keyed by id alone, the
    // three members' entries 1, 2, 3... would be one endpoint each.
    std::set<std::pair<StrId, int64_t>> entries;
    for (uint32_t ri : m.of_kind(m.kinds().ipvs_state))
        entries.insert({m.at(ri).entity, m.get_int(m.at(ri), m.keys().conn)});
    size_t raw = 0;
    for (const Endpoint& e : run.conns.endpoints()) raw += e.side == Side::Director && !e.merged ? 1 : 0;
    CHECK(raw == entries.size());
    std::set<StrId> directors;
    for (const auto& [director, id] : entries) directors.insert(director);
    CHECK(directors.size() == 3);

    // node3's flows moved at 40 s: mh with sloppy_tcp schedules them afresh on node1 and node2,
    // whose entries join the connection; its IPVS side is then theirs, node3's stays behind.
    const StrId node3 = m.find_str("node3");
    int moved = 0;
    for (const Connection& c : run.conns.connections()) {
        if (c.entries < 0 || run.conns.endpoint(c.entries).also < 0) continue;
        const Endpoint& first = run.conns.endpoint(c.entries);
        const Endpoint& next = run.conns.endpoint(first.also);
        if (first.director != node3 || next.director == node3 || next.t0 < 40 * kSec) continue;
        ++moved;
        const int64_t t = next.t0 + kSec / 10;
        REQUIRE(run.conns.entry_at(c, t) == first.also);
        CHECK(run.conns.endpoint(c.side[1]).merged);
        CHECK(run.conns.state_at(run.conns.endpoint(c.side[1]), t) == run.conns.state_at(next, t));
    }
    CHECK(moved > 0);
}

TEST_CASE("viz::Topology: a fleet's members stand in a column between the router and the LAN",
          "[viz][fleet]") {
    const RunData& run = lesson(kFleet, false);
    const Topology& topo = run.topology;
    REQUIRE(topo.ecmp_links().size() == 3);  // the router's next hops
    std::set<std::string> hops;
    for (const auto& [router, director] : topo.ecmp_links()) {
        CHECK(topo.nodes()[router].name == "internet");
        CHECK(topo.nodes()[director].role == NodeRole::Director);
        CHECK(topo.nodes()[director].x == Approx(0.5));
        hops.insert(topo.nodes()[director].name);
    }
    CHECK(hops == std::set<std::string>{"director", "node2", "node3"});
    const int32_t lan = topo.node_of("lan"), internet = topo.node_of("internet");
    REQUIRE(lan >= 0);
    REQUIRE(internet >= 0);
    CHECK(topo.nodes()[static_cast<size_t>(internet)].x < 0.5f);
    CHECK(topo.nodes()[static_cast<size_t>(lan)].x > 0.5f);
    // A client's way to node3 is the router's next hop, not a detour through the LAN.
    const int32_t node3 = topo.node_of("node3");
    CHECK(topo.path(static_cast<uint32_t>(internet), static_cast<uint32_t>(node3)).size() == 2);

    // A recorded trace has no routers, but its members are directors, not clients.
    const RunData& rec = lesson(kFleet, true);
    int directors = 0;
    for (const TopoNode& n : rec.topology.nodes()) directors += n.role == NodeRole::Director ? 1 : 0;
    CHECK(directors == 3);
    CHECK(rec.topology.ecmp_links().empty());
}

TEST_CASE("viz::DirectorSet: a pair is a fleet of two with VRRP on top", "[viz][ha]") {
    const RunData& run = lesson(kPair, false);
    const DirectorSet& ds = run.directors;
    REQUIRE(ds.present());
    CHECK(!ds.fleet());
    REQUIRE(ds.directors().size() == 2);
    CHECK(ds.label_at(0, 59 * kSec) == "lvs1 - MASTER");
    CHECK(ds.label_at(0, 65 * kSec) == "lvs1 - STOPPED (crashed)");
    CHECK(ds.label_at(1, 65 * kSec) == "lvs2 - MASTER");
    CHECK(ds.down_at(0, 65 * kSec));
    CHECK(!ds.out_at(0, 65 * kSec));  // VRRP, not ECMP
    CHECK(ds.band_title() == "VIP owner");
    CHECK(ds.owner_at(59 * kSec) == 0);
    CHECK(ds.owner_at(65 * kSec) == 1);
    REQUIRE(!ds.band().empty());
    CHECK(ds.band().front().label == "lvs1");
    CHECK(ds.band().back().label == "lvs2");

    // The sync daemon's copies on lvs2 carry the established connections past the crash: their
    // IPVS side goes on as lvs2's entry (lvs1 flushed its own at 60 s).
    const StrId lvs2 = run.model.find_str("lvs2");
    int carried = 0;
    for (const Connection& c : run.conns.connections()) {
        if (c.entries < 0 || run.conns.endpoint(c.entries).also < 0) continue;
        const Endpoint& copy = run.conns.endpoint(run.conns.endpoint(c.entries).also);
        if (copy.director != lvs2 || copy.t1 <= 65 * kSec) continue;
        const ConnState s = run.conns.state_at(copy, 65 * kSec);
        if (s == ConnState::Closed) continue;
        ++carried;
        CHECK(run.conns.state_at(run.conns.endpoint(c.side[1]), 65 * kSec) == s);
    }
    CHECK(carried > 0);
}

TEST_CASE("viz: the web page's data has every director, its state and the band", "[viz][web]") {
    const std::string fleet = run_json(lesson(kFleet, false));
    CHECK_THAT(fleet, Catch::Contains("\"directors\":{\"fleet\":true,\"title\":\"ECMP group\""));
    CHECK_THAT(fleet, Catch::Contains("\"name\":\"node3\""));
    CHECK_THAT(fleet, Catch::Contains("\"ECMP out\""));
    CHECK_THAT(fleet, Catch::Contains("\"2 next hops: node1, node2\""));
    CHECK_THAT(fleet, Catch::Contains("\"node3 leaves: 2 next hops, "));
    const std::string pair = run_json(lesson(kPair, false));
    CHECK_THAT(pair, Catch::Contains("\"directors\":{\"fleet\":false,\"title\":\"VIP owner\""));
    CHECK_THAT(pair, Catch::Contains("\"STOPPED\",\"crashed\""));
}
