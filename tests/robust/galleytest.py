"""Shared helpers of the robustness tests: the registry as the CLI lists it,
and checks that tell a crash or a broken output apart from a clean result."""
import html.parser
import io
import json
import os
import re
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import validators  # noqa: E402

XML_MEMBERS = (".xhtml", ".html", ".opf", ".ncx", ".xml")
SANITIZER_MARKS = (b"AddressSanitizer", b"LeakSanitizer", b"runtime error:", b"UndefinedBehaviorSanitizer")


def formats(galley):
    """{name: {"read": bool, "write": bool}} in registry order."""
    out = subprocess.run([galley, "--list-formats"], check=True, capture_output=True, text=True).stdout
    result = {}
    for line in out.splitlines()[1:]:
        cols = line.split()
        if len(cols) < 3 or cols[1] not in ("yes", "-") or cols[2] not in ("yes", "-"):
            raise ValueError("galley --list-formats: cannot read the line %r" % line)
        result[cols[0]] = {"read": cols[1] == "yes", "write": cols[2] == "yes"}
    if not result:
        raise ValueError("galley --list-formats lists no format:\n" + out)
    return result


def readers(galley):
    return [f for f, v in formats(galley).items() if v["read"]]


def writers(galley):
    return [f for f, v in formats(galley).items() if v["write"]]


def crash_problem(result):
    """Why a finished process counts as a crash, or None."""
    if result.returncode < 0:
        return "killed by signal %d" % -result.returncode
    err = result.stderr if isinstance(result.stderr, bytes) else (result.stderr or "").encode()
    for mark in SANITIZER_MARKS:
        if mark in err:
            return "sanitizer report (%s)" % mark.decode()
    if result.returncode > 4:
        return "exit code %d is none of the documented ones" % result.returncode
    return None


def xml_problem(data, name="output", fragment=False):
    """xmllint's complaint about `data`, or None when it is well-formed."""
    if fragment:
        data = b'<galley-fragment xmlns:epub="http://www.idpf.org/2007/ops">' + data + b"</galley-fragment>"
    r = subprocess.run(["xmllint", "--noout", "--nonet", "--huge", "-"], input=data, capture_output=True)
    if r.returncode != 0:
        return "%s is not well-formed XML: %s" % (name, r.stderr.decode(errors="replace")[:1000])
    return None


def is_xml(data):
    head = data.lstrip()[:64]
    return head.startswith(b"<?xml") or head.startswith(b"<!DOCTYPE") or head.startswith(b"<")


def data_problem(data, fragment=False):
    """What is wrong with an output's bytes, or None."""
    if data.startswith(b"PK"):
        try:
            z = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as e:
            return "not a readable ZIP container: %s" % e
        # one xmllint for every member: an EPUB may hold fifty thousand
        members = [(name, z.read(name)) for name in z.namelist() if name.endswith(XML_MEMBERS)]
        failed = validators.xml_blobs_wellformed(members)
        for name, _ in members:
            if name in failed:
                return "%s is not well-formed XML: %s" % (name, failed[name])
        return None
    if data.startswith(b"%PDF"):
        return None if b"%%EOF" in data[-1024:] else "PDF without %%EOF at its end"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return "text output is not UTF-8: %s" % e
    if is_xml(data):
        return xml_problem(data, fragment=fragment or not data.lstrip().startswith((b"<?xml", b"<!DOCTYPE")))
    if text.lstrip().startswith(("{", "[")):
        try:
            json.loads(text)
        except ValueError as e:
            return "output is not JSON: %s" % e
    return None


def output_problem(writer, path, fragment=False):
    """What is wrong with the output file at `path`, or None."""
    if not os.path.isfile(path):
        return "no output file"
    with open(path, "rb") as fh:
        return data_problem(fh.read(), fragment)


ACTIVE_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "poster", "data", "cite", "longdesc",
                  "usemap", "xlink:href", "srcset", "srcdoc"}


class ActiveFinder(html.parser.HTMLParser):
    """Collects the elements and attributes a browser would run, as its HTML parser sees them."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.html = html  # element names count only in HTML (DocBook and OPF have their own <link>, <meta>)
        self.found = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        own_stylesheet = tag == "link" and a.get("rel") == "stylesheet" and ":" not in (a.get("href") or ":")
        plain_meta = tag == "meta" and all(k in ("charset", "name", "content") for k in a)
        if self.html and tag in ACTIVE_ELEMENTS and not (own_stylesheet or plain_meta):
            self.found.append("<%s>" % tag)
        for name, value in attrs:
            value = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on"):
                self.found.append("%s= on <%s>" % (name, tag))
            elif name == "srcdoc" or (name in URL_ATTRIBUTES and value.startswith(("javascript:", "vbscript:"))):
                self.found.append("%s=%r on <%s>" % (name, value[:40], tag))
            elif name in URL_ATTRIBUTES and value.startswith("data:") and not value.startswith("data:image/"):
                self.found.append("%s=%r on <%s>" % (name, value[:40], tag))

    handle_startendtag = handle_starttag


def markup_parts(data):
    """(name, bytes) of each markup document in an output: itself, or its ZIP members."""
    if data.startswith(b"PK"):
        try:
            z = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            return []
        return [(n, z.read(n)) for n in z.namelist() if n.endswith(XML_MEMBERS)]
    if data.startswith(b"%PDF") or not is_xml(data):
        return []
    return [("output", data)]


def active_content(path):
    """A description of active content (script, iframe, on*, javascript:) in a markup output, or None."""
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as fh:
        data = fh.read()
    for name, part in markup_parts(data):
        head = part.lstrip()[:300].lower()
        # an HTML fragment has no root to tell it by: the output's name does (out.html)
        html = name.endswith((".xhtml", ".html")) or b"<html" in head or b"<!doctype html" in head or (
            name == "output" and path.endswith((".html", ".htm", ".xhtml")))
        finder = ActiveFinder(html)
        finder.feed(part.decode("utf-8", errors="replace"))
        finder.close()
        if finder.found:
            return "%s carries active content: %s" % (name, ", ".join(finder.found[:10]))
    return None
