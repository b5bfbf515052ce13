#!/bin/sh
# Installs the build into a temporary prefix, then builds and runs a small
# program against the installed library through the installed galley.pc:
# the headers, the pkg-config file and the shared library must all work
# as installed.
#   pkgconfig.sh BUILD_DIR CC [EXTRA_CFLAGS]
set -eu
build=$1 cc=$2 extra=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" ||
	{ cat "$tmp/install.log"; echo "FAIL: cmake --install"; exit 1; }
pc=$(find "$tmp/prefix" -name galley.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL: no galley.pc installed"; exit 1; }
for f in bin/galley include/galley/galley.h share/man/man1/galley.1; do
	[ -e "$tmp/prefix/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
export PKG_CONFIG_PATH="$(dirname "$pc")"
flags=$(pkg-config --cflags --libs galley) || { echo "FAIL: pkg-config galley"; exit 1; }
cat >"$tmp/use.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <galley/galley.h>

typedef struct collected {
	char data[4096];
	size_t len;
	int calls;
} collected;

static int collect(void *ctx, const void *data, size_t len)
{
	collected *c = ctx;
	if (c->len + len > sizeof(c->data))
		return -1;
	memcpy(c->data + c->len, data, len);
	c->len += len;
	c->calls++;
	return 0;
}

static int refuse(void *ctx, const void *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return -1;
}

int main(void)
{
	static const char md[] = "---\ntitle: Installed\n---\n\nHello *world*.\n";
	galley_options opts = GALLEY_OPTIONS_INIT;
	galley_error err;
	galley_doc *doc = NULL;
	unsigned char *html = NULL;
	size_t len = 0;
	int rc;

	opts.flags = GALLEY_OPT_FRAGMENT;
	rc = galley_read("markdown", md, sizeof(md) - 1, &opts, &doc, &err);
	if (rc == 0)
		rc = galley_write(doc, "html", &opts, &html, &len, &err);
	if (rc != 0) {
		fprintf(stderr, "error: %s\n", err.message);
		galley_doc_free(doc);
		return 1;
	}
	printf("%s|%s", galley_doc_meta(doc, GALLEY_META_TITLE), (const char *)html);
	rc = strstr((const char *)html, "<em>world</em>") ? 0 : 1;
	/* the same bytes through a sink; a sink that refuses stops the writer */
	static collected got;
	if (galley_write_stream(doc, "html", &opts, collect, &got, &err) != 0 || got.len != len ||
	    memcmp(got.data, html, len) != 0 || got.calls < 1) {
		fprintf(stderr, "galley_write_stream: %d bytes in %d calls\n", (int)got.len, got.calls);
		rc = 1;
	}
	if (galley_write_stream(doc, "html", &opts, refuse, NULL, &err) != GALLEY_EOUTPUT) {
		fprintf(stderr, "a refusing sink did not stop the writer\n");
		rc = 1;
	}
	galley_free(html);
	galley_doc_free(doc);
	return rc;
}
C
# shellcheck disable=SC2086
"$cc" -std=c11 -Wall -Wextra -Werror $extra "$tmp/use.c" -o "$tmp/use" $flags ||
	{ echo "FAIL: cannot build against the installed library ($flags)"; exit 1; }
libdir=$(pkg-config --variable=libdir galley)
out=$(LD_LIBRARY_PATH="$libdir" "$tmp/use") || { echo "FAIL: the program failed: $out"; exit 1; }
case "$out" in
"Installed|<p>Hello <em>world</em>.</p>"*) ;;
*) echo "FAIL: unexpected output: $out"; exit 1 ;;
esac
# it ran against the installed copy, not the build tree's
LD_LIBRARY_PATH="$libdir" ldd "$tmp/use" | grep -q "$libdir/libgalley.so" ||
	{ echo "FAIL: not linked to the installed libgalley"; exit 1; }
echo "ok: built and ran against $pc ($flags)"
