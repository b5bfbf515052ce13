"""DocBook as DocBook users see it: the outputs through the DocBook XSL
stylesheets (docbook-xsl-ns, with xsltproc) to HTML and to XSL-FO.

usage: xsl.py GALLEY OUTDIR [--html-contains REGEX]... CASE...
A CASE is an input path, optionally followed by comma-separated galley
options ("doc.md,--docbook-root,book").

Fails when a stylesheet run fails or reports a dangling link ("No ID for
constraint linkend") or an element it has no template for ("no template
matches"); when the HTML shows an empty title of an article, book, preface
or chapter, or a blank contents line; when an ordered list is numbered other than 1, 2, 3 (the stylesheets
letter nested lists unless the DocBook says how to number them); and when
a --html-contains pattern is not found in the HTML.
"""
import os
import re
import subprocess
import sys

from common import run_galley

XSL = "/usr/share/xml/docbook/stylesheet/docbook-xsl-ns"
BAD_MESSAGES = re.compile(r"no id for constraint linkend|no template matches", re.I)
# the titles of articles, books, prefaces and chapters (h1); an empty heading the author wrote is kept
EMPTY_TITLE = re.compile(r'<h1 class="title"[^>]*>\s*(?:<a [^>]*>\s*</a>\s*)*</h1>')
EMPTY_TOC_LINE = re.compile(r'<span class="(?:preface|chapter|article)"><a href="[^"]*">\s*</a>')


def run_xsl(kind, files):
    """One xsltproc run over all files (the stylesheet is compiled once); returns stdout."""
    proc = subprocess.run(["xsltproc", "--nonet", f"{XSL}/{kind}/docbook.xsl", *files], capture_output=True)
    err = proc.stderr.decode("utf-8", errors="replace").splitlines()
    bad = sorted(set(line for line in err if BAD_MESSAGES.search(line)))
    if proc.returncode != 0 or bad:
        sys.exit(f"DocBook XSL ({kind}) exited {proc.returncode}:\n" + "\n".join(bad or err[-20:]))
    # the HTML stylesheet writes ISO-8859-1 (other characters as references), the FO one UTF-8
    return proc.stdout.decode("latin-1" if kind == "html" else "utf-8")


def main():
    galley, outdir, *rest = sys.argv[1:]
    cases, patterns = [], []
    while rest:
        arg = rest.pop(0)
        if arg == "--html-contains":
            patterns.append(rest.pop(0))
        else:
            cases.append(arg.split(","))
    os.makedirs(outdir, exist_ok=True)
    files = []
    for i, (source, *options) in enumerate(cases):
        if not os.path.exists(source):
            sys.exit(f"{source} not found")
        name = os.path.splitext(os.path.basename(source))[0]
        out = os.path.join(outdir, f"{i:03}-{name}{''.join(o.strip('-') for o in options if o)}.xml")
        with open(out, "wb") as f:
            f.write(run_galley(galley, [*options, source, "-t", "docbook"]))
        files.append(out)

    html = run_xsl("html", files)
    fo = run_xsl("fo", files)
    if html.count("<html") != len(files) or fo.count("<fo:root") != len(files):
        sys.exit(f"expected {len(files)} HTML and FO documents, got {html.count('<html')} and {fo.count('<fo:root')}")
    for regex, what in ((EMPTY_TITLE, "an empty title"), (EMPTY_TOC_LINE, "an empty contents line")):
        found = regex.search(html)
        if found:
            sys.exit(f"the HTML shows {what}: ...{html[max(0, found.start() - 200):found.end() + 50]}")
    numbering = set(re.findall(r'<ol class="orderedlist[^"]*" type="([^"]*)"', html))
    if numbering - {"1"}:
        sys.exit(f"ordered lists numbered {sorted(numbering)}, not only 1, 2, 3")
    for pattern in patterns:
        if not re.search(pattern, html):
            sys.exit(f"{pattern!r} not found in the HTML")
    print(f"{len(files)} file(s) through DocBook XSL to HTML and FO: no dangling link, no unknown element, "
          f"no empty title; {len(patterns)} expected text(s) found")


if __name__ == "__main__":
    main()
