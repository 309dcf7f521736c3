// lvsim sweep: a scenario over the cross product of varied values, replicated, on all cores,
// and across machines with MPI (`mpirun -np K lvsim sweep ...`).
//
// Every run is independent and its result depends only on its scenario, its values and its
// seed, so the jobs are dealt out round-robin (to MPI ranks, then to threads) and the results
// are put back in plan order: the output is the same whatever --jobs or -np is.
#include "models/scenario/sweep.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "models/ipvs/scheduler.hpp"
#include "models/scenario/loader.hpp"

#ifdef LVSIM_WITH_MPI
#include <mpi.h>
#endif

namespace po = boost::program_options;

namespace lvs::cli {

namespace {

using scenario::JobResult;
using scenario::SweepPlan;

// Set by every MPI launcher we know (Open MPI, MPICH/Hydra, PMIx).
[[maybe_unused]] int launcher_world_size() {
    for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
        if (const char* s = std::getenv(v)) return std::max(1, std::atoi(s));
    return 1;
}
int launcher_local_size() {
    for (const char* v : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"})
        if (const char* s = std::getenv(v)) return std::max(1, std::atoi(s));
    return 1;
}

// MPI for the lifetime of one sweep, initialised only when a launcher started us.
class MpiSession {
public:
    MpiSession() {
#ifdef LVSIM_WITH_MPI
        if (std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr && std::getenv("PMI_SIZE") == nullptr &&
            std::getenv("PMIX_RANK") == nullptr)
            return;
        MPI_Init(nullptr, nullptr);
        active_ = true;
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &size_);
#else
        if (launcher_world_size() > 1)
            throw CliError(
                "started by mpirun, but this lvsim was built without MPI; install libopenmpi-dev and "
                "rebuild (scripts/setup.sh test does both)");
#endif
    }
    ~MpiSession() {
#ifdef LVSIM_WITH_MPI
        if (active_) MPI_Finalize();
#endif
    }
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;
    int rank() const { return rank_; }
    int size() const { return size_; }

    // Rank 0 receives every rank's results (rows of `stride` doubles, jobs dealt round-robin).
    void gather(std::vector<double>& mine, size_t stride, size_t jobs, std::vector<double>& all) const {
#ifdef LVSIM_WITH_MPI
        if (active_ && size_ > 1) {
            std::vector<int> counts(static_cast<size_t>(size_)), displs(static_cast<size_t>(size_));
            int offset = 0;
            for (int r = 0; r < size_; ++r) {
                const size_t n = jobs > static_cast<size_t>(r)
                                     ? (jobs - static_cast<size_t>(r) + static_cast<size_t>(size_) - 1) /
                                           static_cast<size_t>(size_)
                                     : 0;
                counts[static_cast<size_t>(r)] = static_cast<int>(n * stride);
                displs[static_cast<size_t>(r)] = offset;
                offset += counts[static_cast<size_t>(r)];
            }
            std::vector<double> flat(rank_ == 0 ? static_cast<size_t>(offset) : 0);
            MPI_Gatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, flat.data(), counts.data(),
                        displs.data(), MPI_DOUBLE, 0, MPI_COMM_WORLD);
            if (rank_ != 0) return;
            // Back into job order: rank r's k-th row is job r + k*size.
            all.assign(jobs * stride, 0);
            for (int r = 0; r < size_; ++r)
                for (size_t k = 0; k * stride < static_cast<size_t>(counts[static_cast<size_t>(r)]); ++k) {
                    const size_t job = static_cast<size_t>(r) + k * static_cast<size_t>(size_);
                    std::copy_n(flat.begin() + displs[static_cast<size_t>(r)] +
                                    static_cast<std::ptrdiff_t>(k * stride),
                                stride, all.begin() + static_cast<std::ptrdiff_t>(job * stride));
                }
            return;
        }
#endif
        (void)jobs;
        (void)stride;
        all = std::move(mine);
    }

private:
    bool active_ = false;
    int rank_ = 0;
    int size_ = 1;
};

// "12/40 runs done" on a terminal.
class SweepProgress {
public:
    SweepProgress(bool on, size_t total) : enabled_(on && isatty(2) != 0), total_(total) {}
    void show(size_t done, size_t running) {
        if (!enabled_) return;
        const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        std::fprintf(stderr, "\r  sweep: %zu/%zu runs done, %zu running, %.0f s", done, total_, running, t);
        if (done > 0 && done < total_)
            std::fprintf(stderr, ", about %.0f s left",
                         t / static_cast<double>(done) * static_cast<double>(total_ - done));
        std::fputs("   ", stderr);
        printed_ = true;
    }
    ~SweepProgress() {
        if (printed_) std::fputs("\r\033[K", stderr);
    }

private:
    bool enabled_;
    size_t total_;
    bool printed_ = false;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Runs `indices` of the plan on `threads` threads; results and errors land at their job index.
void run_local(const SweepPlan& plan, const std::vector<size_t>& indices, unsigned threads, bool progress_on,
               std::vector<JobResult>& results, std::vector<std::exception_ptr>& errors) {
    std::atomic<size_t> next{0};
    std::mutex m;
    std::condition_variable cv;
    size_t done = 0;
    const auto worker = [&] {
        for (size_t k = next++; k < indices.size(); k = next++) {
            const size_t job = indices[k];
            try {
                results[job] = scenario::run_job(plan.file, plan.jobs[job], plan.metrics);
            } catch (...) {
                errors[job] = std::current_exception();
            }
            std::lock_guard<std::mutex> lock(m);
            ++done;
            cv.notify_one();
        }
    };
    threads =
        std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<size_t>(indices.size(), 1))));
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
    SweepProgress progress(progress_on, indices.size());
    {
        std::unique_lock<std::mutex> lock(m);
        while (done < indices.size()) {
            cv.wait_for(lock, std::chrono::milliseconds(500));
            progress.show(done, std::min<size_t>(threads, indices.size() - done));
        }
    }
    for (std::thread& t : pool) t.join();
}

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t c = text.find(',', start);
        if (c == std::string::npos) c = text.size();
        std::string item = text.substr(start, c - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) out.push_back(item);
        start = c + 1;
    }
    return out;
}

void declare_sweep_options(po::options_description& o) {
    o.add_options()("help,h", "show this help")("vary", po::value<std::vector<std::string>>()->composing(),
                                                "KEY=V1,V2,... | KEY=A..B+S (linear) | KEY=A..BxF (log "
                                                "steps): values of a key path (repeatable: cross product)")(
        "set", po::value<std::vector<std::string>>()->composing(), "KEY=VALUE applied to every run")(
        "replications,r", po::value<uint32_t>()->default_value(1),
        "runs per point, with distinct recorded seeds")(
        "seed", po::value<std::string>(), "base seed (default: the scenario's); replication 0 uses it as is")(
        "metrics,m", po::value<std::string>(),
        "M1,M2,...: what to tabulate (default: page load p50/p95, failed objects, drain times, "
        "peak TIME_WAIT, worker occupancy, events)")(
        "jobs,j", po::value<unsigned>(),
        "runs at once on this machine (default: all cores; per rank under mpirun)")(
        "csv", po::value<std::string>(), "write the table (means, CI half-widths, n) as CSV to PATH")(
        "allow-large-run", "run points even when one is estimated over 5 G events or 4 GiB of samples")(
        "json", po::value<std::string>(),
        "write every run's values and seed as JSON (lvsim-sweep/1) to PATH, or - for stdout")(
        "quiet,q", "no table on stdout, no progress line");
}

void print_sweep_help(const po::options_description& o) {
    std::cout
        << o << "\nExamples:\n"
        << "  lvsim sweep scenarios/10-capacity-prefork.yaml --vary clients.users.count=10,20,40,80 -r "
           "5\n"
        << "  lvsim sweep scenarios/06-keepalive-off.yaml --vary network.rtt=20ms,200ms --vary "
           "realservers.rs1.keepalive,realservers.rs2.keepalive=false,true\n"
        << "  lvsim sweep scenarios/01-drain-zero-weight.yaml --vary "
           "clients.ie8.keepalive_timeout=30s..120s+30s -m drain.rs1.no_active_s\n"
        << "  mpirun -np 4 lvsim sweep ... (spreads the runs over MPI ranks; the table is the same)\n"
        << "\nMetrics: any quantity of the expectation language at the end of the run "
           "(clients.page_load_p95,\n"
        << "rs1.time_wait_max, drain.rs1.no_active_s, rs1.workers_held_mean, ...), peak.X or mean.X over "
           "the samples\n"
        << "for X = RS.active, RS.inactive, RS.conns, RS.time_wait, RS.workers_busy, "
           "RS.workers_idle_keepalive,\n"
        << "servers.* (summed over realservers) or clients.time_wait, and events.\n";
}

// The plan from the command line; every point is loaded and checked before anything runs.
SweepPlan plan_of(const po::variables_map& vm) {
    std::vector<scenario::Axis> axes;
    try {
        for (const std::string& v : vm["vary"].as<std::vector<std::string>>())
            axes.push_back(scenario::parse_axis(v));
    } catch (const scenario::SweepError& e) {
        throw CliError(e.what());
    }
    const auto sets =
        vm.count("set") != 0 ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const std::vector<std::string> metrics =
        vm.count("metrics") != 0 ? split_commas(vm["metrics"].as<std::string>()) : std::vector<std::string>{};
    const std::optional<uint64_t> seed =
        vm.count("seed") != 0 ? std::optional<uint64_t>(cli::parse_seed(vm["seed"].as<std::string>()))
                              : std::nullopt;
    (void)ipvs::SchedulerRegistry::instance();  // built once, before any thread reads it
    try {
        return scenario::plan_sweep(vm["file"].as<std::string>(), sets, axes,
                                    vm["replications"].as<uint32_t>(), metrics, seed,
                                    vm.count("allow-large-run") != 0);
    } catch (const scenario::SweepError& e) {
        throw CliError(e.what());
    }
}

// Brings every rank's results to rank 0, in plan order; false on the other ranks, which have
// nothing more to do. A run that failed anywhere fails the sweep.
bool gather_results(const MpiSession& mpi, const SweepPlan& plan, const std::vector<size_t>& mine,
                    std::vector<JobResult>& results, const std::vector<std::exception_ptr>& errors) {
    // Rows of (values..., expectations hold, failed) for the gather.
    const size_t stride = plan.metrics.size() + 2;
    std::vector<double> rows;
    for (size_t job : mine) {
        const JobResult& r = results[job];
        for (size_t m = 0; m < plan.metrics.size(); ++m)
            rows.push_back(m < r.values.size() ? r.values[m] : 0);
        rows.push_back(r.expectations_hold ? 1 : 0);
        rows.push_back(errors[job] ? 1 : 0);
    }
    std::vector<double> gathered;
    if (mpi.size() > 1) {
        mpi.gather(rows, stride, plan.jobs.size(), gathered);
    } else {
        gathered = std::move(rows);
    }
    for (size_t job : mine)
        if (errors[job]) std::rethrow_exception(errors[job]);
    if (mpi.rank() != 0) return false;
    for (size_t j = 0; j < plan.jobs.size(); ++j) {
        const double* row = &gathered[j * stride];
        if (row[stride - 1] != 0)
            throw std::runtime_error("run " + std::to_string(j) + " (seed " +
                                     std::to_string(plan.jobs[j].seed) + ") failed on rank " +
                                     std::to_string(j % static_cast<size_t>(mpi.size())));
        results[j].values.assign(row, row + plan.metrics.size());
        results[j].expectations_hold = row[stride - 2] != 0;
    }
    return true;
}

}  // namespace

int cmd_sweep(const std::vector<std::string>& args) {
    po::options_description o("lvsim sweep FILE --vary KEY=VALUES [--vary ...] [options]");
    declare_sweep_options(o);
    const po::variables_map vm = parse_file_command(args, o);
    if (vm.count("help") != 0) {
        print_sweep_help(o);
        return 0;
    }
    if (vm.count("file") == 0)
        throw CliError(
            "which scenario file? (e.g. lvsim sweep scenarios/10-capacity-prefork.yaml --vary "
            "clients.users.count=10,40)");
    if (vm.count("vary") == 0)
        throw CliError(
            "what to vary? (e.g. --vary clients.users.count=10,20,40 or --vary network.rtt=20ms,200ms)");
    if (vm.count("jobs") != 0 && vm["jobs"].as<unsigned>() == 0) throw CliError("--jobs must be at least 1");

    MpiSession mpi;
    // The other ranks stay silent: rank 0 speaks for the sweep (errors included, which every
    // rank meets alike since each checks the same files and arguments).
    // The silenced stream's buffer must outlive cerr's use of it: restored on every way out, or
    // the flush at exit touches a destroyed buffer.
    static std::ofstream null_stream;
    struct RestoreCerr {
        std::streambuf* saved = std::cerr.rdbuf();
        ~RestoreCerr() { std::cerr.rdbuf(saved); }
    } restore_cerr;
    if (mpi.rank() != 0) std::cerr.rdbuf(null_stream.rdbuf());

    const SweepPlan plan = plan_of(vm);

    // The outputs, opened before anything runs (rank 0 writes them).
    const bool json_stdout = vm.count("json") != 0 && vm["json"].as<std::string>() == "-";
    std::unique_ptr<cli::OutputFile> csv_out, json_out;
    if (mpi.rank() == 0 && vm.count("csv") != 0)
        csv_out = std::make_unique<cli::OutputFile>("--csv", vm["csv"].as<std::string>());
    if (mpi.rank() == 0 && vm.count("json") != 0 && !json_stdout)
        json_out = std::make_unique<cli::OutputFile>("--json", vm["json"].as<std::string>());

    // This rank's share, round-robin, then threads.
    std::vector<size_t> mine;
    for (size_t i = static_cast<size_t>(mpi.rank()); i < plan.jobs.size();
         i += static_cast<size_t>(mpi.size()))
        mine.push_back(i);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned threads = vm.count("jobs") != 0
                                 ? vm["jobs"].as<unsigned>()
                                 : std::max(1u, cores / static_cast<unsigned>(launcher_local_size()));
    const bool quiet = vm.count("quiet") != 0;
    const auto start = std::chrono::steady_clock::now();
    std::vector<JobResult> results(plan.jobs.size());
    std::vector<std::exception_ptr> errors(plan.jobs.size());
    run_local(plan, mine, threads, !quiet && mpi.rank() == 0, results, errors);

    if (!gather_results(mpi, plan, mine, results, errors)) return 0;
    scenario::SweepResult result{&plan, std::move(results)};
    if (!quiet && !json_stdout) scenario::write_sweep_table(std::cout, result);
    if (csv_out) {
        scenario::write_sweep_csv(csv_out->stream(), result);
        csv_out->commit();
    }
    if (json_stdout) scenario::write_sweep_json(std::cout, result);
    if (json_out) {
        scenario::write_sweep_json(json_out->stream(), result);
        json_out->commit();
    }
    cli::check_stdout();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!quiet)
        std::fprintf(stderr, "lvsim sweep: %zu runs on %d rank%s x %u thread%s, %.1f s wall\n",
                     plan.jobs.size(), mpi.size(), mpi.size() == 1 ? "" : "s", threads,
                     threads == 1 ? "" : "s", wall);
    return 0;
}

}  // namespace lvs::cli
