#!/usr/bin/env python3
"""robust.py GALLEY CASE | --list

Bad input and hostile environments. Each case runs the CLI and asserts the
exit code (0 ok, 1 input, 2 usage, 3 output; see src/cli/main.c), the
message, that the input is unchanged (hash before and after) and that no
output or temporary file is left behind when galley fails. Cases that loop
over formats take them from `galley --list-formats`, so formats added later
are covered without a change here.
"""
import hashlib
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import galleytest as gt  # noqa: E402

OK, INPUT, USAGE, OUTPUT = 0, 1, 2, 3
# The readers whose behaviour this file pins down exactly; others are held to the general rules.
MARKDOWN_READERS = ("markdown", "gfm", "commonmark")
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]

GALLEY = None
failures = []


class Skip(Exception):
    pass


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def listing(folder):
    return sorted(os.listdir(folder))


def temp_files(folder):
    return [f for f in listing(folder) if ".tmp-" in f]


def run(args, label, expect_rc, expect_msg=None, inputs=(), out=None, as_nobody=False, timeout=120,
        out_existed=False):
    """Runs galley and checks the rules every case shares; returns the CompletedProcess."""
    hashes = {p: sha(p) for p in inputs}
    out_dir = os.path.dirname(out) if out and os.path.isdir(os.path.dirname(out) or ".") else None
    before = listing(out_dir) if out_dir else None
    old = sha(out) if out_existed and out and os.path.isfile(out) else None
    cmd = (NOBODY if as_nobody else []) + [GALLEY] + args
    r = subprocess.run(cmd, capture_output=True, timeout=timeout)
    err = r.stderr.decode(errors="replace")
    problem = gt.crash_problem(r)
    if problem:
        fail("%s: %s\n%s" % (label, problem, err[-3000:]))
        return r
    expected = expect_rc if isinstance(expect_rc, tuple) else (expect_rc,)
    if r.returncode not in expected:
        fail("%s: exit %d, expected %s; stderr: %s" % (label, r.returncode, expected, err))
    if expect_msg and not re.search(expect_msg, err):
        fail("%s: message %r does not match %r" % (label, err, expect_msg))
    if r.returncode != 0 and not err.strip():
        fail("%s: failed without a message" % label)
    for p, h in hashes.items():
        if not os.path.exists(p) or sha(p) != h:
            fail("%s: the input %s was changed" % (label, p))
    if out_dir is not None:
        after = listing(out_dir)
        if temp_files(out_dir):
            fail("%s: temporary files left: %s" % (label, temp_files(out_dir)))
        if r.returncode != 0:
            if old is not None:
                if sha(out) != old:
                    fail("%s: failed but changed the existing output" % label)
            elif out and os.path.exists(out):
                fail("%s: failed but left an output file" % label)
            elif after != before:
                fail("%s: failed but left files: %s" % (label, sorted(set(after) - set(before))))
    return r


def check_output(label, writer, out, fragment=False):
    problem = gt.output_problem(writer, out, fragment) or gt.active_content(out)
    if problem:
        fail("%s: %s" % (label, problem))


def workdir():
    d = tempfile.mkdtemp(prefix="galley-robust-")
    os.chmod(d, 0o755)
    return d


def write(path, data):
    with open(path, "wb") as fh:
        fh.write(data)
    os.chmod(path, 0o644)
    return path


# ---- input content -------------------------------------------------------

CONTENT = {
    "empty": (b"", OK, r"warning: the input is empty"),
    "whitespace": (b"  \n\t\n\r\n   ", OK, r"warning: the input is empty \(only white space\)"),
    "nul-bytes": (b"Text with a \x00 NUL byte\n\nand \x00 another.\n", OK,
                  r":1:13: warning: 2 NUL byte\(s\) replaced by U\+FFFD"),
    "invalid-utf8": (b"Caf\xe9 au lait\n", INPUT, r":1:4: error: the input is not valid UTF-8"),
    "truncated-utf8": (b"Un caf\xc3\xa9 cr\xc3", INPUT, r":1:11: error: the input is not valid UTF-8"),
    "utf16-no-bom": ("Plain text in UTF-16\n".encode("utf-16-le"), INPUT,
                     r":1:1: error: the input looks like UTF-16 \(little-endian"),
    "utf16-be-no-bom": ("Plain text in UTF-16\n".encode("utf-16-be"), INPUT,
                        r":1:1: error: the input looks like UTF-16 \(big-endian"),
    "utf16-bom": (b"\xff\xfe" + "Text\n".encode("utf-16-le"), INPUT,
                  r":1:1: error: the input is UTF-16 \(it starts with a byte order mark\)"),
}


def content_case(name):
    data, rc, msg = CONTENT[name]
    d = workdir()
    src = write(os.path.join(d, "in.doc"), data)
    for reader in gt.readers(GALLEY):
        for writer in gt.writers(GALLEY):
            out = os.path.join(d, "out." + writer)
            label = "%s: %s -> %s" % (name, reader, writer)
            if reader in MARKDOWN_READERS:
                r = run(["-f", reader, "-t", writer, src, "-o", out], label, rc, re.escape(src) + msg
                        if msg.startswith(":") else msg, inputs=[src], out=out)
            else:
                r = run(["-f", reader, "-t", writer, src, "-o", out], label, (OK, INPUT), inputs=[src], out=out)
            if r.returncode == 0:
                check_output(label, writer, out)
                if name == "nul-bytes" and os.path.isfile(out) and not out.endswith(("pdf", "epub")):
                    with open(out, "rb") as fh:
                        if b"\x00" in fh.read():
                            fail("%s: a NUL byte reached the output" % label)
            if os.path.exists(out):
                os.unlink(out)
    shutil.rmtree(d)


# ---- the input file ------------------------------------------------------

def input_missing():
    d = workdir()
    out = os.path.join(d, "out.html")
    run([os.path.join(d, "missing.md"), "-o", out], "missing input", INPUT,
        r"error: cannot read '.*missing\.md': No such file or directory", out=out)
    shutil.rmtree(d)


def input_directory():
    d = workdir()
    os.mkdir(os.path.join(d, "dir.md"))
    out = os.path.join(d, "out.html")
    run([os.path.join(d, "dir.md"), "-o", out], "input is a directory", INPUT,
        r"error: cannot read '.*dir\.md': it is a directory", out=out)
    shutil.rmtree(d)


def input_unreadable():
    d = workdir()
    src = write(os.path.join(d, "secret.md"), b"# Secret\n")
    os.chmod(src, 0o600)  # root's, unreadable to nobody
    outdir = os.path.join(d, "out")
    os.mkdir(outdir)
    os.chmod(outdir, 0o777)
    out = os.path.join(outdir, "out.html")
    run([src, "-o", out], "unreadable input", INPUT, r"error: cannot read '.*secret\.md': Permission denied",
        inputs=[src], out=out, as_nobody=True)
    shutil.rmtree(d)


# ---- the output ----------------------------------------------------------

def sample(d):
    return write(os.path.join(d, "in.md"), b"# Title\n\nSome *text* with a note.[^1]\n\n[^1]: The note.\n")


def output_dir_missing():
    d = workdir()
    src = sample(d)
    for writer in gt.writers(GALLEY):
        out = os.path.join(d, "no-such-folder", "out." + writer)
        run(["-t", writer, src, "-o", out], "output folder missing (%s)" % writer, OUTPUT,
            r"error: cannot write '.*no-such-folder/out\.%s': No such file or directory" % writer, inputs=[src])
        if os.path.exists(os.path.dirname(out)):
            fail("output folder missing: galley made the folder")
    shutil.rmtree(d)


def output_unwritable():
    d = workdir()
    src = sample(d)
    locked = os.path.join(d, "locked")
    os.mkdir(locked)
    os.chmod(locked, 0o755)  # root's: nobody may not write here
    for writer in gt.writers(GALLEY):
        out = os.path.join(locked, "out." + writer)
        run(["-t", writer, src, "-o", out], "unwritable output folder (%s)" % writer, OUTPUT,
            r"error: cannot write '.*out\.%s': Permission denied" % writer, inputs=[src], out=out, as_nobody=True)
    # an existing output file nobody may not replace stays as it was
    existing = write(os.path.join(locked, "existing.html"), b"keep me\n")
    run(["-t", "html", src, "-o", existing], "unwritable existing output", OUTPUT, r"Permission denied",
        inputs=[src], out=existing, as_nobody=True, out_existed=True)
    shutil.rmtree(d)


def output_is_input():
    d = workdir()
    src = sample(d)
    link = os.path.join(d, "link.html")
    os.symlink(src, link)
    hard = os.path.join(d, "hard.html")
    os.link(src, hard)
    for target, what in ((src, "the same path"), (link, "a symlink to it"), (hard, "a hard link to it")):
        for writer in gt.writers(GALLEY):
            run(["-t", writer, src, "-o", target], "output is input via %s (%s)" % (what, writer), USAGE,
                r"error: the output '.*' is the input; galley never writes over its input", inputs=[src])
    if os.readlink(link) != src:
        fail("output is input: the symlink was replaced")
    shutil.rmtree(d)


def output_dev_full():
    d = workdir()
    src = sample(d)
    for writer in gt.writers(GALLEY):
        run(["-t", writer, src, "-o", "/dev/full"], "/dev/full (%s)" % writer, OUTPUT,
            r"error: cannot write '?/dev/full'?: No space left on device", inputs=[src])
        # standard output on a full device
        with open("/dev/full", "wb") as full:
            r = subprocess.run([GALLEY, "-t", writer, src], stdout=full, stderr=subprocess.PIPE, timeout=120)
        if gt.crash_problem(r) or r.returncode != OUTPUT or b"No space left on device" not in r.stderr:
            fail("stdout on /dev/full (%s): exit %d, %s" % (writer, r.returncode, r.stderr))
    shutil.rmtree(d)


def output_full_tmpfs():
    d = workdir()
    mnt = os.path.join(d, "small")
    os.mkdir(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", mnt], capture_output=True).returncode:
        shutil.rmtree(d)
        raise Skip("cannot mount a tmpfs here (needs CAP_SYS_ADMIN)")
    try:
        src = write(os.path.join(d, "big.md"), b"A paragraph of text that fills the disk.\n\n" * 4000)
        for writer in gt.writers(GALLEY):
            out = os.path.join(mnt, "out." + writer)
            r = run(["-t", writer, src, "-o", out], "full tmpfs (%s)" % writer, (OUTPUT, OK), inputs=[src], out=out)
            if r.returncode == OK:
                # the output fitted after all: it must be whole
                check_output("full tmpfs (%s)" % writer, writer, out)
                os.unlink(out)
            elif b"No space left on device" not in r.stderr:
                fail("full tmpfs (%s): no 'No space left on device' in %r" % (writer, r.stderr))
            if listing(mnt):
                fail("full tmpfs (%s): left %s" % (writer, listing(mnt)))
    finally:
        subprocess.run(["umount", mnt])
        shutil.rmtree(d)


def qpdf_ok(path):
    """qpdf's structural check of a PDF; True for other files or without qpdf."""
    with open(path, "rb") as fh:
        if fh.read(5) != b"%PDF-" or not shutil.which("qpdf"):
            return True
    return subprocess.run(["qpdf", "--check", path], capture_output=True).returncode in (0, 3)


def interrupted(signame):
    """Sends the signal at several moments; the output is then whole or absent, never partial."""
    sig = getattr(signal, signame)
    d = workdir()
    block = b"## Section\n\nA paragraph with *emphasis*, `code` and a [link](http://example.com).\n\n- a\n- b\n\n"
    # a fixed date makes every writer's output reproducible, so whole means byte-identical
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    for writer in gt.writers(GALLEY):
        ref = os.path.join(d, "ref." + writer)
        # The smallest input whose conversion takes long enough for the signal
        # to land while reading, while writing and after: a sanitizer build is
        # ten times slower, and needs no more blocks than a release build.
        for blocks in (1000, 4000, 15000):
            src = write(os.path.join(d, "big.md"), block * blocks)
            start = time.monotonic()
            r = subprocess.run([GALLEY, "-q", "-t", writer, src, "-o", ref], capture_output=True, timeout=600,
                               env=env)
            full_time = time.monotonic() - start
            if r.returncode != 0 or full_time >= 0.4:
                break
        if r.returncode != 0:
            fail("%s: reference conversion to %s failed: %s" % (signame, writer, r.stderr))
            continue
        outcomes = set()
        for frac in (0.05, 0.3, 0.6, 0.85, 0.95, 1.05):
            out = os.path.join(d, "out." + writer)
            p = subprocess.Popen([GALLEY, "-q", "-t", writer, src, "-o", out], stderr=subprocess.PIPE, env=env)
            time.sleep(full_time * frac)
            p.send_signal(sig)
            _, err = p.communicate(timeout=600)
            label = "%s at %.0f%% (%s)" % (signame, frac * 100, writer)
            if p.returncode not in (0, -sig):
                fail("%s: exit %d: %s" % (label, p.returncode, err))
            if temp_files(d):
                fail("%s: temporary files left: %s" % (label, temp_files(d)))
            if os.path.exists(out):
                # whole: the reference's bytes, or (outputs that carry a date) its size and a valid file
                if sha(out) != sha(ref) and (os.path.getsize(out) != os.path.getsize(ref) or
                                             gt.output_problem(writer, out) or not qpdf_ok(out)):
                    fail("%s: a partial output was left" % label)
                outcomes.add("whole")
                os.unlink(out)
            else:
                outcomes.add("absent")
        print("%s -> %s: outcomes %s (%d blocks, full run %.2fs)" % (signame, writer, sorted(outcomes), blocks,
                                                                   full_time))
    shutil.rmtree(d)


# ---- metadata, formats and options ---------------------------------------

def front_matter_cases():
    d = workdir()
    cases = [
        ("invalid YAML", b"---\ntitle: [unclosed\n---\n\nText\n", INPUT,
         r"in\.md:3:1: error: invalid YAML in front matter"),
        ("tab indentation", b"---\ntitle: a\n\tauthor: b\n---\n\nText\n", INPUT,
         r"in\.md:\d+:\d+: error: invalid YAML in front matter"),
        ("title a list", b"---\ntitle: [a, b]\n---\n\nText\n", INPUT,
         r"in\.md:2:8: error: front matter key 'title' must be a string"),
        ("date a mapping", b"---\ndate: {year: 2020}\n---\n\nText\n", INPUT,
         r"in\.md:2:7: error: front matter key 'date' must be a string"),
        ("author a nested list", b"---\nauthor: [[a, b]]\n---\n\nText\n", INPUT,
         r"in\.md:2:\d+: error: front matter key 'author' must be a string or a list of strings"),
        # YAML that is not a mapping is no front matter: the lines are read as Markdown
        ("front matter a list", b"---\n- a\n- b\n---\n\nText\n", OK, None),
        ("unknown key a mapping", b"---\ntitle: T\nextra: {a: 1}\n---\n\nText\n", OK,
         r"in\.md:3:8: warning: front matter key 'extra' is not a string; left out"),
        ("binary tag", b"---\ntitle: !!binary aGVsbG8=\n---\n\nText\n", OK, None),
        ("alias bomb", b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
         b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
         b"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n---\n\nText\n",
         OK, r"warning: front matter key 'a' is not a string"),
    ]
    for label, data, rc, msg in cases:
        src = write(os.path.join(d, "in.md"), data)
        for writer in gt.writers(GALLEY):
            out = os.path.join(d, "out." + writer)
            r = run(["-t", writer, src, "-o", out], "front matter, %s (%s)" % (label, writer), rc, msg,
                    inputs=[src], out=out, timeout=60)
            if r.returncode == 0:
                check_output(label, writer, out)
                os.unlink(out)
    shutil.rmtree(d)


def usage_cases():
    d = workdir()
    src = sample(d)
    out = os.path.join(d, "out.html")
    cases = [
        (["-t", "nope", src, "-o", out], r"error: 'nope' is not a format galley can write"),
        (["-f", "nope", src, "-o", out], r"error: 'nope' is not a format galley can read"),
        (["-f", "html", src, "-o", out], None),
        ([src, "-o", os.path.join(d, "out.unknown-extension")], r"galley does not write \.unknown-extension files"),
        ([os.path.join(d, "in.unknown-extension"), "-o", out], r"galley does not read \.unknown-extension files"),
        (["--no-such-option", src, "-o", out], r"error: unknown option '--no-such-option'"),
        (["-Z", src, "-o", out], r"error: unknown option '-Z'"),
        ([src, "-o"], r"error: option '-o' needs an argument"),
        ([src, "-M"], r"error: option '-M' needs an argument"),
        (["-M", "=value", src, "-o", out], r"error: -M needs KEY=VALUE"),
        (["-M", "title=\udcff", src, "-o", out], r"error: the metadata value of 'title' is not UTF-8"),
        (["-", src, "-o", out], r"error: standard input \(-\) cannot be one of several inputs"),
        (["-j", "2", src, "-o", out], r"error: -j and --shard apply to a batch"),
        (["--shard", "5/4", "--output-dir", d, "-t", "html", src], r"error: --shard takes K/N"),
        ([], r"error: no input file given"),
    ]
    for args, msg in cases:
        args = [os.fsencode(a) if "\udcff" in a else a for a in args]
        run(args, "usage: %s" % " ".join(os.fsdecode(a) for a in args), USAGE, msg, inputs=[src], out=out)
    shutil.rmtree(d)


# ---- images --------------------------------------------------------------

def png(width, height, body=True):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    head = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    if not body:
        return head + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    rows = b"".join(b"\x00" + b"\x10\x80\xf0" * width for _ in range(height))
    return head + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def embedding_writers():
    """The writers that put images inside their output, found by trying: an image beside a document."""
    d = workdir()
    image = png(2, 2)
    write(os.path.join(d, "probe.png"), image)
    src = write(os.path.join(d, "probe.md"), b"![probe](probe.png)\n")
    found = []
    for writer in gt.writers(GALLEY):
        out = os.path.join(d, "out." + writer)
        r = subprocess.run([GALLEY, "-q", "-t", writer, src, "-o", out], capture_output=True, timeout=120)
        if r.returncode == 0 and embedded(out, image):
            found.append(writer)
    shutil.rmtree(d)
    return found


def embedded(out, marker):
    """True when the bytes `marker` (a whole image file) ended up inside the output."""
    with open(out, "rb") as fh:
        data = fh.read()
    if data.startswith(b"PK"):
        import io
        import zipfile
        z = zipfile.ZipFile(io.BytesIO(data))
        return any(z.read(n) == marker for n in z.namelist())
    if data.startswith(b"%PDF"):
        r = subprocess.run(["pdfimages", "-list", out], capture_output=True, text=True)
        return len(r.stdout.strip().splitlines()) > 2
    return marker in data


def image_cases():
    writers = embedding_writers()
    if not writers:
        raise Skip("no writer that embeds images is built yet (EPUB, PDF)")
    d = workdir()
    doc_dir = os.path.join(d, "book")
    os.makedirs(os.path.join(doc_dir, "img"))
    outside = os.path.join(d, "outside")
    os.mkdir(outside)
    secret = png(3, 3)
    write(os.path.join(outside, "secret.png"), secret)
    os.symlink(os.path.join(outside, "secret.png"), os.path.join(doc_dir, "img", "link.png"))
    write(os.path.join(doc_dir, "img", "corrupt.png"), b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20)
    write(os.path.join(doc_dir, "img", "huge.png"), png(100000, 100000, body=False))
    write(os.path.join(doc_dir, "img", "notes.tiff"), b"II*\x00" + b"\x00" * 64)
    write(os.path.join(doc_dir, "img", "script.svg"),
          b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    cases = [
        ("missing", "img/missing.png", r"missing\.png"),
        ("corrupt", "img/corrupt.png", None),
        ("enormous header", "img/huge.png", None),
        ("unsupported type", "img/notes.tiff", r"notes\.tiff"),
        ("outside by ../", "../outside/secret.png", r"secret\.png"),
        ("outside by absolute path", os.path.join(outside, "secret.png"), r"secret\.png"),
        ("outside by symlink", "img/link.png", r"link\.png"),
        ("remote", "http://example.com/x.png", r"example\.com"),
    ]
    for label, url, msg in cases:
        src = write(os.path.join(doc_dir, "in.md"), ("![An image](%s)\n\nText.\n" % url).encode())
        for writer in writers:
            out = os.path.join(d, "out." + writer)
            r = run(["-t", writer, src, "-o", out], "image %s (%s)" % (label, writer), (OK, INPUT), msg,
                    inputs=[src], out=out, timeout=120)
            if r.returncode == OK:
                check_output("image %s (%s)" % (label, writer), writer, out)
                if "outside" in label and embedded(out, secret):
                    fail("image %s (%s): a file outside the resource path was embedded" % (label, writer))
                os.unlink(out)
    shutil.rmtree(d)


# ---- active content and XML special characters ---------------------------

HOSTILE_HTML = b"""<script>alert(1)</script>
<iframe src="http://example.com/"></iframe>

<div onclick="alert(1)" onmouseover='alert(2)'>div <a href="javascript:alert(3)">js link</a>
<a href=" JaVaScRiPt:alert(4)">spaced</a> <img src="x" onerror="alert(5)"/>
<a href="jav&#x09;ascript:alert(6)">entity</a> <form action="javascript:alert(7)"><button formaction="javascript:x">b</button></form>
<object data="x.swf"></object><embed src="x.swf"/><base href="http://evil/"/><meta http-equiv="refresh" content="0"/>
<svg><script>alert(8)</script></svg><math><mi xlink:href="javascript:alert(9)">x</mi></math>
<a href="data:text/html;base64,PHNjcmlwdD4=">data</a> <iframe srcdoc="<script>alert(10)</script>"></iframe></div>

Inline <script>alert(11)</script> and <span onclick="alert(12)">span</span> and
[md link](javascript:alert(13)) and ![md image](javascript:alert(14)) and <javascript:alert(15)>.

<noscript><p title="</noscript><img src=x onerror=alert(16)>"></p></noscript>
<style>body { background: url(javascript:alert(17)) }</style>
"""


def raw_html():
    d = workdir()
    src = write(os.path.join(d, "in.md"), HOSTILE_HTML)
    for reader in gt.readers(GALLEY):
        for writer in gt.writers(GALLEY):
            for extra in ([], ["--fragment"]):
                out = os.path.join(d, "out." + writer)
                label = "raw HTML %s -> %s %s" % (reader, writer, " ".join(extra))
                r = run(["-f", reader, "-t", writer, src, "-o", out] + extra, label, OK, inputs=[src], out=out)
                if r.returncode == OK:
                    check_output(label, writer, out, fragment=bool(extra))
                    os.unlink(out)
    shutil.rmtree(d)


SPECIAL = "<&>\"' ]]> <!-- --> <?pi?> &amp; \x01\x08\x0b\x0c\x1f\x7f \ufffe\uffff tab\there"
FIELDS = ("title", "subtitle", "author", "date", "lang", "identifier", "publisher", "rights", "description",
          "keywords", "cover-image", "custom-field")


def yaml_quote(s):
    out = []
    for ch in s:
        if ch in "\\\"":
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or ch in "\ufffe\uffff":
            out.append("\\x%02x" % ord(ch) if ord(ch) < 0x100 else "\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def xml_special():
    d = workdir()
    body = ("# Heading " + SPECIAL + "\n\nText " + SPECIAL + " *emph " + SPECIAL + "*\n\n"
            "[link " + "<&>" + "](http://example.com/?a=1&b=<2> \"title " + "<&>\\\"" + "\")\n\n"
            "```" + "lang<&>\n" + SPECIAL + "\n```\n\n| " + "<&>" + " |\n|---|\n| " + "\"'" + " |\n\n"
            "Note[^n]\n\n[^n]: " + SPECIAL + "\n")
    front = "---\n" + "".join("%s: %s\n" % (f, yaml_quote(SPECIAL)) for f in FIELDS) + "---\n\n"
    variants = {
        "front matter": (front + body).encode(),
        "text only": body.encode(),
    }
    meta_args = []
    for f in FIELDS:
        meta_args += ["-M", "%s=%s" % (f, SPECIAL)]
    for vname, data in variants.items():
        src = write(os.path.join(d, "in.md"), data)
        for writer in gt.writers(GALLEY):
            for margs in ([], meta_args):
                out = os.path.join(d, "out." + writer)
                label = "XML special characters, %s%s (%s)" % (vname, " and -M" if margs else "", writer)
                r = run(["-t", writer, src, "-o", out] + margs, label, OK, inputs=[src], out=out)
                if r.returncode == OK:
                    check_output(label, writer, out)
                    os.unlink(out)
    shutil.rmtree(d)


CASES = {
    **{"input-" + name: (lambda n=name: content_case(n)) for name in CONTENT},
    "input-missing": input_missing,
    "input-directory": input_directory,
    "input-unreadable": input_unreadable,
    "output-folder-missing": output_dir_missing,
    "output-unwritable": output_unwritable,
    "output-is-input": output_is_input,
    "output-dev-full": output_dev_full,
    "output-full-tmpfs": output_full_tmpfs,
    "signal-sigint": lambda: interrupted("SIGINT"),
    "signal-sigterm": lambda: interrupted("SIGTERM"),
    "front-matter": front_matter_cases,
    "usage": usage_cases,
    "images": image_cases,
    "raw-html": raw_html,
    "xml-special-characters": xml_special,
}


def main():
    global GALLEY
    if sys.argv[1] == "--list":
        print(";".join(CASES))
        return
    GALLEY = os.path.abspath(sys.argv[1])
    try:
        CASES[sys.argv[2]]()
    except Skip as e:
        print("FAIL: the case cannot check what it is for:", e)
        sys.exit(1)
    print("%s: %d failure(s)" % (sys.argv[2], len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
