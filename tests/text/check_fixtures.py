#!/usr/bin/env python3
"""The plain-text reader, one rule at a time: each case reads a fixture and
checks the structure the model must have.

Usage: check_fixtures.py GALLEY FIXTURES_DIR SAMPLE CASE
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from textlib import blocks, equal, expect, headings, of_type, read, run, text, walk

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def links(doc):
    return [(n["url"], text(n)) for n in of_type(doc, "link")]


@case
def nato(g, d, sample):
    doc = read(g, sample)
    kinds = [t for t, _ in blocks(doc)]
    equal(kinds[:2], ["paragraph", "heading"], "the lede first, then a heading")
    expect(text(blocks(doc)[0][1]).startswith("NATO Secretary General Mark Rutte"), "the lede is the first paragraph")
    equal(headings(doc), [(1, "Key Takeaways"), (1, "NATO’s Position on the KSF"), (1, "Implications for Kosovo"),
                          (1, "The Role of NATO in the Balkans"), (1, "Conclusion")], "headings")
    # after every heading but the last: (a paragraph and) a bullet list
    seq = [t for t, _ in blocks(doc)]
    equal(seq, ["paragraph", "heading", "bullet_list", "heading", "paragraph", "bullet_list", "heading", "paragraph",
                "bullet_list", "heading", "paragraph", "bullet_list", "heading", "paragraph"], "block sequence")
    # no two paragraphs merged: each source line is its own block, 20 lines of text
    paras = [b for t, b in blocks(doc) if t == "paragraph"]
    items = of_type(doc, "list_item")
    equal(len(paras) + len(items) + len(headings(doc)), 20, "one block per line")
    for p in paras + items:
        expect("\n" not in text(p), "a paragraph spans one line")
    strong = [text(s) for s in of_type(doc, "strong")]
    equal(strong, ["Humanitarian Role:", "Regional Stability:", "Continued Support:", "International Relations:",
                   "Public Perception:", "KFOR Mission:", "Training and Support:"], "labels set strong")
    equal(len(items), 10, "list items")
    equal(doc["meta"].get("title"), None, "no title: the first line is the lede, not a title")


@case
def verbose(g, d, sample):
    code, _, err = run(g, "-v", "-f", "text", "-t", "json", sample)
    equal(code, 0, "exit code")
    for line, what in ((1, "paragraph, because"), (2, "heading (level 1), because"), (3, "list item, because"),
                       (8, "'Humanitarian Role:' set strong, because"), (19, "heading (level 1), because")):
        expect(f"{sample}:{line}: note: {what}" in err, f"a note for line {line} ({what}) in:\n{err}")
    expect("paragraph mode 'line'" in err, "the paragraph mode is explained")
    code, _, err = run(g, "-f", "text", "-t", "json", sample)
    equal(err, "", "no notes without --verbose")


@case
def gutenberg(g, d, sample):
    path = os.path.join(d, "gutenberg.txt")
    doc = read(g, path)
    meta = doc["meta"]
    equal(meta.get("title"), "The Lantern-Keeper of Harrow Point", "title from the header")
    equal(meta.get("authors"), ["Eliza M. Thornbury"], "author from the header")
    equal(meta.get("lang"), "en", "language from the header")
    equal(meta.get("date"), "2011-03-03", "release date, as ISO 8601")
    body = text(doc["document"])
    for boilerplate in ("Project Gutenberg", "PROJECT GUTENBERG", "ebook is for the use", "FULL LICENSE"):
        expect(boilerplate not in body, f"'{boilerplate}' left in the body")
    expect("BY" not in body.split() and "ELIZA" not in body, "the 'BY' line and the author's name are consumed")
    expect("THE LANTERN-KEEPER OF HARROW POINT" not in body, "the title block is not repeated in the body")
    chapters = [h for h in headings(doc) if h[1].startswith("CHAPTER")]
    equal(chapters, [(1, "CHAPTER I. THE NIGHT OF THE GREAT WIND"), (1, "CHAPTER II. A LETTER FROM THE MAINLAND"),
                     (1, "CHAPTER III. WHAT THE TIDE BROUGHT IN")], "chapter headings at level 1, titles joined")
    contents = [b for t, b in blocks(doc) if t == "paragraph" and text(b).startswith("CHAPTER I.")]
    equal(len(contents), 1, "the table of contents is one block")
    equal(text(contents[0]).count("\n"), 2, "its three lines are kept as lines")
    wrapped = [b for t, b in blocks(doc) if t == "paragraph" and text(b).startswith("It was upon the third night")]
    equal(len(wrapped), 1, "the first paragraph")
    expect("first understood" in text(wrapped[0]) and "\n" not in text(wrapped[0]), "wrapped lines are joined")
    equal(wrapped[0]["line"], 46, "the paragraph's source line")
    equal([text(e) for e in of_type(doc, "emph")], ["one, two, three", "Margaret Ellen"], "_underscored_ emphasis")
    equal(len(of_type(doc, "thematic_break")), 1, "the centred * * * is a scene break")
    quotes = of_type(doc, "block_quote")
    equal(len(quotes), 1, "the indented letter is a block quote")
    expect(text(quotes[0]).startswith("I have reason to believe"), "the quote's text")
    # with --keep-boilerplate the header and licence stay; the metadata is still read
    kept = read(g, path, "--keep-boilerplate")
    body = text(kept["document"])
    expect("*** START OF THE PROJECT GUTENBERG EBOOK" in body, "the start marker is kept")
    expect("PLEASE READ THIS BEFORE YOU DISTRIBUTE" in body, "the licence is kept")
    equal(kept["meta"].get("title"), "The Lantern-Keeper of Harrow Point", "title with --keep-boilerplate")
    # an older header: no Title: or Author: lines, the book named in the first line
    with open(path, "rb") as f:
        older = b"".join(l for l in f.read().splitlines(True) if not l.startswith((b"Title:", b"Author:")))
    older = older.replace(b"Harrow Point\n", b"Harrow Point, by Eliza M. Thornbury\n", 1)
    code, out, err = run(g, "-f", "text", "-t", "json", "-", stdin=older)
    equal(code, 0, "older header")
    meta = json.loads(out)["meta"]
    equal((meta.get("title"), meta.get("authors")), ("The Lantern-Keeper of Harrow Point", ["Eliza M. Thornbury"]),
          "title and author from 'The Project Gutenberg eBook of TITLE, by AUTHOR'")


@case
def newswire(g, d, sample):
    doc = read(g, os.path.join(d, "newswire.txt"))
    equal(doc["meta"].get("title"), "Harbour Authority Approves Night Ferry Service", "the first line is the title")
    equal(doc["meta"].get("authors"), ["Marta Oyelaran"], "the byline is the author")
    body = text(doc["document"])
    expect("Harbour Authority Approves" not in body, "the title is not repeated in the body")
    expect(not body.startswith("By "), "the byline is not in the body")
    equal(headings(doc), [(1, "Opposition and costs")], "the subheading")
    paras = [b for t, b in blocks(doc) if t == "paragraph"]
    equal(len(paras), 6, "one paragraph per blank-separated block")
    expect(text(paras[0]).startswith("PORT ELLERY, April 14"), "the dateline paragraph comes first")
    equal(links(doc), [("https://harbour.example.org/tenders/night-ferry-2024",
                        "https://harbour.example.org/tenders/night-ferry-2024"),
                       ("mailto:press@harbour.example.org", "press@harbour.example.org")], "URL and e-mail links")
    expect(text(paras[-1]).startswith("Reporting by"), "a short last line is a paragraph, not a heading")


@case
def underlined(g, d, sample):
    doc = read(g, os.path.join(d, "underlined.txt"))
    equal(headings(doc), [(1, "Field Notes on the Upper Valley"), (2, "Birds of the Reed Beds"),
                          (2, "Plants of the Limestone"), (3, "A NOTE ON MAPS")], "underlined and capital headings")
    expect("===" not in text(doc["document"]) and "---" not in text(doc["document"]), "underlines are consumed")
    equal(len([1 for t, _ in blocks(doc) if t == "paragraph"]), 4, "paragraphs")


@case
def numbered(g, d, sample):
    doc = read(g, os.path.join(d, "numbered.txt"))
    equal(headings(doc), [(1, "1. Introduction"), (2, "1.1 Scope of the survey"), (2, "1.2 Methods"),
                          (1, "2. Findings"), (3, "2.3.1 Notes on the gable")], "numbered headings, by depth")
    lists = of_type(doc, "ordered_list")
    equal(len(lists), 1, "the numbered faults are a list")
    equal((lists[0]["start"], lists[0]["delimiter"], len(lists[0]["children"])), (1, ".", 3), "the list")
    equal(text(lists[0]["children"][1]), "Two roof trusses in the boiler room are rotten at the feet.", "item 2")


@case
def caps(g, d, sample):
    doc = read(g, os.path.join(d, "caps.txt"))
    equal(doc["meta"].get("title"), "THE ORCHARD YEAR", "title")
    equal(headings(doc), [(1, "WINTER PRUNING"), (1, "SPRING BLOSSOM"), (1, "GATHERING")], "capital headings")
    paras = [b for t, b in blocks(doc) if t == "paragraph"]
    equal(len(paras), 4, "paragraphs")
    expect("they bleed, and the wounds" in text(paras[1]), "wrapped lines joined")


@case
def quotes(g, d, sample):
    doc = read(g, os.path.join(d, "quotes.txt"))
    equal([t for t, _ in blocks(doc)], ["paragraph", "block_quote", "paragraph", "block_quote", "paragraph"],
          "paragraphs and indented quotes")
    verse, prose = of_type(doc, "block_quote")
    equal(text(verse), "Whoever crosseth here by night\nLet him go softly, without light,\n"
          "For those who built me lie below\nAnd love not to be woken so.", "the verse keeps its lines")
    expect("\n" not in text(prose) and text(prose).endswith("a later invention."), "the prose quote is joined")
    equal(verse["line"], 5, "the quote's line")
    equal(verse["children"][0]["column"], 5, "the quote paragraph's column")


@case
def lists(g, d, sample):
    doc = read(g, os.path.join(d, "lists.txt"))
    top = blocks(doc)
    bullets = [b for t, b in top if t == "bullet_list"]
    equal(len(bullets), 2, "two bullet lists (• and ·)")
    equal([text(i["children"][0]) for i in bullets[0]["children"]],
          ["A waterproof coat with a hood", "Sturdy boots, already worn in", "Enough food for one day"], "• items")
    nested = bullets[0]["children"][1]["children"]
    equal([c["type"] for c in nested], ["paragraph", "bullet_list"], "◦ items nest under the item above")
    equal([text(i) for i in nested[1]["children"]], ["spare laces", "dry socks in a sealed bag"], "◦ items")
    equal(len(bullets[1]["children"]), 3, "· items")
    ordered = [b for t, b in top if t == "ordered_list"]
    equal([(o["start"], o["delimiter"], len(o["children"])) for o in ordered], [(1, ")", 3), (1, ")", 3)],
          "a) lettered and 1) numbered lists")
    equal(text(ordered[0]["children"][0]), "show a ticket at the gate;", "the letter is not in the text")
    equal(headings(doc), [(1, "Timetable")], "the heading between the lists")
    expect(all(l["tight"] for l in bullets + ordered), "lists without blank lines are tight")


@case
def numbering(g, d, sample):
    path = os.path.join(d, "numbering.txt")
    doc = read(g, path)
    ordered = [b for t, b in blocks(doc) if t == "ordered_list"]
    equal([(o["start"], o.get("numbering"), len(o["children"])) for o in ordered], [(1, "i", 9), (1, "A", 2)],
          "a roman list of nine (ix. is nine, not the letter i) and an upper-case lettered list")
    lists = of_type(read(g, os.path.join(d, "lists.txt")), "ordered_list")
    equal([o.get("numbering") for o in lists], ["a", None], "a) is lettered, 1) is numbered")
    # every writer numbers them as the text did
    code, out, err = run(g, path, "-t", "html", "--fragment")
    equal(code, 0, "HTML exit code")
    html = out.decode()
    expect('<ol type="i">' in html and '<ol type="A">' in html, "HTML <ol type>: " + html[:400])
    code, out, err = run(g, path, "-t", "docbook")
    expect('numeration="lowerroman"' in out.decode() and 'numeration="upperalpha"' in out.decode(),
           "DocBook numeration")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = os.path.join(tmp, "n.pdf")
        code, _, err = run(g, path, "-o", pdf)
        equal(code, 0, "PDF exit code: " + err)
        p = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True)
        labels = [m.group(1) for m in re.finditer(r"^ *([ivxAB]+\.) ", p.stdout, re.M)]
        equal(labels, ["i.", "ii.", "iii.", "iv.", "v.", "vi.", "vii.", "viii.", "ix.", "A.", "B."], "PDF labels")


@case
def scenes(g, d, sample):
    doc = read(g, os.path.join(d, "scenes.txt"))
    equal([t for t, _ in blocks(doc)], ["paragraph", "thematic_break"] * 3 + ["paragraph"], "*** * * * and #")
    expect(all("\n" not in text(b) for t, b in blocks(doc) if t == "paragraph"), "paragraphs joined")


@case
def preformatted(g, d, sample):
    doc = read(g, os.path.join(d, "preformatted.txt"))
    codes = [n["text"] for n in of_type(doc, "code_block")]
    equal(len(codes), 4, "code and three tables kept verbatim")
    equal(codes[0], 'import serial\nport = serial.Serial("/dev/ttyUSB0", 9600)\nfor line in port:\n'
          '    if line.startswith(b"$TIDE"):\n        print(line.decode().strip())\n',
          "indented code, dedented, inner indentation kept")
    equal(codes[1].splitlines()[2], "Tuesday    06:58        13:17       4.3 m", "a space-drawn table row verbatim")
    equal(codes[2].splitlines()[1], "|-----------|-------|-------|", "a pipe table verbatim")
    equal(codes[3].splitlines()[0], "+-----------+-------+", "a -+- table verbatim")
    paras = [text(b) for t, b in blocks(doc) if t == "paragraph"]
    expect(paras[0].startswith("The logger is configured") and "keeping the indentation" in paras[0],
           "a line going on in lower case joins the line before")
    equal(of_type(doc, "table"), [], "tables stay verbatim")


@case
def not_markdown(g, d, sample):
    doc = read(g, os.path.join(d, "links.txt"))
    equal(doc["meta"].get("title"), "Contacts and Sources", "title")
    equal(links(doc), [("https://data.example.org/survey/2023", "https://data.example.org/survey/2023"),
                       ("http://www.example.net/archive", "www.example.net/archive"),
                       ("mailto:records@example.org", "records@example.org"),
                       ("mailto:j.smith+survey@mail.example.co.uk", "j.smith+survey@mail.example.co.uk"),
                       ("https://maps.example.org/valley_north", "https://maps.example.org/valley_north")],
          "URLs (closing punctuation left out) and e-mail addresses")
    equal([text(e) for e in of_type(doc, "emph")], ["two"], "only _two_ is emphasis")
    body = text(doc["document"])
    for literal in ("with * were", "file_name_conventions", "section #4",
                    "*asterisks*", "__double underscores__", "# this line is a comment"):
        expect(literal in body, f"'{literal}' stays as written")
    equal(headings(doc), [], "a line starting with # is no heading")
    equal(of_type(doc, "strong"), [], "nothing strong")


def cafe_equal(a, b, what):
    equal(a["meta"], b["meta"], f"{what}: metadata")
    equal(a["document"], b["document"], f"{what}: document")


@case
def encodings(g, d, sample):
    ref = read(g, os.path.join(d, "utf8.txt"))
    body = text(ref["document"])
    expect("€3.50" in body and "“the price of butter”" in body and "Zoë" in body, "the UTF-8 reference")
    equal(ref["meta"].get("title"), "Café Prices in the Old Town", "title")
    for name in ("utf8-bom", "utf16le", "utf16be", "cp1252"):
        cafe_equal(read(g, os.path.join(d, name + ".txt")), ref, name)
    latin9 = read(g, os.path.join(d, "latin9.txt"))
    expect("€3.50" in text(latin9["document"]) and "café" in text(latin9["document"]), "ISO-8859-15: € and é")
    latin1 = read(g, os.path.join(d, "latin1.txt"))
    equal(latin1["meta"].get("title"), "Die Brücke über die Aue", "ISO-8859-1 title")
    expect("Für Fußgänger" in text(latin1["document"]), "ISO-8859-1 text")
    # --encoding overrides the guess
    forced = read(g, os.path.join(d, "latin9.txt"), "--encoding", "ISO-8859-1")
    expect("¤3.50" in text(forced["document"]), "--encoding ISO-8859-1 overrides the guess of ISO-8859-15")
    forced = read(g, os.path.join(d, "utf8.txt"), "--encoding", "ISO-8859-1")
    expect("CafÃ©" in forced["meta"]["title"], "--encoding ISO-8859-1 reads UTF-8 bytes as Latin-1")
    code, _, err = run(g, "-f", "text", "-t", "json", "--encoding", "UTF-8", os.path.join(d, "latin1.txt"))
    equal(code, 1, "latin-1 bytes read as UTF-8: exit 1")
    expect("not valid UTF-8" in err, f"says why: {err}")
    code, _, err = run(g, "-f", "text", "-t", "json", "--encoding", "NO-SUCH-CODE", os.path.join(d, "utf8.txt"))
    equal(code, 2, "an unknown encoding is a usage error")
    code, _, err = run(g, "-v", "-f", "text", "-t", "json", os.path.join(d, "cp1252.txt"))
    expect("note: encoding WINDOWS-1252, because" in err, f"the guess is explained: {err}")


@case
def line_endings(g, d, sample):
    with open(os.path.join(d, "crlf.txt"), "rb") as f:
        lf = f.read().replace(b"\r\n", b"\n")
    code, out, err = run(g, "-f", "text", "-t", "json", "-", stdin=lf)
    equal(code, 0, "LF text from standard input")
    ref = json.loads(out)
    equal(ref["meta"].get("title"), "Line Endings Everywhere", "title")
    for name in ("crlf", "cr", "nel"):
        got = read(g, os.path.join(d, name + ".txt"))
        equal(got["document"], ref["document"], f"{name}: same model as with LF, lines and columns included")
        expect("\r" not in json.dumps(got) and "\u0085" not in text(got["document"]), f"{name}: no line end left")


@case
def binary(g, d, sample):
    code, out, err = run(g, "-f", "text", "-t", "json", os.path.join(d, "binary.txt"))
    equal(code, 1, "a binary file is refused with exit 1")
    expect("binary.txt" in err and "error: this is not a text file" in err, f"a clear message: {err}")
    equal(out, b"", "nothing written")
    code, _, err = run(g, "-f", "text", "-t", "json", "-", stdin=b"text with a \x00 NUL inside\n")
    equal(code, 1, "a NUL byte is refused")
    code, _, err = run(g, "-f", "text", "-t", "json", "-", stdin=bytes(range(1, 32)) * 40)
    equal(code, 1, "control characters are refused")
    expect("control characters" in err, err)


@case
def paragraph_modes(g, d, sample):
    blank = read(g, sample, "--paragraphs", "blank")
    first = text(blocks(blank)[0][1])
    expect(first.startswith("NATO Secretary General") and first.endswith("Key Takeaways"),
           "--paragraphs blank joins the lines of a block")
    quotes = os.path.join(d, "quotes.txt")
    auto = read(g, quotes)
    line = read(g, quotes, "--paragraphs", "line")
    expect(text(blocks(auto)[0][1]).endswith("printed on its leaflet in 1931:"), "auto: wrapped lines joined")
    expect(text(blocks(line)[0][1]).endswith("no"), "--paragraphs line: a paragraph a line")
    expect(len(of_type(line, "paragraph")) > len(of_type(auto, "paragraph")) + 5, "many more paragraphs")
    code, _, err = run(g, "-f", "text", "-t", "json", "--paragraphs", "sometimes", sample)
    equal(code, 2, "a bad mode is a usage error")
    expect("auto, line or blank" in err, err)


@case
def extension(g, d, sample):
    code, out, err = run(g, "-t", "json", os.path.join(d, "caps.txt"))
    equal(code, 0, ".txt is read as text without -f")
    equal(json.loads(out)["meta"].get("title"), "THE ORCHARD YEAR", "through the extension")
    code, out, err = run(g, "--list-formats")
    expect(any(l.split()[:2] == ["text", "yes"] for l in out.decode().splitlines()), "text is listed as readable")


@case
def positions(g, d, sample):
    doc = read(g, sample)
    strong = of_type(doc, "strong")[0]
    equal((strong["line"], strong["column"]), (8, 3), "the label's position")
    after = next(n for n in walk(doc["document"]) if n["type"] == "text" and n["text"].startswith(" The KSF is"))
    equal((after["line"], after["column"]), (8, 3 + len("Humanitarian Role:")), "the text after the label")
    g_doc = read(g, os.path.join(d, "links.txt"))
    mail = [n for n in of_type(g_doc, "link") if n["url"].startswith("mailto:j.smith")][0]
    equal((mail["line"], mail["column"]), (5, 42), "a link on the third line of a joined paragraph")


def from_stdin(g, data, *extra):
    code, out, err = run(g, "-f", "text", "-t", "json", *extra, "-", stdin=data)
    equal(code, 0, f"exit code for {data[:40]!r}: {err}")
    return json.loads(out)


@case
def edges(g, d, sample):
    for empty in (b"", b"\n\n\n", b"\xef\xbb\xbf", b"\xff\xfe"):
        equal(from_stdin(g, empty)["document"]["children"], [], f"nothing in {empty!r}")
    one = from_stdin(g, b"Hello")
    equal([(t, text(b)) for t, b in blocks(one)], [("paragraph", "Hello")], "a single line without a line end")
    deep = from_stdin(g, b"".join(b"  " * k + b"- level %d\n" % k for k in range(9)))
    depth = max(sum(1 for a in path if a == "bullet_list") for path in list_paths(deep["document"]))
    equal(depth, 6, "lists nest at most six deep")
    equal(len(of_type(deep, "list_item")), 9, "no item lost past the deepest list")
    loose = from_stdin(g, b"Intro line\n- first\n\n  more about the first\n\n- second\n")
    lst = of_type(loose, "bullet_list")[0]
    equal([c["type"] for c in lst["children"][0]["children"]], ["paragraph", "paragraph"], "an item's own paragraph")
    equal(lst["tight"], False, "a list with a blank line inside is loose")
    paren = from_stdin(g, b"Steps:\n(a) first\n(b) second\n")
    equal([(o["start"], o["delimiter"]) for o in of_type(paren, "ordered_list")], [(1, ")")], "(a) items")
    roman = from_stdin(g, b"Parts:\ni. one\nii. two\niii. three\niv. four\nv. five\n")
    equal(len(of_type(roman, "list_item")), 5, "a roman list, i. to v., is one list")
    ascii_art = from_stdin(g, b"Not Markdown\n\n# heading?\n**bold?** and *em?* and `code?`\n")
    equal(of_type(ascii_art, "strong") + of_type(ascii_art, "emph") + of_type(ascii_art, "code"), [],
          "no Markdown inlines")


@case
def smart(g, d, sample):
    path = os.path.join(d, "smart.txt")
    doc = read(g, path)
    equal(doc["meta"].get("title"), "Camera phones are \u2018must-haves\u2019", "a title ending in a quote, curly")
    equal(doc["meta"].get("authors"), ["Ines Baptiste"], "the byline")
    paras = [text(b) for t, b in blocks(doc) if t == "paragraph"]
    equal(paras[0], "\u201cWe sold out in a week,\u201d said the manager \u2014 and she didn\u2019t sound surprised. "
          "\u2019Tis the season, she added\u2026 rock \u2019n\u2019 roll.", "quotes, apostrophes, dashes, ellipsis")
    expect("2003\u20132004" in paras[1] and "\u201cthe best year yet.\u201d" in paras[1], "an en dash between digits")
    equal([n["url"] for n in of_type(doc, "link")], ["http://shop.example.org/a--b...c"], "a link as written")
    equal(text(of_type(doc, "link")[0]), "http://shop.example.org/a--b...c", "a link's text as written")
    expect(paras[2].startswith("\u201cA quotation") and paras[3].endswith("here.\u201d"),
           "a quotation over two paragraphs opens and closes")
    # positions stay those of the straight text
    said = next(n for n in walk(doc["document"]) if n["type"] == "text" and "said the manager" in n["text"])
    equal((said["line"], said["column"]), (5, 1), "the text node's position")
    plain = read(g, path, "--no-smart")
    equal(plain["meta"].get("title"), "Camera phones are 'must-haves'", "--no-smart: the title as written")
    expect(text(blocks(plain)[0][1]).startswith('"We sold out in a week," said the manager -- and she didn\'t'),
           "--no-smart keeps straight quotes and --")
    # every writer shows the model's punctuation
    for fmt in ("html", "docbook"):
        code, out, err = run(g, path, "-t", fmt)
        equal(code, 0, f"{fmt}: {err}")
        expect("\u201cWe sold out" in out.decode() and "manager \u2014 and" in out.decode(), f"{fmt} has the curly quotes")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = os.path.join(tmp, "s.pdf")
        code, _, err = run(g, path, "-o", pdf)
        equal(code, 0, "PDF: " + err)
        p = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True)
        expect("\u201cWe sold out" in p.stdout and "didn\u2019t" in p.stdout, "PDF has the curly quotes")


@case
def book_shapes(g, d, sample):
    doc = read(g, os.path.join(d, "book-shapes.txt"))
    equal(doc["meta"].get("title"), "THE HARBOUR BOOK", "title")
    equal(doc["meta"].get("authors"), ["Agnes Moreau"], "the 'By' line is the author")
    equal(headings(doc), [(1, "CONTENTS"), (1, "PREFACE"), (1, "CHAPTER 1. The Pier"),
                          (1, "CHAPTER 2. Of Nets, Ropes, Buoys, Lanterns, Anchors, and of the Men Who Mend Them"),
                          (1, "CHAPTER 3. The Storm"), (1, "Epilogue")],
          "contents entries are no headings; sections and chapters at level 1; a wrapped title joined")
    contents = [b for t, b in blocks(doc) if t == "paragraph" and text(b).startswith("PREFACE")]
    equal(len(contents), 1, "the contents list is one block")
    equal(text(contents[0]).count("\n"), 5, "its entries kept as lines (the wrapped one too)")
    code, _, err = run(g, "-v", "-f", "text", "-t", "json", os.path.join(d, "book-shapes.txt"))
    expect("a table of contents (kept as lines, not headings)" in err, "the contents list is explained")
    expect("its title goes on to line" in err, "the wrapped title is explained")


@case
def book_levels(g, d, sample):
    doc = read(g, os.path.join(d, "book-levels.txt"))
    equal(headings(doc), [(1, "PART I"), (2, "Book I. The Family"), (3, "Chapter I. The Father"),
                          (3, "Chapter II. The Sons"), (2, "Book II. The Meeting"), (3, "Chapter I. At the Monastery"),
                          (1, "PART II"), (2, "Book III. The Journey"), (3, "Chapter I. On the Road")],
          "two kinds of part nest in the order they come; PART I, Book I, Chapter I is no contents list")
    doc = read(g, os.path.join(d, "numbered-chapters.txt"))
    equal(headings(doc), [(1, "1: The Old Inn"), (1, "2: A Stranger"), (1, "3: The Map")],
          "numbers alone, 1, 2, 3 in order, name the chapters; the line under each is its title")


def list_paths(root):
    """Every root-to-leaf path of node types, iteratively."""
    stack = [(root, [])]
    while stack:
        node, path = stack.pop()
        path = path + [node["type"]]
        kids = node.get("children", [])
        if not kids:
            yield path
        stack.extend((k, path) for k in kids)


def main():
    g, d, sample, name = sys.argv[1:5]
    CASES[name](g, d, sample)
    print(f"{name}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
