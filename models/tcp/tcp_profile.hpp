// A host's TCP settings: the kernel's own sysctls (names, units and defaults as in
// Documentation/networking/ip-sysctl.rst), CONFIG_HZ, and the phase of its jiffies.
//
// Two named bundles: `linux-6` (the default; what a Linux 6.18 stack did in the measurements of
// ../shared/spec/linux-tcp-observed.md, tcp_syn_linear_timeouts=4, with Debian's default
// congestion control, cubic: that machine ran bbr) and `linux-classic` (the textbook values of
// ipvs-tcp-http.md section 8: no linear SYN timeouts, cubic). A
// scenario starts a host from a bundle and overrides single sysctls (`sysctl:` on a realserver,
// a client group or the director).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/tcp/kernel_clock.hpp"
#include "sim/time.hpp"

namespace lvs::tcp {

// net.ipv4.tcp_congestion_control: the values the model has.
enum class CongestionControl : uint8_t { Reno, Cubic, Bbr };
std::string_view to_string(CongestionControl c);

// net.ipv4.ip_local_port_range.
struct PortRange {
    uint16_t low = 32768;
    uint16_t high = 60999;
};

// /proc/sys/net/ipv4/tcp_* and the two others TCP reads, each in the kernel's unit.
struct TcpSysctls {
    int64_t tcp_syn_retries = 6;
    int64_t tcp_synack_retries = 5;
    int64_t tcp_syn_linear_timeouts = 4;  // Linux 6.6+ (commit ccce324dabfe); 0 before
    int64_t tcp_retries1 = 3;
    int64_t tcp_retries2 = 15;
    int64_t tcp_orphan_retries = 0;  // 0: 8 while the RTO is below TCP_RTO_MAX
    int64_t tcp_fin_timeout = 60;    // s
    int64_t tcp_slow_start_after_idle = 1;
    int64_t tcp_tw_reuse = 2;  // 2: loopback only
    int64_t tcp_max_tw_buckets = 262144;
    int64_t tcp_keepalive_time = 7200;  // s
    int64_t tcp_keepalive_intvl = 75;   // s
    int64_t tcp_keepalive_probes = 9;
    int64_t tcp_rto_min_us = 200000;
    int64_t tcp_rto_max_ms = 120000;
    int64_t tcp_early_retrans = 3;  // tail-loss probes on
    int64_t tcp_abort_on_overflow = 0;
    int64_t somaxconn = 4096;  // net.core.somaxconn (128 before Linux 5.4)
    // Loss recovery (ip-sysctl.rst; net/ipv4/tcp_ipv4.c, tcp_sk_init()).
    int64_t tcp_sack = 1;
    int64_t tcp_dsack = 1;
    int64_t tcp_recovery = 1;  // TCP_RACK_LOSS_DETECTION; 0x2 static reo_wnd, 0x4 no DUPTHRESH
    int64_t tcp_reordering = 3;
    int64_t tcp_max_reordering = 300;
    int64_t tcp_comp_sack_nr = 44;
    int64_t tcp_min_rtt_wlen = 300;  // s
    int64_t tcp_frto = 2;            // not modelled
    // Windows and buffers (tcp.c, tcp_init(); sock.c).
    int64_t tcp_window_scaling = 1;
    int64_t tcp_moderate_rcvbuf = 1;
    int64_t tcp_app_win = 31;
    std::array<int64_t, 3> tcp_rmem{4096, 131072, 6291456};
    std::array<int64_t, 3> tcp_wmem{4096, 16384, 4194304};
    int64_t rmem_max = 212992;  // net.core.rmem_max
    int64_t wmem_max = 212992;  // net.core.wmem_max
    PortRange ip_local_port_range;
    // Debian's kernels default to cubic (CONFIG_DEFAULT_TCP_CONG); the machine the spec's
    // measurements come from ran bbr (set it per host: sysctl: {tcp_congestion_control: bbr}).
    CongestionControl tcp_congestion_control = CongestionControl::Cubic;
};

struct TcpProfile {
    std::string name;
    uint32_t hz = 250;                        // CONFIG_HZ (Debian: 250)
    std::optional<Jiffies> jiffies_at_start;  // nullopt: drawn from the run's seed per host
    TcpSysctls sysctl;
    uint32_t initial_cwnd = 10;  // TCP_INIT_CWND (RFC 6928), a constant in Linux
};

const TcpProfile& linux6_profile();
const TcpProfile& linux_classic_profile();
// By name ("linux-6", "linux-classic"); nullptr when unknown.
const TcpProfile* find_tcp_profile(std::string_view name);
std::vector<std::string_view> tcp_profile_names();

// ---- the sysctl table -----------------------------------------------------------------------

enum class SysctlUnit : uint8_t { Count, Flag, Seconds, Milliseconds, Microseconds, Choice, Ports, Bytes3 };

struct TcpSysctlDef {
    std::string_view name;  // as under /proc/sys/net/ipv4 (net.core.somaxconn: "somaxconn")
    SysctlUnit unit;
    int64_t min = 0;
    int64_t max = 0;
    int64_t TcpSysctls::*field = nullptr;  // nullptr for ip_local_port_range and the CC
    std::string_view meaning;
    std::array<int64_t, 3> TcpSysctls::*triple = nullptr;  // tcp_rmem, tcp_wmem (Bytes3)
};
std::span<const TcpSysctlDef> tcp_sysctl_table();
// NAME with or without "net.ipv4." / "net.core."; nullptr when unknown.
const TcpSysctlDef* find_tcp_sysctl(std::string_view name);
// Sets a sysctl from its text: a number in the kernel's unit, or for time-valued ones a
// duration with a unit ("30s", "150ms"); "32768 60999" or "32768-60999" for the port range;
// reno, cubic or bbr for the congestion control. An error message, or empty on success.
std::string set_tcp_sysctl(TcpSysctls& s, const TcpSysctlDef& def, std::string_view text);
std::string format_tcp_sysctl(const TcpSysctls& s, const TcpSysctlDef& def);

// Linux's give-up time for data retransmissions: tcp_model_timeout(boundary=retries2,
// rto_base=TCP_RTO_MIN), e.g. 924.6 s for 15 and 12.6 s for 5 (net/ipv4/tcp_timer.c).
sim::Duration retransmission_give_up(const TcpProfile& p);
// The same for a connection its application has closed (orphaned, SOCK_DEAD), whose RTO
// `alive` is still below TCP_RTO_MAX.
sim::Duration orphan_give_up(const TcpProfile& p, bool alive);

}  // namespace lvs::tcp
