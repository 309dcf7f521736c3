// lblc, lblcr: locality-based schedulers (to be written).
#include "models/ipvs/scheduler.hpp"

namespace lvs::ipvs {
void register_locality(SchedulerRegistry&) {}
}  // namespace lvs::ipvs
