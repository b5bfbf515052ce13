#!/bin/sh
# Runs Ace by DAISY on the EPUB of each input, by hand (not part of ctest:
# it needs the network, an npm tree and Chromium).
#   ACE_DIR=/tmp/ace tests/epub/ace.sh build/galley samples/*.md samples/*.txt
# installs @daisy/ace into $ACE_DIR once, then prints each book's outcome.
set -eu
galley=$1
shift
ace_dir=${ACE_DIR:-/tmp/galley-ace}
if [ ! -x "$ace_dir/node_modules/.bin/ace-puppeteer" ]; then
	mkdir -p "$ace_dir"
	(cd "$ace_dir" && ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent @daisy/ace)
fi
out=$(mktemp -d)
status=0
for src in "$@"; do
	name=$(basename "$src")
	"$galley" "$src" -o "$out/$name.epub" 2>/dev/null
	PUPPETEER_EXECUTABLE_PATH=${PUPPETEER_EXECUTABLE_PATH:-/usr/bin/chromium} \
		"$ace_dir/node_modules/.bin/ace-puppeteer" -f -s -o "$out/$name" "$out/$name.epub" >/dev/null 2>&1 || status=1
	python3 - "$out/$name/report.json" "$name" <<'PY' || status=1
import json, sys
report = json.load(open(sys.argv[1]))
found = [(t["earl:test"]["dct:title"], t["earl:test"]["earl:impact"])
         for a in report["assertions"] for t in a["assertions"]]
print("%s: %s, %d violation(s) %s" % (sys.argv[2], report["earl:result"]["earl:outcome"], len(found), found))
sys.exit(1 if found else 0)
PY
done
rm -rf "$out"
exit $status
