// Seeded random streams.
//
// Every named entity draws from its own stream, derived from the run's seed and the entity's
// name, so adding a client does not shift any other entity's draws. The generator and all
// distributions are written here (not <random>'s distributions, whose algorithms differ
// between standard libraries) so that a seed gives the same numbers on every machine.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

#include "sim/time.hpp"

namespace lvs::sim {

__extension__ typedef unsigned __int128 Uint128;

constexpr uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

constexpr uint64_t fnv1a64(std::string_view text) {
    uint64_t h = 0xCBF29CE484222325ull;
    for (char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001B3ull;
    }
    return h;
}

// xoshiro256** (Blackman & Vigna, public domain algorithm description).
class Rng {
public:
    explicit Rng(uint64_t seed = 0) {
        uint64_t sm = seed;
        for (uint64_t& w : s_) w = splitmix64(sm);
    }
    // The stream for `name` under a run seed.
    static Rng stream(uint64_t run_seed, std::string_view name) {
        uint64_t mix = run_seed ^ 0x6A09E667F3BCC909ull;
        const uint64_t a = splitmix64(mix);
        return Rng(a ^ fnv1a64(name));
    }

    uint64_t next() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    // Uniform in [0, 1) with 53 random bits.
    double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject).
    uint64_t below(uint64_t n) {
        if (n == 0) return 0;
        Uint128 m = static_cast<Uint128>(next()) * n;
        uint64_t low = static_cast<uint64_t>(m);
        if (low < n) {
            const uint64_t threshold = (0 - n) % n;
            while (low < threshold) {
                m = static_cast<Uint128>(next()) * n;
                low = static_cast<uint64_t>(m);
            }
        }
        return static_cast<uint64_t>(m >> 64);
    }
    bool chance(double p) { return uniform01() < p; }
    // Standard exponential (mean 1) by the ziggurat method (Marsaglia & Tsang, 2000): one
    // 64-bit draw and a table lookup in about 98 % of calls, a logarithm only in the tail.
    double standard_exponential();
    // Exponential with the given mean, rounded to whole nanoseconds.
    Duration exponential(Duration mean) {
        // Non-negative, so adding 0.5 and truncating rounds to nearest (cheaper than llround).
        return Duration::from_ns(
            static_cast<int64_t>(standard_exponential() * static_cast<double>(mean.ns()) + 0.5));
    }
    double exponential_real(double mean) { return standard_exponential() * mean; }
    // Standard normal via Box-Muller (one value per call, deterministic).
    double normal(double mean, double sd) {
        const double u1 = 1.0 - uniform01();
        const double u2 = uniform01();
        return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }

private:
    struct ZigguratTables {
        uint64_t k[256];
        double w[256];
        double f[256];
        ZigguratTables();
    };
    static const ZigguratTables& ziggurat() {
        static const ZigguratTables tables;
        return tables;
    }
    static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4];
};

// Tables for 256 layers; the constants are the paper's (right edge of the base layer and the
// common layer area). Computed once from exp/log, so identical wherever glibc's libm runs.
inline Rng::ZigguratTables::ZigguratTables() {
    constexpr double m = 9007199254740992.0;  // 2^53: the width of the uniform integer
    double de = 7.697117470131487;
    double te = de;
    const double ve = 3.949659822581572e-3;
    const double q = ve / std::exp(-de);
    k[0] = static_cast<uint64_t>((de / q) * m);
    k[1] = 0;
    w[0] = q / m;
    w[255] = de / m;
    f[0] = 1.0;
    f[255] = std::exp(-de);
    for (int i = 254; i >= 1; --i) {
        de = -std::log(ve / de + std::exp(-de));
        k[i + 1] = static_cast<uint64_t>((de / te) * m);
        te = de;
        f[i] = std::exp(-de);
        w[i] = de / m;
    }
}

inline double Rng::standard_exponential() {
    const ZigguratTables& z = ziggurat();
    for (;;) {
        const uint64_t u = next();
        const unsigned i = static_cast<unsigned>(u & 0xFF);
        const uint64_t j = u >> 11;  // 53 bits
        const double x = static_cast<double>(j) * z.w[i];
        if (j < z.k[i]) return x;  // inside the layer's rectangle: the common case
        if (i == 0) return 7.697117470131487 - std::log(1.0 - uniform01());  // the tail
        if (z.f[i] + uniform01() * (z.f[i - 1] - z.f[i]) < std::exp(-x)) return x;
    }
}

}  // namespace lvs::sim
