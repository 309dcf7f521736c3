// A scenario split into two logical processes (the conservative-parallel prototype of issue
// 30; models/scenario/run_partition.cpp, sim::Simulator::LpScope, net::Network's outbox). Here
// both parts run in this one process, a time window each in turn, swapping the packets that
// crossed over as MPI ranks would (tests/bench/pdes.cpp does it over MPI): the split must give
// what the whole run gives, packet for packet.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "models/ipvs/ipvsadm.hpp"
#include "models/net/network.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"

using namespace lvs;
using scenario::PartitionCut;

namespace {

// Twenty browsers behind a NAT director (`-m`) or four directors behind ECMP with direct
// routing (`-g`), three realservers.
scenario::Scenario site(bool fleet) {
    const std::string fwd = fleet ? "-g" : "-m";
    std::string yaml =
        "name: split\nseed: 7\nduration: 20s\nsample_every: 5s\n"
        "director:\n  rules: |\n    -A -t 10.0.0.100:80 -s wlc\n"
        "    -a -t 10.0.0.100:80 -r 192.168.10.11:80 " +
        fwd +
        " -w 1\n"
        "    -a -t 10.0.0.100:80 -r 192.168.10.12:80 " +
        fwd +
        " -w 1\n"
        "    -a -t 10.0.0.100:80 -r 192.168.10.13:80 " +
        fwd + " -w 2\n";
    if (fleet)
        yaml +=
            "fleet:\n  directors:\n    - {name: n1}\n    - {name: n2}\n    - {name: n3}\n    - {name: n4}\n";
    yaml +=
        "realservers:\n"
        "  - {name: rs1, address: 192.168.10.11, server: nginx}\n"
        "  - {name: rs2, address: 192.168.10.12, server: apache}\n"
        "  - {name: rs3, address: 192.168.10.13, server: nginx}\n"
        "clients:\n  - name: users\n    count: 20\n    browser: firefox\n"
        "    page: {html: 20kB, objects: 12, object_size: 8kB}\n    schedule: {think: exp(3s), start: 0s}\n";
    return scenario::load_scenario_text(yaml, "(partition test)");
}

struct Outcome {
    http::BrowserStats clients;
    std::vector<std::string> listings;  // each director's ipvsadm -Ln --stats
    std::vector<uint64_t> served;       // requests per realserver
    std::vector<uint64_t> frames;       // per link direction
    uint64_t events = 0;
};

std::string listing(const ipvs::Director& d) {
    ipvs::ListFormat f;
    f.numeric = f.stats = f.exact = true;
    return ipvs::render_list(d, f);
}

void frames_of(scenario::Run& run, std::vector<uint64_t>& into) {
    const auto& stats = run.network().link_stats();
    into.resize(2 * stats.size());
    for (size_t i = 0; i < stats.size(); ++i)
        for (size_t d = 0; d < 2; ++d) into[2 * i + d] += stats[i][d].frames;
}

Outcome whole(const scenario::Scenario& s) {
    scenario::Run run(s);
    run.run_until(run.end());
    Outcome o;
    o.clients = run.client_groups()[0].stats;
    for (size_t d = 0; d < run.director_count(); ++d) o.listings.push_back(listing(run.director_at(d)));
    for (auto& rs : run.realservers()) o.served.push_back(rs.web->stats().requests);
    frames_of(run, o.frames);
    o.events = run.sim().events_executed();
    return o;
}

struct Split {
    Outcome outcome;
    uint64_t crossed = 0;  // packets handed from one part to the other
    std::vector<uint8_t> booked_by_both;
};

Split split(const scenario::Scenario& s, PartitionCut cut) {
    scenario::RunOptions a_opt, b_opt;
    a_opt.partition_lp = scenario::kClientSideLp;
    b_opt.partition_lp = scenario::kDirectorSideLp;
    a_opt.partition_cut = b_opt.partition_cut = cut;
    scenario::Run a(s, a_opt), b(s, b_opt);
    const sim::Duration window = a.network().lookahead();
    REQUIRE(window > sim::Duration{});
    REQUIRE(window < sim::Duration::max());
    Split out;
    const sim::Time end = a.end();
    for (sim::Time from{}; from <= end; from = from + window) {
        const sim::Time until = std::min(from + window - sim::ns(1), end);
        a.run_until(until);
        b.run_until(until);
        std::vector<net::Network::RemoteArrival> to_b, to_a;
        to_b.swap(a.network().outbox());
        to_a.swap(b.network().outbox());
        if (until >= end) break;
        for (const auto& r : to_b) {
            REQUIRE(r.at > until);  // the lookahead holds
            b.network().arrive_remote(r);
        }
        for (const auto& r : to_a) {
            REQUIRE(r.at > until);
            a.network().arrive_remote(r);
        }
        out.crossed += to_a.size() + to_b.size();
    }
    Outcome& o = out.outcome;
    o.clients = a.client_groups()[0].stats;
    for (size_t d = 0; d < b.director_count(); ++d) o.listings.push_back(listing(b.director_at(d)));
    scenario::Run& rs_side = cut == PartitionCut::Clients ? b : a;
    for (auto& rs : rs_side.realservers()) o.served.push_back(rs.web->stats().requests);
    frames_of(a, o.frames);
    frames_of(b, o.frames);
    o.events = a.sim().events_executed() + b.sim().events_executed();
    const auto& ba = a.network().booked_links();
    const auto& bb = b.network().booked_links();
    for (size_t i = 0; i < ba.size(); ++i) out.booked_by_both.push_back(ba[i] && bb[i] ? 1 : 0);
    return out;
}

bool any(const std::vector<uint8_t>& v) {
    for (uint8_t x : v)
        if (x != 0) return true;
    return false;
}

void require_same(const Outcome& w, const Outcome& p) {
    CHECK(p.clients.pages_completed == w.clients.pages_completed);
    CHECK(p.clients.objects_ok == w.clients.objects_ok);
    CHECK(p.clients.requests == w.clients.requests);
    CHECK(p.clients.connections_opened == w.clients.connections_opened);
    CHECK(p.clients.load_ms == w.clients.load_ms);  // every page's load time, to the bit
    CHECK(p.listings == w.listings);
    CHECK(p.served == w.served);
    CHECK(p.frames == w.frames);
}

}  // namespace

TEST_CASE("partition: another LP's events are left out, no LP's and this LP's kept") {
    sim::Simulator sim;
    sim.set_own_lp(1);
    int ran = 0;
    {
        sim::Simulator::LpScope other(sim, 0);
        CHECK_FALSE(sim.at(sim::at(sim::s(1)), [&] { ++ran; }).valid());
        sim.post_at(sim::at(sim::s(1)), [&] { ran += 10; });
    }
    {
        sim::Simulator::LpScope own(sim, 1);
        CHECK(sim.at(sim::at(sim::s(1)), [&] { ran += 100; }).valid());
    }
    sim.post_at(sim::at(sim::s(2)), [&] { ran += 1000; });  // outside any scope: every process
    sim.run();
    CHECK(ran == 1100);
    CHECK(sim.events_executed() == 2);
}

TEST_CASE("partition: the NAT site split at the director gives the whole run's packets and counters") {
    const scenario::Scenario s = site(false);
    const Outcome w = whole(s);
    REQUIRE(w.clients.pages_completed > 50);
    const Split p = split(s, PartitionCut::Directors);
    CHECK(p.crossed > 10'000);
    CHECK_FALSE(any(p.booked_by_both));
    require_same(w, p.outcome);
}

TEST_CASE("partition: the NAT site split at the clients shares the director's LAN port, and says so") {
    // Requests (client side) and the realservers' replies (director side) both cross
    // lan -> director: each part books it alone, so the queueing there differs.
    const scenario::Scenario s = site(false);
    const Split p = split(s, PartitionCut::Clients);
    CHECK(any(p.booked_by_both));
}

TEST_CASE("partition: the direct-routing fleet splits exactly at the clients and at the directors") {
    const scenario::Scenario s = site(true);
    const Outcome w = whole(s);
    REQUIRE(w.listings.size() == 4);
    for (PartitionCut cut : {PartitionCut::Clients, PartitionCut::Directors}) {
        const Split p = split(s, cut);
        CHECK_FALSE(any(p.booked_by_both));
        require_same(w, p.outcome);
    }
}

TEST_CASE("partition: what the two parts would share is refused before the run") {
    scenario::Scenario s = site(false);
    s.network.loss = 0.01;
    scenario::RunOptions o;
    o.partition_lp = scenario::kClientSideLp;
    CHECK_THROWS_WITH(scenario::Run(s, o), Catch::Contains("random loss on a link"));
    CHECK_NOTHROW(scenario::Run(s));  // whole, the same scenario runs
    const scenario::Scenario pair =
        scenario::load_scenario_file(std::string(LVSIM_SCENARIO_DIR) + "/30-failover-mid-drain.yaml");
    CHECK_THROWS_WITH(scenario::Run(pair, o), Catch::Contains("a director pair (ha:)"));
}
