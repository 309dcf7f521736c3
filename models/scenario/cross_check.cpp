#include "models/scenario/cross_check.hpp"

#include <algorithm>
#include <set>

#include "models/ipvs/director.hpp"
#include "models/ipvs/kernel_profile.hpp"
#include "models/ipvs/scheduler.hpp"
#include "models/scenario/loader.hpp"
#include "models/tcp/tcp_profile.hpp"
#include "sim/simulator.hpp"

namespace lvs::scenario {

namespace {

// The column of option `flag` ("-s", "-r") in an ipvsadm line, for errors about its value.
int column_of(const std::string& line, const char* flag) {
    const std::string f = std::string(flag) + " ";
    const size_t at = line.find(f);
    return at == std::string::npos ? 0 : static_cast<int>(at);
}

Mark shifted(Mark m, int columns) { return {m.line, m.column + columns}; }

std::string realserver_list(const Scenario& s) {
    std::vector<std::string> v;
    for (const RealServerSpec& rs : s.realservers) v.push_back(rs.name + " " + rs.address.str());
    return v.empty() ? "there are none" : "realservers: " + join(v);
}

bool is_dest_command(const ipvs::IpvsadmCommand& c) {
    return c.cmd == ipvs::IpvsadmCmd::AddDest || c.cmd == ipvs::IpvsadmCmd::EditDest;
}

// The rules, then the timeline's ipvsadm lines in time order, applied to a director of their
// own: what the run's director will answer (health checks aside, which change weights later).
class DryRun {
public:
    DryRun(Scenario& s, const Reader& r)
        : s_(s),
          r_(r),
          net_(sim_),
          director_(net_, "director", s.director_address, *ipvs::find_kernel_profile(s.kernel),
                    tcp::linux6_profile()) {
        // A pair's second director answers for itself (`on: lvs2`; the rules go to both).
        if (s.ha)
            peer_ =
                std::make_unique<ipvs::Director>(net_, s.ha->directors[1].name, s.ha->directors[1].address,
                                                 *ipvs::find_kernel_profile(s.kernel), tcp::linux6_profile());
    }

    void rules() {
        for (const Rule& rule : s_.rules) apply_on(std::nullopt, rule.command, rule.mark, std::nullopt);
    }
    void timeline() {
        for (size_t i = 0; i < s_.timeline.size(); ++i)
            if (const auto* a = std::get_if<IpvsadmAction>(&s_.timeline[i].action))
                apply_on(a->on, a->command, s_.timeline[i].value_mark, i);
    }
    const ipvs::Director& director() const { return director_; }
    // director.connections resumed on the rules' table: each entry's service and realserver exist.
    void connections() {
        for (const InitialConnection& c : s_.connections) {
            const std::string err =
                director_.restore_entry(c.proto, c.client, c.vip, c.dest, c.state, c.remaining);
            if (!err.empty())
                r_.fail_at(c.mark, "connection entry " + c.client.str() + " -> " + c.dest.str() + ": " + err,
                           "its service and realserver must be in the rules (import the ipvsadm-save output "
                           "with the listing)");
        }
    }

private:
    // On the directors a command names; what it warns about is said once.
    void apply_on(std::optional<size_t> on, const ipvs::IpvsadmCommand& c, Mark at,
                  std::optional<size_t> entry) {
        const bool daemon = c.cmd == ipvs::IpvsadmCmd::StartDaemon || c.cmd == ipvs::IpvsadmCmd::StopDaemon;
        if (daemon && s_.ha && s_.ha->sync)
            warn("ipvsadm " + c.text +
                     ": ha.sync lets keepalived start and stop the sync daemons too, so this may find one "
                     "running (\"Daemon has already run\") or gone; set ha.sync.daemon: off to drive them by "
                     "hand",
                 at, entry);
        if (!on || *on == 0) apply(director_, c, at, entry, true);
        if (peer_ && (!on || *on == 1)) apply(*peer_, c, at, entry, on.has_value());
    }

    void apply(ipvs::Director& dir, const ipvs::IpvsadmCommand& c, Mark at, std::optional<size_t> entry,
               bool report) {
        check_address(c, at);
        const ipvs::Service* svc_before = c.has_service ? dir.find_service(c.service.key) : nullptr;
        const bool was_persistent = svc_before != nullptr && svc_before->persistent;
        const std::string scheduler_before = svc_before != nullptr ? svc_before->sched_name : "";
        const ipvs::Dest* d = c.has_service ? dir.find_dest(c.service.key, c.dest.addr) : nullptr;
        // What the destination was before (plain, not an optional: GCC 12 then warns of a
        // "maybe uninitialized" copy it cannot follow).
        const bool existed = d != nullptr;
        const ipvs::DestSpec before =
            existed ? ipvs::DestSpec{d->addr, d->forward, d->weight, d->u_threshold, d->l_threshold}
                    : ipvs::DestSpec{};
        const ipvs::AdminResult result = ipvs::apply_ipvsadm(dir, c);
        if (!result.ok()) fail(c, result, at);
        if (!report) return;
        if (c.cmd == ipvs::IpvsadmCmd::EditDest && existed) restated_dest(c, before, at, entry);
        if (c.cmd == ipvs::IpvsadmCmd::EditService) {
            if (was_persistent && !c.has_persistent)
                warn("ipvsadm -E without -p: the service " + c.service.key.str() +
                         " loses its persistence (ipvsadm restates every option)",
                     at, entry);
            if (!c.has_scheduler && scheduler_before != c.service.scheduler)
                warn("ipvsadm -E without -s: the scheduler of " + c.service.key.str() + " goes from " +
                         scheduler_before + " to " + c.service.scheduler + " (ipvsadm's default)",
                     at, entry);
        }
    }

    // `-e` restates what it does not say: ipvsadm starts every command from its defaults.
    void restated_dest(const ipvs::IpvsadmCommand& c, const ipvs::DestSpec& before, Mark at,
                       std::optional<size_t> entry) {
        const RealServerSpec* rs = s_.realserver_at(c.dest.addr.addr);
        const std::string who = rs != nullptr ? rs->name : c.dest.addr.str();
        if (!c.has_forward && before.forward != c.dest.forward)
            warn("ipvsadm -e without a forwarding switch: " + who + " changes from " +
                     std::string(ipvs::to_string(before.forward)) + " to " +
                     std::string(ipvs::to_string(c.dest.forward)) + " (ipvsadm's default is -g); repeat " +
                     std::string(ipvs::switch_of(before.forward)) + " to keep it",
                 at, entry);
        if (!c.has_weight && before.weight != c.dest.weight)
            warn("ipvsadm -e without -w: " + who + "'s weight goes from " + std::to_string(before.weight) +
                     " to " + std::to_string(c.dest.weight) + " (ipvsadm's default); repeat -w " +
                     std::to_string(before.weight) + " to keep it",
                 at, entry);
    }

    void check_address(const ipvs::IpvsadmCommand& c, Mark at) {
        if (!is_dest_command(c) || s_.realserver_at(c.dest.addr.addr) != nullptr) return;
        r_.fail_at(shifted(at, column_of(c.text, "-r")),
                   "ipvsadm: " + c.dest.addr.addr.str() +
                       " is no realserver's address: connections scheduled to it would go nowhere",
                   "add a realservers: entry with address: " + c.dest.addr.addr.str() +
                       ", or correct the address (" + realserver_list(s_) + ")");
    }

    [[noreturn]] void fail(const ipvs::IpvsadmCommand& c, const ipvs::AdminResult& result, Mark at) {
        if (result.code == ipvs::AdminCode::NoScheduler) {
            std::string known;
            for (const std::string& n : ipvs::SchedulerRegistry::instance().names())
                known += (known.empty() ? "" : ", ") + n;
            r_.fail_at(shifted(at, column_of(c.text, "-s")),
                       "ipvsadm: " + result.message + ": no scheduler named '" + c.service.scheduler + "'",
                       "known: " + known +
                           " (a scheduler of your own must be registered, lvsim::register_scheduler, before "
                           "the scenario is loaded)");
        }
        std::string hint = "the run's director would refuse this command";
        if (result.code == ipvs::AdminCode::NoService)
            hint =
                "define the service first (-A -t VIP:port -s wlc) in director.rules or earlier in the "
                "timeline";
        else if (result.code == ipvs::AdminCode::NoDest)
            hint = "add the realserver first (-a ... -r ADDRESS:PORT), or check the address and port";
        else if (result.code == ipvs::AdminCode::Exists)
            hint = "it is already there: use -e (or -E) to change it";
        if (c.cmd == ipvs::IpvsadmCmd::StartDaemon || c.cmd == ipvs::IpvsadmCmd::StopDaemon)
            hint =
                "each director runs at most one master and one backup daemon: --start-daemon before "
                "--stop-daemon, once each" +
                std::string(s_.ha && s_.ha->sync ? " (ha.sync starts and stops them too: turn it off to "
                                                   "drive the daemons by hand)"
                                                 : "");
        r_.fail_at(at, "ipvsadm: " + result.message, hint);
    }

    void warn(std::string text, Mark at, std::optional<size_t> entry) {
        s_.warnings.push_back({std::move(text), at, entry});
    }

    Scenario& s_;
    const Reader& r_;
    sim::Simulator sim_{0};
    net::Network net_;
    ipvs::Director director_;
    std::unique_ptr<ipvs::Director> peer_;
};

// The first service of the protocol in the rules: where clients without `target:` send to
// (browsers: the first TCP service; resolvers and syslog senders: the first UDP one).
std::optional<net::Endpoint> first_service(const Scenario& s, ipvs::Proto proto = ipvs::Proto::Tcp) {
    for (const Rule& r : s.rules)
        if (r.command.cmd == ipvs::IpvsadmCmd::AddService && r.command.service.key.fwmark == 0 &&
            r.command.service.key.proto == proto)
            return r.command.service.key.vip;
    return std::nullopt;
}

// Every virtual service of the protocol that the rules or the timeline define.
std::vector<net::Endpoint> services(const Scenario& s, ipvs::Proto proto = ipvs::Proto::Tcp) {
    std::vector<net::Endpoint> out;
    const auto add = [&](const ipvs::IpvsadmCommand& c) {
        if (c.cmd == ipvs::IpvsadmCmd::AddService && c.service.key.fwmark == 0 &&
            c.service.key.proto == proto)
            out.push_back(c.service.key.vip);
    };
    for (const Rule& r : s.rules) add(r.command);
    for (const TimelineEntry& e : s.timeline)
        if (const auto* a = std::get_if<IpvsadmAction>(&e.action)) add(a->command);
    return out;
}

// Every simulated web server answers TLS on any port; a real one does not: say so when the
// scheme and the port disagree.
void scheme_warnings(Scenario& s) {
    for (const ClientGroupSpec& c : s.clients) {
        if (!c.script.empty() || c.is_udp()) continue;
        if (c.browser.https && c.target.port == 80)
            s.warnings.push_back({"client group " + c.name +
                                      " speaks HTTPS (TLS first) to port 80: lvsim's web "
                                      "servers answer TLS on any port, a real one on port 80 would not",
                                  c.mark, std::nullopt});
        if (!c.browser.https && c.target.port == 443)
            s.warnings.push_back({"client group " + c.name +
                                      " speaks plain HTTP to port 443: lvsim's web servers "
                                      "answer it, a real one expects TLS (add `https: on`)",
                                  c.mark, std::nullopt});
    }
}

// Visitors and logged requests the run will not reach: said, not dropped silently.
void traffic_warnings(Scenario& s) {
    const sim::Time end = sim::at(s.duration);
    for (const ClientGroupSpec& c : s.clients) {
        if (c.arrivals) {
            const http::ArrivalProcess& p = c.arrivals->process;
            const double expected = p.expected(sim::Time{}, end);
            if (p.kind != http::ArrivalProcess::Kind::Times && expected < 1)
                s.warnings.push_back({"client group " + c.name + " expects " +
                                          std::to_string(expected).substr(0, 4) +
                                          " visits before the run ends: its arrivals may bring nobody",
                                      c.mark, std::nullopt});
            const auto late =
                static_cast<size_t>(p.times.end() - std::lower_bound(p.times.begin(), p.times.end(), end));
            if (late > 0)
                s.warnings.push_back({"client group " + c.name + ": " + std::to_string(late) + " of " +
                                          std::to_string(p.times.size()) +
                                          " listed arrivals come after the run ends (duration: " +
                                          sim::format_duration(s.duration) + ")",
                                      c.mark, std::nullopt});
        }
        if (c.access_log) {
            size_t late = 0, all = 0;
            for (const LoggedUser& u : c.access_log->users) {
                all += u.requests.size();
                for (const http::ReplayedRequest& q : u.requests) late += q.at > end ? 1 : 0;
            }
            if (late > 0)
                s.warnings.push_back({"client group " + c.name + ": " + std::to_string(late) +
                                          " of the log's " + std::to_string(all) +
                                          " requests come after the run ends (duration: " +
                                          sim::format_duration(s.duration) + ")",
                                      c.mark, std::nullopt});
        }
    }
}

// A UDP client group's target: a UDP service, or a realserver's DNS server or syslog collector.
void udp_target(ClientGroupSpec& c, const Scenario& s, const Reader& r, const YAML::Node& node) {
    const bool dns = c.udp.kind == UdpClientKind::Resolver;
    const std::vector<net::Endpoint> vips = services(s, ipvs::Proto::Udp);
    if (!c.target_given) {
        const std::optional<net::Endpoint> first = first_service(s, ipvs::Proto::Udp);
        if (!first)
            r.fail_at(c.mark,
                      "client group " + c.name + " has nowhere to send " + (dns ? "queries" : "messages") +
                          ": the rules define no UDP service",
                      std::string("add a UDP service to director.rules (-A -u VIP:") + (dns ? "53" : "514") +
                          " -s rr) or give the group `target: ADDRESS:PORT`");
        c.target = *first;
        return;
    }
    if (std::find(vips.begin(), vips.end(), c.target) != vips.end()) return;
    const RealServerSpec* rs = s.realserver_at(c.target.addr);
    if (rs != nullptr && ((rs->dns && rs->dns->port == c.target.port) || rs->syslog_port == c.target.port))
        return;
    std::vector<std::string> known;
    for (const net::Endpoint& v : vips) known.push_back(v.str() + " (UDP service)");
    for (const RealServerSpec& x : s.realservers) {
        if (x.dns)
            known.push_back(x.address.str() + ":" + std::to_string(x.dns->port) + " (" + x.name + " dns)");
        if (x.syslog_port)
            known.push_back(x.address.str() + ":" + std::to_string(*x.syslog_port) + " (" + x.name +
                            " syslog)");
    }
    r.fail(node,
           "target " + c.target.str() + " is neither a UDP virtual service nor a realserver's " +
               (dns ? "DNS server" : "syslog collector"),
           known.empty() ? "define one in director.rules (-A -u VIP:PORT)" : "known: " + join(known));
}

void client_targets(Scenario& s, const Reader& r, const YAML::Node& root) {
    const std::vector<net::Endpoint> vips = services(s);
    const std::optional<net::Endpoint> first = first_service(s);
    for (size_t i = 0; i < s.clients.size(); ++i) {
        ClientGroupSpec& c = s.clients[i];
        if (c.is_udp()) {
            udp_target(c, s, r, root["clients"][i]["target"]);
            continue;
        }
        if (!c.target_given) {
            if (!first)
                r.fail_at(c.mark,
                          "client group " + c.name +
                              " has nothing to load pages from: the rules define no TCP service",
                          "add a service to director.rules (-A -t VIP:port -s wlc) or give the group "
                          "`target: ADDRESS:PORT`");
            c.target = *first;
            continue;
        }
        if (std::find(vips.begin(), vips.end(), c.target) != vips.end()) continue;
        const RealServerSpec* rs = s.realserver_at(c.target.addr);
        if (rs != nullptr && rs->server.port == c.target.port) continue;
        if (!c.script.empty()) {
            // A socket program may call anything; say what it will meet.
            if (rs == nullptr)
                s.warnings.push_back(
                    {"client group " + c.name + " connects to " + c.target.str() +
                         ", which no host has: connect() fails with EHOSTUNREACH after ARP's 3 s",
                     mark_of(root["clients"][i]["target"]), std::nullopt});
            continue;
        }
        std::vector<std::string> known;
        for (const net::Endpoint& v : vips) known.push_back(v.str());
        for (const RealServerSpec& x : s.realservers)
            known.push_back(x.address.str() + ":" + std::to_string(x.server.port) + " (" + x.name + ")");
        r.fail(root["clients"][i]["target"],
               "target " + c.target.str() + " is neither a virtual service nor a realserver's web server",
               known.empty() ? "define a service in director.rules" : "known: " + join(known));
    }
}

void health_services(const Scenario& s, const Reader& r, const ipvs::Director& d) {
    for (const HealthCheckSpec& h : s.health_checks)
        if (d.find_service({ipvs::Proto::Tcp, h.service, 0}) == nullptr)
            r.fail_at(h.mark,
                      "health check " + h.name + " watches " + h.service.str() +
                          ", which director.rules does not define",
                      "service: must be a TCP virtual service of the rules, e.g. " +
                          (first_service(s) ? first_service(s)->str() : "10.0.0.100:80"));
}

void unused_realservers(const Scenario& s, const Reader& r) {
    std::set<uint32_t> used;
    const auto use = [&](const ipvs::IpvsadmCommand& c) {
        if (is_dest_command(c)) used.insert(c.dest.addr.addr.value());
    };
    for (const Rule& rule : s.rules) use(rule.command);
    for (const TimelineEntry& e : s.timeline) {
        if (const auto* a = std::get_if<IpvsadmAction>(&e.action)) use(a->command);
        if (const auto* a = std::get_if<ServerAction>(&e.action))
            used.insert(s.realservers[a->realserver].address.value());
    }
    for (const ClientGroupSpec& c : s.clients) used.insert(c.target.addr.value());
    for (const HealthCheckSpec& h : s.health_checks)
        if (h.fallback) used.insert(h.fallback->addr.value());
    for (const RealServerSpec& rs : s.realservers)
        if (used.count(rs.address.value()) == 0)
            r.fail_at(rs.mark,
                      "realserver " + rs.name + " (" + rs.address.str() +
                          ") is used by no rule, timeline entry or client",
                      "add it to a service, e.g. -a -t " +
                          (first_service(s) ? first_service(s)->str() : std::string("VIP:80")) + " -r " +
                          rs.address.str() + ":" + std::to_string(rs.server.port) + " -m -w 1, or remove it");
}

void static_warnings(Scenario& s) {
    const ipvs::KernelProfile& kernel = *ipvs::find_kernel_profile(s.kernel);
    const auto missing = [&](const ipvs::SysctlDef* def) {
        return "net.ipv4.vs." + std::string(def->name) + " does not exist on kernel profile " + kernel.name +
               " (it appeared in Linux 4.2): the setting fails there, as sysctl would";
    };
    for (const SysctlSetting& x : s.sysctls)
        if (!x.sysctl->exists_on(kernel)) s.warnings.push_back({missing(x.sysctl), x.mark, std::nullopt});
    for (size_t i = 0; i < s.timeline.size(); ++i) {
        const TimelineEntry& e = s.timeline[i];
        if (const auto* a = std::get_if<SysctlAction>(&e.action);
            a != nullptr && !a->sysctl->exists_on(kernel))
            s.warnings.push_back({missing(a->sysctl), e.value_mark, i});
        if (const auto* a = std::get_if<ServerAction>(&e.action)) {
            const std::string& rs = s.realservers[a->realserver].name;
            if (a->verb == ServerVerb::KeepaliveTimeout)
                s.warnings.push_back(
                    {rs + "'s new keep-alive timeout applies to connections that go idle after " +
                         sim::format_time(e.at) +
                         "; those idle already keep the timer they armed with the old one",
                     e.value_mark, i});
            if (a->verb == ServerVerb::KeepaliveOff)
                s.warnings.push_back(
                    {rs + " answers with Connection: close from " + sim::format_time(e.at) +
                         " on; connections idle in keep-alive then stay open until their timer",
                     e.value_mark, i});
        }
        if (const auto* a = std::get_if<ClientAction>(&e.action);
            a != nullptr && a->verb == ClientVerb::KeepaliveTimeout)
            s.warnings.push_back({s.clients[a->group].name +
                                      "'s new keep-alive timeout applies to connections that go idle after " +
                                      sim::format_time(e.at) +
                                      "; those idle already keep the timer they armed with the old one",
                                  e.value_mark, i});
    }
}

// UDP set-ups that run, but not as their author likely meant: one-packet scheduling with NAT
// realservers (their answers find no entry and leave untranslated: ip_vs_out() has none), and
// a UDP client group whose service's realservers run no matching daemon on the port.
void udp_warnings(Scenario& s) {
    for (const Rule& rule : s.rules) {
        const ipvs::IpvsadmCommand& c = rule.command;
        if (c.cmd != ipvs::IpvsadmCmd::AddService || c.service.key.proto != ipvs::Proto::Udp) continue;
        bool masq = false;
        for (const Rule& d : s.rules)
            masq = masq ||
                   (d.command.cmd == ipvs::IpvsadmCmd::AddDest && d.command.service.key == c.service.key &&
                    d.command.dest.forward == ipvs::Forward::Masq);
        if (c.service.one_packet && masq)
            s.warnings.push_back({"UDP service " + c.service.key.vip.str() +
                                      " schedules one packet at a time (-o) to NAT (-m) realservers: their "
                                      "answers find no entry and leave with the realserver's address, which "
                                      "a connected client drops; use -o with -g or -i",
                                  rule.mark, std::nullopt});
    }
    for (const ClientGroupSpec& g : s.clients) {
        if (!g.is_udp()) continue;
        const bool dns = g.udp.kind == UdpClientKind::Resolver;
        for (const Rule& d : s.rules) {
            const ipvs::IpvsadmCommand& c = d.command;
            if (c.cmd != ipvs::IpvsadmCmd::AddDest || c.service.key.proto != ipvs::Proto::Udp ||
                c.service.key.vip != g.target)
                continue;
            const RealServerSpec* rs = s.realserver_at(c.dest.addr.addr);
            if (rs == nullptr) continue;
            const net::Port port = c.dest.forward == ipvs::Forward::Masq ? c.dest.addr.port : g.target.port;
            const bool serves = dns ? rs->dns && rs->dns->port == port : rs->syslog_port == port;
            if (!serves)
                s.warnings.push_back({"client group " + g.name + " sends " +
                                          (dns ? "DNS queries" : "syslog") + " to " + g.target.str() +
                                          ", whose realserver " + rs->name + " has no " +
                                          (dns ? "DNS server (dns:)" : "syslog collector (syslog:)") +
                                          " on UDP port " + std::to_string(port) +
                                          (rs->dns || rs->syslog_port ? " (another daemon may answer there)"
                                                                      : ": it answers port unreachable"),
                                      g.mark, std::nullopt});
        }
    }
}

}  // namespace

void cross_check(Scenario& s, const Reader& r, const YAML::Node& root) {
    DryRun dry(s, r);
    dry.rules();
    dry.connections();
    health_services(s, r, dry.director());
    dry.timeline();
    client_targets(s, r, root);
    scheme_warnings(s);
    traffic_warnings(s);
    unused_realservers(s, r);
    static_warnings(s);
    udp_warnings(s);
    std::stable_sort(s.warnings.begin(), s.warnings.end(),
                     [](const Warning& a, const Warning& b) { return a.mark.line < b.mark.line; });
}

}  // namespace lvs::scenario
