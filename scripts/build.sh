#!/usr/bin/env bash
# Configures and builds edihub into build/ (or the folder given as $1, with extra CMake
# args after it). BUILD_TARGET builds only the targets it names (e.g. "edihub edihub_bench").
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
# shellcheck disable=SC2086 # BUILD_TARGET is a list of target names
cmake --build "$dir" -j "$(nproc)" ${BUILD_TARGET:+--target $BUILD_TARGET}
