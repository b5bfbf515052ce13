#!/usr/bin/env python3
"""The plain-text reader on a corpus of real books and newswire articles.

Each FILE.txt has a FILE.expect written by hand:

    title: The Title           the metadata title (required; "title:" alone: the text has none)
    author: A. Name            the metadata author, when the text names one
    1 CHAPTER I. Loomings.     a heading the reader must find, with its level
    ?1 EXTRACTS.               a heading it may find or not (neither hit nor extra)

Headings are compared without case, blanks and punctuation, in order (the
longest common subsequence of the expected and found headings at the levels
the file expects). A found heading at those levels that matches none is an
extra. The run prints every miss and extra, the hit rate per file and over
all, and fails when the chapters found right fall below --min-hits of the
expected, when extras pass --max-extra of them, or when any title or author
is wrong.

Usage: check_corpus.py GALLEY DIR [DIR...] [--min-hits 0.95] [--max-extra 0.05] [--report]
"""
import argparse
import os
import re
import sys

from textlib import read, text, walk


def norm(s):
    s = s.replace("’", "'").replace("—", "--")
    return re.sub(r"[^0-9a-z]", "", s.lower())


def load_expect(path):
    want = {"title": None, "author": None, "headings": []}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if line.startswith("title:"):
                want["title"] = line[6:].strip()
            elif line.startswith("author:"):
                want["author"] = line[7:].strip()
            else:
                level, title = line.split(" ", 1)
                optional = level.startswith("?")
                want["headings"].append((int(level.lstrip("?")), title, optional))
    return want


def found_headings(doc, max_level):
    """Headings at the levels the file expects; a "Contents" heading is neither hit nor extra."""
    return [(n["level"], text(n)) for n in walk(doc["document"])
            if n["type"] == "heading" and n["level"] <= max_level and norm(text(n)) not in ("contents", "tableofcontents")]


def align(want, got):
    """Longest common subsequence of (level, normalized title); returns matched pairs of indices."""
    w = [(lv, norm(t)) for lv, t, _ in want]
    g = [(lv, norm(t)) for lv, t in got]
    n, m = len(w), len(g)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if w[i] == g[j] else max(table[i + 1][j], table[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if w[i] == g[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def check_file(galley, path, report):
    want = load_expect(path[:-4] + ".expect")
    doc = read(galley, path)
    meta = doc["meta"]
    problems = []
    if norm(meta.get("title") or "") != norm(want["title"]):
        problems.append(f"title {meta.get('title')!r}, wanted {want['title']!r}")
    authors = meta.get("authors") or []
    if want["author"] is not None and [norm(a) for a in authors] != [norm(want["author"])]:
        problems.append(f"authors {authors!r}, wanted {[want['author']]!r}")
    max_level = max([lv for lv, _, _ in want["headings"]], default=1)
    got = found_headings(doc, max_level)
    pairs = align(want["headings"], got)
    matched_w = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    required = [i for i, h in enumerate(want["headings"]) if not h[2]]
    hits = sum(1 for i in required if i in matched_w)
    extras = [got[j] for j in range(len(got)) if j not in matched_g]
    misses = [want["headings"][i][:2] for i in required if i not in matched_w]
    if report:
        for lv, t in misses:
            print(f"  {os.path.basename(path)}: missed ({lv}) {t}")
        for lv, t in extras:
            print(f"  {os.path.basename(path)}: extra  ({lv}) {t}")
    return len(required), hits, len(extras), problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("galley")
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--min-hits", type=float, default=0.95)
    ap.add_argument("--max-extra", type=float, default=0.05)
    ap.add_argument("--report", action="store_true", help="list every miss and extra")
    args = ap.parse_args()
    total = hits = extras = files = titles_right = 0
    failed = []
    for d in args.dirs:
        names = sorted(f for f in os.listdir(d) if f.endswith(".txt"))
        if not names:
            raise SystemExit(f"no .txt files in {d}")
        for name in names:
            path = os.path.join(d, name)
            if not os.path.exists(path[:-4] + ".expect"):
                raise SystemExit(f"{path}: no .expect file beside it")
            n, h, x, problems = check_file(args.galley, path, args.report)
            files += 1
            total += n
            hits += h
            extras += x
            titles_right += not problems
            status = "ok" if not problems and h == n and x == 0 else "differs"
            print(f"{os.path.relpath(path, os.path.dirname(d))}: {h}/{n} headings, {x} extra; {status}")
            for p in problems:
                print(f"  {name}: {p}")
                failed.append(f"{name}: {p}")
    rate = hits / total if total else 1.0
    extra_rate = extras / total if total else 0.0
    print(f"corpus: {files} files, {hits}/{total} headings right ({rate:.1%}), {extras} extra ({extra_rate:.1%}), "
          f"{titles_right}/{files} titles and authors right")
    if rate < args.min_hits:
        failed.append(f"hit rate {rate:.1%} below {args.min_hits:.0%}")
    if extra_rate > args.max_extra:
        failed.append(f"extra headings {extra_rate:.1%} above {args.max_extra:.0%}")
    for f in failed:
        print("FAIL:", f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
