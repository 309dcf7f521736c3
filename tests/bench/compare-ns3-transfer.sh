#!/usr/bin/env bash
# One object's transfer time on lvsim and on Debian's ns-3 3.37 over the same path (a 20 Mbit/s
# bottleneck, 40 ms round trip, a drop-tail queue of 100 packets; see tests/bench/transfer.cpp
# and tests/bench/ns3_transfer.cpp), one aligned table. Simulated seconds, so the figures do not
# depend on the machine. Cases with random loss are the mean of 5 seeds (each simulator draws
# its own losses). Results and the reasons for the differences: tests/bench/ns3-transfer.md.
# Usage: tests/bench/compare-ns3-transfer.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
lv="$build/tests/bench/lvsim-bench"
ns="$build/tests/bench/ns3-transfer"
[ -x "$lv" ] || { echo "$lv not built (cmake --build $build --target lvsim-bench)" >&2; exit 2; }
[ -x "$ns" ] || { echo "ns3-transfer not built (install libns3-dev and reconfigure)" >&2; exit 2; }
bps=20000000 rtt_ms=40 queue=100

# One run's "seconds drops" (seconds is nan when the object never arrived within 600 s).
run() {
  local out
  out=$("$@" 2>/dev/null || true)
  [ -n "$out" ] || { echo "failed: $*" >&2; exit 1; }
  echo "$out" | sed -n 's/.* seconds=\([^ ]*\) drops=\([0-9]*\).*/\1 \2/p'
}

# case label, cc, bytes, loss, seeds
row() {
  local label=$1 cc=$2 bytes=$3 loss=$4 seeds=$5 s results=""
  for s in $(seq "$seeds"); do
    results+="$(run "$lv" transfer "$cc" "$bytes" $bps $rtt_ms $queue "$loss" "$s") "
    results+="$(run "$ns" "$cc" "$bytes" $bps $rtt_ms $queue "$loss" "$s")"$'\n'
  done
  echo "$results" | awk -v label="$label" '
    NF == 4 {
      n++; ld += $2; nd += $4
      if ($1 == "nan") la = 1; else ls += $1
      if ($3 == "nan") na = 1; else ns += $3
    }
    END {
      lv = la ? "never" : sprintf("%.3f", ls / n)
      nv = na ? "never" : sprintf("%.3f", ns / n)
      ratio = (la || na) ? "-" : sprintf("%.2f", (ls / n) / (ns / n))
      fmt = (n > 1) ? "%.1f" : "%d"
      printf "%-26s %9s %9s %11s %11s %11s\n", label, lv, nv, ratio,
             sprintf(fmt, ld / n), sprintf(fmt, nd / n)
    }'
}

printf '%-26s %9s %9s %11s %11s %11s\n' "case (20 Mbit/s, 40 ms)" \
  "lvsim s" "ns-3 s" "lvsim/ns-3" "lvsim drops" "ns-3 drops"
for bytes in 100000 1000000 10000000; do
  for cc in reno cubic bbr; do
    row "$((bytes / 1000)) kB $cc" "$cc" "$bytes" 0 1
  done
done
row "10000 kB cubic 1% loss x5" cubic 10000000 1% 5
row "10000 kB reno 1% loss x5" reno 10000000 1% 5
