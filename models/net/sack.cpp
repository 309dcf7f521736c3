#include "models/net/sack.hpp"

#include <stdexcept>
#include <string>

namespace lvs::net {

uint32_t SackTable::add(const SackInfo& info) {
    if (++next_id_ == 0) next_id_ = 1;  // 0 is never an id
    const uint32_t slot = next_id_ % kCapacity;
    if (slot >= ring_.size()) ring_.resize(slot + 1);
    ring_[slot] = Slot{next_id_, info};
    return next_id_;
}

const SackInfo& SackTable::get(uint32_t id) const {
    const uint32_t slot = id % kCapacity;
    if (slot >= ring_.size() || ring_[slot].id != id)
        throw std::runtime_error("SACK table overrun: a segment outlived " + std::to_string(kCapacity) +
                                 " newer SACK-carrying segments (a simulator limit)");
    return ring_[slot].info;
}

}  // namespace lvs::net
