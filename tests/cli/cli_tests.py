#!/usr/bin/env python3
"""The galley command line: exit codes, messages, files left behind.

    cli_tests.py --galley BIN --version X.Y.Z CASE

Each CASE is a function below (registered one by one with CTest). Every case
works in a fresh temporary folder. Exit status 77 means the case cannot run
here (CTest reports it as skipped).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SKIP = 77
GALLEY = None
VERSION = None


class Failure(Exception):
    pass


def run(args, stdin=b"", cwd=None):
    proc = subprocess.run([GALLEY] + args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                          timeout=60)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def expect(cond, what, *context):
    if not cond:
        raise Failure(what + "".join("\n  " + str(c) for c in context))


def expect_exit(result, code, message_re=None):
    rc, out, err = result
    expect(rc == code, "expected exit %d, got %d" % (code, rc), "stderr: " + err)
    if message_re:
        expect(re.search(message_re, err, re.M), "stderr does not match %r" % message_re, "stderr: " + err)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def listing(folder):
    return sorted(os.listdir(folder))


# ---- cases ------------------------------------------------------------

def case_stdin_stdout(tmp):
    md = b"# Hello\n\nSome *emphasis* and `code`.\n"
    rc, out, err = run(["-"], stdin=md)
    expect_exit((rc, out, err), 0)
    expect(out.startswith("<!DOCTYPE html>"), "stdout without -t is standalone HTML", out[:200])
    expect("<em>emphasis</em>" in out and "<title>Hello</title>" in out, "HTML content", out)
    rc, out, err = run(["-", "-t", "json", "-o", "-"], stdin=md)
    expect_exit((rc, out, err), 0)
    doc = json.loads(out)
    expect(doc["meta"]["title"] == "Hello", "title from the first heading", doc["meta"])
    rc, out, err = run(["-f", "commonmark", "-t", "html", "--fragment"] + ["-"], stdin=b"a -- b\n")
    expect_exit((rc, out, err), 0)
    expect(out.strip() == "<p>a -- b</p>", "commonmark fragment on stdout", out)
    expect(listing(tmp) == [], "nothing written to the folder", listing(tmp))


def case_bad_yaml(tmp):
    write(os.path.join(tmp, "bad.md"),
          "---\ntitle: Fine\nsubtitle: also fine\nauthor: \"quoted\" trailing\ndate: 2024\n---\n\nBody\n")
    result = run(["bad.md", "-o", "bad.html"], cwd=tmp)
    expect_exit(result, 1, r"^bad\.md:4:\d+: error: invalid YAML in front matter")
    expect(listing(tmp) == ["bad.md"], "no output written", listing(tmp))
    # a front matter key of the wrong kind points at its value
    write(os.path.join(tmp, "type.md"), "---\ntitle: Fine\n\nlang: [en, de]\n---\n\nBody\n")
    expect_exit(run(["type.md", "-t", "json"], cwd=tmp), 1, r"^type\.md:4:7: error: front matter key 'lang'")


def case_missing_input(tmp):
    expect_exit(run(["nothere.md", "-o", "x.html"], cwd=tmp), 1, r"error: cannot read 'nothere\.md'")
    expect(listing(tmp) == [], "no output written", listing(tmp))


def case_input_is_directory(tmp):
    os.mkdir(os.path.join(tmp, "folder.md"))
    expect_exit(run(["folder.md", "-o", "x.html"], cwd=tmp), 1, r"error: cannot read 'folder\.md': it is a directory")
    expect(listing(tmp) == ["folder.md"], "no output written", listing(tmp))


def case_invalid_utf8(tmp):
    expect_exit(run(["-"], stdin=b"good line\nbad \xff byte\n"), 1,
                r"^<stdin>:2:5: error: the input is not valid UTF-8 \(bad byte 0xFF at offset 14\)")


def case_unwritable_output(tmp):
    write(os.path.join(tmp, "a.md"), "# A\n\ntext\n")
    before = listing(tmp)
    # missing folder, a file used as a folder, an existing folder, a read-only file system
    expect_exit(run(["a.md", "-o", "nodir/out.html"], cwd=tmp), 3, r"error: cannot write 'nodir/out\.html'")
    expect_exit(run(["a.md", "-o", "a.md/out.html"], cwd=tmp), 3, r"error: cannot write 'a\.md/out\.html'")
    os.mkdir(os.path.join(tmp, "sub"))
    expect_exit(run(["a.md", "-t", "html", "-o", "sub"], cwd=tmp), 3, r"error: cannot write 'sub'")
    expect(listing(os.path.join(tmp, "sub")) == [], "nothing left in the output folder",
           listing(os.path.join(tmp, "sub")))
    expect_exit(run(["a.md", "-o", "/proc/galley-test.html"], cwd=tmp), 3, r"error: cannot write")
    expect(listing(tmp) == sorted(before + ["sub"]), "no file or temporary left behind", listing(tmp))
    # an existing output survives a failed conversion untouched
    write(os.path.join(tmp, "keep.html"), "old")
    write(os.path.join(tmp, "bad.md"), "---\ntitle: [\n---\n")
    expect_exit(run(["bad.md", "-o", "keep.html"], cwd=tmp), 1)
    with open(os.path.join(tmp, "keep.html"), encoding="utf-8") as f:
        expect(f.read() == "old", "existing output untouched")


def case_output_is_input(tmp):
    src = os.path.join(tmp, "a.md")
    write(src, "# A\n\ntext\n")
    os.symlink("a.md", os.path.join(tmp, "link.md"))
    for args in (["a.md", "-t", "html", "-o", "a.md"], ["a.md", "-t", "html", "-o", "./a.md"],
                 ["link.md", "-t", "html", "-o", "a.md"], ["a.md", "-t", "json", "-o", os.path.abspath(src)]):
        expect_exit(run(args, cwd=tmp), 2, r"error: the output '.*' is the input")
    with open(src, encoding="utf-8") as f:
        expect(f.read() == "# A\n\ntext\n", "input unchanged")
    expect(listing(tmp) == ["a.md", "link.md"], "nothing else written", listing(tmp))


def case_unknown_format(tmp):
    write(os.path.join(tmp, "a.md"), "text\n")
    expect_exit(run(["a.md", "-t", "nope"], cwd=tmp), 2, r"error: 'nope' is not a format galley can write")
    expect_exit(run(["a.md", "-f", "nope"], cwd=tmp), 2, r"error: 'nope' is not a format galley can read")
    expect_exit(run(["a.md", "-f", "html"], cwd=tmp), 2, r"error: 'html' is not a format galley can read")
    expect_exit(run(["a.md", "-o", "out.docx"], cwd=tmp), 2, r"cannot tell the output format of 'out\.docx'")
    expect_exit(run(["a.xyz", "-o", "out.html"], cwd=tmp), 2, r"cannot tell the input format of 'a\.xyz'")
    expect(listing(tmp) == ["a.md"], "nothing written", listing(tmp))


def case_usage_errors(tmp):
    expect_exit(run(["--bogus", "a.md"]), 2, r"^galley: error: unknown option '--bogus'\nTry 'galley --help'")
    expect_exit(run(["-Z", "a.md"]), 2, r"unknown option '-Z'")
    expect_exit(run(["a.md", "-o"]), 2, r"option '-o' needs an argument")
    expect_exit(run([]), 2, r"no input file given")
    expect_exit(run(["-", "b.md"]), 2, r"standard input \(-\) cannot be one of several inputs")
    expect_exit(run(["-M", "=x", "-"]), 2, r"-M needs KEY=VALUE, not '=x'")


def case_list_formats(tmp):
    rc, out, err = run(["--list-formats"])
    expect_exit((rc, out, err), 0)
    rows = {}
    for line in out.splitlines()[1:]:
        name, read, write_, _ = (line.split(None, 3) + [""])[:4]
        rows[name] = (read, write_)
    for name in ("markdown", "gfm", "commonmark"):
        expect(rows.get(name, ("", ""))[0] == "yes", "%s is listed as readable" % name, out)
    for name in ("html", "json"):
        expect(rows.get(name, ("", ""))[1] == "yes", "%s is listed as writable" % name, out)


def case_version(tmp):
    rc, out, err = run(["--version"])
    expect_exit((rc, out, err), 0)
    expect(out == "galley %s\n" % VERSION, "version line", out)
    expect(run(["-V"])[1] == out, "-V prints the same")


def case_help(tmp):
    rc, out, err = run(["--help"])
    expect_exit((rc, out, err), 0)
    for needle in ("Usage: galley", "--from", "--to", "--output", "--metadata", "--list-formats", "--fragment",
                   "Exit status"):
        expect(needle in out, "--help mentions %s" % needle, out)
    expect(run(["-h"])[1] == out, "-h prints the same")


def case_metadata_overrides(tmp):
    write(os.path.join(tmp, "a.md"), "---\ntitle: From the file\nauthor: [One, Two]\nlang: en\n---\n\nText\n")
    rc, out, err = run(["a.md", "-t", "json", "-M", "title=From the command line", "-M", "author=Three",
                        "-M", "lang=de", "-M", "series=Volume 2", "-M", "draft"], cwd=tmp)
    expect_exit((rc, out, err), 0)
    meta = json.loads(out)["meta"]
    expect(meta["title"] == "From the command line", "-M title overrides the front matter", meta)
    expect(meta["authors"] == ["Three"], "-M author replaces the authors", meta)
    expect(meta["lang"] == "de", "-M lang", meta)
    expect(meta["extra"].get("series") == "Volume 2", "-M sets a free key", meta)
    expect(meta["extra"].get("draft") == "true", "-M KEY alone means true", meta)
    rc, out, err = run(["a.md", "-t", "html", "-M", "lang=fr"], cwd=tmp)
    expect_exit((rc, out, err), 0)
    expect('lang="fr"' in out and "<title>From the file</title>" in out, "HTML shows the overrides", out[:400])


def case_binary_to_terminal(tmp):
    rc, out, err = run(["--list-formats"])
    binary = [f for f in ("pdf", "epub") if re.search(r"^%s\s+\S+\s+yes" % f, out, re.M)]
    if not binary:
        print("no binary output format is built in: nothing to refuse")
        return SKIP
    import pty
    write(os.path.join(tmp, "a.md"), "# A\n\ntext\n")
    for fmt in binary:
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(tmp)
            os.execv(GALLEY, [GALLEY, "a.md", "-t", fmt])
        output = b""
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        text = output.decode("utf-8", "replace")
        expect(os.waitstatus_to_exitcode(status) == 2, "%s to a terminal exits 2" % fmt, text)
        expect("not written to a terminal" in text, "%s to a terminal is refused with a reason" % fmt, text)
        # the same to a pipe is fine
        rc, _, err = run(["a.md", "-t", fmt], cwd=tmp)
        expect(rc == 0, "%s to a pipe is written" % fmt, err)
    return 0


def main():
    global GALLEY, VERSION
    ap = argparse.ArgumentParser()
    ap.add_argument("--galley", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("case")
    args = ap.parse_args()
    GALLEY, VERSION = os.path.abspath(args.galley), args.version
    fn = globals().get("case_" + args.case)
    if not fn:
        print("no such case: %s" % args.case)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        try:
            rc = fn(tmp) or 0
        except Failure as e:
            print("FAIL %s: %s" % (args.case, e))
            return 1
    if rc == 0:
        print("ok %s" % args.case)
    return rc


if __name__ == "__main__":
    sys.exit(main())
