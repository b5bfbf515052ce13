"""The formula corpus (corpus.md: textbook formulas, inline and displayed)
through every math path: each formula's MathML well-formed (xmllint) with the
children counts MathML prescribes and no command left unknown; the DocBook
valid (jing); the EPUB clean under epubcheck; the PDF sound (qpdf), its math font embedded as a
subset with a ToUnicode map (pdffonts), each formula's text extractable
(pdftotext gives its TeX source, the /ActualText) and none wider than the
text block (galley warns otherwise, and no warning is given).

usage: corpus.py GALLEY CORPUS.md OUTDIR
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

GALLEY, CORPUS, OUT = sys.argv[1:4]
M = "{http://www.w3.org/1998/Math/MathML}"
os.makedirs(OUT, exist_ok=True)
failures = []

text = open(CORPUS, encoding="utf-8").read()
formulas = re.findall(r"^(F\d{3}) (?:inline: \$(.+?)\$ ends here\.|display:\n\$\$(.+?)\$\$)$", text, re.M)
formulas = [(label, a or b) for label, a, b in formulas]
if len(formulas) < 200:
    sys.exit(f"FAIL: {len(formulas)} formulas read from {CORPUS}, expected at least 200")


def galley(*args):
    p = subprocess.run([GALLEY, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"galley {args} exited {p.returncode}: {p.stderr}")
    return p.stderr


# ---- MathML: every formula well-formed, each element with its children
ARITY = {"mfrac": 2, "mroot": 2, "msqrt": 1, "msub": 2, "msup": 2, "msubsup": 3,
         "munder": 2, "mover": 2, "munderover": 3}
KNOWN = set(ARITY) | {"math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "mtable", "mtr", "mtd", "mlabeledtr"}
html = os.path.join(OUT, "corpus.html")
err = galley(CORPUS, "-t", "html", "-o", html)
if err.strip():
    failures.append("warnings for the HTML:\n" + err)
lint = subprocess.run(["xmllint", "--noout", html], capture_output=True, text=True)
if lint.returncode != 0:
    failures.append("xmllint: " + lint.stderr[:2000])
maths = list(ET.parse(html).getroot().iter(M + "math"))
if len(maths) != len(formulas):
    failures.append(f"{len(maths)} <math> elements for {len(formulas)} formulas")
for (label, tex), m in zip(formulas, maths):
    if m.get("alttext") != tex:
        failures.append(f"{label}: alttext {m.get('alttext')!r}")
    for e in m.iter():
        tag = e.tag.replace(M, "")
        if tag not in KNOWN:
            failures.append(f"{label}: unexpected element {tag}")
        if tag in ARITY and len(e) != ARITY[tag]:
            failures.append(f"{label}: <{tag}> with {len(e)} children")
        if tag == "mtext" and (e.text or "").startswith("\\"):
            failures.append(f"{label}: unknown command {e.text}")

# ---- DocBook: valid against the DocBook 5 schema (with MathML)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docbook"))
from common import validate  # noqa: E402

db = os.path.join(OUT, "corpus.xml")
galley(CORPUS, "-t", "docbook", "-o", db)
validate([db])

# ---- EPUB: epubcheck clean
epub = os.path.join(OUT, "corpus.epub")
galley(CORPUS, "-o", epub)
out = subprocess.run(["java", "-jar", "/usr/share/java/epubcheck.jar", epub], capture_output=True, text=True)
if out.returncode != 0 or "0 fatals / 0 errors / 0 warnings" not in out.stdout + out.stderr:
    failures.append("epubcheck:\n" + (out.stdout + out.stderr)[-3000:])

# ---- PDF: sound, math font embedded, text per formula, nothing too wide
pdf = os.path.join(OUT, "corpus.pdf")
err = galley(CORPUS, "-o", pdf)
if err.strip():
    failures.append("warnings for the PDF (unknown commands or formulas wider than the text):\n" + err)
q = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
if q.returncode != 0:
    failures.append("qpdf --check: " + q.stdout[-2000:] + q.stderr[-2000:])
fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout.splitlines()
math_fonts = [ln for ln in fonts if "Math" in ln.split()[0]] if len(fonts) > 2 else []
if not math_fonts:
    failures.append("pdffonts lists no math font:\n" + "\n".join(fonts))
for ln in math_fonts:
    name, cols = ln.split()[0], ln.split()
    if not re.match(r"[A-Z]{6}\+", name) or cols[-5:-2] != ["yes", "yes", "yes"]:
        failures.append(f"math font not embedded as a subset with ToUnicode: {ln}")
extracted = subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, text=True, check=True).stdout
squeezed = re.sub(r"\s+", "", extracted)
for i, (label, tex) in enumerate(formulas):
    start = squeezed.find(label)
    end = squeezed.find(formulas[i + 1][0], start) if i + 1 < len(formulas) else len(squeezed)
    body = squeezed[start:end] if start >= 0 else ""
    if re.sub(r"\s+", "", tex) not in body:
        failures.append(f"{label}: pdftotext gives {body[:120]!r}, not the formula's source")

if failures:
    print("\n".join(failures[:60]))
    sys.exit(f"FAIL: {len(failures)} check(s)")
print(f"corpus: {len(formulas)} formulas: MathML well-formed and complete, epubcheck clean, "
      f"PDF sound with {math_fonts[0].split()[0]} embedded, every formula's text extracted")
