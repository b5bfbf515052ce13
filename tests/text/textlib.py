"""Helpers the plain-text reader's tests share: run galley, walk its JSON."""
import json
import subprocess


def run(galley, *args, stdin=None):
    """Runs galley; returns (exit code, stdout bytes, stderr text)."""
    p = subprocess.run([galley, *args], input=stdin, capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def read(galley, path, *extra):
    """The JSON model of a text file; fails loudly when galley does."""
    code, out, err = run(galley, "-f", "text", "-t", "json", *extra, path)
    if code != 0:
        raise AssertionError(f"galley exited {code} on {path}: {err}")
    return json.loads(out)


def text(node):
    """The plain text of a node: text and code, hard breaks as newlines."""
    t = node["type"]
    if t in ("text", "code"):
        return node["text"]
    if t == "hard_break":
        return "\n"
    if t == "soft_break":
        return " "
    return "".join(text(c) for c in node.get("children", []))


def walk(node):
    """Every node below `node`, in document order (iteratively)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.get("children", [])))


def blocks(doc):
    """The top-level blocks of a document as (type, node)."""
    return [(b["type"], b) for b in doc["document"]["children"]]


def of_type(doc, type_name):
    return [n for n in walk(doc["document"]) if n["type"] == type_name]


def headings(doc):
    return [(h["level"], text(h)) for h in of_type(doc, "heading")]


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def equal(actual, wanted, what):
    if actual != wanted:
        raise AssertionError(f"{what}:\n  got    {actual!r}\n  wanted {wanted!r}")
