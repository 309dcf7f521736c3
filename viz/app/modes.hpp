// The three ways lvsim-view runs: interactive, one headless screenshot, a headless benchmark.
#pragma once

#include "viz/app/options.hpp"

namespace lvs::viz {

int run_interactive(const Options& o);
int run_screenshot(const Options& o);
// --check-layout: the layout self-check at one size and time (exit 1 when something is cut
// or overlaps).
int run_layout_check(const Options& o);
int run_benchmark(const Options& o);

}  // namespace lvs::viz
