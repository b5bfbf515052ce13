/*
 * fuzz_convert.c - every reader into every writer.
 *
 * Input: byte 0 picks the reader and byte 2 the writer (modulo their number,
 * in registry order), byte 1 the option flags; the rest is the document.
 * One writer a run: the fuzzer's feedback sees each writer's paths apart, and
 * a slow writer (PDF loads its fonts) does not slow down the others.
 *
 * With bit 4 of byte 1 a Markdown reader reads in pieces of 16 bytes (what
 * it does with documents over 128 KB), and the model, as JSON, must be the
 * one read whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "galley/galley.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The document as JSON, read with GALLEY_MARKDOWN_PIECE as it is set; NULL when it cannot be read. */
static unsigned char *model_json(const char *reader, const uint8_t *data, size_t len, unsigned flags, size_t *out_len)
{
	galley_options opts = GALLEY_OPTIONS_INIT;
	galley_error err;
	galley_doc *doc = NULL;
	unsigned char *out = NULL;
	opts.flags = flags & ~GALLEY_OPT_VERBOSE;
	if (galley_read(reader, (const char *)data, len, &opts, &doc, &err) != 0)
		return NULL;
	if (galley_write(doc, "json", &opts, &out, out_len, &err) != 0)
		out = NULL;
	galley_doc_free(doc);
	return out;
}

static void compare_pieces(const char *reader, const uint8_t *data, size_t len, unsigned flags)
{
	size_t plen = 0, wlen = 0;
	unsigned char *pieces = model_json(reader, data, len, flags, &plen);
	setenv("GALLEY_MARKDOWN_PIECE", "1099511627776", 1);
	unsigned char *whole = model_json(reader, data, len, flags, &wlen);
	if ((pieces == NULL) != (whole == NULL) || (pieces && (plen != wlen || memcmp(pieces, whole, plen) != 0))) {
		fprintf(stderr, "galley-fuzz: %s read in pieces differs from read whole\n", reader);
		abort();
	}
	galley_free(pieces);
	galley_free(whole);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	const galley_format *reader = fuzz_reader(data[0]);
	bool pieces = (data[1] & 0x10) != 0;
	if (pieces)
		setenv("GALLEY_MARKDOWN_PIECE", "16", 1);
	fuzz_convert(reader, fuzz_writer(data[2]), data + 3, size - 3, fuzz_flags(data[1]), NULL, 0);
	if (pieces && strcmp(galley_format_name(reader), "text") != 0)
		compare_pieces(galley_format_name(reader), data + 3, size - 3, fuzz_flags(data[1]));
	unsetenv("GALLEY_MARKDOWN_PIECE");
	return 0;
}
