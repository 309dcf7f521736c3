// One object's transfer time over one path on ns-3 (Debian's 3.37), for the comparison with
// `lvsim-bench transfer` (tests/bench/transfer.cpp; tests/bench/compare-ns3-transfer.sh runs
// both, tests/bench/ns3-transfer.md records the table and explains the differences).
//
//   client --[B bit/s, RTT/4, drop-tail of Q packets]-- router --[10 x B, RTT/4]-- server
//
// The client connects, sends a 300-byte request once connected, and the server answers with N
// bytes in one write (as lvsim's bench does; a BulkSendApplication on the server would open the
// connection from the server and start half a round trip earlier). Printed: the simulated
// time from the client's Connect() (its SYN) to the object's last byte at the client, and the
// bottleneck's queue drops, in lvsim-bench transfer's format.
//
// usage: ns3-transfer reno|cubic|bbr BYTES BPS RTT_MS QUEUE_PACKETS [LOSS [SEED]]
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>
#include <ns3/traffic-control-module.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace ns3;

namespace {

constexpr uint16_t kPort = 80;
constexpr uint32_t kRequestBytes = 300;

// The server: reads the request, then writes the whole object (the 16 MB send buffer takes
// any object of the comparison in one Send(); the send callback covers a smaller buffer).
struct Server {
    uint64_t object_bytes = 0;
    uint64_t request_seen = 0;
    uint64_t to_send = 0;
    Ptr<Socket> listener;

    // Data segments sent again (below the highest sequence sent), for explaining differences.
    uint64_t retransmits = 0;
    SequenceNumber32 high_sent;
    bool sent_any = false;

    void OnAccept(Ptr<Socket> s, const Address&) {
        s->SetRecvCallback(MakeCallback(&Server::OnRecv, this));
        s->SetSendCallback(MakeCallback(&Server::OnSendSpace, this));
        s->TraceConnectWithoutContext("Tx", MakeCallback(&Server::OnTx, this));
        s->TraceConnectWithoutContext("CongState", MakeCallback(&Server::OnCongState, this));
    }
    // Entries into fast recovery and into loss (an RTO), as ns-3's TcpSocketState names them.
    uint64_t recoveries = 0, timeouts = 0;
    void OnCongState(TcpSocketState::TcpCongState_t, TcpSocketState::TcpCongState_t now) {
        if (now == TcpSocketState::CA_RECOVERY) ++recoveries;
        if (now == TcpSocketState::CA_LOSS) ++timeouts;
    }
    void OnTx(Ptr<const Packet> p, const TcpHeader& h, Ptr<const TcpSocketBase>) {
        if (p->GetSize() == 0) return;
        const SequenceNumber32 end = h.GetSequenceNumber() + p->GetSize();
        if (sent_any && h.GetSequenceNumber() < high_sent) ++retransmits;
        if (!sent_any || end > high_sent) high_sent = end;
        sent_any = true;
    }
    void OnRecv(Ptr<Socket> s) {
        while (Ptr<Packet> p = s->Recv()) {
            const bool before = request_seen < kRequestBytes;
            request_seen += p->GetSize();
            if (before && request_seen >= kRequestBytes) {
                to_send = object_bytes;
                Fill(s);
            }
        }
    }
    void OnSendSpace(Ptr<Socket> s, uint32_t) { Fill(s); }
    void Fill(Ptr<Socket> s) {
        while (to_send > 0 && s->GetTxAvailable() > 0) {
            const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(to_send, s->GetTxAvailable()));
            const int sent = s->Send(Create<Packet>(n));
            if (sent <= 0) return;
            to_send -= static_cast<uint64_t>(sent);
        }
    }
};

struct Client {
    uint64_t object_bytes = 0;
    uint64_t received = 0;
    Time started, done;
    bool finished = false;
    Ptr<Socket> socket;

    void OnConnected(Ptr<Socket> s) { s->Send(Create<Packet>(kRequestBytes)); }
    void OnConnectFailed(Ptr<Socket>) { Simulator::Stop(); }
    void OnRecv(Ptr<Socket> s) {
        while (Ptr<Packet> p = s->Recv()) {
            received += p->GetSize();
            if (!finished && received >= object_bytes) {
                finished = true;
                done = Simulator::Now();
                Simulator::Stop();
            }
        }
    }
};

uint64_t g_drops = 0;  // bottleneck drop-tail drops, both directions
uint64_t g_lost = 0;   // random (RateErrorModel) losses on the bottleneck, both directions
void OnQueueDrop(Ptr<const Packet>) { ++g_drops; }
void OnErrorDrop(Ptr<const Packet>) { ++g_lost; }

int usage_error(const char* what) {
    std::fprintf(stderr,
                 "ns3-transfer: %s\nusage: ns3-transfer reno|cubic|bbr BYTES BPS RTT_MS QUEUE_PACKETS "
                 "[LOSS [SEED]]\n",
                 what);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6 || argc > 8) return usage_error("wrong number of arguments");
    const std::string cc = argv[1];
    const long long bytes = std::atoll(argv[2]);
    const long long bps = std::atoll(argv[3]);
    const double rtt_ms = std::strtod(argv[4], nullptr);
    const long long queue = std::atoll(argv[5]);
    const std::string loss_text = argc > 6 ? argv[6] : "0";
    char* end = nullptr;
    double loss = std::strtod(loss_text.c_str(), &end);
    if (end != nullptr && *end == '%') loss /= 100, ++end;
    const unsigned long long seed = argc > 7 ? std::strtoull(argv[7], nullptr, 10) : 1;
    std::string socket_type;
    if (cc == "reno") socket_type = "ns3::TcpLinuxReno";
    else if (cc == "cubic") socket_type = "ns3::TcpCubic";
    else if (cc == "bbr") socket_type = "ns3::TcpBbr";
    else return usage_error("the congestion control is reno, cubic or bbr");
    if (bytes <= 0 || bps <= 0 || rtt_ms <= 0 || queue <= 0)
        return usage_error("BYTES, BPS, RTT_MS, QUEUE must be positive");
    if (end == nullptr || *end != '\0' || !(loss >= 0 && loss < 0.5))
        return usage_error("LOSS is a share below 50%");

    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(seed);

    // TCP as Linux 6.x runs it, attribute by attribute (ns-3 3.37 names). 1448 bytes is the
    // payload of a 1500-byte packet with the timestamp option. Linux's ACK policy is
    // quick-ACK mode at the start (every segment ACKed, up to 16 quick ACKs), then one ACK
    // per two full segments or after the ATO (40 ms minimum, TCP_ATO_MIN); ns-3 has no
    // quick-ACK mode, so the closest is DelAckCount 2 with a 40 ms DelAckTimeout throughout.
    Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TypeId::LookupByName(socket_type)));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10));
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(2));
    Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(MilliSeconds(40)));
    // Linux autotunes the buffers (tcp_rmem max 6 MB, tcp_wmem max 4 MB); 16 MB never limits.
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(16u << 20));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(16u << 20));
    // Linux's initial RTO (TCP_TIMEOUT_INIT) is 1 s; ns-3's ConnTimeout defaults to 3 s.
    Config::SetDefault("ns3::TcpSocket::ConnTimeout", TimeValue(Seconds(1)));
    Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::WindowScaling", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(MilliSeconds(200)));
    // Linux recovers with PRR (RFC 6937); ns-3's default too, said here rather than assumed.
    Config::SetDefault("ns3::TcpL4Protocol::RecoveryType",
                       TypeIdValue(TypeId::LookupByName("ns3::TcpPrrRecovery")));
    // Linux paces only for BBR (sk_pacing_status set by bbr_init()); ns-3's TcpBbr also turns
    // pacing on itself, this only says so.
    Config::SetDefault("ns3::TcpSocketState::EnablePacing", BooleanValue(cc == "bbr"));

    NodeContainer nodes;
    nodes.Create(3);
    Ptr<Node> client = nodes.Get(0), router = nodes.Get(1), server = nodes.Get(2);
    const Time quarter = NanoSeconds(static_cast<int64_t>(std::llround(rtt_ms * 1e6 / 4)));

    PointToPointHelper bottleneck;
    bottleneck.SetDeviceAttribute("DataRate", DataRateValue(DataRate(static_cast<uint64_t>(bps))));
    bottleneck.SetDeviceAttribute("Mtu", UintegerValue(1500));
    bottleneck.SetChannelAttribute("Delay", TimeValue(quarter));
    bottleneck.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize",
                        QueueSizeValue(QueueSize(std::to_string(queue) + "p")));
    NetDeviceContainer narrow = bottleneck.Install(client, router);

    PointToPointHelper access;
    access.SetDeviceAttribute("DataRate", DataRateValue(DataRate(static_cast<uint64_t>(bps) * 10)));
    access.SetDeviceAttribute("Mtu", UintegerValue(1500));
    access.SetChannelAttribute("Delay", TimeValue(quarter));
    // lvsim's side link has no queue limit; a device queue that large never fills here.
    access.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize("100000p")));
    NetDeviceContainer wide = access.Install(router, server);

    InternetStackHelper stack;
    stack.Install(nodes);
    Ipv4AddressHelper addresses;
    addresses.SetBase("10.0.1.0", "255.255.255.0");
    addresses.Assign(narrow);
    addresses.SetBase("10.0.2.0", "255.255.255.0");
    Ipv4InterfaceContainer wide_if = addresses.Assign(wide);
    // Ipv4AddressHelper::Assign() installs a default root queue disc (fq_codel) on every device;
    // removed, so the device's drop-tail queue is the only queue, as in lvsim.
    TrafficControlHelper tc;
    tc.Uninstall(narrow);
    tc.Uninstall(wide);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    // Without a queue disc, a full device queue is "stopped" and the traffic-control layer
    // drops the packet before it reaches the queue (TrafficControlLayer's TcDrop trace); a drop
    // in the queue itself should not happen, but is counted too.
    for (uint32_t i = 0; i < narrow.GetN(); ++i) {
        Ptr<PointToPointNetDevice> dev = DynamicCast<PointToPointNetDevice>(narrow.Get(i));
        dev->GetQueue()->TraceConnectWithoutContext("Drop", MakeCallback(&OnQueueDrop));
        if (loss > 0) {
            // Per packet, on each receiving device: both directions of the bottleneck.
            Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
            em->SetAttribute("ErrorUnit", EnumValue(RateErrorModel::ERROR_UNIT_PACKET));
            em->SetAttribute("ErrorRate", DoubleValue(loss));
            dev->SetAttribute("ReceiveErrorModel", PointerValue(em));
            dev->TraceConnectWithoutContext("PhyRxDrop", MakeCallback(&OnErrorDrop));
        }
    }
    // Drops at the traffic-control layer of the two bottleneck ends (the router's other
    // device, toward the server at 10 x B, carries only ACKs and never fills).
    for (Ptr<Node> n : {client, router}) {
        if (!n->GetObject<TrafficControlLayer>()->TraceConnectWithoutContext("TcDrop",
                                                                             MakeCallback(&OnQueueDrop))) {
            std::fprintf(stderr, "ns3-transfer: no TrafficControlLayer TcDrop trace\n");
            return 1;
        }
    }

    Server server_app;
    server_app.object_bytes = static_cast<uint64_t>(bytes);
    server_app.listener = Socket::CreateSocket(server, TcpSocketFactory::GetTypeId());
    server_app.listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), kPort));
    server_app.listener->Listen();
    server_app.listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                           MakeCallback(&Server::OnAccept, &server_app));

    Client client_app;
    client_app.object_bytes = static_cast<uint64_t>(bytes);
    client_app.socket = Socket::CreateSocket(client, TcpSocketFactory::GetTypeId());
    client_app.socket->Bind();
    client_app.socket->SetConnectCallback(MakeCallback(&Client::OnConnected, &client_app),
                                          MakeCallback(&Client::OnConnectFailed, &client_app));
    client_app.socket->SetRecvCallback(MakeCallback(&Client::OnRecv, &client_app));
    const Ipv4Address server_addr = wide_if.GetAddress(1);
    Simulator::Schedule(Seconds(0), [&client_app, server_addr] {
        client_app.started = Simulator::Now();
        client_app.socket->Connect(InetSocketAddress(server_addr, kPort));
    });

    // A bound for broken runs, as in lvsim-bench transfer.
    Simulator::Stop(Seconds(600));
    Simulator::Run();

    std::printf("transfer sim=ns-3 cc=%s bytes=%lld bps=%lld rtt_ms=%g queue=%lld loss=%s seed=%llu ",
                cc.c_str(), bytes, bps, rtt_ms, queue, loss_text.c_str(), seed);
    if (client_app.finished) std::printf("seconds=%.6f", (client_app.done - client_app.started).GetSeconds());
    else std::printf("seconds=nan");
    std::printf(" drops=%llu lost=%llu\n", static_cast<unsigned long long>(g_drops),
                static_cast<unsigned long long>(g_lost));
    std::fprintf(stderr,
                 "  server retransmits=%llu recoveries=%llu rto=%llu; ended at %.3f s, %llu bytes received\n",
                 static_cast<unsigned long long>(server_app.retransmits),
                 static_cast<unsigned long long>(server_app.recoveries),
                 static_cast<unsigned long long>(server_app.timeouts), Simulator::Now().GetSeconds(),
                 static_cast<unsigned long long>(client_app.received));
    Simulator::Destroy();
    return client_app.finished ? 0 : 1;
}
