#!/usr/bin/env python3
"""Writes a document as PDF with galley and checks the result with the real tools.

usage: check_pdf.py GALLEY INPUT WORKDIR [--from FMT] [--need-format FMT] [-- galley options...]

Checks: two builds with SOURCE_DATE_EPOCH are byte-identical; qpdf --check
passes; pdffonts shows every font embedded; pdftotext writes nothing on
stderr; the words of the input (from galley's JSON view) appear in the
extracted text in reading order (at least 99%); no word box lies outside the
text area's left and right margins. A missing input or reader is a failure.
"""
import difflib
import json
import os
import re
import subprocess
import sys

# Text is read in content order (pdftotext -raw): the order the PDF gives to
# copy-paste and screen readers, which pdftotext's column analysis would
# otherwise rearrange in tables.
RAW = [True]
MARGIN_PT = 54.0  # the tests pass --margin 54pt


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(cmd, env=None):
    return subprocess.run(cmd, capture_output=True, env=env)


def input_words(galley, src, fmt):
    """The input's words in order, and each footnote's words apart (notes go to
    the foot of the page that refers to them)."""
    cmd = [galley, "-q", "-t", "json", src] + (["-f", fmt] if fmt else [])
    r = run(cmd)
    if r.returncode != 0:
        fail("json view failed: " + r.stderr.decode())
    view = json.loads(r.stdout)
    parts = []
    meta = view["meta"]
    for key in ("title", "subtitle"):
        if key in meta:
            parts.append(meta[key] + "\n")
    parts.extend(a + "\n" for a in meta.get("authors", []))
    if "date" in meta:
        parts.append(meta["date"] + "\n")
    if "description" in meta:
        parts.append(meta["description"] + "\n")
    notes = []
    doc = view["document"]
    main = [c for c in doc.get("children", []) if c.get("type") != "footnote_definition"]
    for c in doc.get("children", []):
        if c.get("type") == "footnote_definition":
            notes.append(tokens(flatten(c)))
    return tokens("".join(parts) + flatten({"type": "document", "children": main})), notes


def flatten(root):
    # an iterative walk in document order; inline text runs together, blocks
    # are set apart; raw HTML is not set in PDF
    inline = {"text", "emph", "strong", "strikethrough", "code", "link", "image", "footnote_reference",
              "soft_break", "hard_break", "superscript", "subscript"}
    parts = []
    stack = [root]
    while stack:
        node = stack.pop()
        kind = node.get("type")
        if kind in ("raw_block", "raw_inline"):
            continue
        if kind not in inline:
            parts.append("\n")
        if kind in ("soft_break", "hard_break"):
            parts.append(" ")
        if kind == "footnote_reference":  # set as a superscript number
            parts.append(str(node.get("number", "")))
        if "text" in node and kind in ("text", "code", "code_block"):
            parts.append(node["text"])
        stack.extend(reversed(node.get("children", [])))
    return "".join(parts)


def tokens(text):
    return [w.lower() for w in re.findall(r"\w+", text)]


def pdf_words(text, vocabulary):
    """Tokens of pdftotext output, with words hyphenated at line ends joined."""
    lines = text.split("\n")
    out = []
    carry = ""
    for line in lines:
        line = line.rstrip()
        if carry:
            m = re.match(r"(\w+)(.*)", line)
            if m and (carry + m.group(1)).lower() in vocabulary:
                line = carry + line
            else:
                out.extend(tokens(carry))
            carry = ""
        m = re.search(r"(\w+)-$", line)
        if m and not line.endswith("--"):
            carry = m.group(1)
            line = line[: m.start()]
        out.extend(tokens(line))
    out.extend(tokens(carry))
    return out


def check_order(galley, src, fmt, pdf):
    want, notes = input_words(galley, src, fmt)
    r = run(["pdftotext", "-enc", "UTF-8"] + (["-raw"] if RAW[0] else []) + [pdf, "-"])
    if r.returncode != 0 or r.stderr:
        fail("pdftotext: " + r.stderr.decode())
    vocabulary = set(want).union(*notes) if notes else set(want)
    got = pdf_words(r.stdout.decode("utf-8"), vocabulary)
    sm = difflib.SequenceMatcher(None, want, got, autojunk=False)
    matched = sum(b.size for b in sm.get_matching_blocks())
    ratio = matched / max(1, len(want))
    print("reading order: %d of %d input words matched (%.2f%%)" % (matched, len(want), 100 * ratio))
    if ratio < 0.99:
        # show where they part
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag != "equal" and i2 - i1 > 0:
                print(" ", tag, want[i1:i2][:12], got[j1:j2][:12])
        fail("fewer than 99% of the input's words in reading order")
    # each note's own words, in order, somewhere in the text
    for k, note in enumerate(notes, 1):
        if not note:
            continue
        nm = difflib.SequenceMatcher(None, note, got, autojunk=False)
        found = max(b.size for b in nm.get_matching_blocks())
        if found < 0.9 * len(note):
            fail("footnote %d's words are not found together (%d of %d)" % (k, found, len(note)))
    if notes:
        print("footnotes: %d, each found whole" % len(notes))


def check_margins(pdf):
    r = run(["pdftotext", "-bbox", pdf, "-"])
    if r.returncode != 0 or r.stderr:
        fail("pdftotext -bbox: " + r.stderr.decode())
    html = r.stdout.decode("utf-8")
    bad = 0
    words = 0
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        width = float(page.group(1))
        for w in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>',
                             page.group(3)):
            words += 1
            x0, x1 = float(w.group(1)), float(w.group(2))
            if x1 > width - MARGIN_PT + 0.5 or x0 < MARGIN_PT - 0.5:
                bad += 1
                if bad <= 5:
                    print("  outside the text area: %r x %.1f..%.1f (page width %.1f)" % (w.group(3), x0, x1, width))
    print("margins: %d word boxes, %d outside" % (words, bad))
    if words == 0:
        fail("no words extracted")
    if bad:
        fail("text past the margins")


def main():
    args = sys.argv[1:]
    galley, src, work = args[:3]
    rest = args[3:]
    fmt = None
    need = None
    opts = []
    while rest:
        a = rest.pop(0)
        if a == "--from":
            fmt = rest.pop(0)
        elif a == "--layout":
            RAW[0] = False
        elif a == "--need-format":
            need = rest.pop(0)
        elif a == "--":
            opts = rest
            break
        else:
            fail("unknown argument %s" % a)
    if not os.path.exists(src):
        fail("%s not found" % src)
    if need:
        listing = run([galley, "--list-formats"]).stdout.decode()
        if not re.search(r"^%s\s+yes" % re.escape(need), listing, re.M):
            fail("galley cannot read %s" % need)
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    outs = []
    for n in (1, 2):
        out = os.path.join(work, "out%d.pdf" % n)
        cmd = [galley, "-q", src, "-o", out, "--margin", "%gpt" % MARGIN_PT] + opts + (["-f", fmt] if fmt else [])
        r = run(cmd, env)
        if r.returncode != 0:
            fail("galley exited %d: %s" % (r.returncode, r.stderr.decode()))
        outs.append(out)
    a, b = (open(p, "rb").read() for p in outs)
    if a != b:
        fail("two builds with SOURCE_DATE_EPOCH differ")
    if not a.startswith(b"%PDF-"):
        fail("not a PDF")
    pdf = outs[0]
    r = run(["qpdf", "--check", pdf])
    if r.returncode != 0:
        fail("qpdf --check: " + r.stdout.decode() + r.stderr.decode())
    r = run(["pdffonts", pdf])
    rows = r.stdout.decode().splitlines()[2:]
    if r.returncode != 0 or r.stderr or not rows:
        fail("pdffonts: " + r.stderr.decode())
    for row in rows:
        if row.split()[-5] != "yes":
            fail("font not embedded: " + row)
    print("fonts: %d, all embedded" % len(rows))
    check_order(galley, src, fmt, pdf)
    check_margins(pdf)
    print("ok")


if __name__ == "__main__":
    main()
