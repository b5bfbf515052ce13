"""The DocBook output of an input equals its golden file, byte for byte.

usage: golden.py GALLEY INPUT GOLDEN
Set GALLEY_UPDATE_GOLDEN=1 to rewrite the golden file after a deliberate change.
Exit 77 (skipped) when the input or the golden file does not exist yet.
"""
import difflib
import os
import sys

from common import run_galley

galley, source, golden = sys.argv[1:4]
if not os.path.exists(source):
    print(f"skipped: {source} not found")
    sys.exit(77)
actual = run_galley(galley, [source, "-t", "docbook"])
if os.environ.get("GALLEY_UPDATE_GOLDEN"):
    with open(golden, "wb") as f:
        f.write(actual)
    print(f"wrote {golden}")
    sys.exit(0)
if not os.path.exists(golden):
    print(f"skipped: no golden file {golden} yet (make it with GALLEY_UPDATE_GOLDEN=1)")
    sys.exit(77)
with open(golden, "rb") as f:
    expected = f.read()
if actual != expected:
    diff = difflib.unified_diff(expected.decode().splitlines(), actual.decode().splitlines(),
                                golden, "galley output", lineterm="")
    sys.exit("\n".join(list(diff)[:200]))
print(f"{source}: output equals {os.path.basename(golden)} ({len(actual)} bytes)")
