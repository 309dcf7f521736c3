// Receive windows as Linux sets them: the handshake's values, growth by autotuning, a window
// closed by an application that stops reading, and the sender's zero-window probes.
#include <catch2/catch.hpp>

#include "models/socket/program.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "support/socket_steps.hpp"
#include "support/tcp_harness.hpp"

using namespace lvs;
using namespace lvs::testing;
using sock::Op;
using sock::Step;

namespace {

// The first window a host offers and what its handshake agrees, seen on the wire.
struct Wire : net::PacketTap {
    std::vector<net::Packet> sent;
    void on_transmit(const net::Packet& p, net::NodeId, net::NodeId, Time, Duration, Time) override {
        sent.push_back(p);
    }
};

}  // namespace

SCENARIO("the handshake's windows: 64240 unscaled in the SYN, scale 7, then 502 x 128", "[tcp][window]") {
    TwoHosts h(ms(20));
    Wire wire;
    h.net.add_tap(&wire);
    ClientServer c(h, 0);
    h.net.remove_tap(&wire);
    RecordingApp& client_app = c.client_app;
    REQUIRE(wire.sent.size() >= 3);
    // tcp_select_initial_window(): rounddown(131072 / 2, 1460) = 64240; ilog2(tcp_rmem[2]
    // 6291456) - 15 = 7. The SYN's window is never scaled.
    const net::SynOptions syn = net::SynOptions::unpack(wire.sent[0].msg);
    CHECK(wire.sent[0].syn());
    CHECK(wire.sent[0].win == 64240);
    CHECK(syn.mss == 1460);
    CHECK(syn.has_wscale);
    CHECK(syn.wscale == 7);
    CHECK(syn.sack_ok);
    CHECK(wire.sent[1].win == 64240);  // the SYN+ACK
    // The third packet, the first scaled one: the offered 64240 is never shrunk, rounded up to
    // 128 (tcp_select_window()): 64256 / 128 = 502.
    CHECK(wire.sent[2].win == 502);
    const tcp::TcpInfo i = client_app.conn->info();
    CHECK(i.snd_wscale == 7);
    CHECK(i.rcv_wscale == 7);
    CHECK(i.rcv_space == 14600);     // tcp_init_buffer_space(): min(..., 10 * advmss)
    CHECK(i.rcv_ssthresh == 64076);  // 65536 less one segment (tcp_app_win)
}

SCENARIO("a long transfer grows the receiver's buffer and window (tcp_rcv_space_adjust)", "[tcp][window]") {
    TwoHosts h(ms(50), tcp::linux6_profile(), 1, 1'000'000'000);
    ClientServer c(h, 8'000'000);
    RecordingApp &server_app = c.server_app, &client_app = c.client_app;
    const uint32_t first = client_app.conn->advertised_window();
    c.request();
    h.sim.run_until(at(s(5)));
    REQUIRE(client_app.bytes == 8'000'000);
    const tcp::TcpInfo i = client_app.conn->info();
    CHECK(first < 65536);
    // DRS doubles the buffer each round trip the application reads more; tcp_rmem[2] (6 MiB)
    // bounds it, and the window is half of it.
    CHECK(i.rcvbuf == 6291456);
    CHECK(i.rcv_wnd > 3'000'000);
    CHECK(server_app.conn->send_window() == i.rcv_wnd);
}

SCENARIO("an application that stops reading closes the window; the sender probes until it opens",
         "[tcp][window]") {
    TwoHosts h(ms(20));
    std::vector<Step> server_steps{step(Op::Listen), step(Op::Accept), sleep_for(s(10))};
    // Each recv() returns what has arrived: one train or a few (about 1 ms of data each).
    for (int k = 0; k < 1000; ++k) server_steps.push_back(step(Op::Recv));
    sock::Program server(h.server, "srv", server_steps, net::Endpoint{}, 80);
    sock::Program client(h.client, "cli", {step(Op::Connect), send(1'000'000), sleep_for(s(100))},
                         h.server_ep(), 0);
    server.start(Time{});
    client.start(at(ms(1)));
    h.sim.run_until(at(s(9)));
    const tcp::TcpCounters& c = h.client.tcp().counters();
    const tcp::TcpCounters& sv = h.server.tcp().counters();
    THEN("the receiver advertises a zero window once its buffer is nearly full (__tcp_select_window())") {
        CHECK(sv.zero_window_adverts >= 1);
    }
    THEN(
        "the sender probes with bare ACKs below the window, backing off from max(RTO, 200 ms) "
        "(tcp_probe_timer(), tcp_send_probe0())") {
        // About 0.22, 0.45, 0.9, 1.8, 3.6 s apart: 5 or 6 probes in the 9 s.
        CHECK(c.zero_window_probes >= 4);
        CHECK(c.zero_window_probes <= 7);
        CHECK(c.timeouts == 0);  // no retransmission timeout: nothing is in flight
    }
    h.sim.run_until(at(s(30)));
    THEN("reading again sends a window update (__tcp_cleanup_rbuf()) and the transfer completes") {
        uint64_t got = 0;
        for (const sock::Call& call : server.calls())
            if (call.op == Op::Recv && call.done && call.result.value > 0) got += call.result.value;
        CHECK(got == 1'000'000);
    }
}
