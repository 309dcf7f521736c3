// lvsim as a library: the whole public API in one include.
//
//   #include <lvsim/lvsim.hpp>
//
//   lvsim::Scenario s = lvsim::Scenario::load("scenarios/01-drain-zero-weight.yaml");
//   lvsim::Report r = lvsim::Run(s).run();
//   std::cout << r.text();
//
// core.hpp      Time, Error, parse_time/format_time, version()
// scenario.hpp  Scenario (load, parse, with, timeline additions), ScenarioBuilder
// run.hpp       Run (step, subscribe, tables, ipvsadm listings, quantities), Report
// scheduler.hpp Scheduler plugins and register_scheduler
//
// In CMake: find_package(lvsim) and target_link_libraries(app PRIVATE lvsim::lvsim).
#pragma once

#include "lvsim/core.hpp"
#include "lvsim/run.hpp"
#include "lvsim/scenario.hpp"
#include "lvsim/scheduler.hpp"
