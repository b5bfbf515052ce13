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


def run(galley, writer, docs, extra, out_dir):
    """One valgrind process converting `docs` into `writer`: None when clean, else what valgrind said."""
    cmd = VALGRIND + [galley, "-q", "-t", writer, "--output-dir", out_dir, "-j", "2"] + docs + extra
    r = subprocess.run(cmd, capture_output=True, timeout=1800)
    return None if r.returncode == 0 else "exit %d\n%s" % (r.returncode, r.stderr.decode(errors="replace")[-4000:])


def main():
    galley, src = sys.argv[1:3]
    failures, docs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for doc in documents(src):
            probe = subprocess.run([galley, "-q", "-t", "json", doc, "-o", os.path.join(tmp, "probe.json")],
                                   capture_output=True)
            if probe.returncode != 0:
                failures.append("%s: galley cannot read it (exit %d)" % (os.path.basename(doc), probe.returncode))
            else:
                docs.append(doc)
        stems = [os.path.splitext(os.path.basename(d))[0] for d in docs]
        if len(set(stems)) != len(stems):
            failures.append("two documents share a name: %s" % stems)
        # Valgrind takes a second to start galley, longer than most of these
        # conversions: one process converts every document into a writer, and
        # only when it fails is each document run alone, to name the culprit.
        runs = 0
        for writer in gt.writers(galley):
            for extra in ([], ["--fragment", "-M", "title=T <&>", "-M", "author=A; B"]):
                label = "%s %s" % (writer, " ".join(extra))
                runs += len(docs)
                problem = run(galley, writer, docs, extra, tempfile.mkdtemp(dir=tmp))
                if problem is None:
                    print("clean: %d documents -> %s" % (len(docs), label))
                    continue
                culprits = [(d, run(galley, writer, [d], extra, tempfile.mkdtemp(dir=tmp))) for d in docs]
                culprits = [(d, p) for d, p in culprits if p] or [("the documents together", problem)]
                failures += ["%s -> %s: %s" % (os.path.basename(d), label, p) for d, p in culprits]
    for f in failures:
        print("FAIL", f)
    print("%d conversions under valgrind, %d failures" % (runs, len(failures)))
    sys.exit(1 if failures or runs == 0 else 0)


if __name__ == "__main__":
    main()
