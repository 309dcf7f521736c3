// A host: a node with addresses, a TCP and a UDP stack (clients, realservers). A host that is
// down (crashed, powered off) neither sends nor receives.
#pragma once

#include <string>
#include <vector>

#include "models/net/network.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/udp/udp_stack.hpp"

namespace lvs::net {

class Host final : public Node {
public:
    Host(Network& net, std::string name, const tcp::TcpProfile& profile, NodeKind kind = NodeKind::Host);
    // A routable address (packets for it are delivered here).
    void add_address(Ipv4 a);
    // An address the host answers for without the network routing it here (a DR/TUN
    // realserver's VIP on a non-ARPing loopback).
    void add_local_address(Ipv4 a) { local_only_.push_back(a); }
    Ipv4 address() const { return addrs_.empty() ? Ipv4() : addrs_.front(); }
    // A new source address for the connections opened from now on (a new visitor on a pooled
    // client host); the earlier ones stay this host's, for connections still using them.
    void take_address(Ipv4 a);
    bool has_address(Ipv4 a) const { return a == primary_ || has_other_address(a); }

    void receive(const Packet& p) override;
    tcp::TcpStack& tcp() { return tcp_; }
    udp::UdpStack& udp() { return udp_; }
    NodeId node() const { return node_; }
    Network& network() { return net_; }
    sim::EntityId entity() const { return net_.entity(node_); }
    const std::string& name() const { return name_; }
    void set_down(bool down) {
        tcp_.set_down(down);
        udp_.set_down(down);
    }
    bool down() const { return tcp_.down(); }

private:
    Network& net_;
    std::string name_;
    NodeId node_;
    tcp::TcpStack tcp_;
    udp::UdpStack udp_;
    bool has_other_address(Ipv4 a) const;
    Ipv4 primary_{0xFFFFFFFFu};  // checked first: most hosts have one address
    std::vector<Ipv4> addrs_;
    std::vector<Ipv4> local_only_;
};

}  // namespace lvs::net
