// hsiphash: the Linux kernel's hash for hash tables (lib/siphash.c, include/linux/siphash.h),
// which ip_vs_mh.c uses for the Maglev table.
//
// The kernel builds one of two functions under that name, chosen by the word size:
//   - BITS_PER_LONG == 64 (x86_64, arm64, ...): SipHash-1-3 on 64-bit words (one compression
//     round per 8-byte block, three finalisation rounds) with the two 64-bit key words of
//     hsiphash_key_t; the result is (v0 ^ v1) ^ (v2 ^ v3) truncated to u32. A tail shorter
//     than 8 bytes goes, read little endian, into the last word b with the length in its top
//     byte: b = len << 56 | tail.
//   - BITS_PER_LONG == 32: HalfSipHash-1-3 on 32-bit words with 32-bit key words, returning
//     v1 ^ v3; b = len << 24 | tail (at most 3 tail bytes).
// Both read the input as little-endian words whatever the CPU (le64/le32 loads).
//
// Checked against the kernel's own test vectors (lib/siphash_kunit.c test_vectors_hsiphash for
// both word sizes, and test_vectors_siphash for the shared round function; see
// tests/unit/maglev.tests.cpp).
#pragma once

#include <cstdint>
#include <span>

namespace lvs::ipvs {

// hsiphash_key_t is `unsigned long key[2]`: two 64-bit words on a 64-bit kernel, two 32-bit
// words on a 32-bit one (where only the low 32 bits of these are used).
struct HsiphashKey {
    uint64_t k0;
    uint64_t k1;
};

enum class HsiphashWidth : uint8_t {
    Long64,  // SipHash-1-3: what x86_64 and arm64 kernels run
    Long32,  // HalfSipHash-1-3: 32-bit kernels
};

// hsiphash(data, len, key): any length, the bytes in memory order (the kernel's
// __hsiphash_aligned / __hsiphash_unaligned; both give the same value).
uint32_t hsiphash(std::span<const uint8_t> data, const HsiphashKey& key, HsiphashWidth width);

// hsiphash(&v, sizeof(v), key) for a u32 `v` as a little-endian CPU stores it, which is what
// ip_vs_mh_hashkey() hashes on x86 and arm64: the kernel's hsiphash_1u32(v) (the aligned
// 4-byte path of ___hsiphash_aligned). Equal to hsiphash() of v's four bytes, low byte first.
uint32_t hsiphash_u32(uint32_t v, const HsiphashKey& key, HsiphashWidth width);

// SipHash-2-4 (the kernel's siphash()), 64-bit result: only to check the round function the
// 64-bit hsiphash shares against the reference vectors.
uint64_t siphash_2_4(std::span<const uint8_t> data, const HsiphashKey& key);

}  // namespace lvs::ipvs
