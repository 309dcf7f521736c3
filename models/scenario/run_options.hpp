// How a run is asked to go: where it stops, what it traces and records, and what it checks on
// the way (the command line, the viewer and the library fill it in).
#pragma once

#include <csignal>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sim/simulator.hpp"
#include "sim/trace.hpp"

namespace lvs::scenario {

struct RunOptions {
    std::optional<sim::Time> until;  // stop earlier (or later) than the duration
    std::vector<sim::Time> snapshot_at;
    std::ostream* trace_jsonl = nullptr;  // JSON Lines trace
    std::string pcap_path;
    std::vector<sim::TraceSink*> extra_sinks;  // e.g. the viewer's recorder
    // Digest every trace record into Report::fingerprint (turns tracing on).
    bool fingerprint = false;
    // Called every `progress_every` of simulated time (for progress lines).
    std::function<void(sim::Time, uint64_t events)> progress;
    sim::Duration progress_every = sim::s(5);
    // Period of the `director.connections` (-Lnc) records when tracing.
    sim::Duration listing_every = sim::s(1);
    // Set asynchronously (by a signal handler) to end the run early: it stops after the
    // current slice of `progress_every`, and the report says it is not complete.
    const volatile std::sig_atomic_t* stop = nullptr;
    // Check the invariants (Run::check_invariants) at every sample: on by default in the
    // sanitizer build, on request otherwise (lvsim run --check-invariants).
#ifdef LVSIM_CHECK_INVARIANTS
    bool check_invariants = true;
#else
    bool check_invariants = false;
#endif
};

}  // namespace lvs::scenario
