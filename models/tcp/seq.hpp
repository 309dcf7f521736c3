// Comparisons in TCP's 32-bit wrapping spaces (include/net/tcp.h before() and after()): for
// sequence numbers, and for the 32-bit microsecond and jiffies stamps the kernel compares the
// same way.
#pragma once

#include <cstdint>

namespace lvs::tcp {

constexpr bool seq_lt(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0; }
constexpr bool seq_le(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) <= 0; }
constexpr bool seq_gt(uint32_t a, uint32_t b) { return seq_lt(b, a); }
constexpr bool seq_ge(uint32_t a, uint32_t b) { return seq_le(b, a); }

}  // namespace lvs::tcp
