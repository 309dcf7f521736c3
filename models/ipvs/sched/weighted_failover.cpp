// fo, ovf, twos (to be written).
#include "models/ipvs/scheduler.hpp"

namespace lvs::ipvs {
void register_weighted_failover(SchedulerRegistry&) {}
}  // namespace lvs::ipvs
