#!/usr/bin/env bash
# Configures and builds edihub into build/ (or the folder given as $1, with extra CMake
# args after it). BUILD_TARGET builds only the targets it names (e.g. "edihub edihub_bench");
# CONFIGURE_ONLY=1 stops after configuring.
#
# Every option the build depends on is named on every call: the shipped build's value
# unless the caller's args say otherwise, never what an earlier call left in the folder's
# CMake cache. scripts/demo.sh and scripts/test.sh share build/ and must each work after
# the other (tests/build_order_test.cc checks it). The shipped build: RelWithDebInfo at -O2
# with line tables only (-g1), -Werror, no sanitizers, the benchmarks built.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEDIHUB_WERROR=ON -DEDIHUB_SANITIZE=OFF \
  -DEDIHUB_BENCH=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" -DCMAKE_CXX_FLAGS_DEBUG=-g1 "$@" >/dev/null
[[ ${CONFIGURE_ONLY:-0} == 1 ]] && exit 0
# shellcheck disable=SC2086 # BUILD_TARGET is a list of target names
cmake --build "$dir" -j "$(nproc)" ${BUILD_TARGET:+--target $BUILD_TARGET}
