// The recorded-trace source: reads a JSON Lines trace in chunks (for the progress bar).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "viz/source/jsonl_reader.hpp"
#include "viz/source/loader.hpp"

namespace lvs::viz {

namespace {

class TraceLoader final : public RunLoader {
public:
    explicit TraceLoader(const std::string& path) : data_(std::make_unique<RunData>()) {
        data_->path = path;
        data_->title = std::filesystem::path(path).filename().string();
        try {
            reader_ = std::make_unique<JsonLinesReader>(path, data_->model);
        } catch (const TraceParseError& e) {
            throw InputError(e.what());
        }
    }

    bool step(double budget_s) override {
        // ~50,000 lines take about 0.1 s; the budget only needs to be roughly honoured.
        const size_t lines = std::max<size_t>(1000, static_cast<size_t>(budget_s * 400'000));
        try {
            return reader_->step(lines);
        } catch (const TraceParseError& e) {
            throw InputError(e.what());
        }
    }
    double progress() const override { return reader_->progress(); }
    std::string status() const override {
        std::ostringstream o;
        o << "reading " << data_->title << ": " << reader_->lines() << " records";
        return o.str();
    }
    std::unique_ptr<RunData> finish() override {
        while (step(1.0)) {
        }
        derive(*data_, nullptr, {});
        for (const std::string& notice : data_->notices)
            std::cerr << data_->path << ": note: " << notice << "\n";
        return std::move(data_);
    }

private:
    std::unique_ptr<RunData> data_;
    std::unique_ptr<JsonLinesReader> reader_;
};

}  // namespace

std::unique_ptr<RunLoader> open_trace(const std::string& path) { return std::make_unique<TraceLoader>(path); }

}  // namespace lvs::viz
