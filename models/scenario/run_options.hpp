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

// A partitioned run's two parts: the clients' side and the director's side. Where the cut
// goes between them decides which side the realservers are on, and so the lookahead (the
// shortest link between the sides: a client's access link, or the director's LAN link).
constexpr sim::Lp kClientSideLp = 0;
constexpr sim::Lp kDirectorSideLp = 1;
enum class PartitionCut : uint8_t {
    Clients,    // the client hosts | the director(s), the realservers and the rest
    Directors,  // the clients and the realservers | the director(s)
};

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
    // A partitioned run (the conservative-parallel prototype, tests/bench/pdes.cpp): this
    // process's part, kClientSideLp or kDirectorSideLp, or kAnyLp for an ordinary run of the
    // whole scenario; and where the cut goes.
    sim::Lp partition_lp = sim::kAnyLp;
    PartitionCut partition_cut = PartitionCut::Clients;
    // Check the invariants (Run::check_invariants) at every sample: on by default in the
    // sanitizer build, on request otherwise (lvsim run --check-invariants).
#ifdef LVSIM_CHECK_INVARIANTS
    bool check_invariants = true;
#else
    bool check_invariants = false;
#endif
};

}  // namespace lvs::scenario
