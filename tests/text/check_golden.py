#!/usr/bin/env python3
"""The founding sample read as text must give exactly the golden JSON model.

Usage: check_golden.py GALLEY INPUT GOLDEN
GALLEY_UPDATE_GOLDEN=1 rewrites GOLDEN instead.
"""
import json
import os
import sys

import textlib


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: present on one side only"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


def main():
    galley, source, golden = sys.argv[1:4]
    got = textlib.read(galley, source)
    if os.environ.get("GALLEY_UPDATE_GOLDEN") == "1":
        with open(golden, "w", encoding="utf-8") as f:
            json.dump(got, f, indent=1, ensure_ascii=False)
            f.write("\n")
        return 0
    with open(golden, encoding="utf-8") as f:
        wanted = json.load(f)
    diff = first_difference(got, wanted)
    if diff:
        print(f"{source} does not match {golden}: {diff}", file=sys.stderr)
        return 1
    print(f"{source}: matches {golden}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
