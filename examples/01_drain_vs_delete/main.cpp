// Example 1: the drain-versus-delete case (lessons 01 and 02), built in code.
//
// One IE8-like browser reloads a 41-object page every 5 s through a NAT director with two
// IIS-like realservers. At 20 s the admin takes RS1 out, once by quiescing it (`-w 0`) and
// once by deleting it (`-d`). The program runs both and prints what differs.
#include <cstdio>
#include <lvsim/lvsim.hpp>
#include <string>

using namespace std::chrono_literals;

// The case as code: each call is one part of what a scenario file would hold.
lvsim::Scenario drain_or_delete(const std::string& name, const std::string& command) {
    return lvsim::ScenarioBuilder(name)
        .duration(420s)
        .rule("-A -t 10.0.0.100:80 -s wlc")
        .rule("-a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1")
        .rule("-a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 1")
        .realserver("rs1", "192.168.10.11", {{"server", "iis"}})  // idle keep-alive timeout 120 s
        .realserver("rs2", "192.168.10.12", {{"server", "iis"}})
        .clients("ie8", {{"browser", "ie8"},  // keep-alive 60 s, 6 connections
                         {"page.html", "20kB"},
                         {"page.objects", "40"},
                         {"page.object_size", "10kB"},
                         {"schedule.reload_every", "5s"},
                         {"schedule.stop", "150s"}})
        .ipvsadm_at(20s, command)
        .build();  // checked like a file: a typo here throws lvsim::Error with a hint
}

// "190.2s", or "-" when it did not happen within the run.
std::string after(const lvsim::Drain* d, std::optional<lvsim::Time> lvsim::Drain::*field) {
    char buf[32] = "-";
    if (d != nullptr && d->*field) std::snprintf(buf, sizeof buf, "%.1fs", lvsim::seconds(*(d->*field)));
    return buf;
}

// RS1's row of `ipvsadm -Ln`, read from the director's tables.
std::string rs1_row(lvsim::Run& run) {
    for (const lvsim::ServiceTable& svc : run.tables().services)
        for (const lvsim::RealServerRow& rs : svc.realservers)
            if (rs.name == "rs1")
                return "w=" + std::to_string(rs.weight) + " A=" + std::to_string(rs.active) +
                       " I=" + std::to_string(rs.inactive);
    return "(no row)";
}

void row(const char* label, const std::string& drain, const std::string& del) {
    std::printf("%-32s %14s %14s\n", label, drain.c_str(), del.c_str());
}
std::string num(double v, int decimals = 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

int main() {
    lvsim::Run drain(drain_or_delete("drain", "-e -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0"));
    lvsim::Run del(drain_or_delete("delete", "-d -t 10.0.0.100:80 -r 192.168.10.11:80"));

    row("", "-w 0 (drain)", "-d (delete)");
    // Step both runs side by side, reading the director at chosen times.
    drain.run_until(19s);
    del.run_until(19s);
    row("RS1 in ipvsadm -Ln at 19s", rs1_row(drain), rs1_row(del));
    drain.run_until(21s);
    del.run_until(21s);
    row("RS1 in ipvsadm -Ln at 21s", rs1_row(drain), rs1_row(del));
    for (lvsim::Time t : {60s, 200s}) {
        drain.run_until(t);
        del.run_until(t);
        // A quantity of the expectation language: connection entries bound to RS1 (-Lnc).
        const std::string label = "entries bound to RS1 at " + lvsim::format_time(t);
        row(label.c_str(), num(drain.quantity("rs1.entries")), num(del.quantity("rs1.entries")));
    }
    // Then to the end, and compare the reports.
    const lvsim::Report a = drain.run(), b = del.run();
    row("RS1 ActiveConn 0 after", after(a.drain("rs1"), &lvsim::Drain::no_active_after),
        after(b.drain("rs1"), &lvsim::Drain::no_active_after));
    row("RS1's last entry gone after", after(a.drain("rs1"), &lvsim::Drain::no_entries_after),
        after(b.drain("rs1"), &lvsim::Drain::no_entries_after));
    row("objects aborted by a reload", num(double(a.clients.objects_aborted)),
        num(double(b.clients.objects_aborted)));
    row("pages aborted", num(a.clients.pages_aborted), num(b.clients.pages_aborted));
    row("longest wait for an object (s)", num(a.clients.longest_stall_s, 1),
        num(b.clients.longest_stall_s, 1));
    row("page load p95 (ms)", num(a.clients.page_load_p95_ms), num(b.clients.page_load_p95_ms));
    row("client TIME_WAIT sockets (most)", num(a.clients.time_wait_max), num(b.clients.time_wait_max));
    std::printf("(- : not within the %s run)\n", lvsim::format_time(a.end).c_str());
}
