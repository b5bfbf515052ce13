#!/bin/sh
# Installs the build into a temporary prefix, then configures, builds and
# runs tests/api/consumer against it with find_package(galley): the CMake
# package, the headers, and both libraries as installed. The consumer
# registers formats of its own (galley_format_register) from outside the tree.
#   cmake_consumer.sh BUILD_DIR SOURCE_DIR CC [EXTRA_FLAGS]
set -eu
build=$1 src=$2 cc=$3 extra=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" ||
	{ cat "$tmp/install.log"; echo "FAIL: cmake --install"; exit 1; }
cmake -S "$src" -B "$tmp/build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
	-DCMAKE_C_FLAGS="$extra" -DCMAKE_EXE_LINKER_FLAGS="$extra" >"$tmp/configure.log" 2>&1 ||
	{ cat "$tmp/configure.log"; echo "FAIL: find_package(galley) against the installed package"; exit 1; }
cmake --build "$tmp/build" >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; echo "FAIL: the consumer does not build"; exit 1; }
for prog in use_shared use_static; do
	mkdir "$tmp/$prog"
	out=$(LD_LIBRARY_PATH="$tmp/prefix/lib:$tmp/prefix/lib64" "$tmp/build/$prog" "$tmp/$prog") ||
		{ echo "FAIL: $prog: $out"; exit 1; }
	[ "$out" = ok ] || { echo "FAIL: $prog printed: $out"; exit 1; }
done
# the shared one ran against the installed copy
LD_LIBRARY_PATH="$tmp/prefix/lib:$tmp/prefix/lib64" ldd "$tmp/build/use_shared" | grep -q "$tmp/prefix/lib.*/libgalley.so" ||
	{ echo "FAIL: use_shared is not linked to the installed libgalley"; exit 1; }
echo "ok: find_package(galley) from $tmp/prefix: shared and static consumers with their own formats"
