"""--fragment gives the body alone: no XML declaration, no root, no info, each
top element declaring the namespaces; put inside an article it validates.

usage: fragment.py GALLEY INPUT OUTDIR
"""
import os
import re
import sys

from common import run_galley, validate

galley, source, outdir = sys.argv[1:4]
body = run_galley(galley, [source, "-t", "docbook", "--fragment"])
if body.lstrip().startswith(b"<?xml") or re.search(rb"<(info|article|book)[\s>/]", body):
    sys.exit("the fragment has a declaration, an info or a root element")
os.makedirs(outdir, exist_ok=True)
out = os.path.join(outdir, "fragment-in-article.xml")
with open(out, "wb") as f:
    f.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<article xmlns="http://docbook.org/ns/docbook" '
            b'version="5.0"><title>Wrapper</title>\n' + body + b"</article>\n")
validate([out])
