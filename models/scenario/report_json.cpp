// The JSON report (format "lvsim-report/1") and the CSV time series. Like the text report
// (report.cpp), neither holds a wall-clock value: the same scenario and seed give
// byte-identical files.
#include <ostream>

#include "models/scenario/report_format.hpp"
#include "models/scenario/runtime.hpp"
#include "sim/trace.hpp"

namespace lvs::scenario {

namespace {
using report_format::num;
using report_format::secs;
void json_str(std::ostream& o, const std::string& s) { sim::write_json_string(o, s); }

// The format, the scenario, the loader's warnings and the run's length.
void write_head(std::ostream& o, const Report& r) {
    o << "{\n  \"format\": \"lvsim-report/1\",\n  \"complete\": " << (r.complete ? "true" : "false")
      << ",\n  \"scenario\": {\"name\": ";
    json_str(o, r.scenario);
    o << ", \"seed\": " << r.seed << ", \"kernel\": ";
    json_str(o, r.kernel);
    if (!r.kernel_asked.empty()) {
        o << ", \"kernel_asked\": ";
        json_str(o, r.kernel_asked);
    }
    o << "},\n  \"warnings\": [";
    for (size_t i = 0; i < r.warnings.size(); ++i) {
        o << (i ? ",\n    " : "\n    ") << "{\"text\": ";
        json_str(o, r.warnings[i].text);
        o << ", \"line\": " << r.warnings[i].mark.line << ", \"column\": " << r.warnings[i].mark.column
          << "}";
    }
    o << "],\n  \"end_s\": " << secs(r.end) << ",\n  \"events\": " << r.events << ",\n";
}

// One client group's figures, or all groups' together.
void write_client(std::ostream& o, const ClientReport& c, const std::string& indent) {
    o << "{\"pages\": " << c.pages << ", \"pages_completed\": " << c.pages_completed
      << ", \"pages_aborted\": " << c.pages_aborted << ", \"objects_ok\": " << c.objects_ok
      << ", \"objects_failed\": " << c.objects_failed << ", \"objects_aborted\": " << c.objects_aborted
      << ", \"objects_pending\": " << c.objects_pending << ",\n"
      << indent << "\"retries\": " << c.retries << ", \"connections_opened\": " << c.connections_opened
      << ", \"requests\": " << c.requests << ", \"time_wait_max\": " << c.time_wait_max
      << ", \"errors\": {\"refused\": " << c.errors_refused << ", \"reset\": " << c.errors_reset
      << ", \"timeout\": " << c.errors_timeout << "},\n"
      << indent << "\"page_load_ms\": {\"p50\": " << num(c.page_load_p50_ms)
      << ", \"p95\": " << num(c.page_load_p95_ms) << ", \"p99\": " << num(c.page_load_p99_ms) << "}";
    // HTTPS, HTTP/2 and pools: only for groups that have them, so plain-HTTP reports keep their shape.
    if (c.tls_full + c.tls_resumed > 0)
        o << ",\n"
          << indent << "\"tls\": {\"full\": " << c.tls_full << ", \"resumed\": " << c.tls_resumed
          << ", \"wait_mean_ms\": " << num(c.tls_wait_mean_ms) << "}";
    if (c.h2_sessions > 0)
        o << ",\n"
          << indent << "\"http2\": {\"sessions\": " << c.h2_sessions << ", \"goaway\": " << c.goaway
          << ", \"goaway_retries\": " << c.goaway_retries << ", \"ping_failures\": " << c.ping_failures
          << "}";
    if (c.idle_trims > 0) o << ",\n" << indent << "\"idle_trims\": " << c.idle_trims;
    if (c.sessions > 0)
        o << ",\n"
          << indent << "\"visits\": {\"begun\": " << c.sessions << ", \"completed\": " << c.sessions_completed
          << ", \"pages_mean\": " << num(c.session_pages_mean) << ", \"peak\": " << c.sessions_peak
          << ", \"hosts\": " << c.visitor_hosts << "}";
    if (!c.page_mix.empty()) {
        o << ",\n" << indent << "\"page_mix\": {";
        for (size_t k = 0; k < c.page_mix.size(); ++k) {
            o << (k ? ", " : "");
            json_str(o, c.page_mix[k].first);
            o << ": " << c.page_mix[k].second;
        }
        o << "}";
    }
    // UDP clients: only for groups that have them.
    if (c.resolvers > 0)
        o << ",\n"
          << indent << "\"dns\": {\"resolvers\": " << c.resolvers << ", \"lookups\": " << c.lookups
          << ", \"answered\": " << c.lookups_answered << ", \"failed\": " << c.lookups_failed
          << ", \"pending\": " << c.lookups_pending << ", \"retries\": " << c.lookup_retries
          << ", \"timeouts\": " << c.lookup_timeouts << ", \"refused\": " << c.lookups_refused
          << ", \"answer_ms\": {\"p50\": " << num(c.lookup_p50_ms) << ", \"p95\": " << num(c.lookup_p95_ms)
          << ", \"max\": " << num(c.lookup_max_ms) << "}}";
    if (c.syslog_senders > 0)
        o << ",\n"
          << indent << "\"syslog\": {\"senders\": " << c.syslog_senders << ", \"sent\": " << c.syslog_sent
          << ", \"received\": " << c.syslog_received << ", \"in_flight\": " << c.syslog_in_flight
          << ", \"lost\": " << c.syslog_lost() << "}";
    if (c.replayed_requests > 0) {
        o << ",\n"
          << indent << "\"replayed_requests\": " << c.replayed_requests
          << ", \"remapped_addresses\": " << c.remapped_addresses << ", \"access_log\": [";
        for (size_t k = 0; k < c.access_log.size(); ++k) {
            o << (k ? ", " : "");
            json_str(o, c.access_log[k]);
        }
        o << "]";
    }
    o << "}";
}

void write_client_groups(std::ostream& o, const Report& r) {
    for (size_t i = 0; i < r.groups.size(); ++i) {
        o << (i ? ",\n    " : "\n    ") << "{\"name\": ";
        json_str(o, r.groups[i].name);
        o << ", \"stats\": ";
        write_client(o, r.groups[i], "      ");
        o << "}";
    }
}

// The director's UDP counters (only in runs with UDP, so TCP reports keep their shape).
void write_director_udp(std::ostream& o, const Report& r) {
    const DirectorUdpReport& d = r.director_udp;
    if (!d.any) return;
    o << "  \"director_udp\": {\"entries\": " << d.entries << ", \"datagrams\": " << d.datagrams
      << ", \"one_packet\": " << d.one_packet << ", \"dropped_nodest\": " << d.dropped_nodest
      << ", \"icmp_no_dest\": " << d.icmp_no_dest << ", \"icmp_translated\": " << d.icmp_translated << "},\n";
}

void write_realservers(std::ostream& o, const Report& r) {
    for (size_t i = 0; i < r.realservers.size(); ++i) {
        const ServerReport& s = r.realservers[i];
        o << (i ? ",\n    " : "\n    ") << "{\"name\": ";
        json_str(o, s.name);
        o << ", \"address\": ";
        json_str(o, s.address);
        o << ", \"connections_accepted\": " << s.connections_accepted << ", \"requests\": " << s.requests
          << ", \"time_wait_max\": " << s.time_wait_max << ", \"keepalive_closes\": " << s.keepalive_closes;
        if (s.dns || s.syslog) {
            o << ",\n     \"udp\": {";
            if (s.dns)
                o << "\"dns_queries\": " << s.dns_queries << ", \"dns_answers\": " << s.dns_answers << ", ";
            if (s.syslog) o << "\"syslog_received\": " << s.syslog_received << ", ";
            o << "\"no_ports\": " << s.udp_no_ports << ", \"icmp_unreachable\": " << s.icmp_unreachable
              << "}";
        }
        const CapacityCheck k = capacity_check(s.capacity);
        o << ",\n     \"capacity\": {\"offered_erlangs\": " << num(k.offered_erlangs, 6)
          << ", \"erlang_c_wait\": " << num(k.erlang_c_wait, 6)
          << ", \"workers_busy_mean\": " << num(k.busy_mean, 6)
          << ", \"workers_held_mean\": " << num(k.held_mean, 6)
          << ", \"waited_fraction\": " << num(k.waited_fraction, 6)
          << ", \"connection_hold_s\": " << num(k.hold_mean_s, 6) << "}}";
    }
}

void write_drains(std::ostream& o, const Report& r) {
    const auto opt = [](const std::optional<sim::Duration>& d) { return d ? secs(*d) : std::string("null"); };
    for (size_t i = 0; i < r.drains.size(); ++i) {
        const DrainResult& d = r.drains[i];
        o << (i ? ",\n    " : "\n    ") << "{\"realserver\": ";
        json_str(o, d.realserver);
        o << ", \"command\": ";
        json_str(o, d.command);
        // Durations after the command, and the run times they end at.
        const auto at_time = [&](const std::optional<sim::Duration>& after) {
            return after ? std::optional<sim::Duration>(sim::Duration::from_ns(d.at.ns()) + *after)
                         : std::nullopt;
        };
        o << ", \"at_s\": " << secs(d.at) << ", \"no_active_after_s\": " << opt(d.no_active_after)
          << ", \"no_active_at_s\": " << opt(at_time(d.no_active_after))
          << ", \"no_entries_after_s\": " << opt(d.no_entries_after)
          << ", \"no_entries_at_s\": " << opt(at_time(d.no_entries_after)) << "}";
    }
}

void write_snapshots(std::ostream& o, const Report& r) {
    for (size_t i = 0; i < r.snapshots.size(); ++i) {
        const Snapshot& s = r.snapshots[i];
        o << (i ? ",\n    " : "\n    ") << "{\"label\": ";
        json_str(o, s.label);
        o << ", \"at_s\": " << secs(s.at) << ",\n     \"ipvsadm_ln\": ";
        json_str(o, s.ipvsadm_ln);
        o << ",\n     \"ipvsadm_lnc\": ";
        json_str(o, s.ipvsadm_lnc);
        if (!s.peer.empty()) {
            // A director pair: the listing above is the first director's; the second's follows.
            o << ",\n     \"director\": ";
            json_str(o, s.director);
            o << ", \"peer\": ";
            json_str(o, s.peer);
            o << ", \"peer_ipvsadm_ln\": ";
            json_str(o, s.peer_ln);
        }
        if (!s.fleet_ln.empty()) {
            // A fleet: the listing above is the first director's; the others' follow.
            o << ",\n     \"director\": ";
            json_str(o, s.director);
            o << ", \"fleet\": [";
            for (size_t k = 0; k < s.fleet_ln.size(); ++k) {
                o << (k ? ", " : "") << "{\"director\": ";
                json_str(o, s.fleet_ln[k].first);
                o << ", \"ipvsadm_ln\": ";
                json_str(o, s.fleet_ln[k].second);
                o << "}";
            }
            o << "]";
        }
        o << ",\n     \"ss\": [";
        for (size_t k = 0; k < s.sockets.size(); ++k) {
            o << (k ? ",\n        " : "\n        ") << "{\"host\": ";
            json_str(o, s.sockets[k].host);
            o << ", \"ss_tan\": ";
            json_str(o, s.sockets[k].ss_tan);
            o << ", \"ss_tin\": ";
            json_str(o, s.sockets[k].ss_tin);
            o << "}";
        }
        o << "],\n     \"services\": [";
        for (size_t k = 0; k < s.services.size(); ++k) {
            const ServiceTable& v = s.services[k];
            o << (k ? ", " : "") << "{\"vip\": ";
            json_str(o, v.address);
            o << ", \"scheduler\": ";
            json_str(o, v.scheduler);
            o << ", \"realservers\": [";
            for (size_t j = 0; j < v.realservers.size(); ++j) {
                const RealServerRow& d = v.realservers[j];
                o << (j ? ",\n        " : "\n        ") << "{\"name\": ";
                json_str(o, d.name);
                o << ", \"address\": ";
                json_str(o, d.address);
                o << ", \"forward\": ";
                json_str(o, d.forward);
                o << ", \"weight\": " << d.weight << ", \"active\": " << d.active
                  << ", \"inactive\": " << d.inactive << ", \"persistent\": " << d.persistent
                  << ", \"conns\": " << d.conns << ", \"states\": {";
                size_t n = 0;
                for (const auto& [state, count] : d.states) {
                    o << (n++ ? ", " : "");
                    json_str(o, state);
                    o << ": " << count;
                }
                o << "}}";
            }
            o << "]}";
        }
        o << "]}";
    }
}

void write_expectations(std::ostream& o, const Report& r) {
    for (size_t i = 0; i < r.expectations.size(); ++i) {
        const ExpectResult& e = r.expectations[i];
        o << (i ? ",\n    " : "\n    ") << "{\"text\": ";
        json_str(o, e.text);
        o << ", \"at_s\": " << (e.at ? secs(*e.at) : std::string("null"))
          << ", \"passed\": " << (e.passed ? "true" : "false") << ", \"observed\": ";
        json_str(o, e.observed);
        o << "}";
    }
}

void write_tcp(std::ostream& o, const Report& r) {
    for (size_t i = 0; i < r.tcp_loss.size(); ++i) {
        const TcpLossReport& t = r.tcp_loss[i];
        o << (i ? ",\n    " : "\n    ") << "{\"name\": ";
        json_str(o, t.name);
        o << ", \"retransmits\": {\"dupack\": " << t.retransmits.dupack
          << ", \"rack\": " << t.retransmits.rack << ", \"tlp\": " << t.retransmits.tlp
          << ", \"rto\": " << t.retransmits.rto << "}, \"recoveries\": " << t.recoveries
          << ", \"timeouts\": " << t.timeouts << ", \"loss_probes\": " << t.loss_probes
          << ", \"loss_probe_recoveries\": " << t.loss_probe_recoveries
          << ", \"ooo_segments\": " << t.ooo_segments << ", \"dsacks_sent\": " << t.dsacks_sent
          << ", \"zero_window_probes\": " << t.zero_window_probes << "}";
    }
}

void write_links(std::ostream& o, const Report& r) {
    for (size_t i = 0; i < r.links.size(); ++i) {
        const LinkReport& l = r.links[i];
        o << (i ? ",\n    " : "\n    ") << "{\"name\": ";
        json_str(o, l.name);
        for (size_t d = 0; d < 2; ++d)
            o << ", \"" << (d == 0 ? "out" : "back") << "\": {\"frames\": " << l.dir[d].frames
              << ", \"lost\": " << l.dir[d].lost << ", \"dropped\": " << l.dir[d].dropped << "}";
        o << "}";
    }
}

void write_queues(std::ostream& o, const Report& r) {
    for (size_t i = 0; i < r.queues.size(); ++i) {
        const QueueReport& q = r.queues[i];
        o << (i ? ",\n    " : "\n    ") << "{\"link\": ";
        json_str(o, q.link);
        o << ", \"dir\": ";
        json_str(o, q.dir);
        o << ", \"limit_packets\": " << q.limit.packets << ", \"limit_bytes\": " << q.limit.bytes
          << ", \"drops\": " << q.drops << ", \"samples\": [";
        for (size_t k = 0; k < q.samples.size(); ++k)
            o << (k ? ", " : "") << "{\"t_s\": " << secs(q.samples[k].t)
              << ", \"packets\": " << q.samples[k].q.packets << ", \"bytes\": " << q.samples[k].q.bytes
              << ", \"delay_s\": " << secs(sim::Time{} + q.samples[k].q.delay) << "}";
        o << "]}";
    }
}

void write_windows(std::ostream& o, const Report& r) {
    for (size_t i = 0; i < r.windows.size(); ++i) {
        const WindowSample& w = r.windows[i];
        o << (i ? ",\n    " : "\n    ") << "{\"t_s\": " << secs(w.t) << ", \"host\": ";
        json_str(o, w.host);
        o << ", \"connections\": " << w.connections << ", \"rcv_wnd\": " << w.rcv_wnd
          << ", \"rcv_space\": " << w.rcv_space << ", \"snd_wnd\": " << w.snd_wnd << ", \"cwnd\": " << w.cwnd
          << "}";
    }
}

void write_programs(std::ostream& o, const Report& r) {
    for (size_t i = 0; i < r.programs.size(); ++i) {
        const ProgramReport& p = r.programs[i];
        o << (i ? ",\n    " : "\n    ") << "{\"name\": ";
        json_str(o, p.name);
        o << ", \"calls\": [";
        for (size_t k = 0; k < p.calls.size(); ++k) {
            const sock::Call& c = p.calls[k];
            o << (k ? ",\n      " : "\n      ") << "{\"n\": " << k + 1 << ", \"call\": ";
            json_str(o, std::string(sock::to_string(c.op)));
            o << ", \"text\": ";
            json_str(o, c.text);
            if (c.done) {
                o << ", \"result\": " << c.result.value << ", \"errno\": ";
                json_str(o, std::string(sock::errno_name(c.result.err)));
                o << ", \"started_s\": " << secs(c.started) << ", \"returned_s\": " << secs(c.returned);
            } else {
                o << ", \"result\": null, \"errno\": null, \"started_s\": null, \"returned_s\": null";
            }
            o << "}";
        }
        o << "]}";
    }
}

}  // namespace

// The outline of the report: its keys in order, and a helper per section for the entries.
void write_json_report(std::ostream& o, const Report& r) {
    write_head(o, r);
    write_director_udp(o, r);
    write_ha_json(o, r);
    write_fleet_json(o, r);
    o << "  \"clients\": ";
    write_client(o, r.clients, "    ");
    o << ",\n  \"client_groups\": [";
    write_client_groups(o, r);
    o << "],\n  \"realservers\": [";
    write_realservers(o, r);
    o << "],\n  \"drains\": [";
    write_drains(o, r);
    o << "],\n  \"snapshots\": [";
    write_snapshots(o, r);
    o << "],\n  \"expectations\": [";
    write_expectations(o, r);
    o << "],\n  \"tcp\": [";
    write_tcp(o, r);
    o << "],\n  \"links\": [";
    write_links(o, r);
    o << "],\n  \"queues\": [";
    write_queues(o, r);
    o << "],\n  \"windows\": [";
    write_windows(o, r);
    o << "],\n  \"programs\": [";
    write_programs(o, r);
    o << "],\n";
    if (r.fingerprint) o << "  \"fingerprint\": \"" << format_fingerprint(*r.fingerprint) << "\",\n";
    o << "  \"passed\": " << (r.passed() ? "true" : "false") << "\n}\n";
}

void write_csv(std::ostream& o, const Report& r) {
    o << "t_s,realserver,present,weight,active,inactive,conns,server_time_wait,workers_busy,workers_idle_"
         "keepalive,client_time_wait\n";
    for (const SampleRow& s : r.samples)
        o << secs(s.t) << ',' << s.realserver << ',' << (s.present ? 1 : 0) << ',' << s.weight << ','
          << s.active << ',' << s.inactive << ',' << s.conns << ',' << s.time_wait << ',' << s.workers_busy
          << ',' << s.workers_idle_keepalive << ',' << s.client_time_wait << '\n';
}

}  // namespace lvs::scenario
