// The loader: each section of a scenario file read into its typed form, then the checks
// across sections (cross_check.cpp), then the expectations compiled against the quantity table.
#include "models/scenario/loader.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "models/ipvs/kernel_profile.hpp"
#include "models/scenario/cross_check.hpp"
#include "models/scenario/key_paths.hpp"
#include "models/scenario/schema.hpp"
#include "models/scenario/yaml_reader.hpp"
#include "models/tcp/tcp_profile.hpp"

namespace lvs::scenario {

const RealServerSpec* Scenario::find_realserver(std::string_view n) const {
    for (const RealServerSpec& r : realservers)
        if (r.name == n) return &r;
    return nullptr;
}

const RealServerSpec* Scenario::realserver_at(net::Ipv4 address) const {
    for (const RealServerSpec& r : realservers)
        if (r.address == address) return &r;
    return nullptr;
}

namespace {

template <class T>
std::vector<std::string> to_strings(const T& v) {
    std::vector<std::string> out;
    for (const auto& x : v) out.emplace_back(x);
    return out;
}

// Source lines, for columns inside block scalars (`rules: |`), whose text yaml-cpp de-indents.
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        out.push_back(line);
    }
    return out;
}

class Loader {
public:
    Loader(const YAML::Node& root, const std::string& origin, const std::vector<std::string>& source)
        : root_(root), r_(origin), source_(source) {
        s_.file = origin;
    }

    Scenario load() {
        const std::string& origin = r_.origin();
        if (!root_ || root_.IsNull())
            throw ConfigError(origin, 1, 1, "the scenario file is empty",
                              "start with `name:` and `duration:`");
        r_.check_keys(root_, schema::kRoot, "the scenario");
        if (!root_["name"])
            throw ConfigError(origin, 1, 1, "the scenario has no name", "add a line `name: my-case`");
        top_level();
        network();
        realservers();  // first: the rules, clients and timeline refer to them
        director();
        clients();
        timeline();
        cross_check(s_, r_, root_);
        expectations();  // last: conditions name realservers, groups and health checks
        return std::move(s_);
    }

private:
    void top_level() {
        s_.name = r_.text(root_["name"], "name");
        if (root_["lesson"]) s_.lesson = r_.text(root_["lesson"], "lesson");
        if (root_["seed"]) s_.seed = static_cast<uint64_t>(r_.integer(root_["seed"], "seed", 0, INT64_MAX));
        if (root_["duration"]) s_.duration = r_.duration(root_["duration"], "duration");
        if (s_.duration <= sim::Duration{}) r_.fail(root_["duration"], "duration must be positive");
        if (root_["sample_every"]) s_.sample_every = r_.duration(root_["sample_every"], "sample_every");
        if (root_["report_windows"])
            s_.report_windows = r_.boolean(root_["report_windows"], "report_windows");
        if (s_.sample_every < sim::ms(1)) r_.fail(root_["sample_every"], "sample_every must be at least 1ms");
        if (root_["capacity_check"])
            s_.capacity_check = r_.boolean(root_["capacity_check"], "capacity_check");
        if (const YAML::Node k = root_["kernel"]) kernel(k);
    }

    // A profile name, or a release number resolved to the profile that covers it.
    void kernel(const YAML::Node& k) {
        const std::string t = r_.text(k, "kernel");
        if (ipvs::find_kernel_profile(t) != nullptr) {
            s_.kernel = t;
            return;
        }
        if (const ipvs::KernelProfile* p = ipvs::kernel_profile_for_release(t)) {
            s_.kernel = p->name;
            s_.kernel_asked = t;
            return;
        }
        const std::vector<std::string> names = to_strings(ipvs::kernel_profile_names());
        const std::string near = did_you_mean(t, names);
        r_.fail(k, "unknown kernel '" + t + "'",
                (near.empty() ? "" : "did you mean '" + near + "'? ") +
                    "write a release (5.4, 6.1) or a profile: " + join(names));
    }

    void network() {
        const YAML::Node n = root_["network"];
        if (!n) return;
        r_.check_keys(n, schema::kNetwork, "network");
        NetworkSpec& net = s_.network;
        if (n["rtt"]) net.rtt = r_.duration(n["rtt"], "network.rtt");
        if (n["bandwidth"]) net.bandwidth_bps = r_.bandwidth(n["bandwidth"], "network.bandwidth");
        if (n["lan_delay"]) net.lan_delay = r_.duration(n["lan_delay"], "network.lan_delay");
        if (n["lan_bandwidth"])
            net.lan_bandwidth_bps = r_.bandwidth(n["lan_bandwidth"], "network.lan_bandwidth");
        if (n["loss"]) net.loss = r_.probability(n["loss"], "network.loss", 0.5);
        if (n["lan_loss"]) net.lan_loss = r_.probability(n["lan_loss"], "network.lan_loss", 0.5);
        if (n["queue"]) net.queue = queue_limit(n["queue"], "network.queue");
        if (n["lan_queue"]) net.lan_queue = queue_limit(n["lan_queue"], "network.lan_queue");
        if (const YAML::Node b = n["burst_loss"]) {
            // netem's "loss gemodel p r 1-h 1-k" (net/sched/sch_netem.c).
            if (!b.IsMap())
                r_.fail(b, "network.burst_loss is a mapping", "e.g. {p: 1%, r: 30%, bad_loss: 100%}");
            r_.check_keys(b, schema::kBurstLoss, "network.burst_loss");
            if (!b["p"]) r_.fail(b, "network.burst_loss needs p (good -> bad per segment)", "e.g. p: 1%");
            net.burst.p = r_.probability(b["p"], "network.burst_loss.p");
            net.burst.r = b["r"] ? r_.probability(b["r"], "network.burst_loss.r") : 1.0 - net.burst.p;
            if (b["bad_loss"])
                net.burst.bad_loss = r_.probability(b["bad_loss"], "network.burst_loss.bad_loss");
            if (b["good_loss"])
                net.burst.good_loss = r_.probability(b["good_loss"], "network.burst_loss.good_loss");
            if (net.burst.r == 0.0 && net.burst.p > 0.0)
                r_.fail(b["r"] ? b["r"] : b, "network.burst_loss.r = 0 never leaves the bad state",
                        "r is the chance per segment to return to the good state, e.g. 30%");
        }
    }

    // A drop-tail queue's size: a number of packets (100) or bytes with a unit (64kB).
    net::QueueLimit queue_limit(const YAML::Node& n, const std::string& what) {
        const std::string t = r_.text(n, what);
        net::QueueLimit q;
        if (!t.empty() && t.find_first_not_of("0123456789") == std::string::npos)
            q.packets = static_cast<uint32_t>(r_.integer(n, what + " (packets)", 1, 1'000'000));
        else q.bytes = r_.size(n, what);
        if (q.bytes != 0 && q.bytes < net::kMss + net::kHeaderBytes)
            r_.fail(n, what + " = " + t + " is smaller than one full frame (1514 bytes)",
                    "a queue of N packets (100) or of bytes (64kB)");
        return q;
    }

    // A name for a realserver, client group or health check: unique, and none the expectation
    // language reserves.
    std::string unique_name(const YAML::Node& n, const std::string& what) {
        const std::string name = r_.name(n, what);
        if (std::find(schema::kReservedNames.begin(), schema::kReservedNames.end(), name) !=
            schema::kReservedNames.end())
            r_.fail(n, "'" + name + "' is reserved (conditions use it: " + join(schema::kReservedNames) + ")",
                    "pick another name");
        if (!names_.insert(name).second) r_.fail(n, "the name '" + name + "' is used twice");
        return name;
    }

    void realservers() {
        const YAML::Node list = root_["realservers"];
        if (!list) return;
        if (!list.IsSequence()) r_.fail(list, "realservers must be a list (lines starting with '- name:')");
        std::set<uint32_t> addresses;
        for (const auto& n : list) {
            r_.check_keys(n, schema::kRealserver, "a realserver");
            RealServerSpec rs;
            rs.mark = mark_of(n);
            if (!n["name"]) r_.fail(n, "a realserver needs a name", "add `name: rs1`");
            rs.name = unique_name(n["name"], "realserver name");
            if (!n["address"])
                r_.fail(n, "realserver " + rs.name + " needs an address", "add `address: 192.168.10.11`");
            rs.address = r_.address(n["address"], "address");
            if (!addresses.insert(rs.address.value()).second)
                r_.fail(n["address"], "the address " + rs.address.str() + " is used twice");
            rs.tcp = host_tcp(n, "realserver " + rs.name, false);
            const std::string preset =
                n["server"] ? r_.one_of(n["server"], "server preset", to_strings(http::server_preset_names()))
                            : "iis";
            http::ServerConfig& web = rs.server;
            web = *http::find_server_preset(preset);
            if (n["keepalive"]) web.keepalive = r_.boolean(n["keepalive"], "keepalive");
            if (n["keepalive_timeout"])
                web.keepalive_timeout = r_.duration(n["keepalive_timeout"], "keepalive_timeout");
            if (n["max_requests"])
                web.max_requests =
                    static_cast<uint32_t>(r_.integer(n["max_requests"], "max_requests", 0, 1'000'000));
            if (n["workers"])
                web.workers = static_cast<uint32_t>(r_.integer(n["workers"], "workers", 1, 1'000'000));
            if (n["model"])
                web.model = r_.one_of(n["model"], "worker model", {"prefork", "event"}) == "prefork"
                                ? http::WorkerModel::Prefork
                                : http::WorkerModel::Event;
            if (n["backlog"])
                web.backlog = static_cast<uint32_t>(r_.integer(n["backlog"], "backlog", 1, 65535));
            if (n["service_time"]) web.service = r_.distribution(n["service_time"], "service_time", false);
            if (n["so_keepalive"]) web.so_keepalive = r_.boolean(n["so_keepalive"], "so_keepalive");
            if (const YAML::Node sc = n["script"]) {
                if (n["server"])
                    r_.fail(n["server"], "realserver " + rs.name + " runs a script: it has no web server",
                            "remove `server:` or `script:`");
                rs.script = script(sc, true);
            }
            s_.realservers.push_back(std::move(rs));
        }
    }

    // A line of ipvsadm as ipvsadm parses it, or an error pointing at the offending token.
    ipvs::IpvsadmCommand ipvsadm(const std::string& line, Mark at, const std::string& hint) {
        ipvs::IpvsadmError err;
        const auto cmd = ipvs::parse_ipvsadm(line, &err);
        if (!cmd)
            throw ConfigError(r_.origin(), at.line, at.column + static_cast<int>(err.column),
                              "ipvsadm: " + err.message, hint);
        return *cmd;
    }

    void director() {
        const YAML::Node d = root_["director"];
        if (!d) return;
        r_.check_keys(d, schema::kDirector, "director");
        if (d["address"]) s_.director_address = r_.address(d["address"], "director.address");
        if (const YAML::Node rules = d["rules"]) read_rules(rules);
        if (const YAML::Node hcs = d["health_checks"]) health_checks(hcs);
        s_.director_tcp = host_tcp(d, "the director", true);
        if (const YAML::Node sc = d["sysctl"]) {
            // IPVS's own sysctls here; host_tcp() took the TCP ones.
            for (const auto& kv : sc) {
                if (tcp::find_tcp_sysctl(kv.first.as<std::string>()) != nullptr) continue;
                const ipvs::SysctlDef* def = sysctl_named(kv.first, kv.first.as<std::string>());
                s_.sysctls.push_back({def,
                                      static_cast<int>(r_.integer(
                                          kv.second, "net.ipv4.vs." + std::string(def->name), 0, def->max)),
                                      mark_of(kv.first)});
            }
        }
    }

    // A host's TCP: `tcp` (a bundle), `sysctl` (the kernel's names and units), `hz`,
    // `jiffies_at_start`. On the director `sysctl` also holds IPVS's sysctls.
    tcp::TcpProfile host_tcp(const YAML::Node& n, const std::string& who, bool director) {
        const std::string bundle =
            n["tcp"] ? r_.one_of(n["tcp"], "TCP profile", to_strings(tcp::tcp_profile_names()))
                     : std::string("linux-6");
        tcp::TcpProfile p = *tcp::find_tcp_profile(bundle);
        if (n["hz"]) {
            const int64_t hz = r_.integer(n["hz"], "hz", 100, 1000);
            if (hz != 100 && hz != 250 && hz != 300 && hz != 1000)
                r_.fail(n["hz"], "hz is CONFIG_HZ: 100, 250, 300 or 1000, not " + std::to_string(hz),
                        "Debian's kernels use 250");
            p.hz = static_cast<uint32_t>(hz);
        }
        if (n["jiffies_at_start"])
            p.jiffies_at_start = static_cast<tcp::Jiffies>(
                r_.integer(n["jiffies_at_start"], "jiffies_at_start", 0, UINT32_MAX));
        const YAML::Node sc = n["sysctl"];
        if (!sc) return p;
        if (!sc.IsMap()) r_.fail(sc, who + ": sysctl must map names to values, e.g. tcp_retries2: 5");
        for (const auto& kv : sc) {
            if (!kv.first.IsScalar())
                r_.fail(kv.first, "a sysctl name must be a plain word", "e.g. tcp_retries2: 5");
            const std::string name = kv.first.as<std::string>();
            const tcp::TcpSysctlDef* def = tcp::find_tcp_sysctl(name);
            if (def == nullptr) {
                if (director && ipvs::find_sysctl(name) != nullptr) continue;
                std::vector<std::string> known;
                for (const tcp::TcpSysctlDef& t : tcp::tcp_sysctl_table()) known.emplace_back(t.name);
                if (director)
                    for (const ipvs::SysctlDef& t : ipvs::sysctl_table()) known.emplace_back(t.name);
                const std::string near = did_you_mean(name, known);
                r_.fail(kv.first, "unknown sysctl '" + name + "' for " + who,
                        near.empty() ? "known: " + join(known) : "did you mean '" + near + "'?");
            }
            const std::string err = tcp::set_tcp_sysctl(p.sysctl, *def, r_.text(kv.second, name));
            if (!err.empty()) r_.fail(kv.second, err, std::string(def->meaning));
        }
        return p;
    }

    const ipvs::SysctlDef* sysctl_named(const YAML::Node& at, const std::string& name) {
        if (const ipvs::SysctlDef* def = ipvs::find_sysctl(name)) return def;
        std::vector<std::string> known;
        for (const ipvs::SysctlDef& d : ipvs::sysctl_table()) known.emplace_back(d.name);
        std::string bare = name.rfind("net.ipv4.vs.", 0) == 0 ? name.substr(12) : name;
        const std::string near = did_you_mean(bare, known);
        r_.fail(at, "unknown sysctl net.ipv4.vs." + bare,
                near.empty() ? "known: " + join(known) : "did you mean '" + near + "'?");
    }

    void read_rules(const YAML::Node& rules) {
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

    void health_checks(const YAML::Node& hcs) {
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
            if (n["interval"]) h.interval = r_.duration(n["interval"], "interval");
            if (h.interval <= sim::Duration{}) r_.fail(n["interval"], "interval must be positive");
            if (n["timeout"]) h.timeout = r_.duration(n["timeout"], "timeout");
            if (n["failures"])
                h.failures = static_cast<uint32_t>(r_.integer(n["failures"], "failures", 1, 100));
            if (n["successes"])
                h.successes = static_cast<uint32_t>(r_.integer(n["successes"], "successes", 1, 100));
            // ldirectord's manual and code disagree on quiescent's default (spec section 7): a
            // scenario must say which it means.
            if (!n["quiescent"])
                r_.fail(n,
                        "health check " + h.name +
                            " needs `quiescent: yes` (weight 0 on failure) or `quiescent: no` (remove)",
                        "ldirectord's manual says the default is yes, its code says no: state it");
            h.quiescent = r_.boolean(n["quiescent"], "quiescent");
            if (n["fallback"])
                h.fallback = endpoint(n["fallback"], "fallback", "address:port, e.g. 127.0.0.1:80");
            s_.health_checks.push_back(std::move(h));
        }
    }

    net::Endpoint endpoint(const YAML::Node& n, const std::string& what, const std::string& like) {
        const auto ep = net::Endpoint::parse(r_.text(n, what));
        if (!ep) r_.fail(n, what + " must be " + like);
        return *ep;
    }

    void clients() {
        const YAML::Node list = root_["clients"];
        if (!list) return;
        if (!list.IsSequence()) r_.fail(list, "clients must be a list (lines starting with '- name:')");
        for (const auto& n : list) {
            r_.check_keys(n, schema::kClientGroup, "a client group");
            ClientGroupSpec c;
            c.mark = mark_of(n);
            if (!n["name"]) r_.fail(n, "a client group needs a name", "add `name: users`");
            c.name = unique_name(n["name"], "client group name");
            if (n["count"]) c.count = static_cast<uint32_t>(r_.integer(n["count"], "count", 1, 1'000'000));
            c.tcp = host_tcp(n, "client group " + c.name, false);
            if (n["ports"]) ports(n["ports"], c);
            if (n["target"]) {
                c.target = endpoint(n["target"], "target", "VIP:port, e.g. 10.0.0.101:80");
                c.target_given = true;
            }
            http::BrowserConfig& b = c.browser;
            const std::string profile = n["browser"] ? r_.one_of(n["browser"], "browser profile",
                                                                 to_strings(http::browser_profile_names()))
                                                     : "ie8";
            b.profile = *http::find_browser_profile(profile);
            if (n["keepalive_timeout"])
                b.profile.keepalive_timeout = r_.duration(n["keepalive_timeout"], "keepalive_timeout");
            if (n["max_connections"])
                b.profile.max_connections =
                    static_cast<uint32_t>(r_.integer(n["max_connections"], "max_connections", 1, 16));
            if (n["close"])
                b.profile.close = r_.one_of(n["close"], "close method", {"fin", "rst"}) == "fin"
                                      ? http::CloseMethod::Fin
                                      : http::CloseMethod::Rst;
            if (n["request_timeout"]) {
                if (r_.text(n["request_timeout"], "request_timeout") == "off") b.request_timeout.reset();
                else b.request_timeout = r_.duration(n["request_timeout"], "request_timeout");
            }
            if (n["page"]) page(n["page"], b.page);
            if (n["so_keepalive"]) b.so_keepalive = r_.boolean(n["so_keepalive"], "so_keepalive");
            if (const YAML::Node sc = n["script"]) {
                for (const char* k : {"browser", "page", "schedule", "keepalive_timeout", "max_connections",
                                      "close", "request_timeout"})
                    if (n[k])
                        r_.fail(n[k], "client group " + c.name + " runs a script: `" + std::string(k) +
                                          ":` is for browsers");
                if (c.count != 1)
                    r_.fail(n["count"], "a scripted client group has one host",
                            "remove `count:` or make it 1");
                c.script = script(sc, false);
            }
            b.schedule.kind = http::LoadSchedule::Kind::Times;
            b.schedule.times = {sim::Time{}};
            if (n["schedule"]) schedule(n["schedule"], b.schedule);
            s_.clients.push_back(std::move(c));
        }
    }

    // A socket program: one call per list item, as `- connect`, `- {send: 69B}`,
    // `- {recv: {timeout: 5s}}`, `- {sleep: 3s}`, `- {shutdown: wr}`, `- close`, ...
    std::vector<sock::Step> script(const YAML::Node& list, bool server) {
        if (!list.IsSequence())
            r_.fail(list, "script must be a list of socket calls",
                    "e.g. [connect, {request: 69B}, recv, close]");
        std::vector<sock::Step> steps;
        const std::vector<std::string> calls{"connect", "listen",        "accept",    "send",
                                             "request", "recv",          "sleep",     "shutdown",
                                             "close",   "close-linger0", "setsockopt"};
        for (const auto& item : list) {
            sock::Step st;
            YAML::Node arg;
            bool has_arg = false;
            std::string name;
            if (item.IsScalar()) {
                name = item.as<std::string>();
            } else if (item.IsMap() && item.size() == 1 && item.begin()->first.IsScalar()) {
                name = item.begin()->first.as<std::string>();
                arg = item.begin()->second;
                has_arg = true;
            } else {
                r_.fail(item, "a script step is one call: `- recv` or `- {send: 100B}`",
                        "calls: " + join(calls));
            }
            const auto found = std::find(calls.begin(), calls.end(), name);
            if (found == calls.end()) {
                const std::string near = did_you_mean(name, calls);
                r_.fail(item, "unknown socket call '" + name + "'",
                        near.empty() ? "calls: " + join(calls) : "did you mean '" + near + "'?");
            }
            st.op = static_cast<sock::Op>(found - calls.begin());
            st.text = name;
            const auto need = [&](bool wanted) {
                if (wanted && !has_arg)
                    r_.fail(item, "`" + name + "` needs a value",
                            name == "sleep" ? "e.g. {sleep: 3s}" : "e.g. {" + name + ": 100B}");
                if (!wanted && has_arg) r_.fail(arg, "`" + name + "` takes no value");
            };
            switch (st.op) {
                case sock::Op::Connect:
                    if (server)
                        r_.fail(item, "a server script listens and accepts; connect is for client scripts");
                    need(false);
                    break;
                case sock::Op::Listen:
                case sock::Op::Accept:
                    if (!server)
                        r_.fail(item,
                                "`" + name + "` is for a realserver's script; a client script connects");
                    need(false);
                    break;
                case sock::Op::Send:
                    need(true);
                    st.bytes = r_.message_size(arg, "send");
                    st.text += " " + format_size(st.bytes);
                    break;
                case sock::Op::Request:
                    need(true);
                    st.reply = 612;  // nginx's default index.html
                    if (arg.IsMap()) {
                        r_.check_keys(arg, {"bytes", "reply"}, "a request");
                        if (!arg["bytes"])
                            r_.fail(arg, "a request needs `bytes:`",
                                    "e.g. {request: {bytes: 69B, reply: 612B}}");
                        st.bytes = r_.message_size(arg["bytes"], "request.bytes");
                        if (arg["reply"]) st.reply = r_.message_size(arg["reply"], "request.reply");
                    } else {
                        st.bytes = r_.message_size(arg, "request");
                    }
                    st.text += " " + format_size(st.bytes) + " (reply " + format_size(st.reply) + ")";
                    break;
                case sock::Op::Recv:
                    if (has_arg) {
                        r_.check_keys(arg, {"timeout"}, "recv");
                        st.timeout = r_.duration(arg["timeout"], "recv.timeout");
                        st.text += " (SO_RCVTIMEO " + sim::format_duration(*st.timeout) + ")";
                    }
                    break;
                case sock::Op::Sleep:
                    need(true);
                    st.duration = r_.duration(arg, "sleep");
                    st.text += " " + sim::format_duration(st.duration);
                    break;
                case sock::Op::Shutdown: {
                    need(true);
                    const std::string how = r_.one_of(arg, "shutdown direction", {"rd", "wr", "rdwr"});
                    st.read = how != "wr";
                    st.write = how != "rd";
                    st.text += " SHUT_" + std::string(how == "rd" ? "RD" : how == "wr" ? "WR" : "RDWR");
                    break;
                }
                case sock::Op::Close:
                    if (has_arg) {
                        r_.one_of(arg, "close option", {"linger0"});
                        st.op = sock::Op::Abort;
                        st.text = "close-linger0";
                    }
                    break;
                case sock::Op::Abort: need(false); break;
                case sock::Op::SetOption: {
                    need(true);
                    if (!arg.IsMap() || arg.size() != 1 || !arg.begin()->first.IsScalar())
                        r_.fail(arg, "setsockopt takes one option", "e.g. {setsockopt: {SO_KEEPALIVE: 1}}");
                    const std::string opt = r_.one_of(arg.begin()->first, "socket option",
                                                      {"SO_KEEPALIVE", "TCP_NODELAY", "TCP_USER_TIMEOUT"});
                    const YAML::Node v = arg.begin()->second;
                    if (opt == "TCP_USER_TIMEOUT") {
                        st.option = sock::Option::UserTimeout;
                        // The kernel's unit is milliseconds; a duration with a unit is taken as written.
                        const std::string t = r_.text(v, "TCP_USER_TIMEOUT");
                        const bool plain =
                            !t.empty() && t.find_first_not_of("0123456789") == std::string::npos;
                        st.duration = plain ? sim::ms(r_.integer(v, "TCP_USER_TIMEOUT", 0, INT32_MAX))
                                            : r_.duration(v, "TCP_USER_TIMEOUT");
                    } else {
                        st.option = opt == "SO_KEEPALIVE" ? sock::Option::KeepAlive : sock::Option::NoDelay;
                        st.on = r_.integer(v, opt, 0, 1) != 0;
                    }
                    st.text += " " + opt + "=" + r_.text(v, opt);
                    break;
                }
                case sock::Op::Count: break;
            }
            steps.push_back(std::move(st));
        }
        if (steps.empty()) r_.fail(list, "the script is empty");
        return steps;
    }

    void ports(const YAML::Node& n, ClientGroupSpec& c) {
        const std::string t = r_.text(n, "ports");
        const size_t dash = t.find('-');
        int lo = 0, hi = -1;
        try {
            size_t end_lo = 0, end_hi = 0;
            lo = std::stoi(t.substr(0, dash), &end_lo);
            if (dash != std::string::npos) hi = std::stoi(t.substr(dash + 1), &end_hi);
            if (end_lo != dash || (dash != std::string::npos && dash + 1 + end_hi != t.size())) hi = -1;
        } catch (...) {
            hi = -1;
        }
        if (dash == std::string::npos || lo < 1024 || hi > 65535 || hi < lo)
            r_.fail(n, "ports must be a range LOW-HIGH within 1024-65535",
                    "e.g. ports: 40000-40079 (Linux's ip_local_port_range)");
        c.tcp.sysctl.ip_local_port_range = {static_cast<uint16_t>(lo), static_cast<uint16_t>(hi)};
    }

    void page(const YAML::Node& n, http::PageSpec& p) {
        r_.check_keys(n, schema::kPage, "a client page");
        if (n["html"]) p.html_bytes = r_.message_size(n["html"], "page.html");
        if (n["objects"])
            p.objects = static_cast<uint32_t>(r_.integer(n["objects"], "page.objects", 0, 1000));
        if (n["object_size"]) p.object_bytes = r_.distribution(n["object_size"], "page.object_size", true);
        if (n["request"]) p.request_bytes = r_.message_size(n["request"], "page.request");
    }

    void schedule(const YAML::Node& n, http::LoadSchedule& s) {
        r_.check_keys(n, schema::kSchedule, "a client schedule");
        int kinds = 0;
        if (n["reload_every"]) {
            s.kind = http::LoadSchedule::Kind::Interval;
            s.interval = r_.duration(n["reload_every"], "schedule.reload_every");
            if (s.interval <= sim::Duration{})
                r_.fail(n["reload_every"], "schedule.reload_every must be positive");
            ++kinds;
        }
        if (n["think"]) {
            s.kind = http::LoadSchedule::Kind::Think;
            s.think = r_.distribution(n["think"], "schedule.think", false);
            ++kinds;
        }
        if (n["times"]) {
            s.kind = http::LoadSchedule::Kind::Times;
            const YAML::Node t = n["times"];
            if (!t.IsSequence()) r_.fail(t, "schedule.times must be a list of times, e.g. [1s, 5s]");
            s.times.clear();
            for (const auto& x : t) s.times.push_back(sim::at(r_.duration(x, "schedule.times")));
            ++kinds;
        }
        if (kinds > 1)
            r_.fail(n, "a schedule has one of reload_every, think or times", "remove all but one of them");
        if (n["start"]) s.start = sim::at(r_.duration(n["start"], "schedule.start"));
        if (n["stop"]) {
            if (r_.text(n["stop"], "schedule.stop") == "never") s.stop = sim::Time::max();
            else s.stop = sim::at(r_.duration(n["stop"], "schedule.stop"));
        }
    }

    void check_time(const YAML::Node& n, sim::Time t, const std::string& what) {
        if (t > sim::at(s_.duration))
            r_.fail(n,
                    what + " at " + sim::format_time(t) + " is after the end of the run (duration " +
                        sim::format_duration(s_.duration) + ")",
                    "make `duration:` longer or move the entry earlier");
    }

    // `name` among the scenario's realservers or client groups: its index, or an error.
    template <class List>
    size_t index_named(const YAML::Node& n, const List& list, const std::string& kind) {
        const std::string name = r_.text(n, kind);
        std::vector<std::string> names;
        for (size_t i = 0; i < list.size(); ++i) {
            if (list[i].name == name) return i;
            names.push_back(list[i].name);
        }
        const std::string near = did_you_mean(name, names);
        r_.fail(n, "no " + kind + " named '" + name + "'",
                (near.empty() ? "" : "did you mean '" + near + "'? ") +
                    (names.empty() ? "there is none" : "known: " + join(names)));
    }

    // A server or client entry: whom (`who`, an index into `list`), `action:` (one of `names`)
    // and, for the `timed` verb only, `value:` (a duration).
    template <class Verb, class List, size_t N>
    std::tuple<size_t, Verb, sim::Duration> verb_entry(const YAML::Node& entry, const YAML::Node& who,
                                                       const List& list,
                                                       const std::array<std::string_view, N>& names,
                                                       const std::string& kind, const std::string& what,
                                                       Verb timed) {
        const size_t index = index_named(who, list, kind);
        const std::vector<std::string> allowed = to_strings(names);
        if (!entry["action"]) r_.fail(entry, "a " + what + " entry needs `action:`", join(allowed));
        const std::string word = r_.one_of(entry["action"], what + " action", allowed);
        const Verb verb =
            static_cast<Verb>(std::find(allowed.begin(), allowed.end(), word) - allowed.begin());
        sim::Duration value;
        if (verb == timed) {
            if (!entry["value"]) r_.fail(entry, word + " needs `value:` (a duration)", "e.g. value: 30s");
            value = r_.duration(entry["value"], "value");
        } else if (entry["value"]) {
            r_.fail(entry["value"],
                    "only " + std::string(names[static_cast<size_t>(timed)]) + " takes `value:`");
        }
        return {index, verb, value};
    }

    TimelineAction action(const YAML::Node& n) {
        int actions = 0;
        for (const char* k : {"ipvsadm", "sysctl", "server", "client", "snapshot", "drop"})
            actions += n[k] ? 1 : 0;
        if (actions != 1)
            r_.fail(n, "a timeline entry does exactly one thing",
                    "one of ipvsadm, sysctl, server, client, snapshot or drop");
        if (n["action"] && !n["server"] && !n["client"])
            r_.fail(n["action"], "`action:` belongs to server or client entries");
        if (n["value"] && !n["server"] && !n["client"])
            r_.fail(n["value"], "`value:` belongs to server or client entries");
        if (const YAML::Node v = n["ipvsadm"])
            return IpvsadmAction{ipvsadm(r_.text(v, "ipvsadm"), mark_of(v),
                                         "ipvsadm options as on the command line, e.g. -e -t 10.0.0.100:80 "
                                         "-r 192.168.10.11:80 -m -w 0")};
        if (const YAML::Node v = n["sysctl"]) {
            const std::string text = r_.text(v, "sysctl");
            const size_t eq = text.find('=');
            if (eq == std::string::npos)
                r_.fail(v, "sysctl needs NAME=VALUE", "e.g. net.ipv4.vs.expire_nodest_conn=1");
            const ipvs::SysctlDef* def = sysctl_named(v, text.substr(0, eq));
            const std::string value = text.substr(eq + 1);
            int parsed = -1;
            try {
                size_t end = 0;
                parsed = std::stoi(value, &end);
                if (end != value.size()) parsed = -1;
            } catch (...) {
                parsed = -1;
            }
            if (parsed < 0 || parsed > def->max)
                r_.fail(v,
                        "net.ipv4.vs." + std::string(def->name) + " takes 0 to " + std::to_string(def->max) +
                            ", not '" + value + "'",
                        "values 0 to " + std::to_string(def->max) + "; " + std::string(def->meaning),
                        static_cast<size_t>(eq + 1));
            return SysctlAction{def, parsed};
        }
        if (const YAML::Node v = n["server"]) {
            const auto [who, what, value] = verb_entry(n, v, s_.realservers, kServerVerbNames, "realserver",
                                                       "server", ServerVerb::KeepaliveTimeout);
            return ServerAction{who, what, value};
        }
        if (const YAML::Node v = n["client"]) {
            const auto [who, what, value] = verb_entry(n, v, s_.clients, kClientVerbNames, "client group",
                                                       "client", ClientVerb::KeepaliveTimeout);
            return ClientAction{who, what, value};
        }
        if (const YAML::Node v = n["drop"]) return drop(v);
        return SnapshotAction{r_.text(n["snapshot"], "snapshot")};
    }

    DropAction drop(const YAML::Node& v) {
        if (!v.IsMap()) r_.fail(v, "drop is a mapping", "e.g. drop: {host: ie8, direction: in, segment: 3}");
        r_.check_keys(v, schema::kDrop, "drop");
        DropAction d;
        if (!v["host"]) r_.fail(v, "drop needs host: (a client group or a realserver)", "e.g. host: ie8");
        const std::string host = r_.text(v["host"], "drop.host");
        bool found = false;
        for (size_t i = 0; i < s_.clients.size() && !found; ++i)
            if (s_.clients[i].name == host) found = true, d.index = i;
        for (size_t i = 0; i < s_.realservers.size() && !found; ++i)
            if (s_.realservers[i].name == host) found = true, d.index = i, d.realserver = true;
        if (!found) {
            std::vector<std::string> names;
            for (const auto& c : s_.clients) names.push_back(c.name);
            for (const auto& r : s_.realservers) names.push_back(r.name);
            const std::string near = did_you_mean(host, names);
            r_.fail(v["host"], "no client group or realserver named '" + host + "'",
                    near.empty() ? "hosts: " + join(names) : "did you mean '" + near + "'?");
        }
        if (const YAML::Node dir = v["direction"]) {
            const std::string t = r_.text(dir, "drop.direction");
            if (t != "in" && t != "out")
                r_.fail(dir, "drop.direction is in or out, not '" + t + "'",
                        "in: segments arriving at the host; out: segments it sends");
            d.toward_host = t == "in";
        }
        if (v["segment"])
            d.nth = static_cast<uint32_t>(r_.integer(v["segment"], "drop.segment", 1, 1'000'000));
        if (v["conn"]) d.conn = static_cast<uint32_t>(r_.integer(v["conn"], "drop.conn", 1, 1'000'000));
        if (const YAML::Node f = v["flags"]) {
            const std::string t = r_.text(f, "drop.flags");
            for (size_t i = 0; i < t.size(); ++i) {
                switch (t[i]) {
                    case 'S': d.flags |= net::tcpflag::kSyn; break;
                    case 'F': d.flags |= net::tcpflag::kFin; break;
                    case 'R': d.flags |= net::tcpflag::kRst; break;
                    case 'P': d.flags |= net::tcpflag::kPsh; break;
                    case 'A': d.flags |= net::tcpflag::kAck; break;
                    default:
                        r_.fail(f,
                                "drop.flags takes the letters S, A, F, R and P, not '" +
                                    std::string(1, t[i]) + "'",
                                "e.g. flags: F (a FIN) or flags: SA (a SYN+ACK)", i);
                }
            }
        }
        d.text =
            host + " " + (d.toward_host ? "in" : "out") +
            (d.flags != 0 ? " " + std::string(net::flag_letters(d.flags)) + " segment" : " data segment") +
            " #" + std::to_string(d.nth) + (d.conn != 0 ? " of connection " + std::to_string(d.conn) : "");
        return d;
    }

    void timeline() {
        const YAML::Node list = root_["timeline"];
        if (!list) return;
        if (!list.IsSequence()) r_.fail(list, "timeline must be a list of entries like `- at: 20s`");
        for (const auto& n : list) {
            r_.check_keys(n, schema::kTimelineEntry, "a timeline entry");
            TimelineEntry e;
            e.mark = mark_of(n);
            if (!n["at"]) r_.fail(n, "a timeline entry needs `at:`", "e.g. `- at: 20s`");
            e.at = sim::at(r_.duration(n["at"], "at"));
            check_time(n["at"], e.at, "the timeline entry");
            e.action = action(n);
            for (const char* k : {"ipvsadm", "sysctl", "server", "client", "snapshot", "drop"})
                if (n[k]) e.value_mark = mark_of(n[k]);
            s_.timeline.push_back(std::move(e));
        }
        std::stable_sort(s_.timeline.begin(), s_.timeline.end(),
                         [](const auto& a, const auto& b) { return a.at < b.at; });
    }

    void expectations() {
        const YAML::Node list = root_["expect"];
        if (!list) return;
        if (!list.IsSequence())
            r_.fail(list, "expect must be a list of `- at: T` / `that: CONDITION` entries");
        const sim::Time end = sim::at(s_.duration);
        for (const auto& n : list) {
            r_.check_keys(n, schema::kExpectation, "an expectation");
            Expectation x;
            x.mark = mark_of(n);
            if (!n["that"])
                r_.fail(n, "an expectation needs `that:` (a condition)", "e.g. `that: rs1.active >= 1`");
            const YAML::Node that = n["that"];
            x.text = r_.text(that, "that");
            if (n["at"] && r_.text(n["at"], "at") != "end") {
                x.at = sim::at(r_.duration(n["at"], "at"));
                check_time(n["at"], *x.at, "the expectation");
            }
            // A quoted condition's text starts one column after its mark.
            const size_t quote = that.Tag() == "!" ? 1 : 0;
            try {
                x.condition = Expr::compile(x.text, s_);
            } catch (const ExprError& e) {
                r_.fail(that, "in the condition: " + std::string(e.what()),
                        e.hint.empty() ? "conditions look like rs1.active >= 1 && clients.objects_failed == 0"
                                       : e.hint,
                        e.column + quote);
            }
            if (!x.condition.is_condition())
                r_.fail(that, "`that:` must be a condition (==, <, >=, &&, ...)", "e.g. rs1.active >= 1");
            for (const Expr::Ref& ref : x.condition.refs())
                if (ref.at && ((x.at && *ref.at > *x.at) || *ref.at > end))
                    r_.fail(
                        that,
                        ref.name + "@" + sim::format_time(*ref.at) + " looks into the future of the check",
                        "", ref.column + quote);
            s_.expectations.push_back(std::move(x));
        }
    }

    const YAML::Node& root_;
    Reader r_;
    const std::vector<std::string>& source_;
    Scenario s_;
    std::set<std::string> names_;
};

}  // namespace

// A scenario nests a few levels; yaml-cpp recurses once per level and gives up near a
// thousand with "bad file". Deeper flow collections or indentation are refused first, with
// the place and the limit.
void check_nesting(const std::string& text, const std::string& origin) {
    constexpr int kMaxFlowDepth = 64;
    constexpr size_t kMaxIndent = 256;
    int line = 1, depth = 0;
    size_t col = 0, indent = 0;
    bool at_line_start = true;
    char quote = 0;
    for (const char c : text) {
        ++col;
        if (c == '\n') {
            ++line, col = 0, indent = 0, at_line_start = true;
            quote = 0;  // a scenario's quoted scalars are on one line
            continue;
        }
        if (at_line_start) {
            if (c == ' ') {
                if (++indent > kMaxIndent)
                    throw ConfigError(origin, line, static_cast<int>(col),
                                      "indented more than " + std::to_string(kMaxIndent) + " columns",
                                      "a scenario nests a few levels; use fewer levels");
                continue;
            }
            at_line_start = false;
        }
        if (quote != 0) {
            if (c == quote) quote = 0;
            continue;
        }
        if (c == '"' || c == '\'') quote = c;
        else if (c == '#') quote = '\n';  // a comment: skip to the end of the line
        else if (c == '[' || c == '{') {
            if (++depth > kMaxFlowDepth)
                throw ConfigError(
                    origin, line, static_cast<int>(col),
                    "lists and mappings nest deeper than " + std::to_string(kMaxFlowDepth) + " levels",
                    "a scenario nests a few levels; use fewer levels");
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
}

Scenario load_scenario_text(const std::string& text, const std::string& origin,
                            const std::vector<std::string>& sets) {
    check_nesting(text, origin);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw ConfigError(origin, e.mark.line + 1, e.mark.column + 1, "YAML: " + e.msg,
                          "check the indentation and the ':' after each key");
    }
    const std::vector<std::string> source = lines_of(text);
    Scenario s = Loader(root, origin, source).load();  // the file itself must be right first
    if (sets.empty()) return s;
    for (const std::string& a : sets) apply_set(root, a);
    try {
        return Loader(root, origin, source).load();
    } catch (const ConfigError& e) {
        // Only a --set value can be wrong now: name the first option after which the file no
        // longer loads (the last one if only their combination is wrong).
        std::string culprit = sets.back();
        if (sets.size() > 1) {
            for (size_t k = 1; k < sets.size(); ++k) {
                YAML::Node partial = YAML::Load(text);
                for (size_t i = 0; i < k; ++i) apply_set(partial, sets[i]);
                try {
                    (void)Loader(partial, origin, source).load();
                } catch (const ConfigError&) {
                    culprit = sets[k - 1];
                    break;
                }
            }
        }
        throw ConfigError("command line", 0, 0, "--set " + culprit + ": " + e.what(), e.hint());
    }
}

Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets) {
    std::ifstream in(path);
    if (!in)
        throw ConfigError(path, 0, 0, "cannot open the scenario file",
                          "check the path (lessons live in scenarios/)");
    std::stringstream buf;
    buf << in.rdbuf();
    return load_scenario_text(buf.str(), path, sets);
}

}  // namespace lvs::scenario
