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
    timer_.disarm();
}

void DnsServer::on_datagram(udp::SocketId, const net::Packet& p) {
    ++stats_.queries;
    const sim::Time due = host_.network().simulator().now() + config_.answer_time;
    pending_.push_back(Pending{due, p.src_ep(), p.dst(), p.msg});
    if (pending_.size() == 1) timer_.arm_at(due);
}

void DnsServer::answer_due() {
    const sim::Time now = host_.network().simulator().now();
    while (!pending_.empty() && pending_.front().due <= now) {
        const Pending a = pending_.front();
        pending_.pop_front();
        ++stats_.answers;
        host_.udp().send(socket_, a.local, a.client, config_.answer_bytes, a.id);
    }
    if (!pending_.empty()) timer_.arm_at(pending_.front().due);
}

}  // namespace lvs::dns
