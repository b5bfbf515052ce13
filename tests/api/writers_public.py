#!/usr/bin/env python3
"""The writers read the model only through galley/model.h's accessors.

A writer is a folder under formats/ whose format has a write function and no
read function. None of its sources may reach src/model_private.h (the node
and document structs) through its quoted includes, directly or through
another header; without that header the compiler refuses any node field.

    writers_public.py SOURCE_DIR

It also checks itself: a writer that reaches the header through a helper
header must be caught.
"""
import os
import re
import sys
import tempfile

PRIVATE = "model_private.h"
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
WRITE = re.compile(r"\.write\s*=\s*(\w+)")
READ = re.compile(r"\.read\s*=\s*(\w+)")


def sources(folder):
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith((".c", ".h")))


def writer_folders(root):
    found = []
    formats = os.path.join(root, "formats")
    for name in sorted(os.listdir(formats)):
        folder = os.path.join(formats, name)
        if not os.path.isdir(folder):
            continue
        text = "".join(open(p, encoding="utf-8").read() for p in sources(folder))
        writes = [w for w in WRITE.findall(text) if w != "NULL"]
        reads = [r for r in READ.findall(text) if r != "NULL"]
        if writes and not reads:
            found.append(folder)
    return found


def resolve(root, including, name):
    for base in (os.path.dirname(including), os.path.join(root, "src"), os.path.join(root, "include")):
        path = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(path):
            return path
    return None


def private_chain(root, path, seen):
    """The include chain from `path` to the private header, or None."""
    if path in seen:
        return None
    seen.add(path)
    for name in INCLUDE.findall(open(path, encoding="utf-8").read()):
        if os.path.basename(name) == PRIVATE:
            return [path, name]
        target = resolve(root, path, name)
        if target:
            rest = private_chain(root, target, seen)
            if rest:
                return [path] + rest
    return None


def check(root):
    """The problems found in the tree at `root` and the number of writer files looked at."""
    problems, files = [], 0
    folders = writer_folders(root)
    if not folders:
        return ["no writer folder found under %s/formats" % root], 0
    for folder in folders:
        for path in sources(folder):
            files += 1
            chain = private_chain(root, path, set())
            if chain:
                problems.append(" -> ".join(os.path.relpath(p, root) if os.path.isabs(p) else p for p in chain))
    return problems, files


def self_test():
    """A writer reaching the private header through a helper header is reported."""
    with tempfile.TemporaryDirectory() as root:
        for d in ("src", "formats/w"):
            os.makedirs(os.path.join(root, d))
        files = {
            "src/model_private.h": "struct galley_node { int type; };\n",
            "src/helper.h": '#include "model_private.h"\n',
            "formats/w/w.c": '#include "../../src/helper.h"\nconst galley_format f = {.read = NULL, .write = w};\n',
        }
        for name, text in files.items():
            with open(os.path.join(root, name), "w", encoding="utf-8") as f:
                f.write(text)
        problems, _ = check(root)
        return len(problems) == 1 and "helper.h" in problems[0]


def main():
    root = os.path.abspath(sys.argv[1])
    if not self_test():
        print("FAIL: the check misses a writer that includes the private header through another header")
        return 1
    problems, files = check(root)
    for p in problems:
        print("FAIL: a writer reaches the model's layout: " + p)
    if problems:
        return 1
    names = ", ".join(os.path.basename(f) for f in writer_folders(root))
    print("ok: %d files of the writers (%s) use the public model API only" % (files, names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
