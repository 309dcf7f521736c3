// Writes a short capture for the tshark check: a handshake, one request/response, a FIN
// exchange, and a connection attempt to a closed port that draws a RST.
#include <cstdio>
#include <string>

#include "models/net/pcap.hpp"
#include "support/tcp_harness.hpp"

using namespace lvs;
using namespace lvs::testing;

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: pcap-sample OUT.pcap\n");
        return 2;
    }
    TwoHosts h(ms(20));
    net::PcapWriter pcap(h.net, argv[1]);
    RecordingApp server_app, client_app, refused;
    server_app.reply_bytes = 5000;
    h.server.tcp().listen({Ipv4(), 80}, 128, &server_app);
    h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(), &client_app, 0);
    h.sim.run_until(at(ms(100)));
    net::AppMessage req;
    req.bytes = 300;
    client_app.conn->send(req);
    h.sim.run_until(at(ms(300)));
    client_app.conn->close();
    h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(81), &refused, 0);
    h.sim.run_until(at(s(2)));
    pcap.flush_all();
    std::printf("%llu packets\n", static_cast<unsigned long long>(pcap.packets_written()));
    return refused.error == tcp::SocketError::Refused ? 0 : 1;
}
