// What the importers share: number readers and names. Only models/import's files include it.
#pragma once

#include <optional>
#include <string>

#include "models/import/imported.hpp"

namespace lvs::import {

std::optional<uint64_t> parse_uint(const std::string& text);
// "5", "2.5": seconds, as keepalived and ldirectord write them.
std::optional<sim::Duration> parse_seconds(const std::string& text);
// 10.0.0.100:80 -> "10_0_0_100_80", for health check names.
std::string dotted_name(const net::Endpoint& e);
// The text up to the first blank ("10.0.0.100:80 -s wlc" -> "10.0.0.100:80").
inline std::string words_before_space(const std::string& s) { return s.substr(0, s.find(' ')); }
// The name add_realserver() gave the host at `address` ("" if none).
std::string realserver_name(const Director& d, net::Ipv4 address);

// Applies the rules in order to a director of their own; the first it refuses is an ImportError
// at that rule's line.
void check_rules(const Director& d);

void import_keepalived(const std::string& text, const std::string& origin, Director& into);
void import_ldirectord(const std::string& text, const std::string& origin, Director& into);
void import_ipvsadm_save(const std::string& text, const std::string& origin, Director& into);
void import_ipvsadm_timeout(const std::string& text, const std::string& origin, Director& into);
void import_sysctl(const std::string& text, const std::string& origin, Director& into);
void import_connections(const std::string& text, const std::string& origin, Director& into);

}  // namespace lvs::import
