#include "models/dns/dns_server.hpp"

namespace lvs::dns {

DnsServer::DnsServer(net::Host& host, const DnsServerConfig& config)
    : host_(host), config_(config), timer_(host.network().simulator(), [this] { answer_due(); }) {}

DnsServer::~DnsServer() { stop(); }

bool DnsServer::start() {
    if (running()) return true;
    socket_ = host_.udp().open(this, config_.port);
    return running();
}

void DnsServer::stop() {
    if (!running()) return;
    host_.udp().close(socket_);
    socket_ = udp::kNoSocket;
    pending_.clear();
    head_ = 0;
    timer_.disarm();
}

void DnsServer::on_datagram(udp::SocketId, const net::Packet& p) {
    ++stats_.queries;
    const sim::Time due = host_.network().simulator().now() + config_.answer_time;
    if (head_ == pending_.size()) {
        pending_.clear();
        head_ = 0;
    } else if (head_ >= 1024 && head_ * 2 >= pending_.size()) {
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
    }
    pending_.push_back(Pending{due, p.src_ep(), p.dst(), p.msg});
    if (pending_.size() - head_ == 1) timer_.arm_at(due);
}

void DnsServer::answer_due() {
    const sim::Time now = host_.network().simulator().now();
    while (head_ < pending_.size() && pending_[head_].due <= now) {
        const Pending a = pending_[head_++];
        ++stats_.answers;
        host_.udp().send(socket_, a.local, a.client, config_.answer_bytes, a.id);
    }
    if (head_ < pending_.size()) timer_.arm_at(pending_[head_].due);
}

}  // namespace lvs::dns
