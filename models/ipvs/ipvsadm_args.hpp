// The ipvsadm command line's words: tokens with their columns, numbers in range, addr[:port]
// with the service names ipvsadm knows, and --sched-flags. The parser (ipvsadm_parse.cpp)
// reads them; the listings (ipvsadm_list.cpp) print the same port names unless -n is given.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "models/net/address.hpp"

namespace lvs::ipvs {

// Port names ipvsadm would resolve through /etc/services (the ones lessons use).
inline const std::map<std::string, uint16_t, std::less<>>& port_names() {
    static const std::map<std::string, uint16_t, std::less<>> m{
        {"http", 80}, {"https", 443}, {"ftp", 21}, {"smtp", 25}, {"domain", 53}};
    return m;
}

struct Token {
    std::string text;
    size_t column;
};
std::vector<Token> tokenize(std::string_view line);
bool to_number(std::string_view s, long min, long max, long* out);
// "addr[:port]"; returns 0 (error), 1 (address) or 3 (address and port).
int parse_service(std::string_view text, net::Endpoint* ep);
bool parse_sched_flags(std::string_view text, uint32_t* flags);

}  // namespace lvs::ipvs
