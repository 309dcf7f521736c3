// lvsim import: realistic files of each kind (tests/import/fixtures), every listed directive read
// into the right value, the tools' defaults filled in, what lvsim simplifies or ignores said, and
// bad files refused with file:line:column and a hint.
#include <algorithm>
#include <catch2/catch.hpp>

#include "models/import/imported.hpp"
#include "models/import/scenario_yaml.hpp"
#include "models/ipvs/ipvsadm.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"

using namespace lvs;
using import::Kind;

namespace {

std::string fixture(const std::string& name) {
    return std::string(LVSIM_SOURCE_DIR) + "/tests/import/fixtures/" + name;
}

import::Director read(Kind kind, const std::string& name){import::Director d;
import::import_file(kind, fixture(name), d);
return d;
}  // namespace

bool has_rule(const import::Director& d, const std::string& line) {
    return std::any_of(d.rules.begin(), d.rules.end(), [&](const import::Rule& r) { return r.line == line; });
}

bool noted(const std::vector<import::Note>& notes, const std::string& directive) {
    return std::any_of(notes.begin(), notes.end(),
                       [&](const import::Note& n) { return n.directive == directive; });
}

const import::HealthCheck& check_named(const import::Director& d, const std::string& name) {
    for (const auto& h : d.checks)
        if (h.name == name) return h;
    FAIL("no health check " << name);
    throw;
}

const import::ServerCheck& server_check(const import::HealthCheck& h, const std::string& rs) {
    for (const auto& s : h.servers)
        if (s.realserver == rs) return s;
    FAIL("no check of " << rs << " in " << h.name);
    throw;
}

// The error a text gives, as "line:column: message".
std::string error_of(Kind kind, const std::string& text) {
    import::Director d;
    try {
        import::import_text(kind, text, "t.conf", d);
    } catch (const import::ImportError& e) {
        return std::to_string(e.at().line) + ":" + std::to_string(e.at().column) + ": " + e.what();
    }
    return "no error";
}

// What the written scenario does: it must load and run.
scenario::Report run_written(const import::Director& d, sim::Duration for_how_long) {
    import::Director copy = d;
    import::infer_services(copy);
    scenario::Scenario s =
        scenario::load_scenario_text(import::scenario_yaml(copy, "lvsim import (test)"), "written");
    s.duration = for_how_long;
    scenario::Run run(s);
    return run.run();
}

}  // namespace

SCENARIO("keepalived.conf 2.x: groups, quorum, alpha, every checker kind with its own values", "[import]") {
    const import::Director d = read(Kind::Keepalived, "keepalived-2x.conf");
    THEN("the group's two VIPs become services with the virtual_server's scheduler, method and persistence") {
        CHECK(has_rule(d, "-A -t 10.0.0.100:80 -s wlc -p 300"));
        CHECK(has_rule(d, "-A -t 10.0.0.101:80 -s wlc -p 300"));
        CHECK(has_rule(d, "-a -t 10.0.0.101:80 -r 192.168.10.12:80 -m -w 2"));
        CHECK(has_rule(d, "-A -t 10.0.0.102:80 -s rr"));
        CHECK(has_rule(d, "-a -t 10.0.0.102:80 -r 192.168.10.14:80 -g -w 1"));
    }
    THEN(
        "the virtual_server's checker settings: delay_loop, quorum, hysteresis, alpha, omega, sorry_server") {
        const auto& h = check_named(d, "keepalived_10_0_0_100_80");
        CHECK(h.tool == ipvs::CheckerTool::Keepalived);
        CHECK(h.interval == sim::s(6));
        CHECK(h.quorum == 2);
        CHECK(h.hysteresis == 1);
        CHECK(h.alpha);
        CHECK(h.omega);
        REQUIRE(h.fallback.has_value());
        CHECK(h.fallback->str() == "192.168.10.99:80");
        CHECK(h.at.at("interval").line == 22);
    }
    THEN("each real_server's checker: HTTP_GET, SSL_GET and TCP_CHECK with retry + 1 failures") {
        const auto& h = check_named(d, "keepalived_10_0_0_100_80");
        const auto& rs11 = server_check(h, "rs11");
        CHECK(rs11.check.type == ipvs::CheckType::Http);
        CHECK(rs11.check.path == "/healthz");
        CHECK(rs11.check.status_codes == std::vector<uint16_t>{200});
        CHECK(rs11.check.timeout == sim::s(3));
        CHECK(rs11.check.failures == 3);
        CHECK(rs11.check.retry_delay == sim::s(2));
        CHECK(rs11.check.quiescent);  // inhibit_on_failure
        const auto& rs12 = server_check(h, "rs12");
        CHECK(rs12.check.type == ipvs::CheckType::Http);  // SSL_GET
        CHECK(rs12.check.path == "/status");
        CHECK(rs12.check.failures == 2);
        const auto& rs13 = server_check(h, "rs13");
        CHECK(rs13.check.type == ipvs::CheckType::Tcp);
        CHECK(rs13.check.timeout == sim::s(2));
        CHECK(rs13.check.failures == 4);
        CHECK_FALSE(rs13.check.quiescent);
    }
    THEN("MISC_CHECK is a scripted verdict: retry 0 by default, misc_timeout as its timeout") {
        const auto& rs14 = server_check(check_named(d, "keepalived_10_0_0_102_80"), "rs14");
        CHECK(rs14.check.type == ipvs::CheckType::Script);
        CHECK(rs14.check.failures == 1);
        CHECK(rs14.check.timeout == sim::s(5));
    }
    THEN("what lvsim simplifies and what has no effect is listed, never dropped") {
        for (const char* s : {"SSL_GET", "connect_port", "url", "misc_path", "omega"})
            CHECK(noted(d.simplified, s));
        for (const char* s : {"router_id", "notification_email", "notification_email_from", "smtp_server",
                              "smtp_connect_timeout", "enable_script_security"})
            CHECK(noted(d.ignored, s));
    }
    THEN("the sorry server is a host of its own") {
        CHECK(std::any_of(d.realservers.begin(), d.realservers.end(), [](const auto& r) {
            return r.name == "sorry" && r.address.str() == "192.168.10.99";
        }));
    }
    THEN(
        "the scenario it writes runs: alpha holds the realservers out until the 1 s check, then they serve") {
        const scenario::Report rep = run_written(d, sim::s(20));
        uint64_t served = 0;
        for (const auto& s : rep.realservers)
            if (s.name.rfind("rs1", 0) == 0) served += s.requests;
        CHECK(served > 0);
        CHECK(rep.clients.objects_failed == 0);
    }
}

SCENARIO("keepalived.conf 1.x spellings: lb_algo, lb_kind, nb_get_retry, digest", "[import]") {
    const import::Director d = read(Kind::Keepalived, "keepalived-1x.conf");
    CHECK(has_rule(d, "-A -t 10.0.0.103:80 -s wrr -p 120"));
    CHECK(has_rule(d, "-a -t 10.0.0.103:80 -r 192.168.10.11:80 -m -w 3"));
    CHECK(has_rule(d, "-A -t 10.0.0.104:443 -s wlc -p 600"));
    CHECK(has_rule(d, "-a -t 10.0.0.104:443 -r 192.168.10.13:443 -g -w 1"));
    const auto& rs11 = server_check(check_named(d, "keepalived_10_0_0_103_80"), "rs11");
    CHECK(rs11.check.failures == 4);  // nb_get_retry 3
    CHECK(rs11.check.retry_delay == sim::s(3));
    CHECK(rs11.check.path == "/");
    const auto& rs13 = server_check(check_named(d, "keepalived_10_0_0_104_443"), "rs13");
    CHECK(rs13.check.type == ipvs::CheckType::Tcp);
    CHECK(rs13.check.failures == 2);             // TCP_CHECK's default retry 1
    CHECK(rs13.check.retry_delay == sim::s(1));  // and delay_before_retry 1 s
    CHECK(noted(d.simplified, "digest"));
    const auto rs = std::find_if(d.realservers.begin(), d.realservers.end(),
                                 [](const auto& r) { return r.name == "rs13"; });
    REQUIRE(rs != d.realservers.end());
    CHECK(rs->port == 443);
}

SCENARIO("keepalived.conf mistakes and director-pair sections are refused with the place and a hint",
         "[import]") {
    import::Director d;
    try {
        import::import_file(Kind::Keepalived, fixture("keepalived-vrrp.conf"), d);
        FAIL("a vrrp_instance was accepted");
    } catch (const import::ImportError& e) {
        CHECK(std::string(e.what()).find("vrrp_instance") != std::string::npos);
        CHECK(e.hint().find("ha: section") != std::string::npos);
        CHECK(e.at().line > 0);
        CHECK(e.at().column == 1);
    }
    CHECK(error_of(Kind::Keepalived, "virtual_server 10.0.0.1 80 {\n  lvs_sched wlc\n  lb_foo 3\n}\n") ==
          "3:3: unknown virtual_server keyword 'lb_foo'");
    CHECK(error_of(Kind::Keepalived, "virtual_server 10.0.0.1 80 {\n  lvs_method nat\n}\n") ==
          "2:14: lvs_method is NAT, DR or TUN (keepalived compares them case-sensitively)");
    CHECK(error_of(Kind::Keepalived, "virtual_server 10.0.0.1 80 {\n  delay_loop 6\n") ==
          "1:28: this block is never closed");
    CHECK(error_of(Kind::Keepalived, "}\n") == "1:1: `}` closes no block");
    CHECK(error_of(Kind::Keepalived, "lvs_sync_daemon eth0 VI_1\n").find("director pair") !=
          std::string::npos);
    CHECK(error_of(Kind::Keepalived, "include /etc/keepalived/conf.d/*.conf\n") ==
          "1:1: include: lvsim imports one file");
    CHECK(error_of(Kind::Keepalived,
                   "virtual_server 10.0.0.1 80 {\n  real_server 192.168.1.1 80 {\n    weight x\n  }\n}\n") ==
          "3:12: weight must be a whole number from 0 to 65535, not 'x'");
    std::string deep;
    for (int i = 0; i < 40; ++i) deep += "a {\n";
    CHECK(error_of(Kind::Keepalived, deep).find("nested more than 16 deep") != std::string::npos);
}

SCENARIO("ldirectord.cf: global and per-virtual directives, and ldirectord's defaults", "[import]") {
    const import::Director d = read(Kind::Ldirectord, "ldirectord.cf");
    CHECK(has_rule(d, "-A -t 10.0.0.105:80 -s wlc -p 600"));
    CHECK(has_rule(d, "-a -t 10.0.0.105:80 -r 192.168.10.12:80 -m -w 2"));
    CHECK(has_rule(d, "-A -t 10.0.0.106:80 -s rr"));
    CHECK(has_rule(d, "-a -t 10.0.0.106:80 -r 192.168.10.13:80 -g -w 1"));  // weight 1 when none is given
    CHECK(has_rule(d, "-a -t 10.0.0.106:80 -r 192.168.10.14:80 -i -w 2"));
    const auto& web = check_named(d, "ldirectord_10_0_0_105_80");
    CHECK(web.tool == ipvs::CheckerTool::Ldirectord);
    CHECK(web.interval == sim::s(5));
    CHECK(web.check.type == ipvs::CheckType::Http);  // checktype=negotiate, service=http
    CHECK(web.check.timeout == sim::s(6));           // the virtual's negotiatetimeout over the global 5
    CHECK(web.check.path == "/healthz.html");        // request, a "/" put before it
    CHECK_FALSE(web.check.quiescent);                // the virtual's quiescent=no over the global yes
    REQUIRE(web.fallback.has_value());
    CHECK(web.fallback->str() == "127.0.0.1:80");
    const auto& assets = check_named(d, "ldirectord_10_0_0_106_80");
    CHECK(assets.check.type == ipvs::CheckType::Tcp);  // checktype=connect
    CHECK(assets.check.timeout == sim::s(3));          // checktimeout (global)
    CHECK(assets.check.quiescent);                     // the global quiescent=yes
    CHECK(assets.interval == sim::s(5));               // its own checkinterval=8 needs fork=yes
    CHECK(noted(d.simplified, "checkinterval"));
    CHECK(web.round == "ldirectord");  // fork=no (its default): one loop over both virtuals
    CHECK(assets.round == "ldirectord");
    for (const char* s : {"autoreload", "logfile", "emailalert"}) CHECK(noted(d.ignored, s));
    CHECK(noted(d.simplified, "receive"));
    CHECK(error_of(Kind::Ldirectord, "connecttimeout=4\n") ==
          "1:1: connecttimeout is refused by ldirectord itself (deprecated)");
    CHECK(error_of(Kind::Ldirectord, "virtual=10.0.0.1:80\n\treal=10.1.1.1:80 nat 1\n") ==
          "2:7: 'nat' is no forwarding method");
    CHECK(error_of(Kind::Ldirectord, "checkintervall=5\n") ==
          "1:1: unknown ldirectord directive 'checkintervall'");
    THEN("the scenario it writes runs, realservers added at their first check") {
        const scenario::Report rep = run_written(d, sim::s(20));
        CHECK(rep.clients.objects_ok > 0);
    }
}

SCENARIO("ipvsadm-save -n, ipvsadm -Ln --timeout and sysctl -a", "[import]") {
    const import::Director save = read(Kind::IpvsadmSave, "ipvsadm-save.txt");
    CHECK(save.rules.size() == 20);
    CHECK(has_rule(save, "-a -t 10.0.0.107:443 -r 192.168.10.11:443 -i -w 1"));  // --tun-type ipip taken off
    CHECK(has_rule(save, "-A -f 1 -s wlc -p 600"));
    CHECK(error_of(Kind::IpvsadmSave, "-A -t 10.0.0.1:80 -s wlc\n-L -n\n")
              .rfind("2:1: ipvsadm-save prints only", 0) == 0);
    CHECK(error_of(Kind::IpvsadmSave, "-a -t 10.0.0.1:80 -r 10.1.1.1:80 -i -w 1 --tun-type gue\n")
              .find("tunnel type gue is not simulated") != std::string::npos);

    THEN("a host in services on two TCP ports serves both (its UDP service adds no port)") {
        const auto rs = [&](const std::string& name) {
            return *std::find_if(save.realservers.begin(), save.realservers.end(),
                                 [&](const auto& r) { return r.name == name; });
        };
        CHECK(rs("rs11").port == 80);
        CHECK(rs("rs11").more_ports == std::vector<net::Port>{443});
        CHECK(rs("rs13").more_ports.empty());  // 10.0.0.108:53 is UDP
        import::Director copy = save;
        import::infer_services(copy);
        scenario::Scenario sc = scenario::load_scenario_text(import::scenario_yaml(copy, "test"), "written",
                                                             {"clients.browsers.target=10.0.0.107:443"});
        sc.duration = sim::s(40);
        scenario::Run run(sc);
        const scenario::Report rep = run.run();
        CHECK(rep.clients.objects_ok > 0);  // through the tunnel to port 443
        CHECK(rep.clients.objects_failed == 0);
    }

    const import::Director t = read(Kind::IpvsadmTimeout, "ipvsadm-timeout.txt");
    REQUIRE(t.rules.size() == 1);
    CHECK(t.rules[0].line == "--set 600 60 300");

    const import::Director sc = read(Kind::Sysctl, "sysctl-a.txt");
    const auto value = [&](const std::string& name) {
        for (const auto& x : sc.sysctls)
            if (x.name == name) return x.value;
        return std::string("(absent)");
    };
    CHECK(value("expire_nodest_conn") == "1");
    CHECK(value("expire_quiescent_template") == "1");
    CHECK(value("tcp_fin_timeout") == "60");
    // sync_threshold is a pair (ip_vs_sync.c); the daemon's queue limit is not simulated.
    CHECK(value("sync_threshold") == "3 50");
    CHECK(noted(sc.simplified, "net.ipv4.vs.sync_qlen_max"));
    CHECK(error_of(Kind::Sysctl, "net.ipv4.vs.sync_threshold = 50 3\n") ==
          "1:30: net.ipv4.vs.sync_threshold: the threshold (50) must be below the period (3)");
    CHECK(std::any_of(sc.ignored.begin(), sc.ignored.end(),
                      [](const auto& n) { return n.directive.find("other sysctls") != std::string::npos; }));
    CHECK(error_of(Kind::Sysctl, "net.ipv4.vs.expire_nodest_conn = on\n") ==
          "1:34: net.ipv4.vs.expire_nodest_conn takes 0 to 1, not 'on'");
    THEN(
        "a switch set to any non-zero number is on, as proc_dointvec takes it; sysctl's own messages are "
        "skipped") {
        import::Director d;
        import::import_text(
            Kind::Sysctl,
            "sysctl: permission denied on key 'fs.protected_regular'\nnet.ipv4.vs.expire_nodest_conn = 7\n",
            "s.txt", d);
        REQUIRE(d.sysctls.size() == 1);
        CHECK(d.sysctls[0].value == "1");
        CHECK(noted(d.simplified, "net.ipv4.vs.expire_nodest_conn"));
        CHECK(noted(d.ignored, "sysctl: message"));
    }
}

SCENARIO("connection tables: ipvsadm -Lnc and /proc/net/ip_vs_conn read alike", "[import]") {
    const import::Director lnc = read(Kind::Connections, "ipvsadm-lnc.txt");
    REQUIRE(lnc.connections.size() == 14);
    CHECK(lnc.connections[0].state == "ESTABLISHED");
    CHECK(lnc.connections[0].expires_s == 14 * 60 + 58);
    CHECK(lnc.connections[0].client.str() == "203.0.113.7:51234");
    CHECK(lnc.connections[1].client.port == 0);  // a template
    const import::Director proc = read(Kind::Connections, "ip_vs_conn.txt");
    REQUIRE(proc.connections.size() == 8);  // the UDP entry too (its service is inferred when written)
    CHECK(proc.connections[0].client.str() == "203.0.113.7:51234");
    CHECK(proc.connections[0].vip.str() == "10.0.0.100:80");
    CHECK(proc.connections[0].expires_s == 896);
    CHECK(proc.connections[7].protocol == "UDP");
    CHECK(proc.connections[7].state == "UDP");
    CHECK(error_of(Kind::Connections, "UDP 01:00 ESTABLISHED 1.2.3.4:5 10.0.0.1:53 10.1.1.1:53\n")
              .find("is no IPVS UDP state") != std::string::npos);
    CHECK(error_of(Kind::Connections, "TCP 1x:00 ESTABLISHED 1.2.3.4:5 10.0.0.1:80 10.1.1.1:80\n")
              .rfind("1:1: '1x:00' is no MM:SS expiry", 0) == 0);
    CHECK(error_of(Kind::Connections, "TCP 01:00 ESTABLISHD 1.2.3.4:5 10.0.0.1:80 10.1.1.1:80\n")
              .find("is no IPVS TCP state") != std::string::npos);
    THEN("on their own they write a scenario whose services are inferred, and the entries resume") {
        const scenario::Report rep = run_written(lnc, sim::s(2));
        CHECK(rep.complete);
    }
}

SCENARIO("keepalived.conf as 2.4 also writes it: inherited defaults, scheduler flags, ports left out",
         "[import]") {
    const std::string conf = R"(virtual_server 10.0.0.110 80 {
    delay_loop 10
    lvs_sched mh
    mh-port
    lvs_method TUN type ipip
    protocol TCP
    weight 5
    inhibit_on_failure
    warmup 0
    sorry_server 192.168.10.99
    sorry_server_lvs_method NAT
    real_server 192.168.10.11 {
        HTTP_GET {
            url {
                path /
                status_code 200 abc 204
            }
            fast_recovery
            delay_before_retry 0
        }
    }
    real_server 192.168.10.12 8080 {
        lvs_method DR
        TCP_CHECK { connect_timeout 2 }
    }
}
)";
    import::Director d;
    import::import_text(Kind::Keepalived, conf, "k.conf", d);
    CHECK(has_rule(d, "-A -t 10.0.0.110:80 -s mh -b mh-port"));
    CHECK(has_rule(d, "-a -t 10.0.0.110:80 -r 192.168.10.11:80 -i -w 5"));  // the VIP's port, weight 5
    CHECK(has_rule(d, "-a -t 10.0.0.110:80 -r 192.168.10.12:80 -g -w 5"));  // DR: the port reset to 80
    const auto& h = check_named(d, "keepalived_10_0_0_110_80");
    REQUIRE(h.warmup.has_value());
    CHECK(h.warmup->ns() == 0);
    REQUIRE(h.fallback.has_value());
    CHECK(h.fallback->str() == "192.168.10.99:80");
    CHECK(h.fallback_forward == ipvs::Forward::Masq);
    const auto& rs11 = server_check(h, "rs11");
    CHECK(rs11.check.quiescent);       // inhibit_on_failure inherited from the virtual_server
    CHECK(rs11.check.successes == 1);  // fast_recovery
    REQUIRE(rs11.check.retry_delay.has_value());
    CHECK(rs11.check.retry_delay->ns() == 0);  // delay_before_retry 0: a retry at once
    CHECK(rs11.check.status_codes == std::vector<uint16_t>{200, 204});
    CHECK(noted(d.simplified, "status_code abc"));
    CHECK(noted(d.simplified, "real_server"));  // the DR port reset
    CHECK(error_of(Kind::Keepalived, "virtual_server 10.0.0.1 80 {\n  lvs_method TUN type gre\n}\n") ==
          "2:23: tunnel type gre is not simulated");
}

SCENARIO("ldirectord.cf as ldirectord reads it: real= forms, the port's service, checktype off, timeouts",
         "[import]") {
    const std::string cf =
        "checktimeout=7\n"
        "virtual=10.0.0.111:3306\n"
        "\treal=192.168.10.11 masq 2 l:10 u:100\n"
        "\treal=192.168.10.12:3306 gate \"/ping\", \"pong\"\n"
        "\tnegotiatetimeout=4\n"
        "\tquiescent=yes\n"
        "\tfallback=192.168.10.99\n"
        "virtual=10.0.0.112:80\n"
        "    real=192.168.10.13:80 masq\n"
        "    checktype=off\n"
        "    quiescent=no\n";
    import::Director d;
    import::import_text(Kind::Ldirectord, cf, "l.cf", d);
    CHECK(has_rule(d, "-a -t 10.0.0.111:3306 -r 192.168.10.11:3306 -m -w 2 -x 100 -y 10"));
    CHECK(has_rule(d, "-a -t 10.0.0.111:3306 -r 192.168.10.12:3306 -g -w 1"));
    const auto& db = check_named(d, "ldirectord_10_0_0_111_3306");
    CHECK(db.check.type == ipvs::CheckType::Tcp);  // negotiate of mysql (from the port): a connect
    CHECK(db.check.timeout == sim::s(4));  // the virtual's negotiatetimeout before the global checktimeout
    REQUIRE(db.fallback.has_value());
    CHECK(db.fallback->str() == "192.168.10.99:3306");   // the virtual's port
    CHECK(db.fallback_forward == ipvs::Forward::Route);  // gate, ldirectord's default
    CHECK(server_check(db, "rs12").check.path == "/ping");
    const auto& off = check_named(d, "ldirectord_10_0_0_112_80");
    CHECK(off.check.type == ipvs::CheckType::Off);
    CHECK(import::scenario_yaml(d, "t").find("type: off") != std::string::npos);  // and written so
    CHECK(error_of(Kind::Ldirectord, "virtual=10.0.0.1:80\n\treal=192.168.10.1->192.168.10.4:80 masq\n")
              .find("address ranges") != std::string::npos);
    CHECK(error_of(Kind::Ldirectord, "scheduler=wlc\n") == "1:1: unknown ldirectord directive 'scheduler'");
    CHECK(error_of(Kind::Ldirectord, "virtual=10.0.0.1:80\n  real=10.1.1.1:80 masq\n")
              .find("unknown ldirectord directive 'real'") !=
          std::string::npos);  // two spaces: not the virtual's
}

SCENARIO("state files as the tools print them: --pe, ip_vs_conn_sync, SCTP entries", "[import]") {
    import::Director d;
    import::import_text(Kind::IpvsadmSave, "-A -u 10.0.0.120:5060 -s rr -p 180 --pe sip\n", "s.txt", d);
    CHECK(has_rule(d, "-A -u 10.0.0.120:5060 -s rr -p 180"));
    CHECK(noted(d.simplified, "--pe sip"));
    import::Director c;
    import::import_text(
        Kind::Connections,
        "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires PEName PEData\n"
        "TCP CB007107 C822 0A000064 0050 C0A80A0B 0050 ESTABLISHED Sync       896\n"
        "SCTP 01:00 ESTABLISHED 203.0.113.9:3868 10.0.0.100:3868 192.168.10.11:3868\n",
        "sync.txt", c);
    REQUIRE(c.connections.size() == 1);
    CHECK(c.connections[0].expires_s == 896);
}

SCENARIO("ipvsadm -p without a value is IPVS_SVC_PERSISTENT_TIMEOUT, 360 s", "[import][ipvsadm]") {
    const auto cmd = ipvs::parse_ipvsadm("-A -t 10.0.0.100:80 -s wlc -p", nullptr);
    REQUIRE(cmd.has_value());
    CHECK(cmd->service.persistence_s == 360);
}
