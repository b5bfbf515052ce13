#!/usr/bin/env bash
# DocBook writer speed: galley -t docbook against cmark-gfm -t xml (target:
# within 2.5x) and pandoc -f gfm -t docbook5 (target: galley at least 50x
# faster), on the 2 MB Markdown file (the CommonMark spec ten times).
#
# Prints the median wall-clock and CPU (user+sys) time of several runs, the
# ratios, and each command's peak resident memory. The CPU figures are the
# steadier ones on a busy machine. Run bench/setup first.
#
#   bench/docbook.sh                  # build/galley, 10 runs, 5 for pandoc
#   GALLEY=path RUNS=20 PANDOC_RUNS=5 bench/docbook.sh
set -euo pipefail
cd "$(dirname "$0")/.."

GALLEY=${GALLEY:-build/galley}
RUNS=${RUNS:-10}
PANDOC_RUNS=${PANDOC_RUNS:-5}
OUT=bench/out
INPUT=$OUT/spec-x10.md

for tool in cmark-gfm pandoc python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run bench/setup" >&2; exit 2; }
done
[ -x "$GALLEY" ] || { echo "no $GALLEY: build galley first (cmake -S . -B build && cmake --build build)" >&2; exit 2; }
mkdir -p "$OUT"
if [ ! -s "$INPUT" ]; then
  for _ in 1 2 3 4 5 6 7 8 9 10; do cat tests/data/spec-0.31.2.txt; done > "$INPUT"
fi

# Each run is timed through its own wait4(): wall clock, user+sys CPU, peak RSS.
python3 - "$INPUT" "$RUNS" "$PANDOC_RUNS" "$GALLEY" <<'PY'
import os, statistics, subprocess, sys, time

src, runs, pandoc_runs, galley = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
# The first three are the comparison asked for; the last two pair readers that
# do the same work: strict CommonMark on both sides, and the GFM extensions
# plus smart punctuation on both sides (galley's default Markdown reader).
gfm_ext = ["-e", "table", "-e", "strikethrough", "-e", "autolink", "-e", "tasklist", "--smart"]
commands = [
    ("galley -t docbook", [galley, "-q", src, "-t", "docbook"], runs),
    ("cmark-gfm -t xml", ["cmark-gfm", "-t", "xml", src], runs),
    ("pandoc -f gfm -t docbook5", ["pandoc", "-f", "gfm", "-t", "docbook5", src], pandoc_runs),
    ("galley -f commonmark -t docbook", [galley, "-q", "-f", "commonmark", src, "-t", "docbook"], runs),
    ("cmark-gfm -e ... --smart -t xml", ["cmark-gfm", *gfm_ext, "-t", "xml", src], runs),
]


def once(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


results = []
for label, argv, n in commands:
    once(argv)  # warms the page cache
    samples = [once(argv) for _ in range(n)]
    results.append((label, statistics.median(s[0] for s in samples),
                    statistics.median(s[1] for s in samples), max(s[2] for s in samples)))

print(f"input: {src} ({os.path.getsize(src) / 1e6:.2f} MB); medians of {runs} runs ({pandoc_runs} for pandoc)")
print(f"{'command':<34} {'wall s':>8} {'cpu s':>8} {'peak RSS':>11}")
for label, wall, cpu, peak in results:
    print(f"{label:<34} {wall:8.3f} {cpu:8.3f} {peak / 1024:8.1f} MB")
g, c, p, g_cm, c_ext = results
print(f"galley / cmark-gfm -t xml:            {g[1] / c[1]:.2f}x wall, {g[2] / c[2]:.2f}x cpu  (target: at most 2.5x)")
print(f"pandoc / galley:                      {p[1] / g[1]:.0f}x wall, {p[2] / g[2]:.0f}x cpu  (target: at least 50x)")
print(f"like for like, strict CommonMark:     {g_cm[1] / c[1]:.2f}x wall, {g_cm[2] / c[2]:.2f}x cpu")
print(f"like for like, extensions and smart:  {g[1] / c_ext[1]:.2f}x wall, {g[2] / c_ext[2]:.2f}x cpu")
PY
