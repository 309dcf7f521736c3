// sh, dh, mh: hashing schedulers (to be written).
#include "models/ipvs/scheduler.hpp"

namespace lvs::ipvs {
void register_hashing(SchedulerRegistry&) {}
}  // namespace lvs::ipvs
