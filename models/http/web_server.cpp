#include "models/http/web_server.hpp"

#include <algorithm>

#include "models/http/http_message.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::http {

namespace {

std::vector<ServerConfig> make_presets() {
    std::vector<ServerConfig> v;
    ServerConfig iis;
    iis.preset = "iis";
    iis.keepalive_timeout = sim::s(120);
    iis.max_requests = 0;
    iis.model = WorkerModel::Event;
    iis.workers = 256;
    iis.backlog = 1000;
    iis.h2_max_streams = 100;
    iis.source =
        "IIS <limits connectionTimeout> 00:02:00; http.sys holds idle connections without a worker; "
        "HTTP/2 streams 100 (http.sys Http2MaxConcurrentClientStreams, not confirmed)";
    v.push_back(iis);
    ServerConfig apache;
    apache.preset = "apache";
    apache.keepalive_timeout = sim::s(5);
    apache.max_requests = 100;
    apache.model = WorkerModel::Prefork;
    apache.workers = 256;
    apache.backlog = 511;
    apache.source =
        "Apache httpd 2.4 httpd-default.conf: KeepAliveTimeout 5, MaxKeepAliveRequests 100; prefork "
        "MaxRequestWorkers 256, ListenBacklog 511; mod_http2 H2MaxSessionStreams 100, h2 idle = "
        "KeepAliveTimeout "
        "(h2_session.c keep_alive_timeout), graceful restart sends GOAWAY (h2_session_ev_mpm_stopping)";
    apache.h2_max_streams = 100;
    v.push_back(apache);
    ServerConfig nginx;
    nginx.preset = "nginx";
    nginx.keepalive_timeout = sim::s(75);
    nginx.max_requests = 1000;
    nginx.keepalive_time = sim::s(3600);
    nginx.model = WorkerModel::Event;
    nginx.workers = 512;
    nginx.backlog = 511;
    nginx.source =
        "nginx ngx_http_core_module: keepalive_timeout 75s, keepalive_requests 1000 and keepalive_time 1h "
        "(since 1.19.10); "
        "worker_connections 512; http2_max_concurrent_streams 128, h2 idle = keepalive_timeout and GOAWAY at "
        "keepalive_requests (1.19.7+, ngx_http_v2.c); ssl_session_timeout 5m, ticket keys per instance";
    nginx.h2_max_streams = 128;
    v.push_back(nginx);
    return v;
}

const std::vector<ServerConfig>& presets() {
    static const std::vector<ServerConfig> p = make_presets();
    return p;
}

}  // namespace

const ServerConfig* find_server_preset(std::string_view name) {
    for (const ServerConfig& p : presets())
        if (p.preset == name) return &p;
    return nullptr;
}

std::vector<std::string_view> server_preset_names() {
    std::vector<std::string_view> out;
    for (const ServerConfig& p : presets()) out.push_back(p.preset);
    return out;
}

WebServer::WebServer(net::Host& host, const ServerConfig& config)
    : host_(host),
      sim_(host.tcp().sim()),
      entity_(sim_.add_entity(host.name() + ":http")),
      config_(config),
      rng_(sim_.stream(host.name() + ":http")),
      // Ticket keys: one per server (random at start in nginx), or one the farm shares.
      ticket_key_(config.tls.shared_ticket_keys ? 1u : std::max(host.address().value(), 2u)) {}

WebServer::~WebServer() = default;

void WebServer::start() {
    if (running_) return;
    host_.set_down(false);
    running_ = true;
    // One listening socket per port it serves (its port, then `more_ports`), as `listen 80;
    // listen 443;` gives nginx.
    listeners_.resize(1 + config_.more_ports.size(), nullptr);
    for (size_t k = 0; k < listeners_.size(); ++k) {
        const net::Port port = k == 0 ? config_.port : config_.more_ports[k - 1];
        if (listeners_[k] == nullptr || !listeners_[k]->open())
            listeners_[k] = &host_.tcp().listen({net::Ipv4(), port}, config_.backlog, this);
    }
    LVS_TRACE(sim_, entity_, trace::kind::http_server_start)
        .f("model", config_.model == WorkerModel::Prefork ? "prefork" : "event");
    trace_workers();
}

uint32_t WebServer::alloc_conn() {
    if (!free_conns_.empty()) {
        const uint32_t i = free_conns_.back();
        free_conns_.pop_back();
        return i;
    }
    conns_.push_back(std::make_unique<Conn>(sim_));
    conns_.back()->owner = this;
    conns_.back()->index = static_cast<uint32_t>(conns_.size() - 1);
    return conns_.back()->index;
}

void WebServer::on_acceptable(tcp::Listener&) {
    accept_ready();
    trace_workers();
}

tcp::Listener* WebServer::ready_listener() const {
    for (tcp::Listener* l : listeners_)
        if (l != nullptr && l->queued() > 0) return l;
    return nullptr;
}

void WebServer::close_listeners() {
    for (tcp::Listener*& l : listeners_) {
        if (l != nullptr) l->close();
        l = nullptr;
    }
}

void WebServer::account() {
    const sim::Time now = sim_.now();
    const auto dt = static_cast<uint64_t>((now - accounted_).ns());
    accounted_ = now;
    const uint32_t held = config_.model == WorkerModel::Prefork ? held_ : busy_;
    stats_.busy_ns += busy_ * dt;
    stats_.held_ns += held * dt;
    stats_.open_ns += open_ * dt;
}

void WebServer::accept_ready(bool after_wait) {
    for (tcp::Listener* l = ready_listener(); running_ && l != nullptr; l = ready_listener()) {
        // Prefork: accept() only when a worker is free; the rest wait in the backlog.
        if (config_.model == WorkerModel::Prefork && held_ >= config_.workers) return;
        account();
        if (after_wait) ++stats_.connections_waited;
        const uint32_t i = alloc_conn();
        Conn& c = *conns_[i];
        c.tcp = nullptr;
        c.requests = 0;
        c.close_after = c.h2 = c.goaway_sent = c.lingering = false;
        c.tls = TlsPhase::None;
        c.exchanges = 0;
        c.first = kNone;
        c.streams = c.goaway_last = 0;
        c.active = true;
        c.accepted_at = sim_.now();
        c.has_worker = config_.model == WorkerModel::Prefork;
        if (c.has_worker) ++held_;
        ++open_;
        ++stats_.connections_accepted;
        // accept() hands over what arrived while the connection waited (its request, even
        // its FIN), so the callbacks may run before it returns.
        tcp::TcpConn* t = l->accept(this, i);
        if (t != nullptr && config_.so_keepalive) t->set_keepalive(true);
        if (c.active && c.tcp == nullptr) c.tcp = t;
    }
}

void WebServer::on_error(tcp::TcpConn& t, tcp::SocketError) {
    Conn& c = conn_of(t);
    c.tcp = nullptr;
    forget(c);
    trace_workers();
}

void WebServer::close_conn(Conn& c) {
    if (c.tcp != nullptr) {
        tcp::TcpConn* t = c.tcp;
        // No close_notify into a connection the client has closed: nginx sets no_send_shutdown
        // when the peer has shut down (ngx_ssl_handle_recv), and the client's socket would RST.
        // A lingering connection sent its close_notify with its shutdown.
        if (c.tls == TlsPhase::Done && !c.lingering && !t->peer_closed())
            send_control(c, kTlsCloseNotify, kCloseNotifyBytes);
        c.tcp = nullptr;
        t->close();
    }
    forget(c);
}

void WebServer::forget(Conn& c) {
    if (!c.active) return;
    account();
    ++stats_.connections_closed;
    stats_.connection_time += sim_.now() - c.accepted_at;
    c.idle.disarm();
    while (c.first != kNone) release_exchange(*exchanges_[c.first]);
    const bool had_worker = c.has_worker;
    if (had_worker) {
        c.has_worker = false;
        --held_;
    }
    c.tcp = nullptr;
    c.active = false;
    --open_;
    free_conns_.push_back(c.index);
    if (had_worker) accept_ready(true);
    free_worker();
}

void WebServer::graceful_stop() {
    if (!running_) return;
    running_ = false;
    LVS_TRACE(sim_, entity_, trace::kind::http_server_graceful_stop).f("open", open_).f("busy", busy_);
    close_listeners();
    close_gracefully();
    trace_workers();
}

void WebServer::drain() {
    draining_ = true;
    LVS_TRACE(sim_, entity_, trace::kind::http_server_drain).f("open", open_).f("mode", "drain");
    close_gracefully();
    trace_workers();
}

void WebServer::reload() {
    LVS_TRACE(sim_, entity_, trace::kind::http_server_drain).f("open", open_).f("mode", "reload");
    close_gracefully();
    trace_workers();
}

void WebServer::abrupt_stop() {
    running_ = false;
    LVS_TRACE(sim_, entity_, trace::kind::http_server_abrupt_stop).f("open", open_);
    host_.tcp().reset_all();
    for (auto& p : conns_) forget(*p);
    waiting_.clear();
    listeners_.assign(listeners_.size(), nullptr);
    trace_workers();
}

void WebServer::kill() {
    running_ = false;
    LVS_TRACE(sim_, entity_, trace::kind::http_server_kill).f("open", open_);
    // inet_csk_listen_stop(): connections never accepted are reset.
    close_listeners();
    // Everything else the process held: the requests were read, so each socket closes with a FIN
    // after whatever was already queued, orphaned.
    for (auto& p : conns_) {
        if (!p->active) continue;
        close_conn(*p);
    }
    waiting_.clear();
    trace_workers();
}

void WebServer::crash() {
    running_ = false;
    LVS_TRACE(sim_, entity_, trace::kind::http_server_crash).f("open", open_);
    host_.set_down(true);
    host_.tcp().drop_all();
    for (auto& p : conns_) forget(*p);
    waiting_.clear();
    listeners_.assign(listeners_.size(), nullptr);
    trace_workers();
}

void WebServer::set_keepalive(bool on, sim::Duration timeout) {
    config_.keepalive = on;
    config_.keepalive_timeout = timeout;
}

void WebServer::publish_workers() {
    const uint32_t idle = workers_idle_keepalive();
    if (workers_traced_ && busy_ == traced_busy_ && idle == traced_idle_) return;
    workers_traced_ = true;
    traced_busy_ = busy_;
    traced_idle_ = idle;
    LVS_TRACE(sim_, entity_, trace::kind::http_server_workers)
        .f("busy", busy_)
        .f("idle_keepalive", idle)
        .f("workers", config_.workers);
}

uint32_t WebServer::workers_idle_keepalive() const {
    return config_.model == WorkerModel::Prefork ? held_ - std::min(held_, busy_) : 0;
}

uint32_t WebServer::workers_free() const {
    const uint32_t used = config_.model == WorkerModel::Prefork ? held_ : busy_;
    return config_.workers > used ? config_.workers - used : 0;
}

}  // namespace lvs::http
