// TLS as far as it changes timing and connection reuse: how many round trips a handshake takes
// before the first request may leave, how many bytes each flight carries, and when a session
// can be resumed. No cryptography: the records are byte counts.
//
// Flights (RFC 8446 section 2 for TLS 1.3, RFC 5246 section 7.3 for TLS 1.2):
//   TLS 1.3 full      ClientHello -> ServerHello..Finished -> client Finished + request  (1 RTT)
//   TLS 1.3 resumed   ClientHello+PSK -> ServerHello,EncryptedExtensions,Finished -> ...(1 RTT)
//   TLS 1.2 full      ClientHello -> ServerHello,Certificate,ServerKeyExchange,Done
//                     -> ClientKeyExchange,ChangeCipherSpec,Finished -> ChangeCipherSpec,Finished
//                     -> request                                                       (2 RTT)
//   TLS 1.2 resumed   ClientHello+ticket -> ServerHello,ChangeCipherSpec,Finished
//                     -> ChangeCipherSpec,Finished + request                           (1 RTT)
// 0-RTT early data is not modelled: browsers do not send it over TCP by default (see
// client_profile.cpp), and servers (nginx ssl_early_data off) refuse it by default.
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/time.hpp"

namespace lvs::http {

enum class TlsVersion : uint8_t { None, Tls12, Tls13 };
std::string_view to_string(TlsVersion v);

// A realserver's TLS side (nginx ssl_* directives, Apache mod_ssl).
struct TlsServerConfig {
    TlsVersion max_version = TlsVersion::Tls13;
    // How long a session (TLS 1.2 session ID or ticket, TLS 1.3 PSK ticket) can be resumed:
    // nginx ssl_session_timeout 5m, Apache SSLSessionCacheTimeout 300.
    sim::Duration session_timeout = sim::s(300);
    // Whether realservers share ticket keys (nginx ssl_session_ticket_key on every server, a
    // shared session cache). Without it each server makes its own keys at start, so a ticket
    // issued by rs1 cannot resume a session on rs2: behind a load balancer a reconnect that
    // lands elsewhere pays a full handshake.
    bool shared_ticket_keys = false;
    // The certificate chain in the Certificate message: a leaf and one intermediate, RSA-2048,
    // about 1.4 kB each in DER.
    uint32_t certificate_bytes = 2'900;
    // A worker's time for a handshake: a full one signs with the RSA-2048 key (`openssl speed
    // rsa2048`: 1000-2000 signatures a second on one current x86 core, so about 1 ms), a resumed
    // one only derives keys. Measure yours with openssl speed; these are orders of magnitude.
    sim::Duration full_handshake_cpu = sim::us(1'000);
    sim::Duration resumed_handshake_cpu = sim::us(50);
};

// The client hello's size: 512 bytes for a client without post-quantum key shares (BoringSSL
// and NSS pad to 512), about 1.8 kB with X25519MLKEM768 (Chrome 131+, Firefox 132+).
struct TlsClientConfig {
    TlsVersion max_version = TlsVersion::Tls13;
    uint32_t client_hello_bytes = 512;
    // TLS False Start (RFC 7918): a TLS 1.2 full handshake lets the request leave with the
    // client's Finished, one round trip early (Chromium ssl_client_socket_impl.cc
    // SSL_MODE_ENABLE_FALSE_START, with ALPN and ECDHE+AEAD, as against nginx).
    bool false_start = false;
};

// Bytes of each flight, with record headers and AEAD tags.
struct TlsFlights {
    uint32_t server_hello = 0;     // the server's first flight
    uint32_t client_finished = 0;  // the client's second flight (sent with the first request)
    uint32_t server_finished = 0;  // TLS 1.2 full handshake only: the server's second flight
    bool two_round_trips = false;  // the first request waits for the server's second flight
};
TlsFlights tls_flights(TlsVersion v, bool resumed, const TlsServerConfig& server);

// Application data grows by one record header and tag per 16 kB record (TLS 1.3 with AES-GCM:
// 5 + 16 + 1 bytes; RFC 8446 section 5.2).
uint32_t tls_record_bytes(uint32_t plaintext);

// A session ticket as the client keeps it: who can decrypt it, and when it was issued. Packed
// into AppMessage::tag: the issuing key in the high half, the issue time (ms) in the low half.
struct TlsTicket {
    uint32_t key = 0;  // 0: no ticket
    uint32_t issued_ms = 0;
    uint64_t pack() const { return (uint64_t{key} << 32) | issued_ms; }
    static TlsTicket unpack(uint64_t tag) {
        return {static_cast<uint32_t>(tag >> 32), static_cast<uint32_t>(tag & 0xffffffffu)};
    }
};

// TLS close_notify alert (RFC 8446 section 6.1): one record, sent before the FIN.
inline constexpr uint32_t kCloseNotifyBytes = 24;

}  // namespace lvs::http
