#include "models/ipvs/sysctl.hpp"

#include <array>

namespace lvs::ipvs {

namespace {

// Ranges and defaults from Documentation/networking/ipvs-sysctl.rst and
// net/netfilter/ipvs/ip_vs_ctl.c (proc_do_sync_mode / proc_dointvec_minmax bounds).
constexpr std::array<SysctlDef, 13> kSysctls{{
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
    {"sloppy_sctp", 1, 0, &Sysctls::sloppy_sctp, false,
     "1: SCTP entries from any chunk, not only INIT (lvsim models no SCTP: kept for configurations)"},
    // proc_do_sync_threshold(): two values, the threshold below the period unless the period is 0.
    {"sync_threshold", 65535, 3, &Sysctls::sync_threshold, false,
     "\"THRESHOLD PERIOD\": the sync daemon sends an entry at its THRESHOLD-th incoming packet and every "
     "PERIOD packets after",
     &Sysctls::sync_period, 50},
    {"sync_refresh_period", 86400, 0, &Sysctls::sync_refresh_period, false,
     "seconds: >0 sends an entry again only on a state change or when its timeout moved by this much"},
    {"sync_retries", 3, 0, &Sysctls::sync_retries, false,
     "with sync_refresh_period: how many times a refresh is sent again (sync_refresh_period/8 apart)"},
    {"sync_version", 1, 1, &Sysctls::sync_version, false,
     "message format: 1 carries each entry's timeout, 0 (before 2.6.39) does not"},
    {"sync_persist_mode", 1, 0, &Sysctls::sync_persist_mode, false,
     "1: entries under a persistence template are not sent, only the templates"},
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
