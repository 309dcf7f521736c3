#include "models/scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "models/ipvs/director.hpp"
#include "models/ipvs/ipvsadm.hpp"
#include "models/ipvs/kernel_profile.hpp"
#include "models/scenario/expr.hpp"
#include "models/tcp/tcp_profile.hpp"

namespace lvs::scenario {

std::string ConfigError::format() const {
    std::string out = file_;
    if (line_ > 0) out += ":" + std::to_string(line_) + ":" + std::to_string(column_);
    out += ": error: " + std::string(what());
    if (!hint_.empty()) out += "\n  hint: " + hint_;
    return out;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best;
    size_t best_d = 3;
    for (const std::string& c : candidates) {
        if (!word.empty() && c.rfind(word, 0) == 0) return c;
        std::vector<size_t> prev(c.size() + 1), cur(c.size() + 1);
        for (size_t j = 0; j <= c.size(); ++j) prev[j] = j;
        for (size_t i = 1; i <= word.size(); ++i) {
            cur[0] = i;
            for (size_t j = 1; j <= c.size(); ++j)
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (std::tolower(word[i - 1]) == std::tolower(c[j - 1]) ? 0 : 1)});
            std::swap(prev, cur);
        }
        if (prev[c.size()] < best_d) {
            best_d = prev[c.size()];
            best = c;
        }
    }
    return best;
}

namespace {

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

template <class T>
std::vector<std::string> to_strings(const std::vector<T>& v) {
    std::vector<std::string> out;
    for (const auto& x : v) out.emplace_back(x);
    return out;
}

// Numbers with units share one shape: a decimal number, optional spaces, a unit.
bool split_number(const std::string& t, double* value, std::string* unit, size_t* unit_col) {
    size_t i = 0;
    while (i < t.size() && t[i] == ' ') ++i;
    const size_t start = i;
    while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.' || t[i] == '_')) ++i;
    if (i == start) return false;
    std::string num = t.substr(start, i - start);
    num.erase(std::remove(num.begin(), num.end(), '_'), num.end());
    try {
        *value = std::stod(num);
    } catch (...) {
        return false;
    }
    while (i < t.size() && t[i] == ' ') ++i;
    *unit_col = i;
    size_t end = t.size();
    while (end > i && t[end - 1] == ' ') --end;
    *unit = t.substr(i, end - i);
    return true;
}

}  // namespace

uint64_t parse_size_text(const std::string& text, size_t* error_column) {
    double v = 0;
    std::string unit;
    size_t col = 0;
    if (!split_number(text, &v, &unit, &col)) {
        if (error_column != nullptr) *error_column = 0;
        throw std::invalid_argument("not a size: \"" + text + "\" (write e.g. 20kB, 10KiB, 400B)");
    }
    static const std::map<std::string, double> units{{"", 1},         {"B", 1},          {"kB", 1e3},    {"KB", 1e3},
                                                     {"KiB", 1024},    {"MB", 1e6},       {"MiB", 1048576}, {"GB", 1e9},
                                                     {"bytes", 1},     {"byte", 1}};
    const auto it = units.find(unit);
    if (it == units.end()) {
        if (error_column != nullptr) *error_column = col;
        throw std::invalid_argument("unknown size unit \"" + unit + "\" (use B, kB, KiB, MB or MiB)");
    }
    return static_cast<uint64_t>(std::llround(v * it->second));
}

uint64_t parse_bandwidth_text(const std::string& text, size_t* error_column) {
    double v = 0;
    std::string unit;
    size_t col = 0;
    if (!split_number(text, &v, &unit, &col)) {
        if (error_column != nullptr) *error_column = 0;
        throw std::invalid_argument("not a bandwidth: \"" + text + "\" (write e.g. 100Mbit or 1Gbit)");
    }
    if (unit.size() > 2 && unit.substr(unit.size() - 2) == "/s") unit.resize(unit.size() - 2);
    else if (unit.size() > 2 && unit.substr(unit.size() - 2) == "ps") unit.resize(unit.size() - 2);
    static const std::map<std::string, double> units{{"", 1},       {"bit", 1},   {"b", 1},   {"kbit", 1e3}, {"kb", 1e3},
                                                     {"Mbit", 1e6}, {"Mb", 1e6},  {"Gbit", 1e9}, {"Gb", 1e9}};
    const auto it = units.find(unit);
    if (it == units.end()) {
        if (error_column != nullptr) *error_column = col;
        throw std::invalid_argument("unknown bandwidth unit \"" + unit + "\" (use kbit, Mbit or Gbit)");
    }
    const double bps = v * it->second;
    if (bps < 1) {
        if (error_column != nullptr) *error_column = 0;
        throw std::invalid_argument("a bandwidth must be positive");
    }
    return static_cast<uint64_t>(std::llround(bps));
}

http::Distribution parse_distribution_text(const std::string& text, bool sizes, size_t* error_column) {
    const auto value = [&](const std::string& t, size_t offset) -> double {
        try {
            if (sizes) return static_cast<double>(parse_size_text(t, error_column));
            return static_cast<double>(sim::parse_duration(t).ns());
        } catch (const sim::TimeParseError& e) {
            if (error_column != nullptr) *error_column = offset + e.column();
            throw std::invalid_argument(e.what());
        } catch (const std::invalid_argument&) {
            if (error_column != nullptr) *error_column += offset;
            throw;
        }
    };
    const size_t open = text.find('(');
    if (open == std::string::npos) return http::Distribution::fixed(value(text, 0));
    std::string fn = text.substr(0, open);
    fn.erase(fn.find_last_not_of(' ') + 1);
    const size_t close = text.rfind(')');
    if (close == std::string::npos || close < open) {
        if (error_column != nullptr) *error_column = text.size();
        throw std::invalid_argument("missing ')'");
    }
    const std::string args = text.substr(open + 1, close - open - 1);
    const size_t comma = args.find(',');
    const std::string a = args.substr(0, comma);
    const std::string b = comma == std::string::npos ? "" : args.substr(comma + 1);
    if (fn == "exp" || fn == "exponential") return http::Distribution::exponential(value(a, open + 1));
    if (fn == "uniform") {
        if (comma == std::string::npos) {
            if (error_column != nullptr) *error_column = close;
            throw std::invalid_argument("uniform needs two bounds: uniform(1ms, 3ms)");
        }
        const double lo = value(a, open + 1), hi = value(b, open + 2 + comma);
        if (hi < lo) {
            if (error_column != nullptr) *error_column = open + 1;
            throw std::invalid_argument("uniform(low, high) needs low <= high");
        }
        return http::Distribution::uniform(lo, hi);
    }
    if (fn == "lognormal") {
        double sigma = 0;
        try {
            sigma = std::stod(b);
        } catch (...) {
            if (error_column != nullptr) *error_column = open + 2 + comma;
            throw std::invalid_argument("lognormal(median, sigma) needs a number for sigma");
        }
        return http::Distribution::lognormal(value(a, open + 1), sigma);
    }
    if (error_column != nullptr) *error_column = 0;
    throw std::invalid_argument("unknown distribution \"" + fn + "\" (use exp(...), uniform(a, b) or lognormal(median, sigma))");
}

std::string format_size(uint64_t bytes) {
    if (bytes != 0 && bytes % 1'000'000 == 0) return std::to_string(bytes / 1'000'000) + "MB";
    if (bytes != 0 && bytes % 1000 == 0) return std::to_string(bytes / 1000) + "kB";
    return std::to_string(bytes) + "B";
}

std::string format_bandwidth(uint64_t bps) {
    if (bps % 1'000'000'000 == 0) return std::to_string(bps / 1'000'000'000) + "Gbit";
    if (bps % 1'000'000 == 0) return std::to_string(bps / 1'000'000) + "Mbit";
    if (bps % 1000 == 0) return std::to_string(bps / 1000) + "kbit";
    return std::to_string(bps) + "bit";
}

std::string format_distribution(const http::Distribution& d, bool sizes) {
    const auto v = [&](double x) {
        return sizes ? format_size(static_cast<uint64_t>(std::llround(x))) : sim::format_duration(sim::ns(std::llround(x)));
    };
    switch (d.kind) {
        case http::Distribution::Kind::Fixed: return v(d.a);
        case http::Distribution::Kind::Uniform: return "uniform(" + v(d.a) + ", " + v(d.b) + ")";
        case http::Distribution::Kind::Exponential: return "exp(" + v(d.a) + ")";
        case http::Distribution::Kind::LogNormal: {
            std::ostringstream o;
            o << d.b;
            return "lognormal(" + v(d.a) + ", " + o.str() + ")";
        }
    }
    return "?";
}

namespace {

// ---- the schema: which keys each kind of map allows ----------------------------------------------

const std::vector<std::string> kRootKeys{"name", "lesson", "seed", "duration", "kernel", "sample_every", "capacity_check",
                                         "network", "director", "realservers", "clients", "timeline", "expect"};
const std::vector<std::string> kNetworkKeys{"rtt", "bandwidth", "lan_delay", "lan_bandwidth", "loss"};
const std::vector<std::string> kDirectorKeys{"address", "rules", "sysctl", "health_checks"};
const std::vector<std::string> kHealthKeys{"name", "service", "interval", "timeout", "failures", "successes", "quiescent", "fallback"};
const std::vector<std::string> kServerKeys{"name",    "address", "tcp",     "server",  "keepalive", "keepalive_timeout",
                                           "max_requests", "workers", "model", "backlog", "service_time"};
const std::vector<std::string> kClientKeys{"name",  "count", "tcp",  "browser", "keepalive_timeout", "max_connections",
                                           "close", "request_timeout", "page", "schedule", "ports", "target"};
const std::vector<std::string> kPageKeys{"html", "objects", "object_size", "request"};
const std::vector<std::string> kScheduleKeys{"reload_every", "think", "times", "start", "stop"};
const std::vector<std::string> kTimelineKeys{"at", "ipvsadm", "sysctl", "server", "client", "action", "value", "snapshot"};
const std::vector<std::string> kExpectKeys{"at", "that"};

class Reader {
public:
    explicit Reader(std::string origin) : origin_(std::move(origin)) {}

    [[noreturn]] void fail(const YAML::Node& n, const std::string& msg, const std::string& hint = {}, size_t col_offset = 0) const {
        const YAML::Mark m = n.Mark();
        const int line = m.line >= 0 ? m.line + 1 : 0;
        const int col = m.column >= 0 ? m.column + 1 + static_cast<int>(col_offset) : 0;
        // A quoted scalar's text starts one column after its mark.
        throw ConfigError(origin_, line, col, msg, hint);
    }
    void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& where) const {
        if (!map.IsMap()) fail(map, where + " must be a mapping (key: value lines)");
        for (const auto& kv : map) {
            const std::string key = kv.first.as<std::string>();
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            const std::string near = did_you_mean(key, allowed);
            fail(kv.first, "unknown key '" + key + "' in " + where,
                 near.empty() ? "allowed keys: " + join(allowed) : "did you mean '" + near + "'?");
        }
    }
    std::string text(const YAML::Node& n, const std::string& what) const {
        if (!n.IsScalar()) fail(n, what + " must be a single value");
        return n.as<std::string>();
    }
    int64_t integer(const YAML::Node& n, const std::string& what, int64_t lo, int64_t hi) const {
        const std::string t = text(n, what);
        int64_t v = 0;
        size_t end = 0;
        try {
            v = std::stoll(t, &end);
        } catch (...) {
            end = 0;
        }
        if (end != t.size() || t.empty()) fail(n, what + " must be a whole number, got \"" + t + "\"");
        if (v < lo || v > hi)
            fail(n, what + " = " + t + " is out of range", "allowed: " + std::to_string(lo) + " to " + std::to_string(hi));
        return v;
    }
    double real(const YAML::Node& n, const std::string& what, double lo, double hi) const {
        const std::string t = text(n, what);
        double v = 0;
        size_t end = 0;
        try {
            v = std::stod(t, &end);
        } catch (...) {
            end = 0;
        }
        if (end != t.size() || t.empty()) fail(n, what + " must be a number, got \"" + t + "\"");
        if (v < lo || v > hi) {
            std::ostringstream o;
            o << "allowed: " << lo << " to " << hi;
            fail(n, what + " = " + t + " is out of range", o.str());
        }
        return v;
    }
    bool boolean(const YAML::Node& n, const std::string& what) const {
        const std::string t = text(n, what);
        if (t == "true" || t == "yes" || t == "on") return true;
        if (t == "false" || t == "no" || t == "off") return false;
        fail(n, what + " must be true or false, got \"" + t + "\"");
    }
    sim::Duration duration(const YAML::Node& n, const std::string& what) const {
        const std::string t = text(n, what);
        try {
            return sim::parse_duration(t);
        } catch (const sim::TimeParseError& e) {
            fail(n, what + ": " + e.what(), e.hint(), e.column());
        }
    }
    net::Ipv4 address(const YAML::Node& n, const std::string& what) const {
        const std::string t = text(n, what);
        const auto a = net::Ipv4::parse(t);
        if (!a) fail(n, what + " must be an IPv4 address like 192.168.10.11, got \"" + t + "\"");
        return *a;
    }
    uint64_t size(const YAML::Node& n, const std::string& what) const {
        const std::string t = text(n, what);
        size_t col = 0;
        try {
            return parse_size_text(t, &col);
        } catch (const std::invalid_argument& e) {
            fail(n, what + ": " + e.what(), "sizes: 400B, 20kB, 10KiB, 1MB", col);
        }
    }
    uint64_t bandwidth(const YAML::Node& n, const std::string& what) const {
        const std::string t = text(n, what);
        size_t col = 0;
        try {
            return parse_bandwidth_text(t, &col);
        } catch (const std::invalid_argument& e) {
            fail(n, what + ": " + e.what(), "bandwidths: 100Mbit, 1Gbit", col);
        }
    }
    http::Distribution distribution(const YAML::Node& n, const std::string& what, bool sizes) const {
        const std::string t = text(n, what);
        size_t col = 0;
        try {
            return parse_distribution_text(t, sizes, &col);
        } catch (const std::invalid_argument& e) {
            fail(n, what + ": " + e.what(), sizes ? "e.g. 10kB, exp(10kB), uniform(5kB, 15kB)" : "e.g. 2ms, exp(2ms), uniform(1ms, 3ms)", col);
        }
    }
    std::string name(const YAML::Node& n, const std::string& what) const {
        const std::string t = text(n, what);
        bool ok = !t.empty() && std::isalpha(static_cast<unsigned char>(t[0]));
        for (char c : t) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
        if (!ok) fail(n, what + " \"" + t + "\" is not a valid name", "use letters, digits and _ (starting with a letter), e.g. rs1");
        return t;
    }
    std::string one_of(const YAML::Node& n, const std::string& what, const std::vector<std::string>& allowed) const {
        const std::string t = text(n, what);
        if (std::find(allowed.begin(), allowed.end(), t) != allowed.end()) return t;
        const std::string near = did_you_mean(t, allowed);
        fail(n, "unknown " + what + " '" + t + "'", (near.empty() ? "" : "did you mean '" + near + "'? ") + "known: " + join(allowed));
    }
    const std::string& origin() const { return origin_; }

private:
    std::string origin_;
};

Mark mark_of(const YAML::Node& n) { return {n.Mark().line + 1, n.Mark().column + 1}; }

void parse_page(const Reader& r, const YAML::Node& n, http::PageSpec& p) {
    r.check_keys(n, kPageKeys, "a client page");
    if (n["html"]) p.html_bytes = static_cast<uint32_t>(r.size(n["html"], "page.html"));
    if (n["objects"]) p.objects = static_cast<uint32_t>(r.integer(n["objects"], "page.objects", 0, 1000));
    if (n["object_size"]) p.object_bytes = r.distribution(n["object_size"], "page.object_size", true);
    if (n["request"]) p.request_bytes = static_cast<uint32_t>(r.size(n["request"], "page.request"));
}

void parse_schedule(const Reader& r, const YAML::Node& n, http::LoadSchedule& s) {
    r.check_keys(n, kScheduleKeys, "a client schedule");
    int kinds = 0;
    if (n["reload_every"]) {
        s.kind = http::LoadSchedule::Kind::Interval;
        s.interval = r.duration(n["reload_every"], "schedule.reload_every");
        if (s.interval <= sim::Duration{}) r.fail(n["reload_every"], "schedule.reload_every must be positive");
        ++kinds;
    }
    if (n["think"]) {
        s.kind = http::LoadSchedule::Kind::Think;
        s.think = r.distribution(n["think"], "schedule.think", false);
        ++kinds;
    }
    if (n["times"]) {
        s.kind = http::LoadSchedule::Kind::Times;
        const YAML::Node t = n["times"];
        if (!t.IsSequence()) r.fail(t, "schedule.times must be a list of times, e.g. [1s, 5s]");
        s.times.clear();
        for (const auto& x : t) s.times.push_back(sim::at(r.duration(x, "schedule.times")));
        ++kinds;
    }
    if (kinds > 1) r.fail(n, "a schedule has one of reload_every, think or times", "remove all but one of them");
    if (n["start"]) s.start = sim::at(r.duration(n["start"], "schedule.start"));
    if (n["stop"]) {
        if (r.text(n["stop"], "schedule.stop") == "never") s.stop = sim::Time::max();
        else s.stop = sim::at(r.duration(n["stop"], "schedule.stop"));
    }
}

// --set KEY=VALUE on the file's tree, before checking it.
void apply_set(YAML::Node root, const std::string& assignment) {
    const auto fail = [&](size_t col, const std::string& msg, const std::string& hint = {}) {
        throw ConfigError("command line", 1, static_cast<int>(col) + 1, "--set " + assignment + ": " + msg, hint);
    };
    const size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) fail(0, "expected KEY=VALUE", "e.g. --set clients.ie8.keepalive_timeout=30s");
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
    const std::vector<std::string>* allowed = &kRootKeys;
    std::string context = "the scenario";
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string& p = parts[i];
        const bool last = i + 1 == parts.size();
        if (allowed != nullptr && std::find(allowed->begin(), allowed->end(), p) == allowed->end()) {
            const std::string near = did_you_mean(p, *allowed);
            fail(cols[i], "unknown key '" + p + "' in " + context, near.empty() ? "allowed: " + join(*allowed) : "did you mean '" + near + "'?");
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
        if (p == "realservers" || p == "clients") {
            YAML::Node list = node[p];
            if (!list || !list.IsSequence()) fail(cols[i], "the scenario has no " + p);
            if (i + 2 >= parts.size()) fail(cols[i], "name a " + std::string(p == "clients" ? "client group" : "realserver") + " and a key, e.g. " + p + ".NAME.KEY");
            const std::string& name = parts[i + 1];
            std::vector<std::string> names;
            YAML::Node found;
            bool have = false;
            for (auto item : list) {
                if (!item["name"]) continue;
                names.push_back(item["name"].as<std::string>());
                if (names.back() == name) {
                    found.reset(item);
                    have = true;
                }
            }
            if (!have) {
                const std::string near = did_you_mean(name, names);
                fail(cols[i + 1], "no " + std::string(p == "clients" ? "client group" : "realserver") + " named '" + name + "'",
                     (near.empty() ? "" : "did you mean '" + near + "'? ") + "known: " + join(names));
            }
            node.reset(found);
            allowed = p == "clients" ? &kClientKeys : &kServerKeys;
            context = p + "." + name;
            ++i;
            continue;
        }
        YAML::Node child = node[p];
        if (!child) {
            node[p] = YAML::Node(YAML::NodeType::Map);
            child = node[p];
        }
        node.reset(child);
        context = key.substr(0, cols[i] + p.size());
        if (p == "network") allowed = &kNetworkKeys;
        else if (p == "director") allowed = &kDirectorKeys;
        else if (p == "page") allowed = &kPageKeys;
        else if (p == "schedule") allowed = &kScheduleKeys;
        else allowed = nullptr;  // director.sysctl.NAME: checked when the scenario is read
    }
}

Scenario parse(const YAML::Node& root, const std::string& origin) {
    Reader r(origin);
    Scenario s;
    s.file = origin;
    if (!root || root.IsNull()) throw ConfigError(origin, 1, 1, "the scenario file is empty", "start with `name:` and `duration:`");
    r.check_keys(root, kRootKeys, "the scenario");
    if (!root["name"]) throw ConfigError(origin, 1, 1, "the scenario has no name", "add a line `name: my-case`");
    s.name = r.text(root["name"], "name");
    if (root["lesson"]) s.lesson = r.text(root["lesson"], "lesson");
    if (root["seed"]) s.seed = static_cast<uint64_t>(r.integer(root["seed"], "seed", 0, INT64_MAX));
    if (root["duration"]) s.duration = r.duration(root["duration"], "duration");
    if (s.duration <= sim::Duration{}) r.fail(root["duration"], "duration must be positive");
    if (root["sample_every"]) s.sample_every = r.duration(root["sample_every"], "sample_every");
    if (s.sample_every < sim::ms(1)) r.fail(root["sample_every"], "sample_every must be at least 1ms");
    if (root["capacity_check"]) s.capacity_check = r.boolean(root["capacity_check"], "capacity_check");
    if (root["kernel"]) s.kernel = r.one_of(root["kernel"], "kernel profile", to_strings(ipvs::kernel_profile_names()));
    const std::vector<std::string> tcp_names = to_strings(tcp::tcp_profile_names());

    if (const YAML::Node n = root["network"]) {
        r.check_keys(n, kNetworkKeys, "network");
        if (n["rtt"]) s.network.rtt = r.duration(n["rtt"], "network.rtt");
        if (n["bandwidth"]) s.network.bandwidth_bps = r.bandwidth(n["bandwidth"], "network.bandwidth");
        if (n["lan_delay"]) s.network.lan_delay = r.duration(n["lan_delay"], "network.lan_delay");
        if (n["lan_bandwidth"]) s.network.lan_bandwidth_bps = r.bandwidth(n["lan_bandwidth"], "network.lan_bandwidth");
        if (n["loss"]) s.network.loss = r.real(n["loss"], "network.loss", 0.0, 0.5);
    }

    // Realservers first: the director's rules and the timeline refer to them.
    std::set<std::string> names;
    std::set<uint32_t> addresses;
    if (const YAML::Node list = root["realservers"]) {
        if (!list.IsSequence()) r.fail(list, "realservers must be a list (lines starting with '- name:')");
        for (const auto& n : list) {
            r.check_keys(n, kServerKeys, "a realserver");
            RealServerSpec rs;
            rs.mark = mark_of(n);
            if (!n["name"]) r.fail(n, "a realserver needs a name", "add `name: rs1`");
            rs.name = r.name(n["name"], "realserver name");
            if (!names.insert(rs.name).second) r.fail(n["name"], "the name '" + rs.name + "' is used twice");
            if (!n["address"]) r.fail(n, "realserver " + rs.name + " needs an address", "add `address: 192.168.10.11`");
            rs.address = r.address(n["address"], "address");
            if (!addresses.insert(rs.address.value()).second) r.fail(n["address"], "the address " + rs.address.str() + " is used twice");
            if (n["tcp"]) rs.tcp = r.one_of(n["tcp"], "TCP profile", tcp_names);
            const std::string preset = n["server"] ? r.one_of(n["server"], "server preset", to_strings(http::server_preset_names())) : "iis";
            rs.server = *http::find_server_preset(preset);
            if (n["keepalive"]) rs.server.keepalive = r.boolean(n["keepalive"], "keepalive");
            if (n["keepalive_timeout"]) rs.server.keepalive_timeout = r.duration(n["keepalive_timeout"], "keepalive_timeout");
            if (n["max_requests"]) rs.server.max_requests = static_cast<uint32_t>(r.integer(n["max_requests"], "max_requests", 0, 1'000'000));
            if (n["workers"]) rs.server.workers = static_cast<uint32_t>(r.integer(n["workers"], "workers", 1, 1'000'000));
            if (n["model"]) rs.server.model = r.one_of(n["model"], "worker model", {"prefork", "event"}) == "prefork" ? http::WorkerModel::Prefork : http::WorkerModel::Event;
            if (n["backlog"]) rs.server.backlog = static_cast<uint32_t>(r.integer(n["backlog"], "backlog", 1, 65535));
            if (n["service_time"]) rs.server.service = r.distribution(n["service_time"], "service_time", false);
            s.realservers.push_back(std::move(rs));
        }
    }
    std::vector<std::string> rs_names;
    for (const auto& rs : s.realservers) rs_names.push_back(rs.name);

    if (const YAML::Node d = root["director"]) {
        r.check_keys(d, kDirectorKeys, "director");
        if (d["address"]) s.director_address = r.address(d["address"], "director.address");
        if (const YAML::Node rules = d["rules"]) {
            std::vector<std::pair<std::string, Mark>> lines;
            if (rules.IsSequence()) {
                for (const auto& l : rules) lines.push_back({r.text(l, "a rule"), mark_of(l)});
            } else {
                // A block of ipvsadm-save lines: one command per line.
                const std::string block = r.text(rules, "director.rules");
                std::istringstream in(block);
                std::string line;
                int k = 0;
                const Mark base = mark_of(rules);
                while (std::getline(in, line)) {
                    ++k;
                    if (line.find_first_not_of(' ') == std::string::npos || line[line.find_first_not_of(' ')] == '#') continue;
                    // A literal block's lines start on the line after its `|`.
                    const bool block_scalar = block.find('\n') != std::string::npos;
                    lines.push_back({line, {base.line + (block_scalar ? k : 0), block_scalar ? base.column + 2 : base.column}});
                }
            }
            for (const auto& [line, m] : lines) {
                ipvs::IpvsadmError err;
                const auto cmd = ipvs::parse_ipvsadm(line, &err);
                if (!cmd)
                    throw ConfigError(origin, m.line, m.column + static_cast<int>(err.column), "ipvsadm: " + err.message,
                                      "write the line as ipvsadm-save does, e.g. -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1");
                s.rules.push_back(line);
                s.rule_marks.push_back(m);
            }
        }
        if (const YAML::Node hcs = d["health_checks"]) {
            if (!hcs.IsSequence()) r.fail(hcs, "director.health_checks must be a list (lines starting with '- name:')");
            for (const auto& n : hcs) {
                r.check_keys(n, kHealthKeys, "a health check");
                HealthCheckSpec h;
                h.mark = mark_of(n);
                if (!n["name"]) r.fail(n, "a health check needs a name", "add `name: ldirectord`");
                h.name = r.name(n["name"], "health check name");
                if (!names.insert(h.name).second) r.fail(n["name"], "the name '" + h.name + "' is used twice");
                if (!n["service"]) r.fail(n, "health check " + h.name + " needs `service:` (VIP:port)");
                h.service = r.text(n["service"], "service");
                if (!net::Endpoint::parse(h.service)) r.fail(n["service"], "service must be VIP:port, e.g. 10.0.0.100:80");
                if (n["interval"]) h.interval = r.duration(n["interval"], "interval");
                if (h.interval <= sim::Duration{}) r.fail(n["interval"], "interval must be positive");
                if (n["timeout"]) h.timeout = r.duration(n["timeout"], "timeout");
                if (n["failures"]) h.failures = static_cast<uint32_t>(r.integer(n["failures"], "failures", 1, 100));
                if (n["successes"]) h.successes = static_cast<uint32_t>(r.integer(n["successes"], "successes", 1, 100));
                // ldirectord's manual and code disagree on quiescent's default (spec section 7):
                // a scenario must say which it means.
                if (!n["quiescent"])
                    r.fail(n, "health check " + h.name + " needs `quiescent: yes` (weight 0 on failure) or `quiescent: no` (remove)",
                           "ldirectord's manual says the default is yes, its code says no: state it");
                h.quiescent = r.boolean(n["quiescent"], "quiescent");
                if (n["fallback"]) {
                    h.fallback = r.text(n["fallback"], "fallback");
                    if (!net::Endpoint::parse(*h.fallback)) r.fail(n["fallback"], "fallback must be address:port, e.g. 127.0.0.1:80");
                }
                s.health_checks.push_back(std::move(h));
            }
        }
        if (const YAML::Node sc = d["sysctl"]) {
            if (!sc.IsMap()) r.fail(sc, "director.sysctl must map names to values, e.g. expire_nodest_conn: 1");
            const std::vector<std::string> known = to_strings(ipvs::Director::sysctl_names());
            for (const auto& kv : sc) {
                std::string name = kv.first.as<std::string>();
                if (name.rfind("net.ipv4.vs.", 0) == 0) name = name.substr(12);
                if (std::find(known.begin(), known.end(), name) == known.end()) {
                    const std::string near = did_you_mean(name, known);
                    r.fail(kv.first, "unknown sysctl net.ipv4.vs." + name, near.empty() ? "known: " + join(known) : "did you mean '" + near + "'?");
                }
                s.sysctls.push_back({name, static_cast<int>(r.integer(kv.second, "net.ipv4.vs." + name, 0, 3))});
            }
        }
    }

    if (const YAML::Node list = root["clients"]) {
        if (!list.IsSequence()) r.fail(list, "clients must be a list (lines starting with '- name:')");
        for (const auto& n : list) {
            r.check_keys(n, kClientKeys, "a client group");
            ClientGroupSpec c;
            c.mark = mark_of(n);
            if (!n["name"]) r.fail(n, "a client group needs a name", "add `name: users`");
            c.name = r.name(n["name"], "client group name");
            if (!names.insert(c.name).second) r.fail(n["name"], "the name '" + c.name + "' is used twice");
            if (c.name == "clients" || c.name == "director" || c.name == "drain") r.fail(n["name"], "'" + c.name + "' is reserved", "pick another name");
            if (n["count"]) c.count = static_cast<uint32_t>(r.integer(n["count"], "count", 1, 1'000'000));
            if (n["tcp"]) c.tcp = r.one_of(n["tcp"], "TCP profile", tcp_names);
            if (n["ports"]) {
                const std::string t = r.text(n["ports"], "ports");
                const size_t dash = t.find('-');
                int lo = 0, hi = 0;
                try {
                    lo = std::stoi(t.substr(0, dash));
                    hi = dash == std::string::npos ? -1 : std::stoi(t.substr(dash + 1));
                } catch (...) {
                    hi = -1;
                }
                if (dash == std::string::npos || lo < 1024 || hi > 65535 || hi < lo)
                    r.fail(n["ports"], "ports must be a range LOW-HIGH within 1024-65535", "e.g. ports: 40000-40079 (Linux's ip_local_port_range)");
                c.port_low = static_cast<uint16_t>(lo);
                c.port_high = static_cast<uint16_t>(hi);
            }
            if (n["target"]) {
                const auto ep = net::Endpoint::parse(r.text(n["target"], "target"));
                if (!ep) r.fail(n["target"], "target must be VIP:port, e.g. 10.0.0.101:80");
                c.target = *ep;
            }
            const std::string profile = n["browser"] ? r.one_of(n["browser"], "browser profile", to_strings(http::browser_profile_names())) : "ie8";
            c.browser.profile = *http::find_browser_profile(profile);
            if (n["keepalive_timeout"]) c.browser.profile.keepalive_timeout = r.duration(n["keepalive_timeout"], "keepalive_timeout");
            if (n["max_connections"]) c.browser.profile.max_connections = static_cast<uint32_t>(r.integer(n["max_connections"], "max_connections", 1, 16));
            if (n["close"]) c.browser.profile.close = r.one_of(n["close"], "close method", {"fin", "rst"}) == "fin" ? http::CloseMethod::Fin : http::CloseMethod::Rst;
            if (n["request_timeout"]) {
                if (r.text(n["request_timeout"], "request_timeout") == "off") c.browser.request_timeout.reset();
                else c.browser.request_timeout = r.duration(n["request_timeout"], "request_timeout");
            }
            if (n["page"]) parse_page(r, n["page"], c.browser.page);
            c.browser.schedule.kind = http::LoadSchedule::Kind::Times;
            c.browser.schedule.times = {sim::Time{}};
            if (n["schedule"]) parse_schedule(r, n["schedule"], c.browser.schedule);
            s.clients.push_back(std::move(c));
        }
    }
    std::vector<std::string> client_names;
    for (const auto& c : s.clients) client_names.push_back(c.name);

    const sim::Time end = sim::at(s.duration);
    const auto check_time = [&](const YAML::Node& n, sim::Time t, const std::string& what) {
        if (t > end)
            r.fail(n, what + " at " + sim::format_time(t) + " is after the end of the run (duration " + sim::format_duration(s.duration) + ")",
                   "make `duration:` longer or move the entry earlier");
    };
    if (const YAML::Node list = root["timeline"]) {
        if (!list.IsSequence()) r.fail(list, "timeline must be a list of entries like `- at: 20s`");
        for (const auto& n : list) {
            r.check_keys(n, kTimelineKeys, "a timeline entry");
            TimelineEntry e;
            e.mark = mark_of(n);
            if (!n["at"]) r.fail(n, "a timeline entry needs `at:`", "e.g. `- at: 20s`");
            e.at = sim::at(r.duration(n["at"], "at"));
            check_time(n["at"], e.at, "the timeline entry");
            int actions = 0;
            if (n["ipvsadm"]) {
                ++actions;
                e.kind = TimelineEntry::Kind::Ipvsadm;
                e.text = r.text(n["ipvsadm"], "ipvsadm");
                ipvs::IpvsadmError err;
                if (!ipvs::parse_ipvsadm(e.text, &err)) {
                    const YAML::Node v = n["ipvsadm"];
                    r.fail(v, "ipvsadm: " + err.message, "ipvsadm options as on the command line, e.g. -e -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0", err.column);
                }
            }
            if (n["sysctl"]) {
                ++actions;
                e.kind = TimelineEntry::Kind::Sysctl;
                e.text = r.text(n["sysctl"], "sysctl");
                const size_t eq = e.text.find('=');
                std::string name = eq == std::string::npos ? "" : e.text.substr(0, eq);
                if (name.rfind("net.ipv4.vs.", 0) == 0) name = name.substr(12);
                const std::vector<std::string> known = to_strings(ipvs::Director::sysctl_names());
                if (eq == std::string::npos) r.fail(n["sysctl"], "sysctl needs NAME=VALUE", "e.g. net.ipv4.vs.expire_nodest_conn=1");
                if (std::find(known.begin(), known.end(), name) == known.end()) {
                    const std::string near = did_you_mean(name, known);
                    r.fail(n["sysctl"], "unknown sysctl net.ipv4.vs." + name, near.empty() ? "known: " + join(known) : "did you mean '" + near + "'?");
                }
            }
            if (n["server"]) {
                ++actions;
                e.kind = TimelineEntry::Kind::Server;
                e.target = r.text(n["server"], "server");
                if (std::find(rs_names.begin(), rs_names.end(), e.target) == rs_names.end()) {
                    const std::string near = did_you_mean(e.target, rs_names);
                    r.fail(n["server"], "no realserver named '" + e.target + "'", (near.empty() ? "" : "did you mean '" + near + "'? ") + "known: " + join(rs_names));
                }
                if (!n["action"]) r.fail(n, "a server entry needs `action:`", "stop, graceful-stop, crash, start, keepalive-on, keepalive-off or keepalive-timeout");
                e.text = r.one_of(n["action"], "server action", {"stop", "graceful-stop", "crash", "start", "keepalive-on", "keepalive-off", "keepalive-timeout"});
                if (e.text == "keepalive-timeout") {
                    if (!n["value"]) r.fail(n, "keepalive-timeout needs `value:` (a duration)");
                    e.duration_arg = r.duration(n["value"], "value");
                }
            }
            if (n["client"]) {
                ++actions;
                e.kind = TimelineEntry::Kind::Client;
                e.target = r.text(n["client"], "client");
                if (std::find(client_names.begin(), client_names.end(), e.target) == client_names.end()) {
                    const std::string near = did_you_mean(e.target, client_names);
                    r.fail(n["client"], "no client group named '" + e.target + "'", (near.empty() ? "" : "did you mean '" + near + "'? ") + "known: " + join(client_names));
                }
                if (!n["action"]) r.fail(n, "a client entry needs `action:`", "start-reloading, stop-reloading or keepalive-timeout");
                e.text = r.one_of(n["action"], "client action", {"start-reloading", "stop-reloading", "keepalive-timeout"});
                if (e.text == "keepalive-timeout") {
                    if (!n["value"]) r.fail(n, "keepalive-timeout needs `value:` (a duration)");
                    e.duration_arg = r.duration(n["value"], "value");
                }
            }
            if (n["snapshot"]) {
                ++actions;
                e.kind = TimelineEntry::Kind::Snapshot;
                e.text = r.text(n["snapshot"], "snapshot");
            }
            if (actions != 1) r.fail(n, "a timeline entry does exactly one thing", "one of ipvsadm, sysctl, server, client or snapshot");
            if (n["action"] && e.kind != TimelineEntry::Kind::Server && e.kind != TimelineEntry::Kind::Client)
                r.fail(n["action"], "`action:` belongs to server or client entries");
            s.timeline.push_back(std::move(e));
        }
        std::stable_sort(s.timeline.begin(), s.timeline.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
    }

    if (const YAML::Node list = root["expect"]) {
        if (!list.IsSequence()) r.fail(list, "expect must be a list of `- at: T` / `that: CONDITION` entries");
        for (const auto& n : list) {
            r.check_keys(n, kExpectKeys, "an expectation");
            Expectation x;
            x.mark = mark_of(n);
            if (!n["that"]) r.fail(n, "an expectation needs `that:` (a condition)", "e.g. `that: rs1.active >= 1`");
            x.text = r.text(n["that"], "that");
            if (n["at"] && r.text(n["at"], "at") != "end") {
                x.at = sim::at(r.duration(n["at"], "at"));
                check_time(n["at"], *x.at, "the expectation");
            }
            try {
                const Expr e = Expr::parse(x.text);
                if (!e.is_condition()) r.fail(n["that"], "`that:` must be a condition (==, <, >=, &&, ...)", "e.g. rs1.active >= 1");
                for (const Expr::Ref& ref : e.refs()) {
                    if (ref.at && ((x.at && *ref.at > *x.at) || *ref.at > end))
                        r.fail(n["that"], ref.name + "@" + sim::format_time(*ref.at) + " looks into the future of the check", "", ref.column);
                    // The first part must name something that exists.
                    const std::string head = ref.name.substr(0, ref.name.find('.'));
                    const std::string tail = ref.name.find('.') == std::string::npos ? "" : ref.name.substr(ref.name.find('.') + 1);
                    std::vector<std::string> heads = {"clients", "director", "drain", "time", "servers", "kernel", "health"};
                    heads.insert(heads.end(), rs_names.begin(), rs_names.end());
                    heads.insert(heads.end(), client_names.begin(), client_names.end());
                    if (std::find(heads.begin(), heads.end(), head) == heads.end()) {
                        const std::string near = did_you_mean(head, heads);
                        r.fail(n["that"], "unknown name '" + head + "' in the condition",
                               (near.empty() ? "" : "did you mean '" + near + "'? ") + "realservers, client groups, clients, director, drain, servers or time",
                               ref.column);
                    }
                    if (head == "drain") {
                        const std::string rs = tail.substr(0, tail.find('.'));
                        if (std::find(rs_names.begin(), rs_names.end(), rs) == rs_names.end())
                            r.fail(n["that"], "drain." + rs + ": no realserver named '" + rs + "'", "known: " + join(rs_names), ref.column);
                    }
                }
            } catch (const ExprError& e) {
                r.fail(n["that"], std::string("in the condition: ") + e.what(), "conditions look like rs1.active >= 1 && clients.objects_failed == 0", e.column);
            }
            s.expectations.push_back(std::move(x));
        }
    }
    return s;
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& origin, const std::vector<std::string>& sets) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw ConfigError(origin, e.mark.line + 1, e.mark.column + 1, "YAML: " + e.msg, "check the indentation and the ':' after each key");
    }
    Scenario s = parse(root, origin);  // the file itself must be right first
    if (sets.empty()) return s;
    for (const std::string& a : sets) apply_set(root, a);
    try {
        return parse(root, origin);
    } catch (const ConfigError& e) {
        // Only a --set value can be wrong now.
        throw ConfigError("command line", 0, 0, std::string("after --set: ") + e.what(), e.hint());
    }
}

Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets) {
    std::ifstream in(path);
    if (!in) throw ConfigError(path, 0, 0, "cannot open the scenario file", "check the path (lessons live in scenarios/)");
    std::stringstream buf;
    buf << in.rdbuf();
    return load_scenario_text(buf.str(), path, sets);
}

std::vector<std::pair<std::string, std::string>> list_keys(const Scenario& s) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto add = [&](std::string k, std::string v) { out.emplace_back(std::move(k), std::move(v)); };
    add("name", s.name);
    add("seed", std::to_string(s.seed));
    add("duration", sim::format_duration(s.duration));
    add("kernel", s.kernel);
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
    for (const auto& name : ipvs::Director::sysctl_names()) {
        int v = name == "conn_reuse_mode" ? 1 : 0;
        for (const auto& [n, value] : s.sysctls)
            if (n == name) v = value;
        add("director.sysctl." + std::string(name), std::to_string(v));
    }
    for (const auto& rs : s.realservers) {
        const std::string p = "realservers." + rs.name + ".";
        add(p + "address", rs.address.str());
        add(p + "tcp", rs.tcp);
        add(p + "server", rs.server.preset);
        add(p + "keepalive", rs.server.keepalive ? "true" : "false");
        add(p + "keepalive_timeout", sim::format_duration(rs.server.keepalive_timeout));
        add(p + "max_requests", std::to_string(rs.server.max_requests));
        add(p + "workers", std::to_string(rs.server.workers));
        add(p + "model", rs.server.model == http::WorkerModel::Prefork ? "prefork" : "event");
        add(p + "backlog", std::to_string(rs.server.backlog));
        add(p + "service_time", format_distribution(rs.server.service, false));
    }
    for (const auto& c : s.clients) {
        const std::string p = "clients." + c.name + ".";
        add(p + "count", std::to_string(c.count));
        add(p + "tcp", c.tcp);
        if (c.port_low != 0) add(p + "ports", std::to_string(c.port_low) + "-" + std::to_string(c.port_high));
        add(p + "browser", c.browser.profile.name);
        add(p + "keepalive_timeout", sim::format_duration(c.browser.profile.keepalive_timeout));
        add(p + "max_connections", std::to_string(c.browser.profile.max_connections));
        add(p + "close", c.browser.profile.close == http::CloseMethod::Fin ? "fin" : "rst");
        add(p + "request_timeout", c.browser.request_timeout ? sim::format_duration(*c.browser.request_timeout) : "off");
        add(p + "page.html", format_size(c.browser.page.html_bytes));
        add(p + "page.objects", std::to_string(c.browser.page.objects));
        add(p + "page.object_size", format_distribution(c.browser.page.object_bytes, true));
        add(p + "page.request", format_size(c.browser.page.request_bytes));
        const auto& sch = c.browser.schedule;
        switch (sch.kind) {
            case http::LoadSchedule::Kind::Interval: add(p + "schedule.reload_every", sim::format_duration(sch.interval)); break;
            case http::LoadSchedule::Kind::Think: add(p + "schedule.think", format_distribution(sch.think, false)); break;
            case http::LoadSchedule::Kind::Times: {
                std::string t = "[";
                for (size_t i = 0; i < sch.times.size(); ++i) t += (i ? ", " : "") + sim::format_time(sch.times[i]);
                add(p + "schedule.times", t + "]");
                break;
            }
        }
        add(p + "schedule.start", sim::format_time(sch.start));
        add(p + "schedule.stop", sch.stop == sim::Time::max() ? "never" : sim::format_time(sch.stop));
    }
    return out;
}

}  // namespace lvs::scenario
