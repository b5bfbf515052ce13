"""TeX math to MathML: the tree of each formula, read back from the HTML with an
XML parser; the same formulas in DocBook valid by jing (DocBook 5 RELAX NG and
Schematron), in EPUB passing epubcheck with the mathml property declared; an
unknown command warned about at its line and column.

usage: mathml.py GALLEY OUTDIR
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "docbook"))
from common import validate  # noqa: E402

GALLEY, OUT = sys.argv[1:3]
M = "{http://www.w3.org/1998/Math/MathML}"
os.makedirs(OUT, exist_ok=True)

# TeX -> the expected tree: tag(children) or tag:text, tags without namespace;
# the <math> element's one mrow is left out.
CASES = [
    ("x", "mi:x"),
    ("x^2", "msup(mi:x,mn:2)"),
    ("x_i", "msub(mi:x,mi:i)"),
    ("x_i^2", "msubsup(mi:x,mi:i,mn:2)"),
    ("x^{2n}", "msup(mi:x,mrow(mn:2,mi:n))"),
    ("a+b=c", "mi:a,mo:+,mi:b,mo:=,mi:c"),
    ("a-b", "mi:a,mo:−,mi:b"),
    ("3.14", "mn:3.14"),
    ("\\frac{a}{b}", "mfrac(mrow(mi:a),mrow(mi:b))"),
    ("\\frac12", "mfrac(mn:1,mn:2)"),
    ("\\sqrt{x}", "msqrt(mrow(mi:x))"),
    ("\\sqrt[3]{x}", "mroot(mrow(mi:x),mrow(mn:3))"),
    ("\\alpha\\beta\\Gamma", "mi:α,mi:β,mi:Γ"),
    ("\\sum_{k=1}^{n} k", "munderover(mo:∑,mrow(mi:k,mo:=,mn:1),mrow(mi:n)),mi:k"),
    ("\\int_0^1 f", "msubsup(mo:∫,mn:0,mn:1),mi:f"),
    ("\\prod_i", "munder(mo:∏,mi:i)"),
    ("\\lim_{x\\to 0}", "munder(mo:lim,mrow(mi:x,mo:→,mn:0))"),
    ("\\left( x \\right)", "mrow(mo:(,mrow(mi:x),mo:))"),
    ("\\left. x \\right|", "mrow(mrow(mi:x),mo:|)"),
    ("\\left\\{ x \\right\\}", "mrow(mo:{,mrow(mi:x),mo:})"),
    ("\\mathbb{R}", "mrow(mi:R)"),
    ("\\mathrm{d}x", "mrow(mi:d),mi:x"),
    ("\\text{if } x", "mtext:if ,mi:x"),
    ("a\\,b\\quad c", "mi:a,mspace,mi:b,mspace,mi:c"),
    ("\\hat{x}", "mover(mrow(mi:x),mo:^)"),
    ("\\vec v", "mover(mi:v,mo:→)"),
    ("x \\leq y \\neq z", "mi:x,mo:≤,mi:y,mo:≠,mi:z"),
    ("a \\times b \\cdot c", "mi:a,mo:×,mi:b,mo:⋅,mi:c"),
    ("\\sin x", "mi:sin,mi:x"),
    ("f'(x)", "mi:f,mo:′,mo:(,mi:x,mo:)"),
    ("\\binom{n}{k}", "mrow(mo:(,mfrac(mrow(mi:n),mrow(mi:k)),mo:))"),
    ("e^{i\\pi}", "msup(mi:e,mrow(mi:i,mi:π))"),
    ("\\infty", "mi:∞"),
    ("\\{a\\}", "mo:{,mi:a,mo:}"),
    ("\\begin{matrix} a & b \\\\ c & d \\end{matrix}",
     "mtable(mtr(mtd(mrow(mi:a)),mtd(mrow(mi:b))),mtr(mtd(mrow(mi:c)),mtd(mrow(mi:d))))"),
    ("\\begin{pmatrix} 1 \\\\ \\end{pmatrix}", "mrow(mo:(,mtable(mtr(mtd(mrow(mn:1)))),mo:))"),
    ("\\begin{bmatrix} x \\end{bmatrix}", "mrow(mo:[,mtable(mtr(mtd(mrow(mi:x)))),mo:])"),
    ("\\begin{vmatrix} x \\end{vmatrix}", "mrow(mo:|,mtable(mtr(mtd(mrow(mi:x)))),mo:|)"),
    ("\\begin{cases} a & b \\\\[2pt] c \\end{cases}",
     "mrow(mo:{,mtable(mtr(mtd(mrow(mi:a)),mtd(mrow(mi:b))),mtr(mtd(mrow(mi:c)))))"),
    ("\\begin{aligned} x &= 1 \\end{aligned}", "mtable(mtr(mtd(mrow(mi:x)),mtd(mrow(mo:=,mn:1))))"),
    ("\\begin{array}{cc} 1 & \\frac{a}{b} \\end{array}",
     "mtable(mtr(mtd(mrow(mn:1)),mtd(mrow(mfrac(mrow(mi:a),mrow(mi:b))))))"),
]
ATTRS = [  # TeX, element tag, attribute, value
    ("\\mathbb{R}", "mi", "mathvariant", "double-struck"),
    ("\\mathbf{v}", "mi", "mathvariant", "bold"),
    ("\\mathcal{L}", "mi", "mathvariant", "script"),
    ("\\mathit{x}", "mi", "mathvariant", "italic"),
    ("\\mathrm{d}", "mi", "mathvariant", "normal"),
    ("\\Gamma", "mi", "mathvariant", "normal"),
    ("\\left( x \\right)", "mo", "stretchy", "true"),
    ("a\\,b", "mspace", "width", "0.167em"),
    ("a\\quad b", "mspace", "width", "1em"),
    ("\\hat{x}", "mover", "accent", "true"),
    ("\\begin{aligned} a &= b \\end{aligned}", "mtable", "columnalign", "right left right left right left"),
    ("\\begin{cases} a \\end{cases}", "mtable", "columnalign", "left left"),
    ("\\begin{pmatrix} a \\end{pmatrix}", "mo", "stretchy", "true"),
    # a bracket inside a row is not infix (MathML would space it as one)
    ("n(n+1)", "mo", "form", "prefix"),
    ("n(n+1)", "mo", "form", "postfix"),
    ("\\{x\\}", "mo", "form", "prefix"),
]
failures = []


def shape(e):
    tag = e.tag.replace(M, "")
    kids = list(e)
    if kids:
        return tag + "(" + ",".join(shape(k) for k in kids) + ")"
    return tag + (":" + e.text if e.text else "")


def run(src, *args):
    p = subprocess.run([GALLEY, *args, "-"], input=src.encode(), capture_output=True)
    if p.returncode != 0:
        sys.exit(f"galley {args} exited {p.returncode}: {p.stderr.decode()}")
    return p


# one paragraph a formula, inline and display, read back as XML
texs = [t for t, _ in CASES] + [t for t, *_ in ATTRS]
src = "\n\n".join(f"${t}$\n\n$${t}$$" for t in texs) + "\n"
html = run(src, "-q", "-t", "html").stdout
root = ET.fromstring(html)
maths = list(root.iter(M + "math"))
if len(maths) != 2 * len(texs):
    sys.exit(f"FAIL: {len(maths)} <math> elements for {2 * len(texs)} formulas")
for i, tex in enumerate(texs):
    for m, display in ((maths[2 * i], "inline"), (maths[2 * i + 1], "block")):
        if m.get("display") != display or m.get("alttext") != tex:
            failures.append(f"{tex!r}: display={m.get('display')} alttext={m.get('alttext')!r}")
        if len(m) != 1 or m[0].tag != M + "mrow":
            failures.append(f"{tex!r}: <math> holds {[k.tag for k in m]}, not one mrow")
for i, (tex, want) in enumerate(CASES):
    got = ",".join(shape(k) for k in maths[2 * i][0])
    if got != want:
        failures.append(f"{tex!r}: {got}, expected {want}")
for j, (tex, tag, attr, value) in enumerate(ATTRS):
    m = maths[2 * (len(CASES) + j)]
    if not any(e.get(attr) == value for e in m.iter(M + tag)):
        failures.append(f"{tex!r}: no <{tag} {attr}=\"{value}\">")
# a \left( fence keeps its place's form and stretches; a plain bracket does not stretch
for tex, want in (("\\left( x \\right)", None), ("n(n+1)", "false")):
    m = maths[2 * (len(CASES) + [t for t, *_ in ATTRS].index(tex))]
    got = [e.get("stretchy") for e in m.iter(M + "mo") if e.text in "()"]
    if want is None and (got != ["true", "true"] or any(e.get("form") for e in m.iter(M + "mo"))):
        failures.append(f"{tex!r}: fences {got}, forms {[e.get('form') for e in m.iter(M + 'mo')]}")
    if want is not None and got != [want, want]:
        failures.append(f"{tex!r}: brackets stretchy={got}")

# an unknown command: warned about at its place, kept as its source
p = run("A line.\n\nSee $a + \\foo{b}$ here.\n", "-t", "html")
err = p.stderr.decode()
if "<stdin>:3:10:" not in err and ":3:10:" not in err or "\\foo" not in err:
    failures.append(f"unknown command warning: {err!r}")
if b"<mtext>\\foo</mtext>" not in p.stdout:
    failures.append("unknown command not written as its source")
# warnings inside ```math blocks and formulas spanning lines: the command's own line and column
src_pos = ("Para.\n\n```math\na + b\n  + \\foo{c}\n```\n\n"          # 5:5
           "  ```math\n  x \\qux\n  ```\n\n"                        # 9:5
           "> ```math\n> \\quux\n> ```\n\n"                          # 13:3
           "A $a\nb$ then $\\zip$ and $c\nd$ x $\\zap$\nnext $\\zop$\n\n"  # 17:10 18:7 19:7
           "> Quote $a\n> \\zep$ and\n> more $$\\zup$$\n")              # 22:3 23:10
p = run(src_pos, "-t", "html")
got = re.findall(r":(\d+:\d+): warning: unknown TeX command (\\\w+)", p.stderr.decode())
want = [("5:5", "\\foo"), ("9:5", "\\qux"), ("13:3", "\\quux"), ("17:10", "\\zip"), ("18:7", "\\zap"),
        ("19:7", "\\zop"), ("22:3", "\\zep"), ("23:10", "\\zup")]
if got != want:
    failures.append(f"warning positions: {got}, expected {want}")

# \tag: the number as the label of a one-row table (display math); nothing in inline math
tagged = ET.fromstring(run("$$a \\tag{3}$$\n\n$b \\tag{4}$\n", "-q", "-t", "html").stdout)
tm = list(tagged.iter(M + "math"))
if len(tm) != 2 or shape(tm[0]) != "math(mtable(mlabeledtr(mtd(mtext:(3)),mtd(mrow(mi:a)))))" or \
        shape(tm[1]) != "math(mrow(mi:b))":
    failures.append(f"\\tag: {[shape(m) for m in tm]}")

# deep nesting and unbalanced braces neither crash nor lose the text
deep = ("$" + "{" * 5000 + "x" + "}" * 5000 + "$ and $a}b{c$ and $\\left( x$ and $" + "\\frac" * 5000 + "ab$"
        " and $\\sqrt[" * 300 + "x$\n")
ET.fromstring(run(deep, "-q", "-t", "html").stdout)

# DocBook: inlineequation / informalequation with alt and mml:math, valid
db = os.path.join(OUT, "math.xml")
with open(db, "wb") as f:
    f.write(run(src, "-q", "-t", "docbook").stdout)
d = ET.parse(db).getroot()
D = "{http://docbook.org/ns/docbook}"
inl, blk = list(d.iter(D + "inlineequation")), list(d.iter(D + "informalequation"))
if len(inl) != len(texs) or len(blk) != len(texs):
    failures.append(f"docbook: {len(inl)} inline and {len(blk)} display equations for {len(texs)}")
for eq in inl + blk:
    if [k.tag for k in eq] != [D + "alt", M + "math"]:
        failures.append(f"docbook equation holds {[k.tag for k in eq]}")
        break
validate([db])

# EPUB: epubcheck clean; the chapters with math, and only they, declare mathml
epub = os.path.join(OUT, "math.epub")
book = "# One\n\nNo math here.\n\n# Two\n\n" + src
with open(os.path.join(OUT, "math.md"), "w") as f:
    f.write(book)
subprocess.run([GALLEY, "-q", os.path.join(OUT, "math.md"), "-o", epub], check=True)
out = subprocess.run(["java", "-jar", "/usr/share/java/epubcheck.jar", epub], capture_output=True, text=True)
text = out.stdout + out.stderr
if out.returncode != 0 or "0 fatals / 0 errors / 0 warnings" not in text:
    failures.append("epubcheck:\n" + text[-3000:])
with zipfile.ZipFile(epub) as z:
    opf = next(n for n in z.namelist() if n.endswith(".opf"))
    pkg = ET.fromstring(z.read(opf))
    O = "{http://www.idpf.org/2007/opf}"
    base = os.path.dirname(opf)
    for item in pkg.iter(O + "item"):
        if item.get("media-type") != "application/xhtml+xml":
            continue
        page = z.read(os.path.join(base, item.get("href")).lstrip("/"))
        has = M.strip("{}").encode() in page and b"<math" in page
        declared = "mathml" in (item.get("properties") or "").split()
        if has != declared:
            failures.append(f"epub {item.get('href')}: math {has}, mathml property {declared}")

if failures:
    print("\n".join(failures))
    sys.exit(f"FAIL: {len(failures)} check(s)")
print(f"math: {len(CASES)} trees and {len(ATTRS)} attributes as expected; DocBook valid; epubcheck clean")
