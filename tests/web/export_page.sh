#!/usr/bin/env bash
# lvsim export --html in a real browser (headless Chromium): the page's `ipvsadm -Ln` at the
# cursor equals `lvsim run --snapshot-at` at the same times, opened with #t= and moved through
# the scrubber; compare mode shows both runs; lesson 10 at 80 users redraws fast; a screenshot
# has the page's colours; the handout has every step and the answers.
# usage: export_page.sh LVSIM CHROMIUM SCENARIO_DIR OUT_DIR [PNG_CHECK]
set -uo pipefail
lvsim=$1 chromium=$2 lessons=$3 out=$4 png_check=${5:-}
mkdir -p "$out"
fail=0
chrome() { "$chromium" --headless=new --no-sandbox --disable-gpu --no-first-run --hide-scrollbars "$@" 2>/dev/null; }
# The text of <pre id=ID> in a DOM dump, unescaped, trailing blanks and blank lines dropped.
pre_text() { awk -v id="$1" 'BEGIN{RS="</pre>"} index($0, "<pre id=\"" id "\"") || index($0, "id=\"" id "\">"){sub(/.*id="[^"]*"[^>]*>/,""); print; exit}' \
               | sed 's/&gt;/>/g; s/&lt;/</g; s/&amp;/\&/g; s/ *$//' | grep -v '^$'; }
# `lvsim run --snapshot-at T`'s -Ln listing of FILE at T, the same way.
run_listing() { "$lvsim" run "$1" --snapshot-at "$2" ${3:+--set "$3"} | awk -v t="$2" '$0 ~ "^Snapshot .at " t ". at"{f=1; next} f && /^$/{exit} f' \
               | sed 's/^  //; s/ *$//' | grep -v '^$'; }
check() {  # check WHAT EXPECTED_FILE ACTUAL_FILE
  if [ -s "$2" ] && diff -q "$2" "$3" >/dev/null; then echo "ok   $1"; else echo "FAIL $1"; diff "$2" "$3" | head -8; fail=1; fi
}

l01=$lessons/01-drain-zero-weight.yaml l02=$lessons/02-delete-server.yaml
"$lvsim" export "$l01" --html "$out/l01.html" --handout "$out/l01-handout.html" >/dev/null || { echo "FAIL export"; exit 1; }
for t in 19s 30s 100s 215s 330s; do
  chrome --dump-dom "file://$out/l01.html#t=$t" > "$out/dom.html"
  pre_text ipvsadm-ln < "$out/dom.html" > "$out/page.txt"
  run_listing "$l01" "$t" > "$out/run.txt"
  check "#t=$t: the page's -Ln is lvsim run's" "$out/run.txt" "$out/page.txt"
done
# Through the scrubber (the page moves its own range input and reports what it then shows).
chrome --dump-dom "file://$out/l01.html#selftest=215s,30s,100s" > "$out/dom.html"
pre_text selftest < "$out/dom.html" > "$out/selftest.txt"
for t in 215s 30s 100s; do
  awk -v t="@$t" '$0==t{f=1; next} /^@/{f=0} f' "$out/selftest.txt" | grep -v '^$' > "$out/page.txt"
  run_listing "$l01" "$t" > "$out/run.txt"
  check "scrubber to $t: the page's -Ln is lvsim run's" "$out/run.txt" "$out/page.txt"
done
# Compare: the second run's listing is its own.
"$lvsim" export "$l01" --compare "$l02" --html "$out/cmp.html" >/dev/null || { echo "FAIL export --compare"; exit 1; }
chrome --dump-dom "file://$out/cmp.html#t=30s" > "$out/dom.html"
pre_text ipvsadm-ln-2 < "$out/dom.html" > "$out/page.txt"
run_listing "$l02" 30s > "$out/run.txt"
check "compare: the second run's -Ln at 30s is lesson 02's" "$out/run.txt" "$out/page.txt"
# Lesson 10 at 80 users: every move of the scrubber redraws in well under 200 ms.
"$lvsim" export "$lessons/10-capacity-prefork.yaml" --set clients.users.count=80 --html "$out/l10.html" >/dev/null
chrome --dump-dom "file://$out/l10.html#selftest=10s,30s,50s,60s,70s,90s,110s" > "$out/dom.html"
ms=$(pre_text selftest < "$out/dom.html" | awk '/^@ms_per_move/{print $2}')
if [ -n "$ms" ] && awk -v m="$ms" 'BEGIN{exit !(m < 200)}'; then echo "ok   lesson 10 at 80 users: $ms ms per scrubber move"
else echo "FAIL lesson 10 at 80 users: '$ms' ms per scrubber move"; fail=1; fi
pre_text selftest < "$out/dom.html" | awk '/^@60s/{f=1; next} /^@/{f=0} f' > "$out/page.txt"
run_listing "$lessons/10-capacity-prefork.yaml" 60s clients.users.count=80 > "$out/run.txt"
check "lesson 10 at 80 users: -Ln at 60s" "$out/run.txt" "$out/page.txt"
# The handout: every step's caption, the questions, and the answers on their own page.
for s in "Step 1 at 19 s" "Step 7 at 335 s" "Predict: Will rs1" "class=\"answers\"" "Answers"; do
  if grep -q "$s" "$out/l01-handout.html"; then echo "ok   handout has '$s'"; else echo "FAIL handout lacks '$s'"; fail=1; fi
done
# What Chromium draws at 1280x720 (the picture in docs/ is made the same way).
chrome --window-size=1280,720 --screenshot="$out/page-100s.png" "file://$out/l01.html#t=100s" >/dev/null
if [ -n "$png_check" ]; then
  if "$png_check" "$out/page-100s.png" --size 1280x720 --min-colours 40 --expect ESTABLISHED:2000; then
    echo "ok   screenshot: 1280x720, the state colours drawn"
  else echo "FAIL screenshot"; fail=1; fi
fi
exit $fail
