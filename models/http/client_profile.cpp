// The client presets and where each default comes from. Values read from the clients' own
// source (Chromium net/, Firefox StaticPrefList.yaml, libcurl, Go net/http, the JDK's
// java.net.http, requests/urllib3) or their official documentation; "not confirmed" where a
// closed-source client publishes nothing and lvsim had to choose.
#include "models/http/client_profile.hpp"

namespace lvs::http {

namespace {

using Mode = PingPolicy::Mode;

ClientProfile ie8() {
    ClientProfile p;
    p.name = "ie8";
    p.retry_non_idempotent = true;
    p.keepalive_timeout = sim::s(60);
    p.max_connections = 6;
    p.tls.max_version = TlsVersion::Tls12;
    p.source =
        "keepalive_timeout 60s (MS KB 813827: KeepAliveTimeout)\n"
        "max_connections 6 (IE8 per-host limit on broadband)\n"
        "http2 no, TLS 1.2 at most (IE8 predates both)";
    return p;
}

ClientProfile chrome() {
    ClientProfile p;
    p.name = "chrome";
    p.retry_non_idempotent = true;
    p.keepalive_timeout = sim::s(300);
    p.max_connections = 6;
    p.http2 = true;
    p.h2_idle_timeout = {};
    p.ping = {Mode::BeforeUse, sim::s(10), sim::s(10)};
    p.tls.client_hello_bytes = 1'800;
    p.tls.false_start = true;
    p.source =
        "keepalive_timeout 300s (Chromium net/socket/client_socket_pool.cc g_used_idle_socket_timeout_s)\n"
        "max_connections 6 (net/socket/client_socket_pool_manager.cc g_max_sockets_per_group)\n"
        "http2 yes, one session per origin (net/spdy/spdy_session_pool.cc)\n"
        "h2_idle_timeout none (no idle timer in net/spdy/spdy_session.cc: sessions end on GOAWAY or error)\n"
        "ping before use after 10s without a read, 10s to answer (spdy_session.cc "
        "kDefaultConnectionAtRiskOfLossSeconds, kHungIntervalSeconds; MaybeSendPrefacePing)\n"
        "retry on a reused connection before response headers, any method (http_network_transaction.cc "
        "ShouldResendRequest); ERR_HTTP2_PING_FAILED and REFUSED_STREAM (GOAWAY) retried twice "
        "(kMaxRetryAttempts 2)\n"
        "TLS 1.2 False Start (ssl_client_socket_impl.cc SSL_MODE_ENABLE_FALSE_START)\n"
        "TLS 1.3, 0-RTT off (net/base/features.cc kEnableTLS13EarlyData disabled), client hello ~1.8 kB "
        "with X25519MLKEM768 (kUseMLKEM; size from FIPS 203's 1184-byte key, not measured)";
    return p;
}

ClientProfile firefox() {
    ClientProfile p;
    p.name = "firefox";
    p.retry_non_idempotent = true;
    p.keepalive_timeout = sim::s(115);
    p.max_connections = 6;
    p.http2 = true;
    p.h2_idle_timeout = sim::s(170);
    p.ping = {Mode::Idle, sim::s(58), sim::s(8)};
    p.tls.client_hello_bytes = 1'800;
    p.tls.false_start = true;
    p.source =
        "keepalive_timeout 115s (all.js network.http.keep-alive.timeout, just under IIS's 120 s)\n"
        "max_connections 6 (all.js network.http.max-persistent-connections-per-server)\n"
        "http2 yes; h2_idle_timeout 170s (StaticPrefList.yaml network.http.http2.timeout)\n"
        "ping after 58s without a read, 8s to answer (network.http.http2.ping-threshold, ping-timeout)\n"
        "retry on reset (all.js network.http.request.max-attempts 10; lvsim retries once, as Chromium); "
        "streams refused by GOAWAY retried twice (not confirmed: as Chromium)\n"
        "TLS 1.2 False Start (security.ssl.enable_false_start, not re-checked)\n"
        "TLS 1.3, client hello ~1.8 kB with ML-KEM (security.tls.enable_kyber); 0-RTT is allowed "
        "(security.tls.enable_0rtt_data) but servers refuse it by default, so it is not modelled";
    return p;
}

ClientProfile safari() {
    ClientProfile p;
    p.name = "safari";
    p.retry_non_idempotent = true;
    p.keepalive_timeout = sim::s(60);
    p.max_connections = 6;
    p.http2 = true;
    p.h2_idle_timeout = sim::s(60);
    p.tls.client_hello_bytes = 512;
    p.source =
        "max_connections 6 (Apple URLSessionConfiguration.httpMaximumConnectionsPerHost; HTTP/2 ignores it)\n"
        "keepalive_timeout 60s and h2_idle_timeout 60s: not confirmed (CFNetwork is closed source; "
        "lvsim's choice, set them from a capture)\n"
        "http2 yes; no PING-based checking known (not confirmed)\n"
        "retry on a reused connection before response bytes, and twice after GOAWAY: assumed as in the "
        "other browsers; no False Start (not confirmed)\n"
        "TLS 1.3, client hello 512 bytes (not confirmed)";
    return p;
}

ClientProfile curl() {
    ClientProfile p;
    p.name = "curl";
    p.retry_non_idempotent = true;
    p.kind = ClientKind::Api;
    p.keepalive_timeout = sim::s(118);
    p.max_connections = 0;
    p.max_idle = 5;
    p.http2 = true;
    p.h2_idle_timeout = sim::s(118);
    p.max_streams = 100;
    p.refused_retries = 5;
    p.tls.client_hello_bytes = 512;
    p.source =
        "keepalive_timeout 118s (libcurl CURLOPT_MAXAGE_CONN; lib/url.c conn_max_idle_ms; curl checks "
        "it when it picks a connection, lvsim closes at the deadline)\n"
        "max_connections unlimited (CURLMOPT_MAX_HOST_CONNECTIONS 0); max_idle 5 (lib/urldata.h "
        "DEFAULT_CONNCACHE_SIZE)\n"
        "http2 over TLS by ALPN (CURLOPT_HTTP_VERSION default since 7.62.0); max_streams 100 "
        "(CURLMOPT_MAX_CONCURRENT_STREAMS)\n"
        "retry on a dead reused connection with no data received (lib/transfer.c Curl_retry_request, "
        "'Connection died, retrying a fresh connect'), any method, REFUSED_STREAM too, up to "
        "CONN_MAX_RETRIES 5; "
        "--retry off; no False Start\n"
        "client hello 512 bytes (not confirmed: depends on the TLS library)";
    return p;
}

ClientProfile go() {
    ClientProfile p;
    p.name = "go";
    p.kind = ClientKind::Api;
    p.keepalive_timeout = sim::s(90);
    p.max_connections = 0;
    p.max_idle = 2;
    p.http2 = true;
    p.h2_idle_timeout = sim::s(90);
    p.h2_more_connections = true;
    p.refused_retries = 6;
    p.tls.client_hello_bytes = 1'400;
    p.source =
        "keepalive_timeout 90s (net/http transport.go DefaultTransport IdleConnTimeout)\n"
        "max_idle 2 (DefaultMaxIdleConnsPerHost: a third idle connection is closed, errTooManyIdleHost)\n"
        "max_connections unlimited (MaxConnsPerHost 0)\n"
        "http2 yes (ForceAttemptHTTP2); h2 idle 90s (x/net/http2 idleConnTimeout from t1); more "
        "connections when a session's streams are full (StrictMaxConcurrentStreams false)\n"
        "no PING (ReadIdleTimeout 0)\n"
        "retry an idempotent request on a reused connection (persistConn.shouldRetryRequest, "
        "isReplayable); GOAWAY's unprocessed streams retried up to 6 times (canRetryError; its backoff "
        "from the second retry is not modelled); no False Start (crypto/tls)\n"
        "client hello ~1.4 kB with X25519MLKEM768 (crypto/tls default since Go 1.24; not measured)";
    return p;
}

ClientProfile java() {
    ClientProfile p;
    p.name = "java";
    p.kind = ClientKind::Api;
    p.keepalive_timeout = sim::s(30);
    p.max_connections = 0;
    p.http2 = true;
    p.h2_idle_timeout = sim::s(30);
    p.tls.client_hello_bytes = 512;
    p.source =
        "keepalive_timeout 30s (java.net.http module-info jdk.httpclient.keepalive.timeout, "
        "HttpClientImpl DEFAULT_KEEP_ALIVE_TIMEOUT; 1200 s in older JDKs)\n"
        "h2 idle 30s (jdk.httpclient.keepalive.timeout.h2 unset: the same)\n"
        "max_connections, max_idle unlimited (jdk.httpclient.connectionPoolSize 0)\n"
        "http2 preferred (HttpClient.Builder.version default)\n"
        "retry GET/HEAD on an expired pooled connection (MultiExchange ConnectionExpiredException, "
        "isIdempotentRequest); other methods only with jdk.httpclient.enableAllMethodRetry; streams "
        "refused by GOAWAY retried twice (not confirmed)\n"
        "client hello 512 bytes (not confirmed)";
    return p;
}

ClientProfile python() {
    ClientProfile p;
    p.name = "python";
    p.kind = ClientKind::Api;
    p.keepalive_timeout = {};
    p.max_connections = 0;
    p.max_idle = 10;
    p.http2 = false;
    p.retry_reused = false;
    p.tls.client_hello_bytes = 512;
    p.source =
        "keepalive_timeout none (urllib3 connectionpool.py: no idle timeout; a pooled connection "
        "lives until the server closes it)\n"
        "max_idle 10 (requests adapters.py DEFAULT_POOLSIZE, pool_maxsize); pool_block False: more "
        "connections are made and dropped past it\n"
        "a connection the server closed is dropped before reuse (urllib3 is_connection_dropped: a "
        "zero-timeout poll; lvsim skips connections whose FIN arrived)\n"
        "no retries (requests DEFAULT_RETRIES 0 = Retry(0, read=False)): a stale connection's reset "
        "is the caller's ConnectionError\n"
        "HTTP/1.1 only (requests)";
    return p;
}

const std::vector<ClientProfile>& presets() {
    static const std::vector<ClientProfile> p{ie8(),  chrome(), firefox(), safari(),
                                              curl(), go(),     java(),    python()};
    return p;
}

}  // namespace

const ClientProfile* find_client_profile(std::string_view name) {
    for (const ClientProfile& p : presets())
        if (p.name == name) return &p;
    return nullptr;
}

std::vector<std::string_view> client_profile_names() {
    std::vector<std::string_view> out;
    for (const ClientProfile& p : presets()) out.push_back(p.name);
    return out;
}

}  // namespace lvs::http
