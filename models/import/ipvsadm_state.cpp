// A running director's state as its own tools print it: `ipvsadm-save -n` (= `ipvsadm -Sn`),
// `ipvsadm -Ln --timeout`, `sysctl -a`, and the connection table (`ipvsadm -Lnc` or
// /proc/net/ip_vs_conn). Formats from ipvsadm 1.31 (ipvsadm.c: print_service_entry's save
// form, print_timeout, print_conn) and net/netfilter/ipvs/ip_vs_conn.c (ip_vs_conn_seq_show).
#include <sstream>

#include "models/import/import_parts.hpp"
#include "models/ipvs/ipvsadm.hpp"
#include "models/ipvs/sysctl.hpp"
#include "models/ipvs/tcp_table.hpp"
#include "models/tcp/tcp_profile.hpp"

namespace lvs::import {

namespace {

// Each line with its number, carriage returns and trailing blanks cut.
template <class Fn>
void each_line(const std::string& text, Fn fn) {
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.pop_back();
        fn(line, number);
    }
}

std::vector<std::string> words_of(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    std::string w;
    while (in >> w) out.push_back(w);
    return out;
}

std::optional<uint32_t> hex(const std::string& t, size_t digits) {
    if (t.size() != digits) return std::nullopt;
    uint32_t v = 0;
    for (const char c : t) {
        v <<= 4;
        if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
        else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
        else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
        else return std::nullopt;
    }
    return v;
}

}  // namespace

void import_ipvsadm_save(const std::string& text, const std::string& origin, Director& into) {
    each_line(text, [&](std::string line, int number) {
        const size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') return;
        const Source at{origin, number, static_cast<int>(first) + 1};
        // ipvsadm 1.31 and later print the tunnel type on every -i line; ipip is lvsim's tunnel.
        if (const size_t tun = line.find(" --tun-type "); tun != std::string::npos) {
            const std::vector<std::string> rest = words_of(line.substr(tun));
            if (rest.size() < 2 || rest[1] != "ipip")
                throw ImportError(
                    at, "tunnel type " + (rest.size() > 1 ? rest[1] : std::string("?")) + " is not simulated",
                    "lvsim tunnels with ipip (-i)");
            line.erase(tun, std::string(" --tun-type ").size() + rest[1].size());
        }
        // A persistence engine (--pe sip) is not simulated: persistence stays by client address.
        if (const size_t pe = line.find(" --pe "); pe != std::string::npos) {
            const std::vector<std::string> rest = words_of(line.substr(pe));
            into.simplified.push_back({"--pe " + (rest.size() > 1 ? rest[1] : std::string()),
                                       "persistence engines are not simulated: persistence by client address",
                                       at});
            line.erase(pe, std::string(" --pe ").size() + (rest.size() > 1 ? rest[1].size() : 0));
        }
        if (line.find_first_not_of(" \t") != first)
            throw ImportError(at, "--tun-type without a command",
                              "ipvsadm-save prints it at the end of an -a line");
        ipvs::IpvsadmError err;
        const auto cmd = ipvs::parse_ipvsadm(line.substr(first), &err);
        if (!cmd)
            throw ImportError(
                {origin, number, static_cast<int>(first + err.column) + 1}, "ipvsadm: " + err.message,
                "ipvsadm-save prints -A and -a lines, e.g. -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1");
        if (cmd->cmd != ipvs::IpvsadmCmd::AddService && cmd->cmd != ipvs::IpvsadmCmd::AddDest)
            throw ImportError(at,
                              "ipvsadm-save prints only -A and -a lines, not '" + line.substr(first) + "'",
                              "import the output of ipvsadm-save -n (or ipvsadm -Sn)");
        into.rules.push_back({line.substr(first), at, {}});
        // Its web server listens on the TCP services' ports; a UDP or fwmark service adds no port.
        const bool tcp = cmd->service.key.proto == ipvs::Proto::Tcp && cmd->service.key.fwmark == 0;
        if (cmd->cmd == ipvs::IpvsadmCmd::AddDest)
            add_realserver(into, tcp ? cmd->dest.addr : net::Endpoint{cmd->dest.addr.addr, 0}, at);
    });
}

void import_ipvsadm_timeout(const std::string& text, const std::string& origin, Director& into) {
    bool found = false;
    each_line(text, [&](const std::string& line, int number) {
        const std::string head = "Timeout (tcp tcpfin udp):";
        const size_t at = line.find(head);
        if (line.find_first_not_of(" \t") == std::string::npos) return;
        if (at == std::string::npos)
            throw ImportError({origin, number, 1}, "not a line of ipvsadm -Ln --timeout",
                              "it prints one line: Timeout (tcp tcpfin udp): 900 120 300");
        const std::vector<std::string> v = words_of(line.substr(at + head.size()));
        if (v.size() != 3 || !parse_uint(v[0]) || !parse_uint(v[1]) || !parse_uint(v[2]))
            throw ImportError({origin, number, static_cast<int>(at + head.size()) + 1},
                              "expected three timeouts in seconds",
                              "e.g. Timeout (tcp tcpfin udp): 900 120 300");
        into.rules.push_back({"--set " + v[0] + " " + v[1] + " " + v[2], {origin, number, 1}, {}});
        found = true;
    });
    if (!found)
        throw ImportError({origin, 1, 1}, "no timeout line", "paste the output of ipvsadm -Ln --timeout");
}

void import_sysctl(const std::string& text, const std::string& origin, Director& into) {
    int others = 0;
    Source first_other;
    each_line(text, [&](const std::string& line, int number) {
        const size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#' || line[first] == ';') return;
        const Source at{origin, number, static_cast<int>(first) + 1};
        // sysctl's own complaints when its stderr was captured too ("sysctl: permission denied on key ...").
        if (line.compare(first, 7, "sysctl:") == 0) {
            into.ignored.push_back({"sysctl: message", "a line sysctl wrote about itself, not a value", at});
            return;
        }
        const size_t eq = line.find('=');
        if (eq == std::string::npos)
            throw ImportError(at, "not a line of sysctl -a", "sysctl -a prints NAME = VALUE");
        std::string name = line.substr(first, eq - first);
        while (!name.empty() && name.back() == ' ') name.pop_back();
        std::string value = line.substr(eq + 1);
        value.erase(0, std::min(value.find_first_not_of(" \t"), value.size()));
        const Source vat{origin, number, static_cast<int>(line.size() - value.size()) + 1};
        const std::string vs = "net.ipv4.vs.";
        if (name.rfind(vs, 0) == 0) {
            const std::string bare = name.substr(vs.size());
            const ipvs::SysctlDef* def = ipvs::find_sysctl(bare);
            if (def == nullptr) {
                into.simplified.push_back({name, "not simulated by lvsim (it keeps its kernel default)", at});
                return;
            }
            if (def->second != nullptr) {
                // sync_threshold: "THRESHOLD PERIOD", the first below the second unless it is 0.
                const size_t sp = value.find_first_of(" \t");
                const auto a = parse_uint(value.substr(0, sp));
                const auto b = sp == std::string::npos
                                   ? std::nullopt
                                   : parse_uint(value.substr(
                                         std::min(value.find_first_not_of(" \t", sp), value.size())));
                if (a && b && !ipvs::pair_in_order(static_cast<int64_t>(*a), static_cast<int64_t>(*b)) &&
                    *a <= static_cast<uint64_t>(def->max))
                    throw ImportError(vat,
                                      name + ": the threshold (" + std::to_string(*a) +
                                          ") must be below the period (" + std::to_string(*b) + ")",
                                      std::string(def->meaning));
                if (!a || !b || *a > static_cast<uint64_t>(def->max) || *b > static_cast<uint64_t>(def->max))
                    throw ImportError(vat, name + " takes two numbers, THRESHOLD PERIOD, not '" + value + "'",
                                      std::string(def->meaning));
                into.sysctls.push_back({bare, std::to_string(*a) + " " + std::to_string(*b), at});
                return;
            }
            const auto v = parse_uint(value);
            if (v && def->max == 1 && *v > 1 && *v <= 2147483647) {
                // An on/off switch is a proc_dointvec in ip_vs_ctl.c: any non-zero number turns it on.
                into.simplified.push_back({name, "any non-zero value turns the switch on: read as 1", vat});
                into.sysctls.push_back({bare, "1", at});
                return;
            }
            if (!v || *v > static_cast<uint64_t>(def->max))
                throw ImportError(vat,
                                  name + " takes 0 to " + std::to_string(def->max) + ", not '" + value + "'",
                                  std::string(def->meaning));
            into.sysctls.push_back({bare, value, at});
            return;
        }
        if (const tcp::TcpSysctlDef* def = tcp::find_tcp_sysctl(name);
            def != nullptr && (name.rfind("net.ipv4.", 0) == 0 || name.rfind("net.core.", 0) == 0)) {
            tcp::TcpSysctls scratch;
            std::string v = value;
            for (char& c : v)
                if (c == '\t') c = ' ';
            if (const std::string err = tcp::set_tcp_sysctl(scratch, *def, v); !err.empty())
                throw ImportError(vat, name + ": " + err, std::string(def->meaning));
            into.sysctls.push_back({std::string(def->name), v, at});
            return;
        }
        if (others++ == 0) first_other = at;
    });
    if (others > 0)
        into.ignored.push_back(
            {std::to_string(others) + " other sysctls",
             "neither IPVS's (net.ipv4.vs.*) nor TCP's: no effect on the simulated director", first_other});
}

std::optional<Connection> parse_connection_line(const std::string& line, const Source& at) {
    const std::vector<std::string> w = words_of(line);
    if (w.empty()) return std::nullopt;
    if (w[0] == "IPVS" || w[0] == "pro" || w[0] == "Pro") return std::nullopt;  // headers
    Connection c;
    c.from = at;
    c.protocol = w[0];
    if (c.protocol != "TCP" && c.protocol != "UDP" && c.protocol != "SCTP")
        throw ImportError(
            at, "'" + w[0] + "' is no protocol of a connection entry",
            "a line of ipvsadm -Lnc: TCP 14:58 ESTABLISHED 203.0.113.7:51234 10.0.0.100:80 192.168.10.11:80");
    if (w.size() >= 9 && hex(w[1], 8)) {
        // /proc/net/ip_vs_conn: Pro FromIP FPrt ToIP TPrt DestIP DPrt State Expires [PEName PEData]
        const auto ep = [&](size_t i) -> net::Endpoint {
            const auto a = hex(w[i], 8);
            const auto p = hex(w[i + 1], 4);
            if (!a || !p)
                throw ImportError(at, "'" + w[i] + " " + w[i + 1] + "' is no hex address and port",
                                  "/proc/net/ip_vs_conn prints them as %08X %04X");
            return {net::Ipv4(*a), static_cast<net::Port>(*p)};
        };
        c.client = ep(1);
        c.vip = ep(3);
        c.dest = ep(5);
        c.state = w[7];
        // /proc/net/ip_vs_conn_sync has an Origin column (Local, Sync) before Expires.
        const size_t expires = w.size() >= 10 && (w[8] == "Local" || w[8] == "Sync") ? 9 : 8;
        const auto e = parse_uint(w[expires]);
        if (!e) throw ImportError(at, "'" + w[expires] + "' is no number of seconds", "the Expires column");
        c.expires_s = static_cast<uint32_t>(*e);
    } else {
        if (w.size() < 6)
            throw ImportError(at, "a connection entry has six columns",
                              "pro expire state source virtual destination, as ipvsadm -Lnc prints them");
        // ipvsadm -Lnc: pro expire(MM:SS) state source virtual destination
        const size_t colon = w[1].find(':');
        const auto mm = colon == std::string::npos ? std::nullopt : parse_uint(w[1].substr(0, colon));
        const auto ss = colon == std::string::npos ? std::nullopt : parse_uint(w[1].substr(colon + 1));
        if (!mm || !ss || *ss > 59)
            throw ImportError(at, "'" + w[1] + "' is no MM:SS expiry",
                              "ipvsadm -Lnc prints the time left as 14:58");
        c.expires_s = static_cast<uint32_t>(*mm * 60 + *ss);
        c.state = w[2];
        const auto ep = [&](size_t i) {
            const auto e = net::Endpoint::parse(w[i]);
            if (!e)
                throw ImportError(at, "'" + w[i] + "' is no address:port",
                                  "ipvsadm -Lnc with -n prints numbers");
            return *e;
        };
        c.client = ep(3);
        c.vip = ep(4);
        c.dest = ep(5);
    }
    if (c.protocol == "TCP" && (!ipvs::state_from_string(c.state) || c.state == "UDP"))
        throw ImportError(
            at, "'" + c.state + "' is no IPVS TCP state",
            "ESTABLISHED, SYN_RECV, FIN_WAIT, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, NONE, ...");
    // A UDP entry's one state is UDP (ip_vs_proto_udp.c); a persistence template's is NONE.
    if (c.protocol == "UDP" && c.state != "UDP" && c.state != "NONE")
        throw ImportError(at, "'" + c.state + "' is no IPVS UDP state",
                          "UDP entries show UDP, templates NONE");
    return c;
}

void import_connections(const std::string& text, const std::string& origin, Director& into) {
    each_line(text, [&](const std::string& line, int number) {
        const auto c = parse_connection_line(line, {origin, number, 1});
        if (!c) return;
        if (c->protocol == "SCTP") {
            into.simplified.push_back({"SCTP entry", "not restored: lvsim has no SCTP", c->from});
            return;
        }
        into.connections.push_back(*c);
    });
}

}  // namespace lvs::import
