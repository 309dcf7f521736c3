// An imported director written out as a runnable scenario file: every value with a comment
// naming the file and line it came from, the simplified and the ignored directives listed at
// the top, and browsers loading pages from the first TCP service so that it runs as it is.
#pragma once

#include <string>

#include "models/import/imported.hpp"

namespace lvs::import {

// Services and realservers for connection entries whose service no rule defines (an
// `ipvsadm -Lnc` listing imported on its own), each said in `simplified`. An ImportError when
// the entries ask for a table the director would refuse.
void infer_services(Director& d);

// `command` is how the user asked for it ("lvsim import keepalived farm.conf").
std::string scenario_yaml(const Director& d, const std::string& command);

// A check method's fields in scenario-file words ("http", "3s").
std::string check_type_name(ipvs::CheckType t);

}  // namespace lvs::import
