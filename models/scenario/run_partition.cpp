// A scenario split over processes (the conservative-parallel prototype of issue 30, driven by
// tests/bench/pdes.cpp): every process builds the whole scenario; the client hosts are one
// logical process (kClientSideLp), the director or the fleet's directors the other
// (kDirectorSideLp), and the realservers go with one or the other (PartitionCut). A process
// executes its own part's events and receives the packets the other part sends it
// (net::Network::outbox / arrive_remote).
//
// The split is exact only where the two parts share no state that both change. What they
// share is links: each packet books every link of its path when it is sent, so a link
// direction that both parts' packets cross would be booked in a different order than in one
// process. Which directions those are depends on the forwarding: with NAT the director's LAN
// port carries the clients' requests and the realservers' replies, so only the Directors cut
// keeps it on one side; with direct routing the Clients cut does. The network records what
// each part booked (Network::booked_links) so that the run can prove it; partition_limits()
// refuses what is shared otherwise (random streams, drop rules, hosts made on the way, the
// routes a VRRP failover changes).
#include "models/scenario/runtime.hpp"

namespace lvs::scenario {

std::string partition_limits(const Scenario& s) {
    const NetworkSpec& n = s.network;
    // A failover moves the VIP in the router's tables from a director-side event; the clients'
    // side sends by those tables and would not see it.
    if (s.ha) return "a director pair (ha:): a failover moves the VIP from the director's side";
    // A lossy link draws both directions' losses from one random stream, so both parts would.
    if (n.loss > 0 || n.burst.enabled() || n.lan_loss > 0)
        return "random loss on a link (network: loss, burst, lan_loss): both directions draw from one "
               "stream, so the two parts would share it";
    for (const ClientGroupSpec& c : s.clients) {
        if (c.arrivals || c.access_log)
            return "client group '" + c.name + "' makes its hosts during the run (arrivals, access_log)";
        if (c.is_udp() || !c.script.empty())
            return "client group '" + c.name + "' is not browsers (UDP or a script)";
    }
    for (const TimelineEntry& e : s.timeline) {
        // Drop rules count the segments they see over both parts; client verbs would act on
        // clients from a timeline that runs in every process.
        if (std::holds_alternative<DropAction>(e.action) || std::holds_alternative<ClientAction>(e.action))
            return "a timeline entry at line " + std::to_string(e.mark.line) +
                   " (drop rules and client actions are not split)";
    }
    return {};
}

// The part each node belongs to. The router and the switch only forward (a packet's path is
// booked by its sender), so their part does not matter.
void Run::partition_network() {
    std::vector<sim::Lp> node_lp(net_.node_count());
    if (options_.partition_cut == PartitionCut::Clients) {
        std::fill(node_lp.begin(), node_lp.end(), kDirectorSideLp);
        for (const ClientGroup& g : groups_)
            for (const auto& h : g.hosts) node_lp[h->node()] = kClientSideLp;
    } else {
        std::fill(node_lp.begin(), node_lp.end(), kClientSideLp);
        for (size_t d = 0; d < director_count(); ++d) node_lp[director_at(d).node()] = kDirectorSideLp;
    }
    net_.set_partition(std::move(node_lp));
}

}  // namespace lvs::scenario
