// One loaded run: its trace model and everything the panels derive from it once, at load time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "viz/derive/connections.hpp"
#include "viz/derive/directors.hpp"
#include "viz/derive/lesson.hpp"
#include "viz/derive/pages.hpp"
#include "viz/derive/series.hpp"
#include "viz/derive/topology.hpp"
#include "viz/trace_model.hpp"

namespace lvs::viz {

// Keeps the in-process simulation (scenario::Run) alive while the viewer uses its records;
// defined by the scenario source so that panels never see model headers.
struct SimulationHolder {
    virtual ~SimulationHolder() = default;
};

struct RunData {
    std::string path;
    std::string title;   // the scenario's name, or the trace file's name
    std::string lesson;  // the scenario's lesson text (in-process only)
    bool in_process = false;
    std::string report_text;  // `lvsim run`'s text report (in-process only)
    // What the viewer could not interpret in the trace (shown in the Report tab and printed
    // on stderr when the trace is opened).
    std::vector<std::string> notices;
    std::unique_ptr<SimulationHolder> simulation;

    TraceModel model;
    ConnectionSet conns;
    std::vector<RealServerSeries> series;
    std::vector<QueueSeries> queues;
    std::vector<LookupSeries> lookups;
    PageLoadSet pages;
    std::vector<LessonStepView> steps;  // the guided lesson (none: PageDown walks the markers)
    std::vector<KeyMoment> moments;
    Topology topology;
    DirectorSet directors;  // a director pair or a fleet (empty: one director)

    int64_t begin() const { return model.begin_time(); }
    int64_t end() const { return model.end_time(); }
};

// Record kinds the vocabulary does not know, and missing kinds the panels need.
std::vector<std::string> vocabulary_notices(const TraceModel& m);

// Builds the derived views (connections, series, pages, topology) from the model.
void derive(RunData& run, const TopologyInput* topology, const std::vector<RealServerHint>& hints);

}  // namespace lvs::viz
