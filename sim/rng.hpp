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
    // Exponential with the given mean, rounded to whole nanoseconds.
    Duration exponential(Duration mean) {
        const double u = 1.0 - uniform01();  // (0, 1]
        // Non-negative, so adding 0.5 and truncating rounds to nearest (cheaper than llround).
        return Duration::from_ns(static_cast<int64_t>(-std::log(u) * static_cast<double>(mean.ns()) + 0.5));
    }
    double exponential_real(double mean) { return -std::log(1.0 - uniform01()) * mean; }
    // Standard normal via Box-Muller (one value per call, deterministic).
    double normal(double mean, double sd) {
        const double u1 = 1.0 - uniform01();
        const double u2 = uniform01();
        return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }

private:
    static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4];
};

}  // namespace lvs::sim
