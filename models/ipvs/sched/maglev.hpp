// The Maglev table population shared by mh (maglev.cpp) and its tests: ip_vs_mh_populate, which
// is the paper's Pseudocode 1 (Eisenbud et al., NSDI 2016, section 3.4) with weighted turns.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace lvs::ipvs {

// ip_vs_mh_dest_setup: a destination's permutation (offset + j * skip) mod M as the next slot it
// prefers, and how many slots it claims per round.
struct MaglevSetup {
    uint32_t skip;  // 1..M-1
    uint32_t perm;  // next preferred slot; starts at the offset
    int32_t turns;  // 0 = takes no slot (last_weight 0)
};

// Rounds over `setup` in order; each entry with turns >= 1 claims `turns` slots per round, each
// time its next preferred slot not yet taken, until all `taken.size()` (M, a prime) slots are
// filled: claim(slot, index into setup). At least one entry must have turns >= 1.
template <typename Claim>
void maglev_populate(std::span<MaglevSetup> setup, std::vector<bool>& taken, Claim claim) {
    const auto m = static_cast<uint32_t>(taken.size());
    std::fill(taken.begin(), taken.end(), false);
    uint32_t filled = 0;
    while (filled < m) {
        for (size_t i = 0; i < setup.size() && filled < m; ++i) {
            MaglevSetup& s = setup[i];
            for (int32_t t = 0; t < s.turns && filled < m; ++t) {
                while (taken[s.perm]) {
                    s.perm += s.skip;
                    if (s.perm >= m) s.perm -= m;
                }
                taken[s.perm] = true;
                claim(s.perm, i);
                ++filled;
            }
        }
    }
}

}  // namespace lvs::ipvs
