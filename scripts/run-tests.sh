#!/usr/bin/env bash
# Quick start, command 2: set up, build, and run the whole test suite through ctest, then the
# same suite again under AddressSanitizer + UndefinedBehaviorSanitizer (skip that second pass
# with LVSIM_SKIP_SANITIZERS=1), then every fuzzer for LVSIM_FUZZ_SECONDS each (60; 0 skips
# them) in a clang build of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each phase says when it starts, so a slow CI log shows where the time went.
phase() { echo "== $1 ($((SECONDS / 60)) min $((SECONDS % 60)) s since the start) ==" >&2; }
phase "set-up and build"
scripts/setup.sh test build >&2
phase "the tests"
ctest --test-dir build --output-on-failure -j2
if [ "${LVSIM_SKIP_SANITIZERS:-0}" != 1 ]; then
  phase "the sanitizer build"
  scripts/setup.sh test build-asan -DCMAKE_BUILD_TYPE=Debug -DLVSIM_SANITIZE=ON >&2
  phase "the same tests under ASan + UBSan"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j2
fi
fuzz_seconds=${LVSIM_FUZZ_SECONDS:-60}
if [ "$fuzz_seconds" != 0 ]; then
  phase "the fuzzing build"
  scripts/setup.sh test build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DLVSIM_FUZZ=ON >&2
  phase "the fuzzers, ${fuzz_seconds} s each"
  scripts/fuzz.sh build-fuzz "$fuzz_seconds"
fi
phase "done"
