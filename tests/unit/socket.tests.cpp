// The socket API as an application sees it (models/socket): what recv() and send() return
// after the peer's FIN, RST or silence, half-closes, SO_RCVTIMEO, TCP_USER_TIMEOUT, Nagle, and
// the hosts' `ss` listings.
#include <catch2/catch.hpp>

#include "models/socket/program.hpp"
#include "models/tcp/ss.hpp"
#include "support/socket_steps.hpp"
#include "support/tcp_harness.hpp"

using namespace lvs;
using namespace lvs::testing;
using sock::Op;
using sock::Step;

namespace {

// A client program against a server program, 20 ms apart.
struct Pair {
    TwoHosts h{ms(20)};
    std::unique_ptr<sock::Program> server, client;
    Pair(std::vector<Step> server_steps, std::vector<Step> client_steps) {
        server =
            std::make_unique<sock::Program>(h.server, "srv", std::move(server_steps), net::Endpoint{}, 80);
        client = std::make_unique<sock::Program>(h.client, "cli", std::move(client_steps), h.server_ep(), 0);
        server->start(Time{});
        client->start(at(ms(1)));
    }
    const sock::Call& c(size_t n) const { return client->calls().at(n - 1); }
    const sock::Call& s(size_t n) const { return server->calls().at(n - 1); }
};

}  // namespace

SCENARIO("sockets: a half-closed connection still carries data the other way", "[socket]") {
    Pair p({step(Op::Listen), step(Op::Accept), recv_for(), recv_for(), send(500), step(Op::Close)},
           {step(Op::Connect), send(100),
            [] {
                Step s = step(Op::Shutdown);
                s.write = true;
                return s;
            }(),
            recv_for(), recv_for()});
    p.h.sim.run_until(at(s(2)));
    THEN("the server reads the data, then EOF; its answer reaches the client after the client's FIN") {
        CHECK(p.s(3).result.value == 100);
        CHECK(p.s(4).result.value == 0);  // the client's FIN: EOF
        CHECK(p.s(5).result.value == 500);
        CHECK(p.c(4).result.value == 500);  // received in FIN_WAIT_2
        CHECK(p.c(5).result.value == 0);    // then the server's FIN
    }
}

SCENARIO("sockets: SO_RCVTIMEO ends a blocked recv with EAGAIN", "[socket]") {
    Pair p({step(Op::Listen), step(Op::Accept), sleep_for(s(10))}, {step(Op::Connect), recv_for(ms(250))});
    p.h.sim.run_until(at(s(2)));
    CHECK(p.c(2).result.err == sock::kEagain);
    CHECK((p.c(2).returned - p.c(2).started).seconds() == Approx(0.25));
}

SCENARIO("sockets: TCP_USER_TIMEOUT ends retransmissions early with ETIMEDOUT", "[socket]") {
    Step opt = step(Op::SetOption);
    opt.option = sock::Option::UserTimeout;
    opt.duration = s(3);
    Pair p({step(Op::Listen), step(Op::Accept), sleep_for(s(100))},
           {opt, step(Op::Connect), sleep_for(s(1)), send(100), recv_for()});
    p.h.sim.run_until(at(ms(500)));
    p.h.server.set_down(true);
    p.h.sim.run_until(at(s(20)));
    REQUIRE(p.c(5).done);
    CHECK(p.c(5).result.err == sock::kEtimedout);
    // The clock starts at the first retransmission (retrans_stamp, set by tcp_retransmit_skb()
    // at the first RTO; the tail-loss probe before it does not set it).
    const Time first_rto = p.h.client.tcp().counters().timeout_at.first;
    REQUIRE(first_rto > p.c(4).returned);
    const double after = (p.c(5).returned - first_rto).seconds();
    CHECK(after >= 3.0);  // not before the user timeout
    CHECK(after < 3.05);  // the RTO is clamped to it (tcp_clamp_rto_to_user_timeout)
}

SCENARIO("sockets: Nagle holds a small segment while data is unacknowledged; TCP_NODELAY does not",
         "[socket]") {
    for (const bool nodelay : {false, true}) {
        GIVEN(std::string(nodelay ? "TCP_NODELAY" : "Nagle (the default)")) {
            Step opt = step(Op::SetOption);
            opt.option = sock::Option::NoDelay;
            opt.on = nodelay;
            Pair p({step(Op::Listen), step(Op::Accept), sleep_for(s(10))},
                   {opt, step(Op::Connect), send(100), send(100)});
            RecorderSink rec;
            p.h.sim.trace().subscribe(rec);
            p.h.sim.run_until(at(s(1)));
            std::vector<double> data;
            for (const auto& r : rec.records())
                if (r.kind == "net.packet" && r.entity_name == "client" && r.get_int("len") > 0)
                    data.push_back(r.time.seconds());
            REQUIRE(data.size() == 2);
            if (nodelay) CHECK(data[1] - data[0] < 1e-6);  // back to back
            else CHECK(data[1] - data[0] > 0.015);         // after the first one's ACK (a round trip)
        }
    }
}

SCENARIO("ss -tan / -tin: listeners, queues and TCP_INFO as ss prints them", "[socket][ss]") {
    Pair p({step(Op::Listen), step(Op::Accept), sleep_for(s(10))},
           {step(Op::Connect), send(3000), sleep_for(s(10))});
    p.h.sim.run_until(at(ms(30)));  // the client's data is in flight
    const std::string server = tcp::ss_listing(p.h.server.tcp(), false);
    const std::string client = tcp::ss_listing(p.h.client.tcp(), true);
    INFO(server << client);
    CHECK_THAT(server,
               Catch::StartsWith("State    Recv-Q Send-Q Local Address:Port Peer Address:Port  Process\n"));
    CHECK_THAT(server, Catch::Contains(
                           "LISTEN   0      128          0.0.0.0:80        0.0.0.0:*"));  // backlog as Send-Q
    CHECK_THAT(server, Catch::Contains("SYN-RECV 0      0           10.0.0.2:80       10.0.0.1:"));
    CHECK_THAT(client,
               Catch::Contains("ESTAB 0      3000        10.0.0.1:"));  // written, not yet acknowledged
    CHECK_THAT(
        client,
        Catch::Contains("\t sack cubic wscale:7,7 rto:224 rtt:20.017/10.008 mss:1460 rcvmss:536 advmss:1460 "
                        "cwnd:10 lastsnd:8 lastrcv:8 unacked:3"));
    p.h.sim.run_until(at(s(2)));
    CHECK_THAT(tcp::ss_listing(p.h.server.tcp(), false),
               Catch::Contains("ESTAB  3000   0"));  // unread by the program
}
