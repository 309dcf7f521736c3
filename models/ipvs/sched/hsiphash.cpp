// SipHash and HalfSipHash as lib/siphash.c writes them (PREAMBLE/HPREAMBLE, SIPROUND/HSIPROUND,
// POSTAMBLE/HPOSTAMBLE): the constants, rotations and word layout are the kernel's.
#include "models/ipvs/sched/hsiphash.hpp"

#include <cstddef>

namespace lvs::ipvs {
namespace {

constexpr uint64_t rol64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
constexpr uint32_t rol32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

// `n` (< 8) bytes from `p`, little endian: the value the kernel's tail switch (or its
// load_unaligned_zeropad with a byte mask) ORs into b.
uint64_t load_le(const uint8_t* p, size_t n) {
    uint64_t x = 0;
    for (size_t i = 0; i < n; ++i) x |= static_cast<uint64_t>(p[i]) << (8 * i);
    return x;
}

// SipHash state on 64-bit words; the initial words spell "somepseudorandomlygeneratedbytes".
struct Sip64 {
    using Word = uint64_t;
    uint64_t v0, v1, v2, v3;
    explicit Sip64(const HsiphashKey& k)
        : v0(0x736f6d6570736575ULL ^ k.k0),
          v1(0x646f72616e646f6dULL ^ k.k1),
          v2(0x6c7967656e657261ULL ^ k.k0),
          v3(0x7465646279746573ULL ^ k.k1) {}
    void round() {
        v0 += v1;
        v1 = rol64(v1, 13);
        v1 ^= v0;
        v0 = rol64(v0, 32);
        v2 += v3;
        v3 = rol64(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rol64(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rol64(v1, 17);
        v1 ^= v2;
        v2 = rol64(v2, 32);
    }
    uint64_t result() const { return (v0 ^ v1) ^ (v2 ^ v3); }
};

// HalfSipHash state on 32-bit words (the 32-bit kernel's hsiphash).
struct Sip32 {
    using Word = uint32_t;
    uint32_t v0, v1, v2, v3;
    explicit Sip32(const HsiphashKey& k)
        : v0(static_cast<uint32_t>(k.k0)),
          v1(static_cast<uint32_t>(k.k1)),
          v2(0x6c796765U ^ static_cast<uint32_t>(k.k0)),
          v3(0x74656462U ^ static_cast<uint32_t>(k.k1)) {}
    void round() {
        v0 += v1;
        v1 = rol32(v1, 5);
        v1 ^= v0;
        v0 = rol32(v0, 16);
        v2 += v3;
        v3 = rol32(v3, 8);
        v3 ^= v2;
        v0 += v3;
        v3 = rol32(v3, 7);
        v3 ^= v0;
        v2 += v1;
        v1 = rol32(v1, 13);
        v1 ^= v2;
        v2 = rol32(v2, 16);
    }
    uint32_t result() const { return v1 ^ v3; }
};

template <typename Sip>
void compress(Sip& s, typename Sip::Word m, int rounds) {
    s.v3 ^= m;
    for (int i = 0; i < rounds; ++i) s.round();
    s.v0 ^= m;
}

template <typename Sip>
auto finish(Sip& s, typename Sip::Word b, int c_rounds, int d_rounds) {
    compress(s, b, c_rounds);
    s.v2 ^= 0xff;
    for (int i = 0; i < d_rounds; ++i) s.round();
    return s.result();
}

// The whole function for any length: whole words, then the tail with the length byte on top.
template <typename Sip>
auto sip_bytes(std::span<const uint8_t> data, const HsiphashKey& key, int c_rounds, int d_rounds) {
    using Word = typename Sip::Word;
    constexpr size_t kWord = sizeof(Word);
    Sip s(key);
    const size_t whole = data.size() - data.size() % kWord;
    for (size_t i = 0; i < whole; i += kWord)
        compress(s, static_cast<Word>(load_le(data.data() + i, kWord)), c_rounds);
    // (u64)len << 56 or (u32)len << 24: the length modulo 256 in the top byte.
    Word b = static_cast<Word>(static_cast<Word>(data.size()) << (8 * kWord - 8));
    b |= static_cast<Word>(load_le(data.data() + whole, data.size() - whole));
    return finish(s, b, c_rounds, d_rounds);
}

}  // namespace

uint32_t hsiphash(std::span<const uint8_t> data, const HsiphashKey& key, HsiphashWidth width) {
    if (width == HsiphashWidth::Long64) return static_cast<uint32_t>(sip_bytes<Sip64>(data, key, 1, 3));
    return sip_bytes<Sip32>(data, key, 1, 3);
}

uint32_t hsiphash_u32(uint32_t v, const HsiphashKey& key, HsiphashWidth width) {
    if (width == HsiphashWidth::Long64) {
        // 64-bit hsiphash_1u32: HPREAMBLE(4); b |= first; HPOSTAMBLE (no whole word).
        Sip64 s(key);
        return static_cast<uint32_t>(finish(s, (uint64_t{4} << 56) | v, 1, 3));
    }
    // 32-bit hsiphash_1u32: one whole word, then b = 4 << 24 with no tail.
    Sip32 s(key);
    compress(s, v, 1);
    return finish(s, uint32_t{4} << 24, 1, 3);
}

uint64_t siphash_2_4(std::span<const uint8_t> data, const HsiphashKey& key) {
    return sip_bytes<Sip64>(data, key, 2, 4);
}

}  // namespace lvs::ipvs
