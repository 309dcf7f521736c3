#!/usr/bin/env bash
# `mpirun -np 2 lvsim sweep ...` gathers one result identical to the local run.
set -euo pipefail
mpiexec=$1
lvsim=$2
file=$3
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
args=(sweep "$file" --vary clients.users.count=10,20,30 -r 3 -m clients.page_load_p95,rs1.workers_held_mean,peak.servers.time_wait,events)
"$lvsim" "${args[@]}" --csv "$d/local.csv" --json "$d/local.json" > "$d/local.txt"
# Open MPI refuses root unless told; allowed here only, for the test machine's root user.
root=()
[ "$(id -u)" -eq 0 ] && root=(--allow-run-as-root)
"$mpiexec" "${root[@]}" --oversubscribe -np 2 "$lvsim" "${args[@]}" --jobs 1 --csv "$d/mpi.csv" --json "$d/mpi.json" > "$d/mpi.txt"
cmp "$d/local.txt" "$d/mpi.txt"
cmp "$d/local.csv" "$d/mpi.csv"
cmp "$d/local.json" "$d/mpi.json"
grep -q "3 points x 3 replications = 9 runs" "$d/mpi.txt"
echo "mpirun -np 2: identical table, CSV and JSON to the local run"
