#!/usr/bin/env bash
# Installs the dependencies, builds galley twice (warnings as errors; then
# with AddressSanitizer and UndefinedBehaviorSanitizer) and runs every test
# in both builds. Ends with the time each part took and the slowest tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./.ci/deps
jobs=$(nproc)
# tests spend much of their time starting programs and validators (JVMs, Python),
# so twice as many as the cores keep the cores busy
test_jobs=$((jobs * 2))
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
start=$SECONDS
phase() { printf '%-28s %4d s\n' "$1" $((SECONDS - start)) >>"$logs/phases"; start=$SECONDS; }

# the N slowest tests of a ctest log ("  3/145 Test  #22: name ....   Passed   70.61 sec")
slowest() {
  sed -nE 's/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: ([^ ]+) .* ([0-9]+\.[0-9]+) sec$/\2 \1/p' "$1" |
    sort -rn | awk -v n="$2" -v b="$3" 'NR <= n { printf "  %7.1f s  %s (%s)\n", $1, $2, b }'
}

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGALLEY_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
phase "build"
ctest --test-dir build --output-on-failure -j"$test_jobs" | tee "$logs/plain"
phase "tests"
CC=clang CXX=clang++ cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DGALLEY_WERROR=ON -DGALLEY_SANITIZE=ON \
  -DGALLEY_FUZZ=ON -DGALLEY_FUZZ_COVERAGE=OFF >/dev/null
cmake --build build-asan -j"$jobs"
phase "build (sanitizers)"
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j"$test_jobs" -LE 'slow|valgrind|format|ace' |
  tee "$logs/asan"
phase "tests (sanitizers)"

echo
echo "Time taken:"
cat "$logs/phases"
echo "Slowest tests:"
{ slowest "$logs/plain" 10 plain; slowest "$logs/asan" 10 sanitizers; } | sort -rn -k1 | awk 'NR <= 12'
