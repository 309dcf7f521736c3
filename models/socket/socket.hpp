// A BSD socket over one TCP connection, seen from the application: what connect(), recv() and
// send() return on Linux, and when.
//
// The kernel's view of a socket that matters here: the bytes received but not read, SOCK_DONE
// (the peer's FIN arrived), sk_err (set by tcp_reset(), tcp_write_err(), an ICMP error) and the
// shutdown bits (tcp_done() sets both). The calls follow net/ipv4/tcp.c:
//  - recv() (tcp_recvmsg): queued data first; then EOF once the FIN came (even if a RST came
//    after it); then sk_err, consumed (sock_error); then EOF after a shutdown; else it blocks;
//  - send() (tcp_sendmsg): sk_err if set, consumed; EPIPE once the socket is shut down for
//    writing; else the data is queued and send() returns its length;
//  - connect(): blocks until the handshake ends or sk_err says why not.
// So after the peer's FIN and then a RST, recv() gives 0 and the next send() EPIPE; after a bare
// RST, the first call gives ECONNRESET and later sends EPIPE (linux-tcp-observed.md, exp. 6).
#pragma once

#include <cstdint>
#include <functional>

#include "models/net/host.hpp"
#include "models/tcp/tcp_conn.hpp"

namespace lvs::sock {

// Linux's errno values for what the calls return.
constexpr int kEpipe = 32, kEagain = 11, kEconnreset = 104, kEtimedout = 110, kEconnrefused = 111,
              kEhostunreach = 113, kEnotconn = 107, kEaddrnotavail = 99;
std::string_view errno_name(int e);      // "EPIPE"; "" for 0
int errno_named(std::string_view name);  // 0 when not an errno name

// A call's outcome: bytes (>= 0) or -1 with `err`.
struct CallResult {
    int64_t value = 0;
    int err = 0;
    bool failed() const { return value < 0; }
};

class Socket final : public tcp::TcpApp {
public:
    // Called whenever something a blocked call may wait for happens (data, EOF, an error, the
    // handshake's end).
    using Wake = std::function<void()>;
    explicit Socket(Wake wake) : wake_(std::move(wake)) {}
    ~Socket() override;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    // Starts connect(): returns an immediate failure (EADDRNOTAVAIL), else 0 and the caller
    // waits for connect_result().
    CallResult start_connect(net::Host& host, net::Endpoint remote);
    // Adopts a connection accept() returned.
    void adopt(tcp::TcpConn* c);
    // connect()'s answer once it has one: 0, or -1 with the error; nullopt while pending.
    std::optional<CallResult> connect_result();

    // recv(): nullopt while it would block.
    std::optional<CallResult> recv();
    CallResult send(const net::AppMessage& m);
    CallResult shutdown(bool read, bool write);
    CallResult close(bool linger0);
    void set_keepalive(bool on);
    void set_nodelay(bool on);
    void set_user_timeout(sim::Duration d);

    tcp::TcpConn* conn() const { return conn_; }
    uint64_t unread() const { return unread_; }

    // tcp::TcpApp
    void on_connected(tcp::TcpConn& c) override;
    void on_bytes(tcp::TcpConn& c, uint32_t bytes) override;
    void on_eof(tcp::TcpConn& c) override;
    void on_error(tcp::TcpConn& c, tcp::SocketError e) override;
    uint64_t unread(const tcp::TcpConn&) const override { return unread_; }

private:
    int take_error() {
        const int e = err_;
        err_ = 0;
        return e;
    }

    Wake wake_;
    tcp::TcpConn* conn_ = nullptr;
    uint64_t unread_ = 0;
    int err_ = 0;  // sk_err
    bool connecting_ = false;
    bool connected_ = false;
    bool done_ = false;  // SOCK_DONE: the peer's FIN arrived
    bool rcv_shutdown_ = false;
    bool send_shutdown_ = false;
    bool nodelay_ = false;
    bool keepalive_ = false;
    sim::Duration user_timeout_{};
};

}  // namespace lvs::sock
