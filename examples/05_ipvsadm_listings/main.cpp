// Example 5: reading `ipvsadm -Ln` text at chosen times, as an admin would on the director.
//
// Lesson 02 deletes RS1 (`ipvsadm -d`) at 20 s. Step the run to a few moments and print what
// ipvsadm shows then: the row vanishes from -Ln at once, while -Lnc still lists the entries
// that point at RS1 (with expire_nodest_conn=0 the director black-holes their packets).
#include <cstdio>
#include <lvsim/lvsim.hpp>
#include <string>

using namespace std::chrono_literals;

int main(int argc, char** argv) {
    const std::string root = argc > 1 ? argv[1] : ".";  // the lvsim source tree
    lvsim::Run run(lvsim::Scenario::load(root + "/scenarios/02-delete-server.yaml"));

    for (lvsim::Time t : {19s, 21s}) {
        run.run_until(t);  // every event up to t has happened; the clock is at t
        std::printf("== %s: ipvsadm -Ln\n%s", lvsim::format_time(t).c_str(), run.ipvsadm("-Ln").c_str());
    }
    std::printf("== 21s: ipvsadm -Lnc\n%s", run.ipvsadm("-Lnc").c_str());

    // The same tables as data: count the entries still bound to RS1.
    const lvsim::DirectorTables tables = run.tables();
    int on_rs1 = 0;
    for (const lvsim::ConnectionEntry& e : tables.connections)
        if (e.realserver == "rs1") ++on_rs1;
    std::printf("== 21s: %d entries still point at the deleted rs1\n", on_rs1);

    // 40 s later: RS1's entries have not been refreshed (their expire column kept counting
    // down) because the director drops their packets; RS2's are at 14:5x after each reload.
    run.run_until(60s);
    std::printf("== 60s: ipvsadm -Ln --stats\n%s", run.ipvsadm("-Ln --stats").c_str());
    std::printf("== 60s: ipvsadm -Lnc\n%s", run.ipvsadm("-Lnc").c_str());
}
