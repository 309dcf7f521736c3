// Linux TCP behaviour the lessons depend on, checked against ../shared/spec (section 8) and
// the measurements in linux-tcp-observed.md.
#include <catch2/catch.hpp>
#include <optional>

#include "support/tcp_harness.hpp"

using namespace lvs;
using namespace lvs::testing;
using tcp::SocketError;
using tcp::TcpState;

namespace {

std::vector<double> syn_times(const RawPeer& peer) {
    std::vector<double> t;
    for (size_t i = 0; i < peer.got.size(); ++i)
        if (peer.got[i].syn()) t.push_back(peer.at[i].seconds());
    return t;
}

// A host talking to a raw peer that never answers (a black hole that still records).
struct BlackHole {
    Simulator sim;
    net::Network net{sim};
    net::Host host;
    RawPeer peer{net, "hole", Ipv4::of(10, 0, 0, 2)};
    RecordingApp app;
    explicit BlackHole(const tcp::TcpProfile& prof, uint64_t seed = 9) : sim(seed), host(net, "host", prof) {
        host.add_address(Ipv4::of(10, 0, 0, 1));
        net.add_link(host.node(), peer.node, {us(10), 1'000'000'000, 0, {}, {}});
        app.sim = &sim;
    }
};

}  // namespace

// SYN times and the connect() failure of a host with jiffies phase `pin` (or one drawn from `seed`).
struct SynRun {
    std::vector<double> syns;
    double failed = -1;
};
SynRun syn_black_hole(const tcp::TcpProfile& base, std::optional<tcp::Jiffies> pin, uint64_t seed = 9) {
    tcp::TcpProfile prof = base;
    prof.jiffies_at_start = pin;
    BlackHole b(prof, seed);
    b.host.tcp().connect(Ipv4::of(10, 0, 0, 1), {Ipv4::of(10, 0, 0, 2), 80}, &b.app, 0);
    b.sim.run_until(at(s(200)));
    SynRun r;
    r.syns = syn_times(b.peer);
    if (b.app.error == SocketError::TimedOut) r.failed = b.app.times.back().seconds();
    return r;
}

SCENARIO("SYN retransmissions: the kernel's schedule, in jiffies, through the timer wheel",
         "[tcp][syn][jiffies]") {
    GIVEN("a linux-6 host (tcp_syn_retries 6, tcp_syn_linear_timeouts 4, HZ 250) pinned at jiffies 391") {
        const SynRun r = syn_black_hole(tcp::linux6_profile(), 391);
        THEN("SYNs and ETIMEDOUT fall where Linux 6.18 put them (linux-tcp-observed.md, experiment 3)") {
            const std::vector<double> observed{0,    1.03,  2.05,  3.07,  4.10, 5.12,
                                               7.14, 11.23, 19.43, 35.55, 68.07};
            REQUIRE(r.syns.size() == observed.size());
            for (size_t i = 0; i < observed.size(); ++i) CHECK(r.syns[i] == Approx(observed[i]).margin(0.1));
            CHECK(r.failed == Approx(133.6).margin(0.1));
        }
    }
    GIVEN("a linux-classic host (no linear timeouts) pinned at jiffies 391") {
        const SynRun r = syn_black_hole(tcp::linux_classic_profile(), 391);
        THEN("the classic series and ETIMEDOUT at 129.5 s (experiment 3b)") {
            const std::vector<double> observed{0, 1.02, 3.04, 7.13, 15.33, 31.45, 63.97};
            REQUIRE(r.syns.size() == observed.size());
            for (size_t i = 0; i < observed.size(); ++i) CHECK(r.syns[i] == Approx(observed[i]).margin(0.1));
            CHECK(r.failed == Approx(129.5).margin(0.1));
        }
    }
    GIVEN("any jiffies phase (drawn from the seed)") {
        for (uint64_t seed = 1; seed <= 24; ++seed) {
            CAPTURE(seed);
            const SynRun r = syn_black_hole(tcp::linux6_profile(), std::nullopt, seed);
            REQUIRE(r.syns.size() == 11);
            // A timer re-armed by its own expiry starts from a bucket boundary: the 1 s ones
            // take 256 jiffies, 2 s 504, 8 s 2048, 16 s 4032, the last 64 s 16384.
            for (size_t i = 2; i <= 5; ++i) CHECK(r.syns[i] - r.syns[i - 1] == Approx(1.024).margin(0.005));
            CHECK(r.syns[6] - r.syns[5] == Approx(2.016).margin(0.005));
            CHECK(r.syns[8] - r.syns[7] == Approx(8.192).margin(0.005));
            CHECK(r.syns[9] - r.syns[8] == Approx(16.128).margin(0.005));
            CHECK(r.failed - r.syns[10] == Approx(65.536).margin(0.005));
            CHECK(r.failed >= 133.2);
            CHECK(r.failed <= 135.4);
            const SynRun c = syn_black_hole(tcp::linux_classic_profile(), std::nullopt, seed);
            REQUIRE(c.syns.size() == 7);
            // The wheel's extremes for the classic series are 129.16 s and 131.21 s.
            CHECK(c.failed >= 129.15);
            CHECK(c.failed <= 131.4);
        }
    }
}

SCENARIO("a request sent into a black hole: tail-loss probe, RTO backoff, give-up", "[tcp][rto]") {
    GIVEN("an established connection on a 20 ms path whose server then goes silent") {
        TwoHosts h(ms(20));
        RecordingApp server_app, client_app;
        server_app.sim = client_app.sim = &h.sim;
        h.server.tcp().listen({Ipv4(), 80}, 128, &server_app);
        h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(), &client_app, 0);
        h.sim.run_until(at(s(1)));
        REQUIRE(client_app.conn != nullptr);
        RecorderSink rec;
        h.sim.trace().subscribe(rec);
        h.server.set_down(true);
        // RTO = SRTT + rttvar (>= tcp_rto_min), rounded up to whole jiffies: 220.x ms -> 56 (224 ms).
        const double rto = client_app.conn->rto().seconds();
        CHECK(rto == Approx(0.224).margin(1e-9));
        WHEN("the client sends a request at t = 1 s") {
            net::AppMessage req;
            req.bytes = 200;
            client_app.conn->send(req);
            h.sim.run_until(at(s(1200)));
            std::vector<double> sends;
            for (const auto& r : rec.records())
                if (r.kind == "net.packet" && r.entity_name == "client" && r.get_int("len") > 0)
                    sends.push_back(r.time.seconds() - 1.0);
            THEN("a probe comes first, at min(2*SRTT + 200 ms, RTO), then RTOs double from 220 ms") {
                REQUIRE(sends.size() >= 10);
                CHECK(sends[0] == Approx(0).margin(1e-6));
                // The probe at min(2 x SRTT + 200 ms, RTO) = the RTO, from a point inside a tick
                // and filed one jiffy later.
                CHECK(sends[1] >= rto);
                CHECK(sends[1] <= rto + 0.004);
                // Then each RTO doubles; the wheel files it up to one granule late.
                double nominal = rto;
                for (size_t i = 2; i < 9; ++i, nominal *= 2) {
                    CAPTURE(i);
                    CHECK(sends[i] - sends[i - 1] >= nominal);
                    CHECK(sends[i] - sends[i - 1] <= nominal * 1.08 + 0.004);
                }
            }
            THEN("the application sees nothing for minutes, then ETIMEDOUT after tcp_retries2 (~924.6 s)") {
                REQUIRE(client_app.error == SocketError::TimedOut);
                const double failed = client_app.times.back().seconds() - 1.0;
                CHECK(failed >= 924.6);
                CHECK(failed < 1050);
                // RTO capped at 120 s (30000 jiffies, filed into 512-jiffy granules).
                const double last = sends.back() - sends[sends.size() - 2];
                CHECK(last >= 120);
                CHECK(last <= 122.05);
            }
        }
    }
}

SCENARIO("a closed (orphaned) connection whose FIN is never answered gives up after tcp_orphan_retries",
         "[tcp][rto][orphan]") {
    // tcp_write_timeout() on a SOCK_DEAD socket: tcp_orphan_retries 0 means 8 while the RTO is
    // below TCP_RTO_MAX, i.e. tcp_model_timeout(8) = 511 x 200 ms = 102.2 s after the first
    // send of the FIN; the RTO check after that closes it without a RST. tcp_retries2 (15,
    // ~924.6 s) would keep it four times as many retransmissions.
    auto run = [](int64_t orphan_retries) {
        tcp::TcpProfile profile = tcp::linux6_profile();
        profile.sysctl.tcp_orphan_retries = orphan_retries;
        TwoHosts h(ms(20), profile);
        RecordingApp server_app, client_app;
        server_app.sim = client_app.sim = &h.sim;
        h.server.tcp().listen({Ipv4(), 80}, 128, &server_app);
        h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(), &client_app, 0);
        h.sim.run_until(at(s(1)));
        RecorderSink rec;
        h.sim.trace().subscribe(rec);
        h.server.set_down(true);
        client_app.conn->close();
        h.sim.run_until(at(s(1200)));
        std::vector<double> fins;
        double closed = -1;
        for (const auto& r : rec.records()) {
            if (r.entity_name != "client") continue;
            if (r.kind == "net.packet" && r.get_text("flags").find('F') != std::string_view::npos)
                fins.push_back(r.time.seconds() - 1.0);
            if (r.kind == "tcp.state" && r.get_text("to") == "CLOSED") closed = r.time.seconds() - 1.0;
        }
        return std::pair{fins, closed};
    };
    const auto [fins, closed] = run(0);
    CAPTURE(fins, closed);
    REQUIRE(fins.size() == 10);  // the FIN and 9 retransmissions; the next RTO check gives up
    CHECK(fins.back() < 102.2);
    CHECK(closed > 102.2);
    CHECK(closed < 102.2 + 120);
    // tcp_orphan_retries=3: 15 x 200 ms = 3 s.
    const auto [fins3, closed3] = run(3);
    CAPTURE(fins3, closed3);
    CHECK(fins3.size() == 5);
    CHECK(closed3 > 3.0);
    CHECK(closed3 < 4.0);
}

SCENARIO("the side that closes first holds TIME_WAIT for 60 s", "[tcp][timewait]") {
    TwoHosts h(ms(20));
    RecordingApp server_app, client_app;
    server_app.sim = client_app.sim = &h.sim;
    h.server.tcp().listen({Ipv4(), 80}, 128, &server_app);
    h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(), &client_app, 0);
    h.sim.run_until(at(s(1)));
    REQUIRE(client_app.conn != nullptr);
    REQUIRE(server_app.conn != nullptr);
    GIVEN("the client closes first") {
        client_app.conn->close();
        h.sim.run_until(at(s(2)));
        THEN("only the client holds TIME_WAIT, and only for 60 s") {
            CHECK(h.client.tcp().count(TcpState::TimeWait) == 1);
            CHECK(h.server.tcp().count(TcpState::TimeWait) == 0);
            CHECK(server_app.eof);
            h.sim.run_until(at(s(60.5 + 0)));
            CHECK(h.client.tcp().count(TcpState::TimeWait) == 1);
            h.sim.run_until(at(s(62)));
            CHECK(h.client.tcp().count(TcpState::TimeWait) == 0);
            CHECK(h.client.tcp().connections() == 0);
            CHECK(h.server.tcp().connections() == 0);
        }
    }
    GIVEN("the server closes first (its keep-alive timeout)") {
        server_app.conn->close();
        h.sim.run_until(at(s(2)));
        THEN("only the server holds TIME_WAIT; the client saw EOF") {
            CHECK(h.server.tcp().count(TcpState::TimeWait) == 1);
            CHECK(h.client.tcp().count(TcpState::TimeWait) == 0);
            CHECK(client_app.eof);
            CHECK(h.server.tcp().counters().time_wait_max == 1);
        }
    }
}

SCENARIO("simultaneous close goes through CLOSING on both sides", "[tcp][close]") {
    TwoHosts h(ms(20));
    RecordingApp server_app, client_app;
    h.server.tcp().listen({Ipv4(), 80}, 128, &server_app);
    h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(), &client_app, 0);
    h.sim.run_until(at(s(1)));
    RecorderSink rec;
    h.sim.trace().subscribe(rec);
    WHEN("both close at the same instant") {
        client_app.conn->close();
        server_app.conn->close();
        h.sim.run_until(at(s(2)));
        THEN("each goes FIN_WAIT_1 -> CLOSING -> TIME_WAIT, and both hold TIME_WAIT") {
            int closing = 0, tw = 0;
            for (const auto& r : rec.records()) {
                if (r.kind != "tcp.state") continue;
                closing += r.get_text("from") == "FIN_WAIT_1" && r.get_text("to") == "CLOSING";
                tw += r.get_text("from") == "CLOSING" && r.get_text("to") == "TIME_WAIT";
            }
            CHECK(closing == 2);
            CHECK(tw == 2);
            CHECK(h.client.tcp().count(TcpState::TimeWait) == 1);
            CHECK(h.server.tcp().count(TcpState::TimeWait) == 1);
        }
    }
}

SCENARIO("a retransmitted FIN restarts TIME_WAIT", "[tcp][timewait]") {
    Simulator sim(4);
    net::Network net(sim);
    net::Host host(net, "host", tcp::linux6_profile());
    host.add_address(Ipv4::of(10, 0, 0, 1));
    RawPeer peer(net, "peer", Ipv4::of(10, 0, 0, 2));
    net.add_link(host.node(), peer.node, {ms(1), 1'000'000'000, 0, {}, {}});
    RecordingApp app;
    host.tcp().listen({Ipv4(), 80}, 8, &app);
    const auto send = [&](uint8_t flags, uint32_t seq, uint32_t ack) {
        net::Packet p;
        p.saddr = Ipv4::of(10, 0, 0, 2).value();
        p.daddr = Ipv4::of(10, 0, 0, 1).value();
        p.sport = 5555;
        p.dport = 80;
        p.seq = seq;
        p.ack = ack;
        p.flags = flags;
        peer.inject(p);
        sim.run_until(sim.now() + ms(10));
    };
    send(net::tcpflag::kSyn, 100, 0);
    const uint32_t iss = peer.last().seq;
    send(net::tcpflag::kAck, 101, iss + 1);
    REQUIRE(app.conn != nullptr);
    app.conn->close();  // the host closes first: FIN_WAIT_1
    sim.run_until(sim.now() + ms(10));
    send(net::tcpflag::kFin | net::tcpflag::kAck, 101, iss + 2);  // acks our FIN and closes
    REQUIRE(host.tcp().count(TcpState::TimeWait) == 1);
    const Time tw_start = sim.now();
    WHEN("the peer's FIN comes again 30 s later (our ACK was lost)") {
        sim.run_until(tw_start + s(30));
        const size_t before = peer.got.size();
        send(net::tcpflag::kFin | net::tcpflag::kAck, 101, iss + 2);
        THEN("the host ACKs it again and TIME_WAIT lasts 60 s from then") {
            REQUIRE(peer.got.size() == before + 1);
            CHECK(peer.last().ackf());
            CHECK(peer.last().ack == 102);
            sim.run_until(tw_start + s(85));
            CHECK(host.tcp().count(TcpState::TimeWait) == 1);
            sim.run_until(tw_start + s(91));
            CHECK(host.tcp().count(TcpState::TimeWait) == 0);
        }
    }
}

SCENARIO("a closed port answers with RST and connect() is refused at once", "[tcp][rst]") {
    TwoHosts h(ms(20));
    RecordingApp app;
    app.sim = &h.sim;
    h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(8080), &app, 0);
    h.sim.run_until(at(s(5)));
    CHECK(app.error == SocketError::Refused);
    CHECK(app.times.back().seconds() == Approx(0.020).margin(0.002));
    CHECK(h.server.tcp().counters().resets_sent == 1);
    CHECK(h.client.tcp().counters().retransmits == 0);
}

SCENARIO("what the application sees when the server goes away under an idle keep-alive connection",
         "[tcp][errors]") {
    TwoHosts h(ms(20));
    RecordingApp server_app, client_app;
    server_app.sim = client_app.sim = &h.sim;
    client_app.close_on_eof = false;
    h.server.tcp().listen({Ipv4(), 80}, 128, &server_app);
    h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(), &client_app, 0);
    h.sim.run_until(at(s(1)));
    net::AppMessage req;
    req.bytes = 300;
    GIVEN("the server process is killed (its kernel sends FIN)") {
        server_app.conn->close();
        h.sim.run_until(at(s(2)));
        REQUIRE(client_app.eof);
        WHEN("the client still sends a request on it") {
            CHECK(client_app.conn->send(req) == SocketError::None);  // send() succeeds
            h.sim.run_until(at(s(3)));
            THEN("the server's kernel answers with RST; in CLOSE_WAIT that error is EPIPE") {
                // net/ipv4/tcp_input.c, tcp_reset(): sk_err = EPIPE in TCP_CLOSE_WAIT, not
                // ECONNRESET: the peer had already said it was done.
                CHECK(h.server.tcp().counters().resets_sent == 1);
                CHECK(client_app.error == SocketError::BrokenPipe);
            }
        }
    }
    GIVEN("the server aborts with SO_LINGER 0 (RST, no FIN)") {
        server_app.conn->abort();
        h.sim.run_until(at(s(2)));
        THEN("the client gets ECONNRESET without sending anything") {
            CHECK_FALSE(client_app.eof);
            CHECK(client_app.error == SocketError::Reset);
            CHECK(h.client.tcp().connections() == 0);
        }
    }
}

SCENARIO("a full accept queue drops SYNs and the client retries on its schedule", "[tcp][backlog]") {
    TwoHosts h(ms(20));
    RecordingApp lazy;  // never accepts
    struct NoAccept : tcp::TcpApp {
    } never;
    tcp::Listener& l = h.server.tcp().listen({Ipv4(), 80}, 1, &never);
    RecordingApp a, b;
    a.sim = b.sim = &h.sim;
    h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(), &a, 0);
    h.sim.run_until(at(ms(100)));
    h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(), &b, 0);
    h.sim.run_until(at(s(3)));
    CHECK(l.queued() == 1);
    CHECK(l.overflows() >= 2);  // the first SYN and at least one retransmission dropped
    CHECK(a.log == std::vector<std::string>{"connected"});
    CHECK(b.log.empty());  // still retrying
    // Accepting the first frees the queue; the second gets in at its next SYN.
    CHECK(l.accept(&lazy, 0) != nullptr);
    h.sim.run_until(at(s(10)));
    CHECK(b.log == std::vector<std::string>{"connected"});
}

SCENARIO("fast connection churn toward one server exhausts the ephemeral ports", "[tcp][ports]") {
    TwoHosts h(ms(1), tcp::linux6_profile(), 5, 1'000'000'000);
    RecordingApp server_app;
    server_app.close_on_eof = true;
    h.server.tcp().listen({Ipv4(), 80}, 4096, &server_app);
    struct Churn : tcp::TcpApp {
        net::Host* client = nullptr;
        net::Endpoint dst;
        int opened = 0;
        int failed_at = -1;
        tcp::SocketError error = tcp::SocketError::None;
        void start() {
            tcp::SocketError e = tcp::SocketError::None;
            tcp::TcpConn* c = client->tcp().connect(Ipv4::of(10, 0, 0, 1), dst, this, 0, &e);
            if (c == nullptr) {
                error = e;
                failed_at = opened;
                return;
            }
            ++opened;
        }
        void on_connected(tcp::TcpConn& c) override {
            c.close();  // client closes first: the client keeps the tuple in TIME_WAIT
            start();
        }
    } churn;
    churn.client = &h.client;
    churn.dst = h.server_ep();
    churn.start();
    h.sim.run_until(at(s(30)));
    THEN("after 28232 connections (32768-60999) connect() fails with EADDRNOTAVAIL, without a crash") {
        CHECK(churn.error == SocketError::AddrNotAvail);
        CHECK(churn.failed_at == 28232);
        CHECK(h.client.tcp().count(TcpState::TimeWait) == 28232);
        CHECK(h.client.tcp().counters().port_exhaustion == 1);
    }
}

SCENARIO("data moves in an initial window of 10 segments with slow start", "[tcp][data]") {
    GIVEN("a 200 ms round trip, a 100 kB response and Reno") {
        TwoHosts h(ms(200), linux6_with(tcp::CongestionControl::Reno));
        RecordingApp server_app, client_app;
        server_app.sim = client_app.sim = &h.sim;
        server_app.reply_bytes = 100'000;
        h.server.tcp().listen({Ipv4(), 80}, 128, &server_app);
        h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(), &client_app, 0);
        h.sim.run_until(at(s(1)));
        REQUIRE(client_app.conn != nullptr);
        const Time t0 = h.sim.now();
        net::AppMessage req;
        req.bytes = 300;
        client_app.conn->send(req);
        h.sim.run_until(at(s(5)));
        THEN("69 segments go as 10 + 20 + 39: three round trips after the request's half") {
            REQUIRE(client_app.messages == 1);
            const double took = (client_app.times.back() - t0).seconds();
            // 0.1 s for the request, three flights 0.2 s apart, plus serialisation at 100 Mbit/s
            CHECK(took == Approx(0.6).margin(0.025));
        }
    }
}

SCENARIO("cwnd restarts after idle with the cubic-like profile but not with bbr", "[tcp][data]") {
    const auto run = [](const tcp::TcpProfile& prof) {
        TwoHosts h(ms(200), prof);
        RecordingApp server_app, client_app;
        server_app.sim = client_app.sim = &h.sim;
        server_app.reply_bytes = 100'000;
        h.server.tcp().listen({Ipv4(), 80}, 128, &server_app);
        h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(), &client_app, 0);
        h.sim.run_until(at(s(1)));
        net::AppMessage req;
        req.bytes = 300;
        client_app.conn->send(req);
        h.sim.run_until(at(s(5)));  // window grown, then idle for seconds (> RTO)
        const uint32_t before = client_app.conn == nullptr ? 0 : server_app.conn->cwnd();
        client_app.conn->send(req);
        h.sim.run_until(h.sim.now() + ms(150));  // the request has reached the server
        return std::pair{before, server_app.conn->cwnd()};
    };
    // Linux 6.18, experiment 7: idle 2 s (> RTO): cubic restarts 231 -> 10; bbr keeps its cwnd
    // (it has its own cong_control, which tcp_slow_start_after_idle_check() skips).
    const auto [bbr_before, bbr_after] = run(linux6_with(tcp::CongestionControl::Bbr));
    const auto [cubic_before, cubic_after] = run(tcp::linux_classic_profile());
    CHECK(bbr_before > 10);
    CHECK(bbr_after >= bbr_before);
    CHECK(cubic_before > 10);
    CHECK(cubic_after == 10);
}

SCENARIO("cwnd grows only while the window limits the sender (tcp_is_cwnd_limited)", "[tcp][data]") {
    TwoHosts h(ms(20), linux6_with(tcp::CongestionControl::Reno));
    RecordingApp server_app, client_app;
    server_app.sim = client_app.sim = &h.sim;
    server_app.reply_bytes = 20'000;  // 14 segments: the first reply fills the initial window
    h.server.tcp().listen({Ipv4(), 80}, 128, &server_app);
    h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(), &client_app, 0);
    h.sim.run_until(at(s(1)));
    net::AppMessage req;
    req.bytes = 300;
    for (int i = 0; i < 50; ++i) {
        client_app.conn->send(req);
        h.sim.run_until(at(s(2 + i)));
    }
    THEN("the client, one small request per round, keeps its initial window") {
        CHECK(client_app.conn->cwnd() == 10);
    }
    THEN("the server grows while 14 segments fill it, then stops short of twice what it sent") {
        // Slow start: 10 acknowledged while window-limited -> 20; after that at most 14 are
        // out, and cwnd may grow only while below 2 * 14.
        CHECK(server_app.conn->cwnd() >= 20);
        CHECK(server_app.conn->cwnd() <= 28);
    }
}
