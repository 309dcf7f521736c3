// lvsim-view: the timeline viewer. Parses the command line and picks the mode; everything else
// lives in viz/ (the viewer) and viz/app/ (window, modes).
#include <cstdio>
#include <exception>

#include "viz/app/modes.hpp"
#include "viz/source/loader.hpp"

int main(int argc, char** argv) {
    using namespace lvs::viz;
    try {
        const auto options = parse_options(argc, argv);
        if (!options) return kExitOk;  // --help
        if (options->benchmark_frames > 0) return run_benchmark(*options);
        if (options->check_layout) return run_layout_check(*options);
        if (!options->screenshot.empty()) return run_screenshot(*options);
        return run_interactive(*options);
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "lvsim-view: %s\n", e.what());
        return kExitBadInput;
    } catch (const InputError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return kExitBadInput;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lvsim-view: %s\n", e.what());
        return kExitFailure;
    }
}
