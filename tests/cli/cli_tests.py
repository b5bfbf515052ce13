#!/usr/bin/env python3
"""The galley command line: exit codes, messages, files left behind.

    cli_tests.py --galley BIN --version X.Y.Z CASE

Each CASE is a function below (registered one by one with CTest). Every case
works in a fresh temporary folder. A case that cannot check what it is
for fails: nothing is skipped.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

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
    expect_exit(run(["a.md", "-o", "out.docx"], cwd=tmp), 2,
                r"error: galley does not write \.docx files; it writes html, .*pdf \(see --list-formats\)")
    expect_exit(run(["a.md", "-o", "out"], cwd=tmp), 2,
                r"error: cannot tell the output format of 'out' from its name; name it with -t \(html, ")
    expect_exit(run(["a.xyz", "-o", "out.html"], cwd=tmp), 2, r"error: galley does not read \.xyz files")
    expect_exit(run(["a", "-o", "out.html"], cwd=tmp), 2, r"cannot tell the input format of 'a'")
    expect(listing(tmp) == ["a.md"], "nothing written", listing(tmp))


def case_usage_errors(tmp):
    expect_exit(run(["--bogus", "a.md"]), 2, r"^galley: error: unknown option '--bogus'\nTry 'galley --help'")
    expect_exit(run(["-Z", "a.md"]), 2, r"unknown option '-Z'")
    expect_exit(run(["a.md", "-o"]), 2, r"option '-o' needs an argument")
    expect_exit(run([]), 2, r"no input file given")
    expect_exit(run(["a.md", "b.md"]), 2, r"more than one input given \('b\.md'\)")
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
    expect_exit(run(["-V"]), 2, r"option '-V' needs an argument")


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
    expect(binary, "pdf and epub are listed as writable", out)
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


def case_option_values_first(tmp):
    """A bad value stops the run before the input is read (here there is none)."""
    for args, message in (
            (["--paper", "bogus", "-o", "x.pdf"], r"paper 'bogus': expected a4"),
            (["--margin", "huge", "-o", "x.pdf"], r"margin 'huge'"),
            (["-V", "papersize=bogus", "-o", "x.pdf"], r"paper 'bogus'"),
            (["--split-level", "9", "-o", "x.epub"], r"split-level takes a heading level from 1 to 6"),
            (["--docbook-root", "chapter", "-o", "x.xml"], r"docbook-root takes 'article' or 'book'"),
            (["--markdown-pieces", "-4", "-o", "x.html"], r"markdown-pieces takes a number of bytes"),
            (["-f", "text", "--paragraphs", "words", "-o", "x.html"], r"paragraphs takes auto, line or blank"),
            (["-f", "text", "--encoding", "no-such-encoding", "-o", "x.html"], r"unknown encoding")):
        expect_exit(run(["missing.md"] + args, cwd=tmp), 2, r"^galley: error: " + message)
    expect_exit(run(["missing.md", "--css", "missing.css", "-o", "x.epub"], cwd=tmp), 1,
                r"^galley: error: cannot read stylesheet 'missing\.css'")
    expect(listing(tmp) == [], "nothing written", listing(tmp))


def case_options_not_applying(tmp):
    write(os.path.join(tmp, "a.md"), "# A\n\n\"Quoted\" text\n")
    rc, out, err = run(["a.md", "-o", "a.html", "--paper", "a5", "--split-level", "9"], cwd=tmp)
    expect_exit((rc, out, err), 0)
    expect(re.search(r"^galley: warning: --paper does not apply to html output \(it is for pdf\); ignored$", err,
                     re.M), "--paper warns for HTML", err)
    expect(re.search(r"^galley: warning: --split-level does not apply to html output \(it is for epub\)", err,
                     re.M), "--split-level warns for HTML", err)
    expect(os.path.exists(os.path.join(tmp, "a.html")), "the HTML is written")
    for args, message in ((["-o", "a.pdf", "--fragment"], r"--fragment does not apply to pdf output"),
                          (["-f", "gfm", "-o", "b.html", "--no-smart"], r"--no-smart does not apply to gfm input"),
                          (["-o", "c.json", "--resource-path", "."], r"--resource-path does not apply to json"),
                          (["-o", "d.html", "--encoding", "latin1"], r"--encoding does not apply to markdown input"),
                          (["-o", "e.html", "-V", "fontsize=12pt"], r"-V fontsize does not apply to html output")):
        expect_exit(run(["a.md"] + args, cwd=tmp), 0, r"^galley: warning: " + message)
    rc, out, err = run(["a.md", "-q", "-o", "f.html", "--paper", "a5"], cwd=tmp)
    expect(rc == 0 and err == "", "-q silences the warning", err)
    rc, out, err = run(["a.md", "-o", "g.pdf", "--paper", "a5", "--fragment"], cwd=tmp)
    expect("--paper" not in err, "an option that applies draws no warning", err)


def pdf_page_size(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", out)
    expect(m, "pdfinfo reads the page size", out)
    return round(float(m.group(1))), round(float(m.group(2)))


def case_pandoc_variables(tmp):
    write(os.path.join(tmp, "a.md"), "# A\n\ntext\n")
    expect_exit(run(["a.md", "-o", "a5.pdf", "-V", "papersize=a5"], cwd=tmp), 0)
    expect(pdf_page_size(os.path.join(tmp, "a5.pdf")) == (420, 595), "-V papersize=a5 gives an A5 page")
    expect_exit(run(["a.md", "-o", "letter.pdf", "--variable", "papersize=letterpaper", "-V", "geometry:margin=1in",
                     "-V", "fontsize=12pt", "-V", "mainfont=DejaVu Sans"], cwd=tmp), 0)
    expect(pdf_page_size(os.path.join(tmp, "letter.pdf")) == (612, 792), "LaTeX's letterpaper is letter")
    fonts = subprocess.run(["pdffonts", os.path.join(tmp, "letter.pdf")], capture_output=True, text=True).stdout
    expect("DejaVuSans" in fonts and "DejaVuSerif" not in fonts, "-V mainfont sets the body font", fonts)
    rc, out, err = run(["a.md", "-t", "json", "-V", "lang=de"], cwd=tmp)
    expect_exit((rc, out, err), 0)
    expect(json.loads(out)["meta"]["lang"] == "de", "-V lang sets the language", out[:300])
    expect_exit(run(["a.md", "-o", "x.pdf", "-V", "documentclass=book"], cwd=tmp), 2,
                r"^galley: error: -V documentclass: galley has no such setting; -V takes papersize")
    expect_exit(run(["a.md", "-o", "x.pdf", "-V", "geometry=top=1in"], cwd=tmp), 2,
                r"-V geometry: galley takes only margin=LENGTH")
    expect_exit(run(["a.md", "-o", "x.pdf", "-V", "toc"], cwd=tmp), 2, r"-V needs KEY=VALUE")
    expect(not os.path.exists(os.path.join(tmp, "x.pdf")), "refused: nothing written")


def case_number_sections_short(tmp):
    write(os.path.join(tmp, "a.md"), "---\ntitle: T\n---\n\n# First\n\ntext\n\n# Second\n\nmore\n")
    expect_exit(run(["a.md", "-N", "-o", "a.pdf"], cwd=tmp), 0)
    text = subprocess.run(["pdftotext", os.path.join(tmp, "a.pdf"), "-"], capture_output=True, text=True).stdout
    expect(re.search(r"^1 First$", text, re.M) and re.search(r"^2 Second$", text, re.M),
           "-N numbers the sections", text)


def case_did_you_mean(tmp):
    expect_exit(run(["--papr", "a5", "a.md"]), 2, r"unknown option '--papr'; did you mean '--paper'\?")
    expect_exit(run(["--outptu=x.pdf", "a.md"]), 2, r"unknown option '--outptu=x\.pdf'; did you mean '--output'\?")
    expect_exit(run(["--numbr-sections", "a.md"]), 2, r"did you mean '--number-sections'\?")
    expect_exit(run(["-paper", "a5", "a.md"]), 2, r"unknown option '-paper'; did you mean '--paper'\?")
    expect_exit(run(["--zzzzzzzz", "a.md"]), 2, r"^galley: error: unknown option '--zzzzzzzz'\nTry")


def case_output_is_directory(tmp):
    write(os.path.join(tmp, "a.md"), "# A\n\ntext\n")
    os.mkdir(os.path.join(tmp, "out"))
    for args in (["-o", "out"], ["-o", "out", "-t", "pdf"], ["-o", "out/"]):
        expect_exit(run(["a.md"] + args, cwd=tmp), 3, r"^galley: error: cannot write 'out/?': it is a directory")
    expect(listing(os.path.join(tmp, "out")) == [], "nothing in the folder")
    expect(listing(tmp) == ["a.md", "out"], "nothing beside it", listing(tmp))


def case_output_symlink(tmp):
    """Writing through a symbolic link writes the file it points to; the link stays."""
    write(os.path.join(tmp, "a.md"), "# A\n\ntext\n")
    os.mkdir(os.path.join(tmp, "real"))
    write(os.path.join(tmp, "real", "a.html"), "old")
    os.symlink("real/a.html", os.path.join(tmp, "link.html"))
    os.symlink("link.html", os.path.join(tmp, "chain.html"))
    os.symlink("real/new.html", os.path.join(tmp, "dangling.html"))
    os.symlink(os.path.join(tmp, "real", "abs.html"), os.path.join(tmp, "absolute.html"))
    for name in ("link.html", "chain.html", "dangling.html", "absolute.html"):
        expect_exit(run(["a.md", "-o", name], cwd=tmp), 0)
        expect(os.path.islink(os.path.join(tmp, name)), "%s is still a link" % name)
    for name in ("a.html", "new.html", "abs.html"):
        with open(os.path.join(tmp, "real", name), encoding="utf-8") as f:
            expect("<h1" in f.read(), "real/%s was written through the link" % name)
    expect(listing(os.path.join(tmp, "real")) == ["a.html", "abs.html", "new.html"], "no temporary files",
           listing(os.path.join(tmp, "real")))
    os.chmod(os.path.join(tmp, "real", "a.html"), 0o600)
    expect_exit(run(["a.md", "-o", "link.html"], cwd=tmp), 0)
    expect(os.stat(os.path.join(tmp, "real", "a.html")).st_mode & 0o777 == 0o600, "a replaced file keeps its mode")
    os.symlink("a.md", os.path.join(tmp, "input-link.html"))
    expect_exit(run(["a.md", "-t", "html", "-o", "input-link.html"], cwd=tmp), 2, r"is the input")
    os.symlink("loop2.html", os.path.join(tmp, "loop1.html"))
    os.symlink("loop1.html", os.path.join(tmp, "loop2.html"))
    expect_exit(run(["a.md", "-o", "loop1.html"], cwd=tmp), 3, r"cannot write 'loop1\.html': .*symbolic links")


def case_interrupted(tmp):
    """An interrupted or killed run leaves the old output or the whole new one, never a part or a temporary."""
    import signal
    import time
    para = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 8
    write(os.path.join(tmp, "big.md"), "".join("# Part %d\n\n%s\n\n" % (i, para) for i in range(1500)))
    write(os.path.join(tmp, "out.pdf"), "old")
    t0 = time.monotonic()
    expect_exit(run(["big.md", "-o", "whole.pdf"], cwd=tmp), 0)
    full = time.monotonic() - t0
    os.unlink(os.path.join(tmp, "whole.pdf"))
    interrupted = 0
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        for frac in (0.5, 0.9):
            p = subprocess.Popen([GALLEY, "big.md", "-o", "out.pdf"], cwd=tmp, stderr=subprocess.DEVNULL)
            time.sleep(full * frac)
            p.send_signal(sig)
            rc = p.wait()
            interrupted += rc != 0
            expect(listing(tmp) == ["big.md", "out.pdf"], "only the input and the output", listing(tmp))
            with open(os.path.join(tmp, "out.pdf"), "rb") as f:
                data = f.read()
            expect(data == b"old" or (rc == 0 and data.startswith(b"%PDF") and b"%%EOF" in data[-32:]),
                   "out.pdf is the old file or a whole new one (exit %d, %d bytes)" % (rc, len(data)))
            if rc == 0:
                write(os.path.join(tmp, "out.pdf"), "old")
    expect(interrupted >= 2, "at least some runs were interrupted (%d of 6)" % interrupted)


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
        return 1
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
