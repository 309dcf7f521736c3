// The scenario's network: and realservers: sections: links, queues and addresses, then each
// real server with its TCP profile and HTTP server. Separate from the other sections because
// everything else refers to the hosts read here.
#include "models/scenario/loader_impl.hpp"

namespace lvs::scenario::detail {

void Loader::network() {
    const YAML::Node n = root_["network"];
    if (!n) return;
    r_.check_keys(n, schema::kNetwork, "network");
    NetworkSpec& net = s_.network;
    if (n["rtt"]) net.rtt = r_.duration(n["rtt"], "network.rtt");
    if (n["bandwidth"]) net.bandwidth_bps = r_.bandwidth(n["bandwidth"], "network.bandwidth");
    if (n["lan_delay"]) net.lan_delay = r_.duration(n["lan_delay"], "network.lan_delay");
    if (n["lan_bandwidth"]) net.lan_bandwidth_bps = r_.bandwidth(n["lan_bandwidth"], "network.lan_bandwidth");
    if (n["loss"]) net.loss = r_.probability(n["loss"], "network.loss", 0.5);
    if (n["lan_loss"]) net.lan_loss = r_.probability(n["lan_loss"], "network.lan_loss", 0.5);
    if (n["queue"]) net.queue = queue_limit(n["queue"], "network.queue");
    if (n["lan_queue"]) net.lan_queue = queue_limit(n["lan_queue"], "network.lan_queue");
    if (const YAML::Node b = n["burst_loss"]) {
        // netem's "loss gemodel p r 1-h 1-k" (net/sched/sch_netem.c).
        if (!b.IsMap()) r_.fail(b, "network.burst_loss is a mapping", "e.g. {p: 1%, r: 30%, bad_loss: 100%}");
        r_.check_keys(b, schema::kBurstLoss, "network.burst_loss");
        if (!b["p"]) r_.fail(b, "network.burst_loss needs p (good -> bad per segment)", "e.g. p: 1%");
        net.burst.p = r_.probability(b["p"], "network.burst_loss.p");
        net.burst.r = b["r"] ? r_.probability(b["r"], "network.burst_loss.r") : 1.0 - net.burst.p;
        if (b["bad_loss"]) net.burst.bad_loss = r_.probability(b["bad_loss"], "network.burst_loss.bad_loss");
        if (b["good_loss"])
            net.burst.good_loss = r_.probability(b["good_loss"], "network.burst_loss.good_loss");
        if (net.burst.r == 0.0 && net.burst.p > 0.0)
            r_.fail(b["r"] ? b["r"] : b, "network.burst_loss.r = 0 never leaves the bad state",
                    "r is the chance per segment to return to the good state, e.g. 30%");
    }
}

// A drop-tail queue's size: a number of packets (100) or bytes with a unit (64kB).
net::QueueLimit Loader::queue_limit(const YAML::Node& n, const std::string& what) {
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
std::string Loader::unique_name(const YAML::Node& n, const std::string& what) {
    const std::string name = r_.name(n, what);
    if (std::find(schema::kReservedNames.begin(), schema::kReservedNames.end(), name) !=
        schema::kReservedNames.end())
        r_.fail(n, "'" + name + "' is reserved (conditions use it: " + join(schema::kReservedNames) + ")",
                "pick another name");
    if (!names_.insert(name).second) r_.fail(n, "the name '" + name + "' is used twice");
    return name;
}

void Loader::realservers() {
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
        if (n["keepalive_time"]) {
            if (r_.text(n["keepalive_time"], "keepalive_time") == "off") web.keepalive_time = {};
            else web.keepalive_time = r_.duration(n["keepalive_time"], "keepalive_time");
        }
        if (n["workers"])
            web.workers = static_cast<uint32_t>(r_.integer(n["workers"], "workers", 1, 1'000'000));
        if (n["model"])
            web.model = r_.one_of(n["model"], "worker model", {"prefork", "event"}) == "prefork"
                            ? http::WorkerModel::Prefork
                            : http::WorkerModel::Event;
        if (n["backlog"]) web.backlog = static_cast<uint32_t>(r_.integer(n["backlog"], "backlog", 1, 65535));
        if (n["service_time"]) web.service = r_.distribution(n["service_time"], "service_time", false);
        if (n["so_keepalive"]) web.so_keepalive = r_.boolean(n["so_keepalive"], "so_keepalive");
        if (n["port"]) web.port = static_cast<net::Port>(r_.integer(n["port"], "port", 1, 65535));
        if (const YAML::Node ps = n["ports"]) {
            // Every port its web server serves (`listen 80; listen 443;`), the first its main one.
            if (n["port"]) r_.fail(ps, "give `port:` or `ports:`, not both");
            if (!ps.IsSequence() || ps.size() == 0)
                r_.fail(ps, "ports is a list of ports", "e.g. ports: [80, 443]");
            web.port = static_cast<net::Port>(r_.integer(ps[0], "port", 1, 65535));
            for (size_t k = 1; k < ps.size(); ++k) {
                const auto p = static_cast<net::Port>(r_.integer(ps[k], "port", 1, 65535));
                if (p == web.port ||
                    std::find(web.more_ports.begin(), web.more_ports.end(), p) != web.more_ports.end())
                    r_.fail(ps[k], "port " + std::to_string(p) + " is listed twice");
                web.more_ports.push_back(p);
            }
        }
        if (n["check_status"])
            web.check_status = static_cast<uint16_t>(r_.integer(n["check_status"], "check_status", 100, 599));
        if (n["http2"]) web.http2 = r_.boolean(n["http2"], "http2");
        if (n["h2_max_streams"])
            web.h2_max_streams =
                static_cast<uint32_t>(r_.integer(n["h2_max_streams"], "h2_max_streams", 1, 10'000));
        if (n["drain_on_check_failure"])
            web.drain_on_check_failure = r_.boolean(n["drain_on_check_failure"], "drain_on_check_failure");
        if (const YAML::Node t = n["tls"]) server_tls(t, web.tls);
        if (const YAML::Node sc = n["script"]) {
            if (n["server"])
                r_.fail(n["server"], "realserver " + rs.name + " runs a script: it has no web server",
                        "remove `server:` or `script:`");
            rs.script = script(sc, true);
        }
        udp_services(n, rs);
        s_.realservers.push_back(std::move(rs));
    }
}

// A realserver's TLS: `tls: {version: 1.2, session_timeout: 5m, shared_ticket_keys: on,
// certificate: 3kB}` (nginx ssl_protocols, ssl_session_timeout, ssl_session_ticket_key).
void Loader::server_tls(const YAML::Node& n, http::TlsServerConfig& t) {
    r_.check_keys(n, schema::kServerTls, "a realserver's tls");
    if (n["version"])
        t.max_version = r_.one_of(n["version"], "TLS version", {"1.2", "1.3"}) == "1.2"
                            ? http::TlsVersion::Tls12
                            : http::TlsVersion::Tls13;
    if (n["session_timeout"]) t.session_timeout = r_.duration(n["session_timeout"], "tls.session_timeout");
    if (n["shared_ticket_keys"])
        t.shared_ticket_keys = r_.boolean(n["shared_ticket_keys"], "tls.shared_ticket_keys");
    if (n["full_handshake_cpu"])
        t.full_handshake_cpu = r_.duration(n["full_handshake_cpu"], "tls.full_handshake_cpu");
    if (n["resumed_handshake_cpu"])
        t.resumed_handshake_cpu = r_.duration(n["resumed_handshake_cpu"], "tls.resumed_handshake_cpu");
    if (n["certificate"]) {
        t.certificate_bytes = r_.message_size(n["certificate"], "tls.certificate");
        if (t.certificate_bytes < 200 || t.certificate_bytes > 100'000)
            r_.fail(n["certificate"], "tls.certificate is the certificate chain's size, from 200B to 100kB",
                    "a leaf and an intermediate with RSA-2048 keys: about 2900B");
    }
}

// A host's TCP: `tcp` (a bundle), `sysctl` (the kernel's names and units), `hz`,
// `jiffies_at_start`. On the director `sysctl` also holds IPVS's sysctls.
tcp::TcpProfile Loader::host_tcp(const YAML::Node& n, const std::string& who, bool director) {
    const std::string bundle = n["tcp"]
                                   ? r_.one_of(n["tcp"], "TCP profile", to_strings(tcp::tcp_profile_names()))
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
        p.jiffies_at_start =
            static_cast<tcp::Jiffies>(r_.integer(n["jiffies_at_start"], "jiffies_at_start", 0, UINT32_MAX));
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

}  // namespace lvs::scenario::detail
