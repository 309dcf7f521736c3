#include "models/trace/vocabulary.hpp"

#include <algorithm>
#include <array>

#include "models/trace/vocabulary_fields.hpp"

namespace lvs::trace {

namespace {

using namespace fields;

// ---- fields, kind by kind (the order a record prints them in) --------------------------------

constexpr FieldSpec kDirectorConnections[] = {
    {"ipvsadm_lnc", T, kAlways, "the output of `ipvsadm -Lnc` at this instant"},
};
constexpr FieldSpec kDirectorDest[] = {
    {"service", T, kAlways, "the virtual service as `ipvsadm -Ln` names it: `TCP 10.0.0.100:80`, `FWM 1`"},
    {"address", T, kAlways, "the realserver's address and port: `192.168.10.11:80`"},
    {"name", T, kAlways, "the scenario's name for the realserver (`rs1`), or its address"},
    {"forward", T, kAlways, "the forwarding method as listed: `Route`, `Masq`, `Tunnel`"},
    {"weight", I, kAlways, "Weight"},
    {"active", I, kAlways, "ActiveConn: entries in ESTABLISHED"},
    {"inactive", I, kAlways, "InActConn: every other entry bound to it"},
    {"listed", I, kAlways, "1 while the row is in the listing; 0 in the one record saying it left (deleted)"},
    {"director", T, kSometimes,
     "with a director pair: whose row it is, the director the router sends the VIPs to now; with a "
     "fleet: `fleet`, the counts summed over its directors"},
};
constexpr FieldSpec kDirectorListing[] = {
    {"ipvsadm_ln", T, kAlways, "the output of `ipvsadm -Ln`, written whenever it changes"},
};
constexpr FieldSpec kDirectorRealserver[] = {
    {"name", T, kAlways, "the scenario's name for the realserver"},
    {"address", T, kAlways, "its address and port"},
    {"forward", T, kAlways, "the forwarding methods of its services, comma-separated"},
};
constexpr FieldSpec kExpectation[] = {
    {"that", T, kAlways, "the expectation as written in the scenario"},
    {"passed", I, kAlways, "1 when it held"},
    {"observed", T, kAlways, "the values it was checked against: `rs1.active = 0, ...`"},
};
constexpr FieldSpec kExerciseGrade[] = {
    {"student", T, kAlways, "who answered (the answer file's `student:`, else its name)"},
    {"question", T, kAlways, "the exercise question's id"},
    {"right", I, kAlways, "1 when the answer is right"},
    {"detail", T, kAlways, "what was answered, or which checks held after the fix"},
    {"hint", T, kAlways, "the key's hint for a wrong answer; empty when right"},
};
constexpr FieldSpec kHealthCheck[] = {
    {"server", T, kAlways, "the realserver checked"},
    {"result", T, kAlways, "`ok` or `fail`"},
    {"reason", T, kSometimes, "why the check failed (`connect: connection refused`, `timeout`)"},
    {"consecutive", I, kAlways, "how many checks in a row gave this result"},
};
constexpr FieldSpec kHealthState[] = {
    {"server", T, kAlways, "the realserver, `fallback` (or sorry server), or `quorum` (keepalived)"},
    {"state", T, kAlways,
     "`up` or `down`, what the checker now believes; `out`: alive but taken out with the quorum"},
    {"command", T, kSometimes, "the `ipvsadm` command the checker ran (none for a quorum change itself)"},
    {"because", T, kAlways, "what made it change its mind"},
    {"text", T, kAlways, "one sentence for the event log"},
    {"error", T, kSometimes, "the kernel's answer to the command; empty when it succeeded"},
};
constexpr FieldSpec kHostSockets[] = {
    {"host", T, kAlways, "the host's name"},
    {"ss", T, kAlways, "the output of `ss -tin` on that host"},
};
constexpr FieldSpec kIpvsAdmin[] = {
    {"op", T, kAlways, "the operation (`add-service`, `edit-dest`, ...)"},
    {"ok", I, kAlways, "1 when the kernel accepted it"},
    {"error", T, kAlways, "ipvsadm's message when it did not; empty otherwise"},
};
constexpr FieldSpec kIpvsConnExpire[] = {
    {"conn", I, kAlways, "the connection entry"},
    {"client", T, kAlways, "the client's address and port"},
    {"dest", T, kAlways, "the realserver it was bound to"},
    {"state", T, kAlways, "its IPVS state when its timer ran out"},
    {"template", I, kAlways, "1 for a persistence template"},
};
constexpr FieldSpec kIpvsConnNew[] = {
    {"conn", I, kAlways, "the new connection entry (its `ipvs.state` `conn`)"},
    {"client", T, kAlways, "the client's address and port"},
    {"dest", T, kAlways, "the realserver chosen"},
    {"template", I, kSometimes, "the persistence template it was made under"},
};
constexpr FieldSpec kIpvsDest[] = {
    {"dest", T, kAlways, "the destination's address and port"},
};
constexpr FieldSpec kIpvsDestRevived[] = {
    {"dest", T, kAlways, "the destination taken back from the trash by `ipvsadm -a`"},
    {"entries", I, kAlways, "connection entries still bound to it"},
};
constexpr FieldSpec kIpvsDrop[] = {
    {"conn", I, kSometimes, "the entry the packet matched"},
    {"client", T, kAlways, "the client's address and port"},
    {"flags", T, kSometimes, "the packet's TCP flags (`S`, `A`, `FA`, ...), or `UDP`"},
    {"rule", T, kAlways, "the kernel rule that drops it"},
    {"text", T, kAlways, "what the client experiences"},
};
constexpr FieldSpec kIpvsNoDest[] = {
    {"text", T, kAlways, "the kernel's log line: `IPVS: wlc: TCP 10.0.0.100:80 - no destination available`"},
    {"client", T, kAlways, "the client whose SYN found no realserver"},
};
constexpr FieldSpec kIpvsNodestFlush[] = {
    {"dest", T, kAlways, "the deleted destination"},
    {"entries", I, kAlways, "entries expired at once (expire_nodest_conn)"},
};
constexpr FieldSpec kIpvsReuse[] = {
    {"conn", I, kAlways, "the entry a new SYN re-uses"},
    {"client", T, kAlways, "the client's address and port"},
    {"old_dest", T, kAlways, "the realserver the entry was bound to"},
    {"old_state", T, kAlways, "the entry's state then"},
    {"rule", T, kAlways, "why it is rescheduled (conn_reuse_mode, weight 0)"},
};
constexpr FieldSpec kIpvsRst[] = {
    {"client", T, kAlways, "the client's address and port"},
    {"vip", T, kAlways, "the virtual address it sent to"},
    {"flags", T, kAlways, "the packet's TCP flags"},
    {"rule", T, kAlways, "why IPVS did not take it"},
    {"text", T, kAlways, "one sentence for the event log"},
};
constexpr FieldSpec kIpvsSched[] = {
    {"service", T, kAlways, "the virtual address and port"},
    {"scheduler", T, kAlways, "the scheduler (or `persistence template`)"},
    {"client", T, kAlways, "the client's address and port"},
    {"chosen", T, kAlways, "the realserver picked, or `none`"},
    {"candidates", T, kAlways, "the figures the scheduler compared (overheads, weights, hashes)"},
};
constexpr FieldSpec kIpvsState[] = {
    {"conn", I, kAlways, "the connection entry"},
    {"client", T, kAlways, "the client's address and port"},
    {"dest", T, kAlways, "the realserver it is bound to"},
    {"dir", T, kAlways, "`in` (client to server), `out` (reply, NAT) or `in-only` (DR/TUN)"},
    {"event", T, kAlways, "what moved it: the packet's flags (`syn`, `ack`, `fin`, `rst`) or `timeout`"},
    {"from", T, kAlways, "the IPVS TCP state before (`SYN_RECV`, `ESTABLISHED`, `FIN_WAIT`, ...)"},
    {"to", T, kAlways, "the state after"},
    {"active", I, kAlways, "the realserver's ActiveConn after the change"},
    {"inactive", I, kAlways, "its InActConn after the change"},
};
constexpr FieldSpec kIpvsSysctl[] = {
    {"name", T, kAlways, "the setting under net.ipv4.vs (`expire_nodest_conn`)"},
    {"value", I, kAlways, "the value written"},
    {"error", T, kAlways, "sysctl's message when refused; empty otherwise"},
};
constexpr FieldSpec kIpvsTemplateInvalid[] = {
    {"client", T, kAlways, "the client address the template pins"},
    {"dest", T, kAlways, "its realserver"},
    {"rule", T, kAlways, "why it no longer counts (deleted, or weight 0 with expire_quiescent_template)"},
};
constexpr FieldSpec kIpvsTemplateNew[] = {
    {"client", T, kAlways, "the client address (masked by the persistence netmask)"},
    {"dest", T, kAlways, "the realserver it pins"},
    {"timeout_s", I, kAlways, "the persistence timeout in seconds"},
};
constexpr FieldSpec kIpvsWarning[] = {
    {"dest", T, kAlways, "the destination concerned"},
    {"text", T, kAlways, "what an operator should know"},
};
constexpr FieldSpec kLessonStep[] = {
    {"n", I, kAlways, "the step's number (1, 2, ...)"},
    {"at", I, kAlways, "when the viewer stops for it (ns)"},
    {"caption", T, kAlways, "what the class reads"},
    {"question", T, kAlways, "what the class is asked to predict; empty when nothing"},
    {"highlight", T, kAlways, "a realserver, client group, `director` or a panel to point at; may be empty"},
    {"reveal", T, kAlways,
     "what the answer shows: `listing`, `connections`, `expectation`, `timeline`, or empty"},
};
constexpr FieldSpec kNetDrop[] = {
    {"reason", T, kAlways, "`no route`, `loss`, `queue full`, `link down` or `rule`"},
    {"link", T, kSometimes, "the link (`client-director`)"},
    {"rule", T, kSometimes, "the scenario's drop rule that matched"},
    {"src", T, kSometimes, "the packet's source address and port"},
    {"dst", T, kAlways, "its destination"},
    {"flags", T, kSometimes, "its TCP flags, `UDP` or `ICMP`"},
    {"seq", I, kSometimes, "its sequence number"},
    {"len", I, kSometimes, "its payload bytes"},
};
constexpr FieldSpec kNetPacket[] = {
    {"to", T, kAlways, "the node the link delivers it to (the entity is the sender)"},
    {"src", T, kAlways, "the source address and port"},
    {"dst", T, kAlways, "the destination address and port"},
    {"flags", T, kAlways, "TCP flags as letters (`S`, `SA`, `A`, `PA`, `FA`, `R`), `UDP` or `ICMP`"},
    {"seq", I, kAlways, "the sequence number, as on the wire"},
    {"ack", I, kAlways, "the acknowledgement number"},
    {"len", I, kAlways, "payload bytes"},
    {"segs", I, kAlways, "segments in a TSO/GRO train (1 for a plain segment)"},
    {"lead_ack", I, kAlways, "1 when a pure ACK leads the train"},
    {"arrive", I, kAlways, "when it reaches `to` (ns)"},
};
constexpr FieldSpec kNetQueue[] = {
    {"link", T, kAlways, "the link"},
    {"dir", T, kAlways, "`out` (a to b) or `back`"},
    {"to", T, kAlways, "the node that direction feeds"},
    {"packets", I, kAlways, "packets waiting"},
    {"bytes", I, kAlways, "bytes waiting"},
    {"delay_us", I, kAlways, "how long a packet arriving now would wait, in microseconds"},
};
constexpr FieldSpec kScenarioWarning[] = {
    {"text", T, kAlways, "the warning"},
    {"line", I, kAlways, "the scenario file's line it is about"},
};
constexpr FieldSpec kSnapshot[] = {
    {"label", T, kAlways, "the snapshot's label in the scenario"},
    {"ipvsadm_ln", T, kAlways, "the output of `ipvsadm -Ln` then"},
};
constexpr FieldSpec kSocketCall[] = {
    {"program", T, kAlways, "the socket program's name"},
    {"n", I, kAlways, "the call's number in the program (1, 2, ...)"},
    {"call", T, kAlways, "the system call (`connect`, `send`, `close`, ...)"},
    {"text", T, kAlways, "the call as written in the scenario"},
    {"result", I, kAlways, "its return value"},
    {"errno", T, kAlways, "its errno name; empty on success"},
    {"started", I, kAlways, "when the call was made (ns); the record's time is when it returned"},
};
constexpr FieldSpec kTcpBbr[] = {
    {"conn", I, kAlways, "the connection"},
    {"mode", T, kAlways, "BBR's mode: `STARTUP`, `DRAIN`, `PROBE_BW`, `PROBE_RTT`"},
    {"bw_bps", I, kAlways, "the bottleneck bandwidth estimate, bits per second"},
    {"min_rtt_us", I, kAlways, "the minimum RTT estimate, microseconds"},
    {"pacing_rate_bps", I, kAlways, "the pacing rate, bits per second"},
    {"cwnd", I, kAlways, "the congestion window, packets"},
};
constexpr FieldSpec kTcpCwnd[] = {
    {"conn", I, kAlways, "the connection"},
    {"cwnd", I, kAlways, "the congestion window, packets"},
    {"ssthresh", I, kAlways, "the slow-start threshold, packets (-1: infinite)"},
};
constexpr FieldSpec kTcpDrop[] = {
    {"reason", T, kAlways, "why the stack dropped a segment (`accept queue full`)"},
    {"from", T, kAlways, "the sender's address and port"},
};
constexpr FieldSpec kTcpError[] = {
    {"conn", I, kSometimes, "the connection (absent when none could be made)"},
    {"local", T, kSometimes, "its local address and port"},
    {"remote", T, kAlways, "the remote address and port"},
    {"error", T, kAlways, "the errno reported to the application"},
    {"state", T, kSometimes, "the TCP state it was in"},
};
constexpr FieldSpec kTcpRecovery[] = {
    {"conn", I, kAlways, "the connection"},
    {"state", T, kAlways, "the congestion-avoidance state entered (`recovery`)"},
    {"high_seq", I, kAlways, "snd_nxt when recovery began, relative to the ISN"},
    {"lost", I, kAlways, "segments marked lost"},
    {"sacked", I, kAlways, "segments SACKed"},
    {"ssthresh", I, kAlways, "the new slow-start threshold, packets"},
};
constexpr FieldSpec kTcpRetransmit[] = {
    {"conn", I, kAlways, "the connection"},
    {"seq", I, kAlways, "the first byte resent, relative to the ISN"},
    {"len", I, kAlways, "bytes resent"},
    {"segs", I, kAlways, "segments resent"},
    {"why", T, kAlways, "`dupack` (fast retransmit), `rack`, `tlp` (tail loss probe) or `rto`"},
    {"state", T, kAlways, "the congestion-avoidance state: `Open`, `Disorder`, `Recovery`, `Loss`"},
};
constexpr FieldSpec kTcpRst[] = {
    {"to", T, kAlways, "where the RST goes"},
    {"from", T, kAlways, "the address it answers for"},
    {"reason", T, kAlways, "`no socket`"},
};
constexpr FieldSpec kTcpRto[] = {
    {"conn", I, kAlways, "the connection"},
    {"rto_ms", I, kAlways, "the retransmission timeout, milliseconds"},
    {"backoff", I, kAlways, "how many times it has been doubled"},
};
constexpr FieldSpec kTcpRwnd[] = {
    {"conn", I, kAlways, "the connection"},
    {"rcv_wnd", I, kAlways, "the window advertised, bytes"},
    {"rcv_ssthresh", I, kAlways, "the window's growth limit, bytes"},
    {"window_clamp", I, kAlways, "the largest window it may offer, bytes"},
    {"rcvbuf", I, kAlways, "the receive buffer, bytes"},
};
constexpr FieldSpec kTcpState[] = {
    {"conn", I, kAlways, "the connection (0: a listening socket)"},
    {"local", T, kAlways, "the local address and port"},
    {"remote", T, kAlways, "the remote address and port (`*` for a listener)"},
    {"from", T, kAlways, "the TCP state before (`SYN_SENT`, `ESTABLISHED`, `TIME_WAIT`, ...)"},
    {"to", T, kAlways, "the state after"},
    {"event", T, kAlways, "what moved it (`recv-SYN`, `app-close`, `timeout`, `recv-RST`, ...)"},
    {"backlog", I, kSometimes, "the listen backlog (when a socket starts listening)"},
};
constexpr FieldSpec kTcpTw[] = {
    {"conn", I, kAlways, "the connection"},
    {"remote", T, kAlways, "the remote address and port"},
};
constexpr FieldSpec kTimelineIpvsadm[] = {
    {"command", T, kAlways, "the command line from the scenario's timeline"},
    {"result", T, kAlways, "`ok` or ipvsadm's message"},
};
constexpr FieldSpec kTimelineServer[] = {
    {"server", T, kAlways, "the server (or client) acted on"},
    {"action", T, kAlways,
     "the action: `stop`, `graceful-stop`, `crash`, `kill`, `start`, `keepalive-off`, ..."},
};
constexpr FieldSpec kTimelineSysctl[] = {
    {"setting", T, kAlways, "`name=value` as written in the scenario"},
    {"result", T, kAlways, "`ok` or sysctl's message"},
};

constexpr const char* kDirector = "the director";
constexpr const char* kClient = "a client host";
constexpr const char* kHost = "a host's TCP stack";
constexpr const char* kServer = "a web server (`rs1:http`)";
constexpr const char* kSender = "the sending node";

// ---- the table, sorted by kind ---------------------------------------------------------------

constexpr KindSpec kKinds[] = {
    {kind::director_connections, kDirector, kGroupListing, "The connection table, every `listing_every`",
     kDirectorConnections},
    {kind::director_dest, kDirector, kGroupListing,
     "One realserver's row of `ipvsadm -Ln`, written when the row changes (the viewer's counters)",
     kDirectorDest},
    {kind::director_listing, kDirector, kGroupListing, "The service table as `ipvsadm -Ln` prints it",
     kDirectorListing},
    {kind::director_realserver, kDirector, 0, "A realserver of the scenario, once at the start",
     kDirectorRealserver},
    {kind::dns_lookup, kClient, kGroupHttp, "A DNS lookup (getaddrinfo) answered or failed", kDnsLookup},
    {kind::dns_try_failed, kClient, kGroupHttp | kGroupFault,
     "A DNS query went unanswered (timeout) or was refused (ICMP port unreachable)", kDnsTryFailed},
    {kind::exercise_grade, "none", kGroupCheck,
     "One question of a break/fix exercise, graded (`lvsim grade --trace`, written after the run)",
     kExerciseGrade},
    {kind::expectation, "none", kGroupCheck, "One of the scenario's expectations, checked", kExpectation},
    {kind::fleet_connections, "that director", kGroupListing,
     "A fleet director's connection table (the second and later), every `listing_every`", kFleetConnections},
    {kind::fleet_listing, "that director", kGroupListing,
     "A fleet director's services changed (the second and later)", kFleetListing},
    {kind::fleet_member, "that director", kGroupAdmin,
     "A director joins or leaves the router's ECMP group (and each one's place at the start)", kFleetMember},
    {kind::ha_peer_connections, "the second director", kGroupListing,
     "The second director's connection table, every `listing_every`", kHaPeerConnections},
    {kind::ha_peer_listing, "the second director", kGroupListing, "The second director's services changed",
     kHaPeerListing},
    {kind::ha_vip, "none", kGroupAdmin, "The VIPs move to another director", kHaVip},
    {kind::ha_vrrp, "the director", kGroupState, "A director's VRRP instance changes state", kHaVrrp},
    {kind::health_check, "the health checker", 0, "One health check's result", kHealthCheck},
    {kind::health_state, "the health checker", kGroupAdmin, "The checker changes the service", kHealthState},
    {kind::host_sockets, kHost, kGroupListing, "A host's sockets, every `listing_every`", kHostSockets},
    {kind::http_conn_error, kClient, kGroupHttp | kGroupFault, "A connection failed under a request",
     kHttpConnError},
    {kind::http_goaway, kClient, kGroupHttp, "The client receives GOAWAY: no new streams on this connection",
     kHttpGoaway},
    {kind::http_idle_close, kClient, kGroupHttp | kGroupTimer,
     "The client closes an idle keep-alive connection", kHttpIdleClose},
    {kind::http_keepalive_close, kServer, kGroupHttp | kGroupTimer,
     "The server closes an idle keep-alive connection", kHttpKeepaliveClose},
    {kind::http_object_failed, kClient, kGroupHttp | kGroupFault, "An object the user sees as broken",
     kHttpObjectFailed},
    {kind::http_page_abort, kClient, kGroupHttp, "A page load abandoned by a reload", kHttpPageAbort},
    {kind::http_page_done, kClient, kGroupHttp, "A page load finished", kHttpPageDone},
    {kind::http_page_start, kClient, kGroupHttp, "A page load begins", kHttpPageStart},
    {kind::http_ping_failed, kClient, kGroupHttp | kGroupFault | kGroupTimer,
     "An HTTP/2 PING went unanswered: the connection is taken as dead", kHttpPingFailed},
    {kind::http_request, kClient, kGroupHttp, "A request sent", kHttpRequest},
    {kind::http_request_timeout, kClient, kGroupHttp | kGroupTimer, "A request given up on",
     kHttpRequestTimeout},
    {kind::http_response, kServer, kGroupHttp, "A response sent", kHttpResponse},
    {kind::http_retry, kClient, kGroupHttp, "An object retried after its connection failed", kHttpRetry},
    {kind::http_server_abrupt_stop, kServer, kGroupHttp, "The server stops at once (connections reset)",
     kHttpServerStop},
    {kind::http_server_crash, kServer, kGroupHttp, "The host crashes (no FIN, no RST)", kHttpServerStop},
    {kind::http_server_drain, kServer, kGroupHttp, "The web server drains or reloads gracefully",
     kHttpServerDrain},
    {kind::http_server_goaway, kServer, kGroupHttp, "The server sends GOAWAY (HTTP/2's Connection: close)",
     kHttpGoaway},
    {kind::http_server_graceful_stop, kServer, kGroupHttp, "The server stops accepting and finishes requests",
     kHttpServerGracefulStop},
    {kind::http_server_kill, kServer, kGroupHttp, "The server process is killed (the kernel resets)",
     kHttpServerStop},
    {kind::http_server_start, kServer, kGroupHttp, "The server starts listening", kHttpServerStart},
    {kind::http_server_workers, kServer, kGroupHttp, "The worker pool's occupancy changed",
     kHttpServerWorkers},
    {kind::http_session_end, kClient, kGroupHttp, "A visit ends: its last page is done, the user leaves",
     kHttpSessionEnd},
    {kind::http_session_start, kClient, kGroupHttp, "A visit begins: a user arrives on a client host",
     kHttpSessionStart},
    {kind::http_tls_done, kClient, kGroupHttp, "The TLS handshake is done: requests may leave", kHttpTlsDone},
    {kind::ipvs_admin, kDirector, kGroupAdmin, "An administrative operation reached the kernel", kIpvsAdmin},
    {kind::ipvs_conn_expire, kDirector, kGroupTimer, "A connection entry's timer ran out", kIpvsConnExpire},
    {kind::ipvs_conn_new, kDirector, 0, "A connection entry is created", kIpvsConnNew},
    {kind::ipvs_dest_freed, kDirector, 0, "A deleted destination leaves the trash", kIpvsDest},
    {kind::ipvs_dest_revived, kDirector, kGroupAdmin, "A destination in the trash is added back",
     kIpvsDestRevived},
    {kind::ipvs_drop, kDirector, kGroupFault, "IPVS drops a packet", kIpvsDrop},
    {kind::ipvs_no_dest, kDirector, kGroupSched | kGroupFault, "No realserver could take a new connection",
     kIpvsNoDest},
    {kind::ipvs_nodest_flush, kDirector, kGroupFault, "Entries of a deleted destination expired at once",
     kIpvsNodestFlush},
    {kind::ipvs_reuse, kDirector, 0, "A SYN re-uses an old entry and is scheduled anew", kIpvsReuse},
    {kind::ipvs_rst, kDirector, kGroupFault, "The director's own TCP answers with RST", kIpvsRst},
    {kind::ipvs_sched, kDirector, kGroupSched, "A scheduling decision", kIpvsSched},
    {kind::ipvs_state, kDirector, kGroupState, "A connection entry changes state", kIpvsState},
    {kind::ipvs_sync_daemon, kDirector, kGroupAdmin, "A sync daemon started or stopped", kIpvsSyncDaemon},
    {kind::ipvs_sync_receive, kDirector, 0, "A backup daemon applied a sync message", kIpvsSyncReceive},
    {kind::ipvs_sync_send, kDirector, 0, "A master daemon sent a sync message", kIpvsSyncSend},
    {kind::ipvs_sysctl, kDirector, kGroupAdmin, "A net.ipv4.vs sysctl written", kIpvsSysctl},
    {kind::ipvs_template_invalid, kDirector, 0, "A persistence template no longer counts",
     kIpvsTemplateInvalid},
    {kind::ipvs_template_new, kDirector, 0, "A persistence template is created", kIpvsTemplateNew},
    {kind::ipvs_warning, kDirector, 0, "Something an operator should notice", kIpvsWarning},
    {kind::lesson_step, "none", 0,
     "A step of the scenario's guided lesson (`steps:`), all written at the start", kLessonStep},
    {kind::net_drop, kSender, kGroupFault, "The network drops a packet", kNetDrop},
    {kind::net_packet, kSender, kGroupPacket, "A packet (or a TSO/GRO train) put on a link", kNetPacket},
    {kind::net_queue, "the node feeding the queue", 0,
     "A link direction's queue, sampled every `sample_every`", kNetQueue},
    {kind::scenario_warning, kDirector, kGroupAdmin | kGroupCheck, "A warning about the scenario",
     kScenarioWarning},
    {kind::snapshot, kDirector, kGroupAdmin, "A labelled snapshot from the timeline", kSnapshot},
    {kind::socket_call, "a host running a socket program", 0, "A socket program's system call returned",
     kSocketCall},
    {kind::tcp_bbr, kHost, 0, "BBR's model of a connection changed", kTcpBbr},
    {kind::tcp_cwnd, kHost, 0, "A connection's congestion window changed", kTcpCwnd},
    {kind::tcp_drop, kHost, kGroupFault, "The stack drops a segment", kTcpDrop},
    {kind::tcp_error, kHost, kGroupFault, "A socket error reported to the application", kTcpError},
    {kind::tcp_recovery, kHost, 0, "A connection enters loss recovery", kTcpRecovery},
    {kind::tcp_retransmit, kHost, 0, "Data sent again", kTcpRetransmit},
    {kind::tcp_rst, kHost, kGroupFault, "The stack answers a segment with RST", kTcpRst},
    {kind::tcp_rto, kHost, 0, "A connection's retransmission timeout changed", kTcpRto},
    {kind::tcp_rwnd, kHost, 0, "The receive window advertised changed", kTcpRwnd},
    {kind::tcp_state, kHost, kGroupState, "A socket changes TCP state", kTcpState},
    {kind::tcp_tw_overflow, kHost, 0, "No TIME_WAIT bucket left: the socket closes at once", kTcpTw},
    {kind::tcp_tw_reuse, kHost, 0, "A TIME_WAIT socket is re-used for a new connection", kTcpTw},
    {kind::timeline_director, kDirector, kGroupAdmin,
     "The timeline crashes, stops or starts a director (or takes it out of, or into, a fleet's ECMP group)",
     kTimelineDirector},
    {kind::timeline_ipvsadm, kDirector, kGroupAdmin, "The timeline runs an ipvsadm command",
     kTimelineIpvsadm},
    {kind::timeline_server, "the server's (or client's) host", kGroupAdmin, "The timeline acts on a server",
     kTimelineServer},
    {kind::timeline_sysctl, kDirector, kGroupAdmin, "The timeline writes a sysctl", kTimelineSysctl},
    {kind::timeline_vrrp, "none", kGroupAdmin, "The timeline cuts or restores the link between the directors",
     kTimelineVrrp},
};

constexpr bool sorted_by_kind() {
    for (size_t i = 1; i < std::size(kKinds); ++i)
        if (!(kKinds[i - 1].kind < kKinds[i].kind)) return false;
    return true;
}
static_assert(sorted_by_kind(), "keep the table sorted by kind: find_kind() searches it");

}  // namespace

std::string_view to_string(FieldType t) {
    switch (t) {
        case FieldType::Int: return "int";
        case FieldType::Real: return "real";
        case FieldType::Text: return "text";
    }
    return "?";
}

const FieldSpec* KindSpec::field(std::string_view key) const {
    for (const FieldSpec& f : fields)
        if (f.key == key) return &f;
    return nullptr;
}

std::span<const KindSpec> vocabulary() { return kKinds; }

const KindSpec* find_kind(std::string_view kind) {
    const auto it = std::lower_bound(std::begin(kKinds), std::end(kKinds), kind,
                                     [](const KindSpec& k, std::string_view v) { return k.kind < v; });
    return it != std::end(kKinds) && it->kind == kind ? &*it : nullptr;
}

}  // namespace lvs::trace
