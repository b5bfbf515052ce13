#!/usr/bin/env python3
"""Every text fixture through every book writer galley has, with its validator.

DocBook is checked by jing against the DocBook 5.0 RELAX NG schema and its
Schematron rules, EPUB by epubcheck, PDF by qpdf --check and pdftotext (the
first heading must be in the text). A writer missing from
`galley --list-formats` (or a list that cannot be read) is a failure.

Usage: check_writers.py GALLEY FIXTURES_DIR SAMPLE
"""
import glob
import os
import subprocess
import sys
import tempfile

from textlib import headings, read, run

DOCBOOK_RNG = "/usr/share/xml/docbook/schema/rng/5.0/docbook.rng"
DOCBOOK_SCH = "/usr/share/xml/docbook/schema/schematron/5.0/docbook.sch"
EPUBCHECK = "/usr/share/java/epubcheck.jar"


def writers(galley):
    code, out, _ = run(galley, "--list-formats")
    have = set()
    for line in out.decode().splitlines()[1:]:
        cols = line.split()
        if len(cols) >= 3 and cols[2] == "yes":
            have.add(cols[0])
    return [w for w in ("docbook", "epub", "pdf") if w in have]


def check(cmd, what):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError(f"{what}: {' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p.stdout


def validate(fmt, path, first_heading):
    if fmt == "docbook":
        check(["jing", DOCBOOK_RNG, path], "DocBook RELAX NG")
        check(["jing", DOCBOOK_SCH, path], "DocBook Schematron")
    elif fmt == "epub":
        check(["java", "-jar", EPUBCHECK, "-q", path], "epubcheck")
    elif fmt == "pdf":
        check(["qpdf", "--check", path], "qpdf")
        words = check(["pdftotext", "-layout", path, "-"], "pdftotext")
        if first_heading and first_heading.split()[0] not in words:
            raise AssertionError(f"{path}: '{first_heading}' not in the PDF's text")


def main():
    galley, fixtures, sample = sys.argv[1:4]
    formats = writers(galley)
    if formats != ["docbook", "epub", "pdf"]:
        print(f"FAIL: galley --list-formats lists {formats} of the writers docbook, epub and pdf")
        return 1
    inputs = [sample] + sorted(p for p in glob.glob(os.path.join(fixtures, "*.txt"))
                               if not p.endswith("binary.txt"))
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for src in inputs:
            model = read(galley, src)
            heads = headings(model)
            first = heads[0][1] if heads else None
            for fmt in formats:
                ext = {"docbook": "xml", "epub": "epub", "pdf": "pdf"}[fmt]
                out = os.path.join(tmp, f"{os.path.basename(src)}.{ext}")
                code, _, err = run(galley, "-f", "text", "-t", fmt, src, "-o", out)
                try:
                    if code != 0:
                        raise AssertionError(f"galley -t {fmt} exited {code}: {err}")
                    validate(fmt, out, first)
                    print(f"ok   {fmt:8} {os.path.basename(src)}")
                except AssertionError as e:
                    failures += 1
                    print(f"FAIL {fmt:8} {os.path.basename(src)}: {e}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
