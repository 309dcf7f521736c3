// Congestion control: Reno's long-run throughput against the Mathis et al. approximation,
// CUBIC's decrease and recovery after a loss and HyStart's early exit, BBR's modes and the
// queue it keeps, and the restart after idle for each.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "models/tcp/tcp_stack.hpp"
#include "support/tcp_harness.hpp"

using namespace lvs;
using namespace lvs::testing;
using tcp::CongestionControl;

namespace {

// A client and a server joined through a router. The client's link is the bottleneck: it
// carries `bps`, loses `loss` of the frames in each direction and queues `queue` packets (0:
// unlimited); the server's link is ten times faster, lossless and unqueued.
struct Bottleneck {
    Simulator sim;
    net::Network net{sim};
    net::Host client, server;
    RecordingApp server_app, client_app;

    Bottleneck(CongestionControl cc, Duration rtt, uint64_t bps, double loss, uint32_t queue,
               uint64_t seed = 1)
        : Bottleneck(linux6_with(cc), rtt, bps, loss, queue, seed) {}
    Bottleneck(const tcp::TcpProfile& profile, Duration rtt, uint64_t bps, double loss, uint32_t queue,
               uint64_t seed = 1)
        : sim(seed), client(net, "client", profile), server(net, "server", profile) {
        client.add_address(Ipv4::of(10, 0, 0, 1));
        server.add_address(Ipv4::of(10, 0, 0, 2));
        const auto router = net.add_node("router", net::NodeKind::Router);
        net.add_link(client.node(), router, {rtt / 4, bps, loss, {}, {queue, 0}});
        net.add_link(router, server.node(), {rtt / 4, bps * 10, 0.0, {}, {}});
        net.finalize();
        server_app.sim = client_app.sim = &sim;
        server.tcp().listen({Ipv4(), 80}, 128, &server_app);
        client.tcp().connect(Ipv4::of(10, 0, 0, 1), {Ipv4::of(10, 0, 0, 2), 80}, &client_app, 0);
        sim.run_until(at(s(1)));
    }
    // The client asks for one response of `bytes`.
    void download(uint32_t bytes) {
        server_app.reply_bytes = bytes;
        net::AppMessage req;
        req.bytes = 300;
        client_app.conn->send(req);
    }
    // Queueing delay at the bottleneck toward the client (link 0, direction router -> client),
    // sampled every 10 ms until `until`; the mean in seconds.
    double mean_queue_delay(Time until) {
        double sum = 0;
        int n = 0;
        while (sim.now() < until) {
            sim.run_until(sim.now() + ms(10));
            sum += net.queue_occupancy(0, 1).delay.seconds();
            ++n;
        }
        return n == 0 ? 0 : sum / n;
    }
    uint64_t queue_drops() const { return net.link_stats()[0][1].queue_drops; }
    tcp::TcpConn& sender() { return *server_app.conn; }
};

// Bytes per second delivered to the client between `from` and `to` after the request.
double goodput(Bottleneck& b, Duration from, Duration to) {
    const Time t0 = b.sim.now();
    b.sim.run_until(t0 + from);
    const uint32_t before = b.client_app.bytes;
    b.sim.run_until(t0 + to);
    return (b.client_app.bytes - before) / (to - from).seconds();
}

// The sender's congestion window changes (tcp.cwnd) and other records of one kind.
struct Records {
    RecorderSink rec;
    explicit Records(Simulator& sim) { sim.trace().subscribe(rec); }
    std::vector<const sim::TraceRecord*> of(std::string_view kind, std::string_view entity = "server") const {
        std::vector<const sim::TraceRecord*> out;
        for (const auto& r : rec.records())
            if (r.kind == kind && r.entity_name == entity) out.push_back(&r);
        return out;
    }
};

}  // namespace

SCENARIO("Reno's long-run throughput follows Mathis et al.: MSS/RTT x 1.22/sqrt(p)", "[tcp][cc][mathis]") {
    // Mathis, Semke, Mahdavi, Ott, "The macroscopic behavior of the TCP congestion avoidance
    // algorithm" (CCR 27(3), 1997), with one ACK per segment (Linux's quick ACKs and per-ACK
    // window growth; with delayed ACKs the constant would be 0.87). The formula assumes
    // periodic loss and no timeouts; random loss makes cycles irregular and, at a few per cent,
    // timeouts take a share. Over 0.1 % to 2 % the measured Reno goodput stays within 0.7 to
    // 1.4 times the formula on a 1 Gbit/s, 40 ms path that never fills (the loss alone limits).
    const double mss = net::kMss;  // 1460: lvsim's segments carry no timestamp option
    const double rtt = 0.040;
    for (const double p : {0.001, 0.003, 0.01, 0.02}) {
        CAPTURE(p);
        Bottleneck b(CongestionControl::Reno, ms(40), 1'000'000'000, p, 0, 7);
        b.download(1'000'000'000u);
        const double measured = goodput(b, s(5), s(65));
        const double mathis = mss / rtt * 1.22 / std::sqrt(p);
        CAPTURE(measured, mathis, measured / mathis);
        CHECK(measured / mathis > 0.7);
        CHECK(measured / mathis < 1.4);
    }
}

SCENARIO("CUBIC keeps 717/1024 of the window at a loss and regains W_max about K seconds later",
         "[tcp][cc][cubic]") {
    // tcp_cubic.c: bictcp_recalc_ssthresh() returns cwnd x beta / 1024 (beta 717) and remembers
    // W_max = cwnd (a first loss: fast convergence needs an earlier W_max); bictcp_update() then
    // follows W(t) = 0.4 (t - K)^3 + W_max from the first ACK after recovery, with
    // K = cbrt((W_max - cwnd) / 0.4) = cbrt(W_max x 0.3 / 0.4) seconds, so the window is back at
    // W_max about K after the decrease. One data segment is dropped on a 100 Mbit/s, 40 ms path
    // whose 1000-packet queue has room to spare, so that loss is the only one for a while.
    Bottleneck b(CongestionControl::Cubic, ms(40), 100'000'000, 0.0, 1000);
    b.net.add_drop_rule({b.client.node(), true, 0, 20'000, 0, "the 20000th data segment"});
    Records r(b.sim);
    b.download(1'000'000'000u);
    b.sim.run_until(b.sim.now() + s(20));
    const auto recoveries = r.of("tcp.recovery");
    REQUIRE_FALSE(recoveries.empty());
    const sim::TraceRecord& loss = *recoveries[0];
    // The window when the loss was detected: the last change recorded before it.
    int64_t w_max = 0;
    for (const auto* c : r.of("tcp.cwnd"))
        if (c->time < loss.time) w_max = c->get_int("cwnd");
    CAPTURE(w_max, loss.get_int("ssthresh"));
    CHECK(w_max > 300);
    CHECK(loss.get_int("ssthresh") == w_max * 717 / 1024);
    // Then the window follows the cubic: at K/2 it is 0.4 (K/2)^3 below W_max (48 segments
    // here), at K back at W_max, on the plateau in between.
    const double k = std::cbrt(static_cast<double>(w_max) * 0.3 / 0.4);
    REQUIRE((recoveries.size() == 1 || recoveries[1]->time > loss.time + ms(std::llround(k * 1000) + 500)));
    auto cwnd_at = [&](double after) {
        int64_t w = 0;
        for (const auto* c : r.of("tcp.cwnd"))
            if (c->time <= loss.time + ms(std::llround(after * 1000))) w = c->get_int("cwnd");
        return static_cast<double>(w);
    };
    const double half = static_cast<double>(w_max) - 0.4 * std::pow(k / 2, 3);
    CAPTURE(k, half, cwnd_at(k / 2), cwnd_at(k));
    CHECK(std::abs(cwnd_at(k / 2) - half) < 0.01 * w_max);
    CHECK(std::abs(cwnd_at(k) - w_max) < 0.005 * w_max);
}

SCENARIO("HyStart leaves slow start before a deep queue overflows; Reno's slow start overflows it",
         "[tcp][cc][cubic][hystart]") {
    // tcp_cubic.c hystart_update(): slow start ends when the round's minimum RTT has grown by
    // delay_min / 8 (clamped to 4..16 ms), i.e. once ~5 ms of queue has built on a 40 ms path.
    // Reno doubles until the 1000-packet queue overflows (BDP 333 packets).
    auto first_ssthresh = [](const Records& r) -> const sim::TraceRecord* {
        for (const auto* c : r.of("tcp.cwnd"))
            if (c->get_int("ssthresh") != -1) return c;
        return nullptr;
    };
    Bottleneck cubic(CongestionControl::Cubic, ms(40), 100'000'000, 0.0, 1000);
    Records rc(cubic.sim);
    cubic.download(100'000'000u);
    cubic.sim.run_until(cubic.sim.now() + s(1));
    const auto* exit = first_ssthresh(rc);
    REQUIRE(exit != nullptr);
    CAPTURE(exit->get_int("cwnd"), exit->get_int("ssthresh"));
    CHECK(rc.of("tcp.recovery").empty());
    CHECK(cubic.queue_drops() == 0);
    CHECK(exit->get_int("ssthresh") > 250);  // it left near the path's BDP (333 packets)
    CHECK(exit->get_int("ssthresh") < 400);

    Bottleneck reno(CongestionControl::Reno, ms(40), 100'000'000, 0.0, 1000);
    Records rr(reno.sim);
    reno.download(100'000'000u);
    reno.sim.run_until(reno.sim.now() + s(1));
    CHECK(reno.queue_drops() > 100);
    REQUIRE_FALSE(rr.of("tcp.recovery").empty());
}

SCENARIO(
    "BBR goes through startup, drain and probe_bw, probes the RTT after 10 s, and measures the bottleneck",
    "[tcp][cc][bbr]") {
    // tcp_bbr.c: startup (gain 2/ln2) until the bandwidth stops growing by 25 % for three
    // rounds, drain until inflight is down to the BDP, probe_bw's gain cycle; when no RTT
    // sample has lowered min_rtt for 10 s (bbr_min_rtt_win_sec), probe_rtt holds cwnd at 4
    // packets (bbr_cwnd_min_target) for at least 200 ms and one round.
    Bottleneck b(CongestionControl::Bbr, ms(40), 100'000'000, 0.0, 200);
    Records r(b.sim);
    b.download(1'000'000'000u);
    b.sim.run_until(at(s(12)));
    const auto modes = r.of("tcp.bbr");
    REQUIRE(modes.size() >= 4);
    CHECK(modes[0]->get_text("mode") == "drain");  // leaving startup
    CHECK(modes[1]->get_text("mode") == "probe_bw");
    // The first RTT sample (the handshake, ~40 ms after the start) expires 10 s later.
    CHECK(modes[2]->get_text("mode") == "probe_rtt");
    CHECK(modes[2]->get_int("cwnd") == 4);
    CHECK(modes[2]->time > at(s(10)));
    CHECK(modes[2]->time < at(ms(10'300)));
    CHECK(modes[3]->get_text("mode") == "probe_bw");
    const double held = (modes[3]->time - modes[2]->time).seconds();
    CAPTURE(held);
    CHECK(held > 0.2);
    CHECK(held < 0.5);
    // The estimate once in probe_bw: the bottleneck's payload rate (1448 of each 1500-byte
    // frame's bits plus framing), within 10 %.
    const double bw = static_cast<double>(modes[1]->get_int("bw_bps"));
    CAPTURE(bw);
    CHECK(bw > 0.85e8);
    CHECK(bw < 1.0e8);
    CHECK(modes[1]->get_int("min_rtt_us") >= 40'000);
    CHECK(modes[1]->get_int("min_rtt_us") < 42'000);
}

SCENARIO("Through a deep queue CUBIC fills the buffer while BBR keeps it nearly empty",
         "[tcp][cc][bbr][cubic]") {
    // The bufferbloat picture: a loss-based sender grows until the 1000-packet queue (120 ms at
    // 100 Mbit/s) overflows; BBR paces at its bandwidth estimate and caps inflight at 2 BDP.
    auto run = [](CongestionControl cc) {
        Bottleneck b(cc, ms(40), 100'000'000, 0.0, 1000);
        b.download(1'000'000'000u);
        b.sim.run_until(b.sim.now() + s(10));
        return b.mean_queue_delay(b.sim.now() + s(20));
    };
    const double cubic = run(CongestionControl::Cubic);
    const double bbr = run(CongestionControl::Bbr);
    CAPTURE(cubic, bbr);
    CHECK(cubic > 0.030);
    CHECK(bbr < 0.025);
    CHECK(cubic > 2 * bbr);
}

SCENARIO("Through a shallow queue BBR keeps its rate where CUBIC backs off, at the price of drops",
         "[tcp][cc][bbr][cubic]") {
    // A 50-packet queue is 15 % of the 333-packet BDP: every CUBIC loss cuts the window by 30 %
    // and the queue cannot cover the gap; BBR v1 ignores loss, keeps sending at its estimate
    // and overflows the queue in each probing phase (BBR v1's known cost in shallow buffers).
    struct Result {
        double goodput;
        uint64_t drops;
    };
    auto run = [](CongestionControl cc) {
        Bottleneck b(cc, ms(40), 100'000'000, 0.0, 50);
        b.download(1'000'000'000u);
        b.sim.run_until(b.sim.now() + s(5));
        const uint64_t d0 = b.queue_drops();
        const double g = goodput(b, s(0), s(20));
        return Result{g * 8, b.queue_drops() - d0};
    };
    const Result cubic = run(CongestionControl::Cubic);
    const Result bbr = run(CongestionControl::Bbr);
    CAPTURE(cubic.goodput, cubic.drops, bbr.goodput, bbr.drops);
    CHECK(bbr.goodput > 1.05 * cubic.goodput);
    CHECK(bbr.goodput > 85e6);
    CHECK(cubic.goodput > 60e6);
    CHECK(bbr.drops > 10 * cubic.drops);
}

SCENARIO("after idle, cwnd halves once per RTO of idle time down to the restart window (tcp_cwnd_restart)",
         "[tcp][cc][idle]") {
    // tcp_slow_start_after_idle_check(): nothing in flight and idle longer than the RTO ->
    // tcp_cwnd_restart(): while ((delta -= rto) > 0 && cwnd > restart) cwnd >>= 1, with the
    // restart window min(TCP_INIT_CWND, cwnd). Below one RTO nothing happens;
    // tcp_slow_start_after_idle=0 turns it off.
    struct Case {
        int64_t idle_ms;
        bool restart_on;
    };
    for (const Case c :
         {Case{100, true}, Case{300, true}, Case{700, true}, Case{5000, true}, Case{5000, false}}) {
        CAPTURE(c.idle_ms, c.restart_on);
        tcp::TcpProfile prof = linux6_with(CongestionControl::Reno);
        prof.sysctl.tcp_slow_start_after_idle = c.restart_on ? 1 : 0;
        Bottleneck b(prof, ms(20), 100'000'000, 0.0, 0);
        b.download(500'000);
        // Until the last ACK is in: the window the server will go idle with.
        while (b.client_app.bytes < 500'000 || b.sender().info().unacked != 0)
            b.sim.run_until(b.sim.now() + ms(1));
        const uint32_t grown = b.sender().cwnd();
        const sim::Duration rto = b.sender().rto();
        REQUIRE(grown > 80);
        // Idle, measured from the server's last send (lsndtime), then the next response.
        b.sim.run_until(b.sim.now() - b.sender().info().since_send + ms(c.idle_ms));
        Records r(b.sim);
        b.download(500'000);
        b.sim.run_until(b.sim.now() + s(2));
        uint32_t expected = grown;
        if (c.restart_on) {
            // The idle the server sees: until the request arrives (half a round trip later).
            int64_t delta = ms(c.idle_ms + 10).ns();
            while ((delta -= rto.ns()) > 0 && expected > 10) expected >>= 1;
            expected = std::max(expected, 10u);
        }
        const auto changes = r.of("tcp.cwnd");
        REQUIRE_FALSE(changes.empty());
        CAPTURE(grown, rto.seconds(), expected, changes[0]->get_int("cwnd"));
        if (expected == grown) CHECK(changes[0]->get_int("cwnd") > grown);  // only growth
        else CHECK(changes[0]->get_int("cwnd") == expected);
    }
}
