#include "models/net/address.hpp"

#include <charconv>

namespace lvs::net {

std::optional<Ipv4> Ipv4::parse(std::string_view text) {
    uint32_t v = 0;
    size_t pos = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (pos >= text.size() || text[pos] != '.') return std::nullopt;
            ++pos;
        }
        unsigned octet = 0;
        const char* first = text.data() + pos;
        const char* last = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(first, last, octet);
        if (ec != std::errc() || ptr == first || octet > 255 || ptr - first > 3) return std::nullopt;
        pos += static_cast<size_t>(ptr - first);
        v = (v << 8) | octet;
    }
    if (pos != text.size()) return std::nullopt;
    return Ipv4(v);
}

std::string Ipv4::str() const {
    return std::to_string(v_ >> 24) + '.' + std::to_string((v_ >> 16) & 0xFF) + '.' +
           std::to_string((v_ >> 8) & 0xFF) + '.' + std::to_string(v_ & 0xFF);
}

std::string Endpoint::str() const { return addr.str() + ':' + std::to_string(port); }

std::optional<Endpoint> Endpoint::parse(std::string_view text) {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const auto addr = Ipv4::parse(text.substr(0, colon));
    if (!addr) return std::nullopt;
    const std::string_view port_text = text.substr(colon + 1);
    unsigned port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port_text.empty() || port > 65535)
        return std::nullopt;
    return Endpoint{*addr, static_cast<Port>(port)};
}

}  // namespace lvs::net
