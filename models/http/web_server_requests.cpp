// A web server's requests on a connection: serving them with its workers, HTTP/1.1's
// keep-alive or `Connection: close`, the TLS handshake, and HTTP/2 streams, SETTINGS, PING and
// GOAWAY. The process, its connections and its ways of stopping are in web_server.cpp.
#include <algorithm>

#include "models/http/http_message.hpp"
#include "models/http/web_server.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::http {

void WebServer::on_message(tcp::TcpConn& t, const net::AppMessage& m) {
    Conn& c = conn_of(t);
    c.tcp = &t;
    switch (m.kind) {
        case kRequest:
        case kHealthCheck: on_request(c, m); break;
        case kTlsClientHello: on_request(c, m); break;  // a worker's work, like a request
        case kTlsClientFinished:
            if (c.tls == TlsPhase::AwaitClientFinished) {
                c.tls = TlsPhase::Done;
                send_control(c, kTlsServerFinished,
                             tls_flights(TlsVersion::Tls12, false, config_.tls).server_finished);
                h2_preface(c);
            }
            break;
        case kH2Ping: send_control(c, kH2PingAck, kH2PingBytes); break;
        case kH2RstStream: cancel_stream(c, m); break;
        default: break;  // close_notify: the FIN follows
    }
    trace_workers();
}

void WebServer::send_control(Conn& c, uint16_t kind, uint32_t bytes, uint32_t object) {
    net::AppMessage m;
    m.bytes = c.tls == TlsPhase::Done ? tls_record_bytes(bytes) : bytes;
    m.kind = kind;
    m.object = object;
    c.tcp->send(m);
}

// The client cancelled a stream (RST_STREAM): its request is dropped, served or not, and its
// worker freed; nginx finalizes the request without a response (ngx_http_v2_state_rst_stream).
void WebServer::cancel_stream(Conn& c, const net::AppMessage& m) {
    for (uint32_t i = c.first; i != kNone; i = exchanges_[i]->next) {
        Exchange& e = *exchanges_[i];
        if (e.request.object != m.object || e.request.tag != m.tag) continue;
        account();
        release_exchange(e);
        if (c.exchanges == 0) after_exchange(c, false);
        free_worker();
        return;
    }
}

uint32_t WebServer::now_ms() const {
    return static_cast<uint32_t>((sim_.now() - sim::Time{}).ns() / 1'000'000);
}

// A ticket resumes the session only if this server's key sealed it and it has not expired
// (nginx ssl_session_timeout; without shared ticket keys each server has its own key).
bool WebServer::resumes(const net::AppMessage& hello) const {
    const TlsTicket offered = TlsTicket::unpack(hello.tag);
    return offered.key != 0 && offered.key == ticket_key_ &&
           sim::ms(now_ms() - offered.issued_ms) < config_.tls.session_timeout;
}

void WebServer::on_client_hello(Conn& c, const net::AppMessage& m) {
    const bool tls12 = (m.flags & kTls12) != 0 || config_.tls.max_version == TlsVersion::Tls12;
    const uint32_t now_ms = this->now_ms();
    const bool resumed = resumes(m);
    c.h2 = (m.flags & kAlpnH2) != 0 && config_.http2;
    const TlsFlights f = tls_flights(tls12 ? TlsVersion::Tls12 : TlsVersion::Tls13, resumed, config_.tls);
    ++(resumed ? stats_.tls_resumed : stats_.tls_full);
    net::AppMessage hello;
    hello.bytes = f.server_hello;
    hello.kind = kTlsServerHello;
    hello.flags =
        static_cast<uint16_t>((c.h2 ? kAlpnH2 : 0) | (resumed ? kResumed : 0) | (tls12 ? kTls12 : 0));
    // A new ticket on every TLS 1.3 handshake; a resumed TLS 1.2 session keeps its ticket, so it
    // expires session_timeout after its full handshake (nginx ngx_ssl_ticket_key_callback renews
    // tickets only for TLS 1.3).
    hello.tag = resumed && tls12 ? m.tag : TlsTicket{ticket_key_, now_ms}.pack();
    // The server's SETTINGS ride in the same flight (TLS 1.3's 0.5-RTT data; behind TLS 1.2's
    // Finished): the client knows the stream limit before its first request.
    hello.object = c.h2 ? config_.h2_max_streams : 0;
    c.tcp->send(hello);
    if (f.two_round_trips) {
        c.tls = TlsPhase::AwaitClientFinished;
        return;
    }
    c.tls = TlsPhase::Done;
    h2_preface(c);
}

// The server's connection preface goes right behind its handshake flight. A connection whose
// handshake ends after a reload gets GOAWAY with last stream 0 at once (nginx
// ngx_http_v2_init when ngx_exiting): its streams go to another connection.
void WebServer::h2_preface(Conn& c) {
    if (!c.h2) return;
    send_control(c, kH2Settings, kH2ServerSettingsBytes, config_.h2_max_streams);
    if (!c.close_after && running_) return;
    send_goaway(c);
    linger(c);
}

// nginx checks its limits when a stream's HEADERS arrive (ngx_http_v2_state_headers): past
// keepalive_requests or keepalive_time, or with keepalive off, this stream is the last it takes.
bool WebServer::h2_limit_reached(const Conn& c) const {
    return !config_.keepalive || (config_.max_requests != 0 && c.streams > config_.max_requests) ||
           (config_.keepalive_time > sim::Duration{} && sim_.now() - c.accepted_at >= config_.keepalive_time);
}

void WebServer::on_request(Conn& c, const net::AppMessage& m) {
    if ((m.flags & kStream) != 0) {
        const uint32_t stream = 2 * ++c.streams - 1;
        // After GOAWAY, streams above its last stream id are ignored (RFC 9113 section 6.8):
        // the client sends them again elsewhere.
        if (c.goaway_sent && stream > c.goaway_last) {
            ++stats_.streams_refused;
            return;
        }
        if (!c.goaway_sent && h2_limit_reached(c)) {
            ++stats_.max_request_closes;
            send_goaway(c);
        }
    }
    c.idle.disarm();
    Exchange& e = *exchanges_[alloc_exchange(c, m)];
    if (config_.model == WorkerModel::Prefork || busy_ < config_.workers) {
        serve(e);
    } else {
        e.waiting = true;
        ++stats_.requests_waited;
        waiting_.push_back(e.index);
        stats_.queued_peak = std::max<uint64_t>(stats_.queued_peak, waiting_.size());
    }
}

uint32_t WebServer::alloc_exchange(Conn& c, const net::AppMessage& m) {
    uint32_t i = 0;
    if (!free_exchanges_.empty()) {
        i = free_exchanges_.back();
        free_exchanges_.pop_back();
    } else {
        i = static_cast<uint32_t>(exchanges_.size());
        exchanges_.push_back(std::make_unique<Exchange>(sim_));
        exchanges_.back()->owner = this;
        exchanges_.back()->index = i;
    }
    Exchange& e = *exchanges_[i];
    e.conn = c.index;
    e.request = m;
    e.serving = e.waiting = false;
    e.next = c.first;
    c.first = i;
    ++c.exchanges;
    return i;
}

void WebServer::release_exchange(Exchange& e) {
    Conn& c = *conns_[e.conn];
    for (uint32_t* link = &c.first; *link != kNone; link = &exchanges_[*link]->next) {
        if (*link != e.index) continue;
        *link = e.next;
        break;
    }
    e.next = kNone;
    --c.exchanges;
    e.done.disarm();
    if (e.serving) {
        e.serving = false;
        --busy_;
    }
    if (e.waiting) {
        waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), e.index), waiting_.end());
        e.waiting = false;
    }
    free_exchanges_.push_back(e.index);
}

void WebServer::serve(Exchange& e) {
    account();
    e.serving = true;
    ++busy_;
    stats_.busy_peak = std::max<uint64_t>(stats_.busy_peak, busy_);
    if (e.request.kind == kTlsClientHello) {
        // The handshake's private-key work holds a worker too (and no random draw).
        e.done.arm(resumes(e.request) ? config_.tls.resumed_handshake_cpu : config_.tls.full_handshake_cpu);
        return;
    }
    const sim::Duration service = sample_duration(config_.service, rng_);
    stats_.service_time += service;
    e.done.arm(service);
}

void WebServer::on_served(Exchange& e) {
    account();
    Conn& c = *conns_[e.conn];
    if (e.request.kind == kTlsClientHello) {
        const net::AppMessage hello = e.request;
        release_exchange(e);
        on_client_hello(c, hello);
        free_worker();
        trace_workers();
        return;
    }
    ++c.requests;
    ++stats_.requests;
    const net::AppMessage& q = e.request;
    // HTTP/1.1's limits apply when a response is written; HTTP/2's were checked at HEADERS.
    const bool limit =
        !c.h2 &&
        ((config_.max_requests != 0 && c.requests >= config_.max_requests) ||
         (config_.keepalive_time > sim::Duration{} && sim_.now() - c.accepted_at >= config_.keepalive_time));
    const bool asked = (q.flags & kConnectionClose) != 0;  // the client sent Connection: close
    const bool close =
        (!config_.keepalive && !c.h2) || limit || c.close_after || !running_ || asked || draining_;
    net::AppMessage r;
    r.bytes = std::max<uint32_t>(q.reply_bytes, 1);
    if (c.tls == TlsPhase::Done) r.bytes = tls_record_bytes(r.bytes);
    r.kind = q.kind == kHealthCheck ? kHealthCheck : kResponse;
    // A health check's answer carries its status code where a response carries its object.
    r.object = q.kind == kHealthCheck ? (checks_failing_ ? 503u : config_.check_status) : q.object;
    r.tag = q.tag;
    r.flags = close && !c.h2 ? kConnectionClose : 0;
    LVS_TRACE(sim_, entity_, trace::kind::http_response)
        .f("conn", c.tcp->id())
        .f("bytes", r.bytes)
        .f("close", close);
    c.tcp->send(r);
    release_exchange(e);
    if (close && limit) ++stats_.max_request_closes;
    after_exchange(c, close);
    free_worker();
    trace_workers();
}

void WebServer::after_exchange(Conn& c, bool close) {
    if (!c.h2) {
        if (close) close_conn(c);
        else c.idle.arm(config_.keepalive_timeout);
        return;
    }
    // HTTP/2's `Connection: close` is GOAWAY; the connection ends with its last stream.
    if (close && !c.goaway_sent) send_goaway(c);
    if (c.goaway_sent) {
        if (c.exchanges == 0) linger(c);
        return;
    }
    if (c.exchanges == 0) c.idle.arm(config_.keepalive_timeout);
}

void WebServer::send_goaway(Conn& c) {
    c.goaway_sent = true;
    c.goaway_last = c.streams == 0 ? 0 : 2 * c.streams - 1;
    ++stats_.goaway_sent;
    LVS_TRACE(sim_, entity_, trace::kind::http_server_goaway)
        .f("conn", c.tcp->id())
        .f("last_stream", c.goaway_last)
        .f("open_streams", c.exchanges);
    send_control(c, kH2Goaway, kH2GoawayBytes, c.goaway_last);
}

// After GOAWAY the client may still be sending streams it opened before the frame reached it:
// closing now would answer them with a RST that also throws away the GOAWAY and responses not
// yet sent. nginx closes an HTTP/2 connection with a lingering close (ngx_http_v2.c
// ngx_http_v2_lingering_close, since 1.19.1): shutdown(SHUT_WR), then read and discard until the
// client's FIN or lingering_timeout (5 s).
void WebServer::linger(Conn& c) {
    if (c.lingering || c.tcp == nullptr) return;
    c.lingering = true;
    if (c.tls == TlsPhase::Done && !c.tcp->peer_closed()) send_control(c, kTlsCloseNotify, kCloseNotifyBytes);
    c.tcp->shutdown_write();
    c.idle.arm(sim::s(5));
}

void WebServer::free_worker() {
    // Event model: the freed worker takes the oldest waiting request.
    while (config_.model == WorkerModel::Event && !waiting_.empty() && busy_ < config_.workers) {
        Exchange& next = *exchanges_[waiting_.front()];
        waiting_.pop_front();
        next.waiting = false;
        serve(next);
    }
}

void WebServer::on_idle_timeout(Conn& c) {
    if (c.lingering) {
        close_conn(c);
        trace_workers();
        return;
    }
    if (c.tcp == nullptr || c.exchanges > 0) return;
    ++stats_.keepalive_closes;
    LVS_TRACE(sim_, entity_, trace::kind::http_keepalive_close)
        .f("conn", c.tcp->id())
        .f("requests", c.requests);
    // nginx's h2 idle handler: GOAWAY(NO_ERROR), then close (ngx_http_v2_finalize_connection).
    if (c.h2) {
        if (!c.goaway_sent) send_goaway(c);
        linger(c);
        return;
    }
    close_conn(c);
    trace_workers();
}

void WebServer::on_eof(tcp::TcpConn& t) {
    Conn& c = conn_of(t);
    c.tcp = &t;
    if (c.exchanges > 0) {
        c.close_after = true;  // answer, then close (the client may already be gone)
        return;
    }
    close_conn(c);
    trace_workers();
}

// nginx closes only the connections waiting idle for their next request (ngx_close_idle_connections
// closes those marked c->idle); a connection that has not sent its first request yet, or is in
// its TLS handshake, is answered first: with Connection: close, or GOAWAY after its handshake.
void WebServer::close_gracefully() {
    for (auto& p : conns_) {
        Conn& c = *p;
        if (!c.active) continue;
        if (c.h2 && c.tls == TlsPhase::Done && c.tcp != nullptr) {
            if (!c.goaway_sent) send_goaway(c);
            if (c.exchanges == 0) linger(c);
            continue;
        }
        if (c.tcp == nullptr || c.exchanges > 0 || c.requests == 0) c.close_after = true;
        else close_conn(c);
    }
}

}  // namespace lvs::http
