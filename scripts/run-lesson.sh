#!/usr/bin/env bash
# Quick start, command 1: set up, build, and run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh main build >&2
exec build/cli/lvsim demo "$@"
