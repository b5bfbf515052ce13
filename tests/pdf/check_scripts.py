#!/usr/bin/env python3
"""Text drawn as shaped glyphs: every script round-trips through pdftotext,
kerning narrows words, ligatures copy out as their letters, fonts are
embedded and subset with unique tags and true descriptors, right-to-left
paragraphs are set right to left, CJK lines are justified, and the feature
tour stays small.

usage: check_scripts.py GALLEY FEATURE_TOUR_MD WORKDIR
"""
import os
import re
import subprocess
import sys

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(args):
    return subprocess.run(args, capture_output=True)


def galley(md, out, *args):
    src = os.path.join(WORK, os.path.basename(out) + ".md")
    with open(src, "w", encoding="utf-8") as f:
        f.write(md)
    r = run([GALLEY, src, "-q", "-o", out] + list(args))
    check(r.returncode == 0 and os.path.getsize(out) > 0, "galley makes %s: %s" % (os.path.basename(out), r.stderr.decode()[:200]))
    return out


def text_of(pdf, *args):
    r = run(["pdftotext", "-enc", "UTF-8"] + list(args) + [pdf, "-"])
    check(not r.stderr, "pdftotext is silent on %s" % os.path.basename(pdf))
    # poppler marks right-to-left runs with embedding controls; they are no text
    return re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", r.stdout.decode("utf-8"))


def objects(pdf):
    qdf = pdf + ".qdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, qdf], check=True)
    return open(qdf, "rb").read().decode("latin-1")


def words(pdf):
    """(text, xMin, xMax, yMin) of every word pdftotext finds."""
    bbox = run(["pdftotext", "-bbox", pdf, "-"]).stdout.decode("utf-8")
    return [(w, float(x0), float(x1), float(y0)) for x0, y0, x1, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', bbox)]


GALLEY, TOUR, WORK = sys.argv[1:4]
os.makedirs(WORK, exist_ok=True)

# every script round-trips exactly, each in a paragraph short enough for one line
samples = {
    "Greek": "Καλημέρα κόσμε",
    "Russian": "Привет, мир",
    "Arabic": "مرحبا بالعالم",
    "Hebrew": "שלום עולם",
    "Devanagari": "नमस्ते दुनिया",
    "Chinese": "你好，世界",
    "Japanese": "こんにちは世界",
    "Korean": "안녕하세요 세계",
    "Beyond the BMP": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
}
md = "\n\n".join(samples.values()) + "\n"
pdf = galley(md, os.path.join(WORK, "scripts.pdf"), "--ragged")
got = text_of(pdf)
lines = [l.strip() for l in got.split("\n") if l.strip()]
for name, s in samples.items():
    check(s in lines, "%s round-trips through pdftotext: %r" % (name, s))
r = run(["qpdf", "--check", pdf])
check(r.returncode == 0, "qpdf --check passes on the scripts")
r = run(["pdftoppm", "-r", "30", "-png", pdf, os.path.join(WORK, "scripts")])
check(r.returncode == 0 and not r.stderr, "pdftoppm draws the scripts without complaint")

# fonts: embedded, subset, mapped to Unicode; subset tags unique; Noto for the scripts the body face lacks
fonts = run(["pdffonts", pdf]).stdout.decode().splitlines()[2:]
names = [l.split()[0] for l in fonts]
check(len(fonts) >= 4 and all(re.search(r"\byes\s+yes\s+yes\b", l) for l in fonts),
      "every font embedded, subset and with a ToUnicode map: %d fonts" % len(fonts))
check(any("Type 0C" in l for l in fonts) and any("CID TrueType" in l for l in fonts),
      "OpenType/CFF and TrueType faces both embedded")
check(all(re.match(r"^[A-Z]{6}\+", n) for n in names) and len({n[:6] for n in names}) == len(names),
      "subset tags are six capitals, one per font program")
check(any("Arabic" in n for n in names) and any("Devanagari" in n for n in names) and any("CJK" in n for n in names),
      "Noto faces for Arabic, Devanagari and CJK: %s" % " ".join(names))

# right to left: a Hebrew paragraph stands at the right margin, its first word rightmost
rtl = galley("שלום עולם\n\nHello world\n", os.path.join(WORK, "rtl.pdf"))
ws = words(rtl)
# pdftotext -bbox gives a word's glyphs in the order they stand, right to left reversed
heb = [(w[0][::-1],) + w[1:] for w in ws if w[0][::-1] in ("שלום", "עולם")]
lat = [w for w in ws if w[0] == "Hello"]
check(len(heb) == 2 and lat and max(w[2] for w in heb) > lat[0][1] + 300,
      "a Hebrew paragraph is aligned right: %r" % heb)
first = [w for w in heb if w[0] == "שלום"]
check(len(heb) == 2 and first and first[0][1] == max(w[1] for w in heb), "its first word stands rightmost")

# dir: a heading's {dir=rtl} sets it right to left at the right margin, its Latin paragraph stays left
dir_md = "## Latin heading set right {dir=rtl}\n\nA plain paragraph here.\n\nWith [שלום עולם, hello]{dir=rtl} inside.\n"
ws = words(galley(dir_md, os.path.join(WORK, "dir.pdf")))
head = [w for w in ws if w[0] in ("Latin", "right")]
plain = [w for w in ws if w[0] == "plain"]
check(len(head) == 2 and plain and max(w[2] for w in head) > 515 and head[0][1] > 300 and plain[0][1] < 120,
      "a heading with dir=rtl stands at the right margin, the paragraph after it at the left: %r %r" % (head, plain))
# a span with dir=rtl is an isolate set right to left: "hello" stands before (left of) the Hebrew
span = {w[0][::-1] if re.search("[\u05d0-\u05ea]", w[0]) else w[0]: w[1] for w in ws}
check("hello" in span and "שלום" in span and "inside." in span and
      span["hello"] < span.get(",עולם", span.get("עולם,", 1e9)) < span["שלום"] < span["inside."],
      "a span with dir=rtl reads right to left inside its line: %r" % span)
# so is raw HTML's <span dir="rtl">, and a <bdi> takes its first strong character's direction
for tag, end in (('<span dir="rtl">', "</span>"), ("<bdi>", "</bdi>")):
    ws = words(galley("With %sשלום עולם, hello%s inside.\n" % (tag, end), os.path.join(WORK, "dir-raw.pdf")))
    span = {w[0][::-1] if re.search("[\u05d0-\u05ea]", w[0]) else w[0]: w[1] for w in ws}
    check("hello" in span and "שלום" in span and "inside." in span and
          span["hello"] < span.get(",עולם", span.get("עולם,", 1e9)) < span["שלום"] < span["inside."],
          "raw %s...%s reads right to left inside its line: %r" % (tag, end, span))

# the document's dir (-M dir=rtl, as in front matter) sets every paragraph right to left
ws = words(galley("A plain paragraph here.\n\n- item one\n", os.path.join(WORK, "dir-doc.pdf"), "-M", "dir=rtl"))
para = [w for w in ws if w[0] in ("plain", "paragraph", "here")]
bullet = [w for w in ws if w[0] == "•"]
item = [w for w in ws if w[0] == "one"]
check(len(para) == 3 and max(w[2] for w in para) > 515 and min(w[1] for w in para) > 300,
      "-M dir=rtl sets a Latin paragraph at the right margin: %r" % para)
check(bullet and item and bullet[0][1] > item[0][2], "and a list item's marker on its right: %r %r" % (bullet, item))
ws = words(galley("A plain paragraph here.\n", os.path.join(WORK, "dir-ltr.pdf"), "-M", "dir=ltr"))
check(ws and min(w[1] for w in ws if w[0] == "A") < 80, "-M dir=ltr leaves it at the left")

# kerning: a kerned word is narrower than its letters set apart
# (a letter a paragraph: poppler joins letters spaced evenly on one line into a word)
kern = galley("AVATAR WAVE To\n\n" + "".join(c + "\n\n" for c in "AVTRWEo"), os.path.join(WORK, "kern.pdf"))
ws = words(kern)
whole = {w[0]: w[2] - w[1] for w in ws if len(w[0]) > 1}
single = {}
for w in ws:
    if len(w[0]) == 1:
        single.setdefault(w[0], w[2] - w[1])
for word in ("AVATAR", "WAVE", "To"):
    apart = sum(single.get(c, 0) for c in word)
    check(word in whole and whole[word] < apart - 0.5,
          "%s kerned: %.2f pt against %.2f pt unkerned" % (word, whole.get(word, 0), apart))

# ligatures: one glyph for "ffi", copied out as its letters; --no-ligatures sets letters
lig_md = "The office affirms a fluffy ruffle.\n"
lig = galley(lig_md, os.path.join(WORK, "lig.pdf"))
noliga = galley(lig_md, os.path.join(WORK, "noliga.pdf"), "--no-ligatures")
check("The office affirms a fluffy ruffle." in text_of(lig), "ligatures copy out as their letters")
check("The office affirms a fluffy ruffle." in text_of(noliga), "text without ligatures copies out the same")
has_ffi = "<006600660069>" in objects(lig)
check(has_ffi, "the ToUnicode map gives the ffi ligature glyph its three letters")
check("<006600660069>" not in objects(noliga) and "<00660066>" not in objects(noliga),
      "--no-ligatures draws no ligature glyph")

# font descriptors: the italic angle and cap height of the face itself
desc = galley("Upright *italic*\n", os.path.join(WORK, "desc.pdf"))
objs = objects(desc)
angles = [float(a) for a in re.findall(r"/ItalicAngle (-?[\d.]+)", objs)]
caps = [int(c) for c in re.findall(r"/CapHeight (\d+)", objs)]
check(any(a < -1 for a in angles) and any(a == 0 for a in angles),
      "ItalicAngle is the face's: %r" % angles)
check(caps and all(400 < c < 800 for c in caps), "CapHeight is the face's: %r" % caps)

# CJK: a justified paragraph of ideographs breaks between them and fills the measure
cjk = "这是一个测试段落，用来检查中文的换行和对齐是否正确。" * 8
cjk_pdf = galley(cjk + "\n", os.path.join(WORK, "cjk.pdf"))
cjk_text = re.sub(r"\s+", "", text_of(cjk_pdf))
check(cjk in cjk_text, "a CJK paragraph round-trips through pdftotext")
rows = {}
for w, x0, x1, y0 in words(cjk_pdf):
    rows.setdefault(round(y0), []).append((x0, x1))
right_edges = sorted(max(x1 for _, x1 in r) for _, r in sorted(rows.items()))
full = [e for e in right_edges if e > 400]
check(len(rows) >= 4 and len(full) >= len(rows) - 2 and max(full) - min(full) < 1.5,
      "CJK lines are justified to one right edge: %r" % right_edges)

# CJK fonts are cut to the glyphs drawn: a paragraph of 124 distinct ideographs, a few tens of KB
# (the whole CID-keyed program with its glyph ids kept made 164 KB)
hanzi = ("中文排版需要考虑字体的大小与子集化问题我们希望一段包含大约一百个不同汉字的段落在输出时只占用几十千字节"
         "而不是一百多千字节这样读者下载文件更快打印机处理也更轻松同时复制粘贴文本仍然正确无误测试程序会检查页面上的"
         "文字与原文完全一致并且嵌入的字体确实经过了裁剪天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏")
check(len(set(hanzi)) == 124, "the CJK sample has 124 distinct ideographs")
han_pdf = galley(hanzi * 2 + "\n", os.path.join(WORK, "hanzi.pdf"))
check(hanzi in re.sub(r"\s+", "", text_of(han_pdf)), "the ideographs round-trip through pdftotext")
han_fonts = run(["pdffonts", han_pdf]).stdout.decode()
check(re.search(r"\+NotoSerifCJK\S*\s+CID Type 0C\s+Identity-H\s+yes\s+yes\s+yes", han_fonts),
      "the CJK face is a bare CID-keyed CFF, embedded and subset:\n%s" % han_fonts)
check(os.path.getsize(han_pdf) <= 40 * 1024, "the CJK paragraph's PDF is %d KB (at most 40)" % (os.path.getsize(han_pdf) // 1024))
r = run(["qpdf", "--check", han_pdf])
check(r.returncode == 0, "qpdf --check passes on the CJK paragraph")

# the feature tour: a third of the 435 KB libharu's whole-BMP fonts made
tour = os.path.join(WORK, "tour.pdf")
r = run([GALLEY, TOUR, "-q", "-o", tour])
size = os.path.getsize(tour) if r.returncode == 0 else 1 << 30
check(size <= 145 * 1024, "the feature tour is %d KB (at most 145)" % (size // 1024))

if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("all checks passed")
