#!/usr/bin/env python3
"""Converts every example of the spec files to JSON with each Markdown
dialect and validates every result against docs/json-schema.json, so the
schema holds for every construct the specs exercise, not only the feature
tour. Every document is also checked for the invariants the schema cannot
state: heading ids are unique, and footnote numbers run 1..N.

Speed: the examples are converted by one galley process per dialect
(--output-dir), and validated in this process by compiled validators. The
schema's `unevaluatedProperties` on a node makes a validator evaluate a
node's subtree again for each ancestor, which costs seconds per document,
so the tree is validated node by node: the schema with each reference to a
node replaced by "an object" checks the document and its root, and the
node schema, so cut, checks every node on its own (compiled for the node's
type: the branches for other types cannot apply). Every node meets the
whole node schema and every constraint a parent puts on its children (their
types), as in one validation of the whole tree."""

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "spec"))
from spec_tests import parse_examples  # noqa: E402

NODE_REF = "#/$defs/node"


def cut_node_refs(schema):
    """`schema` with each reference to a node replaced by "an object"."""
    if isinstance(schema, dict):
        if schema.get("$ref") == NODE_REF:
            return {"type": "object"}
        return {k: cut_node_refs(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [cut_node_refs(v) for v in schema]
    return schema


def type_test(branch):
    """The types a branch {"if": {"properties": {"type": {"enum": [...]}}}, "then": ...} is for, else None."""
    test = branch.get("if") if isinstance(branch, dict) and "else" not in branch else None
    if not isinstance(test, dict) or list(test) != ["properties"] or list(test["properties"]) != ["type"]:
        return None
    enum = test["properties"]["type"]
    return set(enum["enum"]) if list(enum) == ["enum"] else None


class NodeValidators:
    """The node schema (children cut), compiled once for each node type met: a
    branch whose `if` asks for other types cannot apply (a failed `if` without
    `else` adds neither errors nor evaluated properties) and is left out, so a
    node meets the same checks as under the whole schema, without the others'
    cost. A node without a string type meets the whole schema."""

    def __init__(self, cls, cut, schema_uri):
        self.cls, self.cut, self.uri = cls, cut, schema_uri
        self.general = self.compile(None)
        self.by_type = {}

    def compile(self, node_type):
        node = copy.deepcopy(self.cut["$defs"]["node"])
        if node_type is not None:
            node["allOf"] = [b for b in node.get("allOf", [])
                             if type_test(b) is None or node_type in type_test(b)]
        node["$defs"] = self.cut["$defs"]
        node["$schema"] = self.uri
        return self.cls(node)

    def iter_errors(self, node):
        t = node.get("type")
        if not isinstance(t, str):
            return self.general.iter_errors(node)
        if t not in self.by_type:
            self.by_type[t] = self.compile(t)
        return self.by_type[t].iter_errors(node)


def compile_validators(schema_path):
    """Validators for the document (nodes cut) and for one node (children cut)."""
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    cut = cut_node_refs(schema)
    return cls(cut), NodeValidators(cls, cut, schema["$schema"])


def json_path(parts):
    return "$" + "".join("[%d]" % p if isinstance(p, int) else ".%s" % p for p in parts)


def schema_errors(doc, doc_validator, node_validator):
    """(JSON path, message) for each place where `doc` breaks the schema."""
    found = [(list(e.absolute_path), e.message) for e in doc_validator.iter_errors(doc)]
    stack = [(doc.get("document"), ["document"])] if isinstance(doc, dict) else []
    while stack:
        node, where = stack.pop()
        if not isinstance(node, dict):
            continue  # the parent's check already reports it
        found += [(where + list(e.absolute_path), e.message) for e in node_validator.iter_errors(node)]
        children = node.get("children")
        if isinstance(children, list):
            stack.extend((c, where + ["children", i]) for i, c in enumerate(children))
    return [(json_path(p), m[:300]) for p, m in sorted(found, key=lambda f: [str(x) for x in f[0]])]


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


def convert_all(galley, work_dir, names, dialect):
    """Converts the examples in one galley process; its stderr (failures) is returned."""
    out = os.path.join(work_dir, dialect)
    os.mkdir(out)
    proc = subprocess.run([galley, "-q", "-f", dialect, "-t", "json", "--output-dir", out, "-j", "2"]
                          + [os.path.join(work_dir, n + ".md") for n in names],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    return out, proc.stderr.decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--galley", required=True)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--from", dest="dialects", action="append", help="dialects (default: markdown)")
    ap.add_argument("specs", nargs="+")
    args = ap.parse_args()
    dialects = args.dialects or ["markdown"]
    doc_validator, node_validator = compile_validators(args.schema)
    examples = [(os.path.basename(spec), ex) for spec in args.specs for ex in parse_examples(spec)]
    failures, checked = 0, 0
    with tempfile.TemporaryDirectory() as work_dir:
        names = ["%s-%04d" % (spec, ex["number"]) for spec, ex in examples]
        for name, (_, ex) in zip(names, examples):
            with open(os.path.join(work_dir, name + ".md"), "w", encoding="utf-8") as f:
                f.write(ex["markdown"])
        for dialect in dialects:
            out, stderr = convert_all(args.galley, work_dir, names, dialect)
            for name, (spec, ex) in zip(names, examples):
                where = "%s example %d (-f %s)" % (spec, ex["number"], dialect)
                try:
                    with open(os.path.join(out, name + ".json"), encoding="utf-8") as f:
                        doc = json.load(f)
                except (OSError, ValueError) as e:
                    print("%s: no JSON: %s" % (where, e))
                    failures += 1
                    continue
                checked += 1
                problems = schema_errors(doc, doc_validator, node_validator)
                for path, message in problems:
                    print("%s: %s: %s" % (where, path, message))
                invariant = None if problems else check_invariants(doc)
                if invariant:
                    print("%s: %s" % (where, invariant))
                failures += bool(problems or invariant)
            if stderr.strip():
                print("galley -f %s said:\n%s" % (dialect, stderr.strip()))
    print("%d of %d conversions to JSON validated against the schema, %d invalid"
          % (checked, len(examples) * len(dialects), failures))
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
