// High availability: keepalived's VRRP instance (models/ha/vrrp.*), the IPVS sync daemon
// inside the director (models/ipvs/ip_vs_sync.*) and a VRRP pair run end to end
// (models/scenario/run_ha.cpp). What each case asserts is keepalived's or the kernel's
// behaviour (keepalived vrrp.c/vrrp.h, net/netfilter/ipvs/ip_vs_sync.c; /tmp/ha-facts.md when
// it was written), not merely what the model happened to do.
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "models/ha/vrrp.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"
#include "support/tcp_harness.hpp"

using namespace lvs;
using namespace lvs::testing;
using ha::VrrpState;

namespace {

Time at_ns(int64_t n) { return Time::from_ns(n); }

// One VRRP instance whose hooks record what it did, and when.
struct VrrpRig {
    Simulator sim{1};
    std::vector<std::pair<Time, uint8_t>> adverts;  // (when, priority)
    std::vector<Time> became_master, left_master, refreshed_arp;
    ha::VrrpInstance vrrp;
    explicit VrrpRig(ha::VrrpConfig cfg, Ipv4 self = Ipv4::of(10, 0, 0, 2)) : vrrp(sim, self, cfg, hooks()) {}
    ha::VrrpHooks hooks() {
        ha::VrrpHooks h;
        h.send_advert = [this](const ha::Advert& a) { adverts.emplace_back(sim.now(), a.priority); };
        h.become_master = [this] { became_master.push_back(sim.now()); };
        h.leave_master = [this] { left_master.push_back(sim.now()); };
        h.refresh_arp = [this] { refreshed_arp.push_back(sim.now()); };
        return h;
    }
    // An advert from `from` arriving at `t` (ns since the start).
    void advert_at(int64_t t, uint8_t prio, Ipv4 from = Ipv4::of(10, 0, 0, 1)) {
        sim.post_at(at_ns(t), [this, prio, from] { vrrp.receive({prio, from}); });
    }
    // Adverts every second from `first` up to and including `last` (ns).
    void adverts_every_second(int64_t first, int64_t last, uint8_t prio) {
        for (int64_t t = first; t <= last; t += 1'000'000'000) advert_at(t, prio);
    }
};

ha::VrrpConfig cfg(uint8_t prio, bool preempt = true, Duration preempt_delay = {}) {
    ha::VrrpConfig c;
    c.priority = prio;
    c.preempt = preempt;
    c.preempt_delay = preempt_delay;
    return c;
}

constexpr int64_t kS = 1'000'000'000;
constexpr int64_t kDown100 = 3 * kS + 156 * kS / 256;  // 3.609375 s: advert 1 s, priority 100

}  // namespace

TEST_CASE("ha::Vrrp: skew and master-down interval per version", "[ha][vrrp]") {
    // keepalived vrrp.h VRRP_TIMER_SKEW: v2 (256-prio)/256 s; v3 (256-prio)*advert_int/256.
    auto [version, prio, advert_ms, skew_ns] = GENERATE(table<int, int, int64_t, int64_t>({
        {2, 100, 1000, 609'375'000},
        {2, 150, 1000, 414'062'500},
        {2, 128, 1000, 500'000'000},  // keepalived.conf(5): prio 128 -> 3.5 s
        {2, 255, 1000, 3'906'250},
        {2, 100, 2000, 609'375'000},  // v2: independent of advert_int
        {3, 100, 2000, 1'218'750'000},
        {3, 100, 1000, 609'375'000},
        {3, 200, 500, 109'375'000},
    }));
    CAPTURE(version, prio, advert_ms);
    ha::VrrpConfig c = cfg(static_cast<uint8_t>(prio));
    c.version = static_cast<uint8_t>(version);
    c.advert_int = ms(advert_ms);
    VrrpRig r(c);
    CHECK(r.vrrp.skew().ns() == skew_ns);
    CHECK(r.vrrp.master_down_interval().ns() == 3 * advert_ms * 1'000'000 + skew_ns);
}

TEST_CASE("ha::Vrrp: a lone BACKUP becomes MASTER after 3 x advert_int + skew and advertises", "[ha][vrrp]") {
    VrrpRig r(cfg(100));
    r.vrrp.start();
    CHECK(r.vrrp.state() == VrrpState::Backup);
    r.sim.run_until(at_ns(kDown100 - 1));
    CHECK(r.vrrp.state() == VrrpState::Backup);
    CHECK(r.adverts.empty());
    r.sim.run_until(at_ns(kDown100 + 2 * kS));
    CHECK(r.vrrp.state() == VrrpState::Master);
    REQUIRE(r.became_master == std::vector<Time>{at_ns(kDown100)});
    // The advert first (vrrp_state_master_tx), then one every advert_int.
    REQUIRE(r.adverts.size() == 3);
    CHECK(r.adverts[0] == std::make_pair(at_ns(kDown100), uint8_t{100}));
    CHECK(r.adverts[2].first == at_ns(kDown100 + 2 * kS));
}

TEST_CASE("ha::Vrrp: state MASTER waits one advert_int plus the smallest skew, 255 takes over at once",
          "[ha][vrrp]") {
    ha::VrrpConfig c = cfg(150);
    c.initial_master = true;
    VrrpRig r(c);
    r.vrrp.start();
    r.sim.run_until(at_ns(5 * kS));
    // vrrp_init_state(): master_adver_int + VRRP_TIMER_SKEW_MIN = 1 s + 1/256 s.
    CHECK(r.became_master == std::vector<Time>{at_ns(kS + kS / 256)});
    c.priority = 255;
    VrrpRig owner(c);
    owner.vrrp.start();
    CHECK(owner.vrrp.state() == VrrpState::Master);
    CHECK(owner.became_master == std::vector<Time>{at_ns(0)});
}

TEST_CASE("ha::Vrrp: BACKUP with preempt discards lower-priority adverts and takes over", "[ha][vrrp]") {
    VrrpRig r(cfg(100));
    r.vrrp.start_settled(false);
    r.adverts_every_second(kS / 2, 20 * kS, 50);
    r.sim.run_until(at_ns(10 * kS));
    // The down timer started at 0 s was never reset by the priority-50 adverts.
    CHECK(r.became_master == std::vector<Time>{at_ns(kDown100)});
    // Now MASTER, the lower adverts make it advertise at once and refresh the ARP caches.
    CHECK(r.vrrp.state() == VrrpState::Master);
    CHECK(r.refreshed_arp.size() == 6);  // 4.5, 5.5, ... 9.5 s
    CHECK(r.refreshed_arp.front() == at_ns(4 * kS + kS / 2));
    size_t at_once = 0;
    for (const auto& [t, p] : r.adverts)
        if (t == at_ns(5 * kS + kS / 2)) ++at_once;
    CHECK(at_once == 1);
}

TEST_CASE("ha::Vrrp: nopreempt keeps a BACKUP behind a lower-priority MASTER while it advertises",
          "[ha][vrrp]") {
    VrrpRig r(cfg(200, false));
    r.vrrp.start_settled(false);
    r.adverts_every_second(kS / 2, 10 * kS + kS / 2, 50);
    r.sim.run_until(at_ns(13 * kS + kS / 2));
    CHECK(r.vrrp.state() == VrrpState::Backup);
    CHECK(r.became_master.empty());
    r.sim.run_until(at_ns(20 * kS));
    // The last accepted advert (10.5 s) restarted 3 x 1 s + 56/256 s.
    CHECK(r.became_master == std::vector<Time>{at_ns(10 * kS + kS / 2 + 3 * kS + 56 * kS / 256)});
}

TEST_CASE("ha::Vrrp: BACKUP accepts an equal priority whatever the sender's address", "[ha][vrrp]") {
    const Ipv4 from = GENERATE(Ipv4::of(10, 0, 0, 1), Ipv4::of(10, 0, 0, 9));
    VrrpRig r(cfg(100));
    r.vrrp.start_settled(false);
    for (int64_t t = kS / 2; t <= 10 * kS; t += kS) r.advert_at(t, 100, from);
    r.sim.run_until(at_ns(12 * kS));
    CHECK(r.vrrp.state() == VrrpState::Backup);
    CHECK(r.adverts.empty());
}

TEST_CASE("ha::Vrrp: a priority-0 advert lets the BACKUP take over after its skew", "[ha][vrrp]") {
    VrrpRig r(cfg(100));
    r.vrrp.start_settled(false);
    r.advert_at(kS / 2, 150);
    r.advert_at(kS, 0);
    r.sim.run_until(at_ns(3 * kS));
    CHECK(r.became_master == std::vector<Time>{at_ns(kS + 156 * kS / 256)});
}

TEST_CASE("ha::Vrrp: preempt_delay accepts lower priorities for the delay after the first one",
          "[ha][vrrp]") {
    VrrpRig r(cfg(100, true, s(5)));
    r.vrrp.start_settled(false);
    r.adverts_every_second(kS / 2, 30 * kS, 50);
    r.sim.run_until(at_ns(20 * kS));
    // First lower advert at 0.5 s: preempt_time = 5.5 s; accepted while preempt_time > now,
    // so 0.5 .. 4.5 s reset the down timer and 5.5 s is discarded.
    CHECK(r.became_master == std::vector<Time>{at_ns(4 * kS + kS / 2 + kDown100)});
}

TEST_CASE("ha::Vrrp: MASTER yields at once to a higher priority, without a priority-0 advert", "[ha][vrrp]") {
    VrrpRig r(cfg(100));
    r.vrrp.start_settled(true);
    r.advert_at(2 * kS + kS / 2, 150);
    r.sim.run_until(at_ns(5 * kS));
    CHECK(r.vrrp.state() == VrrpState::Backup);
    CHECK(r.left_master == std::vector<Time>{at_ns(2 * kS + kS / 2)});
    REQUIRE(r.adverts.size() == 3);  // 0, 1, 2 s
    for (const auto& [t, p] : r.adverts) CHECK(p == 100);
    // Back to BACKUP with a fresh master-down timer: MASTER again 3.609375 s after 2.5 s.
    r.sim.run_until(at_ns(7 * kS));
    CHECK(r.became_master == std::vector<Time>{at_ns(2 * kS + kS / 2 + kDown100)});
}

TEST_CASE("ha::Vrrp: MASTER with an equal priority: the higher address wins", "[ha][vrrp]") {
    VrrpRig r(cfg(100), Ipv4::of(10, 0, 0, 2));
    r.vrrp.start_settled(true);
    r.advert_at(kS / 2, 100, Ipv4::of(10, 0, 0, 1));  // lower address: we stay and answer
    r.sim.run_until(at_ns(kS - 1));
    CHECK(r.vrrp.state() == VrrpState::Master);
    CHECK(r.adverts.size() == 2);  // 0 s, and at once at 0.5 s
    CHECK(r.adverts.back().first == at_ns(kS / 2));
    CHECK(r.refreshed_arp == std::vector<Time>{at_ns(kS / 2)});
    r.advert_at(kS + kS / 2, 100, Ipv4::of(10, 0, 0, 3));  // higher address: yield
    r.sim.run_until(at_ns(2 * kS - 1));
    CHECK(r.vrrp.state() == VrrpState::Backup);
    CHECK(r.left_master == std::vector<Time>{at_ns(kS + kS / 2)});
}

TEST_CASE("ha::Vrrp: stop sends a priority-0 advert from MASTER, a crash sends nothing", "[ha][vrrp]") {
    VrrpRig r(cfg(150));
    r.vrrp.start_settled(true);
    r.sim.run_until(at_ns(kS + kS / 2));
    r.vrrp.stop();
    CHECK(r.vrrp.state() == VrrpState::Stopped);
    REQUIRE(r.adverts.size() == 3);
    CHECK(r.adverts.back() == std::make_pair(at_ns(kS + kS / 2), uint8_t{0}));
    CHECK(r.left_master.size() == 1);
    VrrpRig c(cfg(150));
    c.vrrp.start_settled(true);
    c.sim.run_until(at_ns(kS + kS / 2));
    c.vrrp.crash();
    c.sim.run_until(at_ns(5 * kS));
    CHECK(c.adverts.size() == 2);
    CHECK(c.vrrp.state() == VrrpState::Stopped);
}

// ---- the sync daemon, packet by packet through a real director ----

namespace {

const ipvs::ServiceKey kSvc{ipvs::Proto::Tcp, {Ipv4::of(10, 0, 0, 100), 80}, 0};
const net::Endpoint kRs1{Ipv4::of(192, 168, 10, 11), 80};

void add_rules(ipvs::Director& d) {
    REQUIRE(d.add_service({kSvc, "rr"}).ok());
    REQUIRE(d.add_dest(kSvc, {kRs1, ipvs::Forward::Masq, 1, 0, 0}).ok());
}

// A master director with one NAT realserver; its sync messages are recorded with their time.
struct SyncRig {
    Simulator sim{3};
    net::Network net{sim};
    ipvs::Director master{net, "lvs1", Ipv4::of(10, 0, 0, 1), ipvs::current_kernel(), tcp::linux6_profile()};
    RawPeer client{net, "client", Ipv4::of(203, 0, 113, 7)};
    RawPeer rs{net, "rs1", Ipv4::of(192, 168, 10, 11)};
    std::vector<std::pair<Time, ipvs::SyncMessage>> sent;
    SyncRig() {
        const auto lan = net.add_node("lan", net::NodeKind::Switch);
        for (net::NodeId n : {master.node(), client.node, rs.node})
            net.add_link(n, lan, {us(10), 1'000'000'000, 0, {}, {}});
        net.set_gateway(rs.node, master.node());
        master.add_realserver(kRs1.addr, rs.node, "rs1");
        add_rules(master);
        master.on_sync_send = [this](ipvs::SyncMessage&& m) { sent.emplace_back(sim.now(), std::move(m)); };
        master.start_sync_daemon(ipvs::kSyncMaster, 0);
    }
    // One incoming segment of the client's connection from `port`, then 1 ms of time.
    void in(uint16_t port, uint8_t flags, bool step = true) {
        net::Packet p;
        p.saddr = Ipv4::of(203, 0, 113, 7).value();
        p.daddr = kSvc.vip.addr.value();
        p.sport = port;
        p.dport = 80;
        p.flags = flags;
        client.inject(p);
        if (step) sim.run_until(sim.now() + ms(1));
    }
    void handshake(uint16_t port) {
        in(port, net::tcpflag::kSyn);
        in(port, net::tcpflag::kAck);
    }
    // What ip_vs_sync_conn_needed() chose, sent or still in the buffer.
    uint64_t entries_sent() const { return master.sync_counters().entries_chosen; }
};

// A backup director in a world of its own, fed the master's messages by hand.
struct BackupRig {
    Simulator sim{4};
    net::Network net{sim};
    ipvs::Director backup{net, "lvs2", Ipv4::of(10, 0, 0, 2), ipvs::current_kernel(), tcp::linux6_profile()};
    RawPeer rs{net, "rs1", Ipv4::of(192, 168, 10, 11)};
    BackupRig() {
        const auto lan = net.add_node("lan", net::NodeKind::Switch);
        for (net::NodeId n : {backup.node(), rs.node})
            net.add_link(n, lan, {us(10), 1'000'000'000, 0, {}, {}});
        backup.add_realserver(kRs1.addr, rs.node, "rs1");
        add_rules(backup);
        backup.start_sync_daemon(ipvs::kSyncBackup, 0);
    }
    const ipvs::Dest& dest() const { return *backup.find_dest(kSvc, kRs1); }
};

}  // namespace

TEST_CASE("ipvs::Sync: an entry is sent at its 3rd, 53rd, 103rd incoming packet, never in SYN_RECV",
          "[ipvs][sync]") {
    SyncRig r;
    r.in(40000, net::tcpflag::kSyn);
    CHECK(r.entries_sent() == 0);  // pkts 1, SYN_RECV
    r.in(40000, net::tcpflag::kAck);
    CHECK(r.entries_sent() == 0);  // pkts 2, ESTABLISHED but below the threshold
    r.in(40000, net::tcpflag::kAck);
    CHECK(r.entries_sent() == 1);  // pkts 3
    for (int k = 4; k <= 52; ++k) r.in(40000, net::tcpflag::kAck);
    CHECK(r.entries_sent() == 1);
    r.in(40000, net::tcpflag::kAck);
    CHECK(r.entries_sent() == 2);  // pkts 53
    for (int k = 54; k <= 103; ++k) r.in(40000, net::tcpflag::kAck);
    CHECK(r.entries_sent() == 3);  // pkts 103
    // A change to CLOSE_WAIT (client FIN) goes at once, whatever the count (pkts 104).
    r.in(40000, net::tcpflag::kFin | net::tcpflag::kAck);
    CHECK(r.entries_sent() == 4);
    // "1 50": the SYN is pkts 1 == threshold, but SYN_RECV is never sent.
    SyncRig t;
    REQUIRE(t.master.set_sysctl("sync_threshold", 1, 50).empty());
    t.in(40001, net::tcpflag::kSyn);
    CHECK(t.entries_sent() == 0);
}

TEST_CASE("ipvs::Sync: sync_threshold pairs as proc_do_sync_threshold() checks them", "[ipvs][sync]") {
    auto [threshold, period, ok] = GENERATE(table<int, int, bool>(
        {{3, 50, true}, {0, 50, true}, {3, 0, true}, {0, 0, true}, {50, 3, false}, {3, 3, false}}));
    CAPTURE(threshold, period);
    SyncRig r;
    CHECK(r.master.set_sysctl("sync_threshold", threshold, period).empty() == ok);
    // "3 0": period 0 and no refresh period: only once, when pkts == threshold.
    if (threshold == 3 && period == 0) {
        r.handshake(40000);
        for (int k = 3; k <= 120; ++k) r.in(40000, net::tcpflag::kAck);
        CHECK(r.entries_sent() == 1);
    }
}

TEST_CASE("ipvs::Sync: a lone entry waits for the 1 s tick at which it is 2 s old", "[ipvs][sync]") {
    SyncRig r;
    r.handshake(40000);
    r.in(40000, net::tcpflag::kAck);  // appended at about 2 ms
    REQUIRE(r.entries_sent() == 1);
    r.sim.run_until(at(s(3)) - ns(1));
    CHECK(r.sent.empty());
    r.sim.run_until(at(s(4)));
    REQUIRE(r.sent.size() == 1);
    CHECK(r.sent[0].first == at(s(3)));
    CHECK(r.sent[0].second.entries.size() == 1);
    CHECK(r.sent[0].second.bytes() == 8 + 36);
    CHECK(r.master.sync_counters().messages_sent == 1);
}

TEST_CASE("ipvs::Sync: a full v1 buffer is queued by the 41st entry and leaves 20 ms later", "[ipvs][sync]") {
    // ip_vs_sync_conn(): the current buffer is queued when the NEXT entry does not fit
    // (head + len + pad > end); sb_queue_tail() wakes the thread IPVS_SYNC_SEND_DELAY later.
    SyncRig r;
    for (uint16_t p = 0; p < 41; ++p) r.handshake(static_cast<uint16_t>(41000 + p));
    for (uint16_t p = 0; p < 40; ++p) r.in(static_cast<uint16_t>(41000 + p), net::tcpflag::kAck, false);
    r.sim.run_until(r.sim.now() + ms(500));
    CHECK(r.entries_sent() == 40);
    CHECK(r.sent.empty());  // full, but nothing needs its room yet
    r.in(41040, net::tcpflag::kAck, false);
    const Time t0 = r.sim.now();
    r.sim.run_until(t0 + ms(20));
    CHECK(r.entries_sent() == 41);
    CHECK(r.sent.empty());  // not before IPVS_SYNC_SEND_DELAY
    r.sim.run_until(t0 + ms(21));
    REQUIRE(r.sent.size() == 1);
    CHECK(r.sent[0].first > t0 + ms(20));
    CHECK(r.sent[0].second.entries.size() == 40);
    CHECK(r.sent[0].second.bytes() == 8 + 36 * 40);
    CHECK(r.sent[0].second.bytes() <= 1472);
    // The 41st is alone in a new buffer: stopping the daemon discards it unsent.
    r.master.stop_sync_daemon(ipvs::kSyncMaster);
    r.sim.run_until(at(s(10)));
    CHECK(r.sent.size() == 1);
    CHECK(r.master.sync_counters().entries_discarded == 1);
    CHECK(r.master.sync_counters().messages_sent == 1);
}

TEST_CASE("ipvs::Sync: a v0 buffer holds 60 entries and is queued as the 60th leaves no room",
          "[ipvs][sync]") {
    // ip_vs_sync_conn_v0(): after adding an entry, `if (buff->head + FULL_CONN_SIZE > buff->end)
    // sb_queue_tail()`: 4 + 24 n + 48 > 1472 first holds at n = 60, and the buffer is queued
    // at once, not when a 61st or 62nd entry arrives.
    SyncRig r;
    REQUIRE(r.master.set_sysctl("sync_version", 0).empty());
    for (uint16_t p = 0; p < 60; ++p) r.handshake(static_cast<uint16_t>(42000 + p));
    for (uint16_t p = 0; p < 60; ++p) r.in(static_cast<uint16_t>(42000 + p), net::tcpflag::kAck, false);
    const Time t0 = r.sim.now();
    r.sim.run_until(t0 + ms(21));
    CHECK(r.entries_sent() == 60);
    REQUIRE(r.sent.size() == 1);
    CHECK(r.sent[0].second.entries.size() == 60);
    CHECK(r.sent[0].second.bytes() == 4 + 24 * 60);
}

TEST_CASE("ipvs::Sync: the backup applies state, timeout (v1 the master's, v0 its own) and counters",
          "[ipvs][sync]") {
    const int version = GENERATE(1, 0);
    CAPTURE(version);
    SyncRig r;
    REQUIRE(r.master.set_sysctl("sync_version", version).empty());
    REQUIRE(r.master.set_timeouts(300, 0, 0).ok());  // ESTABLISHED 300 s on the master only
    r.handshake(40000);
    r.in(40000, net::tcpflag::kAck);
    r.sim.run_until(at(s(4)));
    REQUIRE(r.sent.size() == 1);
    BackupRig b;
    b.backup.receive_sync(r.sent[0].second);
    CHECK(b.backup.sync_counters().entries_created == 1);
    REQUIRE(b.backup.connection_count() == 1);
    const ipvs::Conn& c = *b.backup.connections().front();
    CHECK(c.state == ipvs::ConnState::Established);
    CHECK(c.in_pkts == 3);
    CHECK((c.flags & ipvs::kConnSync) != 0);
    CHECK(c.timeout == s(version == 1 ? 300 : 900));
    CHECK(b.dest().activeconns == 1);
    CHECK(b.dest().inactconns == 0);
    // The client's FIN: CLOSE_WAIT, sent at once and moved to InActConn on the backup.
    r.in(40000, net::tcpflag::kFin | net::tcpflag::kAck);
    r.sim.run_until(at(s(8)));
    REQUIRE(r.sent.size() == 2);
    CHECK(r.sent[1].second.entries.front().state == ipvs::ConnState::CloseWait);
    b.backup.receive_sync(r.sent[1].second);
    CHECK(b.backup.connection_count() == 1);
    CHECK(b.backup.connections().front()->state == ipvs::ConnState::CloseWait);
    CHECK(b.backup.connections().front()->timeout == s(60));
    CHECK(b.dest().activeconns == 0);
    CHECK(b.dest().inactconns == 1);
    // No newer message: the entry expires after its timeout (60 s).
    b.sim.run_until(at(s(59)));
    CHECK(b.backup.connection_count() == 1);
    b.sim.run_until(at(s(61)));
    CHECK(b.backup.connection_count() == 0);
}

// ---- the pair end to end ----

namespace {

std::string lesson30() { return std::string(LVSIM_SCENARIO_DIR) + "/30-failover-mid-drain.yaml"; }

// A small pair; `tail` goes on under ha: (keys indented by two) and may open later sections.
std::string pair_yaml(const std::string& tail) {
    return "name: ha-pair\nduration: 20s\ndirector:\n  rules: |\n    -A -t 10.0.0.100:80 -s rr\n"
           "    -a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1\nrealservers:\n  - name: rs1\n"
           "    address: 192.168.10.11\nclients:\n  - name: ie8\n    schedule: {times: [1s]}\nha:\n"
           "  directors:\n    - {name: lvs1, address: 10.0.0.1, priority: 150}\n"
           "    - {name: lvs2, address: 10.0.0.2, priority: 100}\n" +
           tail;
}

}  // namespace

TEST_CASE("scenario::Run: lesson 30, lvs2 takes over 3.609375 s after lvs1's last advert", "[ha]") {
    scenario::Run run(scenario::load_scenario_file(lesson30()));
    run.run_until(at(s(62)));
    REQUIRE(run.ha_members().size() == 2);
    CHECK(run.ha_members()[1].vrrp->state() == VrrpState::Backup);
    run.run();
    // lvs1's last advert left at 59 s and arrived 100 us later (two 50 us LAN links).
    CHECK(run.ha_members()[1].master_since == at_ns(59 * kS + 100'000 + kDown100));
    CHECK(run.ha_members()[1].became_master == 1);
    CHECK(run.ha_vip_moves() == 1);
    CHECK(run.quantity("python.objects_failed") == 0);
    CHECK(run.quantity("browsers.objects_failed") == 0);
    CHECK(run.director_at(1).counters().stack_resets == 0);
    CHECK(run.director_at(0).sync_counters().entries_discarded > 0);
    CHECK(run.director_at(1).sync_counters().entries_created > 0);
    CHECK(run.director_at(1).sync_counters().entries_unbound == 0);
}

TEST_CASE("scenario::Run: lesson 30 without the sync daemon resets the connections", "[ha]") {
    scenario::Run run(scenario::load_scenario_file(lesson30(), {"ha.sync.daemon=off"}));
    run.run();
    CHECK(run.ha_members()[1].master_since == at_ns(59 * kS + 100'000 + kDown100));
    CHECK(run.quantity("python.objects_failed") > 0);
    CHECK(run.director_at(1).counters().stack_resets > 0);
    CHECK(run.director_at(0).sync_counters().entries_sent == 0);
    CHECK(run.director_at(1).sync_counters().entries_created == 0);
}

TEST_CASE("scenario::Loader: a typo under ha: suggests the key", "[ha]") {
    // The other sections answer an unknown key with "did you mean" (tests/scenario/bad_input.sh,
    // bad-key.yaml); ha: lists the allowed keys but suggests none for advert_interval.
    std::string formatted;
    try {
        (void)scenario::load_scenario_text(pair_yaml("  advert_interval: 1s\n"), "ha-typo.yaml");
    } catch (const scenario::ConfigError& e) {
        formatted = e.format();
    }
    CHECK_THAT(formatted,
               Catch::Contains("ha-typo.yaml:17:3") && Catch::Contains("did you mean 'advert_int'"));
}

TEST_CASE("scenario::Run: keepalived stopped on the MASTER hands over after the skew", "[ha]") {
    const std::string yaml =
        pair_yaml("  sync: {daemon: on}\ntimeline:\n  - at: 10s\n    director: lvs1\n    action: stop\n");
    scenario::Run run(scenario::load_scenario_text(yaml, "ha-stop.yaml"));
    run.run();
    // The priority-0 advert arrives 100 us later; lvs2's skew is 156/256 s.
    CHECK(run.ha_members()[1].master_since == at_ns(10 * kS + 100'000 + 156 * kS / 256));
    CHECK(run.ha_members()[0].vrrp->state() == VrrpState::Stopped);
    CHECK(run.ha_vip_moves() == 1);
    CHECK((run.director_at(1).sync_state() & ipvs::kSyncMaster) != 0);
    CHECK(run.director_at(0).sync_state() == 0);
}
