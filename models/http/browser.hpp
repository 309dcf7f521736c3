// A browser: HTTP/1.1 page loads over parallel persistent connections to one host (the VIP).
//
// A page is one HTML object followed by N embedded objects. Up to M connections per host (6 in
// the presets); an idle connection is reused before a new one is opened; each idle connection
// is closed when the browser's keep-alive timeout expires (FIN by default, or RST). Reloading
// while a page is still loading aborts its outstanding requests and closes their connections.
//
// Failure rule (Chromium's HttpNetworkTransaction::ShouldResendRequest, ipvs-tcp-http.md 9.3):
// a request that fails with reset/closed on a *reused* keep-alive connection before any
// response byte arrived is sent once more on a fresh connection; a failure on a fresh
// connection, or after response bytes arrived, fails the object ("broken image"). Refusals,
// resets (including "closed before the response") and timeouts are counted separately.
#pragma once

#include <array>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "models/http/distribution.hpp"
#include "models/net/host.hpp"
#include "sim/timer.hpp"

namespace lvs::http {

enum class CloseMethod : uint8_t { Fin, Rst };

// Named client presets with their sources (ipvs-tcp-http.md section 9.1).
struct BrowserProfile {
    std::string name = "ie8";
    sim::Duration keepalive_timeout = sim::s(60);
    uint32_t max_connections = 6;
    CloseMethod close = CloseMethod::Fin;
    std::string source;
};
// ie8 (MS KB 813827: KeepAliveTimeout 60 s; IE8 6 connections per host), firefox
// (network.http.keep-alive.timeout 115 s, 6 per server), chrome (300 s for used idle sockets,
// 6 per group). Returns nullptr for an unknown name.
const BrowserProfile* find_browser_profile(std::string_view name);
std::vector<std::string_view> browser_profile_names();

struct PageSpec {
    uint32_t html_bytes = 20'000;
    uint32_t objects = 40;
    Distribution object_bytes = Distribution::fixed(10'000);
    uint32_t request_bytes = 400;
};

struct LoadSchedule {
    enum class Kind : uint8_t { Interval, Think, Times };
    Kind kind = Kind::Interval;
    sim::Duration interval = sim::s(5);                    // Interval: a reload every `interval` from `start`
    Distribution think = Distribution::exponential(30e9);  // Think: ns after a page completes
    std::vector<sim::Time> times;                          // Times: explicit load times
    sim::Time start;
    sim::Time stop = sim::Time::max();  // "the user stops clicking": no load after this
};

struct BrowserConfig {
    BrowserProfile profile;
    PageSpec page;
    LoadSchedule schedule;
    std::optional<sim::Duration> request_timeout;  // off by default, as in browsers
    bool so_keepalive = false;                     // SO_KEEPALIVE on its connections
    net::Endpoint server;                          // the VIP
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
};

class Browser final : public tcp::TcpApp {
public:
    Browser(net::Host& host, std::string name, const BrowserConfig& config, BrowserStats& stats);
    ~Browser() override;
    Browser(const Browser&) = delete;
    Browser& operator=(const Browser&) = delete;

    void start();
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
    struct Object {
        uint32_t bytes = 0;
        uint16_t index = 0;  // 0 = the HTML
        uint8_t attempts = 0;
        bool done = false;
        bool needs_fresh = false;  // a retry: only a new connection will do
        sim::Time sent;
    };
    void note_wait(const Object& o);
    struct Slot {
        Browser* owner = nullptr;
        tcp::TcpConn* tcp = nullptr;
        int32_t object = -1;    // object being fetched (or waiting for the connection)
        uint32_t requests = 0;  // completed on this connection
        bool connected = false;
        bool got_bytes = false;
        bool no_reuse = false;  // the server said Connection: close
        sim::Timer idle;
        sim::Timer request_timer;
        explicit Slot(sim::Simulator& sim)
            : idle(sim, [this] { owner->on_idle_timeout(*this); }),
              request_timer(sim, [this] { owner->on_request_timeout(*this); }) {}
    };
    static constexpr size_t kMaxSlots = 16;

    void schedule_next_load(bool after_completion);
    void load_page();
    void dispatch();
    void send_request(Slot& s, int32_t object);
    void object_ok(int32_t object);
    void object_failed(int32_t object, Failure why);
    void maybe_page_done();
    void on_idle_timeout(Slot& s);
    void on_request_timeout(Slot& s);
    // The slot's connection is gone (failed or closed by us); decides retry or failure.
    void connection_lost(Slot& s, Failure why, bool retryable);
    void close_slot(Slot& s, bool rst);
    void release_slot(Slot& s);
    Slot& slot_of(tcp::TcpConn& c) { return *slots_[c.tag()]; }

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
};

}  // namespace lvs::http
