// The three ways lvsim-view runs: interactive, one headless screenshot, a headless benchmark.
#pragma once

#include "viz/app/options.hpp"

namespace lvs::viz {

int run_interactive(const Options& o);
int run_screenshot(const Options& o);
int run_benchmark(const Options& o);

}  // namespace lvs::viz
