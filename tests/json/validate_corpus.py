#!/usr/bin/env python3
"""Converts every example of the spec files to JSON with each Markdown
dialect and validates the result against docs/json-schema.json, so the
schema holds for every construct the specs exercise, not only the feature
tour. Also checks the invariants the schema cannot state: heading ids are
unique, and footnote numbers run 1..N."""

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


def check(galley, markdown, dialect):
    """None when the conversion is valid, else what is wrong."""
    proc = subprocess.run([galley, "-q", "-f", dialect, "-t", "json", "-"], input=markdown.encode("utf-8"),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if proc.returncode != 0:
        return "exit %d: %s" % (proc.returncode, proc.stderr.decode("utf-8", "replace").strip())
    doc = json.loads(proc.stdout.decode("utf-8"))
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
    with concurrent.futures.ProcessPoolExecutor(max(2, os.cpu_count() or 2), initializer=_init,
                                                initargs=(args.schema,)) as pool:
        futures = [pool.submit(check, args.galley, ex["markdown"], d) for _, ex, d in work]
        results = [f.result() for f in futures]
    failures = 0
    for (name, ex, dialect), problem in zip(work, results):
        if problem:
            print("%s example %d (-f %s): %s" % (name, ex["number"], dialect, problem))
            failures += 1
    print("%d conversions to JSON checked against the schema, %d invalid" % (len(work), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
