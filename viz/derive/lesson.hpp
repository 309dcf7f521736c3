// A run's story as the viewer tells it: the guided lesson's steps (`lesson.step` records,
// written from the scenario's `steps:`) and the key moments found in the run itself (the last
// reload, the keep-alive timeout that closes idle connections, the end of a drain).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "viz/derive/connections.hpp"
#include "viz/trace_model.hpp"

namespace lvs::viz {

struct LessonStepView {
    int64_t t = 0;
    std::string caption, question, highlight, reveal;
};
std::vector<LessonStepView> lesson_steps(const TraceModel& m);

struct KeyMoment {
    int64_t t = 0;
    std::string label;  // "last reload (ie8)", "rs1: no ActiveConn", ...
};
// In time order. The drain's moments need the connections (IPVS entries by realserver).
std::vector<KeyMoment> key_moments(const TraceModel& m, const ConnectionSet& conns);

}  // namespace lvs::viz
