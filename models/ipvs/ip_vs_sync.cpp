// The sync daemon (net/netfilter/ipvs/ip_vs_sync.c): which entries a master sends and when,
// and how a backup rebuilds them. ip_vs_sync.hpp says what the messages look like.
#include "models/ipvs/ip_vs_sync.hpp"

#include <cstdlib>

#include "models/ipvs/director.hpp"
#include "models/trace/vocabulary.hpp"

namespace lvs::ipvs {

namespace {

// ip_vs_sync_conn_needed(): TCP entries are sent in these states only (not SYN_RECV: a
// connection whose handshake the backup never hears of is not worth a message).
bool synced_tcp_state(ConnState s) {
    switch (s) {
        case ConnState::Established:
        case ConnState::FinWait:
        case ConnState::Close:
        case ConnState::CloseWait:
        case ConnState::TimeWait: return true;
        default: return false;
    }
}

int64_t whole_seconds(sim::Duration d) { return d.ns() / 1'000'000'000; }

}  // namespace

void Director::start_sync_daemon(uint8_t role, uint8_t syncid) {
    if ((role & kSyncMaster) != 0 && (sync_state_ & kSyncMaster) == 0) {
        sync_started_ = sim_.now();
        sync_buffer_.entries.clear();
        sync_buffer_.entries.reserve(kSyncEntriesPerMessageV0);
    }
    for (const uint8_t r : {kSyncMaster, kSyncBackup})
        if ((role & r) != 0 && (sync_state_ & r) == 0)
            LVS_TRACE(sim_, entity_, trace::kind::ipvs_sync_daemon)
                .f("role", r == kSyncMaster ? "master" : "backup")
                .f("running", 1)
                .f("syncid", syncid);
    sync_state_ |= role;
    syncid_ = syncid;
}

void Director::stop_sync_daemon(uint8_t role) {
    if ((role & kSyncMaster) != 0 && (sync_state_ & kSyncMaster) != 0) drop_sync_buffers();
    for (const uint8_t r : {kSyncMaster, kSyncBackup})
        if ((role & r) != 0 && (sync_state_ & r) != 0)
            LVS_TRACE(sim_, entity_, trace::kind::ipvs_sync_daemon)
                .f("role", r == kSyncMaster ? "master" : "backup")
                .f("running", 0)
                .f("syncid", syncid_);
    sync_state_ &= static_cast<uint8_t>(~role);
}

// ip_vs_in(), after the packet left: its count, and a master's check whether to send.
void Director::sync_count_in(Conn& cp, uint32_t frames) {
    for (uint32_t i = 0; i < frames; ++i) {
        const bool one_packet = (cp.flags & kConnOnePacket) != 0;
        const uint32_t pkts = one_packet ? static_cast<uint32_t>(sysctls_.sync_threshold) : ++cp.in_pkts;
        if ((sync_state_ & kSyncMaster) != 0) sync_conn(cp, pkts);
        else if (one_packet && cp.control != nullptr) ++cp.control->in_pkts;
    }
}

// ip_vs_sync_conn(): the entry if it is needed, then its persistence template (counted by its
// own packets). Version 0 (ip_vs_sync_conn_v0()) sends neither a one-packet entry nor, unless
// the entry itself went, its template.
void Director::sync_conn(Conn& cp, uint32_t pkts) {
    Conn* c = &cp;
    const bool v0 = sysctls_.sync_version == 0;
    if ((c->flags & kConnOnePacket) != 0) {
        if (v0) return;
    } else if (sync_needed(*c, pkts)) {
        sync_append(*c);
    } else if (v0) {
        return;
    }
    c = c->control;
    if (c == nullptr) return;
    const uint32_t tpkts = ++c->in_pkts;
    if (sync_needed(*c, tpkts)) sync_append(*c);
}

// ip_vs_sync_conn_needed(), with simulated time for jiffies.
bool Director::sync_needed(Conn& cp, uint32_t pkts) {
    const sim::Time orig = cp.sync_endtime;
    const sim::Time now = sim_.now();
    const sim::Time n = now + cp.timeout;
    uint8_t tries = 0;
    bool force = false;
    const bool in_persistence = cp.control != nullptr;
    if (cp.is_template()) {
        force = false;
    } else if (sysctls_.sync_persist_mode != 0 && in_persistence) {
        return false;
    } else if (cp.proto == Proto::Tcp) {
        if (!synced_tcp_state(cp.state)) return false;
        // old_state moves only when the entry is sent: a change into ESTABLISHED waits for
        // the packet count, and stays "forced" until then.
        force = cp.state != cp.old_state;
        if (force && cp.state != ConnState::Established) {
            cp.old_state = cp.state;
            cp.sync_endtime = n;
            cp.sync_tries = 0;
            return true;
        }
    }
    const sim::Duration refresh = sim::s(sysctls_.sync_refresh_period);
    if (refresh > sim::Duration{}) {
        // Not again while the entry's end moved less than the refresh period (and less than
        // half its timeout, at least 10 s), unless retries are left and refresh/8 has passed.
        const int64_t diff = std::llabs((n - orig).ns());
        const sim::Duration min_diff = std::max(sim::ns(cp.timeout.ns() / 2), sim::s(10));
        if (diff < std::min(refresh, min_diff).ns()) {
            const uint8_t retries = cp.sync_tries;
            if (retries >= sysctls_.sync_retries) return false;
            if (now < orig - cp.timeout + sim::ns(refresh.ns() / 8)) return false;
            tries = static_cast<uint8_t>(retries + 1);
        }
    }
    const int period = sysctls_.sync_period;
    const int threshold = sysctls_.sync_threshold;
    if (period > 0) {
        if (!cp.is_template() && static_cast<int>(pkts % static_cast<uint32_t>(period)) != threshold)
            return false;
    } else if (refresh == sim::Duration{} && static_cast<int>(pkts) != threshold) {
        return false;
    }
    cp.old_state = cp.state;
    cp.sync_endtime = n;
    cp.sync_tries = tries;
    return true;
}

void Director::sync_append(const Conn& cp) {
    // Version 1 queues a buffer when the next entry does not fit: a full one waits for one more.
    if (sync_buffer_.entries.size() >= kSyncEntriesPerMessage && sysctls_.sync_version != 0)
        queue_sync_buffer();
    if (sync_buffer_.entries.empty()) {
        sync_first_use_ = sim_.now();
        // The master thread looks once a second (from its start) and sends a buffer that is
        // IPVS_SYNC_FLUSH_TIME old: the first such look at or after first use + 2 s.
        const sim::Time due = sync_first_use_ + kSyncFlushTime;
        const int64_t period = kSyncCheckPeriod.ns();
        const int64_t since = (due - sync_started_).ns();
        const int64_t ticks = (since + period - 1) / period;
        sync_timer_.arm(sync_started_ + sim::ns(ticks * period) - sim_.now());
    }
    SyncEntry e;
    e.proto = cp.proto;
    e.flags = cp.flags;
    e.state = cp.state;
    e.client = cp.client;
    e.vip = cp.vip;
    e.dest = cp.dest_addr;
    // A firewall-mark service is found by its mark on the backup.
    e.fwmark = cp.dest != nullptr ? cp.dest->svc_fwmark : 0;
    e.timeout_s = sysctls_.sync_version == 0 ? 0 : static_cast<uint32_t>(whole_seconds(cp.timeout));
    sync_buffer_.entries.push_back(e);
    ++sync_counters_.entries_chosen;
    if (sysctls_.sync_version == 0 && sync_buffer_.entries.size() >= kSyncEntriesPerMessageV0)
        queue_sync_buffer();
}

// sb_queue_tail(): the thread is woken IPVS_SYNC_SEND_DELAY later, or at once when
// IPVS_SYNC_WAKEUP_RATE buffers wait.
void Director::queue_sync_buffer() {
    sync_timer_.disarm();
    sync_queue_.push_back(take_sync_buffer());
    if (sync_queue_.size() >= kSyncWakeupRate) sync_send_queued();
    else if (!sync_wakeup_.armed()) sync_wakeup_.arm(kSyncSendDelay);
}

SyncMessage Director::take_sync_buffer() {
    SyncMessage m;
    m.syncid = syncid_;
    m.version = static_cast<uint8_t>(sysctls_.sync_version);
    m.first_use = sync_first_use_;
    m.entries.swap(sync_buffer_.entries);
    sync_buffer_.entries.reserve(kSyncEntriesPerMessageV0);
    return m;
}

// The master thread's look: queued buffers first, then the current one if it is 2 s old.
void Director::sync_flush() {
    if (!sync_buffer_.entries.empty()) sync_queue_.push_back(take_sync_buffer());
    sync_send_queued();
}

void Director::sync_send_queued() {
    sync_wakeup_.disarm();
    for (SyncMessage& m : sync_queue_) {
        ++sync_counters_.messages_sent;
        sync_counters_.entries_sent += m.entries.size();
        LVS_TRACE(sim_, entity_, trace::kind::ipvs_sync_send)
            .f("entries", m.entries.size())
            .f("bytes", m.bytes())
            .f("waited_ms", (sim_.now() - m.first_use).ns() / 1'000'000);
        if (on_sync_send) on_sync_send(std::move(m));
    }
    sync_queue_.clear();
}

void Director::drop_sync_buffers() {
    // stop_sync_thread(): what the master thread had not sent yet is freed, not sent.
    sync_counters_.entries_discarded += sync_buffer_.entries.size();
    for (const SyncMessage& m : sync_queue_) sync_counters_.entries_discarded += m.entries.size();
    sync_buffer_.entries.clear();
    sync_queue_.clear();
    sync_timer_.disarm();
    sync_wakeup_.disarm();
}

void Director::receive_sync(const SyncMessage& m) {
    // ip_vs_process_message(): the backup thread's socket; a syncid other than its own is
    // dropped unless it listens to every syncid (0).
    if (down_ || (sync_state_ & kSyncBackup) == 0 || (syncid_ != 0 && m.syncid != syncid_)) {
        ++sync_counters_.messages_dropped;
        return;
    }
    ++sync_counters_.messages_received;
    for (const SyncEntry& e : m.entries) sync_apply(e, m.version);
    LVS_TRACE(sim_, entity_, trace::kind::ipvs_sync_receive)
        .f("entries", m.entries.size())
        .f("table", conns_.size());
}

// ip_vs_proc_conn(): update the entry the backup has, or make it.
void Director::sync_apply(const SyncEntry& e, uint8_t version) {
    ++sync_counters_.entries_received;
    const bool is_template = (e.flags & kConnTemplate) != 0;
    const InKey k = is_template
                        ? key(e.proto, e.client.addr.value(), 0, e.vip.addr.value(), e.vip.port)
                        : key(e.proto, e.client.addr.value(), e.client.port, e.vip.addr.value(), e.vip.port);
    Conn* cp = is_template ? templates_.find(k) : in_.find(k);
    if (cp != nullptr && !is_template && !(cp->dest_addr == e.dest)) {
        // The client's port now goes elsewhere on the master: a live entry replaces the old
        // one; an INACTIVE one is the old flow's late news and is ignored.
        if ((e.flags & kConnInactive) != 0) return;
        expire_now(*cp);
        cp = in_.find(k);
    }
    if (cp == nullptr) {
        Service* svc = find_service({e.proto, e.vip, e.fwmark});
        Dest* d = svc != nullptr ? dest_named(*svc, e.dest) : nullptr;
        if (d == nullptr) {
            // The kernel keeps such an entry unbound and binds it when the realserver appears
            // (ip_vs_try_bind_dest()); lvsim does not make it (README, limitations).
            ++sync_counters_.entries_unbound;
            return;
        }
        cp = is_template ? new_template(*svc, *d, k) : adopt_conn(*svc, *d, e.proto, e.client, e.vip);
        ++sync_counters_.entries_created;
    }
    // The INACTIVE flag and the counters follow the state as on the master (enter_state(), as
    // ip_vs_proc_conn() moves them by the flag); the other flags stay as made.
    cp->flags |= kConnSync;
    if (!is_template) enter_state(*cp, e.state, "sync", "in");
    cp->in_pkts = static_cast<uint32_t>(sysctls_.sync_threshold);
    cp->old_state = cp->state;
    // Version 1 carries the master's timeout; version 0 leaves the backup's own table (and
    // 3 minutes for a template).
    if (version != 0 && e.timeout_s != 0) cp->timeout = sim::s(e.timeout_s);
    else if (is_template) cp->timeout = sim::s(180);
    arm(*cp);
}

void Director::set_down(bool down) {
    down_ = down;
    stack_.set_down(down);
    if (!down) return;
    // A crashed director's daemons and table are gone with it (it boots empty; its rules come
    // back from keepalived's configuration, which the runtime keeps).
    if (sync_state_ != 0) stop_sync_daemon(sync_state_);
    std::vector<Conn*> entries, templates;
    for (auto& [id, c] : conns_) (c->is_template() ? templates : entries).push_back(c.get());
    for (Conn* c : entries) free_conn(*c);
    for (Conn* c : templates) free_conn(*c);
}

}  // namespace lvs::ipvs
