#include "viz/run_data.hpp"

namespace lvs::viz {

void derive(RunData& run, const TopologyInput* topology, const std::vector<RealServerHint>& hints) {
    run.conns.build(run.model);
    run.series = build_realserver_series(run.model, hints);
    run.queues = build_queue_series(run.model);
    run.pages.build(run.model, run.conns);
    if (topology != nullptr) run.topology.build(*topology);
    else run.topology.build(Topology::infer(run.model));
}

}  // namespace lvs::viz
