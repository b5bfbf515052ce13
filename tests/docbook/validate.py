"""Converts inputs to DocBook and validates all outputs in one jing run per schema.

usage: validate.py GALLEY OUTDIR [--require-format NAME] [--require-file] CASE...
A CASE is an input path, optionally followed by comma-separated galley
options: "doc.md,--docbook-root,book". A failure, too, when a required
format is not compiled in or, with --require-file, an input does not exist.
"""
import os
import subprocess
import sys

from common import run_galley, validate



def main():
    galley, outdir, *rest = sys.argv[1:]
    cases, require_format, require_file = [], None, False
    while rest:
        arg = rest.pop(0)
        if arg == "--require-format":
            require_format = rest.pop(0)
        elif arg == "--require-file":
            require_file = True
        else:
            cases.append(arg.split(","))
    if require_format:
        formats = subprocess.run([galley, "--list-formats"], capture_output=True, text=True).stdout
        if not any(line.split()[:1] == [require_format] for line in formats.splitlines()):
            sys.exit(f"FAIL: galley has no '{require_format}' format")
    if require_file:
        missing = [c[0] for c in cases if not os.path.exists(c[0])]
        if missing:
            sys.exit(f"FAIL: {', '.join(missing)} not found")
    os.makedirs(outdir, exist_ok=True)
    files = []
    for i, (source, *options) in enumerate(cases):
        name = os.path.splitext(os.path.basename(source))[0]
        out = os.path.join(outdir, f"{i:03}-{name}{''.join(o.strip('-') for o in options if o)}.xml")
        with open(out, "wb") as f:
            f.write(run_galley(galley, [*options, source, "-t", "docbook"]))
        files.append(out)
    validate(files)


if __name__ == "__main__":
    main()
