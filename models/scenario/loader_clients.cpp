// The scenario's clients: section: browser groups, scripted socket programs (script:), their
// ports, pages and load schedules. Separate: the traffic side of a scenario.
#include "models/scenario/loader_impl.hpp"

namespace lvs::scenario::detail {

void Loader::clients() {
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
        client_profile(n, b);
        if (n["keepalive_timeout"]) {
            if (r_.text(n["keepalive_timeout"], "keepalive_timeout") == "never")
                b.profile.keepalive_timeout = {};
            else b.profile.keepalive_timeout = r_.duration(n["keepalive_timeout"], "keepalive_timeout");
        }
        if (n["max_connections"])
            b.profile.max_connections = static_cast<uint32_t>(
                r_.integer(n["max_connections"], "max_connections (0: no limit)", 0, 256));
        if (n["close"])
            b.profile.close = r_.one_of(n["close"], "close method", {"fin", "rst"}) == "fin"
                                  ? http::CloseMethod::Fin
                                  : http::CloseMethod::Rst;
        if (n["request_timeout"]) {
            if (r_.text(n["request_timeout"], "request_timeout") == "off") b.request_timeout.reset();
            else b.request_timeout = r_.duration(n["request_timeout"], "request_timeout");
        }
        if (n["page"] && n["requests"])
            r_.fail(n["requests"],
                    "give `page:` (a browser's page) or `requests:` (an API client's calls), not both");
        if (n["page"]) page(n["page"], b.page);
        if (n["requests"]) requests(n["requests"], b.page);
        if (n["pages"]) {
            if (n["requests"])
                r_.fail(n["pages"], "`pages:` is a browser's page mix; an API client has `requests:`");
            page_mix(n["pages"], b);
        }
        // An API client without `requests:` makes one call at a time of one request.
        if (!n["page"] && !n["requests"] && b.profile.kind == http::ClientKind::Api)
            requests(YAML::Node(YAML::NodeType::Map), b.page);
        if (n["so_keepalive"]) b.so_keepalive = r_.boolean(n["so_keepalive"], "so_keepalive");
        if (const YAML::Node sc = n["script"]) {
            for (const char* k : {"browser", "client", "page", "requests", "schedule", "keepalive_timeout",
                                  "max_connections", "close", "request_timeout", "https", "http2", "tls",
                                  "max_idle", "h2_idle_timeout", "max_streams", "retry"})
                if (n[k])
                    r_.fail(n[k], "client group " + c.name + " runs a script: `" + std::string(k) +
                                      ":` is for browsers");
            if (c.count != 1)
                r_.fail(n["count"], "a scripted client group has one host", "remove `count:` or make it 1");
            c.script = script(sc, false);
        }
        b.schedule.kind = http::LoadSchedule::Kind::Times;
        b.schedule.times = {sim::Time{}};
        if (n["schedule"]) schedule(n["schedule"], b.schedule);
        if (n["schedule"] && n["schedule"]["stagger"]) {
            const YAML::Node st = n["schedule"]["stagger"];
            c.stagger = r_.text(st, "schedule.stagger") == "none" ? sim::Duration{}
                                                                  : r_.duration(st, "schedule.stagger");
        }
        visitors(n, c);
        udp_client(n, c);
        s_.clients.push_back(std::move(c));
    }
}

// A socket program: one call per list item, as `- connect`, `- {send: 69B}`,
// `- {recv: {timeout: 5s}}`, `- {sleep: 3s}`, `- {shutdown: wr}`, `- close`, ...
std::vector<sock::Step> Loader::script(const YAML::Node& list, bool server) {
    if (!list.IsSequence())
        r_.fail(list, "script must be a list of socket calls", "e.g. [connect, {request: 69B}, recv, close]");
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
            r_.fail(item, "a script step is one call: `- recv` or `- {send: 100B}`", "calls: " + join(calls));
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
                    r_.fail(item, "`" + name + "` is for a realserver's script; a client script connects");
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
                        r_.fail(arg, "a request needs `bytes:`", "e.g. {request: {bytes: 69B, reply: 612B}}");
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
            case sock::Op::SetOption:
                need(true);
                script_setsockopt(arg, st);
                break;
            case sock::Op::Count: break;
        }
        steps.push_back(std::move(st));
    }
    if (steps.empty()) r_.fail(list, "the script is empty");
    return steps;
}

// `{setsockopt: {OPTION: value}}`: SO_KEEPALIVE, TCP_NODELAY or TCP_USER_TIMEOUT.
void Loader::script_setsockopt(const YAML::Node& arg, sock::Step& st) {
    if (!arg.IsMap() || arg.size() != 1 || !arg.begin()->first.IsScalar())
        r_.fail(arg, "setsockopt takes one option", "e.g. {setsockopt: {SO_KEEPALIVE: 1}}");
    const std::string opt =
        r_.one_of(arg.begin()->first, "socket option", {"SO_KEEPALIVE", "TCP_NODELAY", "TCP_USER_TIMEOUT"});
    const YAML::Node v = arg.begin()->second;
    if (opt == "TCP_USER_TIMEOUT") {
        st.option = sock::Option::UserTimeout;
        // The kernel's unit is milliseconds; a duration with a unit is taken as written.
        const std::string t = r_.text(v, "TCP_USER_TIMEOUT");
        const bool plain = !t.empty() && t.find_first_not_of("0123456789") == std::string::npos;
        st.duration = plain ? sim::ms(r_.integer(v, "TCP_USER_TIMEOUT", 0, INT32_MAX))
                            : r_.duration(v, "TCP_USER_TIMEOUT");
    } else {
        st.option = opt == "SO_KEEPALIVE" ? sock::Option::KeepAlive : sock::Option::NoDelay;
        st.on = r_.integer(v, opt, 0, 1) != 0;
    }
    st.text += " " + opt + "=" + r_.text(v, opt);
}

// `arrivals:` and `access_log:` replace a fixed count of clients: what they rule out.
void Loader::visitors(const YAML::Node& n, ClientGroupSpec& c) {
    http::BrowserConfig& b = c.browser;
    const char* source = n["arrivals"] ? "arrivals" : n["access_log"] ? "access_log" : nullptr;
    if (n["session"] && !n["arrivals"])
        r_.fail(n["session"], "session: describes the visits of arriving users",
                "add `arrivals:` (e.g. {rate: 2/s})");
    if (source == nullptr) return;
    if (n["arrivals"] && n["access_log"])
        r_.fail(n["access_log"],
                "a group's clients arrive (arrivals:) or come from a log (access_log:), not both");
    for (const char* k : {"count", "script"})
        if (n[k])
            r_.fail(n[k], "`" + std::string(k) + ":` does not go with `" + source + ":`",
                    std::string(source) + " creates the group's client hosts as they come");
    if (const YAML::Node sch = n["schedule"]) {
        const std::vector<std::string> fine =
            n["arrivals"] ? std::vector<std::string>{"think"} : std::vector<std::string>{};
        for (const auto& kv : sch)
            if (std::find(fine.begin(), fine.end(), kv.first.as<std::string>()) == fine.end())
                r_.fail(kv.first,
                        "`schedule." + kv.first.as<std::string>() + "` does not go with `" + source + ":`",
                        n["arrivals"] ? "a visitor thinks between pages (schedule: {think: exp(20s)}); "
                                        "arrivals.start and arrivals.stop say when visitors come"
                                      : "a log's requests leave at their logged times");
    }
    if (n["arrivals"]) {
        arrivals(n["arrivals"], c);
        b.session.enabled = true;
        if (n["session"]) session(n["session"], b.session);
        b.schedule.kind = http::LoadSchedule::Kind::Think;
        if (b.profile.kind == http::ClientKind::Api && !(n["schedule"] && n["schedule"]["think"]))
            b.schedule.think = http::Distribution::fixed(0);  // a program's calls follow each other
        return;
    }
    for (const char* k : {"page", "pages", "requests"})
        if (n[k])
            r_.fail(n[k], "`" + std::string(k) +
                              ":` does not go with access_log: the log gives each request's size");
    access_log(n["access_log"], n, c);
    b.page.document = false;
    b.schedule.kind = http::LoadSchedule::Kind::Replay;
}

void Loader::ports(const YAML::Node& n, ClientGroupSpec& c) {
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

// `browser:` or `client:` names the preset (client_profile.cpp); the keys after it change one
// default each.
void Loader::client_profile(const YAML::Node& n, http::BrowserConfig& b) {
    const std::vector<std::string> names = to_strings(http::client_profile_names());
    if (n["browser"] && n["client"])
        r_.fail(n["client"], "give `browser:` or `client:`, not both",
                "`client:` takes any preset, browsers included");
    std::string name = "ie8";
    if (n["client"]) name = r_.one_of(n["client"], "client preset", names);
    if (n["browser"]) {
        name = r_.one_of(n["browser"], "client preset", names);
        if (http::find_client_profile(name)->kind != http::ClientKind::Browser)
            r_.fail(n["browser"], "'" + name + "' is an API client, not a browser",
                    "write `client: " + name + "`");
    }
    b.profile = *http::find_client_profile(name);
    http::ClientProfile& p = b.profile;
    // What the real client cannot do is an error, not a silent simulation of another client.
    const bool can_h2 = p.http2;
    const bool can_tls13 = p.tls.max_version == http::TlsVersion::Tls13;
    if (n["https"]) b.https = r_.boolean(n["https"], "https");
    if (n["http2"]) {
        p.http2 = r_.boolean(n["http2"], "http2");
        if (p.http2 && !can_h2)
            r_.fail(n["http2"], name + " does not speak HTTP/2 (lvsim presets " + name + ")",
                    "use a client that does: chrome, firefox, safari, curl, go or java");
    }
    if (n["tls"]) {
        if (!n["tls"].IsScalar())
            r_.fail(n["tls"], "a client's tls is its highest version", "write tls: '1.2' or tls: '1.3'");
        p.tls.max_version = r_.one_of(n["tls"], "TLS version", {"1.2", "1.3"}) == "1.2"
                                ? http::TlsVersion::Tls12
                                : http::TlsVersion::Tls13;
        if (p.tls.max_version == http::TlsVersion::Tls13 && !can_tls13)
            r_.fail(n["tls"], name + " does not speak TLS 1.3", "write tls: '1.2'");
    }
    if (n["max_idle"])
        p.max_idle = static_cast<uint32_t>(r_.integer(n["max_idle"], "max_idle (0: no limit)", 0, 256));
    if (n["h2_idle_timeout"]) {
        if (r_.text(n["h2_idle_timeout"], "h2_idle_timeout") == "never") p.h2_idle_timeout = {};
        else p.h2_idle_timeout = r_.duration(n["h2_idle_timeout"], "h2_idle_timeout");
    }
    if (n["max_streams"])
        p.max_streams =
            static_cast<uint32_t>(r_.integer(n["max_streams"], "max_streams (0: the server's)", 0, 1000));
    if (n["retry"]) p.retry_reused = r_.boolean(n["retry"], "retry");
    for (const char* k : {"http2", "tls", "h2_idle_timeout", "max_streams"})
        if (n[k] && !b.https)
            r_.fail(n[k], "`" + std::string(k) + ":` is about HTTPS, and this client group speaks plain HTTP",
                    "add `https: on` (and point it at the service's TLS port)");
}

void Loader::requests(const YAML::Node& n, http::PageSpec& p) {
    r_.check_keys(n, schema::kRequests, "an API client's requests");
    p.document = false;
    p.objects = 1;
    p.object_bytes = http::Distribution::fixed(2'000);
    if (n["parallel"])
        p.objects = static_cast<uint32_t>(r_.integer(n["parallel"], "requests.parallel", 1, 1000));
    if (n["response"]) p.object_bytes = r_.distribution(n["response"], "requests.response", true);
    if (n["request"]) p.request_bytes = r_.message_size(n["request"], "requests.request");
    if (n["method"]) p.idempotent = r_.one_of(n["method"], "request method", {"GET", "POST"}) == "GET";
}

void Loader::page(const YAML::Node& n, http::PageSpec& p) {
    r_.check_keys(n, schema::kPage, "a client page");
    if (n["html"]) p.html_bytes = r_.message_size(n["html"], "page.html");
    if (n["objects"]) p.objects = static_cast<uint32_t>(r_.integer(n["objects"], "page.objects", 0, 1000));
    if (n["object_size"]) p.object_bytes = r_.distribution(n["object_size"], "page.object_size", true);
    if (n["request"]) p.request_bytes = r_.message_size(n["request"], "page.request");
}

void Loader::schedule(const YAML::Node& n, http::LoadSchedule& s) {
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

}  // namespace lvs::scenario::detail
