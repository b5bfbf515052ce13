"""What DocBook leaves out is reported with the line it came from, one
warning for each piece of raw HTML, and control characters are dropped with
one warning. Raw HTML DocBook has an equivalent for (the <div> block) gives
no warning.

usage: warnings.py GALLEY RICH_MD
"""
import re
import subprocess
import sys

galley, rich = sys.argv[1:3]


def convert(args, stdin=None):
    proc = subprocess.run([galley, *args, "-t", "docbook"], input=stdin, capture_output=True)
    if proc.returncode != 0:
        sys.exit(f"galley {args} exited {proc.returncode}")
    return proc.stdout, proc.stderr.decode()


_, err = convert([rich])
expected = [
    r":23:49: warning: link to #no-such-id written as plain text",  # a link to nothing
    r":115:8: warning: raw HTML <small> left out",    # both tags of the inline <small>
    r":115:18: warning: raw HTML </small> left out",
    r":118:1: warning: thematic break left out",  # ---
]
for pattern in expected:
    if not re.search(re.escape(rich) + re.escape(pattern), err):
        sys.exit(f"no warning matching {pattern!r} in:\n{err}")
if len(err.splitlines()) != len(expected):
    sys.exit(f"expected {len(expected)} warnings, got:\n{err}")

out, err = convert(["-"], b"bell \x07 vt \x0b del \x7f nonchar \xef\xbf\xbe end\n")
if b"\x07" in out or b"\x0b" in out or b"\xef\xbf\xbe" in out:
    sys.exit("a control character reached the output")
if err.count("control character") != 1 or "3 control character(s)" not in err:
    sys.exit(f"expected one warning about 3 control characters, got:\n{err}")
print("warnings name the lines; control characters dropped with one warning")
