#!/usr/bin/env bash
# Quick start, command 2: set up, build, and run the whole test suite through ctest, then the
# same suite again under AddressSanitizer + UndefinedBehaviorSanitizer (skip that second pass
# with LVSIM_SKIP_SANITIZERS=1), then every fuzzer for LVSIM_FUZZ_SECONDS each (60; 0 skips
# them) in a clang build of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test build >&2
ctest --test-dir build --output-on-failure -j2
if [ "${LVSIM_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== the same tests under ASan + UBSan ==" >&2
  scripts/setup.sh test build-asan -DCMAKE_BUILD_TYPE=Debug -DLVSIM_SANITIZE=ON >&2
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j2
fi
fuzz_seconds=${LVSIM_FUZZ_SECONDS:-60}
if [ "$fuzz_seconds" != 0 ]; then
  echo "== the fuzzers, ${fuzz_seconds} s each ==" >&2
  scripts/setup.sh test build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DLVSIM_FUZZ=ON >&2
  scripts/fuzz.sh build-fuzz "$fuzz_seconds"
fi
