// An HTTP client: a browser loading pages, or an API client calling a service, over persistent
// connections to one origin (the VIP), in HTTP/1.1 or HTTP/2, in clear or over TLS.
//
// HTTP/1.1: a page is one HTML object followed by N embedded objects, fetched over up to M
// connections per host (6 in the browsers); an idle connection is reused before a new one is
// opened; each idle connection is closed when the client's keep-alive timeout expires (FIN by
// default, or RST). Reloading while a page is still loading aborts its outstanding requests and
// closes their connections. API clients send `parallel` requests at once (no HTML first) and
// keep at most `max_idle` idle connections (Go's MaxIdleConnsPerHost), closing the rest.
//
// HTTPS: a TLS handshake (tls.hpp) precedes the first request; ALPN chooses h2 when both sides
// speak it. Until the first connection's ALPN answer is known, requests wait for it rather than
// open more connections (Chromium waits for a possible HTTP/2 session the same way). HTTP/2:
// one connection per origin carries every request as a stream, up to the server's
// SETTINGS_MAX_CONCURRENT_STREAMS; GOAWAY stops new streams, streams above its last stream id
// are retried on a new connection (RFC 9113 section 8.7: they were not processed), and the
// connection is closed once its last stream is answered. PING detects a dead connection
// (before reuse, as Chromium does, or on idle, as Firefox does).
//
// Failure rule (Chromium's HttpNetworkTransaction::ShouldResendRequest, ipvs-tcp-http.md 9.3):
// a request that fails with reset/closed on a *reused* connection before any response byte
// arrived is sent once more on a fresh connection (when the client's preset retries at all);
// a failure on a fresh connection, or after response bytes arrived, fails the object ("broken
// image"). Refusals, resets (including "closed before the response") and timeouts are counted
// separately.
#pragma once

#include <array>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/http/client_profile.hpp"
#include "models/http/distribution.hpp"
#include "models/net/host.hpp"
#include "sim/timer.hpp"

namespace lvs::http {

struct PageSpec {
    uint32_t html_bytes = 20'000;
    uint32_t objects = 40;
    Distribution object_bytes = Distribution::fixed(10'000);
    uint32_t request_bytes = 400;
    // API clients: no HTML first; `objects` requests leave at once (a call's fan-out).
    bool document = true;
    // GET (idempotent), or POST: only clients that resend any method retry it on a reused
    // connection (a GOAWAY's unprocessed streams go again whatever the method).
    bool idempotent = true;
};

// One of a site's pages, chosen by weight at each load (a page mix: a home page, articles,
// a search, each with its own objects).
struct PageChoice {
    std::string name;
    double weight = 1;
    PageSpec page;
};

// A request read from an access log, replayed at its logged time (LoadSchedule::Kind::Replay).
struct ReplayedRequest {
    sim::Time at;
    uint32_t bytes = 0;
    bool idempotent = true;
};

struct LoadSchedule {
    // Replay: every request of `replay` at its time, on the client's connections, without
    // aborting the ones still outstanding (a log says when requests came, not what a page was).
    enum class Kind : uint8_t { Interval, Think, Times, Replay };
    Kind kind = Kind::Interval;
    sim::Duration interval = sim::s(5);                    // Interval: a reload every `interval` from `start`
    Distribution think = Distribution::exponential(30e9);  // Think: ns after a page completes
    std::vector<sim::Time> times;                          // Times: explicit load times
    std::vector<ReplayedRequest> replay;                   // Replay: sorted by time
    sim::Time start;
    sim::Time stop = sim::Time::max();  // "the user stops clicking": no load after this
};

// A visit: a user arrives (arrivals.hpp), loads a number of pages with think times between
// them, and leaves. The client host stays the user's until its connections have closed.
struct SessionSpec {
    bool enabled = false;
    Distribution pages = Distribution::fixed(1);  // pages per visit (rounded, at least 1)
};

struct BrowserConfig {
    ClientProfile profile;
    PageSpec page;
    std::vector<PageChoice> mix;  // when not empty, each load picks one of these instead of `page`
    LoadSchedule schedule;
    SessionSpec session;
    std::optional<sim::Duration> request_timeout;  // off by default, as in browsers
    bool so_keepalive = false;                     // SO_KEEPALIVE on its connections
    net::Endpoint server;                          // the VIP
    bool https = false;                            // TLS first; ALPN may choose h2
};

// How long a request must wait before it counts as a stall the user notices.
inline constexpr sim::Duration kStall = sim::s(1);

// Counters shared by every browser of a client group.
struct BrowserStats {
    uint64_t pages_started = 0;
    uint64_t pages_completed = 0;
    uint64_t pages_aborted = 0;
    uint64_t pages_with_failures = 0;
    uint64_t objects_started = 0;  // objects a page asked for (ok + failed + aborted + pending)
    uint64_t objects_ok = 0;
    uint64_t objects_failed = 0;
    uint64_t objects_aborted = 0;
    uint64_t retries = 0;
    uint64_t failed_refused = 0;
    uint64_t failed_reset = 0;  // RST, or closed before the response
    uint64_t failed_timeout = 0;
    uint64_t failed_no_port = 0;  // EADDRNOTAVAIL
    uint64_t connections_opened = 0;
    uint64_t connections_closed = 0;
    uint64_t requests = 0;
    uint64_t requests_on_closed_conns = 0;  // requests carried by connections that have closed
    // Requests that waited kStall or longer for their response, failure or abort: a user
    // notices (Nielsen, "Response Times: The 3 Important Limits": 1 s keeps the flow of thought).
    uint64_t stalls = 0;
    std::vector<double> load_ms;  // page-load times of completed pages
    // The longest a request waited: from its send to its response, its failure or the reload
    // that aborted it.
    double longest_outstanding_s = 0;
    // HTTPS and HTTP/2.
    uint64_t tls_full = 0;        // full handshakes
    uint64_t tls_resumed = 0;     // resumed (a ticket the server could decrypt)
    double tls_wait_ms = 0;       // connect() to handshake done, summed over handshakes
    uint64_t h2_sessions = 0;     // connections on which ALPN chose h2
    uint64_t goaway = 0;          // GOAWAY frames received
    uint64_t goaway_retries = 0;  // requests above GOAWAY's last stream id, sent again
    uint64_t ping_failures = 0;   // sessions closed because a PING went unanswered
    uint64_t idle_trims = 0;      // idle connections closed beyond max_idle
    // Sessions (arrivals) and replayed logs.
    uint64_t sessions_started = 0;
    uint64_t sessions_completed = 0;  // every page of the visit loaded (or failed)
    uint64_t sessions_peak = 0;       // visits begun and not completed, at most
    uint64_t session_pages = 0;       // pages of completed sessions
    uint64_t replayed_requests = 0;
    std::vector<uint64_t> pages_by_choice;  // loads per page of the mix
};

class Browser final : public tcp::TcpApp {
public:
    Browser(net::Host& host, std::string name, const BrowserConfig& config, BrowserStats& stats);
    ~Browser() override;
    Browser(const Browser&) = delete;
    Browser& operator=(const Browser&) = delete;

    void start();
    // A new visit on this client host: a new user's configuration (no connections, no TLS
    // ticket, nothing known about the origin), started now.
    void begin_session(const BrowserConfig& config);
    // Called once the visit is over and its last connection has closed: the host is free.
    void on_free(std::function<void(Browser&)> f) { on_free_ = std::move(f); }
    bool in_session() const { return in_session_; }
    void stop_reloading();
    void start_reloading(sim::Time from);
    void set_keepalive_timeout(sim::Duration d) { config_.profile.keepalive_timeout = d; }
    const BrowserConfig& config() const { return config_; }
    // Objects of the current page still outstanding (for the end-of-run report).
    uint32_t pending_objects() const;
    uint32_t open_connections() const;
    const std::string& name() const { return name_; }

    // tcp::TcpApp
    void on_connected(tcp::TcpConn& c) override;
    void on_bytes(tcp::TcpConn& c, uint32_t bytes) override;
    void on_message(tcp::TcpConn& c, const net::AppMessage& m) override;
    void on_eof(tcp::TcpConn& c) override;
    void on_error(tcp::TcpConn& c, tcp::SocketError e) override;

private:
    enum class Failure : uint8_t { Refused, Reset, Timeout, NoPort };
    enum class Alpn : uint8_t { Unknown, Http1, Http2 };  // what the origin speaks
    struct Object {
        uint32_t bytes = 0;
        uint16_t index = 0;  // 0 = the HTML
        uint8_t attempts = 0;
        bool done = false;
        bool needs_fresh = false;  // a retry: only a new connection will do
        sim::Time sent;
        uint32_t stream = 0;  // HTTP/2 stream id it was sent on
        uint8_t refused = 0;  // times a GOAWAY refused it
        bool idempotent = true;
    };
    void note_wait(const Object& o);
    enum class Phase : uint8_t { Connecting, Handshake, Ready };
    struct Slot {
        Browser* owner = nullptr;
        tcp::TcpConn* tcp = nullptr;
        // Objects sent on this connection and not answered, or waiting for it to be ready, in
        // the order they were sent (HTTP/1.1: at most one).
        std::vector<int32_t> inflight;
        uint32_t requests = 0;  // completed on this connection
        uint32_t streams = 0;   // HTTP/2 requests sent (the next stream id is 2 * streams + 1)
        uint32_t max_streams = 100;
        uint32_t goaway_last = UINT32_MAX;
        Phase phase = Phase::Connecting;
        bool h2 = false;
        bool tls = false;
        bool going_away = false;
        bool got_bytes = false;
        bool no_reuse = false;  // the server said Connection: close, or the connection failed
        bool ping_sent = false;
        sim::Time connect_at;
        sim::Time last_read;
        sim::Timer idle;
        sim::Timer request_timer;
        sim::Timer ping;
        explicit Slot(sim::Simulator& sim)
            : idle(sim, [this] { owner->on_idle_timeout(*this); }),
              request_timer(sim, [this] { owner->on_request_timeout(*this); }),
              ping(sim, [this] { owner->on_ping_timer(*this); }) {}
        bool ready() const { return tcp != nullptr && phase == Phase::Ready; }
        bool idle_now() const { return ready() && inflight.empty(); }
    };
    static constexpr size_t kMaxSlots = 16;

    void schedule_next_load(bool after_completion);
    void load_page();
    void replay_due();
    void choose_page();
    void begin_page();
    void end_session();
    void maybe_free();
    const PageSpec& page() const { return *page_spec_; }
    void dispatch();
    bool dispatch_h2(int32_t o);
    bool open_connection(int32_t o);
    void send_request(Slot& s, int32_t object);
    void transmit(Slot& s, int32_t object);
    void object_ok(int32_t object);
    void add_objects();  // the page's embedded objects (API clients: its requests)
    void object_failed(int32_t object, Failure why);
    void maybe_page_done();
    void on_idle_timeout(Slot& s);
    void on_request_timeout(Slot& s);
    void on_ping_timer(Slot& s);
    void send_ping(Slot& s);
    void cancel_streams(Slot& s);
    void on_tls(Slot& s, const net::AppMessage& m);
    void on_ready(Slot& s);
    void on_goaway(Slot& s, const net::AppMessage& m);
    void on_response(Slot& s, const net::AppMessage& m);
    void became_idle(Slot& s);
    void trim_idle(Slot& s);
    void read_something(Slot& s);
    // The slot's connection is gone (failed or closed by us); decides retry or failure for
    // every request it carried.
    void connection_lost(Slot& s, Failure why, bool retryable);
    void close_slot(Slot& s, bool rst);
    void release_slot(Slot& s);
    Slot& slot_of(tcp::TcpConn& c) { return *slots_[c.tag()]; }
    size_t new_slot();  // a free slot's index (a new one if none is free)
    uint32_t stream_limit(const Slot& s) const;

    net::Host& host_;
    sim::Simulator& sim_;
    std::string name_;
    sim::EntityId entity_;
    BrowserConfig config_;
    BrowserStats& stats_;
    sim::Rng rng_;
    std::vector<std::unique_ptr<Slot>> slots_;
    std::vector<Object> objects_;
    std::deque<int32_t> queue_;
    uint64_t page_ = 0;
    sim::Time page_start_;
    bool page_active_ = false;
    uint32_t page_failed_ = 0;
    uint32_t outstanding_ = 0;  // objects not done on the current page
    size_t next_time_ = 0;
    bool reloading_ = true;
    sim::Timer next_load_;
    Alpn alpn_ = Alpn::Unknown;
    std::vector<int32_t> lost_;  // scratch: the requests of a connection that went
    bool deferred_ = false;      // an API call came due while the last one was still outstanding
    uint64_t ticket_ = 0;        // the TLS session ticket it would offer (TlsTicket)
    // The origin's SETTINGS_MAX_CONCURRENT_STREAMS as last heard; 100 before (the initial
    // assumption of Chromium's SpdySession and Go's http2 Transport).
    uint32_t known_streams_ = 100;
    const PageSpec* page_spec_ = nullptr;  // the page being loaded (config_.page or one of the mix)
    uint32_t session_pages_left_ = 0;
    uint32_t session_loads_ = 0;
    bool in_session_ = false;
    std::function<void(Browser&)> on_free_;
};

}  // namespace lvs::http
