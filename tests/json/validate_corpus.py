#!/usr/bin/env python3
"""Converts every example of the spec files to JSON with each Markdown
dialect and validates the result against docs/json-schema.json, so the
schema holds for every construct the specs exercise, not only the feature
tour. Validation is slow, so a document is validated when it holds a node of
a shape (kind, parent, keys, enumerated values) no earlier document showed;
every document is checked for the invariants the schema cannot state:
heading ids are unique, and footnote numbers run 1..N."""

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "spec"))
from spec_tests import parse_examples  # noqa: E402


ENUM_FIELDS = ("task", "delimiter", "format", "level", "header", "tight")


def shapes(doc):
    """What the schema looks at in a document: each node's kind, parent, keys and enumerated values."""
    out = {("meta",) + tuple(sorted(doc["meta"]))}
    stack = [(doc["document"], None)]
    while stack:
        n, parent = stack.pop()
        enums = tuple((k, str(n[k])) for k in ENUM_FIELDS if k in n)
        ints = tuple((k, n[k] > 0) for k in ("line", "column", "number", "start", "columns") if k in n)
        aligns = tuple(sorted(set(n.get("align", []))))
        out.add((n["type"], parent, tuple(sorted(n)), enums, ints, aligns))
        stack.extend((c, n["type"]) for c in n.get("children", []))
    return out


def check_invariants(doc):
    ids, numbers = [], set()
    stack = [doc["document"]]
    while stack:
        n = stack.pop()
        if n["type"] == "heading":
            ids.append(n["id"])
        if n["type"] == "footnote_reference" and n["number"]:
            numbers.add(n["number"])
        stack.extend(n.get("children", []))
    if len(ids) != len(set(ids)):
        return "heading ids repeat: %s" % ids
    if numbers and numbers != set(range(1, len(numbers) + 1)):
        return "footnote numbers are not 1..N: %s" % sorted(numbers)
    return None


_validator = None


def _init(schema_path):
    global _validator
    with open(schema_path, encoding="utf-8") as f:
        _validator = jsonschema.Draft202012Validator(json.load(f))


def convert(galley, markdown, dialect):
    """The JSON document, or a string saying why there is none."""
    proc = subprocess.run([galley, "-q", "-f", dialect, "-t", "json", "-"], input=markdown.encode("utf-8"),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if proc.returncode != 0:
        return "exit %d: %s" % (proc.returncode, proc.stderr.decode("utf-8", "replace").strip())
    return json.loads(proc.stdout.decode("utf-8"))


def validate(doc):
    """None when `doc` is valid, else what is wrong."""
    errors = sorted(_validator.iter_errors(doc), key=lambda e: list(e.path))
    return errors[0].message[:300] if errors else check_invariants(doc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--galley", required=True)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--from", dest="dialects", action="append", help="dialects (default: markdown)")
    ap.add_argument("specs", nargs="+")
    args = ap.parse_args()
    dialects = args.dialects or ["markdown"]
    work = [(os.path.basename(spec), ex, d) for spec in args.specs for ex in parse_examples(spec) for d in dialects]
    with concurrent.futures.ThreadPoolExecutor(max(2, os.cpu_count() or 2)) as pool:
        docs = list(pool.map(lambda w: convert(args.galley, w[1]["markdown"], w[2]), work))
    _init(args.schema)
    # The schema is slow to apply; a document whose every node has a shape
    # (kind, parent, keys, enumerated values) already validated adds nothing.
    seen, failures, validated = set(), 0, 0
    for (name, ex, dialect), doc in zip(work, docs):
        problem = doc if isinstance(doc, str) else None
        if problem is None:
            new_shapes = shapes(doc) - seen
            problem = check_invariants(doc)
            if new_shapes and not problem:
                problem = validate(doc)
                validated += 1
                seen |= new_shapes
        if problem:
            print("%s example %d (-f %s): %s" % (name, ex["number"], dialect, problem))
            failures += 1
    print("%d conversions to JSON, %d with new shapes validated against the schema, %d invalid"
          % (len(work), validated, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
