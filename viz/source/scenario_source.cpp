// The in-process source: loads a scenario, runs it slice by slice while the window shows
// progress, and captures every trace record into the viewer's model as it is published.
//
// A sink of our own converts each sim::TraceRecord on arrival (interned strings, packed
// fields) instead of keeping sim::RecorderSink's copies, so a 10,000-connection run holds its
// ~650,000 records in a fraction of the memory and both sources share one model.
#include <algorithm>
#include <chrono>
#include <sstream>

#include "models/scenario/loader.hpp"
#include "models/scenario/runtime.hpp"
#include "sim/trace.hpp"
#include "viz/source/loader.hpp"

namespace lvs::viz {

namespace {

class CaptureSink final : public sim::TraceSink {
public:
    explicit CaptureSink(TraceModel& model) : builder_(model) {}
    void on_record(const sim::TraceRecord& r) override {
        builder_.begin(r.time.ns(), r.seq, r.cause, r.entity_name, r.kind);
        for (const sim::TraceField& f : r.fields) {
            if (f.is_int()) builder_.add_int(f.key, f.as_int());
            else if (f.is_real()) builder_.add_real(f.key, f.as_real());
            else builder_.add_text(f.key, f.as_text());
        }
        builder_.end();
    }
    void finish() { builder_.finish(); }

private:
    TraceModelBuilder builder_;
};

struct Simulation final : SimulationHolder {
    std::unique_ptr<scenario::Run> run;
};

class ScenarioLoader final : public RunLoader {
public:
    ScenarioLoader(const std::string& path, const std::vector<std::string>& sets)
        : data_(std::make_unique<RunData>()) {
        try {
            scenario_ = scenario::load_scenario_file(path, sets);
        } catch (const scenario::ConfigError& e) {
            throw InputError(e.format());
        }
        data_->path = path;
        data_->title = scenario_.name.empty() ? path : scenario_.name;
        data_->lesson = scenario_.lesson;
        data_->in_process = true;
        sink_ = std::make_unique<CaptureSink>(data_->model);
        scenario::RunOptions options;
        options.extra_sinks.push_back(sink_.get());
        auto sim = std::make_unique<Simulation>();
        sim->run = std::make_unique<scenario::Run>(scenario_, std::move(options));
        run_ = sim->run.get();
        data_->simulation = std::move(sim);
        end_ = run_->end().ns();
    }

    bool step(double budget_s) override {
        if (done_) return false;
        using clock = std::chrono::steady_clock;
        const auto start = clock::now();
        while (std::chrono::duration<double>(clock::now() - start).count() < budget_s) {
            const auto s0 = clock::now();
            next_ = std::min(end_, next_ + slice_);
            const bool more = run_->run_until(sim::Time::from_ns(next_));
            // Aim for slices of ~20 ms of wall time so the progress bar moves smoothly.
            const double took = std::chrono::duration<double>(clock::now() - s0).count();
            if (took < 0.005) slice_ *= 2;
            else if (took > 0.04) slice_ = std::max<int64_t>(1'000'000, slice_ / 2);
            if (!more || next_ >= end_) {
                done_ = true;
                return false;
            }
        }
        return true;
    }

    double progress() const override {
        return end_ <= 0 ? 1.0 : std::clamp(static_cast<double>(next_) / static_cast<double>(end_), 0.0, 1.0);
    }
    std::string status() const override {
        std::ostringstream o;
        o << "simulating " << data_->title << ": " << next_ / 1'000'000'000 << " s of "
          << end_ / 1'000'000'000 << " s, " << data_->model.size() << " records";
        return o.str();
    }

    std::unique_ptr<RunData> finish() override {
        while (step(1.0)) {
        }
        // The report (client outcomes, drains, expectations at the end) is the runtime's.
        const scenario::Report report = run_->run();
        std::ostringstream text;
        scenario::write_text_report(text, report);
        data_->report_text = text.str();
        sink_->finish();
        data_->model.set_end_time(report.end.ns());

        std::vector<RealServerHint> hints;
        for (const auto& rs : scenario_.realservers) hints.push_back({rs.name, rs.address.str()});
        TopologyInput topo;
        net::Network& net = run_->network();
        for (net::NodeId n = 0; n < net.node_count(); ++n) {
            const std::string name(net.name(n));
            NodeRole role = NodeRole::Client;
            switch (net.kind(n)) {
                case net::NodeKind::Director: role = NodeRole::Director; break;
                case net::NodeKind::Router:
                case net::NodeKind::Switch: role = NodeRole::Router; break;
                case net::NodeKind::Host:
                    role = std::any_of(hints.begin(), hints.end(),
                                       [&](const RealServerHint& h) { return h.name == name; })
                               ? NodeRole::RealServer
                               : NodeRole::Client;
                    break;
            }
            topo.nodes.push_back({name, role});
        }
        for (const auto& l : net.links()) topo.links.emplace_back(l.a, l.b);
        derive(*data_, &topo, hints);
        return std::move(data_);
    }

private:
    scenario::Scenario scenario_;
    std::unique_ptr<RunData> data_;
    std::unique_ptr<CaptureSink> sink_;
    scenario::Run* run_ = nullptr;
    int64_t end_ = 0;
    int64_t next_ = 0;
    int64_t slice_ = 1'000'000'000;
    bool done_ = false;
};

}  // namespace

std::unique_ptr<RunLoader> open_scenario(const std::string& path, const std::vector<std::string>& sets) {
    return std::make_unique<ScenarioLoader>(path, sets);
}

}  // namespace lvs::viz
