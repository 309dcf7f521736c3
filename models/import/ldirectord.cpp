// ldirectord.cf as an lvsim director. Facts from ldirectord.in of ClusterLabs resource-agents
// 4.18 (set_defaults(), read_config(), ld_setup(), ld_start(), check_http(), the POD manual).
#include <map>
#include <sstream>

#include "models/import/import_parts.hpp"
#include "models/ipvs/scheduler.hpp"

namespace lvs::import {

namespace {

using ipvs::CheckMethod;
using ipvs::CheckType;

struct Setting {
    std::string value;
    Source at;
};

struct Real {
    net::Endpoint addr;
    std::string forward = "-g";
    uint32_t weight = 1;
    uint32_t lower = 0;  // l:N, ipvsadm -y
    uint32_t upper = 0;  // u:N, ipvsadm -x
    std::string request;
    Source at;
};

struct Virtual {
    net::Endpoint vip;
    Source at;
    std::vector<Real> reals;
    std::map<std::string, Setting> set;  // the virtual's own directives
};

class LdirectordReader {
public:
    LdirectordReader(const std::string& origin, Director& out) : origin_(origin), out_(out) {}

    void read(const std::string& text) {
        size_t start = 0;
        int number = 0;
        while (start <= text.size()) {
            const size_t end = text.find('\n', start);
            std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
            ++number;
            directive(line, number);
            if (end == std::string::npos) break;
            start = end + 1;
        }
        for (const Virtual& v : virtuals_) emit(v);
    }

private:
    [[noreturn]] void fail(const Source& at, const std::string& msg, const std::string& hint = {}) const {
        throw ImportError(at, msg, hint);
    }

    void directive(std::string line, int number) {
        if (const size_t hash = line.find('#'); hash != std::string::npos) line.erase(hash);  // s/#.*//
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
            line.pop_back();
        const size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos) return;
        // A virtual's lines are indented by a tab or at least four spaces (read_config turns tabs
        // into four spaces and matches /^ {4,}/).
        const bool indented = line[0] == '\t' || first >= 4;
        const size_t eq = line.find('=', first);
        const Source at{origin_, number, static_cast<int>(first) + 1};
        if (eq == std::string::npos)
            fail(at, "'" + line.substr(first) + "' is no directive", "ldirectord.cf lines are key=value");
        std::string key = line.substr(first, eq - first);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
        std::string value = line.substr(eq + 1);
        value.erase(0, std::min(value.find_first_not_of(" \t"), value.size()));
        const Source vat{origin_, number, static_cast<int>(eq) + 2};
        if (key == "virtual") {
            Virtual v;
            v.vip = endpoint(value, vat, "virtual=10.0.0.100:80");
            v.at = at;
            virtuals_.push_back(std::move(v));
            return;
        }
        if (indented && !virtuals_.empty()) virtual_directive(virtuals_.back(), key, value, at, vat);
        else global_directive(key, value, at, vat);
    }

    net::Endpoint endpoint(const std::string& text, const Source& at, const std::string& like) const {
        const auto e = net::Endpoint::parse(text);
        if (!e) fail(at, "'" + text + "' is no IPv4 address:port", "e.g. " + like + " (lvsim imports IPv4)");
        return *e;
    }

    void global_directive(const std::string& key, const std::string& value, const Source& at,
                          const Source& vat) {
        static const std::vector<std::string> kept{"checktimeout", "negotiatetimeout", "checkinterval",
                                                   "failurecount", "quiescent",        "fallback",
                                                   "fork",         "readdquiescent"};
        static const std::vector<std::string> ignored{
            "autoreload",     "logfile",  "emailalert", "emailalertfreq",  "emailalertstatus",
            "emailalertfrom", "callback", "cleanstop",  "maintenancedir",  "supervised",
            "smtp",           "execute",  "checkcount", "fallbackcommand", "fallback6"};
        if (key == "connecttimeout")
            fail(at, "connecttimeout is refused by ldirectord itself (deprecated)", "write negotiatetimeout");
        if (std::find(ignored.begin(), ignored.end(), key) != ignored.end()) {
            out_.ignored.push_back(
                {key, "ldirectord's own housekeeping (logging, mail, reloading): no effect on balancing",
                 at});
            return;
        }
        if (std::find(kept.begin(), kept.end(), key) == kept.end())
            fail(at, "unknown ldirectord directive '" + key + "'",
                 "global: checktimeout, negotiatetimeout, checkinterval, failurecount, quiescent, fallback, "
                 "autoreload, logfile, emailalert; a virtual's lines are indented under virtual=");
        global_[key] = {value, vat};
    }

    void virtual_directive(Virtual& v, const std::string& key, const std::string& value, const Source& at,
                           const Source& vat) {
        static const std::vector<std::string> kept{
            "fallback",         "service",      "request",      "receive",
            "scheduler",        "protocol",     "checktype",    "persistent",
            "netmask",          "quiescent",    "checktimeout", "negotiatetimeout",
            "checkinterval",    "failurecount", "checkport",    "virtualhost",
            "httpmethod",       "login",        "passwd",       "database",
            "checkcommand",     "ops",          "emailalert",   "emailalertfreq",
            "emailalertstatus", "secret",       "schedflags",   "readdquiescent",
            "fallbackcommand",  "monitorfile",  "cleanstop",    "smtp",
            "servicename",      "comment",      "load",         "checkcount"};
        if (key == "real") {
            v.reals.push_back(real(value, vat, v.vip.port));
            return;
        }
        if (std::find(kept.begin(), kept.end(), key) == kept.end())
            fail(at, "unknown directive '" + key + "' in virtual=" + v.vip.str(),
                 "known: real, fallback, service, request, receive, scheduler, protocol, checktype, "
                 "persistent, "
                 "quiescent, checktimeout, negotiatetimeout, failurecount");
        v.set[key] = {value, vat};
    }

    // real=ip[:port] gate|masq|ipip [weight] ["request", "receive"]
    // real=ip[:port] gate|masq|ipip [weight] ["request", "receive"] [l:N] [u:N]
    // (_ld_read_config_real_resolve, add_real_server). Without a port: the virtual's.
    Real real(const std::string& value, const Source& at, net::Port virtual_port) const {
        Real r;
        r.at = at;
        struct Token {
            std::string text;
            bool quoted = false;
        };
        std::vector<Token> words;
        Token cur;
        bool quoted = false;
        for (const char c : value) {
            if (c == '"') {
                quoted = !quoted;
                cur.quoted = true;
            } else if (!quoted && (c == ' ' || c == '\t' || c == ',')) {
                if (!cur.text.empty() || cur.quoted) words.push_back(cur);
                cur = Token{};
            } else {
                cur.text += c;
            }
        }
        if (quoted) fail(at, "a quoted string is not closed", "add the closing \"");
        if (!cur.text.empty() || cur.quoted) words.push_back(cur);
        if (words.empty()) fail(at, "real= needs an address", "e.g. real=192.168.10.11:80 masq 1");
        const std::string& where = words[0].text;
        if (where.find("->") != std::string::npos)
            fail(at, "address ranges (" + where + ") are not imported",
                 "write one real= line per realserver");
        if (where.find(':') == std::string::npos) {
            const auto ip = net::Ipv4::parse(where);
            if (!ip)
                fail(at, "'" + where + "' is no IPv4 address", "lvsim imports addresses, not host names");
            r.addr = {*ip, virtual_port};
        } else {
            r.addr = endpoint(where, at, "real=192.168.10.11:80 masq 1");
        }
        if (words.size() < 2)
            fail(at, "real= needs its forwarding method", "gate, masq or ipip, e.g. real=" + where + " masq");
        if (words[1].text == "gate") r.forward = "-g";
        else if (words[1].text == "masq") r.forward = "-m";
        else if (words[1].text == "ipip") r.forward = "-i";
        else fail(at, "'" + words[1].text + "' is no forwarding method", "gate, masq or ipip");
        for (size_t i = 2; i < words.size(); ++i) {
            const Token& t = words[i];
            if (t.quoted) {
                if (r.request.empty() && !t.text.empty()) r.request = t.text;  // then the receive string
                continue;
            }
            if (t.text.rfind("l:", 0) == 0 || t.text.rfind("u:", 0) == 0) {
                const auto n = parse_uint(t.text.substr(2));
                if (!n || *n > 65535) fail(at, "'" + t.text + "': a threshold is l:N or u:N", "e.g. u:100");
                (t.text[0] == 'l' ? r.lower : r.upper) = static_cast<uint32_t>(*n);
            } else if (i == 2 && parse_uint(t.text)) {
                r.weight = static_cast<uint32_t>(std::min<uint64_t>(*parse_uint(t.text), 65535));
            } else {
                fail(at, "'" + t.text + "' is neither a weight, a quoted request nor l:N/u:N",
                     "real=192.168.10.11:80 masq 2 \"/check.html\", \"OK\"");
            }
        }
        return r;
    }

    std::optional<Setting> get(const Virtual& v, const std::string& key) const {
        if (const auto it = v.set.find(key); it != v.set.end()) return it->second;
        if (const auto it = global_.find(key); it != global_.end()) return it->second;
        return std::nullopt;
    }
    sim::Duration seconds(const Setting& s, const std::string& key) const {
        const auto d = parse_seconds(s.value);
        if (!d || *d <= sim::Duration{} || d->ns() > sim::s(86400).ns())
            fail(s.at, key + " takes seconds (more than 0, up to a day), not '" + s.value + "'",
                 "e.g. " + key + "=5");
        return *d;
    }
    bool yes_no(const Setting& s, const std::string& key) const {
        if (s.value == "yes") return true;
        if (s.value == "no") return false;
        fail(s.at, key + " is yes or no, not '" + s.value + "'");
    }

    void emit(const Virtual& v) {
        const std::string scheduler = get(v, "scheduler") ? get(v, "scheduler")->value : "wrr";
        if (!ipvs::SchedulerRegistry::instance().has(scheduler))
            fail(get(v, "scheduler")->at, "unknown scheduler '" + scheduler + "'", "e.g. scheduler=wlc");
        std::string protocol = v.vip.port == 53 ? "udp" : "tcp";
        if (const auto p = get(v, "protocol")) protocol = p->value;
        if (protocol == "fwm")
            fail(get(v, "protocol")->at, "fwmark virtual services are not imported",
                 "lvsim's fwmark services carry no traffic");
        if (protocol != "tcp" && protocol != "udp")
            fail(get(v, "protocol")->at, "protocol is tcp, udp or fwm");
        const std::string svc = (protocol == "tcp" ? "-t " : "-u ") + v.vip.str();
        std::string line = "-A " + svc + " -s " + scheduler;
        if (const auto p = get(v, "persistent")) {
            const auto n = parse_uint(p->value);
            if (!n || *n == 0)
                fail(p->at, "persistent takes seconds, not '" + p->value + "'", "e.g. persistent=600");
            line += " -p " + std::to_string(*n);
            if (const auto m = get(v, "netmask")) line += " -M " + m->value;
        }
        std::string detail;
        for (const char* key : {"scheduler", "persistent", "netmask", "protocol"})
            if (const auto s = get(v, key))
                detail += (detail.empty() ? "" : ", ") + std::string(key) + " :" + std::to_string(s->at.line);
        if (!get(v, "scheduler"))
            detail += std::string(detail.empty() ? "" : "; ") + "scheduler wrr: ldirectord's default";
        out_.rules.push_back({line, v.at, detail});
        for (const Real& r : v.reals) {
            std::string rl =
                "-a " + svc + " -r " + r.addr.str() + " " + r.forward + " -w " + std::to_string(r.weight);
            if (r.upper != 0) rl += " -x " + std::to_string(r.upper);
            if (r.lower != 0) rl += " -y " + std::to_string(r.lower);
            out_.rules.push_back({rl, r.at, {}});
            add_realserver(out_, protocol == "tcp" ? r.addr : net::Endpoint{r.addr.addr, 0}, r.at);
        }
        if (protocol != "tcp") {
            out_.simplified.push_back(
                {"virtual=" + v.vip.str(), "checks of a UDP service are not simulated", v.at});
            return;
        }
        health_check(v);
    }

    // Options of a check that the simulated one has no use for, said rather than dropped.
    void unmodelled_options(const Virtual& v) {
        for (const char* k : {"checkport", "virtualhost", "httpmethod", "login", "passwd", "database",
                              "checkcommand", "secret"})
            if (const auto it = v.set.find(k); it != v.set.end())
                out_.simplified.push_back(
                    {k, "no effect on the simulated check: it runs on the service port with a GET",
                     it->second.at});
    }

    // checkinterval: the global one, a virtual's own only with fork=yes (ld_main's loop).
    sim::Duration interval(const Virtual& v) {
        sim::Duration out = sim::s(10);
        if (const auto ci = global_.find("checkinterval"); ci != global_.end())
            out = seconds(ci->second, "checkinterval");
        if (const auto ci = v.set.find("checkinterval"); ci != v.set.end()) {
            const auto fork = global_.find("fork");
            if (fork != global_.end() && fork->second.value == "yes")
                out = seconds(ci->second, "checkinterval");
            else
                out_.simplified.push_back({"checkinterval",
                                           "a virtual's own checkinterval counts only with fork=yes "
                                           "(ld_main): the global one applies",
                                           ci->second.at});
        }
        return out;
    }

    // The virtual's checks as ldirectord runs them (ld_setup's timeouts, _check_real's types).
    // fallback=ip[:port] [gate|masq|ipip] (parse_fallback): the virtual's port when none is
    // given, gate unless another method is.
    void fallback(const Virtual& v, HealthCheck& h) {
        const auto f = get(v, "fallback");
        if (!f) return;
        std::istringstream words(f->value);
        std::string where, method;
        words >> where >> method;
        if (where.find(':') == std::string::npos) {
            const auto ip = net::Ipv4::parse(where);
            if (!ip) fail(f->at, "'" + where + "' is no IPv4 address", "e.g. fallback=127.0.0.1:80");
            h.fallback = net::Endpoint{*ip, v.vip.port};
        } else {
            h.fallback = endpoint(where, f->at, "fallback=127.0.0.1:80");
        }
        if (method.empty() || method == "gate") h.fallback_forward = ipvs::Forward::Route;
        else if (method == "masq") h.fallback_forward = ipvs::Forward::Masq;
        else if (method == "ipip") h.fallback_forward = ipvs::Forward::Tunnel;
        else fail(f->at, "'" + method + "' is no forwarding method", "gate, masq or ipip");
        if (h.fallback->addr.value() >> 24 == 127) {
            h.fallback_forward = ipvs::Forward::Masq;
            out_.simplified.push_back(
                {"fallback",
                 "127.0.0.1 is the director itself to ldirectord; lvsim runs it as a host "
                 "of its own, reached by NAT",
                 f->at});
        }
    }

    // One of checktimeout / negotiatetimeout, resolved as ld_setup() does: the virtual's own,
    // then its other one, then the global ones in the same order, then the default.
    std::pair<sim::Duration, std::optional<Source>> timeout(const Virtual& v, const char* mine,
                                                            const char* other,
                                                            sim::Duration otherwise) const {
        for (const auto* table : {&v.set, &global_})
            for (const char* key : {mine, other})
                if (const auto it = table->find(key); it != table->end())
                    return {seconds(it->second, key), it->second.at};
        return {otherwise, std::nullopt};
    }

    // The check ldirectord runs for `checktype` and `service` (_check_real; ld_port_to_service for
    // a service left out); false when it runs none that lvsim needs to model.
    bool check_type(const Virtual& v, HealthCheck& h) {
        CheckMethod& m = h.check;
        const auto [connect_timeout, connect_from] =
            timeout(v, "checktimeout", "negotiatetimeout", sim::s(5));
        const auto [negotiate_timeout, negotiate_from] =
            timeout(v, "negotiatetimeout", "checktimeout", sim::s(30));
        const std::string checktype = get(v, "checktype") ? get(v, "checktype")->value : "negotiate";
        const Source type_at = get(v, "checktype") ? get(v, "checktype")->at : v.at;
        static const std::map<net::Port, std::string> by_port{
            {21, "ftp"},          {25, "smtp"},    {53, "dns"},   {80, "http"},     {110, "pop"},
            {119, "nntp"},        {143, "imap"},   {389, "ldap"}, {443, "https"},   {587, "submission"},
            {636, "ldaps"},       {993, "imaps"},  {995, "pops"}, {1521, "oracle"}, {1812, "radius"},
            {3128, "http_proxy"}, {3306, "mysql"}, {5060, "sip"}, {5432, "pgsql"}};
        std::string service = by_port.count(v.vip.port) != 0 ? by_port.at(v.vip.port) : "none";
        if (const auto s = get(v, "service")) service = s->value;
        const Source service_at = get(v, "service") ? get(v, "service")->at : v.at;
        if (checktype == "negotiate" || parse_uint(checktype)) {
            if (parse_uint(checktype))
                out_.simplified.push_back(
                    {"checktype",
                     "combined checks (" + checktype + " connects per negotiate): every check is a negotiate",
                     type_at});
            if (service == "none") {
                out_.simplified.push_back({"checktype",
                                           "negotiate with service none: ldirectord's check_none marks every "
                                           "realserver up; no checks run",
                                           type_at});
                return false;
            }
            if (service == "http" || service == "https" || service == "http_proxy") {
                m.type = CheckType::Http;
                if (service == "https")
                    out_.simplified.push_back(
                        {"service", "https is checked as http: the TLS handshake is left out", service_at});
            } else {
                m.type = CheckType::Tcp;
                out_.simplified.push_back(
                    {"service", "a negotiate check of " + service + " is simulated as a connect check",
                     service_at});
            }
            m.timeout = negotiate_timeout;
            timeout_from_ = negotiate_from;
        } else if (checktype == "connect" || checktype == "off") {
            // off: ld_start takes every realserver down and no check brings it back; the fallback comes in.
            m.type = checktype == "off" ? CheckType::Off : CheckType::Tcp;
            m.timeout = connect_timeout;
            timeout_from_ = connect_from;
        } else if (checktype == "external" || checktype == "external-perl" || checktype == "ping") {
            m.type = CheckType::Script;
            m.timeout = connect_timeout;
            timeout_from_ = connect_from;
            out_.simplified.push_back(
                {"checktype",
                 checktype + ": the verdict comes from the scenario (passes while the realserver "
                             "runs and has not been told to fail its checks)",
                 type_at});
        } else if (checktype == "on") {
            out_.simplified.push_back({"checktype", "on: every realserver is up, no checks run", type_at});
            return false;
        } else {
            fail(type_at, "unknown checktype '" + checktype + "'",
                 "connect, negotiate, external, ping, on, off or a number");
        }
        return true;
    }

    void health_check(const Virtual& v) {
        HealthCheck h;
        h.name = "ldirectord_" + dotted_name(v.vip);
        h.service = v.vip;
        h.tool = ipvs::CheckerTool::Ldirectord;
        h.from = v.at;
        fallback(v, h);
        h.interval = interval(v);
        // fork=no (the default): one loop checks every virtual service in turn (ld_main).
        const auto fork = global_.find("fork");
        if (fork == global_.end() || fork->second.value != "yes") h.round = "ldirectord";
        CheckMethod& m = h.check;
        if (const auto f = get(v, "failurecount")) {
            const auto n = parse_uint(f->value);
            if (!n || *n == 0 || *n > 100) fail(f->at, "failurecount takes a number from 1 to 100");
            m.failures = static_cast<uint32_t>(*n);
        }
        if (const auto q = get(v, "quiescent")) m.quiescent = yes_no(*q, "quiescent");
        else
            out_.simplified.push_back(
                {"quiescent",
                 "not set: ldirectord's code default, no (its manual says yes), removes failed realservers",
                 v.at});
        if (!check_type(v, h)) return;
        // Where each value came from (a global line or the virtual's own).
        for (const auto& [key, directive] : std::map<std::string, std::string>{{"interval", "checkinterval"},
                                                                               {"failures", "failurecount"},
                                                                               {"quiescent", "quiescent"},
                                                                               {"path", "request"},
                                                                               {"type", "checktype"},
                                                                               {"fallback", "fallback"}})
            if (const auto s = get(v, directive)) h.at[key] = s->at;
        if (timeout_from_) h.at["timeout"] = *timeout_from_;
        if (const auto r = get(v, "request"))
            m.path =
                (r->value.empty() || r->value.front() != '/') ? "/" + unquote(r->value) : unquote(r->value);
        if (const auto r = get(v, "receive"))
            out_.simplified.push_back({"receive",
                                       "the body is taken to match \"" + unquote(r->value) +
                                           "\" while the realserver passes its checks",
                                       r->at});
        unmodelled_options(v);
        for (const Real& r : v.reals) {
            if (r.request.empty()) continue;
            ServerCheck sc{realserver_name(out_, r.addr.addr), m, r.at, h.at};
            sc.check.path = r.request.front() == '/' ? r.request : "/" + r.request;
            sc.at["path"] = r.at;
            h.servers.push_back(std::move(sc));
        }
        // The fallback is a host only where a checker can bring it in.
        if (h.fallback)
            add_realserver(out_, *h.fallback, h.at.count("fallback") ? h.at.at("fallback") : h.from,
                           "fallback");
        out_.checks.push_back(std::move(h));
    }

    static std::string unquote(std::string s) {
        if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
        return s;
    }

    std::string origin_;
    Director& out_;
    std::map<std::string, Setting> global_;
    std::optional<Source> timeout_from_;  // the line the last check_type() took its timeout from
    std::vector<Virtual> virtuals_;
};

}  // namespace

void import_ldirectord(const std::string& text, const std::string& origin, Director& into) {
    LdirectordReader(origin, into).read(text);
}

}  // namespace lvs::import
