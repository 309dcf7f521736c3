// The IPVS connection synchronisation daemon (net/netfilter/ipvs/ip_vs_sync.c): what a master
// director sends about its entries, in which messages and when, and what a backup director
// makes of them.
//
// The master decides per packet whether an entry is worth sending (ip_vs_sync_conn_needed():
// the sync_threshold/sync_period pair on the entry's incoming packet count, state changes,
// sync_refresh_period and sync_retries), appends it to the current buffer, and its kernel
// thread sends a buffer when it is full or, checked once a second, when it is two seconds old.
// The backup creates or updates entries (ip_vs_proc_conn()): state and timeout as sent, bound to
// its own realserver, counted in its own ActiveConn/InActConn, and left to expire unless a
// newer message refreshes them.
#pragma once

#include <cstdint>
#include <vector>

#include "models/ipvs/tcp_table.hpp"
#include "models/ipvs/types.hpp"
#include "models/net/address.hpp"
#include "sim/time.hpp"

namespace lvs::ipvs {

// Version 1 of the message format (struct ip_vs_sync_mesg, struct ip_vs_sync_v4): an 8-byte
// header, then one 36-byte record per IPv4 entry (persistence-engine data would add options;
// lvsim's templates carry none). The master's buffer is 1500 bytes less the IP and UDP headers
// (start_sync_thread(): a fixed 1500 for the master): 1472 bytes, 40 entries; nr_conns (a u8)
// never limits it. Version 0 (struct ip_vs_sync_conn_v0): a 4-byte header and 24-byte entries,
// 61 of them.
constexpr uint32_t kSyncHeaderBytes = 8;
constexpr uint32_t kSyncEntryBytes = 36;
constexpr uint32_t kSyncMaxConnsField = 255;
constexpr uint32_t kSyncMesgMaxLen = 1500 - 20 - 8;
constexpr uint32_t kSyncEntriesPerMessage =
    std::min<uint32_t>(kSyncMaxConnsField, (kSyncMesgMaxLen - kSyncHeaderBytes) / kSyncEntryBytes);
// Version 0 queues a buffer as soon as a full entry with options (48 bytes) would not fit after
// the one just added (ip_vs_sync_conn_v0()): 60 entries, 1444 bytes.
constexpr uint32_t kSyncEntriesPerMessageV0 = (kSyncMesgMaxLen - 4 - 48) / 24 + 1;
// The master thread: a buffer is sent once it is IPVS_SYNC_FLUSH_TIME old, checked every
// IPVS_SYNC_CHECK_PERIOD (ip_vs_sync.c).
constexpr sim::Duration kSyncFlushTime = sim::s(2);
constexpr sim::Duration kSyncCheckPeriod = sim::s(1);
// A full buffer wakes the thread IPVS_SYNC_SEND_DELAY later (HZ/50), or at once when
// IPVS_SYNC_WAKEUP_RATE buffers wait.
constexpr sim::Duration kSyncSendDelay = sim::ms(20);
constexpr size_t kSyncWakeupRate = 8;
// The multicast group and port the daemons use (IP_VS_SYNC_GROUP, IP_VS_SYNC_PORT).
constexpr net::Ipv4 kSyncGroup = net::Ipv4::of(224, 0, 0, 81);
constexpr uint16_t kSyncPort = 8848;

// Which daemons run (ipvsadm --start-daemon master|backup; both may run at once since 2.6.x).
constexpr uint8_t kSyncMaster = 0x1;
constexpr uint8_t kSyncBackup = 0x2;

// One record of a message: what the backup needs to rebuild the entry.
struct SyncEntry {
    Proto proto = Proto::Tcp;
    uint32_t flags = 0;  // the master's entry flags (its HASHED bit left out)
    ConnState state = ConnState::None;
    net::Endpoint client;
    net::Endpoint vip;
    net::Endpoint dest;
    uint32_t fwmark = 0;
    uint32_t timeout_s = 0;  // the master's timeout for the entry's state (version 1 only)
};

struct SyncMessage {
    uint8_t syncid = 0;
    uint8_t version = 1;
    sim::Time first_use;  // when its first entry was added (the trace's waited_ms)
    std::vector<SyncEntry> entries;
    // Version 0: a 4-byte header and 24-byte entries (struct ip_vs_sync_conn_v0).
    uint32_t bytes() const {
        const uint32_t n = static_cast<uint32_t>(entries.size());
        return version == 0 ? 4 + 24 * n : kSyncHeaderBytes + kSyncEntryBytes * n;
    }
};

// What the daemons did (the report's HA section).
struct SyncCounters {
    uint64_t messages_sent = 0;
    uint64_t entries_chosen = 0;  // put in a buffer (ip_vs_sync_conn_needed() said yes)
    uint64_t entries_sent = 0;    // in the messages that left
    uint64_t messages_received = 0;
    uint64_t entries_received = 0;
    uint64_t entries_created = 0;    // by a message, on a backup
    uint64_t entries_unbound = 0;    // no such realserver here: not created (lvsim: see ip_vs_sync.cpp)
    uint64_t messages_dropped = 0;   // wrong syncid, or no backup daemon listening
    uint64_t entries_discarded = 0;  // not yet sent when the master daemon stopped
};

}  // namespace lvs::ipvs
