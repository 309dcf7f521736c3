#!/usr/bin/env bash
# lvsim grade on one exercise: the right answer scores full marks (exit 0), the wrong one
# scores none with a hint for each question (exit 1).
# usage: grade.sh LVSIM EXERCISE RIGHT_ANSWER WRONG_ANSWER
set -uo pipefail
lvsim=$1 exercise=$2 right=$3 wrong=$4
fail=0
out=$("$lvsim" grade "$exercise" "$right"); rc=$?
n=$(grep -c '^  right ' <<<"$out")
if [ "$rc" -eq 0 ] && [ "$n" -ge 2 ] && ! grep -q '^  WRONG' <<<"$out"; then echo "ok   right answer: $(head -1 <<<"$out")"
else echo "FAIL right answer (exit $rc):"; echo "$out"; fail=1; fi
out=$("$lvsim" grade "$exercise" "$wrong"); rc=$?
n=$(grep -c '^         hint: ' <<<"$out")
if [ "$rc" -eq 1 ] && grep -q ': 0 of ' <<<"$out" && [ "$n" -ge 2 ]; then echo "ok   wrong answer: $(head -1 <<<"$out")"
else echo "FAIL wrong answer (exit $rc):"; echo "$out"; fail=1; fi
exit $fail
