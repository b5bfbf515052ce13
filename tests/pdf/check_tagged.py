#!/usr/bin/env python3
"""Tagged PDF (PDF/UA-1) by default, PDF/A-2b on request, read back with real readers.

poppler's pdfinfo -struct-text shows the structure tree in reading order
(title, headings, lists, tables, figures, captions, notes, links, code,
quotes, contents); every word pdftotext finds is in the tree unless it is an
artifact (page numbers, running heads, the section-break stars); every text
operator of every page is inside marked content, and each MCID and link
annotation leads through the ParentTree to the element that holds it (qpdf's
JSON); figures carry their alt text; the XMP packet parses with xmllint and
says what the Info dictionary says; --pdfa adds the PDF/A identification and
an sRGB output intent; --untagged gives back an untagged PDF; the same input
and SOURCE_DATE_EPOCH give the same bytes.

usage: check_tagged.py GALLEY FEATURE_TOUR_MD RICH_MD WORKDIR
"""
import base64
import collections
import datetime
import json
import os
import re
import subprocess
import sys

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, **kw)


def galley(src, out, *args):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    r = run([GALLEY, src, "-q", "-o", out] + list(args), env=env)
    check(r.returncode == 0 and os.path.exists(out), "galley %s %s: %s" % (os.path.basename(src), " ".join(args), r.stderr.decode()[:300]))
    return out


def pdfinfo(pdf, *args):
    return run(["pdfinfo"] + list(args) + [pdf]).stdout.decode("utf-8")


def info_fields(pdf):
    return dict(re.findall(r"^([A-Za-z ]+):\s+(.*)$", pdfinfo(pdf), re.M))


class Objects:
    """The PDF's objects as qpdf's JSON gives them, streams decoded."""

    def __init__(self, pdf):
        r = run(["qpdf", "--json", "--json-stream-data=inline", "--decode-level=generalized", pdf])
        check(r.returncode == 0, "qpdf --json reads %s" % os.path.basename(pdf))
        d = json.loads(r.stdout)
        self.objs = {}
        for k, v in d["qpdf"][1].items():
            if k.startswith("obj:"):
                self.objs[k[4:]] = v
        self.trailer = d["qpdf"][1]["trailer"]["value"]

    def value(self, ref):
        o = self.objs.get(ref, {})
        if "value" in o:
            return o["value"]
        return o.get("stream", {}).get("dict")

    def data(self, ref):
        s = self.objs.get(ref, {}).get("stream", {})
        return base64.b64decode(s["data"]) if "data" in s else b""

    def get(self, v):
        """A value, through its reference when it is one."""
        if isinstance(v, str) and re.fullmatch(r"\d+ \d+ R", v):
            return self.value(v)
        return v

    def catalog(self):
        return self.value(self.trailer["/Root"])

    def pages(self):
        out, todo = [], [self.catalog()["/Pages"]]
        while todo:
            ref = todo.pop(0)
            node = self.value(ref)
            if node.get("/Type") == "/Page":
                out.append(ref)
            else:
                todo = list(node["/Kids"]) + todo
        return out


def text(v):
    """A PDF text string from qpdf's JSON (u: Unicode, b: bytes)."""
    if v is None:
        return None
    if v.startswith("u:"):
        return v[2:]
    if v.startswith("b:"):
        raw = bytes.fromhex(v[2:])
        return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")
    return v


def struct_text(pdf):
    return pdfinfo(pdf, "-struct-text")


def tree_words(st):
    """Words of the tree's text, and the pairs a string's last and the next string's first word form together."""
    strings = [m for m in re.findall(r'^\s*"(.*)"\s*$', st, re.M)]
    words, glued = [], set()
    for i, s in enumerate(strings):
        # a contents entry's leader dots run into its page number
        words += [w.lstrip(".") if re.fullmatch(r"\.{3,}\d+", w) else w for w in s.split()]
        if i + 1 < len(strings) and s.split() and strings[i + 1].split():
            glued.add(s.split()[-1] + strings[i + 1].split()[0])
    return collections.Counter(words), glued


def heading_words(st):
    """Words of headings (running heads repeat them) and header cells (repeated tables heads)."""
    out = set()
    for m in re.finditer(r'^(\s*)(?:H\d \(block\)|TH:\n\s+/Scope /Column)\n((?:\1\s+".*"\n)+)', st, re.M):
        for s in re.findall(r'"(.*)"', m.group(2)):
            out.update(s.split())
    return out


def check_words(pdf, name):
    """Every word on the pages is in the tree, or an artifact."""
    st = struct_text(pdf)
    tree, glued = tree_words(st)
    page = collections.Counter(w for w in run(["pdftotext", "-enc", "UTF-8", pdf, "-"]).stdout.decode("utf-8").split() if w.strip(".") or len(w) > 3)
    npages = int(info_fields(pdf)["Pages"])
    heads = heading_words(st)
    artifacts = {str(n) for n in range(1, npages + 1)} | heads | {"*\u2003*\u2003*", "***", "*", "\u21aa"}
    # a formula's text on the page is its TeX source (/ActualText), in the tree its glyphs and /Alt
    o = Objects(pdf)
    tex = set(w for v in (o.value(k) for k in o.objs) if isinstance(v, dict) and v.get("/S") == "/Formula"
              for w in text(v.get("/Alt", "u:")).split())
    formula_text = set(w for m in re.finditer(r'^(\s*)Formula\n((?:\1\s+".*"\n)+)', st, re.M)
                       for s in re.findall(r'"(.*)"', m.group(2)) for w in s.split())
    missing = [w for w, n in (page - tree).items() for _ in range(n) if w not in artifacts and w not in glued and w not in tex]
    check(not missing, "%s: every word on the pages is in the structure tree (missing: %s)" % (name, missing[:12]))
    extra = [w for w in (tree - page) if not any(w in g for g in glued) and w not in formula_text]
    check(not extra, "%s: every word of the tree is on the pages (extra: %s)" % (name, extra[:12]))
    check(sum(tree.values()) > 0.9 * sum(page.values()), "%s: the tree holds the text (%d of %d words)" % (name, sum(tree.values()), sum(page.values())))


TOKEN = re.compile(rb"\((?:\\.|[^\\)])*\)|<<|>>|<[0-9A-Fa-f\s]*>|\[|\]|/[^\s/\[\]()<>]+|[^\s/\[\]()<>]+")


def content_marks(data):
    """(operator, MCID or None, depth) for BDC/BMC/EMC and text shows, in order."""
    out, depth, operands = [], 0, []
    for tok in TOKEN.findall(data):
        if tok in (b"BDC", b"BMC"):
            mcid = None
            m = re.search(rb"/MCID (\d+)", b" ".join(operands))
            if tok == b"BDC" and m:
                mcid = int(m.group(1))
            tag = operands[0] if operands else b""
            out.append((tag.decode(), mcid, depth))
            depth += 1
            operands = []
        elif tok == b"EMC":
            depth -= 1
            out.append(("EMC", None, depth))
            operands = []
        elif tok in (b"TJ", b"Tj", b"'", b'"', b"Do", b"f", b"S"):
            out.append((tok.decode(), None, depth))
            operands = []
        elif re.fullmatch(rb"[A-Za-z*']+", tok) and tok not in (b"true", b"false", b"null"):
            operands = []
        else:
            operands.append(tok)
    return out, depth


def check_parent_tree(pdf, name):
    o = Objects(pdf)
    cat = o.catalog()
    check(cat.get("/MarkInfo", {}).get("/Marked") is True, "%s: /MarkInfo /Marked true" % name)
    check(o.get(cat.get("/ViewerPreferences", {})).get("/DisplayDocTitle") is True, "%s: /DisplayDocTitle true" % name)
    check(text(cat.get("/Lang", "")) not in (None, ""), "%s: the catalog has /Lang" % name)
    root = o.get(cat["/StructTreeRoot"])
    nums, limits_ok, todo = [], True, [root["/ParentTree"]]
    while todo:  # the number tree's leaves in order
        node = o.get(todo.pop(0))
        if "/Kids" in node:
            todo = list(o.get(node["/Kids"])) + todo
            continue
        leaf = o.get(node["/Nums"])
        lim = node.get("/Limits")
        limits_ok &= lim is None or (leaf[0] == lim[0] and leaf[-2] == lim[1])
        nums += leaf
    tree = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)}
    keys = nums[0::2]
    check(keys == sorted(keys) and root.get("/ParentTreeNextKey") == len(tree) and limits_ok, "%s: ParentTree keys ascend, leaves' /Limits right, NextKey set" % name)
    bad, unmarked, unbalanced, marks = [], 0, 0, 0
    for pref in o.pages():
        page = o.value(pref)
        check_tabs = page.get("/Tabs") == "/S"
        if not check_tabs:
            bad.append("page %s without /Tabs /S" % pref)
        elems = o.get(tree.get(page.get("/StructParents"), []))
        contents = page["/Contents"]
        data = b"".join(o.data(c) for c in (contents if isinstance(contents, list) else [contents]))
        ops, depth = content_marks(data)
        unbalanced += depth != 0
        for op, mcid, d in ops:
            if op in ("TJ", "Tj", "Do") and d == 0:
                unmarked += 1
            if mcid is None:
                continue
            marks += 1
            elem = o.get(elems[mcid]) if mcid < len(elems) else None
            if not elem:
                bad.append("MCID %d of %s has no element" % (mcid, pref))
                continue
            kids = o.get(elem.get("/K"))
            kids = kids if isinstance(kids, list) else [kids]
            own = elem.get("/Pg") == pref
            found = any((k == mcid and own) or (isinstance(o.get(k), dict) and o.get(k).get("/MCID") == mcid and o.get(k).get("/Pg") == pref) for k in kids)
            if not found or op not in (elem["/S"], "/Span"):
                bad.append("MCID %d of %s: %s not in element %s" % (mcid, pref, op, elem.get("/S")))
        for aref in page.get("/Annots", []):
            a = o.get(aref)
            sp = a.get("/StructParent")
            link = o.get(tree.get(sp)) if sp is not None else None
            if not link or link.get("/S") != "/Link":
                bad.append("annotation %s has no Link element" % aref)
                continue
            kids = o.get(link["/K"])
            if not any(isinstance(o.get(k), dict) and o.get(k).get("/Type") == "/OBJR" and o.get(k).get("/Obj") == aref for k in kids):
                bad.append("annotation %s is not a kid of its Link" % aref)
            if not a.get("/Contents") or a.get("/F") != 4:
                bad.append("annotation %s without /Contents or print flag" % aref)
    check(marks > 0 and not bad, "%s: %d MCIDs and every annotation lead through the ParentTree to their elements %s" % (name, marks, bad[:5]))
    check(unmarked == 0, "%s: every text and image is in marked content (%d outside)" % (name, unmarked))
    check(unbalanced == 0, "%s: BDC/EMC balanced on every page" % name)
    return o


def alts(o):
    return [text(v["/Alt"]) for v in (o.value(k) for k in o.objs) if isinstance(v, dict) and v.get("/S") == "/Figure" and "/Alt" in v]


NS = {"title": "http://purl.org/dc/elements/1.1/", "creator": "http://purl.org/dc/elements/1.1/",
      "description": "http://purl.org/dc/elements/1.1/", "language": "http://purl.org/dc/elements/1.1/",
      "Keywords": "http://ns.adobe.com/pdf/1.3/", "Producer": "http://ns.adobe.com/pdf/1.3/"}


def xmp_field(xmp_file, local):
    ns = NS.get(local, "http://ns.adobe.com/xap/1.0/")
    r = run(["xmllint", "--xpath", "string((//*[local-name()='%s' and namespace-uri()='%s'])[1])" % (local, ns), xmp_file])
    return r.stdout.decode("utf-8").strip()


def pdf_date(s):
    """pdfinfo -isodates' date as a datetime."""
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def check_xmp(pdf, name, pdfa, ua=True):
    xmp = pdf + ".xmp"
    with open(xmp, "wb") as f:
        f.write(run(["pdfinfo", "-meta", pdf]).stdout)
    r = run(["xmllint", "--noout", xmp])
    check(r.returncode == 0 and os.path.getsize(xmp) > 100, "%s: the XMP packet is well-formed XML (xmllint) %s" % (name, r.stderr.decode()[:200]))
    info = dict(re.findall(r"^([A-Za-z ]+):\s+(.*)$", pdfinfo(pdf, "-isodates"), re.M))
    for field, local in (("Title", "title"), ("Author", "creator"), ("Subject", "description"), ("Keywords", "Keywords"), ("Creator", "CreatorTool"), ("Producer", "Producer")):
        check(info.get(field, "") == xmp_field(xmp, local), "%s: XMP %s equals Info %s (%r)" % (name, local, field, xmp_field(xmp, local)))
    for field, local in (("CreationDate", "CreateDate"), ("ModDate", "ModifyDate")):
        check(pdf_date(info[field]) == pdf_date(xmp_field(xmp, local)), "%s: XMP %s equals Info %s" % (name, local, field))
    check(pdf_date(info["CreationDate"]).timestamp() == 1700000000, "%s: the dates come from SOURCE_DATE_EPOCH" % name)
    check(xmp_field(xmp, "language") == text(Objects(pdf).catalog()["/Lang"]), "%s: dc:language is the catalog's /Lang" % name)
    r = run(["xmllint", "--xpath", "string(//*[local-name()='Description']/*[local-name()='part' and namespace-uri()='http://www.aiim.org/pdfua/ns/id/'])", xmp])
    check(r.stdout.decode().strip() == ("1" if ua else ""), "%s: PDF/UA-1 identified when tagged (pdfuaid:part %r)" % (name, r.stdout.decode().strip()))
    r = run(["xmllint", "--xpath", "concat(string(//*[namespace-uri()='http://www.aiim.org/pdfa/ns/id/' and local-name()='part']), string(//*[namespace-uri()='http://www.aiim.org/pdfa/ns/id/' and local-name()='conformance']))", xmp])
    got = r.stdout.decode().strip()
    check(got == ("2B" if pdfa else ""), "%s: PDF/A identification %r" % (name, got))


GALLEY, TOUR, RICH, WORK = sys.argv[1:5]
os.makedirs(WORK, exist_ok=True)

# ---- the feature tour with its contents: the tree in reading order
tour = galley(TOUR, os.path.join(WORK, "tour.pdf"), "--toc")
check(info_fields(tour).get("Tagged") == "yes", "tour: pdfinfo says Tagged: yes")
r = run(["qpdf", "--check", tour])
check(r.returncode == 0 and b"No syntax or stream encoding errors" in r.stdout, "tour: qpdf --check is clean")
st = struct_text(tour)
lines = [l.strip() for l in st.splitlines()]
check(lines[:1] == ["Document"], "tour: the tree's root is a Document")
kinds = collections.Counter(re.sub(r"[: ].*$", "", l) for l in lines if not l.startswith('"'))
for k in ("H1", "H2", "H3", "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD", "Figure", "Caption", "Note", "Link", "Code", "BlockQuote", "TOC", "TOCI"):
    check(kinds[k] > 0, "tour: the tree has %s elements (%d)" % (k, kinds[k]))
check(kinds["H1"] == 1 and '"A Tour of galley\'s Markdown"' in lines[lines.index("H1 (block)") + 1], "tour: the title is the one H1")
order = [st.find(s) for s in ("TOC\n", 'H2 (block)\n    "Why one model"', 'H3 (block)\n    "Inline text"', 'H3 (block)\n    "Lists"', 'H3 (block)\n    "Tables"', "Note <note-1>")]
check(all(i >= 0 for i in order) and order == sorted(order), "tour: contents, the sections in reading order, then the notes %s" % order)
th = re.search(r'TH:\n\s+/Scope /Column\n\s+"Format"', st)
check(th is not None, "tour: the table's header cells are TH")
check(re.search(r'Lbl \(block\)\n\s+"•"\n\s+LBody', st) is not None, "tour: list items are Lbl then LBody")
check(re.search(r'"as its caption\. An inline image such as"\n\s+Figure\n\s+""\n\s+" stays in the flow of the text\."', st) is not None, "tour: an inline image's Figure stands where the image does in its paragraph")
check(re.search(r'Note <note-1> \(inline\)\n\s+Lbl \(block\)\n\s+"1"', st) is not None, "tour: a footnote is a Note with its number as Lbl")
check(re.search(r'P \(block\)\n\s+Code \(inline\)\n\s+"#include <galley/galley.h>"', st) is not None, "tour: a code block is Code in its own P")
o = check_parent_tree(tour, "tour")
figs = alts(o)
check("How a document travels: a reader builds the model, writers render it" in figs and "a small badge" in figs, "tour: figures carry their alt text %s" % figs)
formulas = [text(v["/Alt"]) for v in (o.value(k) for k in o.objs) if isinstance(v, dict) and v.get("/S") == "/Formula"]
check("e^{i\\pi} + 1 = 0" in formulas and re.search(r'Euler’s identity "\n\s+Formula\n\s+".*"\n\s+" sits in the line', st), "tour: formulas are Formula elements with their TeX as /Alt, the text after them kept %s" % formulas)
ths = [v for v in (o.value(k) for k in o.objs) if isinstance(v, dict) and v.get("/S") == "/TH"]
check(ths and all(o.get(t.get("/A", {})).get("/Scope") == "/Column" for t in ths), "tour: header cells have /Scope /Column")
spans = [v for v in (o.value(k) for k in o.objs) if isinstance(v, dict) and v.get("/S") == "/Span"]
check([text(v.get("/Lang")) for v in spans] == ["en"] and "Span (inline)\n" in st, "tour: the span in another language (en in en-GB) is a Span with its /Lang")
notes = [v for v in (o.value(k) for k in o.objs) if isinstance(v, dict) and v.get("/S") == "/Note"]
check(notes and all(v.get("/ID") for v in notes), "tour: every Note has an /ID")
check_words(tour, "tour")
check_xmp(tour, "tour", False)

# ---- a document with a table, footnotes, lists, tasks, code, quotes and links, on A5 with running heads
rich = galley(RICH, os.path.join(WORK, "rich.pdf"), "--paper", "a5", "--number-sections", "--twoside", "--crop-marks")
check_parent_tree(rich, "rich")
check_words(rich, "rich")
st = struct_text(rich)
check(re.search(r'H1 \(block\)\n\s+"Galley\'s Typesetting Test"', st) and re.search(r'H2 \(block\)\n\s+"1\s+Paragraphs and inlines"', st), "rich: title H1, sections H2 with their numbers")
check(st.count("BlockQuote") == 2, "rich: the quote within a quote is a BlockQuote in a BlockQuote")
o = Objects(rich)
lbls = [v for v in (o.value(k) for k in o.objs) if isinstance(v, dict) and v.get("/S") == "/Lbl" and "/ActualText" in v]
check(len(lbls) == 2, "rich: task boxes are labels with their state as /ActualText (%d)" % len(lbls))

# ---- heading levels: from the shallowest used, none skipped (a level-3 heading under a level-1 one is H2)
skip = os.path.join(WORK, "levels.md")
with open(skip, "w", encoding="utf-8") as f:
    f.write("# A\n\ntext\n\n### B\n\ntext\n\n#### C\n\n## D\n")
heads = re.findall(r"^  (H\d) \(block\)", struct_text(galley(skip, os.path.join(WORK, "levels.pdf"))), re.M)
check(heads == ["H1", "H2", "H3", "H2"], "levels: headings H1 H2 H3 H2, no level skipped: %s" % heads)

# ---- a glyph standing for two texts (the fi ligature and U+FB01) needs /ActualText: the text after it stays in the tree
lig = os.path.join(WORK, "ligature.md")
with open(lig, "w", encoding="utf-8") as f:
    f.write("The first \ufb01ne office was fine, and more words follow here.\n")
lig_pdf = galley(lig, os.path.join(WORK, "ligature.pdf"))
check("more words follow here." in struct_text(lig_pdf), "ligature: the words after an /ActualText stretch are in the tree")
check_parent_tree(lig_pdf, "ligature")

# ---- a table over several pages: its header repeated as an artifact, read once
table = galley(os.path.join(os.path.dirname(RICH), "long-table.md"), os.path.join(WORK, "table.pdf"), "--paper", "a5")
check_parent_tree(table, "table")
check_words(table, "table")
st = struct_text(table)
heads = len(re.findall(r"^\s*TH:", st, re.M))
check(int(info_fields(table)["Pages"]) > 2 and heads == 3 and st.count("Table (block)") == 1, "table: one Table, its 3 header cells once though repeated on every page (%d)" % heads)

# ---- PDF/A-2b
pdfa = galley(TOUR, os.path.join(WORK, "tour-a.pdf"), "--pdfa")
with open(pdfa, "rb") as f:
    head = f.read(16)
check(head.startswith(b"%PDF-1.7\n%") and all(b > 127 for b in head[10:14]), "pdfa: a binary comment after the header")
o = check_parent_tree(pdfa, "pdfa")
cat = o.catalog()
intents = [o.get(i) for i in o.get(cat.get("/OutputIntents", []))]
check(len(intents) == 1 and intents[0].get("/S") == "/GTS_PDFA1", "pdfa: one GTS_PDFA1 output intent")
prof = intents[0].get("/DestOutputProfile") if intents else None
check(prof and o.get(prof).get("/N") == 3 and o.data(prof)[36:40] == b"acsp" and o.data(prof)[16:20] == b"RGB ", "pdfa: its profile is an RGB ICC profile")
meta = o.objs[cat["/Metadata"]]["stream"]["dict"]
check(meta.get("/Type") == "/Metadata" and "/Filter" not in meta, "pdfa: the metadata stream is not compressed")
check("/Encrypt" not in o.trailer and len(o.trailer.get("/ID", [])) == 2, "pdfa: no encryption, a file /ID")
fonts = run(["pdffonts", pdfa]).stdout.decode().splitlines()[2:]
check(fonts and all(re.search(r"\byes\s+yes\s+yes\b", l) for l in fonts), "pdfa: every font embedded, subset, with ToUnicode")
check_xmp(pdfa, "pdfa", True)
std = galley(TOUR, os.path.join(WORK, "tour-std.pdf"), "--pdf-standard", "a-2b,ua-1")
check(open(std, "rb").read() == open(pdfa, "rb").read(), "--pdf-standard a-2b,ua-1 is --pdfa")
again = galley(TOUR, os.path.join(WORK, "tour-a2.pdf"), "--pdfa")
check(open(again, "rb").read() == open(pdfa, "rb").read(), "pdfa: the same input and SOURCE_DATE_EPOCH give the same bytes")
r = run([GALLEY, TOUR, "-q", "-o", os.path.join(WORK, "bad.pdf"), "--pdf-standard", "a-3u"])
check(r.returncode == 2 and b"a-3u" in r.stderr, "an unknown standard is a usage error naming it")
r = run([GALLEY, TOUR, "-q", "-o", os.path.join(WORK, "bad.pdf"), "--pdf-standard", "ua-1", "--untagged"])
check(r.returncode == 2 and b"untagged" in r.stderr, "ua-1 with --untagged is a usage error")

# ---- --print: tagged still, no annotations and so no Link elements
pr = galley(TOUR, os.path.join(WORK, "tour-print.pdf"), "--print", "--pdfa")
o = check_parent_tree(pr, "print")
check("Link" not in struct_text(pr) and not any(o.value(p).get("/Annots") for p in o.pages()), "print: no annotations, no Link elements")
check_words(pr, "print")

# ---- --untagged: no tree, no marked content, no XMP
un = galley(TOUR, os.path.join(WORK, "tour-untagged.pdf"), "--untagged")
check(info_fields(un).get("Tagged") == "no" and info_fields(un).get("Metadata Stream") == "no", "untagged: Tagged: no, no metadata stream")
o = Objects(un)
data = b"".join(o.data(c) for p in o.pages() for c in (o.value(p)["/Contents"] if isinstance(o.value(p)["/Contents"], list) else [o.value(p)["/Contents"]]))
check(b"MCID" not in data and b"/Artifact" not in data and b"/StructTreeRoot" not in open(un, "rb").read(), "untagged: no marked content, no structure tree")
check(os.path.getsize(un) < os.path.getsize(tour), "untagged: smaller (%d < %d bytes)" % (os.path.getsize(un), os.path.getsize(tour)))
# PDF/A without tagging: the XMP says PDF/A-2b and not PDF/UA; links still printable
ua = galley(TOUR, os.path.join(WORK, "tour-untagged-a.pdf"), "--untagged", "--pdfa")
check(info_fields(ua).get("Tagged") == "no", "untagged pdfa: Tagged: no")
check_xmp(ua, "untagged pdfa", True, ua=False)
o = Objects(ua)
annots = [o.get(a) for p in o.pages() for a in o.value(p).get("/Annots", [])]
check(annots and all(a.get("/F") == 4 and "/StructParent" not in a for a in annots), "untagged pdfa: annotations printable, outside any structure")

if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("all tagged PDF checks passed")
