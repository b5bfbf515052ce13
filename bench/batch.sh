#!/usr/bin/env bash
# Batch throughput: 2,000 news-length articles (bench/make-articles) to EPUB
# and to PDF with galley -j 2, against pandoc driven by xargs -P 2 (pandoc
# -t epub3; pandoc + pdflatex). Prints documents per second, the ratio,
# peak memory, and galley's scaling from -j 1 to -j 2.
#
# usage: bench/batch.sh [GALLEY_BINARY]
#
# Environment: COUNT (articles, default 2000); PANDOC_EPUB and PANDOC_PDF,
# how many of them pandoc converts (default 200 and 40: pandoc + pdflatex
# takes about a second an article, the whole set would take most of an hour;
# its rate over the sample is its rate). JOBS (default 2). Comparison tools
# come from bench/setup.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
galley=${1:-$here/../build/galley}
work=${TMPDIR:-/tmp}/galley-bench-batch
count=${COUNT:-2000}
mkdir -p "$work"
[ -x "$galley" ] || { echo "no $galley: build galley first (cmake --build build)" >&2; exit 1; }
for tool in pandoc pdflatex xargs /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run bench/setup" >&2; exit 1; }
done
if [ "$(ls "$work/in" 2>/dev/null | wc -l)" -ne "$count" ]; then
  rm -rf "$work/in"
  python3 "$here/make-articles" "$work/in" "$count"
fi

exec python3 - "$galley" "$work" "$count" "${PANDOC_EPUB:-200}" "${PANDOC_PDF:-40}" "${JOBS:-2}" <<'PY'
import os, re, shutil, subprocess, sys, time

galley, work, count, pandoc_epub, pandoc_pdf, jobs = sys.argv[1:7]
count, pandoc_epub, pandoc_pdf = int(count), int(pandoc_epub), int(pandoc_pdf)
inputs = sorted(os.listdir(os.path.join(work, "in")))

def measure(cmd, out, stdin=None):
    """Wall time, CPU time (user + system of the whole tree) and peak RSS of one
    process (GNU time: for galley the whole batch, its threads included; for
    xargs the largest single pandoc or pdflatex)."""
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    t = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "%U %S %M"] + cmd, input=stdin, cwd=os.path.join(work, "in"),
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd[:6]), r.stderr[-2000:]))
    user, sys_, rss = r.stderr.strip().splitlines()[-1].split()
    made = len(os.listdir(out))
    return {"wall": wall, "cpu": float(user) + float(sys_), "rss": int(rss) / 1024, "n": made}

def galley_run(fmt, j):
    out = os.path.join(work, "galley-%s-j%s" % (fmt, j))
    r = measure([galley, "-q", "-t", fmt, "--output-dir", out, "-j", str(j)] + inputs, out)
    assert r["n"] == count, "galley made %d of %d" % (r["n"], count)
    return r

def pandoc_run(fmt, n):
    out = os.path.join(work, "pandoc-%s" % fmt)
    ext = "epub" if fmt == "epub" else "pdf"
    cmd = ["xargs", "-P", jobs, "-I{}", "pandoc", "{}", "-o", out + "/{}." + ext]
    if fmt == "epub":
        cmd[5:5] = ["-t", "epub3"]
    else:
        cmd[5:5] = ["--pdf-engine=pdflatex"]
    r = measure(cmd, out, stdin="\n".join(inputs[:n]) + "\n")
    assert r["n"] == n, "pandoc made %d of %d" % (r["n"], n)
    return r

def rate(r):
    return r["n"] / r["wall"]

print("%d articles, %d words on average; galley -j %s against xargs -P %s pandoc" % (
    count, sum(len(open(os.path.join(work, "in", f)).read().split()) for f in inputs[:200]) // min(200, count),
    jobs, jobs))
print("load average before: %s" % open("/proc/loadavg").read().split()[0])
for fmt, sample in (("epub", pandoc_epub), ("pdf", pandoc_pdf)):
    g = galley_run(fmt, jobs)
    g1 = galley_run(fmt, 1)
    p = pandoc_run(fmt, sample)
    name = "pandoc -t epub3" if fmt == "epub" else "pandoc + pdflatex"
    print("\n%s:" % fmt.upper())
    print("  galley -j %s   %5d documents in %7.2f s: %8.1f documents/s, %6.2f ms CPU each, peak %6.1f MB" % (
        jobs, g["n"], g["wall"], rate(g), 1000 * g["cpu"] / g["n"], g["rss"]))
    print("  galley -j 1   %5d documents in %7.2f s: %8.1f documents/s, %6.2f ms CPU each, peak %6.1f MB" % (
        g1["n"], g1["wall"], rate(g1), 1000 * g1["cpu"] / g1["n"], g1["rss"]))
    print("  %-18s %5d documents in %7.2f s: %8.2f documents/s, %6.1f ms CPU each, peak %6.1f MB (one process)" % (
        name, p["n"], p["wall"], rate(p), 1000 * p["cpu"] / p["n"], p["rss"]))
    print("  ratio: galley is %.1fx %s's throughput (%.1fx in CPU time per document)" % (
        rate(g) / rate(p), name, (p["cpu"] / p["n"]) / (g["cpu"] / g["n"])))
    print("  scaling: -j %s gives %.2fx the documents/s of -j 1" % (jobs, rate(g) / rate(g1)))
print("\nload average after: %s" % open("/proc/loadavg").read().split()[0])
PY
