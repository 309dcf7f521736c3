#include "models/ipvs/sysctl.hpp"

#include <array>

namespace lvs::ipvs {

namespace {

// Ranges and defaults from Documentation/networking/ipvs-sysctl.rst and
// net/netfilter/ipvs/ip_vs_ctl.c (proc_do_sync_mode / proc_dointvec_minmax bounds).
constexpr std::array<SysctlDef, 7> kSysctls{{
    {"expire_nodest_conn", 1, 0, &Sysctls::expire_nodest_conn, false,
     "1: a packet for an entry whose realserver was deleted expires the entry (else it is dropped)"},
    {"expire_quiescent_template", 1, 0, &Sysctls::expire_quiescent_template, false,
     "1: a persistence template pointing at a weight-0 realserver expires when next used"},
    {"conn_reuse_mode", 3, 1, &Sysctls::conn_reuse_mode, true,
     "bitmap: 1 reschedules SYNs that hit TIME_WAIT/CLOSE entries; 2 also FIN_WAIT entries that saw no "
     "output (DR/TUN)"},
    {"sloppy_tcp", 1, 0, &Sysctls::sloppy_tcp, false,
     "1: entries are created from any non-RST TCP packet, not only SYN"},
    {"conntrack", 1, 0, &Sysctls::conntrack, false,
     "1: IPVS keeps netfilter connection tracking for its flows"},
    {"secure_tcp", 3, 0, &Sysctls::secure_tcp, false,
     "DoS defence: 3 always uses the secure TCP state table (1/2: on low memory, never here)"},
    {"nat_icmp_send", 1, 0, &Sysctls::nat_icmp_send, false,
     "1: NAT: ICMP unreachable to realservers sending packets that have no entry"},
}};

}  // namespace

std::span<const SysctlDef> sysctl_table() { return kSysctls; }

const SysctlDef* find_sysctl(std::string_view name) {
    constexpr std::string_view prefix = "net.ipv4.vs.";
    if (name.substr(0, prefix.size()) == prefix) name.remove_prefix(prefix.size());
    for (const SysctlDef& d : kSysctls)
        if (d.name == name) return &d;
    return nullptr;
}

}  // namespace lvs::ipvs
