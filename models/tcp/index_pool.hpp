// A pool of small records addressed by 32-bit index (0 means "none"), shared by every
// connection of a host: the retransmission queue's chunks, out-of-order segments and loss
// state. Freed records are reused, so a long run allocates only while its peak grows; no
// heap allocation per packet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lvs::tcp {

template <class T>
class IndexPool {
public:
    IndexPool() { items_.emplace_back(); }  // index 0 is never handed out
    uint32_t allocate() {
        if (!free_.empty()) {
            const uint32_t i = free_.back();
            free_.pop_back();
            items_[i] = T{};
            return i;
        }
        items_.emplace_back();
        return static_cast<uint32_t>(items_.size() - 1);
    }
    void free(uint32_t i) {
        if (i != 0) free_.push_back(i);
    }
    T& operator[](uint32_t i) { return items_[i]; }
    const T& operator[](uint32_t i) const { return items_[i]; }
    size_t live() const { return items_.size() - 1 - free_.size(); }
    size_t memory_bytes() const {
        return items_.capacity() * sizeof(T) + free_.capacity() * sizeof(uint32_t);
    }

private:
    std::vector<T> items_;
    std::vector<uint32_t> free_;
};

}  // namespace lvs::tcp
