// Visitors of a client group: `arrivals:` (a rate, a day's profile, or a CSV of times),
// `session:` (pages per visit), `pages:` (a page mix) and `access_log:` (a web server's log
// replayed). Separate from loader_clients.cpp: the traffic a group brings, not what it is.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "models/import/access_log.hpp"
#include "models/scenario/loader_impl.hpp"

namespace lvs::scenario::detail {

namespace {

// One cell of a CSV file, where it is.
struct Cell {
    std::string text;
    int column = 1;
};
struct Row {
    std::vector<Cell> cells;
    int line = 0;
};

// Comma-separated values without quoting (times, names and numbers need none); blank lines and
// lines starting with '#' are skipped.
std::vector<Row> csv_rows(const std::string& text) {
    std::vector<Row> rows;
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        Row r;
        r.line = n;
        size_t start = 0;
        for (;;) {
            const size_t comma = line.find(',', start);
            std::string cell =
                line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            const size_t b = cell.find_first_not_of(" \t");
            const size_t e = cell.find_last_not_of(" \t");
            const int col = static_cast<int>(start + (b == std::string::npos ? 0 : b)) + 1;
            r.cells.push_back({b == std::string::npos ? std::string() : cell.substr(b, e - b + 1), col});
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

// A time of day as a clock shows it: "20:00", "7:30", "20:00:15".
std::optional<sim::Duration> clock_time(const std::string& t) {
    int h = 0, m = 0, sec = 0;
    char extra = 0;
    const int n = std::sscanf(t.c_str(), "%2d:%2d:%2d%c", &h, &m, &sec, &extra);
    const size_t colons = static_cast<size_t>(std::count(t.begin(), t.end(), ':'));
    if (t.find_first_not_of("0123456789:") != std::string::npos || n != static_cast<int>(colons) + 1 ||
        colons < 1 || colons > 2 || h > 48 || m > 59 || sec > 59)
        return std::nullopt;
    return sim::s(h * 3600 + m * 60 + sec);
}

// A time in a CSV: seconds ("12.5"), a duration ("12.5s", "19h") or a clock time ("19:00").
std::optional<sim::Duration> csv_time(const std::string& t) {
    if (const auto c = clock_time(t)) return c;
    double v = 0;
    size_t end = 0;
    try {
        v = std::stod(t, &end);
    } catch (...) {
        end = 0;
    }
    if (end == t.size() && !t.empty()) {
        if (!(v >= 0) || v > 1e9) return std::nullopt;
        return sim::ns(static_cast<int64_t>(std::llround(v * 1e9)));
    }
    try {
        const sim::Duration d = sim::parse_duration(t);
        if (d < sim::Duration{}) return std::nullopt;
        return d;
    } catch (const sim::TimeParseError&) {
        return std::nullopt;
    }
}

}  // namespace

// A time of the profile's day: a duration (19h) or a clock time ("19:00").
sim::Duration Loader::time_of_day(const YAML::Node& n, const std::string& what) {
    if (const auto c = clock_time(r_.text(n, what))) return *c;
    return r_.duration(n, what);
}

// A file named in the scenario, relative to the scenario file's folder: its text.
std::string Loader::read_near(const YAML::Node& n, const std::string& what, std::string* path_out) {
    const std::string file = r_.text(n, what);
    const std::filesystem::path base = std::filesystem::path(r_.origin()).parent_path();
    const std::filesystem::path path =
        std::filesystem::path(file).is_absolute() ? std::filesystem::path(file) : base / file;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        r_.fail(n, "cannot find the file " + path.string(),
                "a relative path starts at the scenario file's folder");
    // A file that says it holds terabytes (/proc/kcore) is not a day's log.
    if (std::filesystem::file_size(path, ec) > (uint64_t{2} << 30))
        r_.fail(n, path.string() + " is larger than 2 GiB", "cut it to the hours you want to replay");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) r_.fail(n, "cannot read " + path.string());
    if (path_out != nullptr) *path_out = path.string();
    return text.str();
}

void Loader::arrivals(const YAML::Node& n, ClientGroupSpec& c) {
    r_.check_keys(n, schema::kArrivals, "arrivals");
    ArrivalsSpec a;
    http::ArrivalProcess& p = a.process;
    const int kinds = (n["rate"] ? 1 : 0) + (n["profile"] ? 1 : 0) + (n["csv"] ? 1 : 0);
    if (kinds != 1)
        r_.fail(n,
                std::string(kinds == 0 ? "arrivals need one of" : "arrivals take only one of") +
                    " rate (Poisson), profile (a rate over the day) or csv (times)",
                "e.g. arrivals: {rate: 2/s}");
    if (n["rate"]) {
        p.kind = http::ArrivalProcess::Kind::Poisson;
        p.rate = r_.rate(n["rate"], "arrivals.rate");
    }
    if (n["profile"]) rate_profile(n["profile"], p);
    if (n["from"]) {
        if (!n["profile"]) r_.fail(n["from"], "arrivals.from is the profile's time at 0 s: give a profile");
        p.profile_from = time_of_day(n["from"], "arrivals.from");
    }
    if (n["csv"]) arrivals_csv(n["csv"], a);
    if (n["scale"]) {
        if (n["csv"]) r_.fail(n["scale"], "a CSV's arrivals are as listed: scale is for rate and profile");
        p.scale = r_.real(n["scale"], "arrivals.scale", 0, 1e6);
    }
    if (n["start"]) p.start = sim::at(r_.duration(n["start"], "arrivals.start"));
    if (n["stop"]) p.stop = sim::at(r_.duration(n["stop"], "arrivals.stop"));
    if (p.stop <= p.start) r_.fail(n["stop"], "arrivals.stop must come after arrivals.start");
    c.arrivals = std::move(a);
}

// `profile: [[0h, 0.2/s], [19h, 4/s], [24h, 0.2/s]]` (or {at:, rate:} items, or a CSV file of
// time,rate lines): linear between points.
void Loader::rate_profile(const YAML::Node& n, http::ArrivalProcess& p) {
    p.kind = http::ArrivalProcess::Kind::Profile;
    const char* hint = "e.g. profile: [[0h, 0.2/s], [19h, 4/s], [24h, 0.2/s]]";
    if (n.IsScalar()) {
        std::string path;
        const std::string text = read_near(n, "arrivals.profile", &path);
        for (const Row& row : csv_rows(text)) {
            if (row.cells.size() != 2)
                throw ConfigError(path, row.line, 1, "a profile line is TIME,RATE", "e.g. 19h,4/s");
            const auto t = csv_time(row.cells[0].text);
            if (!t) {
                if (p.profile.empty()) continue;  // a header
                throw ConfigError(path, row.line, row.cells[0].column, "not a time: " + row.cells[0].text,
                                  "seconds or a duration: 3600 or 1h");
            }
            size_t col = 0;
            double rate = 0;
            try {
                rate = parse_rate_text(row.cells[1].text, &col);
            } catch (const std::invalid_argument& e) {
                throw ConfigError(path, row.line, row.cells[1].column + static_cast<int>(col), e.what(),
                                  "e.g. 4/s");
            }
            if (!p.profile.empty() && *t <= p.profile.back().at)
                throw ConfigError(path, row.line, row.cells[0].column, "profile times must increase", hint);
            p.profile.push_back({*t, rate});
        }
        if (p.profile.empty()) r_.fail(n, "the profile file " + path + " has no TIME,RATE line", hint);
        return;
    }
    if (!n.IsSequence() || n.size() == 0) r_.fail(n, "a profile is a list of [time, rate] points", hint);
    for (const auto& pt : n) {
        YAML::Node at, rate;
        if (pt.IsSequence() && pt.size() == 2) {
            at = pt[0];
            rate = pt[1];
        } else if (pt.IsMap()) {
            r_.check_keys(pt, {"at", "rate"}, "a profile point");
            at = pt["at"];
            rate = pt["rate"];
        }
        if (!at || !rate) r_.fail(pt, "a profile point is [time, rate]", hint);
        const sim::Duration t = time_of_day(at, "profile time");
        if (t < sim::Duration{}) r_.fail(at, "a profile time is not negative");
        if (!p.profile.empty() && t <= p.profile.back().at) r_.fail(at, "profile times must increase", hint);
        p.profile.push_back({t, r_.rate(rate, "profile rate")});
    }
}

// `csv: arrivals.csv`: one visit per line, TIME[,CLIENT[,PAGES]], with an optional header line
// (time,client,pages).
void Loader::arrivals_csv(const YAML::Node& n, ArrivalsSpec& a) {
    std::string path;
    const std::string text = read_near(n, "arrivals.csv", &path);
    a.csv = r_.text(n, "arrivals.csv");
    a.process.kind = http::ArrivalProcess::Kind::Times;
    const std::vector<std::string> presets = to_strings(http::client_profile_names());
    std::vector<std::pair<sim::Time, ArrivalRow>> rows;
    bool first = true;
    for (const Row& row : csv_rows(text)) {
        const bool header = first && !csv_time(row.cells[0].text);
        first = false;
        if (header) {
            if (row.cells[0].text != "time")
                throw ConfigError(path, row.line, row.cells[0].column, "not a time: " + row.cells[0].text,
                                  "lines are TIME[,CLIENT[,PAGES]]; a header line is time,client,pages");
            continue;
        }
        if (row.cells.size() > 3)
            throw ConfigError(path, row.line, row.cells[3].column, "too many fields",
                              "lines are TIME[,CLIENT[,PAGES]]");
        const auto t = csv_time(row.cells[0].text);
        if (!t)
            throw ConfigError(path, row.line, row.cells[0].column, "not a time: " + row.cells[0].text,
                              "seconds or a duration: 12.5 or 12.5s");
        ArrivalRow r;
        if (row.cells.size() > 1 && !row.cells[1].text.empty()) {
            r.client = row.cells[1].text;
            if (std::find(presets.begin(), presets.end(), r.client) == presets.end()) {
                const std::string near = did_you_mean(r.client, presets);
                throw ConfigError(
                    path, row.line, row.cells[1].column, "no client preset named '" + r.client + "'",
                    near.empty() ? "presets: " + join(presets) : "did you mean '" + near + "'?");
            }
        }
        if (row.cells.size() > 2 && !row.cells[2].text.empty()) {
            const std::string& t2 = row.cells[2].text;
            const bool digits = t2.size() <= 6 && t2.find_first_not_of("0123456789") == std::string::npos;
            if (!digits || std::stoul(t2) == 0)
                throw ConfigError(path, row.line, row.cells[2].column, "pages must be a whole number from 1",
                                  "e.g. 5");
            r.pages = static_cast<uint32_t>(std::stoul(t2));
        }
        rows.emplace_back(sim::at(*t), std::move(r));
    }
    if (rows.empty())
        r_.fail(n, "the arrivals file " + path + " lists no arrival", "one TIME per line, e.g. 12.5");
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    for (auto& [t, r] : rows) {
        a.process.times.push_back(t);
        a.rows.push_back(std::move(r));
    }
}

void Loader::session(const YAML::Node& n, http::SessionSpec& s) {
    r_.check_keys(n, schema::kSession, "session");
    if (n["pages"]) {
        const std::string t = r_.text(n["pages"], "session.pages");
        size_t col = 0;
        try {
            s.pages = parse_count_distribution(t, &col);
        } catch (const std::invalid_argument& e) {
            r_.fail(n["pages"], std::string("session.pages: ") + e.what(),
                    "a count or a distribution: 5, geometric(5), \"uniform(2, 8)\"", col);
        }
        if (s.pages.is_fixed() && s.pages.a < 1)
            r_.fail(n["pages"], "session.pages: a visit loads at least one page", "e.g. pages: 1");
    }
}

// `pages:` a page mix: each load picks one by weight.
void Loader::page_mix(const YAML::Node& n, http::BrowserConfig& b) {
    if (!n.IsSequence() || n.size() == 0)
        r_.fail(n, "pages is a list of pages with weights",
                "e.g. pages: [{name: home, weight: 3, objects: 40}, {name: search, weight: 1, objects: 5}]");
    std::set<std::string> names;
    for (const auto& item : n) {
        r_.check_keys(item, schema::kMixPage, "a page of the mix");
        http::PageChoice c;
        c.page = b.page;
        if (!item["name"]) r_.fail(item, "a page of the mix needs a name", "e.g. name: home");
        c.name = r_.text(item["name"], "page name");
        if (!names.insert(c.name).second) r_.fail(item["name"], "two pages are named " + c.name);
        if (item["weight"]) c.weight = r_.real(item["weight"], "page weight", 0, 1e9);
        YAML::Node page_keys(YAML::NodeType::Map);
        for (const auto& kv : item) {
            const std::string k = kv.first.as<std::string>();
            if (k != "name" && k != "weight") page_keys[k] = kv.second;
        }
        page(page_keys, c.page);
        b.mix.push_back(std::move(c));
    }
    double total = 0;
    for (const auto& c : b.mix) total += c.weight;
    if (!(total > 0)) r_.fail(n, "the pages' weights add up to 0", "give one page a positive weight");
}

// `access_log: FILE` (or {file, default, from, duration}): every client address of the log
// becomes a client host of this group, replaying its requests at their logged times. Agents no
// preset matches get `default:`, or the group's own `browser:`/`client:`, or chrome.
void Loader::access_log(const YAML::Node& n, const YAML::Node& group, ClientGroupSpec& c) {
    const YAML::Node file = n.IsMap() ? n["file"] : n;
    if (n.IsMap()) r_.check_keys(n, schema::kAccessLog, "access_log");
    if (!file) r_.fail(n, "access_log needs its file", "e.g. access_log: {file: logs/access.log}");
    std::string path;
    const std::string text = read_near(file, "access_log file", &path);
    import::AccessLog log;
    try {
        log = import::parse_access_log(text, path);
    } catch (const import::ImportError& e) {
        throw ConfigError(e.at().file, e.at().line, e.at().column, e.what(), e.hint());
    }
    LogTally tally;
    tally.fallback = group["browser"] || group["client"] ? c.browser.profile.name : "chrome";
    if (n.IsMap() && n["default"])
        tally.fallback = r_.one_of(n["default"], "client preset", to_strings(http::client_profile_names()));
    sim::Duration from, length = sim::Duration::max();
    if (n.IsMap() && n["from"]) from = r_.duration(n["from"], "access_log.from");
    if (n.IsMap() && n["duration"]) length = r_.duration(n["duration"], "access_log.duration");
    AccessLogSpec spec;
    spec.file = r_.text(file, "access_log file");
    for (const import::LoggedClient& lc : log.clients) {
        LoggedUser u;
        u.address = lc.address;
        u.ipv4 = lc.ipv4;
        u.preset = lc.preset.empty() ? tally.fallback : lc.preset;
        for (const import::LoggedRequest& q : lc.requests) {
            const sim::Duration t = sim::ms(q.at_ms);
            if (t < from || t - from >= length) continue;
            u.requests.push_back({sim::Time{} + (t - from), q.bytes, q.idempotent});
            ++tally.statuses[q.status];
        }
        if (u.requests.empty()) continue;
        tally.requests += u.requests.size();
        if (lc.preset.empty()) {
            auto& [requests, clients] = tally.unmapped[lc.agent.empty() ? "(no User-Agent)" : lc.agent];
            requests += u.requests.size();
            ++clients;
        }
        spec.users.push_back(std::move(u));
    }
    if (spec.users.empty())
        r_.fail(n, "no request of " + path + " falls in the window replayed",
                "the log spans " + sim::format_duration(sim::s(log.span_s)) + " from its first request");
    std::stable_sort(spec.users.begin(), spec.users.end(), [](const LoggedUser& x, const LoggedUser& y) {
        return x.requests.front().at < y.requests.front().at;
    });
    access_log_summary(log, tally, spec);
    c.access_log = std::move(spec);
}

}  // namespace lvs::scenario::detail

namespace lvs::scenario::detail {

// What the report says about a replayed log: what was read, how it was mapped, what could not
// be, and what a log cannot tell.
void Loader::access_log_summary(const import::AccessLog& log, const LogTally& tally, AccessLogSpec& spec) {
    std::vector<std::string>& out = spec.summary;
    const auto plural = [](uint64_t n, const std::string& what) {
        return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
    };
    out.push_back(
        spec.file + ": " + plural(log.lines, "line") + ", " + plural(log.requests, "request") + " from " +
        std::to_string(log.clients.size()) + " client address" + (log.clients.size() == 1 ? "" : "es") +
        " over " + sim::format_duration(sim::s(log.span_s)) +
        "; to replay: " + plural(tally.requests, "request") + " from " + plural(spec.users.size(), "client"));
    std::map<std::string, uint64_t> per_preset;
    for (const LoggedUser& u : spec.users) ++per_preset[u.preset];
    std::string line = "clients by preset (from their User-Agent):";
    for (const auto& [name, count] : per_preset) line += " " + name + " " + std::to_string(count);
    out.push_back(line);
    if (!tally.unmapped.empty()) {
        std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> agents(tally.unmapped.begin(),
                                                                                  tally.unmapped.end());
        std::stable_sort(agents.begin(), agents.end(),
                         [](const auto& x, const auto& y) { return x.second.first > y.second.first; });
        uint64_t clients = 0;
        for (const auto& a : agents) clients += a.second.second;
        line =
            plural(clients, "client") + " whose User-Agent no preset matches, replayed as " + tally.fallback;
        for (size_t k = 0; k < agents.size() && k < 3; ++k)
            line += (k == 0 ? ": \"" : "; \"") + agents[k].first.substr(0, 60) + "\" (" +
                    plural(agents[k].second.first, "request") + ")";
        out.push_back(line);
    }
    for (const auto& sk : log.skipped)
        out.push_back(plural(sk.count, "line") + " not replayed: " + sk.why + " (first at " + sk.first.str() +
                      ")");
    line = "statuses:";
    for (const auto& [status, count] : tally.statuses)
        line += " " + std::to_string(status) + " x" + std::to_string(count);
    out.push_back(line + " (every request is answered 200 with its logged body size)");
    out.push_back(
        "a log does not say which requests shared a connection, nor when within its second a request "
        "left: connection reuse is the preset's, and a second's requests leave together");
}

}  // namespace lvs::scenario::detail
