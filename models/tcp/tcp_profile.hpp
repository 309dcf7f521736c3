// Linux TCP behaviour as named, documented parameters.
//
// Two profiles, chosen per host: `linux-6` (the default; what a Linux 6.18 stack did in the
// measurements of ../shared/spec/linux-tcp-observed.md) and `linux-classic` (the textbook
// values of ipvs-tcp-http.md section 8). Every value names its source.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/time.hpp"

namespace lvs::tcp {

struct TcpProfile {
    std::string name;
    // Gaps before each SYN retransmission; connect() fails one more gap after the last.
    // linux-6: tcp_syn_retries=6 plus tcp_syn_linear_timeouts=4 -> 1,1,1,1,1,2,4,8,16,32 then
    // 64 to ETIMEDOUT (observed: retransmits at 1.03 ... 68.07 s, failure at 133.6 s).
    // linux-classic: 1,2,4,8,16,32 then 64 (retransmits at 1,3,7,15,31,63 s, failure ~127 s).
    std::vector<sim::Duration> syn_gaps;
    sim::Duration syn_fail_gap;
    // SYN+ACK retransmissions of a half-open request (tcp_synack_retries=5: 1,3,7,15,31 s;
    // the request is dropped at ~63 s). Source: ipvs-tcp-http.md section 8.
    std::vector<sim::Duration> synack_gaps;
    sim::Duration synack_fail_gap;
    sim::Duration time_wait = sim::s(60);     // TCP_TIMEWAIT_LEN, fixed in Linux
    sim::Duration fin_timeout = sim::s(60);   // tcp_fin_timeout: orphaned FIN_WAIT_2
    sim::Duration rto_initial = sim::s(1);    // TCP_TIMEOUT_INIT (RFC 6298)
    sim::Duration rto_min = sim::ms(200);     // TCP_RTO_MIN
    sim::Duration rto_max = sim::s(120);      // TCP_RTO_MAX
    int retries2 = 15;                        // tcp_retries2: give-up after ~924.6 s
    bool tail_loss_probe = true;              // tcp_early_retrans=3 (observed: probe at +0.206 s)
    sim::Duration delayed_ack = sim::ms(40);  // TCP_DELACK_MIN
    uint32_t initial_cwnd = 10;               // TCP_INIT_CWND (RFC 6928)
    // tcp_slow_start_after_idle=1 only restarts the window for congestion controls that do
    // not manage cwnd themselves: cubic restarts (observed 231 -> 10 after 2 s idle), bbr does
    // not (observed 286 -> 286). linux-6 runs bbr, linux-classic cubic.
    bool restart_after_idle = false;
    std::string_view congestion_control = "bbr";
    uint32_t somaxconn = 4096;       // net.core.somaxconn (128 before Linux 5.4)
    bool abort_on_overflow = false;  // tcp_abort_on_overflow
    uint16_t ephemeral_low = 32768;  // ip_local_port_range
    uint16_t ephemeral_high = 60999;
};

const TcpProfile& linux6_profile();
const TcpProfile& linux_classic_profile();
// By name ("linux-6", "linux-classic"); nullptr when unknown.
const TcpProfile* find_tcp_profile(std::string_view name);
std::vector<std::string_view> tcp_profile_names();

// Linux's give-up time for data retransmissions: tcp_model_timeout(boundary=retries2,
// rto_base=200 ms), e.g. 924.6 s for 15 and 12.6 s for 5 (net/ipv4/tcp_timer.c).
sim::Duration retransmission_give_up(const TcpProfile& p);

}  // namespace lvs::tcp
