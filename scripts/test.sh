#!/usr/bin/env bash
# Installs what is needed, builds edihub twice (normal with -Werror, and ASan+UBSan) and
# runs every test in both builds. Exit status is ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The independent peers the tests talk to (node-x12, libas2), pinned by tests/peers/package-lock.json.
timeout 600 npm ci --prefix tests/peers --no-audit --no-fund --loglevel=error
jobs=$(nproc)
# Line tables only (-g1): stack traces keep file:line while the builds skip full debug info.
# -O1: the tests need optimised code, not the last few percent of it (a quarter less build time).
bash scripts/build.sh build -DEDIHUB_WERROR=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG"
(cd build && ctest --output-on-failure -j "$jobs" --timeout 600)
bash scripts/build.sh build-asan -DEDIHUB_WERROR=ON -DEDIHUB_SANITIZE=ON -DEDIHUB_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-g1"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/../tests/lsan.supp" \
   UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j "$jobs" --timeout 900)
