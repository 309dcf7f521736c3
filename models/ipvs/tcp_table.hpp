// IPVS's own TCP connection states and transition tables (net/netfilter/ipvs/ip_vs_proto_tcp.c,
// as specified in ../shared/spec/ipvs-tcp-http.md section 1).
//
// Three blocks: INPUT (client -> director, replies seen too: NAT), OUTPUT (realserver ->
// director, NAT only) and INPUT_ONLY (client -> director when replies bypass it: DR/TUN). Each
// block has rows syn/fin/ack/rst. The cell tables below are laid out exactly like the spec's
// tables so a reader can hold them side by side; `next()` is the only lookup.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/time.hpp"

namespace lvs::ipvs {

// A connection entry's state (cp->state: IP_VS_TCP_S_NONE ... IP_VS_TCP_S_SYNACK). Not the
// endpoints' TCP state (tcp::TcpState): the director only sees segments go by and keeps its
// own, coarser, machine with its own timeouts.
enum class ConnState : uint8_t {
    None,
    Established,
    SynSent,
    SynRecv,
    FinWait,
    TimeWait,
    Close,
    CloseWait,
    LastAck,
    Listen,
    SynAck,
    // UDP entries have one state of their own (IP_VS_UDP_S_NORMAL, printed "UDP"); it is
    // not a column of the TCP tables.
    Udp,
    Count
};
constexpr size_t kStateCount = static_cast<size_t>(ConnState::Count);
constexpr size_t kTcpStateCount = static_cast<size_t>(ConnState::Udp);

// Printed exactly as /proc/net/ip_vs_conn and ipvsadm -Lnc print them.
std::string_view to_string(ConnState s);
std::optional<ConnState> state_from_string(std::string_view s);

enum class Dir : uint8_t { Input, Output, InputOnly };
std::string_view to_string(Dir d);

// The event a segment stands for, by flag priority: RST, then SYN, then FIN, then ACK
// (tcp_state_idx). A segment with none of them has no row: the entry is forced to CLOSE.
enum class SegmentEvent : uint8_t { Syn, Fin, Ack, Rst };
std::string_view to_string(SegmentEvent e);
std::optional<SegmentEvent> event_of(uint8_t tcp_flags);

// Which kernel era's cells: the INPUT/INPUT_ONLY ack-from-NONE cell was CLOSE in ~2011
// kernels and is ESTABLISHED now (section 1.4 footnote 1); `secure_tcp` selects the dos tables.
struct TableVariant {
    bool ack_from_none_establishes = true;
    bool secure_tcp = false;
};

ConnState next(ConnState from, Dir dir, SegmentEvent ev, TableVariant v = {});

// Default per-state timeouts (tcp_timeouts[]): 2/900/120/60/120/120/10/60/30/120/120 s; UDP
// 300 s (udp_timeouts[IP_VS_UDP_S_NORMAL]).
sim::Duration default_timeout(ConnState s);

}  // namespace lvs::ipvs
