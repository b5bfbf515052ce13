#!/usr/bin/env bash
# Installs the dependencies, builds galley twice (warnings as errors; then
# with AddressSanitizer and UndefinedBehaviorSanitizer) and runs every test
# in both builds.
set -euo pipefail
cd "$(dirname "$0")/.."
./.ci/deps
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGALLEY_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
# the layout check runs on its own: ctest --test-dir build -L format
ctest --test-dir build --output-on-failure -j"$jobs" -LE format
CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DGALLEY_WERROR=ON -DGALLEY_SANITIZE=ON \
  -DGALLEY_FUZZ=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE 'slow|valgrind'
