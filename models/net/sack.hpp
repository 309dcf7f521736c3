// SACK blocks (RFC 2018, D-SACK RFC 2883) travelling with a segment.
//
// A Packet stays a 32-byte value, so the blocks of a segment that carries them wait in this
// table, under an id the segment carries in Packet::msg (with Packet::kSack set); the entry
// keeps the message id the segment would otherwise have carried. Entries are never freed one
// by one: the table is a ring, and an entry lives until 2^18 newer ones have been written,
// far longer than any segment is in flight. A lookup of an overwritten entry is an error the
// run reports, never a silent default.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace lvs::net {

struct SackBlock {
    uint32_t start = 0;  // first sequence number of the block
    uint32_t end = 0;    // sequence number just past it
};

struct SackInfo {
    uint32_t msg = 0;                   // the application message id the segment carries (0: none)
    uint8_t count = 0;                  // blocks in use
    bool dsack = false;                 // blocks[0] reports a duplicate (RFC 2883), not new data
    std::array<SackBlock, 4> blocks{};  // most recent first (tcp_sack_new_ofo_skb)
};

class SackTable {
public:
    uint32_t add(const SackInfo& info);
    // The entry for `id`; throws std::runtime_error when it was overwritten.
    const SackInfo& get(uint32_t id) const;

private:
    static constexpr uint32_t kCapacity = 1u << 18;
    struct Slot {
        uint32_t id = 0;
        SackInfo info;
    };
    std::vector<Slot> ring_;
    uint32_t next_id_ = 0;
};

}  // namespace lvs::net
