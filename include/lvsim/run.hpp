// lvsim's public API, part 3: running a scenario, stepping it, watching its trace, reading the
// director's tables and the report.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lvsim/core.hpp"
#include "lvsim/scenario.hpp"
#include "lvsim/stats.hpp"
#include "lvsim/tables.hpp"

namespace lvsim {

class Run;

// ---- trace records ---------------------------------------------------------------------------

/// One structured record the models publish: every TCP and IPVS state change, scheduling
/// decision ("ipvs.sched", with the figures each candidate had), new and expired connection
/// entries ("ipvs.conn.new", "ipvs.conn.expire"), admin commands ("ipvs.admin"), HTTP events
/// ("http.request", "http.page.done") and more; `lvsim run --trace FILE` writes the same records.
///
/// A TraceRecord is a view, valid only during the callback that receives it: copy what you
/// keep (line() or the fields you need).
class TraceRecord {
public:
    /// When it happened.
    Time time() const;
    /// The number of the event that made it.
    uint64_t seq() const;
    /// The number of the event that scheduled that one: walk back from a record to its cause.
    uint64_t cause() const;
    /// Who made it: "director", a realserver ("rs1"), a browser ("ie8", "users.3").
    std::string_view entity() const;
    /// What it is: "ipvs.sched", "ipvs.state", "tcp.state", "http.request", ...
    std::string_view kind() const;

    /// Number of fields.
    size_t field_count() const;
    /// The i-th field's key, in the order the fields were made.
    std::string_view key(size_t i) const;
    /// The i-th field's value as text.
    std::string value(size_t i) const;
    /// Whether a field named `key` exists.
    bool has(std::string_view key) const;
    /// The field named `key` as text, whatever its type ("rs2", "3", "0.25"); empty when absent.
    std::string field(std::string_view key) const;
    /// A text field ("client", "chosen", "candidates", "from", "to"); empty when absent or
    /// not text.
    std::string_view text(std::string_view key) const;
    /// An integer field ("conn", "active", "inactive"); `fallback` when absent.
    int64_t integer(std::string_view key, int64_t fallback = 0) const;

    /// The record as one human line, as `lvsim run` traces print it:
    /// "[    20.074042] director: ipvs.sched service=10.0.0.100:80 ... chosen=rs2 ...".
    std::string line() const;

private:
    friend class Run;
    explicit TraceRecord(const void* record) : record_(record) {}
    const void* record_;  // the simulator's record
};

/// A trace subscriber: called for every record, in order, while the run advances.
using TraceCallback = std::function<void(const TraceRecord&)>;

// ---- the report ------------------------------------------------------------------------------

// ClientStats and ServerStats: lvsim/stats.hpp.

/// The first drain of a realserver (`-w 0` or `-d` in the timeline, or a health checker's).
struct Drain {
    std::string realserver;                ///< its name ("rs1")
    std::string command;                   ///< what started it
    Time at{};                             ///< when
    std::optional<Time> no_active_after;   ///< ActiveConn reached 0 this long after (none: not in the run)
    std::optional<Time> no_entries_after;  ///< no entries left this long after
};

/// A snapshot of the director's listings.
struct Snapshot {
    std::string label;                   ///< the timeline's label, "at 60s" for --snapshot-at, or "end"
    Time at{};                           ///< when it was taken
    std::string ipvsadm_ln;              ///< `ipvsadm -Ln` text
    std::string ipvsadm_lnc;             ///< `ipvsadm -Lnc` text
    std::vector<ServiceTable> services;  ///< the same as data
};

/// One expectation of the scenario, checked.
struct ExpectationResult {
    std::string text;        ///< the condition as written
    std::optional<Time> at;  ///< none: at the end
    bool passed = false;
    std::string observed;  ///< the values it saw ("rs1.active=3")
};

/// A run's report: the figures of `lvsim run`, as data and as its text, JSON and CSV forms.
class Report {
public:
    std::string scenario;                         ///< the scenario's name
    uint64_t seed = 0;                            ///< the run's seed
    std::string kernel;                           ///< the kernel profile
    Time end{};                                   ///< simulated time the report covers
    uint64_t events = 0;                          ///< events executed
    ClientStats clients;                          ///< all browsers together
    std::vector<ClientStats> groups;              ///< each client group
    std::vector<ServerStats> realservers;         ///< each realserver
    std::vector<Drain> drains;                    ///< each drained realserver's first drain
    std::vector<Snapshot> snapshots;              ///< in time order; run() adds one at the end
    std::vector<ExpectationResult> expectations;  ///< the scenario's, checked so far
    std::vector<std::string> admin_log;           ///< "[20s] ipvsadm -e ...", with ipvsadm's words on failure

    /// True when every expectation held.
    bool passed() const;
    /// The drain of `realserver`, if it had one.
    const Drain* drain(std::string_view realserver) const;
    /// The human report `lvsim run` prints.
    std::string text() const;
    /// The JSON report (format lvsim-report/1, see the README).
    std::string json() const;
    /// The CSV time series (`lvsim run --csv`).
    std::string csv() const;

private:
    friend class Run;
    struct Data;
    std::shared_ptr<const Data> data_;  // the simulator's own report, for text()/json()/csv()
};

// ---- the run ---------------------------------------------------------------------------------

/// Options of one run.
struct RunOptions {
    std::optional<Time> until;      ///< stop earlier (or later) than the scenario's duration
    std::vector<Time> snapshot_at;  ///< extra snapshots (`--snapshot-at`)
    std::string trace_path;         ///< write the JSON Lines trace here (`--trace`)
    std::string pcap_path;          ///< write a pcap capture here (`--pcap`)
};

/// One run of a scenario: build it, step it, watch it, read it.
///
///     lvsim::Run run(lvsim::Scenario::load("scenarios/01-drain-zero-weight.yaml"));
///     run.run_until(30s);
///     std::cout << run.ipvsadm("-Ln");
///     lvsim::Report r = run.run();
///
/// The models are built on first use (the first step, table or report), so subscribe()
/// before that sees the run from its very first record.
class Run {
public:
    /// Prepares a run (the scenario was checked when it was loaded or built).
    explicit Run(const Scenario& scenario, RunOptions options = {});
    /// Not copyable (a run is one simulation in progress); movable.
    ~Run();
    Run(Run&&) noexcept;
    Run& operator=(Run&&) noexcept;
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    /// Calls `fn` for every trace record from now on. Subscribing turns tracing on, which
    /// also puts the director's listings into the trace ("director.listing" on every change,
    /// "director.connections" every second) when done before the first step.
    void subscribe(TraceCallback fn);

    /// Runs every event up to `t` (at most the end) and leaves the clock at `t`. Returns false
    /// once the end of the run is reached.
    bool run_until(Time t);
    /// Runs the next event (at most the end). Returns false when there is none before the end.
    bool step();
    /// Runs to the end, takes the final snapshot, checks the expectations and reports.
    /// Call it once; afterwards report() gives the same report again.
    Report run();
    /// The report as of now (valid mid-run: expectations not yet due are left out).
    Report report();

    /// The simulated clock now (0 before the first step).
    Time now();
    /// The end of the run: the scenario's duration, or RunOptions::until.
    Time end();

    /// A named quantity of the expectation language, now: "rs1.active", "rs2.conns",
    /// "director.state.TIME_WAIT", "clients.objects_failed", "drain.rs1.no_active_s".
    /// Throws lvsim::Error for an unknown name.
    double quantity(const std::string& name);
    /// An expression of the expectation language, now: "rs1.active + rs2.active",
    /// "rs1.active >= 1 && rs1.weight == 0" (1 or 0). `name@T` refers to the past only
    /// through expectations, not here.
    double evaluate(const std::string& expression);

    /// The director's tables now.
    DirectorTables tables();
    /// A listing, laid out exactly as ipvsadm prints it: "-Ln", "-Lnc", "-Ln --stats",
    /// "-Ln --rate", "-Ln --thresholds", "-Ln --persistent-conn", "-L --timeout", "-Sn".
    /// Only listing commands: changes belong in the scenario's timeline (ipvsadm_at), where
    /// the report follows their drains. Throws lvsim::Error otherwise.
    std::string ipvsadm(const std::string& listing_command);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace lvsim
