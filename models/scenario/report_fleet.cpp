// The report's fleet section (`fleet:`), as text and as JSON: each director's place in the
// router's ECMP group, its table and counters, every realserver's connections on each director
// and in all (the fleet's ipvsadm -Ln), how clients were placed, and what moved when.
#include <iomanip>
#include <ostream>

#include "models/scenario/report_format.hpp"
#include "models/scenario/runtime.hpp"
#include "sim/trace.hpp"

namespace lvs::scenario {

using report_format::num;

namespace {

std::string pair_of(uint32_t a, uint32_t b) { return std::to_string(a) + "/" + std::to_string(b); }

// The largest ActiveConn over the mean, among the realservers listed (1 when none is active).
double imbalance(const std::vector<FleetRow>& rows) {
    double most = 0, sum = 0;
    size_t n = 0;
    for (const FleetRow& row : rows) {
        double a = 0;
        for (uint32_t x : row.active) a += x;
        most = std::max(most, a);
        sum += a;
        ++n;
    }
    return n == 0 || sum == 0 ? 1.0 : most / (sum / static_cast<double>(n));
}

}  // namespace

void write_fleet_text(std::ostream& o, const Report& r) {
    const FleetReport& f = r.fleet;
    if (!f.any) return;
    o << "\nFleet (" << f.directors.size() << " directors behind ECMP, hash-threshold, hash "
      << (f.hash == "l4" ? "l4: addresses, ports, protocol" : "l3: addresses") << ")\n";
    o << "  " << std::left << std::setw(8) << "name" << std::setw(12) << "address" << std::setw(7) << "group"
      << std::right << std::setw(7) << "weight" << std::setw(11) << "packets" << std::setw(11) << "scheduled"
      << std::setw(9) << "entries" << std::setw(8) << "active" << std::setw(10) << "inactive" << std::setw(8)
      << "resets" << std::setw(11) << "lost down"
      << "\n";
    for (const FleetDirectorReport& d : f.directors)
        o << "  " << std::left << std::setw(8) << d.name << std::setw(12) << d.address << std::setw(7)
          << (d.down     ? "down"
              : d.joined ? "in"
                         : "out")
          << std::right << std::setw(7) << d.weight << std::setw(11) << d.packets_in << std::setw(11)
          << d.scheduled << std::setw(9) << d.entries << std::setw(8) << d.active << std::setw(10)
          << d.inactive << std::setw(8) << d.resets << std::setw(11) << d.lost_down << "\n";
    o << "  (group: in the router's ECMP group at the end, out after a leave, down after a crash; packets: "
         "what reached it; scheduled: connections its scheduler placed; resets: RSTs from its own stack, "
         "for packets of connections it has no entry for)\n";
    o << "  ActiveConn/InActConn per realserver on each director and in the fleet:\n";
    o << "    " << std::left << std::setw(24) << "service" << std::setw(10) << "realserver" << std::right;
    for (const FleetDirectorReport& d : f.directors) o << std::setw(10) << d.name;
    o << std::setw(10) << "fleet"
      << "\n";
    for (const FleetRow& row : f.rows) {
        o << "    " << std::left << std::setw(24) << row.service << std::setw(10) << row.realserver
          << std::right;
        uint32_t a = 0, b = 0;
        for (size_t i = 0; i < row.active.size(); ++i) {
            o << std::setw(10) << pair_of(row.active[i], row.inactive[i]);
            a += row.active[i];
            b += row.inactive[i];
        }
        o << std::setw(10) << pair_of(a, b) << "\n";
    }
    o << "  busiest realserver's ActiveConn over the mean: " << num(imbalance(f.rows), 2) << "\n";
    o << "  clients that connected again: " << f.clients.stayed << " always to the same realserver, "
      << f.clients.moved << " sent to another while theirs still served ("
      << num(100.0 * f.clients.moved_share(), 1) << "%), " << f.clients.forced
      << " moved because theirs had left or had weight 0\n";
    o << "  entries whose flows moved to another director when the group changed: " << f.moved_entries
      << "\n";
    for (const std::string& e : f.events) o << "  " << e << "\n";
    for (const FleetDirectorReport& d : f.directors)
        o << "  " << d.name << " at the end: ipvsadm -Ln\n" << report_format::indented(d.ipvsadm_ln, "    ");
}

void write_fleet_json(std::ostream& o, const Report& r) {
    const FleetReport& f = r.fleet;
    if (!f.any) return;
    o << "  \"fleet\": {\"hash\": ";
    sim::write_json_string(o, f.hash);
    o << ", \"moved_entries\": " << f.moved_entries << ", \"clients\": {\"stayed\": " << f.clients.stayed
      << ", \"moved\": " << f.clients.moved << ", \"forced\": " << f.clients.forced
      << ", \"moved_share\": " << num(f.clients.moved_share(), 6)
      << "}, \"imbalance\": " << num(imbalance(f.rows), 6) << ",\n    \"directors\": [";
    for (size_t i = 0; i < f.directors.size(); ++i) {
        const FleetDirectorReport& d = f.directors[i];
        o << (i ? ",\n      " : "\n      ") << "{\"name\": ";
        sim::write_json_string(o, d.name);
        o << ", \"address\": ";
        sim::write_json_string(o, d.address);
        o << ", \"weight\": " << d.weight << ", \"joined\": " << (d.joined ? "true" : "false")
          << ", \"down\": " << (d.down ? "true" : "false") << ", \"packets_in\": " << d.packets_in
          << ", \"scheduled\": " << d.scheduled << ", \"entries\": " << d.entries
          << ", \"active\": " << d.active << ", \"inactive\": " << d.inactive << ", \"resets\": " << d.resets
          << ", \"lost_down\": " << d.lost_down << ", \"ipvsadm_ln\": ";
        sim::write_json_string(o, d.ipvsadm_ln);
        o << "}";
    }
    o << "],\n    \"realservers\": [";
    for (size_t i = 0; i < f.rows.size(); ++i) {
        const FleetRow& row = f.rows[i];
        o << (i ? ", " : "") << "{\"service\": ";
        sim::write_json_string(o, row.service);
        o << ", \"realserver\": ";
        sim::write_json_string(o, row.realserver);
        o << ", \"active\": [";
        for (size_t k = 0; k < row.active.size(); ++k) o << (k ? ", " : "") << row.active[k];
        o << "], \"inactive\": [";
        for (size_t k = 0; k < row.inactive.size(); ++k) o << (k ? ", " : "") << row.inactive[k];
        o << "]}";
    }
    o << "],\n    \"events\": [";
    for (size_t i = 0; i < f.events.size(); ++i) {
        o << (i ? ", " : "");
        sim::write_json_string(o, f.events[i]);
    }
    o << "]},\n";
}

}  // namespace lvs::scenario
