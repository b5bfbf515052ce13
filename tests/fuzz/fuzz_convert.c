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

#include "fuzz_common.h"
#include "galley/galley.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Pieces of 16 bytes: every document long enough to be read in pieces is. */
static const galley_param small_pieces = {"markdown-pieces", "16"};
static const galley_param whole = {"markdown-pieces", "0"};

/* The document as JSON, read with the piece size `piece`; NULL when it cannot be read. */
static unsigned char *model_json(const char *reader, const uint8_t *data, size_t len, unsigned flags,
                                 const galley_param *piece, size_t *out_len)
{
	galley_options opts = GALLEY_OPTIONS_INIT;
	opts.params = piece;
	opts.param_count = 1;
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
	unsigned char *pieces = model_json(reader, data, len, flags, &small_pieces, &plen);
	unsigned char *read_whole = model_json(reader, data, len, flags, &whole, &wlen);
	if ((pieces == NULL) != (read_whole == NULL) ||
	    (pieces && (plen != wlen || memcmp(pieces, read_whole, plen) != 0))) {
		fprintf(stderr, "galley-fuzz: %s read in pieces differs from read whole\n", reader);
		abort();
	}
	galley_free(pieces);
	galley_free(read_whole);
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
	bool markdown = strcmp(galley_format_name(reader), "text") != 0;
	fuzz_convert(reader, fuzz_writer(data[2]), data + 3, size - 3, fuzz_flags(data[1]), NULL, 0,
	             &small_pieces, pieces && markdown ? 1 : 0);
	if (pieces && markdown)
		compare_pieces(galley_format_name(reader), data + 3, size - 3, fuzz_flags(data[1]));
	return 0;
}
