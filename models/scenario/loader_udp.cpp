// UDP in a scenario file: a realserver's `dns:` and `syslog:` services, and client groups of
// stub resolvers (`resolver:`) or syslog senders (`syslog:`) instead of browsers.
#include "models/scenario/loader_impl.hpp"

namespace lvs::scenario::detail {

namespace {
// What a UDP client group shares with a browser group: its hosts and where they send. Every
// other key of a client group (schema::kClientGroup) is a browser's.
constexpr const char* kHostKeys[] = {
    "name", "count", "tcp", "ports", "target", "sysctl", "hz", "jiffies_at_start", "resolver", "syslog"};
// A datagram larger than this would be fragmented on a 1500-byte MTU (IP 20 + UDP 8 bytes).
constexpr uint64_t kMaxDatagram = 1472;
}  // namespace

void Loader::udp_services(const YAML::Node& n, RealServerSpec& rs) {
    const auto off = [&](const YAML::Node& v, const char* what) {
        return !v.IsMap() && r_.boolean(v, std::string(what) + " (on, off or a map)") == false;
    };
    if (const YAML::Node d = n["dns"]; d && !off(d, "dns")) {
        dns::DnsServerConfig cfg;
        if (d.IsMap()) {
            r_.check_keys(d, schema::kDnsServer, "a realserver's dns");
            if (d["port"]) cfg.port = static_cast<net::Port>(r_.integer(d["port"], "dns.port", 1, 65535));
            if (d["answer_time"]) {
                cfg.answer_time = r_.duration(d["answer_time"], "dns.answer_time");
                if (cfg.answer_time > sim::s(30))
                    r_.fail(d["answer_time"], "dns.answer_time is the time to answer one query, at most 30s");
            }
            if (d["answer_size"]) {
                const uint64_t b = r_.size(d["answer_size"], "dns.answer_size");
                if (b < 12 || b > kMaxDatagram)
                    r_.fail(d["answer_size"],
                            "dns.answer_size is one datagram: from 12B (a DNS header) to 1472B",
                            "a classic answer fits 512B; one A record: about 49B");
                cfg.answer_bytes = static_cast<uint32_t>(b);
            }
        }
        rs.dns = cfg;
    }
    if (const YAML::Node y = n["syslog"]; y && !off(y, "syslog")) {
        uint16_t port = 514;
        if (y.IsMap()) {
            r_.check_keys(y, schema::kSyslogCollector, "a realserver's syslog");
            if (y["port"]) port = static_cast<net::Port>(r_.integer(y["port"], "syslog.port", 1, 65535));
        }
        if (rs.dns && rs.dns->port == port)
            r_.fail(y,
                    "realserver " + rs.name + "'s syslog and dns both take UDP port " + std::to_string(port),
                    "give one of them another port");
        rs.syslog_port = port;
    }
}

void Loader::udp_client(const YAML::Node& n, ClientGroupSpec& c) {
    const YAML::Node res = n["resolver"];
    const YAML::Node log = n["syslog"];
    if (!res && !log) return;
    if (res && log)
        r_.fail(
            log,
            "client group " + c.name + " has `resolver:` and `syslog:`: a group sends one kind of traffic",
            "make two client groups");
    const YAML::Node k = res ? res : log;
    const std::string kind = res ? "resolver" : "syslog";
    for (const std::string& key : schema::kClientGroup)
        if (std::find(std::begin(kHostKeys), std::end(kHostKeys), key) == std::end(kHostKeys) && n[key])
            r_.fail(n[key],
                    "client group " + c.name + " runs a " + (res ? "DNS resolver" : "syslog sender") + ": `" +
                        key + ":` is for browsers",
                    "remove it, or make a browser group of its own");
    c.udp.kind = res ? UdpClientKind::Resolver : UdpClientKind::Syslog;
    if (!k.IsMap() && r_.text(k, kind) != "on")
        r_.fail(k, kind + " is `on` or a map",
                res ? "e.g. resolver: {every: 1s, timeout: 5s, attempts: 2}"
                    : "e.g. syslog: {every: 1s, size: 120B}");
    if (!k.IsMap()) return;
    r_.check_keys(k, res ? schema::kResolver : schema::kSyslogSender, "a client group's " + kind);
    http::Distribution& every = res ? c.udp.resolver.interval : c.udp.syslog.interval;
    if (k["every"]) {
        every = r_.distribution(k["every"], kind + ".every", false);
        if (every.mean() < 1e6)
            r_.fail(k["every"],
                    kind + ".every is the time between " + (res ? "lookups" : "messages") +
                        " of one host: at least 1ms on average",
                    "for more traffic, give the group more hosts (count:)");
    }
    if (k["start"]) {
        c.udp.start = sim::at(r_.duration(k["start"], kind + ".start"));
        check_time(k["start"], c.udp.start, kind + ".start");
    }
    if (k["stop"] && r_.text(k["stop"], kind + ".stop") != "never")
        c.udp.stop = sim::at(r_.duration(k["stop"], kind + ".stop"));
    if (c.udp.stop && *c.udp.stop <= c.udp.start)
        r_.fail(k["stop"], kind + ".stop must come after its start (" + sim::format_time(c.udp.start) + ")");
    if (log) {
        if (k["size"]) {
            const uint64_t b = r_.size(k["size"], "syslog.size");
            if (b < 1 || b > kMaxDatagram)
                r_.fail(k["size"], "syslog.size is one datagram: from 1B to 1472B (larger ones fragment)",
                        "RFC 5426: receivers take at least 480B; rsyslog's default maximum is 8kB");
            c.udp.syslog.message_bytes = static_cast<uint32_t>(b);
        }
        return;
    }
    dns::ResolverConfig& r = c.udp.resolver;
    if (k["timeout"]) {
        // resolv.conf(5): timeout:n is capped at 30 (RES_MAXRETRANS), attempts:n at 5 (RES_MAXRETRY).
        r.timeout = r_.duration(k["timeout"], "resolver.timeout");
        if (r.timeout < sim::s(1) || r.timeout > sim::s(30) || r.timeout.ns() % 1'000'000'000 != 0)
            r_.fail(k["timeout"],
                    "resolver.timeout is whole seconds from 1s to 30s (resolv.conf's timeout:n)",
                    "glibc's default is 5s");
    }
    if (k["attempts"])
        r.attempts = static_cast<uint32_t>(
            r_.integer(k["attempts"], "resolver.attempts (resolv.conf's attempts:n)", 1, 5));
    if (k["source_port"])
        r.source_port =
            r_.one_of(k["source_port"], "resolver.source_port", {"per-lookup", "fixed"}) == "fixed"
                ? dns::SourcePort::Fixed
                : dns::SourcePort::PerLookup;
    if (k["query_size"]) {
        const uint64_t b = r_.size(k["query_size"], "resolver.query_size");
        if (b < 17 || b > 512)
            r_.fail(k["query_size"], "resolver.query_size is one query: from 17B to 512B",
                    "a header (12B) and a question for www.example.com (21B): 33B");
        r.query_bytes = static_cast<uint32_t>(b);
    }
}

}  // namespace lvs::scenario::detail
