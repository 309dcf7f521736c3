// `ss -tan` and `ss -tin` of one host: its TCP sockets as iproute2's ss prints them.
//
// Columns State, Recv-Q, Send-Q, Local Address:Port, Peer Address:Port with ss's state names
// (ESTAB, SYN-SENT, TIME-WAIT, ...). For a listener Recv-Q is the accept queue and Send-Q the
// backlog; otherwise Recv-Q is what the application has not read and Send-Q what it wrote that
// is not acknowledged. -i adds a line per connection from TCP_INFO (sack, congestion control,
// wscale, rto, backoff, rtt/rttvar, ato, mss, rcvmss, advmss, cwnd, ssthresh, lastsnd,
// lastrcv, unacked, retrans, lost, sacked, reordering, rcv_rtt, rcv_space, rcv_ssthresh,
// minrtt, snd_wnd, rcv_wnd).
// Sockets are listed listeners first, then by local and peer address (the kernel lists them in
// hash-table order).
#pragma once

#include <string>
#include <string_view>

#include "models/tcp/tcp_stack.hpp"

namespace lvs::tcp {

std::string_view ss_state(TcpState s);  // "ESTAB", "TIME-WAIT", ...
std::string ss_listing(const TcpStack& stack, bool info);

}  // namespace lvs::tcp
