#!/bin/sh
# run-long.sh [SECONDS] [BUILD_DIR]
# Runs every fuzz target for SECONDS (default 600) each, one after the other,
# in BUILD_DIR (default build-asan, configured with -DGALLEY_FUZZ=ON and
# -DGALLEY_FUZZ_COVERAGE=ON, the default, which tests/run.sh turns off, and
# built). The corpus grows in BUILD_DIR/tests/fuzz/long/corpus-NAME; crashing
# inputs land in BUILD_DIR/tests/fuzz/long/artifacts/. Make each crash a
# regression input (tests/fuzz/regress/) once it is fixed.
set -eu
seconds=${1:-600}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${2:-$src/build-asan}" && pwd)
status=0
for target in "$build"/tests/fuzz/fuzz_*; do
  name=${target##*/fuzz_}
  echo "== fuzz_$name for ${seconds}s"
  sh "$here/run-fuzz.sh" "$target" "$name" "$build/tests/fuzz/long" "$build/galley" 0 "$src" \
    -max_total_time="$seconds" || status=1
done
ls "$build/tests/fuzz/long/artifacts" 2>/dev/null | sed 's/^/crash: /'
exit $status
