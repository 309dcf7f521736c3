#!/usr/bin/env bash
# lvsim sweep from the command line: the same output whatever --jobs is, a one-replication cell
# equal to `lvsim run` of that point, and bad arguments refused with exit 2 and a fix.
set -euo pipefail
lvsim=$1
file=$2
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
args=(sweep "$file" --vary clients.users.count=10,30 --vary realservers.rs1.keepalive_timeout=5s,15s -r 2
      -m clients.page_load_p95,peak.rs1.active,mean.servers.workers_idle_keepalive,rs1.workers_held_mean,events)
"$lvsim" "${args[@]}" --jobs 1 --csv "$d/1.csv" --json "$d/1.json" > "$d/1.txt"
"$lvsim" "${args[@]}" --jobs 2 --csv "$d/2.csv" --json "$d/2.json" > "$d/2.txt"
cmp "$d/1.txt" "$d/2.txt"
cmp "$d/1.csv" "$d/2.csv"
cmp "$d/1.json" "$d/2.json"
grep -q '"format": "lvsim-sweep/1"' "$d/1.json"
[ "$(wc -l < "$d/1.csv")" -eq 5 ] || { echo "expected a header and 4 points in the CSV"; cat "$d/1.csv"; exit 1; }
grep -q "4 points x 2 replications = 8 runs" "$d/1.txt"

# One replication of one point is exactly `lvsim run` of that point (replication 0 keeps the seed).
"$lvsim" sweep "$file" --vary clients.users.count=20 -m events --csv "$d/one.csv" --quiet
sweep_events=$(tail -1 "$d/one.csv" | cut -d, -f2)
run_events=$("$lvsim" run "$file" --set clients.users.count=20 --json - | sed -n 's/^  "events": \([0-9]*\),$/\1/p')
[ -n "$run_events" ] && [ "$sweep_events" = "$run_events" ] || { echo "sweep events $sweep_events, run events $run_events"; exit 1; }

# Bad arguments: exit 2 and a message that says what to write.
expect_bad() {
  local want=$1; shift
  set +e
  "$lvsim" "$@" > "$d/out" 2> "$d/err"
  local rc=$?
  set -e
  [ $rc -eq 2 ] || { echo "exit $rc (want 2) for: $*"; cat "$d/err"; exit 1; }
  grep -q -- "$want" "$d/err" || { echo "no '$want' in:"; cat "$d/err"; exit 1; }
}
expect_bad "what to vary" sweep "$file"
expect_bad "KEY=V1,V2" sweep "$file" --vary clients.users.count
expect_bad "needs a step" sweep "$file" --vary clients.users.count=10..100
expect_bad "did you mean" sweep "$file" --vary clients.userz.count=10
expect_bad "unknown metric" sweep "$file" --vary clients.users.count=10 -m rs1.bogus
expect_bad "at least 1" sweep "$file" --vary clients.users.count=10 --jobs 0
expect_bad "at least 1" sweep "$file" --vary clients.users.count=10 -r 0
echo "sweep: identical with --jobs 1 and 2, matches lvsim run ($run_events events), bad input refused"
