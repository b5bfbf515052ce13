#!/usr/bin/env python3
"""make-corpus.py NAME GALLEY OUTDIR SOURCE_DIR

Writes the seed corpus of fuzz target NAME into OUTDIR from the documents in
the repository (tests/data, samples, tests/fuzz/seeds, tests/fuzz/regress).
For fuzz_convert each document is seeded once for every reader: byte 0 picks
the reader in registry order (as `galley --list-formats` lists them), byte 1
the option flags (0).
"""
import hashlib
import os
import subprocess
import sys

MAX_SEED = 65536


def readers(galley):
    out = subprocess.run([galley, "--list-formats"], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[1:]]
    return [row[0] for row in rows if len(row) > 2 and row[1] == "yes"]


def documents(src):
    dirs = ["tests/data", "samples", "tests/fuzz/seeds", "tests/fuzz/regress/convert"]
    for d in dirs:
        for root, _, files in os.walk(os.path.join(src, d)):
            for f in sorted(files):
                path = os.path.join(root, f)
                with open(path, "rb") as fh:
                    data = fh.read()
                if data and len(data) <= MAX_SEED:
                    yield f, data


def front_matter(data):
    """The YAML of a document that starts with a --- block, or None."""
    if not data.startswith(b"---\n"):
        return None
    end = data.find(b"\n---", 4)
    return data[4:end] if end > 0 else None


def write(outdir, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(outdir, name), "wb") as fh:
        fh.write(data)


def main():
    name, galley, outdir, src = sys.argv[1:5]
    os.makedirs(outdir, exist_ok=True)
    count = 0
    if name == "convert":
        names = readers(galley)
        for _, data in documents(src):
            for i in range(len(names)):
                write(outdir, bytes([i, 0]) + data)
                count += 1
    elif name == "frontmatter":
        regress = os.path.join(src, "tests/fuzz/regress/frontmatter")
        for f in sorted(os.listdir(regress)) if os.path.isdir(regress) else []:
            with open(os.path.join(regress, f), "rb") as fh:
                write(outdir, fh.read())
                count += 1
        for f, data in documents(src):
            yaml = front_matter(data)
            if yaml is not None:
                write(outdir, yaml)
                count += 1
            elif f.endswith(".yaml"):
                write(outdir, data)
                count += 1
    else:
        sys.exit("unknown fuzz target " + name)
    print("make-corpus: %d seeds for %s in %s" % (count, name, outdir))


if __name__ == "__main__":
    main()
