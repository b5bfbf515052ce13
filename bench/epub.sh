#!/usr/bin/env bash
# EPUB: galley against pandoc -t epub3 on a novel-length Markdown file.
#
# usage: bench/epub.sh [RUNS]      (run bench/setup once first, as root)
#
# Prints the median wall time of RUNS runs (default 7) of each tool, the
# ratio, and each tool's peak memory (/usr/bin/time -v). GALLEY may name the
# binary (default build/galley); the novel is made by bench/make-novel.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
galley=${GALLEY:-build/galley}
out=bench/out
novel=$out/novel.md
mkdir -p "$out"

for tool in pandoc hyperfine /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run bench/setup" >&2; exit 1; }
done
[ -x "$galley" ] || { echo "no $galley: build galley first (cmake --build build)" >&2; exit 1; }
[ -f "$novel" ] || bench/make-novel "$novel"

echo "input: $novel ($(wc -c <"$novel") bytes, $(grep -c '^# ' "$novel") chapters)"
echo "galley: $("$galley" --version 2>/dev/null | head -1)   pandoc: $(pandoc --version | head -1)"

# Both write a file from Markdown with the same front matter. galley -o FILE
# also fsyncs (its atomic save) and pandoc does not, so the compared galley run
# writes to stdout redirected into the file, as pandoc writes it; the -o FILE
# run is timed too, as "galley-o".
galley_cmd="$galley -f markdown -t epub $novel -o $out/novel-galley.epub"
galley_stdout="$galley -f markdown -t epub $novel -o - > $out/novel-galley.epub"
pandoc_cmd="pandoc -f markdown -t epub3 $novel -o $out/novel-pandoc.epub"

hyperfine --style none --warmup 1 --runs "$runs" --export-json "$out/epub-bench.json" \
  -n galley "$galley_stdout" -n galley-o "$galley_cmd" -n pandoc "$pandoc_cmd" >/dev/null

peak_kb() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'; }
galley_rss=$(peak_kb $galley_cmd)
pandoc_rss=$(peak_kb $pandoc_cmd)

python3 - "$out/epub-bench.json" "$galley_rss" "$pandoc_rss" "$runs" <<'EOF'
import json, statistics, sys
data = json.load(open(sys.argv[1]))
res = {r["command"]: r for r in data["results"]}
med = {k: statistics.median(r["times"]) for k, r in res.items()}
cpu = {k: r["user"] + r["system"] for k, r in res.items()}
rss = {"galley": int(sys.argv[2]), "galley-o": int(sys.argv[2]), "pandoc": int(sys.argv[3])}
print("%s runs each: median wall time, mean CPU time (user+sys), peak RSS" % sys.argv[4])
for name in ("galley", "galley-o", "pandoc"):
    print("  %-9s %9.1f ms wall %9.1f ms CPU   %7.1f MB" % (name, med[name] * 1000, cpu[name] * 1000,
                                                          rss[name] / 1024))
print("ratio (median wall): galley is %.1fx faster than pandoc -t epub3 (%.1fx with -o FILE)" %
      (med["pandoc"] / med["galley"], med["pandoc"] / med["galley-o"]))
print("ratio (CPU time):    galley is %.1fx faster" % (cpu["pandoc"] / cpu["galley"]))
EOF
ls -l "$out"/novel-galley.epub "$out"/novel-pandoc.epub | awk '{print "  " $5 " bytes  " $9}'
