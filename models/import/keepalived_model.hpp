// keepalived.conf in keepalived's own terms, between reading it (keepalived.cpp) and turning
// it into lvsim's rules and checks (keepalived_emit.cpp).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/import/config_blocks.hpp"

namespace lvs::import {

// One real_server's checker as keepalived resolves it: values inherited checker <- real_server
// <- virtual_server (check_data.c, validate_check_config()).
struct Inherited {
    std::optional<sim::Duration> connect_timeout;
    std::optional<uint32_t> retry;
    std::optional<sim::Duration> delay_before_retry;
    std::map<std::string, Word> src;  // "timeout", "failures", "retry_delay": the line it was on
};

struct RealServer {
    Word at;
    net::Endpoint addr;                  // port 0: none written (keepalived takes the virtual server's)
    std::optional<uint32_t> weight;      // none: the virtual_server's `weight`, else 1
    std::optional<std::string> forward;  // its own lvs_method ("-m", "-g", "-i")
    uint32_t uthreshold = 0;
    uint32_t lthreshold = 0;
    std::optional<bool> inhibit;  // none: the virtual_server's inhibit_on_failure
    Inherited inherited;
    std::optional<ipvs::CheckMethod> check;
    uint16_t check_status = 200;
    Sources check_src;  // the checker's own lines, by scenario key
    Inherited own;      // the checker's connect_timeout, retry, delay_before_retry
    std::optional<sim::Duration> misc_timeout;
    std::map<std::string, Word> src;  // its own lines, by keyword (weight, uthreshold, ...)
};
struct VirtualServer {
    Word at;
    std::string scheduler = "wlc";
    std::string forward = "-m";
    bool forward_given = false;
    std::string protocol = "-u";
    bool protocol_given = false;
    std::optional<uint32_t> persistence;
    std::string netmask;
    bool ops = false;
    std::string sched_flags;         // -b: flag-1..3, sh-port, sh-fallback, mh-port, mh-fallback, hashed
    std::optional<uint32_t> weight;  // the realservers' default weight
    bool inhibit = false;            // the realservers' default inhibit_on_failure
    std::optional<sim::Duration> warmup;
    std::optional<std::string> sorry_forward;  // sorry_server_lvs_method
    sim::Duration delay_loop = sim::s(60);
    uint32_t quorum = 1;
    uint32_t hysteresis = 0;
    bool alpha = false;
    bool omega = false;
    std::optional<net::Endpoint> sorry;
    Inherited inherited;
    std::vector<RealServer> reals;
    std::map<std::string, Word> src;  // by keyword
};

// One virtual_server (for each of its VIPs) as ipvsadm rules, realservers and a health check,
// with keepalived's defaults and its corrections of quorum and hysteresis.
void emit_virtual_server(const VirtualServer& vs, const std::vector<net::Endpoint>& vips,
                         const std::string& origin, Director& out);

}  // namespace lvs::import
