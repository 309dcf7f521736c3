// Linux TCP behaviour the lessons depend on, checked against ../shared/spec (section 8) and
// the measurements in linux-tcp-observed.md.
#include <catch2/catch.hpp>

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
    Simulator sim{9};
    net::Network net{sim};
    net::Host host;
    RawPeer peer{net, "hole", Ipv4::of(10, 0, 0, 2)};
    RecordingApp app;
    explicit BlackHole(const tcp::TcpProfile& prof) : host(net, "host", prof) {
        host.add_address(Ipv4::of(10, 0, 0, 1));
        net.add_link(host.node(), peer.node, {us(10), 1'000'000'000, 0});
        app.sim = &sim;
    }
};

}  // namespace

SCENARIO("SYN retransmissions follow the profile's schedule", "[tcp][syn]") {
    GIVEN("a linux-6 host connecting into a black hole") {
        BlackHole b(tcp::linux6_profile());
        b.host.tcp().connect(Ipv4::of(10, 0, 0, 1), {Ipv4::of(10, 0, 0, 2), 80}, &b.app, 0);
        b.sim.run_until(at(s(200)));
        THEN("SYNs go out at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s and connect() fails at 131 s") {
            const std::vector<double> expect{0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67};
            const auto got = syn_times(b.peer);
            REQUIRE(got.size() == expect.size());
            for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expect[i]).margin(0.001));
            REQUIRE(b.app.error == SocketError::TimedOut);
            CHECK(b.app.times.back().seconds() == Approx(131).margin(0.001));
        }
    }
    GIVEN("a linux-classic host connecting into a black hole") {
        BlackHole b(tcp::linux_classic_profile());
        b.host.tcp().connect(Ipv4::of(10, 0, 0, 1), {Ipv4::of(10, 0, 0, 2), 80}, &b.app, 0);
        b.sim.run_until(at(s(200)));
        THEN("SYNs go out at 0, 1, 3, 7, 15, 31, 63 s and connect() fails at 127 s") {
            const std::vector<double> expect{0, 1, 3, 7, 15, 31, 63};
            const auto got = syn_times(b.peer);
            REQUIRE(got.size() == expect.size());
            for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expect[i]).margin(0.001));
            REQUIRE(b.app.error == SocketError::TimedOut);
            CHECK(b.app.times.back().seconds() == Approx(127).margin(0.001));
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
        WHEN("the client sends a request at t = 1 s") {
            net::AppMessage req;
            req.bytes = 200;
            client_app.conn->send(req);
            h.sim.run_until(at(s(1200)));
            std::vector<double> sends;
            for (const auto& r : rec.records())
                if (r.kind == "net.packet" && r.entity_name == "client" && r.get_int("len") > 0)
                    sends.push_back(r.time.seconds() - 1.0);
            THEN("a probe comes first, at min(2*SRTT + 200 ms, RTO), then RTOs double from ~220 ms") {
                REQUIRE(sends.size() >= 10);
                CHECK(sends[0] == Approx(0).margin(1e-6));
                // TLP: 2 x 20 ms + 200 ms = 240 ms, capped by the RTO of 220 ms
                CHECK(sends[1] == Approx(0.220).margin(0.005));
                const double rto = sends[2] - sends[1];
                CHECK(rto == Approx(0.22).margin(0.005));  // SRTT + max(4 RTTVAR, 200 ms)
                for (size_t i = 3; i < 9; ++i)
                    CHECK(sends[i] - sends[i - 1] == Approx(2 * (sends[i - 1] - sends[i - 2])).epsilon(0.01));
            }
            THEN("the application sees nothing for minutes, then ETIMEDOUT after tcp_retries2 (~924.6 s)") {
                REQUIRE(client_app.error == SocketError::TimedOut);
                const double failed = client_app.times.back().seconds() - 1.0;
                CHECK(failed >= 924.6);
                CHECK(failed < 1050);
                // RTO capped at 120 s: the last gaps are exactly 120 s.
                CHECK(sends.back() - sends[sends.size() - 2] == Approx(120).margin(0.01));
            }
        }
    }
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
    net.add_link(host.node(), peer.node, {ms(1), 1'000'000'000, 0});
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
            THEN("the server's kernel answers with RST and the connection is reset") {
                CHECK(h.server.tcp().counters().resets_sent == 1);
                CHECK(client_app.error == SocketError::Reset);
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
    GIVEN("a 200 ms round trip and a 100 kB response") {
        TwoHosts h(ms(200));
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
        const Time t0 = h.sim.now();
        client_app.conn->send(req);
        h.sim.run_until(at(s(9)));
        return (client_app.times.back() - t0).seconds();
    };
    const double bbr = run(tcp::linux6_profile());
    const double cubic = run(tcp::linux_classic_profile());
    CHECK(bbr == Approx(0.2).margin(0.025));    // whole response in one flight: one round trip
    CHECK(cubic == Approx(0.6).margin(0.025));  // back to 10 segments: three flights again
}
