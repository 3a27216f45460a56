#!/usr/bin/env bash
# Installs what is needed, builds edihub twice (the shipped -O2 build of the hub and the
# benchmarks, and an ASan+UBSan build of everything, both with -Werror) and runs every test
# in the sanitizer build. Exit status is ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The independent peers the tests talk to (node-x12, libas2), pinned by tests/peers/package-lock.json.
timeout 600 npm ci --prefix tests/peers --no-audit --no-fund --loglevel=error
jobs=$(nproc)
# The shipped build of the hub and the benchmarks (scripts/build.sh names its options: -O2,
# line tables only, -Werror): warnings that only an optimised build sees still fail here.
# Every test then runs once, in the sanitizer build (one test build instead of two keeps
# this script well inside CI's time). scripts/demo.sh configures the same build/ alike, with
# the benchmarks off: either script may run first.
BUILD_TARGET="edihub edihub_bench edihub_generate_inbox" bash scripts/build.sh build -DEDIHUB_BENCH=ON
bash scripts/build.sh build-asan -DEDIHUB_SANITIZE=ON -DEDIHUB_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/../tests/lsan.supp" \
   UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j "$jobs" --timeout 900)
