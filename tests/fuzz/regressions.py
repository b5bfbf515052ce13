#!/usr/bin/env python3
"""regressions.py GALLEY REGRESS_DIR

Every input a fuzz target ever crashed on, through the CLI: each document in
REGRESS_DIR/convert through every reader into every writer, each YAML file in
REGRESS_DIR/frontmatter as the front matter of a Markdown document. galley
must finish (exit 0, or 1 for input it refuses, with a message), never be
killed by a signal or a sanitizer; its XML output must be well-formed, its
text output UTF-8, and no markup output may carry active content.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "robust"))
import galleytest as gt  # noqa: E402


def check_one(galley, reader, writer, path, fragment, failures):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        args = ["--fragment"] if fragment else []
        r = subprocess.run([galley, "-q", "-f", reader, "-t", writer, path, "-o", out] + args,
                           capture_output=True, timeout=300)
        label = "%s: %s -> %s%s" % (os.path.basename(path), reader, writer, " --fragment" if fragment else "")
        problem = gt.crash_problem(r)
        if problem:
            failures.append("%s: %s\n%s" % (label, problem, r.stderr.decode(errors="replace")[-2000:]))
            return
        if r.returncode not in (0, 1):
            failures.append("%s: exit %d: %s" % (label, r.returncode, r.stderr.decode(errors="replace")))
            return
        if r.returncode == 1:
            if not r.stderr.strip() or os.path.exists(out):
                failures.append("%s: refused without a message or left output" % label)
            return
        problem = gt.output_problem(writer, out, fragment) or gt.active_content(out)
        if problem:
            failures.append("%s: %s" % (label, problem))


def main():
    galley, regress = sys.argv[1:3]
    fmts = gt.formats(galley)
    failures = []
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        docs = []
        for name in sorted(os.listdir(os.path.join(regress, "convert"))):
            docs.append((os.path.join(regress, "convert", name), [f for f in fmts if fmts[f]["read"]]))
        for name in sorted(os.listdir(os.path.join(regress, "frontmatter"))):
            with open(os.path.join(regress, "frontmatter", name), "rb") as fh:
                yaml = fh.read()
            path = os.path.join(tmp, name + ".md")
            with open(path, "wb") as fh:
                fh.write(b"---\n" + yaml + b"\n---\n\n# Heading\n\nText.[^n]\n\n[^n]: Note.\n")
            docs.append((path, ["markdown"]))
        for path, readers in docs:
            for reader in readers:
                for writer in [f for f in fmts if fmts[f]["write"]]:
                    for fragment in (False, True):
                        check_one(galley, reader, writer, path, fragment, failures)
                        count += 1
    for f in failures:
        print("FAIL", f)
    print("%d conversions of %d regression inputs, %d failures" % (count, len(docs), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
