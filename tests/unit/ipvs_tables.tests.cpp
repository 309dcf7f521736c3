// Every cell of IPVS's TCP transition tables, driven through a real director: an entry is put
// into the cell's state, a segment of the cell's event arrives in the cell's direction, and the
// entry's new state and the ActiveConn/InActConn counters are checked.
//
// The expected tables are the spec's (ipvs-tcp-http.md sections 1.4 and 1.5), kept here as
// text in the spec's own layout so that a reviewer can hold them side by side.
#include <catch2/catch.hpp>
#include <sstream>

#include "support/lvs_harness.hpp"

using namespace lvs;
using namespace lvs::testing;
using ipvs::ConnState;

namespace {

constexpr const char* kSpecTables = R"(
INPUT
syn | SYN_RECV | ESTABLISHED | ESTABLISHED | SYN_RECV | SYN_RECV | SYN_RECV | SYN_RECV | SYN_RECV | SYN_RECV | SYN_RECV | SYN_RECV
fin | CLOSE | CLOSE_WAIT | SYN_SENT | TIME_WAIT | TIME_WAIT | TIME_WAIT | CLOSE | CLOSE_WAIT | LAST_ACK | LISTEN | TIME_WAIT
ack | ESTABLISHED | ESTABLISHED | SYN_SENT | ESTABLISHED | FIN_WAIT | TIME_WAIT | CLOSE | CLOSE_WAIT | CLOSE | LISTEN | ESTABLISHED
rst | CLOSE | CLOSE | CLOSE | SYN_RECV | CLOSE | CLOSE | CLOSE | CLOSE | LAST_ACK | LISTEN | SYN_RECV
OUTPUT
syn | SYN_SENT | ESTABLISHED | SYN_SENT | SYN_RECV | SYN_SENT | SYN_SENT | SYN_SENT | SYN_SENT | SYN_SENT | LISTEN | SYN_RECV
fin | TIME_WAIT | FIN_WAIT | SYN_SENT | TIME_WAIT | FIN_WAIT | TIME_WAIT | CLOSE | TIME_WAIT | LAST_ACK | LISTEN | TIME_WAIT
ack | ESTABLISHED | ESTABLISHED | SYN_SENT | ESTABLISHED | FIN_WAIT | TIME_WAIT | CLOSE | CLOSE_WAIT | LAST_ACK | ESTABLISHED | ESTABLISHED
rst | CLOSE | CLOSE | SYN_SENT | CLOSE | CLOSE | TIME_WAIT | CLOSE | CLOSE | CLOSE | CLOSE | CLOSE
INPUT_ONLY
syn | SYN_RECV | ESTABLISHED | ESTABLISHED | SYN_RECV | SYN_RECV | SYN_RECV | SYN_RECV | SYN_RECV | SYN_RECV | SYN_RECV | SYN_RECV
fin | CLOSE | FIN_WAIT | SYN_SENT | TIME_WAIT | FIN_WAIT | TIME_WAIT | CLOSE | CLOSE_WAIT | LAST_ACK | LISTEN | TIME_WAIT
ack | ESTABLISHED | ESTABLISHED | SYN_SENT | ESTABLISHED | FIN_WAIT | TIME_WAIT | CLOSE | CLOSE_WAIT | CLOSE | LISTEN | ESTABLISHED
rst | CLOSE | CLOSE | CLOSE | SYN_RECV | CLOSE | CLOSE | CLOSE | CLOSE | LAST_ACK | LISTEN | CLOSE
)";

// secure_tcp (dos) tables: the normal ones with the cells of section 1.5 changed.
constexpr const char* kDosChanges = R"(
INPUT syn SYNACK SYNACK
INPUT fin SYNACK SYNACK
INPUT ack SYN_RECV SYN_RECV
INPUT ack SYNACK SYNACK
INPUT rst SYNACK CLOSE
OUTPUT syn SYN_RECV SYNACK
OUTPUT syn SYNACK SYNACK
INPUT_ONLY syn NONE SYNACK
INPUT_ONLY syn FIN_WAIT SYNACK
INPUT_ONLY syn TIME_WAIT SYNACK
INPUT_ONLY syn CLOSE SYNACK
INPUT_ONLY syn CLOSE_WAIT SYNACK
INPUT_ONLY syn LAST_ACK SYNACK
INPUT_ONLY syn LISTEN SYNACK
INPUT_ONLY syn SYNACK SYNACK
)";

struct Cell {
    std::string dir;
    std::string event;
    ConnState from;
    ConnState to;
};

std::vector<Cell> cells(bool dos) {
    std::vector<Cell> out;
    std::istringstream in(kSpecTables);
    std::string line, dir;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        if (line.find('|') == std::string::npos) {
            dir = line;
            continue;
        }
        std::vector<std::string> parts;
        std::istringstream ls(line);
        std::string part;
        while (std::getline(ls, part, '|')) {
            part.erase(0, part.find_first_not_of(' '));
            part.erase(part.find_last_not_of(' ') + 1);
            parts.push_back(part);
        }
        REQUIRE(parts.size() == 12);
        for (size_t k = 1; k < parts.size(); ++k)
            out.push_back({dir, parts[0], static_cast<ConnState>(k - 1), *ipvs::state_from_string(parts[k])});
    }
    if (dos) {
        std::istringstream ch(kDosChanges);
        std::string d, e, from, to;
        while (ch >> d >> e >> from >> to)
            for (Cell& c : out)
                if (c.dir == d && c.event == e && c.from == *ipvs::state_from_string(from))
                    c.to = *ipvs::state_from_string(to);
    }
    return out;
}

uint8_t flags_of(const std::string& e) {
    namespace f = net::tcpflag;
    if (e == "syn") return f::kSyn;
    if (e == "fin") return f::kFin | f::kAck;
    if (e == "ack") return f::kAck;
    return f::kRst;
}

// A director with one NAT realserver and one DR realserver (raw peers that just record).
struct CellRig {
    Simulator sim{2};
    net::Network net{sim};
    ipvs::Director director{net, "director", Ipv4::of(10, 0, 0, 1), ipvs::current_kernel(),
                            tcp::linux6_profile()};
    RawPeer client{net, "client", Ipv4::of(203, 0, 113, 7)};
    RawPeer nat_rs{net, "rs-nat", Ipv4::of(192, 168, 10, 11)};
    RawPeer dr_rs{net, "rs-dr", Ipv4::of(192, 168, 10, 12)};
    CellRig() {
        const auto lan = net.add_node("lan", net::NodeKind::Switch);
        for (net::NodeId n : {director.node(), client.node, nat_rs.node, dr_rs.node})
            net.add_link(n, lan, {us(10), 1'000'000'000, 0, {}, {}});
        net.set_gateway(nat_rs.node, director.node());
        director.add_realserver(Ipv4::of(192, 168, 10, 11), nat_rs.node, "rs-nat");
        director.add_realserver(Ipv4::of(192, 168, 10, 12), dr_rs.node, "rs-dr");
        director.set_sysctl("conn_reuse_mode", 0);  // a SYN moves the same entry, as the table says
    }
    void send(RawPeer& from, uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport, uint8_t flags) {
        net::Packet p;
        p.saddr = saddr;
        p.daddr = daddr;
        p.sport = sport;
        p.dport = dport;
        p.flags = flags;
        from.inject(p);
        sim.run_until(sim.now() + ms(1));
    }
};

}  // namespace

TEST_CASE("ipvs::TcpTable: every cell, driven through the director", "[ipvs][fsm]") {
    const bool dos = GENERATE(false, true);
    const auto all = cells(dos);
    REQUIRE(all.size() == 132);
    const Cell& c = all[GENERATE_COPY(range(size_t{0}, all.size()))];
    CAPTURE(dos, c.dir, c.event, ipvs::to_string(c.from), ipvs::to_string(c.to));
    CellRig r;
    if (dos) REQUIRE(r.director.set_sysctl("secure_tcp", 3).empty());
    const bool dr = c.dir == "INPUT_ONLY";
    const uint32_t vip = Ipv4::of(10, 0, 0, 100).value();
    const uint32_t client = Ipv4::of(203, 0, 113, 7).value();
    REQUIRE(r.director.add_service({{ipvs::Proto::Tcp, {Ipv4::of(10, 0, 0, 100), 80}, 0}, "rr"}).ok());
    REQUIRE(r.director
                .add_dest({ipvs::Proto::Tcp, {Ipv4::of(10, 0, 0, 100), 80}, 0},
                          {{Ipv4::of(192, 168, 10, dr ? 12 : 11), 80},
                           dr ? ipvs::Forward::Route : ipvs::Forward::Masq,
                           1,
                           0,
                           0})
                .ok());
    // The entry is born from the client's SYN, then put into the cell's state.
    r.send(r.client, client, 40000, vip, 80, net::tcpflag::kSyn);
    REQUIRE(r.director.connection_count() == 1);
    const uint64_t id = r.director.connections().front()->id;
    r.director.force_state(id, c.from);
    if (c.dir == "OUTPUT")
        r.send(r.nat_rs, Ipv4::of(192, 168, 10, 11).value(), 80, client, 40000, flags_of(c.event));
    else r.send(r.client, client, 40000, vip, 80, flags_of(c.event));
    REQUIRE(r.director.connection_count() == 1);
    const ipvs::Conn& e = *r.director.connections().front();
    CHECK(e.id == id);
    CHECK(ipvs::to_string(e.state) == ipvs::to_string(c.to));
    // Counters follow the state (current kernel: SYN_SENT/SYN_RECV/SYNACK/ESTABLISHED active).
    const bool active = c.to == ConnState::Established || c.to == ConnState::SynSent ||
                        c.to == ConnState::SynRecv || c.to == ConnState::SynAck;
    const ipvs::Dest* d = r.director.find_dest({ipvs::Proto::Tcp, {Ipv4::of(10, 0, 0, 100), 80}, 0},
                                               {Ipv4::of(192, 168, 10, dr ? 12 : 11), 80});
    REQUIRE(d != nullptr);
    CHECK(d->activeconns == (active ? 1u : 0u));
    CHECK(d->inactconns == (active ? 0u : 1u));
    // The entry's timer was set from the new state's timeout.
    const Duration expect = c.to == ConnState::Established ? s(900) : ipvs::default_timeout(c.to);
    CHECK(e.timeout == expect);
}

TEST_CASE("ipvs::TcpTable: a segment without SYN/FIN/ACK/RST forces CLOSE", "[ipvs][fsm]") {
    CellRig r;
    const uint32_t vip = Ipv4::of(10, 0, 0, 100).value();
    const uint32_t client = Ipv4::of(203, 0, 113, 7).value();
    REQUIRE(r.director.add_service({{ipvs::Proto::Tcp, {Ipv4::of(10, 0, 0, 100), 80}, 0}, "rr"}).ok());
    REQUIRE(r.director
                .add_dest({ipvs::Proto::Tcp, {Ipv4::of(10, 0, 0, 100), 80}, 0},
                          {{Ipv4::of(192, 168, 10, 11), 80}, ipvs::Forward::Masq, 1, 0, 0})
                .ok());
    r.send(r.client, client, 40000, vip, 80, net::tcpflag::kSyn);
    r.send(r.client, client, 40000, vip, 80, net::tcpflag::kAck);
    REQUIRE(r.director.connections().front()->state == ConnState::Established);
    r.send(r.client, client, 40000, vip, 80, net::tcpflag::kPsh);
    CHECK(r.director.connections().front()->state == ConnState::Close);
}

TEST_CASE("ipvs::Counters: pre-4.8 kernels count only ESTABLISHED as active", "[ipvs][counters]") {
    const auto run = [](const ipvs::KernelProfile& k) {
        Simulator sim(2);
        net::Network net(sim);
        ipvs::Director director(net, "director", Ipv4::of(10, 0, 0, 1), k, tcp::linux6_profile());
        RawPeer client(net, "client", Ipv4::of(203, 0, 113, 7));
        RawPeer rs(net, "rs", Ipv4::of(192, 168, 10, 11));
        const auto lan = net.add_node("lan", net::NodeKind::Switch);
        for (net::NodeId n : {director.node(), client.node, rs.node})
            net.add_link(n, lan, {us(10), 1'000'000'000, 0, {}, {}});
        net.set_gateway(rs.node, director.node());
        const ipvs::ServiceKey key{ipvs::Proto::Tcp, {Ipv4::of(10, 0, 0, 100), 80}, 0};
        director.add_service({key, "rr"});
        director.add_dest(key, {{Ipv4::of(192, 168, 10, 11), 80}, ipvs::Forward::Masq, 1, 0, 0});
        net::Packet syn;
        syn.saddr = Ipv4::of(203, 0, 113, 7).value();
        syn.daddr = Ipv4::of(10, 0, 0, 100).value();
        syn.sport = 40000;
        syn.dport = 80;
        syn.flags = net::tcpflag::kSyn;
        client.inject(syn);
        sim.run_until(at(ms(5)));
        const ipvs::Dest* d = director.find_dest(key, {Ipv4::of(192, 168, 10, 11), 80});
        return std::make_pair(d->activeconns, d->inactconns);
    };
    CHECK(run(ipvs::current_kernel()) == std::pair<uint32_t, uint32_t>{1, 0});  // SYN_RECV active
    CHECK(run(*ipvs::find_kernel_profile("3.10-4.1")) ==
          std::pair<uint32_t, uint32_t>{0, 1});  // SYN_RECV inactive
}
