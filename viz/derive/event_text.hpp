// One line per trace record for the event log, and the "why" behind the director's decisions.
#pragma once

#include <string>

#include "viz/trace_model.hpp"

namespace lvs::viz {

// "172.16.0.1:45262 -> 10.0.0.100:80  ESTABLISHED -> FIN_WAIT_1 (app-close)"
std::string event_summary(const TraceModel& m, const Record& r);
// The reason the record carries, when it has one: the scheduler's candidates, the rule that
// dropped or reset a packet, an admin command's error, a failed object's cause.
std::string event_reason(const TraceModel& m, const Record& r);
// The record that caused this one: among the records of the event that scheduled it, the
// packet that arrived now if there is one, else that event's first record. -1 when none.
int64_t cause_record(const TraceModel& m, uint32_t record);
// Every field as key=value (tooltips).
std::string event_fields(const TraceModel& m, const Record& r);
// "12.000345 s" style clock for the log and the cursor readout.
std::string format_seconds(int64_t ns, int decimals = 6);

}  // namespace lvs::viz
