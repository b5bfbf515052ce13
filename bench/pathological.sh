#!/bin/sh
# pathological.sh [GALLEY]
# Growth of galley's time on the pathological inputs (tests/pathological/
# generate.py): each case at 1x, 2x, 4x and 8x a base size (SCALE, default
# 0.5 of the test sizes), converted into every writer, the median of RUNS
# runs (default 3). Prints the times and the ratios to the 1x time; linear
# growth gives about 2, 4 and 8, quadratic 4, 16 and 64. Peak memory of the
# 8x run from /usr/bin/time -v. CASES narrows the cases (space-separated).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
galley=${1:-$here/../build/galley}
runs=${RUNS:-3}
base=${SCALE:-0.5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cases=${CASES:-$(python3 "$here/../tests/pathological/generate.py" --list | tr ';' ' ')}
writers=$($galley --list-formats | awk 'NR > 1 && $3 == "yes" { print $1 }')

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# seconds of one conversion (the exit status is reported, not fatal: refusals are timed too)
time_one() {
  start=$(date +%s.%N)
  "$galley" -q -t "$2" "$1" -o "$work/out" 2>/dev/null || true
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", b - a }'
}

printf '%-22s %-6s %9s %9s %9s %9s   %6s %6s %6s  %9s\n' case writer 1x 2x 4x 8x r2 r4 r8 peak8x
for c in $cases; do
  for m in 1 2 4 8; do
    python3 "$here/../tests/pathological/generate.py" "$work" "$(awk -v b="$base" -v m="$m" 'BEGIN { print b * m }')" "$c"
    mv "$work/$c.md" "$work/$c-$m.md"
  done
  for w in $writers; do
    t=""
    for m in 1 2 4 8; do
      times=""
      for _ in $(seq "$runs"); do times="$times $(time_one "$work/$c-$m.md" "$w")"; done
      t="$t $(echo $times | tr ' ' '\n' | median)"
    done
    /usr/bin/time -v -o "$work/time" "$galley" -q -t "$w" "$work/$c-8.md" -o "$work/out" 2>/dev/null || true
    peak=$(awk -F: '/Maximum resident/ { gsub(/ /, "", $2); print $2 }' "$work/time")
    echo "$c $w $t ${peak:-0}" | awk '{ b = $3 + 0.001;
      printf "%-22s %-6s %9.3f %9.3f %9.3f %9.3f   %6.1f %6.1f %6.1f  %7dKB\n", $1, $2, $3, $4, $5, $6,
        $4 / b, $5 / b, $6 / b, $7 }'
  done
done
