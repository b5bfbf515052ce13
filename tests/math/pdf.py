"""Typeset math in the PDF, read back from the page content (uncompressed by
qpdf): each formula is a span whose /ActualText is its TeX, holding glyphs
placed by text matrices and rules. Checks the geometry TeX's rules give:
scripts smaller and shifted, fraction parts on either side of the rule,
a radical's rule over its body, growing fences drawn with larger glyph
variants, large operators bigger in display style, display formulas centred,
lines made taller only for tall inline formulas; a formula wider than the
text reported at its line and column; no math font in a document without math.

usage: pdf.py GALLEY OUTDIR
"""
import os
import re
import subprocess
import sys

GALLEY, OUT = sys.argv[1:3]
os.makedirs(OUT, exist_ok=True)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def render(name, src):
    md, pdf = os.path.join(OUT, name + ".md"), os.path.join(OUT, name + ".pdf")
    with open(md, "w", encoding="utf-8") as f:
        f.write(src)
    p = subprocess.run([GALLEY, md, "-o", pdf], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"galley exited {p.returncode}: {p.stderr}")
    q = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
    check(q.returncode == 0, f"{name}: qpdf --check failed: {q.stdout[-500:]}")
    return pdf, p.stderr


def formulas(pdf):
    """TeX -> {"glyphs": [(size, x, y, gid)], "rules": [(x, y, w, h)]} from the content streams."""
    qdf = pdf + ".qdf"
    subprocess.run(["qpdf", "--qdf", "--normalize-content=n", "--object-streams=disable", pdf, qdf], check=True)
    data = open(qdf, "rb").read().decode("latin-1")
    out = {}
    spans = list(re.finditer(r"/Span<</ActualText<(?:feff|FEFF)([0-9A-Fa-f]*)>>>BDC\n(.*?)EMC", data, re.S))
    for k, m in enumerate(spans):
        tex = bytes.fromhex(m.group(1)).decode("utf-16-be")
        size, glyphs, rules = 0.0, [], []
        # the glyphs inside the span, in the line's text object; its rules after the text object
        after = data[m.end():spans[k + 1].start() if k + 1 < len(spans) else len(data)]
        for line in m.group(2).splitlines() + after.split("ET\n", 1)[-1].split("BT\n", 1)[0].splitlines():
            if line.endswith(" Tf"):
                size = float(line.split()[-2])
            t = re.match(r"1 0 0 1 (\S+) (\S+) Tm <([0-9a-fA-F]{4})> Tj", line)
            if t:
                glyphs.append((size, float(t.group(1)), float(t.group(2)), int(t.group(3), 16)))
            r = re.match(r"(\S+) (\S+) (\S+) (\S+) re f", line)
            if r:
                rules.append(tuple(float(v) for v in r.groups()))
        out[tex] = {"glyphs": glyphs, "rules": rules}
    return out


def fonts(pdf):
    return subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout


def baselines(pdf):
    """The distinct baselines (bottoms of the words "word") of the text, top down."""
    xml = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=True).stdout
    ys = sorted({round(float(y), 1) for y in re.findall(r'yMax="([0-9.]+)">word<', xml)})
    return ys


# one formula per paragraph, each typeset alone
src = "\n\n".join([
    "$x^2$", "$x_i$", "$$\\frac{a}{b}$$", "$\\sqrt{x}$", "$(\\frac{\\frac{a}{b}}{\\frac{c}{d}})$",
    "$\\left(\\frac{\\frac{a}{b}}{\\frac{c}{d}}\\right)$", "$\\sum_{i=1}^n i$", "$$\\sum_{i=1}^n i$$",
    "$\\hat{x}$", "$a+b$", "$\\text{if } x$",
]) + "\n"
pdf, err = render("shapes", src)
check(err.strip() == "", f"warnings: {err}")
f = formulas(pdf)
check(len(f) == 10, f"{len(f)} distinct formula spans, expected 10: {list(f)}")
body = 11.0

g = f.get("x^2", {"glyphs": []})["glyphs"]
check(len(g) == 2 and g[0][0] == body and g[1][0] < body * 0.8 and g[1][2] > g[0][2] + 2 and g[1][1] > g[0][1],
      f"x^2: the 2 smaller, raised and to the right: {g}")
g = f.get("x_i", {"glyphs": []})["glyphs"]
check(len(g) == 2 and g[1][0] < body * 0.8 and g[1][2] < g[0][2] - 1, f"x_i: the i smaller and lowered: {g}")

fr = f.get("\\frac{a}{b}", {"glyphs": [], "rules": []})
check(len(fr["rules"]) == 1 and len(fr["glyphs"]) == 2, f"frac: one rule, two glyphs: {fr}")
if len(fr["rules"]) == 1 and len(fr["glyphs"]) == 2:
    rx, ry, rw, rh = fr["rules"][0]
    (_, ax, ay, _), (_, bx, by, _) = fr["glyphs"]
    check(ay > ry + rh and by < ry - 5, f"frac: numerator above the rule, denominator below: {fr}")
    check(0.3 < rh < 1.5 and rw > 4, f"frac: rule thickness {rh}, width {rw}")
    check(rx <= ax and ax < rx + rw, f"frac: numerator over the rule: {fr}")
    # display math centred in the text block (A4, galley's margins: centre of the measure)
    centre = rx + rw / 2
    texts = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True).stdout
    page_w = float(re.search(r'<page width="([0-9.]+)"', texts).group(1))
    check(abs(centre - page_w / 2) < 25, f"display frac centred near {page_w / 2}: rule centre {centre}")

sq = f.get("\\sqrt{x}", {"glyphs": [], "rules": []})
check(len(sq["rules"]) == 1 and len(sq["glyphs"]) == 2, f"sqrt: radical glyph, x, one rule: {sq}")
if len(sq["rules"]) == 1 and len(sq["glyphs"]) == 2:
    rx, ry, rw, rh = sq["rules"][0]
    radical, x = sorted(sq["glyphs"], key=lambda g: g[1])
    check(ry > x[2] + 3 and rx >= radical[1] and abs(rx - x[1]) < 1, f"sqrt: the rule over x from the sign: {sq}")

plain = {g[3] for g in f.get("(\\frac{\\frac{a}{b}}{\\frac{c}{d}})", {"glyphs": []})["glyphs"]}
grown = {g[3] for g in f.get("\\left(\\frac{\\frac{a}{b}}{\\frac{c}{d}}\\right)", {"glyphs": []})["glyphs"]}
check(plain and grown and grown - plain and len(grown - plain) == 2,
      f"\\left( \\right): two glyph variants not in the plain parentheses: {plain} {grown}")

inline_sum = f.get("\\sum_{i=1}^n i", {"glyphs": []})["glyphs"]
check(len(inline_sum) >= 5, f"inline sum: {inline_sum}")
texts = subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, text=True).stdout
check("\\hat{x}" in texts and "\\text{if } x" in texts, f"pdftotext gives the sources: {texts[:300]!r}")
acc = f.get("\\hat{x}", {"glyphs": []})["glyphs"]
# a combining accent's ink stands left of its origin, placed by the attachment points
check(len(acc) == 2 and acc[1][2] >= acc[0][2] and 0 <= acc[1][1] - acc[0][1] < 8,
      f"hat: the accent over the x: {acc}")
plus = f.get("a+b", {"glyphs": []})["glyphs"]
if len(plus) == 3:
    gap1, gap2 = plus[1][1] - plus[0][1], plus[2][1] - plus[1][1]
    check(gap1 > 5 and gap2 > 5, f"a+b: medium spaces around the binary +: {plus}")
else:
    failures.append(f"a+b: {plus}")
tx = f.get("\\text{if } x", {"glyphs": []})["glyphs"]
check(len(tx) >= 3, f"\\text: {tx}")
check("LinLibertine" in fonts(pdf) and "Math" in fonts(pdf), "text in the body face, symbols in the math face")

# display style: the large operator's variant is taller than the inline one
pdf2, _ = render("ops", "Inline $\\sum_{i=1}^n i$ here.\n\n$$\\sum_{i=1}^n i$$\n")
f2 = formulas(pdf2)
data = open(pdf2 + ".qdf", "rb").read().decode("latin-1")
sums = re.findall(r"ActualText<[0-9a-fA-F]*>>>BDC\n/\S+ (\S+) Tf\n((?:.*\n)*?)EMC", data)
check(len(sums) == 2, f"two sum formulas: {len(sums)}")
if len(sums) == 2:
    gid_inline = re.findall(r"<([0-9a-f]{4})> Tj", sums[0][1])
    gid_display = re.findall(r"<([0-9a-f]{4})> Tj", sums[1][1])
    check(gid_inline and gid_display and gid_inline[0] != gid_display[0],
          f"display sum drawn with a larger variant: {gid_inline} {gid_display}")

# line spacing: a plain inline formula keeps the leading, a tall one gets room
words = " ".join(["word"] * 30)
pdf3, _ = render("lines", f"{words} $x$ {words} {words}\n\n")
pdf4, _ = render("tall", f"{words} $\\frac{{\\frac{{a}}{{b}}}}{{\\frac{{c}}{{d}}}}$ {words} {words}\n\n")
b3, b4 = baselines(pdf3), baselines(pdf4)
steps3 = {round(b - a, 1) for a, b in zip(b3, b3[1:]) if b - a < 100}
check(steps3 and max(steps3) - min(steps3) < 0.3, f"plain inline math: one baseline step {steps3}")
steps4 = sorted(round(b - a, 1) for a, b in zip(b4, b4[1:]) if b - a < 100)
check(steps3 and steps4 and steps4[-1] > max(steps3) + 2, f"tall inline formula: a taller line {steps4} vs {steps3}")

# a formula wider than the text: reported at its place
wide = "Para.\n\n$$" + "+".join(f"a_{{{i}}}" for i in range(120)) + "$$\n"
_, err = render("wide", wide)
check(re.search(r"wide\.md:3:\d+: warning: display formula is \d+pt wider than the text", err),
      f"wide formula warning: {err!r}")

# an environment: cells in rows and columns
pdf6, err = render("matrix", "$$\\begin{matrix} a & b \\\\ c & d \\end{matrix}$$\n\n"
                   "$$\\begin{aligned} x &= 1 \\\\ x + y &= 2 \\end{aligned}$$\n")
check(err.strip() == "", f"matrix warnings: {err}")
f6 = formulas(pdf6)
cells = next((v["glyphs"] for k, v in f6.items() if "matrix" in k), [])
if len(cells) == 4:
    a, b, c_, d = cells
    check(abs(a[2] - b[2]) < 0.01 and abs(c_[2] - d[2]) < 0.01 and a[2] > c_[2] + 8,
          f"matrix: two rows apart: {cells}")
    check(abs(a[1] - c_[1]) < 2 and b[1] > a[1] + 8 and abs(b[1] - d[1]) < 2, f"matrix: two columns: {cells}")
else:
    failures.append(f"matrix: {cells}")
eqs = next((v["glyphs"] for k, v in f6.items() if "aligned" in k), [])
if len(eqs) == 8:  # x = 1 / x + y = 2: the two = signs in one column
    check(abs(eqs[1][1] - eqs[6][1]) < 0.5 and eqs[1][2] > eqs[6][2] + 8, f"aligned: = under =: {eqs}")
else:
    failures.append(f"aligned: {eqs}")

# pathological formulas: deep groups, chains of \frac, huge and unfinished environments
deep = ("$" + "{" * 5000 + "x" + "}" * 5000 + "$ and $" + "\\frac" * 5000 + "ab$ and $\\left( x$\n\n"
        "$$\\begin{matrix}" + "a & " * 100 + "b \\\\ " * 300 + "\\end{matrix}$$\n\n$\\begin{pmatrix} a$\n")
render("deep", deep)

# a formula that is a link's text gets the link's annotation
pdf7, _ = render("link", "See [$y^2$](https://example.org/y).\n")
formulas(pdf7)
check(b"https://example.org/y" in open(pdf7 + ".qdf", "rb").read(), "a link over a formula has its annotation")

# an equation number at the right margin; inline formulas read in their place in the text
pdf8, err = render("tag", "$$a = b \\tag{3}$$\n\nBefore $x^2$ after, and $y$.\n")
tagged = formulas(pdf8).get("a = b \\tag{3}", {"glyphs": []})["glyphs"]
check(len(tagged) == 6 and tagged[3][1] - tagged[2][1] > 100 and tagged[3][1] > 450,
      f"\\tag: (3) at the right margin: {tagged}")
raw = subprocess.run(["pdftotext", "-raw", pdf8, "-"], capture_output=True, text=True).stdout
check("Before x^2 after, and y." in raw, f"reading order: {raw!r}")

# no math: no math font loaded or embedded
pdf5, _ = render("nomath", "Just text, 5$ and 6$.\n")
check("Math" not in fonts(pdf5), "a document without math embeds no math font")

if failures:
    print("\n".join(failures))
    sys.exit(f"FAIL: {len(failures)} check(s)")
print("math in the PDF: scripts, fractions, radicals, fences, operators, accents, spacing, lines and widths as expected")
