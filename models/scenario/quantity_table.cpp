// The table of quantities itself: one row per name pattern, with its unit, its meaning and how
// to read it. Everything else about quantities (resolving a name, listing them) walks this one
// array through quantity_table(), so a row added here is known everywhere at once.
#include <array>
#include <cmath>

#include "models/scenario/quantity.hpp"
#include "models/scenario/quantity_directors.hpp"
#include "models/scenario/quantity_readers.hpp"

namespace lvs::scenario {

namespace {

using namespace quantity_detail;

using U = Unit;
using R = Run&;
using Q = const QuantityRef&;
using K = const tcp::TcpCounters&;
using W = tcp::TcpCounters;

// A DNS answer time, or NaN when no lookup was answered (an expectation on it then fails).
double answer_ms(const ClientReport& c, double ClientReport::*field) {
    return c.lookups_answered == 0 ? std::nan("") : c.*field;
}

// The TCP rows, for a realserver host (RS) or a client group (GROUP).
// The calls of a scripted program (models/socket/program.hpp).
#define LVSIM_CALL_QUANTITIES(P, RS)                                                                       \
    QuantityDef{P ".call.N.result", U::Count,                                                              \
                "what call N returned: bytes, 0 (EOF or success) or -1 (-2: not yet)",                     \
                [](R r, Q q) {                                                                             \
                    const sock::Call& c = call_of(r, q, RS);                                               \
                    return c.done ? double(c.result.value) : -2.0;                                         \
                }},                                                                                        \
        QuantityDef{P ".call.N.errno", U::Count,                                                           \
                    "call N's errno (0: none); compare with EPIPE, ECONNRESET, ...",                       \
                    [](R r, Q q) { return double(call_of(r, q, RS).result.err); }},                        \
        QuantityDef{                                                                                       \
            P ".call.N.started_s", U::Seconds, "when call N was made (-1: not yet)",                       \
            [](R r, Q q) { return call_of(r, q, RS).done ? call_of(r, q, RS).started.seconds() : -1.0; }}, \
        QuantityDef{P ".call.N.returned_s", U::Seconds, "when call N returned (-1: not yet)",              \
                    [](R r, Q q) { return call_time(call_of(r, q, RS), true); }},                          \
        QuantityDef {                                                                                      \
        P ".call.N.took_s", U::Seconds, "how long call N blocked (-1: not returned)", [](R r, Q q) {       \
            const sock::Call& c = call_of(r, q, RS);                                                       \
            return c.done ? (c.returned - c.started).seconds() : -1.0;                                     \
        }                                                                                                  \
    }

#define LVSIM_TCP_QUANTITIES(P, RS)                                                                          \
    QuantityDef{P ".tcp.syn_sent", U::Count, "SYNs sent (retransmissions included)",                         \
                [](R r, Q q) { return over_hosts(r, q, RS, [](K k) { return double(k.sent.syn); }); }},      \
        QuantityDef{                                                                                         \
            P ".tcp.synack_sent", U::Count, "SYN+ACKs sent",                                                 \
            [](R r, Q q) { return over_hosts(r, q, RS, [](K k) { return double(k.sent.synack); }); }},       \
        QuantityDef{P ".tcp.fin_sent", U::Count, "segments with FIN sent",                                   \
                    [](R r, Q q) { return over_hosts(r, q, RS, [](K k) { return double(k.sent.fin); }); }},  \
        QuantityDef{P ".tcp.rst_sent", U::Count, "RSTs sent",                                                \
                    [](R r, Q q) { return over_hosts(r, q, RS, [](K k) { return double(k.sent.rst); }); }},  \
        QuantityDef{P ".tcp.data_sent", U::Count, "data segments sent",                                      \
                    [](R r, Q q) { return over_hosts(r, q, RS, [](K k) { return double(k.sent.data); }); }}, \
        QuantityDef{                                                                                         \
            P ".tcp.ack_sent", U::Count, "pure ACKs sent (no data, no SYN, FIN or RST)",                     \
            [](R r, Q q) { return over_hosts(r, q, RS, [](K k) { return double(k.sent.pure_ack); }); }},     \
        QuantityDef{                                                                                         \
            P ".tcp.retransmits", U::Count, "retransmitted segments (SYNs, probes and RTOs included)",       \
            [](R r, Q q) { return over_hosts(r, q, RS, [](K k) { return double(k.retransmits); }); }},       \
        QuantityDef{                                                                                         \
            P ".tcp.loss_probes", U::Count, "tail-loss probes (TcpExtTCPLossProbes)",                        \
            [](R r, Q q) { return over_hosts(r, q, RS, [](K k) { return double(k.loss_probes); }); }},       \
        QuantityDef{P ".tcp.retransmits.dupack", U::Count,                                                   \
                    "segments retransmitted after three duplicate ACKs (RACK's DUPTHRESH shortcut)",         \
                    [](R r, Q q) {                                                                           \
                        return over_hosts(r, q, RS, [](K k) { return double(k.retransmits_by.dupack); });    \
                    }},                                                                                      \
        QuantityDef{P ".tcp.retransmits.rack", U::Count,                                                     \
                    "segments retransmitted when RACK's reordering window ran out",                          \
                    [](R r, Q q) {                                                                           \
                        return over_hosts(r, q, RS, [](K k) { return double(k.retransmits_by.rack); });      \
                    }},                                                                                      \
        QuantityDef{P ".tcp.retransmits.tlp", U::Count, "segments a tail-loss probe sent again",             \
                    [](R r, Q q) {                                                                           \
                        return over_hosts(r, q, RS, [](K k) { return double(k.retransmits_by.tlp); });       \
                    }},                                                                                      \
        QuantityDef{P ".tcp.retransmits.rto", U::Count, "segments retransmitted after a timeout",            \
                    [](R r, Q q) {                                                                           \
                        return over_hosts(r, q, RS, [](K k) { return double(k.retransmits_by.rto); });       \
                    }},                                                                                      \
        QuantityDef{                                                                                         \
            P ".tcp.recoveries", U::Count, "fast recoveries entered (TcpExtTCPSackRecovery)",                \
            [](R r, Q q) { return over_hosts(r, q, RS, [](K k) { return double(k.recoveries); }); }},        \
        QuantityDef{P ".tcp.timeouts", U::Count, "retransmission timeouts (TcpExtTCPTimeouts)",              \
                    [](R r, Q q) { return over_hosts(r, q, RS, [](K k) { return double(k.timeouts); }); }},  \
        QuantityDef{P ".tcp.rcv_window", U::Count,                                                           \
                    "the largest receive window an open connection advertises now (bytes)",                  \
                    [](R r, Q q) {                                                                           \
                        return max_over_connections(r, q, RS,                                                \
                                                    [](const tcp::TcpInfo& i) { return i.rcv_wnd; });        \
                    }},                                                                                      \
        QuantityDef{P ".tcp.cwnd", U::Count,                                                                 \
                    "the largest congestion window of an open connection now (segments)",                    \
                    [](R r, Q q) {                                                                           \
                        return max_over_connections(r, q, RS, [](const tcp::TcpInfo& i) { return i.cwnd; }); \
                    }},                                                                                      \
        QuantityDef{                                                                                         \
            P ".tcp.keepalive_probes", U::Count, "keep-alive probes (SO_KEEPALIVE)",                         \
            [](R r, Q q) { return over_hosts(r, q, RS, [](K k) { return double(k.keepalive_probes); }); }},  \
        QuantityDef{P ".tcp.first_syn_s", U::Seconds, "when the first SYN went out (-1: never)",             \
                    [](R r, Q q) { return when(r, q, RS, true, &W::syn_at); }},                              \
        QuantityDef{P ".tcp.last_syn_s", U::Seconds, "when the last SYN went out (-1: never)",               \
                    [](R r, Q q) { return when(r, q, RS, false, &W::syn_at); }},                             \
        QuantityDef{P ".tcp.first_fin_s", U::Seconds, "when the first FIN went out (-1: never)",             \
                    [](R r, Q q) { return when(r, q, RS, true, &W::fin_at); }},                              \
        QuantityDef{P ".tcp.first_rst_s", U::Seconds, "when the first RST went out (-1: never)",             \
                    [](R r, Q q) { return when(r, q, RS, true, &W::rst_at); }},                              \
        QuantityDef{P ".tcp.last_retransmit_s", U::Seconds,                                                  \
                    "when the last retransmission went out (-1: never)",                                     \
                    [](R r, Q q) { return when(r, q, RS, false, &W::retransmit_at); }},                      \
        QuantityDef {                                                                                        \
        P ".tcp.first_error_s", U::Seconds,                                                                  \
            "when an application first got an error (ECONNREFUSED, ECONNRESET, ETIMEDOUT; -1: never)",       \
            [](R r, Q q) { return first_error(r, q, RS); }                                                   \
    }

// The table. Patterns are matched part by part; the first match wins.
const std::array kQuantities{
    // A realserver's row in ipvsadm -Ln and its --stats.
    QuantityDef{"RS.weight", U::Count, "Weight in ipvsadm -Ln (0 once deleted)",
                [](R r, Q q) {
                    const auto* d = dest_of(r, q);
                    return d != nullptr && d->available() ? double(d->weight) : 0.0;
                }},
    QuantityDef{"RS.present", U::Flag, "1 while the realserver is listed in its service, 0 once deleted",
                [](R r, Q q) {
                    const auto* d = dest_of(r, q);
                    return d != nullptr && d->available() ? 1.0 : 0.0;
                }},
    QuantityDef{"RS.active", U::Count, "ActiveConn in ipvsadm -Ln (a fleet: summed over its directors)",
                [](R r, Q q) { return over_dests(r, q, [](const ipvs::Dest& d) { return double(d.activeconns); }); }},
    QuantityDef{"RS.inactive", U::Count, "InActConn in ipvsadm -Ln (a fleet: summed over its directors)",
                [](R r, Q q) { return over_dests(r, q, [](const ipvs::Dest& d) { return double(d.inactconns); }); }},
    QuantityDef{"RS.persistent", U::Count, "PersistConn in ipvsadm -Ln --persistent-conn (a fleet: summed over its directors)",
                [](R r, Q q) { return over_dests(r, q, [](const ipvs::Dest& d) { return double(d.persistconns); }); }},
    QuantityDef{"RS.conns", U::Count, "Conns in ipvsadm -Ln --stats (since the last -Z) (a fleet: summed over its directors)",
                [](R r, Q q) { return over_dests(r, q, [](const ipvs::Dest& d) { return n(d.stats.conns - d.zero_point.conns); }); }},
    QuantityDef{"RS.inpkts", U::Count, "InPkts in ipvsadm -Ln --stats (a fleet: summed over its directors)",
                [](R r, Q q) { return over_dests(r, q, [](const ipvs::Dest& d) { return n(d.stats.inpkts); }); }},
    QuantityDef{"RS.outpkts", U::Count, "OutPkts in ipvsadm -Ln --stats (a fleet: summed over its directors)",
                [](R r, Q q) { return over_dests(r, q, [](const ipvs::Dest& d) { return n(d.stats.outpkts); }); }},
    QuantityDef{"RS.entries", U::Count, "connection entries bound to the realserver (ipvsadm -Lnc)",
                [](R r, Q q) { return entries(r, q.subject, std::nullopt); }},
    QuantityDef{"RS.state.STATE", U::Count,
                "its connection entries in one IPVS state (TIME_WAIT, FIN_WAIT, ...)",
                [](R r, Q q) { return entries(r, q.subject, q.state); }},
    // The realserver host's TCP sockets and its web server.
    QuantityDef{"RS.time_wait", U::Count, "TCP sockets in TIME_WAIT on the realserver host",
                [](R r, Q q) { return n(rs_of(r, q).host->tcp().count(tcp::TcpState::TimeWait)); }},
    QuantityDef{"RS.time_wait_max", U::Count, "the most sockets in TIME_WAIT there at one time",
                [](R r, Q q) { return n(rs_of(r, q).host->tcp().counters().time_wait_max); }},
    QuantityDef{"RS.established", U::Count, "TCP sockets in ESTABLISHED on the realserver host",
                [](R r, Q q) { return n(rs_of(r, q).host->tcp().count(tcp::TcpState::Established)); }},
    QuantityDef{"RS.requests", U::Count, "requests its web server answered",
                [](R r, Q q) { return n(web_stat(r, q, &http::ServerStats::requests)); }},
    QuantityDef{"RS.dns_queries", U::Count, "DNS queries its DNS server (dns:) received",
                [](R r, Q q) { return rs_of(r, q).dns ? n(rs_of(r, q).dns->stats().queries) : 0.0; }},
    QuantityDef{"RS.syslog_received", U::Count, "syslog messages its collector (syslog:) received",
                [](R r, Q q) { return rs_of(r, q).syslog ? n(rs_of(r, q).syslog->received()) : 0.0; }},
    QuantityDef{"RS.icmp_unreachable", U::Count,
                "ICMP port unreachable it sent for datagrams no socket took (after the rate limits)",
                [](R r, Q q) { return n(rs_of(r, q).host->udp().counters().icmp_sent); }},
    QuantityDef{"RS.connections", U::Count, "connections its web server accepted",
                [](R r, Q q) { return n(web_stat(r, q, &http::ServerStats::connections_accepted)); }},
    QuantityDef{"RS.keepalive_closes", U::Count,
                "connections its web server closed at the keep-alive timeout",
                [](R r, Q q) { return n(web_stat(r, q, &http::ServerStats::keepalive_closes)); }},
    QuantityDef{"RS.workers_busy", U::Count, "workers serving a request now",
                [](R r, Q q) { return web_now(r, q, &http::WebServer::workers_busy); }},
    QuantityDef{"RS.workers_idle_keepalive", U::Count,
                "workers held by an idle keep-alive connection now (prefork)",
                [](R r, Q q) { return web_now(r, q, &http::WebServer::workers_idle_keepalive); }},
    QuantityDef{"RS.workers_free", U::Count, "workers free now",
                [](R r, Q q) { return web_now(r, q, &http::WebServer::workers_free); }},
    // The capacity cross-check over the run so far (capacity.hpp).
    QuantityDef{"RS.offered_erlangs", U::Erlangs, "offered load: request rate x mean service time",
                [](R r, Q q) { return capacity_of(r, q).offered_erlangs; }},
    QuantityDef{"RS.erlang_c_wait", U::Ratio, "Erlang C's probability that a request waits for a worker",
                [](R r, Q q) { return capacity_of(r, q).erlang_c_wait; }},
    QuantityDef{"RS.workers_busy_mean", U::Count, "mean workers busy serving (time average)",
                [](R r, Q q) { return capacity_of(r, q).busy_mean; }},
    QuantityDef{"RS.workers_held_mean", U::Count,
                "mean workers held, serving or idle in keep-alive (time average)",
                [](R r, Q q) { return capacity_of(r, q).held_mean; }},
    QuantityDef{"RS.waited_fraction", U::Ratio,
                "share of connections (prefork) or requests (event) that waited for a worker",
                [](R r, Q q) { return capacity_of(r, q).waited_fraction; }},
    QuantityDef{"RS.connection_hold_s", U::Seconds, "mean time a connection stays open",
                [](R r, Q q) { return capacity_of(r, q).hold_mean_s; }},
    QuantityDef{"RS.under_count", U::Count, "workers held beyond what Erlang C predicts busy",
                [](R r, Q q) { return capacity_of(r, q).under_count; }},

    LVSIM_TCP_QUANTITIES("RS", true),
    LVSIM_CALL_QUANTITIES("RS", true),

    // Clients: all of them (`clients`) or one group.
    QuantityDef{"GROUP.pages", U::Count, "pages started", [](R r, Q q) { return n(clients_of(r, q).pages); }},
    QuantityDef{"GROUP.pages_completed", U::Count, "pages whose every object arrived or failed",
                [](R r, Q q) { return n(clients_of(r, q).pages_completed); }},
    QuantityDef{"GROUP.pages_aborted", U::Count, "pages a reload abandoned",
                [](R r, Q q) { return n(clients_of(r, q).pages_aborted); }},
    QuantityDef{"GROUP.pages_with_failures", U::Count, "pages with a broken object",
                [](R r, Q q) { return n(clients_of(r, q).pages_with_failures); }},
    QuantityDef{"GROUP.objects_ok", U::Count, "objects received",
                [](R r, Q q) { return n(clients_of(r, q).objects_ok); }},
    QuantityDef{"GROUP.objects_failed", U::Count, "objects that failed (broken images)",
                [](R r, Q q) { return n(clients_of(r, q).objects_failed); }},
    QuantityDef{"GROUP.objects_aborted", U::Count, "objects abandoned by a reload",
                [](R r, Q q) { return n(clients_of(r, q).objects_aborted); }},
    QuantityDef{"GROUP.objects_pending", U::Count, "objects still outstanding",
                [](R r, Q q) { return n(clients_of(r, q).objects_pending); }},
    QuantityDef{"GROUP.retries", U::Count, "requests retried on a new connection",
                [](R r, Q q) { return n(clients_of(r, q).retries); }},
    QuantityDef{"GROUP.connections_opened", U::Count, "TCP connections the browsers opened",
                [](R r, Q q) { return n(clients_of(r, q).connections_opened); }},
    QuantityDef{"GROUP.requests", U::Count, "requests sent",
                [](R r, Q q) { return n(clients_of(r, q).requests); }},
    QuantityDef{"GROUP.errors.refused", U::Count, "connections refused (RST to the SYN)",
                [](R r, Q q) { return n(clients_of(r, q).errors_refused); }},
    QuantityDef{"GROUP.errors.reset", U::Count, "connections reset",
                [](R r, Q q) { return n(clients_of(r, q).errors_reset); }},
    QuantityDef{"GROUP.errors.timeout", U::Count, "connections or requests timed out",
                [](R r, Q q) { return n(clients_of(r, q).errors_timeout); }},
    QuantityDef{"GROUP.time_wait", U::Count, "client sockets in TIME_WAIT now", client_time_wait},
    QuantityDef{"GROUP.time_wait_max", U::Count, "the most client sockets in TIME_WAIT at one sample",
                [](R r, Q q) { return n(clients_of(r, q).time_wait_max); }},
    QuantityDef{"GROUP.page_load_p50", U::Milliseconds, "median page load time",
                [](R r, Q q) { return clients_of(r, q).page_load_p50_ms; }},
    QuantityDef{"GROUP.page_load_p95", U::Milliseconds, "95th percentile page load time",
                [](R r, Q q) { return clients_of(r, q).page_load_p95_ms; }},
    QuantityDef{"GROUP.page_load_p99", U::Milliseconds, "99th percentile page load time",
                [](R r, Q q) { return clients_of(r, q).page_load_p99_ms; }},
    QuantityDef{"GROUP.page_load_mean", U::Milliseconds, "mean page load time",
                [](R r, Q q) { return clients_of(r, q).page_load_mean_ms; }},
    QuantityDef{"GROUP.longest_stall_s", U::Seconds,
                "the longest a request waited: for its response, its failure or the reload that aborted it",
                [](R r, Q q) { return clients_of(r, q).longest_stall_s; }},
    QuantityDef{"GROUP.stalls", U::Count,
                "requests that waited 1 s or more for their response, failure or abort",
                [](R r, Q q) { return n(clients_of(r, q).stalls); }},
    QuantityDef{"GROUP.tls_full", U::Count, "full TLS handshakes",
                [](R r, Q q) { return n(clients_of(r, q).tls_full); }},
    QuantityDef{"GROUP.tls_resumed", U::Count, "resumed TLS handshakes (a ticket the server could decrypt)",
                [](R r, Q q) { return n(clients_of(r, q).tls_resumed); }},
    QuantityDef{"GROUP.tls_wait_mean", U::Milliseconds, "mean time from connect to the first request allowed to leave",
                [](R r, Q q) { return clients_of(r, q).tls_wait_mean_ms; }},
    QuantityDef{"GROUP.h2_sessions", U::Count, "connections on which ALPN chose HTTP/2",
                [](R r, Q q) { return n(clients_of(r, q).h2_sessions); }},
    QuantityDef{"GROUP.goaway", U::Count, "HTTP/2 GOAWAY frames received",
                [](R r, Q q) { return n(clients_of(r, q).goaway); }},
    QuantityDef{"GROUP.goaway_retries", U::Count, "requests above a GOAWAY's last stream id, sent again",
                [](R r, Q q) { return n(clients_of(r, q).goaway_retries); }},
    QuantityDef{"GROUP.ping_failures", U::Count, "HTTP/2 connections closed because a PING went unanswered",
                [](R r, Q q) { return n(clients_of(r, q).ping_failures); }},
    QuantityDef{"GROUP.idle_trims", U::Count, "idle connections closed beyond the pool's max_idle",
                [](R r, Q q) { return n(clients_of(r, q).idle_trims); }},
    QuantityDef{"GROUP.sessions", U::Count, "visits begun (arrivals)",
                [](R r, Q q) { return n(clients_of(r, q).sessions); }},
    QuantityDef{"GROUP.sessions_completed", U::Count, "visits that loaded all their pages",
                [](R r, Q q) { return n(clients_of(r, q).sessions_completed); }},
    QuantityDef{"GROUP.sessions_peak", U::Count, "visits under way (begun, not completed) at once, at most",
                [](R r, Q q) { return n(clients_of(r, q).sessions_peak); }},
    QuantityDef{"GROUP.session_pages_mean", U::Ratio, "pages per completed visit",
                [](R r, Q q) { return clients_of(r, q).session_pages_mean; }},
    QuantityDef{"GROUP.replayed_requests", U::Count, "requests replayed from an access log",
                [](R r, Q q) { return n(clients_of(r, q).replayed_requests); }},
    QuantityDef{"GROUP.lookups", U::Count, "DNS lookups begun (resolver:)",
                [](R r, Q q) { return n(clients_of(r, q).lookups); }},
    QuantityDef{"GROUP.lookups_answered", U::Count, "DNS lookups answered",
                [](R r, Q q) { return n(clients_of(r, q).lookups_answered); }},
    QuantityDef{"GROUP.lookups_failed", U::Count,
                "DNS lookups that failed: every try timed out or was refused (EAI_AGAIN)",
                [](R r, Q q) { return n(clients_of(r, q).lookups_failed); }},
    QuantityDef{"GROUP.lookup_retries", U::Count, "DNS queries sent again (tries after a lookup's first)",
                [](R r, Q q) { return n(clients_of(r, q).lookup_retries); }},
    QuantityDef{"GROUP.lookup_timeouts", U::Count, "DNS tries that waited their whole timeout",
                [](R r, Q q) { return n(clients_of(r, q).lookup_timeouts); }},
    QuantityDef{"GROUP.lookups_refused", U::Count, "DNS tries ended by ICMP port unreachable",
                [](R r, Q q) { return n(clients_of(r, q).lookups_refused); }},
    QuantityDef{"GROUP.lookup_p50", U::Milliseconds, "median time to a DNS answer (answered lookups)",
                [](R r, Q q) { return answer_ms(clients_of(r, q), &ClientReport::lookup_p50_ms); }},
    QuantityDef{"GROUP.lookup_p95", U::Milliseconds, "95th percentile time to a DNS answer",
                [](R r, Q q) { return answer_ms(clients_of(r, q), &ClientReport::lookup_p95_ms); }},
    QuantityDef{"GROUP.lookup_max", U::Milliseconds, "the longest time to a DNS answer",
                [](R r, Q q) { return answer_ms(clients_of(r, q), &ClientReport::lookup_max_ms); }},
    QuantityDef{"GROUP.syslog_sent", U::Count, "syslog messages sent (syslog:)",
                [](R r, Q q) { return n(clients_of(r, q).syslog_sent); }},
    QuantityDef{"GROUP.syslog_received", U::Count, "of them, received by a collector",
                [](R r, Q q) { return n(clients_of(r, q).syslog_received); }},
    QuantityDef{"GROUP.syslog_lost", U::Count,
                "syslog messages not received, of those sent more than one network round trip ago",
                [](R r, Q q) { return n(clients_of(r, q).syslog_lost()); }},
    QuantityDef{"GROUP.requests_per_connection", U::Ratio,
                "requests per connection opened (open ones included)",
                [](R r, Q q) { return clients_of(r, q).requests_per_connection; }},

    QuantityDef{"GROUP.queue_drops", U::Count,
                "packets the drop-tail queues toward the clients dropped (network.queue)",
                [](R r, Q q) { return n(client_queues(r, q).drops); }},
    QuantityDef{"GROUP.queue_delay_mean", U::Milliseconds,
                "mean queueing delay toward the clients, over the samples so far",
                [](R r, Q q) { return client_queues(r, q).delay_mean_ms; }},
    QuantityDef{"GROUP.queue_delay_max", U::Milliseconds,
                "the longest queueing delay toward the clients sampled",
                [](R r, Q q) { return client_queues(r, q).delay_max_ms; }},

    LVSIM_TCP_QUANTITIES("GROUP", false),
    LVSIM_CALL_QUANTITIES("GROUP", false),

    // All realservers together.
    QuantityDef{"servers.time_wait", U::Count, "TCP sockets in TIME_WAIT on all realservers now",
                [](R r, Q) {
                    return servers_sum(r, [](Run::RealServer& s) {
                        return n(s.host->tcp().count(tcp::TcpState::TimeWait));
                    });
                }},
    QuantityDef{"servers.time_wait_max", U::Count, "the largest RS.time_wait_max",
                [](R r, Q) {
                    double mx = 0;
                    for (Run::RealServer& s : r.realservers())
                        mx = std::max(mx, n(s.host->tcp().counters().time_wait_max));
                    return mx;
                }},
    QuantityDef{"servers.requests", U::Count, "requests answered by all realservers",
                [](R r, Q) {
                    return servers_sum(
                        r, [](Run::RealServer& s) { return s.web ? n(s.web->stats().requests) : 0.0; });
                }},

    // The director.
    QuantityDef{"director.entries", U::Count, "connection entries (ipvsadm -Lnc, templates left out)",
                [](R r, Q) { return entries(r, std::nullopt, std::nullopt); }},
    QuantityDef{"director.state.STATE", U::Count, "connection entries in one IPVS state",
                [](R r, Q q) { return entries(r, std::nullopt, q.state); }},
    QuantityDef{"director.tcp_entries", U::Count, "TCP connection entries (templates left out)",
                [](R r, Q) { return proto_entries(r, ipvs::Proto::Tcp); }},
    QuantityDef{"director.udp_entries", U::Count, "UDP connection entries (templates left out)",
                [](R r, Q) { return proto_entries(r, ipvs::Proto::Udp); }},
    QuantityDef{"director.udp_packets", U::Count,
                "UDP datagrams from clients that IPVS took for its services (replies not counted)",
                [](R r, Q) { return n(r.director().counters().udp_packets_in); }},
    QuantityDef{"director.one_packet", U::Count, "datagrams scheduled one by one (--ops)",
                [](R r, Q) { return n(r.director().counters().one_packet); }},
    QuantityDef{"director.icmp_translated", U::Count,
                "a NAT realserver's ICMP errors sent on to the client as from the VIP",
                [](R r, Q) { return n(r.director().counters().icmp_translated); }},
    QuantityDef{"director.templates", U::Count, "persistence templates",
                [](R r, Q) {
                    double k = 0;
                    for (const ipvs::Conn* c : r.director().connections()) k += c->is_template() ? 1 : 0;
                    return k;
                }},
    LVSIM_HA_QUANTITIES,
    LVSIM_FLEET_QUANTITIES,
    QuantityDef{"director.dropped_nodest", U::Count, "packets dropped because their realserver was deleted",
                [](R r, Q) { return n(r.director().counters().dropped_nodest); }},
    QuantityDef{"director.dropped_conntrack", U::Count, "SYNs dropped to redirect a conntrack (conntrack=1)",
                [](R r, Q) { return n(r.director().counters().dropped_conntrack); }},
    QuantityDef{"director.rescheduled", U::Count, "SYNs that reused an entry's tuple and were scheduled anew",
                [](R r, Q) { return n(r.director().counters().rescheduled_reuse); }},
    QuantityDef{"director.icmp", U::Count, "ICMP errors for services with no realserver",
                [](R r, Q) { return n(r.director().counters().no_dest_icmp); }},
    QuantityDef{"director.resets", U::Count, "RSTs from the director's own TCP stack",
                [](R r, Q) { return n(r.director().counters().stack_resets); }},
    QuantityDef{"director.scheduled", U::Count, "connections the schedulers placed",
                [](R r, Q) { return n(r.director().counters().scheduled); }},

    // The first drain (-w 0 or -d, by an admin or a health check) of a realserver.
    QuantityDef{"drain.RS.started_s", U::Seconds, "when the drain command came (-1: none yet)",
                [](R r, Q q) { return drain(r, q, nullptr); }},
    QuantityDef{"drain.RS.no_active_s", U::Seconds,
                "seconds from the command until ActiveConn was 0 (-1: not yet)",
                [](R r, Q q) { return drain(r, q, &DrainResult::no_active_after); }},
    QuantityDef{"drain.RS.no_entries_s", U::Seconds,
                "seconds from the command until no entry was bound to it (-1: not yet)",
                [](R r, Q q) { return drain(r, q, &DrainResult::no_entries_after); }},

    // Health checks.
    QuantityDef{"health.CHECK.fallback", U::Flag, "1 while the check's fallback server is in the service",
                [](R r, Q q) { return r.health_checkers()[q.subject]->fallback_active() ? 1.0 : 0.0; }},
    QuantityDef{"health.CHECK.RS.up", U::Flag, "1 while the check holds the realserver up",
                [](R r, Q q) { return health(r, q, [](const auto& st) { return st.up ? 1.0 : 0.0; }); }},
    QuantityDef{"health.CHECK.RS.down_s", U::Seconds, "when the check last marked it down (-1: never)",
                [](R r, Q q) {
                    return health(r, q,
                                  [](const auto& st) { return st.down_at ? st.down_at->seconds() : -1.0; });
                }},
    QuantityDef{"health.CHECK.RS.up_s", U::Seconds, "when the check last brought it back (-1: never)",
                [](R r, Q q) {
                    return health(r, q, [](const auto& st) { return st.up_at ? st.up_at->seconds() : -1.0; });
                }},
    QuantityDef{"health.CHECK.RS.checks", U::Count, "checks made",
                [](R r, Q q) { return health(r, q, [](const auto& st) { return n(st.checks); }); }},
    QuantityDef{"health.CHECK.RS.failed_checks", U::Count, "checks failed",
                [](R r, Q q) { return health(r, q, [](const auto& st) { return n(st.failed_checks); }); }},

    // The kernel profile's behaviours, so one file can state what each era does.
    QuantityDef{"kernel.syn_states_active", U::Flag, "ActiveConn counts SYN states too (4.8+)",
                [](R r, Q) { return r.director().kernel().syn_states_active ? 1.0 : 0.0; }},
    QuantityDef{"kernel.has_conn_reuse_mode", U::Flag, "net.ipv4.vs.conn_reuse_mode exists (4.2+)",
                [](R r, Q) { return r.director().kernel().has_conn_reuse_mode ? 1.0 : 0.0; }},
    QuantityDef{"kernel.conntrack_drop_only_if_confirmed", U::Flag,
                "conntrack=1 drops a rescheduled SYN only with a confirmed conntrack (5.9+)",
                [](R r, Q) { return r.director().kernel().conntrack_drop_only_if_confirmed ? 1.0 : 0.0; }},
    QuantityDef{"kernel.nodest_reprocess", U::Flag,
                "expire_nodest_conn=1 reschedules the packet at once (5.9+)",
                [](R r, Q) { return r.director().kernel().nodest_reprocess ? 1.0 : 0.0; }},
    QuantityDef{"kernel.nodest_flush", U::Flag,
                "expire_nodest_conn=1 flushes a deleted realserver's entries (5.9+)",
                [](R r, Q) { return r.director().kernel().nodest_flush ? 1.0 : 0.0; }},

    QuantityDef{"time", U::Seconds, "the simulated clock", [](R r, Q) { return r.sim().now().seconds(); }},
};

#undef LVSIM_TCP_QUANTITIES
#undef LVSIM_HA_QUANTITIES
#undef LVSIM_DIRECTOR_TABLE_QUANTITIES
#undef LVSIM_FLEET_QUANTITIES
#undef LVSIM_CALL_QUANTITIES

}  // namespace

std::string_view to_string(Unit u) {
    switch (u) {
        case Unit::Count: return "count";
        case Unit::Milliseconds: return "ms";
        case Unit::Seconds: return "s";
        case Unit::Ratio: return "ratio";
        case Unit::Erlangs: return "erlangs";
        case Unit::Flag: return "0/1";
    }
    return "?";
}

std::span<const QuantityDef> quantity_table() { return kQuantities; }

double read_quantity(Run& run, const QuantityRef& q) { return kQuantities[q.def].read(run, q); }

}  // namespace lvs::scenario
