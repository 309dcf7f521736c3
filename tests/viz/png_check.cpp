// Checks a PNG written by `lvsim-view --screenshot`: its size, that it is a real picture
// (enough distinct colours) and which state colours it shows (viz/theme.hpp's exact colours).
//
//   viewer-png-check FILE [--size WxH] [--min-colours N]
//                         [--expect STATE:MIN_PIXELS ...] [--at-most STATE:MAX_PIXELS ...]
//                         [--same OTHER.png]
//
// STATE is a state name (ESTABLISHED, TIME_WAIT, ...) or QUEUE (the queue-occupancy plot's
// colour). Exit 0 when every check passes.
#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "viz/theme.hpp"

using lvs::viz::Rgb;

namespace {

bool parse_state_count(const char* arg, Rgb& colour, long& n, std::string& name) {
    const char* colon = std::strrchr(arg, ':');
    if (colon == nullptr) return false;
    name.assign(arg, colon);
    n = std::strtol(colon + 1, nullptr, 10);
    if (name == "QUEUE") {
        colour = lvs::viz::colours::kQueue;
        return true;
    }
    const lvs::viz::ConnState s = lvs::viz::state_from_name(name);
    if (s == lvs::viz::ConnState::Unknown) return false;
    colour = lvs::viz::state_colour(s);
    return true;
}

std::vector<char> read_all(const char* path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr,
                     "usage: %s FILE [--size WxH] [--min-colours N] [--expect STATE:N] [--at-most STATE:N] "
                     "[--same OTHER]\n",
                     argv[0]);
        return 2;
    }
    const char* file = argv[1];
    int w = 0, h = 0, comp = 0;
    unsigned char* px = stbi_load(file, &w, &h, &comp, 3);
    if (px == nullptr) {
        std::fprintf(stderr, "FAIL %s: not a readable image (%s)\n", file, stbi_failure_reason());
        return 1;
    }
    std::set<uint32_t> distinct;
    const size_t n = static_cast<size_t>(w) * static_cast<size_t>(h);
    for (size_t i = 0; i < n; ++i) distinct.insert((px[3 * i] << 16) | (px[3 * i + 1] << 8) | px[3 * i + 2]);
    const auto count = [&](Rgb c) {
        long k = 0;
        for (size_t i = 0; i < n; ++i)
            k += px[3 * i] == c.r && px[3 * i + 1] == c.g && px[3 * i + 2] == c.b ? 1 : 0;
        return k;
    };
    int failures = 0;
    std::printf("%s: %dx%d, %zu distinct colours\n", file, w, h, distinct.size());
    for (int a = 2; a < argc; ++a) {
        const std::string opt = argv[a];
        const char* val = a + 1 < argc ? argv[a + 1] : nullptr;
        if (val == nullptr) {
            std::fprintf(stderr, "missing value after %s\n", opt.c_str());
            return 2;
        }
        ++a;
        if (opt == "--size") {
            int ew = 0, eh = 0;
            std::sscanf(val, "%dx%d", &ew, &eh);
            const bool ok = ew == w && eh == h;
            std::printf("%s size %dx%d (expected %s)\n", ok ? "ok  " : "FAIL", w, h, val);
            failures += ok ? 0 : 1;
        } else if (opt == "--min-colours") {
            const long want = std::strtol(val, nullptr, 10);
            const bool ok = static_cast<long>(distinct.size()) >= want;
            std::printf("%s %zu distinct colours (at least %ld)\n", ok ? "ok  " : "FAIL", distinct.size(),
                        want);
            failures += ok ? 0 : 1;
        } else if (opt == "--expect" || opt == "--at-most") {
            Rgb c{};
            long limit = 0;
            std::string name;
            if (!parse_state_count(val, c, limit, name)) {
                std::fprintf(stderr, "bad STATE:N '%s'\n", val);
                return 2;
            }
            const long k = count(c);
            const bool ok = opt == "--expect" ? k >= limit : k <= limit;
            std::printf("%s %s colour (%d,%d,%d): %ld pixels (%s %ld)\n", ok ? "ok  " : "FAIL", name.c_str(),
                        c.r, c.g, c.b, k, opt == "--expect" ? "at least" : "at most", limit);
            failures += ok ? 0 : 1;
        } else if (opt == "--same") {
            const bool ok = read_all(file) == read_all(val);
            std::printf("%s byte-identical to %s\n", ok ? "ok  " : "FAIL", val);
            failures += ok ? 0 : 1;
        } else {
            std::fprintf(stderr, "unknown option %s\n", opt.c_str());
            return 2;
        }
    }
    stbi_image_free(px);
    return failures == 0 ? 0 : 1;
}
