// The ipvsadm command line's words (ipvsadm_args.hpp): kept apart from the parser's option
// handling so that each file holds one level of the command line.
#include "models/ipvs/ipvsadm_args.hpp"

#include <charconv>

#include "models/ipvs/ipvsadm.hpp"

namespace lvs::ipvs {

std::vector<Token> tokenize(std::string_view line) {
    std::vector<Token> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        if (i >= line.size()) break;
        const size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        out.push_back({std::string(line.substr(start, i - start)), start});
    }
    return out;
}

bool to_number(std::string_view s, long min, long max, long* out) {
    long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty() || v < min || v > max) return false;
    *out = v;
    return true;
}

// parse_service: "addr[:port]"; returns 0 (error), 1 (address) or 3 (address and port).
int parse_service(std::string_view text, net::Endpoint* ep) {
    const size_t colon = text.rfind(':');
    const std::string_view addr = colon == std::string_view::npos ? text : text.substr(0, colon);
    const auto a = net::Ipv4::parse(addr);
    if (!a) return 0;
    ep->addr = *a;
    if (colon == std::string_view::npos) return 1;
    const std::string_view port = text.substr(colon + 1);
    long v = 0;
    if (to_number(port, 0, 65535, &v)) {
        ep->port = static_cast<uint16_t>(v);
        return 3;
    }
    const auto it = port_names().find(port);
    if (it == port_names().end()) return 0;
    ep->port = it->second;
    return 3;
}

bool parse_sched_flags(std::string_view text, uint32_t* flags) {
    *flags = 0;
    size_t i = 0;
    while (i <= text.size()) {
        const size_t comma = text.find(',', i);
        const std::string_view f =
            text.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i);
        if (f == "flag-1" || f == "sh-fallback" || f == "mh-fallback") *flags |= kSvcSched1;
        else if (f == "flag-2" || f == "sh-port" || f == "mh-port") *flags |= kSvcSched2;
        else if (f == "flag-3") *flags |= kSvcSched3;
        else return false;
        if (comma == std::string_view::npos) break;
        i = comma + 1;
    }
    return true;
}

}  // namespace lvs::ipvs
