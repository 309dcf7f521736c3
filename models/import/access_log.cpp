// Access logs in the combined and common log formats, read in one pass over string_views: a
// day's log of a million lines allocates its requests, one string per client, and little else.
// Formats: Apache httpd 2.4 mod_log_config (%t, %r, %b; ap_escape_logitem writes `\"`, `\\`,
// `\n` and `\xhh`) and nginx 1.2x ngx_http_log_module (log_format combined; escape=default
// writes `\xHH` for `"`, `\` and bytes outside 0x20-0x7e).
#include "models/import/access_log.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace lvs::import {

namespace {

// Why a line is not replayed, in the words `skipped` reports, and what to do when no line at all
// could be (the ImportError's hint).
enum class Skip : uint8_t {
    NotCombined,
    MoreFields,
    BadTime,
    NoRequest,
    BadRequest,
    BadStatus,
    BadBytes,
    Count
};

struct SkipText {
    const char* why;
    const char* hint;
};

constexpr const char* kExampleLine =
    "192.0.2.7 - - [10/Oct/2000:13:55:36 -0700] \"GET /a.gif HTTP/1.1\" 200 2326 \"-\" \"Mozilla/5.0 ...\"";

constexpr SkipText kSkipText[] = {
    {"not in combined log format",
     "lines as Apache's and nginx's `combined` (or `common`) formats write them: host ident user [time] "
     "\"request\" status bytes \"referer\" \"agent\""},
    {"more than host, ident and user before [time] (Apache's vhost_combined puts %v:%p first)",
     "drop the first field of each line (cut -d' ' -f2-) to read a vhost_combined log"},
    {"time not as [10/Oct/2000:13:55:36 -0700]",
     "the time as %t and $time_local write it: day/English month/year:hour:minute:second and the offset"},
    {"no request line (\"-\", a connection that sent nothing)",
     "a log of connections that sent no request (408, 400) has nothing to replay"},
    {"request line not METHOD TARGET HTTP/x (HTTP/0.9, or bytes that are not HTTP)",
     "the request as %r and $request write it: \"GET /index.html HTTP/1.1\""},
    {"status not a number from 100 to 599", "the status as %>s and $status write it: 200"},
    {"bytes not a number or \"-\"", "the size as %b and $body_bytes_sent write it: 2326, or - for none"},
};
static_assert(std::size(kSkipText) == static_cast<size_t>(Skip::Count), "a text for each reason");

// A line that is not replayed: why, and the byte where it went wrong (0-based).
struct Failure {
    Skip why;
    size_t at = 0;
};

// A replayable line, its text still in the log.
struct Parsed {
    std::string_view host;
    std::string_view agent;  // as logged, escapes and all ("" in the common log format)
    int64_t epoch_s = 0;
    uint32_t bytes = 0;
    uint16_t status = 0;
    bool idempotent = true;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (Howard Hinnant's
// days_from_civil): the log's time is the server's local time with its offset, which mktime()
// would read in this machine's time zone instead; timegm() is no standard C++, and a locale's
// month names need not be the English ones the servers write.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

unsigned days_in_month(int64_t y, unsigned m) {
    constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : kDays[m - 1];
}

// "10/Oct/2000:13:55:36 -0700" (%t and $time_local, without the brackets) -> Unix seconds, UTC.
// Month names are English whatever the server's locale: Apache and nginx both print them from
// their own tables.
std::optional<int64_t> parse_log_time(std::string_view t) {
    if (t.size() != 26 || t[2] != '/' || t[6] != '/' || t[11] != ':' || t[14] != ':' || t[17] != ':' ||
        t[20] != ' ' || (t[21] != '+' && t[21] != '-'))
        return std::nullopt;
    const auto number = [&](size_t at, size_t digits) -> int {
        int v = 0;
        for (size_t i = at; i < at + digits; ++i) {
            if (!is_digit(t[i])) return -1;
            v = v * 10 + (t[i] - '0');
        }
        return v;
    };
    constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    unsigned month = 0;
    for (unsigned m = 0; m < 12; ++m)
        if (t.substr(3, 3) == kMonths[m]) month = m + 1;
    const int day = number(0, 2), year = number(7, 4), hour = number(12, 2), minute = number(15, 2),
              second = number(18, 2), offset_h = number(22, 2), offset_m = number(24, 2);
    // Second 60 is a leap second as a strict clock prints it; it adds up like any other.
    if (month == 0 || year < 0 || day < 1 || static_cast<unsigned>(day) > days_in_month(year, month) ||
        hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 || offset_h < 0 ||
        offset_h > 23 || offset_m < 0 || offset_m > 59)
        return std::nullopt;
    const int64_t local = days_from_civil(year, month, static_cast<unsigned>(day)) * 86400 +
                          int64_t{hour} * 3600 + int64_t{minute} * 60 + second;
    // -0700 is seven hours behind UTC: 13:55 there is 20:55 UTC.
    const int64_t offset = (int64_t{offset_h} * 3600 + int64_t{offset_m} * 60) * (t[21] == '-' ? -1 : 1);
    return local - offset;
}

// The end of a quoted field that opens at `open` (the closing quote's index), npos when the line
// ends first. A backslash escapes the next byte: Apache writes a quote inside as \", nginx as
// \x22, and both write a backslash as two characters, so no quote is ever written bare inside.
size_t closing_quote(std::string_view s, size_t open) {
    for (size_t i = open + 1; i < s.size(); ++i) {
        if (s[i] == '\\') ++i;
        else if (s[i] == '"') return i;
    }
    return std::string_view::npos;
}

// RFC 9110 section 5.6.2's tchar: what a method is made of.
bool is_tchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 9110 section 9.2.2. Method names are case-sensitive (section 9.1).
bool idempotent_method(std::string_view method) {
    constexpr std::string_view kIdempotent[] = {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"};
    return std::find(std::begin(kIdempotent), std::end(kIdempotent), method) != std::end(kIdempotent);
}

// The request line as logged ("GET /index.html HTTP/1.1"): nullopt when it is one, with
// `idempotent` set; otherwise why not.
std::optional<Skip> check_request(std::string_view r, bool& idempotent) {
    if (r.empty() || r == "-") return Skip::NoRequest;
    std::string_view words[3];
    size_t count = 0;
    for (size_t i = 0; i < r.size();) {
        if (r[i] == ' ') {
            ++i;
            continue;
        }
        const size_t end = std::min(r.find(' ', i), r.size());
        if (count == 3) return Skip::BadRequest;
        words[count++] = r.substr(i, end - i);
        i = end;
    }
    if (count != 3 || words[2].substr(0, 5) != "HTTP/" ||
        !std::all_of(words[0].begin(), words[0].end(), is_tchar))
        return Skip::BadRequest;
    idempotent = idempotent_method(words[0]);
    return std::nullopt;
}

// "200" -> 200; nginx's 499 (the client closed first) and 444 (closed without a response) count.
std::optional<uint16_t> parse_status(std::string_view w) {
    if (w.size() != 3 || !std::all_of(w.begin(), w.end(), is_digit)) return std::nullopt;
    const int v = (w[0] - '0') * 100 + (w[1] - '0') * 10 + (w[2] - '0');
    if (v < 100 || v > 599) return std::nullopt;
    return static_cast<uint16_t>(v);
}

// "2326" -> 2326, "-" (Apache's %b for none) -> 0; a download beyond 4 GiB saturates.
std::optional<uint32_t> parse_bytes(std::string_view w) {
    if (w == "-") return 0;
    if (w.empty() || !std::all_of(w.begin(), w.end(), is_digit)) return std::nullopt;
    uint64_t v = 0;
    for (const char c : w) v = std::min<uint64_t>(v * 10 + static_cast<uint64_t>(c - '0'), UINT32_MAX);
    return static_cast<uint32_t>(v);
}

// One line, trailing blanks already cut:
//   host ident user [time] "request" status bytes ["referer" "agent" [anything]]
// The structure is checked before any field's value, so a line cut short (the last line of a log
// still being written) is "not in combined log format" whatever its fields say.
// `shifted`: the line is read again without its first field, to tell a vhost_combined line (which
// then reads) from a line that has brackets somewhere but is no access log line at all.
std::optional<Failure> parse_line(std::string_view s, Parsed& out, bool shifted = false) {
    constexpr size_t npos = std::string_view::npos;
    const size_t host_end = s.find(' ');
    if (host_end == 0 || host_end == npos) return Failure{Skip::NotCombined, 0};
    const size_t open = s.find('[', host_end);
    if (open == npos || s[open - 1] != ' ') return Failure{Skip::NotCombined, host_end + 1};
    size_t words = 0;
    for (size_t i = host_end + 1; i < open; ++i)
        if (s[i] != ' ' && s[i - 1] == ' ') ++words;
    if (words < 2) return Failure{Skip::NotCombined, host_end + 1};
    if (words > 2) {
        Parsed unused;
        if (words == 3 && !shifted && !parse_line(s.substr(host_end + 1), unused, true))
            return Failure{Skip::MoreFields, 0};
        return Failure{Skip::NotCombined, host_end + 1};
    }
    const size_t close = open + 27;  // "[10/Oct/2000:13:55:36 -0700]"
    if (close >= s.size() || s[close] != ']') return Failure{Skip::BadTime, open + 1};
    const size_t request = close + 2;
    if (request >= s.size() || s[close + 1] != ' ' || s[request] != '"')
        return Failure{Skip::NotCombined, std::min(close + 1, s.size())};
    const size_t request_end = closing_quote(s, request);
    if (request_end == npos || request_end + 1 >= s.size() || s[request_end + 1] != ' ')
        return Failure{Skip::NotCombined, request};
    const size_t status_at = request_end + 2;
    const size_t status_end = std::min(s.find(' ', status_at), s.size());
    if (status_end == s.size()) return Failure{Skip::NotCombined, status_at};
    const size_t bytes_at = status_end + 1;
    const size_t bytes_end = std::min(s.find(' ', bytes_at), s.size());
    out.agent = {};
    if (bytes_end < s.size()) {  // combined: "referer" "agent", and whatever a format adds after
        const size_t referer = bytes_end + 1;
        if (referer >= s.size() || s[referer] != '"') return Failure{Skip::NotCombined, referer};
        const size_t referer_end = closing_quote(s, referer);
        if (referer_end == npos || referer_end + 2 >= s.size() || s[referer_end + 1] != ' ' ||
            s[referer_end + 2] != '"')
            return Failure{Skip::NotCombined, referer};
        const size_t agent = referer_end + 2;
        const size_t agent_end = closing_quote(s, agent);
        if (agent_end == npos || (agent_end + 1 < s.size() && s[agent_end + 1] != ' '))
            return Failure{Skip::NotCombined, agent};
        out.agent = s.substr(agent + 1, agent_end - agent - 1);
    }

    const auto epoch = parse_log_time(s.substr(open + 1, 26));
    if (!epoch) return Failure{Skip::BadTime, open + 1};
    if (auto bad = check_request(s.substr(request + 1, request_end - request - 1), out.idempotent))
        return Failure{*bad, request + 1};
    const auto status = parse_status(s.substr(status_at, status_end - status_at));
    if (!status) return Failure{Skip::BadStatus, status_at};
    const auto bytes = parse_bytes(s.substr(bytes_at, bytes_end - bytes_at));
    if (!bytes) return Failure{Skip::BadBytes, bytes_at};
    out.host = s.substr(0, host_end);
    out.epoch_s = *epoch;
    out.status = *status;
    out.bytes = *bytes;
    return std::nullopt;
}

int hex_value(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A quoted field's text as the client sent it: Apache's and nginx's escapes undone.
std::string unescaped(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\' || i + 1 == raw.size()) {
            out += raw[i];
            continue;
        }
        const char e = raw[++i];
        switch (e) {
            case '"':
            case '\\': out += e; break;
            case 'b': out += '\b'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'v': out += '\v'; break;
            case 'x':
                if (i + 2 < raw.size() && hex_value(raw[i + 1]) >= 0 && hex_value(raw[i + 2]) >= 0) {
                    out += static_cast<char>(hex_value(raw[i + 1]) * 16 + hex_value(raw[i + 2]));
                    i += 2;
                    break;
                }
                [[fallthrough]];
            default:  // not an escape either server writes: kept as it stands
                out += '\\';
                out += e;
        }
    }
    return out;
}

bool contains_ignoring_case(std::string_view text, std::string_view word) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return std::search(text.begin(), text.end(), word.begin(), word.end(),
                       [&](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

// A crawler, by its own conventions: a name ending in "bot/" (Googlebot/2.1, bingbot/2.0,
// AhrefsBot/7.0), "spider" or "crawler", or a "+http" link to the page that explains it.
bool is_crawler(std::string_view agent) {
    return contains_ignoring_case(agent, "bot/") || contains_ignoring_case(agent, "spider") ||
           contains_ignoring_case(agent, "crawler") || agent.find("+http") != std::string_view::npos;
}

struct AgentRule {
    std::string_view token;
    const char* preset;
};

// First match wins, so the order is the point: every Chromium agent also says "Safari/", and
// Firefox on iOS says "Safari/" and not "Firefox/".
constexpr AgentRule kAgentRules[] = {
    {"Edg/", "chrome"},             // Edge is Chromium since 2020 (it says "Chrome/" too, but names itself)
    {"OPR/", "chrome"},             // Opera is Chromium since Opera 15
    {"Chrome/", "chrome"},          // Chrome, Chromium, Brave, Vivaldi, Samsung Internet, Android WebView
    {"CriOS/", "chrome"},           // Chrome on iOS: WebKit underneath (Apple's rule), no preset of its own
    {"Firefox/", "firefox"},        // Firefox on every desktop and on Android
    {"FxiOS/", "firefox"},          // Firefox on iOS, which says "Safari/" and not "Firefox/"
    {"MSIE 8", "ie8"},              // Internet Explorer 8 (MSIE 8.0; Trident/4.0), the seed mail's browser
    {"Safari/", "safari"},          // Safari on macOS and iOS: "Safari/" with none of the above
    {"curl/", "curl"},              // curl/8.5.0: health probes and scripts
    {"Go-http-client", "go"},       // Go's net/http default agent (Go-http-client/1.1 and /2.0)
    {"python-requests", "python"},  // requests
    {"python-urllib3", "python"},   // urllib3 alone, requests' transport
    {"Python-urllib", "python"},    // the standard library's urllib.request
    {"aiohttp", "python"},          // Python's asyncio client (Python/3.x aiohttp/3.x)
    {"Java-http-client", "java"},   // java.net.http.HttpClient, Java 11 and later
    {"Java/", "java"},              // HttpURLConnection's default agent (Java/1.8.0_392)
    {"Apache-HttpClient", "java"},  // Apache HttpComponents, the JVM's other common client
    {"okhttp", "java"},             // OkHttp: Android apps and JVM services
};

}  // namespace

std::string preset_for_agent(std::string_view agent) {
    // Crawlers first: Googlebot's and bingbot's agents say "Chrome/" (they render with Chromium)
    // but they crawl, they do not browse; the caller gives them its default.
    if (is_crawler(agent)) return {};
    for (const AgentRule& rule : kAgentRules)
        if (agent.find(rule.token) != std::string_view::npos) return rule.preset;
    return {};
}

AccessLog parse_access_log(std::string_view text, const std::string& file) {
    // A rotated log is often compressed (access.log.2.gz): its bytes would be read as lines
    // that are all skipped, and the error would then blame the format.
    if (text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0x1f &&
        static_cast<unsigned char>(text[1]) == 0x8b)
        throw ImportError({file, 1, 1}, file + " is gzip-compressed",
                          "decompress it first: zcat " + file + " > access.log");

    AccessLog log;
    log.file = file;
    // Per client while reading: the agent of its earliest request so far, still in the text.
    struct Earliest {
        std::string_view agent;
        int64_t epoch_s = 0;
    };
    std::vector<Earliest> earliest;
    std::unordered_map<std::string_view, uint32_t> client_of;
    std::array<uint64_t, 600> statuses{};
    struct SkipCount {
        uint64_t count = 0;
        Source first;
    };
    std::array<SkipCount, static_cast<size_t>(Skip::Count)> skips{};
    int64_t first_s = INT64_MAX, last_s = INT64_MIN;

    int number = 0;
    for (size_t start = 0; start < text.size();) {
        const size_t newline = std::min(text.find('\n', start), text.size());
        std::string_view line = text.substr(start, newline - start);
        start = newline + 1;
        if (number == INT_MAX)
            throw ImportError({file, number, 1}, "more than 2^31 lines", "split the log in days");
        ++number;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        if (line.empty()) continue;
        ++log.lines;

        Parsed p;
        if (const auto failure = parse_line(line, p)) {
            SkipCount& skip = skips[static_cast<size_t>(failure->why)];
            if (skip.count++ == 0)
                skip.first = {file, number, static_cast<int>(std::min<size_t>(failure->at, INT_MAX - 1)) + 1};
            continue;
        }
        const auto [it, fresh] = client_of.try_emplace(p.host, static_cast<uint32_t>(log.clients.size()));
        if (fresh) {
            LoggedClient c;
            c.address = std::string(p.host);
            c.ipv4 = net::Ipv4::parse(p.host);
            log.clients.push_back(std::move(c));
            earliest.push_back({p.agent, p.epoch_s});
        } else if (p.epoch_s < earliest[it->second].epoch_s) {
            earliest[it->second] = {p.agent, p.epoch_s};
        }
        // Unix seconds for now; made relative to the first request once it is known.
        log.clients[it->second].requests.push_back({p.epoch_s, p.bytes, p.status, p.idempotent, number});
        ++log.requests;
        ++statuses[p.status];
        first_s = std::min(first_s, p.epoch_s);
        last_s = std::max(last_s, p.epoch_s);
    }

    if (log.requests == 0) {
        if (log.lines == 0)
            throw ImportError({file, 0, 0}, file + " has no lines",
                              std::string("an access log: ") + kExampleLine);
        size_t first = 0;
        for (size_t why = 0; why < skips.size(); ++why)
            if (skips[why].count > 0 &&
                (skips[first].count == 0 || skips[why].first.line < skips[first].first.line))
                first = why;
        throw ImportError(skips[first].first,
                          "no request in combined or common log format in " + std::to_string(log.lines) +
                              " lines; the first: " + kSkipText[first].why,
                          std::string(kSkipText[first].hint) + "; e.g. " + kExampleLine);
    }
    for (size_t why = 0; why < skips.size(); ++why)
        if (skips[why].count > 0)
            log.skipped.push_back({kSkipText[why].why, skips[why].count, skips[why].first});
    std::sort(log.skipped.begin(), log.skipped.end(),
              [](const SkippedLines& a, const SkippedLines& b) { return a.first.line < b.first.line; });

    log.first_epoch_s = first_s;
    log.span_s = last_s - first_s;
    std::map<std::string, size_t> unmapped;  // agent -> index in unmapped_agents
    for (size_t i = 0; i < log.clients.size(); ++i) {
        LoggedClient& c = log.clients[i];
        for (LoggedRequest& r : c.requests) r.at_ms = (r.at_ms - first_s) * 1000;
        std::stable_sort(c.requests.begin(), c.requests.end(),
                         [](const LoggedRequest& a, const LoggedRequest& b) { return a.at_ms < b.at_ms; });
        c.agent = unescaped(earliest[i].agent);
        c.preset = preset_for_agent(c.agent);
        if (!c.preset.empty()) {
            ++log.clients_per_preset[c.preset];
            continue;
        }
        const auto [at, fresh] = unmapped.try_emplace(c.agent, log.unmapped_agents.size());
        if (fresh) log.unmapped_agents.push_back({c.agent, 0, 0});
        log.unmapped_agents[at->second].requests += c.requests.size();
        ++log.unmapped_agents[at->second].clients;
    }
    std::sort(log.unmapped_agents.begin(), log.unmapped_agents.end(),
              [](const AccessLog::Agent& a, const AccessLog::Agent& b) {
                  if (a.requests != b.requests) return a.requests > b.requests;
                  if (a.clients != b.clients) return a.clients > b.clients;
                  return a.agent < b.agent;
              });
    for (size_t status = 0; status < statuses.size(); ++status)
        if (statuses[status] > 0) log.statuses[static_cast<uint16_t>(status)] = statuses[status];
    return log;
}

AccessLog read_access_log(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::error_code ec;
    if (!in || !std::filesystem::is_regular_file(path, ec))
        throw ImportError({path, 0, 0}, "cannot read " + path, "check the path (a regular file)");
    // A file that says it holds terabytes (/proc/kcore) is not a day's log.
    if (std::filesystem::file_size(path, ec) > (uint64_t{2} << 30))
        throw ImportError({path, 0, 0}, path + " is larger than 2 GiB",
                          "cut it to the hours you want to replay");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ImportError({path, 0, 0}, "cannot read " + path, "check the file");
    return parse_access_log(text.view(), path);
}

}  // namespace lvs::import
