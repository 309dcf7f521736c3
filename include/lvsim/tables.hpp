// lvsim's public API: the director's tables as data (what `ipvsadm -Ln` and `-Lnc` list).
// The simulator's own snapshots are made of these same structs, so the library hands them over
// as they are.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lvsim/core.hpp"

namespace lvsim {

/// One realserver row of a virtual service, as `ipvsadm -Ln` (and `--stats`) show it.
struct RealServerRow {
    std::string name;         ///< the scenario's name for it ("rs1")
    std::string address;      ///< "192.168.10.11:80"
    std::string forward;      ///< Masq, Route, Tunnel or Local
    int weight = 0;           ///< Weight
    uint32_t active = 0;      ///< ActiveConn
    uint32_t inactive = 0;    ///< InActConn
    uint32_t persistent = 0;  ///< PersistConn (persistence templates bound to it)
    uint64_t conns = 0;       ///< Conns of `ipvsadm -Ln --stats`: connections scheduled to it
    /// Connection entries bound to it, by IPVS state ("ESTABLISHED", "TIME_WAIT", ...).
    std::map<std::string, uint64_t> states;
};

/// A virtual service and its realservers (in ipvsadm's order).
struct ServiceTable {
    std::string address;    ///< "10.0.0.100:80", or "FWM 1" for a firewall-mark service
    std::string scheduler;  ///< "wlc", or a registered plugin's name
    std::vector<RealServerRow> realservers;
};

/// One entry of the connection table, as `ipvsadm -Lnc` shows it.
struct ConnectionEntry {
    uint64_t id = 0;       ///< the director's number for it (trace field "conn")
    std::string protocol;  ///< "TCP" or "UDP"
    std::string state;     ///< IPVS state: SYN_RECV, ESTABLISHED, FIN_WAIT, TIME_WAIT, NONE (template)...
    std::string client;    ///< source "172.16.0.1:45261" (port 0 for a template)
    std::string virtual_address;  ///< "10.0.0.100:80"
    std::string destination;      ///< realserver "192.168.10.11:80"
    std::string realserver;       ///< the scenario's name for it ("rs1")
    Time expires_in{};            ///< time left on its timer (the `expire` column)
    bool is_template = false;     ///< a persistence template
};

/// The director's tables at one moment.
struct DirectorTables {
    Time at{};                                 ///< when they were read
    std::vector<ServiceTable> services;        ///< `ipvsadm -Ln`
    std::vector<ConnectionEntry> connections;  ///< `ipvsadm -Lnc`, in creation order
};

}  // namespace lvsim
