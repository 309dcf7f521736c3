// TCP endpoint states (RFC 793) and the transition table the endpoint follows.
//
// The table names every state change the endpoint can make, with the event that causes it;
// the endpoint asks `next_state()` and applies the answer in one place (TcpConn::set_state),
// which also keeps the per-state counters and emits the trace record. Events the table does
// not list for a state change nothing (data on ESTABLISHED, duplicate ACKs, ...).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace lvs::tcp {

enum class TcpState : uint8_t {
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
    Count
};
constexpr size_t kTcpStateCount = static_cast<size_t>(TcpState::Count);

// Printed as in RFC 793 (with underscores): CLOSED, SYN_RECEIVED, FIN_WAIT_1, TIME_WAIT, ...
std::string_view to_string(TcpState s);
std::optional<TcpState> tcp_state_from_string(std::string_view s);

enum class TcpEvent : uint8_t {
    AppConnect,  // active open: SYN sent
    AppListen,
    AppClose,    // the application closes (FIN after queued data)
    AppAbort,    // abortive close (SO_LINGER 0): RST now
    RecvSyn,     // SYN without ACK
    RecvSynAck,  // SYN+ACK acknowledging our SYN
    RecvAck,     // an ACK that acknowledges our SYN or our FIN
    RecvFin,     // FIN that does not acknowledge our FIN
    RecvFinAck,  // FIN that also acknowledges our FIN
    RecvRst,
    Timeout,  // retries exhausted, TIME_WAIT or orphaned FIN_WAIT_2 expiry
    Count
};
std::string_view to_string(TcpEvent e);

struct TcpTransition {
    TcpState from;
    TcpEvent event;
    TcpState to;
    std::string_view action;  // what the endpoint sends or reports, for readers and tests
};

// The whole table (one row per transition).
std::span<const TcpTransition> tcp_transitions();
std::optional<TcpState> next_state(TcpState from, TcpEvent event);

// States in which a connection holds its 4-tuple in the host's table (everything but CLOSED
// and LISTEN).
constexpr bool holds_tuple(TcpState s) { return s != TcpState::Closed && s != TcpState::Listen; }

}  // namespace lvs::tcp
