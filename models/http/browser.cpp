#include "models/http/browser.hpp"

#include <algorithm>

#include "models/http/http_message.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::http {

namespace {

const std::vector<BrowserProfile>& presets() {
    static const std::vector<BrowserProfile> p{
        {"ie8", sim::s(60), 6, CloseMethod::Fin,
         "MS KB 813827 (KeepAliveTimeout 60 s); IE8 connection limit 6 per host on broadband"},
        {"firefox", sim::s(115), 6, CloseMethod::Fin,
         "Firefox all.js: network.http.keep-alive.timeout 115, max-persistent-connections-per-server 6"},
        {"chrome", sim::s(300), 6, CloseMethod::Fin,
         "Chromium client_socket_pool: used idle sockets kept 300 s, 6 sockets per group"},
    };
    return p;
}

}  // namespace

const BrowserProfile* find_browser_profile(std::string_view name) {
    for (const BrowserProfile& p : presets())
        if (p.name == name) return &p;
    return nullptr;
}

std::vector<std::string_view> browser_profile_names() {
    std::vector<std::string_view> out;
    for (const BrowserProfile& p : presets()) out.push_back(p.name);
    return out;
}

Browser::Browser(net::Host& host, std::string name, const BrowserConfig& config, BrowserStats& stats)
    : host_(host),
      sim_(host.tcp().sim()),
      name_(std::move(name)),
      entity_(sim_.add_entity(name_)),
      config_(config),
      stats_(stats),
      rng_(sim_.stream(name_)),
      next_load_(sim_, [this] { load_page(); }) {
    slots_.reserve(std::min<size_t>(config_.profile.max_connections, kMaxSlots));
}

Browser::~Browser() = default;

void Browser::start() {
    reloading_ = true;
    next_time_ = 0;
    const LoadSchedule& s = config_.schedule;
    switch (s.kind) {
        case LoadSchedule::Kind::Times:
            if (!s.times.empty()) next_load_.arm_at(std::max(s.times[0], sim_.now()));
            next_time_ = 1;
            break;
        default: next_load_.arm_at(std::max(s.start, sim_.now()));
    }
}

void Browser::stop_reloading() {
    reloading_ = false;
    next_load_.disarm();
}

void Browser::start_reloading(sim::Time from) {
    reloading_ = true;
    config_.schedule.start = from;
    if (config_.schedule.stop <= from) config_.schedule.stop = sim::Time::max();
    next_load_.arm_at(std::max(from, sim_.now()));
}

void Browser::schedule_next_load(bool after_completion) {
    if (!reloading_) return;
    const LoadSchedule& s = config_.schedule;
    sim::Time next;
    switch (s.kind) {
        case LoadSchedule::Kind::Interval:
            if (after_completion) return;  // fixed reloads are scheduled from the load's start
            next = page_start_ + s.interval;
            break;
        case LoadSchedule::Kind::Think:
            if (!after_completion) return;
            next = sim_.now() + sample_duration(s.think, rng_);
            break;
        case LoadSchedule::Kind::Times:
            if (after_completion || next_time_ >= s.times.size()) return;
            next = std::max(s.times[next_time_++], sim_.now());
            break;
    }
    if (next > s.stop) return;
    next_load_.arm_at(next);
}

void Browser::load_page() {
    if (!reloading_ || sim_.now() > config_.schedule.stop) return;
    if (page_active_) {
        // A reload while the page is still loading: outstanding requests are aborted and
        // their connections closed; objects not yet fetched count as aborted.
        uint32_t aborted = 0;
        for (auto& sp : slots_) {
            Slot& s = *sp;
            if (s.tcp == nullptr || s.object < 0) continue;
            note_wait(objects_[static_cast<size_t>(s.object)]);
            close_slot(s, false);
        }
        for (const Object& o : objects_) aborted += o.done ? 0 : 1;
        queue_.clear();
        stats_.objects_aborted += aborted;
        ++stats_.pages_aborted;
        LVS_TRACE(sim_, entity_, trace::kind::http_page_abort).f("page", page_).f("aborted", aborted);
        page_active_ = false;
    }
    ++page_;
    ++stats_.pages_started;
    page_start_ = sim_.now();
    page_active_ = true;
    page_failed_ = 0;
    objects_.clear();
    objects_.push_back(Object{config_.page.html_bytes, 0, 0, false, false, {}});
    ++stats_.objects_started;
    outstanding_ = 1;
    queue_.push_back(0);
    LVS_TRACE(sim_, entity_, trace::kind::http_page_start).f("page", page_);
    schedule_next_load(false);
    dispatch();
}

uint32_t Browser::open_connections() const {
    uint32_t n = 0;
    for (const auto& s : slots_) n += s->tcp != nullptr;
    return n;
}

uint32_t Browser::pending_objects() const { return page_active_ ? outstanding_ : 0; }

void Browser::note_wait(const Object& o) {
    // From the request's (last) send to its response, its failure or the reload that aborted it.
    if (o.sent == sim::Time{}) return;  // never sent (a request leaves after a handshake, never at 0)
    const sim::Duration waited = sim_.now() - o.sent;
    stats_.longest_outstanding_s = std::max(stats_.longest_outstanding_s, waited.seconds());
    if (waited >= kStall) ++stats_.stalls;
}

void Browser::dispatch() {
    while (!queue_.empty()) {
        // An idle connection is reused before a new one is opened (the most recently used
        // first, as browsers prefer warm sockets) - except for a retry, which needs a fresh one.
        const bool fresh = objects_[static_cast<size_t>(queue_.front())].needs_fresh;
        Slot* idle = nullptr;
        for (auto& sp : slots_) {
            Slot& s = *sp;
            if (s.tcp != nullptr && s.connected && s.object < 0 && !s.no_reuse && !s.tcp->peer_closed())
                if (idle == nullptr || s.idle.deadline() > idle->idle.deadline()) idle = &s;
        }
        if (idle != nullptr && !fresh) {
            const int32_t o = queue_.front();
            queue_.pop_front();
            send_request(*idle, o);
            continue;
        }
        if (open_connections() >= config_.profile.max_connections) {
            // At the per-host limit, an idle socket is closed to make room for the retry.
            if (!fresh || idle == nullptr) return;
            close_slot(*idle, false);
        }
        uint64_t index = 0;
        while (index < slots_.size() && slots_[index]->tcp != nullptr) ++index;
        if (index == slots_.size()) {
            slots_.push_back(std::make_unique<Slot>(sim_));
            slots_.back()->owner = this;
        }
        const int32_t o = queue_.front();
        queue_.pop_front();
        Slot& s = *slots_[index];
        s.object = o;
        s.connected = false;
        s.requests = 0;
        s.no_reuse = false;
        s.got_bytes = false;
        tcp::SocketError err = tcp::SocketError::None;
        s.tcp = host_.tcp().connect(host_.address(), config_.server, this, index, &err);
        if (s.tcp != nullptr && config_.so_keepalive) s.tcp->set_keepalive(true);
        if (s.tcp == nullptr) {
            s.object = -1;
            object_failed(o, Failure::NoPort);
            continue;
        }
        ++stats_.connections_opened;
        objects_[static_cast<size_t>(o)].sent = sim_.now();
        if (config_.request_timeout) s.request_timer.arm(*config_.request_timeout);
    }
}

void Browser::send_request(Slot& s, int32_t object) {
    Object& o = objects_[static_cast<size_t>(object)];
    s.object = object;
    s.got_bytes = false;
    s.idle.disarm();
    o.sent = sim_.now();
    net::AppMessage req;
    req.bytes = config_.page.request_bytes;
    req.kind = kRequest;
    req.object = object;
    req.reply_bytes = o.bytes;
    req.tag = page_;
    ++stats_.requests;
    LVS_TRACE(sim_, entity_, trace::kind::http_request)
        .f("page", page_)
        .f("object", object)
        .f("conn", s.tcp->id())
        .f("reused", s.requests > 0);
    if (config_.request_timeout) s.request_timer.arm(*config_.request_timeout);
    if (s.tcp->send(req) != tcp::SocketError::None) connection_lost(s, Failure::Reset, true);
}

void Browser::on_connected(tcp::TcpConn& c) {
    Slot& s = slot_of(c);
    s.connected = true;
    if (s.object >= 0) send_request(s, s.object);
    else dispatch();
}

void Browser::on_bytes(tcp::TcpConn& c, uint32_t) { slot_of(c).got_bytes = true; }

void Browser::on_message(tcp::TcpConn& c, const net::AppMessage& m) {
    Slot& s = slot_of(c);
    if (m.kind != kResponse || s.object < 0 || static_cast<uint32_t>(s.object) != m.object || m.tag != page_)
        return;
    const int32_t o = s.object;
    s.object = -1;
    s.request_timer.disarm();
    ++s.requests;
    if (m.flags & kConnectionClose) s.no_reuse = true;
    object_ok(o);
    if (s.tcp == nullptr) return;
    if (!s.no_reuse) s.idle.arm(config_.profile.keepalive_timeout);
    dispatch();
}

void Browser::on_eof(tcp::TcpConn& c) {
    Slot& s = slot_of(c);
    // The server closed: an idle connection simply goes; an outstanding request failed with
    // "connection closed" (retried once if the connection had served requests before).
    if (s.object >= 0) connection_lost(s, Failure::Reset, true);
    if (s.tcp != nullptr) close_slot(s, false);
    dispatch();
}

void Browser::on_error(tcp::TcpConn& c, tcp::SocketError e) {
    Slot& s = slot_of(c);
    s.tcp = nullptr;  // the connection is gone already
    LVS_TRACE(sim_, entity_, trace::kind::http_conn_error)
        .f("conn", c.id())
        .f("error", tcp::to_string(e))
        .f("object", s.object);
    if (s.object >= 0) {
        switch (e) {
            case tcp::SocketError::Refused: connection_lost(s, Failure::Refused, false); break;
            case tcp::SocketError::TimedOut: connection_lost(s, Failure::Timeout, false); break;
            default: connection_lost(s, Failure::Reset, true); break;
        }
    }
    release_slot(s);
    dispatch();
}

void Browser::connection_lost(Slot& s, Failure why, bool retryable) {
    const int32_t o = s.object;
    s.object = -1;
    s.request_timer.disarm();
    Object& obj = objects_[static_cast<size_t>(o)];
    if (retryable && s.requests > 0 && !s.got_bytes && obj.attempts == 0) {
        // Stale keep-alive connection: resend once on a fresh connection.
        ++obj.attempts;
        obj.needs_fresh = true;
        ++stats_.retries;
        LVS_TRACE(sim_, entity_, trace::kind::http_retry).f("page", page_).f("object", o);
        queue_.push_front(o);
        s.no_reuse = true;
        return;
    }
    object_failed(o, why);
    s.no_reuse = true;
}

void Browser::on_idle_timeout(Slot& s) {
    if (s.tcp == nullptr || s.object >= 0) return;
    LVS_TRACE(sim_, entity_, trace::kind::http_idle_close)
        .f("conn", s.tcp->id())
        .f("method", config_.profile.close == CloseMethod::Fin ? "fin" : "rst");
    close_slot(s, config_.profile.close == CloseMethod::Rst);
}

void Browser::on_request_timeout(Slot& s) {
    if (s.tcp == nullptr || s.object < 0) return;
    LVS_TRACE(sim_, entity_, trace::kind::http_request_timeout).f("conn", s.tcp->id()).f("object", s.object);
    const int32_t o = s.object;
    s.object = -1;
    object_failed(o, Failure::Timeout);
    close_slot(s, false);
    dispatch();
}

void Browser::close_slot(Slot& s, bool rst) {
    if (s.tcp == nullptr) return;
    tcp::TcpConn* c = s.tcp;
    s.tcp = nullptr;
    if (rst) c->abort();
    else c->close();
    release_slot(s);
}

void Browser::release_slot(Slot& s) {
    s.idle.disarm();
    s.request_timer.disarm();
    s.tcp = nullptr;
    s.object = -1;
    s.connected = false;
    ++stats_.connections_closed;
    stats_.requests_on_closed_conns += s.requests;
    s.requests = 0;
}

void Browser::object_ok(int32_t object) {
    Object& o = objects_[static_cast<size_t>(object)];
    if (o.done) return;
    o.done = true;
    note_wait(o);
    ++stats_.objects_ok;
    --outstanding_;
    if (object == 0) {
        // The HTML arrived: its embedded objects are requested now.
        const PageSpec& p = config_.page;
        for (uint32_t i = 1; i <= p.objects; ++i) {
            const double v = p.object_bytes.sample(rng_);
            objects_.push_back(
                Object{static_cast<uint32_t>(std::clamp(v, 1.0, double{net::kMaxMessageBytes})),
                       static_cast<uint16_t>(i),
                       0,
                       false,
                       false,
                       {}});
            queue_.push_back(static_cast<int32_t>(objects_.size() - 1));
            ++outstanding_;
            ++stats_.objects_started;
        }
    }
    maybe_page_done();
}

void Browser::object_failed(int32_t object, Failure why) {
    Object& o = objects_[static_cast<size_t>(object)];
    if (o.done) return;
    o.done = true;
    note_wait(o);
    ++stats_.objects_failed;
    ++page_failed_;
    switch (why) {
        case Failure::Refused: ++stats_.failed_refused; break;
        case Failure::Reset: ++stats_.failed_reset; break;
        case Failure::Timeout: ++stats_.failed_timeout; break;
        case Failure::NoPort: ++stats_.failed_no_port; break;
    }
    static constexpr const char* kWhy[] = {"refused", "reset", "timeout", "no-port"};
    LVS_TRACE(sim_, entity_, trace::kind::http_object_failed)
        .f("page", page_)
        .f("object", object)
        .f("why", kWhy[static_cast<int>(why)]);
    --outstanding_;
    if (object == 0) {
        // Without the HTML there is nothing more to load on this page.
        outstanding_ = 0;
    }
    maybe_page_done();
}

void Browser::maybe_page_done() {
    if (!page_active_ || outstanding_ != 0) return;
    page_active_ = false;
    ++stats_.pages_completed;
    if (page_failed_ > 0) ++stats_.pages_with_failures;
    const double ms = (sim_.now() - page_start_).millis();
    stats_.load_ms.push_back(ms);
    LVS_TRACE(sim_, entity_, trace::kind::http_page_done)
        .f("page", page_)
        .f("load_ms", ms)
        .f("failed", page_failed_);
    schedule_next_load(true);
}

}  // namespace lvs::http
