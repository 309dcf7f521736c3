#!/usr/bin/env bash
# Records the golden trace fingerprints of every lesson and example (tests/golden/) from the
# Release build in build/, and shows what changed. Use it only in a commit that changes
# behaviour or trace vocabulary on purpose, and say why in that commit's message.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build >/dev/null
golden=tests/golden
{
  for f in scenarios/*.yaml; do
    echo "$(basename "$f" .yaml) $(build/cli/lvsim run --quiet --fingerprint "$f" | tail -1)"
  done
} > "$golden/lessons.txt.new"
mv "$golden/lessons.txt.new" "$golden/lessons.txt"
mkdir -p "$golden/examples"
for dir in examples/*/; do
  ex=$(basename "$dir")
  [ -x "build/examples/example_$ex" ] || continue
  rm -f "$golden/examples/$ex.txt"
  LVSIM_FINGERPRINTS="$PWD/$golden/examples/$ex.txt" "build/examples/example_$ex" "$PWD" >/dev/null
done
git --no-pager diff --stat -- "$golden" || true
