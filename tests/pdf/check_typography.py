#!/usr/bin/env python3
"""The PDF writer's typography, measured on its output with poppler and qpdf.

usage: check_typography.py GALLEY WORKDIR

Justified lines fill the measure, with and without microtypography; no more
than two hyphenated lines in a row; no overfull line, widow or orphan; pages
end at the foot; titles (Mr., Dr.) stay with the name; code breaks after no
leading hyphen; names are not hyphenated where other breaks work; British
English uses British patterns; headings stay with their text; definitions
stay inside the margins; font expansion is drawn with Tz; the file is PDF 1.7
with an /ID and a /Lang.
"""
import importlib.machinery
import importlib.util
import os
import random
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def load_meter():
    path = os.path.join(ROOT, "bench", "typography-meter")
    loader = importlib.machinery.SourceFileLoader("typography_meter", path)
    spec = importlib.util.spec_from_loader("typography_meter", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def galley(args):
    r = subprocess.run([GALLEY, "-q"] + args, capture_output=True)
    if r.returncode != 0:
        print("FAIL galley %s: %s" % (" ".join(args), r.stderr.decode()))
        sys.exit(1)


def word_boxes(pdf):
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, check=True).stdout.decode()
    return [(float(a), float(b), w) for a, b, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>', out)]


def layout_lines(pdf):
    out = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, check=True).stdout.decode()
    return [ln.strip() for ln in out.split("\n") if ln.strip()]


def content(pdf):
    """Every content stream, uncompressed."""
    qdf = pdf + ".qdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, qdf], check=True)
    return open(qdf, "rb").read()


def scene_break_gaps(pdf):
    """The white space above and below each "* * *" between two lines of prose (not a heading or
    the page number), from pdftotext's line boxes."""
    out = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True, check=True).stdout.decode()
    gaps = []
    for page in out.split("<page ")[1:]:
        lines = sorted((float(y0), float(y1), "".join(re.findall(r">([^<]*)</word>", body)))
                       for y0, y1, body in re.findall(r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" '
                                                      r'yMax="([\d.]+)">(.*?)</line>', page, re.S))
        for k in range(1, len(lines) - 1):
            if lines[k][2] == "***" and min(len(lines[k - 1][2]), len(lines[k + 1][2])) > 30 and \
                    not lines[k - 1][2].startswith("Chapter"):
                gaps += [lines[k][0] - lines[k - 1][1], lines[k + 1][0] - lines[k][1]]
    return gaps


GALLEY, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
meter = load_meter()

# a short novel: justified prose measured as bench/typography.sh measures it
novel = os.path.join(WORK, "novel.md")
subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make-novel"), novel, "60"], check=True)
for opts in ([], ["--no-microtype"]):
    pdf = os.path.join(WORK, "novel%s.pdf" % ("-plain" if opts else ""))
    galley([novel, "-o", pdf, "--paper", "a5"] + opts)
    fig, _ = meter.measure(pdf)
    label = " ".join(opts) or "microtype"
    check(fig["lines"] > 500, "%s: %d body lines measured" % (label, fig["lines"]))
    check(fig["full"] == 100.0, "%s: justified lines fill the measure (%.2f%%)" % (label, fig["full"]))
    check(fig["overfull"] == 0, "%s: no overfull line (%d)" % (label, fig["overfull"]))
    check(fig["hyph run"] <= 2, "%s: hyphenated lines in a row at most 2 (%d)" % (label, fig["hyph run"]))
    check(fig["widows"] == 0 and fig["orphans"] == 0,
          "%s: no widow (%d) or orphan (%d)" % (label, fig["widows"], fig["orphans"]))
    check(fig["short"] <= fig["pages"] * 0.1, "%s: pages end at the foot (%d of %d short)" %
          (label, fig["short"], fig["pages"]))
    # a page filled to its foot stretches the space around a scene break by a third at most, not to twice
    gaps = scene_break_gaps(pdf)
    check(len(gaps) >= 3 and max(gaps) <= min(gaps) * 1.4,
          "%s: the space around %d scene breaks grows by a third at most (%.1f to %.1f pt)"
          % (label, len(gaps) // 2, min(gaps or [0]), max(gaps or [0])))
    tz = re.findall(rb"[\d.]+ Tz", content(pdf))
    if opts:
        check(not tz, "--no-microtype: no glyph expansion (Tz) drawn")
    else:
        check(any(t != b"100 Tz" for t in tz), "font expansion drawn with Tz (%d operators)" % len(tz))

# titles stay with the name, with an ordinary space
rng = random.Random(7)
filler = "the of and house river morning letter walked quietly answered evening".split()
titles = ["Mr.", "Mrs.", "Dr."]
para = []
for _ in range(300):
    para.append(rng.choice(filler))
    if rng.random() < 0.3:
        para.append(rng.choice(titles) + " " + rng.choice(["Bennet", "Darcy", "Collins"]))
md = os.path.join(WORK, "titles.md")
open(md, "w").write(" ".join(para) + ".\n")
pdf = os.path.join(WORK, "titles.pdf")
galley([md, "-o", pdf, "--paper", "90mmx200mm", "--margin", "10mm"])
ends = [ln for ln in layout_lines(pdf) if ln.split()[-1] in titles]
check(len(layout_lines(pdf)) > 20 and not ends, "no line ends with a title: %r" % ends[:3])

# code breaks after no leading hyphen ("--" / "include-before-body")
md = os.path.join(WORK, "code.md")
open(md, "w").write(" ".join("%s `--%s`" % (" ".join(rng.choice(filler) for _ in range(rng.randint(1, 6))),
                                            rng.choice(["toc", "highlightstyle", "number-sections", "include-before-body"]))
                             for _ in range(80)) + "\n")
pdf = os.path.join(WORK, "code.pdf")
galley([md, "-o", pdf, "--paper", "60mmx200mm", "--margin", "8mm"])
boxes = [w for _, _, w in word_boxes(pdf)]
check("--" not in boxes and not any(w.startswith("include") for w in boxes),
      "code is not broken after a leading '--' (%d words)" % len(boxes))

# names are hyphenated only when nothing else works
md = os.path.join(WORK, "names.md")
open(md, "w").write(" ".join(rng.choice(filler + ["Elizabeth", "Wickham", "Pemberley"]) for _ in range(600)) + "\n")
pdf = os.path.join(WORK, "names.pdf")
galley([md, "-o", pdf, "--paper", "105mmx148mm", "--margin", "10mm"])
broken = [w for _, _, w in word_boxes(pdf) if w[:1].isupper() and w.endswith("-")]
check(not broken, "no name hyphenated: %r" % broken[:5])

# British patterns for en-GB, American for en-US
md = os.path.join(WORK, "knowledge.md")
open(md, "w").write(" ".join(["acknowledge the knowledge of it"] * 40) + "\n")
for lang, want, unwanted in (("en-GB", "know-", "knowl-"), ("en-US", "knowl-", "know-")):
    pdf = os.path.join(WORK, "knowledge-%s.pdf" % lang)
    galley([md, "-o", pdf, "--paper", "50mmx120mm", "--margin", "5mm", "--lang", lang])
    words = [w for _, _, w in word_boxes(pdf)]
    check(want in words and unwanted not in words, "%s hyphenates %s, not %s" % (lang, want, unwanted))

# a run of headings stays with the text after it; definitions stay inside the margins
rng = random.Random(3)
greek = "alpha beta gamma delta epsilon zeta theta iota kappa lambda".split()
text = lambda n: " ".join(rng.choice(greek) for _ in range(n)) + "."
parts = ["# Start\n"]
for k in range(1, 9):
    parts.append("\n%s\n\n## Section %d\n\n### Subsection %d\n\n%s\n" % (text(120 + 7 * k), k, k, text(60)))
    parts.append("\nTerm %d\n:   %s\n" % (k, text(40)))
md = os.path.join(WORK, "headings.md")
open(md, "w").write("".join(parts))
for paper in ("a5", "105mmx148mm", "a4"):
    pdf = os.path.join(WORK, "headings-%s.pdf" % paper)
    galley([md, "-o", pdf, "--paper", paper, "--margin", "36pt"])
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True,
                                                               text=True).stdout).group(1))
    stranded = []
    for n in range(1, pages + 1):
        out = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", pdf, "-"],
                             capture_output=True, text=True).stdout
        lines = [ln.strip() for ln in out.split("\n") if ln.strip() and not re.fullmatch(r"\s*\d+\s*", ln)]
        if lines and re.match(r"(Sub)?[Ss]ection \d+$", lines[-1]):
            stranded.append(n)
    check(pages > 1 and not stranded, "%s: no page ends with a heading (%d pages): %r" % (paper, pages, stranded))
    width = float(re.search(r"Page size:\s+([\d.]+)", subprocess.run(["pdfinfo", pdf], capture_output=True,
                                                                    text=True).stdout).group(1))
    past = [w for x0, x1, w in word_boxes(pdf) if x1 > width - 36 + 3 or x0 < 36 - 0.5]
    check(not past, "%s: every word inside the margins: %r" % (paper, past[:3]))

# an inline image is set in its line, scaled to the type; one that cannot be loaded is warned about
md = os.path.join(WORK, "inline.md")
shutil.copy(os.path.join(ROOT, "samples", "tour-badge.png"), WORK)
open(md, "w").write("Words and a badge ![badge](tour-badge.png) in the line, and ![gone](no-such.png) words.\n")
pdf = os.path.join(WORK, "inline.pdf")
r = subprocess.run([GALLEY, md, "-o", pdf], capture_output=True, text=True)
images = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True).stdout.split("\n")[2:]
images = [ln.split() for ln in images if ln.strip()]
check(r.returncode == 0 and len(images) == 1 and images[0][3:5] == ["72", "20"],
      "the inline image is drawn: %r" % images)
height = 20 * 72.0 / float(images[0][12]) if images else 0  # points: 20 pixels at the drawn ppi
check(9 <= height <= 13, "scaled to the line: %.1f pt high in 11 pt type" % height)
check("no-such.png" in r.stderr, "a missing inline image is warned about")
text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
check("in the line" in text and "gone" in text, "the text around it is set, a missing one's description too")

# PDF 1.7, a file identifier, the document's language
pdf = os.path.join(WORK, "titles.pdf")
galley([os.path.join(WORK, "titles.md"), "-o", pdf, "--lang", "en-GB"])
raw = open(pdf, "rb").read()
check(raw.startswith(b"%PDF-1.7"), "the header says PDF 1.7: %r" % raw[:8])
trailer = subprocess.run(["qpdf", "--show-object=trailer", pdf], capture_output=True, text=True).stdout
check(re.search(r"/ID \[ <[0-9a-f]{32}> <[0-9a-f]{32}> \]", trailer) is not None, "the trailer has an /ID")
check(b"/Lang (en-GB)" in content(pdf), "the catalog has /Lang (en-GB)")
again = os.path.join(WORK, "titles-again.pdf")
env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
for out in (pdf, again):
    subprocess.run([GALLEY, "-q", os.path.join(WORK, "titles.md"), "-o", out], env=env, check=True)
check(open(pdf, "rb").read() == open(again, "rb").read(), "the same input gives the same bytes, /ID included")
r = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
check(r.returncode == 0, "qpdf --check passes")

print("typography: %d failed" % failures if failures else "typography: all checks passed")
sys.exit(1 if failures else 0)
