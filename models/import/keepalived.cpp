// keepalived.conf (1.x and 2.x spellings) as an lvsim director. Facts from keepalived 2.4
// (keepalived/check/check_parser.c, check_data.c, check_http.c, check_tcp.c, check_misc.c,
// ipwrapper.c) and keepalived.conf(5); 1.x spellings from 1.2.24.
#include <algorithm>
#include <map>

#include "models/import/config_blocks.hpp"
#include "models/import/import_parts.hpp"
#include "models/import/keepalived_model.hpp"
#include "models/ipvs/scheduler.hpp"

namespace lvs::import {

namespace {

using ipvs::CheckMethod;
using ipvs::CheckType;

class KeepalivedReader {
public:
    KeepalivedReader(const std::string& origin, Director& out) : origin_(origin), out_(out) {}

    void read(const std::vector<Statement>& top) {
        for (const Statement& st : top) {
            const std::string& k = st.keyword().text;
            if (k == "virtual_server_group") group(st);
        }
        for (const Statement& st : top) {
            const std::string& k = st.keyword().text;
            if (k == "global_defs") global_defs(st);
            else if (k == "virtual_server_group") continue;
            else if (k == "virtual_server") virtual_server(st);
            else if (k == "vrrp_instance" || k == "vrrp_sync_group" || k == "vrrp_script" ||
                     k == "vrrp_track_process" || k == "lvs_sync_daemon" || k == "garp_group")
                fail(st.keyword(), k + " is part of a director pair (VRRP, connection sync): not imported",
                     "remove the VRRP sections to import the load balancing, then describe the pair in an "
                     "ha: section (README: \"A highly available pair\")");
            else if (k == "include")
                fail(st.keyword(), "include: lvsim imports one file",
                     "concatenate the included files into one and import that");
            else if (k == "SSL" || k == "track_file" || k == "use_pid_dir" || k == "linkbeat_use_polling" ||
                     k == "net_namespace" || k == "instance" || k == "child_wait_time" || k == "bfd_instance")
                ignore(st.keyword(),
                       "daemon, TLS-client or BFD settings: no effect on the simulated balancing");
            else if (k == "static_ipaddress" || k == "static_routes" || k == "static_rules")
                ignore(st.keyword(),
                       "the director's own addresses and routes: lvsim gives every host its route");
            else
                fail(st.keyword(), "unknown keepalived keyword '" + k + "'",
                     "known at the top: global_defs, virtual_server_group, virtual_server (vrrp_* are "
                     "refused)");
        }
    }

private:
    [[noreturn]] void fail(const Word& w, const std::string& msg, const std::string& hint = {}) const {
        throw ImportError({origin_, w.line, w.column}, msg, hint);
    }
    Source at(const Word& w) const { return {origin_, w.line, w.column}; }
    void ignore(const Word& w, const std::string& why) { out_.ignored.push_back({w.text, why, at(w)}); }
    void simplify(const Word& w, const std::string& why) { out_.simplified.push_back({w.text, why, at(w)}); }

    const Word& arg(const Statement& st, size_t i, const std::string& like) const {
        if (st.words.size() <= i) fail(st.keyword(), st.keyword().text + " needs a value", "e.g. " + like);
        return st.words[i];
    }
    uint32_t number(const Statement& st, size_t i, uint32_t lo, uint32_t hi, const std::string& like) const {
        const Word& w = arg(st, i, like);
        const auto v = parse_uint(w.text);
        if (!v || *v < lo || *v > hi)
            fail(w,
                 st.keyword().text + " must be a whole number from " + std::to_string(lo) + " to " +
                     std::to_string(hi) + ", not '" + w.text + "'",
                 "e.g. " + like);
        return static_cast<uint32_t>(*v);
    }
    // Seconds; only delay_before_retry may be 0 (a retry at once), a loop or a timeout may not.
    sim::Duration seconds(const Statement& st, size_t i, const std::string& like) const {
        const Word& w = arg(st, i, like);
        const auto v = parse_seconds(w.text);
        if (!v || v->ns() > sim::s(86400).ns())
            fail(w, st.keyword().text + " takes seconds (a number up to a day), not '" + w.text + "'",
                 "e.g. " + like);
        if (*v <= sim::Duration{} && st.keyword().text != "delay_before_retry" &&
            st.keyword().text != "warmup")
            fail(w, st.keyword().text + " must be more than 0 seconds", "e.g. " + like);
        return *v;
    }
    net::Ipv4 address_only(const Statement& st, size_t i) const {
        const Word& a = arg(st, i, st.keyword().text + " 192.168.10.11 80");
        const auto ip = net::Ipv4::parse(a.text);
        if (!ip)
            fail(a, "'" + a.text + "' is no IPv4 address", "lvsim imports IPv4 services and realservers");
        return *ip;
    }
    net::Endpoint address_port(const Statement& st, size_t i) const {
        const Word& a = arg(st, i, st.keyword().text + " 192.168.10.11 80");
        const auto ip = std::optional<net::Ipv4>(address_only(st, i));
        const Word& p = arg(st, i + 1, st.keyword().text + " " + a.text + " 80");
        const auto port = parse_uint(p.text);
        if (!port || *port > 65535) fail(p, "'" + p.text + "' is no port", "a number from 0 to 65535");
        return {*ip, static_cast<net::Port>(*port)};
    }

    void global_defs(const Statement& st) {
        for (const Statement& g : st.children) {
            const std::string& k = g.keyword().text;
            if (k == "lvs_sync_daemon")
                fail(g.keyword(), "lvs_sync_daemon runs the connection sync of a director pair: not imported",
                     "remove it (a later issue brings director pairs)");
            if (k == "lvs_timeouts") {
                lvs_timeouts(g);
                continue;
            }
            if (k == "lvs_flush") {
                ignore(g.keyword(), "lvsim's director starts with an empty table anyway");
                continue;
            }
            ignore(g.keyword(),
                   "global_defs: notification, naming and daemon settings do not affect balancing");
        }
    }

    // lvs_timeouts tcp 900 tcpfin 120 udp 300: ipvsadm --set.
    void lvs_timeouts(const Statement& g) {
        std::map<std::string, uint32_t> t{{"tcp", 0}, {"tcpfin", 0}, {"udp", 0}};
        for (size_t i = 1; i + 1 < g.words.size(); i += 2) {
            if (t.count(g.words[i].text) == 0) fail(g.words[i], "lvs_timeouts takes tcp, tcpfin and udp");
            t[g.words[i].text] = number(g, i + 1, 0, 2'000'000, "lvs_timeouts tcp 900 tcpfin 120 udp 300");
        }
        out_.rules.push_back({"--set " + std::to_string(t["tcp"]) + " " + std::to_string(t["tcpfin"]) + " " +
                                  std::to_string(t["udp"]),
                              at(g.keyword()),
                              {}});
    }

    // virtual_server_group NAME { 10.0.0.100 80 | 10.0.0.1-10 80 | fwmark 1 }
    void group(const Statement& st) {
        const std::string name = arg(st, 1, "virtual_server_group web_group {").text;
        std::vector<net::Endpoint>& vips = groups_[name];
        for (const Statement& e : st.children) {
            if (e.keyword().text == "fwmark")
                fail(e.keyword(), "fwmark entries of a virtual_server_group are not imported",
                     "lvsim's fwmark services carry no traffic: list the VIPs with their ports");
            const Word& a = e.keyword();
            const size_t dash = a.text.find('-');
            const auto first = net::Ipv4::parse(a.text.substr(0, dash));
            if (!first)
                fail(a, "'" + a.text + "' is no IPv4 address or range",
                     "e.g. 10.0.0.100 80 or 10.0.0.1-10 80");
            uint32_t last = first->value();
            if (dash != std::string::npos) {
                const auto end = parse_uint(a.text.substr(dash + 1));
                if (!end || *end > 255 || *end < (first->value() & 0xff))
                    fail(a, "'" + a.text + "': a range gives the last octet, e.g. 10.0.0.1-10");
                last = (first->value() & ~0xffu) | static_cast<uint32_t>(*end);
            }
            if (e.words.size() < 2) fail(a, "a group entry needs a port here", "e.g. " + a.text + " 80");
            const auto port = parse_uint(e.words[1].text);
            if (!port || *port > 65535) fail(e.words[1], "'" + e.words[1].text + "' is no port");
            for (uint32_t v = first->value(); v <= last; ++v)
                vips.push_back({net::Ipv4(v), static_cast<net::Port>(*port)});
        }
    }

    void virtual_server(const Statement& st) {
        VirtualServer vs;
        vs.at = st.keyword();
        std::vector<net::Endpoint> vips;
        const Word& first = arg(st, 1, "virtual_server 10.0.0.100 80 {");
        if (first.text == "group") {
            const Word& name = arg(st, 2, "virtual_server group web_group {");
            const auto it = groups_.find(name.text);
            if (it == groups_.end())
                fail(name, "no virtual_server_group named '" + name.text + "'", "define it above");
            vips = it->second;
        } else if (first.text == "fwmark") {
            fail(first, "fwmark virtual servers are not imported",
                 "lvsim's fwmark services carry no traffic: write the VIP and port instead");
        } else {
            vips.push_back(address_port(st, 1));
        }
        for (const Statement& c : st.children) vs_keyword(c, vs);
        if (!vs.protocol_given)
            simplify(st.keyword(),
                     "no protocol: keepalived takes UDP (with a warning); write `protocol TCP`");
        if (!vs.forward_given)
            simplify(st.keyword(), "no lvs_method: keepalived's default is NAT (ipvsadm's is DR)");
        emit_virtual_server(vs, vips, origin_, out_);
    }

    bool inherited_keyword(const Statement& c, Inherited& i) {
        const std::string& k = c.keyword().text;
        if (k == "connect_timeout") {
            i.connect_timeout = seconds(c, 1, "connect_timeout 5");
            i.src["timeout"] = c.keyword();
        } else if (k == "retry" || k == "nb_get_retry") {
            i.retry = number(c, 1, 0, 100, k + " 3");
            i.src["failures"] = c.keyword();
        } else if (k == "delay_before_retry") {
            i.delay_before_retry = seconds(c, 1, "delay_before_retry 3");
            i.src["retry_delay"] = c.keyword();
        } else {
            return false;
        }
        return true;
    }

    void vs_keyword(const Statement& c, VirtualServer& vs) {
        const std::string& k = c.keyword().text;
        vs.src[k] = c.keyword();
        if (inherited_keyword(c, vs.inherited)) return;
        if (k == "delay_loop") vs.delay_loop = seconds(c, 1, "delay_loop 6");
        else if (k == "lb_algo" || k == "lvs_sched") {
            const Word& w = arg(c, 1, k + " wlc");
            if (!ipvs::SchedulerRegistry::instance().has(w.text))
                fail(w, "unknown scheduler '" + w.text + "'",
                     "keepalived's: rr wrr lc wlc lblc sh mh dh fo ovf lblcr sed nq twos");
            vs.scheduler = w.text;
        } else if (k == "lb_kind" || k == "lvs_method") {
            vs.forward = forward_of(c);
            vs.forward_given = true;
        } else if (k == "sorry_server_lvs_method") {
            vs.sorry_forward = forward_of(c);
        } else if (k == "weight") {
            vs.weight = number(c, 1, 1, 65535, "weight 1");
        } else if (k == "inhibit_on_failure") {
            vs.inhibit = true;
        } else if (k == "hashed" || k == "flag-1" || k == "flag-2" || k == "flag-3" || k == "sh-port" ||
                   k == "sh-fallback" || k == "mh-port" || k == "mh-fallback") {
            vs.sched_flags +=
                (vs.sched_flags.empty() ? "" : ",") + (k == "hashed" ? std::string("flag-1") : k);
        } else if (k == "ip_family") {
            if (arg(c, 1, "ip_family inet").text != "inet")
                fail(c.words[1], "IPv6 services are not simulated", "lvsim balances IPv4");
        } else if (k == "persistence_timeout") {
            // Without a value: 6 minutes (pto_handler, IPVS_SVC_PERSISTENT_TIMEOUT).
            vs.persistence = c.words.size() > 1 ? number(c, 1, 1, 2'678'400, "persistence_timeout 300") : 360;
        } else if (k == "persistence_granularity")
            vs.netmask = arg(c, 1, "persistence_granularity 255.255.255.0").text;
        else if (k == "protocol") {
            std::string p = arg(c, 1, "protocol TCP").text;
            std::transform(p.begin(), p.end(), p.begin(),
                           [](unsigned char x) { return static_cast<char>(std::toupper(x)); });
            if (p == "TCP") vs.protocol = "-t";
            else if (p == "UDP") vs.protocol = "-u";
            else if (p == "SCTP")
                fail(c.words[1], "SCTP services are not simulated", "lvsim balances TCP and UDP");
            else fail(c.words[1], "protocol is TCP, UDP or SCTP");
            vs.protocol_given = true;
        } else if (k == "ops") vs.ops = true;
        else if (k == "quorum") vs.quorum = number(c, 1, 1, 1'000'000, "quorum 2");
        else if (k == "hysteresis") vs.hysteresis = number(c, 1, 0, 1'000'000, "hysteresis 1");
        else if (k == "alpha") vs.alpha = true;
        else if (k == "omega") {
            vs.omega = true;
            simplify(c.keyword(), "notifiers at shutdown only, no effect on the table (lvsim runs none)");
        } else if (k == "sorry_server") {
            vs.sorry = c.words.size() > 2 ? address_port(c, 1) : net::Endpoint{address_only(c, 1), 0};
        } else if (k == "sorry_server_inhibit")
            simplify(c.keyword(), "the sorry server is added and removed, not held at weight 0");
        else if (k == "real_server") vs.reals.push_back(real_server(c));
        else if (k == "quorum_up" || k == "quorum_down" || k == "virtualhost" || k == "ha_suspend" ||
                 k == "smtp_alert" || k == "nat_mask" || k == "retry_on_failure" || k == "snmp_name")
            ignore(c.keyword(), "virtual_server: notifier or HTTP-header setting, no effect on balancing");
        else if (k == "warmup") vs.warmup = c.words.size() > 1 ? seconds(c, 1, "warmup 0") : sim::Duration{};
        else if (k == "persistence_engine")
            simplify(c.keyword(),
                     "persistence engines (SIP) are not simulated: persistence by client address");
        else
            fail(c.keyword(), "unknown virtual_server keyword '" + k + "'",
                 "known: delay_loop, lvs_sched/lb_algo, lvs_method/lb_kind, persistence_timeout, protocol, "
                 "quorum, hysteresis, sorry_server, alpha, omega, real_server, connect_timeout, retry, "
                 "delay_before_retry");
    }

    // lvs_method NAT | DR | TUN [type ipip] (svr_forwarding_handler): ipvsadm's switch.
    std::string forward_of(const Statement& c) const {
        const Word& w = arg(c, 1, c.keyword().text + " NAT");
        if (w.text == "NAT") return "-m";
        if (w.text == "DR") return "-g";
        if (w.text != "TUN")
            fail(w, c.keyword().text + " is NAT, DR or TUN (keepalived compares them case-sensitively)");
        for (size_t i = 2; i + 1 < c.words.size(); ++i)
            if (c.words[i].text == "type" && c.words[i + 1].text != "ipip")
                fail(c.words[i + 1], "tunnel type " + c.words[i + 1].text + " is not simulated",
                     "lvsim tunnels with ipip");
        return "-i";
    }

    RealServer real_server(const Statement& st) {
        RealServer rs;
        rs.at = st.keyword();
        // The port may be left out: keepalived takes the virtual server's (validate_check_config).
        rs.addr = st.words.size() > 2 ? address_port(st, 1) : net::Endpoint{address_only(st, 1), 0};
        for (const Statement& c : st.children) {
            const std::string& k = c.keyword().text;
            rs.src[k] = c.keyword();
            if (inherited_keyword(c, rs.inherited)) continue;
            if (k == "weight") rs.weight = number(c, 1, 0, 65535, "weight 1");
            else if (k == "lvs_method") rs.forward = forward_of(c);
            else if (k == "virtualhost" || k == "snmp_name")
                ignore(c.keyword(), "real_server: HTTP header or SNMP name, no effect on balancing");
            else if (k == "alpha" || k == "delay_loop" || k == "warmup")
                simplify(c.keyword(), k + " of one real_server: lvsim uses the virtual_server's");
            else if (k == "inhibit_on_failure") {
                rs.inhibit = true;
                rs.check_src["quiescent"] = at(c.keyword());
            } else if (k == "uthreshold") rs.uthreshold = number(c, 1, 0, 65535, "uthreshold 100");
            else if (k == "lthreshold") rs.lthreshold = number(c, 1, 0, 65535, "lthreshold 50");
            else if (k == "notify_up" || k == "notify_down" || k == "smtp_alert")
                ignore(c.keyword(), "real_server: notifier, no effect on balancing");
            else if (k == "HTTP_GET" || k == "SSL_GET" || k == "TCP_CHECK" || k == "MISC_CHECK") {
                if (rs.check) {
                    simplify(c.keyword(), "a second checker on one real_server: only the first is simulated");
                    continue;
                }
                checker(c, rs);
            } else if (k == "SMTP_CHECK" || k == "DNS_CHECK" || k == "BFD_CHECK" || k == "FILE_CHECK" ||
                       k == "PING_CHECK" || k == "UDP_CHECK")
                fail(c.keyword(), k + " is not simulated",
                     "lvsim checks with HTTP_GET, SSL_GET, TCP_CHECK and MISC_CHECK");
            else
                fail(c.keyword(), "unknown real_server keyword '" + k + "'",
                     "known: weight, inhibit_on_failure, uthreshold, lthreshold, HTTP_GET, SSL_GET, "
                     "TCP_CHECK, "
                     "MISC_CHECK");
        }
        return rs;
    }

    // HTTP_GET / SSL_GET / TCP_CHECK / MISC_CHECK { ... }
    void checker(const Statement& st, RealServer& rs) {
        const std::string& kind = st.keyword().text;
        CheckMethod m;
        Inherited own;
        std::optional<sim::Duration> misc_timeout;
        bool first_url = true;
        m.type = kind == "TCP_CHECK"    ? CheckType::Tcp
                 : kind == "MISC_CHECK" ? CheckType::Script
                                        : CheckType::Http;
        rs.check_src["type"] = at(st.keyword());
        if (kind == "SSL_GET")
            simplify(st.keyword(),
                     "SSL_GET is checked as HTTP_GET: the TLS handshake's round trips are left out");
        for (const Statement& c : st.children) {
            const std::string& k = c.keyword().text;
            if (inherited_keyword(c, own)) continue;
            if (k == "url" && m.type == CheckType::Http) {
                if (!first_url) {
                    simplify(c.keyword(), "a further url: lvsim checks the first url of a checker");
                    continue;
                }
                first_url = false;
                for (const Statement& u : c.children) {
                    const std::string& uk = u.keyword().text;
                    if (uk == "path") {
                        m.path = arg(u, 1, "path /healthz").text;
                        rs.check_src["path"] = at(u.keyword());
                    } else if (uk == "status_code") {
                        m.status_codes = status_codes(u);
                        rs.check_src["status"] = at(u.keyword());
                    } else if (uk == "digest" || uk == "regex" || uk == "regex_no_match" ||
                               uk == "regex_options" || uk == "regex_min_offset" ||
                               uk == "regex_max_offset" || uk == "regex_stack")
                        simplify(u.keyword(),
                                 "the body is taken to match while the realserver passes its checks");
                    else if (uk == "virtualhost")
                        ignore(u.keyword(), "url: the Host header, no effect on the check's timing");
                    else
                        fail(u.keyword(), "unknown url keyword '" + uk + "'",
                             "known: path, status_code, digest, regex, virtualhost");
                }
            } else if (k == "connect_port") {
                const uint32_t port = number(c, 1, 1, 65535, "connect_port 443");
                if (port != rs.addr.port)
                    simplify(c.keyword(), "connect_port " + std::to_string(port) +
                                              ": lvsim checks a realserver on its service port");
            } else if (k == "connect_ip" || k == "bindto" || k == "bind_port" || k == "bind_if")
                simplify(c.keyword(), "the check runs from the director's address to the realserver's");
            else if (k == "misc_path" && m.type == CheckType::Script)
                simplify(c.keyword(),
                         "the script's verdict comes from the scenario: it passes while the "
                         "realserver runs and has not been told to fail its checks");
            else if (k == "misc_timeout" && m.type == CheckType::Script) {
                misc_timeout = seconds(c, 1, "misc_timeout 5");
                rs.check_src["timeout"] = at(c.keyword());
            } else if (k == "misc_dynamic" && m.type == CheckType::Script)
                simplify(c.keyword(),
                         "misc_dynamic's weights from the exit status are not simulated: verdict only");
            else if (k == "user" || k == "http_protocol" || k == "enable_sni" || k == "sni_name" ||
                     k == "tls_compliant" || k == "fwmark" || k == "log_all_failures" || k == "virtualhost")
                ignore(c.keyword(), kind + ": no effect on the check's timing or verdict");
            else if (k == "fast_recovery") {
                m.successes = 1;  // one pass brings it back (check_http.c)
                rs.check_src["successes"] = at(c.keyword());
            } else if (k == "warmup" || k == "delay_loop" || k == "alpha")
                simplify(c.keyword(), k + " of one checker: lvsim uses the virtual_server's");
            else
                fail(c.keyword(), "unknown " + kind + " keyword '" + k + "'",
                     "known: url (path, status_code), connect_timeout, connect_port, retry/nb_get_retry, "
                     "delay_before_retry, misc_path, misc_timeout");
        }
        rs.check = m;
        rs.check_status = m.status_codes.empty() ? 200 : m.status_codes.front();
        rs.own = own;
        rs.misc_timeout = misc_timeout;
    }

    // status_code 200 | 200-299 | 200 301 ... (2.x takes lists and ranges).
    std::vector<uint16_t> status_codes(const Statement& u) const {
        std::vector<uint16_t> codes;
        for (size_t i = 1; i < u.words.size(); ++i) {
            const std::string& t = u.words[i].text;
            const size_t dash = t.find('-');
            const auto lo = parse_uint(t.substr(0, dash));
            const auto hi = dash == std::string::npos ? lo : parse_uint(t.substr(dash + 1));
            if (!lo || !hi || *lo < 100 || *hi > 599 || *lo > *hi) {
                // keepalived logs a bad code and goes on (status_code_handler): so does lvsim, saying so.
                out_.simplified.push_back(
                    {"status_code " + t, "not a code from 100 to 599 or a range: skipped, as keepalived does",
                     at(u.words[i])});
                continue;
            }
            for (uint64_t c = *lo; c <= *hi; ++c) codes.push_back(static_cast<uint16_t>(c));
        }
        if (codes.empty()) fail(u.keyword(), "status_code needs a value", "e.g. status_code 200");
        return codes;
    }

    std::string origin_;
    Director& out_;
    std::map<std::string, std::vector<net::Endpoint>> groups_;
};

}  // namespace

void import_keepalived(const std::string& text, const std::string& origin, Director& into) {
    KeepalivedReader(origin, into).read(read_blocks(text, origin));
}

}  // namespace lvs::import
