"""The DocBook output of an input equals its golden file, byte for byte.

usage: golden.py GALLEY INPUT GOLDEN
Set GALLEY_UPDATE_GOLDEN=1 to rewrite the golden file after a deliberate change.
A missing input or golden file is a failure.
"""
import difflib
import os
import sys

from common import run_galley

galley, source, golden = sys.argv[1:4]
if not os.path.exists(source):
    sys.exit(f"FAIL: {source} not found")
actual = run_galley(galley, [source, "-t", "docbook"])
if os.environ.get("GALLEY_UPDATE_GOLDEN") == "1":
    with open(golden, "wb") as f:
        f.write(actual)
    print(f"wrote {golden}")
    sys.exit(0)
if not os.path.exists(golden):
    sys.exit(f"FAIL: no golden file {golden} (make it with GALLEY_UPDATE_GOLDEN=1 ctest -R golden)")
with open(golden, "rb") as f:
    expected = f.read()
if actual != expected:
    diff = difflib.unified_diff(expected.decode().splitlines(), actual.decode().splitlines(),
                                golden, "galley output", lineterm="")
    sys.exit("\n".join(list(diff)[:200]))
print(f"{source}: output equals {os.path.basename(golden)} ({len(actual)} bytes)")
