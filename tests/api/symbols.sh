#!/bin/sh
# The libraries export the galley_* API and nothing else: a program that
# links them, statically or not, meets none of their internal names
# (arena_init, strmap_put, xmlw_*, pdf_*...).
#   symbols.sh STATIC_LIB SHARED_LIB
set -eu
static=$1 shared=$2
fail=0
check() {
	what=$1 names=$2
	count=$(printf '%s\n' "$names" | grep -c '^galley_' || true)
	[ "$count" -ge 50 ] || { echo "FAIL: $what exports only $count galley_* names"; fail=1; }
	# __start_/__stop_ SECTION: bounds the linker adds for coverage sections (fuzzing builds)
	others=$(printf '%s\n' "$names" | grep -v -e '^galley_' -e '^__start_' -e '^__stop_' -e '^$' || true)
	[ -z "$others" ] || { echo "FAIL: $what exports names outside the API:"; printf '  %s\n' $others | head -n 20; fail=1; }
}
# weak and vague-linkage names (W, V: C++ inline and template copies from the
# headers of the highlighting library, which any C++ program may define too) claim nothing
check "$static" "$(nm -g --defined-only "$static" | awk 'NF == 3 && $2 != "W" && $2 != "V" { print $3 }')"
check "$shared" "$(nm -D --defined-only "$shared" | awk 'NF == 3 && $2 != "W" && $2 != "V" { print $3 }')"
# internal calls are resolved inside the library, not left for the program
undefined=$(nm -u "$static" | awk '{ print $NF }' | grep -E '^(arena|strmap|xmlw|pdf|md|tx|epub|db|html)_' || true)
[ -z "$undefined" ] || { echo "FAIL: internal names left undefined in $static: $undefined"; fail=1; }
[ "$fail" -eq 0 ] && echo "ok: only galley_* names exported by $static and $shared"
exit "$fail"
