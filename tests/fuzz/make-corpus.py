#!/usr/bin/env python3
"""make-corpus.py NAME GALLEY OUTDIR SOURCE_DIR

Writes the seed corpus of fuzz target NAME into OUTDIR from the documents in
the repository (tests/data, samples, tests/fuzz/seeds, tests/fuzz/regress).
For fuzz_convert each document is seeded once for every reader, the writers
taken in turn: byte 0 picks the reader and byte 2 the writer in registry
order (as `galley --list-formats` lists them), byte 1 the option flags (0).
Spec files (tests/data) give their examples, twenty to a seed.
"""
import hashlib
import os
import subprocess
import sys

MAX_SEED = 65536


def formats(galley, column):
    out = subprocess.run([galley, "--list-formats"], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[1:]]
    return [row[0] for row in rows if len(row) > 2 and row[column] == "yes"]


FENCE = b"```````````````````````````````` example"


def spec_examples(data):
    """The Markdown of each example of a CommonMark-style spec, in groups of 20."""
    examples = []
    for part in data.split(FENCE)[1:]:
        md = part.split(b"\n.\n", 1)[0].lstrip(b"\n")
        examples.append(md.replace("\u2192".encode(), b"\t"))
    for i in range(0, len(examples), 20):
        yield b"\n\n".join(examples[i:i + 20])


def documents(src):
    dirs = ["tests/data", "samples", "tests/fuzz/seeds", "tests/fuzz/regress/convert"]
    for d in dirs:
        for root, _, files in os.walk(os.path.join(src, d)):
            for f in sorted(files):
                path = os.path.join(root, f)
                with open(path, "rb") as fh:
                    data = fh.read()
                if FENCE in data:
                    for k, group in enumerate(spec_examples(data)):
                        yield "%s-%d" % (f, k), group
                elif data and len(data) <= MAX_SEED:
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
        readers, writers = formats(galley, 1), formats(galley, 2)
        for k, (_, data) in enumerate(documents(src)):
            for i in range(len(readers)):
                # every reader, and the writers in turn: each writer sees every document kind
                write(outdir, bytes([i, 0, (k + i) % len(writers)]) + data)
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
