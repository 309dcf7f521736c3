// Loss recovery, one dropped segment at a time: which Linux mechanism repairs it and when.
//
// An 8-segment response (11,680 bytes, inside the initial window of 10) crosses a 20 ms
// round trip at 100 Mbit/s; a drop rule removes one of its segments on the client's link.
// Each case names, step by step, the kernel function that acts (net/ipv4/tcp_input.c,
// tcp_recovery.c, tcp_output.c, tcp_timer.c) and checks the mechanism's counter and its time.
#include <catch2/catch.hpp>

#include "models/tcp/tcp_stack.hpp"
#include "support/tcp_harness.hpp"

using namespace lvs;
using namespace lvs::testing;

namespace {

constexpr uint32_t kSegs = 8;

// Every transmission, as a capture at the sender would show it.
struct WireLog : net::PacketTap {
    struct Row {
        Time at;
        net::NodeId from;
        net::Packet p;
    };
    std::vector<Row> rows;
    Simulator& sim;
    explicit WireLog(Simulator& s) : sim(s) {}
    void on_transmit(const net::Packet& p, net::NodeId from, net::NodeId, Time, Duration, Time) override {
        rows.push_back({sim.now(), from, p});
    }
};

struct DropCase {
    Time request_sent;
    Time response_sent;  // the server's first transmission of the response
    Time retransmitted;  // the server's first retransmission
    Time completed;      // the client has the whole response
    tcp::RetransmitCounts by;
    uint64_t recoveries = 0, timeouts = 0, loss_probes = 0;
    uint32_t dupacks = 0;  // pure ACKs from the client between the response and the repair
    uint32_t sacked_dupacks = 0;
    Duration srtt;
    uint32_t min_rtt_us = 0;
};

// Drops the nth data segment toward the client (0: none) and records the repair.
DropCase run_drop(uint32_t nth, const tcp::TcpProfile& prof = tcp::linux6_profile()) {
    TwoHosts h(ms(20), prof);
    WireLog wire(h.sim);
    h.net.add_tap(&wire);
    ClientServer c(h, kSegs * net::kMss);
    RecordingApp &server_app = c.server_app, &client_app = c.client_app;
    REQUIRE(client_app.conn != nullptr);
    if (nth != 0) h.net.add_drop_rule({h.client.node(), true, 0, nth, 0, "test"});
    DropCase r;
    r.request_sent = h.sim.now();
    c.request();
    uint32_t want = kSegs * net::kMss;
    h.sim.run_until(at(s(3)));
    h.net.remove_tap(&wire);
    REQUIRE(client_app.bytes == want);
    const tcp::TcpCounters& k = h.server.tcp().counters();
    r.by = k.retransmits_by;
    r.recoveries = k.recoveries;
    r.timeouts = k.timeouts;
    r.loss_probes = k.loss_probes;
    r.retransmitted = k.retransmit_at.first;
    r.completed = client_app.times.back();
    r.srtt = server_app.conn->srtt();
    for (const auto& row : wire.rows) {
        if (row.from == h.server.node() && row.p.len > 0 && r.response_sent == Time{})
            r.response_sent = row.at;
        if (row.from == h.client.node() && row.p.len == 0 && !row.p.syn() && row.at > r.response_sent &&
            r.response_sent != Time{} && (r.retransmitted == Time{} || row.at <= r.retransmitted)) {
            ++r.dupacks;
            if (row.p.has_sack()) ++r.sacked_dupacks;
        }
    }
    return r;
}

double ms_between(Time a, Time b) { return (b - a).seconds() * 1000.0; }

}  // namespace

SCENARIO("one lost segment of an 8-segment response: the mechanism that repairs it, and when",
         "[tcp][recovery]") {
    const DropCase clean = run_drop(0);
    REQUIRE(clean.by.total() == 0);
    const double rtt_ms = 20.0;
    const double clean_ms = ms_between(clean.request_sent, clean.completed);

    GIVEN("the first segment is lost") {
        const DropCase r = run_drop(1);
        THEN(
            "tcp_data_queue_ofo() queues segments 2-8 and __tcp_ack_snd_check() sends a SACK "
            "duplicate ACK for each of the first three at once (then compresses the rest)") {
            CHECK(r.sacked_dupacks >= 3);
        }
        THEN(
            "at the third, sacked_out reaches tp->reordering: tcp_rack_reo_wnd() is 0 (the "
            "DUPTHRESH shortcut), tcp_rack_detect_loss() marks segment 1 lost, "
            "tcp_enter_recovery() and tcp_xmit_retransmit_queue() retransmit it at once") {
            CHECK(r.by.dupack == 1);
            CHECK(r.by.rack + r.by.tlp + r.by.rto == 0);
            CHECK(r.recoveries == 1);
            // One round trip after the response left, plus the train's serialisation.
            CHECK(ms_between(r.response_sent, r.retransmitted) == Approx(rtt_ms).margin(2.0));
            CHECK(ms_between(r.request_sent, r.completed) == Approx(clean_ms + rtt_ms).margin(2.0));
        }
    }
    GIVEN("a middle segment (the 4th) is lost") {
        const DropCase r = run_drop(4);
        THEN(
            "segments 5-8 arrive out of order: three SACKed duplicate ACKs, the same fast "
            "retransmit (tcp_rack_detect_loss() with reo_wnd 0, tcp_enter_recovery())") {
            CHECK(r.sacked_dupacks >= 3);
            CHECK(r.by.dupack == 1);
            CHECK(r.by.rack + r.by.tlp + r.by.rto == 0);
            CHECK(ms_between(r.response_sent, r.retransmitted) == Approx(rtt_ms).margin(2.0));
        }
    }
    GIVEN("the second-to-last segment is lost") {
        const DropCase r = run_drop(kSegs - 1);
        THEN(
            "one SACKed duplicate ACK (segment 8): sacked_out 1 < 3, so tcp_rack_reo_wnd() is "
            "min_rtt/4; tcp_rack_mark_lost() arms the reordering timer (+2 ms), and "
            "tcp_rack_reo_timeout() marks segment 7 lost and retransmits it") {
            CHECK(r.sacked_dupacks >= 1);
            CHECK(r.by.rack == 1);
            CHECK(r.by.dupack + r.by.tlp + r.by.rto == 0);
            CHECK(r.recoveries == 1);
            // The duplicate ACK arrives one RTT after the response; the timer waits the
            // reordering window (5 ms for a 20 ms min_rtt) plus 2 ms, in jiffies (HZ 250).
            const double wait = ms_between(r.response_sent, r.retransmitted) - rtt_ms;
            CHECK(wait >= rtt_ms / 4);
            CHECK(wait <= rtt_ms / 4 + 2.0 + 8.0 + 1.0);
        }
    }
    GIVEN("the last segment is lost") {
        const DropCase r = run_drop(kSegs);
        THEN(
            "no duplicate ACK comes (segments 1-7 are in order); tcp_schedule_loss_probe() armed "
            "the probe for 2 SRTT + TCP_RTO_MIN (one segment out), capped by the RTO; "
            "tcp_send_loss_probe() retransmits segment 8, which completes the response") {
            CHECK(r.sacked_dupacks == 0);
            CHECK(r.by.tlp == 1);
            CHECK(r.by.dupack + r.by.rack + r.by.rto == 0);
            CHECK(r.loss_probes == 1);
            CHECK(r.timeouts == 0);
            const double wait = ms_between(r.response_sent, r.retransmitted) - rtt_ms;
            CHECK(wait >= 200.0);  // the RTO (srtt + max(4 rttvar, 200 ms)) caps 2 SRTT + 200 ms
            CHECK(wait <= 245.0);
        }
    }
}

SCENARIO("without SACK (tcp_sack = 0) three plain duplicate ACKs still trigger the fast retransmit",
         "[tcp][recovery]") {
    tcp::TcpProfile prof = tcp::linux6_profile();
    prof.sysctl.tcp_sack = 0;
    const DropCase r = run_drop(2, prof);
    // tcp_add_reno_sack() counts each duplicate ACK; tcp_newreno_mark_lost() marks the head
    // lost at the third.
    CHECK(r.sacked_dupacks == 0);
    CHECK(r.dupacks >= 3);
    CHECK(r.by.dupack == 1);
    CHECK(ms_between(r.response_sent, r.retransmitted) == Approx(20.0).margin(2.0));
}

SCENARIO("repeated timeouts of one episode keep the first timeout's ssthresh (tcp_enter_loss())",
         "[tcp][recovery]") {
    tcp::TcpProfile prof = linux6_with(tcp::CongestionControl::Cubic);
    prof.sysctl.tcp_slow_start_after_idle = 0;  // keep the grown window across the pauses
    TwoHosts h(ms(20), prof);
    ClientServer c(h, 200'000);
    // Grow the window with a few responses, then silence the client for three seconds while a
    // response is in flight: the server times out again and again.
    for (int i = 0; i < 3; ++i) {
        c.request();
        h.sim.run_until(h.sim.now() + s(1));
    }
    const uint32_t cwnd_before = c.server_app.conn->cwnd();
    REQUIRE(cwnd_before > 40);
    c.request();
    h.sim.run_until(h.sim.now() + ms(15));  // the request is there, the response on its way
    h.client.tcp().set_down(true);
    h.sim.run_until(h.sim.now() + s(3));
    h.client.tcp().set_down(false);
    const tcp::TcpCounters& k = h.server.tcp().counters();
    REQUIRE(k.timeouts >= 3);
    const uint32_t ssthresh = c.server_app.conn->info().ssthresh;
    // Only the first timeout reduces: ssthresh is 0.7 of the window before it, not 2.
    CHECK(ssthresh == std::max<uint32_t>(cwnd_before * 717 / 1024, 2));
    h.sim.run_until(h.sim.now() + s(10));
    CHECK(c.client_app.bytes == 4 * 200'000);
}

SCENARIO("timer changes within one segment's or one write's processing reach the simulator once",
         "[tcp][timer]") {
    // Within one segment's processing a connection may arm its delayed ACK and then send the
    // ACK with data, or clear the retransmit slot and arm it again: applied one by one, each
    // change would queue a wakeup and the next cancel it (TimerBatch applies them once).
    TwoHosts h(ms(20));
    ClientServer c(h, 10'000);
    REQUIRE(c.client_app.conn != nullptr);
    const uint64_t scheduled = h.sim.events_scheduled(),
                   executed = h.sim.events_executed() + h.sim.idle_wakeups();
    const size_t pending = h.sim.events_pending();
    for (int i = 0; i < 3; ++i) {
        c.request();
        h.sim.run_until(h.sim.now() + ms(100));
    }
    REQUIRE(c.client_app.bytes == 30'000);
    const uint64_t queued = h.sim.events_scheduled() - scheduled;
    const uint64_t ran = h.sim.events_executed() + h.sim.idle_wakeups() - executed;
    const uint64_t cancelled = queued - ran - (h.sim.events_pending() - pending);
    UNSCOPED_INFO("wakeups and arrivals queued " << queued << ", run " << ran);
    // Three keep-alive exchanges of 7 segments each: the only wakeups cancelled are each side's
    // timer, disarmed once an exchange when everything it sent is acknowledged (8 before the
    // batch).
    CHECK(cancelled == 2 * 3);
}
