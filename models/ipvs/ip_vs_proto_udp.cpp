// UDP's entries (net/netfilter/ipvs/ip_vs_proto_udp.c): one state, UDP, whose timeout every
// datagram either way sets again from the table (`ipvsadm --set` changes it for the next
// datagram). An entry keeps the INACTIVE flag it was bound with (ip_vs_bind_dest() clears it
// for other protocols only), so UDP traffic shows in InActConn alone.
#include "models/ipvs/director.hpp"

namespace lvs::ipvs {

void Director::udp_transition(Conn& cp, Dir dir) {
    enter_state(cp, ConnState::Udp, "datagram", to_string(dir));
    // udp_state_transition(): a reply makes the persistence template ASSURED
    // (ip_vs_control_assure_ct()), as an established connection does for TCP.
    if (dir == Dir::Output && cp.control != nullptr && kernel_.template_assured) cp.control->assured = true;
}

}  // namespace lvs::ipvs
