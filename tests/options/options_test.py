#!/usr/bin/env python3
"""Options that apply to every writer they fit, through the galley command.

usage: options_test.py GALLEY IMAGE_DIR CASE
IMAGE_DIR holds plate.png and photo.jpg. Each case raises on failure.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

X = "{http://www.w3.org/1999/xhtml}"
DOC = """---
title: The Book
---

# One

Text.

## One A

### Deep

#### Deeper

# Two

More.
"""


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def galley(*args, expect=0, cwd=None):
    p = subprocess.run([GALLEY, *args], capture_output=True, text=True, cwd=cwd, timeout=120)
    check(p.returncode == expect, "galley %s: exit %d, expected %d\n%s" % (" ".join(args), p.returncode, expect,
                                                                        p.stderr))
    return p


def html_of(tmp, *args, src=None):
    """The page made from DOC (or src) with args, parsed (it must be well-formed)."""
    if src is None:
        src = os.path.join(tmp, "doc.md")
        with open(src, "w") as f:
            f.write(DOC)
    out = os.path.join(tmp, "out.html")
    p = galley(src, "-o", out, *args)
    with open(out, encoding="utf-8") as f:
        text = f.read()
    return ET.fromstring(text.split("\n", 1)[1]), text, p.stderr


def toc_entries(root):
    nav = [n for n in root.iter(X + "nav") if n.get("id") == "toc"]
    check(len(nav) == 1, "one <nav id=toc>, found %d" % len(nav))
    entries = []

    def walk(ol, depth):
        for li in ol.findall(X + "li"):
            a = li.find(X + "a")
            entries.append((depth, a.get("href"), "".join(a.itertext())))
            for sub in li.findall(X + "ol"):
                walk(sub, depth + 1)
    for ol in nav[0].findall(X + "ol"):
        walk(ol, 0)
    return entries


def case_html_toc(tmp):
    root, _, _ = html_of(tmp)
    check(not list(root.iter(X + "nav")), "a table of contents without --toc")
    root, _, _ = html_of(tmp, "--toc")
    entries = toc_entries(root)
    check(entries == [(0, "#one", "One"), (1, "#one-a", "One A"), (2, "#deep", "Deep"), (0, "#two", "Two")],
          "contents at the default depth 3: %s" % entries)
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    check(all(href[1:] in ids for _, href, _ in entries), "a contents link to no heading")
    root, _, _ = html_of(tmp, "--toc", "--toc-depth", "1")
    check([e[1] for e in toc_entries(root)] == ["#one", "#two"], "--toc-depth 1")
    root, _, _ = html_of(tmp, "--toc", "--toc-depth", "6")
    check(len(toc_entries(root)) == 5, "--toc-depth 6")
    for bad in ("0", "7", "x"):
        p = galley(os.path.join(tmp, "doc.md"), "-o", os.path.join(tmp, "bad.html"), "--toc", "--toc-depth", bad,
                   expect=2)
        check("--toc-depth" in p.stderr and not os.path.exists(os.path.join(tmp, "bad.html")),
              "--toc-depth %s: no message, or output left" % bad)
    # the title heading is the title, not an entry; levels that jump nest one deeper only
    src = os.path.join(tmp, "jumps.md")
    with open(src, "w") as f:
        f.write("# Title\n\n### Three\n\n## Two\n\n#### Four\n")
    root, _, _ = html_of(tmp, "--toc", src=src)
    check(toc_entries(root) == [(0, "#three", "Three"), (0, "#two", "Two"), (1, "#four", "Four")],
          "contents of jumping levels: %s" % toc_entries(root))


def case_html_number_sections(tmp):
    root, _, _ = html_of(tmp, "--number-sections", "--toc", "--toc-depth", "4")
    heads = ["".join(h.itertext()) for h in root.iter() if re.fullmatch(X.replace("{", r"\{").replace("}", r"\}")
                                                                          + "h[1-6]", h.tag)]
    check(heads == ["The Book", "1 One", "1.1 One A", "1.1.1 Deep", "1.1.1.1 Deeper", "2 Two"],
          "numbered headings: %s" % heads)
    check([e[2] for e in toc_entries(root)] == ["1 One", "1.1 One A", "1.1.1 Deep", "1.1.1.1 Deeper", "2 Two"],
          "numbered contents: %s" % toc_entries(root))
    root, _, _ = html_of(tmp)
    check(not [s for s in root.iter(X + "span") if s.get("class") == "section-number"], "numbers without the option")


def case_html_css(tmp):
    css = os.path.join(tmp, "extra.css")
    with open(css, "w") as f:
        f.write("p { color: #123456; }\n")
    root, text, _ = html_of(tmp, "--css", css)
    links = [l for l in root.iter(X + "link") if l.get("rel") == "stylesheet"]
    check([l.get("href") for l in links] == [css], "--css not linked: %s" % links)
    head = root.find(X + "head")
    kids = [k.tag for k in head]
    check(kids.index(X + "link") > kids.index(X + "style"), "the user's sheet must come after the default one")
    root, text, _ = html_of(tmp, "--css", css, "--embed-resources")
    styles = ["".join(s.itertext()) for s in root.iter(X + "style")]
    check(len(styles) == 2 and "#123456" in styles[1] and not list(root.iter(X + "link")), "--css not embedded")
    with open(css, "w") as f:
        f.write("p::after { content: '<&>'; }\n")
    _, text, err = html_of(tmp, "--css", css, "--embed-resources")
    check("not embedded" in err and '<link rel="stylesheet"' in text, "a sheet with '<' embedded")
    p = galley(os.path.join(tmp, "doc.md"), "-o", os.path.join(tmp, "x.html"), "--css", os.path.join(tmp, "no.css"),
               "--embed-resources", expect=1)
    check("no.css" in p.stderr and not os.path.exists(os.path.join(tmp, "x.html")), "missing sheet")


def case_embed_resources(tmp):
    doc = os.path.join(tmp, "doc")
    os.makedirs(doc)
    for name in ("plate.png", "photo.jpg"):
        shutil.copy(os.path.join(IMAGES, name), doc)
    with open(os.path.join(doc, "v.svg"), "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n')
    src = os.path.join(doc, "img.md")
    with open(src, "w") as f:
        f.write("# Images\n\n![plate](plate.png)\n\n![photo](photo.jpg \"A photo\")\n\n![gone](gone.png)\n\n"
                "![vector](v.svg)\n\n<p><img src=\"plate.png\" alt=\"raw\"></p>\n")
    root, text, err = html_of(tmp, src=src)
    check('src="plate.png"' in text and "data:" not in text, "images embedded without the option")
    root, text, err = html_of(tmp, "--embed-resources", src=src)
    imgs = {i.get("alt"): i.get("src") for i in root.iter(X + "img")}
    for alt, name, mime in (("plate", "plate.png", "image/png"), ("photo", "photo.jpg", "image/jpeg"),
                            ("raw", "plate.png", "image/png")):
        prefix = "data:%s;base64," % mime
        check(imgs[alt].startswith(prefix), "%s not a %s data URI: %.60s" % (alt, mime, imgs[alt]))
        with open(os.path.join(doc, name), "rb") as f:
            check(base64.b64decode(imgs[alt][len(prefix):]) == f.read(), "%s: data URI bytes differ" % alt)
    check(imgs["gone"] == "gone.png" and imgs["vector"] == "v.svg", "missing and SVG images keep their URL")
    check(re.search(r"img\.md:7:1: warning: image 'gone\.png' not embedded: no such file", err),
          "no located warning for a missing image:\n" + err)
    check("v.svg' not embedded" in err, "no warning for SVG")


def case_resource_path(tmp):
    a, b, doc = (os.path.join(tmp, d) for d in ("a", "b", "doc"))
    for d in (a, b, doc):
        os.makedirs(d)
    shutil.copy(os.path.join(IMAGES, "plate.png"), os.path.join(b, "only-in-b.png"))
    shutil.copy(os.path.join(IMAGES, "photo.jpg"), os.path.join(a, "only-in-a.jpg"))
    src = os.path.join(doc, "r.md")
    with open(src, "w") as f:
        f.write("# R\n\n![b](only-in-b.png) ![a](only-in-a.jpg)\n")
    root, text, err = html_of(tmp, "--embed-resources", src=src)
    check(text.count("data:image") == 0 and err.count("not embedded") == 2, "found without --resource-path")
    root, text, err = html_of(tmp, "--embed-resources", "--resource-path", a + ":" + b, src=src)
    check(text.count("data:image/png") == 1 and text.count("data:image/jpeg") == 1 and "not embedded" not in err,
          "--resource-path a:b not searched in turn:\n" + err)
    # the EPUB writer reads through the same folders
    out = os.path.join(tmp, "r.epub")
    p = galley(src, "-o", out, "--resource-path", "/nonexistent:" + a + "::" + b)
    check("not embedded" not in p.stderr, "EPUB with --resource-path a:b:\n" + p.stderr)
    # a folder the list does not name stays closed
    p = galley(src, "-o", out, "--resource-path", b)
    check("only-in-a.jpg' not embedded" in p.stderr and "only-in-b" not in p.stderr, "one folder of the list")


def case_metadata_file(tmp):
    meta = os.path.join(tmp, "meta.yaml")
    with open(meta, "w") as f:
        f.write("title: From the File\nauthor: [Ann, Bob]\nlang: de\npublisher: P\nrights: R\n")
    src = os.path.join(tmp, "m.md")
    with open(src, "w") as f:
        f.write("---\npublisher: Own\n---\n\n# First Heading\n\nText.\n")

    def model(*args):
        return json.loads(galley(src, "-t", "json", *args).stdout)

    m = model("--metadata-file", meta)["meta"]
    check(m["title"] == "From the File" and m["authors"] == ["Ann", "Bob"] and m["lang"] == "de",
          "metadata file not read: %s" % m)
    check(m["publisher"] == "Own", "the document's own metadata must win over the file's: %s" % m)
    doc = model("--metadata-file", meta)["document"]
    check(doc["children"][0]["type"] == "heading", "the first heading given way to the file's title stays in the text")
    m = model("--metadata-file", meta, "-M", "lang=fr", "-M", "title=T")["meta"]
    check(m["lang"] == "fr" and m["title"] == "T", "-M must win over the file: %s" % m)
    html = galley(src, "-t", "html", "--metadata-file", meta).stdout
    check("<title>From the File</title>" in html and 'lang="de"' in html, "HTML without the file's metadata")
    with open(meta, "w") as f:
        f.write("title: ok\nauthor: [unclosed\n")
    p = galley(src, "-t", "json", "--metadata-file", meta, expect=1)
    check(re.search(r"meta\.yaml:\d+:\d+: error: invalid YAML", p.stderr), "bad YAML without its location:\n" + p.stderr)
    with open(meta, "w") as f:
        f.write("- a list\n- not a mapping\n")
    p = galley(src, "-t", "json", "--metadata-file", meta, expect=1)
    check("no YAML mapping" in p.stderr, "a list accepted as metadata")
    p = galley(src, "-t", "json", "--metadata-file", os.path.join(tmp, "none.yaml"), expect=1)
    check("none.yaml" in p.stderr, "missing metadata file")


def case_fail_if_warnings(tmp):
    src = os.path.join(tmp, "w.md")
    with open(src, "w") as f:
        f.write("# W\n\n![missing](nothere.png)\n")
    out = os.path.join(tmp, "w.epub")
    p = galley(src, "-o", out)
    check("warning" in p.stderr and os.path.exists(out), "the case needs a warning")
    os.unlink(out)
    for extra in ([], ["-q"]):
        p = galley(src, "-o", out, "--fail-if-warnings", *extra, expect=1)
        check("--fail-if-warnings" in p.stderr and not os.path.exists(out),
              "%s: no message or output written:\n%s" % (extra, p.stderr))
    clean = os.path.join(tmp, "c.md")
    with open(clean, "w") as f:
        f.write("# C\n\nNo warning here.\n")
    galley(clean, "-o", out, "--fail-if-warnings")
    check(os.path.exists(out), "no output without warnings")


def case_pdf_jpeg(tmp):
    with open(os.path.join(IMAGES, "photo.jpg"), "rb") as f:
        jpeg = f.read()
    sof = jpeg.index(b"\xff\xc0")
    # 0xFF fill bytes before a marker are allowed by the JPEG standard (B.1.1.2)
    with open(os.path.join(tmp, "fill.jpg"), "wb") as f:
        f.write(jpeg[:sof] + b"\xff\xff" + jpeg[sof:])
    with open(os.path.join(tmp, "cut.jpg"), "wb") as f:
        f.write(jpeg[:sof + 3])
    src = os.path.join(tmp, "j.md")
    with open(src, "w") as f:
        f.write("# J\n\n![fill](fill.jpg)\n\n![cut](cut.jpg)\n")
    out = os.path.join(tmp, "j.pdf")
    p = galley(src, "-o", out)
    check("fill.jpg" not in p.stderr, "a JPEG with fill bytes refused:\n" + p.stderr)
    check(re.search(r"j\.md:5:1: warning: image 'cut\.jpg' left out", p.stderr), "a cut JPEG not reported:\n" + p.stderr)
    images = subprocess.run(["pdfimages", "-list", out], capture_output=True, text=True, check=True).stdout
    rows = [l.split() for l in images.splitlines()[2:]]
    check(len(rows) == 1 and rows[0][3:5] == ["72", "48"] and rows[0][8] == "jpeg", "PDF images:\n" + images)
    subprocess.run(["qpdf", "--check", out], capture_output=True, check=True)


def case_pdf_reproducible(tmp):
    src = os.path.join(tmp, "r.md")
    with open(src, "w") as f:
        f.write("# R\n\nText.\n")
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    outs = []
    for i, tz in enumerate(("UTC", "Asia/Kolkata")):
        out = os.path.join(tmp, "r%d.pdf" % i)
        subprocess.run([GALLEY, src, "-o", out], env=dict(env, TZ=tz), check=True, capture_output=True)
        with open(out, "rb") as f:
            outs.append(f.read())
        if i == 0:
            import time
            time.sleep(1.1)  # a clock-based date would now differ
    check(outs[0] == outs[1], "two PDF builds without SOURCE_DATE_EPOCH differ")

    def info(out):
        text = subprocess.run(["pdfinfo", "-isodates", out], capture_output=True, text=True, check=True).stdout
        return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    check(info(os.path.join(tmp, "r0.pdf"))["CreationDate"].strip().startswith("1980-01-01T00:00:00"),
          "default date of a document without one")
    with open(src, "w") as f:
        f.write("---\ndate: 2024-05-06\n---\n\n# R\n\nText.\n")
    out = os.path.join(tmp, "d.pdf")
    subprocess.run([GALLEY, src, "-o", out], env=env, check=True, capture_output=True)
    check(info(out)["CreationDate"].strip().startswith("2024-05-06T00:00:00"), "the document's date")
    p = subprocess.run([GALLEY, src, "-o", out], env=dict(env, SOURCE_DATE_EPOCH="1700000000"), capture_output=True)
    check(info(out)["CreationDate"].strip().startswith("2023-11-14T22:13:20"), "SOURCE_DATE_EPOCH")
    for bad in ("soon", "-5", "12abc"):
        p = subprocess.run([GALLEY, src, "-o", out], env=dict(env, SOURCE_DATE_EPOCH=bad), capture_output=True,
                           text=True)
        check(p.returncode == 0 and "SOURCE_DATE_EPOCH '%s' is not a number" % bad in p.stderr,
              "no warning for SOURCE_DATE_EPOCH=%s:\n%s" % (bad, p.stderr))
        check(info(out)["CreationDate"].strip().startswith("2024-05-06"), "a bad SOURCE_DATE_EPOCH not ignored")
        # the EPUB writer follows the same rule and says the same
        p = subprocess.run([GALLEY, src, "-o", os.path.join(tmp, "d.epub")], env=dict(env, SOURCE_DATE_EPOCH=bad),
                           capture_output=True, text=True)
        check("SOURCE_DATE_EPOCH '%s' is not a number" % bad in p.stderr, "EPUB: another rule for %s" % bad)


def contrast(fg, bg):
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(hex6):
        def channel(c):
            c = c / 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (int(hex6[i:i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def case_highlight(tmp):
    src = os.path.join(tmp, "code.md")
    with open(src, "w") as f:
        f.write("# Code\n\n```python\ndef f(x):\n    # a note\n    return \"s\" + 1\n```\n\n"
                "```C\n#include <stdio.h>\nint main(void) { return 0; }\n```\n\n"
                "```nosuchlanguage\nplain < text\n```\n\n```\nno language\n```\n")
    root, text, err = html_of(tmp, src=src)
    codes = list(root.iter(X + "code"))
    spans = [[(s.get("class"), s.text) for s in c.iter(X + "span")] for c in codes]
    check(("hl-kw", "def") in spans[0] and ("hl-kw", "return") in spans[0] and ("hl-str", '"s"') in spans[0]
          and ("hl-com", "# a note") in spans[0] and ("hl-num", "1") in spans[0], "python tokens: %s" % spans[0])
    check(("hl-pre", "#include") in spans[1] or any(k == "hl-pre" for k, _ in spans[1]), "C tokens: %s" % spans[1])
    check(spans[2] == [] and spans[3] == [], "unknown or no language coloured: %s" % spans[2:])
    for c in codes:  # the text is the code, whole
        check("".join(c.itertext()) in ("def f(x):\n    # a note\n    return \"s\" + 1\n",
                                        "#include <stdio.h>\nint main(void) { return 0; }\n",
                                        "plain < text\n", "no language\n"), "code text changed")
    # colours: WCAG AA (4.5:1) on the code background and on white
    css = "".join(root.find(X + "head").find(X + "style").itertext())
    pre_bg = re.search(r"pre \{[^}]*background: (#[0-9a-f]{6})", css).group(1)
    colours = re.findall(r"\.hl-(\w+) \{ color: (#[0-9a-f]{6})", css)
    check(len(colours) == 7, "highlight colours in the stylesheet: %s" % colours)
    for kind, colour in colours:
        for bg in (pre_bg, "#ffffff"):
            ratio = contrast(colour, bg)
            check(ratio >= 4.5, "hl-%s %s on %s: contrast %.2f below 4.5" % (kind, colour, bg, ratio))
    root, text, err = html_of(tmp, "--no-highlight", src=src)
    check("hl-" not in text.split("</style>")[-1], "--no-highlight still colours")
    # EPUB: the same spans and colours, and epubcheck passes
    out = os.path.join(tmp, "code.epub")
    galley(src, "-o", out)
    import zipfile
    z = zipfile.ZipFile(out)
    body = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    sheet = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
    check('<span class="hl-kw">def</span>' in body and ".hl-kw { color:" in sheet, "EPUB not highlighted")
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import validators
    failed = validators.epubcheck([out])
    check(not failed, "epubcheck: %s" % failed)


DIR_DOC = """---
title: Directions
---

# A heading set right {dir=rtl #right}

Text with [שלום עולם, hello]{dir=rtl} and [odd]{dir=sideways} inside, then [back](#right).

Raw <span dir="rtl">עולם</span> HTML.

## Left again {dir=ltr}

Remote <img id="far" src="https://example.com/a.png" alt="a far picture"> and
<img id="gone" src="no-such.png" alt="a lost picture">: see [far](#far) and [lost](#gone).
"""


def validators_module():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import validators
    return validators


def case_direction(tmp):
    """dir from the metadata on the page, a book and a DocBook root; a heading's or
    span's dir on its element; HTML claims no language the document does not give."""
    src = os.path.join(tmp, "dir.md")
    with open(src, "w", encoding="utf-8") as f:
        f.write(DIR_DOC)
    # HTML: no lang without one, the metadata's when given, dir from -M dir
    root, text, _ = html_of(tmp, src=src)
    check(root.get("lang") is None and "lang=" not in text.split("\n")[1], "HTML claims a language: %s" %
          text.split("\n")[1])
    check(root.get("dir") is None, "HTML has a dir the document does not give")
    root, text, _ = html_of(tmp, "-M", "lang=fr", "-M", "dir=rtl", src=src)
    check(root.get("lang") == "fr" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr",
          "HTML takes -M lang: %s" % text.split("\n")[1])
    check(root.get("dir") == "rtl", "HTML takes -M dir on <html>: %s" % text.split("\n")[1])
    h1 = root.find(".//%sh1[@id='right']" % X)
    h2 = root.find(".//%sh2[@id='left-again']" % X)
    spans = root.findall(".//%sspan" % X)
    check(h1.get("dir") == "rtl" and h2.get("dir") == "ltr", "HTML headings carry their dir")
    check(spans[0].get("dir") == "rtl" and spans[1].get("dir") is None and spans[1].get("data-dir") == "sideways",
          "HTML spans carry dir=rtl, and a dir HTML does not know as data-dir")
    # EPUB: dir on every content document, the spine turns right to left, epubcheck clean
    book = os.path.join(tmp, "dir.epub")
    p = galley(src, "-o", book, "-M", "dir=rtl", "-M", "lang=he")
    check(p.stderr.count("not embedded") == 2, "the left-out images are reported: %s" % p.stderr)
    import zipfile
    z = zipfile.ZipFile(book)
    opf = z.read("EPUB/package.opf").decode()
    check(re.search(r'<spine[^>]*page-progression-direction="rtl"', opf), "the spine turns right to left")
    docs = [n for n in z.namelist() if n.endswith(".xhtml")]
    check(docs and all(re.search(r'<html [^>]*dir="rtl"', z.read(n).decode()) for n in docs),
          "every content document has dir=rtl on <html>")
    chapter = "".join(z.read(n).decode() for n in docs if "chapter" in n)
    check('<span dir="rtl">' in chapter and re.search(r'<h1 [^>]*dir="rtl"', chapter),
          "the chapter keeps the span's and heading's dir")
    # images left out keep their ids on the alt text, so the links to them arrive
    check('<span id="far">a far picture</span>' in chapter and '<span id="gone">a lost picture</span>' in chapter,
          "a left-out raw image's id stays on its alt text: %s" % chapter)
    ltr = os.path.join(tmp, "ltr.epub")
    galley(src, "-o", ltr)
    check("page-progression-direction" not in zipfile.ZipFile(ltr).read("EPUB/package.opf").decode(),
          "a book without dir says no page progression")
    validators = validators_module()
    failed = validators.epubcheck([book, ltr])
    check(not failed, "epubcheck: %s" % failed)
    # DocBook: dir on the root, the heading's title and the span's phrase; valid
    db = os.path.join(tmp, "dir.xml")
    galley(src, "-t", "docbook", "-o", db, "-M", "dir=rtl")
    xml = open(db, encoding="utf-8").read()
    check(re.search(r'<article [^>]*dir="rtl"', xml), "DocBook root has dir")
    check('<title dir="rtl">A heading set right</title>' in xml and '<title dir="ltr">Left again</title>' in xml,
          "DocBook titles carry their heading's dir")
    check(xml.count('<phrase dir="rtl">') == 2 and "sideways" not in xml,
          "DocBook phrases (from spans and raw <span dir>) carry dir, an unknown one none")
    report = validators.docbook([db])
    check(report is None, "DocBook validation: %s" % report)


def main():
    global GALLEY, IMAGES
    GALLEY, IMAGES, case = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        try:
            globals()["case_" + case](tmp)
        except Failure as e:
            print("FAIL:", e)
            return 1
    print("ok", case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
