// A fleet of directors behind ECMP (`fleet:`) as data: each member as the runtime holds it
// (run_fleet.cpp), and the report's section it hands the writers (report_fleet.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/ipvs/director.hpp"

namespace lvs::scenario {

// One director of the fleet: whether the router's ECMP group holds it now.
struct FleetMember {
    ipvs::Director* director = nullptr;
    bool joined = true;
};

// Where each client went, by any director of the fleet: what tells a move that a consistent
// hash would have avoided (the client's realserver still serves, yet a new connection went
// elsewhere) from one it could not (its realserver had left or had weight 0). Clients are
// counted once each, by the worst that happened to them: moved, else forced, else stayed.
enum class Placement : uint8_t { New, Stayed, Forced, Moved };
struct PlacementCounts {
    uint64_t stayed = 0;  // connected again, always to the realserver of their previous connection
    uint64_t forced = 0;  // had to move: their realserver had left or had weight 0
    uint64_t moved = 0;   // sent elsewhere at least once while their realserver still served
    double moved_share() const {
        return moved + stayed == 0 ? 0.0 : static_cast<double>(moved) / static_cast<double>(moved + stayed);
    }
};
struct ClientPlacement {
    struct Client {
        uint32_t realserver = 0;  // address of the last connection's realserver
        uint32_t group = 0;
        Placement worst = Placement::New;
    };
    std::unordered_map<uint64_t, Client> clients;  // by client address and VIP
    std::vector<PlacementCounts> groups;           // per client group (by the group's target)
    PlacementCounts all;
};

struct FleetDirectorReport {
    std::string name;
    std::string address;
    uint32_t weight = 1;  // its next hop's weight
    bool joined = true;   // in the ECMP group at the end
    bool down = false;    // crashed at the end
    uint64_t packets_in = 0, scheduled = 0, entries = 0, active = 0, inactive = 0, resets = 0, lost_down = 0;
    std::string ipvsadm_ln;
};
// A realserver's row of the fleet-wide listing: its counts on each director, then in all.
struct FleetRow {
    std::string service;
    std::string realserver;
    net::Endpoint address;
    std::vector<uint32_t> active, inactive;  // per director, in the fleet's order
    uint32_t weight = 0;                     // on the first director that lists it
};
struct FleetReport {
    bool any = false;
    std::string hash;  // "l3" or "l4"
    std::vector<FleetDirectorReport> directors;
    std::vector<FleetRow> rows;
    uint64_t moved_entries = 0;  // entries whose flows hashed to another director at a change
    PlacementCounts clients;
    std::vector<std::string> events;
};

}  // namespace lvs::scenario
