#!/usr/bin/env bash
# Same scenario + same seed => byte-identical JSON report, CSV and trace; another seed differs.
set -euo pipefail
lvsim=$1
file=$2
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
"$lvsim" run "$file" --quiet --json "$d/a.json" --csv "$d/a.csv" --trace "$d/a.jsonl"
"$lvsim" run "$file" --quiet --json "$d/b.json" --csv "$d/b.csv" --trace "$d/b.jsonl"
cmp "$d/a.json" "$d/b.json"
cmp "$d/a.csv" "$d/b.csv"
cmp "$d/a.jsonl" "$d/b.jsonl"
"$lvsim" run "$file" --quiet --seed 2 --trace "$d/c.jsonl" || true
if cmp -s "$d/a.jsonl" "$d/c.jsonl"; then echo "a different seed gave the same trace"; exit 1; fi
# The JSON report has the documented top-level fields.
for key in '"format": "lvsim-report/1"' '"scenario"' '"end_s"' '"events"' '"clients"' '"realservers"' '"drains"' '"snapshots"' '"expectations"'; do
  grep -q "$key" "$d/a.json" || { echo "missing $key"; exit 1; }
done
echo "deterministic: $(wc -l < "$d/a.jsonl") trace records, identical twice"
