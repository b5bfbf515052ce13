#!/usr/bin/env python3
"""The PDF writer's options and structure: paper sizes, errors that name
their cause, outline, link annotations, Info dictionary, hyphenation and the
ToUnicode map (text copied out equals text put in).

usage: check_features.py GALLEY RICH_MD WORKDIR
"""
import os
import re
import subprocess
import sys
import zlib

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def galley(args, env=None):
    return subprocess.run([GALLEY] + args, capture_output=True, env=env)


def pdfinfo(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True).stdout.decode("utf-8")
    return dict(re.findall(r"^([^:]+):\s*(.*)$", out, re.M))


def objects(path):
    """Every object's text with its streams inflated (qpdf's QDF form)."""
    qdf = path + ".qdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", path, qdf], check=True)
    return open(qdf, "rb").read().decode("latin-1")


GALLEY, RICH, WORK = sys.argv[1:4]
os.makedirs(WORK, exist_ok=True)
out = os.path.join(WORK, "a.pdf")

# paper sizes
for paper, size in (("a4", "595.276 x 841.89"), ("letter", "612 x 792"), ("a5", "419.528 x 595.276"),
                    ("b5", "498.898 x 708.661"), ("6x9in", "432 x 648"), ("150mmx200mm", "425.197 x 566.929")):
    r = galley([RICH, "-q", "-o", out, "--paper", paper])
    check(r.returncode == 0 and pdfinfo(out).get("Page size", "").startswith(size),
          "--paper %s gives %s pt" % (paper, size))

# usage errors name their cause
r = galley([RICH, "-o", out, "--font", "No Such Family"])
check(r.returncode == 2 and b"No Such Family" in r.stderr, "an unknown font family is an error naming it")
r = galley([RICH, "-o", out, "--paper", "huge"])
check(r.returncode == 2 and b"paper 'huge'" in r.stderr, "a bad paper size is a usage error")
r = galley([RICH, "-o", out, "--margin", "1km"])
check(r.returncode == 2, "a bad margin is a usage error")

# --tab-stop: tabs in code go to the next stop (default 4), where pdftotext -bbox finds the next word
tabs = os.path.join(WORK, "tabs.md")
open(tabs, "w").write("```\n12345678\n\tone\nab\ttwo\n```\n")


def code_columns(*args):
    """Each code word's first column, from its x and the width of the 8-digit line."""
    r = galley([tabs, "-q", "-o", out] + list(args))
    bbox = subprocess.run(["pdftotext", "-bbox", out, "-"], capture_output=True).stdout.decode()
    ws = {w: (float(x0), float(x1)) for x0, x1, w in
          re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', bbox)}
    if r.returncode or "12345678" not in ws:
        return {}
    left, right = ws["12345678"]
    col = (right - left) / 8
    return {w: round((ws[w][0] - left) / col, 2) for w in ("one", "two") if w in ws}


for stop, want in ((None, {"one": 4, "two": 4}), ("2", {"one": 2, "two": 4}), ("8", {"one": 8, "two": 8}),
                   ("0", {"one": 1, "two": 3})):
    got = code_columns(*(["--tab-stop", stop] if stop else []))
    check(got == want, "--tab-stop %s sets code tabs to columns %r: %r" % (stop or "default", want, got))
r = galley([tabs, "-o", out, "--tab-stop", "99"])
check(r.returncode == 2 and b"--tab-stop" in r.stderr, "a bad --tab-stop is a usage error")

# links libharu would refuse (an empty URI) are left without an annotation, not fatal
odd = os.path.join(WORK, "odd-links.md")
open(odd, "w").write("[empty]() and [hash](#) and [missing](#nope) and <https://example.org/>\n")
r = galley([odd, "-q", "-o", out])
check(r.returncode == 0, "odd links convert: %r" % r.stderr)

# structure: outline, links, Info, fonts, compression
env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
r = galley([RICH, "-q", "-o", out, "-M", "title=Ünïcode “Title”"], env)
check(r.returncode == 0, "rich document converts")
info = pdfinfo(out)
check(info.get("Title") == "Ünïcode “Title”", "Info Title is Unicode (UTF-16): %r" % info.get("Title"))
check(info.get("Author") == "Ada Compositor, Ben Leading", "Info Author lists the authors")
check(info.get("Keywords") == "typesetting, PDF", "Info Keywords")
check(info.get("Creator", "").startswith("galley"), "Info Creator")
check("2023" in info.get("CreationDate", "") and "Nov 14" in info.get("CreationDate", ""),
      "CreationDate from SOURCE_DATE_EPOCH: %r" % info.get("CreationDate"))
raw = open(out, "rb").read()
check(b"/FlateDecode" in raw and b"/Filter" in raw, "streams are compressed")
text = objects(out)
check("/Outlines" in text and text.count("/Title") >= 10, "an outline from the headings")
check(re.search(r"/S /URI\s*/Type /Action\s*/URI \(https://www\.example\.org/\)", text) is not None,
      "external links are URI actions")
check(re.search(r"/Dest \d+ 0 R\s*(?:/F 4\s*)?/P \d+ 0 R\s*/Rect \[[^\]]*\]\s*(?:/StructParent \d+\s*)?/Subtype /Link", text) is not None, "internal links jump to destinations")
check("begincidrange" not in text and "beginbfchar" in text,
      "ToUnicode maps are bfchar maps from glyph ids, not libharu's cidrange")
check(re.search(r"/Border \[\s*0\s+0\s+0\s*\]", text) is not None, "link annotations have no border")

# text copied out of the PDF equals what went in (ToUnicode), fallback glyphs included
t = subprocess.run(["pdftotext", "-enc", "UTF-8", out, "-"], capture_output=True)
body = t.stdout.decode("utf-8")
check(t.stderr == b"", "pdftotext is silent")
flat = re.sub(r"\s+", " ", body)  # a phrase may be broken across lines
for phrase in ("Cyrillic жзи", "αβγ", "∀x ∈ ℝ", "snowman ☃", "mc2"):
    check(phrase in flat, "extracted text has %r" % phrase)

# hyphenation happens, and follows the language
# (pdftotext joins hyphenated words; its word boxes keep them)
# (a narrow measure: on a wide one the lines are found without)
narrow = os.path.join(WORK, "narrow.pdf")
galley([RICH, "-q", "-o", narrow, "--paper", "100mmx160mm", "--margin", "12mm"])
boxes = subprocess.run(["pdftotext", "-bbox", narrow, "-"], capture_output=True).stdout.decode("utf-8")
check(re.search(r"[a-z]-</word>", boxes) is not None, "some words are hyphenated at line ends")
r = galley([RICH, "-o", out, "--lang", "xx-YY"])
check(r.returncode == 0 and b"no hyphenation patterns" in r.stderr, "a language without patterns is warned about")
r = galley([RICH, "-o", out, "--lang", "de-DE"])
check(r.returncode == 0 and b"hyphenation" not in r.stderr, "German patterns load")

# chapter breaks: every level-1 heading opens a page without a running head
r = galley([RICH, "-q", "-o", out, "--chapter-breaks"])
pages = int(pdfinfo(out)["Pages"])
firsts = []
for n in range(1, pages + 1):
    p = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), out, "-"], capture_output=True).stdout.decode()
    firsts.append(p.strip().split("\n")[0])
check("A second chapter" in firsts, "--chapter-breaks starts the chapter on a page of its own: %r" % firsts)

# a table longer than a page repeats its header row on each page it continues on
table_md = os.path.join(os.path.dirname(RICH), "long-table.md")
r = galley([table_md, "-q", "-o", out])
pages = int(pdfinfo(out)["Pages"])
check(r.returncode == 0 and pages >= 3, "the long table spans %d pages" % pages)
for n in range(2, pages + 1):
    p = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), out, "-"], capture_output=True).stdout.decode()
    if "Row " not in p:
        continue
    head = p.find("Number")
    check(0 <= head < p.find("Row "), "page %d repeats the table header above its rows" % n)

# --toc: every entry's page number is the page its heading is on
r = galley([RICH, "-q", "-o", out, "--toc", "--number-sections"])
pages = int(pdfinfo(out)["Pages"])
texts = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), out, "-"], capture_output=True).stdout.decode()
         for n in range(1, pages + 1)]
toc_page = next(i for i, t in enumerate(texts) if "Contents" in t)
entries = re.findall(r"^(\d[\d.]* .+?) (?:\. )+\.? ?(\d+)$", texts[toc_page], re.M)
check(len(entries) >= 6, "--toc lists the headings: %d entries" % len(entries))
for title, page in entries:
    lines = [l.strip() for l in texts[int(page) - 1].split("\n")]
    check(title.strip() in lines, "contents entry %r is on page %s" % (title, page))
text = objects(out)
check(len(re.findall(r"/Dest \d+ 0 R\s*(?:/F 4\s*)?/P \d+ 0 R", text)) >= len(entries), "contents entries are links")

# --bleed and --crop-marks: media box grown, trim and bleed boxes set
r = galley([RICH, "-q", "-o", out, "--paper", "a5", "--bleed", "3mm", "--crop-marks"])
boxes = subprocess.run(["pdfinfo", "-box", out], capture_output=True).stdout.decode()
def box(name):
    m = re.search(name + r":\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", boxes)
    return [float(v) for v in m.groups()] if m else None
b = 3 * 72 / 25.4
check(box("MediaBox") and abs(box("MediaBox")[2] - (419.53 + 2 * b)) < 0.1, "the media box grows by the bleed")
check(box("TrimBox") and abs(box("TrimBox")[0] - b) < 0.05 and abs(box("TrimBox")[2] - (419.53 + b)) < 0.1,
      "TrimBox is the page inside the bleed: %r" % box("TrimBox"))
check(box("BleedBox") == box("MediaBox"), "BleedBox is the bled page")

# --print: no annotations, no outline, a warning for a low-resolution image
tour = os.path.join(os.path.dirname(RICH), "..", "..", "samples", "feature-tour.md")
r = galley([RICH, "-q", "-o", out, "--print"])
text = objects(out)
check(r.returncode == 0 and "/Annots" not in text and "/Outlines" not in text, "--print leaves out links and outline")
if os.path.exists(tour):
    r = galley([tour, "-o", out, "--print"])
    check(r.returncode == 0 and b"dpi" in r.stderr, "--print warns about an image under 300 dpi")

# --twoside: chapters open on odd pages, page numbers on the outer edge
r = galley([RICH, "-q", "-o", out, "--twoside", "--title-page"])
pages = int(pdfinfo(out)["Pages"])
for n in range(1, pages + 1):
    t = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), out, "-"], capture_output=True).stdout.decode()
    if "A second chapter" in t:
        check(n % 2 == 1, "with --twoside the chapter opens on a right-hand page (page %d)" % n)
        break
bbox = subprocess.run(["pdftotext", "-bbox", "-f", "4", "-l", "5", out, "-"], capture_output=True).stdout.decode()
nums = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(\d+)</word>', bbox)
footer = [(float(x), int(w)) for x, y, w in nums if float(y) > 760]
check(len(footer) == 2 and footer[0][0] < 200 and footer[1][0] > 350,
      "page numbers stand on the outer edge: %r" % footer)

# footnotes stand at the foot of the page of their reference
notes_md = os.path.join(os.path.dirname(RICH), "footnotes.md")
# the fixtures are sized to DejaVu's metrics: a note that overflows its page, a figure that does not fit
DEJAVU = ["--font", "DejaVu Serif", "--heading-font", "DejaVu Sans"]
r = galley([notes_md, "-q", "-o", out, "--paper", "a5"] + DEJAVU)
pages = int(pdfinfo(out)["Pages"])
texts = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), out, "-"], capture_output=True).stdout.decode()
         for n in range(1, pages + 1)]
for k in range(1, 9):
    ref = "Reference%s" % "ABCDEFGH"[k - 1]
    note = "Notetext%s" % "ABCDEFGH"[k - 1]
    ref_pages = [i for i, t in enumerate(texts) if ref in t]
    note_pages = [i for i, t in enumerate(texts) if note in t]
    check(ref_pages and note_pages and ref_pages[0] == note_pages[0],
          "footnote %d stands on the page of its reference (%r, %r)" % (k, ref_pages, note_pages))
long_pages = [i for i, t in enumerate(texts) if "Longnotestart" in t or "Longnoteend" in t]
check(len(long_pages) == 2 and long_pages[1] == long_pages[0] + 1,
      "a note too long for its page goes on at the foot of the next: %r" % long_pages)

# a figure that does not fit waits for the next page; the text after it fills this one
floats_md = os.path.join(os.path.dirname(RICH), "floats.md")
r = galley([floats_md, "-q", "-o", out, "--paper", "a5"] + DEJAVU)
p1, p2 = (subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), out, "-"], capture_output=True).stdout.decode()
          for n in (1, 2))
check("Textafterfigure" in p1 and "Figure one" not in p1 and p2.find("Figure one") >= 0
      and p2.find("Figure one") < 200, "a figure that does not fit opens the next page, the text goes on")

# characters no font has: one warning per run of them, at the block where the first stands
missing_md = os.path.join(WORK, "missing.md")
with open(missing_md, "w", encoding="utf-8") as f:
    f.write("Plain text.\n\nHere \U000F0000\U000F0001\U000F0002 three in a row.\n\n"
            "Again \U000F0000 and \U000F0005 alone.\n\n- item\n\n  one \U000F0006\U000F0006 more\n")
r = galley([missing_md, "-o", out])
warnings = [ln for ln in r.stderr.decode().split("\n") if "no installed font has a glyph" in ln]
check(r.returncode == 0 and len(warnings) == 3, "one warning per run of missing glyphs: %r" % warnings)
check(len(warnings) == 3 and warnings[0].startswith(missing_md + ":3:1: warning: ")
      and "U+F0000 U+F0001 U+F0002 (3 characters in a row)" in warnings[0],
      "a run of three is one warning with its place and code points: %r" % warnings[:1])
check(len(warnings) == 3 and warnings[1].startswith(missing_md + ":5:1: ") and "U+F0005;" in warnings[1]
      and "U+F0000" not in warnings[1], "a character already reported is not reported again: %r" % warnings[1:2])
check(len(warnings) == 3 and warnings[2].startswith(missing_md + ":9:3: ") and "U+F0006 U+F0006" in warnings[2],
      "a run inside a list item is placed at its paragraph: %r" % warnings[2:])

sys.exit(1 if failures else 0)
