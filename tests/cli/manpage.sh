#!/bin/sh
# The man page renders without groff warnings and documents every option
# that `galley --help` lists, and every exit status.
#   manpage.sh GALLEY MANPAGE
set -eu
galley=$1 page=$2
warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || true
[ -z "$warnings" ] || { echo "FAIL: groff warns: $warnings"; exit 1; }
text=$(groff -man -Tutf8 -P-c -P-b -P-u "$page" 2>/dev/null)
missing=""
for opt in $("$galley" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	printf '%s\n' "$text" | grep -q -- "$opt" || missing="$missing $opt"
done
[ -z "$missing" ] || { echo "FAIL: options missing from the man page:$missing"; exit 1; }
for section in SYNOPSIS OPTIONS FORMATS "EXIT STATUS" EXAMPLES; do
	printf '%s\n' "$text" | grep -q "^$section" || { echo "FAIL: no $section section"; exit 1; }
done
echo "ok: $page renders cleanly and documents every option"
