#include "models/net/host.hpp"

#include <algorithm>

namespace lvs::net {

Host::Host(Network& net, std::string name, const tcp::TcpProfile& profile, NodeKind kind)
    : net_(net),
      name_(name),
      node_(net.add_node(name, kind, this)),
      tcp_(net, node_, profile),
      udp_(net, node_, profile.sysctl.ip_local_port_range) {}

void Host::add_address(Ipv4 a) {
    if (addrs_.empty()) primary_ = a;
    addrs_.push_back(a);
    net_.add_address(node_, a);
}

void Host::take_address(Ipv4 a) {
    net_.add_address(node_, a);
    addrs_.insert(addrs_.begin(), a);
    primary_ = a;
}

bool Host::has_other_address(Ipv4 a) const {
    return std::find(addrs_.begin(), addrs_.end(), a) != addrs_.end() ||
           std::find(local_only_.begin(), local_only_.end(), a) != local_only_.end();
}

void Host::receive(const Packet& p) {
    if (!has_address(p.dst())) return;  // not ours (a host does not forward)
    if (p.is_udp() || p.quotes_udp()) udp_.receive(p);
    else tcp_.receive(p);
}

}  // namespace lvs::net
