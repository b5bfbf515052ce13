"""The validators can fail: jing's Schematron run rejects a footnote inside a
footnote (which the RELAX NG grammar alone accepts), and RELAX NG rejects a
list item without a block. Without this the validation tests could pass
by validating nothing.

usage: schematron_check.py DIR
"""
import os
import sys

from common import RNG, SCH, jing

here = sys.argv[1]
nested = os.path.join(here, "bad-nested-footnote.xml")
ok, _ = jing(RNG, [nested])
if not ok:
    sys.exit("RELAX NG was expected to accept the nested footnote (only Schematron catches it)")
ok, report = jing(SCH, [nested])
if ok or "footnote must not occur in the descendants of footnote" not in report:
    sys.exit(f"Schematron did not report the footnote inside a footnote:\n{report}")
ok, report = jing(RNG, [os.path.join(here, "bad-empty-listitem.xml")])
if ok:
    sys.exit("RELAX NG accepted a listitem without a block")
print("jing reports both: Schematron the nested footnote, RELAX NG the empty listitem")
