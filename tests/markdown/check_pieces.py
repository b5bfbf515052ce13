#!/usr/bin/env python3
"""A long Markdown document is read a piece at a time (formats/markdown,
"long documents"); the model must be exactly the one read whole. Every
example of the given spec files, and documents made of all of them, are
read whole and in pieces of several sizes (--markdown-pieces) in every
dialect, and the JSON compared byte for byte. The test also asserts that
pieces were really used (galley -v says how a document was read), and that
link definitions reach across pieces both ways.

The examples are read by read_many (the library, in one process: four
thousand readings would otherwise start four thousand processes); the long
documents, and one example in each dialect to show read_many reads as the
command does, by the galley command.

Usage: check_pieces.py GALLEY READ_MANY SPEC_FILE...
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "spec"))
from spec_tests import parse_examples  # noqa: E402

WHOLE = "0"


def read_cli(galley, dialect, text, piece):
    p = subprocess.run([galley, "-v", "-f", dialect, "-t", "json", "--markdown-pieces", piece, "-"],
                       input=text.encode(), capture_output=True, timeout=120)
    if p.returncode != 0:
        raise SystemExit("galley failed (%d) on a %d-byte document: %s" % (p.returncode, len(text), p.stderr))
    return p.stdout, p.stderr.decode()


class ReadMany:
    """One read_many process, asked for one reading at a time."""

    def __init__(self, path):
        self.proc = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def __call__(self, galley, dialect, text, piece):
        data = text.encode()
        self.proc.stdin.write(b"%s %s %d\n" % (dialect.encode(), piece.encode(), len(data)) + data)
        self.proc.stdin.flush()
        head = self.proc.stdout.readline().split()
        if len(head) != 3:
            raise SystemExit("read_many stopped (exit %s)" % self.proc.poll())
        status, json_len, notes_len = (int(x) for x in head)
        body = self.proc.stdout.read(json_len)
        notes = self.proc.stdout.read(notes_len).decode()
        if status != 0:
            raise SystemExit("reading failed (%d) on a %d-byte document: %s" % (status, len(data), body))
        return body, notes

    def close(self):
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise SystemExit("read_many exited %d" % self.proc.returncode)


def same(galley, dialect, text, pieces, what, read=read_cli):
    whole, _ = read(galley, dialect, text, WHOLE)
    notes = []
    for piece in pieces:
        got, err = read(galley, dialect, text, piece)
        if got != whole:
            path = "/tmp/galley-pieces-failure.md"
            with open(path, "w") as f:
                f.write(text)
            raise SystemExit("FAIL: %s (%s) read in pieces of %s differs from read whole; input in %s"
                             % (what, dialect, piece, path))
        notes.append(err)
    return notes


def main():
    galley, read_many, specs = sys.argv[1], ReadMany(sys.argv[2]), sys.argv[3:]
    examples = []
    for path in specs:
        examples += [ex["markdown"] for ex in parse_examples(path)]
    checked = 0
    for dialect in ("markdown", "gfm", "commonmark"):
        sample = examples[len(examples) // 2]
        for piece in (WHOLE, "1"):
            if read_many(galley, dialect, sample, piece)[0] != read_cli(galley, dialect, sample, piece)[0]:
                raise SystemExit("FAIL: read_many and galley read an example (%s) differently" % dialect)
        for md in examples:
            same(galley, dialect, md, ["1"], "an example", read_many)
            checked += 1
    read_many.close()
    # every example in one document: definitions of the same label in many
    # pieces, references before and after them
    everything = "\n\n".join(examples) + "\n"
    for dialect in ("markdown", "commonmark"):
        notes = same(galley, dialect, everything, ["1", "64", "1000", "20000"], "all the examples")
        checked += 1
    # definitions at the end, used from the start: read again in pieces with all of them
    prose = "".join("Paragraph %d, about [the thing] and [Other][x].\n\n" % i for i in range(3000))
    late = prose + "[the thing]: /thing \"Title\"\n[x]: </a b> 'x'\n"
    notes = same(galley, "markdown", late, ["4096"], "late definitions")
    if "reading again with all of them" not in notes[0] or "read in" not in notes[0]:
        raise SystemExit("FAIL: definitions after their references were not read again in pieces: %s" % notes[0])
    # definitions first, used in every later piece: carried across
    early = "[the thing]: /thing \"Title\"\n[x]: </a b> 'x'\n\n" + prose
    notes = same(galley, "markdown", early, ["4096"], "early definitions")
    if "2 link definitions carried across" not in notes[0] or "read in 1" in notes[0]:
        raise SystemExit("FAIL: early definitions were not carried across pieces: %s" % notes[0])
    # the long documents of the benchmarks are read in pieces
    notes = same(galley, "markdown", prose, ["4096"], "plain prose")
    if "read in" not in notes[0]:
        raise SystemExit("FAIL: a long document was not read in pieces: %s" % notes[0])
    print("%d documents read in pieces exactly as whole" % (checked + 3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
