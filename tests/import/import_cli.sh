#!/usr/bin/env bash
# `lvsim import` as a user runs it: every fixture written as a scenario that `lvsim check`
# accepts, a refused file exiting 2 with file:line:column, and `lvsim drain-plan` on an imported
# keepalived.conf giving one JSON object per method with every field.
set -euo pipefail
lvsim=$1
fixtures=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for pair in "keepalived keepalived-2x.conf" "keepalived keepalived-1x.conf" "ldirectord ldirectord.cf" \
            "ipvsadm-save ipvsadm-save.txt" "ipvsadm-timeout ipvsadm-timeout.txt" "sysctl sysctl-a.txt" \
            "connections ipvsadm-lnc.txt" "connections ip_vs_conn.txt"; do
  set -- $pair
  "$lvsim" import "$1" "$fixtures/$2" > "$out/$2.yaml" || fail "lvsim import $pair"
  grep -q "# $2:[0-9]" "$out/$2.yaml" || fail "$2: no value names its source line"
  "$lvsim" check "$out/$2.yaml" > /dev/null || fail "lvsim check of the scenario imported from $2"
done
# Several files make one director.
"$lvsim" import ipvsadm-save "$fixtures/ipvsadm-save.txt" sysctl "$fixtures/sysctl-a.txt" \
  connections "$fixtures/ipvsadm-lnc.txt" > "$out/farm.yaml"
"$lvsim" run --quiet "$out/farm.yaml" > /dev/null || fail "the combined import does not run"

# An access log: its clients replayed on a placeholder farm, or on the imported director;
# the written scenario runs from another folder (the log's path is absolute).
"$lvsim" import access-log "$fixtures/access.log" > "$out/replay.yaml" || fail "lvsim import access-log"
grep -q "access_log: \"/" "$out/replay.yaml" || fail "the log's path is not absolute"
(cd / && "$lvsim" run "$out/replay.yaml" > "$out/replay.txt") || fail "the replayed log does not run"
grep -q "requests replayed from the access log: 43" "$out/replay.txt" || fail "not every request replayed"
grep -q "1 client whose User-Agent no preset matches" "$out/replay.txt" || fail "the unmapped agent is not reported"
"$lvsim" import keepalived "$fixtures/keepalived-2x.conf" access-log "$fixtures/access-nginx.log" > "$out/both.yaml"
grep -q "placeholder" "$out/both.yaml" && fail "a placeholder farm beside an imported director"
"$lvsim" run --quiet "$out/both.yaml" > /dev/null || fail "the director and log import does not run"
set +e
printf 'not a log\n' > "$out/junk.log"
err=$("$lvsim" import access-log "$out/junk.log" 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" = 2 ] || fail "a file with no request exits $rc, not 2"
echo "$err" | grep -Eq "junk.log:1:[0-9]+: error" || fail "no file:line:col for the junk log: $err"

set +e
err=$("$lvsim" import keepalived "$fixtures/keepalived-vrrp.conf" 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" = 2 ] || fail "a vrrp_instance exits $rc, not 2"
echo "$err" | grep -Eq "keepalived-vrrp.conf:[0-9]+:1: error: vrrp_instance" || fail "no file:line:col: $err"
echo "$err" | grep -q "hint:" || fail "no hint: $err"

"$lvsim" drain-plan "$out/keepalived-2x.conf.yaml" --server rs12 --at 40s -r 3 --json "$out/plan.json" > "$out/plan.txt"
for m in weight0 delete delete-expire health-check graceful; do
  grep -q "^$m " "$out/plan.txt" || fail "the table has no row for $m"
  grep -q "\"method\":\"$m\"" "$out/plan.json" || fail "the JSON has no object for $m"
done
for f in no_active_s no_entries_s objects_failed objects_aborted stalls resets longest_stall_s; do
  [ "$(grep -o "\"$f\":{\"mean\"" "$out/plan.json" | wc -l)" = 5 ] || fail "not every method has $f"
done
# The same seeds give the same plan, whatever the number of threads.
"$lvsim" drain-plan "$out/keepalived-2x.conf.yaml" --server rs12 --at 40s -r 3 -j 1 --json - > "$out/plan1.json"
cmp -s "$out/plan.json" "$out/plan1.json" || fail "drain-plan differs between -j 1 and the default"
set +e
"$lvsim" drain-plan "$out/keepalived-2x.conf.yaml" --server rs21 2> "$out/bad.txt"; rc=$?
set -e
[ "$rc" = 2 ] && grep -q "did you mean rs12\|no such realserver" "$out/bad.txt" || fail "a wrong --server: $(cat "$out/bad.txt")"
echo "ok: import of every kind, access logs, refusals, drain-plan table and JSON"
