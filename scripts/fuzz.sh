#!/usr/bin/env bash
# Runs every fuzzer of a -DLVSIM_FUZZ=ON build for a fixed time each, seeded from the
# regression corpus (tests/fuzz/corpus) and the lessons, with the dictionaries in
# tests/fuzz/dict, and prints each fuzzer's executions and coverage.
#
#   scripts/fuzz.sh [BUILD_DIR] [SECONDS_EACH]
#
# A crash fails the script and leaves the input in BUILD_DIR/fuzz-artifacts/; keep it: copy it
# into tests/fuzz/corpus/NAME/ (named for what it found) once it is fixed, so that ctest
# replays it in every build from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
seconds=${2:-60}
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
status=0
printf '%-10s %12s %8s %8s %8s  %s\n' fuzzer executions cov ft corpus result
for name in scenario ipvsadm expr set trace answer import; do
  bin="$build/tests/fuzz/fuzz-$name"
  [ -x "$bin" ] || { echo "fuzz.sh: $bin is not built (configure with -DLVSIM_FUZZ=ON and clang++)" >&2; exit 2; }
  work="$build/fuzz-corpus/$name"
  mkdir -p "$work"
  seeds=(tests/fuzz/corpus/"$name")
  case $name in
    scenario) seeds+=(scenarios tests/scenario/data) ;;
  esac
  log="$artifacts/$name.log"
  # -rss_limit_mb: ASan's shadow memory plus one scenario; -timeout: a single input that takes
  # longer than this is a hang, which the loader must not have.
  if "$bin" "$work" "${seeds[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
       -dict="tests/fuzz/dict/$name.dict" -artifact_prefix="$artifacts/$name-" -print_final_stats=1 \
       >"$log" 2>&1; then
    result=ok
  else
    result="FAILED (see $log and $artifacts/$name-*)"
    status=1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  printf '%-10s %12s %8s %8s %8s  %s\n' "$name" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
  if [ "$result" != ok ]; then grep -E 'ERROR|internal error|SUMMARY|Test unit written' "$log" | head -5 >&2; fi
done
exit $status
