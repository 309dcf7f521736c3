// The human report (the JSON report and the CSV are in report_json.cpp). No wall-clock value
// appears in it, so the same scenario and seed give byte-identical files.
#include <cstdio>
#include <iomanip>
#include <map>
#include <sstream>

#include "models/scenario/report_format.hpp"
#include "models/scenario/runtime.hpp"
#include "sim/trace.hpp"

namespace lvs::scenario {

namespace {

using report_format::num;
using report_format::secs;

// The queueing cross-check: the formula's view of each worker pool next to the simulation's.
void write_capacity(std::ostream& o, const Report& r) {
    o << "\nCapacity cross-check (Erlang C and Little's law for the offered load, next to the simulation)\n";
    for (const ServerReport& s : r.realservers) {
        const CapacityInput& in = s.capacity;
        const CapacityCheck k = capacity_check(in);
        o << "  " << s.name << " (" << (in.prefork ? "prefork" : "event") << ", " << in.workers
          << " workers): offered " << num(k.arrival_rate, 1) << " req/s x " << num(k.service_mean_s * 1e3, 2)
          << " ms = " << num(k.offered_erlangs, 2) << " erlangs\n";
        o << "    Erlang C, a worker busy only while serving: " << num(k.erlang_busy, 2)
          << " workers busy, P(wait) " << num(k.erlang_c_wait, 3) << "\n";
        o << "    simulated: " << num(k.busy_mean, 2) << " busy, " << num(k.held_mean, 2)
          << " held on average; " << in.waited << " " << (in.prefork ? "connections" : "requests") << " ("
          << num(k.waited_fraction * 100, 1) << "%) waited for a worker\n";
        o << "    Little's law on connections: " << num(k.connection_rate, 2) << " conn/s x "
          << num(k.hold_mean_s, 2) << " s open = " << num(k.little_held, 1)
          << " connections open on average\n";
        if (in.prefork && k.under_count > 1 && k.held_mean > 2 * k.erlang_busy)
            o << "    -> the formula under-counts by " << num(k.under_count, 1)
              << " workers: idle keep-alive connections hold prefork workers between requests\n";
        else if (!in.prefork)
            o << "    -> idle keep-alive connections hold no worker here (event model): the formula "
                 "applies\n";
    }
}

// What each call of a scripted program returned, and when.
std::string call_result(const sock::Call& c) {
    if (!c.done) return "(has not returned)";
    if (c.result.failed()) return "-1 " + std::string(sock::errno_name(c.result.err));
    if (c.op == sock::Op::Recv && c.result.value == 0) return "0 (EOF)";
    return std::to_string(c.result.value);
}

void write_programs(std::ostream& o, const Report& r) {
    if (r.programs.empty()) return;
    o << "\nSocket calls (what each call returned, and when)\n";
    for (const ProgramReport& p : r.programs) {
        o << "  " << p.name << "\n";
        for (size_t i = 0; i < p.calls.size(); ++i) {
            const sock::Call& c = p.calls[i];
            std::string line = "    " + std::to_string(i + 1) + ". " + c.text;
            line.resize(std::max<size_t>(line.size() + 1, 46), ' ');
            line += "-> " + call_result(c);
            if (c.done) {
                line.resize(std::max<size_t>(line.size() + 1, 66), ' ');
                line += "at " + secs(c.returned) + " s";
                if (c.returned != c.started)
                    line += " (blocked " + num((c.returned - c.started).seconds(), 6) + " s)";
            }
            o << line << "\n";
        }
    }
}

// Loss recovery by mechanism (printed when anything was lost or retransmitted).
void write_tcp_loss(std::ostream& o, const Report& r) {
    bool any = !r.links.empty();
    for (const TcpLossReport& t : r.tcp_loss) any = any || t.retransmits.total() != 0 || t.timeouts != 0;
    if (!any) return;
    o << "\nLoss recovery (retransmitted segments by the mechanism that sent them)\n";
    o << "  " << std::left << std::setw(10) << "host" << std::right << std::setw(8) << "dupack"
      << std::setw(8) << "rack" << std::setw(8) << "tlp" << std::setw(8) << "rto" << std::setw(12)
      << "recoveries" << std::setw(10) << "timeouts" << std::setw(12) << "ooo segs" << std::setw(8)
      << "dsacks"
      << "\n";
    for (const TcpLossReport& t : r.tcp_loss)
        o << "  " << std::left << std::setw(10) << t.name << std::right << std::setw(8)
          << t.retransmits.dupack << std::setw(8) << t.retransmits.rack << std::setw(8) << t.retransmits.tlp
          << std::setw(8) << t.retransmits.rto << std::setw(12) << t.recoveries << std::setw(10) << t.timeouts
          << std::setw(12) << t.ooo_segments << std::setw(8) << t.dsacks_sent << "\n";
    if (r.links.empty()) return;
    o << "  links: frames carried / lost (random or burst) / dropped (drop rules), each direction\n";
    // A few links one by one; many (one per client host) as a total.
    const auto line = [&](const std::string& name, const std::array<net::LinkDirStats, 2>& d) {
        o << "    " << name << ": " << d[0].frames << " / " << d[0].lost << " / " << d[0].dropped << " out, "
          << d[1].frames << " / " << d[1].lost << " / " << d[1].dropped << " back\n";
    };
    if (r.links.size() <= 6) {
        for (const LinkReport& l : r.links) line(l.name, l.dir);
        return;
    }
    std::array<net::LinkDirStats, 2> sum{};
    for (const LinkReport& l : r.links)
        for (size_t d = 0; d < 2; ++d) {
            sum[d].frames += l.dir[d].frames;
            sum[d].lost += l.dir[d].lost;
            sum[d].dropped += l.dir[d].dropped;
        }
    line(std::to_string(r.links.size()) + " links (the JSON report lists each)", sum);
}

// Finite queues: how full they ran, how long a frame waited, what they dropped.
void write_queues(std::ostream& o, const Report& r) {
    if (r.queues.empty()) return;
    o << "\nQueues (drop-tail; sampled every sample_every)\n";
    o << "  " << std::left << std::setw(22) << "link" << std::setw(6) << "dir" << std::right << std::setw(10)
      << "limit" << std::setw(12) << "max pkts" << std::setw(12) << "max bytes" << std::setw(14)
      << "mean delay" << std::setw(13) << "max delay" << std::setw(8) << "drops"
      << "\n";
    for (const QueueReport& q : r.queues) {
        uint32_t max_p = 0;
        uint64_t max_b = 0;
        double sum_ms = 0, max_ms = 0;
        for (const auto& s : q.samples) {
            max_p = std::max(max_p, s.q.packets);
            max_b = std::max(max_b, s.q.bytes);
            const double ms = s.q.delay.seconds() * 1000;
            sum_ms += ms;
            max_ms = std::max(max_ms, ms);
        }
        const std::string limit = q.limit.packets != 0 ? std::to_string(q.limit.packets) + " pkt"
                                                       : std::to_string(q.limit.bytes) + " B";
        o << "  " << std::left << std::setw(22) << q.link << std::setw(6) << q.dir << std::right
          << std::setw(10) << limit << std::setw(12) << max_p << std::setw(12) << max_b << std::setw(11)
          << num(q.samples.empty() ? 0 : sum_ms / double(q.samples.size()), 1) << " ms" << std::setw(10)
          << num(max_ms, 1) << " ms" << std::setw(8) << q.drops << "\n";
    }
}

// The largest windows per host over time (report_windows).
void write_windows(std::ostream& o, const Report& r) {
    if (r.windows.empty()) return;
    o << "\nWindows over time (largest among each host's open connections, a row when they change; bytes, "
         "cwnd "
         "in segments)\n";
    o << "  " << std::right << std::setw(9) << "t (s)"
      << "  " << std::left << std::setw(10) << "host" << std::right << std::setw(6) << "conns"
      << std::setw(11) << "rcv_wnd" << std::setw(11) << "rcv_space" << std::setw(11) << "snd_wnd"
      << std::setw(7) << "cwnd"
      << "\n";
    // A row when a host's figures changed since its last row.
    std::map<std::string, const WindowSample*> last;
    for (const WindowSample& w : r.windows) {
        if (w.connections == 0) continue;
        const WindowSample*& prev = last[w.host];
        if (prev != nullptr && prev->connections == w.connections && prev->rcv_wnd == w.rcv_wnd &&
            prev->rcv_space == w.rcv_space && prev->snd_wnd == w.snd_wnd && prev->cwnd == w.cwnd)
            continue;
        prev = &w;
        o << "  " << std::right << std::setw(9) << secs(w.t) << "  " << std::left << std::setw(10) << w.host
          << std::right << std::setw(6) << w.connections << std::setw(11) << w.rcv_wnd << std::setw(11)
          << w.rcv_space << std::setw(11) << w.snd_wnd << std::setw(7) << w.cwnd << "\n";
    }
}

// Arriving visitors and replayed logs (a group with arrivals: or access_log:).
void write_visits(std::ostream& o, const ClientReport& c, const std::string& in = "  ") {
    if (c.sessions > 0)
        o << in << "visits: " << c.sessions << " begun, " << c.sessions_completed << " completed ("
          << num(c.session_pages_mean, 1) << " pages per completed visit), at most " << c.sessions_peak
          << " under way at once, on " << c.visitor_hosts << " client hosts\n";
    if (!c.page_mix.empty()) {
        o << in << "page mix:";
        for (const auto& [page, loads] : c.page_mix) o << " " << page << " " << loads;
        o << "\n";
    }
    if (c.replayed_requests > 0)
        o << in << "requests replayed from the access log: " << c.replayed_requests << "\n";
    if (c.remapped_addresses > 0)
        o << in << "logged client addresses replayed from 100.64.0.0/10 instead (IPv6, host names, or an "
          << "address of the scenario's own hosts): " << c.remapped_addresses << "\n";
    for (const std::string& line : c.access_log) o << in << "| " << line << "\n";
}

// Stub resolvers and syslog senders: what getaddrinfo() returned, what arrived.
void write_udp_clients(std::ostream& o, const Report& r) {
    const ClientReport& c = r.clients;
    o << "\nUDP clients (" << c.resolvers << " resolver" << (c.resolvers == 1 ? "" : "s") << ", "
      << c.syslog_senders << " syslog sender" << (c.syslog_senders == 1 ? "" : "s") << ")\n";
    const auto lookups = [&](const ClientReport& g, const std::string& in) {
        o << in << "lookups " << g.lookups << ": answered " << g.lookups_answered << ", failed "
          << g.lookups_failed << ", under way at the end " << g.lookups_pending << "\n";
        o << in << "  tries timed out " << g.lookup_timeouts << ", refused (ICMP port unreachable) "
          << g.lookups_refused << "; queries sent again " << g.lookup_retries << "\n";
        if (g.lookups_answered > 0)
            o << in << "  answer ms: p50 " << num(g.lookup_p50_ms, 1) << ", p95 " << num(g.lookup_p95_ms, 1)
              << ", max " << num(g.lookup_max_ms, 1) << "\n";
        else o << in << "  answer ms: - (no lookup answered)\n";
    };
    const auto messages = [&](const ClientReport& g, const std::string& in) {
        o << in << "syslog messages sent " << g.syslog_sent << ", received " << g.syslog_received
          << ", on their way at the end " << g.syslog_in_flight << ", lost " << g.syslog_lost()
          << " (nobody is told)\n";
    };
    for (const ClientReport& g : r.groups) {
        if (!g.has_udp()) continue;
        o << "  " << g.name << ":\n";
        if (g.resolvers > 0) lookups(g, "    ");
        if (g.syslog_senders > 0) messages(g, "    ");
    }
}

void write_udp_services(std::ostream& o, const Report& r) {
    bool any = false;
    for (const ServerReport& s : r.realservers) any = any || s.dns || s.syslog;
    const DirectorUdpReport& d = r.director_udp;
    if (!any && !d.any) return;
    o << "\nUDP services\n";
    if (d.any)
        o << "  director: UDP entries now " << d.entries << ", datagrams taken " << d.datagrams
          << ", scheduled one by one (-o) " << d.one_packet << "; dropped for a deleted realserver "
          << d.dropped_nodest << ", port unreachable for no destination " << d.icmp_no_dest
          << ", NAT realservers' ICMP passed on " << d.icmp_translated << "\n";
    if (!any) return;
    o << "  " << std::left << std::setw(10) << "name" << std::right << std::setw(12) << "dns queries"
      << std::setw(10) << "answers" << std::setw(16) << "syslog received" << std::setw(11) << "NoPorts"
      << std::setw(16) << "ICMP unreach"
      << "\n";
    for (const ServerReport& s : r.realservers) {
        if (!s.dns && !s.syslog) continue;
        o << "  " << std::left << std::setw(10) << s.name << std::right << std::setw(12)
          << (s.dns ? std::to_string(s.dns_queries) : "-") << std::setw(10)
          << (s.dns ? std::to_string(s.dns_answers) : "-") << std::setw(16)
          << (s.syslog ? std::to_string(s.syslog_received) : "-") << std::setw(11) << s.udp_no_ports
          << std::setw(16) << s.icmp_unreachable << "\n";
    }
}

void write_browsers(std::ostream& o, const Report& r) {
    const ClientReport& c = r.clients;
    const uint64_t browsers = c.browsers - c.api_clients;
    o << "\nClients (" << browsers << " browser" << (browsers == 1 ? "" : "s");
    if (c.api_clients > 0) o << ", " << c.api_clients << " API client" << (c.api_clients == 1 ? "" : "s");
    o << ")\n";
    write_visits(o, c);
    o << "  pages " << c.pages << " (completed " << c.pages_completed << ", aborted by a reload "
      << c.pages_aborted << ", with broken objects " << c.pages_with_failures << ")\n";
    o << "  objects ok " << c.objects_ok << ", failed " << c.objects_failed << ", aborted "
      << c.objects_aborted << ", pending at the end " << c.objects_pending << ", retried " << c.retries
      << "\n";
    o << "  errors: refused " << c.errors_refused << ", reset " << c.errors_reset << ", timeout "
      << c.errors_timeout;
    if (c.errors_no_port != 0) o << ", no free port " << c.errors_no_port;
    o << "\n";
    if (c.tls_full + c.tls_resumed > 0)
        o << "  TLS handshakes: full " << c.tls_full << ", resumed " << c.tls_resumed << ", mean "
          << num(c.tls_wait_mean_ms, 1) << " ms from connect to the first request\n";
    if (c.h2_sessions > 0)
        o << "  HTTP/2: sessions " << c.h2_sessions << ", GOAWAY received " << c.goaway
          << ", requests sent again after GOAWAY " << c.goaway_retries << ", PING failures "
          << c.ping_failures << "\n";
    if (c.idle_trims > 0) o << "  idle connections closed beyond max_idle: " << c.idle_trims << "\n";
    o << "  page load ms: p50 " << num(c.page_load_p50_ms, 1) << ", p95 " << num(c.page_load_p95_ms, 1)
      << ", p99 " << num(c.page_load_p99_ms, 1) << "\n";
    if (c.longest_stall_s > 0)
        o << "  longest wait for one request (its response, failure or abort): " << num(c.longest_stall_s, 3)
          << " s\n";
    o << "  connections opened " << c.connections_opened << ", requests per connection "
      << num(c.requests_per_connection, 1) << ", client TIME_WAIT max " << c.time_wait_max << "\n";
    if (r.groups.size() > 1)
        for (const ClientReport& g : r.groups) {
            o << "    " << g.name << ": pages " << g.pages << ", objects ok " << g.objects_ok << ", failed "
              << g.objects_failed << ", p50 " << num(g.page_load_p50_ms, 1) << " ms\n";
            write_visits(o, g, "      ");
        }
}

void write_realservers(std::ostream& o, const Report& r) {
    o << "\nRealservers\n";
    int name_width = 8;
    for (const ServerReport& s : r.realservers)
        name_width = std::max(name_width, static_cast<int>(s.name.size()) + 2);
    o << "  " << std::left << std::setw(name_width) << "name" << std::setw(16) << "address" << std::right
      << std::setw(10) << "accepted" << std::setw(10) << "requests" << std::setw(15) << "TIME_WAIT max"
      << std::setw(12) << "ka closes"
      << "\n";
    for (const ServerReport& s : r.realservers)
        o << "  " << std::left << std::setw(name_width) << s.name << std::setw(16) << s.address << std::right
          << std::setw(10) << s.connections_accepted << std::setw(10) << s.requests << std::setw(15)
          << s.time_wait_max << std::setw(12) << s.keepalive_closes << "\n";
}

void write_rest(std::ostream& o, const Report& r, bool ss) {
    if (r.capacity_check) write_capacity(o, r);
    write_programs(o, r);
    write_tcp_loss(o, r);

    write_windows(o, r);
    write_queues(o, r);
    if (!r.drains.empty()) {
        o << "\nDrains\n";
        for (const DrainResult& d : r.drains) {
            o << "  " << d.realserver << ": " << d.command << " at " << secs(d.at) << " s\n";
            // Both clocks: when (run time), and how long after the command.
            const auto when = [&](const std::optional<sim::Duration>& after) {
                return after ? "at " + num((d.at + *after).seconds()) + " s (" + num(after->seconds()) +
                                   " s after the command)"
                             : std::string("not within the run");
            };
            o << "    no ActiveConn " << when(d.no_active_after) << "\n";
            o << "    no entries    " << when(d.no_entries_after) << "\n";
        }
    }
    if (!r.admin_log.empty()) {
        o << "\nDirector commands\n";
        for (const std::string& l : r.admin_log) o << "  " << l << "\n";
    }
    for (const Snapshot& s : r.snapshots) {
        o << "\nSnapshot '" << s.label << "' at " << secs(s.at) << " s: ipvsadm -Ln"
          << (s.director.empty() ? "" : " on " + s.director) << "\n";
        std::istringstream in(s.ipvsadm_ln);
        std::string line;
        while (std::getline(in, line)) o << "  " << line << "\n";
        if (!s.peer.empty()) {
            o << "  ipvsadm -Ln on " << s.peer << "\n";
            std::istringstream peer(s.peer_ln);
            while (std::getline(peer, line)) o << "  " << line << "\n";
        }
        for (const auto& [name, ln] : s.fleet_ln)
            o << "  ipvsadm -Ln on " << name << "\n" << report_format::indented(ln, "  ");
        if (!ss) continue;
        for (const HostSockets& h : s.sockets) {
            o << "\n  " << h.host << ": ss -tin\n";
            std::istringstream lines(h.ss_tin);
            while (std::getline(lines, line)) o << "    " << line << "\n";
        }
    }
    if (!r.expectations.empty()) {
        o << "\nExpectations\n";
        size_t passed = 0;
        for (const ExpectResult& e : r.expectations) {
            passed += e.passed ? 1 : 0;
            o << "  " << (e.passed ? "PASS" : "FAIL") << "  at "
              << (e.at ? secs(*e.at) + " s" : std::string("end")) << ": " << e.text << "   (" << e.observed
              << ")\n";
        }
        o << "\nResult: " << passed << " of " << r.expectations.size() << " expectations hold"
          << (passed == r.expectations.size() ? "" : " -- FAILED") << "\n";
    }
    if (r.fingerprint) o << "\nTrace fingerprint: " << format_fingerprint(*r.fingerprint) << "\n";
}

}  // namespace

void write_text_report(std::ostream& o, const Report& r, bool ss) {
    o << "lvsim: " << r.scenario << " (" << r.file << ")\n";
    o << "  seed " << r.seed << ", kernel profile " << r.kernel
      << (r.kernel_asked.empty() ? "" : " (for kernel " + r.kernel_asked + ")") << ", " << secs(r.end)
      << " s simulated, " << r.events << " events\n";
    if (!r.complete)
        o << "  INTERRUPTED at " << secs(r.end) << " s: a partial report; expectations after that were not "
          << "evaluated\n";
    if (!r.warnings.empty()) {
        o << "\nWarnings\n";
        for (const Warning& w : r.warnings)
            o << "  " << r.file << ":" << w.mark.line << ": " << w.text << "\n";
    }
    if (!r.lesson.empty()) {
        o << "\nLesson\n";
        std::istringstream in(r.lesson);
        std::string line;
        while (std::getline(in, line)) o << "  " << line << "\n";
    }
    const ClientReport& c = r.clients;
    if (c.has_udp()) write_udp_clients(o, r);
    if (c.has_browsers()) write_browsers(o, r);
    write_realservers(o, r);
    write_udp_services(o, r);
    write_ha_text(o, r);
    write_fleet_text(o, r);
    write_rest(o, r, ss);
}

std::string format_fingerprint(uint64_t f) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(f));
    return buf;
}

}  // namespace lvs::scenario
