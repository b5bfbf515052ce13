#!/usr/bin/env python3
"""generate.py OUTDIR [SCALE] [CASE...]

Writes the pathological inputs into OUTDIR as CASE.md, at SCALE (a number, may
be fractional) times their base size (1 by default: the sizes tests/pathological runs). The base sizes:
10,000 nesting levels, a 1 MB line, 100,000 table columns, 50,000 footnotes,
100,000-character runs of emphasis delimiters, a 100,000-letter word.
`generate.py --list` prints the case names.
"""
import os
import sys


def nested_quotes(k):
    return "> " * int(10000 * k) + "deep\n"


def nested_lists(k):
    return "- " * int(10000 * k) + "deep\n"


def nested_ordered_lists(k):
    return "1. " * int(10000 * k) + "deep\n"


def nested_brackets(k):
    n = int(10000 * k)
    return "[" * n + "x" + "]" * n + "\n\n" + "[a](" * n + "\n\n" + "![" * n + "\n"


def nested_links(k):
    n = int(10000 * k)
    return "[" * n + "a" + "](b)" * n + "\n"


def nested_inline_html(k):
    n = int(10000 * k)
    return "a " + "<span>" * n + "x" + "</span>" * n + "\n\n" + "<sup>" * n + "y" + "</sup>" * n + "\n"


def nested_html_blocks(k):
    n = int(10000 * k)
    return "<div>\n" + "<div>" * n + "x" + "</div>" * n + "\n</div>\n"


def long_line(k):
    return "word " * int(200000 * k) + "\n"


def wide_table(k):
    n = int(100000 * k)
    return "|" + "c|" * n + "\n|" + "-|" * n + "\n|" + "x|" * n + "\n"


def many_footnotes(k):
    n = int(50000 * k)
    refs = "".join("Text[^n%d]. " % i for i in range(n))
    defs = "".join("[^n%d]: Note %d.\n" % (i, i) for i in range(n))
    return refs + "\n\n" + defs


def emphasis_runs(k):
    n = int(100000 * k)
    return ("*" * n + "a" + "*" * n + "\n\n" + "_" * n + "b\n\n" + "*a " * (n // 3) + "\n\n"
            + "**a_" * (n // 4) + "\n\n" + "~~" * (n // 2) + "c\n")


def long_word(k):
    return "a" * int(100000 * k) + "\n"


def same_headings(k):
    return "# Section\n\n" * int(50000 * k)


def many_definitions(k):
    return "Term\n: definition\n\n" * int(20000 * k)


def link_references(k):
    n = int(20000 * k)
    return "".join("[r%d]\n" % i for i in range(n)) + "\n" + "".join("[r%d]: /u%d\n" % (i, i) for i in range(n))


def attribute_brackets(k):
    # closing brackets with attributes and no opener, one opener before many closers, runs of braces
    n = int(20000 * k)
    return "a]{.x} " * n + "\n\n[" + "a]{#i .x} " * n + "\n\n" + "{" * n + "\n\n" + '{"' * n + "\n"


CASES = {f.__name__.replace("_", "-"): f for f in (
    nested_quotes, nested_lists, nested_ordered_lists, nested_brackets, nested_links, nested_inline_html,
    nested_html_blocks, long_line, wide_table, many_footnotes, emphasis_runs, long_word, same_headings,
    many_definitions, link_references, attribute_brackets)}


def main():
    if sys.argv[1] == "--list":
        print(";".join(CASES))
        return
    outdir = sys.argv[1]
    scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1
    names = sys.argv[3:] or list(CASES)
    os.makedirs(outdir, exist_ok=True)
    for name in names:
        with open(os.path.join(outdir, name + ".md"), "w") as fh:
            fh.write(CASES[name](scale))


if __name__ == "__main__":
    main()
