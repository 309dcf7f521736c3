// Deletion from a linear-probing hash table without tombstones (Knuth, TAOCP vol. 3, §6.4,
// Algorithm R): the later members of the probe run that may move are pulled back into the hole,
// so lookups never walk over dead slots and long runs of TIME_WAIT churn leave no garbage.
#pragma once

#include <cstddef>

namespace lvs::sim {

// Empties slot `i` of `slots` (a power-of-two array, `mask` = size - 1). `empty(slot)` says
// whether a slot is free; `home(slot)` gives a used slot's home index.
template <class Slots, class Empty, class Home>
void backward_shift_erase(Slots& slots, size_t mask, size_t i, Empty&& empty, Home&& home) {
    size_t hole = i;
    for (size_t j = (i + 1) & mask; !empty(slots[j]); j = (j + 1) & mask) {
        const size_t h = home(slots[j]);
        // The entry at j may fill the hole when its home is not cyclically within (hole, j].
        const bool movable = hole <= j ? (h <= hole || h > j) : (h <= hole && h > j);
        if (movable) {
            slots[hole] = slots[j];
            hole = j;
        }
    }
    slots[hole] = {};
}

}  // namespace lvs::sim
