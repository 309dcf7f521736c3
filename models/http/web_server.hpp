// An HTTP/1.1 web server on a realserver: keep-alive, a worker pool, an accept queue.
//
// Worker models: `prefork` (a connection holds a worker from accept() until it closes, idle
// keep-alive time included, as Apache's prefork MPM does) and `event` (a worker is held only
// while a request is served; idle connections cost none, as with Apache's event MPM, nginx
// and IIS/http.sys). When every worker is busy, new connections wait in the listen backlog
// (prefork) or requests wait in a FIFO (event).
//
// Presets (ipvs-tcp-http.md section 9.2): iis (idle timeout 120 s), apache (KeepAliveTimeout
// 5 s, MaxKeepAliveRequests 100, prefork), nginx (keepalive_timeout 75 s,
// keepalive_requests 1000, event).
//
// HTTPS and HTTP/2: a connection that opens with a ClientHello is TLS (tls.hpp); ALPN chooses h2
// when the client offers it and `http2` is on. An h2 connection serves its streams at once,
// each taking a worker (event model), up to `h2_max_streams` (nginx
// http2_max_concurrent_streams 128, Apache H2MaxSessionStreams 100). Its idle timeout is the
// keep-alive timeout (nginx since 1.19.7, Apache's KeepAliveTimeout); where HTTP/1.1 would
// answer with `Connection: close` (idle timeout, request limit, drain, reload, stop) an h2
// connection gets GOAWAY with the last stream it took, finishes those streams and closes
// (nginx ngx_http_v2_finalize_connection / ngx_http_v2_send_goaway).
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "models/http/distribution.hpp"
#include "models/http/tls.hpp"
#include "models/net/host.hpp"
#include "sim/simulator.hpp"
#include "sim/timer.hpp"

namespace lvs::http {

enum class WorkerModel : uint8_t { Prefork, Event };

struct ServerConfig {
    std::string preset = "iis";
    bool keepalive = true;
    sim::Duration keepalive_timeout = sim::s(120);
    uint32_t max_requests = 0;  // per connection, then `Connection: close` (0 = unlimited)
    // A connection older than this closes after its next answer (nginx keepalive_time 1h since
    // 1.19.10; 0 = no limit).
    sim::Duration keepalive_time{};
    WorkerModel model = WorkerModel::Event;
    uint32_t workers = 256;
    uint32_t backlog = 511;
    Distribution service = Distribution::fixed(1e6);  // ns per request
    net::Port port = 80;
    std::vector<net::Port> more_ports;  // other ports it serves too (80 and 443 on one host)
    bool so_keepalive = false;  // SO_KEEPALIVE on accepted connections (nginx: listen ... so_keepalive=on)
    // What a health check's GET gets while the server is healthy: an imported keepalived
    // check that expects 301 meets a server that answers 301.
    uint16_t check_status = 200;
    bool http2 = true;              // ALPN offers h2 (nginx `listen 443 ssl http2`, Apache `Protocols h2`)
    uint32_t h2_max_streams = 128;  // SETTINGS_MAX_CONCURRENT_STREAMS
    TlsServerConfig tls;
    // A failing health check also drains the server (an operator's "take me out" switch that
    // makes nginx answer Connection: close and GOAWAY while the checker quiesces it).
    bool drain_on_check_failure = false;
    std::string source;
};

const ServerConfig* find_server_preset(std::string_view name);
std::vector<std::string_view> server_preset_names();

struct ServerStats {
    uint64_t connections_accepted = 0;
    uint64_t requests = 0;
    uint64_t keepalive_closes = 0;    // idle connections the server closed
    uint64_t max_request_closes = 0;  // closed after the per-connection request limit
    uint64_t busy_peak = 0;
    uint64_t queued_peak = 0;
    // For the capacity cross-check (Erlang C and Little's law next to the simulation).
    uint64_t requests_waited = 0;     // event model: the request waited for a free worker
    uint64_t connections_waited = 0;  // prefork: the connection waited in the backlog for a worker
    uint64_t connections_closed = 0;
    sim::Duration connection_time{};  // accept() to close, summed over closed connections
    sim::Duration service_time{};     // service times drawn, summed over requests
    // Time integrals in worker-nanoseconds (occupancy = integral / elapsed time): workers
    // serving a request; workers held (prefork: by a connection, busy or idle; event: busy);
    // connections open.
    uint64_t busy_ns = 0;
    uint64_t held_ns = 0;
    uint64_t open_ns = 0;
    uint64_t tls_full = 0;
    uint64_t tls_resumed = 0;
    uint64_t goaway_sent = 0;
    uint64_t streams_refused = 0;  // requests above a GOAWAY's last stream id, ignored
};

class WebServer final : public tcp::TcpApp {
public:
    WebServer(net::Host& host, const ServerConfig& config);
    ~WebServer() override;
    WebServer(const WebServer&) = delete;
    WebServer& operator=(const WebServer&) = delete;

    void start();
    // Stops accepting, finishes requests in flight, closes idle keep-alive connections.
    void graceful_stop();
    // The process is killed (SIGKILL): the kernel closes every socket it held, with a FIN
    // where nothing was left unread (tcp_close), a RST for connections still waiting in the
    // accept queue; the listener goes, so new SYNs get RST.
    void kill();
    // RST to every connection (a killed server with SO_LINGER 0).
    void abrupt_stop();
    // Silence: the host stops sending and receiving (crash, power-off).
    void crash();
    void set_keepalive(bool on, sim::Duration timeout);
    void set_max_requests(uint32_t n) { config_.max_requests = n; }
    // An operator's "take me out" switch (a health page answering 503, a check script failing):
    // health checks fail while requests are still served.
    void set_checks_failing(bool failing) {
        checks_failing_ = failing;
        if (failing && config_.drain_on_check_failure) drain();
    }
    // Server-side graceful drain ("tell your webserver to shut down any connections"): it keeps
    // accepting, answers every request with `Connection: close` and closes idle keep-alive
    // connections now, as nginx's and Apache's old workers do on a graceful reload.
    void drain();
    // A graceful reload (nginx -s reload, apachectl -k graceful): the connections open now
    // finish their requests in flight and close (Connection: close, GOAWAY), idle keep-alive
    // connections close at once; new connections are served as before by the new workers.
    void reload();
    bool checks_pass() const { return running_ && !checks_failing_; }
    void set_check_status(uint16_t status) { config_.check_status = status; }

    const ServerConfig& config() const { return config_; }
    // The statistics with the occupancy integrals brought up to now.
    const ServerStats& stats_now() {
        account();
        return stats_;
    }
    const ServerStats& stats() const { return stats_; }
    net::Host& host() { return host_; }
    bool running() const { return running_; }
    // Worker occupancy now: serving a request, held by an idle keep-alive connection
    // (prefork), free.
    uint32_t workers_busy() const { return busy_; }
    uint32_t workers_idle_keepalive() const;
    uint32_t workers_free() const;
    size_t requests_waiting() const { return waiting_.size(); }
    uint32_t open_connections() const { return open_; }

    // tcp::TcpApp
    void on_acceptable(tcp::Listener& l) override;
    void on_message(tcp::TcpConn& c, const net::AppMessage& m) override;
    void on_eof(tcp::TcpConn& c) override;
    void on_error(tcp::TcpConn& c, tcp::SocketError e) override;

private:
    static constexpr uint32_t kNone = UINT32_MAX;
    enum class TlsPhase : uint8_t { None, AwaitClientFinished, Done };
    struct Conn {
        WebServer* owner = nullptr;
        tcp::TcpConn* tcp = nullptr;
        uint32_t index = 0;
        bool active = false;
        uint32_t requests = 0;
        bool has_worker = false;  // prefork: held from accept to close
        bool close_after = false;
        bool h2 = false;
        bool goaway_sent = false;
        bool lingering = false;  // shut down for writing, waiting for the client's FIN
        TlsPhase tls = TlsPhase::None;
        uint32_t exchanges = 0;  // requests taken and not answered
        uint32_t first = kNone;  // the first of them (Exchange::next links the rest)
        uint32_t streams = 0;    // h2 requests received (the last stream id is 2 * streams - 1)
        uint32_t goaway_last = 0;
        sim::Time accepted_at{};
        sim::Timer idle;
        explicit Conn(sim::Simulator& sim) : idle(sim, [this] { owner->on_idle_timeout(*this); }) {}
    };
    // A request being served or waiting for a worker (HTTP/1.1: one per connection at a time;
    // HTTP/2: one per stream).
    struct Exchange {
        WebServer* owner = nullptr;
        uint32_t index = 0;
        uint32_t conn = 0;
        uint32_t next = kNone;
        bool serving = false;
        bool waiting = false;
        net::AppMessage request{};
        sim::Timer done;
        explicit Exchange(sim::Simulator& sim) : done(sim, [this] { owner->on_served(*this); }) {}
    };
    void on_request(Conn& c, const net::AppMessage& m);
    void on_client_hello(Conn& c, const net::AppMessage& m);
    bool resumes(const net::AppMessage& hello) const;
    uint32_t now_ms() const;
    void cancel_stream(Conn& c, const net::AppMessage& m);
    void send_control(Conn& c, uint16_t kind, uint32_t bytes, uint32_t object = 0);
    void send_goaway(Conn& c);
    void linger(Conn& c);
    // Every connection open now finishes what it has and closes (drain and reload).
    void close_gracefully();
    void h2_preface(Conn& c);
    bool h2_limit_reached(const Conn& c) const;
    void after_exchange(Conn& c, bool close);
    uint32_t alloc_exchange(Conn& c, const net::AppMessage& m);
    void release_exchange(Exchange& e);
    void accept_ready(bool after_wait = false);
    tcp::Listener* ready_listener() const;  // the first with a connection waiting
    void close_listeners();
    void account();  // adds occupancy since the last change to the integrals
    void serve(Exchange& e);
    void on_served(Exchange& e);
    void on_idle_timeout(Conn& c);
    void close_conn(Conn& c);
    void forget(Conn& c);  // the TCP connection is gone
    void free_worker();
    // Ends every handler that may change the occupancy: an `http.server.workers` record when
    // the (busy, idle keep-alive) pair differs from the last one recorded. One branch when
    // tracing is off.
    void trace_workers() {
        if (sim_.tracing()) publish_workers();
    }
    void publish_workers();
    Conn& conn_of(tcp::TcpConn& t) { return *conns_[t.tag()]; }
    uint32_t alloc_conn();

    net::Host& host_;
    sim::Simulator& sim_;
    sim::EntityId entity_;
    ServerConfig config_;
    ServerStats stats_;
    sim::Rng rng_;
    std::vector<tcp::Listener*> listeners_;  // config_.port, then config_.more_ports
    bool running_ = false;
    bool draining_ = false;  // drain(): every answer from now on ends its connection
    bool checks_failing_ = false;
    std::vector<std::unique_ptr<Conn>> conns_;
    std::vector<uint32_t> free_conns_;
    std::vector<std::unique_ptr<Exchange>> exchanges_;
    std::vector<uint32_t> free_exchanges_;
    std::deque<uint32_t> waiting_;  // event model: requests (exchanges) waiting for a worker
    uint32_t ticket_key_ = 0;       // the key its session tickets are sealed with
    uint32_t busy_ = 0;
    uint32_t held_ = 0;  // prefork: workers held by connections
    uint32_t open_ = 0;
    sim::Time accounted_{};
    // The occupancy last recorded (none yet: the first check always records).
    bool workers_traced_ = false;
    uint32_t traced_busy_ = 0;
    uint32_t traced_idle_ = 0;
};

}  // namespace lvs::http
