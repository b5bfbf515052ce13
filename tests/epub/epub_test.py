#!/usr/bin/env python3
"""EPUB writer checks, run against the real CLI and the real validator.

usage: epub_test.py GALLEY CASE [ARGS...]

Each case is a function below; it raises (or exits non-zero) on failure,
also when what it needs (an input, a reader) is not there.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import validators  # noqa: E402


NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
EPUB_TYPE = "{%s}type" % NS["epub"]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def run_galley(galley, args, env=None, expect=0):
    if env is None:  # the defaults under test, whatever the caller's environment says
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    p = subprocess.run([galley] + args, capture_output=True, text=True, env=env)
    if expect is not None and p.returncode != expect:
        raise Failure("galley %s: exit %d, expected %d\n%s" % (" ".join(args), p.returncode, expect, p.stderr))
    return p


def build(galley, src, out, *extra, env=None, expect=0):
    return run_galley(galley, [src, "-t", "epub", "-o", out] + list(extra), env=env, expect=expect)


# Books to check, copied aside: epubcheck runs once, for all of them, when
# the case has passed its other checks (a Java virtual machine a book cost
# ten seconds of CPU each).
PENDING = []
PENDING_DIR = tempfile.mkdtemp(prefix="galley-epubcheck-")


def epubcheck(path):
    """Has epubcheck check the book at `path` as it is now, at the end of the
    case; the case fails on any fatal, error or warning it counts."""
    copy = os.path.join(PENDING_DIR, "%02d-%s" % (len(PENDING), os.path.basename(path)))
    shutil.copyfile(path, copy)
    PENDING.append(copy)


def run_epubcheck():
    failed = validators.epubcheck(PENDING)
    for path in PENDING:
        if path in failed:
            raise Failure(failed[path])
        print("epubcheck: 0 fatals / 0 errors / 0 warnings for", os.path.basename(path))


class Book:
    """An EPUB opened for inspection."""

    def __init__(self, path):
        self.zip = zipfile.ZipFile(path)
        self.names = self.zip.namelist()
        container = ET.fromstring(self.zip.read("META-INF/container.xml"))
        rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
        self.opf_path = rootfile.get("full-path")
        self.base = os.path.dirname(self.opf_path)
        self.opf = ET.fromstring(self.zip.read(self.opf_path))
        self.manifest = {i.get("id"): i for i in self.opf.findall("opf:manifest/opf:item", NS)}
        self.spine = [self.manifest[r.get("idref")] for r in self.opf.findall("opf:spine/opf:itemref", NS)]

    def path(self, href):
        return self.base + "/" + href if self.base else href

    def read(self, href):
        return self.zip.read(self.path(href))

    def xhtml(self, href):
        return ET.fromstring(self.read(href))

    def chapters(self):
        return [i.get("href") for i in self.spine if i.get("href").startswith("chapter")]

    def metas(self, prop):
        return [m.text for m in self.opf.findall("opf:metadata/opf:meta", NS) if m.get("property") == prop]

    def content_docs(self):
        return [i.get("href") for i in self.manifest.values() if i.get("media-type") == "application/xhtml+xml"]


# ---- cases ------------------------------------------------------------------


def case_epubcheck(galley, src, *extra):
    """epubcheck reports nothing for the book made from SRC."""
    check(os.path.exists(src), "%s not found" % src)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "book.epub")
        p = build(galley, src, out, *extra)
        sys.stderr.write(p.stderr)
        epubcheck(out)
        book = Book(out)
        check(book.chapters(), "no chapter in the spine")
    return 0


def case_epubcheck_many(galley, *specs):
    """epubcheck reports nothing for each book, made from SPEC = SRC[,ARG...]."""
    with tempfile.TemporaryDirectory() as tmp:
        for i, spec in enumerate(specs):
            src, *extra = spec.split(",")
            check(os.path.exists(src), "%s is missing" % src)
            out = os.path.join(tmp, "%d-%s.epub" % (i, os.path.basename(src)))
            p = build(galley, src, out, *extra)
            sys.stderr.write(p.stderr)
            check(Book(out).chapters(), "no chapter in the spine of the book from %s" % spec)
            epubcheck(out)
    return 0


def case_text_sample(galley):
    """The plain-text sample, once the text reader exists."""
    formats = run_galley(galley, ["--list-formats"]).stdout
    check(re.search(r"^text\s+yes\b", formats, re.M), "galley has no 'text' reader")
    return case_epubcheck(galley, os.path.join(ROOT, "samples", "nato-ksf-article.txt"), "-f", "text")


def case_container(galley):
    """mimetype first, stored, no extra field; all entries with the same fixed time."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "book.epub")
        build(galley, os.path.join(DATA, "book.md"), out)
        raw = open(out, "rb").read()
        # the local header of the first entry, byte by byte as OCF requires
        check(raw[:4] == b"PK\x03\x04", "not a zip")
        check(raw[30:38] == b"mimetype", "first entry is not mimetype")
        check(int.from_bytes(raw[8:10], "little") == 0, "mimetype is compressed")
        check(int.from_bytes(raw[28:30], "little") == 0, "mimetype has an extra field in its local header")
        check(raw[38:58] == b"application/epub+zip", "mimetype content is not application/epub+zip at offset 38")
        z = zipfile.ZipFile(out)
        first = z.infolist()[0]
        check(first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED, "mimetype entry")
        check(first.extra == b"", "mimetype has an extra field")
        check(z.testzip() is None, "a corrupt entry")
        times = {i.date_time for i in z.infolist()}
        check(times == {(2024, 3, 15, 0, 0, 0)}, "entry times %s are not the document's date" % times)
        for i in z.infolist()[1:]:
            check(i.compress_type == zipfile.ZIP_DEFLATED, "%s is not deflated" % i.filename)
        book = Book(out)
        check(book.opf.get("unique-identifier") == "pub-id", "unique-identifier")
        ident = book.opf.find("opf:metadata/dc:identifier[@id='pub-id']", NS)
        check(ident is not None and re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", ident.text), "identifier")
        check(ident.text[23] == "5", "identifier is not a version 5 UUID: %s" % ident.text)
        md = book.opf.find("opf:metadata", NS)
        for tag, want in [("title", "The Keeper of Cape Sorrow"), ("language", "en-GB"), ("date", "2024-03-15"),
                          ("publisher", "Galley Test Press")]:
            el = md.find("dc:" + tag, NS)
            check(el is not None and el.text == want, "dc:%s" % tag)
        check([c.text for c in md.findall("dc:creator", NS)] == ["Ada Lindqvist", "Tomas Reyes"], "dc:creator")
        check([c.text for c in md.findall("dc:subject", NS)] == ["lighthouses", "testing", "typography"],
              "dc:subject")
        check(md.find("dc:rights", NS) is not None and md.find("dc:description", NS) is not None, "rights/desc")
        check(book.metas("dcterms:modified") == ["2024-03-15T00:00:00Z"], "dcterms:modified")
        # cover
        cover = [i for i in book.manifest.values() if "cover-image" in (i.get("properties") or "")]
        check(len(cover) == 1 and cover[0].get("media-type") == "image/png", "cover-image item")
        check(book.spine[0].get("href") == "cover.xhtml", "cover page is not first in the spine")
        check(cover[0].get("href").encode() in book.read("cover.xhtml"), "cover page does not show the cover")
        # nav: nested toc and landmarks
        nav = book.xhtml("nav.xhtml")
        navs = {n.get(EPUB_TYPE): n for n in nav.iter("{%s}nav" % NS["x"])}
        check("toc" in navs and "landmarks" in navs, "nav lacks toc or landmarks")
        nested = navs["toc"].findall("x:ol/x:li/x:ol/x:li/x:ol/x:li/x:a", NS)
        check([a.text for a in nested] == ["Duties of the keeper"], "toc is not nested to the heading depth")
        marks = {a.get(EPUB_TYPE) for a in navs["landmarks"].iter("{%s}a" % NS["x"])}
        check({"toc", "bodymatter", "cover"} <= marks, "landmarks: %s" % marks)
        ncx = ET.fromstring(book.read("toc.ncx"))
        uid = [m.get("content") for m in ncx.iter("{%s}meta" % NS["ncx"]) if m.get("name") == "dtb:uid"]
        check(uid == [ident.text], "toc.ncx uid differs from the identifier")
        check(len(list(ncx.iter("{%s}navPoint" % NS["ncx"]))) == 5, "toc.ncx navPoints")
        # language on every content document
        for href in book.content_docs():
            root = book.xhtml(href)
            check(root.get("lang") == "en-GB" and root.get(XML_LANG) == "en-GB", "%s has no language" % href)
        # the title page shows the metadata
        title = book.read("titlepage.xhtml").decode()
        for s in ["The Keeper of Cape Sorrow", "Ada Lindqvist", "Tomas Reyes", "A Short Book for Testing Books"]:
            check(s in title, "title page lacks " + s)
    return 0


def case_footnotes(galley):
    """noteref links, asides at the end of the chapter of the first reference, links back."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "book.epub")
        build(galley, os.path.join(DATA, "book.md"), out)
        book = Book(out)
        ch1, ch2 = book.chapters()
        x1, x2 = book.xhtml(ch1), book.xhtml(ch2)
        asides1 = [a for a in x1.iter("{%s}aside" % NS["x"])]
        asides2 = [a for a in x2.iter("{%s}aside" % NS["x"])]
        check([a.get("id") for a in asides1] == ["fn-1"], "chapter 1 notes: %s" % [a.get("id") for a in asides1])
        check([a.get("id") for a in asides2] == ["fn-2"], "chapter 2 notes")
        for a in asides1 + asides2:
            check(a.get(EPUB_TYPE) == "footnote" and a.get("role") == "doc-footnote", "aside types")
            back = [l for l in a.iter("{%s}a" % NS["x"]) if l.get("role") == "doc-backlink"]
            check(len(back) == 1 and back[0].get("href") == "#fnref-" + a.get("id")[3:], "back link")
            check(back[0].text == a.get("id")[3:] + "." and list(a)[0] is back[0], "note does not open with its number")
        section = x1.find("x:body/x:section", NS)
        check(list(section)[-1].tag.endswith("aside"), "the note is not at the end of its chapter")
        refs = [a for a in x2.iter("{%s}a" % NS["x"]) if a.get(EPUB_TYPE) == "noteref"]
        check([r.get("href") for r in refs] == ["#fn-2", ch1 + "#fn-1"], "noteref hrefs: %s" %
              [r.get("href") for r in refs])
        check(all(r.get("role") == "doc-noteref" for r in refs), "noteref roles")
    return 0


def all_ids(book):
    ids = {}
    for href in book.content_docs():
        ids[href] = {e.get("id") for e in book.xhtml(href).iter() if e.get("id")}
    return ids


def check_links_resolve(book, min_links=1):
    """Every internal link of every content document leads to a file and id of the book."""
    ids = all_ids(book)
    links = 0
    for href in book.content_docs():
        for a in book.xhtml(href).iter("{%s}a" % NS["x"]):
            target = a.get("href")
            if not target or re.match(r"[a-z]+:", target):
                continue
            f, _, frag = target.partition("#")
            f = f or href
            check(f in ids, "%s: link to missing file %s" % (href, target))
            check(not frag or frag in ids[f], "%s: link to missing id %s" % (href, target))
            links += 1
    check(links >= min_links, "too few internal links checked (%d)" % links)
    return ids


IDS_DOC = """---
title: Ids
---

# Foo

<p id="foo">A raw paragraph with the heading's id.</p>

<hr id="bar">

Text with a note.[^1] <span id="only-raw">A raw span.</span>

<hr id="bar">

<p id="fn-1">A raw paragraph with a footnote's id.</p>

<hr id="bar">

# Second

Links: [to foo](#foo), [to bar](#bar), [to the note](#fn-1), [to the span](#only-raw),
<a href="#only-raw">raw link to the span</a>.

[^1]: The note.
"""


def case_ids(galley):
    """Ids from raw HTML share one registry with generated ids: unique, links kept (EPUB, HTML, DocBook)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "ids.md")
        with open(src, "w") as f:
            f.write(IDS_DOC)
        for level in ["0", "1"]:
            out = os.path.join(tmp, "ids%s.epub" % level)
            p = build(galley, src, out, "--split-level", level)
            check("without an href" not in p.stderr, "links lost:\n" + p.stderr)
            if level == "1":  # one run of the validator: the book split in two is the harder case
                epubcheck(out)
            book = Book(out)
            ids = check_links_resolve(book, 6)
            every = [i for h in book.chapters() for i in ids[h]]
            check(len(every) == len(set(every)), "an id repeated across chapters: %s" % every)
            check({"bar", "bar-2", "bar-3", "foo", "foo-2", "fn-1", "fn-1-id", "only-raw"} <= set(every),
                  "ids given out: %s" % sorted(every))
            second = book.read(book.chapters()[-1]).decode()
            check(re.search(r'href="[^"]*#only-raw"[^>]*>raw link', second), "raw link to a raw id lost")
            check(re.search(r'href="[^"]*#foo">to foo', second), "link to the heading lost")
        # the same registry for HTML
        html = os.path.join(tmp, "ids.html")
        run_galley(galley, [src, "-o", html])
        root = ET.parse(html).getroot()
        got = [e.get("id") for e in root.iter() if e.get("id")]
        check(len(got) == len(set(got)), "HTML: repeated ids %s" % got)
        html_links = {}  # link text -> the element (tag, text) it leads to
        by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
        for a in root.iter("{%s}a" % NS["x"]):
            target = a.get("href") or ""
            check(not target.startswith("#") or target[1:] in got, "HTML: link to missing id %s" % target)
            if target.startswith("#") and a.text and a.text.startswith(("to ", "raw link")):
                html_links[a.text] = target[1:]
        # and for DocBook
        dbks = [os.path.join(tmp, "ids-%s.xml" % r) for r in ["article", "book"]]
        for dbk, root_name in zip(dbks, ["article", "book"]):
            run_galley(galley, [src, "-o", dbk, "--docbook-root", root_name])
        for schema in ["/usr/share/xml/docbook/schema/rng/5.0/docbook.rng",
                       "/usr/share/xml/docbook/schema/schematron/5.0/docbook.sch"]:
            v = subprocess.run(["jing", schema] + dbks, capture_output=True, text=True)
            check(v.returncode == 0, "DocBook invalid:\n%s" % v.stdout)
        # and DocBook: the same ids as HTML (less the references' "fnref-N", which DocBook has no element
        # for), on the DocBook elements the raw ones become (an anchor for <hr>); the same links
        html_ids = set(got) - {i for i in got if i.startswith("fnref-")}
        check(html_ids == {"foo", "foo-2", "bar", "bar-2", "bar-3", "fn-1", "fn-1-id", "only-raw", "second"},
              "HTML ids %s" % sorted(html_ids))
        check(set(html_links.values()) == {"foo", "bar", "fn-1", "only-raw"}, "HTML links %s" % html_links)
        xml_id = "{http://www.w3.org/XML/1998/namespace}id"
        holders = {"foo": "section", "foo-2": "para", "bar": "anchor", "bar-2": "anchor", "bar-3": "anchor",
                   "fn-1": "footnote", "fn-1-id": "para", "only-raw": "phrase", "second": "section"}
        for dbk in dbks:
            root = ET.parse(dbk).getroot()
            ids = {e.get(xml_id): e for e in root.iter() if e.get(xml_id)}
            every = [e.get(xml_id) for e in root.iter() if e.get(xml_id)]
            check(len(every) == len(set(every)), "DocBook: repeated ids %s" % every)
            check(set(ids) == html_ids, "DocBook ids %s, HTML's %s" % (sorted(ids), sorted(html_ids)))
            for i, name in holders.items():
                want = ("chapter", "section") if name == "section" else (name,)
                check(i in ids and ids[i].tag.split("}")[1] in want,
                      "DocBook: %s on %s" % (i, ids[i].tag if i in ids else None))
            links = {e.text: e.get("linkend") for e in root.iter("{http://docbook.org/ns/docbook}link")}
            check(links == html_links, "DocBook links %s, HTML's %s" % (links, html_links))
    return 0


EVIL_SVG = """<?xml version="1.0"?>
<?xml-stylesheet href="https://evil.example/x.css"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40"
 onload="alert(1)"><script>alert(2)</script><style>@import url(https://evil.example/a.css);</style>
<rect width="40" height="40" onclick="x()" fill="navy"/>
<image xlink:href="https://evil.example/p.png" width="10" height="10"/>
<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>
<a href="javascript:alert(3)"><text y="20">t</text></a></svg>
"""


def png_bytes(w, h):
    """A grey PNG of w x h pixels, made here so the test needs no image tool."""
    import struct
    import zlib
    raw = b"".join(b"\x00" + bytes((x ^ y) & 0xFF for x in range(w)) for y in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def nav_parts(book):
    nav = book.xhtml("nav.xhtml")
    navs = {n.get(EPUB_TYPE): n for n in nav.iter("{%s}nav" % NS["x"])}
    toc = [a.text for a in navs["toc"].iter("{%s}a" % NS["x"])]
    marks = {a.get(EPUB_TYPE): (a.text, a.get("href")) for a in navs["landmarks"].iter("{%s}a" % NS["x"])}
    return navs["toc"].find("x:h1", NS).text, toc, marks


def case_generated(galley):
    """Localized generated text, splitting, front matter, SVG, image paragraphs, huge images, no cover."""
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "evil.svg"), "w") as f:
            f.write(EVIL_SVG)
        with open(os.path.join(tmp, "big.png"), "wb") as f:
            f.write(png_bytes(2400, 1800))
        shutil.copy(os.path.join(DATA, "plate.png"), tmp)
        src = os.path.join(tmp, "livre.md")
        with open(src, "w") as f:
            f.write("---\ntitle: Livre\nlang: fr-CA\ncover-image: absente.png\n---\n\nAvant-propos sans titre.\n\n"
                    "## Premier\n\n![Un dessin](evil.svg)\n\n![](plate.png)\n\n[![lien](plate.png)](https://example.org)"
                    "\n\n## Second\n\n![grand](big.png)\n\nUne [cible absente](#nulle-part).[^1]\n\n[^1]: Note.\n")
        out = os.path.join(tmp, "livre.epub")
        p = build(galley, src, out, "--max-image-size", "600")
        err = p.stderr
        check(re.search(r"cover image 'absente.png' not embedded: no such file; the book has no cover", err),
              "no warning that the book has no cover:\n" + err)
        check(re.search(r"livre\.md:\d+:1: warning: image 'evil.svg': \d+ script", err), "SVG cleaning not reported")
        epubcheck(out)
        book = Book(out)
        # split at the shallowest level used (##), the text before it is front matter
        check(len(book.chapters()) == 3, "chapters: %s" % book.chapters())
        title, toc, marks = nav_parts(book)
        check(title == "Table des matières" and toc == ["Pages liminaires", "Premier", "Second"], "toc %s %s" %
              (title, toc))
        toc_nav = [n for n in book.xhtml("nav.xhtml").iter("{%s}nav" % NS["x"]) if n.get(EPUB_TYPE) == "toc"][0]
        top = [a.text for a in toc_nav.findall("x:ol/x:li/x:a", NS)]
        check(top == toc, "the front matter entry is not beside the chapters: %s" % top)
        check(marks["bodymatter"] == ("Début du contenu", book.chapters()[1]), "landmarks %s" % marks)
        check(marks["titlepage"][0] == "Page de titre", "landmarks %s" % marks)
        front = book.xhtml(book.chapters()[0])
        check(front.find("x:body", NS).get(EPUB_TYPE) == "frontmatter", "front matter marked as body matter")
        summary = book.metas("schema:accessibilitySummary")[0]
        check(summary.startswith("Cette publication") and "1 de ses 4 images" in summary, "summary: " + summary)
        check(book.metas("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"], "conformsTo")
        second = book.read(book.chapters()[2]).decode()
        check('aria-label="Retour à l’appel de note 1"' in second, "note back link not localized")
        first = book.read(book.chapters()[1]).decode()
        check('<figcaption aria-hidden="true">Un dessin</figcaption>' in first, "figcaption read twice")
        check(first.count('<p class="image">') == 2, "paragraphs holding only an image: %s" % first)
        sheet = book.read("css/book.css").decode()
        check("a:not([href])" in sheet and "p.image img" in sheet and "> h6:first-child" in sheet, "stylesheet")
        # the SVG lost what runs or fetches
        svg = [i.get("href") for i in book.manifest.values() if i.get("media-type") == "image/svg+xml"]
        text = book.read(svg[0]).decode()
        for bad in ["script", "onload", "onclick", "evil.example", "foreignObject", "javascript", "<!DOCTYPE", "<?xml-"]:
            check(bad not in text, "%s left in the SVG" % bad)
        ET.fromstring(text)
        # the huge image, scaled to fit 600 pixels
        pngs = [book.read(i.get("href")) for i in book.manifest.values() if i.get("media-type") == "image/png"]
        sizes = sorted((int.from_bytes(d[16:20], "big"), int.from_bytes(d[20:24], "big")) for d in pngs)
        check((600, 450) in sizes, "big.png not scaled to 600x450: %s" % sizes)
        # without the option, a warning; -M toc-title; English grammar for one image without alt text
        p = build(galley, src, out, "-M", "toc-title=Sommaire", "-M", "lang=en")
        check(re.search(r"warning: image 'big.png' is 2400x1800 pixels", p.stderr), "no warning for a huge image")
        book = Book(out)
        check(nav_parts(book)[0] == "Sommaire", "toc-title ignored")
        check(nav_parts(book)[1][0] == "Front Matter", "front matter entry")
        summary = book.metas("schema:accessibilitySummary")[0]
        check("; 1 of its 4 images lacks alternative text" in summary, "summary: " + summary)
        p = build(galley, src, out, "--max-image-size", "ten", expect=2)
        check("--max-image-size" in p.stderr, "no message for a bad --max-image-size")
        # a chapter file over 300 KB is reported
        long_src = os.path.join(tmp, "long.md")
        with open(long_src, "w") as f:
            f.write("# One\n\n" + ("A sentence long enough to fill a chapter quickly. " * 8 + "\n\n") * 900)
        p = build(galley, long_src, out)
        check(re.search(r"chapter1\.xhtml is \d+ KB; reading systems are slow", p.stderr), "no warning for a large chapter")
    return 0


def case_links(galley):
    """Every internal link resolves to a file and id of the book, at any split level."""
    with tempfile.TemporaryDirectory() as tmp:
        counts = {}
        for level in ["0", "1", "2", "3"]:
            out = os.path.join(tmp, "book%s.epub" % level)
            build(galley, os.path.join(DATA, "book.md"), out, "--split-level", level)
            book = Book(out)
            counts[level] = len(book.chapters())
            check_links_resolve(book, min_links=8)
            storm = "#the-storm"
            hrefs = [a.get("href") for h in book.chapters() for a in book.xhtml(h).iter("{%s}a" % NS["x"])]
            check(any(h and h.endswith(storm) for h in hrefs), "link to the storm chapter lost")
        check(counts == {"0": 1, "1": 2, "2": 4, "3": 5}, "chapters per split level: %s" % counts)
        p = build(galley, os.path.join(DATA, "book.md"), os.path.join(tmp, "bad.epub"), "--split-level", "9",
                  expect=2)
        check("split-level" in p.stderr, "no message for a bad --split-level")
        check(not os.path.exists(os.path.join(tmp, "bad.epub")), "output left behind after a usage error")
    return 0


def case_reproducible(galley):
    """Byte-identical output across runs and time zones; SOURCE_DATE_EPOCH honoured."""
    src = os.path.join(DATA, "book.md")
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for i, tz in enumerate(["UTC", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Kiritimati"]):
            env = dict(os.environ, TZ=tz)
            env.pop("SOURCE_DATE_EPOCH", None)
            out = os.path.join(tmp, "b%d.epub" % i)
            build(galley, src, out, env=env)
            outs.append(open(out, "rb").read())
        check(all(o == outs[0] for o in outs), "builds differ between runs or time zones")
        env = dict(os.environ, TZ="Europe/Berlin", SOURCE_DATE_EPOCH="1700000000")
        a, b = os.path.join(tmp, "s1.epub"), os.path.join(tmp, "s2.epub")
        build(galley, src, a, env=env)
        build(galley, src, b, env=dict(env, TZ="Australia/Sydney"))
        check(open(a, "rb").read() == open(b, "rb").read(), "SOURCE_DATE_EPOCH builds differ")
        check(open(a, "rb").read() != outs[0], "SOURCE_DATE_EPOCH ignored")
        book = Book(a)
        check(book.metas("dcterms:modified") == ["2023-11-14T22:13:20Z"], "dcterms:modified from SOURCE_DATE_EPOCH")
        check({i.date_time for i in book.zip.infolist()} == {(2023, 11, 14, 22, 13, 20)}, "zip times")
        # the identifier follows the content, and the metadata's wins
        ident = book.opf.find("opf:metadata/dc:identifier", NS).text
        changed = os.path.join(tmp, "changed.md")
        shutil.copy(os.path.join(DATA, "plate.png"), tmp)
        shutil.copy(os.path.join(DATA, "cover.png"), tmp)
        with open(src) as f, open(changed, "w") as g:
            g.write(f.read().replace("hundred and twelve", "hundred and thirteen"))
        c = os.path.join(tmp, "c.epub")
        build(galley, changed, c, env=env)
        check(Book(c).opf.find("opf:metadata/dc:identifier", NS).text != ident, "identifier ignores the content")
        build(galley, changed, c, "-M", "identifier=urn:isbn:9780000000002", env=env)
        check(Book(c).opf.find("opf:metadata/dc:identifier", NS).text == "urn:isbn:9780000000002",
              "metadata identifier not used")
        epubcheck(c)
    return 0


def a11y_facts(book):
    """What the content really holds."""
    imgs, headings = [], 0
    for href in book.chapters():
        for e in book.xhtml(href).iter():
            if e.tag == "{%s}img" % NS["x"]:
                imgs.append(e.get("alt"))
            elif re.fullmatch(r"\{%s\}h[1-6]" % re.escape(NS["x"]), e.tag):
                headings += 1
    nav = book.xhtml("nav.xhtml")
    toc = [n for n in nav.iter("{%s}nav" % NS["x"]) if n.get(EPUB_TYPE) == "toc"]
    return imgs, headings, bool(toc)


def check_a11y(book):
    imgs, headings, toc = a11y_facts(book)
    cover = any("cover-image" in (i.get("properties") or "") for i in book.manifest.values())
    modes = set(book.metas("schema:accessMode"))
    sufficient = set(book.metas("schema:accessModeSufficient"))
    features = set(book.metas("schema:accessibilityFeature"))
    check(book.metas("schema:accessibilityHazard") == ["none"], "hazard")
    summary = book.metas("schema:accessibilitySummary")
    check(len(summary) == 1 and len(summary[0]) > 40, "summary")
    check("textual" in modes, "accessMode textual")
    check(("visual" in modes) == bool(imgs or cover), "accessMode visual does not match the images")
    with_alt = [a for a in imgs if a and a.strip()]
    check(("textual" in sufficient) == (len(with_alt) == len(imgs)), "accessModeSufficient textual is untrue")
    check(("alternativeText" in features) == (bool(imgs) and len(with_alt) == len(imgs)), "alternativeText claim")
    check(("structuralNavigation" in features) == (headings > 0), "structuralNavigation claim")
    check(("tableOfContents" in features) == toc, "tableOfContents claim")
    check("readingOrder" in features, "readingOrder")
    return imgs, features


def case_accessibility(galley):
    """The accessibility metadata says what the book holds, no more."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "book.epub")
        build(galley, os.path.join(DATA, "book.md"), out)
        imgs, features = check_a11y(Book(out))
        check(imgs and "alternativeText" in features, "the test book should claim alternative text")
        # an image without alt text and no headings: fewer claims
        shutil.copy(os.path.join(DATA, "plate.png"), tmp)
        src = os.path.join(tmp, "bare.md")
        with open(src, "w") as f:
            f.write("---\ntitle: Bare\nlang: fr\n---\n\nTexte seul.\n\n![](plate.png)\n")
        build(galley, src, out)
        book = Book(out)
        imgs, features = check_a11y(book)
        check(imgs == [""] and "alternativeText" not in features, "empty alt text claimed as alternative text")
        check("structuralNavigation" not in features, "structural navigation claimed without headings")
        check(book.opf.find("opf:metadata/dc:language", NS).text == "fr", "language")
        epubcheck(out)
        # no images at all: textual only
        with open(src, "w") as f:
            f.write("# Un\n\nTexte.\n\n# Deux\n\nPlus.\n")
        build(galley, src, out)
        book = Book(out)
        imgs, features = check_a11y(book)
        check(set(book.metas("schema:accessMode")) == {"textual"}, "visual claimed without images")
    return 0


def case_sanitize(galley):
    """Raw HTML comes out well-formed and without script, iframe, on* or javascript:."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "raw.md")
        with open(src, "w") as f:
            f.write("# Raw\n\n<div onclick=\"steal()\"><p>Kept <b>bold<i>unclosed</p>"
                    "<script>alert(1)</script><iframe src=\"https://evil.example\"></iframe></div>\n\n"
                    "A [link](javascript:alert(1)) and <a href=\"JaVaScRiPt:alert(2)\" onmouseover=\"x()\">"
                    "another</a> and <img src=\"x\" onerror=\"y()\" alt=\"\"/>.\n\n"
                    "<style>body{display:none}</style><object data=\"a.swf\"></object>"
                    "<marquee>moving</marquee>\n")
        out = os.path.join(tmp, "raw.epub")
        p = build(galley, src, out)
        check("removed from raw HTML" in p.stderr, "no warning about removed active content")
        book = Book(out)
        for href in book.chapters():
            text = book.read(href).decode()
            ET.fromstring(text)  # well-formed
            low = text.lower()
            for bad in ["<script", "<iframe", "javascript:", "onclick", "onmouseover", "onerror", "<object",
                        "<style", "<marquee"]:
                check(bad not in low, "%s survived in %s" % (bad, href))
            check("Kept" in text and "bold" in text and "moving" in text, "text of raw HTML lost")
    return 0


def case_images(galley):
    """Missing, unreadable, foreign and escaping images: warnings with locations, alt text, a valid book."""
    with tempfile.TemporaryDirectory() as tmp:
        doc = os.path.join(tmp, "doc")
        outside = os.path.join(tmp, "outside")
        os.makedirs(os.path.join(doc, "img"))
        os.makedirs(outside)
        for d in (doc, outside):
            shutil.copy(os.path.join(DATA, "plate.png"), d)
        shutil.copy(os.path.join(DATA, "plate.png"), os.path.join(doc, "img", "a b.png"))
        os.symlink(os.path.join(outside, "plate.png"), os.path.join(doc, "link.png"))
        os.symlink(os.path.join(doc, "plate.png"), os.path.join(doc, "inner.png"))
        with open(os.path.join(doc, "fake.png"), "w") as f:
            f.write("not an image\n")
        with open(os.path.join(doc, "pic.svg"), "w") as f:
            f.write('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                    '<rect width="10" height="10"/></svg>\n')
        gif = os.path.join(doc, "dot.gif")
        with open(gif, "wb") as f:
            f.write(b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
                    b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
        shutil.copy(os.path.join(DATA, "photo.jpg"), os.path.join(doc, "photo.jpeg"))
        unreadable = os.path.join(doc, "secret.png")
        shutil.copy(os.path.join(DATA, "plate.png"), unreadable)
        os.chmod(unreadable, 0)
        lines = [
            "# Images",  # 1
            "",
            "![missing picture](nothere.png)",  # 3
            "",
            "![escaping picture](../outside/plate.png)",  # 5
            "",
            "![absolute picture](%s)" % os.path.join(outside, "plate.png"),  # 7
            "",
            "![linked out](link.png)",  # 9
            "",
            "![not an image](fake.png)",  # 11
            "",
            "![remote](https://example.org/x.png)",  # 13
            "",
            "Fine: ![inside](plate.png) ![spaced](img/a%20b.png) ![inner link](inner.png)",  # 15
            "![vector](pic.svg) ![dot](dot.gif) ![photo](photo.jpeg) ![hidden](secret.png)",  # 16
            "",
            '<p>Raw <img src="plate.png" alt="raw inside"> <img src="../outside/./plate.png" alt="raw out"></p>',  # 18
        ]
        src = os.path.join(doc, "images.md")
        with open(src, "w") as f:
            f.write("\n".join(lines) + "\n")
        out = os.path.join(tmp, "images.epub")
        p = build(galley, src, out)
        err = p.stderr
        expect = [("3:1", "nothere.png", "no such file"), ("5:1", "../outside/plate.png", "outside"),
                  ("7:1", "outside/plate.png", "outside"), ("9:1", "link.png", "outside"),
                  ("11:1", "fake.png", "not PNG"), ("13:1", "x.png", "not a local file"), ("18:1", "../outside/./plate.png", "outside")]
        for loc, name, why in expect:
            check(re.search(r"images\.md:%s: warning: image '[^']*%s' not embedded: [^\n]*%s" %
                            (loc, re.escape(name), why), err), "no warning for %s at %s:\n%s" % (name, loc, err))
        if os.geteuid() != 0:  # root reads anything
            check("secret.png" in err, "no warning for an unreadable image")
        book = Book(out)
        text = b"".join(book.read(h) for h in book.chapters()).decode()
        for alt in ["missing picture", "escaping picture", "absolute picture", "linked out", "not an image",
                    "remote", "raw out"]:
            check(alt in text and 'alt="%s"' % alt not in text, "alt text of '%s' not kept as text" % alt)
        types = sorted(i.get("media-type") for i in book.manifest.values() if i.get("href").startswith("images/"))
        # inner.png (a link to plate.png), img/a b.png and secret.png (when root reads it) hold
        # plate.png's bytes: packed once
        want = ["image/gif", "image/jpeg", "image/png", "image/svg+xml"]
        check(types == sorted(want), "embedded images: %s" % types)
        check(text.count("<img ") == 7 + (os.geteuid() == 0), "img elements: %d" % text.count("<img "))
        check(re.search(r'<img src="images/image-\d+\.png" alt="raw inside"', text), "raw image not embedded")
        check(not any(n.endswith("outside/plate.png") for n in book.names), "escaping image embedded")
        epubcheck(out)
        # --resource-path allows the outside folder
        p = build(galley, src, out, "--resource-path", outside)
        check("../outside/plate.png' not embedded" not in p.stderr, "--resource-path not honoured:\n" + p.stderr)
        check("link.png' not embedded" not in p.stderr, "--resource-path not honoured for a link")
        check("nothere.png' not embedded" in p.stderr, "missing image not reported with --resource-path")
    return 0


def case_css(galley):
    """--css adds to the default stylesheet; a missing one is an input error."""
    with tempfile.TemporaryDirectory() as tmp:
        css = os.path.join(tmp, "extra.css")
        with open(css, "w") as f:
            f.write("p { color: #123456; }\n")
        out = os.path.join(tmp, "b.epub")
        build(galley, os.path.join(DATA, "book.md"), out, "--css", css)
        sheet = Book(out).read("css/book.css").decode()
        check("hyphens: auto" in sheet and "text-indent: 1em" in sheet, "default stylesheet missing")
        check(sheet.rstrip().endswith("p { color: #123456; }"), "--css not appended")
        p = build(galley, os.path.join(DATA, "book.md"), out, "--css", os.path.join(tmp, "none.css"), expect=1)
        check("none.css" in p.stderr, "no message for a missing stylesheet")
    return 0


def case_edges(galley):
    """Heading levels that jump, notes cited from notes, an SVG cover, an empty document."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "jumps.md")
        with open(os.path.join(tmp, "c.svg"), "w") as f:
            f.write('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="90">'
                    '<rect width="60" height="90" fill="navy"/></svg>\n')
        with open(src, "w") as f:
            f.write("---\ntitle: Jumps\ncover-image: c.svg\n---\n\n### Deep first\n\nText [x](#deep-first)."
                    "\n\n# Next\n\n##### Five\n\n## Two\n\nText.[^a]\n\n[^a]: A note citing another.[^b]\n"
                    "[^b]: The inner note.\n")
        out = os.path.join(tmp, "jumps.epub")
        build(galley, src, out)
        book = Book(out)
        toc = [n for n in book.xhtml("nav.xhtml").iter("{%s}nav" % NS["x"]) if n.get(EPUB_TYPE) == "toc"][0]
        top = [li.find("x:a", NS).text for li in toc.findall("x:ol/x:li", NS)]
        inner = [li.find("x:a", NS).text for li in toc.findall("x:ol/x:li/x:ol/x:li", NS)]
        check(top == ["Deep first", "Next"] and inner == ["Five", "Two"], "toc nesting: %s %s" % (top, inner))
        check(all(len(li.findall("x:ol", NS)) <= 1 for li in toc.iter("{%s}li" % NS["x"])), "two lists in an item")
        last = book.xhtml(book.chapters()[-1])
        check([a.get("id") for a in last.iter("{%s}aside" % NS["x"])] == ["fn-1", "fn-2"],
              "a note cited from a note is not in its chapter")
        cover = [i for i in book.manifest.values() if "cover-image" in (i.get("properties") or "")]
        check(cover and cover[0].get("media-type") == "image/svg+xml", "SVG cover")
        epubcheck(out)
        empty = os.path.join(tmp, "empty.md")
        open(empty, "w").close()
        build(galley, empty, out)
        book = Book(out)
        check(book.chapters() == [] and [i.get("href") for i in book.spine] == ["titlepage.xhtml", "nav.xhtml"],
              "spine of an empty book")
        check(book.opf.find("opf:metadata/dc:title", NS).text == "empty", "title of an untitled book")
        # a title taken from the first heading is set once, on the title page; a free-form date is left out
        titled = os.path.join(tmp, "titled.md")
        with open(titled, "w") as f:
            f.write("---\ndate: spring 2024\n---\n\n# The Real Title\n\nOpening words.\n\n# Part Two\n\n"
                    "[Back to the title](#the-real-title).\n")
        p = build(galley, titled, out)
        check(re.search(r"date 'spring 2024' is not of the form YYYY-MM-DD", p.stderr), "no warning for the date")
        book = Book(out)
        check(book.opf.find("opf:metadata/dc:date", NS) is None, "a free-form dc:date")
        check(book.metas("dcterms:modified") == ["1980-01-01T00:00:00Z"], "default timestamp")
        check("The Real Title" in book.read("titlepage.xhtml").decode(), "title page")
        first = book.read(book.chapters()[0]).decode()
        check("Opening words" in first and "<h1" not in first, "the title heading is repeated in the text")
        check('href="titlepage.xhtml"' in book.read(book.chapters()[1]).decode(), "link to the title heading")
        epubcheck(out)
        check(len(book.chapters()) == 2, "chapters of a titled book")
        # language tags: en_US mended, a phrase refused
        for given, want in [("en_US", "en-US"), ("English language", "en"), ("x-klingon", "x-klingon")]:
            build(galley, titled, out, "-M", "lang=" + given)
            book = Book(out)
            check(book.opf.find("opf:metadata/dc:language", NS).text == want, "lang %s" % given)
            check(book.xhtml(book.chapters()[0]).get("lang") == want, "chapter lang %s" % given)
    return 0


CASES = {
    "generated": case_generated,
    "ids": case_ids,
    "edges": case_edges,
    "epubcheck": case_epubcheck,
    "epubcheck_many": case_epubcheck_many,
    "text_sample": case_text_sample,
    "container": case_container,
    "footnotes": case_footnotes,
    "links": case_links,
    "reproducible": case_reproducible,
    "accessibility": case_accessibility,
    "sanitize": case_sanitize,
    "images": case_images,
    "css": case_css,
}


def main():
    galley, case, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        rc = CASES[case](galley, *args)
        if rc == 0:
            run_epubcheck()
        return rc
    except Failure as e:
        print("FAIL:", e)
        return 1
    finally:
        shutil.rmtree(PENDING_DIR, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
