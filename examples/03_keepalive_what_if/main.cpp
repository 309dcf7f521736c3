// Example 3: a what-if loop. Lesson 01 drains RS1 with `-w 0` at 20 s; how long the drain takes
// is decided by the browser's keep-alive timeout, not by anything on the director. Vary it and
// print one line per value.
#include <cstdio>
#include <lvsim/lvsim.hpp>
#include <string>

int main(int argc, char** argv) {
    const std::string root = argc > 1 ? argv[1] : ".";  // the lvsim source tree
    const lvsim::Scenario lesson = lvsim::Scenario::load(root + "/scenarios/01-drain-zero-weight.yaml");

    std::printf("%-11s %-14s %-14s %-12s %-13s %s\n", "keep-alive", "ActiveConn 0", "entries gone",
                "connections", "requests per", "client TIME_WAIT");
    std::printf("%-11s %-14s %-14s %-12s %-13s %s\n", "(browser)", "after -w 0", "after -w 0", "opened",
                "connection", "(most)");
    for (const char* timeout : {"3s", "15s", "30s", "60s", "115s"}) {
        // with() re-reads the lesson with `--set` overrides, exactly as `lvsim run --set` does.
        const lvsim::Scenario s = lesson.with({std::string("clients.ie8.keepalive_timeout=") + timeout});
        const lvsim::Report r = lvsim::Run(s).run();
        const lvsim::Drain* d = r.drain("rs1");
        const auto secs = [](const std::optional<lvsim::Time>& t) {
            char buf[32] = "-";
            if (t) std::snprintf(buf, sizeof buf, "%.1fs", lvsim::seconds(*t));
            return std::string(buf);
        };
        std::printf(
            "%-11s %-14s %-14s %-12llu %-13.1f %llu\n", timeout, secs(d->no_active_after).c_str(),
            secs(d->no_entries_after).c_str(), static_cast<unsigned long long>(r.clients.connections_opened),
            r.clients.requests_per_connection, static_cast<unsigned long long>(r.clients.time_wait_max));
    }
    // The browser reloads every 5 s until 150 s. With a keep-alive timeout above 5 s it keeps
    // reusing RS1's connections until then, and closes them one timeout after the last reload;
    // the director's entries then wait out TIME_WAIT (2 min). Below 5 s every reload opens new
    // connections, and `-w 0` moves them to RS2 at once.
}
