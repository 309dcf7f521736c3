// Checks across a scenario's sections, once each section is read: the director's rules and
// timeline commands are dry-run on a director of their own (in time order, so `-a` before `-A`
// or an unknown scheduler fails here, in ipvsadm's words), every address they name must be a
// realserver, every client needs a service or realserver to load from, every realserver must
// be used, and what lvsim does that a user may not expect becomes a Warning.
#pragma once

#include <yaml-cpp/yaml.h>

#include "models/scenario/scenario.hpp"
#include "models/scenario/yaml_reader.hpp"

namespace lvs::scenario {

// Fills in what depends on several sections (client targets, warnings); throws ConfigError.
void cross_check(Scenario& s, const Reader& r, const YAML::Node& root);

}  // namespace lvs::scenario
