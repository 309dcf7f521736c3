#include "models/import/scenario_yaml.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "models/import/import_parts.hpp"
#include "models/ipvs/ipvsadm.hpp"

namespace lvs::import {

namespace {

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string basename_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string from(const Source& s) { return "  # " + basename_of(s.file) + ":" + std::to_string(s.line); }

// "  # keepalived.conf:12" for a value read from a line, "  # default" for one that was not.
std::string origin_of(const Sources& at, const std::string& key) {
    const auto it = at.find(key);
    return it == at.end() ? "  # the tool's default" : from(it->second);
}

void write_method(std::ostream& o, const ipvs::CheckMethod& m, const std::string& indent, bool with_quiescent,
                  const Sources& at) {
    o << indent << "type: " << check_type_name(m.type) << origin_of(at, "type") << "\n";
    if (m.type == ipvs::CheckType::None) return;
    if (m.type == ipvs::CheckType::Http) {
        o << indent << "path: " << quoted(m.path) << origin_of(at, "path") << "\n";
        if (!m.status_codes.empty()) {
            o << indent << "status: [";
            for (size_t i = 0; i < m.status_codes.size(); ++i) o << (i ? ", " : "") << m.status_codes[i];
            o << "]" << origin_of(at, "status") << "\n";
        }
    }
    o << indent << "timeout: " << sim::format_duration(m.timeout) << origin_of(at, "timeout") << "\n";
    o << indent << "failures: " << m.failures << origin_of(at, "failures") << "\n";
    if (m.retry_delay)
        o << indent << "retry_delay: " << sim::format_duration(*m.retry_delay) << origin_of(at, "retry_delay")
          << "\n";
    if (m.successes != 0) o << indent << "successes: " << m.successes << origin_of(at, "successes") << "\n";
    if (with_quiescent)
        o << indent << "quiescent: " << (m.quiescent ? "yes" : "no") << origin_of(at, "quiescent") << "\n";
}

// The notes at the top: one line each, or a count when there are many alike.
void write_notes(std::ostream& o, const std::vector<Note>& notes, const std::string& title) {
    if (notes.empty()) return;
    o << "#\n# " << title << "\n";
    for (const Note& n : notes)
        o << "#   " << basename_of(n.from.file) << ":" << n.from.line << "  " << n.directive << ": " << n.why
          << "\n";
}

// When the browsers start: once every checker has had its first round, at least at 10 s
// (keepalived checks first at 1 s plus up to its warm-up, and a check may take its timeout).
int64_t first_clients(const Director& d) {
    int64_t at = 10;
    for (const HealthCheck& h : d.checks) {
        sim::Duration slowest = h.check.timeout;
        for (const ServerCheck& sc : h.servers) slowest = std::max(slowest, sc.check.timeout);
        const sim::Duration warmup =
            h.tool == ipvs::CheckerTool::Keepalived ? h.warmup.value_or(h.interval) : sim::Duration{};
        at = std::max<int64_t>(at, (sim::s(2) + warmup + slowest).ns() / 1'000'000'000 + 1);
    }
    return at;
}

}  // namespace

std::string check_type_name(ipvs::CheckType t) {
    switch (t) {
        case ipvs::CheckType::Http: return "http";
        case ipvs::CheckType::Tcp: return "tcp";
        case ipvs::CheckType::Script: return "script";
        case ipvs::CheckType::None: return "none";
        case ipvs::CheckType::Off: return "off";
    }
    return "none";
}

void infer_services(Director& d) {
    // What the rules already define, read as ipvsadm reads them.
    // Services as "-t VIP:port" or "-u VIP:port" (the entry's protocol).
    std::set<std::string> services;
    std::set<std::pair<std::string, std::string>> dests;  // (service, RIP:port)
    for (const Rule& r : d.rules) {
        const auto cmd = ipvs::parse_ipvsadm(r.line, nullptr);
        if (!cmd || !cmd->has_service || cmd->service.key.fwmark != 0) continue;
        const std::string svc =
            (cmd->service.key.proto == ipvs::Proto::Udp ? "-u " : "-t ") + cmd->service.key.vip.str();
        if (cmd->cmd == ipvs::IpvsadmCmd::AddService) services.insert(svc);
        if (cmd->cmd == ipvs::IpvsadmCmd::AddDest) dests.emplace(svc, cmd->dest.addr.str());
    }
    for (const Connection& c : d.connections) {
        if (c.protocol != "TCP" && c.protocol != "UDP") continue;
        const bool udp = c.protocol == "UDP";
        const std::string vip = (udp ? "-u " : "-t ") + c.vip.str();
        // Templates (client port 0, NONE) mean persistence; so does a port-0 service (every port).
        const bool persistent =
            c.vip.port == 0 ||
            std::any_of(d.connections.begin(), d.connections.end(), [&](const Connection& x) {
                return x.vip == c.vip && x.client.port == 0 && x.state == "NONE";
            });
        if (services.insert(vip).second) {
            d.rules.push_back({"-A " + vip + " -s wlc" + (persistent ? " -p 360" : ""), c.from, {}});
            d.simplified.push_back({"service " + c.protocol + " " + c.vip.str(),
                                    "inferred from the connection table (wlc" +
                                        std::string(persistent ? ", persistent 360 s" : "") +
                                        "): import the ipvsadm-save output for the real rules",
                                    c.from});
        }
        if (!dests.emplace(vip, c.dest.str()).second) continue;
        d.rules.push_back({"-a " + vip + " -r " + c.dest.str() + " -m -w 1", c.from, {}});
        // A UDP service's realserver runs no web server on its port (give it `dns:` or `syslog:`).
        add_realserver(d, udp ? net::Endpoint{c.dest.addr, 0} : c.dest, c.from);
    }
    check_rules(d);
}

namespace {

// The clients of access logs, replayed; with no director read, a placeholder farm for them
// (a log says nothing of the director).
void write_log_clients(std::ostream& o, const Director& d, std::string target) {
    if (target.empty()) target = "10.0.0.100:80";  // the placeholder farm's
    o << "\nclients:\n";
    for (size_t i = 0; i < d.access_logs.size(); ++i) {
        const LogReplay& l = d.access_logs[i];
        o << "  # " << l.path << ": " << l.lines << " lines, " << l.requests << " requests from " << l.clients
          << " client addresses over " << l.span_s << " s\n  # by User-Agent:";
        for (const auto& [preset, n] : l.clients_per_preset) o << " " << preset << " " << n;
        if (l.unmapped_clients > 0)
            o << "; no preset matches " << l.unmapped_clients << " (replayed as chrome)";
        o << "\n  # `lvsim run` reports what it could not map. The log's path is absolute, so that the\n"
          << "  # scenario may be saved anywhere (a relative one starts at the scenario file's folder).\n"
          << "  - name: logged" << (d.access_logs.size() > 1 ? std::to_string(i + 1) : "") << "\n"
          << "    target: " << target << "\n"
          << "    access_log: " << quoted(std::filesystem::absolute(l.path).lexically_normal().string())
          << "\n";
    }
}

// A replayed log runs its span and two minutes more (the last connections close).
int64_t log_duration(const Director& d) {
    int64_t span = 0;
    for (const LogReplay& l : d.access_logs) span = std::max(span, l.span_s);
    return span + 120;
}

void write_realservers(std::ostream& o, const Director& d, bool placeholder) {
    if (!d.realservers.empty()) o << "\nrealservers:\n";
    if (placeholder && d.realservers.empty())
        o << "\nrealservers:  # the placeholder farm's\n  - {name: rs1, address: 192.168.10.11, server: "
             "nginx}\n"
          << "  - {name: rs2, address: 192.168.10.12, server: nginx}\n";
    for (const Realserver& r : d.realservers) {
        o << "  - name: " << r.name << from(r.from) << "\n"
          << "    address: " << r.address.str() << "\n";
        if (!r.more_ports.empty()) {
            o << "    ports: [" << r.port;
            for (const net::Port p : r.more_ports) o << ", " << p;
            o << "]\n";
        } else if (r.port != 80) {
            o << "    port: " << r.port << "\n";
        }
        if (r.check_status != 200)
            o << "    check_status: " << r.check_status << "  # what its checks expect\n";
    }
}

}  // namespace

std::string scenario_yaml(const Director& d, const std::string& command) {
    std::ostringstream o;
    std::set<std::string> files;
    for (const Rule& r : d.rules) files.insert(basename_of(r.from.file));
    o << "# Imported with `" << command << "`.\n"
      << "# Each value's comment names the file and line it came from.\n";
    write_notes(o, d.simplified, "Read, but simulated more simply:");
    write_notes(o, d.ignored, "Accepted without effect on balancing:");
    o << "name: imported\n"
      << "lesson: |\n"
      << (d.access_logs.empty()
              ? "  An imported director: its services, realservers, health checks and sysctls as\n"
                "  configured, with browsers loading pages from its first TCP service. Give it your\n"
                "  clients and a timeline, or ask `lvsim drain-plan` how a realserver drains.\n"
              : "  A web server's clients replayed from its access log, each address a client host,\n"
                "  each request at its logged time and size. Give it a timeline, or ask\n"
                "  `lvsim drain-plan` how a realserver drains under this traffic.\n")
      << "seed: 1\n"
      << "duration: " << (d.access_logs.empty() ? first_clients(d) + 110 : log_duration(d)) << "s\n";
    // A log says nothing of the director: without one, a placeholder farm of two nginx realservers.
    const bool placeholder = !d.access_logs.empty() && d.rules.empty();
    if (!d.rules.empty() || !d.sysctls.empty() || !d.checks.empty() || !d.connections.empty() || placeholder)
        o << "\ndirector:\n";
    if (placeholder)
        o << "  # A placeholder: describe your director, or import it with the log:\n"
          << "  #   lvsim import keepalived keepalived.conf access-log FILE\n"
          << "  rules: |\n    -A -t 10.0.0.100:80 -s wlc\n"
          << "    -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1\n"
          << "    -a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 1\n";
    if (!d.rules.empty()) {
        o << "  rules:\n";
        for (const Rule& r : d.rules)
            o << "    - " << quoted(r.line) << from(r.from) << (r.detail.empty() ? "" : " (" + r.detail + ")")
              << "\n";
    }
    if (!d.sysctls.empty()) {
        o << "  sysctl:\n";
        for (const Sysctl& s : d.sysctls)
            o << "    " << s.name << ": " << (parse_uint(s.value) ? s.value : quoted(s.value)) << from(s.from)
              << "\n";
    }
    if (!d.checks.empty()) {
        o << "  health_checks:\n";
        for (const HealthCheck& h : d.checks) {
            const bool keepalived = h.tool == ipvs::CheckerTool::Keepalived;
            o << "    - name: " << h.name << from(h.from) << "\n"
              << "      tool: " << (keepalived ? "keepalived" : "ldirectord") << "\n"
              << "      service: " << h.service.str() << "\n"
              << "      interval: " << sim::format_duration(h.interval) << origin_of(h.at, "interval")
              << "\n";
            if (keepalived) {
                // keepalived checks each real_server its own way; one without a checker is left alone.
                o << "      type: none\n";
                if (h.alpha) o << "      alpha: yes" << origin_of(h.at, "alpha") << "\n";
                if (h.omega) o << "      omega: yes" << origin_of(h.at, "omega") << "\n";
                o << "      quorum: " << h.quorum << origin_of(h.at, "quorum") << "\n";
                if (h.warmup)
                    o << "      warmup: " << sim::format_duration(*h.warmup) << origin_of(h.at, "warmup")
                      << "\n";
                if (h.hysteresis != 0)
                    o << "      hysteresis: " << h.hysteresis << origin_of(h.at, "hysteresis") << "\n";
            } else {
                write_method(o, h.check, "      ", true, h.at);
                if (!h.round.empty())
                    o << "      round: " << h.round << "  # fork=no: one loop over every virtual\n";
            }
            if (h.fallback) {
                o << "      fallback: " << h.fallback->str() << origin_of(h.at, "fallback") << "\n";
                if (h.fallback_forward != ipvs::Forward::Masq)
                    o << "      fallback_method: "
                      << (h.fallback_forward == ipvs::Forward::Tunnel ? "ipip" : "gate") << "\n";
            }
            if (!h.servers.empty()) {
                o << "      servers:\n";
                for (const ServerCheck& sc : h.servers) {
                    o << "        - realserver: " << sc.realserver << from(sc.from) << "\n";
                    write_method(o, sc.check, "          ", keepalived, sc.at);
                }
            }
        }
    }
    if (!d.connections.empty()) {
        o << "  connections:  # resumed at 0 s with their states and the time they had left\n";
        for (const Connection& c : d.connections) {
            const std::string mmss = std::to_string(c.expires_s / 60) + ":" +
                                     (c.expires_s % 60 < 10 ? "0" : "") + std::to_string(c.expires_s % 60);
            o << "    - "
              << quoted(c.protocol + " " + mmss + " " + c.state + " " + c.client.str() + " " + c.vip.str() +
                        " " + c.dest.str())
              << from(c.from) << "\n";
        }
    }
    write_realservers(o, d, placeholder);
    // Browsers on the first TCP service, so that the file runs as it is.
    std::string target;
    for (const Rule& r : d.rules)
        if (target.empty() && r.line.rfind("-A -t ", 0) == 0) target = words_before_space(r.line.substr(6));
    if (!d.access_logs.empty()) {
        write_log_clients(o, d, target);
        return o.str();
    }
    if (!target.empty())
        o << "\nclients:\n"
          << "  - name: browsers\n"
          << "    count: 20\n"
          << "    target: " << target << "\n"
          << "    page: {html: 20kB, objects: 20, object_size: 10kB}\n"
          << "    # from " << first_clients(d)
          << " s: after the checkers' first round (with alpha, or ldirectord,\n"
          << "    # the realservers are held out until their first check passes)\n"
          << "    schedule: {reload_every: 10s, start: " << first_clients(d)
          << "s, stop: " << first_clients(d) + 100 << "s}\n";
    return o.str();
}

}  // namespace lvs::import
