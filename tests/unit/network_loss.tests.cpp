// Lossy links: independent loss per segment, Gilbert-Elliott bursts (netem's gemodel), loss
// inside a train, deterministic drop rules, and the per-link counters.
#include <catch2/catch.hpp>

#include "support/tcp_harness.hpp"

using namespace lvs;
using namespace lvs::testing;

namespace {

struct LossyPair {
    Simulator sim{11};
    net::Network net{sim};
    RawPeer a{net, "a", Ipv4::of(10, 0, 0, 1)};
    RawPeer b{net, "b", Ipv4::of(10, 0, 0, 2)};
    explicit LossyPair(const net::LinkSpec& spec) { net.add_link(a.node, b.node, spec); }
    net::Packet segment(uint32_t seq, uint32_t len = 100, uint8_t segs = 1) const {
        net::Packet p;
        p.saddr = Ipv4::of(10, 0, 0, 1).value();
        p.daddr = Ipv4::of(10, 0, 0, 2).value();
        p.sport = 1000;
        p.dport = 80;
        p.seq = seq;
        p.len = len;
        p.segs = segs;
        p.flags = net::tcpflag::kAck;
        return p;
    }
};

}  // namespace

SCENARIO("Gilbert-Elliott loss: bursts as long as 1/r, a long-run rate of p/(p+r)", "[net][loss]") {
    net::LinkSpec spec{us(10), 1'000'000'000, 0.0, {0.01, 0.25, 1.0, 0.0}, {}};
    LossyPair t(spec);
    const uint32_t n = 200'000;
    for (uint32_t i = 0; i < n; ++i) {
        t.a.inject(t.segment(i));
        t.sim.run_until(t.sim.now() + us(2));
    }
    t.sim.run_until(t.sim.now() + ms(1));
    std::vector<bool> got(n, false);
    for (const net::Packet& p : t.b.got) got[p.seq] = true;
    uint64_t lost = 0, bursts = 0;
    for (uint32_t i = 0; i < n; ++i) {
        if (got[i]) continue;
        ++lost;
        if (i == 0 || got[i - 1]) ++bursts;
    }
    const double rate = double(lost) / n;
    CHECK(rate == Approx(0.01 / 0.26).epsilon(0.1));                   // 3.8 %
    CHECK(double(lost) / double(bursts) == Approx(4.0).epsilon(0.1));  // mean burst 1/r
    CHECK(t.net.link_stats()[0][0].lost == lost);
    CHECK(t.net.link_stats()[0][0].frames == n);
}

SCENARIO("loss inside a train: the survivors arrive as trains of their own", "[net][loss]") {
    LossyPair t(net::LinkSpec{us(10), 1'000'000'000, 0.0, {}, {}});
    // Drop the 3rd segment of an 8-segment train going to b.
    t.net.add_drop_rule({t.b.node, true, 0, 3, 0, "test"});
    t.a.inject(t.segment(1000, 8 * net::kMss, 8));
    t.sim.run_until(at(ms(5)));
    REQUIRE(t.b.got.size() == 2);
    CHECK(t.b.got[0].seq == 1000);
    CHECK(t.b.got[0].len == 2 * net::kMss);
    CHECK(t.b.got[0].segs == 2);
    CHECK(t.b.got[1].seq == 1000 + 3 * net::kMss);
    CHECK(t.b.got[1].len == 5 * net::kMss);
    CHECK(t.b.got[1].segs == 5);
    CHECK(t.b.at[0] < t.b.at[1]);  // the first run's last segment arrives first
    CHECK(t.net.link_stats()[0][0].dropped == 1);
    THEN("a rule fires once") {
        t.a.inject(t.segment(50000, 8 * net::kMss, 8));
        t.sim.run_until(at(ms(10)));
        CHECK(t.b.got.size() == 3);
        CHECK(t.b.got[2].segs == 8);
    }
}

SCENARIO("independent loss draws per segment: an 8-segment train loses about 8 times as often as one segment",
         "[net][loss]") {
    LossyPair t(net::LinkSpec{us(10), 1'000'000'000, 0.01, {}, {}});
    const uint32_t trains = 20'000;
    for (uint32_t i = 0; i < trains; ++i) {
        t.a.inject(t.segment(i * 8 * net::kMss, 8 * net::kMss, 8));
        t.sim.run_until(t.sim.now() + us(200));
    }
    t.sim.run_until(t.sim.now() + ms(1));
    uint64_t bytes = 0;
    for (const net::Packet& p : t.b.got) bytes += p.len;
    const double seg_loss = 1.0 - double(bytes) / double(uint64_t{trains} * 8 * net::kMss);
    CHECK(seg_loss == Approx(0.01).epsilon(0.1));
}

SCENARIO("a drop-tail queue: a train larger than the queue loses its tail, occupancy follows the backlog",
         "[net][queue]") {
    GIVEN("a 10-packet queue on a 10 Mbit/s link") {
        net::LinkSpec spec{us(10), 10'000'000, 0.0, {}, {10, 0}};
        LossyPair t(spec);
        // 30 segments at once: ten fit (the one being serialised counts), twenty find it full.
        t.a.inject(t.segment(0, 30 * net::kMss, 30));
        const net::QueueOccupancy q = t.net.queue_occupancy(0, 0);
        CHECK(q.packets == 10);
        CHECK(q.bytes == Approx(10 * (net::kMss + net::kHeaderBytes)).epsilon(0.01));
        CHECK(q.delay.seconds() == Approx(10 * 1514 * 8 / 10e6).epsilon(0.01));  // 12.1 ms
        t.sim.run_until(at(s(1)));
        CHECK(t.net.link_stats()[0][0].queue_drops == 20);
        uint64_t bytes = 0;
        for (const net::Packet& p : t.b.got) bytes += p.len;
        CHECK(bytes == 10 * net::kMss);
        CHECK(t.net.queue_occupancy(0, 0).packets == 0);
    }
    GIVEN("a queue in bytes (15 kB on the same link)") {
        net::LinkSpec spec{us(10), 10'000'000, 0.0, {}, {0, 15'000}};
        LossyPair t(spec);
        t.a.inject(t.segment(0, 30 * net::kMss, 30));
        t.sim.run_until(at(s(1)));
        // 15000 / 1514: nine full frames fit.
        CHECK(t.net.link_stats()[0][0].queue_drops == 21);
    }
}

SCENARIO("a shared link serves packets in arrival order, not in the order their paths were booked",
         "[net][queue]") {
    // A far host's packet sent first books the shared link (switch -> b) for when it gets
    // there, 20 ms later; a near host's packet sent a moment after reaches that link long
    // before and must not wait behind the booking (the director's LAN port, which carries
    // both clients' ACKs from the Internet and realservers' data from the LAN).
    Simulator sim{1};
    net::Network net{sim};
    RawPeer far{net, "far", Ipv4::of(10, 0, 0, 1)};
    RawPeer near{net, "near", Ipv4::of(10, 0, 0, 2)};
    RawPeer b{net, "b", Ipv4::of(10, 0, 0, 3)};
    const auto sw = net.add_node("switch", net::NodeKind::Switch);
    net.add_link(far.node, sw, {ms(20), 100'000'000, 0.0, {}, {}});
    net.add_link(near.node, sw, {us(50), 1'000'000'000, 0.0, {}, {}});
    net.add_link(sw, b.node, {us(50), 1'000'000'000, 0.0, {}, {}});
    net.finalize();
    auto packet = [](Ipv4 from, uint32_t len) {
        net::Packet p;
        p.saddr = from.value();
        p.daddr = Ipv4::of(10, 0, 0, 3).value();
        p.sport = 1000;
        p.dport = 80;
        p.len = len;
        p.flags = net::tcpflag::kAck;
        return p;
    };
    far.inject(packet(Ipv4::of(10, 0, 0, 1), 0));
    sim.run_until(at(ms(1)));
    near.inject(packet(Ipv4::of(10, 0, 0, 2), net::kMss));
    sim.run_until(at(s(1)));
    REQUIRE(b.got.size() == 2);
    CHECK(b.got[0].saddr == Ipv4::of(10, 0, 0, 2).value());
    CHECK(b.at[0] < at(ms(2)));  // 1 ms + two 50 us hops + two 12 us serialisations
    CHECK(b.at[1] > at(ms(20)));
}
