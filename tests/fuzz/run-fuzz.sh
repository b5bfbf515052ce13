#!/bin/sh
# run-fuzz.sh TARGET NAME WORKDIR GALLEY RUNS SOURCE_DIR [libFuzzer options...]
# Builds the seed corpus of target NAME in WORKDIR, then runs TARGET on it for
# RUNS executions (RUNS 0: no limit; pass -max_total_time=SECONDS instead).
# New inputs go to WORKDIR/corpus-NAME, crashes to WORKDIR/artifacts/.
set -eu
target=$1 name=$2 work=$3 galley=$4 runs=$5 src=$6
shift 6
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work/corpus-$name" "$work/artifacts"
rm -rf "$work/seeds-$name"
python3 "$here/make-corpus.py" "$name" "$galley" "$work/seeds-$name" "$src"
set -- -runs="$runs" -max_len=65536 -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 \
  -dict="$here/markdown.dict" -artifact_prefix="$work/artifacts/$name-" "$@"
[ "$runs" = 0 ] && shift
exec "$target" "$@" "$work/corpus-$name" "$work/seeds-$name"
