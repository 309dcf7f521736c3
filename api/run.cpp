// Runs for the library face (lvsim/run.hpp): a thin layer over scenario::Run.
#include "lvsim/run.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "api/internal.hpp"
#include "models/ipvs/ipvsadm.hpp"
#include "models/ipvs/scheduler.hpp"
#include "models/scenario/expr.hpp"
#include "models/scenario/quantity.hpp"
#include "models/scenario/runtime.hpp"
#include "sim/trace.hpp"

namespace lvsim {

namespace sc = lvs::scenario;

// ---- TraceRecord -------------------------------------------------------------------------------

namespace {
const lvs::sim::TraceRecord& rec(const void* p) { return *static_cast<const lvs::sim::TraceRecord*>(p); }
}  // namespace

Time TraceRecord::time() const { return from_sim(rec(record_).time); }
uint64_t TraceRecord::seq() const { return rec(record_).seq; }
uint64_t TraceRecord::cause() const { return rec(record_).cause; }
std::string_view TraceRecord::entity() const { return rec(record_).entity_name; }
std::string_view TraceRecord::kind() const { return rec(record_).kind; }
size_t TraceRecord::field_count() const { return rec(record_).fields.size(); }
std::string_view TraceRecord::key(size_t i) const { return rec(record_).fields.at(i).key; }
std::string TraceRecord::value(size_t i) const {
    return lvs::sim::format_field_value(rec(record_).fields.at(i));
}
bool TraceRecord::has(std::string_view key) const { return rec(record_).find(key) != nullptr; }
std::string TraceRecord::field(std::string_view key) const {
    const lvs::sim::TraceField* f = rec(record_).find(key);
    return f != nullptr ? lvs::sim::format_field_value(*f) : std::string();
}
std::string_view TraceRecord::text(std::string_view key) const { return rec(record_).get_text(key); }
int64_t TraceRecord::integer(std::string_view key, int64_t fallback) const {
    return rec(record_).get_int(key, fallback);
}
std::string TraceRecord::line() const {
    std::ostringstream out;
    lvs::sim::TextSink(out).on_record(rec(record_));
    std::string s = out.str();
    if (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
}

// ---- Report ------------------------------------------------------------------------------------

struct Report::Data {
    sc::Report report;
};

bool Report::passed() const {
    return std::all_of(expectations.begin(), expectations.end(),
                       [](const ExpectationResult& e) { return e.passed; });
}

const Drain* Report::drain(std::string_view realserver) const {
    for (const Drain& d : drains)
        if (d.realserver == realserver) return &d;
    return nullptr;
}

std::string Report::text() const {
    if (!data_) return {};
    std::ostringstream out;
    sc::write_text_report(out, data_->report);
    return out.str();
}

std::string Report::json() const {
    if (!data_) return {};
    std::ostringstream out;
    sc::write_json_report(out, data_->report);
    return out.str();
}

std::string Report::csv() const {
    if (!data_) return {};
    std::ostringstream out;
    sc::write_csv(out, data_->report);
    return out.str();
}

namespace {

Snapshot snapshot(const sc::Snapshot& s) {
    return {s.label, from_sim(s.at), s.ipvsadm_ln, s.ipvsadm_lnc, s.services};
}

}  // namespace

// ---- Run ---------------------------------------------------------------------------------------

struct Run::Impl {
    // Hands the simulator's records to the subscribers, as views.
    struct Dispatch final : lvs::sim::TraceSink {
        std::vector<TraceCallback> callbacks;
        void on_record(const lvs::sim::TraceRecord& r) override {
            const TraceRecord view(&r);
            for (size_t i = 0; i < callbacks.size(); ++i)
                callbacks[i](view);  // by index: a callback may subscribe
        }
    };

    sc::Scenario scenario;
    RunOptions options;
    Dispatch dispatch;
    bool dispatching = false;
    std::unique_ptr<std::ofstream> trace_out;
    std::unique_ptr<sc::Run> run;
    std::optional<sc::Report> final_report;
    // LVSIM_FINGERPRINTS=FILE: every run appends its trace fingerprint there when it ends
    // (how ctest pins the examples' behaviour; see tests/golden/).
    const char* fingerprint_file = std::getenv("LVSIM_FINGERPRINTS");

    ~Impl() {
        if (fingerprint_file == nullptr || !run) return;
        std::ofstream out(fingerprint_file, std::ios::app);
        out << scenario.name << " seed " << scenario.seed << " at " << lvs::sim::format_time(run->sim().now())
            << ": " << sc::format_fingerprint(*run->fingerprint()) << "\n";
    }

    // The models, built on first use.
    sc::Run& get() {
        if (run) return *run;
        sc::RunOptions o;
        if (options.until) o.until = to_sim_time(*options.until);
        for (Time t : options.snapshot_at) o.snapshot_at.push_back(to_sim_time(t));
        if (!options.trace_path.empty()) {
            trace_out = std::make_unique<std::ofstream>(options.trace_path);
            if (!*trace_out) throw Error(options.trace_path + ": error: cannot write the trace file");
            o.trace_jsonl = trace_out.get();
        }
        o.pcap_path = options.pcap_path;
        o.fingerprint = fingerprint_file != nullptr;
        if (!dispatch.callbacks.empty()) {
            o.extra_sinks.push_back(&dispatch);
            dispatching = true;
        }
        run = std::make_unique<sc::Run>(scenario, std::move(o));
        return *run;
    }

    // The plain data (client and server figures, the director's tables) are the public structs
    // themselves (lvsim/stats.hpp, lvsim/tables.hpp) and are handed over as they are. What is
    // converted here is time: the public API speaks std::chrono::nanoseconds, the runtime
    // sim::Time, the kernel's strong type, and models do not include the public headers' clock.
    Report convert(const sc::Report& r) const {
        Report out;
        out.scenario = r.scenario;
        out.seed = r.seed;
        out.kernel = r.kernel;
        out.end = from_sim(r.end);
        out.events = r.events;
        out.clients = r.clients;  // the public part of each
        out.groups.assign(r.groups.begin(), r.groups.end());
        out.realservers.assign(r.realservers.begin(), r.realservers.end());  // the public part of each
        for (const auto& d : r.drains) {
            Drain x{d.realserver, d.command, from_sim(d.at), std::nullopt, std::nullopt};
            if (d.no_active_after) x.no_active_after = from_sim(*d.no_active_after);
            if (d.no_entries_after) x.no_entries_after = from_sim(*d.no_entries_after);
            out.drains.push_back(std::move(x));
        }
        for (const auto& s : r.snapshots) out.snapshots.push_back(snapshot(s));
        for (const auto& e : r.expectations) {
            ExpectationResult x{e.text, std::nullopt, e.passed, e.observed};
            if (e.at) x.at = from_sim(*e.at);
            out.expectations.push_back(std::move(x));
        }
        out.admin_log = r.admin_log;
        auto data = std::make_shared<Report::Data>();
        data->report = r;
        out.data_ = std::move(data);
        return out;
    }
};

Run::Run(const Scenario& scenario, RunOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->scenario = scenario.impl_->parsed;
    impl_->options = std::move(options);
}

Run::~Run() = default;
Run::Run(Run&&) noexcept = default;
Run& Run::operator=(Run&&) noexcept = default;

void Run::subscribe(TraceCallback fn) {
    if (!fn) return;
    impl_->dispatch.callbacks.push_back(std::move(fn));
    if (impl_->run && !impl_->dispatching) {
        impl_->run->sim().trace().subscribe(impl_->dispatch);
        impl_->dispatching = true;
    }
}

bool Run::run_until(Time t) {
    sc::Run& r = impl_->get();
    if (impl_->final_report) return false;
    return r.run_until(to_sim_time(t));
}

bool Run::step() {
    sc::Run& r = impl_->get();
    if (impl_->final_report) return false;
    lvs::sim::Simulator& sim = r.sim();
    if (sim.events_pending() == 0 || sim.next_event_time() > r.end()) return false;
    return sim.step();
}

Report Run::run() {
    sc::Run& r = impl_->get();
    if (!impl_->final_report) impl_->final_report = r.run();
    return impl_->convert(*impl_->final_report);
}

Report Run::report() {
    if (impl_->final_report) return impl_->convert(*impl_->final_report);
    return impl_->convert(impl_->get().report());
}

Time Run::now() { return impl_->run ? from_sim(impl_->run->sim().now()) : Time{}; }

Time Run::end() {
    if (impl_->options.until) return *impl_->options.until;
    return from_sim(impl_->scenario.duration);
}

double Run::quantity(const std::string& name) {
    try {
        return impl_->get().quantity(name);
    } catch (const std::invalid_argument& e) {
        throw Error(std::string(e.what()) +
                    "\n  hint: the names of the expectation language (README): rs1.active, "
                    "clients.objects_failed, ...");
    }
}

double Run::evaluate(const std::string& expression) {
    sc::Expr e;
    try {
        e = sc::Expr::compile(expression, impl_->scenario);
    } catch (const sc::ExprError& x) {
        throw Error("evaluate(\"" + expression + "\"): error at column " + std::to_string(x.column + 1) +
                    ": " + x.what() + (x.hint.empty() ? "" : "\n  hint: " + x.hint));
    }
    for (const sc::Expr::Ref& ref : e.refs())
        if (ref.at)
            throw Error("evaluate(\"" + expression + "\"): " + ref.name +
                        "@T looks back in time; only expectations can");
    sc::Run& run = impl_->get();
    return e.eval([&run](const sc::Expr::Ref& ref) { return sc::read_quantity(run, ref.quantity); });
}

DirectorTables Run::tables() {
    sc::Run& r = impl_->get();
    DirectorTables t;
    t.at = from_sim(r.sim().now());
    const lvs::ipvs::Director& d = r.director();
    // Not through Run::take_snapshot, which also puts a "snapshot" record into the trace:
    // reading must not change what subscribers and trace files see.
    t.services = r.service_tables();
    for (const lvs::ipvs::Conn* c : d.connections()) {
        ConnectionEntry e;
        e.id = c->id;
        e.protocol = c->proto == lvs::ipvs::Proto::Tcp ? "TCP" : "UDP";
        e.state = c->is_template() && c->assured ? "ASSURED" : std::string(lvs::ipvs::to_string(c->state));
        e.client = c->client.str();
        e.virtual_address = c->vip.str();
        e.destination = c->dest_addr.str();
        e.realserver = c->dest != nullptr ? d.dest_name(*c->dest) : c->dest_addr.str();
        e.expires_in = std::max(Time{}, from_sim(c->timer.deadline() - r.sim().now()));
        e.is_template = c->is_template();
        t.connections.push_back(std::move(e));
    }
    return t;
}

std::string Run::ipvsadm(const std::string& listing_command) {
    lvs::ipvs::IpvsadmError err;
    const auto c = lvs::ipvs::parse_ipvsadm(listing_command, &err);
    if (!c) throw Error("ipvsadm " + listing_command + ": " + err.message);
    if (c->cmd != lvs::ipvs::IpvsadmCmd::List && c->cmd != lvs::ipvs::IpvsadmCmd::Save)
        throw Error("ipvsadm " + listing_command +
                    ": only listings (-L, -S) here\n  hint: put changes in the scenario's timeline "
                    "(Scenario::ipvsadm_at), where the report follows them");
    std::string out;
    const lvs::ipvs::AdminResult r = lvs::ipvs::apply_ipvsadm(impl_->get().director(), *c, &out);
    if (!r.ok()) throw Error("ipvsadm " + listing_command + ": " + r.message);
    return out;
}

}  // namespace lvsim
