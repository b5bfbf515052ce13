/* markdown.h - the Markdown reader's passes after cmark-gfm. */
#ifndef GALLEY_MARKDOWN_H
#define GALLEY_MARKDOWN_H

#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include "../../src/model_private.h"

/* The reader's state while it converts cmark-gfm's tree. */
typedef struct md_ctx {
	galley_doc *doc;
	const galley_options *opts;
	galley_error *err;
	long line_offset;    /* added to cmark's line numbers: front matter, and a piece's place */
	unsigned wide_table; /* the first line with too many table cells, or 0 */
	int cmark_opts;
	bool extensions;
	bool math;                     /* $…$, $$…$$ and ```math blocks */
	galley_buf scratch;            /* repaired strings */
	cmark_syntax_extension *attrs; /* {#id .class} kept as written (markdown dialect), or NULL */
	const char *input;             /* the text cmark-gfm parsed last, which its line numbers count in */
	size_t input_len;
	int cursor_line; /* a line of `input` and where it starts, for reading lines in order */
	size_t cursor_pos;
	/* formulas spanning lines hide their newlines from cmark-gfm's line count: what the block so far hid
	 */
	const void *math_block; /* the block the counts are for */
	int math_lines;         /* newlines inside its formulas so far */
	int math_cm_line;       /* cmark-gfm's (stale) line where the last such formula ended, -1 none */
	int math_nl;            /* the offset of that formula's last newline in the block's text */
} md_ctx;

#define MD_PIECE 65536 /* bytes a piece, unless the markdown-pieces parameter says */
#define MD_WHOLE 1     /* not an error: parse the document whole */

/** A parser with the document's options and extensions; NULL when out of memory. */
cmark_parser *md_new_parser(const md_ctx *c);

/** cmark_parser_finish, one document at a time (see markdown.c). */
cmark_node *md_finish_parse(cmark_parser *parser);

/** What cmark-gfm parses next: its line numbers count in `input`. */
void md_set_input(md_ctx *c, const char *input, size_t len);
/** What marks a cmark code-span node as math (math.c): its user data. */
typedef struct md_math_mark {
	bool display;
	int line, column; /* as cmark-gfm counts them (see md_ctx.math_lines) */
	int offset;       /* of the opening '$' in the block's inline text */
	int newlines;     /* inside the formula */
	int last_nl;      /* the offset of the last of them in the block's text */
} md_math_mark;

/** The "$" math inline extension, shared by all parsers; NULL when out of memory. */
cmark_syntax_extension *md_math_extension(void);

/** Converts one top-level block of cmark's tree and appends it to the document. */
int md_convert_block(md_ctx *c, cmark_node *block);

/**
 * Reads `data` a piece of about `piece` bytes at a time into c->doc
 * (pieces.c). 0, MD_WHOLE when the document must be read whole (the model
 * is then to be dropped), or GALLEY_ENOMEM.
 */
int md_read_in_pieces(md_ctx *c, const char *data, size_t len, size_t piece);

/**
 * Galley's Markdown additions: images alone in a paragraph become figures,
 * attributes "{#id .class key=value}" go to the heading, "[span]" or
 * `code`{=format} they follow (attributes.c), "Term" followed by ": definition"
 * lines becomes a definition list, and balanced inline HTML tags (<sup>,
 * <sub>, <em>, <i>, <strong>, <b>, <del>, <s>, <br>) become model nodes.
 */
int md_enrich(galley_doc *doc, const galley_options *opts);

/** With no title in the metadata, a first level-1 heading gives it. */
int md_title_from_heading(galley_doc *doc);

#endif
