// ipvsadm's listings, as ipvsadm.c prints them: -L (with --stats, --rate, --thresholds,
// --persistent-conn, -n, -X), -Lc (connections), -L --timeout and -S (save). Rendered text is
// for people only; the runtime passes structs. Separate from the parser: the other direction.
#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "models/ipvs/ipvsadm.hpp"
#include "models/ipvs/ipvsadm_args.hpp"

namespace lvs::ipvs {

namespace {

std::string addrport(net::Endpoint ep, bool numeric) {
    if (!numeric)
        for (const auto& [name, port] : port_names())
            if (port == ep.port) return ep.addr.str() + ":" + name;
    return ep.str();
}

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, f);
    std::vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return buf;
}

// print_largenum: 9 columns; above 1e8 shortened with K/M/G/T unless --exact.
std::string largenum(uint64_t i, bool exact) {
    if (exact) {
        const std::string s = std::to_string(i);
        return fmt("%*llu", static_cast<int>(s.size() <= 8 ? 9 : s.size() + 1),
                   static_cast<unsigned long long>(i));
    }
    if (i < 100000000ULL) return fmt("%9llu", static_cast<unsigned long long>(i));
    if (i < 1000000000ULL) return fmt("%8lluK", static_cast<unsigned long long>(i / 1000));
    if (i < 100000000000ULL) return fmt("%8lluM", static_cast<unsigned long long>(i / 1000000));
    if (i < 100000000000000ULL) return fmt("%8lluG", static_cast<unsigned long long>(i / 1000000000ULL));
    return fmt("%8lluT", static_cast<unsigned long long>(i / 1000000000000ULL));
}

DestStats since_zero(const DestStats& s, const DestStats& z) {
    return {s.conns - z.conns, s.inpkts - z.inpkts, s.outpkts - z.outpkts, s.inbytes - z.inbytes,
            s.outbytes - z.outbytes};
}

std::string service_name(const Service& s, bool numeric, bool rule) {
    if (s.fwmark != 0) return rule ? "-f " + std::to_string(s.fwmark) : "FWM  " + std::to_string(s.fwmark);
    const std::string v = addrport(s.vip, numeric);
    if (rule) return std::string(s.proto == Proto::Tcp ? "-t " : "-u ") + v;
    std::string name = std::string(s.proto == Proto::Tcp ? "TCP" : "UDP") + "  " + v;
    if (name.size() > 33) name.resize(33);
    return name;
}

std::vector<const Service*> sorted_services(const Director& d, bool nosort) {
    std::vector<const Service*> v;
    for (const auto& s : d.services()) v.push_back(s.get());
    // ipvs_cmp_services: fwmark, protocol, address, port.
    if (!nosort)
        std::stable_sort(v.begin(), v.end(), [](const Service* a, const Service* b) {
            if (a->fwmark != b->fwmark) return a->fwmark < b->fwmark;
            if (a->proto != b->proto) return a->proto < b->proto;
            if (a->vip.addr != b->vip.addr) return a->vip.addr < b->vip.addr;
            return a->vip.port < b->vip.port;
        });
    return v;
}

std::vector<const Dest*> sorted_dests(const Service& s, bool nosort) {
    std::vector<const Dest*> v(s.dests.begin(), s.dests.end());
    if (!nosort)
        std::stable_sort(v.begin(), v.end(), [](const Dest* a, const Dest* b) {
            if (a->addr.addr != b->addr.addr) return a->addr.addr < b->addr.addr;
            return a->addr.port < b->addr.port;
        });
    return v;
}

int64_t rate_value(int64_t scaled, int shift) { return (scaled + (int64_t{1} << (shift - 1)) - 1) >> shift; }

}  // namespace

std::string render_list(const Director& d, const ListFormat& f, const std::optional<ServiceKey>& only) {
    std::string out;
    if (!only) out += "IP Virtual Server version 1.2.1 (size=4096)\n";
    if (f.stats)
        out += fmt("%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port", "Conns",
                   "InPkts", "OutPkts", "InBytes", "OutBytes");
    else if (f.rate)
        out += fmt("%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port", "CPS",
                   "InPPS", "OutPPS", "InBPS", "OutBPS");
    else if (f.thresholds)
        out += fmt("%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                   "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
    else if (f.persistent_conn)
        out += fmt("%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                   "Weight", "PersistConn", "ActiveConn", "InActConn");
    else
        out +=
            "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight "
            "ActiveConn InActConn\n";
    for (const Service* s : sorted_services(d, f.nosort)) {
        if (only && !(ServiceKey{s->proto, s->vip, s->fwmark} == *only)) continue;
        const std::string name = service_name(*s, f.numeric, false);
        if (f.stats) {
            const DestStats st = since_zero(s->stats, s->zero_point);
            out += fmt("%-33s", name.c_str()) + largenum(st.conns, f.exact) + largenum(st.inpkts, f.exact) +
                   largenum(st.outpkts, f.exact) + largenum(st.inbytes, f.exact) +
                   largenum(st.outbytes, f.exact);
        } else if (f.rate) {
            out += fmt("%-33s", name.c_str()) +
                   largenum(static_cast<uint64_t>(rate_value(s->rate.cps, 10)), f.exact) +
                   largenum(static_cast<uint64_t>(rate_value(s->rate.inpps, 10)), f.exact) +
                   largenum(static_cast<uint64_t>(rate_value(s->rate.outpps, 10)), f.exact) +
                   largenum(static_cast<uint64_t>(rate_value(s->rate.inbps, 5)), f.exact) +
                   largenum(static_cast<uint64_t>(rate_value(s->rate.outbps, 5)), f.exact);
        } else {
            out += name + " " + s->sched_name;
            const std::string flags = sched_flags_text(s->sched_name, s->flags);
            if (!flags.empty()) out += " (" + flags + ")";
            if (s->persistent) {
                out += " persistent " + std::to_string(s->persistence_s);
                if (s->netmask != net::Ipv4(0xFFFFFFFFu)) out += " mask " + s->netmask.str();
            }
            if (s->one_packet) out += " ops";
        }
        out += "\n";
        for (const Dest* e : sorted_dests(*s, f.nosort)) {
            std::string dname = addrport(e->addr, f.numeric);
            if (dname.size() > 28) dname.resize(28);
            if (f.stats) {
                const DestStats st = since_zero(e->stats, e->zero_point);
                out += fmt("  -> %-28s", dname.c_str()) + largenum(st.conns, f.exact) +
                       largenum(st.inpkts, f.exact) + largenum(st.outpkts, f.exact) +
                       largenum(st.inbytes, f.exact) + largenum(st.outbytes, f.exact) + "\n";
            } else if (f.rate) {
                out += fmt("  -> %-28s %8u %8u %8u", dname.c_str(),
                           static_cast<unsigned>(rate_value(e->rate.cps, 10)),
                           static_cast<unsigned>(rate_value(e->rate.inpps, 10)),
                           static_cast<unsigned>(rate_value(e->rate.outpps, 10))) +
                       largenum(static_cast<uint64_t>(rate_value(e->rate.inbps, 5)), f.exact) +
                       largenum(static_cast<uint64_t>(rate_value(e->rate.outbps, 5)), f.exact) + "\n";
            } else if (f.thresholds) {
                out += fmt("  -> %-28s %-10u %-10u %-10u %-10u\n", dname.c_str(), e->u_threshold,
                           e->l_threshold, e->activeconns, e->inactconns);
            } else if (f.persistent_conn) {
                out += fmt("  -> %-28s %-9u %-11u %-10u %-10u\n", dname.c_str(),
                           static_cast<unsigned>(e->weight), e->persistconns, e->activeconns, e->inactconns);
            } else {
                out +=
                    fmt("  -> %-28s %-7s %-6d %-10u %-10u\n", dname.c_str(),
                        std::string(to_string(e->forward)).c_str(), e->weight, e->activeconns, e->inactconns);
            }
        }
    }
    return out;
}

std::string render_connections(const Director& d, const ListFormat& f) {
    std::string out = "IPVS connection entries\n";
    out += fmt("pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual", "destination");
    const sim::Time now = const_cast<Director&>(d).sim().now();
    for (const Conn* c : d.connections()) {
        // Whole seconds until the entry's timer fires, truncated (ip_vs_conn_seq_show).
        const int64_t left_ns = std::max<int64_t>(0, (c->timer.deadline() - now).ns());
        const int64_t secs = left_ns / 1'000'000'000;
        const std::string expire =
            fmt("%02lld:%02lld", static_cast<long long>(secs / 60), static_cast<long long>(secs % 60));
        std::string state = std::string(to_string(c->state));
        if (c->is_template() && c->assured) state = "ASSURED";
        out += fmt("%-3s %-6s %-11s %-18s %-18s %s\n", c->proto == Proto::Tcp ? "TCP" : "UDP", expire.c_str(),
                   state.c_str(), addrport(c->client, f.numeric).c_str(), addrport(c->vip, f.numeric).c_str(),
                   addrport(c->dest_addr, f.numeric).c_str());
    }
    return out;
}

std::string render_timeout(const Director& d) {
    const Timeouts& t = d.timeouts();
    return fmt("Timeout (tcp tcpfin udp): %lld %lld %lld\n",
               static_cast<long long>(t.tcp.ns() / 1'000'000'000),
               static_cast<long long>(t.tcp_fin.ns() / 1'000'000'000),
               static_cast<long long>(t.udp.ns() / 1'000'000'000));
}

std::string render_save(const Director& d, bool numeric) {
    std::string out;
    for (const Service* s : sorted_services(d, false)) {
        const std::string name = service_name(*s, numeric, true);
        out += "-A " + name + " -s " + s->sched_name;
        const std::string flags = sched_flags_text(s->sched_name, s->flags);
        if (!flags.empty()) out += " -b " + flags;
        if (s->persistent) {
            out += " -p " + std::to_string(s->persistence_s);
            if (s->netmask != net::Ipv4(0xFFFFFFFFu)) out += " -M " + s->netmask.str();
        }
        if (s->one_packet) out += " -o";
        out += "\n";
        for (const Dest* e : sorted_dests(*s, false))
            out += "-a " + name + " -r " + addrport(e->addr, numeric) + " " +
                   std::string(switch_of(e->forward)) + " -w " + std::to_string(e->weight) + "\n";
    }
    return out;
}

}  // namespace lvs::ipvs
