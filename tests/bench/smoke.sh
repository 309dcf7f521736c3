#!/usr/bin/env bash
# The benchmarks' tools work (not how fast: timings are never asserted in tests): the farm with
# --against-kernel prints its same-run ratio, growth.sh prints one row per farm size with a
# wall time per page, and bad arguments are refused.
#
#   tests/bench/smoke.sh BUILD_DIR
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
bench="$build/tests/bench/lvsim-bench"
fail() { echo "bench smoke: $*" >&2; exit 1; }

out=$("$bench" farm --clients 20 --seconds 20 --against-kernel 2>/dev/null)
grep -Eq '^farm clients=20 sim_s=20 events=[1-9][0-9]* pages=[1-9][0-9]* .*wall_ms_per_page=[0-9.]+ ' <<< "$out" ||
  fail "farm line missing or without pages: $out"
grep -Eq '^against-kernel hold_n=100000 .*goal_s=[0-9.]+ .*ratio=[0-9.]+ ' <<< "$out" ||
  fail "no same-run ratio: $out"

table=$("$here/growth.sh" "$build" 20 20 40)
[ "$(grep -c '^| [0-9]' <<< "$table")" = 2 ] || fail "growth.sh: want two rows: $table"
grep -Eq '^\| 20 \| 20 \| [0-9.]+ M \| [1-9][0-9]* \| .* \| 1.00x \| [0-9]+ \|$' <<< "$table" ||
  fail "growth.sh: first row malformed: $table"
grep -Eq '^\| 40 \| 20 \| ' <<< "$table" || fail "growth.sh: no row for 40 browsers: $table"

set +e
"$bench" farm --clients 0 > /dev/null 2>&1
[ $? = 2 ] || fail "--clients 0 was not refused with exit 2"
"$bench" farm --speed 3 > /dev/null 2>&1
[ $? = 2 ] || fail "an unknown argument was not refused with exit 2"
echo "bench smoke: ok"
