#!/usr/bin/env bash
# DocBook read back by pandoc: galley -t docbook, then pandoc -f docbook -t
# json, against pandoc's own reading of the same Markdown (-f markdown -t
# json) and pandoc's reading of galley's HTML (-f html). Prints, per input,
# the count of each kind of element in the three, marking the structural
# kinds (headings, code blocks, lists, tables, notes, links, images) where
# the DocBook and the Markdown differ, and the internal links of the DocBook
# that reach no id; exits 1 when a link dangles.
#
# Differences that come from the formats, not from lost content: a paragraph
# with hard line breaks is a literallayout, which pandoc reads as a code
# block; a second reference to a note is a footnoteref, not a note; the title
# heading is the info title, not a header; galley links bare URLs (GFM
# autolinks), pandoc's Markdown does not; pandoc's Markdown keeps raw HTML
# raw, where galley's DocBook writes what it stands for (compare the HTML
# column); a link to an id nothing bears is written as its text.
#
# A benchmark script, not a test: pandoc (Debian's pandoc, about 100 MB
# installed) is only installed by bench/setup, never by .ci/deps, and the
# DocBook tests already check what the DocBook tools themselves see
# (tests/docbook/xsl.py with xsltproc and the DocBook XSL stylesheets).
#
#   bench/docbook-readback.sh                 # build/galley, the inputs below
#   GALLEY=path bench/docbook-readback.sh FILE.md...
set -euo pipefail
cd "$(dirname "$0")/.."

GALLEY=${GALLEY:-build/galley}
OUT=bench/out
for tool in pandoc python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run bench/setup" >&2; exit 2; }
done
[ -x "$GALLEY" ] || { echo "no $GALLEY: build galley first" >&2; exit 2; }
mkdir -p "$OUT"
inputs=("$@")
if [ ${#inputs[@]} -eq 0 ]; then
  inputs=(samples/feature-tour.md tests/docbook/rich.md tests/docbook/edge/attributes.md tests/docbook/edge/raw-html.md)
  # pandoc's own manual, as Debian ships it
  if [ -s /usr/share/doc/pandoc/README.md.gz ]; then
    zcat /usr/share/doc/pandoc/README.md.gz > "$OUT/pandoc-manual.md"
    inputs+=("$OUT/pandoc-manual.md")
  fi
fi

python3 - "$GALLEY" "$OUT" "${inputs[@]}" <<'PY'
import collections, json, os, subprocess, sys

galley, out, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
STRUCTURAL = ["Header", "CodeBlock", "BulletList", "OrderedList", "Table", "Note", "Link", "Image"]


def walk(value, counts, ids, targets):
    if isinstance(value, dict):
        kind = value.get("t")
        if kind:
            counts[kind] += 1
            c = value.get("c")
            if kind in ("Header", "Div", "Span", "CodeBlock") and isinstance(c, list):
                attr = c[1] if kind == "Header" else c[0]
                if attr and attr[0]:
                    ids.add(attr[0])
            if kind == "Link":
                url = c[2][0]
                if url.startswith("#"):
                    targets.append(url[1:])
                if c[0][0]:
                    ids.add(c[0][0])
        for v in value.values():
            walk(v, counts, ids, targets)
    elif isinstance(value, list):
        for v in value:
            walk(v, counts, ids, targets)


def read(args, stdin=None):
    proc = subprocess.run(args, input=stdin, capture_output=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed: {proc.stderr.decode(errors='replace')[:2000]}")
    counts, ids, targets = collections.Counter(), set(), []
    walk(json.loads(proc.stdout)["blocks"], counts, ids, targets)
    return counts, [t for t in targets if t not in ids]


failed = False
for src in inputs:
    docbook = subprocess.run([galley, "-q", src, "-t", "docbook"], capture_output=True, check=True).stdout
    with open(os.path.join(out, os.path.basename(src) + ".dbk"), "wb") as f:
        f.write(docbook)
    back, dangling = read(["pandoc", "-f", "docbook", "-t", "json"], docbook)
    direct, _ = read(["pandoc", "-f", "markdown", "-t", "json", src])
    html = subprocess.run([galley, "-q", src, "-t", "html"], capture_output=True, check=True).stdout
    via_html, _ = read(["pandoc", "-f", "html", "-t", "json"], html)
    print(f"\n{src}: element counts read by pandoc from galley's DocBook / the Markdown / galley's HTML")
    for kind in sorted(set(back) | set(direct) | set(via_html), key=lambda k: (k not in STRUCTURAL, k)):
        mark = "  <- differs" if kind in STRUCTURAL and back[kind] != direct[kind] else ""
        print(f"  {kind:14} {back[kind]:6} {direct[kind]:6} {via_html[kind]:6}{mark}")
    print(f"  internal links that reach no id: {len(dangling)} {sorted(set(dangling))[:10]}")
    failed = failed or bool(dangling)
sys.exit(1 if failed else 0)
PY
