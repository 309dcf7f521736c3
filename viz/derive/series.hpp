// Step functions over time, and the per-realserver series the timeline plots: weight,
// ActiveConn, InActConn (exactly as the director listed them), the server's TIME_WAIT count and
// its workers.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "viz/trace_model.hpp"

namespace lvs::viz {

// A right-continuous step function: v[i] holds from t[i] until t[i+1]. NaN means "absent"
// (a realserver deleted from the service), drawn as a gap.
class StepSeries {
public:
    void push(int64_t t, double v);
    double at(int64_t time, double before = std::nan("")) const;
    bool empty() const { return t_.empty(); }
    double max() const { return max_; }
    const std::vector<int64_t>& times() const { return t_; }
    const std::vector<double>& values() const { return v_; }
    // Index of the step in force at `time` (-1 before the first).
    int64_t index_at(int64_t time) const;

private:
    std::vector<int64_t> t_;
    std::vector<double> v_;
    double max_ = 0;
};

struct RealServerSeries {
    std::string name;     // "rs1" (or the address when the trace does not say)
    std::string address;  // "192.168.10.11:80" as listed by ipvsadm
    StepSeries weight, active, inactive, time_wait, workers_busy, workers_idle;
    bool has_workers = false;
};

// What the in-process source knows beyond the trace: names and addresses from the scenario.
struct RealServerHint {
    std::string name;
    std::string ip;  // "192.168.10.11"
};

// Counters come from `director.dest` records (traces from lvsim before they existed show no
// counters: record them again); names from the hints, then `director.realserver` records;
// workers from `http.server.workers` records.
std::vector<RealServerSeries> build_realserver_series(const TraceModel& m,
                                                      const std::vector<RealServerHint>& hints);

// A drop-tail queue's sampled occupancy (`net.queue` records, one per sample_every), per link
// direction: the backlog in packets (the delay is that backlog over the link's rate).
struct QueueSeries {
    std::string link;  // "ie8-internet"
    std::string dir;   // "out" (a -> b) or "back"
    std::string to;    // the node the direction feeds ("ie8"; empty in older traces)
    StepSeries packets;
};
// Directions that never held a packet are left out.
std::vector<QueueSeries> build_queue_series(const TraceModel& m);

// A client group's DNS lookups (`dns.lookup` records of its hosts "NAME" or "NAME.i"): how many
// were answered and how many failed so far, as steps.
struct LookupSeries {
    std::string group;
    StepSeries answered, failed;
};
std::vector<LookupSeries> build_lookup_series(const TraceModel& m);

}  // namespace lvs::viz
