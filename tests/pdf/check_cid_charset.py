#!/usr/bin/env python3
"""A CID-keyed CFF face whose CIDs are not its glyph ids (as in fonts keyed
to Adobe-Japan1) is embedded so that readers find the right glyphs: the
content's codes go through a CMap to the CIDs its charset gives. Noto CJK
has CIDs equal to glyph ids, so the test makes a face that has not: a few
ideographs cut from Noto Serif CJK with fontTools, every CID moved up by
1000, installed for fontconfig in a folder of the test's own.

usage: check_cid_charset.py GALLEY WORKDIR
"""
import io
import os
import re
import subprocess
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


GALLEY, WORK = sys.argv[1:3]
os.makedirs(WORK, exist_ok=True)
TEXT = "中文测试天地玄黄"
NOTO = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"

# the face: Noto Serif CJK SC's glyphs for TEXT, CIDs moved, under a family name of its own
font = TTFont(NOTO, fontNumber=2)
options = subset.Options()
options.layout_features = []
options.hinting = False
options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx", "VORG"]
cutter = subset.Subsetter(options)
cutter.populate(text=TEXT)
cutter.subset(font)
check(font["CFF "].cff.topDictIndex[0].ROS is not None, "the cut face is CID-keyed")
xml = io.StringIO()
font.saveXML(xml)
moved = re.sub(r"cid(\d{5})", lambda m: "cid%05d" % (int(m.group(1)) + 1000), xml.getvalue())
moved = re.sub(r"Noto Serif CJK (SC|JP)", "Galley CID Test", moved)
moved = re.sub(r"NotoSerifCJK(sc|jp)", "GalleyCIDTest", moved)
fonts = os.path.join(WORK, "fonts")
os.makedirs(fonts, exist_ok=True)
made = TTFont()
made.importXML(io.StringIO(moved))
path = os.path.join(fonts, "GalleyCIDTest.otf")
made.save(path)
cids = TTFont(path)["CFF "].cff.topDictIndex[0].charset
check(len(cids) == len(TEXT) + 1 and all(int(c[3:]) > 1000 for c in cids[1:]),
      "its glyphs' CIDs are not their glyph ids: %r" % cids)

conf = os.path.join(WORK, "fonts.conf")
with open(conf, "w") as f:
    f.write('<?xml version="1.0"?>\n<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
            "<dir>%s</dir><cachedir>%s</cachedir></fontconfig>\n" % (fonts, os.path.join(WORK, "cache")))
env = dict(os.environ, FONTCONFIG_FILE=conf)

src = os.path.join(WORK, "cid.md")
with open(src, "w", encoding="utf-8") as f:
    f.write(TEXT + "\n")
outs = {}
for name, args in (("moved", ["--font", "Galley CID Test"]), ("noto", [])):
    out = os.path.join(WORK, name + ".pdf")
    r = subprocess.run([GALLEY, src, "-q", "-o", out] + args, capture_output=True, env=env)
    check(r.returncode == 0, "galley sets the text in %s: %s" % (name, r.stderr.decode()[:300]))
    outs[name] = out

listing = subprocess.run(["pdffonts", outs["moved"]], capture_output=True, text=True, env=env).stdout
check(re.search(r"\+GalleyCIDTest\S*\s+CID Type 0C\s+Custom\s+yes\s+yes\s+yes", listing),
      "the face is a bare CID-keyed CFF with a CMap of its own, embedded and subset:\n" + listing)
text = subprocess.run(["pdftotext", "-enc", "UTF-8", outs["moved"], "-"], capture_output=True, text=True).stdout
check(TEXT in text, "the text round-trips through pdftotext: %r" % text.strip())
r = subprocess.run(["qpdf", "--check", outs["moved"]], capture_output=True)
check(r.returncode == 0, "qpdf --check passes")

# drawn, the moved face's glyphs are Noto's own: the same pixels as the text set in Noto
pixels = {}
for name, out in outs.items():
    r = subprocess.run(["pdftoppm", "-r", "100", "-gray", "-f", "1", "-l", "1", "-x", "0", "-y", "0",
                        "-W", "827", "-H", "200", out], capture_output=True)
    check(r.returncode == 0 and not r.stderr, "pdftoppm draws %s" % name)
    pixels[name] = r.stdout
ink = sum(1 for b in pixels["noto"][-827 * 200:] if b < 128)
check(ink > 150, "the Noto text leaves ink: %d dark pixels" % ink)
check(pixels["moved"] == pixels["noto"], "the moved face draws the same glyphs as Noto")

if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("all checks passed")
