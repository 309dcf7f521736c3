// The field tables of the vocabulary's records (vocabulary.cpp): shared spellings, and the HTTP
// records' fields, which grew with HTTPS and HTTP/2. Included by vocabulary.cpp only.
#pragma once

#include "models/trace/vocabulary.hpp"

namespace lvs::trace::fields {

constexpr FieldType I = FieldType::Int;
constexpr FieldType R = FieldType::Real;
constexpr FieldType T = FieldType::Text;
constexpr bool kAlways = true;
constexpr bool kSometimes = false;

// ---- HTTP: clients, servers, TLS and HTTP/2 --------------------------------------------------

constexpr FieldSpec kHttpConnError[] = {
    {"conn", I, kAlways, "the TCP connection (its `tcp.state` `conn`)"},
    {"error", T, kAlways, "the socket error: `ECONNRESET`, `ETIMEDOUT`, `ECONNREFUSED`, ..."},
    {"object", I, kAlways, "the object being fetched on it (-1: none)"},
};
constexpr FieldSpec kHttpIdleClose[] = {
    {"conn", I, kAlways, "the idle keep-alive connection the client closes"},
    {"method", T, kAlways, "`fin` (close) or `rst` (abortive close, SO_LINGER 0)"},
};
constexpr FieldSpec kHttpKeepaliveClose[] = {
    {"conn", I, kAlways, "the connection the server closes after its keep-alive timeout"},
    {"requests", I, kAlways, "requests it served"},
};
constexpr FieldSpec kHttpObjectFailed[] = {
    {"page", I, kAlways, "the page load (1, 2, ...)"},
    {"object", I, kAlways, "the object's number on the page"},
    {"why", T, kAlways, "what the user would see it as: `reset`, `timeout`, `refused`, ..."},
};
constexpr FieldSpec kHttpPageAbort[] = {
    {"page", I, kAlways, "the page load abandoned (by a reload)"},
    {"aborted", I, kAlways, "objects still outstanding"},
};
constexpr FieldSpec kHttpPageDone[] = {
    {"page", I, kAlways, "the page load"},
    {"load_ms", R, kAlways, "milliseconds from the first request to the last object"},
    {"failed", I, kAlways, "objects that failed"},
};
constexpr FieldSpec kHttpPageStart[] = {
    {"page", I, kAlways, "the page load (1, 2, ...)"},
};
constexpr FieldSpec kDnsLookup[] = {
    {"lookup", I, kAlways, "the lookup's number on this client (its DNS ID)"},
    {"outcome", T, kAlways, "answered, or failed: every try timed out or was refused"},
    {"ms", R, kAlways, "milliseconds from the lookup's start"},
    {"tries", I, kAlways, "queries sent (at most options attempts:)"},
    {"port", I, kAlways, "the source port of its last try (0: its socket was closed by a refusal)"},
};
constexpr FieldSpec kDnsTryFailed[] = {
    {"lookup", I, kAlways, "the lookup's number on this client"},
    {"try", I, kAlways, "which try (1, 2, ...)"},
    {"reason", T, kAlways, "timeout (options timeout:), or port unreachable (ICMP: ECONNREFUSED)"},
    {"server", T, kAlways, "the nameserver it asked"},
};
constexpr FieldSpec kHttpSessionStart[] = {
    {"address", T, kAlways, "the visitor's client address (a new one for every visit)"},
    {"pages", I, kAlways, "the pages this visit will load"},
};
constexpr FieldSpec kHttpSessionEnd[] = {
    {"pages", I, kAlways, "page loads on this client host so far"},
};
constexpr FieldSpec kHttpRequest[] = {
    {"page", I, kAlways, "the page load"},
    {"object", I, kAlways, "the object's number on the page"},
    {"conn", I, kAlways, "the TCP connection it goes out on"},
    {"reused", I, kAlways, "1 when the connection had served a request before (keep-alive)"},
};
constexpr FieldSpec kHttpRequestTimeout[] = {
    {"conn", I, kAlways, "the connection given up on"},
    {"object", I, kAlways, "the object that did not arrive"},
};
constexpr FieldSpec kHttpResponse[] = {
    {"conn", I, kAlways, "the connection (server side)"},
    {"bytes", I, kAlways, "the response's size"},
    {"close", I, kAlways, "1 when the server closes after it (Connection: close)"},
};
constexpr FieldSpec kHttpRetry[] = {
    {"page", I, kAlways, "the page load"},
    {"object", I, kAlways, "the object retried on a new connection"},
};
constexpr FieldSpec kHttpGoaway[] = {
    {"conn", I, kAlways, "the HTTP/2 connection"},
    {"last_stream", I, kAlways,
     "the last stream id the server takes; streams above it are sent again elsewhere"},
    {"open_streams", I, kAlways, "streams not answered yet when it arrived (client) or was sent (server)"},
};
constexpr FieldSpec kHttpPingFailed[] = {
    {"conn", I, kAlways, "the HTTP/2 connection closed because its PING went unanswered"},
    {"streams", I, kAlways, "requests it carried (sent again on a new connection when the rule allows)"},
};
constexpr FieldSpec kHttpServerDrain[] = {
    {"open", I, kAlways, "connections open when it began"},
    {"mode", T, kAlways, "`drain` (every answer closes from now on) or `reload` (the connections open now)"},
};
constexpr FieldSpec kHttpTlsDone[] = {
    {"conn", I, kAlways, "the connection"},
    {"h2", I, kAlways, "1 when ALPN chose HTTP/2"},
    {"ms", R, kAlways, "from connect() to the first request allowed to leave"},
};
constexpr FieldSpec kHttpServerStop[] = {
    {"open", I, kAlways, "connections open when it stopped"},
};
constexpr FieldSpec kHttpServerGracefulStop[] = {
    {"open", I, kAlways, "connections open when the stop began"},
    {"busy", I, kAlways, "workers serving a request then"},
};
constexpr FieldSpec kHttpServerStart[] = {
    {"model", T, kAlways, "`prefork` (a worker per connection) or `event` (idle keep-alive costs no worker)"},
};
constexpr FieldSpec kHttpServerWorkers[] = {
    {"busy", I, kAlways, "workers serving a request"},
    {"idle_keepalive", I, kAlways, "workers held by an idle keep-alive connection"},
    {"workers", I, kAlways, "the pool's size"},
};
// A fleet of directors behind ECMP (`fleet:`).
constexpr FieldSpec kFleetConnections[] = {
    {"director", T, kAlways, "the fleet's director"},
    {"ipvsadm_lnc", T, kAlways, "its connection table as `ipvsadm -Lnc` prints it"},
};
constexpr FieldSpec kFleetListing[] = {
    {"director", T, kAlways, "the fleet's director"},
    {"ipvsadm_ln", T, kAlways, "its services as `ipvsadm -Ln` prints them"},
};
constexpr FieldSpec kFleetMember[] = {
    {"director", T, kAlways, "the fleet's director"},
    {"joined", I, kAlways, "1: the router's ECMP group holds it now; 0: it has left"},
    {"next_hops", I, kAlways, "next hops in the group now"},
    {"moved", I, kAlways, "entries, on any director, whose flows now hash to another director"},
    {"why", T, kAlways, "what changed the group"},
};
// The director pair (`ha:`) and the sync daemon.
constexpr FieldSpec kHaPeerConnections[] = {
    {"director", T, kAlways, "the second director of the VRRP pair"},
    {"ipvsadm_lnc", T, kAlways, "its connection table as `ipvsadm -Lnc` prints it"},
};
constexpr FieldSpec kHaPeerListing[] = {
    {"director", T, kAlways, "the second director of the VRRP pair"},
    {"ipvsadm_ln", T, kAlways, "its services as `ipvsadm -Ln` prints them"},
};
constexpr FieldSpec kHaVip[] = {
    {"owner", T, kAlways, "the director the router now sends the VIPs to (after its gratuitous ARP)"},
    {"text", T, kAlways, "why"},
};
constexpr FieldSpec kHaVrrp[] = {
    {"director", T, kAlways, "the director whose keepalived changed state"},
    {"from", T, kAlways, "VRRP state before: INIT, BACKUP, MASTER, STOPPED"},
    {"to", T, kAlways, "VRRP state after"},
    {"priority", I, kAlways, "its priority"},
    {"why", T, kAlways, "what made it change (advert, master-down timer, shutdown)"},
};
constexpr FieldSpec kIpvsSyncDaemon[] = {
    {"role", T, kAlways, "master or backup (ipvsadm --start-daemon)"},
    {"running", I, kAlways, "started (true) or stopped"},
    {"syncid", I, kAlways, "the daemon's syncid"},
};
constexpr FieldSpec kIpvsSyncReceive[] = {
    {"entries", I, kAlways, "entries in the message"},
    {"table", I, kAlways, "entries in this director's table after it"},
};
constexpr FieldSpec kIpvsSyncSend[] = {
    {"entries", I, kAlways, "entries in the message (at most 40 at a 1500-byte MTU)"},
    {"bytes", I, kAlways, "the message's size (8-byte header, 36 bytes per entry)"},
    {"waited_ms", I, kAlways, "how long its first entry waited in the buffer"},
};
constexpr FieldSpec kTimelineDirector[] = {
    {"director", T, kAlways, "the director of the pair or the fleet"},
    {"action", T, kAlways, "crash, stop or start (a pair); leave, join, crash or start (a fleet)"},
};
constexpr FieldSpec kTimelineVrrp[] = {
    {"partitioned", I, kAlways,
     "1: adverts and sync messages between the directors are lost from now; 0: heard again"},
};

}  // namespace lvs::trace::fields
