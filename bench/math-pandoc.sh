#!/usr/bin/env bash
# galley's MathML against pandoc's for the formula corpus (tests/math/corpus.md):
# both write HTML with MathML, each <math> is reduced to its tree of element
# names and texts (attributes dropped, <mrow> wrappers and pandoc's
# <semantics>/<annotation> removed, texts trimmed), and the trees are compared
# formula by formula. Prints how many are equivalent and the commonest
# first differences.
#   bench/math-pandoc.sh [GALLEY]      (default: build/galley)
# Needs bench/setup (pandoc, python3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
galley=$(realpath "${1:-$here/../build/galley}")
corpus="$here/../tests/math/corpus.md"
for tool in pandoc python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run bench/setup" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$galley" -q -t html "$corpus" -o "$tmp/galley.html"
pandoc -f markdown -t html5 --mathml "$corpus" -o "$tmp/pandoc.html"
echo "$(pandoc --version | head -n1); galley $("$galley" --version | cut -d' ' -f2)"

python3 - "$tmp/galley.html" "$tmp/pandoc.html" <<'EOF'
import collections
import re
import sys
import xml.etree.ElementTree as ET

M = "{http://www.w3.org/1998/Math/MathML}"


def maths(path):
    text = open(path, encoding="utf-8").read()
    out = []
    for m in re.finditer(r"<math\b.*?</math>", text, re.S):
        frag = m.group(0)
        if "xmlns=" not in frag[:200]:
            frag = frag.replace("<math", '<math xmlns="http://www.w3.org/1998/Math/MathML"', 1)
        out.append(ET.fromstring(frag))
    return out


def tree(e):
    """(name, text, children) with mrow, semantics and annotations unwrapped."""
    tag = e.tag.replace(M, "")
    kids = []
    for k in e:
        t = k.tag.replace(M, "")
        if t.startswith("annotation"):
            continue
        sub = tree(k)
        if t in ("mrow", "semantics"):
            kids.extend(sub[2])
        else:
            kids.append(sub)
    return (tag, (e.text or "").strip(), tuple(kids))


def first_difference(a, b):
    if a[0] != b[0]:
        return f"<{a[0]}> vs <{b[0]}>"
    if a[1] != b[1]:
        return f"<{a[0]}>{a[1]} vs {b[1]}"
    if len(a[2]) != len(b[2]):
        return f"<{a[0]}> with {len(a[2])} vs {len(b[2])} children"
    for x, y in zip(a[2], b[2]):
        d = first_difference(x, y)
        if d:
            return d
    return None


g, p = maths(sys.argv[1]), maths(sys.argv[2])
if len(g) != len(p):
    sys.exit(f"galley wrote {len(g)} formulas, pandoc {len(p)}")
same, diffs = 0, collections.Counter()
for a, b in zip(g, p):
    d = first_difference(tree(a), tree(b))
    if d is None:
        same += 1
    else:
        diffs[d] += 1
print(f"equivalent MathML trees: {same} of {len(g)} formulas ({100 * same / len(g):.0f}%)")
print("commonest first differences (galley vs pandoc):")
for d, n in diffs.most_common(12):
    print(f"  {n:4d}  {d}")
EOF
