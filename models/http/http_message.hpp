// What travels in the simulated HTTP bytes (carried in net::AppMessage): HTTP/1.1 requests and
// responses, the TLS handshake's flights, and the HTTP/2 control frames that change behaviour.
#pragma once

#include <cstdint>

namespace lvs::http {

enum MessageKind : uint16_t {
    kRequest = 1,  // object: the object; reply_bytes: its size; tag: the page
    kResponse = 2,
    kHealthCheck = 3,
    kTlsClientHello = 4,     // tag: the session ticket offered (TlsTicket, 0: none)
    kTlsServerHello = 5,     // flags: version, resumed, ALPN h2; tag: the new ticket
    kTlsClientFinished = 6,  // the client's second flight
    kTlsServerFinished = 7,  // TLS 1.2 full handshake: the server's second flight
    kTlsCloseNotify = 8,
    kH2Settings = 9,  // object: SETTINGS_MAX_CONCURRENT_STREAMS
    kH2Goaway = 10,   // object: the last stream id the sender will process
    kH2Ping = 11,
    kH2PingAck = 12,
    kH2RstStream = 13,  // object, tag: the request cancelled (CANCEL)
};
// Response flag: the server closes the connection after this response (`Connection: close`).
constexpr uint16_t kConnectionClose = 1;
// ClientHello flags: the client offers h2 in ALPN. ServerHello flags: h2 was chosen; the
// session was resumed; TLS 1.2 (else 1.3).
constexpr uint16_t kAlpnH2 = 2;
constexpr uint16_t kResumed = 4;
constexpr uint16_t kTls12 = 8;
// Request flag: an HTTP/2 stream (its stream id is 2n-1 for the connection's n-th request).
constexpr uint16_t kStream = 16;
// Response status carried in AppMessage::tag for health checks and errors.
constexpr uint64_t kStatusOk = 200;

// HTTP/2 framing sizes (RFC 9113 sections 3.4 and 6): the client's connection preface with its
// SETTINGS and WINDOW_UPDATE; a PING frame (9-byte header + 8 bytes); a GOAWAY frame (9 + 8);
// RST_STREAM (9 + 4).
inline constexpr uint32_t kH2ClientPrefaceBytes = 24 + 9 + 18 + 13;
inline constexpr uint32_t kH2ServerSettingsBytes = 9 + 18 + 9;
inline constexpr uint32_t kH2PingBytes = 17;
inline constexpr uint32_t kH2GoawayBytes = 17;
inline constexpr uint32_t kH2RstStreamBytes = 13;

}  // namespace lvs::http
