#include "models/http/presets_table.hpp"

#include <sstream>

#include "models/http/client_profile.hpp"
#include "models/http/web_server.hpp"

namespace lvs::http {

namespace {

std::string duration_or(sim::Duration d, const char* none) {
    return d > sim::Duration{} ? sim::format_duration(d) : none;
}

// A preset's sources are one default per line; a Markdown list item wants them in one line.
std::string one_line(std::string text) {
    for (size_t i = text.find('\n'); i != std::string::npos; i = text.find('\n', i)) text.replace(i, 1, "; ");
    return text;
}

std::string limit(uint32_t n) { return n == 0 ? "no limit" : std::to_string(n); }

std::string ping(const PingPolicy& p) {
    switch (p.mode) {
        case PingPolicy::Mode::None: return "none";
        case PingPolicy::Mode::BeforeUse:
            return "before use after " + sim::format_duration(p.after) + " silent, " +
                   sim::format_duration(p.timeout);
        case PingPolicy::Mode::Idle:
            return "after " + sim::format_duration(p.after) + " silent, " + sim::format_duration(p.timeout);
    }
    return "?";
}

}  // namespace

std::string presets_markdown() {
    std::ostringstream o;
    o << "| client | kind | HTTP/1.1 connections per host | idle timeout | idle kept | HTTP/2 | h2 idle "
         "timeout "
         "| PING | retry on a reused connection | retries after GOAWAY | TLS hello | TLS 1.2 False Start |\n"
      << "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const std::string_view name : client_profile_names()) {
        const ClientProfile& p = *find_client_profile(name);
        o << "| `" << p.name << "` | " << (p.kind == ClientKind::Browser ? "browser" : "API") << " | "
          << limit(p.max_connections) << " | " << duration_or(p.keepalive_timeout, "never") << " | "
          << limit(p.max_idle) << " | "
          << (p.http2 ? (p.h2_more_connections ? "yes, more connections when full" : "yes, one connection")
                      : "no")
          << " | " << (p.http2 ? duration_or(p.h2_idle_timeout, "none") : "-") << " | "
          << (p.http2 ? ping(p.ping) : "-") << " | "
          << (p.retry_reused ? (p.retry_non_idempotent ? "once, any method" : "once, GET") : "no") << " | "
          << (p.http2 ? std::to_string(p.refused_retries) : "-") << " | " << p.tls.client_hello_bytes
          << " B | " << (p.tls.false_start ? "yes" : "no") << " |\n";
    }
    o << "\n| server | workers | keep-alive timeout (h2 idle too) | requests per connection | connection "
         "lifetime "
         "| HTTP/2 streams |\n"
      << "|---|---|---|---|---|---|\n";
    for (const std::string_view name : server_preset_names()) {
        const ServerConfig& s = *find_server_preset(name);
        o << "| `" << s.preset << "` | " << s.workers << " "
          << (s.model == WorkerModel::Prefork ? "prefork" : "event") << " | "
          << sim::format_duration(s.keepalive_timeout) << " | " << limit(s.max_requests) << " | "
          << duration_or(s.keepalive_time, "no limit") << " | " << s.h2_max_streams << " |\n";
    }
    o << "\nSources, preset by preset (`lvsim presets NAME` prints one):\n\n";
    for (const std::string_view name : client_profile_names())
        o << "- `" << name << "`: " << one_line(find_client_profile(name)->source) << "\n";
    for (const std::string_view name : server_preset_names())
        o << "- `" << name << "`: " << one_line(find_server_preset(name)->source) << "\n";
    return o.str();
}

std::string preset_sources(std::string_view name) {
    if (const ClientProfile* p = find_client_profile(name))
        return p->name + " (client preset)\n" + p->source + "\n";
    if (const ServerConfig* s = find_server_preset(name))
        return s->preset + " (server preset)\n" + s->source + "\n";
    return {};
}

}  // namespace lvs::http
