#!/usr/bin/env python3
"""Runs spec examples (CommonMark, GFM, extensions, smart punctuation) through
the galley CLI and compares the HTML after normalization (see normalize.py).

Each example runs as `galley -f DIALECT -t html --fragment --no-highlight -` with the
Markdown on standard input, several at a time. An example that fails must be
listed in the known-failures file (number, then the reason) or the run fails;
a listed example that now passes fails the run too, so the list stays true.

  spec_tests.py --galley BIN --spec FILE --from DIALECT [--sections REGEX]
                [--known FILE] [--reference CMD] [--footnotes] [--min N]
                [--name NAME] [-v]
"""

import argparse
import concurrent.futures
import os
import re
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from normalize import normalize  # noqa: E402

FENCE = "`" * 32


def parse_examples(path):
    """Yields dicts (number, section, markdown, html, line) for every example in a spec file."""
    examples = []
    section = ""
    number = 0
    state = 0  # 0 prose, 1 markdown, 2 html
    md, out, start = [], [], 0
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for lineno, line in enumerate(lines, 1):
        if state == 0:
            if line.startswith(FENCE + " example"):
                state, md, out, start = 1, [], [], lineno
                number += 1
            elif re.match(r"#{1,6} ", line):
                section = line.lstrip("#").strip()
        elif state == 1:
            if line == ".":
                state = 2
            else:
                md.append(line)
        elif state == 2:
            if line == FENCE:
                state = 0
                examples.append({
                    "number": number,
                    "section": section,
                    "markdown": "".join(l + "\n" for l in md).replace("\u2192", "\t"),
                    "html": "".join(l + "\n" for l in out).replace("\u2192", "\t"),
                    "line": start,
                })
            else:
                out.append(line)
    return examples


def read_known(path):
    known = {}
    if not path or not os.path.exists(path):
        return known
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
            if not line:
                continue
            num, _, reason = line.partition(" ")
            known[int(num)] = reason.strip()
    return known


def run_one(galley, dialect, ex):
    # the spec's HTML is code as written: no highlighting spans
    proc = subprocess.run([galley, "-q", "-f", dialect, "-t", "html", "--fragment", "--no-highlight", "-"],
                          input=ex["markdown"].encode("utf-8"), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--galley", required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--from", dest="dialect", required=True)
    ap.add_argument("--sections", help="only sections whose heading matches this regex")
    ap.add_argument("--known", help="known failures: NUMBER REASON per line")
    ap.add_argument("--footnotes", action="store_true", help="map galley's footnote markup to cmark-gfm's")
    ap.add_argument("--reference", help="command line of cmark-gfm, run on every known failure: a listed "
                    "example must fail there too (it implements an older spec)")
    ap.add_argument("--min", type=int, default=0, help="fail below this many passes")
    ap.add_argument("--name", default=None)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    name = args.name or os.path.basename(args.spec)
    examples = parse_examples(args.spec)
    if args.sections:
        examples = [e for e in examples if re.search(args.sections, e["section"])]
    if not examples:
        print("%s: no examples found" % name)
        return 1
    known = read_known(args.known)

    jobs = max(2, os.cpu_count() or 2)
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(lambda e: run_one(args.galley, args.dialect, e), examples))

    passed, unexpected, fixed = 0, [], []
    for ex, (rc, got, err) in zip(examples, results):
        if ex["html"].strip() == "<IGNORE>":  # only "does not crash"
            ok = rc == 0
        else:
            ok = rc == 0 and normalize(got, True, args.footnotes) == normalize(ex["html"], False, args.footnotes)
        num = ex["number"]
        if ok:
            passed += 1
            if num in known:
                fixed.append(num)
            continue
        if num in known and rc == 0:
            continue
        unexpected.append(num)
        print("FAIL example %d (%s, line %d)%s" % (num, ex["section"], ex["line"],
                                                    "" if rc == 0 else " exit %d" % rc))
        if args.verbose or len(unexpected) <= 20:
            print("  markdown: %r" % ex["markdown"])
            print("  expected: %s" % normalize(ex["html"], False, args.footnotes))
            print("  got:      %s" % normalize(got, True, args.footnotes))
            if err.strip():
                print("  stderr:   %s" % err.strip())
    if args.reference and known:
        ref = shlex.split(args.reference)
        if shutil.which(ref[0]) is None:
            print("%s not found: known failures not checked against it" % ref[0])
        else:
            by_num = {e["number"]: e for e in examples}
            for num in sorted(known):
                ex = by_num.get(num)
                if ex is None:
                    continue
                proc = subprocess.run(ref, input=ex["markdown"].encode("utf-8"), stdout=subprocess.PIPE, timeout=60)
                theirs = normalize(proc.stdout.decode("utf-8", "replace"), False, args.footnotes)
                if theirs == normalize(ex["html"], False, args.footnotes):
                    print("KNOWN example %d passes with %s: not a known failure" % (num, args.reference))
                    unexpected.append(num)
    for num in fixed:
        print("PASS example %d is listed as a known failure: take it out of %s" % (num, args.known))
    print("%s: %d/%d examples pass (%d known failures, %d unexpected failures)"
          % (name, passed, len(examples), len(examples) - passed - len(unexpected), len(unexpected)))
    if unexpected or fixed or passed < args.min:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
