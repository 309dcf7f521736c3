#!/usr/bin/env bash
# lvsim hash-churn from the command line: the table's rows and columns, the same output for the
# same seed, and bad arguments refused with exit 2 and a message that says what to write.
set -euo pipefail
lvsim=$1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

"$lvsim" hash-churn --realservers 10 --flows 5000 > "$d/a.txt"
"$lvsim" hash-churn --realservers 10 --flows 5000 > "$d/b.txt"
cmp "$d/a.txt" "$d/b.txt"
grep -q "^scheduler  *table  *realservers  *removed  *slots moved" "$d/a.txt"
# sh's 256 buckets and the kernel's default mh table, 4093 slots (CONFIG_IP_VS_MH_TAB_INDEX=12).
grep -q "^sh  *256  *10  *1 " "$d/a.txt" || { echo "no sh row:"; cat "$d/a.txt"; exit 1; }
grep -q "^mh  *4093  *10  *1 " "$d/a.txt" || { echo "no mh row:"; cat "$d/a.txt"; exit 1; }
"$lvsim" hash-churn --scheduler mh --mh-tab-index 8,17 --flows 1000 | grep -q "^mh  *131071 " \
  || { echo "--mh-tab-index 17 is not the 131071-slot table"; exit 1; }
# Quiesced (-w 0), mh's table stays: no slot moves.
"$lvsim" hash-churn --scheduler mh --quiesce --flows 1000 | grep -q "^mh  *4093  *10  *1  *0.00%  *0.00%  *0.00%" \
  || { echo "quiescing moved mh slots"; exit 1; }

expect_bad() {
  local want=$1; shift
  set +e
  "$lvsim" hash-churn "$@" > "$d/out" 2> "$d/err"
  local rc=$?
  set -e
  [ $rc -eq 2 ] || { echo "exit $rc (want 2) for: $*"; cat "$d/err"; exit 1; }
  grep -q -- "$want" "$d/err" || { echo "no '$want' in:"; cat "$d/err"; exit 1; }
}
expect_bad "not a prime" --table-size 4096
expect_bad "from 8 to 17" --mh-tab-index 18
expect_bad "give one" --table-size 4093 --mh-tab-index 12
expect_bad "one of sh, mh, dh, all" --scheduler rr
expect_bad "from 0 to 9" --remove 10
expect_bad "a fraction between 0 and 1" --remove-fraction 1.5
expect_bad "ipvsadm -b names" --flags mh-bogus
expect_bad "64 or 32" --hsiphash 16
expect_bad "ip_vs_mh_reassign refuses" --scheduler mh --realservers 300 --table-size 251
expect_bad "one per realserver" --weights 1,2 --realservers 3
expect_bad "unrecognised option" --bogus
echo "hash-churn: ok"
