// The report's director-pair section (`ha:`), as text and as JSON: each director's VRRP state,
// time as MASTER, table and counters, the sync daemons' work, and what happened when.
#include <iomanip>
#include <ostream>

#include "models/scenario/report_format.hpp"
#include "models/scenario/runtime.hpp"
#include "sim/trace.hpp"

namespace lvs::scenario {

using report_format::num;

void write_ha_text(std::ostream& o, const Report& r) {
    const HaReport& h = r.ha;
    if (!h.any) return;
    bool synced = h.sync;
    for (const HaDirectorReport& d : h.directors)
        synced = synced || d.sync.messages_sent + d.sync.messages_received + d.sync.messages_dropped > 0;
    o << "\nDirector pair (VRRP"
      << (h.sync ? std::string(", sync daemons from keepalived: ") +
                       (h.sync_follows_vrrp ? "master on the MASTER, backup on the BACKUP" : "both on both")
                 : (synced ? ", sync daemons started by ipvsadm" : ", no sync daemon"))
      << ")\n";
    o << "  " << std::left << std::setw(8) << "name" << std::setw(12) << "address" << std::right
      << std::setw(5) << "prio" << std::setw(9) << "state" << std::setw(10) << "master s" << std::setw(9)
      << "entries" << std::setw(8) << "active" << std::setw(10) << "inactive" << std::setw(8) << "resets"
      << std::setw(9) << "relayed" << std::setw(11) << "no holder" << std::setw(11) << "lost down"
      << "\n";
    for (const HaDirectorReport& d : h.directors)
        o << "  " << std::left << std::setw(8) << d.name << std::setw(12) << d.address << std::right
          << std::setw(5) << d.priority << std::setw(9) << d.vrrp_state << std::setw(10) << num(d.master_s, 1)
          << std::setw(9) << d.entries << std::setw(8) << d.active << std::setw(10) << d.inactive
          << std::setw(8) << d.resets << std::setw(9) << d.relayed << std::setw(11) << d.no_holder
          << std::setw(11) << d.lost_down << "\n";
    o << "  (resets: RSTs from its own stack, for packets of connections it has no entry for; relayed: "
         "packets for the VIPs that reached it as BACKUP and went on to the MASTER; no holder: the same "
         "when nobody held the VIPs, lost; lost down: packets that reached it crashed; master s: seconds "
         "as VRRP MASTER; state: STOPPED after a crash or a keepalived stop)\n";
    if (synced)
        for (const HaDirectorReport& d : h.directors)
            o << "  sync " << d.name << ": sent " << d.sync.entries_sent << " entries in "
              << d.sync.messages_sent << " messages, discarded unsent " << d.sync.entries_discarded
              << "; received " << d.sync.entries_received << " entries in " << d.sync.messages_received
              << " messages (created " << d.sync.entries_created << ", no such realserver "
              << d.sync.entries_unbound << ")\n";
    o << "  VIPs with " << h.vip_owner << " at the end; moved " << h.vip_moves << " time"
      << (h.vip_moves == 1 ? "" : "s") << "; both MASTER (split brain) for " << num(h.split_brain_s, 3)
      << " s\n";
    for (const std::string& e : h.events) o << "  " << e << "\n";
    for (const HaDirectorReport& d : h.directors) {
        o << "  " << d.name << " at the end: ipvsadm -Ln\n" << report_format::indented(d.ipvsadm_ln, "    ");
    }
}

void write_ha_json(std::ostream& o, const Report& r) {
    const HaReport& h = r.ha;
    if (!h.any) return;
    o << "  \"ha\": {\"sync\": " << (h.sync ? "true" : "false")
      << ", \"sync_follows_vrrp\": " << (h.sync_follows_vrrp ? "true" : "false") << ", \"vip_owner\": ";
    sim::write_json_string(o, h.vip_owner);
    o << ", \"vip_moves\": " << h.vip_moves << ", \"split_brain_s\": " << num(h.split_brain_s, 6)
      << ",\n    \"directors\": [";
    for (size_t i = 0; i < h.directors.size(); ++i) {
        const HaDirectorReport& d = h.directors[i];
        o << (i ? ",\n      " : "\n      ") << "{\"name\": ";
        sim::write_json_string(o, d.name);
        o << ", \"address\": ";
        sim::write_json_string(o, d.address);
        o << ", \"priority\": " << d.priority << ", \"vrrp_state\": ";
        sim::write_json_string(o, d.vrrp_state);
        o << ", \"master_s\": " << num(d.master_s, 6) << ", \"became_master\": " << d.became_master
          << ", \"entries\": " << d.entries << ", \"active\": " << d.active
          << ", \"inactive\": " << d.inactive << ", \"resets\": " << d.resets
          << ", \"relayed\": " << d.relayed << ", \"no_holder\": " << d.no_holder
          << ", \"lost_down\": " << d.lost_down << ", \"sync\": {\"messages_sent\": " << d.sync.messages_sent
          << ", \"entries_sent\": " << d.sync.entries_sent
          << ", \"entries_chosen\": " << d.sync.entries_chosen
          << ", \"entries_discarded\": " << d.sync.entries_discarded
          << ", \"messages_received\": " << d.sync.messages_received
          << ", \"entries_received\": " << d.sync.entries_received
          << ", \"entries_created\": " << d.sync.entries_created
          << ", \"entries_unbound\": " << d.sync.entries_unbound << "}, \"ipvsadm_ln\": ";
        sim::write_json_string(o, d.ipvsadm_ln);
        o << "}";
    }
    o << "],\n    \"events\": [";
    for (size_t i = 0; i < h.events.size(); ++i) {
        o << (i ? ", " : "");
        sim::write_json_string(o, h.events[i]);
    }
    o << "]},\n";
}

}  // namespace lvs::scenario
