#!/usr/bin/env bash
# galley's Markdown -> HTML and -> JSON against cmark-gfm and pandoc on a
# 2 MB input (the CommonMark spec ten times; bench/make-inputs writes it).
# Prints the median of RUNS runs of each (hyperfine), the ratios, and the
# peak memory of each (/usr/bin/time -v), then checks the targets:
# within 2x of cmark-gfm, at least 50x faster than pandoc, peak memory at
# most 10x the input.
#   bench/html-json.sh [GALLEY]      (default: build/galley; RUNS=5)
# CALLGRIND=1 also prints instruction counts, which a busy machine does not
# disturb.
# Needs bench/setup (pandoc, cmark-gfm, hyperfine, time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
galley=$(realpath "${1:-$here/../build/galley}")
runs=${RUNS:-5}
input="$here/out/spec-x10.md"
[ -f "$input" ] || "$here/make-inputs" >/dev/null
for tool in hyperfine pandoc cmark-gfm /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run bench/setup" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

names=("galley -t html" "galley -t json" "galley -f gfm -t html" "cmark-gfm" "pandoc")
cmds=(
  "$galley -t html $input"
  "$galley -t json $input"
  "$galley -f gfm -t html $input"
  "cmark-gfm -e table -e strikethrough -e autolink -e tasklist --unsafe $input"
  "pandoc -f gfm -t html5 $input"
)

echo "input: $input ($(wc -c <"$input") bytes); $runs runs each"
echo "galley $("$galley" --version | cut -d' ' -f2), $(cmark-gfm --version | head -n1), $(pandoc --version | head -n1)"
for i in "${!cmds[@]}"; do
  r=$runs
  hyperfine -N --warmup 1 --runs "$r" --export-json "$tmp/t$i.json" "${cmds[$i]}" >/dev/null
  # shellcheck disable=SC2086
  /usr/bin/time -v ${cmds[$i]} 2>"$tmp/m$i.txt" >/dev/null
done

set +e
python3 - "$tmp" "$(wc -c <"$input")" "${names[@]}" <<'PY'
import json, re, sys
tmp, size, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
med, rss = [], []
for i in range(len(names)):
    with open("%s/t%d.json" % (tmp, i)) as f:
        med.append(json.load(f)["results"][0]["median"])
    with open("%s/m%d.txt" % (tmp, i)) as f:
        rss.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read()).group(1)) * 1024)
cmark, pandoc = med[names.index("cmark-gfm")], med[names.index("pandoc")]
print("%-22s %10s %10s %10s %10s %9s" % ("", "median", "/cmark", "pandoc/x", "peak RSS", "RSS/in"))
for n, t, m in zip(names, med, rss):
    print("%-22s %8.1fms %9.2fx %9.1fx %8.1fMB %8.1fx" % (n, t * 1000, t / cmark, pandoc / t, m / 1e6, m / size))
ok = True
for n in ("galley -t html", "galley -t json"):
    i = names.index(n)
    checks = [("within 2x of cmark-gfm", med[i] <= 2 * cmark), ("50x faster than pandoc", pandoc >= 50 * med[i]),
              ("peak memory <= 10x input", rss[i] <= 10 * size)]
    for what, good in checks:
        print("%-4s %s: %s" % ("ok" if good else "MISS", n, what))
        ok = ok and good
sys.exit(0 if ok else 1)
PY
status=$?

# On a busy machine wall-clock medians wander; instruction counts do not.
if [ "${CALLGRIND:-0}" = 1 ] && command -v valgrind >/dev/null; then
  echo "instructions (valgrind --tool=callgrind):"
  for i in 0 1 3; do
    # shellcheck disable=SC2086
    ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null ${cmds[$i]} 2>&1 >/dev/null |
      sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    echo "${names[$i]} $ir"
  done | awk '{ir[NR]=$NF; name[NR]=$0} END {for (i = 1; i <= NR; i++) {sub(/ [0-9]+$/, "", name[i]);
    printf "  %-22s %12d  %5.2fx cmark-gfm\n", name[i], ir[i], ir[i] / ir[3]}}'
fi
exit $status
