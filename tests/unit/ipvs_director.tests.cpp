// The director's behaviour (ipvs-tcp-http.md sections 3-5): schedulers' hand-worked sequences,
// drain versus delete per kernel profile, persistence, ipvsadm's edit semantics, listings and
// parser errors.
#include <catch2/catch.hpp>

#include "support/lvs_harness.hpp"

using namespace lvs;
using namespace lvs::testing;
using ipvs::ConnState;

namespace {

// Services built directly (no network): for scheduler sequences.
struct SchedRig {
    ipvs::Service svc;
    std::vector<std::unique_ptr<ipvs::Dest>> owned;
    sim::Rng rng{1};
    explicit SchedRig(const std::string& name) {
        svc.sched_name = name;
        svc.scheduler = ipvs::SchedulerRegistry::instance().create(name);
    }
    // Adds at the head (kernel order: newest first).
    ipvs::Dest& add(const std::string& n, int weight) {
        owned.push_back(std::make_unique<ipvs::Dest>());
        ipvs::Dest& d = *owned.back();
        d.name = n;
        d.weight = weight;
        d.last_weight = weight;
        svc.dests.insert(svc.dests.begin(), &d);
        svc.scheduler->on_service_init(svc);
        return d;
    }
    std::string picks(int n, bool count_conn = false) {
        std::string out;
        for (int i = 0; i < n; ++i) {
            ipvs::Dest* d = svc.scheduler->pick(
                svc, {{Ipv4::of(1, 2, 3, 4), 1000}, {Ipv4::of(10, 0, 0, 100), 80}, &rng, {}});
            out += d == nullptr ? "-" : d->name;
            if (d != nullptr && count_conn) ++d->activeconns;
        }
        return out;
    }
};

}  // namespace

TEST_CASE("ipvs::sched wrr: weights 4:3:2 give A A B A B C A B C", "[ipvs][sched]") {
    SchedRig r("wrr");
    r.add("C", 2);
    r.add("B", 3);
    r.add("A", 4);  // list order A, B, C
    CHECK(r.picks(18) == "AABABCABCAABABCABC");
}

TEST_CASE("ipvs::sched wrr: weights 4:2 give A A B; a weight change mid-run recomputes", "[ipvs][sched]") {
    SchedRig r("wrr");
    ipvs::Dest& b = r.add("B", 2);
    r.add("A", 4);
    CHECK(r.picks(6) == "AABAAB");
    b.weight = 0;
    r.svc.scheduler->on_dests_changed(r.svc);
    CHECK(r.picks(3) == "AAA");  // weight 0 is never picked
}

TEST_CASE("ipvs::sched rr: round robin from the list head, skipping weight 0", "[ipvs][sched]") {
    SchedRig r("rr");
    r.add("C", 1);
    ipvs::Dest& b = r.add("B", 5);
    r.add("A", 1);
    CHECK(r.picks(4) == "ABCA");
    b.weight = 0;
    CHECK(r.picks(4) == "CACA");
}

TEST_CASE("ipvs::sched wlc: ties go to the most recently added; weights scale overhead", "[ipvs][sched]") {
    SchedRig r("wlc");
    ipvs::Dest& rs1 = r.add("1", 1);
    ipvs::Dest& rs2 = r.add("2", 1);  // newest: wins ties
    CHECK(r.picks(1) == "2");
    rs2.activeconns = 1;  // overhead 256 vs 0
    CHECK(r.picks(1) == "1");
    rs1.activeconns = 1;
    CHECK(r.picks(1) == "2");
    // Inactive entries count 1/256 of an active one.
    rs2.inactconns = 3;
    CHECK(r.picks(1) == "1");
    // A weight of 3 makes 3 active connections as cheap as 1 on weight 1.
    rs1.weight = 3;
    rs1.activeconns = 3;
    rs2.inactconns = 0;
    CHECK(r.picks(1) == "2");  // 768/3 == 256/1: tie, the earlier (rs2) stays
    rs1.activeconns = 2;
    CHECK(r.picks(1) == "1");
}

TEST_CASE("ipvs::sched lc, sed, nq against hand-worked states", "[ipvs][sched]") {
    SECTION("lc ignores weight magnitude") {
        SchedRig r("lc");
        ipvs::Dest& a = r.add("a", 1);
        ipvs::Dest& b = r.add("b", 100);
        a.activeconns = 1;
        b.activeconns = 2;
        CHECK(r.picks(1) == "a");
    }
    SECTION("sed uses (active + 1) / weight and ignores inactive") {
        SchedRig r("sed");
        ipvs::Dest& a = r.add("a", 1);
        ipvs::Dest& b = r.add("b", 2);
        a.activeconns = 0;  // (0+1)/1 = 1
        b.activeconns = 2;  // (2+1)/2 = 1.5
        b.inactconns = 0;
        a.inactconns = 500;
        CHECK(r.picks(1) == "a");
    }
    SECTION("nq sends to an idle server first, even a lighter one") {
        SchedRig r("nq");
        ipvs::Dest& a = r.add("a", 1);
        ipvs::Dest& b = r.add("b", 10);
        b.activeconns = 1;
        a.activeconns = 0;
        CHECK(r.picks(1) == "a");
        a.activeconns = 1;
        CHECK(r.picks(1) == "b");  // (1+1)/10 < (1+1)/1
    }
}

TEST_CASE("ipvs::sched: an overloaded destination (upper threshold) is skipped", "[ipvs][sched]") {
    Farm f;
    f.ipvsadm("-A -t 10.0.0.100:80 -s rr");
    REQUIRE(f.ipvsadm("-a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1 -x 2").ok());
    REQUIRE(f.ipvsadm("-a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 1").ok());
    http::BrowserConfig c;
    c.profile = *http::find_client_profile("ie8");
    c.schedule.kind = http::LoadSchedule::Kind::Times;
    c.schedule.times = {at(s(1))};
    f.add_browser(f.add_client(), c);
    f.run_until(at(s(5)));
    // rr would alternate 3/3; the upper threshold of 2 sets OVERLOAD at the second entry.
    CHECK(f.dest(1).stats.conns == 2);
    CHECK(f.dest(2).stats.conns == 4);
    CHECK((f.dest(1).flags & ipvs::kDestOverload) != 0);
}

SCENARIO("no usable destination: the SYN draws ICMP port unreachable and connect() is refused",
         "[ipvs][icmp]") {
    Farm f;
    f.ipvsadm("-A -t 10.0.0.100:80 -s wlc");
    f.ipvsadm("-a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0");
    RecordingApp app;
    app.sim = &f.sim;
    net::Host& c = f.add_client();
    c.tcp().connect(c.address(), {f.vip, 80}, &app, 0);
    f.run_until(at(s(1)));
    CHECK(app.error == tcp::SocketError::Refused);
    CHECK(f.director->counters().no_dest_icmp == 1);
    CHECK(f.director->connection_count() == 0);
}

SCENARIO("a stray segment for the VIP draws a RST from the director's own stack", "[ipvs][rst]") {
    Farm f;
    f.nat_service();
    RawPeer stray(f.net, "stray", Ipv4::of(198, 51, 100, 9));
    f.net.add_link(stray.node, f.router, {ms(1), 100'000'000, 0, {}, {}});
    net::Packet ack;
    ack.saddr = Ipv4::of(198, 51, 100, 9).value();
    ack.daddr = f.vip.value();
    ack.sport = 5555;
    ack.dport = 80;
    ack.seq = 1000;
    ack.ack = 2000;
    ack.flags = net::tcpflag::kAck;
    stray.inject(ack);
    f.run_until(at(ms(100)));
    REQUIRE(stray.got.size() == 1);
    CHECK(stray.got[0].rst());
    CHECK(stray.got[0].seq == 2000);
    CHECK(f.director->counters().stack_resets == 1);
}

SCENARIO("ipvsadm -e restates every option: -w 0 without -m turns NAT into DR", "[ipvs][ipvsadm]") {
    Farm f;
    f.nat_service();
    REQUIRE(f.ipvsadm("-e -t 10.0.0.100:80 -r 192.168.10.11:80 -w 0").ok());
    CHECK(f.dest(1).forward == ipvs::Forward::Route);
    CHECK(f.dest(1).weight == 0);
    REQUIRE(f.ipvsadm("-e -t 10.0.0.100:80 -r 192.168.10.11:80 -m").ok());
    CHECK(f.dest(1).forward == ipvs::Forward::Masq);
    CHECK(f.dest(1).weight == 1);  // -w omitted: back to the default 1
    REQUIRE(f.ipvsadm("-A -t 10.0.0.100:443 -s rr -p 600").ok());
    REQUIRE(f.ipvsadm("-E -t 10.0.0.100:443").ok());
    const ipvs::Service* s = f.director->find_service({ipvs::Proto::Tcp, {f.vip, 443}, 0});
    REQUIRE(s != nullptr);
    CHECK(s->sched_name == "wlc");  // -s omitted: ipvsadm's default
    CHECK_FALSE(s->persistent);     // -p omitted: persistence cleared
}

TEST_CASE("ipvsadm: listings have ipvsadm's exact layout", "[ipvs][ipvsadm]") {
    Farm f;
    f.ipvsadm("-A -t 10.0.0.100:80 -s wlc");
    f.ipvsadm("-a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1");
    f.ipvsadm("-a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 0");
    f.ipvsadm("-A -t 10.0.0.100:443 -s rr -p 300 -M 255.255.255.0");
    f.ipvsadm("-a -t 10.0.0.100:443 -r 192.168.10.11 -g -w 2");
    std::string out;
    REQUIRE(f.ipvsadm("-Ln", &out).ok());
    CHECK(out ==
          "IP Virtual Server version 1.2.1 (size=4096)\n"
          "Prot LocalAddress:Port Scheduler Flags\n"
          "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
          "TCP  10.0.0.100:80 wlc\n"
          "  -> 192.168.10.11:80             Masq    1      0          0         \n"
          "  -> 192.168.10.12:80             Masq    0      0          0         \n"
          "TCP  10.0.0.100:443 rr persistent 300 mask 255.255.255.0\n"
          "  -> 192.168.10.11:443            Route   2      0          0         \n");
    REQUIRE(f.ipvsadm("-L", &out).ok());
    CHECK(out.find("TCP  10.0.0.100:http wlc\n") != std::string::npos);
    REQUIRE(f.ipvsadm("-Ln --stats", &out).ok());
    CHECK(out.find("Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
                   "  -> RemoteAddress:Port\n"
                   "TCP  10.0.0.100:80                       0        0        0        0        0\n") !=
          std::string::npos);
    REQUIRE(f.ipvsadm("-Ln --thresholds", &out).ok());
    CHECK(out.find("  -> 192.168.10.11:80             0          0          0          0         \n") !=
          std::string::npos);
    REQUIRE(f.ipvsadm("-Ln --persistent-conn", &out).ok());
    CHECK(out.find("Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n") !=
          std::string::npos);
    REQUIRE(f.ipvsadm("-L --timeout", &out).ok());
    CHECK(out == "Timeout (tcp tcpfin udp): 900 120 300\n");
    REQUIRE(f.ipvsadm("--set 3600 60 0").ok());
    REQUIRE(f.ipvsadm("-L --timeout", &out).ok());
    CHECK(out == "Timeout (tcp tcpfin udp): 3600 60 300\n");
    REQUIRE(f.ipvsadm("-S -n", &out).ok());
    CHECK(out ==
          "-A -t 10.0.0.100:80 -s wlc\n"
          "-a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1\n"
          "-a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 0\n"
          "-A -t 10.0.0.100:443 -s rr -p 300 -M 255.255.255.0\n"
          "-a -t 10.0.0.100:443 -r 192.168.10.11:443 -g -w 2\n");
    REQUIRE(f.ipvsadm("-Lnc", &out).ok());
    CHECK(out ==
          "IPVS connection entries\npro expire state       source             virtual            "
          "destination\n");
}

TEST_CASE("ipvsadm: stats use print_largenum's units", "[ipvs][ipvsadm]") {
    Farm f;
    f.nat_service();
    auto& svc = const_cast<ipvs::Service&>(*f.director->services().front());
    svc.stats.conns = 123456789;       // >= 1e8: K
    svc.stats.inpkts = 5'000'000'000;  // >= 1e9: M
    std::string out;
    REQUIRE(f.ipvsadm("-Ln --stats", &out).ok());
    // "%-33s" then "%8lluK": 15 spaces of padding, then the 8-wide number.
    CHECK(out.find("TCP  10.0.0.100:80" + std::string(17, ' ') + "123456K    5000M") != std::string::npos);
    REQUIRE(f.ipvsadm("-Ln --stats --exact", &out).ok());
    CHECK(out.find("TCP  10.0.0.100:80" + std::string(15, ' ') + " 123456789 5000000000") !=
          std::string::npos);
}

TEST_CASE("ipvsadm: errors in ipvsadm's own words", "[ipvs][ipvsadm]") {
    using Row = std::tuple<const char*, const char*>;
    auto [line, message] = GENERATE(table<const char*, const char*>({
        Row{"-A -t 10.0.0.100:80 -s wlc -r 1.2.3.4:80",
            "Illegal 'real-server' option with the 'add-service' command"},
        Row{"-a -t 10.0.0.100:80",
            "You need to supply the 'real-server' option for the 'add-server' command"},
        Row{"-a -t 10.0.0.100:80 -r 192.168.10.11:80 -w 70000", "illegal weight specified"},
        Row{"-a -t 10.0.0.100:80 -r 192.168.10.11:80 -w -1", "illegal weight specified"},
        Row{"-e -t 10.0.0.100:80 -r 192.168.10.99:80 -m -w 1", "No such destination"},
        Row{"-d -t 10.0.0.100:81 -r 192.168.10.11:80", "Service not defined"},
        Row{"-D -t 10.0.0.100:81", "No such service"},
        Row{"-A -t 10.0.0.100:80 -s wlc", "Service already exists"},
        Row{"-a -t 10.0.0.100:80 -r 192.168.10.11:80 -m", "Destination already exists"},
        Row{"-A -t 10.0.0.100:81 -s nosuch", "Scheduler not found"},
        Row{"-A -t 10.0.0.300:80", "illegal virtual server address[:port] specified"},
        Row{"-a -t 10.0.0.100:80 -r bogus:80", "illegal real server address[:port] specified"},
        Row{"-A -t 10.0.0.100:0", "Zero port specified for non-persistent service"},
        Row{"-A -E -t 10.0.0.100:80", "multiple commands specified"},
        Row{"-a -t 10.0.0.100:80 -r 192.168.10.11:80 -w 1 -w 2", "multiple 'weight' options specified"},
        Row{"--set 900 120", "--set option requires 3 timeout values"},
        Row{"-Lnc --stats", "options conflicts in the list command"},
        Row{"-L -c -t 10.0.0.100:80",
            "The option 'service-address' conflicts with the 'connection' option in the 'list' command"},
        Row{"-A -t 10.0.0.100:82 -p abc", "invalid timeout value `abc' specified"},
        Row{"-A -t 10.0.0.100:82 x", "unexpected argument x"},
        Row{"-t 10.0.0.100:80", "Try `ipvsadm -h'"},
        Row{"-A -t 10.0.0.100:83 --frobnicate", "invalid option `--frobnicate'"},
    }));
    CAPTURE(line);
    Farm f;
    f.nat_service();
    const ipvs::AdminResult r = f.ipvsadm(line);
    CHECK_FALSE(r.ok());
    CHECK_THAT(r.message, Catch::Contains(message));
}

SCENARIO("drain (-w 0) versus delete (-d) per kernel profile", "[ipvs][drain]") {
    // One browser with six keep-alive connections spread over RS1 and RS2; at 10 s RS1 is
    // drained or deleted; the browser reloads at 12 s on its (idle) kept-alive connections.
    struct Outcome {
        uint64_t failed = 0, retries = 0, ok = 0, aborted = 0;
        uint32_t rs1_entries_before = 0;
        uint32_t rs1_entries_after = 0;
        uint64_t dropped_nodest = 0;
        uint64_t rs1_new_conns = 0;
    };
    const auto run = [](const std::string& kernel, const std::string& cmd, int expire_nodest) {
        Farm f(*ipvs::find_kernel_profile(kernel));
        f.nat_service();
        f.director->set_sysctl("expire_nodest_conn", expire_nodest);
        http::BrowserConfig c;
        c.profile = *http::find_client_profile("ie8");
        c.schedule.kind = http::LoadSchedule::Kind::Times;
        c.schedule.times = {at(s(1)), at(s(12)), at(s(40))};
        f.add_browser(f.add_client(), c);
        f.run_until(at(s(10)));
        const uint64_t rs1_conns_before = f.dest(1).stats.conns;
        uint32_t rs1_entries_before = 0;
        for (const ipvs::Conn* e : f.director->connections())
            if (e->dest_addr.addr == Ipv4::of(192, 168, 10, 11)) ++rs1_entries_before;
        REQUIRE(rs1_entries_before > 0);
        REQUIRE(f.ipvsadm(cmd).ok());
        f.run_until(at(s(12) + ms(500)));
        Outcome o;
        o.rs1_entries_before = rs1_entries_before;
        for (const ipvs::Conn* e : f.director->connections())
            if (e->dest_addr.addr == Ipv4::of(192, 168, 10, 11)) ++o.rs1_entries_after;
        f.run_until(at(s(39)));
        o.failed = f.stats.objects_failed;
        o.retries = f.stats.retries;
        o.ok = f.stats.objects_ok;
        o.aborted = f.stats.objects_aborted;
        o.dropped_nodest = f.director->counters().dropped_nodest;
        if (cmd.find("-w 0") != std::string::npos) o.rs1_new_conns = f.dest(1).stats.conns - rs1_conns_before;
        return o;
    };
    for (const std::string kernel : {"current", "4.8-5.8", "3.10-4.1"}) {
        GIVEN("kernel profile " + kernel) {
            WHEN("RS1 is quiesced with -w 0") {
                const Outcome o = run(kernel, "-e -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 0", 0);
                THEN(
                    "its keep-alive connections keep working and nothing fails; no new connection goes "
                    "there") {
                    CHECK(o.failed == 0);
                    CHECK(o.ok == 82);
                    CHECK(o.rs1_entries_after == o.rs1_entries_before);
                    CHECK(o.rs1_new_conns == 0);
                }
            }
            WHEN("RS1 is deleted with expire_nodest_conn=0") {
                const Outcome o = run(kernel, "-d -t 10.0.0.100:80 -r 192.168.10.11:80", 0);
                THEN("its entries stay, the requests on them are silently dropped and stall") {
                    CHECK(o.rs1_entries_after == o.rs1_entries_before);
                    CHECK(o.dropped_nodest > 0);
                    CHECK(o.ok < 82);
                    CHECK(o.failed == 0);  // stalled, not failed: the next reload aborts them
                }
            }
            WHEN("RS1 is deleted with expire_nodest_conn=1") {
                const Outcome o = run(kernel, "-d -t 10.0.0.100:80 -r 192.168.10.11:80", 1);
                THEN("requests on RS1's connections are reset and retried on fresh connections") {
                    CHECK(o.failed == 0);
                    CHECK(o.ok == 82);
                    CHECK(o.retries >= 1);
                    if (kernel == "current")
                        CHECK(o.rs1_entries_after == 0);  // flushed a jiffy after -d (5.9+)
                }
            }
        }
    }
}

SCENARIO("persistence overrides quiescing unless expire_quiescent_template", "[ipvs][persistence]") {
    const auto run = [](int eqt) {
        Farm f;
        f.ipvsadm("-A -t 10.0.0.100:80 -s rr -p 300");
        f.ipvsadm("-a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1");
        f.ipvsadm("-a -t 10.0.0.100:80 -r 192.168.10.12:80 -m -w 1");
        f.director->set_sysctl("expire_quiescent_template", eqt);
        http::BrowserConfig c;
        c.profile = *http::find_client_profile("ie8");
        c.profile.keepalive_timeout = s(2);  // connections close quickly: reloads open new ones
        c.schedule.kind = http::LoadSchedule::Kind::Times;
        c.schedule.times = {at(s(1)), at(s(20))};
        f.add_browser(f.add_client(), c);
        f.run_until(at(s(10)));
        // Every connection of the client went to the template's server.
        const int chosen = f.dest(1).stats.conns > 0 ? 1 : 2;
        CHECK(f.dest(3 - chosen).stats.conns == 0);
        std::string out;
        f.ipvsadm("-Ln --persistent-conn", &out);
        CHECK(out.find("1           ") != std::string::npos);  // PersistConn 1 on the chosen one
        f.ipvsadm("-e -t 10.0.0.100:80 -r 192.168.10." + std::to_string(10 + chosen) + ":80 -m -w 0");
        const uint64_t before = f.dest(chosen).stats.conns;
        f.run_until(at(s(30)));
        return std::make_pair(f.dest(chosen).stats.conns - before, f.dest(3 - chosen).stats.conns);
    };
    WHEN("expire_quiescent_template=0") {
        const auto [to_quiesced, to_other] = run(0);
        THEN("the client's new connections still go to the weight-0 server") {
            CHECK(to_quiesced > 0);
            CHECK(to_other == 0);
        }
    }
    WHEN("expire_quiescent_template=1") {
        const auto [to_quiesced, to_other] = run(1);
        THEN("the template is invalidated and a new server is chosen") {
            CHECK(to_quiesced == 0);
            CHECK(to_other > 0);
        }
    }
}

SCENARIO("a deleted destination goes to the trash and a later -a revives it", "[ipvs][trash]") {
    Farm f;
    f.nat_service();
    http::BrowserConfig c;
    c.profile = *http::find_client_profile("ie8");
    c.schedule.kind = http::LoadSchedule::Kind::Times;
    c.schedule.times = {at(s(1))};
    f.add_browser(f.add_client(), c);
    f.run_until(at(s(10)));
    const uint64_t conns = f.dest(1).stats.conns;
    REQUIRE(conns > 0);
    f.ipvsadm("-d -t 10.0.0.100:80 -r 192.168.10.11:80");
    CHECK(f.director->trash().size() == 1);
    std::string out;
    f.ipvsadm("-Ln", &out);
    CHECK(out.find("192.168.10.11") == std::string::npos);
    f.ipvsadm("-a -t 10.0.0.100:80 -r 192.168.10.11:80 -m -w 1");
    CHECK(f.director->trash().empty());
    CHECK(f.dest(1).stats.conns == conns);  // the same object: counters continue
    CHECK(f.dest(1).activeconns == 3);
}

SCENARIO("port reuse: conn_reuse_mode reschedules, and conntrack=1 costs one second on 4.x kernels",
         "[ipvs][reuse]") {
    // A client reuses the source port of a connection whose IPVS entry is still in TIME_WAIT.
    const auto run = [](const std::string& kernel, int conntrack) {
        Farm f(*ipvs::find_kernel_profile(kernel));
        f.nat_service();
        f.director->set_sysctl("conntrack", conntrack);
        net::Host& client = f.add_client();
        RecordingApp a;
        a.sim = &f.sim;
        tcp::TcpConn* c = client.tcp().connect(client.address(), {f.vip, 80}, &a, 0);
        f.run_until(at(s(1)));
        const net::Port port = c->tuple().local.port;
        c->close();
        f.run_until(at(s(70)));  // the client's TIME_WAIT (60 s) is over; the director's (120 s) is not
        REQUIRE(f.director->connection_count() == 1);
        REQUIRE(f.director->connections().front()->state == ConnState::TimeWait);
        // Reconnect from the same port (what a client that wraps its port range does).
        RecordingApp b;
        b.sim = &f.sim;
        const Time t0 = f.sim.now();
        tcp::TcpConn* again = client.tcp().connect_from({client.address(), port}, {f.vip, 80}, &b, 0);
        REQUIRE(again != nullptr);
        f.run_until(t0 + s(5));
        REQUIRE(!b.times.empty());
        return std::make_pair((b.times.back() - t0).seconds(), f.director->counters().dropped_conntrack);
    };
    THEN("without conntrack the SYN is rescheduled at once") {
        const auto [took, drops] = run("current", 0);
        CHECK(took < 0.1);
        CHECK(drops == 0);
    }
    THEN("with conntrack=1 on 4.8-5.8 the first SYN is dropped: connect takes ~1 s") {
        const auto [took, drops] = run("4.8-5.8", 1);
        CHECK(took > 1.0);
        CHECK(took < 1.2);
        CHECK(drops == 1);
    }
    THEN(
        "with conntrack=1 on a current kernel the reused tuple gets a fresh, unconfirmed conntrack: no "
        "drop") {
        const auto [took, drops] = run("current", 1);
        CHECK(took < 0.1);
        CHECK(drops == 0);
    }
}
