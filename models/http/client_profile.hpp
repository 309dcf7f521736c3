// Client presets: what a browser or an HTTP library does with its connections, each default
// named with its source (client_profile.cpp). One table, read by the scenario loader, the
// key listing and `lvsim presets`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "models/http/tls.hpp"
#include "sim/time.hpp"

namespace lvs::http {

enum class CloseMethod : uint8_t { Fin, Rst };
enum class ClientKind : uint8_t { Browser, Api };

// How an HTTP/2 client notices a dead connection with PING (RFC 9113 section 6.7).
struct PingPolicy {
    enum class Mode : uint8_t {
        None,
        BeforeUse,  // a PING goes with a request on a connection silent for `after` (Chromium)
        Idle,       // a PING after `after` without a read, on every connection (Firefox)
    };
    Mode mode = Mode::None;
    sim::Duration after = sim::s(10);
    sim::Duration timeout = sim::s(10);  // no read within this: the connection is closed
};

struct ClientProfile {
    std::string name = "ie8";
    ClientKind kind = ClientKind::Browser;
    // HTTP/1.1 connections.
    sim::Duration keepalive_timeout = sim::s(60);  // idle connection closed by the client (0: never)
    uint32_t max_connections = 6;                  // per host (0: no limit)
    uint32_t max_idle = 0;                         // idle connections kept per host (0: no limit)
    CloseMethod close = CloseMethod::Fin;
    // HTTP/2 (over TLS, when the server's ALPN chooses it).
    bool http2 = false;
    sim::Duration h2_idle_timeout{};  // an idle session closed by the client (0: never)
    uint32_t max_streams = 0;         // the client's own cap on concurrent streams (0: the server's)
    // When every stream of its session is busy: another connection (Go's http2 Transport with
    // StrictMaxConcurrentStreams false) rather than waiting (browsers).
    bool h2_more_connections = false;
    PingPolicy ping;
    TlsClientConfig tls;
    // A request that failed on a reused connection before any response byte is sent once more
    // (idempotent requests; browsers, Go, Java, curl). Python requests (max_retries 0) does not.
    bool retry_reused = true;
    // ... a non-idempotent one (POST) too: Chromium does (ShouldResendRequest ignores the method),
    // curl does; Go (isReplayable), Java (isIdempotentRequest) do not.
    bool retry_non_idempotent = false;
    // How often a request refused by GOAWAY (above its last stream id) is sent again before it
    // fails (Chromium kMaxRetryAttempts 2 for ERR_HTTP2_SERVER_REFUSED_STREAM).
    uint8_t refused_retries = 2;
    std::string source;  // where each default comes from, one `setting value (source)` per line
};

const ClientProfile* find_client_profile(std::string_view name);
std::vector<std::string_view> client_profile_names();

}  // namespace lvs::http
