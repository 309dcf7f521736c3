// The quantity table's rows for several directors: a VRRP pair (`ha:`, LVS is one of its
// directors: ha.lvs2.master) and a fleet behind ECMP (`fleet:`, fleet.node2.entries). Macros, as
// the TCP rows are, so that quantity_table.cpp keeps one array; they use its aliases (R, Q, U)
// and the readers of quantity_readers.hpp.
#pragma once

// One director's table and its own stack's counters, for a pair's (P "ha") or a fleet's ("fleet").
#define LVSIM_DIRECTOR_TABLE_QUANTITIES(P)                                                         \
    QuantityDef{P ".LVS.entries", U::Count, "its connection entries (templates left out)",         \
                [](R r, Q q) { return ha_entries(r.director_at(q.subject)); }},                    \
        QuantityDef{P ".LVS.active", U::Count, "its ActiveConn, all realservers",                  \
                    [](R r, Q q) { return ha_conns(r.director_at(q.subject), true); }},            \
        QuantityDef{P ".LVS.inactive", U::Count, "its InActConn, all realservers",                 \
                    [](R r, Q q) { return ha_conns(r.director_at(q.subject), false); }},           \
        QuantityDef{P ".LVS.resets", U::Count,                                                     \
                    "RSTs from its own stack (packets of flows it has no entry for)",              \
                    [](R r, Q q) { return n(r.director_at(q.subject).counters().stack_resets); }}, \
        QuantityDef {                                                                              \
        P ".LVS.lost_down", U::Count, "packets that reached it while it was crashed",              \
            [](R r, Q q) { return n(r.director_at(q.subject).counters().lost_down); }              \
    }

#define LVSIM_HA_QUANTITIES                                                                                  \
    QuantityDef{"ha.LVS.master", U::Count, "1 while this director is VRRP MASTER, else 0",                   \
                [](R r, Q q) {                                                                               \
                    return r.ha_members()[q.subject].vrrp->state() == ha::VrrpState::Master ? 1.0 : 0.0;     \
                }},                                                                                          \
        QuantityDef{"ha.LVS.master_s", U::Seconds, "seconds this director has been MASTER so far",           \
                    [](R r, Q q) { return r.ha_master_seconds(q.subject); }},                                \
        QuantityDef{"ha.LVS.became_master", U::Count,                                                        \
                    "times it became MASTER (the start counts for the first MASTER)",                        \
                    [](R r, Q q) { return n(r.ha_members()[q.subject].became_master); }},                    \
        LVSIM_DIRECTOR_TABLE_QUANTITIES("ha"),                                                               \
        QuantityDef{                                                                                         \
            "ha.LVS.relayed", U::Count,                                                                      \
            "packets for the VIPs that reached it as BACKUP and went on to the director holding them",       \
            [](R r, Q q) { return n(r.director_at(q.subject).counters().relayed); }},                        \
        QuantityDef{"ha.LVS.no_holder", U::Count,                                                            \
                    "packets for the VIPs that reached it when nobody held them (lost)",                     \
                    [](R r, Q q) { return n(r.director_at(q.subject).counters().no_holder); }},              \
        QuantityDef{"ha.LVS.sync_sent", U::Count, "entries its master sync daemon sent",                     \
                    [](R r, Q q) { return n(r.director_at(q.subject).sync_counters().entries_sent); }},      \
        QuantityDef{"ha.LVS.sync_messages", U::Count, "sync messages its master daemon sent",                \
                    [](R r, Q q) { return n(r.director_at(q.subject).sync_counters().messages_sent); }},     \
        QuantityDef{"ha.LVS.sync_received", U::Count, "entries its backup sync daemon applied",              \
                    [](R r, Q q) { return n(r.director_at(q.subject).sync_counters().entries_received); }},  \
        QuantityDef{"ha.LVS.sync_discarded", U::Count,                                                       \
                    "entries not yet sent when its master daemon stopped",                                   \
                    [](R r, Q q) { return n(r.director_at(q.subject).sync_counters().entries_discarded); }}, \
        QuantityDef{"ha.vip_moves", U::Count, "times the router moved the VIPs to the other director",       \
                    [](R r, Q) { return n(r.ha_vip_moves()); }},                                             \
        QuantityDef {                                                                                        \
        "ha.split_brain_s", U::Seconds, "seconds both directors were MASTER at once",                        \
            [](R r, Q) { return r.ha_split_brain_seconds(); }                                                \
    }

#define LVSIM_FLEET_QUANTITIES                                                                              \
    QuantityDef{"fleet.LVS.member", U::Flag, "1 while the router's ECMP group holds this director",         \
                [](R r, Q q) { return r.fleet_members()[q.subject].joined ? 1.0 : 0.0; }},                  \
        QuantityDef{"fleet.LVS.packets", U::Count, "packets that reached this director",                    \
                    [](R r, Q q) { return n(r.director_at(q.subject).counters().packets_in); }},            \
        QuantityDef{"fleet.LVS.scheduled", U::Count, "connections its scheduler placed",                    \
                    [](R r, Q q) { return n(r.director_at(q.subject).counters().scheduled); }},             \
        LVSIM_DIRECTOR_TABLE_QUANTITIES("fleet"),                                                           \
        QuantityDef{"fleet.members", U::Count, "directors in the router's ECMP group now",                  \
                    [](R r, Q) { return fleet_members(r); }},                                               \
        QuantityDef{"fleet.moved_entries", U::Count,                                                        \
                    "entries whose flows hashed to another director when the group changed",                \
                    [](R r, Q) { return n(r.fleet_moved_entries()); }},                                     \
        QuantityDef{"GROUP.clients_stayed", U::Count,                                                       \
                    "a fleet: clients that connected again and always reached the same realserver",         \
                    [](R r, Q q) { return n(placement_of(r, q).stayed); }},                                 \
        QuantityDef{"GROUP.clients_moved", U::Count,                                                        \
                    "a fleet: clients sent to another realserver while theirs still served",                \
                    [](R r, Q q) { return n(placement_of(r, q).moved); }},                                  \
        QuantityDef{"GROUP.clients_forced", U::Count,                                                       \
                    "a fleet: clients that moved because their realserver had left or had weight 0",        \
                    [](R r, Q q) { return n(placement_of(r, q).forced); }},                                 \
        QuantityDef{"GROUP.moved_share", U::Ratio,                                                          \
                    "a fleet: clients_moved / (clients_moved + clients_stayed), the needless moves",        \
                    [](R r, Q q) { return placement_of(r, q).moved_share(); }},                             \
        QuantityDef {                                                                                       \
        "fleet.imbalance", U::Ratio,                                                                        \
            "the busiest realserver's ActiveConn (over the fleet) over the mean of the realservers listed", \
            [](R r, Q) { return fleet_imbalance(r); }                                                       \
    }
