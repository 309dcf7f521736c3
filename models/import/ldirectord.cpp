// ldirectord.cf as an lvsim director. Facts from ldirectord.in of ClusterLabs resource-agents
// 4.18 (set_defaults(), read_config(), ld_setup(), ld_start(), check_http(), the POD manual).
#include <map>

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
        if (const size_t hash = line.find('#'); hash != std::string::npos && line.find('"') > hash)
            line.erase(hash);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
            line.pop_back();
        const size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos) return;
        const bool indented = first > 0;
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
        static const std::vector<std::string> kept{
            "checktimeout", "negotiatetimeout", "checkinterval", "failurecount", "quiescent", "fallback",
            "fork",         "readdquiescent",   "checktype",     "service",      "scheduler", "protocol"};
        static const std::vector<std::string> ignored{
            "autoreload",     "logfile",  "emailalert", "emailalertfreq", "emailalertstatus",
            "emailalertfrom", "callback", "cleanstop",  "maintenancedir", "supervised",
            "smtp",           "execute",  "checkcount"};
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
            "emailalertstatus", "secret",       "schedflags",   "readdquiescent"};
        if (key == "real") {
            v.reals.push_back(real(value, vat));
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
    Real real(const std::string& value, const Source& at) const {
        Real r;
        r.at = at;
        std::vector<std::string> words;
        std::string cur;
        bool quoted = false;
        for (const char c : value) {
            if (c == '"') quoted = !quoted;
            else if (!quoted && (c == ' ' || c == '\t' || c == ',')) {
                if (!cur.empty()) words.push_back(cur);
                cur.clear();
            } else cur += c;
        }
        if (quoted) fail(at, "a quoted string is not closed", "add the closing \"");
        if (!cur.empty()) words.push_back(cur);
        if (words.empty()) fail(at, "real= needs an address", "e.g. real=192.168.10.11:80 masq 1");
        r.addr = endpoint(words[0], at, "real=192.168.10.11:80 masq 1");
        if (words.size() > 1) {
            if (words[1] == "gate") r.forward = "-g";
            else if (words[1] == "masq") r.forward = "-m";
            else if (words[1] == "ipip") r.forward = "-i";
            else fail(at, "'" + words[1] + "' is no forwarding method", "gate, masq or ipip");
        }
        size_t next = 2;
        if (words.size() > 2 && parse_uint(words[2])) {
            r.weight = static_cast<uint32_t>(std::min<uint64_t>(*parse_uint(words[2]), 65535));
            next = 3;
        }
        if (words.size() > next) r.request = words[next];
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
            out_.rules.push_back(
                {"-a " + svc + " -r " + r.addr.str() + " " + r.forward + " -w " + std::to_string(r.weight),
                 r.at});
            add_realserver(out_, r.addr, r.at);
        }
        std::optional<net::Endpoint> fallback;
        if (const auto f = get(v, "fallback")) {
            const std::string addr = f->value.substr(0, f->value.find_first_of(" \t"));
            fallback = endpoint(addr, f->at, "fallback=127.0.0.1:80");
            if (fallback->addr.value() >> 24 == 127)
                out_.simplified.push_back({"fallback",
                                           "127.0.0.1 is the director itself to ldirectord; lvsim runs it as "
                                           "a host of its own, reached by NAT",
                                           f->at});
        }
        if (protocol != "tcp") {
            out_.simplified.push_back(
                {"virtual=" + v.vip.str(), "checks of a UDP service are not simulated", v.at});
            return;
        }
        health_check(v, fallback);
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
    void health_check(const Virtual& v, const std::optional<net::Endpoint>& fallback) {
        HealthCheck h;
        h.name = "ldirectord_" + dotted_name(v.vip);
        h.service = v.vip;
        h.tool = ipvs::CheckerTool::Ldirectord;
        h.from = v.at;
        h.fallback = fallback;
        h.interval = interval(v);
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
        // Timeouts: each of checktimeout and negotiatetimeout falls back to the other (ld_setup).
        const auto ct = get(v, "checktimeout");
        const auto nt = get(v, "negotiatetimeout");
        const sim::Duration connect_timeout = ct   ? seconds(*ct, "checktimeout")
                                              : nt ? seconds(*nt, "negotiatetimeout")
                                                   : sim::s(5);
        const sim::Duration negotiate_timeout = nt   ? seconds(*nt, "negotiatetimeout")
                                                : ct ? seconds(*ct, "checktimeout")
                                                     : sim::s(30);
        const std::string checktype = get(v, "checktype") ? get(v, "checktype")->value : "negotiate";
        const Source type_at = get(v, "checktype") ? get(v, "checktype")->at : v.at;
        std::string service = v.vip.port == 80 ? "http" : v.vip.port == 443 ? "https" : "none";
        if (const auto s = get(v, "service")) service = s->value;
        if (checktype == "negotiate" || (!checktype.empty() && parse_uint(checktype))) {
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
                return;
            }
            if (service == "http" || service == "https") {
                m.type = CheckType::Http;
                if (service == "https")
                    out_.simplified.push_back({"service",
                                               "https is checked as http: the TLS handshake is left out",
                                               get(v, "service") ? get(v, "service")->at : v.at});
            } else {
                m.type = CheckType::Tcp;
                out_.simplified.push_back(
                    {"service", "a negotiate check of " + service + " is simulated as a connect check",
                     get(v, "service")->at});
            }
            m.timeout = negotiate_timeout;
        } else if (checktype == "connect") {
            m.type = CheckType::Tcp;
            m.timeout = connect_timeout;
        } else if (checktype == "external" || checktype == "external-perl" || checktype == "ping") {
            m.type = CheckType::Script;
            m.timeout = connect_timeout;
            out_.simplified.push_back(
                {"checktype",
                 checktype + ": the verdict comes from the scenario (passes while the realserver runs and "
                             "has not been told to fail its checks)",
                 type_at});
        } else if (checktype == "on" || checktype == "off") {
            out_.simplified.push_back(
                {"checktype", checktype + ": no checks run; the realservers stay as configured", type_at});
            return;
        } else {
            fail(type_at, "unknown checktype '" + checktype + "'",
                 "connect, negotiate, external, ping, on, off or a number");
        }
        // Where each value came from (a global line or the virtual's own).
        for (const auto& [key, directive] : std::map<std::string, std::string>{{"interval", "checkinterval"},
                                                                               {"failures", "failurecount"},
                                                                               {"quiescent", "quiescent"},
                                                                               {"path", "request"},
                                                                               {"type", "checktype"},
                                                                               {"fallback", "fallback"}})
            if (const auto s = get(v, directive)) h.at[key] = s->at;
        if (const auto s = m.type == CheckType::Http ? (nt ? nt : ct) : (ct ? ct : nt))
            h.at["timeout"] = s->at;
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
    std::vector<Virtual> virtuals_;
};

}  // namespace

void import_ldirectord(const std::string& text, const std::string& origin, Director& into) {
    LdirectordReader(origin, into).read(text);
}

}  // namespace lvs::import
