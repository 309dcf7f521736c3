#include "models/tcp/ss.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace lvs::tcp {

namespace {

struct Row {
    std::string state, recv_q, send_q, local_addr, local_port, peer_addr, peer_port, info;
    net::Endpoint local, peer;
    bool listener = false;
};

std::string ms(uint32_t us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", us / 1000.0);
    return buf;
}

// ss -i's line for one connection (iproute2 misc/ss.c tcp_stats_print(), in its order; a
// figure is printed only when it is non-zero, as ss does).
std::string info_line(const TcpConn& c) {
    const TcpInfo i = c.info();
    std::string out = "\t";
    if (i.sack_ok) out += " sack";
    out += " " + std::string(to_string(i.ca));
    if (i.wscale_ok) out += " wscale:" + std::to_string(i.snd_wscale) + "," + std::to_string(i.rcv_wscale);
    out += " rto:" + ms(i.rto_us);
    if (i.backoff != 0) out += " backoff:" + std::to_string(i.backoff);
    if (i.rtt_us != 0) out += " rtt:" + ms(i.rtt_us) + "/" + ms(i.rttvar_us);
    if (i.ato_us != 0) out += " ato:" + ms(i.ato_us);
    out += " mss:" + std::to_string(net::kMss) + " rcvmss:" + std::to_string(i.rcv_mss);
    out += " advmss:" + std::to_string(net::kMss);
    out += " cwnd:" + std::to_string(i.cwnd);
    if (i.ssthresh < 0xFFFF) out += " ssthresh:" + std::to_string(i.ssthresh);
    out += " lastsnd:" + std::to_string(i.since_send.ns() / 1'000'000) +
           " lastrcv:" + std::to_string(i.since_receive.ns() / 1'000'000);
    if (i.unacked != 0) out += " unacked:" + std::to_string(i.unacked);
    if (i.retrans_out != 0 || i.total_retrans != 0)
        out += " retrans:" + std::to_string(i.retrans_out) + "/" + std::to_string(i.total_retrans);
    if (i.lost_out != 0) out += " lost:" + std::to_string(i.lost_out);
    if (i.sacked_out != 0) out += " sacked:" + std::to_string(i.sacked_out);
    if (i.reordering != 3) out += " reordering:" + std::to_string(i.reordering);
    if (i.rcv_rtt_us != 0) out += " rcv_rtt:" + ms(i.rcv_rtt_us);
    if (i.rcv_space != 0) out += " rcv_space:" + std::to_string(i.rcv_space);
    if (i.rcv_ssthresh != 0) out += " rcv_ssthresh:" + std::to_string(i.rcv_ssthresh);
    if (i.min_rtt_us != 0) out += " minrtt:" + ms(i.min_rtt_us);
    if (i.snd_wnd != 0) out += " snd_wnd:" + std::to_string(i.snd_wnd);
    if (i.rcv_wnd != 0) out += " rcv_wnd:" + std::to_string(i.rcv_wnd);
    return out;
}

std::string pad_right(const std::string& s, size_t w) {
    return s.size() >= w ? s : s + std::string(w - s.size(), ' ');
}
std::string pad_left(const std::string& s, size_t w) {
    return s.size() >= w ? s : std::string(w - s.size(), ' ') + s;
}

}  // namespace

std::string_view ss_state(TcpState s) {
    switch (s) {
        case TcpState::Closed: return "UNCONN";
        case TcpState::Listen: return "LISTEN";
        case TcpState::SynSent: return "SYN-SENT";
        case TcpState::SynReceived: return "SYN-RECV";
        case TcpState::Established: return "ESTAB";
        case TcpState::FinWait1: return "FIN-WAIT-1";
        case TcpState::FinWait2: return "FIN-WAIT-2";
        case TcpState::CloseWait: return "CLOSE-WAIT";
        case TcpState::Closing: return "CLOSING";
        case TcpState::LastAck: return "LAST-ACK";
        case TcpState::TimeWait: return "TIME-WAIT";
        case TcpState::Count: break;
    }
    return "?";
}

std::string ss_listing(const TcpStack& stack, bool info) {
    std::vector<Row> rows;
    for (const auto& l : stack.listeners()) {
        if (!l->open()) continue;
        Row r;
        r.listener = true;
        r.state = "LISTEN";
        r.recv_q = std::to_string(l->queued());
        r.send_q =
            std::to_string(std::min<uint64_t>(l->backlog(), static_cast<uint64_t>(stack.sysctl().somaxconn)));
        r.local = l->local();
        r.local_addr = r.local.addr.is_zero() ? "0.0.0.0" : r.local.addr.str();
        r.local_port = std::to_string(r.local.port);
        r.peer_addr = "0.0.0.0";
        r.peer_port = "*";
        rows.push_back(std::move(r));
    }
    std::vector<Row> conns;
    stack.for_each_connection([&](const TcpConn& c) {
        if (c.state() == TcpState::Closed) return;
        Row r;
        r.state = std::string(ss_state(c.state()));
        const bool tw = c.state() == TcpState::TimeWait;
        r.recv_q = std::to_string(tw || c.app() == nullptr ? 0 : c.app()->unread(c));
        r.send_q = std::to_string(tw ? 0 : c.info().send_queue);
        r.local = c.tuple().local;
        r.peer = c.tuple().remote;
        r.local_addr = r.local.addr.str();
        r.local_port = std::to_string(r.local.port);
        r.peer_addr = r.peer.addr.str();
        r.peer_port = std::to_string(r.peer.port);
        if (info && !tw) r.info = info_line(c);
        conns.push_back(std::move(r));
    });
    std::sort(conns.begin(), conns.end(), [](const Row& a, const Row& b) {
        if (a.local.addr != b.local.addr) return a.local.addr < b.local.addr;
        if (a.local.port != b.local.port) return a.local.port < b.local.port;
        if (a.peer.addr != b.peer.addr) return a.peer.addr < b.peer.addr;
        return a.peer.port < b.peer.port;
    });
    rows.insert(rows.end(), conns.begin(), conns.end());
    size_t w_state = 5, w_rq = 6, w_sq = 6, w_la = 13, w_lp = 4, w_pa = 12, w_pp = 4;
    for (const Row& r : rows) {
        w_state = std::max(w_state, r.state.size());
        w_rq = std::max(w_rq, r.recv_q.size());
        w_sq = std::max(w_sq, r.send_q.size());
        w_la = std::max(w_la, r.local_addr.size());
        w_lp = std::max(w_lp, r.local_port.size());
        w_pa = std::max(w_pa, r.peer_addr.size());
        w_pp = std::max(w_pp, r.peer_port.size());
    }
    std::string out = pad_right("State", w_state) + " " + pad_right("Recv-Q", w_rq) + " " +
                      pad_right("Send-Q", w_sq) + " " + pad_left("Local Address", w_la) + ":" +
                      pad_right("Port", w_lp) + " " + pad_left("Peer Address", w_pa) + ":" +
                      pad_right("Port", w_pp) + " Process\n";
    for (const Row& r : rows) {
        out += pad_right(r.state, w_state) + " " + pad_right(r.recv_q, w_rq) + " " +
               pad_right(r.send_q, w_sq) + " " + pad_left(r.local_addr, w_la) + ":" +
               pad_right(r.local_port, w_lp) + " " + pad_left(r.peer_addr, w_pa) + ":" +
               pad_right(r.peer_port, w_pp) + "\n";
        if (!r.info.empty()) out += r.info + "\n";
    }
    return out;
}

}  // namespace lvs::tcp
