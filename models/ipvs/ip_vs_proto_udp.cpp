// UDP's entries (net/netfilter/ipvs/ip_vs_proto_udp.c): one state, UDP, whose timeout every
// datagram either way sets again from the table (`ipvsadm --set` changes it for the next
// datagram). An entry keeps the INACTIVE flag it was bound with (ip_vs_bind_dest() clears it
// for other protocols only), so UDP traffic shows in InActConn alone.
#include "models/ipvs/director.hpp"

namespace lvs::ipvs {

void Director::udp_transition(Conn& cp, Dir dir) {
    enter_state(cp, ConnState::Udp, "datagram", to_string(dir));
}

}  // namespace lvs::ipvs
