// IPv4 addresses, ports and endpoints as small named types.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace lvs::net {

class Ipv4 {
public:
    constexpr Ipv4() = default;
    constexpr explicit Ipv4(uint32_t host_order) : v_(host_order) {}
    static constexpr Ipv4 of(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
        return Ipv4((uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d);
    }
    // "192.168.10.11" -> address; nullopt on anything else.
    static std::optional<Ipv4> parse(std::string_view text);

    constexpr uint32_t value() const { return v_; }
    constexpr bool is_zero() const { return v_ == 0; }
    constexpr Ipv4 masked(Ipv4 mask) const { return Ipv4(v_ & mask.v_); }
    constexpr Ipv4 operator+(uint32_t n) const { return Ipv4(v_ + n); }
    constexpr auto operator<=>(const Ipv4&) const = default;
    std::string str() const;

private:
    uint32_t v_ = 0;
};

using Port = uint16_t;

struct Endpoint {
    Ipv4 addr;
    Port port = 0;
    constexpr auto operator<=>(const Endpoint&) const = default;
    // "10.0.0.100:80"
    std::string str() const;
    static std::optional<Endpoint> parse(std::string_view text);
};

// A connection as one side sees it.
struct FourTuple {
    Endpoint local;
    Endpoint remote;
    constexpr bool operator==(const FourTuple&) const = default;
    constexpr uint64_t hash() const {
        uint64_t h = (uint64_t{local.addr.value()} << 32 | remote.addr.value()) * 0x9E3779B97F4A7C15ull;
        h ^= (uint64_t{local.port} << 16 | remote.port) + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
        return h * 0xBF58476D1CE4E5B9ull;
    }
};

}  // namespace lvs::net

template <>
struct std::hash<lvs::net::Ipv4> {
    size_t operator()(lvs::net::Ipv4 a) const noexcept { return std::hash<uint32_t>{}(a.value()); }
};
