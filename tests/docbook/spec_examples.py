"""Every CommonMark spec example, read by the strict and the rich Markdown
dialect, gives valid DocBook.

usage: spec_examples.py GALLEY SPEC OUTDIR
All outputs are validated in one jing run per schema, so the test stays fast.
"""
import os
import sys
from concurrent.futures import ThreadPoolExecutor

from common import run_galley, spec_examples, validate

galley, spec, outdir = sys.argv[1:4]
examples = spec_examples(spec)
if len(examples) != 655:
    sys.exit(f"expected 655 examples in {spec}, found {len(examples)}")
os.makedirs(outdir, exist_ok=True)
readers = ("commonmark", "markdown")


def convert(job):
    dialect, i, md = job
    # the rich dialect may refuse an input that starts like bad front matter
    xml = run_galley(galley, ["-f", dialect, "-t", "docbook", "-"], md.encode("utf-8"),
                     refused_ok=dialect == "markdown")
    if xml is None:
        return None
    out = os.path.join(outdir, f"{dialect}-{i:03}.xml")
    with open(out, "wb") as f:
        f.write(xml)
    return out


jobs = [(d, i, md) for d in readers for i, md in enumerate(examples, 1)]
with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    outputs = list(pool.map(convert, jobs))
files = [f for f in outputs if f]
refused = [job[1] for job, f in zip(jobs, outputs) if not f]
if len(refused) > 5:
    sys.exit(f"the markdown reader refused {len(refused)} examples: {refused}")
if refused:
    print(f"the markdown reader refused example(s) {refused} (front matter errors)")
validate(files)
