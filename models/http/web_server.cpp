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
    iis.source = "IIS <limits connectionTimeout> 00:02:00; http.sys holds idle connections without a worker";
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
        "MaxRequestWorkers 256, ListenBacklog 511";
    v.push_back(apache);
    ServerConfig nginx;
    nginx.preset = "nginx";
    nginx.keepalive_timeout = sim::s(75);
    nginx.max_requests = 1000;
    nginx.model = WorkerModel::Event;
    nginx.workers = 512;
    nginx.backlog = 511;
    nginx.source =
        "nginx ngx_http_core_module: keepalive_timeout 75s, keepalive_requests 1000 (since 1.19.10); "
        "worker_connections 512";
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
      rng_(sim_.stream(host.name() + ":http")) {}

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
        c.serving = c.waiting = c.close_after = false;
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

void WebServer::on_message(tcp::TcpConn& t, const net::AppMessage& m) {
    if (m.kind != kRequest && m.kind != kHealthCheck) return;
    Conn& c = conn_of(t);
    c.tcp = &t;
    c.request = m;
    c.idle.disarm();
    if (config_.model == WorkerModel::Prefork || busy_ < config_.workers) {
        serve(c);
    } else {
        c.waiting = true;
        ++stats_.requests_waited;
        waiting_.push_back(static_cast<uint32_t>(t.tag()));
        stats_.queued_peak = std::max<uint64_t>(stats_.queued_peak, waiting_.size());
    }
    trace_workers();
}

void WebServer::serve(Conn& c) {
    account();
    c.serving = true;
    ++busy_;
    stats_.busy_peak = std::max<uint64_t>(stats_.busy_peak, busy_);
    const sim::Duration service = sample_duration(config_.service, rng_);
    stats_.service_time += service;
    c.done.arm(service);
}

void WebServer::on_served(Conn& c) {
    account();
    c.serving = false;
    --busy_;
    ++c.requests;
    ++stats_.requests;
    const bool limit = config_.max_requests != 0 && c.requests >= config_.max_requests;
    const bool asked = (c.request.flags & kConnectionClose) != 0;  // the client sent Connection: close
    const bool close = !config_.keepalive || limit || c.close_after || !running_ || asked;
    net::AppMessage r;
    r.bytes = std::max<uint32_t>(c.request.reply_bytes, 1);
    r.kind = c.request.kind == kHealthCheck ? kHealthCheck : kResponse;
    // A health check's answer carries its status code where a response carries its object.
    r.object =
        c.request.kind == kHealthCheck ? (checks_failing_ ? 503u : config_.check_status) : c.request.object;
    r.tag = c.request.tag;
    r.flags = close ? kConnectionClose : 0;
    LVS_TRACE(sim_, entity_, trace::kind::http_response)
        .f("conn", c.tcp->id())
        .f("bytes", r.bytes)
        .f("close", close);
    c.tcp->send(r);
    if (close) {
        if (limit) ++stats_.max_request_closes;
        close_conn(c);
    } else {
        c.idle.arm(config_.keepalive_timeout);
    }
    free_worker();
    trace_workers();
}

void WebServer::free_worker() {
    // Event model: the freed worker takes the oldest waiting request.
    while (config_.model == WorkerModel::Event && !waiting_.empty() && busy_ < config_.workers) {
        Conn& next = *conns_[waiting_.front()];
        waiting_.pop_front();
        next.waiting = false;
        serve(next);
    }
}

void WebServer::on_idle_timeout(Conn& c) {
    if (c.tcp == nullptr || c.serving) return;
    ++stats_.keepalive_closes;
    LVS_TRACE(sim_, entity_, trace::kind::http_keepalive_close)
        .f("conn", c.tcp->id())
        .f("requests", c.requests);
    close_conn(c);
    trace_workers();
}

void WebServer::on_eof(tcp::TcpConn& t) {
    Conn& c = conn_of(t);
    c.tcp = &t;
    if (c.serving || c.waiting) {
        c.close_after = true;  // answer, then close (the client may already be gone)
        return;
    }
    close_conn(c);
    trace_workers();
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
    c.done.disarm();
    if (c.serving) {
        c.serving = false;
        --busy_;
    }
    if (c.waiting) {
        waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), c.index), waiting_.end());
        c.waiting = false;
    }
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
    for (auto& p : conns_) {
        Conn& c = *p;
        if (!c.active) continue;
        if (c.serving || c.waiting) c.close_after = true;
        else close_conn(c);
    }
    trace_workers();
}

void WebServer::drain() {
    config_.keepalive = false;
    for (auto& p : conns_) {
        Conn& c = *p;
        if (!c.active) continue;
        if (c.serving || c.waiting) c.close_after = true;
        else if (c.tcp != nullptr) close_conn(c);
    }
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
