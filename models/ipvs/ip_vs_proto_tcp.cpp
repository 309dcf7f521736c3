// TCP's state machine for entries (net/netfilter/ipvs/ip_vs_proto_tcp.c, set_tcp_state()):
// each packet moves its entry through the table in tcp_table.cpp, and the destination's
// counters follow the INACTIVE flag.
#include "models/ipvs/director.hpp"
#include "models/trace/vocabulary.hpp"
#include "sim/check.hpp"

namespace lvs::ipvs {

using net::Packet;

// ---- the state table ------------------------------------------------------------------------------

void Director::transition(Conn& cp, Dir dir, const Packet& p) {
    const auto ev = event_of(static_cast<uint8_t>(p.flags));
    if (p.fin()) cp.saw_fin = true;
    if (p.rst()) cp.client_rst_last = dir != Dir::Output;
    const ConnState from = cp.state;
    const ConnState to =
        ev ? next(from, dir, *ev, {kernel_.ack_from_none_establishes, sysctls_.secure_tcp >= 2})
           : ConnState::Close;  // no SYN/FIN/ACK/RST: forced to CLOSE
    (void)from;
    enter_state(cp, to, ev ? to_string(*ev) : std::string_view("none"), to_string(dir));
}

void Director::enter_state(Conn& cp, ConnState to, std::string_view why, std::string_view dir) {
    const ConnState from = cp.state;
    if (to != from) {
        // set_tcp_state: counters move only when the state changes, by the INACTIVE flag.
        Dest* d = cp.dest;
        const bool now_active = state_active(to);
        if (cp.inactive() && now_active) {
            cp.flags &= ~kConnInactive;
            if (d != nullptr) {
                LVS_CHECK(sim_, entity_, d->inactconns > 0, "InActConn would go below zero");
                ++d->activeconns;
                --d->inactconns;
            }
        } else if (!cp.inactive() && !now_active) {
            cp.flags |= kConnInactive;
            if (d != nullptr) {
                LVS_CHECK(sim_, entity_, d->activeconns > 0, "ActiveConn would go below zero");
                --d->activeconns;
                ++d->inactconns;
            }
        }
        cp.state = to;
        if (to == ConnState::Established && cp.control != nullptr && kernel_.template_assured)
            cp.control->assured = true;
        LVS_TRACE(sim_, entity_, trace::kind::ipvs_state)
            .f("conn", cp.id)
            .f("client", cp.client.str())
            .f("dest", d != nullptr ? dest_name(*d) : cp.dest_addr.str())
            .f("dir", dir)
            .f("event", why)
            .f("from", to_string(from))
            .f("to", to_string(to))
            .f("active", d != nullptr ? d->activeconns : 0u)
            .f("inactive", d != nullptr ? d->inactconns : 0u);
        changed();
    }
    // The timeout is set on every packet, changed state or not (`ipvsadm --set` values for
    // ESTABLISHED and FIN_WAIT).
    if (to == ConnState::Established) cp.timeout = timeouts_.tcp;
    else if (to == ConnState::FinWait) cp.timeout = timeouts_.tcp_fin;
    else if (to == ConnState::Udp) cp.timeout = timeouts_.udp;
    else cp.timeout = default_timeout(to);
}

void Director::force_state(uint64_t conn_id, ConnState s) {
    const auto it = conns_.find(conn_id);
    if (it == conns_.end()) return;
    enter_state(*it->second, s, "forced");
    arm(*it->second);
}

}  // namespace lvs::ipvs
