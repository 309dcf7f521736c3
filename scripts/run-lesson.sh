#!/usr/bin/env bash
# Quick start, command 1: set up, build, and run the main job: the drain-versus-delete lesson,
# lessons 01 and 02 side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh main build >&2
exec build/cli/lvsim compare scenarios/01-drain-zero-weight.yaml scenarios/02-delete-server.yaml "$@"
