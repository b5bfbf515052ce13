"""Attributes {#id .class key=value} as written, in the model, HTML and
DocBook; raw HTML written as the DocBook it stands for; tabs in code; column
widths of wide pipe tables.

usage: attributes.py GALLEY EDGE_DIR
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

DB = "{http://docbook.org/ns/docbook}"
XH = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XLINK = "{http://www.w3.org/1999/xlink}href"
failures = []


def galley(args, stdin=None):
    proc = subprocess.run([GALLEY, *args], input=stdin, capture_output=True)
    if proc.returncode != 0:
        sys.exit(f"galley {' '.join(args)} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}")
    return proc.stdout, proc.stderr.decode()


def check(ok, what):
    if not ok:
        failures.append(what)


def nodes(tree, kind):
    stack, out = [tree["document"]], []
    while stack:
        n = stack.pop()
        if n["type"] == kind:
            out.append(n)
        stack.extend(reversed(n.get("children", [])))
    return out


def text_of(elem):
    return "".join(elem.itertext())


def attributes(source):
    model = json.loads(galley([source, "-t", "json"])[0])
    h1 = nodes(model, "heading")[0]
    check(h1["id"] == "a--b", f"the id is read as written, not smartened: {h1['id']!r}")
    check(h1.get("classes") == ["intro"], f"heading classes: {h1.get('classes')}")
    check(h1.get("attributes") == {"key": "a 'quoted' -- value"}, f"heading attributes: {h1.get('attributes')}")
    check(h1["children"][0]["text"] == "A heading \u2013 with a dash", "the title itself is still smartened")
    closed = nodes(model, "heading")[1]
    check(closed["id"] == "closed" and closed["children"][0]["text"] == "Closed",
          f"'## Closed ## {{#closed}}' loses its closing hashes: {closed}")
    check(nodes(model, "heading")[2].get("classes") == ["note", "unnumbered"], "'-' is the class unnumbered")
    spans = nodes(model, "span")
    check([s.get("id") for s in spans] == ["sp-1", None, None, "empty-span"], f"span ids: {[s.get('id') for s in spans]}")
    check(spans[0].get("attributes") == {"lang": "en"}, "a span's key=value")
    code = nodes(model, "code_block")
    check(code[0].get("language") == "python" and code[0].get("id") == "listing" and
          code[0].get("classes") == ["numberLines"] and code[0].get("attributes") == {"startFrom": "10"},
          f"code block attributes: {code[0]}")
    check(code[1].get("language") == "ruby" and code[1].get("classes") == ["highlight"], f"'ruby {{.highlight}}': {code[1]}")
    raws = {(r["type"], r["format"]) for r in nodes(model, "raw_block") + nodes(model, "raw_inline")}
    check(raws == {("raw_block", "docbook"), ("raw_block", "html"), ("raw_inline", "html"), ("raw_inline", "docbook")},
          f"raw formats: {raws}")
    texts = "".join(t["text"] for t in nodes(model, "text"))
    check("{#not-after-anything} braces alone, {not attributes}, and a [plain bracket]." in texts,
          "braces that follow nothing stay text, as written")

    html = ET.fromstring(galley([source, "-t", "html"])[0])
    h = html.find(f".//{XH}h1[@id='a--b']")
    check(h.get("id") == "a--b" and h.get("class") == "intro" and h.get("data-key") == "a 'quoted' -- value",
          f"HTML heading attributes: {h.attrib}")
    span = html.find(f".//{XH}span[@id='sp-1']")
    check(span is not None and span.get("class") == "smallcaps" and span.get("lang") == "en", "HTML span")
    pre = html.find(f".//{XH}code[@id='listing']")
    check(pre is not None and pre.get("class") == "language-python numberLines", f"HTML code class: {pre.attrib}")
    check(all(a.get("href") != "#a%E2%80%93b" for a in html.iter(f"{XH}a")), "links keep the id as written")

    db = ET.fromstring(galley([source, "-t", "docbook"])[0])
    sec = db.find(f".//{DB}section")
    check(sec.get(XML_ID) == "a--b" and sec.get("role") == "intro", f"DocBook section: {sec.attrib}")
    phrase = db.find(f".//{DB}phrase[@role='smallcaps']")
    check(phrase is not None and phrase.get(XML_ID) == "sp-1" and phrase.get(XML_LANG) == "en", "DocBook phrase")
    listing = db.find(f".//{DB}programlisting[@language='python']")
    check(listing.get(XML_ID) == "listing" and listing.get("role") == "numberLines", "DocBook programlisting")
    check(listing.text == "def f():\n    return 1\n", f"a tab in code becomes spaces to the next stop of 4: {listing.text!r}")
    ends = {l.get("linkend") for l in db.iter(f"{DB}link")}
    check(ends == {"a--b", "sp-1", "listing"}, f"links reach the heading, the span and the code: {ends}")
    check(db.find(f".//{DB}note") is not None, "```{=docbook} passes through")
    check(db.get(XML_LANG) == "fr", "xml:lang from the document's language")
    marks = [text_of(p)[0] for p in db.iter(f"{DB}para") if text_of(p)[:1] and text_of(p)[0] in "\u2610\u2612\u2611"]
    check(marks == ["\u2612", "\u2610"], f"task marks: {marks}")
    nums = {o.get("numeration") for o in db.iter(f"{DB}orderedlist")}
    check(nums == {"arabic"}, f"every ordered list says how it is numbered: {nums}")

    eight = ET.fromstring(galley([source, "-t", "docbook", "--tab-stop", "8"])[0])
    check(eight.find(f".//{DB}programlisting").text == "def f():\n        return 1\n", "--tab-stop 8")
    gfm = json.loads(galley([source, "-f", "gfm", "-t", "json"])[0])
    check(not nodes(gfm, "span") and nodes(gfm, "code_block")[0].get("language") == "{.python",
          "the gfm dialect reads no attributes (CommonMark's info string)")


def raw_html(source):
    out, err = galley([source, "-t", "docbook"])
    db = ET.fromstring(out)
    body = text_of(db)
    check("A raw div sentence that must not vanish." in " ".join(body.split()), "the text of a raw <div> is kept")
    link = db.find(f".//{DB}link[@{XLINK}='https://example.org/a']")
    check(link is not None and text_of(link) == "a link", "<a href> is a link")
    check(db.find(f".//{DB}inlinemediaobject//{DB}imagedata[@fileref='pic.png']") is not None, "<img> is an inlinemediaobject")
    check(db.find(f".//{DB}anchor[@{XML_ID}='here']") is not None, "<a name> is an anchor")
    check(db.find(f".//{DB}link[@linkend='here']") is not None, "a link to the anchor is a linkend")
    de = db.find(f".//{DB}phrase[@{XML_LANG}='de']")
    check(de is not None and de.text == "guten Tag", "<span lang> is a phrase with xml:lang")
    check("a comment" in out.decode() and "<!-- a comment -->" in out.decode(), "comments stay XML comments")
    check("alert" not in body, "script code is left out")
    table = db.find(f".//{DB}informaltable/{DB}tgroup")
    check(table is not None and table.get("cols") == "2" and len(table.findall(f".//{DB}row")) == 3, "<table> is an informaltable")
    check(db.find(f".//{DB}orderedlist[@numeration='arabic']") is not None, "<ol> is an orderedlist")
    check(db.find(f".//{DB}blockquote/{DB}para/{DB}emphasis") is not None, "<blockquote> is a blockquote")
    check(db.find(f".//{DB}bridgehead") is not None and text_of(db.find(f".//{DB}bridgehead")) == "A raw heading", "<h3>")
    check(db.find(f".//{DB}programlisting").text == "pre text", "<pre> with its tab expanded")
    check("Fallback text." in body, "the text of an element DocBook has no counterpart for is kept")
    warned = [line for line in err.splitlines() if "warning" in line]
    check(len(warned) == 3 and all(source in w for w in warned), f"one warning for each piece left out: {warned}")


RAW_ID_HOLDERS = {
    "box": "anchor", "inner": "para", "tab": "informaltable", "head": "anchor", "r1": "row", "c1": "entry",
    "in-code": "anchor", "list": "itemizedlist", "item": "listitem", "code": "programlisting",
    "in-pre": "anchor", "raw-head": "bridgehead", "field": "anchor", "em": "keycap", "sp": "phrase",
    "named": "anchor", "ta": "anchor", "box-2": "anchor", "noted": "phrase", "fn-1": "footnote",
}


def raw_ids(source):
    """Every raw element's id stays (on its DocBook element, else an anchor); links to them resolve."""
    out, err = galley([source, "-t", "docbook"])
    db = ET.fromstring(out)
    ids = {e.get(XML_ID): e.tag.replace(DB, "") for e in db.iter() if e.get(XML_ID)}
    every = [e.get(XML_ID) for e in db.iter() if e.get(XML_ID)]
    check(len(every) == len(set(every)), f"raw ids repeated: {every}")
    for i, tag in RAW_ID_HOLDERS.items():
        check(ids.get(i) == tag, f"raw id {i} on a {tag}: {ids.get(i)}")
    check("unref" not in ids, "an id in a note never referenced is not written")
    links = {text_of(e): e.get("linkend") for e in db.iter(f"{DB}link")}
    want = {k: k for k in RAW_ID_HOLDERS if k not in ("box-2", "fn-1", "em")}
    want.update({"kbd": "em", "note": "fn-1"})
    check(links == want, f"links to raw ids: {sorted(links.items())}")
    check("link to #unref written as plain text" in err, f"a link to an id never written is text: {err}")


def table_widths(source):
    db = ET.fromstring(galley([source, "-t", "docbook"])[0])
    widths = [[c.get("colwidth") for c in t.iter(f"{DB}colspec")] for t in db.iter(f"{DB}tgroup")]
    check(widths[-1] == ["19*", "81*"], f"a wide pipe table's columns as its dashes: {widths[-1]}")
    check(all(w is None for t in widths[:-1] for w in t), f"narrow tables have no widths: {widths[:-1]}")


def main():
    global GALLEY
    GALLEY, edge = sys.argv[1:3]
    attributes(os.path.join(edge, "attributes.md"))
    raw_html(os.path.join(edge, "raw-html.md"))
    raw_ids(os.path.join(edge, "raw-ids.md"))
    table_widths(os.path.join(edge, "tables.md"))
    if failures:
        sys.exit("\n".join(failures))
    print("attributes read as written into the model, HTML and DocBook; raw HTML as DocBook with its ids; tabs expanded")


if __name__ == "__main__":
    main()
