// The trace vocabulary: every record kind the models publish, and each kind's fields, in one
// table. The models name kinds through the constants below, the viewer reads its kinds, fields
// and jump groups from the table, the CLI checks what it writes against it when invariant
// checks are on, and docs/trace.md is rendered from it (a test keeps the two identical).
//
// A record is {seq, t, cause, entity, kind, fields} (sim/trace.hpp); this table says what the
// kind and the fields mean. Times inside fields are integer nanoseconds unless the key names
// another unit (`load_ms`, `delay_us`, `timeout_s`).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sim/trace.hpp"

namespace lvs::trace {

enum class FieldType : uint8_t { Int, Real, Text };
std::string_view to_string(FieldType t);

struct FieldSpec {
    std::string_view key;
    FieldType type;
    bool always;  // present in every record of the kind (false: only when it applies)
    std::string_view meaning;
};

// What a record is about, for the viewer's jumps and filters (bit flags: a kind may be in
// several).
enum Group : uint16_t {
    kGroupAdmin = 1 << 0,    // ipvsadm and sysctl commands, server/client actions, snapshots
    kGroupSched = 1 << 1,    // scheduling decisions (and "no destination")
    kGroupState = 1 << 2,    // TCP and IPVS state transitions
    kGroupFault = 1 << 3,    // RSTs, drops, connection errors, failed objects
    kGroupTimer = 1 << 4,    // timer expiries: entry expiry, keep-alive closes
    kGroupPacket = 1 << 5,   // packets on links
    kGroupListing = 1 << 6,  // the director's and the hosts' periodic listings
    kGroupHttp = 1 << 7,     // page loads, requests, responses
    kGroupCheck = 1 << 8,    // expectations and scenario warnings
};

struct KindSpec {
    std::string_view kind;
    std::string_view entity;  // who publishes it: the record's entity
    uint16_t groups;
    std::string_view meaning;
    std::span<const FieldSpec> fields;

    const FieldSpec* field(std::string_view key) const;
};

// Every kind, sorted by name.
std::span<const KindSpec> vocabulary();
const KindSpec* find_kind(std::string_view kind);

// What is wrong with a record against the table ("" when it conforms): an unknown kind, a key
// the kind does not have, a value of the wrong type, a field that is always there missing.
std::string check_record(const sim::TraceRecord& r);

// A sink that raises sim::InvariantError on the first record that does not conform: subscribed
// by the runtime when invariant checks are on (Debug and sanitizer builds, --check-invariants).
class VocabularyCheck final : public sim::TraceSink {
public:
    void on_record(const sim::TraceRecord& r) override;
};

// docs/trace.md, rendered from the table.
std::string render_markdown();

// The kind names. Models publish with these (LVS_TRACE(sim, id, trace::kind::tcp_state)), so
// a misspelt kind does not compile.
namespace kind {
inline constexpr std::string_view director_connections = "director.connections";
inline constexpr std::string_view director_dest = "director.dest";
inline constexpr std::string_view director_listing = "director.listing";
inline constexpr std::string_view director_realserver = "director.realserver";
inline constexpr std::string_view dns_lookup = "dns.lookup";
inline constexpr std::string_view dns_try_failed = "dns.try-failed";
inline constexpr std::string_view exercise_grade = "exercise.grade";
inline constexpr std::string_view expectation = "expectation";
inline constexpr std::string_view fleet_connections = "fleet.connections";
inline constexpr std::string_view fleet_listing = "fleet.listing";
inline constexpr std::string_view fleet_member = "fleet.member";
inline constexpr std::string_view ha_peer_connections = "ha.peer.connections";
inline constexpr std::string_view ha_peer_listing = "ha.peer.listing";
inline constexpr std::string_view ha_vip = "ha.vip";
inline constexpr std::string_view ha_vrrp = "ha.vrrp";
inline constexpr std::string_view health_check = "health.check";
inline constexpr std::string_view health_state = "health.state";
inline constexpr std::string_view host_sockets = "host.sockets";
inline constexpr std::string_view http_conn_error = "http.conn.error";
inline constexpr std::string_view http_idle_close = "http.idle-close";
inline constexpr std::string_view http_goaway = "http.goaway";
inline constexpr std::string_view http_keepalive_close = "http.keepalive-close";
inline constexpr std::string_view http_object_failed = "http.object.failed";
inline constexpr std::string_view http_page_abort = "http.page.abort";
inline constexpr std::string_view http_page_done = "http.page.done";
inline constexpr std::string_view http_page_start = "http.page.start";
inline constexpr std::string_view http_ping_failed = "http.ping-failed";
inline constexpr std::string_view http_request = "http.request";
inline constexpr std::string_view http_request_timeout = "http.request-timeout";
inline constexpr std::string_view http_response = "http.response";
inline constexpr std::string_view http_retry = "http.retry";
inline constexpr std::string_view http_server_abrupt_stop = "http.server.abrupt-stop";
inline constexpr std::string_view http_server_crash = "http.server.crash";
inline constexpr std::string_view http_server_drain = "http.server.drain";
inline constexpr std::string_view http_server_goaway = "http.server.goaway";
inline constexpr std::string_view http_server_graceful_stop = "http.server.graceful-stop";
inline constexpr std::string_view http_server_kill = "http.server.kill";
inline constexpr std::string_view http_server_start = "http.server.start";
inline constexpr std::string_view http_server_workers = "http.server.workers";
inline constexpr std::string_view http_session_end = "http.session.end";
inline constexpr std::string_view http_session_start = "http.session.start";
inline constexpr std::string_view http_tls_done = "http.tls-done";
inline constexpr std::string_view ipvs_admin = "ipvs.admin";
inline constexpr std::string_view ipvs_conn_expire = "ipvs.conn.expire";
inline constexpr std::string_view ipvs_conn_new = "ipvs.conn.new";
inline constexpr std::string_view ipvs_dest_freed = "ipvs.dest.freed";
inline constexpr std::string_view ipvs_dest_revived = "ipvs.dest.revived";
inline constexpr std::string_view ipvs_drop = "ipvs.drop";
inline constexpr std::string_view ipvs_no_dest = "ipvs.no-dest";
inline constexpr std::string_view ipvs_nodest_flush = "ipvs.nodest.flush";
inline constexpr std::string_view ipvs_reuse = "ipvs.reuse";
inline constexpr std::string_view ipvs_rst = "ipvs.rst";
inline constexpr std::string_view ipvs_sched = "ipvs.sched";
inline constexpr std::string_view ipvs_state = "ipvs.state";
inline constexpr std::string_view ipvs_sync_daemon = "ipvs.sync.daemon";
inline constexpr std::string_view ipvs_sync_receive = "ipvs.sync.receive";
inline constexpr std::string_view ipvs_sync_send = "ipvs.sync.send";
inline constexpr std::string_view ipvs_sysctl = "ipvs.sysctl";
inline constexpr std::string_view ipvs_template_invalid = "ipvs.template.invalid";
inline constexpr std::string_view ipvs_template_new = "ipvs.template.new";
inline constexpr std::string_view ipvs_warning = "ipvs.warning";
inline constexpr std::string_view lesson_step = "lesson.step";
inline constexpr std::string_view net_drop = "net.drop";
inline constexpr std::string_view net_packet = "net.packet";
inline constexpr std::string_view net_queue = "net.queue";
inline constexpr std::string_view scenario_warning = "scenario.warning";
inline constexpr std::string_view snapshot = "snapshot";
inline constexpr std::string_view socket_call = "socket.call";
inline constexpr std::string_view tcp_bbr = "tcp.bbr";
inline constexpr std::string_view tcp_cwnd = "tcp.cwnd";
inline constexpr std::string_view tcp_drop = "tcp.drop";
inline constexpr std::string_view tcp_error = "tcp.error";
inline constexpr std::string_view tcp_recovery = "tcp.recovery";
inline constexpr std::string_view tcp_retransmit = "tcp.retransmit";
inline constexpr std::string_view tcp_rst = "tcp.rst";
inline constexpr std::string_view tcp_rto = "tcp.rto";
inline constexpr std::string_view tcp_rwnd = "tcp.rwnd";
inline constexpr std::string_view tcp_state = "tcp.state";
inline constexpr std::string_view tcp_tw_overflow = "tcp.tw-overflow";
inline constexpr std::string_view tcp_tw_reuse = "tcp.tw-reuse";
inline constexpr std::string_view timeline_director = "timeline.director";
inline constexpr std::string_view timeline_ipvsadm = "timeline.ipvsadm";
inline constexpr std::string_view timeline_server = "timeline.server";
inline constexpr std::string_view timeline_sysctl = "timeline.sysctl";
inline constexpr std::string_view timeline_vrrp = "timeline.vrrp";
}  // namespace kind

}  // namespace lvs::trace
