#!/bin/sh
# Every C file of the tree is laid out as .clang-format says.
#   check-format.sh SOURCE_DIR [CLANG_FORMAT]
set -eu
src=$1 tool=${2:-clang-format}
cd "$src"
files=$(find include src formats tests bench -name '*.[ch]' 2>/dev/null | sort)
[ -n "$files" ] || { echo "FAIL: no C files found under $src"; exit 1; }
# shellcheck disable=SC2086
if ! "$tool" --dry-run -Werror --style=file $files 2>"${TMPDIR:-/tmp}/galley-format.$$"; then
	bad=$(grep -o '^[^:]*\.[ch]' "${TMPDIR:-/tmp}/galley-format.$$" | sort -u)
	rm -f "${TMPDIR:-/tmp}/galley-format.$$"
	echo "FAIL: not laid out as .clang-format says (run clang-format -i on them):"
	printf '  %s\n' $bad
	exit 1
fi
rm -f "${TMPDIR:-/tmp}/galley-format.$$"
echo "ok: $(echo "$files" | wc -l) C files as .clang-format says"
