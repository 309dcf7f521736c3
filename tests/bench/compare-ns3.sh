#!/usr/bin/env bash
# Runs the hold model on lvsim and on Debian's ns-3 3.37 (PriorityQueueScheduler, its fastest
# here) alternately on the same machine, so the ratio is not spoiled by the 30-70 % drift of
# shared machines between runs. Usage: tests/bench/compare-ns3.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
build=${1:-build}
rounds=${2:-3}
lv="$build/tests/bench/lvsim-bench"
ns="$build/tests/bench/ns3-hold-bench"
[ -x "$ns" ] || { echo "ns3-hold-bench not built (install libns3-dev and reconfigure)" >&2; exit 2; }
for n in 100000 1000000; do
  for r in $(seq "$rounds"); do
    a=$("$lv" hold --n "$n" --events 5000000 | sed -n 's/.*events_per_s=\([0-9]*\).*/\1/p')
    b=$("$ns" ns3::PriorityQueueScheduler 5000000 "$n" | sed -n 's/.*events_per_s=\([0-9]*\).*/\1/p')
    awk -v n="$n" -v a="$a" -v b="$b" 'BEGIN { printf "N=%d lvsim=%.2fM ns3-pq=%.2fM ratio=%.2f\n", n, a/1e6, b/1e6, a/b }'
  done
done
