// The hashing, locality and weight-ordered schedulers (ipvs-tcp-http.md sections 5.7-5.14)
// against hand-worked cases, and a conformance suite over every registered scheduler.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/ipvs/scheduler.hpp"

using namespace lvs;
using ipvs::Dest;
using net::Ipv4;

namespace {

// A service built directly, without a director or a network.
struct Rig {
    std::vector<std::unique_ptr<Dest>> owned;  // declared first: outlives svc's scheduler
    ipvs::Service svc;
    sim::Rng rng;

    explicit Rig(const std::string& name, uint32_t flags = 0, uint64_t seed = 1) : rng(seed) {
        svc.sched_name = name;
        svc.flags = flags;
        svc.scheduler = ipvs::SchedulerRegistry::instance().create(name);
        svc.scheduler->on_service_init(svc);
    }
    // Adds at the head (kernel order: newest first), as realserver 192.168.10.<host>:80.
    Dest& add(const std::string& n, int32_t weight, uint8_t host) {
        owned.push_back(std::make_unique<Dest>());
        Dest& d = *owned.back();
        d.name = n;
        d.addr = {Ipv4::of(192, 168, 10, host), 80};
        d.weight = weight;
        if (weight > 0) d.last_weight = weight;  // as the director does (Dest's default is 1)
        svc.dests.insert(svc.dests.begin(), &d);
        changed();
        return d;
    }
    void changed() { svc.scheduler->on_dests_changed(svc); }
    // As the director deletes: tell the scheduler, unlink, rebuild.
    void remove(Dest& d) {
        const auto it = std::find(svc.dests.begin(), svc.dests.end(), &d);
        svc.scheduler->on_dest_removed(svc, d, static_cast<size_t>(it - svc.dests.begin()));
        svc.dests.erase(it);
        d.flags &= ~ipvs::kDestAvailable;
        changed();
    }
    ipvs::ConnRequest request(Ipv4 client, net::Port port = 40000, Ipv4 vip = Ipv4::of(10, 0, 0, 100),
                              sim::Time now = sim::Time::zero()) {
        return {{client, port}, {vip, 80}, &rng, now};
    }
    Dest* pick(Ipv4 client, net::Port port = 40000, Ipv4 vip = Ipv4::of(10, 0, 0, 100),
               sim::Time now = sim::Time::zero()) {
        return svc.scheduler->pick(svc, request(client, port, vip, now));
    }
    std::string pick_name(Ipv4 client, net::Port port = 40000, Ipv4 vip = Ipv4::of(10, 0, 0, 100),
                          sim::Time now = sim::Time::zero()) {
        Dest* d = pick(client, port, vip, now);
        return d == nullptr ? "-" : d->name;
    }
    // The figure explain() gives `d` for this request.
    std::string figure(const Dest& d, const ipvs::ConnRequest& req) const {
        std::vector<ipvs::Considered> out;
        svc.scheduler->explain(svc, req, out);
        for (const auto& c : out)
            if (c.dest == &d) return c.figure;
        return "";
    }
};

// The spec's hash_32 (include/linux/hash.h), recomputed here to predict buckets by hand.
uint32_t hash_32(uint32_t v, unsigned bits) { return (v * 0x61C88647u) >> (32 - bits); }

Ipv4 client(uint32_t i) { return Ipv4(Ipv4::of(10, 0, 0, 0).value() + i); }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// sh

TEST_CASE("ipvs::sched sh: the same client always gets the same destination, by bucket", "[ipvs][sched]") {
    Rig r("sh");
    Dest& c = r.add("C", 1, 3);
    Dest& b = r.add("B", 2, 2);
    Dest& a = r.add("A", 1, 1);  // list order A, B, C
    // Buckets filled in list order, max(weight, 1) each per round: A B B C, 64 rounds.
    const auto req = r.request(client(1));
    CHECK(has(r.figure(a, req), "slots=64 "));
    CHECK(has(r.figure(b, req), "slots=128 "));
    CHECK(has(r.figure(c, req), "slots=64 "));
    // 10.0.0.1 = 0x0A000001; * 0x61C88647 mod 2^32 = 0x27C88647 -> top 8 bits 39; 39 % 4 = 3 -> C.
    CHECK(r.pick_name(client(1)) == "C");
    CHECK(has(r.figure(c, req), "client_slot=39"));
    // 10.0.0.2 -> bucket 137, 137 % 4 = 1 -> B.
    CHECK(r.pick_name(client(2)) == "B");
    const std::string pattern = "ABBC";
    for (uint32_t i = 1; i <= 500; ++i) {
        const std::string expect(1, pattern[hash_32(client(i).value(), 8) % 4]);
        CHECK(r.pick_name(client(i), static_cast<net::Port>(1000 + i)) == expect);
        CHECK(r.pick_name(client(i), 2000) == expect);  // the port does not matter without sh-port
    }
}

TEST_CASE("ipvs::sched sh: a weight-0 bucket refuses its clients unless sh-fallback is set",
          "[ipvs][sched]") {
    for (const uint32_t flags : {0u, ipvs::kSvcSched1}) {
        Rig r("sh", flags);
        r.add("C", 1, 3);
        r.add("B", 1, 2);
        Dest& a = r.add("A", 0, 1);  // a weight-0 destination still owns one bucket per round
        // Table A B C repeating. 10.0.0.5 -> bucket 174, 174 % 3 = 0 -> A.
        // 10.0.0.1 -> bucket 39 -> A as well; 10.0.0.2 -> 137 -> C; 10.0.0.3 -> 235 -> B.
        CHECK(r.pick_name(client(2)) == "C");
        CHECK(r.pick_name(client(3)) == "B");
        if (flags == 0) {
            CHECK(r.pick_name(client(5)) == "-");
            CHECK(r.pick_name(client(1)) == "-");
        } else {
            // The probe feeds (174 + k) back in as the offset: bucket (174 + k + 174) & 255, so
            // it starts at 92 (% 3 = 2 -> C), not next door at 175 (B).
            CHECK(r.pick_name(client(5)) == "C");
            // 10.0.0.1: probes 78 (A), then 79 (B).
            CHECK(r.pick_name(client(1)) == "B");
        }
        // OVERLOAD refuses the same way: B's clients are dropped (or re-routed).
        a.weight = 1;
        r.changed();
        Dest* b = r.svc.dests[1];
        b->flags |= ipvs::kDestOverload;
        // Table A B C still: 10.0.0.3 -> bucket 235 -> B; the probe starts at 214 (B), then 215 (C).
        CHECK(r.pick_name(client(3)) == (flags == 0 ? "-" : "C"));
    }
}

TEST_CASE("ipvs::sched sh: with sh-port one client's connections spread over the destinations",
          "[ipvs][sched]") {
    Rig plain("sh");
    Rig port("sh", ipvs::kSvcSched2);
    for (Rig* r : {&plain, &port}) {
        r->add("C", 1, 3);
        r->add("B", 1, 2);
        r->add("A", 1, 1);
    }
    std::map<std::string, int> spread, fixed;
    for (net::Port p = 30000; p < 30300; ++p) {
        ++spread[port.pick_name(client(7), p)];
        ++fixed[plain.pick_name(client(7), p)];
    }
    CHECK(fixed.size() == 1);
    REQUIRE(spread.size() == 3);
    for (const auto& [name, n] : spread) CHECK(n > 50);
    // The key is port + address: port 30000 from 10.0.0.7 is bucket hash_32(0x0A000007 + 30000).
    const std::string pattern = "ABC";
    const uint32_t bucket = hash_32(client(7).value() + 30000, 8);
    CHECK(port.pick_name(client(7), 30000) == std::string(1, pattern[bucket % 3]));
}

// ---------------------------------------------------------------------------------------------
// dh

TEST_CASE("ipvs::sched dh: the packet's destination address decides, weights only refuse", "[ipvs][sched]") {
    Rig r("dh", ipvs::kSvcSched1);  // the fallback flag means nothing to dh
    r.add("C", 1, 3);
    Dest& b = r.add("B", 5, 2);
    r.add("A", 1, 1);  // one bucket each, weight ignored: A B C repeating
    const Ipv4 vip0 = Ipv4::of(10, 0, 0, 100);
    // 10.0.0.100 -> bucket 248, 248 % 3 = 2 -> C; .101 -> 90 -> A; .102 -> 187 -> B.
    for (uint32_t c = 1; c <= 50; ++c) CHECK(r.pick_name(client(c), 1234, vip0) == "C");
    CHECK(r.pick_name(client(1), 1234, Ipv4(vip0.value() + 1)) == "A");
    CHECK(r.pick_name(client(1), 1234, Ipv4(vip0.value() + 2)) == "B");
    b.weight = 0;
    r.changed();
    CHECK(r.pick_name(client(1), 1234, Ipv4(vip0.value() + 2)) == "-");  // no fallback in dh
    CHECK(r.pick_name(client(1), 1234, Ipv4(vip0.value() + 1)) == "A");
}

// ---------------------------------------------------------------------------------------------
// mh

TEST_CASE("ipvs::sched mh: slots follow last_weight / gcd, shifted to 6 bits", "[ipvs][sched]") {
    SECTION("weights 1 and 3: rounds of 1 + 3 fill the kernel's 4093 slots as 1024 and 3069") {
        Rig r("mh");
        Dest& b = r.add("B", 3, 2);
        Dest& a = r.add("A", 1, 1);  // list order A, B: A takes the 4093rd slot
        const auto req = r.request(client(1));
        CHECK(has(r.figure(a, req), "slots=1024 "));
        CHECK(has(r.figure(b, req), "slots=3069 "));
    }
    SECTION("weights 2 and 6 have gcd 2: the same shares") {
        Rig r("mh");
        Dest& b = r.add("B", 6, 2);
        Dest& a = r.add("A", 2, 1);
        const auto req = r.request(client(1));
        CHECK(has(r.figure(a, req), "slots=1024 "));
        CHECK(has(r.figure(b, req), "slots=3069 "));
    }
    SECTION("weights 1 and 100: 100 needs 7 bits, so turns are 1 (never 0) and 50; 4093 = 80*51 + 13") {
        Rig r("mh");
        Dest& b = r.add("B", 100, 2);
        Dest& a = r.add("A", 1, 1);
        const auto req = r.request(client(1));
        CHECK(has(r.figure(a, req), "slots=81 "));
        CHECK(has(r.figure(b, req), "slots=4012 "));
    }
}

TEST_CASE("ipvs::sched mh: deleting a destination moves its own clients and few others while sh reshuffles",
          "[ipvs][sched]") {
    for (const std::string name : {"mh", "sh"}) {
        Rig r(name);
        for (uint8_t i = 5; i >= 1; --i) r.add(std::string(1, static_cast<char>('A' + i - 1)), 1, i);
        Dest& gone = *r.svc.dests[2];  // C
        std::vector<Dest*> before;
        for (uint32_t i = 0; i < 2000; ++i) before.push_back(r.pick(client(i)));
        r.remove(gone);
        int moved_others = 0, own = 0;
        for (uint32_t i = 0; i < 2000; ++i) {
            Dest* now = r.pick(client(i));
            REQUIRE(now != nullptr);
            CHECK(now != &gone);
            if (before[i] == &gone) ++own;
            else if (now != before[i]) ++moved_others;
        }
        CAPTURE(name, own, moved_others);
        CHECK(own > 200);
        const int others = 2000 - own;
        // Maglev's promise is minimal, not zero, disruption: refilling the 4093 slots without C
        // lets a few of the others' slots change hands (8 of 1578 clients here, with the
        // kernel's hsiphash). sh's A B C D E buckets become A B D E: most change hands.
        if (name == "mh") CHECK(moved_others * 10 < others);
        else CHECK(moved_others * 2 > others);
    }
}

TEST_CASE("ipvs::sched mh: quiescing (weight 0, last_weight kept) leaves every other client in place",
          "[ipvs][sched]") {
    for (const uint32_t flags : {0u, ipvs::kSvcSched1}) {
        Rig r("mh", flags);
        r.add("D", 2, 4);
        Dest& c = r.add("C", 1, 3);
        r.add("B", 1, 2);
        r.add("A", 3, 1);
        std::vector<Dest*> before;
        for (uint32_t i = 0; i < 2000; ++i) before.push_back(r.pick(client(i)));
        c.weight = 0;  // ipvsadm -e -w 0: last_weight stays 1
        r.changed();
        int quiesced = 0;
        for (uint32_t i = 0; i < 2000; ++i) {
            Dest* now = r.pick(client(i));
            if (before[i] != &c) {
                CHECK(now == before[i]);
                continue;
            }
            ++quiesced;
            if (flags == 0) CHECK(now == nullptr);      // refused: ICMP port unreachable
            else CHECK((now != nullptr && now != &c));  // mh-fallback: spills elsewhere
        }
        CHECK(quiesced > 100);
        // Back to weight 1: everyone where they were.
        c.weight = 1;
        r.changed();
        for (uint32_t i = 0; i < 2000; ++i) CHECK(r.pick(client(i)) == before[i]);
    }
}

TEST_CASE("ipvs::sched mh: mh-port spreads one client's ports", "[ipvs][sched]") {
    Rig r("mh", ipvs::kSvcSched2);
    r.add("C", 1, 3);
    r.add("B", 1, 2);
    r.add("A", 1, 1);
    std::map<std::string, int> spread;
    for (net::Port p = 30000; p < 30300; ++p) ++spread[r.pick_name(client(7), p)];
    CHECK(spread.size() == 3);
    // Same client and port, same destination.
    CHECK(r.pick_name(client(7), 31000) == r.pick_name(client(7), 31000));
}

// ---------------------------------------------------------------------------------------------
// fo, ovf

TEST_CASE("ipvs::sched fo: the heaviest wins, the most recently added on a tie, never weight 0",
          "[ipvs][sched]") {
    Rig r("fo");
    Dest& c = r.add("C", 5, 3);
    Dest& b = r.add("B", 5, 2);
    Dest& a = r.add("A", 2, 1);  // list order A(2) B(5) C(5)
    CHECK(r.pick_name(client(1)) == "B");
    b.flags |= ipvs::kDestOverload;
    CHECK(r.pick_name(client(1)) == "C");
    b.flags &= ~ipvs::kDestOverload;
    b.weight = 0;
    c.weight = 0;
    CHECK(r.pick_name(client(1)) == "A");
    a.weight = 0;
    CHECK(r.pick_name(client(1)) == "-");
}

TEST_CASE("ipvs::sched ovf: stays on the heaviest until its active connections exceed its weight",
          "[ipvs][sched]") {
    Rig r("ovf");
    r.add("A", 3, 1);
    r.add("B", 2, 2);  // list order B(2) A(3)
    std::string seq;
    for (int i = 0; i < 9; ++i) {
        Dest* d = r.pick(client(1));
        seq += d == nullptr ? "-" : d->name;
        if (d != nullptr) ++d->activeconns;
    }
    // A takes connections while active <= 3 (4 of them), then B while active <= 2 (3).
    CHECK(seq == "AAAABBB--");
    r.svc.dests[1]->activeconns = 1;  // A drops back below its weight
    CHECK(r.pick_name(client(1)) == "A");
}

// ---------------------------------------------------------------------------------------------
// lblc, lblcr

TEST_CASE("ipvs::sched lblc: sticks to the cached destination until it is lblc-overloaded", "[ipvs][sched]") {
    Rig r("lblc");
    Dest& b = r.add("B", 10, 2);
    Dest& a = r.add("A", 10, 1);  // list order A, B
    const Ipv4 x = Ipv4::of(10, 9, 0, 1), y = Ipv4::of(10, 9, 0, 2);
    CHECK(r.pick_name(client(1), 1, x) == "A");  // miss: wlc, tie -> A
    a.activeconns = 5;                           // wlc would now say B...
    CHECK(r.pick_name(client(2), 1, x) == "A");  // ...but x is cached on A (5 <= weight 10)
    CHECK(r.pick_name(client(2), 1, y) == "B");  // y is new: wlc
    a.activeconns = 11;                          // above its weight while B is below half of its
    CHECK(r.pick_name(client(3), 1, x) == "B");  // lblc-overloaded: rescheduled, x now on B
    a.activeconns = 0;
    CHECK(r.pick_name(client(3), 1, x) == "B");  // and it sticks there
    // Above its weight, but nobody is below half weight: not lblc-overloaded, stays.
    b.activeconns = 12;
    a.activeconns = 6;
    CHECK(r.pick_name(client(4), 1, x) == "B");
    // A cached destination quiesced or flagged OVERLOAD is left for wlc.
    b.weight = 0;
    CHECK(r.pick_name(client(4), 1, x) == "A");
    b.weight = 10;
    a.flags |= ipvs::kDestOverload;
    CHECK(r.pick_name(client(4), 1, x) == "B");
    a.flags &= ~ipvs::kDestOverload;
    // Deleting the cached destination: x is scheduled afresh.
    r.remove(b);
    CHECK(r.pick_name(client(4), 1, x) == "A");
}

TEST_CASE("ipvs::sched lblc: a full sweep every 30 minutes drops entries unused for 24 h", "[ipvs][sched]") {
    using sim::at;
    Rig r("lblc");
    r.add("B", 10, 2);
    Dest& a = r.add("A", 10, 1);
    const Ipv4 x = Ipv4::of(10, 9, 0, 1), y = Ipv4::of(10, 9, 0, 2), z = Ipv4::of(10, 9, 0, 3);
    for (const Ipv4 v : {x, y, z}) CHECK(r.pick_name(client(1), 1, v, at(sim::s(0))) == "A");
    a.activeconns = 5;  // from now on a miss goes to B, a hit stays on A
    // y used again at 23 h: its clock restarts.
    CHECK(r.pick_name(client(1), 1, y, at(sim::hours(23))) == "A");
    // Sweeps run at every 30th tick of the 60 s timer: 23:30 kept z (idle 23.5 h < 24 h).
    CHECK(r.pick_name(client(1), 1, z, at(sim::hours(24) - sim::s(1))) == "A");
    // The 24:00 sweep removes x (idle exactly 24 h); z was touched at 23:59:59, y at 23:00.
    CHECK(r.pick_name(client(1), 1, x, at(sim::hours(24) + sim::s(1))) == "B");
    CHECK(r.pick_name(client(1), 1, y, at(sim::hours(24) + sim::s(1))) == "A");
    // The 48:00 sweep removes z (idle 24 h + 1 s) but keeps y (idle 23:59:59).
    CHECK(r.pick_name(client(1), 1, z, at(sim::hours(48) + sim::minutes(20))) == "B");
    CHECK(r.pick_name(client(1), 1, y, at(sim::hours(48) + sim::minutes(29))) == "A");
}

TEST_CASE("ipvs::sched lblc: over 16384 entries, idle ones go from the rover on until 4/3 of the excess",
          "[ipvs][sched]") {
    using sim::at;
    Rig r("lblc");
    r.add("B", 10, 2);
    Dest& a = r.add("A", 10, 1);
    const uint32_t base = Ipv4::of(10, 1, 0, 0).value();
    const uint32_t n = 16384 + 100;  // goal = 100 * 4 / 3 = 133 entries
    for (uint32_t i = 0; i < n; ++i) REQUIRE(r.pick_name(client(1), 1, Ipv4(base + i)) == "A");
    a.activeconns = 5;  // a miss now goes to B
    auto in_bucket = [&](uint32_t bucket) {
        for (uint32_t i = 0; i < n; ++i)
            if (hash_32(base + i, 10) == bucket) return Ipv4(base + i);
        FAIL("no address in bucket " << bucket);
        return Ipv4();
    };
    // Ticks 1-5 find nothing idle for 6 min. Tick 6 (360 s) walks buckets 1, 2, ... (rover + 1
    // first) removing idle entries (~16 a bucket) until 133 are gone; bucket 0 comes last.
    const auto t = at(sim::minutes(7));
    CHECK(r.pick_name(client(1), 1, in_bucket(1), t) == "B");
    CHECK(r.pick_name(client(1), 1, in_bucket(2), t) == "B");
    CHECK(r.pick_name(client(1), 1, in_bucket(0), t) == "A");
    CHECK(r.pick_name(client(1), 1, in_bucket(500), t) == "A");
    CHECK(r.pick_name(client(1), 1, in_bucket(1023), t) == "A");
}

TEST_CASE("ipvs::sched lblcr: the set grows under load and sheds its most loaded member after 24 h",
          "[ipvs][sched]") {
    using sim::at;
    Rig r("lblcr");
    Dest& c = r.add("C", 10, 3);
    Dest& b = r.add("B", 10, 2);
    Dest& a = r.add("A", 10, 1);  // list order A, B, C
    const Ipv4 x = Ipv4::of(10, 9, 0, 1);
    auto pick = [&](sim::Duration when) { return r.pick_name(client(1), 1, x, at(when)); };
    auto in_set = [&](const Dest& d) { return has(r.figure(d, r.request(client(1), 1, x)), "in_set"); };
    CHECK(pick(sim::s(0)) == "A");  // new set {A}
    CHECK(in_set(a));
    CHECK_FALSE(in_set(b));
    a.activeconns = 11;  // lblc-overloaded (B and C are below half weight)
    c.activeconns = 3;
    CHECK(pick(sim::s(1)) == "B");  // wlc over all adds B: set {B, A}, changed at 1 s
    CHECK(in_set(a));
    CHECK(in_set(b));
    CHECK_FALSE(in_set(c));
    CHECK(pick(sim::s(2)) == "B");  // the set's least loaded
    a.activeconns = 5;
    b.activeconns = 8;
    CHECK(pick(sim::s(3)) == "A");       // 5/10 < 8/10
    CHECK(pick(sim::hours(12)) == "A");  // keeps the entry in use
    // Unchanged for more than 24 h since 1 s: the most loaded member (B) leaves the set.
    CHECK(pick(sim::hours(24) + sim::s(2)) == "A");
    CHECK(in_set(a));
    CHECK_FALSE(in_set(b));
    CHECK(pick(sim::hours(24) + sim::s(3)) == "A");
}

// ---------------------------------------------------------------------------------------------
// twos

TEST_CASE("ipvs::sched twos: draws in proportion to weight, deterministic for a seed", "[ipvs][sched]") {
    SECTION("equal loads: the first draw decides; draws r in [0, 4] give A for 0-1, B for 2-4") {
        Rig r("twos", 0, 7);
        r.add("B", 3, 2);
        r.add("A", 1, 1);
        int as = 0;
        const int n = 20000;
        for (int i = 0; i < n; ++i) as += r.pick_name(client(1)) == "A";
        CHECK(as == Approx(n * 2 / 5).margin(n / 50));
    }
    SECTION("large weights make the share close to proportional") {
        Rig r("twos", 0, 11);
        r.add("B", 300, 2);
        r.add("A", 100, 1);
        int as = 0;
        const int n = 20000;
        for (int i = 0; i < n; ++i) as += r.pick_name(client(1)) == "A";
        CHECK(as == Approx(n * 101 / 401).margin(n / 50));
    }
    SECTION("the less loaded of the two draws wins: A (loaded) only when both draws hit it") {
        Rig r("twos", 0, 13);
        r.add("B", 1, 2);
        Dest& a = r.add("A", 1, 1);
        a.activeconns = 1;
        int as = 0;
        const int n = 20000;
        for (int i = 0; i < n; ++i) as += r.pick_name(client(1)) == "A";
        CHECK(as == Approx(n * 4 / 9).margin(n / 50));  // (2/3)^2
    }
    SECTION("the same seed gives the same sequence") {
        Rig r1("twos", 0, 42), r2("twos", 0, 42), r3("twos", 0, 43);
        for (Rig* r : {&r1, &r2, &r3}) {
            r->add("C", 2, 3);
            r->add("B", 5, 2);
            r->add("A", 1, 1);
        }
        std::string s1, s2, s3;
        for (int i = 0; i < 200; ++i) {
            s1 += r1.pick_name(client(1));
            s2 += r2.pick_name(client(1));
            s3 += r3.pick_name(client(1));
        }
        CHECK(s1 == s2);
        CHECK(s1 != s3);
    }
}

// ---------------------------------------------------------------------------------------------
// Every registered scheduler

TEST_CASE("ipvs::sched: every scheduler named in the spec is registered", "[ipvs][sched]") {
    const auto names = ipvs::SchedulerRegistry::instance().names();
    for (const char* n :
         {"rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh", "lblc", "lblcr", "mh", "fo", "ovf", "twos"})
        CHECK(std::find(names.begin(), names.end(), n) != names.end());
}

namespace {

// Six destinations: two quiesced, two flagged OVERLOAD, two usable.
void conformance_farm(Rig& r) {
    const int32_t weights[] = {0, 3, 0, 1, 2, 5};
    for (uint8_t i = 0; i < 6; ++i) {
        Dest& d = r.add(std::string(1, static_cast<char>('A' + i)), weights[i], static_cast<uint8_t>(i + 1));
        if (i == 1 || i == 5) d.flags |= ipvs::kDestOverload;
    }
    r.changed();
}

}  // namespace

TEST_CASE("ipvs::sched: no scheduler picks weight 0 or OVERLOAD, and equal inputs give equal picks",
          "[ipvs][sched]") {
    const auto names = ipvs::SchedulerRegistry::instance().names();
    const std::string name = GENERATE_COPY(from_range(names));
    const uint32_t flags = GENERATE(0u, ipvs::kSvcSched1 | ipvs::kSvcSched2);
    CAPTURE(name, flags);
    Rig r1(name, flags, 99), r2(name, flags, 99);
    conformance_farm(r1);
    conformance_farm(r2);
    int picked = 0;
    for (uint32_t i = 0; i < 600; ++i) {
        const Ipv4 c = client(i % 97);
        const auto port = static_cast<net::Port>(20000 + i);
        const Ipv4 vip = Ipv4::of(10, 0, 0, static_cast<uint8_t>(100 + i % 13));
        const sim::Time now = sim::at(sim::s(i * 7));
        Dest* d1 = r1.pick(c, port, vip, now);
        Dest* d2 = r2.pick(c, port, vip, now);
        if (d1 == nullptr) {
            CHECK(d2 == nullptr);
        } else {
            ++picked;
            CHECK(d1->weight > 0);
            CHECK_FALSE(d1->overloaded());
            REQUIRE(d2 != nullptr);
            CHECK(d1->name == d2->name);
            // Load builds up (and drains) so that thresholds in ovf, lblc, nq... come into play.
            ++d1->activeconns;
            ++d2->activeconns;
        }
        if (i % 5 == 4) {
            for (Rig* r : {&r1, &r2}) {
                for (Dest* d : r->svc.dests) {
                    if (d->activeconns == 0) continue;
                    --d->activeconns;
                    ++d->inactconns;
                }
            }
        }
        std::vector<ipvs::Considered> why;
        r1.svc.scheduler->explain(r1.svc, r1.request(c, port, vip, now), why);
        CHECK(why.size() == r1.svc.dests.size());
    }
    // Every scheduler finds the usable destinations for some requests; with the fallback flag
    // only dh (no fallback) and ovf (both usable ones full) may refuse.
    CHECK(picked > 0);
    if (flags != 0 && name != "dh" && name != "ovf") CHECK(picked == 600);
}
