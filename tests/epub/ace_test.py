#!/usr/bin/env python3
"""Ace by DAISY finds no accessibility violation in galley's EPUB books.

    ace_test.py GALLEY INPUT[,ARG,...]...

Converts each input to EPUB 3 and runs Ace (installed by .ci/ace into
$GALLEY_ACE_DIR, default ~/.cache/galley/ace) on all the books in one
process and one Chromium (tests/epub/ace_run.js), then reads each book's
report.json: the outcome must be "pass" with no violation. Ace missing is a
failure, never a skip.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

ACE_VERSION = "1.4.6"  # as .ci/ace installs it
HERE = os.path.dirname(os.path.abspath(__file__))


def ace_dir():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.environ.get("GALLEY_ACE_DIR") or os.path.join(cache, "galley", "ace")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check_install(root):
    pkg = os.path.join(root, "node_modules", "@daisy", "ace", "package.json")
    if not os.path.isfile(pkg):
        fail("Ace by DAISY is not installed in %s: run .ci/ace (or .ci/deps)" % root)
    version = json.load(open(pkg))["version"]
    if version != ACE_VERSION:
        fail("Ace %s in %s, the test wants %s: run .ci/ace" % (version, root, ACE_VERSION))
    chromium = os.environ.get("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        fail("no Chromium at %s for Ace: run .ci/deps" % chromium)
    return chromium


def violations(report):
    """(title, impact, file) of every violation Ace reports."""
    found = []
    for doc in report.get("assertions", []):
        for a in doc.get("assertions", []):
            test = a.get("earl:test", {})
            found.append((test.get("dct:title"), test.get("earl:impact"), doc.get("earl:testSubject", {}).get("url")))
    return found


def main():
    galley, inputs = sys.argv[1], sys.argv[2:]
    root = ace_dir()
    chromium = check_install(root)
    if not inputs:
        fail("no input given")
    with tempfile.TemporaryDirectory() as tmp:
        books = []
        for i, spec in enumerate(inputs):
            src, *args = spec.split(",")
            book = os.path.join(tmp, "%02d-%s.epub" % (i, os.path.splitext(os.path.basename(src))[0]))
            p = subprocess.run([galley, src, "-o", book, "-q"] + args, capture_output=True, text=True)
            if p.returncode != 0:
                fail("galley %s: exit %d\n%s" % (spec, p.returncode, p.stderr))
            books.append(book)
        env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium)
        start = time.monotonic()
        reports = os.path.join(tmp, "reports")
        p = subprocess.run(["node", os.path.join(HERE, "ace_run.js"), root, reports] + books,
                           capture_output=True, text=True, env=env, timeout=900)
        took = time.monotonic() - start
        if p.returncode != 0:
            fail("Ace failed (exit %d):\n%s%s" % (p.returncode, p.stdout, p.stderr))
        bad = 0
        for book in books:
            name = os.path.splitext(os.path.basename(book))[0]
            path = os.path.join(reports, name, "report.json")
            if not os.path.isfile(path):
                fail("%s: Ace wrote no report.json" % name)
            report = json.load(open(path))
            outcome = report.get("earl:result", {}).get("earl:outcome")
            found = violations(report)
            checked = len(report.get("assertions", []))
            print("%s: %s, %d content document(s), %d violation(s)" % (name, outcome, checked, len(found)))
            for v in found:
                print("  %s (%s) in %s" % v)
            if outcome != "pass" or found or checked == 0:
                bad += 1
        print("Ace %s: %d book(s) in %.0f s" % (ACE_VERSION, len(books), took))
        if bad:
            fail("%d of %d book(s) have accessibility violations" % (bad, len(books)))
    print("ok: Ace by DAISY finds no violation in %d books" % len(books))
    return 0


if __name__ == "__main__":
    sys.exit(main())
