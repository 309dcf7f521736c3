// The director: a node running IPVS in front of the realservers.
//
// It holds the virtual services, their destinations and the connection table, and runs the
// per-packet procedure of ip_vs_in / ip_vs_out (ipvs-tcp-http.md section 4.4) with the
// behaviour of the selected kernel profile. Packets for a VIP go through IPVS; NAT replies
// from realservers are translated back; anything else for the director's own addresses goes
// to its own TCP stack (which answers stray segments with RST); the rest is routed on.
//
// One function, Director::transition(), applies IPVS's TCP state table and is the only code
// that changes a connection's state, the ActiveConn/InActConn counters and the entry's
// timeout; bind() and unbind() are the only code that change PersistConn, refcounts and the
// OVERLOAD flag.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "models/ipvs/conn_hash.hpp"
#include "models/ipvs/ip_vs_sync.hpp"
#include "models/ipvs/kernel_profile.hpp"
#include "models/ipvs/scheduler.hpp"
#include "models/ipvs/types.hpp"
#include "models/net/network.hpp"
#include "models/tcp/tcp_stack.hpp"
#include "models/udp/udp_stack.hpp"
#include "sim/timer.hpp"

namespace lvs::ipvs {

// Connection flags (include/uapi/linux/ip_vs.h).
constexpr uint32_t kConnNoOutput = 0x0080;
constexpr uint32_t kConnInactive = 0x0100;
constexpr uint32_t kConnTemplate = 0x1000;
constexpr uint32_t kConnOnePacket = 0x2000;
constexpr uint32_t kConnSync = 0x0020;  // made by a sync message (IP_VS_CONN_F_SYNC)

class Director;

// One entry of the connection table (struct ip_vs_conn).
struct Conn {
    Conn(Director& d, sim::Simulator& sim);
    uint64_t id = 0;
    Proto proto = Proto::Tcp;
    net::Endpoint client;
    net::Endpoint vip;
    net::Endpoint dest_addr;  // realserver address:port as bound
    Forward forward = Forward::Masq;
    ConnState state = ConnState::None;
    uint32_t flags = 0;
    Dest* dest = nullptr;
    Conn* control = nullptr;  // the persistence template this entry belongs to
    uint32_t n_control = 0;   // entries controlled by this template
    sim::Duration timeout;
    bool has_conntrack = false;  // net.ipv4.vs.conntrack was 1 when the entry was made
    // What conntrack saw of the flow: whether its SYN may reopen the tuple (see reuse).
    bool saw_fin = false;
    bool client_rst_last = false;
    bool assured = false;  // templates: a connection through it got ESTABLISHED
    bool hashed = true;
    // The sync daemon's bookkeeping (ip_vs_sync_conn_needed()): incoming packets counted,
    // the state before the last packet, and when the entry was last sent (with retries).
    ConnState old_state = ConnState::None;
    uint8_t sync_tries = 0;
    uint32_t in_pkts = 0;
    sim::Time sync_endtime;
    sim::Time created;
    sim::Timer timer;
    // Routes resolved at the first packet each way (the director forwards without lookups).
    net::Network::RouteRef to_dest;
    net::Network::RouteRef to_client;
    bool is_template() const { return (flags & kConnTemplate) != 0; }
    bool inactive() const { return (flags & kConnInactive) != 0; }
};

// The address:port of a service as ipvsadm names it (-t/-u VIP:port or -f mark).
struct ServiceKey {
    Proto proto = Proto::Tcp;
    net::Endpoint vip;
    uint32_t fwmark = 0;
    bool operator==(const ServiceKey&) const = default;
    std::string str() const;
};

struct ServiceSpec {
    ServiceKey key;
    std::string scheduler = "wlc";
    uint32_t sched_flags = 0;  // kSvcSched1..3
    bool persistent = false;
    uint32_t persistence_s = 300;
    net::Ipv4 netmask{0xFFFFFFFFu};
    bool one_packet = false;
};

struct DestSpec {
    net::Endpoint addr;
    Forward forward = Forward::Route;
    int64_t weight = 1;
    uint32_t u_threshold = 0;
    uint32_t l_threshold = 0;
};

// Admin failures with ipvsadm's own words (libipvs ipvs_strerror: (operation, errno) table).
enum class AdminOp : uint8_t {
    AddService,
    EditService,
    DelService,
    ZeroService,
    AddDest,
    EditDest,
    DelDest,
    SetTimeout,
    Flush
};
enum class AdminCode : uint8_t { Ok, Exists, NoService, NoDest, NoScheduler, Invalid };
std::string admin_message(AdminOp op, AdminCode code);

struct AdminResult {
    AdminCode code = AdminCode::Ok;
    std::string message;  // ipvsadm's words when code != Ok
    bool ok() const { return code == AdminCode::Ok; }
};

// What the director counts about its own work (for reports and tests).
struct DirectorCounters {
    uint64_t packets_in = 0;
    uint64_t packets_out = 0;
    uint64_t scheduled = 0;
    uint64_t no_dest_icmp = 0;
    uint64_t no_dest_icmp_limited = 0;  // not sent: the ICMP rate limits
    uint64_t dropped_nodest = 0;        // packets for entries whose destination was deleted
    uint64_t udp_packets_in = 0;        // of packets_in, UDP datagrams
    uint64_t one_packet = 0;            // datagrams scheduled one by one (--ops)
    uint64_t icmp_translated = 0;       // a NAT realserver's ICMP errors sent on as from the VIP
    uint64_t dropped_conntrack = 0;     // SYNs dropped to redirect conntrack
    uint64_t rescheduled_reuse = 0;     // SYNs that hit a reusable entry and were rescheduled
    uint64_t stack_resets = 0;          // RSTs from the director's own stack
    uint64_t expired = 0;
    uint64_t no_holder = 0;  // packets for a VIP nobody holds that reached it (dropped)
    uint64_t relayed = 0;    // packets for a VIP it no longer holds, forwarded to the holder
    uint64_t lost_down = 0;  // packets that reached it while crashed
};

class Director final : public net::Node {
public:
    Director(net::Network& net, std::string name, net::Ipv4 own_address, const KernelProfile& kernel,
             const tcp::TcpProfile& tcp);
    ~Director() override;
    Director(const Director&) = delete;
    Director& operator=(const Director&) = delete;

    // ---- administration (ipvsadm semantics) ----
    AdminResult add_service(const ServiceSpec& s);
    AdminResult edit_service(const ServiceSpec& s);
    AdminResult del_service(const ServiceKey& k);
    AdminResult flush();
    AdminResult zero(const std::optional<ServiceKey>& k);
    AdminResult add_dest(const ServiceKey& k, const DestSpec& d);
    AdminResult edit_dest(const ServiceKey& k, const DestSpec& d);
    AdminResult del_dest(const ServiceKey& k, net::Endpoint addr);
    AdminResult set_timeouts(int64_t tcp_s, int64_t tcpfin_s, int64_t udp_s);
    // net.ipv4.vs.NAME=VALUE (the names and ranges of sysctl.hpp); an error message (sysctl's
    // words) or empty on success.
    // A pair (sync_threshold) takes its second number too; the first must stay below it
    // unless it is 0 (proc_do_sync_threshold()).
    std::string set_sysctl(std::string_view name, int value, std::optional<int> second = std::nullopt);
    std::optional<int> sysctl(std::string_view name) const;
    // The kernel's build settings for the schedulers it creates from now on (mh's table size and
    // hsiphash); std::invalid_argument if check_scheduler_config() finds fault.
    void set_scheduler_config(const SchedulerConfig& c);
    const SchedulerConfig& scheduler_config() const { return sched_config_; }

    // Where a realserver lives (DR/TUN frames go to its node) and what reports call it.
    void add_realserver(net::Ipv4 addr, net::NodeId node, std::string name);
    // Packets carrying this fwmark rule's VIP:port are matched by fwmark services.
    void add_fwmark_rule(net::Endpoint vip, uint32_t mark);

    // ---- high availability (a VRRP pair; ip_vs_sync.cpp) ----
    // Whether this director holds the VIPs now (VRRP MASTER). A backup is a router like any
    // (ip_forward=1): what still reaches it for them goes on to the director that holds them
    // (`vip_holder`, as its ARP request would find it; the VIP is no longer local, so IPVS does
    // not see it). A crashed director takes nothing at all.
    void set_holds_vips(bool holds) { holds_vips_ = holds; }
    bool holds_vips() const { return holds_vips_; }
    void set_down(bool down);
    bool down() const { return down_; }
    // ipvsadm --start-daemon / --stop-daemon (kSyncMaster, kSyncBackup).
    void start_sync_daemon(uint8_t role, uint8_t syncid);
    void stop_sync_daemon(uint8_t role);
    uint8_t sync_state() const { return sync_state_; }
    // The master daemon's messages leave through this (the runtime carries them to the peers).
    std::function<void(SyncMessage&&)> on_sync_send;
    std::function<net::NodeId()> vip_holder;
    // A message reaching the backup daemon's socket.
    void receive_sync(const SyncMessage& m);
    const SyncCounters& sync_counters() const { return sync_counters_; }

    // ---- the node ----
    void receive(const net::Packet& p) override;
    net::NodeId node() const { return node_; }
    net::Ipv4 address() const { return own_address_; }
    tcp::TcpStack& tcp() { return stack_; }
    const std::string& name() const { return name_; }

    // ---- views ----
    const std::vector<std::unique_ptr<Service>>& services() const { return services_; }
    const std::vector<net::Ipv4>& vips() const { return vips_; }
    Service* find_service(const ServiceKey& k) const;
    const Dest* find_dest(const ServiceKey& k, net::Endpoint addr) const;
    // All entries, templates included, in creation order.
    std::vector<const Conn*> connections() const;
    size_t connection_count() const { return conns_.size(); }
    const Timeouts& timeouts() const { return timeouts_; }
    const Sysctls& sysctls() const { return sysctls_; }
    const KernelProfile& kernel() const { return kernel_; }
    const DirectorCounters& counters() const { return counters_; }
    sim::Simulator& sim() { return sim_; }
    // Realserver name for an address (or the address text).
    std::string dest_name(const Dest& d) const;
    // Destinations removed with -d that still have entries (hidden from ipvsadm -Ln).
    const std::vector<Dest*>& trash() const { return trash_; }

    // Called after every admin command / state change that reports care about (drains).
    std::function<void()> on_change;
    // Called for each connection a scheduler placed (the fleet's client placement; unset: free).
    std::function<void(const Conn&)> on_scheduled;

    // For tests and teaching tools: puts an entry into a state as if a packet had moved it
    // there (counters and timeout follow, through the same code as real transitions).
    void force_state(uint64_t conn_id, ConnState s);

    // An entry of an operator's connection table (`ipvsadm -Lnc`) resumed as it was: its state
    // and counters as if its packets had passed, its timer firing after `remaining`, then living
    // on as any entry. A persistence template (client port 0, state NONE) before the entries it
    // controls. Returns "" or why it cannot be restored (no such service or realserver).
    std::string restore_entry(Proto proto, const net::Endpoint& client, const net::Endpoint& vip,
                              const net::Endpoint& dest, ConnState state, sim::Duration remaining);

private:
    friend struct Conn;
    using InKey = FlowKey;
    static InKey key(Proto p, uint32_t caddr, uint16_t cport, uint32_t vaddr, uint16_t vport) {
        return InKey{caddr, vaddr, cport, vport, static_cast<uint8_t>(p)};
    }

    // The packet procedure.
    // `cp`: the packet's entry as Director::receive() found it (nullptr: none), so that a
    // packet costs one lookup in the connection table; `svc` is looked up only without one.
    void ipvs_in(const net::Packet& p, Service* svc, Conn* cp);
    bool ipvs_out(const net::Packet& p);
    bool ipvs_out_icmp(const net::Packet& p);
    void ipvs_in_icmp(const net::Packet& p);
    void count_in(Conn& cp, const net::Packet& p);
    void count_out(Conn& cp, const net::Packet& p);
    Service* lookup_service(const net::Packet& p) const;
    Conn* schedule(Service& svc, const net::Packet& p);
    Conn* schedule_persistent(Service& svc, const net::Packet& p);
    Dest* pick(Service& svc, const net::Packet& p);
    bool reuse_reschedules(const Conn& cp) const;
    void forward_to_dest(Conn& cp, const net::Packet& p);
    void send_icmp_unreachable(const net::Packet& p);
    void to_own_stack(const net::Packet& p, const char* why);

    // The state table applied to one packet; enter_state is the only code that changes an
    // entry's state, the ActiveConn/InActConn counters and the entry's timeout.
    void transition(Conn& cp, Dir dir, const net::Packet& p);
    // UDP's one state (ip_vs_proto_udp.c udp_state_transition): every datagram refreshes it.
    void udp_transition(Conn& cp, Dir dir);
    void enter_state(Conn& cp, ConnState to, std::string_view why, std::string_view dir = {});
    bool state_active(ConnState s) const;

    // Entries.
    std::unique_ptr<Conn> take_conn();  // a recycled entry, or a new one
    // `scheduled`: placed by this director's scheduler (Conns and the scheduled counter count it).
    Conn* new_conn(Service& svc, Dest& d, const net::Packet& p, Conn* control, bool scheduled = true);
    Conn* new_template(Service& svc, Dest& d, const InKey& key);
    Dest* dest_named(Service& svc, const net::Endpoint& dest) const;
    Conn* adopt_conn(Service& svc, Dest& d, Proto proto, const net::Endpoint& client,
                     const net::Endpoint& vip);
    void bind(Conn& cp, Dest& d);
    void unbind(Conn& cp);
    void expire_now(Conn& cp);
    void on_expire(Conn& cp);
    void free_conn(Conn& cp);
    void arm(Conn& cp) { cp.timer.arm(cp.timeout); }
    void update_overload_on_unbind(Dest& d);

    // Destinations.
    Dest* find_dest_in(Service& svc, net::Endpoint addr) const;
    // True when `d` went to the trash (still referenced); false when it was freed.
    bool unlink_dest(Service& svc, Dest* d);
    void trash_scan();
    void flush_nodest(Dest* d);
    void rate_tick();
    // The sync daemon (ip_vs_sync.cpp).
    void sync_count_in(Conn& cp, uint32_t frames);
    void sync_conn(Conn& cp, uint32_t pkts);
    bool sync_needed(Conn& cp, uint32_t pkts);
    void sync_append(const Conn& cp);
    void sync_flush();
    SyncMessage take_sync_buffer();
    void queue_sync_buffer();
    void sync_send_queued();
    void drop_sync_buffers();
    void sync_apply(const SyncEntry& e, uint8_t version);
    void changed() {
        if (on_change) on_change();
    }
    void trace_admin(std::string_view what, const AdminResult& r);

    net::Network& net_;
    sim::Simulator& sim_;
    std::string name_;
    net::NodeId node_;
    sim::EntityId entity_;
    net::Ipv4 own_address_;
    const KernelProfile& kernel_;
    tcp::TcpStack stack_;
    udp::UdpStack udp_;  // no sockets: datagrams for its own addresses get port unreachable
    sim::Rng rng_;
    std::vector<std::unique_ptr<Service>> services_;
    std::vector<std::unique_ptr<Dest>> dest_store_;  // every destination, live or in the trash
    std::vector<Dest*> trash_;
    FlowTable<Conn> in_;         // (client, VIP) -> entry
    FlowTable<Conn> out_;        // (client, realserver) -> entry, for NAT replies
    FlowTable<Conn> templates_;  // (client & netmask, port 0, VIP) -> persistence template
    std::unordered_map<uint64_t, std::unique_ptr<Conn>> conns_;
    // Freed entries are kept for reuse: an entry may be freed from inside its own timer.
    std::vector<std::unique_ptr<Conn>> free_conns_;
    std::vector<net::Ipv4> vips_;
    // Hashed indexes over services_ and vips_ (ip_vs_svc_table / ip_vs_svc_fwm_table are hash
    // tables too), so that loading n services is O(n) and a packet's lookup does not scan them.
    std::unordered_map<uint64_t, Service*> service_index_;
    std::unordered_set<uint32_t> vip_set_;
    static uint64_t index_key(const ServiceKey& k);
    bool is_vip(net::Ipv4 a) const;
    void index_vip(net::Ipv4 a);
    std::unordered_map<uint32_t, std::pair<net::NodeId, std::string>> realservers_;
    std::vector<std::pair<net::Endpoint, uint32_t>> fwmark_rules_;
    Sysctls sysctls_;
    SchedulerConfig sched_config_;
    Timeouts timeouts_;
    DirectorCounters counters_;
    uint64_t next_conn_id_ = 0;
    sim::Timer trash_timer_;
    sim::Timer rate_timer_;
    bool holds_vips_ = true;
    bool down_ = false;
    uint8_t sync_state_ = 0;
    uint8_t syncid_ = 0;
    sim::Time sync_started_;  // the master thread's one-second checks count from here
    SyncMessage sync_buffer_;
    sim::Time sync_first_use_;
    sim::Timer sync_timer_;   // the master thread's next look at a partly filled buffer
    sim::Timer sync_wakeup_;  // full buffers waiting to be sent
    std::vector<SyncMessage> sync_queue_;
    SyncCounters sync_counters_;
};

}  // namespace lvs::ipvs
