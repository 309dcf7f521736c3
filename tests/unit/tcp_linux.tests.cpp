// Linux's TCP packet for packet: the ACK policy (quick ACKs, delayed ACKs, pingpong mode,
// tcp_fin()), keep-alive probes, tcp_max_tw_buckets, tcp_tw_reuse and a killed server process,
// each against the kernel function it follows and linux-tcp-observed.md.
#include <catch2/catch.hpp>

#include "support/tcp_harness.hpp"

using namespace lvs;
using namespace lvs::testing;
using tcp::SocketError;
using tcp::TcpState;

namespace {

// What went over the wire after `from`: "client FA", "server .", ...
std::vector<std::string> packets(const RecorderSink& rec, Time from) {
    std::vector<std::string> out;
    for (const auto& r : rec.records())
        if (r.kind == "net.packet" && r.time >= from &&
            (r.entity_name == "client" || r.entity_name == "server"))
            out.push_back(std::string(r.entity_name) + " " + std::string(r.get_text("flags")) +
                          (r.get_int("len") > 0 ? " data" : ""));
    return out;
}
std::vector<Time> packet_times(const RecorderSink& rec, Time from, const std::string& who) {
    std::vector<Time> out;
    for (const auto& r : rec.records())
        if (r.kind == "net.packet" && r.time >= from && r.entity_name == who) out.push_back(r.time);
    return out;
}

// A connection between the two hosts, established and idle at 1 s, with a recorder on.
struct Connected {
    TwoHosts h;
    RecordingApp server_app, client_app;
    RecorderSink rec;
    explicit Connected(const tcp::TcpProfile& profile = tcp::linux6_profile()) : h(ms(20), profile) {
        server_app.sim = client_app.sim = &h.sim;
        h.sim.trace().subscribe(rec);
        h.server.tcp().listen({Ipv4(), 80}, 128, &server_app);
        h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(), &client_app, 0);
        h.sim.run_until(at(s(1)));
        REQUIRE(client_app.conn != nullptr);
        REQUIRE(server_app.conn != nullptr);
    }
    void request(uint32_t bytes = 300) {
        net::AppMessage m;
        m.bytes = bytes;
        REQUIRE(client_app.conn->send(m) == SocketError::None);
    }
};

}  // namespace

SCENARIO("tcp_fin(): a prompt close is three packets, the first FIN's ACK riding on the answer",
         "[tcp][ack]") {
    Connected c;
    c.server_app.reply_bytes = 2000;
    c.request();
    c.h.sim.run_until(at(s(3)));
    WHEN("the server closes an idle connection and the client closes on EOF at once") {
        c.server_app.conn->close();
        c.h.sim.run_until(at(s(5)));
        THEN("FIN from the server, FIN+ACK from the client, ACK from the server: no separate ACK") {
            CHECK(packets(c.rec, at(s(3))) == std::vector<std::string>{"server F.", "client F.", "server ."});
            CHECK(c.h.server.tcp().count(TcpState::TimeWait) == 1);  // the side that closed first
            CHECK(c.h.client.tcp().count(TcpState::TimeWait) == 0);
        }
    }
    WHEN("the client's application does not close") {
        c.client_app.close_on_eof = false;
        c.server_app.conn->close();
        c.h.sim.run_until(at(s(5)));
        THEN("the FIN is ACKed by the delayed-ACK timer, 40 to 44 ms after it arrived (HZ 250)") {
            REQUIRE(packets(c.rec, at(s(3))) == std::vector<std::string>{"server F.", "client ."});
            const Time fin_arrival = packet_times(c.rec, at(s(3)), "server")[0] + ms(10);
            const double ack_after = (packet_times(c.rec, at(s(3)), "client")[0] - fin_arrival).seconds();
            CHECK(ack_after > 0.036);  // 10 jiffies + 1 in the wheel, from anywhere inside a tick
            CHECK(ack_after <= 0.044);
            CHECK(c.h.client.tcp().count(TcpState::CloseWait) == 1);
        }
    }
}

SCENARIO("quick ACKs at connection start, then pingpong: answers carry their ACKs", "[tcp][ack]") {
    Connected c;
    WHEN("the first request reaches a server that does not answer at once") {
        c.request();
        c.h.sim.run_until(at(s(2)));
        THEN("it is ACKed at once (quick-ACK mode: the first data), not after 40 ms") {
            const auto t = packet_times(c.rec, at(s(1)), "server");
            REQUIRE(t.size() == 1);
            CHECK((t[0] - at(s(1))).seconds() == Approx(0.010).margin(0.0005));  // one-way trip, then the ACK
            CHECK(c.server_app.conn->quick_acks_left() == 15);
        }
    }
    WHEN("the server answers every request at once") {
        c.server_app.reply_bytes = 1000;  // one segment
        for (int i = 0; i < 5; ++i) {
            c.request();
            c.h.sim.run_until(at(s(1) + ms(100) * (i + 1)));
        }
        THEN("only the first request got a pure ACK; the answers carry the rest (pingpong)") {
            CHECK(c.h.server.tcp().counters().sent.pure_ack == 1);
            CHECK(c.server_app.conn->in_pingpong_mode());
        }
        THEN("the client, quick at first, ACKs the one-segment answers at once") {
            CHECK(c.h.client.tcp().counters().sent.pure_ack >= 5);
        }
    }
}

SCENARIO("SO_KEEPALIVE: probes after tcp_keepalive_time, then RST and ETIMEDOUT", "[tcp][keepalive]") {
    tcp::TcpProfile p = tcp::linux6_profile();
    p.sysctl.tcp_keepalive_time = 10;
    p.sysctl.tcp_keepalive_intvl = 2;
    p.sysctl.tcp_keepalive_probes = 3;
    Connected c(p);
    c.client_app.conn->set_keepalive(true);
    WHEN("the peer answers") {
        c.h.sim.run_until(at(s(40)));
        THEN("probes go out about every 10 s and the connection stays") {
            CHECK(c.h.client.tcp().counters().keepalive_probes >= 2);
            CHECK(c.client_app.error == SocketError::None);
            CHECK(c.h.client.tcp().count(TcpState::Established) == 1);
        }
    }
    WHEN("the peer goes silent") {
        c.h.server.set_down(true);
        c.h.sim.run_until(at(s(40)));
        THEN("3 probes 2 s apart, then a RST and ETIMEDOUT about 16 s after the last word") {
            CHECK(c.h.client.tcp().counters().keepalive_probes == 3);
            REQUIRE(c.client_app.error == SocketError::TimedOut);
            const double failed = c.client_app.times.back().seconds();
            CHECK(failed > 16.9);
            CHECK(failed < 18.2);  // 10 + 3 x 2 s, plus the wheel's granules
            CHECK(c.h.client.tcp().counters().sent.rst == 1);
        }
    }
}

SCENARIO("tcp_max_tw_buckets: beyond it a close skips TIME_WAIT", "[tcp][timewait]") {
    tcp::TcpProfile p = tcp::linux6_profile();
    p.sysctl.tcp_max_tw_buckets = 0;
    Connected c(p);
    c.client_app.conn->close();
    c.h.sim.run_until(at(s(2)));
    CHECK(c.h.client.tcp().count(TcpState::TimeWait) == 0);
    CHECK(c.h.client.tcp().counters().time_wait_overflow == 1);
    CHECK(c.h.client.tcp().connections() == 0);
}

SCENARIO("tcp_tw_reuse: a TIME_WAIT tuple is taken over a second later only when allowed",
         "[tcp][timewait]") {
    for (const int64_t reuse : {1, 2}) {
        GIVEN("tcp_tw_reuse = " + std::to_string(reuse) + " and a single ephemeral port") {
            tcp::TcpProfile p = tcp::linux6_profile();
            p.sysctl.tcp_tw_reuse = reuse;
            p.sysctl.ip_local_port_range = {40000, 40000};
            Connected c(p);
            c.client_app.conn->close();  // the client holds TIME_WAIT on its only port
            c.h.sim.run_until(at(s(3)));
            REQUIRE(c.h.client.tcp().count(TcpState::TimeWait) == 1);
            RecordingApp again;
            tcp::SocketError err = SocketError::None;
            tcp::TcpConn* conn =
                c.h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), c.h.server_ep(), &again, 1, &err);
            if (reuse == 1) {
                THEN("1: the new connection takes the tuple over") { CHECK(conn != nullptr); }
            } else {
                THEN("2 (the default): only on loopback, so EADDRNOTAVAIL here") {
                    CHECK(conn == nullptr);
                    CHECK(err == SocketError::AddrNotAvail);
                }
            }
        }
    }
}

SCENARIO("a killed server process: the kernel closes its sockets with FIN, data after that gets RST",
         "[tcp][kill]") {
    Connected c;
    c.client_app.close_on_eof = false;  // an application that reuses the connection later
    // What the web server's kill() does for every socket the process held: tcp_close().
    c.server_app.conn->close();
    c.h.sim.run_until(at(s(3)));
    c.request();  // the client reuses the half-closed connection
    c.h.sim.run_until(at(s(4)));
    CHECK(packets(c.rec, at(s(1))) ==
          std::vector<std::string>{"server F.", "client .", "client P. data", "server R"});
    CHECK(c.client_app.eof);
}
