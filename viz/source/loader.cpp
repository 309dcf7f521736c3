#include "viz/source/loader.hpp"

#include <fstream>

namespace lvs::viz {

std::unique_ptr<RunLoader> open_run(const std::string& path, const std::vector<std::string>& sets) {
    const auto ends_with = [&](std::string_view suffix) {
        return path.size() >= suffix.size() &&
               path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    bool trace = ends_with(".jsonl") || ends_with(".json");
    if (!trace) {
        std::ifstream in(path);
        if (!in) throw InputError("lvsim-view: cannot open '" + path + "'");
        char c = 0;
        while (in.get(c) && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
        }
        trace = c == '{';
    }
    if (trace) {
        if (!sets.empty())
            throw InputError("lvsim-view: --set applies to scenario files, not to recorded traces");
        return open_trace(path);
    }
    return open_scenario(path, sets);
}

std::unique_ptr<RunData> load_run(const std::string& path, const std::vector<std::string>& sets) {
    auto loader = open_run(path, sets);
    while (loader->step(1.0)) {
    }
    return loader->finish();
}

}  // namespace lvs::viz
