// lvsim-bench tcp: 10,000 concurrent keep-alive connections between 100 client hosts and 10
// server hosts over 20 ms round-trip paths; each connection sends a 200-byte request and gets
// a 2 kB response once a second for 60 simulated seconds. Measures the TCP path; with
// `--loss 1%` every link loses that share of segments, so SACK, RACK, TLP and the RTO work.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench.hpp"
#include "models/net/host.hpp"
#include "sim/timer.hpp"

namespace lvs::bench {
namespace {

using net::Ipv4;

struct Server final : tcp::TcpApp {
    void on_acceptable(tcp::Listener& l) override {
        while (l.accept(this, 0) != nullptr) {
        }
    }
    void on_message(tcp::TcpConn& c, const net::AppMessage&) override {
        net::AppMessage r;
        r.bytes = 2000;
        c.send(r);
    }
};

struct Client final : tcp::TcpApp {
    struct Conn {
        Client* owner;
        tcp::TcpConn* tcp = nullptr;
        sim::Timer tick;
        uint64_t responses = 0;
        explicit Conn(Client* o, sim::Simulator& s) : owner(o), tick(s, [this] { owner->on_tick(*this); }) {}
    };
    sim::Simulator* sim = nullptr;
    net::Host* host = nullptr;
    std::vector<std::unique_ptr<Conn>> conns;
    uint64_t responses = 0;
    uint64_t errors = 0;

    void on_tick(Conn& c) {
        if (c.tcp == nullptr) return;
        net::AppMessage req;
        req.bytes = 200;
        c.tcp->send(req);
        c.tick.arm(sim::s(1));
    }
    void on_connected(tcp::TcpConn& t) override { on_tick(*conns[t.tag()]); }
    void on_message(tcp::TcpConn& t, const net::AppMessage&) override {
        ++conns[t.tag()]->responses;
        ++responses;
    }
    void on_error(tcp::TcpConn& t, tcp::SocketError) override {
        conns[t.tag()]->tcp = nullptr;
        ++errors;
    }
};

}  // namespace

int run_tcp(const std::vector<std::string>& args) {
    int clients = 100;
    int servers = 10;
    int per_client = 100;
    int64_t seconds = 60;
    double loss = 0;
    std::string loss_text = "0";
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--conns-per-client" && i + 1 < args.size()) {
            per_client = std::atoi(args[++i].c_str());
        } else if (args[i] == "--seconds" && i + 1 < args.size()) {
            seconds = std::atoll(args[++i].c_str());
        } else if (args[i] == "--loss" && i + 1 < args.size()) {
            loss_text = args[++i];
            char* end = nullptr;
            loss = std::strtod(loss_text.c_str(), &end);
            if (end != nullptr && *end == '%') loss /= 100, ++end;
            if (end == nullptr || *end != '\0' || !(loss >= 0 && loss < 0.5)) {
                std::fprintf(stderr, "lvsim-bench tcp: --loss takes a share below 50%%, e.g. 1%% or 0.01\n");
                return 2;
            }
        } else {
            std::fprintf(stderr,
                         "lvsim-bench tcp: unknown argument '%s' (use --conns-per-client N, --seconds S, "
                         "--loss P)\n",
                         args[i].c_str());
            return 2;
        }
    }
    sim::Simulator sim(1);
    net::Network net(sim);
    const auto router = net.add_node("router", net::NodeKind::Router);
    std::vector<std::unique_ptr<net::Host>> client_hosts, server_hosts;
    Server server_app;
    for (int i = 0; i < servers; ++i) {
        auto h = std::make_unique<net::Host>(net, "server" + std::to_string(i), tcp::linux6_profile());
        h->add_address(Ipv4::of(10, 2, 0, static_cast<uint8_t>(i + 1)));
        net.add_link(h->node(), router, {sim::ms(5), 1'000'000'000, loss, {}, {}});
        h->tcp().listen({Ipv4(), 80}, 4096, &server_app);
        server_hosts.push_back(std::move(h));
    }
    std::vector<std::unique_ptr<Client>> apps;
    for (int i = 0; i < clients; ++i) {
        auto h = std::make_unique<net::Host>(net, "client" + std::to_string(i), tcp::linux6_profile());
        h->add_address(Ipv4::of(10, 1, static_cast<uint8_t>(i / 250), static_cast<uint8_t>(i % 250 + 1)));
        net.add_link(h->node(), router, {sim::ms(5), 1'000'000'000, loss, {}, {}});
        auto app = std::make_unique<Client>();
        app->sim = &sim;
        app->host = h.get();
        client_hosts.push_back(std::move(h));
        apps.push_back(std::move(app));
    }
    net.finalize();
    // Connections open spread over the first second.
    sim::Rng rng = sim.stream("bench");
    for (int i = 0; i < clients; ++i) {
        Client& app = *apps[i];
        for (int k = 0; k < per_client; ++k) {
            auto c = std::make_unique<Client::Conn>(&app, sim);
            const net::Endpoint dst{Ipv4::of(10, 2, 0, static_cast<uint8_t>((i + k) % servers + 1)), 80};
            const uint64_t tag = app.conns.size();
            Client::Conn* raw = c.get();
            app.conns.push_back(std::move(c));
            sim.after(sim::ns(static_cast<int64_t>(rng.below(1'000'000'000))), [raw, dst, tag, &app] {
                raw->tcp = app.host->tcp().connect(app.host->address(), dst, &app, tag);
            });
        }
    }
    const auto t0 = Clock::now();
    sim.run_until(sim::at(sim::s(seconds)));
    const double wall = seconds_since(t0);
    size_t tcp_bytes = 0;
    uint64_t open = 0;
    for (auto& h : client_hosts) {
        tcp_bytes += h->tcp().memory_bytes();
        open += h->tcp().count(tcp::TcpState::Established);
    }
    for (auto& h : server_hosts) tcp_bytes += h->tcp().memory_bytes();
    uint64_t responses = 0, errors = 0;
    for (auto& a : apps) responses += a->responses, errors += a->errors;
    tcp::RetransmitCounts by;
    for (const auto* list : {&client_hosts, &server_hosts})
        for (const auto& h : *list) {
            const auto& k = h->tcp().counters().retransmits_by;
            by.dupack += k.dupack, by.rack += k.rack, by.tlp += k.tlp, by.rto += k.rto;
        }
    std::printf("tcp%s connections=%llu events=%llu events_per_s=%.0f bytes_per_conn=%.0f",
                loss > 0 ? "-loss" : "", static_cast<unsigned long long>(open),
                static_cast<unsigned long long>(sim.events_executed()),
                static_cast<double>(sim.events_executed()) / wall,
                static_cast<double>(tcp_bytes) / static_cast<double>(open));
    if (loss > 0)
        std::printf(" loss=%s retransmits dupack=%llu rack=%llu tlp=%llu rto=%llu", loss_text.c_str(),
                    static_cast<unsigned long long>(by.dupack), static_cast<unsigned long long>(by.rack),
                    static_cast<unsigned long long>(by.tlp), static_cast<unsigned long long>(by.rto));
    std::printf("\n");
    std::fprintf(stderr, "  responses=%llu errors=%llu wall_s=%.2f sizeof(TcpConn)=%zu peak_rss_mb=%.0f\n",
                 static_cast<unsigned long long>(responses), static_cast<unsigned long long>(errors), wall,
                 sizeof(tcp::TcpConn), peak_rss_mb());
    return 0;
}

}  // namespace lvs::bench
