// keepalived's virtual_server turned into lvsim's terms. Defaults from keepalived 2.4:
// check_data.c (alloc_vs, alloc_rs, validate_check_config), check_http.c, check_tcp.c,
// check_misc.c (each checker's retry and delay_before_retry).
#include <algorithm>

#include "models/import/import_parts.hpp"
#include "models/import/keepalived_model.hpp"

namespace lvs::import {

using ipvs::CheckType;

namespace {

// One real_server's checker with keepalived's defaults, each value from the innermost line that
// set it.
ServerCheck server_check(const VirtualServer& vs, const RealServer& r, const std::string& name,
                         const std::string& origin) {
    const auto at = [&](const Word& w) { return Source{origin, w.line, w.column}; };
    ServerCheck sc;
    sc.realserver = name;
    sc.check = *r.check;
    const Inherited& own = r.own;
    const bool script = sc.check.type == CheckType::Script;
    const bool http = sc.check.type == CheckType::Http;
    // Defaults (check_http.c, check_tcp.c, check_misc.c): retry 1 (MISC_CHECK 0),
    // delay_before_retry 3 s for HTTP_GET/SSL_GET, 1 s otherwise; connect_timeout 5 s;
    // misc_timeout the delay_loop.
    const uint32_t retry =
        own.retry.value_or(r.inherited.retry.value_or(vs.inherited.retry.value_or(script ? 0 : 1)));
    sc.check.failures = retry + 1;
    sc.check.retry_delay = own.delay_before_retry.value_or(r.inherited.delay_before_retry.value_or(
        vs.inherited.delay_before_retry.value_or(sim::s(http ? 3 : 1))));
    sc.check.timeout = script ? r.misc_timeout.value_or(vs.delay_loop)
                              : own.connect_timeout.value_or(r.inherited.connect_timeout.value_or(
                                    vs.inherited.connect_timeout.value_or(sim::s(5))));
    sc.check.quiescent = r.inhibit.value_or(vs.inhibit);
    sc.from = at(r.at);
    // Each value from the innermost line that set it: the checker, the real_server, the
    // virtual_server.
    sc.at = r.check_src;
    for (const Inherited* level : {&vs.inherited, &r.inherited, &own})
        for (const auto& [key, word] : level->src) sc.at[key] = at(word);
    return sc;
}

}  // namespace

void emit_virtual_server(const VirtualServer& vs, const std::vector<net::Endpoint>& vips,
                         const std::string& origin, Director& out_) {
    const auto at = [&](const Word& w) { return Source{origin, w.line, w.column}; };
    const auto simplify = [&](const Word& w, const std::string& why) {
        out_.simplified.push_back({w.text, why, at(w)});
    };
    // check_data.c, validate_check_config(): a quorum above the total weight is cut to it,
    // a hysteresis at or above the quorum to quorum - 1.
    uint32_t total = 0;
    for (const RealServer& r : vs.reals) total += r.weight.value_or(vs.weight.value_or(1));
    uint32_t quorum = vs.quorum;
    if (total > 0 && quorum > total) {
        simplify(vs.at, "quorum " + std::to_string(quorum) + " above the total weight " +
                            std::to_string(total) + ": keepalived lowers it to " + std::to_string(total));
        quorum = total;
    }
    const uint32_t hysteresis = vs.hysteresis >= quorum ? quorum - 1 : vs.hysteresis;
    // Which lines gave a rule its options, or which default it took.
    const auto detail = [](const std::map<std::string, Word>& src,
                           std::initializer_list<std::pair<const char*, const char*>> keys) {
        std::string out;
        for (const auto& [key, otherwise] : keys) {
            const auto it = src.find(key);
            if (it != src.end())
                out += (out.empty() ? "" : ", ") + std::string(key) + " :" + std::to_string(it->second.line);
            else if (otherwise[0] != '\0' && key[0] != '\0')
                out += (out.empty() ? "" : ", ") + std::string(otherwise);
        }
        return out;
    };
    const std::string service_detail =
        detail(vs.src, {{"lvs_sched", ""},
                        {"lb_algo", ""},
                        {"lvs_method", ""},
                        {"lb_kind", ""},
                        {"persistence_timeout", ""},
                        {"persistence_granularity", ""},
                        {"protocol", ""},
                        {"ops", ""}}) +
        (vs.src.count("lvs_sched") + vs.src.count("lb_algo") == 0 ? "; scheduler wlc: keepalived's default"
                                                                  : "") +
        (vs.forward_given ? "" : "; NAT: keepalived's default");
    for (const net::Endpoint& vip : vips) {
        const std::string svc = vs.protocol + " " + vip.str();
        std::string line = "-A " + svc + " -s " + vs.scheduler;
        if (vs.persistence) line += " -p " + std::to_string(*vs.persistence);
        if (!vs.netmask.empty()) line += " -M " + vs.netmask;
        if (vs.ops) line += " -o";
        if (!vs.sched_flags.empty()) line += " -b " + vs.sched_flags;
        out_.rules.push_back({line, at(vs.at), service_detail});
        for (const RealServer& r : vs.reals) {
            // No port: the virtual server's; direct routing and tunnels cannot map ports, so
            // keepalived resets any other to it (validate_check_config()).
            const std::string forward = r.forward.value_or(vs.forward);
            net::Endpoint addr = r.addr;
            if (addr.port == 0) addr.port = vip.port;
            else if (forward != "-m" && addr.port != vip.port) {
                simplify(r.at, "port " + std::to_string(addr.port) +
                                   " of a DR/TUN realserver: keepalived uses the "
                                   "virtual server's, " +
                                   std::to_string(vip.port));
                addr.port = vip.port;
            }
            std::string rl = "-a " + svc + " -r " + addr.str() + " " + forward + " -w " +
                             std::to_string(r.weight.value_or(vs.weight.value_or(1)));
            if (r.uthreshold != 0) rl += " -x " + std::to_string(r.uthreshold);
            if (r.lthreshold != 0) rl += " -y " + std::to_string(r.lthreshold);
            out_.rules.push_back({rl, at(r.at),
                                  detail(r.src, {{"weight", "weight 1: keepalived's default"},
                                                 {"uthreshold", ""},
                                                 {"lthreshold", ""}})});
            const std::string name =
                add_realserver(out_, vs.protocol == "-t" ? addr : net::Endpoint{addr.addr, 0}, at(r.at));
            for (Realserver& x : out_.realservers)
                if (x.name == name && r.check) x.check_status = r.check_status;
        }
        if (vs.protocol != "-t") {
            if (std::any_of(vs.reals.begin(), vs.reals.end(),
                            [](const RealServer& r) { return r.check.has_value(); }))
                simplify(vs.at,
                         "checks of a UDP service (UDP_CHECK, DNS_CHECK, MISC_CHECK) are not simulated: its "
                         "realservers stay in the table; give them `dns:` or `syslog:` to answer");
            continue;
        }
        HealthCheck h;
        h.name = "keepalived_" + dotted_name(vip);
        h.service = vip;
        h.tool = ipvs::CheckerTool::Keepalived;
        h.interval = vs.delay_loop;
        h.alpha = vs.alpha;
        h.omega = vs.omega;
        h.quorum = quorum;
        h.hysteresis = hysteresis;
        h.fallback = vs.sorry;
        if (h.fallback && h.fallback->port == 0) h.fallback->port = vip.port;
        // The sorry server goes in with sorry_server_lvs_method, else the service's (alloc_ssvr()).
        const std::string sorry_forward = vs.sorry_forward.value_or(vs.forward);
        h.fallback_forward = sorry_forward == "-m"   ? ipvs::Forward::Masq
                             : sorry_forward == "-g" ? ipvs::Forward::Route
                                                     : ipvs::Forward::Tunnel;
        h.warmup = vs.warmup;
        h.from = at(vs.at);
        for (const auto& [key, word] : std::map<std::string, std::string>{{"interval", "delay_loop"},
                                                                          {"alpha", "alpha"},
                                                                          {"omega", "omega"},
                                                                          {"quorum", "quorum"},
                                                                          {"hysteresis", "hysteresis"},
                                                                          {"fallback", "sorry_server"},
                                                                          {"warmup", "warmup"}})
            if (const auto it = vs.src.find(word); it != vs.src.end()) h.at[key] = at(it->second);
        for (const RealServer& r : vs.reals) {
            if (!r.check) continue;
            h.servers.push_back(server_check(vs, r, realserver_name(out_, r.addr.addr), origin));
        }
        if (h.servers.empty()) continue;  // no checker: keepalived leaves the realservers as they are
        h.check = h.servers.front().check;
        // The sorry server is a host only where a checker can bring it in.
        if (h.fallback) add_realserver(out_, *h.fallback, h.from, "sorry");
        out_.checks.push_back(std::move(h));
    }
}

}  // namespace lvs::import
