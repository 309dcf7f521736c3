// Opening a run: a scenario file simulated in-process, or a recorded JSON Lines trace. Loading
// is incremental so the window can show progress; `finish()` derives the views.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "viz/run_data.hpp"

namespace lvs::viz {

// Bad input (a wrong file, a scenario error): the message is ready to print; exit status 2.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class RunLoader {
public:
    virtual ~RunLoader() = default;
    // Works for about `budget_s` seconds of wall time; false once everything is loaded.
    virtual bool step(double budget_s) = 0;
    virtual double progress() const = 0;  // 0..1
    virtual std::string status() const = 0;
    virtual std::unique_ptr<RunData> finish() = 0;
};

// A trace when the file name ends in .jsonl/.json or its first character is '{', else a
// scenario. `sets` are KEY=VALUE overrides (scenarios only). Throws InputError.
std::unique_ptr<RunLoader> open_run(const std::string& path, const std::vector<std::string>& sets);
// Loads completely (screenshots, benchmarks, tests).
std::unique_ptr<RunData> load_run(const std::string& path, const std::vector<std::string>& sets);

std::unique_ptr<RunLoader> open_scenario(const std::string& path, const std::vector<std::string>& sets);
std::unique_ptr<RunLoader> open_trace(const std::string& path);

}  // namespace lvs::viz
