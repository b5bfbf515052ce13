#!/usr/bin/env python3
"""Highlighted code in the PDF, checked on the content streams and the pixels.

usage: check_highlight.py GALLEY WORKDIR

Fenced Python and C blocks are drawn in token colours (each with a contrast
of at least 4.5:1, WCAG AA, on white and on the code background), keywords
in the bold and comments in the italic code face, and the text extracts as
the code; --no-highlight and an unknown language give no colour; --print
gives no colour either, and keeps bold keywords and italic comments.
"""
import os
import re
import subprocess
import sys

failures = 0
CODE = ('def f(x):\n    # a note\n    return "s" + 1\n',
        '#include <stdio.h>\nint main(void) { return 0; }\n')
SOURCE = ("# Code\n\n```python\n%s```\n\n```C\n%s```\n\n```nosuchlanguage\nplain < text\n```\n" % CODE)
CODE_BACKGROUND = (0.94, 0.94, 0.94)


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def galley(args):
    r = subprocess.run([GALLEY, "-q"] + args, capture_output=True)
    if r.returncode != 0:
        print("FAIL galley %s: %s" % (" ".join(args), r.stderr.decode()))
        sys.exit(1)


def content(pdf):
    """Every content stream, uncompressed."""
    qdf = pdf + ".qdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, qdf], check=True)
    return open(qdf, "rb").read().decode("latin-1")


def fill_colours(text):
    """The fill colours the content sets for text and shapes, as (r, g, b)."""
    colours = {(float(r), float(g), float(b)) for r, g, b in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) rg\b", text)}
    colours |= {(float(v),) * 3 for v in re.findall(r"(?<![\d.])([\d.]+) g\b", text)}
    return colours


def luminance(rgb):
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def coloured_pixels(pdf):
    """Pixels of the first page whose channels differ (not grey), from pdftoppm's PPM."""
    ppm = subprocess.run(["pdftoppm", "-r", "100", "-f", "1", "-l", "1", pdf], capture_output=True,
                         check=True).stdout
    fields, at = [], 0
    while len(fields) < 4:  # P6 width height maxval, then one whitespace byte
        m = re.compile(rb"\s*(\S+)").match(ppm, at)
        fields.append(m.group(1))
        at = m.end()
    pixels = ppm[at + 1:]
    return sum(1 for i in range(0, len(pixels) - 2, 3)
               if max(pixels[i:i + 3]) - min(pixels[i:i + 3]) > 24)


def code_faces(pdf):
    """Whether the code font's bold and its italic (or oblique) are embedded."""
    names = [ln.split()[0] for ln in subprocess.run(["pdffonts", pdf], capture_output=True,
                                                    check=True).stdout.decode().split("\n")[2:] if ln.strip()]
    mono = [n for n in names if "Mono" in n]
    return (any("Bold" in n for n in mono), any("Oblique" in n or "Italic" in n for n in mono))


def main():
    global GALLEY
    GALLEY, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    src = os.path.join(work, "code.md")
    with open(src, "w") as f:
        f.write(SOURCE)
    out = {}
    for name, args in (("colour", []), ("plain", ["--no-highlight"]), ("print", ["--print"])):
        out[name] = os.path.join(work, name + ".pdf")
        galley([src, "-o", out[name]] + args)
        check(subprocess.run(["qpdf", "--check", out[name]], capture_output=True).returncode == 0,
              "%s: qpdf --check" % name)
        text = subprocess.run(["pdftotext", "-layout", out[name], "-"], capture_output=True).stdout.decode()
        lines = [ln.strip() for ln in text.split("\n")]
        for code in CODE:
            for ln in code.strip().split("\n"):
                check(ln.strip() in lines, "%s: the code line %r extracts whole" % (name, ln.strip()))

    colours = fill_colours(content(out["colour"]))
    tokens = {c for c in colours if max(c) - min(c) > 0.05}
    check(len(tokens) >= 5, "highlighted: at least five token colours: %s" % sorted(tokens))
    for c in sorted(colours - {CODE_BACKGROUND, (1.0, 1.0, 1.0)}):
        for bg in ((1.0, 1.0, 1.0), CODE_BACKGROUND):
            ratio = contrast(c, bg)
            check(ratio >= 4.5, "text colour %s on %s: contrast %.2f >= 4.5" % (c, bg, ratio))
    check(coloured_pixels(out["colour"]) > 100, "highlighted: coloured pixels on the page")
    check(code_faces(out["colour"]) == (True, True),
          "highlighted: bold (keywords) and italic (comments) code faces embedded")

    for name in ("plain", "print"):
        colours = fill_colours(content(out[name]))
        check(all(max(c) - min(c) <= 0.001 for c in colours), "%s: only greys: %s" % (name, sorted(colours)))
        check(coloured_pixels(out[name]) == 0, "%s: no coloured pixel on the page" % name)
        for c in colours:
            if c != CODE_BACKGROUND and c != (1.0, 1.0, 1.0):
                ratio = contrast(c, CODE_BACKGROUND)
                check(ratio >= 4.5, "%s: grey %s on the code background: contrast %.2f >= 4.5"
                      % (name, c, ratio))
    check(code_faces(out["plain"]) == (False, False), "--no-highlight: code in its regular face only")
    check(code_faces(out["print"]) == (True, True), "--print: bold keywords and italic comments")
    print("%d failures" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
