#include "models/tcp/tcp_state.hpp"

#include <array>

namespace lvs::tcp {

namespace {

constexpr std::array<std::string_view, kTcpStateCount> kStateNames{
    "CLOSED",     "LISTEN",     "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
    "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",  "LAST_ACK",     "TIME_WAIT",
};

constexpr std::array<std::string_view, static_cast<size_t>(TcpEvent::Count)> kEventNames{
    "app-connect", "app-listen", "app-close",           "app-abort", "recv-SYN", "recv-SYN+ACK",
    "recv-ACK",    "recv-FIN",   "recv-FIN+ACK-of-FIN", "recv-RST",  "timeout",
};

using S = TcpState;
using E = TcpEvent;

// RFC 793 section 3.2 (figure 6) and 3.9, with Linux's choices where RFC 793 leaves room:
// a RST kills TIME_WAIT (tcp_rfc1337 = 0), a SYN_RECEIVED child hit by RST is dropped rather
// than returned to LISTEN (Linux keeps the listener separate from its request sockets).
constexpr TcpTransition kTable[] = {
    {S::Closed, E::AppConnect, S::SynSent, "send SYN"},
    {S::Closed, E::AppListen, S::Listen, "-"},
    {S::Listen, E::RecvSyn, S::SynReceived, "new child, send SYN+ACK"},
    {S::Listen, E::AppClose, S::Closed, "-"},
    {S::SynSent, E::RecvSynAck, S::Established, "send ACK; connect() succeeds"},
    {S::SynSent, E::RecvSyn, S::SynReceived, "simultaneous open: send SYN+ACK"},
    {S::SynSent, E::RecvRst, S::Closed, "connect() fails: ECONNREFUSED"},
    {S::SynSent, E::AppClose, S::Closed, "-"},
    {S::SynSent, E::Timeout, S::Closed, "SYN retries exhausted: ETIMEDOUT"},
    {S::SynReceived, E::RecvAck, S::Established, "queued for accept()"},
    {S::SynReceived, E::RecvRst, S::Closed, "request dropped"},
    {S::SynReceived, E::AppClose, S::FinWait1, "send FIN"},
    {S::SynReceived, E::Timeout, S::Closed, "SYN+ACK retries exhausted: request dropped"},
    {S::Established, E::AppClose, S::FinWait1, "send FIN"},
    {S::Established, E::RecvFin, S::CloseWait, "send ACK; read() returns EOF"},
    {S::Established, E::RecvRst, S::Closed, "ECONNRESET"},
    {S::Established, E::Timeout, S::Closed, "retransmissions exhausted: ETIMEDOUT"},
    {S::FinWait1, E::RecvAck, S::FinWait2, "-"},
    {S::FinWait1, E::RecvFin, S::Closing, "simultaneous close: send ACK"},
    {S::FinWait1, E::RecvFinAck, S::TimeWait, "send ACK"},
    {S::FinWait1, E::RecvRst, S::Closed, "-"},
    {S::FinWait1, E::Timeout, S::Closed, "FIN retransmissions exhausted"},
    {S::FinWait2, E::RecvFin, S::TimeWait, "send ACK"},
    {S::FinWait2, E::RecvRst, S::Closed, "-"},
    {S::FinWait2, E::Timeout, S::Closed, "orphaned FIN_WAIT_2 expires (tcp_fin_timeout)"},
    {S::CloseWait, E::AppClose, S::LastAck, "send FIN"},
    {S::CloseWait, E::RecvRst, S::Closed, "ECONNRESET"},
    {S::CloseWait, E::Timeout, S::Closed, "retransmissions exhausted"},
    {S::Closing, E::RecvAck, S::TimeWait, "-"},
    {S::Closing, E::RecvRst, S::Closed, "-"},
    {S::Closing, E::Timeout, S::Closed, "FIN retransmissions exhausted"},
    {S::LastAck, E::RecvAck, S::Closed, "-"},
    {S::LastAck, E::RecvRst, S::Closed, "-"},
    {S::LastAck, E::Timeout, S::Closed, "FIN retransmissions exhausted"},
    {S::SynSent, E::AppAbort, S::Closed, "-"},
    {S::SynReceived, E::AppAbort, S::Closed, "send RST"},
    {S::Established, E::AppAbort, S::Closed, "send RST"},
    {S::CloseWait, E::AppAbort, S::Closed, "send RST"},
    {S::FinWait1, E::AppAbort, S::Closed, "send RST"},
    {S::FinWait2, E::AppAbort, S::Closed, "send RST"},
    {S::Closing, E::AppAbort, S::Closed, "send RST"},
    {S::LastAck, E::AppAbort, S::Closed, "send RST"},
    {S::TimeWait, E::AppAbort, S::Closed, "-"},
    {S::TimeWait, E::RecvFin, S::TimeWait, "retransmitted FIN: send ACK, restart the 60 s timer"},
    {S::TimeWait, E::RecvRst, S::Closed, "TIME_WAIT killed (tcp_rfc1337 = 0)"},
    {S::TimeWait, E::Timeout, S::Closed, "TIME_WAIT over"},
};

}  // namespace

std::string_view to_string(TcpState s) { return kStateNames[static_cast<size_t>(s)]; }

std::optional<TcpState> tcp_state_from_string(std::string_view s) {
    for (size_t i = 0; i < kStateNames.size(); ++i)
        if (kStateNames[i] == s) return static_cast<TcpState>(i);
    return std::nullopt;
}

std::string_view to_string(TcpEvent e) { return kEventNames[static_cast<size_t>(e)]; }

std::span<const TcpTransition> tcp_transitions() { return kTable; }

std::optional<TcpState> next_state(TcpState from, TcpEvent event) {
    for (const TcpTransition& t : kTable)
        if (t.from == from && t.event == event) return t.to;
    return std::nullopt;
}

}  // namespace lvs::tcp
