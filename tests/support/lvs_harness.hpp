// A small LVS farm for tests: clients behind a router, a director on a LAN with realservers.
//
//   client(s) --10 ms-- router --1 ms-- lan switch --+-- director (10.0.0.1, VIP 10.0.0.100)
//                                                     +-- rs1 192.168.10.11
//                                                     +-- rs2 192.168.10.12
// NAT realservers use the director as their gateway; DR realservers reply through the router
// and carry the VIP on a non-ARPing loopback.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/http/browser.hpp"
#include "models/http/web_server.hpp"
#include "models/ipvs/director.hpp"
#include "models/ipvs/ipvsadm.hpp"
#include "support/tcp_harness.hpp"

namespace lvs::testing {

struct Farm {
    Simulator sim;
    net::Network net{sim};
    net::NodeId router;
    net::NodeId lan;
    std::unique_ptr<ipvs::Director> director;
    std::vector<std::unique_ptr<net::Host>> clients;
    std::vector<std::unique_ptr<net::Host>> rs;
    std::vector<std::unique_ptr<http::WebServer>> web;
    http::BrowserStats stats;
    std::vector<std::unique_ptr<http::Browser>> browsers;
    Ipv4 vip = Ipv4::of(10, 0, 0, 100);

    explicit Farm(const ipvs::KernelProfile& kernel = ipvs::current_kernel(), int servers = 2,
                  bool dr = false, uint64_t seed = 1, const std::string& server_preset = "iis")
        : sim(seed) {
        router = net.add_node("router", net::NodeKind::Router);
        lan = net.add_node("lan", net::NodeKind::Switch);
        net.add_link(router, lan, {us(100), 1'000'000'000, 0, {}, {}});
        director = std::make_unique<ipvs::Director>(net, "director", Ipv4::of(10, 0, 0, 1), kernel,
                                                    tcp::linux6_profile());
        net.add_link(director->node(), lan, {us(50), 1'000'000'000, 0, {}, {}});
        for (int i = 0; i < servers; ++i) {
            auto h = std::make_unique<net::Host>(net, "rs" + std::to_string(i + 1), tcp::linux6_profile());
            const Ipv4 addr = Ipv4::of(192, 168, 10, static_cast<uint8_t>(11 + i));
            h->add_address(addr);
            net.add_link(h->node(), lan, {us(50), 1'000'000'000, 0, {}, {}});
            if (dr) h->add_local_address(vip);
            else net.set_gateway(h->node(), director->node());
            director->add_realserver(addr, h->node(), h->name());
            auto w = std::make_unique<http::WebServer>(*h, *http::find_server_preset(server_preset));
            w->start();
            rs.push_back(std::move(h));
            web.push_back(std::move(w));
        }
    }
    net::Host& add_client() {
        const auto i = clients.size();
        auto h = std::make_unique<net::Host>(net, "client" + std::to_string(i + 1), tcp::linux6_profile());
        h->add_address(Ipv4::of(203, 0, 113, static_cast<uint8_t>(7 + i)));
        net.add_link(h->node(), router, {ms(10), 100'000'000, 0, {}, {}});
        clients.push_back(std::move(h));
        return *clients.back();
    }
    // Runs an ipvsadm command line; REQUIREs that it parses and succeeds unless told otherwise.
    ipvs::AdminResult ipvsadm(const std::string& line, std::string* out = nullptr) {
        ipvs::IpvsadmError err;
        const auto cmd = ipvs::parse_ipvsadm(line, &err);
        if (!cmd) return {ipvs::AdminCode::Invalid, err.message};
        return ipvs::apply_ipvsadm(*director, *cmd, out);
    }
    void nat_service(const std::string& sched = "wlc") {
        ipvsadm("-A -t 10.0.0.100:80 -s " + sched);
        for (size_t i = 0; i < rs.size(); ++i)
            ipvsadm("-a -t 10.0.0.100:80 -r 192.168.10." + std::to_string(11 + i) + ":80 -m -w 1");
    }
    http::Browser& add_browser(net::Host& client, http::BrowserConfig c) {
        c.server = {vip, 80};
        browsers.push_back(std::make_unique<http::Browser>(
            client, "browser" + std::to_string(browsers.size() + 1), c, stats));
        browsers.back()->start();
        return *browsers.back();
    }
    const ipvs::Dest& dest(int i) const {
        const ipvs::Dest* d = director->find_dest({ipvs::Proto::Tcp, {vip, 80}, 0},
                                                  {Ipv4::of(192, 168, 10, static_cast<uint8_t>(10 + i)), 80});
        REQUIRE(d != nullptr);
        return *d;
    }
    void run_until(Time t) { sim.run_until(t); }
};

}  // namespace lvs::testing
