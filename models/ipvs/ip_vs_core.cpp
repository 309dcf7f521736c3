// The packet path (net/netfilter/ipvs/ip_vs_core.c): ip_vs_in() for packets to a virtual
// service, ip_vs_out() for replies of NAT realservers (and ip_vs_out_icmp() for their ICMP
// errors), scheduling (ip_vs_schedule(), with persistence templates and one-packet scheduling)
// and forwarding, and ICMP for services with no destination. TCP and UDP share it; what only
// TCP does (port reuse, sloppy_tcp) is said where it happens.
#include "models/ipvs/director.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::ipvs {

using net::Packet;

// ---- the packet procedure --------------------------------------------------------------------------

namespace {
Proto proto_of(const Packet& p) { return p.is_udp() ? Proto::Udp : Proto::Tcp; }
// What IPVS counts in InBytes/OutBytes: skb->len, the IP packet (20 bytes of IP header and 20
// of TCP or 8 of UDP per frame; lvsim's segments carry no TCP options).
// An ICMP error is 20 + 8 bytes and the quoted IP header and 8 bytes of its payload.
uint64_t ip_bytes(const Packet& p) {
    if (p.is_icmp()) return 56;
    return uint64_t{p.len} + uint64_t{p.frames()} * (p.is_udp() ? 28 : 40);
}
}  // namespace

Service* Director::lookup_service(const Packet& p) const {
    // ip_vs_service_find(): a firewall mark first, then the service of the protocol and address.
    // lvsim's mark rules name an address:port, and mark both protocols.
    for (const auto& [ep, mark] : fwmark_rules_)
        if (ep == p.dst_ep())
            if (Service* s = find_service(ServiceKey{Proto::Tcp, {}, mark})) return s;
    return find_service(ServiceKey{proto_of(p), p.dst_ep(), 0});
}

void Director::receive(const Packet& p) {
    if (down_) {
        ++counters_.lost_down;
        return;
    }
    if (!holds_vips_ && is_vip(p.dst())) {
        // A VRRP backup has no VIP: it forwards what the router still sends here to whoever
        // holds the VIP now, or loses it when nobody does (its ARP request goes unanswered).
        const net::NodeId to = vip_holder ? vip_holder() : net::kNoNode;
        if (to == net::kNoNode || to == node_) {
            ++counters_.no_holder;
            return;
        }
        ++counters_.relayed;
        net_.send_to(node_, to, p);
        return;
    }
    if (p.is_icmp()) {
        if (p.dst() == own_address_ || is_vip(p.dst())) {
            if (!p.quotes_udp()) stack_.receive(p);
            else if (is_vip(p.dst())) ipvs_in_icmp(p);
        } else if (!ipvs_out_icmp(p)) {
            net_.send(node_, p);
        }
        return;
    }
    const bool for_vip = is_vip(p.dst());
    if (for_vip && !services_.empty()) {
        // Entries are looked up before services: an entry outlives the service it came from.
        Conn* entry = in_.find(key(proto_of(p), p.saddr, p.sport, p.daddr, p.dport));
        Service* svc = entry != nullptr ? nullptr : lookup_service(p);
        if (entry != nullptr || svc != nullptr) {
            ++counters_.packets_in;
            if (p.is_udp()) ++counters_.udp_packets_in;
            ipvs_in(p, svc, entry);
            return;
        }
    }
    if (for_vip || p.dst() == own_address_) {
        // Deleting the last service unregisters the IPVS hooks: the director's own stack
        // answers (RST for anything but a listener).
        to_own_stack(p, for_vip ? "no virtual service" : "local");
        return;
    }
    if (ipvs_out(p)) return;
    net_.send(node_, p);  // plain IP forwarding
}

void Director::to_own_stack(const Packet& p, const char* why) {
    if (p.is_udp()) {
        // No socket of the director's own takes it: udp_rcv() answers port unreachable.
        udp_.receive(p);
        return;
    }
    const uint64_t before = stack_.counters().resets_sent;
    stack_.receive(p);
    if (stack_.counters().resets_sent != before) {
        ++counters_.stack_resets;
        LVS_TRACE(sim_, entity_, trace::kind::ipvs_rst)
            .f("client", p.src_ep().str())
            .f("vip", p.dst_ep().str())
            .f("flags", net::flag_letters(static_cast<uint8_t>(p.flags)))
            .f("rule", why)
            .f("text", "no IPVS entry and not schedulable: the director's own TCP answers with RST");
    }
}

bool Director::reuse_reschedules(const Conn& cp) const {
    // ip_vs_core.c is_new_conn_expected: never for a controlled entry (persistence, FTP).
    if (cp.control != nullptr) return false;
    if (cp.state == ConnState::TimeWait || cp.state == ConnState::Close) return true;
    return (sysctls_.conn_reuse_mode & 2) != 0 && cp.state == ConnState::FinWait &&
           (cp.flags & kConnNoOutput) != 0;
}

void Director::ipvs_in(const Packet& p, Service* svc, Conn* cp) {
    // Port reuse (is_new_conn()) is TCP's and SCTP's: a datagram never reopens an entry.
    const bool syn = p.is_tcp() && p.syn() && !p.rst();

    if (cp != nullptr && syn) {
        // Port reuse: a SYN for an existing entry (section 4.4 step 2, by kernel profile).
        const bool w0 = cp->dest != nullptr && cp->dest->weight == 0 && sysctls_.expire_nodest_conn != 0 &&
                        kernel_.weight0_reschedule &&
                        (!kernel_.weight0_reschedule_needs_reuse_mode || sysctls_.conn_reuse_mode != 0);
        const bool reuse =
            kernel_.has_conn_reuse_mode && sysctls_.conn_reuse_mode != 0 && reuse_reschedules(*cp);
        if (w0 || reuse) {
            ++counters_.rescheduled_reuse;
            // When conntrack is on, which conntrack rides on this SYN decides (ip_vs_in_hook,
            // ip_vs_conn_uses_old_conntrack; nf_conntrack_tcp_packet): a SYN for a tuple whose
            // conntrack is in TIME_WAIT/CLOSE after a FIN, or after the client's own RST, makes
            // conntrack kill the old entry and start a fresh one (NF_REPEAT), still unconfirmed
            // when IPVS (LOCAL_IN, before the confirm hook at INT_MAX priority) sees it. Any
            // other case leaves the old, confirmed conntrack attached.
            const bool uses_ct = cp->has_conntrack;
            const bool reopened = (cp->state == ConnState::TimeWait || cp->state == ConnState::Close) &&
                                  (cp->saw_fin || cp->client_rst_last);
            const bool confirmed = uses_ct && !reopened;
            LVS_TRACE(sim_, entity_, trace::kind::ipvs_reuse)
                .f("conn", cp->id)
                .f("client", cp->client.str())
                .f("old_dest", cp->dest != nullptr ? dest_name(*cp->dest) : cp->dest_addr.str())
                .f("old_state", to_string(cp->state))
                .f("rule", w0 ? "weight 0 and expire_nodest_conn=1" : "conn_reuse_mode: reusable state");
            if (cp->n_control == 0) expire_now(*cp);
            if (uses_ct && (!kernel_.conntrack_drop_only_if_confirmed || confirmed)) {
                ++counters_.dropped_conntrack;
                LVS_TRACE(sim_, entity_, trace::kind::ipvs_drop)
                    .f("client", p.src_ep().str())
                    .f("rule", kernel_.conntrack_drop_only_if_confirmed
                                   ? "conntrack=1 and the old conntrack is confirmed"
                                   : "conntrack=1: drop the first SYN to redirect conntrack")
                    .f("text", "SYN dropped; the client retransmits after its RTO (~1 s)");
                return;
            }
            cp = nullptr;
        }
    }
    if (cp != nullptr && cp->dest != nullptr && !cp->dest->available()) {
        // The entry's destination was deleted (section 4.4 step 3).
        if (sysctls_.expire_nodest_conn == 0) {
            ++counters_.dropped_nodest;
            LVS_TRACE(sim_, entity_, trace::kind::ipvs_drop)
                .f("conn", cp->id)
                .f("client", p.src_ep().str())
                .f("flags", net::packet_label(p))
                .f("rule", "destination deleted, expire_nodest_conn=0")
                .f("text", "silently dropped; the entry's timer is not refreshed");
            return;
        }
        const bool uses_ct = cp->has_conntrack;
        expire_now(*cp);
        if (!kernel_.nodest_reprocess || uses_ct) {
            ++counters_.dropped_nodest;
            LVS_TRACE(sim_, entity_, trace::kind::ipvs_drop)
                .f("client", p.src_ep().str())
                .f("rule", "destination deleted, expire_nodest_conn=1: entry expired, this packet dropped")
                .f("text", "the retransmission finds no entry");
            return;
        }
        cp = nullptr;
    }
    if (cp == nullptr) {
        // A packet of a known entry skips the service lookup until the entry is gone.
        if (svc == nullptr) svc = lookup_service(p);
        if (svc == nullptr) {
            to_own_stack(p, "entry gone and no virtual service");
            return;
        }
        // tcp_conn_schedule() takes a SYN (any segment with sloppy_tcp) and no RST;
        // udp_conn_schedule() any datagram.
        const bool schedulable = p.is_udp() || (!p.rst() && (p.syn() || sysctls_.sloppy_tcp != 0));
        if (!schedulable) {
            to_own_stack(p, "no entry and not a SYN");
            return;
        }
        cp = svc->persistent ? schedule_persistent(*svc, p) : schedule(*svc, p);
        if (cp == nullptr) {
            send_icmp_unreachable(p);
            return;
        }
    }
    count_in(*cp, p);
    const Dir dir = (cp->flags & kConnNoOutput) ? Dir::InputOnly : Dir::Input;
    if (cp->proto == Proto::Udp) udp_transition(*cp, dir);
    else transition(*cp, dir, p);
    forward_to_dest(*cp, p);
    sync_count_in(*cp, p.frames());
    if (cp->flags & kConnOnePacket) {
        // ip_vs_conn_put(): a one-packet entry is never hashed and expires as its packet leaves.
        expire_now(*cp);
        return;
    }
    arm(*cp);
}

void Director::count_in(Conn& cp, const Packet& p) {
    if (cp.dest == nullptr || !cp.dest->available()) return;
    const uint64_t bytes = ip_bytes(p);
    cp.dest->stats.inpkts += p.frames();
    cp.dest->stats.inbytes += bytes;
    if (cp.dest->svc != nullptr) {
        cp.dest->svc->stats.inpkts += p.frames();
        cp.dest->svc->stats.inbytes += bytes;
    }
}

void Director::count_out(Conn& cp, const Packet& p) {
    if (cp.dest == nullptr || !cp.dest->available()) return;
    const uint64_t bytes = ip_bytes(p);
    cp.dest->stats.outpkts += p.frames();
    cp.dest->stats.outbytes += bytes;
    if (cp.dest->svc != nullptr) {
        cp.dest->svc->stats.outpkts += p.frames();
        cp.dest->svc->stats.outbytes += bytes;
    }
}

void Director::forward_to_dest(Conn& cp, const Packet& p) {
    if (cp.forward == Forward::Masq) {
        Packet q = p;
        q.daddr = cp.dest_addr.addr.value();
        q.dport = cp.dest_addr.port;
        if (!net_.current(cp.to_dest)) cp.to_dest = net_.resolve(node_, cp.dest_addr.addr);
        net_.send(node_, cp.to_dest, q);
        return;
    }
    // DR: the frame goes to the realserver's MAC with the IP header untouched; TUN wraps it
    // in IPIP. Either way the realserver receives a packet for the VIP.
    const net::NodeId to = cp.dest != nullptr ? cp.dest->node : net_.owner(cp.dest_addr.addr);
    if (to != net::kNoNode) net_.send_to(node_, to, p);
}

bool Director::ipvs_out(const Packet& p) {
    Conn* found = out_.find(key(proto_of(p), p.daddr, p.dport, p.saddr, p.sport));
    if (found == nullptr) return false;
    Conn& cp = *found;
    ++counters_.packets_out;
    cp.flags &= ~kConnNoOutput;
    count_out(cp, p);
    if (cp.proto == Proto::Udp) udp_transition(cp, Dir::Output);
    else transition(cp, Dir::Output, p);
    Packet q = p;
    q.saddr = cp.vip.addr.value();
    q.sport = cp.vip.port;
    if (!net_.current(cp.to_client)) cp.to_client = net_.resolve(node_, cp.client.addr);
    net_.send(node_, cp.to_client, q);
    arm(cp);
    return true;
}

bool Director::ipvs_out_icmp(const Packet& p) {
    // ip_vs_out_icmp() -> handle_response_icmp(): a NAT realserver's ICMP error about a
    // datagram or segment of an entry (quoted: client -> realserver) leaves as if the VIP sent
    // it, the quoted header rewritten to the VIP too.
    const Proto proto = p.quotes_udp() ? Proto::Udp : Proto::Tcp;
    Conn* cp = out_.find(key(proto, p.daddr, p.sport, p.saddr, p.dport));
    if (cp == nullptr) return false;
    ++counters_.icmp_translated;
    count_out(*cp, p);
    Packet q = p;
    q.saddr = cp->vip.addr.value();
    q.dport = cp->vip.port;
    if (!net_.current(cp->to_client)) cp->to_client = net_.resolve(node_, cp->client.addr);
    net_.send(node_, cp->to_client, q);
    return true;
}

void Director::ipvs_in_icmp(const Packet& p) {
    // ip_vs_in_icmp(): a client's ICMP error about a datagram the VIP sent it (a late answer to
    // a closed port) goes to the entry's realserver (ip_vs_icmp_xmit()), counted as input; with
    // no entry (--ops) the director's own stack takes it, and it ends there.
    Conn* cp = in_.find(key(Proto::Udp, p.saddr, p.dport, p.daddr, p.sport));
    if (cp == nullptr || cp->dest == nullptr) return;
    count_in(*cp, p);
    if (cp->forward == Forward::Masq) {
        Packet q = p;
        q.daddr = cp->dest_addr.addr.value();
        q.sport = cp->dest_addr.port;
        if (!net_.current(cp->to_dest)) cp->to_dest = net_.resolve(node_, cp->dest_addr.addr);
        net_.send(node_, cp->to_dest, q);
        return;
    }
    net_.send_to(node_, cp->dest->node, p);
}

void Director::send_icmp_unreachable(const Packet& p) {
    // ip_vs_leave() -> icmp_send(): under the host's ICMP rate limits like any other.
    if (!udp_.icmp_allowed(p.src())) {
        ++counters_.no_dest_icmp_limited;
        return;
    }
    ++counters_.no_dest_icmp;
    Packet icmp;
    icmp.set_proto(net::Proto::Icmp);
    if (p.is_udp()) {
        icmp.aux |= Packet::kQuotedUdp;
        icmp.ack = 8 + p.len;  // the quoted UDP length (for captures)
    }
    icmp.saddr = p.daddr;
    icmp.daddr = p.saddr;
    icmp.sport = p.sport;
    icmp.dport = p.dport;
    icmp.seq = p.seq;
    icmp.flags = p.flags;  // the quoted segment's
    net_.send(node_, icmp);
}

Dest* Director::pick(Service& svc, const Packet& p) {
    const ConnRequest req{p.src_ep(), p.dst_ep(), &rng_, sim_.now()};
    Dest* d = svc.scheduler->pick(svc, req);
    if (sim_.tracing()) {
        std::vector<Considered> why;
        svc.scheduler->explain(svc, req, why);
        std::string figures;
        for (const Considered& c : why) {
            if (!figures.empty()) figures += "; ";
            figures += dest_name(*c.dest) + (c.eligible ? " " : " (not eligible) ") + c.figure;
        }
        LVS_TRACE(sim_, entity_, trace::kind::ipvs_sched)
            .f("service", svc.vip.str())
            .f("scheduler", svc.sched_name)
            .f("client", p.src_ep().str())
            .f("chosen", d != nullptr ? dest_name(*d) : std::string("none"))
            .f("candidates", figures);
    }
    if (d == nullptr) {
        LVS_TRACE(sim_, entity_, trace::kind::ipvs_no_dest)
            .f("text", "IPVS: " + svc.sched_name + (p.is_udp() ? ": UDP " : ": TCP ") + svc.vip.str() +
                           " - no destination available")
            .f("client", p.src_ep().str());
    }
    return d;
}

Conn* Director::schedule(Service& svc, const Packet& p) {
    Dest* d = pick(svc, p);
    if (d == nullptr) return nullptr;
    Conn* cp = new_conn(svc, *d, p, nullptr);
    LVS_TRACE(sim_, entity_, trace::kind::ipvs_conn_new)
        .f("conn", cp->id)
        .f("client", cp->client.str())
        .f("dest", dest_name(*d));
    return cp;
}

Conn* Director::schedule_persistent(Service& svc, const Packet& p) {
    // ip_vs_sched_persist: the template for (client & netmask, VIP, vport) decides.
    const InKey tkey = key(svc.proto, p.src().masked(svc.netmask).value(), 0, p.daddr, p.dport);
    Conn* ct = templates_.find(tkey);
    if (ct != nullptr) {
        // ip_vs_check_template: a deleted destination, or weight 0 with
        // expire_quiescent_template=1, invalidates the template.
        Dest* td = ct->dest;
        const bool valid =
            td != nullptr && td->available() && !(sysctls_.expire_quiescent_template != 0 && td->weight == 0);
        if (!valid) {
            LVS_TRACE(sim_, entity_, trace::kind::ipvs_template_invalid)
                .f("client", ct->client.addr.str())
                .f("dest", td != nullptr ? dest_name(*td) : ct->dest_addr.str())
                .f("rule", td == nullptr || !td->available() ? "destination deleted"
                                                             : "weight 0 and expire_quiescent_template=1");
            templates_.erase(tkey, ct);
            ct->hashed = false;
            // The kernel marks it with port 65535 and lets it expire; it no longer matches.
            ct->vip.port = 65535;
            ct->dest_addr.port = 65535;
            if (ct->n_control == 0) {
                ct->timer.disarm();
                ct->n_control = 0;
                free_conn(*ct);
            }
            ct = nullptr;
        }
    }
    Dest* d = nullptr;
    if (ct != nullptr) {
        d = ct->dest;
        LVS_TRACE(sim_, entity_, trace::kind::ipvs_sched)
            .f("service", svc.vip.str())
            .f("scheduler", "persistence template")
            .f("client", p.src_ep().str())
            .f("chosen", dest_name(*d))
            .f("candidates", "template of " + ct->client.addr.str() +
                                 " (the scheduler is not consulted; weight " + std::to_string(d->weight) +
                                 ")");
    } else {
        d = pick(svc, p);
        if (d == nullptr) return nullptr;
        ct = new_template(svc, *d, tkey);
    }
    Conn* cp = new_conn(svc, *d, p, ct);
    // Every connection made through the template re-arms it to its current timeout.
    arm(*ct);
    LVS_TRACE(sim_, entity_, trace::kind::ipvs_conn_new)
        .f("conn", cp->id)
        .f("client", cp->client.str())
        .f("dest", dest_name(*d))
        .f("template", ct->id);
    return cp;
}

}  // namespace lvs::ipvs
