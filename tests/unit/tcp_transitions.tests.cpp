// Every row of the TCP transition table, driven for real: a host's TCP is brought into the
// row's state by a raw peer that exchanges hand-made segments with it, the row's event is
// caused, and the endpoint's own trace must show exactly that transition.
#include <catch2/catch.hpp>

#include "support/tcp_harness.hpp"

using namespace lvs;
using namespace lvs::testing;
using tcp::TcpEvent;
using tcp::TcpState;
namespace flag = net::tcpflag;

namespace {

struct Driver {
    Simulator sim{3};
    net::Network net{sim};
    net::Host host{net, "host", tcp::linux6_profile()};
    RawPeer peer{net, "peer", Ipv4::of(10, 0, 0, 2)};
    RecorderSink rec;
    RecordingApp app;
    tcp::TcpConn* conn = nullptr;
    tcp::Listener* listener = nullptr;
    net::Port host_port = 0;
    net::Port peer_port = 80;
    uint32_t peer_next = 7000;  // the peer's next sequence number
    uint32_t host_fin = 0;

    Driver() {
        host.add_address(Ipv4::of(10, 0, 0, 1));
        const auto r = net.add_node("router", net::NodeKind::Router);
        net.add_link(host.node(), r, {ms(5), 100'000'000, 0, {}, {}});
        net.add_link(r, peer.node, {ms(5), 100'000'000, 0, {}, {}});
        net.finalize();
        sim.trace().subscribe(rec);
        app.sim = &sim;
        app.close_on_eof = false;
    }
    void settle(Duration d = ms(50)) { sim.run_until(sim.now() + d); }
    uint32_t host_next() const {
        const net::Packet& p = peer.last();
        return p.seq + p.seq_len();
    }
    void inject(uint8_t flags, uint32_t ack, uint32_t len = 0) {
        net::Packet p;
        p.saddr = Ipv4::of(10, 0, 0, 2).value();
        p.daddr = Ipv4::of(10, 0, 0, 1).value();
        p.sport = peer_port;
        p.dport = host_port;
        p.seq = peer_next;
        p.ack = ack;
        p.flags = flags;
        p.len = len;
        peer.inject(p);
        peer_next += p.seq_len();
        settle();
    }
    void find_conn() {
        conn = host.tcp().find({{Ipv4::of(10, 0, 0, 1), host_port}, {Ipv4::of(10, 0, 0, 2), peer_port}});
    }

    void active_open() {
        conn = host.tcp().connect(Ipv4::of(10, 0, 0, 1), {Ipv4::of(10, 0, 0, 2), 80}, &app, 0);
        settle();
        host_port = peer.last().sport;
    }
    void passive_syn() {
        listener = &host.tcp().listen({Ipv4(), 80}, 16, &app);
        host_port = 80;
        peer_port = 40000;
        inject(flag::kSyn, 0);
        find_conn();
    }
    void to(TcpState s) {
        switch (s) {
            case TcpState::Closed: return;
            case TcpState::Listen: listener = &host.tcp().listen({Ipv4(), 80}, 16, &app); return;
            case TcpState::SynSent: active_open(); return;
            case TcpState::SynReceived: passive_syn(); return;
            case TcpState::Established:
                active_open();
                inject(flag::kSyn | flag::kAck, host_next());
                return;
            case TcpState::FinWait1:
                to(TcpState::Established);
                conn->close();
                settle();
                host_fin = peer.last().seq;
                return;
            case TcpState::FinWait2:
                to(TcpState::FinWait1);
                inject(flag::kAck, host_fin + 1);
                return;
            case TcpState::CloseWait:
                to(TcpState::Established);
                inject(flag::kFin | flag::kAck, host_next());
                return;
            case TcpState::Closing:
                to(TcpState::FinWait1);
                inject(flag::kFin | flag::kAck, host_fin);  // their FIN crosses ours
                return;
            case TcpState::LastAck:
                to(TcpState::CloseWait);
                conn->close();
                settle();
                host_fin = peer.last().seq;
                return;
            case TcpState::TimeWait:
                to(TcpState::FinWait2);
                inject(flag::kFin | flag::kAck, host_fin + 1);
                return;
            default: FAIL("unreachable state");
        }
    }
    void fire(TcpState from, TcpEvent e) {
        switch (e) {
            case TcpEvent::AppConnect: active_open(); return;
            case TcpEvent::AppListen: listener = &host.tcp().listen({Ipv4(), 80}, 16, &app); return;
            case TcpEvent::AppClose:
                if (from == TcpState::Listen) listener->close();
                else conn->close();
                settle();
                return;
            case TcpEvent::AppAbort:
                conn->abort();
                settle();
                return;
            case TcpEvent::RecvSyn:
                if (from == TcpState::Listen) {
                    host_port = 80;
                    peer_port = 40000;
                }
                inject(flag::kSyn, 0);
                return;
            case TcpEvent::RecvSynAck: inject(flag::kSyn | flag::kAck, host_next()); return;
            case TcpEvent::RecvAck: inject(flag::kAck, host_next()); return;
            case TcpEvent::RecvFin:
                inject(flag::kFin | flag::kAck, from == TcpState::FinWait1 ? host_fin : host_next());
                return;
            case TcpEvent::RecvFinAck: inject(flag::kFin | flag::kAck, host_fin + 1); return;
            case TcpEvent::RecvRst:
                // In SYN_SENT a RST counts only when it acknowledges our SYN (RFC 793).
                if (from == TcpState::SynSent) inject(flag::kRst | flag::kAck, host_next());
                else inject(flag::kRst, 0);
                return;
            case TcpEvent::Timeout:
                // The peer stays silent; data in flight makes the established states time out.
                if ((from == TcpState::Established || from == TcpState::CloseWait) && conn != nullptr) {
                    net::AppMessage m;
                    m.bytes = 300;
                    REQUIRE(conn->send(m) == tcp::SocketError::None);
                }
                settle(s(2000));
                return;
            default: FAIL("no driver for event");
        }
    }
    bool saw(TcpState from, TcpEvent e, TcpState to_state) const {
        for (const auto& r : rec.records())
            if (r.kind == "tcp.state" && r.get_text("from") == tcp::to_string(from) &&
                r.get_text("to") == tcp::to_string(to_state) && r.get_text("event") == tcp::to_string(e))
                return true;
        return false;
    }
};

}  // namespace

TEST_CASE("tcp::TcpConn: every transition of the table happens for real", "[tcp][fsm]") {
    const auto rows = tcp::tcp_transitions();
    const size_t i = GENERATE_COPY(range(size_t{0}, rows.size()));
    const tcp::TcpTransition& row = rows[i];
    CAPTURE(tcp::to_string(row.from), tcp::to_string(row.event), tcp::to_string(row.to), row.action);
    Driver d;
    d.to(row.from);
    if (row.from != TcpState::Closed && row.from != TcpState::Listen) {
        d.find_conn();
        REQUIRE(d.conn != nullptr);
        REQUIRE(d.conn->state() == row.from);
    }
    d.fire(row.from, row.event);
    CHECK(d.saw(row.from, row.event, row.to));
}

TEST_CASE("tcp::TcpConn: the table covers every state", "[tcp][fsm]") {
    // Each state must be left by at least one row (no dead ends) except CLOSED's own rows.
    for (size_t s = 0; s < tcp::kTcpStateCount; ++s) {
        bool leaves = false;
        for (const auto& row : tcp::tcp_transitions()) leaves |= row.from == static_cast<TcpState>(s);
        CAPTURE(tcp::to_string(static_cast<TcpState>(s)));
        CHECK(leaves);
    }
}
