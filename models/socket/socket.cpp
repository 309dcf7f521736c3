#include "models/socket/socket.hpp"

#include <array>
#include <utility>

namespace lvs::sock {

namespace {

constexpr std::array<std::pair<int, std::string_view>, 8> kErrnos{{
    {kEpipe, "EPIPE"},
    {kEagain, "EAGAIN"},
    {kEconnreset, "ECONNRESET"},
    {kEtimedout, "ETIMEDOUT"},
    {kEconnrefused, "ECONNREFUSED"},
    {kEhostunreach, "EHOSTUNREACH"},
    {kEnotconn, "ENOTCONN"},
    {kEaddrnotavail, "EADDRNOTAVAIL"},
}};

CallResult fail(int e) { return {-1, e}; }

}  // namespace

std::string_view errno_name(int e) {
    for (const auto& [n, name] : kErrnos)
        if (n == e) return name;
    return {};
}

int errno_named(std::string_view name) {
    if (name == "EWOULDBLOCK") return kEagain;
    for (const auto& [n, s] : kErrnos)
        if (s == name) return n;
    return 0;
}

Socket::~Socket() {
    // The program ends with the run: its connection goes with it, as at process exit.
    if (conn_ != nullptr) conn_->set_app(nullptr, 0);
}

CallResult Socket::start_connect(net::Host& host, net::Endpoint remote) {
    tcp::SocketError err = tcp::SocketError::None;
    connecting_ = true;
    conn_ = host.tcp().connect(host.address(), remote, this, 0, &err);
    if (conn_ == nullptr) {
        connecting_ = false;
        return fail(tcp::errno_of(err));
    }
    conn_->set_nagle(!nodelay_);
    conn_->set_reads_on_demand(true);  // bytes wait in the receive buffer until recv()
    if (keepalive_) conn_->set_keepalive(true);
    if (user_timeout_ > sim::Duration{}) conn_->set_user_timeout(user_timeout_);
    return {};
}

void Socket::adopt(tcp::TcpConn* c) {
    conn_ = c;
    connected_ = true;
    if (c == nullptr) return;
    c->set_nagle(!nodelay_);
    c->set_reads_on_demand(true);
    if (keepalive_) c->set_keepalive(true);
    if (user_timeout_ > sim::Duration{}) c->set_user_timeout(user_timeout_);
}

std::optional<CallResult> Socket::connect_result() {
    if (connected_) return CallResult{};
    if (err_ != 0) {
        connecting_ = false;
        return fail(take_error());
    }
    return std::nullopt;
}

std::optional<CallResult> Socket::recv() {
    if (unread_ > 0) {
        const auto n = static_cast<int64_t>(unread_);
        unread_ = 0;
        if (conn_ != nullptr) conn_->consume(static_cast<uint32_t>(n));  // the window reopens
        return CallResult{n, 0};
    }
    if (done_) return CallResult{};
    if (err_ != 0) return fail(take_error());
    if (rcv_shutdown_) return CallResult{};
    if (!connected_ && !connecting_) return fail(kEnotconn);
    return std::nullopt;
}

CallResult Socket::send(const net::AppMessage& m) {
    if (err_ != 0) return fail(take_error());
    if (send_shutdown_ || (conn_ == nullptr && connected_)) return fail(kEpipe);
    if (conn_ == nullptr || !connected_) return fail(kEnotconn);
    const tcp::SocketError e = conn_->send(m);
    if (e != tcp::SocketError::None) return fail(tcp::errno_of(e));
    return {static_cast<int64_t>(m.bytes), 0};
}

CallResult Socket::shutdown(bool read, bool write) {
    if (!connected_) return fail(kEnotconn);
    if (read) rcv_shutdown_ = true;
    if (write && !send_shutdown_) {
        send_shutdown_ = true;
        if (conn_ != nullptr) conn_->shutdown_write();
    }
    if (wake_) wake_();
    return {};
}

CallResult Socket::close(bool linger0) {
    if (conn_ != nullptr) {
        tcp::TcpConn* c = conn_;
        conn_ = nullptr;
        if (linger0) c->abort();  // SO_LINGER {1, 0}: tcp_disconnect() sends RST
        else c->close();
    }
    connected_ = connecting_ = false;
    rcv_shutdown_ = send_shutdown_ = true;
    return {};
}

void Socket::set_keepalive(bool on) {
    keepalive_ = on;
    if (conn_ != nullptr) conn_->set_keepalive(on);
}

void Socket::set_nodelay(bool on) {
    nodelay_ = on;
    if (conn_ != nullptr) conn_->set_nagle(!on);
}

void Socket::set_user_timeout(sim::Duration d) {
    user_timeout_ = d;
    if (conn_ != nullptr) conn_->set_user_timeout(d);
}

void Socket::on_connected(tcp::TcpConn&) {
    connected_ = true;
    connecting_ = false;
    if (wake_) wake_();
}

void Socket::on_bytes(tcp::TcpConn& c, uint32_t bytes) {
    if (!rcv_shutdown_) unread_ += bytes;
    else c.consume(bytes);  // shut for reading: discarded at once
    if (wake_) wake_();
}

void Socket::on_eof(tcp::TcpConn&) {
    done_ = true;
    if (wake_) wake_();
}

void Socket::on_error(tcp::TcpConn&, tcp::SocketError e) {
    // The connection is released after this call (tcp_done): both directions shut.
    conn_ = nullptr;
    err_ = tcp::errno_of(e);
    rcv_shutdown_ = send_shutdown_ = true;
    if (wake_) wake_();
}

}  // namespace lvs::sock
