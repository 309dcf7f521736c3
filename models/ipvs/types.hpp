// The director's data: virtual services, destinations (realservers), connection entries,
// sysctls. Plain structs; the Director owns them and is the only code that changes counters.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "models/ipvs/tcp_table.hpp"
#include "models/net/network.hpp"
#include "sim/timer.hpp"

namespace lvs::ipvs {

enum class Forward : uint8_t { Masq, Local, Tunnel, Route };
// ipvsadm's Forward column: Masq, Local, Tunnel, Route.
std::string_view to_string(Forward f);
// ipvsadm's switch: -m, -g, -i (Local prints -g).
std::string_view switch_of(Forward f);

enum class Proto : uint8_t { Tcp, Udp };

// net.ipv4.vs.* (Documentation/networking/ipvs-sysctl.rst; defaults from ip_vs_ctl.c).
struct Sysctls {
    int expire_nodest_conn = 0;
    int expire_quiescent_template = 0;
    int conn_reuse_mode = 1;
    int sloppy_tcp = 0;
    int conntrack = 0;
    int secure_tcp = 0;
    int nat_icmp_send = 0;
    int sloppy_sctp = 0;
    // The sync daemon's (ip_vs_sync.c): sync_threshold is a pair, "3 50" by default.
    int sync_threshold = 3;
    int sync_period = 50;
    int sync_refresh_period = 0;  // seconds
    int sync_retries = 0;
    int sync_version = 1;
    int sync_persist_mode = 0;
};

// ipvsadm --set tcp tcpfin udp: ESTABLISHED, FIN_WAIT and UDP timeouts (0 = unchanged).
struct Timeouts {
    sim::Duration tcp = sim::s(900);
    sim::Duration tcp_fin = sim::s(120);
    sim::Duration udp = sim::s(300);
};

// Destination flags (include/uapi/linux/ip_vs.h).
constexpr uint32_t kDestAvailable = 0x0001;
constexpr uint32_t kDestOverload = 0x0002;

// Service scheduler flags (-b): SCHED1 = sh/mh fallback, SCHED2 = sh/mh port, SCHED3.
constexpr uint32_t kSvcSched1 = 0x0008;
constexpr uint32_t kSvcSched2 = 0x0010;
constexpr uint32_t kSvcSched3 = 0x0020;

struct DestStats {
    uint64_t conns = 0;
    uint64_t inpkts = 0;
    uint64_t outpkts = 0;
    uint64_t inbytes = 0;
    uint64_t outbytes = 0;
};

// The rate estimator's state (ip_vs_est.c: every 2 s, EWMA with weight 1/4, fixed point).
struct RateEstimate {
    uint64_t last_conns = 0, last_inpkts = 0, last_outpkts = 0, last_inbytes = 0, last_outbytes = 0;
    int64_t cps = 0, inpps = 0, outpps = 0, inbps = 0, outbps = 0;  // scaled: x2^10 (pkts), x2^5 (bytes)
};

struct Service;

struct Dest {
    net::Endpoint addr;
    Forward forward = Forward::Route;
    int32_t weight = 1;
    int32_t last_weight = 1;  // last non-zero weight (mh keeps its table with it)
    uint32_t u_threshold = 0;
    uint32_t l_threshold = 0;
    uint32_t flags = kDestAvailable;
    uint32_t activeconns = 0;
    uint32_t inactconns = 0;
    uint32_t persistconns = 0;
    uint64_t refcnt = 0;  // connection entries bound to it
    DestStats stats;
    DestStats zero_point;  // ipvsadm -Z snapshots instead of clearing
    RateEstimate rate;
    Service* svc = nullptr;  // nullptr once in the trash
    // The service it belongs to (kept in the trash so that -a can revive it).
    Proto svc_proto = Proto::Tcp;
    net::Endpoint svc_vip;
    uint32_t svc_fwmark = 0;
    std::string name;      // the scenario's name for it ("rs1"), for reports
    net::NodeId node = 0;  // the realserver's node (DR/TUN forwarding)
    bool in_trash = false;
    sim::Time idle_start;  // trash: when it was first seen unreferenced
    bool available() const { return (flags & kDestAvailable) != 0; }
    bool overloaded() const { return (flags & kDestOverload) != 0; }
    uint32_t overhead() const { return activeconns * 256 + inactconns; }  // ip_vs_dest_conn_overhead
};

class Scheduler;

struct Service {
    Proto proto = Proto::Tcp;
    net::Endpoint vip;
    uint32_t fwmark = 0;
    std::string sched_name = "wlc";
    uint32_t flags = 0;  // persistent, scheduler flags
    bool persistent = false;
    uint32_t persistence_s = 300;
    net::Ipv4 netmask{0xFFFFFFFFu};
    bool one_packet = false;
    // Kernel order: newest first (list_add at the head); this decides ties.
    std::vector<Dest*> dests;
    std::unique_ptr<Scheduler> scheduler;
    DestStats stats;
    DestStats zero_point;
    RateEstimate rate;
};

}  // namespace lvs::ipvs
