// Helpers shared by the benchmark tools (lvsim-bench, lvsim-pdes).
#include "bench.hpp"

#include <fstream>
#include <string>

namespace lvs::bench {

double peak_rss_mb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0;
}

}  // namespace lvs::bench
