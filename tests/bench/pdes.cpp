// lvsim-pdes: the prototype of issue 30, one scenario run as two logical processes.
//
//   lvsim-pdes farm|fleet [--clients N] [--seconds S] [--cut clients|directors]
//   lvsim-pdes scenario FILE [--seconds S] [--cut clients|directors]
//   mpirun -np 2 lvsim-pdes ...            (the same run over two ranks)
//
// Alone, it runs the scenario as lvsim does. Under mpirun with two ranks, rank 0 executes the
// clients' side and rank 1 the director's: with `--cut clients` the client hosts against
// everything else, with `--cut directors` the director(s) against everything else (the
// realservers then on the clients' side). Conservative parallel simulation in time windows as
// long as the lookahead, the shortest link between the two parts (a packet sent in a window
// arrives after it ends): at each window's end the ranks swap the packets that crossed over,
// and go on. At the end they check that no link direction carried both parts' packets (the
// condition for the split to be exact, see models/scenario/run_partition.cpp); exit 3 if one
// did.
//
// Standard output is the run's result, the same bytes alone and over two ranks: a digest of
// every packet sent (when, from where to where, its header and the application message it
// carries), the clients' counters and page-load times, and each director's `ipvsadm -Ln
// --stats` and the realservers' counters. Timing and synchronisation figures go to standard
// error. docs/scale.md has the measurements and the decision.
#include <mpi.h>

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "bench.hpp"
#include "models/ipvs/ipvsadm.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"

namespace lvs::bench {
namespace {

// The fleet workload: the farm's site behind four directors under ECMP (direct routing).
constexpr uint32_t kFleetDirectors = 4;

uint64_t mix(uint64_t h, uint64_t v) {
    // splitmix64's finaliser over the running value: order-sensitive within one packet.
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

// Every packet sent, summed (so the order in which two processes saw them does not matter):
// the message ids a packet carries differ between runs (each process numbers its own), so the
// message itself is digested instead.
class PacketDigest : public net::PacketTap {
public:
    explicit PacketDigest(net::Network& net) : net_(net) { net.add_tap(this); }
    ~PacketDigest() override { net_.remove_tap(this); }
    void on_transmit(const net::Packet& p, net::NodeId from, net::NodeId to, sim::Time first_bit,
                     sim::Duration seg_gap, sim::Time arrival) override {
        uint64_t h = mix(0, static_cast<uint64_t>(first_bit.ns()));
        h = mix(h, static_cast<uint64_t>(arrival.ns()));
        h = mix(h, static_cast<uint64_t>(seg_gap.ns()));
        h = mix(h, (uint64_t{from} << 32) | to);
        h = mix(h, (uint64_t{p.saddr} << 32) | p.daddr);
        h = mix(h, (uint64_t{p.sport} << 48) | (uint64_t{p.dport} << 32) | p.seq);
        h = mix(h, (uint64_t{p.ack} << 32) | (uint64_t{p.len} << 8) | p.flags);
        h = mix(h, (uint64_t{p.win} << 16) | (uint64_t{p.segs} << 8) | p.aux);
        if (p.is_tcp() && !p.syn()) {
            uint32_t msg = p.msg;
            if (p.has_sack()) {
                const net::SackInfo& s = net_.sacks().get(p.msg);
                msg = s.msg;
                h = mix(h, (uint64_t{s.count} << 1) | (s.dsack ? 1 : 0));
                for (uint8_t i = 0; i < s.count; ++i)
                    h = mix(h, (uint64_t{s.blocks[i].start} << 32) | s.blocks[i].end);
            }
            if (msg != 0) {
                const net::AppMessage& m = net_.messages().get(msg);
                h = mix(h, (uint64_t{m.bytes} << 32) | (uint64_t{m.kind} << 16) | m.flags);
                h = mix(h, (uint64_t{m.object} << 32) | m.reply_bytes);
                h = mix(h, m.tag);
            }
        } else {
            h = mix(h, p.msg);
        }
        sum += h;
        ++count;
    }
    uint64_t sum = 0;
    uint64_t count = 0;

private:
    net::Network& net_;
};

void appendf(std::string& out, const char* f, ...) __attribute__((format(printf, 2, 3)));
void appendf(std::string& out, const char* f, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, f);
    const int n = std::vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    out.append(buf, static_cast<size_t>(std::min<int>(n, sizeof buf - 1)));
}

// What the clients' part knows: their counters and every page-load time.
std::string clients_result(scenario::Run& run) {
    std::string out;
    for (const scenario::Run::ClientGroup& g : run.client_groups()) {
        const http::BrowserStats& s = g.stats;
        appendf(out,
                "clients %s: pages started %" PRIu64 " completed %" PRIu64 " aborted %" PRIu64
                " with-failures %" PRIu64 "\n",
                g.name.c_str(), s.pages_started, s.pages_completed, s.pages_aborted, s.pages_with_failures);
        appendf(out,
                "  objects ok %" PRIu64 " failed %" PRIu64 " aborted %" PRIu64 " retries %" PRIu64
                " requests %" PRIu64 " stalls %" PRIu64 " connections %" PRIu64 "/%" PRIu64 "\n",
                s.objects_ok, s.objects_failed, s.objects_aborted, s.retries, s.requests, s.stalls,
                s.connections_opened, s.connections_closed);
        std::vector<double> load = s.load_ms;
        std::sort(load.begin(), load.end());
        double sum = 0;
        for (double v : load) sum += v;
        auto at = [&](double q) {
            return load.empty() ? 0.0 : load[static_cast<size_t>(q * (load.size() - 1))];
        };
        appendf(out, "  page load ms: sum %.6f p50 %.6f p95 %.6f max %.6f longest wait %.9f s\n", sum,
                at(0.5), at(0.95), at(1.0), s.longest_outstanding_s);
    }
    return out;
}

// What the director's side knows: each director's table and counters.
std::string directors_result(scenario::Run& run) {
    std::string out;
    ipvs::ListFormat f;
    f.numeric = true;
    f.stats = true;
    f.exact = true;
    for (size_t d = 0; d < run.director_count(); ++d) {
        appendf(out, "director %zu: ipvsadm -Ln --stats --exact\n", d + 1);
        out += ipvs::render_list(run.director_at(d), f);
    }
    return out;
}

// The realservers' counters (on the director's side or the clients', by the cut).
std::string realservers_result(scenario::Run& run) {
    std::string out;
    for (scenario::Run::RealServer& rs : run.realservers()) {
        if (!rs.web) continue;
        const http::ServerStats& s = rs.web->stats();
        appendf(out,
                "realserver %s: accepted %" PRIu64 " requests %" PRIu64 " keepalive-closes %" PRIu64
                " busy-peak %" PRIu64 " closed %" PRIu64 "\n",
                rs.name.c_str(), s.connections_accepted, s.requests, s.keepalive_closes, s.busy_peak,
                s.connections_closed);
    }
    return out;
}

struct Options {
    std::string workload;
    std::string file;
    uint32_t clients = 1000;
    int64_t seconds = 60;
    bool seconds_given = false;
    scenario::PartitionCut cut = scenario::PartitionCut::Clients;
};

// Link directions both parts booked (see Network::booked_links), named; empty when none.
std::string shared_links(scenario::Run& run, int rank) {
    net::Network& net = run.network();
    const std::vector<uint8_t>& mine = net.booked_links();
    std::vector<uint8_t> both(mine.size(), 0);
    MPI_Reduce(mine.data(), both.data(), static_cast<int>(mine.size()), MPI_UINT8_T, MPI_SUM, 0,
               MPI_COMM_WORLD);
    if (rank != 0) return {};
    std::string out;
    const std::vector<net::Network::LinkInfo> links = net.links();
    for (size_t i = 0; i < both.size(); ++i)
        if (both[i] == 2) {
            const net::Network::LinkInfo& l = links[i / 2];
            const auto [from, to] = i % 2 == 0 ? std::pair{l.a, l.b} : std::pair{l.b, l.a};
            out +=
                (out.empty() ? "" : ", ") + std::string(net.name(from)) + " -> " + std::string(net.name(to));
        }
    return out;
}

int usage_error(const char* why) {
    std::fprintf(
        stderr,
        "lvsim-pdes: %s\nusage: lvsim-pdes farm|fleet [--clients N] [--seconds S] [--cut clients|directors]\n"
        "       lvsim-pdes scenario FILE [--seconds S] [--cut clients|directors]\n"
        "       mpirun -np 2 lvsim-pdes ...   (rank 0: the clients, rank 1: the rest)\n",
        why);
    return 2;
}

int run_pdes(const Options& o, int rank, int size) {
    scenario::Scenario s;
    try {
        if (o.workload == "farm") s = farm_scenario(o.clients, sim::s(o.seconds));
        else if (o.workload == "fleet") s = farm_scenario(o.clients, sim::s(o.seconds), kFleetDirectors);
        else s = scenario::load_scenario_file(o.file);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lvsim-pdes: %s\n", e.what());
        return 2;
    }
    if (o.workload == "scenario" && o.seconds_given) s.duration = sim::s(o.seconds);
    scenario::RunOptions options;
    if (size == 2) options.partition_lp = static_cast<sim::Lp>(rank);
    options.partition_cut = o.cut;
    const auto t_build = Clock::now();
    std::optional<scenario::Run> run;
    try {
        run.emplace(s, options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lvsim-pdes: %s\n", e.what());
        return 2;
    }
    PacketDigest digest(run->network());
    const double build_s = seconds_since(t_build);
    const sim::Time end = run->end();
    const auto t0 = Clock::now();
    uint64_t windows = 0, sent = 0, received = 0;
    double exchange_s = 0;
    sim::Duration window{};
    if (size == 1) {
        run->run_until(end);
    } else {
        window = run->network().lookahead();
        if (window <= sim::Duration{} || window == sim::Duration::max()) {
            std::fprintf(stderr, "lvsim-pdes: no lookahead (a zero-delay link between the parts)\n");
            return 2;
        }
        std::vector<net::Network::RemoteArrival>& outbox = run->network().outbox();
        std::vector<net::Network::RemoteArrival> inbox;
        const int other = 1 - rank;
        constexpr size_t kItem = sizeof(net::Network::RemoteArrival);
        static_assert(std::is_trivially_copyable_v<net::Network::RemoteArrival>);
        for (sim::Time from{}; from <= end; from = from + window) {
            // Window [from, from + window): every event before its end, or up to the end of the run.
            const sim::Time until = std::min(from + window - sim::ns(1), end);
            run->run_until(until);
            ++windows;
            const auto tx = Clock::now();
            uint64_t n_out = outbox.size(), n_in = 0;
            MPI_Sendrecv(&n_out, 1, MPI_UINT64_T, other, 0, &n_in, 1, MPI_UINT64_T, other, 0, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
            inbox.resize(n_in);
            MPI_Sendrecv(outbox.data(), static_cast<int>(n_out * kItem), MPI_BYTE, other, 1, inbox.data(),
                         static_cast<int>(n_in * kItem), MPI_BYTE, other, 1, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
            exchange_s += seconds_since(tx);
            sent += n_out;
            received += n_in;
            outbox.clear();
            if (until >= end) break;
            for (const net::Network::RemoteArrival& r : inbox) {
                if (r.at <= until) {
                    std::fprintf(stderr, "lvsim-pdes: a packet arrives inside the window it was sent in\n");
                    MPI_Abort(MPI_COMM_WORLD, 3);
                }
                run->network().arrive_remote(r);
            }
        }
    }
    const double wall = seconds_since(t0);
    std::fprintf(stderr,
                 "rank %d/%d: build %.2f s, run %.2f s, events %" PRIu64 ", windows %" PRIu64
                 " of %.3f ms, packets out %" PRIu64 " in %" PRIu64
                 ", exchanging %.2f s (%.1f %%), peak %.0f MB\n",
                 rank, size, build_s, wall, run->sim().events_executed(), windows, window.seconds() * 1e3,
                 sent, received, exchange_s, wall > 0 ? 100 * exchange_s / wall : 0.0, peak_rss_mb());

    // The result: the packet digest summed over the parts, then each part's own figures, in
    // one order whatever the part: clients, directors, realservers.
    const int rs_rank = o.cut == scenario::PartitionCut::Clients ? 1 : 0;
    std::string mine = size == 1 || rank == 0 ? clients_result(*run) : std::string();
    if (size == 1 || rank == 1) mine += directors_result(*run);
    const std::string rs = size == 1 || rank == rs_rank ? realservers_result(*run) : std::string();
    if (size == 1 || rank == 1) mine += rs;
    uint64_t packets = digest.count, sum = digest.sum;
    int rc = 0;
    if (size == 2) {
        if (const std::string shared = shared_links(*run, rank); !shared.empty()) {
            std::fprintf(
                stderr,
                "lvsim-pdes: not exact: both parts sent packets over %s (booked in another order than "
                "in one process); try the other --cut\n",
                shared.c_str());
            rc = 3;
        }
        uint64_t counts[2] = {digest.count, digest.sum}, total[2] = {0, 0};
        MPI_Reduce(counts, total, 2, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
        packets = total[0];
        sum = total[1];
        // Rank 1's text to rank 0.
        int n = static_cast<int>(mine.size());
        if (rank == 1) {
            MPI_Send(&n, 1, MPI_INT, 0, 2, MPI_COMM_WORLD);
            MPI_Send(mine.data(), n, MPI_CHAR, 0, 3, MPI_COMM_WORLD);
            return rc;
        }
        MPI_Recv(&n, 1, MPI_INT, 1, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        std::string theirs(static_cast<size_t>(n), '\0');
        MPI_Recv(theirs.data(), n, MPI_CHAR, 1, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        mine += theirs;
        if (rs_rank == 0) mine += rs;
    }
    std::printf("packets %" PRIu64 " digest %016" PRIx64 "\n%s", packets, sum, mine.c_str());
    return rc;
}

}  // namespace
}  // namespace lvs::bench

int main(int argc, char** argv) {
    using namespace lvs::bench;
    Options o;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage_error("what to run?");
    o.workload = args[0];
    size_t i = 1;
    if (o.workload == "scenario") {
        if (args.size() < 2) return usage_error("scenario: which file?");
        o.file = args[1];
        i = 2;
    } else if (o.workload != "farm" && o.workload != "fleet") {
        return usage_error(("unknown workload '" + o.workload + "'").c_str());
    }
    for (; i < args.size(); ++i) {
        char* endp = nullptr;
        if (args[i] == "--clients" && i + 1 < args.size() && o.workload != "scenario") {
            const unsigned long v = std::strtoul(args[++i].c_str(), &endp, 10);
            if (*endp != '\0' || v == 0 || v > 1'000'000) return usage_error("--clients takes 1 to 1000000");
            o.clients = static_cast<uint32_t>(v);
        } else if (args[i] == "--cut" && i + 1 < args.size()) {
            const std::string& v = args[++i];
            if (v == "clients") o.cut = lvs::scenario::PartitionCut::Clients;
            else if (v == "directors") o.cut = lvs::scenario::PartitionCut::Directors;
            else return usage_error("--cut takes clients or directors");
        } else if (args[i] == "--seconds" && i + 1 < args.size()) {
            const long long v = std::strtoll(args[++i].c_str(), &endp, 10);
            if (*endp != '\0' || v <= 0) return usage_error("--seconds takes a positive number");
            o.seconds = v;
            o.seconds_given = true;
        } else {
            return usage_error(("unknown argument '" + args[i] + "'").c_str());
        }
    }
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int rc = 0;
    if (size > 2) {
        if (rank == 0) usage_error("the prototype splits a scenario into two parts: run it on 1 or 2 ranks");
        rc = 2;
    } else {
        rc = run_pdes(o, rank, size);
    }
    MPI_Finalize();
    return rc;
}
