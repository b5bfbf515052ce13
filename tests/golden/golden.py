#!/usr/bin/env python3
"""Golden files: converts each sample and compares the output byte for byte
with the file checked in under tests/golden/, then checks the output for what
it is: the JSON parses and validates against docs/json-schema.json and holds
every node kind the schema names; the HTML is well-formed XML.

To accept a deliberate change in the output, regenerate the files and review
the diff before committing it:

    GALLEY_UPDATE_GOLDEN=1 ctest --test-dir build -R golden
    git diff tests/golden/
"""

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# (sample, output format, golden file)
CASES = [
    ("samples/feature-tour.md", "json", "feature-tour.json"),
    ("samples/feature-tour.md", "html", "feature-tour.html"),
]


def convert(galley, sample, fmt):
    proc = subprocess.run([galley, os.path.join(ROOT, sample), "-t", fmt], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)
    if proc.returncode != 0 or proc.stderr:
        raise SystemExit("galley %s -t %s: exit %d\n%s" % (sample, fmt, proc.returncode,
                                                           proc.stderr.decode("utf-8", "replace")))
    return proc.stdout


def check_json(data, schema_path):
    doc = json.loads(data.decode("utf-8"))
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    import jsonschema
    jsonschema.validators.validator_for(schema).check_schema(schema)
    jsonschema.validate(doc, schema, cls=jsonschema.validators.validator_for(schema))
    kinds = set()
    stack = [doc["document"]]
    while stack:
        node = stack.pop()
        kinds.add(node["type"])
        stack.extend(node.get("children", []))
    missing = set(schema["$defs"]["node_type"]["enum"]) - kinds
    if missing:
        raise SystemExit("the feature tour lacks node kinds: %s" % ", ".join(sorted(missing)))
    meta = doc["meta"]
    for key in ("title", "subtitle", "date", "lang", "identifier", "publisher", "rights", "description",
                "cover-image"):
        if not meta.get(key):
            raise SystemExit("the feature tour's metadata lacks %s" % key)
    if len(meta["authors"]) < 2 or not meta["keywords"] or not meta["extra"]:
        raise SystemExit("the feature tour's metadata lacks authors, keywords or a free key")
    print("json: valid against %s, %d node kinds" % (os.path.relpath(schema_path, ROOT), len(kinds)))


def pretty_json(text):
    try:
        return json.dumps(json.loads(text), indent=1, ensure_ascii=False)
    except ValueError:
        return text


def check_html(data):
    text = data.decode("utf-8")
    if text.startswith("<!DOCTYPE html>"):
        text = text[len("<!DOCTYPE html>"):]
    root = ET.fromstring(text)
    if root.tag != "{http://www.w3.org/1999/xhtml}html":
        raise SystemExit("html: root element is %s" % root.tag)
    # an HTML parser reads <style> as plain text: a character reference there breaks the CSS
    for css in re.findall(r"<style>(.*?)</style>", text, re.S):
        if "&" in css or "<" in css:
            raise SystemExit("html: the stylesheet holds '&' or '<', which HTML parsers take literally")
    print("html: well-formed XHTML, stylesheet readable as HTML")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--galley", required=True)
    ap.add_argument("--schema", default=os.path.join(ROOT, "docs", "json-schema.json"))
    args = ap.parse_args()
    update = os.environ.get("GALLEY_UPDATE_GOLDEN") == "1"

    failed = False
    for sample, fmt, golden in CASES:
        got = convert(args.galley, sample, fmt)
        path = os.path.join(HERE, golden)
        if fmt == "json":
            check_json(got, args.schema)
        else:
            check_html(got)
        if update:
            with open(path, "wb") as f:
                f.write(got)
            print("updated %s" % os.path.relpath(path, ROOT))
            continue
        with open(path, "rb") as f:
            want = f.read()
        if got == want:
            print("%s: matches" % golden)
            continue
        failed = True
        print("%s: differs from the output of galley %s -t %s" % (golden, sample, fmt))
        want_text, got_text = want.decode("utf-8"), got.decode("utf-8")
        if fmt == "json":  # one line: compare it laid out
            want_text = pretty_json(want_text)
            got_text = pretty_json(got_text)
        diff = difflib.unified_diff(want_text.splitlines(), got_text.splitlines(),
                                    "golden/" + golden, "output", lineterm="", n=1)
        for i, line in enumerate(diff):
            if i >= 80:
                print("...")
                break
            print(line[:300])
    if failed:
        print("If the change is intended: GALLEY_UPDATE_GOLDEN=1 ctest -R golden, then review git diff tests/golden/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
