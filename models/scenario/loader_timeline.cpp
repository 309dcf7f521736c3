// The scenario's timeline: section: admin commands, sysctl changes, server and client verbs and
// packet drops at given times. Separate: what changes during a run, not what exists at its start.
#include "models/scenario/loader_impl.hpp"

namespace lvs::scenario::detail {

namespace {
constexpr const char* kActionKeys[] = {"ipvsadm",  "sysctl", "server",   "client",
                                       "snapshot", "drop",   "director", "vrrp"};
}  // namespace

// One number from 0 to the sysctl's maximum, or for sync_threshold two ("3 50"), the first
// below the second unless the second is 0 (proc_do_sync_threshold()).
std::pair<int, std::optional<int>> Loader::sysctl_value(const YAML::Node& n, const ipvs::SysctlDef& def,
                                                        const std::string& text, size_t column) {
    const std::string name = "net.ipv4.vs." + std::string(def.name);
    const auto number = [](const std::string& t) {
        if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos) return -1;
        return std::stoi(t);
    };
    if (def.second != nullptr) {
        const size_t sp = text.find_first_of(" \t");
        const int a = number(text.substr(0, sp));
        const int b = sp == std::string::npos ? -1 : number(text.substr(text.find_first_not_of(" \t", sp)));
        if (a >= 0 && b >= 0 && !ipvs::pair_in_order(a, b) && a <= def.max && b <= def.max)
            r_.fail(n,
                    name + ": the threshold (" + std::to_string(a) + ") must be below the period (" +
                        std::to_string(b) + ")",
                    "e.g. \"3 50\" (the default), or a period of 0 (send once, at the threshold)", column);
        if (a < 0 || b < 0 || a > def.max || b > def.max)
            r_.fail(n, name + " takes two numbers, THRESHOLD PERIOD, not '" + text + "'",
                    "e.g. \"3 50\" (the default): the threshold below the period, or period 0", column);
        return {a, b};
    }
    const int v = number(text);
    if (v < 0 || v > def.max)
        r_.fail(n, name + " takes 0 to " + std::to_string(def.max) + ", not '" + text + "'",
                "values 0 to " + std::to_string(def.max) + "; " + std::string(def.meaning), column);
    return {v, std::nullopt};
}

void Loader::check_time(const YAML::Node& n, sim::Time t, const std::string& what) {
    if (t > sim::at(s_.duration))
        r_.fail(n,
                what + " at " + sim::format_time(t) + " is after the end of the run (duration " +
                    sim::format_duration(s_.duration) + ")",
                "make `duration:` longer or move the entry earlier");
}

TimelineAction Loader::action(const YAML::Node& n) {
    int actions = 0;
    for (const char* k : kActionKeys) actions += n[k] ? 1 : 0;
    if (actions != 1)
        r_.fail(n, "a timeline entry does exactly one thing",
                "one of ipvsadm, sysctl, server, client, snapshot, drop, director or vrrp");
    if (n["action"] && !n["server"] && !n["client"] && !n["director"])
        r_.fail(n["action"], "`action:` belongs to server, client or director entries");
    const std::optional<size_t> on = director_on(n);
    if (n["director"] || n["vrrp"]) return ha_action(n);
    if (n["value"] && !n["server"] && !n["client"])
        r_.fail(n["value"], "`value:` belongs to server or client entries");
    if (const YAML::Node v = n["ipvsadm"]) {
        IpvsadmAction a{ipvsadm(r_.text(v, "ipvsadm"), mark_of(v),
                                "ipvsadm options as on the command line, e.g. -e -t 10.0.0.100:80 "
                                "-r 192.168.10.11:80 -m -w 0"),
                        on};
        const auto cmd = a.command.cmd;
        if (s_.fleet && (cmd == ipvs::IpvsadmCmd::AddDest || cmd == ipvs::IpvsadmCmd::EditDest) &&
            a.command.dest.forward == ipvs::Forward::Masq)
            r_.fail(v, "a fleet behind ECMP forwards by direct routing or tunnelling, not NAT (-m)",
                    "write -g or -i: NAT replies would return through one gateway, not the director that "
                    "translated them");
        return a;
    }
    if (const YAML::Node v = n["sysctl"]) {
        const std::string text = r_.text(v, "sysctl");
        const size_t eq = text.find('=');
        if (eq == std::string::npos)
            r_.fail(v, "sysctl needs NAME=VALUE", "e.g. net.ipv4.vs.expire_nodest_conn=1");
        const ipvs::SysctlDef* def = sysctl_named(v, text.substr(0, eq));
        const auto [value, second] = sysctl_value(v, *def, text.substr(eq + 1), eq + 1);
        return SysctlAction{def, value, second, on};
    }
    if (const YAML::Node v = n["server"]) {
        const auto [who, what, value] = verb_entry(n, v, s_.realservers, kServerVerbNames, "realserver",
                                                   "server", ServerVerb::KeepaliveTimeout);
        return ServerAction{who, what, value};
    }
    if (const YAML::Node v = n["client"]) {
        const auto [who, what, value] = verb_entry(n, v, s_.clients, kClientVerbNames, "client group",
                                                   "client", ClientVerb::KeepaliveTimeout);
        if (s_.clients[who].is_udp() && what == ClientVerb::KeepaliveTimeout)
            r_.fail(n["action"], "client group " + s_.clients[who].name + " sends UDP: it has no keep-alive",
                    "stop-reloading stops its lookups or messages, start-reloading resumes them");
        return ClientAction{who, what, value};
    }
    if (const YAML::Node v = n["drop"]) return drop(v);
    return SnapshotAction{r_.text(n["snapshot"], "snapshot")};
}

DropAction Loader::drop(const YAML::Node& v) {
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
    if (v["segment"]) d.nth = static_cast<uint32_t>(r_.integer(v["segment"], "drop.segment", 1, 1'000'000));
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
                    r_.fail(
                        f,
                        "drop.flags takes the letters S, A, F, R and P, not '" + std::string(1, t[i]) + "'",
                        "e.g. flags: F (a FIN) or flags: SA (a SYN+ACK)", i);
            }
        }
    }
    d.text = host + " " + (d.toward_host ? "in" : "out") +
             (d.flags != 0 ? " " + std::string(net::flag_letters(d.flags)) + " segment" : " data segment") +
             " #" + std::to_string(d.nth) + (d.conn != 0 ? " of connection " + std::to_string(d.conn) : "");
    return d;
}

void Loader::timeline() {
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
        for (const char* k : kActionKeys)
            if (n[k]) e.value_mark = mark_of(n[k]);
        s_.timeline.push_back(std::move(e));
    }
    std::stable_sort(s_.timeline.begin(), s_.timeline.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
}

}  // namespace lvs::scenario::detail
