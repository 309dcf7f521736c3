// Browsers and a web server on a two-host network (no director), for the HTTP tests.
#pragma once

#include <memory>
#include <vector>

#include "models/http/browser.hpp"
#include "models/http/web_server.hpp"
#include "support/tcp_harness.hpp"

namespace lvs::testing {

struct WebSetup {
    TwoHosts net;
    http::ServerConfig server_config;
    std::unique_ptr<http::WebServer> server;
    http::BrowserStats stats;
    std::vector<std::unique_ptr<http::Browser>> browsers;
    std::vector<std::unique_ptr<net::Host>> extra_clients;

    WebSetup(Duration rtt, const http::ServerConfig& server_cfg) : net(rtt), server_config(server_cfg) {
        server = std::make_unique<http::WebServer>(net.server, server_config);
        server->start();
    }
    http::BrowserConfig browser_config(const std::string& profile = "ie8") const {
        http::BrowserConfig c;
        c.profile = *http::find_client_profile(profile);
        c.server = net.server_ep();
        return c;
    }
    http::Browser& add_browser(const http::BrowserConfig& c) {
        browsers.push_back(std::make_unique<http::Browser>(
            net.client, "browser" + std::to_string(browsers.size()), c, stats));
        browsers.back()->start();
        return *browsers.back();
    }
    void run_until(Time t) { net.sim.run_until(t); }
};

inline http::ServerConfig preset(const std::string& name) { return *http::find_server_preset(name); }

}  // namespace lvs::testing
