// The connection table: an open-addressing hash map from a 4-tuple to its connection.
//
// O(1) lookups with tens of thousands of TIME_WAIT entries; linear probing with backward-shift
// deletion (no tombstones), power-of-two capacity kept under 50 % load.
#pragma once

#include <cstdint>
#include <vector>

#include "models/net/address.hpp"

namespace lvs::tcp {

class TcpConn;

class ConnTable {
public:
    TcpConn* find(const net::FourTuple& t) const {
        if (slots_.empty()) return nullptr;
        for (size_t i = index(t);; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (s.conn == nullptr) return nullptr;
            if (s.tuple == t) return s.conn;
        }
    }
    void insert(const net::FourTuple& t, TcpConn* c) {
        if ((size_ + 1) * 2 > slots_.size()) grow();
        size_t i = index(t);
        while (slots_[i].conn != nullptr) i = (i + 1) & mask_;
        slots_[i] = Slot{t, c};
        ++size_;
    }
    bool erase(const net::FourTuple& t) {
        if (slots_.empty()) return false;
        size_t i = index(t);
        for (;; i = (i + 1) & mask_) {
            if (slots_[i].conn == nullptr) return false;
            if (slots_[i].tuple == t) break;
        }
        // Backward shift: pull later members of the probe run into the hole.
        size_t hole = i;
        for (size_t j = (i + 1) & mask_; slots_[j].conn != nullptr; j = (j + 1) & mask_) {
            const size_t home = index(slots_[j].tuple);
            const bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                slots_[hole] = slots_[j];
                hole = j;
            }
        }
        slots_[hole] = Slot{};
        --size_;
        return true;
    }
    size_t size() const { return size_; }
    size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }
    template <class F>
    void for_each(F&& f) const {
        for (const Slot& s : slots_)
            if (s.conn != nullptr) f(s.conn);
    }

private:
    struct Slot {
        net::FourTuple tuple{};
        TcpConn* conn = nullptr;
    };
    size_t index(const net::FourTuple& t) const { return static_cast<size_t>(t.hash() >> 20) & mask_; }
    void grow() {
        std::vector<Slot> old;
        old.swap(slots_);
        slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
        mask_ = slots_.size() - 1;
        size_ = 0;
        for (const Slot& s : old)
            if (s.conn != nullptr) insert(s.tuple, s.conn);
    }
    std::vector<Slot> slots_;
    size_t mask_ = 0;
    size_t size_ = 0;
};

}  // namespace lvs::tcp
