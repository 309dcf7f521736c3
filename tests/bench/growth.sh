#!/usr/bin/env bash
# How the farm's cost grows with its size: 1,000, 10,000 and 100,000 browsers for 600 simulated
# seconds (staggered first loads), one after the other on one core, each a process of its own
# so that its peak resident memory (VmHWM, as lvsim-bench reads it) is its own. Prints the
# README's table: events, pages, wall time, wall time per page and its ratio to the first
# farm's, peak RSS.
#
#   tests/bench/growth.sh [BUILD_DIR] [SECONDS] [CLIENTS...]
#
# The 100,000-browser farm runs for several minutes and needs about 3.5 GiB.
set -euo pipefail
build=${1:-build}
seconds=${2:-600}
shift $(( $# > 2 ? 2 : $# ))
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000 100000)
bench="$build/tests/bench/lvsim-bench"
[ -x "$bench" ] || { echo "growth.sh: $bench not built (cmake --build $build --target lvsim-bench)" >&2; exit 2; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "| browsers | simulated s | events | pages | wall s | wall ms per page | per page vs first | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|---|"
first=""
for n in "${sizes[@]}"; do
  "$bench" farm --clients "$n" --seconds "$seconds" > "$out" 2>/dev/null
  line=$(grep '^farm ' "$out")
  field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<< "$line"; }
  per_page=$(field wall_ms_per_page)
  [ -z "$first" ] && first=$per_page
  awk -v n="$n" -v s="$seconds" -v ev="$(field events)" -v pages="$(field pages)" -v wall="$(field wall_s)" \
      -v pp="$per_page" -v first="$first" -v rss="$(field peak_rss_mb)" \
      'BEGIN { printf "| %d | %d | %.1f M | %d | %.1f | %.3f | %.2fx | %.0f |\n", n, s, ev / 1e6, pages, wall, pp, pp / first, rss }'
done
