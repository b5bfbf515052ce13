#!/usr/bin/env python3
"""Every text fixture through every book writer galley has, with its validator.

DocBook is checked by jing against the DocBook 5.0 RELAX NG schema and its
Schematron rules, EPUB by epubcheck, PDF by qpdf --check and pdftotext (the
first heading must be in the text). A writer missing from
`galley --list-formats` (or a list that cannot be read) is a failure. Each
validator starts once for all the files it checks.

Usage: check_writers.py GALLEY FIXTURES_DIR SAMPLE
"""
import glob
import os
import subprocess
import sys
import tempfile

from textlib import headings, read, run

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import validators  # noqa: E402


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


def check_pdf(path, first_heading):
    check(["qpdf", "--check", path], "qpdf")
    words = check(["pdftotext", "-layout", path, "-"], "pdftotext")
    if first_heading and first_heading.split()[0] not in words:
        raise AssertionError(f"{path}: '{first_heading}' not in the PDF's text")


def convert(galley, src, fmt, tmp):
    """(output path, None) or (None, why galley failed)."""
    ext = {"docbook": "xml", "epub": "epub", "pdf": "pdf"}[fmt]
    out = os.path.join(tmp, f"{os.path.basename(src)}.{ext}")
    code, _, err = run(galley, "-f", "text", "-t", fmt, src, "-o", out)
    return (out, None) if code == 0 else (None, f"galley -t {fmt} exited {code}: {err}")


def validate_all(outputs):
    """{(src, fmt): why} for the outputs their validators refuse. The DocBook
    files go through one jing run a schema and the books through one
    epubcheck: a validator started once a file cost minutes."""
    failed = {}
    docbook = {path: k for k, (path, _) in outputs.items() if k[1] == "docbook"}
    for path, why in validators.docbook_failures(list(docbook)).items():
        failed[docbook[path]] = why
    epubs = {path: k for k, (path, _) in outputs.items() if k[1] == "epub"}
    for path, why in validators.epubcheck(list(epubs)).items():
        failed[epubs[path]] = why
    for key, (path, first) in outputs.items():
        if key[1] == "pdf":
            try:
                check_pdf(path, first)
            except AssertionError as e:
                failed[key] = str(e)
    return failed


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
        outputs = {}
        for src in inputs:
            model = read(galley, src)
            heads = headings(model)
            first = heads[0][1] if heads else None
            for fmt in formats:
                out, why = convert(galley, src, fmt, tmp)
                if why:
                    failures += 1
                    print(f"FAIL {fmt:8} {os.path.basename(src)}: {why}")
                else:
                    outputs[(src, fmt)] = (out, first)
        failed = validate_all(outputs)
        for (src, fmt) in outputs:
            if (src, fmt) in failed:
                failures += 1
                print(f"FAIL {fmt:8} {os.path.basename(src)}: {failed[(src, fmt)]}")
            else:
                print(f"ok   {fmt:8} {os.path.basename(src)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
