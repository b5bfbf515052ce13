/*
 * text.c - the plain-text reader: structure recovered from layout.
 *
 * The stages (text.h) run in order: decode, split and measure lines, take a
 * Project Gutenberg header off, choose the paragraph mode, classify lines
 * into blocks, build the model. With --verbose each decision is reported as
 * a note at its line ("FILE:LINE: note: heading, because ...").
 *
 * A title found at the top (a first line alone, a centred block) goes into
 * the metadata and out of the body, with a "by NAME" line after it as the
 * author, so writers that print a title block show it once and the body's
 * headings start at level 1.
 */
#include <iconv.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void tx_note(const tx_ctx *ctx, unsigned line, const char *fmt, ...)
{
	va_list ap;
	if (!ctx->verbose)
		return;
	va_start(ap, fmt);
	galley_report_v(ctx->opts, GALLEY_NOTE, line, 0, fmt, ap);
	va_end(ap);
}

static int read_text(galley_doc *doc, const char *data, size_t len, const galley_options *opts,
                     galley_error *err)
{
	tx_ctx ctx = {0};
	int rc;
	ctx.doc = doc;
	ctx.opts = opts;
	ctx.err = err;
	ctx.verbose = opts && (opts->flags & GALLEY_OPT_VERBOSE) && opts->diag;
	rc = tx_decode(data, len, opts, err, &ctx.text, &ctx.text_len);
	if (rc == 0)
		rc = tx_split_lines(&ctx);
	if (rc == 0)
		rc = tx_gutenberg(&ctx);
	if (rc == 0)
		rc = tx_measure_document(&ctx);
	if (rc == 0)
		rc = tx_classify(&ctx);
	if (rc == 0)
		rc = tx_build(&ctx);
	free(ctx.text);
	free(ctx.lines);
	free(ctx.blocks);
	return rc;
}

static const char *const text_exts[] = {"txt", "text", NULL};

static int check_params(const galley_options *opts, galley_error *err)
{
	const char *mode = galley_options_param(opts, "paragraphs");
	const char *encoding = galley_options_param(opts, "encoding");
	if (mode && strcmp(mode, "auto") && strcmp(mode, "line") && strcmp(mode, "blank"))
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
		                        "paragraphs takes auto, line or blank, not '%s'", mode);
	if (encoding) {
		iconv_t cd = iconv_open("UTF-8", encoding);
		if (cd == (iconv_t)-1)
			return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0, "unknown encoding '%s'",
			                        encoding);
		iconv_close(cd);
	}
	return 0;
}

static const galley_param_spec text_params[] = {
    {"encoding", "NAME", "text: the input's encoding (default: a byte-order mark, UTF-8, or a guess)"},
    {"paragraphs", "MODE", "text: auto, line (a paragraph a line) or blank (blank lines end paragraphs)"},
    {"keep-boilerplate", NULL, "text: keep a Project Gutenberg header and licence in the body"},
    {NULL, NULL, NULL},
};

const galley_format galley_format_text = {
    .name = "text",
    .description = "plain text: headings, lists, quotes and paragraphs recovered from the layout",
    .read_extensions = text_exts,
    .mime_type = "text/plain",
    .params = text_params,
    .read = read_text,
    .check = check_params,
};
