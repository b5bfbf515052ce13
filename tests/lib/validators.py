"""The real validators, each started once for many files.

Starting a validator costs more than validating: a Java virtual machine for
epubcheck takes about ten seconds of CPU, jing two, and a test that checked
fifty thousand files with one xmllint each spent minutes starting processes.
Every function here takes a list of files and starts its validator once (or
once per few thousand files, under the argument-length limit), and says
which files failed and why.
"""
import os
import re
import subprocess
import xml.parsers.expat

HERE = os.path.dirname(os.path.abspath(__file__))
EPUBCHECK_JAR = "/usr/share/java/epubcheck.jar"
EPUBCHECK_ALL = os.path.join(HERE, "EpubCheckAll.java")
DOCBOOK_RNG = "/usr/share/xml/docbook/schema/rng/5.0/docbook.rng"
DOCBOOK_SCH = "/usr/share/xml/docbook/schema/schematron/5.0/docbook.sch"
BATCH = 2000  # files a command line, well under ARG_MAX for temporary paths
# A validator's run is short: the client compiler alone and one garbage
# collector thread halve the CPU a Java virtual machine takes to start.
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def _java_env():
    """The environment for the jing script, which takes no JVM options itself."""
    return dict(os.environ, JAVA_TOOL_OPTIONS=" ".join(JAVA_OPTIONS))


def _validator_lines(text):
    """The validator's own lines, without the Java launcher's remarks."""
    return "\n".join(line for line in text.splitlines()
                     if not line.startswith(("[warning] /usr/bin/jing", "Picked up JAVA_TOOL_OPTIONS")))


def _batches(items, size=BATCH):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def epubcheck(paths, fail_on_warnings=True):
    """{path: report} of every EPUB epubcheck finds a fatal, error or (with
    fail_on_warnings) warning in; empty when all pass. One Java virtual
    machine runs the epubcheck tool on each file in turn (EpubCheckAll.java)."""
    if not paths:
        return {}
    cmd = ["java", *JAVA_OPTIONS, "-cp", EPUBCHECK_JAR, EPUBCHECK_ALL]
    if fail_on_warnings:
        cmd.append("--failonwarnings")
    p = subprocess.run(cmd + list(paths), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    reports = _split_reports(p.stdout)
    failed = {}
    for path in paths:
        if path not in reports:
            failed[path] = "epubcheck gave no report (exit %d):\n%s" % (p.returncode, p.stdout[-4000:])
            continue
        rc, text = reports[path]
        counts = _epubcheck_counts(text)
        if counts is None:
            failed[path] = "cannot read epubcheck's counts:\n" + text
        elif rc != 0 or counts[0] or counts[1] or (fail_on_warnings and counts[2]):
            failed[path] = "epubcheck: %d fatals, %d errors, %d warnings (exit %d)\n%s" % (counts + (rc, text))
    return failed


def _split_reports(out):
    """{path: (exit code, report)} from EpubCheckAll's output."""
    reports, path, lines = {}, None, []
    for line in out.splitlines():
        m = re.match(r"^== exit (-?\d+)$", line)
        if m and path is not None:
            reports[path] = (int(m.group(1)), "\n".join(lines))
            path, lines = None, []
        elif line.startswith("== ") and path is None:
            path = line[3:]
        elif path is not None:
            lines.append(line)
    return reports


def _epubcheck_counts(text):
    m = re.search(r"Messages: (\d+) fatals? / (\d+) errors? / (\d+) warnings?", text)
    if m:
        return tuple(int(g) for g in m.groups())
    if "No errors or warnings detected" in text:
        return (0, 0, 0)
    return None


def jing(schema, paths):
    """(ok, report) of one jing run per few thousand files against `schema`."""
    reports, ok = [], True
    for chunk in _batches(list(paths)):
        p = subprocess.run(["jing", schema, *chunk], capture_output=True, text=True, env=_java_env())
        report = _validator_lines(p.stdout + p.stderr)
        ok = ok and p.returncode == 0 and not report.strip()
        if report.strip():
            reports.append(report)
    return ok, "\n".join(reports)


def docbook(paths):
    """None when every file is valid against the DocBook 5.0 RELAX NG schema
    and its Schematron rules, else the validators' report."""
    for name, schema in (("RELAX NG", DOCBOOK_RNG), ("Schematron", DOCBOOK_SCH)):
        ok, report = jing(schema, paths)
        if not ok:
            return "%s validation failed:\n%s" % (name, report[:20000])
    return None


def docbook_failures(paths):
    """{path: report} of the files the DocBook validators refuse (jing names
    the file at the start of each complaint; a complaint naming none fails
    them all)."""
    report = docbook(paths)
    if not report:
        return {}
    failed = {}
    for path in paths:
        names = (path + ":", os.path.abspath(path) + ":")  # jing names files by absolute path
        lines = [line for line in report.splitlines() if line.startswith(names)]
        if lines:
            failed[path] = "\n".join(lines)
    return failed or {path: report for path in paths}


def xml_wellformed(paths):
    """{path: xmllint's complaint} of the files that are not well-formed XML."""
    failed = {}
    for chunk in _batches(list(paths)):
        p = subprocess.run(["xmllint", "--noout", "--nonet", "--huge", *chunk], capture_output=True,
                           text=True, errors="replace")
        if p.returncode == 0:
            continue
        for path in chunk:  # xmllint names the file at the start of each complaint
            lines = [line for line in p.stderr.splitlines() if line.startswith(path + ":")]
            if lines:
                failed[path] = "\n".join(lines)[:1000]
        if not failed:
            failed[chunk[0]] = "xmllint exit %d: %s" % (p.returncode, p.stderr[:1000])
    return failed


def xml_blobs_wellformed(blobs):
    """{name: complaint} for (name, bytes) pairs that are not well-formed XML
    (namespaces included). Expat, the XML 1.0 parser in Python's standard
    library, reads them in this process: an EPUB of fifty thousand members
    cost minutes of temporary files and process starts for xmllint."""
    failed = {}
    for name, data in blobs:
        parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        try:
            parser.Parse(data, True)
        except xml.parsers.expat.ExpatError as e:
            failed[name] = "%s:%d:%d: %s" % (name, e.lineno, e.offset + 1, xml.parsers.expat.errors.messages[e.code])
    return failed
