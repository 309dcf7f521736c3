// A client's connections: which one carries a request, the TLS handshake, HTTP/2 streams,
// GOAWAY and PING, idle timeouts, and the retry-or-fail rule when a connection goes.
#include <algorithm>

#include "models/http/browser.hpp"
#include "models/http/http_message.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::http {

uint32_t Browser::open_connections() const {
    uint32_t n = 0;
    for (const auto& s : slots_) n += s->tcp != nullptr;
    return n;
}

uint32_t Browser::stream_limit(const Slot& s) const {
    // A connection whose ALPN chose HTTP/1.1 (a server without h2 in a farm with it) carries one
    // request at a time.
    if (s.phase == Phase::Ready && !s.h2) return 1;
    const uint32_t own = config_.profile.max_streams;
    return own == 0 ? s.max_streams : std::min(own, s.max_streams);
}

void Browser::dispatch() {
    while (!queue_.empty()) {
        if (alpn_ != Alpn::Http1) {
            if (!dispatch_h2(queue_.front())) return;
            continue;
        }
        // An idle connection is reused before a new one is opened (the most recently used
        // first, as browsers prefer warm sockets) - except for a retry, which needs a fresh one.
        const bool fresh = objects_[static_cast<size_t>(queue_.front())].needs_fresh;
        Slot* idle = nullptr;
        for (auto& sp : slots_) {
            Slot& s = *sp;
            if (s.idle_now() && !s.no_reuse && !s.tcp->peer_closed())
                if (idle == nullptr || s.idle.deadline() > idle->idle.deadline()) idle = &s;
        }
        if (idle != nullptr && !fresh) {
            const int32_t o = queue_.front();
            queue_.pop_front();
            send_request(*idle, o);
            continue;
        }
        const uint32_t limit = config_.profile.max_connections;
        if (limit != 0 && open_connections() >= limit) {
            // At the per-host limit, an idle socket is closed to make room for the retry.
            if (!fresh || idle == nullptr) return;
            close_slot(*idle, false);
        }
        open_connection(queue_.front());
    }
}

// HTTP/2, or an HTTPS origin whose ALPN answer is not known yet. Returns false when the
// request has to wait (for a handshake, or a free stream).
bool Browser::dispatch_h2(int32_t o) {
    Slot* ready = nullptr;
    Slot* pending = nullptr;
    uint32_t active = 0;
    for (auto& sp : slots_) {
        Slot& s = *sp;
        if (s.tcp == nullptr || s.going_away || s.no_reuse || s.tcp->peer_closed()) continue;
        ++active;
        const bool room = s.inflight.size() < stream_limit(s);
        if (s.phase == Phase::Ready && room && ready == nullptr) ready = &s;
        if (s.phase != Phase::Ready && room && pending == nullptr) pending = &s;
    }
    if (ready != nullptr) {
        queue_.pop_front();
        send_request(*ready, o);
        return true;
    }
    if (alpn_ == Alpn::Unknown) {
        // The first connection decides: until its ALPN answer, the others wait for it.
        if (active > 0) return false;
        open_connection(o);
        return true;
    }
    if (pending != nullptr) {
        // Carried by the session being set up, sent once its handshake is done.
        queue_.pop_front();
        pending->inflight.push_back(o);
        objects_[static_cast<size_t>(o)].sent = sim_.now();
        return true;
    }
    const uint32_t limit = config_.profile.max_connections;
    const bool more = active == 0 || config_.profile.h2_more_connections;
    if (!more || (limit != 0 && open_connections() >= limit)) return false;
    open_connection(o);
    return true;
}

size_t Browser::new_slot() {
    for (size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i]->tcp == nullptr) return i;
    slots_.push_back(std::make_unique<Slot>(sim_));
    slots_.back()->owner = this;
    return slots_.size() - 1;
}

bool Browser::open_connection(int32_t o) {
    queue_.pop_front();
    const size_t index = new_slot();  // the connection's tag: its slot's index
    Slot& s = *slots_[index];
    s.inflight.clear();
    s.inflight.push_back(o);
    s.phase = Phase::Connecting;
    s.requests = 0;
    s.streams = 0;
    s.max_streams = known_streams_;  // until its SETTINGS arrive: the origin's last, else 100
    s.goaway_last = UINT32_MAX;
    s.h2 = false;
    s.tls = config_.https;
    s.going_away = false;
    s.no_reuse = false;
    s.got_bytes = false;
    s.ping_sent = false;
    s.connect_at = sim_.now();
    s.last_read = sim_.now();
    tcp::SocketError err = tcp::SocketError::None;
    s.tcp = host_.tcp().connect(host_.address(), config_.server, this, index, &err);
    if (s.tcp != nullptr && config_.so_keepalive) s.tcp->set_keepalive(true);
    if (s.tcp == nullptr) {
        s.inflight.clear();
        object_failed(o, Failure::NoPort);
        return false;
    }
    ++stats_.connections_opened;
    objects_[static_cast<size_t>(o)].sent = sim_.now();
    if (config_.request_timeout) s.request_timer.arm(*config_.request_timeout);
    return true;
}

void Browser::send_request(Slot& s, int32_t object) {
    s.inflight.push_back(object);
    transmit(s, object);
}

void Browser::transmit(Slot& s, int32_t object) {
    Object& o = objects_[static_cast<size_t>(object)];
    if (!s.h2 || s.inflight.size() == 1) s.got_bytes = false;
    s.idle.disarm();
    o.sent = sim_.now();
    net::AppMessage req;
    req.bytes = page().request_bytes;
    req.kind = kRequest;
    req.object = static_cast<uint32_t>(object);
    req.reply_bytes = o.bytes;
    req.tag = page_;
    if (s.h2) {
        req.flags |= kStream;
        o.stream = 2 * s.streams + 1;
        if (s.streams == 0) req.bytes += kH2ClientPrefaceBytes;
        ++s.streams;
        const PingPolicy& ping = config_.profile.ping;
        if (ping.mode == PingPolicy::Mode::BeforeUse && !s.ping_sent &&
            sim_.now() - s.last_read >= ping.after)
            send_ping(s);
    }
    if (s.tls) req.bytes = tls_record_bytes(req.bytes);
    ++stats_.requests;
    LVS_TRACE(sim_, entity_, trace::kind::http_request)
        .f("page", page_)
        .f("object", object)
        .f("conn", s.tcp->id())
        .f("reused", s.requests > 0);
    if (config_.request_timeout && (!s.h2 || !s.request_timer.armed()))
        s.request_timer.arm(*config_.request_timeout);
    if (s.tcp->send(req) != tcp::SocketError::None) connection_lost(s, Failure::Reset, true);
}

void Browser::send_ping(Slot& s) {
    s.ping_sent = true;
    net::AppMessage ping;
    ping.bytes = tls_record_bytes(kH2PingBytes);
    ping.kind = kH2Ping;
    s.tcp->send(ping);
    s.ping.arm(config_.profile.ping.timeout);
}

void Browser::cancel_streams(Slot& s) {
    for (const int32_t o : s.inflight) {
        net::AppMessage rst;
        rst.bytes = tls_record_bytes(kH2RstStreamBytes);
        rst.kind = kH2RstStream;
        rst.object = static_cast<uint32_t>(o);
        rst.tag = page_;
        s.tcp->send(rst);
    }
    s.inflight.clear();
    s.request_timer.disarm();
    became_idle(s);
}

void Browser::on_connected(tcp::TcpConn& c) {
    Slot& s = slot_of(c);
    if (!s.tls) {
        on_ready(s);
        return;
    }
    s.phase = Phase::Handshake;
    net::AppMessage hello;
    hello.bytes = config_.profile.tls.client_hello_bytes;
    hello.kind = kTlsClientHello;
    hello.flags = alpn_ != Alpn::Http1 ? kAlpnH2 : 0;
    if (config_.profile.tls.max_version == TlsVersion::Tls12) hello.flags |= kTls12;
    hello.tag = ticket_;
    s.tcp->send(hello);
}

void Browser::on_tls(Slot& s, const net::AppMessage& m) {
    if (m.kind == kTlsServerFinished) {
        if (s.phase != Phase::Ready) on_ready(s);  // else False Start sent the requests already
        return;
    }
    const bool resumed = (m.flags & kResumed) != 0;
    const bool tls12 = (m.flags & kTls12) != 0;
    if (m.tag != 0) ticket_ = m.tag;  // NewSessionTicket (TLS 1.3) or the TLS 1.2 ticket
    ++(resumed ? stats_.tls_resumed : stats_.tls_full);
    s.h2 = (m.flags & kAlpnH2) != 0;
    if (s.h2 && m.object != 0) s.max_streams = known_streams_ = m.object;  // its SETTINGS, in the same flight
    if (alpn_ == Alpn::Unknown) alpn_ = s.h2 ? Alpn::Http2 : Alpn::Http1;
    if (s.h2) ++stats_.h2_sessions;
    const TlsFlights f =
        tls_flights(tls12 ? TlsVersion::Tls12 : TlsVersion::Tls13, resumed, TlsServerConfig{});
    net::AppMessage fin;
    fin.bytes = f.client_finished;
    fin.kind = kTlsClientFinished;
    s.tcp->send(fin);
    // TLS 1.2's full handshake waits for the server's ChangeCipherSpec and Finished; the
    // others may send the request right behind the client's Finished.
    if (!f.two_round_trips || config_.profile.tls.false_start) on_ready(s);
}

void Browser::on_ready(Slot& s) {
    s.phase = Phase::Ready;
    s.last_read = sim_.now();
    if (s.tls) {
        const double ms = (sim_.now() - s.connect_at).millis();
        stats_.tls_wait_ms += ms;
        LVS_TRACE(sim_, entity_, trace::kind::http_tls_done).f("conn", s.tcp->id()).f("h2", s.h2).f("ms", ms);
    }
    if (s.h2 && config_.profile.ping.mode == PingPolicy::Mode::Idle) s.ping.arm(config_.profile.ping.after);
    if (!s.h2 && !s.tls) {
        // Plain HTTP/1.1: the request that opened the connection, or the next one.
        if (!s.inflight.empty()) transmit(s, s.inflight.front());
        else dispatch();
        return;
    }
    if (!s.h2)
        while (s.inflight.size() > 1) {  // HTTP/1.1 after all: the others wait for a connection
            queue_.push_front(s.inflight.back());
            s.inflight.pop_back();
        }
    for (size_t k = 0; k < s.inflight.size() && s.tcp != nullptr; ++k) transmit(s, s.inflight[k]);
    if (s.tcp != nullptr && s.inflight.empty()) became_idle(s);
    dispatch();
}

void Browser::read_something(Slot& s) {
    s.last_read = sim_.now();
    if (!s.h2) return;
    s.ping_sent = false;
    if (config_.profile.ping.mode == PingPolicy::Mode::Idle) s.ping.arm(config_.profile.ping.after);
    else s.ping.disarm();
}

void Browser::on_bytes(tcp::TcpConn& c, uint32_t) {
    Slot& s = slot_of(c);
    s.got_bytes = true;
    read_something(s);
}

void Browser::on_message(tcp::TcpConn& c, const net::AppMessage& m) {
    Slot& s = slot_of(c);
    switch (m.kind) {
        case kResponse: on_response(s, m); return;
        case kTlsServerHello:
        case kTlsServerFinished: on_tls(s, m); return;
        case kH2Settings:
            s.max_streams = known_streams_ = m.object;
            dispatch();
            return;
        case kH2Goaway: on_goaway(s, m); return;
        default: return;
    }
}

void Browser::on_response(Slot& s, const net::AppMessage& m) {
    if (m.tag != page_) return;
    const auto it = std::find(s.inflight.begin(), s.inflight.end(), static_cast<int32_t>(m.object));
    if (it == s.inflight.end()) return;
    const int32_t o = *it;
    s.inflight.erase(it);
    if (s.inflight.empty()) s.request_timer.disarm();
    ++s.requests;
    if (m.flags & kConnectionClose) s.no_reuse = true;
    object_ok(o);
    if (s.tcp == nullptr) return;
    if (s.inflight.empty()) became_idle(s);
    if (s.tcp == nullptr) return;
    dispatch();
    if (s.tcp != nullptr && s.idle_now()) trim_idle(s);
}

void Browser::became_idle(Slot& s) {
    if (s.going_away) {
        // After GOAWAY the session ends with its last stream. The server closes it too (nginx's
        // lingering close: close_notify and FIN right behind the GOAWAY); the client closes once
        // that FIN is read, within a second. Chromium closes at once, having read the server's
        // close_notify and FIN with the GOAWAY when they came in the same segments; here each
        // message is its own train, and closing between them would turn them into a RST.
        if (s.tcp->peer_closed()) close_slot(s, false);
        else s.idle.arm(sim::s(1));
        return;
    }
    if (s.no_reuse) return;  // Connection: close: the server's FIN is on its way
    const sim::Duration t = s.h2 ? config_.profile.h2_idle_timeout : config_.profile.keepalive_timeout;
    if (t > sim::Duration{}) s.idle.arm(t);
}

void Browser::trim_idle(Slot& s) {
    // Go's Transport.tryPutIdleConn: beyond MaxIdleConnsPerHost an idle HTTP/1.1 connection is
    // closed (HTTP/2 connections live in the http2 package's own pool, which keeps them).
    const uint32_t keep = config_.profile.max_idle;
    if (keep == 0 || s.h2) return;
    uint32_t idle = 0;
    for (const auto& p : slots_) idle += p->idle_now() && !p->no_reuse && !p->h2;
    if (idle <= keep) return;
    ++stats_.idle_trims;
    LVS_TRACE(sim_, entity_, trace::kind::http_idle_close).f("conn", s.tcp->id()).f("method", "max-idle");
    close_slot(s, false);
}

void Browser::on_goaway(Slot& s, const net::AppMessage& m) {
    ++stats_.goaway;
    s.going_away = true;
    s.goaway_last = m.object;
    s.idle.disarm();
    LVS_TRACE(sim_, entity_, trace::kind::http_goaway)
        .f("conn", s.tcp->id())
        .f("last_stream", m.object)
        .f("open_streams", s.inflight.size());
    // Streams above the last stream id were not processed: they go again on another connection
    // (RFC 9113 section 8.7), whatever their method. Walked backwards so the queue keeps their order.
    // A request refused more often than the client retries fails (Chromium's kMaxRetryAttempts).
    lost_.clear();
    for (size_t k = s.inflight.size(); k-- > 0;) {
        const int32_t o = s.inflight[k];
        if (objects_[static_cast<size_t>(o)].stream <= m.object) continue;
        s.inflight.erase(s.inflight.begin() + static_cast<std::ptrdiff_t>(k));
        lost_.push_back(o);
    }
    for (const int32_t o : lost_) {
        Object& obj = objects_[static_cast<size_t>(o)];
        if (obj.refused++ >= config_.profile.refused_retries) continue;
        queue_.push_front(o);
        ++stats_.goaway_retries;
        LVS_TRACE(sim_, entity_, trace::kind::http_retry).f("page", page_).f("object", o);
    }
    if (s.inflight.empty()) became_idle(s);
    for (const int32_t o : lost_)
        if (objects_[static_cast<size_t>(o)].refused > config_.profile.refused_retries)
            object_failed(o, Failure::Reset);
    lost_.clear();
    dispatch();
}

void Browser::on_eof(tcp::TcpConn& c) {
    Slot& s = slot_of(c);
    // The server closed: an idle connection simply goes; an outstanding request failed with
    // "connection closed" (retried once if the connection had served requests before).
    if (!s.inflight.empty()) connection_lost(s, Failure::Reset, true);
    if (s.tcp != nullptr) close_slot(s, false);
    dispatch();
}

void Browser::on_error(tcp::TcpConn& c, tcp::SocketError e) {
    Slot& s = slot_of(c);
    // The connection is gone already; the slot stays taken (s.tcp) until it is released below,
    // so nothing that runs meanwhile opens a new connection in it.
    LVS_TRACE(sim_, entity_, trace::kind::http_conn_error)
        .f("conn", c.id())
        .f("error", tcp::to_string(e))
        .f("object", s.inflight.empty() ? -1 : s.inflight.front());
    if (!s.inflight.empty()) {
        switch (e) {
            case tcp::SocketError::Refused: connection_lost(s, Failure::Refused, false); break;
            case tcp::SocketError::TimedOut: connection_lost(s, Failure::Timeout, false); break;
            default: connection_lost(s, Failure::Reset, true); break;
        }
    }
    s.tcp = nullptr;
    release_slot(s);
    dispatch();
}

void Browser::connection_lost(Slot& s, Failure why, bool retryable) {
    s.request_timer.disarm();
    s.no_reuse = true;
    lost_.swap(s.inflight);
    s.inflight.clear();
    // Backwards, so that retries keep their order at the head of the queue. Only the request
    // whose response was arriving has seen bytes (responses come one after another here).
    for (size_t k = lost_.size(); k-- > 0;) {
        const int32_t o = lost_[k];
        Object& obj = objects_[static_cast<size_t>(o)];
        const bool partial = s.got_bytes && k == 0;
        const bool may = obj.idempotent || config_.profile.retry_non_idempotent;
        if (retryable && may && config_.profile.retry_reused && s.requests > 0 && !partial &&
            obj.attempts == 0) {
            // Stale keep-alive connection: resend once on a fresh connection.
            ++obj.attempts;
            obj.needs_fresh = true;
            ++stats_.retries;
            LVS_TRACE(sim_, entity_, trace::kind::http_retry).f("page", page_).f("object", o);
            queue_.push_front(o);
            continue;
        }
        object_failed(o, why);
    }
    lost_.clear();
}

void Browser::on_idle_timeout(Slot& s) {
    if (s.tcp == nullptr || !s.inflight.empty()) return;
    if (s.going_away) {
        close_slot(s, false);  // the server did not close within its second
        return;
    }
    LVS_TRACE(sim_, entity_, trace::kind::http_idle_close)
        .f("conn", s.tcp->id())
        .f("method", config_.profile.close == CloseMethod::Fin ? "fin" : "rst");
    close_slot(s, config_.profile.close == CloseMethod::Rst);
}

void Browser::on_request_timeout(Slot& s) {
    if (s.tcp == nullptr || s.inflight.empty()) return;
    LVS_TRACE(sim_, entity_, trace::kind::http_request_timeout)
        .f("conn", s.tcp->id())
        .f("object", s.inflight.front());
    connection_lost(s, Failure::Timeout, false);
    close_slot(s, false);
    dispatch();
}

void Browser::on_ping_timer(Slot& s) {
    if (s.tcp == nullptr) return;
    if (!s.ping_sent) {
        send_ping(s);  // Firefox: silent for ping.after
        return;
    }
    // Nothing read since the PING: the session is dead (Chromium's ERR_HTTP2_PING_FAILED).
    ++stats_.ping_failures;
    LVS_TRACE(sim_, entity_, trace::kind::http_ping_failed)
        .f("conn", s.tcp->id())
        .f("streams", s.inflight.size());
    if (!s.inflight.empty()) connection_lost(s, Failure::Reset, true);
    close_slot(s, false);
    dispatch();
}

void Browser::close_slot(Slot& s, bool rst) {
    if (s.tcp == nullptr) return;
    tcp::TcpConn* c = s.tcp;
    s.tcp = nullptr;
    if (rst) {
        c->abort();
    } else {
        // close_notify, unless the server has closed already (its socket would answer with RST).
        if (s.tls && s.phase == Phase::Ready && !c->peer_closed()) {
            net::AppMessage alert;
            alert.bytes = kCloseNotifyBytes;
            alert.kind = kTlsCloseNotify;
            c->send(alert);
        }
        c->close();
    }
    release_slot(s);
}

void Browser::release_slot(Slot& s) {
    s.idle.disarm();
    s.request_timer.disarm();
    s.ping.disarm();
    s.tcp = nullptr;
    s.inflight.clear();
    s.phase = Phase::Connecting;
    s.going_away = false;
    s.ping_sent = false;
    ++stats_.connections_closed;
    stats_.requests_on_closed_conns += s.requests;
    s.requests = 0;
    maybe_free();
}

}  // namespace lvs::http
