#!/usr/bin/env bash
# One formatting convention for every C++ file: the repository's .clang-format, applied by
# Debian 12's clang-format (14).
#
#   scripts/format.sh           reformat every tracked .cpp/.hpp in place
#   scripts/format.sh --check   list the files that differ and fail (ctest's format_check)
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format=${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format || true)}
[ -n "$clang_format" ] || { echo "format.sh: clang-format not found (apt-get install clang-format)"; exit 2; }
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
else
  mapfile -t files < <(find sim models api cli include viz tests examples -name '*.cpp' -o -name '*.hpp' -o -name '*.h' | sort)
fi
if [ "${1:-}" = --check ]; then
  bad=()
  for f in "${files[@]}"; do
    "$clang_format" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if [ ${#bad[@]} -gt 0 ]; then
    echo "these files differ from .clang-format (run scripts/format.sh):"
    printf '  %s\n' "${bad[@]}"
    exit 1
  fi
  echo "${#files[@]} files follow .clang-format"
else
  "$clang_format" -i "${files[@]}"
fi
