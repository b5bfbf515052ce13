#!/usr/bin/env python3
"""The reader is linear: for each pathological shape, eight times the input
may take at most about eight times as long (the limit allows 24; a run of
the large input under 0.3 s passes whatever the ratio, as timer noise
dominates there and a quadratic reader would take far longer). With
--once, each shape is read once at a small size: no crash, no sanitizer
report (deep list nesting and long runs of markers included).

Usage: check_linear.py GALLEY [N] [--once]
"""
import subprocess
import sys
import time

SHAPES = {
    # each maps a size n to bytes
    "nested bullets": lambda n: "".join(" " * (i % 40) + "- item\n" for i in range(n)).encode(),
    "short lines": lambda n: "".join(f"Short Line {i}\n" for i in range(n)).encode(),
    "capital blocks": lambda n: "".join("CAPITAL HEADING\n\n" for i in range(n)).encode(),
    "underscores": lambda n: ("_a " * n + "\n").encode(),
    "at signs": lambda n: ("a@" * n + "\n").encode(),
    "url brackets": lambda n: ("http://x.org/" + "(" * n + "\n").encode(),
    "one long line": lambda n: ("word " * n + "\n").encode(),
    "wrapped prose": lambda n: ("A line of wrapped prose that goes on to the margin and\n" * n).encode(),
    "ordered items": lambda n: "".join(f"{i % 999 + 1}. item\n" for i in range(n)).encode(),
    "indented code": lambda n: "".join(f"    x = f({i});\n\n" for i in range(n)).encode(),
}


def timed(galley, data):
    best = None
    for _ in range(3):
        start = time.perf_counter()
        p = subprocess.run([galley, "-f", "text", "-t", "json", "-", "-o", "/dev/null"], input=data,
                           capture_output=True, timeout=300)
        spent = time.perf_counter() - start
        if p.returncode != 0:
            raise AssertionError(f"galley exited {p.returncode}: {p.stderr.decode()[:500]}")
        best = spent if best is None else min(best, spent)
    return best


def main():
    galley = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    failed = False
    if "--once" in sys.argv:
        for name, make in SHAPES.items():
            p = subprocess.run([galley, "-f", "text", "-t", "json", "-", "-o", "/dev/null"], input=make(n),
                               capture_output=True, timeout=300)
            print(f"{'ok' if p.returncode == 0 else 'FAIL':4} {name}")
            failed = failed or p.returncode != 0 or bool(p.stderr)
        return 1 if failed else 0
    base = timed(galley, b"x\n")  # the start-up cost, taken off both sides
    for name, make in SHAPES.items():
        small = max(timed(galley, make(n)) - base, 0.002)
        big = max(timed(galley, make(8 * n)) - base, 0.002)
        ratio = big / small
        verdict = "ok" if ratio <= 24 or big < 0.3 else "FAIL"
        failed = failed or verdict == "FAIL"
        print(f"{verdict:4} {name:15} n={n}: {small * 1000:7.1f} ms, 8n: {big * 1000:7.1f} ms, ratio {ratio:5.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
