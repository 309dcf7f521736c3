// Key paths: `--set KEY=VALUE` applied to a scenario's YAML tree before it is read (dotted
// paths through the structure, list items addressed by their `name`), and the list of every
// settable key with its value (`--list-keys`).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace lvs::scenario {

// Throws ConfigError ("command line") for an unknown key or a missing list item.
void apply_set(YAML::Node root, const std::string& assignment);

}  // namespace lvs::scenario
