#!/usr/bin/env bash
# lvsim-pdes over two MPI ranks prints the same bytes as alone, for the farm (NAT: the
# directors cut) and the fleet (direct routing: both cuts); a cut that would make both parts
# send over one link direction is refused with exit 3, and bad arguments with exit 2.
set -euo pipefail
mpiexec=$1
pdes=$2  # $3: the lessons' folder
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
# Open MPI refuses root unless told; allowed here only, for the test machine's root user.
root=()
[ "$(id -u)" -eq 0 ] && root=(--allow-run-as-root)
two=("$mpiexec" "${root[@]}" --oversubscribe -np 2 "$pdes")
check() {  # workload cut
  "$pdes" "$1" --clients 100 --seconds 20 --cut "$2" > "$d/alone.txt" 2> "$d/alone.err"
  "${two[@]}" "$1" --clients 100 --seconds 20 --cut "$2" > "$d/two.txt" 2> "$d/two.err"
  cmp "$d/alone.txt" "$d/two.txt"
  # A run that did something: pages completed, packets crossed between the ranks.
  grep -Eq "^clients users: pages started [0-9]+ completed [1-9]" "$d/two.txt"
  grep -Eq "rank 1/2: .* packets out [1-9][0-9]* in [1-9]" "$d/two.err"
  echo "$1, --cut $2: two ranks print what one does ($(head -1 "$d/two.txt"))"
}
check farm directors
check fleet clients
check fleet directors
# The farm's NAT director: clients' requests and realservers' replies both cross lan -> director.
rc=0
"${two[@]}" farm --clients 50 --seconds 5 --cut clients > /dev/null 2> "$d/shared.err" || rc=$?
[ "$rc" -eq 3 ] || { echo "expected exit 3 for a shared link, got $rc"; cat "$d/shared.err"; exit 1; }
grep -q "not exact: both parts sent packets over lan -> director" "$d/shared.err"
# A director pair's failover changes the routes from the director's side: refused before the run.
rc=0
"${two[@]}" scenario "$3/30-failover-mid-drain.yaml" > /dev/null 2> "$d/ha.err" || rc=$?
[ "$rc" -eq 2 ] || { echo "expected exit 2 for a director pair, got $rc"; cat "$d/ha.err"; exit 1; }
grep -q "cannot be split into the clients' and the director's side: a director pair" "$d/ha.err"
rc=0
"$pdes" farm --clients 0 2> "$d/bad.err" || rc=$?
[ "$rc" -eq 2 ] && grep -q -- "--clients takes" "$d/bad.err"
echo "a shared link direction is refused (exit 3), a director pair and a bad argument too (exit 2)"
