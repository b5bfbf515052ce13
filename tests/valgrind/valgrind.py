#!/usr/bin/env python3
"""valgrind.py GALLEY SOURCE_DIR

Runs the sample conversions under valgrind memcheck: every document in
samples/ (and the feature and hostile-input seeds of tests/fuzz/seeds) whose
format galley can tell from its name, into every writer. Any memory error or
definite/indirect leak fails the test.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "robust"))
import galleytest as gt  # noqa: E402

VALGRIND = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect", "--show-leak-kinds=definite,indirect"]


def documents(src):
    for folder in ("samples", "tests/fuzz/seeds"):
        path = os.path.join(src, folder)
        for name in sorted(os.listdir(path)) if os.path.isdir(path) else []:
            if name.endswith((".md", ".txt")):
                yield os.path.join(path, name)


def main():
    galley, src = sys.argv[1:3]
    failures, runs = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for doc in documents(src):
            probe = subprocess.run([galley, "-q", "-t", "json", doc, "-o", os.path.join(tmp, "probe.json")],
                                   capture_output=True)
            if probe.returncode != 0:
                failures.append("%s: galley cannot read it (exit %d)" % (os.path.basename(doc), probe.returncode))
                continue
            for writer in gt.writers(galley):
                for extra in ([], ["--fragment", "-M", "title=T <&>", "-M", "author=A; B"]):
                    out = os.path.join(tmp, "out." + writer)
                    cmd = VALGRIND + [galley, "-q", "-t", writer, doc, "-o", out] + extra
                    r = subprocess.run(cmd, capture_output=True, timeout=1200)
                    runs += 1
                    label = "%s -> %s %s" % (os.path.basename(doc), writer, " ".join(extra))
                    if r.returncode != 0:
                        failures.append("%s: exit %d\n%s" % (label, r.returncode,
                                                              r.stderr.decode(errors="replace")[-4000:]))
                    else:
                        print("clean: %s" % label)
    for f in failures:
        print("FAIL", f)
    print("%d conversions under valgrind, %d failures" % (runs, len(failures)))
    sys.exit(1 if failures or runs == 0 else 0)


if __name__ == "__main__":
    main()
