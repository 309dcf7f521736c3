// lvsim-bench MODE [options]: throughput benchmarks of the kernel and the models.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench.hpp"

namespace {
void usage(std::FILE* out) {
    std::fputs(
        "usage: lvsim-bench MODE [options]\n"
        "modes:\n"
        "  hold [--n N] [--events E] [--seed S]\n"
        "      the hold model: N pending events, each firing schedules one successor at\n"
        "      now + Exp(1 s); default N in {1e3, 1e5, 1e6}, 10 million events each.\n"
        "  tcp [--conns-per-client N] [--seconds S] [--loss P]\n"
        "      10,000 keep-alive TCP connections (100 clients x 100, 10 servers, 20 ms RTT),\n"
        "      a 200 B request and a 2 kB response per connection per second for 60 s.\n"
        "  farm [--clients N] [--seconds S] [--against-kernel]\n"
        "      N browsers (20 kB HTML + 40 x 10 kB images, think Exp(30 s)) behind a NAT\n"
        "      director (wlc) and 10 event-MPM realservers, 20 ms RTT, 600 s; wall time per\n"
        "      page. --against-kernel also runs the hold model (N = 1e5) before and after and\n"
        "      prints the farm's wall time over 54.7 M events at the kernel's rate (goal <= 4).\n"
        "  transfer reno|cubic|bbr BYTES BPS RTT_MS QUEUE_PACKETS [LOSS [SEED]] [--trace FILE]\n"
        "      one object of BYTES from a server to a client over a BPS bottleneck (RTT_MS\n"
        "      round trip, drop-tail queue of QUEUE_PACKETS, LOSS per packet both ways);\n"
        "      simulated seconds from the SYN to the last byte and the queue drops, in the\n"
        "      format of ns3-transfer (tests/bench/compare-ns3-transfer.sh).\n",
        out);
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const std::string mode = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    if (mode == "hold") return lvs::bench::run_hold(args);
    if (mode == "tcp") return lvs::bench::run_tcp(args);
    if (mode == "farm") return lvs::bench::run_farm(args);
    if (mode == "transfer") return lvs::bench::run_transfer(args);
    std::fprintf(stderr, "lvsim-bench: unknown mode '%s'\n", mode.c_str());
    usage(stderr);
    return 2;
}
