"""Nothing lost: the character data of the DocBook output equals the text of
the HTML output of the same input, up to white space.

usage: nothing_lost.py GALLEY INPUT [galley reader options...]

What is compared, and what is set apart on purpose:
  * White space is ignored entirely (both sides with all of it removed).
  * Footnotes: HTML lists them at the end, DocBook writes each at its
    reference. Both main texts are compared without the notes, and the notes
    are compared as a multiset of their texts. Note numbers (HTML's <sup>
    links) and the back-links are markup, not content.
  * Raw HTML: DocBook writes its text too (as paragraphs, links, phrases,
    tables ...). Elements whose content is code or a form control (script,
    style, template, title, textarea, select) show no text in DocBook, and
    are not counted on the HTML side either. Raw DocBook ({=docbook}) shows
    only in DocBook: its text is cut from the DocBook side.
  * Thematic breaks are left out of DocBook; they carry no text in HTML either.
  * Images: the alt text is an attribute in HTML and a <textobject> in
    DocBook; both count as text at the image's place.
  * Task items: HTML's checkbox counts as the ☐/☒ mark DocBook writes.
  * The DocBook <info>: publisher, legalnotice, keywordset, biblioid and cover are not shown by
    the HTML page and are left out; when the HTML has no title block (the
    title is the first heading, kept in the HTML body), only the info title
    counts, standing in for that heading; and none when the document has no
    title (DocBook's article then takes one from its first heading or words).
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

XHTML = "{http://www.w3.org/1999/xhtml}"
DB = "{http://docbook.org/ns/docbook}"


def galley(args):
    proc = subprocess.run([GALLEY, "-q", *args], capture_output=True)
    if proc.returncode != 0:
        sys.exit(f"galley {' '.join(args)} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def squeeze(text):
    return "".join(text.split())


def walk_text(elem, visit):
    """Appends text in document order; visit(elem) returns False to skip an element's content."""
    out = []
    stack = [(elem, False)]
    while stack:
        node, done = stack.pop()
        if done:
            if node.tail and node is not elem:
                out.append(node.tail)
            continue
        stack.append((node, True))
        if node is not elem and visit(node, out) is False:
            continue
        if node.text:
            out.append(node.text)
        for child in reversed(list(node)):
            stack.append((child, False))
    return "".join(out)


# ---- HTML -----------------------------------------------------------------

def html_texts(data):
    root = ET.fromstring(data)
    body = root.find(XHTML + "body")
    notes = []
    has_title_block = False

    def visit(node, out):
        nonlocal has_title_block
        tag, cls = node.tag, node.get("class", "")
        if tag == XHTML + "section" and "footnotes" in cls:
            for li in node.findall(f"{XHTML}ol/{XHTML}li"):
                notes.append(squeeze(walk_text(li, visit)))
            return False
        if tag == XHTML + "sup" and "footnote-ref" in cls:
            return False
        if tag == XHTML + "p" and "footnote-back" in cls:
            return False
        if tag == XHTML + "header" and "title-block" in cls:
            has_title_block = True
        if tag == XHTML + "img":
            out.append(node.get("alt", ""))
        if tag == XHTML + "input" and node.get("type") == "checkbox":
            out.append("\u2612" if node.get("checked") is not None else "\u2610")
        if tag[len(XHTML):] in NO_TEXT:
            return False
        return True

    main = squeeze(walk_text(body, visit))
    return main, sorted(notes), has_title_block


# raw HTML elements whose content DocBook leaves out: code and form controls
NO_TEXT = {"script", "style", "template", "title", "textarea", "select"}


class TextOf(HTMLParser):
    """The text a browser shows for a piece of raw HTML (comments and scripts excluded)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def raw_docbook_texts(model):
    """The text of raw DocBook ({=docbook}), which only the DocBook output shows."""
    texts, stack = [], [model["document"]]
    while stack:
        node = stack.pop()
        if node["type"] in ("raw_block", "raw_inline") and node.get("format") == "docbook":
            text = squeeze("".join(ET.fromstring(f"<r>{node['text']}</r>").itertext()))
            if text:
                texts.append(text)
        stack.extend(reversed(node.get("children", [])))
    return texts


def cut(main, texts):
    pos = 0
    for text in texts:
        at = main.find(text, pos)
        if at < 0:
            sys.exit(f"raw DocBook text {text[:80]!r} not found in the DocBook output")
        main = main[:at] + main[at + len(text):]
        pos = at
    return main


def raw_html_texts(model):
    texts, stack = [], [model["document"]]
    while stack:
        node = stack.pop()
        if node["type"] in ("raw_block", "raw_inline") and node.get("format", "html") == "html":
            p = TextOf()
            p.feed(node["text"])
            p.close()
            if squeeze("".join(p.parts)):
                texts.append(squeeze("".join(p.parts)))
        stack.extend(reversed(node.get("children", [])))
    return texts


# ---- DocBook --------------------------------------------------------------

def docbook_texts(data, has_title_block, has_title):
    root = ET.fromstring(data)
    notes = []
    hidden = {DB + "publisher", DB + "legalnotice", DB + "keywordset", DB + "biblioid", DB + "cover"}

    def visit(node, out):
        if node.tag == DB + "alt":
            return False  # an equation's TeX: HTML holds it in the alttext attribute
        if node.tag == DB + "footnote":
            notes.append(squeeze(walk_text(node, visit)))
            return False
        if node.tag == DB + "info":
            for child in node:
                if child.tag in hidden or (not has_title_block and child.tag != DB + "title"):
                    continue
                if child.tag == DB + "title" and not has_title:
                    continue
                out.append(walk_text(child, visit))
            return False
        return True

    main = squeeze(walk_text(root, visit))
    return main, sorted(notes)


def first_difference(a, b):
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
    return f"at character {i}:\n  HTML:    ...{a[max(0, i - 60):i + 60]}\n  DocBook: ...{b[max(0, i - 60):i + 60]}"


def main():
    global GALLEY
    GALLEY, source, *reader = sys.argv[1:]
    if not os.path.exists(source):
        sys.exit(f"FAIL: {source} not found")
    html = galley([*reader, source, "-t", "html"])
    docbook = galley([*reader, source, "-t", "docbook"])
    model = json.loads(galley([*reader, source, "-t", "json"]))

    html_main, html_notes, has_title_block = html_texts(html)
    raw = raw_html_texts(model)
    db_main, db_notes = docbook_texts(docbook, has_title_block, "title" in model["meta"])
    db_main = cut(db_main, raw_docbook_texts(model))

    if html_main != db_main:
        sys.exit("main text differs " + first_difference(html_main, db_main))
    if html_notes != db_notes:
        missing = [n for n in html_notes if n not in db_notes]
        extra = [n for n in db_notes if n not in html_notes]
        sys.exit(f"footnotes differ: only in HTML {missing[:5]}, only in DocBook {extra[:5]}")
    print(f"{source}: {len(db_main)} characters and {len(db_notes)} footnote(s) the same; "
          f"{len(raw)} raw HTML text(s) among them")


if __name__ == "__main__":
    main()
