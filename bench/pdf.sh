#!/usr/bin/env bash
# PDF speed: a novel-length Markdown file (bench/make-novel, ~700 KB) to an
# A5 PDF with galley, pandoc + pdflatex and pandoc + weasyprint side by side.
# Prints the median wall time of several runs, pages per second, ratios and
# peak memory (/usr/bin/time -v), and galley with --untagged beside its
# default (tagged) output. Comparison tools come from bench/setup;
# a tool that is missing is reported and skipped.
#
# usage: bench/pdf.sh [GALLEY_BINARY] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
galley=${1:-$here/../build/galley}
runs=${2:-7}
work=${TMPDIR:-/tmp}/galley-bench-pdf
mkdir -p "$work"
novel=$work/novel.md
[ -s "$novel" ] || python3 "$here/make-novel" > "$novel"

exec python3 - "$galley" "$runs" "$work" "$novel" <<'PY'
import os, re, shutil, statistics, subprocess, sys, time

galley, runs, work, novel = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

def timed(cmd, n):
    """Median wall time and median CPU time (user + system, children included):
    on a busy machine the CPU time is the fairer comparison."""
    import resource
    times, cpus = [], []
    for _ in range(n):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return statistics.median(times), statistics.median(cpus)

def peak_kb(cmd):
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    return int(m.group(1)) if m else 0

def pages(pdf):
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))

print("input: %s (%d bytes), %d runs each, A5" % (novel, os.path.getsize(novel), runs))
results = {}
out = os.path.join(work, "galley.pdf")
cmd = [galley, "-q", novel, "-o", out, "--paper", "a5"]
subprocess.run(cmd, check=True)
# what tagging (on by default) costs: the same run without the structure tree,
# the two alternating so that a change in the machine's load touches both
cmd_untagged = cmd + ["--untagged"]
tagged, untagged = [], []
for _ in range(runs):
    tagged.append(timed(cmd, 1))
    untagged.append(timed(cmd_untagged, 1))
med = lambda xs, k: statistics.median(x[k] for x in xs)
results["galley"] = ((med(tagged, 0), med(tagged, 1)), pages(out), peak_kb(cmd))
results["galley --untagged"] = ((med(untagged, 0), med(untagged, 1)), pages(out), peak_kb(cmd_untagged))

if shutil.which("pandoc") and shutil.which("pdflatex"):
    out = os.path.join(work, "pandoc-latex.pdf")
    cmd = ["pandoc", novel, "-o", out, "--pdf-engine=pdflatex", "-V", "geometry:a5paper", "-V", "geometry:margin=18mm"]
    n = max(3, runs // 2)
    results["pandoc+pdflatex"] = (timed(cmd, n), pages(out), peak_kb(cmd))
else:
    print("pandoc+pdflatex: not installed (bench/setup)")

if shutil.which("pandoc") and shutil.which("weasyprint"):
    html = os.path.join(work, "novel.html")
    css = os.path.join(work, "a5.css")
    open(css, "w").write("@page { size: A5; margin: 18mm; } body { font-family: serif; font-size: 10pt; text-align: justify; hyphens: auto; }\n")
    out = os.path.join(work, "weasyprint.pdf")
    script = os.path.join(work, "weasy.sh")
    open(script, "w").write("set -e\npandoc -s '%s' -o '%s' --metadata pagetitle=novel -c '%s'\nweasyprint '%s' '%s'\n" % (novel, html, css, html, out))
    cmd = ["sh", script]
    n = max(3, runs // 2)
    results["pandoc+weasyprint"] = (timed(cmd, n), pages(out), peak_kb(cmd))
else:
    print("pandoc+weasyprint: not installed (bench/setup)")

g, gc = results["galley"][0]
print("%-18s %9s %8s %6s %9s %9s %9s %9s %8s" % ("tool", "wall s", "cpu s", "pages", "pages/s", "pages/cpu",
                                                "wall x", "cpu x", "RSS MB"))
for name, ((t, c), p, kb) in results.items():
    print("%-18s %9.3f %8.3f %6d %9.0f %9.0f %8.1fx %8.1fx %8.1f" % (name, t, c, p, p / t, p / c, t / g, c / gc,
                                                                  kb / 1024))
(u, uc) = results["galley --untagged"][0]
print("tagging costs %+.1f %% wall, %+.1f %% CPU (target: at most +15 %%)" % ((g / u - 1) * 100, (gc / uc - 1) * 100))
PY
