"""Helpers shared by the DocBook tests: running galley and jing."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import validators  # noqa: E402

RNG = validators.DOCBOOK_RNG
SCH = validators.DOCBOOK_SCH


def run_galley(galley, args, stdin=None, refused_ok=False):
    """Runs galley quietly; returns its stdout bytes, failing on a non-zero exit
    (with refused_ok, an input the reader refuses, exit 1, gives None)."""
    proc = subprocess.run([galley, "-q", *args], input=stdin, capture_output=True)
    if proc.returncode == 1 and refused_ok:
        return None
    if proc.returncode != 0:
        sys.exit(f"galley {' '.join(args)} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def jing(schema, files):
    """Validates every file in one jing run; returns (ok, report)."""
    return validators.jing(schema, files)


def validate(files):
    """RELAX NG and Schematron over `files`; exits with the report on any error."""
    for name, schema in (("RELAX NG", RNG), ("Schematron", SCH)):
        ok, report = jing(schema, files)
        if not ok:
            sys.exit(f"{name} validation failed:\n{report[:20000]}")
    print(f"{len(files)} file(s) valid against the DocBook 5.0 RELAX NG schema and Schematron rules")


def spec_examples(path):
    """The example inputs of a CommonMark-style spec file, with → as a tab."""
    fence = "`" * 32 + " example"
    examples, lines, state = [], [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if state is None and line.rstrip("\n").startswith(fence):
                state, lines = "md", []
            elif state == "md" and line.rstrip("\n") == ".":
                examples.append("".join(lines).replace("\u2192", "\t"))
                state = "html"
            elif state == "html" and line.rstrip("\n") == "`" * 32:
                state = None
            elif state == "md":
                lines.append(line)
    return examples
