#!/usr/bin/env bash
# SIGINT and SIGTERM stop a run cleanly: exit 130 / 143, the JSON report written with
# "complete": false, the trace kept only as PATH.partial and cut at a record's end.
# usage: interrupt.sh LVSIM LESSON
set -uo pipefail
lvsim=$1
lesson=$2
fail=0
for sig in INT TERM; do
  tmp=$(mktemp -d)
  "$lvsim" run "$lesson" --quiet --json "$tmp/r.json" --trace "$tmp/t.jsonl" 2>"$tmp/err" &
  pid=$!
  sleep 0.5
  kill -s "$sig" "$pid"
  wait "$pid"
  rc=$?
  want=$([ "$sig" = INT ] && echo 130 || echo 143)
  if [ "$rc" -ne "$want" ]; then echo "FAIL SIG$sig: exit $rc, want $want ($(cat "$tmp/err"))"; fail=1
  elif ! grep -q '"complete": false' "$tmp/r.json"; then echo "FAIL SIG$sig: the JSON does not say complete: false"; fail=1
  elif [ -e "$tmp/t.jsonl" ] || [ ! -s "$tmp/t.jsonl.partial" ]; then echo "FAIL SIG$sig: trace: $(ls "$tmp")"; fail=1
  elif [ "$(tail -c 1 "$tmp/t.jsonl.partial" | od -An -c | tr -d ' ')" != '\n' ]; then
    echo "FAIL SIG$sig: the partial trace ends mid-record"; fail=1
  else
    echo "ok   SIG$sig: exit $rc, $(cat "$tmp/err")"
  fi
  rm -rf "$tmp"
done
exit $fail
