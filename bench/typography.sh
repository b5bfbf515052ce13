#!/usr/bin/env bash
# Typography: the novel (bench/make-novel) set justified on A5 and A4 by
# galley, typst and pandoc + pdflatex, each PDF measured by
# bench/typography-meter, the figures side by side.
#
# The comparison tools are installed here, never by the build or the tests:
# pandoc and pdflatex through bench/setup (Debian), typst through the npm
# package @myriaddreamin/typst-ts-node-compiler in the work folder. A tool
# that cannot be had is reported and left out.
#
# usage: bench/typography.sh [GALLEY_BINARY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
galley=${1:-$here/../build/galley}
work=${TMPDIR:-/tmp}/galley-bench-typography
mkdir -p "$work"
novel=$work/novel.md
[ -s "$novel" ] || python3 "$here/make-novel" > "$novel"

if [ ! -d "$work/node_modules/@myriaddreamin/typst-ts-node-compiler" ] && command -v npm >/dev/null; then
  (cd "$work" && npm install --silent --no-audit --no-fund @myriaddreamin/typst-ts-node-compiler >/dev/null 2>&1) ||
    echo "typst: the npm package could not be installed"
fi

exec python3 - "$galley" "$work" "$novel" "$here/typography-meter" <<'PY'
import json, os, re, shutil, subprocess, sys

galley, work, novel, meter = sys.argv[1:5]
# the same page for everyone: margins of an eighth of the paper's width
# (galley's default), 10 pt type on A5 and 11 pt on A4, paragraphs indented
papers = {"a5": (148, 10), "a4": (210, 11)}


def typst_source(md, paper, size, margin):
    """The novel's Markdown (headings, paragraphs, emphasis, scene breaks,
    footnotes, a YAML title block) as Typst markup."""
    md = md.split("\n---\n", 1)[1] if md.startswith("---\n") else md
    notes = dict(re.findall(r"^\[\^(\w+)\]: (.*)$", md, re.M))
    md = re.sub(r"^\[\^\w+\]: .*$", "", md, flags=re.M)

    def inline(t):
        t = re.sub(r"([#$@<>\[\]\\_`~])", r"\\\1", t)
        t = re.sub(r"\*([^*]+)\*", r"_\1_", t)
        return re.sub(r"\\\[\^(\w+)\\\]", lambda m: "#footnote[%s]" % inline(notes.get(m.group(1), "")), t)

    out = ['#set page(paper: "%s", margin: %.1fmm, numbering: "1")' % ("a5" if paper == "a5" else "a4", margin),
           '#set text(size: %dpt, lang: "en", hyphenate: true)' % size,
           "#set par(justify: true, first-line-indent: 1.5em, spacing: 0.65em)"]
    for block in re.split(r"\n\s*\n", md):
        block = block.strip()
        if not block:
            continue
        if block.startswith("#"):
            level = len(block) - len(block.lstrip("#"))
            out.append("=" * level + " " + inline(block.lstrip("# ").replace("\n", " ")))
        elif block == "***":
            out.append("#align(center)[\\* \\* \\*]")
        else:
            out.append(inline(block.replace("\n", " ")))
    return "\n\n".join(out) + "\n"


def run(name, cmd, out):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(out):
        print("%s: failed: %s" % (name, r.stderr.strip()[-300:]))
        return None
    return out


results = {}
md = open(novel).read()
for paper, (width, size) in papers.items():
    margin = width / 8
    out = os.path.join(work, "galley-%s.pdf" % paper)
    results[("galley", paper)] = run("galley", [galley, "-q", novel, "-o", out, "--paper", paper], out)
    if shutil.which("pandoc") and shutil.which("pdflatex"):
        out = os.path.join(work, "latex-%s.pdf" % paper)
        results[("pandoc+pdflatex", paper)] = run("pandoc+pdflatex", [
            "pandoc", novel, "-o", out, "--pdf-engine=pdflatex", "-V", "indent",
            "-V", "geometry:%spaper" % paper, "-V", "geometry:margin=%.1fmm" % margin,
            "-V", "fontsize=%dpt" % size], out)
    else:
        print("pandoc+pdflatex: not installed (bench/setup)")
    mod = os.path.join(work, "node_modules", "@myriaddreamin", "typst-ts-node-compiler")
    if os.path.isdir(mod) and shutil.which("node"):
        src = os.path.join(work, "novel-%s.typ" % paper)
        open(src, "w").write(typst_source(md, paper, size, margin))
        out = os.path.join(work, "typst-%s.pdf" % paper)
        js = ("const {NodeCompiler} = require(%s); const fs = require('fs');"
              "const c = NodeCompiler.create();"
              "fs.writeFileSync(%s, c.pdf({mainFileContent: fs.readFileSync(%s, 'utf8')}));"
              % (json.dumps(mod), json.dumps(out), json.dumps(src)))
        results[("typst", paper)] = run("typst", ["node", "-e", js], out)

rows = None
table = {}
for key, pdf in results.items():
    if not pdf:
        continue
    r = subprocess.run([sys.executable, meter, "--json", pdf], capture_output=True, text=True, check=True)
    table[key] = json.loads(r.stdout)
    rows = rows or list(table[key])
cols = [k for k in results if k in table]
print("%-10s" % "" + "".join("%20s" % ("%s %s" % (t, p)) for t, p in cols))
for row in rows or []:
    cells = []
    for c in cols:
        v = table[c][row]
        cells.append("%20s" % (("%.1f" % v) if isinstance(v, float) else v))
    print("%-10s" % row + "".join(cells))
PY
