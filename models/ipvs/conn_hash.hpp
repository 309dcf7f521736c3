// The director's connection hash: open addressing from a flow key to its entry.
//
// Every packet through the director looks its flow up here, so the table is flat (16-byte
// slots: the key and the entry's pointer) with linear probing and backward-shift deletion;
// one cache line holds four slots. Capacity stays under 50 % load.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/linear_probing.hpp"

namespace lvs::ipvs {

struct FlowKey {
    uint32_t caddr = 0;
    uint32_t vaddr = 0;
    uint16_t cport = 0;
    uint16_t vport = 0;
    uint8_t proto = 0;
    bool operator==(const FlowKey&) const = default;
    uint64_t hash() const {
        uint64_t h = (uint64_t{caddr} << 32 | vaddr) * 0x9E3779B97F4A7C15ull;
        h ^= (uint64_t{cport} << 24 | uint64_t{vport} << 8 | proto) + (h >> 29);
        return h * 0xBF58476D1CE4E5B9ull;
    }
};

template <class T>
class FlowTable {
public:
    T* find(const FlowKey& k) const {
        if (size_ == 0) return nullptr;
        for (size_t i = index(k);; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (s.value == nullptr) return nullptr;
            if (s.key == k) return s.value;
        }
    }
    // Inserts or replaces.
    void put(const FlowKey& k, T* v) {
        if ((size_ + 1) * 2 > slots_.size()) grow();
        size_t i = index(k);
        for (;; i = (i + 1) & mask_) {
            if (slots_[i].value == nullptr) break;
            if (slots_[i].key == k) {
                slots_[i].value = v;
                return;
            }
        }
        slots_[i] = Slot{k, v};
        ++size_;
    }
    // Removes k only while it maps to `v` (a newer entry for the same key stays).
    bool erase(const FlowKey& k, const T* v) {
        if (size_ == 0) return false;
        size_t i = index(k);
        for (;; i = (i + 1) & mask_) {
            if (slots_[i].value == nullptr) return false;
            if (slots_[i].key == k) break;
        }
        if (v != nullptr && slots_[i].value != v) return false;
        sim::backward_shift_erase(
            slots_, mask_, i, [](const Slot& s) { return s.value == nullptr; },
            [this](const Slot& s) { return index(s.key); });
        --size_;
        return true;
    }
    size_t size() const { return size_; }

private:
    struct Slot {
        FlowKey key{};
        T* value = nullptr;
    };
    size_t index(const FlowKey& k) const { return static_cast<size_t>(k.hash() >> 24) & mask_; }
    void grow() {
        std::vector<Slot> old;
        old.swap(slots_);
        slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
        mask_ = slots_.size() - 1;
        size_ = 0;
        for (const Slot& s : old)
            if (s.value != nullptr) put(s.key, s.value);
    }
    std::vector<Slot> slots_;
    size_t mask_ = 0;
    size_t size_ = 0;
};

}  // namespace lvs::ipvs
