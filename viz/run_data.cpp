#include "viz/run_data.hpp"

#include <map>

namespace lvs::viz {

std::vector<std::string> vocabulary_notices(const TraceModel& m) {
    std::vector<std::string> out;
    std::map<std::string_view, size_t> unknown;
    for (const Record& r : m.records())
        if (trace::find_kind(m.str(r.kind)) == nullptr) ++unknown[m.str(r.kind)];
    for (const auto& [kind, n] : unknown)
        out.push_back(std::to_string(n) + " record(s) of kind '" + std::string(kind) +
                      "', which is not in lvsim's trace vocabulary (docs/trace.md): listed in the event log, "
                      "not interpreted");
    if (m.kinds().director_dest == kNoStr && m.kinds().listing != kNoStr)
        out.push_back(
            "this trace has `director.listing` records but no `director.dest` records (it was written by an "
            "older lvsim): the realserver counters cannot be drawn; record it again with lvsim run --trace");
    return out;
}

void derive(RunData& run, const TopologyInput* topology, const std::vector<RealServerHint>& hints) {
    run.conns.build(run.model);
    run.series = build_realserver_series(run.model, hints);
    run.notices = vocabulary_notices(run.model);
    run.queues = build_queue_series(run.model);
    run.lookups = build_lookup_series(run.model);
    run.pages.build(run.model, run.conns);
    run.steps = lesson_steps(run.model);
    run.moments = key_moments(run.model, run.conns);
    run.directors.build(run.model);
    std::vector<std::string> fleet;  // its directors' entities, in the fleet's order
    if (run.directors.fleet())
        for (const DirectorTrack& d : run.directors.directors()) fleet.emplace_back(run.model.str(d.entity));
    if (topology != nullptr) run.topology.build(*topology, fleet);
    else run.topology.build(Topology::infer(run.model), fleet);
}

}  // namespace lvs::viz
