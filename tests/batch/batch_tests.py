#!/usr/bin/env python3
"""Books from several files, batches, shards: the galley command line.

    batch_tests.py --galley BIN --data DIR CASE

Each CASE is a function below (registered one by one with CTest) and works in
a fresh temporary folder. Outputs are checked with the real validators
(epubcheck, qpdf, pdftotext, xmllint).
"""

import argparse
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile

GALLEY = None
DATA = None
EPUBCHECK = "/usr/share/java/epubcheck.jar"


class Failure(Exception):
    pass


def run(args, cwd, stdin=b""):
    p = subprocess.run([GALLEY] + args, input=stdin, capture_output=True, cwd=cwd, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def expect(cond, what, *context):
    if not cond:
        raise Failure(what + "".join("\n  " + str(c)[:3000] for c in context))


def expect_exit(result, code, message_re=None):
    rc, _, err = result
    expect(rc == code, "expected exit %d, got %d" % (code, rc), "stderr: " + err)
    if message_re:
        expect(re.search(message_re, err, re.M), "stderr does not match %r" % message_re, "stderr: " + err)


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def all_files(folder):
    found = []
    for root, _, files in os.walk(folder):
        found += [os.path.relpath(os.path.join(root, f), folder) for f in files]
    return sorted(found)


def pdf_text(path):
    subprocess.run(["qpdf", "--check", path], check=True, capture_output=True)
    return subprocess.run(["pdftotext", "-layout", path, "-"], check=True, capture_output=True,
                          text=True).stdout


def epubcheck(path):
    p = subprocess.run(["java", "-jar", EPUBCHECK, path, "--failonwarnings"], capture_output=True, text=True)
    expect(p.returncode == 0, "epubcheck passes " + path, p.stdout + p.stderr)


# A book: front matter in the first file, chapters in a folder of their own
# (one Markdown, one plain text), the same footnote label and explicit id in
# two files, an image next to the chapter that uses it.
def make_book(tmp):
    write(os.path.join(tmp, "front", "front.md"),
          "---\ntitle: The Harbour Book\nauthor: Ann Author\nlang: en\n---\n\n"
          "# Preface {#intro}\n\nA preface with a note.[^1] See [the preface](#intro).\n\n[^1]: Preface note.\n")
    write(os.path.join(tmp, "chapters", "one.md"),
          "---\ntitle: Ignored chapter title\n---\n\n# Chapter One {#intro}\n\n"
          "Text with a note.[^1] And [back to this chapter](#intro).\n\n"
          "![A plate](img/plate.png)\n\n![Gone](img/missing.png)\n\n[^1]: Chapter one's note.\n")
    write(os.path.join(tmp, "chapters", "two.txt"), "Chapter Two\n===========\n\nPlain text, read as such.\n")
    os.makedirs(os.path.join(tmp, "chapters", "img"), exist_ok=True)
    shutil.copy(os.path.join(DATA, "plate.png"), os.path.join(tmp, "chapters", "img", "plate.png"))
    return ["front/front.md", "chapters/one.md", "chapters/two.txt"]


def case_book_epub(tmp):
    inputs = make_book(tmp)
    rc, _, err = run(inputs + ["-o", "book.epub"], tmp)
    expect_exit((rc, "", err), 0)
    # messages name the file and line the trouble is in, not the first input
    expect(re.search(r"^chapters/one\.md:11:1: warning: image .*missing\.png.* not embedded", err, re.M),
           "the missing image is reported at chapters/one.md:11:1", err)
    expect(re.search(r"^chapters/one\.md:5:1: warning: heading id 'intro' is taken", err, re.M),
           "the repeated id is reported in chapters/one.md", err)
    epubcheck(os.path.join(tmp, "book.epub"))
    with zipfile.ZipFile(os.path.join(tmp, "book.epub")) as z:
        names = z.namelist()
        text = "".join(z.read(n).decode("utf-8") for n in names if n.endswith(".xhtml"))
        opf = z.read([n for n in names if n.endswith(".opf")][0]).decode("utf-8")
    expect(any(n.endswith(".png") for n in names), "the image beside chapters/one.md is embedded", names)
    expect("The Harbour Book" in opf and "Ignored chapter title" not in opf, "metadata from the first file", opf)
    for needed in ("Preface note.", "Chapter one", "Plain text, read as such."):
        expect(needed.replace("one", "one\u2019s note") in text or needed in text, "text of every file", needed)
    ids = re.findall(r' id="([^"]+)"', text)
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    expect(not dupes, "ids unique across the files", dupes)
    expect('id="fn-1"' in text and 'id="fn-2"' in text, "footnotes numbered through the book", ids)
    expect(re.search(r'href="[^"]*#intro-2"', text), "a link follows its renamed heading", text[:2000])


def case_book_pdf_docbook(tmp):
    inputs = make_book(tmp)
    expect_exit(run(inputs + ["-o", "book.pdf", "-q"], tmp), 0)
    text = pdf_text(os.path.join(tmp, "book.pdf"))
    order = [text.find(s) for s in ("Preface", "Chapter One", "Chapter Two")]
    expect(-1 not in order and order == sorted(order), "the files in order", order, text[:1500])
    expect("Ignored chapter title" not in text, "later front matter left out", text[:1500])
    expect_exit(run(inputs + ["-o", "book.xml", "-q"], tmp), 0)
    subprocess.run(["xmllint", "--noout", os.path.join(tmp, "book.xml")], check=True)
    xml = open(os.path.join(tmp, "book.xml"), encoding="utf-8").read()
    ids = re.findall(r'xml:id="([^"]+)"', xml)
    expect(len(ids) == len(set(ids)), "DocBook ids unique", ids)
    expect("chapters/img/plate.png" in xml, "image path relative to the first file's folder", xml[:3000])


def case_book_errors(tmp):
    inputs = make_book(tmp)
    with open(os.path.join(tmp, "chapters", "bad.md"), "wb") as f:
        f.write(b"# Fine\n\nline two\n\xff\xfe\n")
    result = run([inputs[0], "chapters/bad.md", inputs[1], "-o", "book.html"], tmp)
    expect_exit(result, 1, r"^chapters/bad\.md:4:1: error: .*UTF-8")
    expect(not os.path.exists(os.path.join(tmp, "book.html")), "no output after a bad file")
    expect_exit(run(["-", inputs[0]], tmp), 2, r"standard input \(-\) cannot be one of several inputs")
    expect_exit(run([inputs[0], inputs[1], "-t", "html", "-o", inputs[1]], tmp), 2, r"is one of the inputs")
    expect_exit(run([inputs[0], "nope.md", "-o", "x.html"], tmp), 1, r"cannot read 'nope\.md'")


def case_metadata_file(tmp):
    write(os.path.join(tmp, "a.md"), "# First heading\n\nBody.\n")
    write(os.path.join(tmp, "fm.md"), "---\ntitle: Own title\n---\n\nBody.\n")
    write(os.path.join(tmp, "meta.yaml"), "title: From the file\nauthor: [A, B]\npublisher: P\nseries: S\n")

    def meta(args):
        rc, out, err = run(args + ["-t", "json", "-q"], tmp)
        expect(rc == 0, "conversion with a metadata file", err)
        import json
        return json.loads(out)["meta"]

    m = meta(["a.md", "--metadata-file", "meta.yaml"])
    expect(m["title"] == "From the file" and m["authors"] == ["A", "B"] and m["publisher"] == "P",
           "the file's fields, over a title guessed from a heading", m)
    expect(m["extra"].get("series") == "S", "free keys too", m)
    m = meta(["fm.md", "--metadata-file", "meta.yaml"])
    expect(m["title"] == "Own title" and m["publisher"] == "P", "front matter wins over the file", m)
    m = meta(["fm.md", "--metadata-file", "meta.yaml", "-M", "publisher=Q"])
    expect(m["publisher"] == "Q", "-M wins over both", m)
    m = meta(["a.md", "fm.md", "--metadata-file", "meta.yaml"])
    expect(m["title"] == "From the file", "a book: the first file and the metadata file", m)
    write(os.path.join(tmp, "bad.yaml"), "title: ok\nauthor: [unclosed\n")
    expect_exit(run(["a.md", "--metadata-file", "bad.yaml", "-o", "x.html"], tmp), 1, r"^bad\.yaml:\d+:\d+: error")
    write(os.path.join(tmp, "list.yaml"), "- a\n- b\n")
    expect_exit(run(["a.md", "--metadata-file", "list.yaml", "-o", "x.html"], tmp), 1,
                r"^list\.yaml:1:1: error: no YAML mapping: a metadata file holds one")
    expect_exit(run(["a.md", "--metadata-file", "none.yaml", "-o", "x.html"], tmp), 1, r"cannot read 'none\.yaml'")
    expect(not os.path.exists(os.path.join(tmp, "x.html")), "nothing written after a bad metadata file")


def make_articles(folder, n):
    names = []
    for i in range(n):
        name = "art%03d.md" % i
        write(os.path.join(folder, name),
              "---\ntitle: Article %d\n---\n\nIntro ~~struck~~ with www.example.com/%d and https://example.org.\n\n"
              "| a | b |\n|---|---|\n| %d | x |\n\nA note.[^n]\n\n[^n]: The note of %d.\n" % (i, i, i, i))
        names.append(name)
    return names


def case_output_dir(tmp):
    names = make_articles(tmp, 12)
    with open(os.path.join(tmp, "broken.md"), "wb") as f:
        f.write(b"ok\n\xc3\x28\n")
    rc, out, err = run(["-t", "epub", "--output-dir", "out", "-j", "3"] + names + ["broken.md"], tmp)
    expect(rc == 1, "exit 1 when one document failed", err)
    expect(re.search(r"^broken\.md:2:1: error: .*UTF-8", err, re.M), "the failure names its file", err)
    expect(re.search(r"^galley: 13 documents: 12 converted, 1 failed; [0-9.]+ s, [0-9.]+ documents/s$", err, re.M),
           "a summary", err)
    expect("\r" not in err, "no progress line when standard error is not a terminal", repr(err))
    produced = all_files(os.path.join(tmp, "out"))
    expect(produced == sorted(n[:-3] + ".epub" for n in names), "one EPUB per good input, no temporary files",
           produced)
    # the writer is epubcheck'd in book_epub and tests/epub; here: whole files
    for n in names:
        with zipfile.ZipFile(os.path.join(tmp, "out", n[:-3] + ".epub")) as z:
            expect(z.testzip() is None and z.namelist()[0] == "mimetype", "a whole EPUB: " + n)
    # quiet: nothing at all when every document converts
    rc, out, err = run(["-q", "-t", "html", "--output-dir", "q"] + names, tmp)
    expect(rc == 0 and err == "", "-q prints nothing on success", err)
    expect_exit(run(["--output-dir", "out"] + names, tmp), 2, r"name it with -t")
    expect_exit(run(["-t", "html", "--output-dir", "o", "a/x.md", "b/x.md"], tmp), 2,
                r"'a/x\.md' and 'b/x\.md' would both be written to 'o/x\.html'")


def case_same_output_any_jobs(tmp):
    """Threads give the bytes one thread gives, in every format (cmark-gfm's shared tables are guarded)."""
    names = make_articles(tmp, 40)
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"  # EPUB and PDF byte for byte
    for fmt, ext, count in (("html", "html", 40), ("epub", "epub", 10), ("pdf", "pdf", 10),
                            ("docbook", "xml", 10), ("json", "json", 10)):
        for j in ("1", "4"):
            out = "%s-j%s" % (fmt, j)
            expect_exit(run(["-q", "-t", fmt, "--output-dir", out, "-j", j] + names[:count], tmp), 0)
        for n in names[:count]:
            a = open(os.path.join(tmp, fmt + "-j1", n[:-3] + "." + ext), "rb").read()
            b = open(os.path.join(tmp, fmt + "-j4", n[:-3] + "." + ext), "rb").read()
            expect(a == b, "the same %s with -j 4 as with -j 1: %s" % (fmt, n))
            if fmt == "html":
                expect(b"<del>struck</del>" in a and b'href="http://www.example.com/' in a and b"<table" in a,
                       "extensions applied: " + n, a[-1500:])


def case_manifest(tmp):
    names = make_articles(tmp, 6)
    lines = ["# INPUT<TAB>OUTPUT; formats from the extensions", ""]
    exts = ["epub", "pdf", "html", "xml", "json", "html"]
    for n, ext in zip(names, exts):
        lines.append("%s\tsub/dir/%s.%s" % (n, n[:-3], ext))
    write(os.path.join(tmp, "m.tsv"), "\n".join(lines) + "\r\n")
    rc, out, err = run(["--batch", "m.tsv", "-j", "2"], tmp)
    expect_exit((rc, out, err), 0)
    expect(re.search(r"6 documents: 6 converted, 0 failed", err), "summary", err)
    produced = all_files(os.path.join(tmp, "sub"))
    expect(len(produced) == 6, "every output, folders made", produced)
    pdf_text(os.path.join(tmp, "sub", "dir", names[1][:-3] + ".pdf"))
    # the manifest on standard input, outputs relative to --output-dir
    rc, out, err = run(["--batch", "-", "--output-dir", "o"], tmp, stdin=("%s\tx.html\n" % names[0]).encode())
    expect(rc == 0 and os.path.exists(os.path.join(tmp, "o", "x.html")), "manifest from stdin", err)
    write(os.path.join(tmp, "bad.tsv"), "%s\tone.html\n\n%s\ta\tb\n" % (names[0], names[1]))
    expect_exit(run(["--batch", "bad.tsv"], tmp), 2, r"^bad\.tsv:3: error: more than two fields")
    write(os.path.join(tmp, "noout.tsv"), "%s\n" % names[0])
    expect_exit(run(["--batch", "noout.tsv"], tmp), 2, r"^noout\.tsv:1: error: no output named")
    write(os.path.join(tmp, "clash.tsv"), "%s\tsame.html\n%s\tsame.html\n" % (names[0], names[1]))
    expect_exit(run(["--batch", "clash.tsv"], tmp), 2, r"would both be written to 'same\.html'")
    expect(not os.path.exists(os.path.join(tmp, "same.html")), "nothing converted after a clash")
    write(os.path.join(tmp, "self.tsv"), "%s\t%s\n" % (names[0], names[0]))
    expect_exit(run(["--batch", "self.tsv"], tmp), 1, r"galley never writes over its input")
    expect_exit(run(["--batch", "missing.tsv"], tmp), 2, r"cannot read the manifest 'missing\.tsv'")


def case_usage(tmp):
    expect_exit(run(["-j", "0", "--output-dir", "o", "-t", "html", "a.md"], tmp), 2, r"-j takes a number")
    expect_exit(run(["-j", "x", "--output-dir", "o", "-t", "html", "a.md"], tmp), 2, r"-j takes a number")
    for bad in ("5/4", "0/4", "1", "a/b", "1/0", "-1/4"):
        expect_exit(run(["--shard", bad, "--output-dir", "o", "-t", "html", "a.md"], tmp), 2, r"--shard takes K/N")
    expect_exit(run(["-j", "2", "a.md"], tmp), 2, r"-j and --shard apply to a batch")
    expect_exit(run(["--shard", "1/2", "a.md"], tmp), 2, r"-j and --shard apply to a batch")
    expect_exit(run(["--output-dir", "o", "-t", "html", "-o", "x", "a.md"], tmp), 2, r"-o names one output")
    expect_exit(run(["--batch", "m.tsv", "a.md"], tmp), 2, r"either in the manifest")


def case_shards(tmp):
    """Four shards run at once, as four machines would: every document converted exactly once."""
    names = make_articles(tmp, 23)
    write(os.path.join(tmp, "all.tsv"), "".join("%s\t%s.html\n" % (n, n[:-3]) for n in names))
    procs = [subprocess.Popen([GALLEY, "--batch", "all.tsv", "--shard", "%d/4" % k, "--output-dir", "s%d" % k],
                              cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for k in range(1, 5)]
    seen = {}
    for k, p in enumerate(procs, 1):
        _, err = p.communicate(timeout=120)
        err = err.decode()
        expect(p.returncode == 0, "shard %d/4 succeeds" % k, err)
        count = len(range(k - 1, len(names), 4))
        expect(re.search(r"%d documents \(shard %d/4 of 23\): %d converted" % (count, k, count), err),
               "shard %d/4 converts its slice" % k, err)
        for f in all_files(os.path.join(tmp, "s%d" % k)):
            seen.setdefault(f, []).append(k)
    expect(sorted(seen) == sorted(n[:-3] + ".html" for n in names), "every document converted", sorted(seen))
    twice = {f: ks for f, ks in seen.items() if len(ks) != 1}
    expect(not twice, "no document converted twice", twice)
    # deterministic: the same shard of the same manifest is the same slice
    rc, _, err = run(["--batch", "all.tsv", "--shard", "2/4", "--output-dir", "again"], tmp)
    expect(rc == 0 and all_files(os.path.join(tmp, "again")) == all_files(os.path.join(tmp, "s2")),
           "the same slice again", err)
    rc, _, err = run(["--batch", "all.tsv", "--shard", "30/30", "--output-dir", "none"], tmp)
    expect(rc == 0 and re.search(r"0 documents", err), "an empty shard converts nothing", err)


def case_progress_terminal(tmp):
    """On a terminal a progress line (counts, rate, ETA) is drawn, and wiped before the summary."""
    names = make_articles(tmp, 120)  # PDF, one at a time: many redraws (0.2 s apart) even on a fast machine
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(tmp)
        os.execv(GALLEY, [GALLEY, "-t", "pdf", "--output-dir", "out", "-j", "1"] + names)
    chunks = []
    while True:
        r, _, _ = select.select([fd], [], [], 120)
        if not r:
            break
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    text = b"".join(chunks).decode("utf-8", "replace")
    expect(os.WEXITSTATUS(status) == 0, "the batch succeeds", text)
    expect(re.search(r"\r\x1b\[K\d+/120 converted, 0 failed, [0-9.]+ documents/s, ETA \d+:\d\d", text),
           "a progress line with counts, rate and ETA", repr(text[:600]))
    expect(re.search(r"\r\x1b\[Kgalley: 120 documents: 120 converted", text), "wiped before the summary",
           repr(text[-300:]))


def case_interrupt(tmp):
    """SIGINT: no document is started, those under way finish; nothing half-written is left."""
    names = make_articles(tmp, 60)
    p = subprocess.Popen([GALLEY, "-t", "pdf", "--output-dir", "out", "-j", "2"] + names, cwd=tmp,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and len(all_files(os.path.join(tmp, "out")) if os.path.isdir(
            os.path.join(tmp, "out")) else []) < 2:
        time.sleep(0.02)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    err = err.decode()
    produced = all_files(os.path.join(tmp, "out"))
    expect(not [f for f in produced if ".tmp-" in f], "no temporary file left", produced)
    if len(produced) < 60:
        expect(p.returncode == 1 and re.search(r"not started \(interrupted by signal 2\)", err),
               "an interrupted batch says so and exits 1", err)
    for f in produced:
        subprocess.run(["qpdf", "--check", os.path.join(tmp, "out", f)], check=True, capture_output=True)


def main():
    global GALLEY, DATA
    ap = argparse.ArgumentParser()
    ap.add_argument("--galley", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("case")
    args = ap.parse_args()
    GALLEY, DATA = os.path.abspath(args.galley), os.path.abspath(args.data)
    fn = globals().get("case_" + args.case)
    if not fn:
        print("no such case: %s" % args.case)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        try:
            fn(tmp)
        except Failure as e:
            print("FAIL %s: %s" % (args.case, e))
            return 1
    print("ok %s" % args.case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
