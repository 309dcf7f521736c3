// The importers' entry points and what they share: file kinds, numbers, realserver names.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "models/import/access_log.hpp"
#include "models/import/import_parts.hpp"
#include "models/ipvs/director.hpp"
#include "models/ipvs/ipvsadm.hpp"
#include "models/ipvs/kernel_profile.hpp"
#include "models/net/network.hpp"
#include "models/tcp/tcp_profile.hpp"
#include "sim/simulator.hpp"

namespace lvs::import {

std::optional<Kind> kind_named(const std::string& name) {
    for (size_t i = 0; i < std::size(kKindNames); ++i)
        if (name == kKindNames[i]) return static_cast<Kind>(i);
    return std::nullopt;
}

std::string kind_list() {
    std::string out;
    for (const char* k : kKindNames) out += (out.empty() ? "" : ", ") + std::string(k);
    return out;
}

std::optional<uint64_t> parse_uint(const std::string& text) {
    if (text.empty() || text.size() > 12) return std::nullopt;
    uint64_t v = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v;
}

std::optional<sim::Duration> parse_seconds(const std::string& text) {
    if (text.empty() || text.size() > 12) return std::nullopt;
    size_t dots = 0;
    for (const char c : text) {
        if (c == '.') ++dots;
        else if (c < '0' || c > '9') return std::nullopt;
    }
    if (dots > 1 || text == ".") return std::nullopt;
    const double s = std::stod(text);
    if (s > 1e7) return std::nullopt;  // beyond any loop or timeout, and beyond int64 nanoseconds soon
    return sim::Duration::from_ns(static_cast<int64_t>(std::llround(s * 1e9)));
}

std::string dotted_name(const net::Endpoint& e) {
    std::string s = e.str();
    for (char& c : s)
        if (c == '.' || c == ':') c = '_';
    return s;
}

std::string realserver_name(const Director& d, net::Ipv4 address) {
    for (const Realserver& r : d.realservers)
        if (r.address == address) return r.name;
    return {};
}

std::string add_realserver(Director& d, const net::Endpoint& at, const Source& from,
                           const std::string& wanted) {
    if (std::string known = realserver_name(d, at.addr); !known.empty()) {
        // Another service of the same host: its web server listens there too.
        for (Realserver& r : d.realservers)
            if (r.address == at.addr && r.port != at.port && at.port != 0 &&
                std::find(r.more_ports.begin(), r.more_ports.end(), at.port) == r.more_ports.end())
                r.more_ports.push_back(at.port);
        return known;
    }
    // "rs" and the last octet; the last two when another host has the same last octet.
    const uint32_t v = at.addr.value();
    std::string name = wanted.empty() ? "rs" + std::to_string(v & 0xff) : wanted;
    for (const Realserver& r : d.realservers)
        if (r.name == name) name = "rs" + std::to_string((v >> 8) & 0xff) + "_" + std::to_string(v & 0xff);
    for (const Realserver& r : d.realservers)
        if (r.name == name) name = "rs_" + dotted_name({at.addr, 0});
    Realserver r;
    r.name = name;
    r.address = at.addr;
    r.port = at.port == 0 ? net::Port{80} : at.port;
    r.from = from;
    d.realservers.push_back(std::move(r));
    return name;
}

// The rules as the director would take them, applied in order to a director of their own: a
// duplicate service or realserver, a realserver before its service or an unknown scheduler is
// refused here, at its line, rather than in the scenario written from it.
void check_rules(const Director& d) {
    sim::Simulator sim(0);
    net::Network net(sim);
    ipvs::Director director(net, "import", net::Ipv4::of(10, 0, 0, 1), ipvs::current_kernel(),
                            tcp::linux6_profile());
    for (const Rule& r : d.rules) {
        ipvs::IpvsadmError err;
        const auto cmd = ipvs::parse_ipvsadm(r.line, &err);
        if (!cmd)
            throw ImportError(r.from, "ipvsadm: " + err.message,
                              "lvsim wrote this rule from the line: report it");
        const ipvs::AdminResult result = ipvs::apply_ipvsadm(director, *cmd);
        if (!result.ok())
            throw ImportError(r.from, "ipvsadm " + r.line + ": " + result.message,
                              "the director would refuse it: each service once, before its realservers, each "
                              "realserver once per service, a scheduler the kernel has");
    }
}

namespace {

// What the written scenario says of a log it replays.
LogReplay log_replay(const AccessLog& log, const std::string& path) {
    LogReplay r{path, log.lines, log.requests, log.clients.size(), log.span_s, log.clients_per_preset, 0};
    for (const AccessLog::Agent& a : log.unmapped_agents) r.unmapped_clients += a.clients;
    return r;
}

}  // namespace

void import_text(Kind kind, const std::string& text, const std::string& origin, Director& into) {
    switch (kind) {
        case Kind::Keepalived: import_keepalived(text, origin, into); break;
        case Kind::Ldirectord: import_ldirectord(text, origin, into); break;
        case Kind::IpvsadmSave: import_ipvsadm_save(text, origin, into); break;
        case Kind::IpvsadmTimeout: import_ipvsadm_timeout(text, origin, into); break;
        case Kind::Sysctl: import_sysctl(text, origin, into); break;
        case Kind::Connections: import_connections(text, origin, into); break;
        case Kind::AccessLog: {
            into.access_logs.push_back(log_replay(parse_access_log(text, origin), origin));
            break;
        }
    }
    check_rules(into);
}

void import_file(Kind kind, const std::string& path, Director& into) {
    if (kind == Kind::AccessLog) {
        // A day's log is far larger than any configuration file: read as it is.
        into.access_logs.push_back(log_replay(read_access_log(path), path));
        return;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ImportError({path, 0, 0}, "cannot read " + path, "check the path");
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > 16u * 1024 * 1024)
        throw ImportError({path, 0, 0}, path + " is larger than 16 MiB", "import the lines that matter");
    import_text(kind, text.str(), path, into);
}

}  // namespace lvs::import
