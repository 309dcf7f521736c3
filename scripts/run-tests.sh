#!/usr/bin/env bash
# Quick start, command 2: set up, build, and run the whole test suite through ctest, then the
# same suite again under AddressSanitizer + UndefinedBehaviorSanitizer (skip that second pass
# with LVSIM_SKIP_SANITIZERS=1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test build >&2
ctest --test-dir build --output-on-failure -j2
if [ "${LVSIM_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== the same tests under ASan + UBSan ==" >&2
  scripts/setup.sh test build-asan -DCMAKE_BUILD_TYPE=Debug -DLVSIM_SANITIZE=ON >&2
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j2
fi
