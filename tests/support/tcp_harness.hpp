// Test fixtures for the network and TCP models: two hosts behind a router, recording
// applications, and a raw peer that captures and injects hand-made segments.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/net/host.hpp"
#include "models/net/network.hpp"
#include "sim/simulator.hpp"

namespace lvs::testing {

using namespace lvs::sim;
using lvs::net::Ipv4;

// Records what TCP tells it; optionally answers every message with `reply_bytes`.
struct RecordingApp : tcp::TcpApp {
    std::vector<std::string> log;
    std::vector<Time> times;
    tcp::TcpConn* conn = nullptr;
    tcp::SocketError error = tcp::SocketError::None;
    uint32_t reply_bytes = 0;
    uint32_t bytes = 0;
    int messages = 0;
    bool eof = false;
    bool close_on_eof = true;
    Simulator* sim = nullptr;
    std::function<void(tcp::TcpConn&)> on_msg;

    void note(std::string s) {
        log.push_back(std::move(s));
        times.push_back(sim != nullptr ? sim->now() : Time{});
    }
    void on_connected(tcp::TcpConn& c) override {
        conn = &c;
        note("connected");
    }
    void on_bytes(tcp::TcpConn&, uint32_t n) override { bytes += n; }
    void on_message(tcp::TcpConn& c, const net::AppMessage& m) override {
        ++messages;
        note("message:" + std::to_string(m.bytes));
        if (reply_bytes > 0) {
            net::AppMessage r;
            r.bytes = reply_bytes;
            c.send(r);
        }
        if (on_msg) on_msg(c);
    }
    void on_eof(tcp::TcpConn& c) override {
        eof = true;
        note("eof");
        if (close_on_eof) {
            c.close();
            if (conn == &c) conn = nullptr;
        }
    }
    void on_error(tcp::TcpConn& c, tcp::SocketError e) override {
        error = e;
        note(std::string("error:") + std::string(tcp::to_string(e)));
        if (conn == &c) conn = nullptr;
    }
    void on_acceptable(tcp::Listener& l) override {
        conn = l.accept(this, 0);
        note("accepted");
    }
};

// linux-6 with another congestion control than its default cubic (tests of slow start or
// PRR pin Reno; BBR paces and sets cwnd from its model).
inline tcp::TcpProfile linux6_with(tcp::CongestionControl cc) {
    tcp::TcpProfile p = tcp::linux6_profile();
    p.sysctl.tcp_congestion_control = cc;
    return p;
}

// Two hosts (client 10.0.0.1, server 10.0.0.2) joined through a router; `rtt` is the
// round-trip propagation time.
struct TwoHosts {
    Simulator sim;
    net::Network net{sim};
    net::Host client;
    net::Host server;
    net::NodeId router;

    explicit TwoHosts(Duration rtt = ms(20), const tcp::TcpProfile& profile = tcp::linux6_profile(),
                      uint64_t seed = 1, uint64_t bps = 100'000'000)
        : sim(seed), client(net, "client", profile), server(net, "server", profile) {
        client.add_address(Ipv4::of(10, 0, 0, 1));
        server.add_address(Ipv4::of(10, 0, 0, 2));
        router = net.add_node("router", net::NodeKind::Router);
        net.add_link(client.node(), router, {rtt / 4, bps, 0.0, {}, {}});
        net.add_link(router, server.node(), {rtt / 4, bps, 0.0, {}, {}});
        net.finalize();
    }
    net::Endpoint server_ep(net::Port port = 80) const { return {Ipv4::of(10, 0, 0, 2), port}; }
};

// A client connected to a server that answers every message with `reply_bytes`, one second
// after the start (the handshake done).
struct ClientServer {
    RecordingApp server_app, client_app;
    ClientServer(TwoHosts& h, uint32_t reply_bytes) {
        server_app.sim = client_app.sim = &h.sim;
        server_app.reply_bytes = reply_bytes;
        h.server.tcp().listen({Ipv4(), 80}, 128, &server_app);
        h.client.tcp().connect(Ipv4::of(10, 0, 0, 1), h.server_ep(), &client_app, 0);
        h.sim.run_until(at(s(1)));
    }
    // The client sends one request of `bytes`.
    void request(uint32_t bytes = 300) {
        net::AppMessage req;
        req.bytes = bytes;
        client_app.conn->send(req);
    }
};

// A node that records every packet it receives and can send hand-made ones.
struct RawPeer : net::Node {
    net::Network& net;
    net::NodeId node;
    std::vector<net::Packet> got;
    std::vector<Time> at;
    RawPeer(net::Network& n, const std::string& name, Ipv4 addr)
        : net(n), node(n.add_node(name, net::NodeKind::Host, this)) {
        n.add_address(node, addr);
    }
    void receive(const net::Packet& p) override {
        got.push_back(p);
        at.push_back(net.simulator().now());
    }
    void inject(const net::Packet& p) { net.send(node, p); }
    const net::Packet& last() const { return got.back(); }
};

}  // namespace lvs::testing
