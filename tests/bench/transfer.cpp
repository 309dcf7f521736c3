// lvsim-bench transfer: the transfer time of one object over one path, for the comparison with
// ns-3 (tests/bench/ns3_transfer.cpp builds the same path; tests/bench/compare-ns3-transfer.sh
// runs both, tests/bench/ns3-transfer.md records the table).
//
// The path is tests/unit/tcp_congestion.tests.cpp's Bottleneck: client -- router over the
// bottleneck (B bit/s, RTT/4 one way, a drop-tail queue of Q packets each way, the random loss
// on both directions) and router -- server at 10 x B, RTT/4, no queue limit. The client
// connects, sends a 300-byte request as soon as it is connected, and the server answers with
// N bytes in one write. Measured: from connect() (the SYN) to the object's last byte at the
// client, in simulated seconds.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench.hpp"
#include "models/net/host.hpp"
#include "sim/trace.hpp"

namespace lvs::bench {
namespace {

using net::Ipv4;

struct Server final : tcp::TcpApp {
    uint32_t object_bytes = 0;
    void on_acceptable(tcp::Listener& l) override {
        while (l.accept(this, 0) != nullptr) {
        }
    }
    void on_message(tcp::TcpConn& c, const net::AppMessage&) override {
        net::AppMessage r;
        r.bytes = object_bytes;
        c.send(r);
    }
};

struct Client final : tcp::TcpApp {
    sim::Simulator* sim = nullptr;
    sim::Time done;
    bool finished = false;
    bool failed = false;
    void on_connected(tcp::TcpConn& c) override {
        net::AppMessage req;
        req.bytes = 300;
        c.send(req);
    }
    // The server's one message: its last byte has arrived.
    void on_message(tcp::TcpConn&, const net::AppMessage&) override {
        done = sim->now();
        finished = true;
        sim->request_stop();
    }
    void on_error(tcp::TcpConn&, tcp::SocketError) override {
        failed = true;
        sim->request_stop();
    }
};

// A share such as "1%" or "0.01"; negative when malformed or not below 50 %.
double parse_loss(const std::string& text) {
    char* end = nullptr;
    double p = std::strtod(text.c_str(), &end);
    if (end != nullptr && *end == '%') p /= 100, ++end;
    if (end == nullptr || *end != '\0' || !(p >= 0 && p < 0.5)) return -1;
    return p;
}

int usage_error(const char* what) {
    std::fprintf(stderr,
                 "lvsim-bench transfer: %s\n"
                 "usage: lvsim-bench transfer reno|cubic|bbr BYTES BPS RTT_MS QUEUE_PACKETS [LOSS [SEED]] "
                 "[--trace FILE.jsonl]\n",
                 what);
    return 2;
}

}  // namespace

int run_transfer(const std::vector<std::string>& args) {
    std::vector<std::string> pos;
    std::string trace_path;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--trace" && i + 1 < args.size()) trace_path = args[++i];
        else pos.push_back(args[i]);
    }
    if (pos.size() < 5 || pos.size() > 7) return usage_error("wrong number of arguments");
    // The congestion control is parsed by the sysctl table, as a scenario's
    // `sysctl: {tcp_congestion_control: ...}` is.
    tcp::TcpProfile profile = tcp::linux6_profile();
    const tcp::TcpSysctlDef* cc_def = tcp::find_tcp_sysctl("tcp_congestion_control");
    if (const std::string err = tcp::set_tcp_sysctl(profile.sysctl, *cc_def, pos[0]); !err.empty())
        return usage_error(err.c_str());
    const long long bytes = std::atoll(pos[1].c_str());
    const long long bps = std::atoll(pos[2].c_str());
    const double rtt_ms = std::strtod(pos[3].c_str(), nullptr);
    const long long queue = std::atoll(pos[4].c_str());
    const std::string loss_text = pos.size() > 5 ? pos[5] : "0";
    const double loss = parse_loss(loss_text);
    const uint64_t seed = pos.size() > 6 ? std::strtoull(pos[6].c_str(), nullptr, 10) : 1;
    if (bytes <= 0 || bytes > net::kMaxMessageBytes) return usage_error("BYTES must be 1..2^30");
    if (bps <= 0 || rtt_ms <= 0 || queue < 0)
        return usage_error("BPS and RTT_MS must be positive, QUEUE >= 0");
    if (loss < 0) return usage_error("LOSS takes a share below 50%, e.g. 1% or 0.01");

    sim::Simulator sim(seed);
    std::ofstream trace_file;
    std::unique_ptr<sim::JsonLinesSink> trace_sink;
    if (!trace_path.empty()) {
        trace_file.open(trace_path);
        trace_sink = std::make_unique<sim::JsonLinesSink>(trace_file);
        sim.trace().subscribe(*trace_sink);
    }
    net::Network net(sim);
    net::Host client(net, "client", profile);
    net::Host server(net, "server", profile);
    client.add_address(Ipv4::of(10, 0, 0, 1));
    server.add_address(Ipv4::of(10, 0, 0, 2));
    const auto router = net.add_node("router", net::NodeKind::Router);
    const sim::Duration quarter = sim::ns(static_cast<int64_t>(rtt_ms * 1e6 / 4));
    const auto ubps = static_cast<uint64_t>(bps);
    net.add_link(client.node(), router, {quarter, ubps, loss, {}, {static_cast<uint32_t>(queue), 0}});
    net.add_link(router, server.node(), {quarter, ubps * 10, 0.0, {}, {}});
    net.finalize();

    Server server_app;
    server_app.object_bytes = static_cast<uint32_t>(bytes);
    Client client_app;
    client_app.sim = &sim;
    server.tcp().listen({Ipv4(), 80}, 128, &server_app);
    const sim::Time start = sim.now();
    client.tcp().connect(client.address(), {server.address(), 80}, &client_app, 0);
    // A bound for broken runs: ten minutes is far beyond any case of the comparison.
    sim.run_until(start + sim::s(600));

    const auto& bottleneck = net.link_stats()[0];
    const uint64_t drops = bottleneck[0].queue_drops + bottleneck[1].queue_drops;
    const uint64_t lost = bottleneck[0].lost + bottleneck[1].lost;
    std::printf("transfer sim=lvsim cc=%s bytes=%lld bps=%lld rtt_ms=%g queue=%lld loss=%s seed=%llu ",
                pos[0].c_str(), bytes, bps, rtt_ms, queue, loss_text.c_str(),
                static_cast<unsigned long long>(seed));
    if (client_app.finished) std::printf("seconds=%.6f", (client_app.done - start).seconds());
    else std::printf("seconds=nan");
    std::printf(" drops=%llu lost=%llu\n", static_cast<unsigned long long>(drops),
                static_cast<unsigned long long>(lost));
    // The sender's recovery, for explaining differences (not part of the compared line).
    const auto& by = server.tcp().counters().retransmits_by;
    std::fprintf(
        stderr,
        "  server retransmits dupack=%llu rack=%llu tlp=%llu rto=%llu; %llu frames toward the client\n",
        static_cast<unsigned long long>(by.dupack), static_cast<unsigned long long>(by.rack),
        static_cast<unsigned long long>(by.tlp), static_cast<unsigned long long>(by.rto),
        static_cast<unsigned long long>(bottleneck[1].frames));
    return client_app.finished ? 0 : 1;
}

}  // namespace lvs::bench
