#include "models/http/tls.hpp"

namespace lvs::http {

std::string_view to_string(TlsVersion v) {
    switch (v) {
        case TlsVersion::None: return "none";
        case TlsVersion::Tls12: return "1.2";
        case TlsVersion::Tls13: return "1.3";
    }
    return "?";
}

uint32_t tls_record_bytes(uint32_t plaintext) {
    constexpr uint32_t kRecord = 16'384;  // RFC 8446 section 5.1: at most 2^14 bytes per record
    constexpr uint32_t kOverhead = 5 + 16 + 1;
    const uint32_t records = plaintext == 0 ? 1 : (plaintext + kRecord - 1) / kRecord;
    return plaintext + records * kOverhead;
}

TlsFlights tls_flights(TlsVersion v, bool resumed, const TlsServerConfig& server) {
    // Message sizes from the structures in RFC 8446 section 4 and RFC 5246 section 7.4 with
    // X25519 and an RSA-2048 signature: ServerHello ~122 (TLS 1.3 with a key share), ~90
    // (TLS 1.2), EncryptedExtensions ~30 (ALPN), CertificateVerify 264, Finished 36 (SHA-256),
    // ServerKeyExchange 333 (X25519 + RSA-2048 signature), ClientKeyExchange 37,
    // ChangeCipherSpec 6 (a record of its own).
    TlsFlights f;
    switch (v) {
        case TlsVersion::None: break;
        case TlsVersion::Tls13:
            if (resumed) f.server_hello = 5 + 160 + tls_record_bytes(30 + 36);
            else f.server_hello = 5 + 122 + 6 + tls_record_bytes(30 + server.certificate_bytes + 264 + 36);
            f.client_finished = 6 + tls_record_bytes(36);
            break;
        case TlsVersion::Tls12:
            if (resumed) {
                f.server_hello = 5 + 90 + 6 + 45;
                f.client_finished = 6 + 45;
            } else {
                f.server_hello = 5 + 90 + server.certificate_bytes + 333 + 4;
                f.client_finished = 5 + 37 + 6 + 45;
                f.server_finished = 6 + 45;
                f.two_round_trips = true;
            }
            break;
    }
    return f;
}

}  // namespace lvs::http
