// The scenario's director: section: its TCP and IPVS sysctls, the ipvsadm rules (parsed once,
// here, into commands) and the health checks. Separate: it is the load balancer's own setup.
#include "models/scenario/loader_impl.hpp"

namespace lvs::scenario::detail {

// A line of ipvsadm as ipvsadm parses it, or an error pointing at the offending token.
ipvs::IpvsadmCommand Loader::ipvsadm(const std::string& line, Mark at, const std::string& hint) {
    ipvs::IpvsadmError err;
    const auto cmd = ipvs::parse_ipvsadm(line, &err);
    if (!cmd)
        throw ConfigError(r_.origin(), at.line, at.column + static_cast<int>(err.column),
                          "ipvsadm: " + err.message, hint);
    return *cmd;
}

void Loader::director() {
    const YAML::Node d = root_["director"];
    merge_imported_director();  // before the file's own rules, which may build on them
    if (!d) return;
    r_.check_keys(d, schema::kDirector, "director");
    if (d["address"]) s_.director_address = r_.address(d["address"], "director.address");
    if (const YAML::Node rules = d["rules"]) read_rules(rules);
    if (const YAML::Node hcs = d["health_checks"]) health_checks(hcs);
    if (const YAML::Node cs = d["connections"]) connections(cs);
    if (const YAML::Node t = d["timeouts"]) {
        // `ipvsadm --set tcp tcpfin udp` at 0 s, as keys a sweep can vary.
        r_.check_keys(t, schema::kTimeouts, "director.timeouts");
        const auto secs = [&](const char* k) -> int64_t {
            if (!t[k]) return 0;
            const sim::Duration v = r_.duration(t[k], std::string("director.timeouts.") + k);
            if (v < sim::s(1) || v.ns() % 1'000'000'000 != 0)
                r_.fail(t[k], std::string("director.timeouts.") + k + " is whole seconds, at least 1s",
                        "ipvsadm --set takes seconds; 0 would mean \"unchanged\"");
            return v.ns() / 1'000'000'000;
        };
        s_.timeouts = {secs("tcp"), secs("tcpfin"), secs("udp")};
    }
    s_.director_tcp = host_tcp(d, "the director", true);
    if (const YAML::Node sc = d["sysctl"]) {
        // IPVS's own sysctls here; host_tcp() took the TCP ones.
        for (const auto& kv : sc) {
            if (tcp::find_tcp_sysctl(kv.first.as<std::string>()) != nullptr) continue;
            const ipvs::SysctlDef* def = sysctl_named(kv.first, kv.first.as<std::string>());
            const auto [value, second] =
                sysctl_value(kv.second, *def, r_.text(kv.second, "net.ipv4.vs." + std::string(def->name)));
            s_.sysctls.push_back({def, value, second, mark_of(kv.first)});
        }
    }
}

const ipvs::SysctlDef* Loader::sysctl_named(const YAML::Node& at, const std::string& name) {
    if (const ipvs::SysctlDef* def = ipvs::find_sysctl(name)) return def;
    std::vector<std::string> known;
    for (const ipvs::SysctlDef& d : ipvs::sysctl_table()) known.emplace_back(d.name);
    std::string bare = name.rfind("net.ipv4.vs.", 0) == 0 ? name.substr(12) : name;
    const std::string near = did_you_mean(bare, known);
    r_.fail(at, "unknown sysctl net.ipv4.vs." + bare,
            near.empty() ? "known: " + join(known) : "did you mean '" + near + "'?");
}

void Loader::read_rules(const YAML::Node& rules) {
    const std::string hint =
        "write the line as ipvsadm-save does, e.g. -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1";
    if (rules.IsSequence()) {
        for (const auto& l : rules)
            s_.rules.push_back({ipvsadm(r_.text(l, "a rule"), mark_of(l), hint), mark_of(l)});
        return;
    }
    // A block of ipvsadm-save lines: one command per line, each line on its own line of
    // the file (after the `|`), at the column where its text starts there.
    const std::string block = r_.text(rules, "director.rules");
    const bool block_scalar = block.find('\n') != std::string::npos;
    const Mark base = mark_of(rules);
    std::istringstream in(block);
    std::string line;
    int k = 0;
    while (std::getline(in, line)) {
        ++k;
        const size_t first = line.find_first_not_of(' ');
        if (first == std::string::npos || line[first] == '#') continue;
        Mark m = base;
        if (!block_scalar) {
            // A quoted one-line scalar: its text starts one column after the quote.
            const size_t file_line = static_cast<size_t>(m.line - 1);
            const std::string raw = file_line < source_.size() ? source_[file_line] : std::string();
            const size_t c = static_cast<size_t>(m.column - 1);
            if (c < raw.size() && (raw[c] == '"' || raw[c] == '\'')) ++m.column;
        }
        if (block_scalar) {
            m.line = base.line + k;
            const size_t file_line = static_cast<size_t>(m.line - 1);
            const std::string raw = file_line < source_.size() ? source_[file_line] : std::string();
            m.column =
                raw.size() >= line.size() ? static_cast<int>(raw.size() - line.size()) + 1 : base.column;
        }
        s_.rules.push_back({ipvsadm(line, m, hint), m});
    }
}

void Loader::health_checks(const YAML::Node& hcs) {
    if (!hcs.IsSequence())
        r_.fail(hcs, "director.health_checks must be a list (lines starting with '- name:')");
    for (const auto& n : hcs) {
        r_.check_keys(n, schema::kHealthCheck, "a health check");
        HealthCheckSpec h;
        h.mark = mark_of(n);
        if (!n["name"]) r_.fail(n, "a health check needs a name", "add `name: ldirectord`");
        h.name = unique_name(n["name"], "health check name");
        if (!n["service"]) r_.fail(n, "health check " + h.name + " needs `service:` (VIP:port)");
        h.service = endpoint(n["service"], "service", "VIP:port, e.g. 10.0.0.100:80");
        if (n["tool"])
            h.tool = r_.one_of(n["tool"], "tool", {"ldirectord", "keepalived"}) == "keepalived"
                         ? ipvs::CheckerTool::Keepalived
                         : ipvs::CheckerTool::Ldirectord;
        const bool keepalived = h.tool == ipvs::CheckerTool::Keepalived;
        if (n["interval"]) h.interval = r_.duration(n["interval"], "interval");
        if (h.interval <= sim::Duration{}) r_.fail(n["interval"], "interval must be positive");
        // ldirectord's manual and code disagree on quiescent's default (spec section 7): a
        // scenario must say which it means. keepalived's is clear: inhibit_on_failure is off.
        if (!keepalived && !n["quiescent"])
            r_.fail(n,
                    "health check " + h.name +
                        " needs `quiescent: yes` (weight 0 on failure) or `quiescent: no` (remove)",
                    "ldirectord's manual says the default is yes, its code says no: state it");
        h.check = check_method(n, ipvs::CheckMethod{}, h.name);
        for (const char* k : {"alpha", "omega", "quorum", "hysteresis"})
            if (n[k] && !keepalived)
                r_.fail(n[k],
                        std::string(k) + " is keepalived's: health check " + h.name + " is ldirectord's",
                        "add `tool: keepalived`, or remove it");
        if (n["alpha"]) h.alpha = r_.boolean(n["alpha"], "alpha");
        if (n["omega"]) h.omega = r_.boolean(n["omega"], "omega");
        if (n["quorum"]) h.quorum = static_cast<uint32_t>(r_.integer(n["quorum"], "quorum", 1, 1'000'000));
        if (n["hysteresis"])
            h.hysteresis = static_cast<uint32_t>(r_.integer(n["hysteresis"], "hysteresis", 0, 1'000'000));
        if (h.hysteresis >= h.quorum && n["hysteresis"])
            r_.fail(n["hysteresis"], "hysteresis must be below quorum (" + std::to_string(h.quorum) + ")",
                    "keepalived regains the quorum at quorum + hysteresis and loses it below quorum - "
                    "hysteresis");
        if (n["fallback"])
            h.fallback = endpoint(n["fallback"], "fallback", "address:port, e.g. 127.0.0.1:80");
        if (n["fallback_method"]) {
            const std::string m =
                r_.one_of(n["fallback_method"], "fallback_method", {"masq", "gate", "ipip"});
            h.fallback_forward = m == "masq"   ? ipvs::Forward::Masq
                                 : m == "gate" ? ipvs::Forward::Route
                                               : ipvs::Forward::Tunnel;
        }
        if (n["round"]) {
            if (keepalived)
                r_.fail(n["round"], "round is ldirectord's (fork=no: one loop over its virtual services)",
                        "keepalived checks each realserver on its own timer: remove it");
            h.round = r_.name(n["round"], "round");
            for (const HealthCheckSpec& other : s_.health_checks)
                if (other.round == h.round && other.interval != h.interval)
                    r_.fail(n["round"],
                            "the checks of round " + h.round + " must share one interval (" + other.name +
                                " has " + sim::format_duration(other.interval) + ")",
                            "ldirectord's checkinterval is global when fork=no");
        }
        if (n["warmup"]) {
            if (!keepalived)
                r_.fail(n["warmup"], "warmup is keepalived's: health check " + h.name + " is ldirectord's",
                        "add `tool: keepalived`, or remove it");
            h.warmup = r_.duration(n["warmup"], "warmup");
        }
        if (const YAML::Node list = n["servers"]) {
            if (!list.IsSequence())
                r_.fail(list, "servers must be a list (lines starting with '- realserver:')");
            for (const auto& sn : list) {
                r_.check_keys(sn, schema::kServerCheck, "a realserver's check");
                if (!sn["realserver"]) r_.fail(sn, "a realserver's check needs `realserver: NAME`");
                HealthCheckSpec::ServerCheck sc;
                sc.mark = mark_of(sn);
                sc.realserver = index_named(sn["realserver"], s_.realservers, "realserver");
                sc.check = check_method(sn, h.check, h.name);
                h.servers.push_back(std::move(sc));
            }
        }
        s_.health_checks.push_back(std::move(h));
    }
}

// The keys of a check method (a health check's own, or one realserver's in `servers:`).
ipvs::CheckMethod Loader::check_method(const YAML::Node& n, ipvs::CheckMethod m, const std::string& check) {
    if (n["type"]) {
        const std::string t = r_.one_of(n["type"], "check type", {"http", "tcp", "script", "none", "off"});
        m.type = t == "http"   ? ipvs::CheckType::Http
                 : t == "tcp"  ? ipvs::CheckType::Tcp
                 : t == "none" ? ipvs::CheckType::None
                 : t == "off"  ? ipvs::CheckType::Off
                               : ipvs::CheckType::Script;
    }
    if (n["timeout"]) m.timeout = r_.duration(n["timeout"], "timeout");
    if (m.timeout <= sim::Duration{}) r_.fail(n["timeout"], "timeout must be positive");
    if (n["retry_delay"]) m.retry_delay = r_.duration(n["retry_delay"], "retry_delay");
    if (m.retry_delay && *m.retry_delay < sim::Duration{})
        r_.fail(n["retry_delay"], "retry_delay cannot be negative");
    if (n["successes"]) m.successes = static_cast<uint32_t>(r_.integer(n["successes"], "successes", 1, 100));
    if (n["failures"]) m.failures = static_cast<uint32_t>(r_.integer(n["failures"], "failures", 1, 100));
    if (n["quiescent"]) m.quiescent = r_.boolean(n["quiescent"], "quiescent");
    if (n["path"]) m.path = r_.text(n["path"], "path");
    if (const YAML::Node st = n["status"]) {
        if (m.type != ipvs::CheckType::Http)
            r_.fail(st, "health check " + check + ": status: applies to http checks only");
        m.status_codes.clear();
        if (st.IsSequence())
            for (const auto& x : st)
                m.status_codes.push_back(static_cast<uint16_t>(r_.integer(x, "status", 100, 599)));
        else m.status_codes.push_back(static_cast<uint16_t>(r_.integer(st, "status", 100, 599)));
    }
    return m;
}

net::Endpoint Loader::endpoint(const YAML::Node& n, const std::string& what, const std::string& like) {
    const auto ep = net::Endpoint::parse(r_.text(n, what));
    if (!ep) r_.fail(n, what + " must be " + like);
    return *ep;
}

}  // namespace lvs::scenario::detail
