// A client's pages and load schedule; its connections are in browser_connections.cpp.
#include "models/http/browser.hpp"

#include <algorithm>

#include "models/http/http_message.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::http {

Browser::Browser(net::Host& host, std::string name, const BrowserConfig& config, BrowserStats& stats)
    : host_(host),
      sim_(host.tcp().sim()),
      name_(std::move(name)),
      entity_(sim_.add_entity(name_)),
      config_(config),
      stats_(stats),
      rng_(sim_.stream(name_)),
      next_load_(
          sim_, [this] { config_.schedule.kind == LoadSchedule::Kind::Replay ? replay_due() : load_page(); }),
      page_spec_(&config_.page) {
    slots_.reserve(config_.profile.max_connections == 0
                       ? kMaxSlots
                       : std::min<size_t>(config_.profile.max_connections, kMaxSlots));
    if (!config_.https) alpn_ = Alpn::Http1;  // browsers speak h2 only over TLS
    else if (!config_.profile.http2) alpn_ = Alpn::Http1;
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
        case LoadSchedule::Kind::Replay:
            // Each logged request is an object of its own: no page document to wait for.
            config_.page.document = false;
            if (!s.replay.empty()) next_load_.arm_at(std::max(s.replay[0].at, sim_.now()));
            break;
        default: next_load_.arm_at(std::max(s.start, sim_.now()));
    }
}

void Browser::begin_session(const BrowserConfig& config) {
    config_ = config;
    page_spec_ = &config_.page;
    alpn_ = config_.https && config_.profile.http2 ? Alpn::Unknown : Alpn::Http1;
    ticket_ = 0;
    known_streams_ = 100;
    deferred_ = false;
    in_session_ = true;
    ++stats_.sessions_started;
    stats_.sessions_peak =
        std::max(stats_.sessions_peak, stats_.sessions_started - stats_.sessions_completed);
    const double pages = std::round(config_.session.pages.sample(rng_));
    session_pages_left_ = static_cast<uint32_t>(std::clamp(pages, 1.0, 1e6));
    LVS_TRACE(sim_, entity_, trace::kind::http_session_start)
        .f("address", host_.address().str())
        .f("pages", session_pages_left_);
    start();
}

// The visit's last page is done: the user leaves. A browser keeps its idle connections
// until its keep-alive timeout, as an open tab would; a program ends, and its connections
// close with it; a browser that never times idle connections out is closed with the tab.
void Browser::end_session() {
    in_session_ = false;
    reloading_ = false;
    next_load_.disarm();
    ++stats_.sessions_completed;
    stats_.session_pages += session_loads_;
    session_loads_ = 0;
    LVS_TRACE(sim_, entity_, trace::kind::http_session_end).f("pages", page_);
    const bool close_now =
        config_.profile.kind == ClientKind::Api || config_.profile.keepalive_timeout == sim::Duration{};
    if (close_now)
        for (auto& sp : slots_)
            if (sp->tcp != nullptr && sp->inflight.empty()) close_slot(*sp, false);
    maybe_free();
}

void Browser::maybe_free() {
    if (in_session_ || !on_free_ || open_connections() != 0 || page_active_) return;
    // Once per visit: the pool hands this host to the next arrival.
    auto f = std::move(on_free_);
    on_free_ = nullptr;
    f(*this);
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
        case LoadSchedule::Kind::Replay: return;  // replay_due() arms its own timer
    }
    if (next > s.stop) return;
    next_load_.arm_at(next);
}

void Browser::load_page() {
    if (!reloading_ || sim_.now() > config_.schedule.stop) return;
    if (config_.session.enabled && !page_active_ && session_pages_left_ == 0) return end_session();
    if (page_active_ && config_.profile.kind == ClientKind::Api) {
        // An API client's worker makes one call at a time: the next leaves when this one ends.
        deferred_ = true;
        return;
    }
    if (page_active_) {
        // A reload while the page is still loading: outstanding requests are aborted and
        // their connections closed; objects not yet fetched count as aborted.
        uint32_t aborted = 0;
        for (auto& sp : slots_) {
            Slot& s = *sp;
            if (s.tcp == nullptr || s.inflight.empty()) continue;
            for (const int32_t o : s.inflight) note_wait(objects_[static_cast<size_t>(o)]);
            // HTTP/1.1 can only abort a request by closing its connection; HTTP/2 cancels each
            // stream with RST_STREAM and keeps the connection (Chromium's SpdyStream::Cancel).
            if (s.h2 && s.phase == Phase::Ready) {
                cancel_streams(s);
            } else if (s.tls && s.phase != Phase::Ready) {
                // A connection still in its handshake is kept for what comes next (Chromium
                // lets the connect job finish and pools the socket).
                s.inflight.clear();
                s.request_timer.disarm();
            } else {
                close_slot(s, false);
            }
            s.inflight.clear();
        }
        for (const Object& o : objects_) aborted += o.done ? 0 : 1;
        queue_.clear();
        stats_.objects_aborted += aborted;
        ++stats_.pages_aborted;
        LVS_TRACE(sim_, entity_, trace::kind::http_page_abort).f("page", page_).f("aborted", aborted);
        page_active_ = false;
    }
    begin_page();
    if (config_.session.enabled && session_pages_left_ > 0) {
        --session_pages_left_;
        ++session_loads_;
    }
    choose_page();
    LVS_TRACE(sim_, entity_, trace::kind::http_page_start).f("page", page_);
    if (page().document) {
        objects_.push_back(Object{page().html_bytes, 0, 0, false, false, {}, 0, 0, page().idempotent});
        ++stats_.objects_started;
        outstanding_ = 1;
        queue_.push_back(0);
    } else {
        add_objects();
    }
    schedule_next_load(false);
    dispatch();
}

void Browser::begin_page() {
    ++page_;
    ++stats_.pages_started;
    page_start_ = sim_.now();
    page_active_ = true;
    page_failed_ = 0;
    objects_.clear();
    outstanding_ = 0;
}

void Browser::choose_page() {
    page_spec_ = &config_.page;
    if (config_.mix.empty()) return;
    double total = 0;
    for (const PageChoice& c : config_.mix) total += c.weight;
    double x = rng_.uniform01() * total;
    size_t k = 0;
    while (k + 1 < config_.mix.size() && x >= config_.mix[k].weight) x -= config_.mix[k++].weight;
    page_spec_ = &config_.mix[k].page;
    if (stats_.pages_by_choice.size() < config_.mix.size()) stats_.pages_by_choice.resize(config_.mix.size());
    ++stats_.pages_by_choice[k];
}

// The logged requests due now join what is outstanding; a burst that starts with nothing
// outstanding counts as a page (its load time: until the burst's last response).
void Browser::replay_due() {
    const std::vector<ReplayedRequest>& r = config_.schedule.replay;
    if (!reloading_ || next_time_ >= r.size()) return;
    if (!page_active_) {
        begin_page();
        LVS_TRACE(sim_, entity_, trace::kind::http_page_start).f("page", page_);
    }
    while (next_time_ < r.size() && r[next_time_].at <= sim_.now()) {
        const ReplayedRequest& q = r[next_time_++];
        const auto index = static_cast<uint16_t>(std::min<size_t>(objects_.size(), UINT16_MAX));
        objects_.push_back(Object{std::max(q.bytes, 1u), index, 0, false, false, {}, 0, 0, q.idempotent});
        queue_.push_back(static_cast<int32_t>(objects_.size() - 1));
        ++outstanding_;
        ++stats_.objects_started;
        ++stats_.replayed_requests;
    }
    if (next_time_ < r.size() && r[next_time_].at <= config_.schedule.stop)
        next_load_.arm_at(r[next_time_].at);
    dispatch();
}

uint32_t Browser::pending_objects() const { return page_active_ ? outstanding_ : 0; }

void Browser::note_wait(const Object& o) {
    // From the request's (last) send to its response, its failure or the reload that aborted it.
    if (o.sent == sim::Time{}) return;  // never sent (a request leaves after a handshake, never at 0)
    const sim::Duration waited = sim_.now() - o.sent;
    stats_.longest_outstanding_s = std::max(stats_.longest_outstanding_s, waited.seconds());
    if (waited >= kStall) ++stats_.stalls;
}

void Browser::object_ok(int32_t object) {
    Object& o = objects_[static_cast<size_t>(object)];
    if (o.done) return;
    o.done = true;
    note_wait(o);
    ++stats_.objects_ok;
    --outstanding_;
    // The HTML arrived: its embedded objects are requested now.
    if (object == 0 && page().document) add_objects();
    maybe_page_done();
}

void Browser::add_objects() {
    const PageSpec& p = page();
    const uint32_t first = p.document ? 1 : 0;
    for (uint32_t i = first; i < first + p.objects; ++i) {
        const double v = p.object_bytes.sample(rng_);
        objects_.push_back(Object{static_cast<uint32_t>(std::clamp(v, 1.0, double{net::kMaxMessageBytes})),
                                  static_cast<uint16_t>(i),
                                  0,
                                  false,
                                  false,
                                  {},
                                  0,
                                  0,
                                  p.idempotent});
        queue_.push_back(static_cast<int32_t>(objects_.size() - 1));
        ++outstanding_;
        ++stats_.objects_started;
    }
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
    if (object == 0 && page().document) {
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
    if (config_.session.enabled && in_session_ && session_pages_left_ == 0) return end_session();
    schedule_next_load(true);
    if (deferred_) {
        // The call that came due leaves now, as an event of its own: this may run inside a
        // connection's callback, which must finish with that connection first.
        deferred_ = false;
        next_load_.arm_at(sim_.now());
    }
}

}  // namespace lvs::http
