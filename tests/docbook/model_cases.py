"""Trees only a C caller or another reader makes (model_cases.c) give valid
DocBook; raw DocBook passes through only when it is well-formed.

usage: model_cases.py MODEL_CASES_BIN OUTDIR
"""
import glob
import os
import subprocess
import sys

from common import validate

binary, outdir = sys.argv[1:3]
os.makedirs(outdir, exist_ok=True)
proc = subprocess.run([binary, outdir], capture_output=True, text=True)
if proc.returncode != 0:
    sys.exit(f"model_cases failed: {proc.stderr}")
files = sorted(glob.glob(os.path.join(outdir, "*.xml")))
if len(files) != 8:
    sys.exit(f"expected 8 outputs, found {files}")
with open(os.path.join(outdir, "raw-article.xml"), encoding="utf-8") as f:
    raw = f.read()
if "<note><para>A well-formed <emphasis>raw</emphasis> note.</para></note>" not in raw:
    sys.exit("well-formed raw DocBook was not passed through")
if "not closed" in raw or "newpage" in raw:
    sys.exit("raw content that is not well-formed DocBook reached the output")
validate(files)
