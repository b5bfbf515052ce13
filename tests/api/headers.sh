#!/bin/sh
# Compiles every public header on its own, as C11 and (when a C++ compiler
# is there) as C++11, with -pedantic -Werror -Wall -Wextra: each must be
# self-contained and clean for any user.
#   headers.sh INCLUDE_DIR CC [CXX]
set -eu
inc=$1 cc=$2 cxx=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count=0
for h in $(cd "$inc" && find galley -name '*.h' | sort); do
	printf '#include <%s>\n#include <%s>\nint galley_header_test_%d;\n' "$h" "$h" "$count" >"$tmp/t.c"
	"$cc" -std=c11 -pedantic -Werror -Wall -Wextra -Wstrict-prototypes -I"$inc" -c "$tmp/t.c" -o "$tmp/t.o" ||
		{ echo "FAIL: $h does not compile alone as C11"; exit 1; }
	if [ -n "$cxx" ] && command -v "$cxx" >/dev/null 2>&1; then
		cp "$tmp/t.c" "$tmp/t.cpp"
		"$cxx" -std=c++11 -pedantic -Werror -Wall -Wextra -I"$inc" -c "$tmp/t.cpp" -o "$tmp/t.o" ||
			{ echo "FAIL: $h does not compile alone as C++11"; exit 1; }
	fi
	count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "FAIL: no headers found in $inc"; exit 1; }
echo "ok: $count headers compile alone${cxx:+ as C11 and C++11}"
