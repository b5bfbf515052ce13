#!/usr/bin/env python3
"""run.py GALLEY CASE

Generates the pathological input CASE (generate.py, base size) and converts
it with every reader of the Markdown family that the registry has and into
every writer: galley must succeed or refuse cleanly (exit 1 with a message),
never crash, and its output must be well-formed. Time limits are CTest's.
"""
import os
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "robust"))
sys.path.insert(0, here)
import galleytest as gt  # noqa: E402
import generate  # noqa: E402


def main():
    galley, case = sys.argv[1:3]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, case + ".md")
        with open(src, "w") as fh:
            fh.write(generate.CASES[case](1))
        readers = [r for r in gt.readers(galley) if r in ("markdown", "gfm", "commonmark", "text")]
        for reader in readers:
            for writer in gt.writers(galley):
                out = os.path.join(tmp, "out." + writer)
                start = time.monotonic()
                r = subprocess.run([galley, "-q", "-f", reader, "-t", writer, src, "-o", out], capture_output=True)
                took = time.monotonic() - start
                label = "%s: %s -> %s" % (case, reader, writer)
                print("%-50s exit %d  %6.2fs" % (label, r.returncode, took))
                problem = gt.crash_problem(r)
                if not problem and r.returncode not in (0, 1):
                    problem = "exit %d" % r.returncode
                if not problem and r.returncode == 1 and (not r.stderr.strip() or os.path.exists(out)):
                    problem = "refused without a message, or left an output"
                if not problem and r.returncode == 0:
                    problem = gt.output_problem(writer, out)
                if problem:
                    failures.append("%s: %s\n%s" % (label, problem, r.stderr.decode(errors="replace")[-2000:]))
                if os.path.exists(out):
                    os.unlink(out)
    for f in failures:
        print("FAIL", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
