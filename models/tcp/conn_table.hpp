// The connection table: an open-addressing hash map from a 4-tuple to its connection.
//
// O(1) lookups with tens of thousands of TIME_WAIT entries. A slot is 8 bytes (32 bits of the
// tuple's hash and the connection's index in its pool), so the table of a busy server stays
// small enough for the CPU's cache; the full tuple is compared in the connection itself.
// Linear probing with backward-shift deletion (no tombstones), capacity kept under 50 % load.
#pragma once

#include <cstdint>
#include <vector>

#include "models/net/address.hpp"
#include "sim/linear_probing.hpp"

namespace lvs::tcp {

// `Pool` maps an index to an object with a `tuple()` (the TCP stack's connection pool).
template <class Pool, class Conn>
class ConnTable {
public:
    explicit ConnTable(const Pool& pool) : pool_(pool) {}

    Conn* find(const net::FourTuple& t) const {
        if (slots_.empty()) return nullptr;
        const uint32_t tag = tag_of(t);
        for (size_t i = home_of(tag);; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (s.tag == 0) return nullptr;
            if (s.tag == tag) {
                Conn* c = pool_.at(s.index);
                if (c->tuple() == t) return c;
            }
        }
    }
    void insert(const net::FourTuple& t, uint32_t index) {
        if ((size_ + 1) * 2 > slots_.size()) grow();
        place(Slot{tag_of(t), index});
        ++size_;
    }
    bool erase(const net::FourTuple& t) {
        if (slots_.empty()) return false;
        const uint32_t tag = tag_of(t);
        size_t i = home_of(tag);
        for (;; i = (i + 1) & mask_) {
            if (slots_[i].tag == 0) return false;
            if (slots_[i].tag == tag && pool_.at(slots_[i].index)->tuple() == t) break;
        }
        sim::backward_shift_erase(
            slots_, mask_, i, [](const Slot& s) { return s.tag == 0; },
            [this](const Slot& s) { return home_of(s.tag); });
        --size_;
        return true;
    }
    size_t size() const { return size_; }
    size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }
    template <class F>
    void for_each(F&& f) const {
        for (const Slot& s : slots_)
            if (s.tag != 0) f(pool_.at(s.index));
    }

private:
    struct Slot {
        uint32_t tag = 0;  // 0: empty
        uint32_t index = 0;
    };
    static uint32_t tag_of(const net::FourTuple& t) { return static_cast<uint32_t>(t.hash() >> 32) | 1u; }
    // The home slot comes from the tag's upper bits: its lowest bit is the always-set "used"
    // mark, and homing on it would leave every even slot empty and double the probe runs.
    size_t home_of(uint32_t tag) const { return (tag >> 1) & mask_; }
    void place(Slot s) {
        size_t i = home_of(s.tag);
        while (slots_[i].tag != 0) i = (i + 1) & mask_;
        slots_[i] = s;
    }
    void grow() {
        std::vector<Slot> old;
        old.swap(slots_);
        slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
        mask_ = slots_.size() - 1;
        for (const Slot& s : old)
            if (s.tag != 0) place(s);
    }
    const Pool& pool_;
    std::vector<Slot> slots_;
    size_t mask_ = 0;
    size_t size_ = 0;
};

}  // namespace lvs::tcp
