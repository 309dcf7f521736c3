// --set KEY=VALUE on the file's tree before it is read, and the list of every key path.
#include "models/scenario/key_paths.hpp"

#include <algorithm>
#include <sstream>

#include "models/ipvs/sysctl.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/schema.hpp"
#include "models/scenario/yaml_reader.hpp"

namespace lvs::scenario {

void apply_set(YAML::Node root, const std::string& assignment) {
    const auto fail = [&](size_t col, const std::string& msg, const std::string& hint = {}) {
        throw ConfigError("command line", 1, static_cast<int>(col) + 1, "--set " + assignment + ": " + msg,
                          hint);
    };
    const size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        fail(0, "expected KEY=VALUE", "e.g. --set clients.ie8.keepalive_timeout=30s");
    const std::string key = assignment.substr(0, eq);
    const std::string value = assignment.substr(eq + 1);
    std::vector<std::string> parts;
    std::vector<size_t> cols;
    size_t start = 0;
    for (;;) {
        const size_t dot = key.find('.', start);
        parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        cols.push_back(start);
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    YAML::Node node = root;
    const std::vector<std::string>* allowed = &schema::kRoot;
    std::string context = "the scenario";
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string& p = parts[i];
        const bool last = i + 1 == parts.size();
        if (allowed != nullptr && std::find(allowed->begin(), allowed->end(), p) == allowed->end()) {
            const std::string near = did_you_mean(p, *allowed);
            fail(cols[i], "unknown key '" + p + "' in " + context,
                 near.empty() ? "allowed: " + join(*allowed) : "did you mean '" + near + "'?");
        }
        if (last) {
            YAML::Node v;
            try {
                v = YAML::Load(value);
            } catch (const YAML::Exception&) {
                v = YAML::Node(value);
            }
            if (v.IsNull()) v = YAML::Node(value);
            node[p] = v;
            return;
        }
        if (p == "realservers" || p == "clients" ||
            (p == "directors" && (allowed == &schema::kHa || allowed == &schema::kFleet))) {
            const std::string kind =
                p == "clients" ? "client group" : (p == "directors" ? "director" : "realserver");
            YAML::Node list = node[p];
            if (!list || !list.IsSequence()) fail(cols[i], "the scenario has no " + p);
            if (i + 2 >= parts.size())
                fail(cols[i], "name a " + kind + " and a key, e.g. " + p + ".NAME.KEY");
            const std::string& name = parts[i + 1];
            std::vector<std::string> names;
            YAML::Node found;
            bool have = false;
            for (auto item : list) {
                if (!item.IsMap() || !item["name"] || !item["name"].IsScalar()) continue;
                names.push_back(item["name"].as<std::string>());
                if (names.back() == name) {
                    found.reset(item);
                    have = true;
                }
            }
            if (!have) {
                const std::string near = did_you_mean(name, names);
                fail(cols[i + 1], "no " + kind + " named '" + name + "'",
                     (near.empty() ? "" : "did you mean '" + near + "'? ") + "known: " + join(names));
            }
            node.reset(found);
            const bool fleet = allowed == &schema::kFleet;
            allowed = p == "clients"     ? &schema::kClientGroup
                      : p != "directors" ? &schema::kRealserver
                      : fleet            ? &schema::kFleetDirector
                                         : &schema::kHaDirector;
            context = (p == "directors" ? (fleet ? "fleet." : "ha.") : "") + p + "." + name;
            ++i;
            continue;
        }
        YAML::Node child = node[p];
        if (child && !child.IsMap() && !child.IsNull())
            fail(cols[i],
                 "'" + key.substr(0, cols[i] + p.size()) + "' is a single value, not a section with keys",
                 "set it as a whole: --set " + key.substr(0, cols[i] + p.size()) + "=VALUE");
        if (!child || child.IsNull()) {
            node[p] = YAML::Node(YAML::NodeType::Map);
            child = node[p];
        }
        node.reset(child);
        context = key.substr(0, cols[i] + p.size());
        if (p == "network") allowed = &schema::kNetwork;
        else if (p == "director") allowed = &schema::kDirector;
        else if (p == "page") allowed = &schema::kPage;
        else if (p == "schedule") allowed = &schema::kSchedule;
        else if (p == "requests") allowed = &schema::kRequests;
        else if (p == "arrivals") allowed = &schema::kArrivals;
        else if (p == "session") allowed = &schema::kSession;
        else if (p == "access_log") allowed = &schema::kAccessLog;
        else if (p == "timeouts") allowed = &schema::kTimeouts;
        else if (p == "ha") allowed = &schema::kHa;
        else if (p == "fleet") allowed = &schema::kFleet;
        else if (p == "sync" && allowed == &schema::kHa) allowed = &schema::kHaSync;
        else if (p == "resolver") allowed = &schema::kResolver;
        else if (p == "dns") allowed = &schema::kDnsServer;
        else if (p == "syslog")
            allowed = allowed == &schema::kRealserver ? &schema::kSyslogCollector : &schema::kSyslogSender;
        else if (p == "tls" && allowed == &schema::kRealserver) allowed = &schema::kServerTls;
        else allowed = nullptr;  // director.sysctl.NAME: checked when the scenario is read
    }
}

namespace {

// A group whose visitors arrive, or whose clients come from a log: the keys that say how
// (false for any other group).
template <class Add>
bool add_visitor_keys(const Add& add, const std::string& p, const ClientGroupSpec& c) {
    if (c.arrivals) {
        const http::ArrivalProcess& a = c.arrivals->process;
        std::ostringstream rate;
        rate << a.rate << "/s";
        switch (a.kind) {
            case http::ArrivalProcess::Kind::Poisson: add(p + "arrivals.rate", rate.str()); break;
            case http::ArrivalProcess::Kind::Profile:
                add(p + "arrivals.profile", std::to_string(a.profile.size()) + " points");
                add(p + "arrivals.from", sim::format_duration(a.profile_from));
                break;
            case http::ArrivalProcess::Kind::Times: add(p + "arrivals.csv", c.arrivals->csv); break;
        }
        if (a.kind != http::ArrivalProcess::Kind::Times) {
            std::ostringstream scale;
            scale << a.scale;
            add(p + "arrivals.scale", scale.str());
        }
        add(p + "arrivals.start", sim::format_time(a.start));
        add(p + "arrivals.stop", a.stop == sim::Time::max() ? "never" : sim::format_time(a.stop));
        const http::Distribution& pages = c.browser.session.pages;
        std::ostringstream d;
        if (pages.kind == http::Distribution::Kind::Geometric) d << "geometric(" << pages.a << ")";
        else if (pages.is_fixed()) d << pages.a;
        else d << "(a distribution of mean " << pages.mean() << ")";
        add(p + "session.pages", d.str());
        return true;
    }
    if (c.access_log) add(p + "access_log.file", c.access_log->file);
    return c.access_log.has_value();
}

// A director pair's keys (`ha:`), when the scenario has one.
template <class Add>
void add_ha_keys(const Add& add, const Scenario& s) {
    if (!s.ha) return;
    const auto secs = [](sim::Duration d) {
        return d == sim::Duration{} ? std::string("0s") : sim::format_duration(d);
    };
    for (const HaDirectorSpec& d : s.ha->directors) {
        const std::string p = "ha.directors." + d.name + ".";
        add(p + "address", d.address.str());
        add(p + "priority", std::to_string(d.vrrp.priority));
        add(p + "state", d.vrrp.initial_master ? "MASTER" : "BACKUP");
        add(p + "preempt", d.vrrp.preempt ? "true" : "false");
        add(p + "preempt_delay", secs(d.vrrp.preempt_delay));
    }
    const ha::VrrpConfig& v = s.ha->directors[0].vrrp;
    add("ha.advert_int", sim::format_duration(v.advert_int));
    add("ha.version", std::to_string(v.version));
    add("ha.garp_master_delay", sim::format_duration(v.garp_master_delay));
    add("ha.garp_master_refresh", secs(v.garp_master_refresh));
    add("ha.sync.daemon", s.ha->sync ? "true" : "false");
    add("ha.sync.follows_vrrp", s.ha->sync_follows_vrrp ? "true" : "false");
    add("ha.sync.syncid", std::to_string(s.ha->syncid));
}

// A fleet's keys (`fleet:`), when the scenario has one.
template <class Add>
void add_fleet_keys(const Add& add, const Scenario& s) {
    if (!s.fleet) return;
    for (const FleetDirectorSpec& d : s.fleet->directors) {
        const std::string p = "fleet.directors." + d.name + ".";
        add(p + "address", d.address.str());
        add(p + "weight", std::to_string(d.weight));
        add(p + "joined", d.joined ? "true" : "false");
    }
    add("fleet.hash", s.fleet->hash == MultipathHash::L3 ? "l3" : "l4");
}

// A realserver's keys: its host, its web server and its UDP services.
template <class Add, class AddTcp>
void add_realserver_keys(Add& add, AddTcp& add_host_tcp, const RealServerSpec& rs) {
    const std::string p = "realservers." + rs.name + ".";
    add(p + "address", rs.address.str());
    add_host_tcp(p, rs.tcp);
    add(p + "server", rs.server.preset);
    add(p + "keepalive", rs.server.keepalive ? "true" : "false");
    add(p + "keepalive_timeout", sim::format_duration(rs.server.keepalive_timeout));
    add(p + "max_requests", std::to_string(rs.server.max_requests));
    add(p + "keepalive_time",
        rs.server.keepalive_time > sim::Duration{} ? sim::format_duration(rs.server.keepalive_time) : "off");
    add(p + "workers", std::to_string(rs.server.workers));
    add(p + "model", rs.server.model == http::WorkerModel::Prefork ? "prefork" : "event");
    add(p + "backlog", std::to_string(rs.server.backlog));
    add(p + "service_time", format_distribution(rs.server.service, false));
    add(p + "so_keepalive", rs.server.so_keepalive ? "true" : "false");
    add(p + "http2", rs.server.http2 ? "true" : "false");
    add(p + "h2_max_streams", std::to_string(rs.server.h2_max_streams));
    add(p + "drain_on_check_failure", rs.server.drain_on_check_failure ? "true" : "false");
    add(p + "tls.version", std::string(http::to_string(rs.server.tls.max_version)));
    add(p + "tls.session_timeout", sim::format_duration(rs.server.tls.session_timeout));
    add(p + "tls.shared_ticket_keys", rs.server.tls.shared_ticket_keys ? "true" : "false");
    add(p + "tls.certificate", format_size(rs.server.tls.certificate_bytes));
    add(p + "tls.full_handshake_cpu", sim::format_duration(rs.server.tls.full_handshake_cpu));
    add(p + "tls.resumed_handshake_cpu", sim::format_duration(rs.server.tls.resumed_handshake_cpu));
    if (rs.dns) {
        add(p + "dns.port", std::to_string(rs.dns->port));
        add(p + "dns.answer_time", sim::format_duration(rs.dns->answer_time));
        add(p + "dns.answer_size", format_size(rs.dns->answer_bytes));
    }
    if (rs.syslog_port) add(p + "syslog.port", std::to_string(*rs.syslog_port));
}

// A UDP client group's keys (a resolver's or a syslog sender's).
template <class Add>
void add_udp_client_keys(Add& add, const std::string& prefix, const ClientGroupSpec& c) {
    const bool dns = c.udp.kind == UdpClientKind::Resolver;
    const std::string p = prefix + (dns ? "resolver." : "syslog.");
    add(p + "every", format_distribution(dns ? c.udp.resolver.interval : c.udp.syslog.interval, false));
    add(p + "start", sim::format_time(c.udp.start));
    add(p + "stop", c.udp.stop ? sim::format_time(*c.udp.stop) : "never");
    if (!dns) {
        add(p + "size", format_size(c.udp.syslog.message_bytes));
        return;
    }
    add(p + "timeout", sim::format_duration(c.udp.resolver.timeout));
    add(p + "attempts", std::to_string(c.udp.resolver.attempts));
    add(p + "source_port", c.udp.resolver.source_port == dns::SourcePort::Fixed ? "fixed" : "per-lookup");
    add(p + "query_size", format_size(c.udp.resolver.query_bytes));
}

}  // namespace

std::vector<std::pair<std::string, std::string>> list_keys(const Scenario& s) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto add = [&](std::string k, std::string v) { out.emplace_back(std::move(k), std::move(v)); };
    // A host's TCP: its bundle, CONFIG_HZ, the jiffies phase and every TCP sysctl.
    const auto add_host_tcp = [&](const std::string& p, const tcp::TcpProfile& t) {
        add(p + "tcp", t.name);
        add(p + "hz", std::to_string(t.hz));
        add(p + "jiffies_at_start",
            t.jiffies_at_start ? std::to_string(*t.jiffies_at_start) : "(drawn from the seed)");
        for (const tcp::TcpSysctlDef& def : tcp::tcp_sysctl_table())
            add(p + "sysctl." + std::string(def.name), tcp::format_tcp_sysctl(t.sysctl, def));
    };
    add("name", s.name);
    add("seed", std::to_string(s.seed));
    add("duration", sim::format_duration(s.duration));
    add("kernel", s.kernel_asked.empty() ? s.kernel : s.kernel_asked);
    add("sample_every", sim::format_duration(s.sample_every));
    add("capacity_check", s.capacity_check ? "true" : "false");
    add("network.rtt", sim::format_duration(s.network.rtt));
    add("network.bandwidth", format_bandwidth(s.network.bandwidth_bps));
    add("network.lan_delay", sim::format_duration(s.network.lan_delay));
    add("network.lan_bandwidth", format_bandwidth(s.network.lan_bandwidth_bps));
    {
        std::ostringstream o;
        o << s.network.loss;
        add("network.loss", o.str());
    }
    add("director.address", s.director_address.str());
    for (const ipvs::SysctlDef& def : ipvs::sysctl_table()) {
        int v = def.default_value;
        std::optional<int> second;
        if (def.second != nullptr) second = def.second_default;
        for (const SysctlSetting& x : s.sysctls)
            if (x.sysctl == &def) v = x.value, second = x.second ? x.second : second;
        add("director.sysctl." + std::string(def.name),
            std::to_string(v) + (second ? " " + std::to_string(*second) : ""));
    }
    add_ha_keys(add, s);
    add_fleet_keys(add, s);
    add_host_tcp("director.", s.director_tcp);
    for (size_t k = 0; k < 3; ++k) {
        const int64_t v = s.timeouts ? (*s.timeouts)[k] : 0;
        add(std::string("director.timeouts.") + (k == 0   ? "tcp"
                                                 : k == 1 ? "tcpfin"
                                                          : "udp"),
            v > 0 ? std::to_string(v) + "s"
                  : std::string(k == 0   ? "900s"
                                : k == 1 ? "120s"
                                         : "300s"));
    }
    for (const auto& rs : s.realservers) add_realserver_keys(add, add_host_tcp, rs);
    for (const auto& c : s.clients) {
        const std::string p = "clients." + c.name + ".";
        if (!c.arrivals && !c.access_log) add(p + "count", std::to_string(c.count));
        add_host_tcp(p, c.tcp);
        if (c.is_udp()) {
            add_udp_client_keys(add, p, c);
            continue;
        }
        add(p + "so_keepalive", c.browser.so_keepalive ? "true" : "false");
        const http::ClientProfile& pr = c.browser.profile;
        add(p + (pr.kind == http::ClientKind::Browser ? "browser" : "client"), pr.name);
        add(p + "keepalive_timeout",
            pr.keepalive_timeout > sim::Duration{} ? sim::format_duration(pr.keepalive_timeout) : "never");
        add(p + "max_connections", std::to_string(pr.max_connections));
        add(p + "max_idle", std::to_string(pr.max_idle));
        add(p + "close", pr.close == http::CloseMethod::Fin ? "fin" : "rst");
        add(p + "retry", pr.retry_reused ? "true" : "false");
        add(p + "https", c.browser.https ? "true" : "false");
        if (c.browser.https) {
            add(p + "http2", pr.http2 ? "true" : "false");
            add(p + "tls", std::string(http::to_string(pr.tls.max_version)));
            add(p + "h2_idle_timeout",
                pr.h2_idle_timeout > sim::Duration{} ? sim::format_duration(pr.h2_idle_timeout) : "never");
            add(p + "max_streams", std::to_string(pr.max_streams));
        }
        add(p + "request_timeout",
            c.browser.request_timeout ? sim::format_duration(*c.browser.request_timeout) : "off");
        if (c.browser.page.document) {
            add(p + "page.html", format_size(c.browser.page.html_bytes));
            add(p + "page.objects", std::to_string(c.browser.page.objects));
            add(p + "page.object_size", format_distribution(c.browser.page.object_bytes, true));
            add(p + "page.request", format_size(c.browser.page.request_bytes));
        } else {
            add(p + "requests.parallel", std::to_string(c.browser.page.objects));
            add(p + "requests.response", format_distribution(c.browser.page.object_bytes, true));
            add(p + "requests.request", format_size(c.browser.page.request_bytes));
            add(p + "requests.method", c.browser.page.idempotent ? "GET" : "POST");
        }
        const auto& sch = c.browser.schedule;
        switch (sch.kind) {
            case http::LoadSchedule::Kind::Interval:
                add(p + "schedule.reload_every", sim::format_duration(sch.interval));
                break;
            case http::LoadSchedule::Kind::Think:
                add(p + "schedule.think", format_distribution(sch.think, false));
                break;
            case http::LoadSchedule::Kind::Times: {
                std::string t = "[";
                for (size_t i = 0; i < sch.times.size(); ++i)
                    t += (i ? ", " : "") + sim::format_time(sch.times[i]);
                add(p + "schedule.times", t + "]");
                break;
            }
        }
        if (add_visitor_keys(add, p, c)) continue;
        add(p + "schedule.start", sim::format_time(sch.start));
        add(p + "schedule.stop", sch.stop == sim::Time::max() ? "never" : sim::format_time(sch.stop));
        add(p + "schedule.stagger",
            c.stagger ? sim::format_duration(*c.stagger) : "(one reload or think time)");
    }
    return out;
}

}  // namespace lvs::scenario
