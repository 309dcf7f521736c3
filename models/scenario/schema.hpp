// The keys each kind of mapping in a scenario file allows: one list per mapping, read by the
// loader (unknown keys are errors with a "did you mean") and by `--set` (key paths).
#pragma once

#include <string>
#include <vector>

namespace lvs::scenario::schema {

inline const std::vector<std::string> kRoot{
    "name",           "lesson",  "seed",     "duration",    "import",  "kernel",   "sample_every",
    "capacity_check", "network", "director", "realservers", "clients", "timeline", "expect",
    "report_windows", "steps",   "exercise", "ha",          "fleet"};
// A fleet of directors behind ECMP (kube-proxy's IPVS mode: a director on every node).
inline const std::vector<std::string> kFleet{"directors", "hash"};
inline const std::vector<std::string> kFleetDirector{"name", "address", "weight", "joined"};
// A VRRP pair of directors (keepalived's vrrp_instance and lvs_sync_daemon).
inline const std::vector<std::string> kHa{"directors",         "advert_int",          "version",
                                          "garp_master_delay", "garp_master_refresh", "sync"};
inline const std::vector<std::string> kHaDirector{"name",  "address", "priority",
                                                  "state", "preempt", "preempt_delay"};
inline const std::vector<std::string> kHaSync{"daemon", "follows_vrrp", "syncid"};
inline const std::vector<std::string> kNetwork{
    "rtt", "bandwidth", "lan_delay", "lan_bandwidth", "loss", "burst_loss", "lan_loss", "queue", "lan_queue"};
inline const std::vector<std::string> kBurstLoss{"p", "r", "bad_loss", "good_loss"};
inline const std::vector<std::string> kDrop{"host", "direction", "segment", "flags", "conn"};
inline const std::vector<std::string> kDirector{"address", "rules",       "sysctl", "health_checks",
                                                "tcp",     "connections", "hz",     "jiffies_at_start",
                                                "timeouts"};
// `ipvsadm --set tcp tcpfin udp` as keys (seconds; a key left out: unchanged).
inline const std::vector<std::string> kTimeouts{"tcp", "tcpfin", "udp"};
inline const std::vector<std::string> kHealthCheck{
    "name",     "service",    "tool",     "interval", "type",      "timeout",         "retry_delay",
    "failures", "successes",  "status",   "path",     "quiescent", "alpha",           "omega",
    "quorum",   "hysteresis", "fallback", "servers",  "warmup",    "fallback_method", "round"};
// One realserver's own way of being checked (keepalived's per-real_server checker).
inline const std::vector<std::string> kServerCheck{
    "realserver", "type", "timeout", "retry_delay", "failures", "successes", "status", "path", "quiescent"};
// A host's TCP (realservers, client groups, the director): `tcp` names a bundle
// (tcp_profile.hpp), `sysctl` overrides the kernel's sysctls, `hz` is CONFIG_HZ and
// `jiffies_at_start` pins the phase of its jiffies.
inline const std::vector<std::string> kRealserver{"name",
                                                  "address",
                                                  "tcp",
                                                  "server",
                                                  "keepalive",
                                                  "keepalive_timeout",
                                                  "max_requests",
                                                  "workers",
                                                  "model",
                                                  "backlog",
                                                  "service_time",
                                                  "sysctl",
                                                  "hz",
                                                  "jiffies_at_start",
                                                  "so_keepalive",
                                                  "script",
                                                  "port",
                                                  "ports",
                                                  "check_status",
                                                  "http2",
                                                  "h2_max_streams",
                                                  "tls",
                                                  "drain_on_check_failure",
                                                  "keepalive_time",
                                                  "dns",
                                                  "syslog"};
// UDP services of a realserver: a DNS server and a syslog collector.
inline const std::vector<std::string> kDnsServer{"port", "answer_time", "answer_size"};
inline const std::vector<std::string> kSyslogCollector{"port"};
// UDP clients: a stub resolver (resolv.conf's timeout and attempts) and a syslog sender.
inline const std::vector<std::string> kResolver{"every",      "timeout", "attempts", "source_port",
                                                "query_size", "start",   "stop"};
inline const std::vector<std::string> kSyslogSender{"every", "size", "start", "stop"};
inline const std::vector<std::string> kServerTls{
    "version",     "session_timeout",    "shared_ticket_keys",
    "certificate", "full_handshake_cpu", "resumed_handshake_cpu"};
inline const std::vector<std::string> kClientGroup{"name",
                                                   "count",
                                                   "tcp",
                                                   "browser",
                                                   "keepalive_timeout",
                                                   "max_connections",
                                                   "close",
                                                   "request_timeout",
                                                   "page",
                                                   "schedule",
                                                   "ports",
                                                   "target",
                                                   "sysctl",
                                                   "hz",
                                                   "jiffies_at_start",
                                                   "so_keepalive",
                                                   "script",
                                                   "client",
                                                   "https",
                                                   "http2",
                                                   "tls",
                                                   "max_idle",
                                                   "h2_idle_timeout",
                                                   "max_streams",
                                                   "retry",
                                                   "requests",
                                                   "pages",
                                                   "arrivals",
                                                   "session",
                                                   "access_log",
                                                   "resolver",
                                                   "syslog"};
inline const std::vector<std::string> kPage{"html", "objects", "object_size", "request"};
// One page of a page mix (`pages:`): a page with a name and a weight.
inline const std::vector<std::string> kMixPage{"name", "weight", "html", "objects", "object_size", "request"};
// Visitors arriving: one of rate, profile or csv, and when.
inline const std::vector<std::string> kArrivals{"rate", "profile", "from", "csv", "scale", "start", "stop"};
inline const std::vector<std::string> kSession{"pages"};
inline const std::vector<std::string> kAccessLog{"file", "default", "from", "duration"};
// An API client's calls: `parallel` requests at once, each answered with `response` bytes.
inline const std::vector<std::string> kRequests{"parallel", "response", "request", "method"};
inline const std::vector<std::string> kSchedule{"reload_every", "think", "times", "start", "stop", "stagger"};
inline const std::vector<std::string> kTimelineEntry{"at",     "ipvsadm",  "sysctl", "server",
                                                     "client", "action",   "value",  "snapshot",
                                                     "drop",   "director", "vrrp",   "on"};
inline const std::vector<std::string> kExpectation{"at", "that"};
inline const std::vector<std::string> kStep{"at", "caption", "question", "highlight", "reveal"};
inline const std::vector<std::string> kExercise{"task", "questions"};
inline const std::vector<std::string> kExerciseQuestion{"id", "ask"};
// The answer key and the student's answer (models/scenario/exercise.cpp).
inline const std::vector<std::string> kAnswerKey{"exercise", "questions"};
inline const std::vector<std::string> kKeyQuestion{"id", "accept", "check", "hint"};
inline const std::vector<std::string> kAnswer{"exercise", "student", "answers", "fix"};

// Names a realserver, client group or health check cannot take: the expectation language
// uses them as the first part of a quantity.
inline const std::vector<std::string> kReservedNames{"clients", "servers", "director", "drain", "health",
                                                     "kernel",  "time",    "ha",       "fleet"};

}  // namespace lvs::scenario::schema
