#include "models/ipvs/ipvsadm.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdarg>
#include <cstdio>
#include <map>

namespace lvs::ipvs {

namespace {

// ---- the command/option legality table (ipvsadm.c commands_v_options) -----------------------
// '+' compulsory, 'x' illegal, '1' exclusive (one of the '1's at most), ' ' optional.

// Laid out as ipvsadm.c lays the table out, column by column: kept out of clang-format.
// clang-format off
enum Opt : int {
    kNumeric, kConnection, kService, kScheduler, kPersistent, kNetmask, kServer, kForward, kWeight,
    kUThreshold, kLThreshold, kMcast, kTimeout, kDaemon, kStats, kRate, kThresholds, kPersistentConn,
    kNoSort, kSyncId, kExact, kOps, kSchedFlags, kOptCount
};

constexpr std::array<const char*, kOptCount> kOptNames{
    "numeric", "connection", "service-address", "scheduler", "persistent", "netmask", "real-server",
    "forwarding-method", "weight", "u-threshold", "l-threshold", "mcast-interface", "timeout", "daemon",
    "stats", "rate", "thresholds", "persistent-conn", "nosort", "syncid", "exact", "ops", "sched-flags",
};

constexpr std::array<const char*, 14> kCmdNames{
    "add-service", "edit-service", "delete-service", "flush", "list", "add-server", "delete-server",
    "edit-server", "set", "start-daemon", "stop-daemon", "restore", "save", "zero",
};

// Rows in IpvsadmCmd order; columns in Opt order (the last column, -b, is ipvsadm 1.31's).
constexpr const char* kLegal[14] = {
    //                -n -c svc -s -p -M -r fwd -w -x -y mc to dm st rt th pc so si ex ops -b
    /*ADD     */ "xx+   xxxxxxxxxxxxxxx  ",
    /*EDIT    */ "xx+   xxxxxxxxxxxxxxx  ",
    /*DEL     */ "xx+xxxxxxxxxxxxxxxxxxxx",
    /*FLUSH   */ "xxxxxxxxxxxxxxxxxxxxxxx",
    /*LIST    */ " 11xxxxxxxxx11       xx",
    /*ADDSRV  */ "xx+xxx+    xxxxxxxxxxxx",
    /*DELSRV  */ "xx+xxx+xxxxxxxxxxxxxxxx",
    /*EDITSRV */ "xx+xxx+    xxxxxxxxxxxx",
    /*TIMEOUT */ "xxxxxxxxxxxxxxxxxxxxxxx",
    /*STARTD  */ "xxxxxxxxxxx xxxxxxx xxx",
    /*STOPD   */ "xxxxxxxxxxxxxxxxxxx xxx",
    /*RESTORE */ "xxxxxxxxxxxxxxxxxxxxxxx",
    /*SAVE    */ " xxxxxxxxxxxxxxxxxxxxxx",
    /*ZERO    */ "xx xxxxxxxxxxxxxxxxxxxx",
};
static_assert(sizeof("xx+   xxxxxxxxxxxxxxx  ") - 1 == kOptCount);
// clang-format on

struct Token {
    std::string text;
    size_t column;
};

std::vector<Token> tokenize(std::string_view line) {
    std::vector<Token> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        if (i >= line.size()) break;
        const size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        out.push_back({std::string(line.substr(start, i - start)), start});
    }
    return out;
}

bool to_number(std::string_view s, long min, long max, long* out) {
    long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty() || v < min || v > max) return false;
    *out = v;
    return true;
}

// Port names ipvsadm would resolve through /etc/services (the ones lessons use).
const std::map<std::string, uint16_t, std::less<>>& port_names() {
    static const std::map<std::string, uint16_t, std::less<>> m{
        {"http", 80}, {"https", 443}, {"ftp", 21}, {"smtp", 25}, {"domain", 53}};
    return m;
}

// parse_service: "addr[:port]"; returns 0 (error), 1 (address) or 3 (address and port).
int parse_service(std::string_view text, net::Endpoint* ep) {
    const size_t colon = text.rfind(':');
    const std::string_view addr = colon == std::string_view::npos ? text : text.substr(0, colon);
    const auto a = net::Ipv4::parse(addr);
    if (!a) return 0;
    ep->addr = *a;
    if (colon == std::string_view::npos) return 1;
    const std::string_view port = text.substr(colon + 1);
    long v = 0;
    if (to_number(port, 0, 65535, &v)) {
        ep->port = static_cast<uint16_t>(v);
        return 3;
    }
    const auto it = port_names().find(port);
    if (it == port_names().end()) return 0;
    ep->port = it->second;
    return 3;
}

bool parse_sched_flags(std::string_view text, uint32_t* flags) {
    *flags = 0;
    size_t i = 0;
    while (i <= text.size()) {
        const size_t comma = text.find(',', i);
        const std::string_view f =
            text.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i);
        if (f == "flag-1" || f == "sh-fallback" || f == "mh-fallback") *flags |= kSvcSched1;
        else if (f == "flag-2" || f == "sh-port" || f == "mh-port") *flags |= kSvcSched2;
        else if (f == "flag-3") *flags |= kSvcSched3;
        else return false;
        if (comma == std::string_view::npos) break;
        i = comma + 1;
    }
    return true;
}

}  // namespace

std::string sched_flags_text(const std::string& scheduler, uint32_t flags) {
    std::string out;
    const auto add = [&](const char* s) { out += (out.empty() ? "" : ",") + std::string(s); };
    const bool sh = scheduler == "sh", mh = scheduler == "mh";
    if (flags & kSvcSched1) add(sh ? "sh-fallback" : mh ? "mh-fallback" : "flag-1");
    if (flags & kSvcSched2) add(sh ? "sh-port" : mh ? "mh-port" : "flag-2");
    if (flags & kSvcSched3) add("flag-3");
    return out;
}

std::optional<IpvsadmCommand> parse_ipvsadm(std::string_view line, IpvsadmError* error) {
    std::vector<Token> tokens = tokenize(line);
    if (!tokens.empty() && tokens[0].text == "ipvsadm") tokens.erase(tokens.begin());
    size_t at = 0;
    const auto fail = [&](std::string msg, size_t tok) -> std::optional<IpvsadmCommand> {
        if (error != nullptr) {
            error->message = std::move(msg);
            error->token = tok;
            error->column = tok < tokens.size() ? tokens[tok].column : line.size();
        }
        return std::nullopt;
    };
    IpvsadmCommand c;
    c.text = std::string(line);
    // ipvsadm's per-command defaults (process_options).
    c.dest.weight = 1;
    c.dest.forward = Forward::Route;
    c.service.netmask = net::Ipv4(0xFFFFFFFFu);
    c.service.scheduler.clear();
    bool have_cmd = false;
    unsigned options = 0;
    std::vector<std::string> positional;
    std::vector<size_t> positional_tok;

    const auto set_cmd = [&](IpvsadmCmd cmd) -> bool {
        if (have_cmd) return false;
        have_cmd = true;
        c.cmd = cmd;
        return true;
    };
    const auto set_opt = [&](int opt) -> bool {
        if (options & (1u << opt)) return false;
        options |= 1u << opt;
        return true;
    };

    // Expand "-Ln" / "-At ADDR" / "--weight=3" into (name, optional inline argument) items.
    struct Item {
        std::string name;  // short letter ("L") or long name ("weight")
        bool is_long;
        std::optional<std::string> arg;
        size_t tok;      // the option's token
        size_t arg_tok;  // its argument's (the same token for "-w3" and "--weight=3")
    };
    static const std::string takes_arg_short = "tufsMrwxybI";
    static const std::vector<std::string> takes_arg_long{
        "tcp-service", "udp-service", "fwmark-service", "scheduler",   "netmask",
        "real-server", "weight",      "u-threshold",    "l-threshold", "mcast-interface",
        "syncid",      "sched-flags", "start-daemon",   "stop-daemon"};
    std::vector<Item> items;
    for (at = 0; at < tokens.size(); ++at) {
        const std::string& t = tokens[at].text;
        if (t.size() > 2 && t[0] == '-' && t[1] == '-') {
            const size_t opt_tok = at;
            std::string name = t.substr(2);
            std::optional<std::string> arg;
            const size_t eq = name.find('=');
            if (eq != std::string::npos) {
                arg = name.substr(eq + 1);
                name = name.substr(0, eq);
            }
            const bool needs =
                std::find(takes_arg_long.begin(), takes_arg_long.end(), name) != takes_arg_long.end();
            if (needs && !arg) {
                if (at + 1 >= tokens.size()) return fail("option `--" + name + "' requires an argument", at);
                arg = tokens[++at].text;
            }
            if (name == "persistent" && !arg && at + 1 < tokens.size() && !tokens[at + 1].text.empty() &&
                tokens[at + 1].text[0] != '-')
                arg = tokens[++at].text;
            items.push_back({name, true, arg, opt_tok, at});
        } else if (t.size() > 1 && t[0] == '-') {
            const size_t tok = at;
            for (size_t k = 1; k < t.size(); ++k) {
                const char letter = t[k];
                std::optional<std::string> arg;
                if (takes_arg_short.find(letter) != std::string::npos) {
                    if (k + 1 < t.size()) arg = t.substr(k + 1);
                    else if (at + 1 < tokens.size()) arg = tokens[++at].text;
                    else return fail(std::string("option `-") + letter + "' requires an argument", tok);
                    items.push_back({std::string(1, letter), false, arg, tok, at});
                    break;
                }
                if (letter == 'p') {
                    // -p takes an optional timeout: the rest of the token, or the next token
                    // when it is not an option.
                    if (k + 1 < t.size()) arg = t.substr(k + 1);
                    else if (at + 1 < tokens.size() && !tokens[at + 1].text.empty() &&
                             tokens[at + 1].text[0] != '-')
                        arg = tokens[++at].text;
                    items.push_back({"p", false, arg, tok, at});
                    break;
                }
                items.push_back({std::string(1, letter), false, std::nullopt, tok, tok});
            }
        } else {
            positional.push_back(t);
            positional_tok.push_back(at);
        }
    }

    for (const Item& it : items) {
        const std::string& n = it.name;
        const auto is = [&](char s, const char* l) {
            return it.is_long ? n == l : n.size() == 1 && n[0] == s;
        };
        const auto cmd = [&](IpvsadmCmd which) -> bool {
            if (!set_cmd(which)) {
                fail("multiple commands specified", it.tok);
                return false;
            }
            return true;
        };
        const auto opt = [&](int o) -> bool {
            if (!set_opt(o)) {
                fail(std::string("multiple '") + kOptNames[static_cast<size_t>(o)] + "' options specified",
                     it.tok);
                return false;
            }
            return true;
        };
        const std::string arg = it.arg.value_or("");
        if (is('A', "add-service")) {
            if (!cmd(IpvsadmCmd::AddService)) return std::nullopt;
        } else if (is('E', "edit-service")) {
            if (!cmd(IpvsadmCmd::EditService)) return std::nullopt;
        } else if (is('D', "delete-service")) {
            if (!cmd(IpvsadmCmd::DelService)) return std::nullopt;
        } else if (is('C', "clear")) {
            if (!cmd(IpvsadmCmd::Flush)) return std::nullopt;
        } else if (is('L', "list") || is('l', "list")) {
            if (!cmd(IpvsadmCmd::List)) return std::nullopt;
        } else if (is('Z', "zero")) {
            if (!cmd(IpvsadmCmd::Zero)) return std::nullopt;
        } else if (is('a', "add-server")) {
            if (!cmd(IpvsadmCmd::AddDest)) return std::nullopt;
        } else if (is('e', "edit-server")) {
            if (!cmd(IpvsadmCmd::EditDest)) return std::nullopt;
        } else if (is('d', "delete-server")) {
            if (!cmd(IpvsadmCmd::DelDest)) return std::nullopt;
        } else if (is('R', "restore")) {
            if (!cmd(IpvsadmCmd::Restore)) return std::nullopt;
        } else if (is('S', "save")) {
            if (!cmd(IpvsadmCmd::Save)) return std::nullopt;
            c.format.rule = true;
        } else if (it.is_long && n == "set") {
            if (!cmd(IpvsadmCmd::SetTimeout)) return std::nullopt;
        } else if (it.is_long && n == "start-daemon") {
            if (!cmd(IpvsadmCmd::StartDaemon)) return std::nullopt;
        } else if (it.is_long && n == "stop-daemon") {
            if (!cmd(IpvsadmCmd::StopDaemon)) return std::nullopt;
        } else if (is('h', "help") || is('v', "version"))
            return fail("-h/-v print help: not a command for a scenario", it.tok);
        else if (is('t', "tcp-service") || is('u', "udp-service")) {
            if (!opt(kService)) return std::nullopt;
            c.has_service = true;
            c.service.key.proto = (n == "t" || n == "tcp-service") ? Proto::Tcp : Proto::Udp;
            if (parse_service(arg, &c.service.key.vip) == 0)
                return fail("illegal virtual server address[:port] specified", it.arg_tok);
        } else if (is('f', "fwmark-service")) {
            if (!opt(kService)) return std::nullopt;
            long v = 0;
            if (!to_number(arg, 1, 4294967295L, &v))
                return fail("invalid fwmark value `" + arg + "' specified", it.arg_tok);
            c.has_service = true;
            c.service.key.fwmark = static_cast<uint32_t>(v);
        } else if (is('s', "scheduler")) {
            if (!opt(kScheduler)) return std::nullopt;
            c.service.scheduler = arg;
            c.has_scheduler = true;
        } else if (is('b', "sched-flags")) {
            if (!opt(kSchedFlags)) return std::nullopt;
            if (!parse_sched_flags(arg, &c.service.sched_flags))
                return fail("invalid scheduler flags `" + arg + "' specified", it.arg_tok);
        } else if (is('p', "persistent")) {
            if (!opt(kPersistent)) return std::nullopt;
            c.service.persistent = true;
            c.has_persistent = true;
            c.service.persistence_s = 300;  // IPVS_SVC_PERSISTENT_TIMEOUT
            if (it.arg) {
                long v = 0;
                if (!to_number(arg, 1, 86400L * 31, &v))
                    return fail("invalid timeout value `" + arg + "' specified", it.arg_tok);
                c.service.persistence_s = static_cast<uint32_t>(v);
            }
        } else if (is('M', "netmask")) {
            if (!opt(kNetmask)) return std::nullopt;
            const auto m = net::Ipv4::parse(arg);
            if (!m) return fail("illegal virtual server persistent mask specified", it.arg_tok);
            c.service.netmask = *m;
        } else if (is('r', "real-server")) {
            if (!opt(kServer)) return std::nullopt;
            const int parsed = parse_service(arg, &c.dest.addr);
            if (parsed == 0) return fail("illegal real server address[:port] specified", it.arg_tok);
            if (parsed == 1) c.dest.addr.port = 0xFFFF;  // "copy vport to dport" once the service is known
        } else if (is('g', "gatewaying")) {
            if (!opt(kForward)) return std::nullopt;
            c.has_forward = true;
            c.dest.forward = Forward::Route;
        } else if (is('i', "ipip")) {
            if (!opt(kForward)) return std::nullopt;
            c.has_forward = true;
            c.dest.forward = Forward::Tunnel;
        } else if (is('m', "masquerading")) {
            if (!opt(kForward)) return std::nullopt;
            c.has_forward = true;
            c.dest.forward = Forward::Masq;
        } else if (is('w', "weight")) {
            if (!opt(kWeight)) return std::nullopt;
            long v = 0;
            if (!to_number(arg, 0, 65535, &v)) return fail("illegal weight specified", it.arg_tok);
            c.dest.weight = v;
            c.has_weight = true;
        } else if (is('x', "u-threshold")) {
            if (!opt(kUThreshold)) return std::nullopt;
            long v = 0;
            if (!to_number(arg, 0, 2147483647L, &v)) return fail("illegal u_threshold specified", it.arg_tok);
            c.dest.u_threshold = static_cast<uint32_t>(v);
        } else if (is('y', "l-threshold")) {
            if (!opt(kLThreshold)) return std::nullopt;
            long v = 0;
            if (!to_number(arg, 0, 2147483647L, &v)) return fail("illegal l_threshold specified", it.arg_tok);
            c.dest.l_threshold = static_cast<uint32_t>(v);
        } else if (is('n', "numeric")) {
            if (!opt(kNumeric)) return std::nullopt;
            c.format.numeric = true;
        } else if (is('c', "connection")) {
            if (!opt(kConnection)) return std::nullopt;
            c.format.connections = true;
        } else if (is('X', "exact")) {
            if (!opt(kExact)) return std::nullopt;
            c.format.exact = true;
        } else if (is('o', "ops")) {
            if (!opt(kOps)) return std::nullopt;
            c.service.one_packet = true;
        } else if (it.is_long && n == "timeout") {
            if (!opt(kTimeout)) return std::nullopt;
            c.format.timeout = true;
        } else if (it.is_long && n == "daemon") {
            if (!opt(kDaemon)) return std::nullopt;
        } else if (it.is_long && n == "stats") {
            if (!opt(kStats)) return std::nullopt;
            c.format.stats = true;
        } else if (it.is_long && n == "rate") {
            if (!opt(kRate)) return std::nullopt;
            c.format.rate = true;
        } else if (it.is_long && n == "thresholds") {
            if (!opt(kThresholds)) return std::nullopt;
            c.format.thresholds = true;
        } else if (it.is_long && n == "persistent-conn") {
            if (!opt(kPersistentConn)) return std::nullopt;
            c.format.persistent_conn = true;
        } else if (it.is_long && n == "nosort") {
            if (!opt(kNoSort)) return std::nullopt;
            c.format.nosort = true;
        } else if (it.is_long && n == "sort") {
            // the default; accepted for compatibility
        } else if (it.is_long && (n == "mcast-interface" || n == "syncid")) {
            if (!opt(n == "syncid" ? kSyncId : kMcast)) return std::nullopt;
        } else {
            return fail("invalid option `" + std::string(it.is_long ? "--" : "-") + n + "'", it.tok);
        }
    }
    if (!have_cmd) return fail("Try `ipvsadm -h' or 'ipvsadm --help' for more information.", 0);

    // generic_opt_check against the legality table.
    const size_t ci = static_cast<size_t>(c.cmd);
    int exclusive = -1;
    for (int j = 0; j < kOptCount; ++j) {
        const char rule = kLegal[ci][j];
        const bool given = (options & (1u << j)) != 0;
        if (!given && rule == '+')
            return fail(std::string("You need to supply the '") + kOptNames[j] + "' option for the '" +
                            kCmdNames[ci] + "' command",
                        0);
        if (given && rule == 'x')
            return fail(
                std::string("Illegal '") + kOptNames[j] + "' option with the '" + kCmdNames[ci] + "' command",
                0);
        if (given && rule == '1') {
            if (exclusive >= 0)
                return fail(std::string("The option '") + kOptNames[j] + "' conflicts with the '" +
                                kOptNames[exclusive] + "' option in the '" + kCmdNames[ci] + "' command",
                            0);
            exclusive = j;
        }
    }
    if (c.cmd == IpvsadmCmd::List &&
        (c.format.connections || c.format.timeout || (options & (1u << kDaemon))) &&
        (c.format.stats || c.format.persistent_conn || c.format.rate || c.format.thresholds))
        return fail("options conflicts in the list command", 0);
    if (c.cmd == IpvsadmCmd::SetTimeout) {
        if (positional.size() < 3) return fail("--set option requires 3 timeout values", 0);
        long v[3];
        for (int k = 0; k < 3; ++k)
            if (!to_number(positional[static_cast<size_t>(k)], 0, 86400L * 31, &v[k]))
                return fail("invalid timeout value `" + positional[static_cast<size_t>(k)] + "' specified",
                            positional_tok[static_cast<size_t>(k)]);
        c.tcp = v[0];
        c.tcpfin = v[1];
        c.udp = v[2];
        positional.erase(positional.begin(), positional.begin() + 3);
        positional_tok.erase(positional_tok.begin(), positional_tok.begin() + 3);
    }
    if (!positional.empty()) return fail("unexpected argument " + positional.front(), positional_tok.front());

    if (c.cmd == IpvsadmCmd::AddService || c.cmd == IpvsadmCmd::EditService) {
        if (c.service.key.fwmark == 0 && c.service.key.vip.port == 0 && !c.service.persistent)
            return fail("Zero port specified for non-persistent service", 0);
        if (c.service.one_packet && c.service.key.fwmark == 0 && c.service.key.proto != Proto::Udp)
            return fail("One-Packet Scheduling is only for UDP virtual services", 0);
        if (c.service.scheduler.empty()) c.service.scheduler = "wlc";  // DEF_SCHED
    }
    if (c.cmd == IpvsadmCmd::AddDest || c.cmd == IpvsadmCmd::EditDest || c.cmd == IpvsadmCmd::DelDest) {
        if (c.dest.addr.port == 0xFFFF) c.dest.addr.port = c.service.key.vip.port;
        // DR and TUN cannot map ports: the destination port is the service port.
        if ((c.cmd != IpvsadmCmd::DelDest) && c.service.key.fwmark == 0 &&
            (c.dest.forward == Forward::Tunnel || c.dest.forward == Forward::Route))
            c.dest.addr.port = c.service.key.vip.port;
    }
    return c;
}

IpvsadmCommand dest_command(IpvsadmCmd cmd, const ServiceKey& service, const DestSpec& dest) {
    IpvsadmCommand c;
    c.cmd = cmd;
    c.has_service = true;
    c.service.key = service;
    c.dest = dest;
    const char* letter = cmd == IpvsadmCmd::AddDest ? "-a " : cmd == IpvsadmCmd::EditDest ? "-e " : "-d ";
    const std::string svc =
        service.fwmark != 0 ? "-f " + std::to_string(service.fwmark)
                            : std::string(service.proto == Proto::Udp ? "-u " : "-t ") + service.vip.str();
    c.text = letter + svc + " -r " + dest.addr.str();
    if (cmd != IpvsadmCmd::DelDest) {
        c.has_forward = c.has_weight = true;
        c.text += " " + std::string(switch_of(dest.forward)) + " -w " + std::to_string(dest.weight);
    }
    return c;
}

AdminResult apply_ipvsadm(Director& d, const IpvsadmCommand& c, std::string* output) {
    switch (c.cmd) {
        case IpvsadmCmd::AddService: return d.add_service(c.service);
        case IpvsadmCmd::EditService: return d.edit_service(c.service);
        case IpvsadmCmd::DelService: return d.del_service(c.service.key);
        case IpvsadmCmd::Flush: return d.flush();
        case IpvsadmCmd::Zero:
            return d.zero(c.has_service ? std::optional<ServiceKey>(c.service.key) : std::nullopt);
        case IpvsadmCmd::AddDest: return d.add_dest(c.service.key, c.dest);
        case IpvsadmCmd::EditDest: return d.edit_dest(c.service.key, c.dest);
        case IpvsadmCmd::DelDest: return d.del_dest(c.service.key, c.dest.addr);
        case IpvsadmCmd::SetTimeout: return d.set_timeouts(c.tcp, c.tcpfin, c.udp);
        case IpvsadmCmd::List:
            if (output != nullptr) {
                if (c.format.connections) *output = render_connections(d, c.format);
                else if (c.format.timeout) *output = render_timeout(d);
                else if (c.has_service) {
                    if (d.find_service(c.service.key) == nullptr)
                        return {AdminCode::NoService, "No such service"};
                    *output = render_list(d, c.format, c.service.key);
                } else *output = render_list(d, c.format);
            }
            return {};
        case IpvsadmCmd::Save:
            if (output != nullptr) *output = render_save(d, c.format.numeric);
            return {};
        case IpvsadmCmd::StartDaemon:
        case IpvsadmCmd::StopDaemon:
        case IpvsadmCmd::Restore:
            return {AdminCode::Invalid, "not simulated: the sync daemon and -R are out of lvsim's scope"};
    }
    return {};
}

// ---- listings ---------------------------------------------------------------------------------

namespace {

std::string addrport(net::Endpoint ep, bool numeric) {
    if (!numeric)
        for (const auto& [name, port] : port_names())
            if (port == ep.port) return ep.addr.str() + ":" + name;
    return ep.str();
}

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, f);
    std::vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return buf;
}

// print_largenum: 9 columns; above 1e8 shortened with K/M/G/T unless --exact.
std::string largenum(uint64_t i, bool exact) {
    if (exact) {
        const std::string s = std::to_string(i);
        return fmt("%*llu", static_cast<int>(s.size() <= 8 ? 9 : s.size() + 1),
                   static_cast<unsigned long long>(i));
    }
    if (i < 100000000ULL) return fmt("%9llu", static_cast<unsigned long long>(i));
    if (i < 1000000000ULL) return fmt("%8lluK", static_cast<unsigned long long>(i / 1000));
    if (i < 100000000000ULL) return fmt("%8lluM", static_cast<unsigned long long>(i / 1000000));
    if (i < 100000000000000ULL) return fmt("%8lluG", static_cast<unsigned long long>(i / 1000000000ULL));
    return fmt("%8lluT", static_cast<unsigned long long>(i / 1000000000000ULL));
}

DestStats since_zero(const DestStats& s, const DestStats& z) {
    return {s.conns - z.conns, s.inpkts - z.inpkts, s.outpkts - z.outpkts, s.inbytes - z.inbytes,
            s.outbytes - z.outbytes};
}

std::string service_name(const Service& s, bool numeric, bool rule) {
    if (s.fwmark != 0) return rule ? "-f " + std::to_string(s.fwmark) : "FWM  " + std::to_string(s.fwmark);
    const std::string v = addrport(s.vip, numeric);
    if (rule) return std::string(s.proto == Proto::Tcp ? "-t " : "-u ") + v;
    std::string name = std::string(s.proto == Proto::Tcp ? "TCP" : "UDP") + "  " + v;
    if (name.size() > 33) name.resize(33);
    return name;
}

std::vector<const Service*> sorted_services(const Director& d, bool nosort) {
    std::vector<const Service*> v;
    for (const auto& s : d.services()) v.push_back(s.get());
    // ipvs_cmp_services: fwmark, protocol, address, port.
    if (!nosort)
        std::stable_sort(v.begin(), v.end(), [](const Service* a, const Service* b) {
            if (a->fwmark != b->fwmark) return a->fwmark < b->fwmark;
            if (a->proto != b->proto) return a->proto < b->proto;
            if (a->vip.addr != b->vip.addr) return a->vip.addr < b->vip.addr;
            return a->vip.port < b->vip.port;
        });
    return v;
}

std::vector<const Dest*> sorted_dests(const Service& s, bool nosort) {
    std::vector<const Dest*> v(s.dests.begin(), s.dests.end());
    if (!nosort)
        std::stable_sort(v.begin(), v.end(), [](const Dest* a, const Dest* b) {
            if (a->addr.addr != b->addr.addr) return a->addr.addr < b->addr.addr;
            return a->addr.port < b->addr.port;
        });
    return v;
}

int64_t rate_value(int64_t scaled, int shift) { return (scaled + (int64_t{1} << (shift - 1)) - 1) >> shift; }

}  // namespace

std::string render_list(const Director& d, const ListFormat& f, const std::optional<ServiceKey>& only) {
    std::string out;
    if (!only) out += "IP Virtual Server version 1.2.1 (size=4096)\n";
    if (f.stats)
        out += fmt("%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port", "Conns",
                   "InPkts", "OutPkts", "InBytes", "OutBytes");
    else if (f.rate)
        out += fmt("%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port", "CPS",
                   "InPPS", "OutPPS", "InBPS", "OutBPS");
    else if (f.thresholds)
        out += fmt("%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                   "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
    else if (f.persistent_conn)
        out += fmt("%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                   "Weight", "PersistConn", "ActiveConn", "InActConn");
    else
        out +=
            "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight "
            "ActiveConn InActConn\n";
    for (const Service* s : sorted_services(d, f.nosort)) {
        if (only && !(ServiceKey{s->proto, s->vip, s->fwmark} == *only)) continue;
        const std::string name = service_name(*s, f.numeric, false);
        if (f.stats) {
            const DestStats st = since_zero(s->stats, s->zero_point);
            out += fmt("%-33s", name.c_str()) + largenum(st.conns, f.exact) + largenum(st.inpkts, f.exact) +
                   largenum(st.outpkts, f.exact) + largenum(st.inbytes, f.exact) +
                   largenum(st.outbytes, f.exact);
        } else if (f.rate) {
            out += fmt("%-33s", name.c_str()) +
                   largenum(static_cast<uint64_t>(rate_value(s->rate.cps, 10)), f.exact) +
                   largenum(static_cast<uint64_t>(rate_value(s->rate.inpps, 10)), f.exact) +
                   largenum(static_cast<uint64_t>(rate_value(s->rate.outpps, 10)), f.exact) +
                   largenum(static_cast<uint64_t>(rate_value(s->rate.inbps, 5)), f.exact) +
                   largenum(static_cast<uint64_t>(rate_value(s->rate.outbps, 5)), f.exact);
        } else {
            out += name + " " + s->sched_name;
            const std::string flags = sched_flags_text(s->sched_name, s->flags);
            if (!flags.empty()) out += " (" + flags + ")";
            if (s->persistent) {
                out += " persistent " + std::to_string(s->persistence_s);
                if (s->netmask != net::Ipv4(0xFFFFFFFFu)) out += " mask " + s->netmask.str();
            }
            if (s->one_packet) out += " ops";
        }
        out += "\n";
        for (const Dest* e : sorted_dests(*s, f.nosort)) {
            std::string dname = addrport(e->addr, f.numeric);
            if (dname.size() > 28) dname.resize(28);
            if (f.stats) {
                const DestStats st = since_zero(e->stats, e->zero_point);
                out += fmt("  -> %-28s", dname.c_str()) + largenum(st.conns, f.exact) +
                       largenum(st.inpkts, f.exact) + largenum(st.outpkts, f.exact) +
                       largenum(st.inbytes, f.exact) + largenum(st.outbytes, f.exact) + "\n";
            } else if (f.rate) {
                out += fmt("  -> %-28s %8u %8u %8u", dname.c_str(),
                           static_cast<unsigned>(rate_value(e->rate.cps, 10)),
                           static_cast<unsigned>(rate_value(e->rate.inpps, 10)),
                           static_cast<unsigned>(rate_value(e->rate.outpps, 10))) +
                       largenum(static_cast<uint64_t>(rate_value(e->rate.inbps, 5)), f.exact) +
                       largenum(static_cast<uint64_t>(rate_value(e->rate.outbps, 5)), f.exact) + "\n";
            } else if (f.thresholds) {
                out += fmt("  -> %-28s %-10u %-10u %-10u %-10u\n", dname.c_str(), e->u_threshold,
                           e->l_threshold, e->activeconns, e->inactconns);
            } else if (f.persistent_conn) {
                out += fmt("  -> %-28s %-9u %-11u %-10u %-10u\n", dname.c_str(),
                           static_cast<unsigned>(e->weight), e->persistconns, e->activeconns, e->inactconns);
            } else {
                out +=
                    fmt("  -> %-28s %-7s %-6d %-10u %-10u\n", dname.c_str(),
                        std::string(to_string(e->forward)).c_str(), e->weight, e->activeconns, e->inactconns);
            }
        }
    }
    return out;
}

std::string render_connections(const Director& d, const ListFormat& f) {
    std::string out = "IPVS connection entries\n";
    out += fmt("pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual", "destination");
    const sim::Time now = const_cast<Director&>(d).sim().now();
    for (const Conn* c : d.connections()) {
        // Whole seconds until the entry's timer fires, truncated (ip_vs_conn_seq_show).
        const int64_t left_ns = std::max<int64_t>(0, (c->timer.deadline() - now).ns());
        const int64_t secs = left_ns / 1'000'000'000;
        const std::string expire =
            fmt("%02lld:%02lld", static_cast<long long>(secs / 60), static_cast<long long>(secs % 60));
        std::string state = std::string(to_string(c->state));
        if (c->is_template() && c->assured) state = "ASSURED";
        out += fmt("%-3s %-6s %-11s %-18s %-18s %s\n", c->proto == Proto::Tcp ? "TCP" : "UDP", expire.c_str(),
                   state.c_str(), addrport(c->client, f.numeric).c_str(), addrport(c->vip, f.numeric).c_str(),
                   addrport(c->dest_addr, f.numeric).c_str());
    }
    return out;
}

std::string render_timeout(const Director& d) {
    const Timeouts& t = d.timeouts();
    return fmt("Timeout (tcp tcpfin udp): %lld %lld %lld\n",
               static_cast<long long>(t.tcp.ns() / 1'000'000'000),
               static_cast<long long>(t.tcp_fin.ns() / 1'000'000'000),
               static_cast<long long>(t.udp.ns() / 1'000'000'000));
}

std::string render_save(const Director& d, bool numeric) {
    std::string out;
    for (const Service* s : sorted_services(d, false)) {
        const std::string name = service_name(*s, numeric, true);
        out += "-A " + name + " -s " + s->sched_name;
        const std::string flags = sched_flags_text(s->sched_name, s->flags);
        if (!flags.empty()) out += " -b " + flags;
        if (s->persistent) {
            out += " -p " + std::to_string(s->persistence_s);
            if (s->netmask != net::Ipv4(0xFFFFFFFFu)) out += " -M " + s->netmask.str();
        }
        if (s->one_packet) out += " -o";
        out += "\n";
        for (const Dest* e : sorted_dests(*s, false))
            out += "-a " + name + " -r " + addrport(e->addr, numeric) + " " +
                   std::string(switch_of(e->forward)) + " -w " + std::to_string(e->weight) + "\n";
    }
    return out;
}

}  // namespace lvs::ipvs
