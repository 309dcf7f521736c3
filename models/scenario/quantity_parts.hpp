// The parts of a quantity's name, shared by resolving a name (quantity.cpp) and listing every
// name a scenario can use (quantity_listing.cpp): splitting at dots, and the scenario's own
// names that the placeholders RS, GROUP, CHECK and STATE stand for.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace lvs::scenario::quantity_detail {

std::vector<std::string_view> split(std::string_view s);
bool is_placeholder(std::string_view p);
std::optional<size_t> index_of(const std::vector<std::string>& names, std::string_view name);

std::vector<std::string> rs_names(const Scenario& s);
std::vector<std::string> group_names(const Scenario& s);
// The directors a pattern's LVS stands for: the pair's (`ha.`) or the fleet's (`fleet.`), or none.
std::vector<std::string> director_names(const Scenario& s, std::string_view pattern);
std::vector<std::string> check_names(const Scenario& s);
std::vector<std::string> state_names();

std::string join(const std::vector<std::string>& v);  // "a, b, c"

}  // namespace lvs::scenario::quantity_detail
