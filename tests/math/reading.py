"""The Markdown reader's math: pandoc's rules for $…$ and $$…$$, ```math blocks,
on in markdown and gfm, off in commonmark; the JSON view against its schema;
every writer shows the TeX source.

usage: reading.py GALLEY SCHEMA
"""
import json
import subprocess
import sys

import jsonschema

GALLEY, SCHEMA = sys.argv[1:3]
failures = []


def galley(src, *args):
    p = subprocess.run([GALLEY, "-q", *args, "-"], input=src.encode(), capture_output=True)
    if p.returncode != 0:
        sys.exit(f"galley {args} exited {p.returncode}: {p.stderr.decode()}")
    return p.stdout


def inlines(src, dialect="markdown"):
    """The paragraphs' inlines as (type, display, text) tuples, plus the JSON."""
    doc = json.loads(galley(src, "-f", dialect, "-t", "json"))
    schema = json.load(open(SCHEMA))
    jsonschema.validate(doc, schema, cls=jsonschema.validators.validator_for(schema))
    out = []
    for block in doc["document"]["children"]:
        for n in block.get("children", []):
            out.append((n["type"], n.get("display"), n.get("text")))
    return out, doc


def maths(src, dialect="markdown"):
    return [(d, t) for kind, d, t in inlines(src, dialect)[0] if kind == "math"]


def expect(src, want, dialect="markdown"):
    got = maths(src, dialect)
    if got != want:
        failures.append(f"{dialect} {src!r}: math {got}, expected {want}")


# positive cases
expect("$x^2$", [("inline", "x^2")])
expect("a $x$ b $y$", [("inline", "x"), ("inline", "y")])
expect("$$\\int_0^1 f\\,dx$$", [("display", "\\int_0^1 f\\,dx")])
expect("$$ a + b $$", [("display", " a + b ")])
expect("$$\na\n= b\n$$", [("display", "\na\n= b\n")])
expect("$a\\$b$", [("inline", "a\\$b")])          # TeX's \$ does not close
expect("$x$.", [("inline", "x")])
expect("($x$)", [("inline", "x")])
expect("$x$y", [("inline", "x")])
expect("```math\n\\frac{a}{b}\n```", [("display", "\\frac{a}{b}")])
expect("~~~ math\nE = mc^2\n~~~", [("display", "E = mc^2")])
expect("$x$", [("inline", "x")], "gfm")
# negative cases
expect("$5 and $6", [])
expect("costs $5 and $6.", [])
expect("\\$x$", [])
expect("\\$x\\$", [])
expect("`$x$`", [])
expect("$ x$", [])
expect("$x $", [])
expect("$x$5", [])
expect("$$", [])
expect("$$$", [])
expect("$", [])
expect("```mathx\na\n```", [])
expect("$x$", [], "commonmark")
expect("$$x$$", [], "commonmark")
expect("```math\nx\n```", [], "commonmark")

# emphasis around math keeps the math
doc = json.loads(galley("*$x$* and [$y$](u)", "-t", "json"))
found = json.dumps(doc)
if found.count('"type": "math"') + found.count('"type":"math"') != 2:
    failures.append(f"math inside emphasis and link: {found}")

# code spans keep their dollars; escaped dollars stay text
got, _ = inlines("`$x$` \\$5 $y$")
if got[0] != ("code", None, "$x$") or ("math", "inline", "y") not in got or \
        not any(k == "text" and "$5" in t for k, _, t in got if t):
    failures.append(f"code span and escape: {got}")

# position of an inline formula: line and column of its opening $
doc = json.loads(galley("para\nsecond $x$ line\n", "-t", "json"))
m = [n for n in doc["document"]["children"][0]["children"] if n["type"] == "math"][0]
if (m["line"], m["column"]) != (2, 8):
    failures.append(f"math position {m['line']}:{m['column']}, expected 2:8")

# the writers show the TeX source
src = "Euler: $e^{i\\pi}+1=0$.\n\n$$\\sum_{k=1}^n k$$\n"
for fmt in ("html", "docbook"):
    out = galley(src, "-t", fmt).decode()
    for tex in ("e^{i\\pi}+1=0", "\\sum_{k=1}^n k"):
        if tex not in out:
            failures.append(f"{fmt} lacks the TeX {tex!r}")
pdf = subprocess.run([GALLEY, "-q", "-t", "pdf", "-o", "-", "-"], input=src.encode(), capture_output=True)
txt = subprocess.run(["pdftotext", "-", "-"], input=pdf.stdout, capture_output=True).stdout.decode()
if pdf.returncode != 0 or "e^{i" not in txt or "sum_{k=1}^n" not in txt.replace("\\", ""):
    failures.append(f"pdf text lacks the TeX source: {txt!r}")

if failures:
    print("\n".join(failures))
    sys.exit(f"FAIL: {len(failures)} case(s)")
print("math reading: all cases pass")
