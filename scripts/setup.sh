#!/usr/bin/env bash
# Shared set-up for the two quick-start commands: installs the Debian 12 packages that are
# missing (nothing is downloaded when all are present), then configures and builds.
#
#   scripts/setup.sh [main|test] [BUILD_DIR] [extra cmake args...]
#
# `main` installs what the simulator, the command line and the viewer need and builds only the
# `lvsim` command (what the main job runs; the viewer and the tests are built when asked for:
# `cmake --build build`, or the test command); `test` builds everything and adds the
# tools the test suite drives (Xvfb for viewer screenshots, tshark for pcap checks, OpenMPI for
# the distributed sweep, clang-format for the formatting check, clang and its libFuzzer runtime
# for the fuzzers).
set -euo pipefail
cd "$(dirname "$0")/.."

profile=${1:-main}
build_dir=${2:-build}
shift $(( $# > 2 ? 2 : $# ))

core_pkgs=(build-essential cmake ninja-build pkg-config libboost-graph-dev libboost-program-options-dev
           catch2 libyaml-cpp-dev libimgui-dev libglfw3-dev libstb-dev libgl1-mesa-dri)
test_pkgs=(xvfb xauth tshark openmpi-bin libopenmpi-dev clang-format clang libclang-rt-14-dev chromium)

pkgs=("${core_pkgs[@]}")
[ "$profile" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "lvsim set-up: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  # tshark asks whether non-root users may capture; the default answer (no) is what we want.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Optional parts (the viewer, the MPI sweep) are found at configure time: configure again,
# from scratch, whenever the packages they need appeared or went since the last configure.
optional_state=$(dpkg-query -W -f='${Package} ${Status}\n' libopenmpi-dev libimgui-dev libglfw3-dev 2>/dev/null | sort || true)
stamp="$build_dir/.lvsim-optional-packages"
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  echo "$optional_state" > "$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$optional_state" ]; then
  echo "lvsim set-up: optional packages changed, configuring $build_dir again" >&2
  cmake --fresh -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  echo "$optional_state" > "$stamp"
fi
# The main job needs only the command line; the test profile builds every target.
if [ "$profile" = main ]; then
  cmake --build "$build_dir" --target lvsim
else
  cmake --build "$build_dir"
fi
