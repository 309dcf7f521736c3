// A web server's access log, read to replay a real day's clients: the NCSA combined log format
// as Apache writes it (`LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\""
// combined`) and as nginx does by default (`log_format combined '$remote_addr - $remote_user
// [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"'`), and the
// common log format, the same without the last two quoted fields. Each client is an address with
// its requests in time order and the client preset its user agent maps to.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/import/imported.hpp"
#include "models/net/address.hpp"

namespace lvs::import {

struct LoggedRequest {
    int64_t at_ms = 0;   // since the log's first request, milliseconds (the log has 1 s resolution:
                         // always a multiple of 1000)
    uint32_t bytes = 0;  // %b / $body_bytes_sent ("-" is 0; more than 4 GiB is 4 GiB - 1)
    uint16_t status = 0;
    // RFC 9110 section 9.2.2: GET HEAD OPTIONS TRACE PUT DELETE are; POST PATCH CONNECT are not,
    // nor is a method RFC 9110 does not name (a client retries only what it knows to be safe).
    bool idempotent = true;
    int line = 0;  // where it was logged
};

struct LoggedClient {
    std::string address;                  // %h as written ("192.0.2.7", "2001:db8::1", a host name)
    std::optional<net::Ipv4> ipv4;        // when the address is an IPv4 literal
    std::string agent;                    // the user agent of its earliest request (escapes undone; "" in
                                          // the common log format)
    std::string preset;                   // the client preset it maps to: "chrome", ... ; empty when unmapped
    std::vector<LoggedRequest> requests;  // sorted by time, stable (nginx logs at a request's end,
                                          // so lines are not in order)
};

// Lines of one kind that were not replayed, with the first place it happened.
struct SkippedLines {
    std::string why;  // "not in combined log format", "no request line (\"-\", ...)"
    uint64_t count = 0;
    Source first;
};

struct AccessLog {
    std::string file;
    int64_t first_epoch_s = 0;  // the first request's time, Unix seconds (UTC, from the logged offset)
    int64_t span_s = 0;         // last minus first
    uint64_t lines = 0;         // non-empty lines read
    uint64_t requests = 0;      // replayable requests
    std::vector<LoggedClient> clients;  // in order of first appearance
    std::vector<SkippedLines> skipped;  // why lines were not replayed, in order of first appearance
    // An agent no preset matches: the requests of the clients whose agent it is, which the
    // caller replays with its default preset, and how many such clients.
    struct Agent {
        std::string agent;
        uint64_t requests = 0;
        uint64_t clients = 0;
    };
    std::vector<Agent> unmapped_agents;                  // most requests first
    std::map<uint16_t, uint64_t> statuses;               // of the replayable requests
    std::map<std::string, uint64_t> clients_per_preset;  // mapped clients only: "chrome" -> 12
};

// The preset a User-Agent header maps to, or "" (bots, "-", an agent no rule knows).
std::string preset_for_agent(std::string_view agent);

// Throws ImportError (file, line, column and a hint) when no line at all is a request in the
// combined or common log format, or on an input that must not be guessed at (a gzip-compressed
// file); otherwise skips bad lines and reports them in `skipped`. `file` names the text in errors.
AccessLog parse_access_log(std::string_view text, const std::string& file);
// The same for a file; ImportError if it cannot be read.
AccessLog read_access_log(const std::string& path);

}  // namespace lvs::import
