// The ipvsadm command line, parsed as ipvsadm.c parses it: short and long options, the
// command/option legality table (commands_v_options) and ipvsadm's own error messages, into an
// IpvsadmCommand. Parsed once, at load; everything after takes the struct.
#include <algorithm>
#include <array>
#include <charconv>

#include "models/ipvs/ipvsadm.hpp"
#include "models/ipvs/ipvsadm_args.hpp"

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

// One option as the command line gave it: "-Ln", "-At ADDR" and "--weight=3" expand into
// (name, optional inline argument) items before any of them is interpreted.
struct Item {
    std::string name;  // short letter ("L") or long name ("weight")
    bool is_long;
    std::optional<std::string> arg;
    size_t tok;      // the option's token
    size_t arg_tok;  // its argument's (the same token for "-w3" and "--weight=3")
};

bool is(const Item& it, char s, const char* l) {
    return it.is_long ? it.name == l : it.name.size() == 1 && it.name[0] == s;
}

// One line's parse, in ipvsadm.c's order: expand the options, apply each (the command, then
// the service's, the destination's and the listing's options), check the legality table, then
// the positional values and the per-command defaults. The first error stops it, as in ipvsadm.
class Parser {
public:
    Parser(std::string_view line, IpvsadmError* error) : line_(line), error_(error) {
        tokens_ = tokenize(line);
        if (!tokens_.empty() && tokens_[0].text == "ipvsadm") tokens_.erase(tokens_.begin());
        c_.text = std::string(line);
        // ipvsadm's per-command defaults (process_options).
        c_.dest.weight = 1;
        c_.dest.forward = Forward::Route;
        c_.service.netmask = net::Ipv4(0xFFFFFFFFu);
        c_.service.scheduler.clear();
    }

    std::optional<IpvsadmCommand> run() {
        if (!expand_items()) return std::nullopt;
        for (const Item& it : items_) {
            Step step = command_item(it);
            if (step == Step::NotMine) step = service_option(it);
            if (step == Step::NotMine) step = dest_option(it);
            if (step == Step::NotMine) step = listing_option(it);
            if (step == Step::NotMine)
                fail("invalid option `" + std::string(it.is_long ? "--" : "-") + it.name + "'", it.tok);
            if (step != Step::Done) return std::nullopt;
        }
        if (!have_cmd_) {
            fail("Try `ipvsadm -h' or 'ipvsadm --help' for more information.", 0);
            return std::nullopt;
        }
        if (!check_legality() || !finish()) return std::nullopt;
        return c_;
    }

private:
    enum class Step { NotMine, Done, Failed };
    static Step done(bool ok) { return ok ? Step::Done : Step::Failed; }

    bool fail(std::string msg, size_t tok) {
        if (error_ != nullptr) {
            error_->message = std::move(msg);
            error_->token = tok;
            error_->column = tok < tokens_.size() ? tokens_[tok].column : line_.size();
        }
        return false;
    }
    bool cmd(const Item& it, IpvsadmCmd which) {
        if (have_cmd_) return fail("multiple commands specified", it.tok);
        have_cmd_ = true;
        c_.cmd = which;
        return true;
    }
    bool opt(const Item& it, int o) {
        if (options_ & (1u << o))
            return fail(std::string("multiple '") + kOptNames[static_cast<size_t>(o)] + "' options specified",
                        it.tok);
        options_ |= 1u << o;
        return true;
    }

    bool expand_items();
    Step command_item(const Item& it);
    Step service_option(const Item& it);
    Step dest_option(const Item& it);
    Step listing_option(const Item& it);
    bool check_legality();
    bool finish();

    std::string_view line_;
    IpvsadmError* error_;
    std::vector<Token> tokens_;
    IpvsadmCommand c_;
    bool have_cmd_ = false;
    unsigned options_ = 0;
    std::vector<std::string> positional_;
    std::vector<size_t> positional_tok_;
    std::vector<Item> items_;
};

bool Parser::expand_items() {
    static const std::string takes_arg_short = "tufsMrwxybI";
    static const std::vector<std::string> takes_arg_long{
        "tcp-service", "udp-service", "fwmark-service", "scheduler",   "netmask",
        "real-server", "weight",      "u-threshold",    "l-threshold", "mcast-interface",
        "syncid",      "sched-flags", "start-daemon",   "stop-daemon"};
    const std::vector<Token>& tokens = tokens_;
    for (size_t at = 0; at < tokens.size(); ++at) {
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
            items_.push_back({name, true, arg, opt_tok, at});
        } else if (t.size() > 1 && t[0] == '-') {
            const size_t tok = at;
            for (size_t k = 1; k < t.size(); ++k) {
                const char letter = t[k];
                std::optional<std::string> arg;
                if (takes_arg_short.find(letter) != std::string::npos) {
                    if (k + 1 < t.size()) arg = t.substr(k + 1);
                    else if (at + 1 < tokens.size()) arg = tokens[++at].text;
                    else return fail(std::string("option `-") + letter + "' requires an argument", tok);
                    items_.push_back({std::string(1, letter), false, arg, tok, at});
                    break;
                }
                if (letter == 'p') {
                    // -p takes an optional timeout: the rest of the token, or the next token
                    // when it is not an option.
                    if (k + 1 < t.size()) arg = t.substr(k + 1);
                    else if (at + 1 < tokens.size() && !tokens[at + 1].text.empty() &&
                             tokens[at + 1].text[0] != '-')
                        arg = tokens[++at].text;
                    items_.push_back({"p", false, arg, tok, at});
                    break;
                }
                items_.push_back({std::string(1, letter), false, std::nullopt, tok, tok});
            }
        } else {
            positional_.push_back(t);
            positional_tok_.push_back(at);
        }
    }
    return true;
}

// The commands (-A, -E, -D, -C, -L, -Z, -a, -e, -d, -R, -S, --set, the daemons).
Parser::Step Parser::command_item(const Item& it) {
    const std::string& n = it.name;
    if (is(it, 'A', "add-service")) return done(cmd(it, IpvsadmCmd::AddService));
    if (is(it, 'E', "edit-service")) return done(cmd(it, IpvsadmCmd::EditService));
    if (is(it, 'D', "delete-service")) return done(cmd(it, IpvsadmCmd::DelService));
    if (is(it, 'C', "clear")) return done(cmd(it, IpvsadmCmd::Flush));
    if (is(it, 'L', "list") || is(it, 'l', "list")) return done(cmd(it, IpvsadmCmd::List));
    if (is(it, 'Z', "zero")) return done(cmd(it, IpvsadmCmd::Zero));
    if (is(it, 'a', "add-server")) return done(cmd(it, IpvsadmCmd::AddDest));
    if (is(it, 'e', "edit-server")) return done(cmd(it, IpvsadmCmd::EditDest));
    if (is(it, 'd', "delete-server")) return done(cmd(it, IpvsadmCmd::DelDest));
    if (is(it, 'R', "restore")) return done(cmd(it, IpvsadmCmd::Restore));
    if (is(it, 'S', "save")) {
        if (!cmd(it, IpvsadmCmd::Save)) return Step::Failed;
        c_.format.rule = true;
        return Step::Done;
    }
    if (it.is_long && n == "set") return done(cmd(it, IpvsadmCmd::SetTimeout));
    if (it.is_long && (n == "start-daemon" || n == "stop-daemon")) {
        // ipvsadm.c parse_options(): the state is master or backup, with its own word for each.
        if (!cmd(it, n == "start-daemon" ? IpvsadmCmd::StartDaemon : IpvsadmCmd::StopDaemon))
            return Step::Failed;
        const std::string arg = it.arg.value_or("");
        if (arg == "master") c_.daemon_state = kSyncMaster;
        else if (arg == "backup") c_.daemon_state = kSyncBackup;
        else
            return done(fail(n == "start-daemon" ? "illegal start-daemon parameter specified"
                                                 : "illegal start_daemon specified",
                             it.arg_tok));
        return Step::Done;
    }
    if (is(it, 'h', "help") || is(it, 'v', "version"))
        return done(fail("-h/-v print help: not a command for a scenario", it.tok));
    return Step::NotMine;
}

// The virtual service's options: -t/-u/-f, -s, -b, -p, -M, -o.
Parser::Step Parser::service_option(const Item& it) {
    const std::string& n = it.name;
    const std::string arg = it.arg.value_or("");
    if (is(it, 't', "tcp-service") || is(it, 'u', "udp-service")) {
        if (!opt(it, kService)) return Step::Failed;
        c_.has_service = true;
        c_.service.key.proto = (n == "t" || n == "tcp-service") ? Proto::Tcp : Proto::Udp;
        if (parse_service(arg, &c_.service.key.vip) == 0)
            return done(fail("illegal virtual server address[:port] specified", it.arg_tok));
    } else if (is(it, 'f', "fwmark-service")) {
        if (!opt(it, kService)) return Step::Failed;
        long v = 0;
        if (!to_number(arg, 1, 4294967295L, &v))
            return done(fail("invalid fwmark value `" + arg + "' specified", it.arg_tok));
        c_.has_service = true;
        c_.service.key.fwmark = static_cast<uint32_t>(v);
    } else if (is(it, 's', "scheduler")) {
        if (!opt(it, kScheduler)) return Step::Failed;
        c_.service.scheduler = arg;
        c_.has_scheduler = true;
    } else if (is(it, 'b', "sched-flags")) {
        if (!opt(it, kSchedFlags)) return Step::Failed;
        if (!parse_sched_flags(arg, &c_.service.sched_flags))
            return done(fail("invalid scheduler flags `" + arg + "' specified", it.arg_tok));
    } else if (is(it, 'p', "persistent")) {
        if (!opt(it, kPersistent)) return Step::Failed;
        c_.service.persistent = true;
        c_.has_persistent = true;
        // Without a value: IPVS_SVC_PERSISTENT_TIMEOUT, 6*60 s (libipvs.h; ipvsadm.c parse_timeout()).
        // ipvsadm(8) says 300: the code wins.
        c_.service.persistence_s = 360;
        if (it.arg) {
            long v = 0;
            if (!to_number(arg, 1, 86400L * 31, &v))
                return done(fail("invalid timeout value `" + arg + "' specified", it.arg_tok));
            c_.service.persistence_s = static_cast<uint32_t>(v);
        }
    } else if (is(it, 'M', "netmask")) {
        if (!opt(it, kNetmask)) return Step::Failed;
        const auto m = net::Ipv4::parse(arg);
        if (!m) return done(fail("illegal virtual server persistent mask specified", it.arg_tok));
        c_.service.netmask = *m;
    } else if (is(it, 'o', "ops")) {
        if (!opt(it, kOps)) return Step::Failed;
        c_.service.one_packet = true;
    } else {
        return Step::NotMine;
    }
    return Step::Done;
}

// The real server's options: -r, -g/-i/-m, -w, -x, -y.
Parser::Step Parser::dest_option(const Item& it) {
    const std::string arg = it.arg.value_or("");
    if (is(it, 'r', "real-server")) {
        if (!opt(it, kServer)) return Step::Failed;
        const int parsed = parse_service(arg, &c_.dest.addr);
        if (parsed == 0) return done(fail("illegal real server address[:port] specified", it.arg_tok));
        if (parsed == 1) c_.dest.addr.port = 0xFFFF;  // "copy vport to dport" once the service is known
    } else if (is(it, 'g', "gatewaying")) {
        if (!opt(it, kForward)) return Step::Failed;
        c_.has_forward = true;
        c_.dest.forward = Forward::Route;
    } else if (is(it, 'i', "ipip")) {
        if (!opt(it, kForward)) return Step::Failed;
        c_.has_forward = true;
        c_.dest.forward = Forward::Tunnel;
    } else if (is(it, 'm', "masquerading")) {
        if (!opt(it, kForward)) return Step::Failed;
        c_.has_forward = true;
        c_.dest.forward = Forward::Masq;
    } else if (is(it, 'w', "weight")) {
        if (!opt(it, kWeight)) return Step::Failed;
        long v = 0;
        if (!to_number(arg, 0, 65535, &v)) return done(fail("illegal weight specified", it.arg_tok));
        c_.dest.weight = v;
        c_.has_weight = true;
    } else if (is(it, 'x', "u-threshold")) {
        if (!opt(it, kUThreshold)) return Step::Failed;
        long v = 0;
        if (!to_number(arg, 0, 2147483647L, &v))
            return done(fail("illegal u_threshold specified", it.arg_tok));
        c_.dest.u_threshold = static_cast<uint32_t>(v);
    } else if (is(it, 'y', "l-threshold")) {
        if (!opt(it, kLThreshold)) return Step::Failed;
        long v = 0;
        if (!to_number(arg, 0, 2147483647L, &v))
            return done(fail("illegal l_threshold specified", it.arg_tok));
        c_.dest.l_threshold = static_cast<uint32_t>(v);
    } else {
        return Step::NotMine;
    }
    return Step::Done;
}

// The listing's options (-n, -c, -X, --timeout, --stats, ...) and the sync daemon's.
Parser::Step Parser::listing_option(const Item& it) {
    const std::string& n = it.name;
    if (is(it, 'n', "numeric")) {
        if (!opt(it, kNumeric)) return Step::Failed;
        c_.format.numeric = true;
    } else if (is(it, 'c', "connection")) {
        if (!opt(it, kConnection)) return Step::Failed;
        c_.format.connections = true;
    } else if (is(it, 'X', "exact")) {
        if (!opt(it, kExact)) return Step::Failed;
        c_.format.exact = true;
    } else if (it.is_long && n == "timeout") {
        if (!opt(it, kTimeout)) return Step::Failed;
        c_.format.timeout = true;
    } else if (it.is_long && n == "daemon") {
        if (!opt(it, kDaemon)) return Step::Failed;
    } else if (it.is_long && n == "stats") {
        if (!opt(it, kStats)) return Step::Failed;
        c_.format.stats = true;
    } else if (it.is_long && n == "rate") {
        if (!opt(it, kRate)) return Step::Failed;
        c_.format.rate = true;
    } else if (it.is_long && n == "thresholds") {
        if (!opt(it, kThresholds)) return Step::Failed;
        c_.format.thresholds = true;
    } else if (it.is_long && n == "persistent-conn") {
        if (!opt(it, kPersistentConn)) return Step::Failed;
        c_.format.persistent_conn = true;
    } else if (it.is_long && n == "nosort") {
        if (!opt(it, kNoSort)) return Step::Failed;
        c_.format.nosort = true;
    } else if (it.is_long && n == "sort") {
        // the default; accepted for compatibility
    } else if (it.is_long && (n == "mcast-interface" || n == "syncid")) {
        if (!opt(it, n == "syncid" ? kSyncId : kMcast)) return Step::Failed;
        if (n == "syncid") {
            const std::string arg = it.arg.value_or("");
            const bool digits =
                !arg.empty() && arg.size() <= 3 && arg.find_first_not_of("0123456789") == std::string::npos;
            if (!digits || std::stoi(arg) > 255) return done(fail("illegal syncid specified", it.arg_tok));
            c_.syncid = static_cast<uint8_t>(std::stoi(arg));
        }
    } else {
        return Step::NotMine;
    }
    return Step::Done;
}

// generic_opt_check against the legality table, then the list command's own conflicts.
bool Parser::check_legality() {
    const IpvsadmCommand& c = c_;
    const unsigned options = options_;
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
    return true;
}

// --set's three timeouts, no other positional argument, and the per-command defaults.
bool Parser::finish() {
    IpvsadmCommand& c = c_;
    std::vector<std::string>& positional = positional_;
    std::vector<size_t>& positional_tok = positional_tok_;
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
    return true;
}

}  // namespace

std::optional<IpvsadmCommand> parse_ipvsadm(std::string_view line, IpvsadmError* error) {
    return Parser(line, error).run();
}

}  // namespace lvs::ipvs
