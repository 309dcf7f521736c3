#!/usr/bin/env bash
# A lesson's trace fingerprint must be the one recorded in tests/golden/lessons.txt.
# usage: check_lesson_fingerprint.sh LVSIM LESSON.yaml GOLDEN_FILE
set -euo pipefail
lvsim=$1 lesson=$2 golden=$3
name=$(basename "$lesson" .yaml)
want=$(awk -v n="$name" '$1 == n { print $2 }' "$golden")
[ -n "$want" ] || { echo "no fingerprint recorded for $name in $golden (scripts/update-fingerprints.sh)"; exit 1; }
got=$("$lvsim" run --quiet --fingerprint "$lesson") || true
got=$(echo "$got" | tail -1)
if [ "$got" != "$want" ]; then
  echo "$name: trace fingerprint $got, recorded $want"
  echo "The run's trace changed. If that is intended, run scripts/update-fingerprints.sh and say why in the commit."
  exit 1
fi
echo "$name: $got"
