/*
 * text.h - the plain-text reader's stages, shared by its files.
 *
 * The reader is a pipeline, one file a stage:
 *   decode.c     bytes -> UTF-8 with '\n' line ends (BOM, uchardet, iconv)
 *   lines.c      UTF-8 -> lines with measured features, document statistics
 *   gutenberg.c  Project Gutenberg header and licence -> metadata, skipped lines
 *   book.c       chapter, part and section lines; tables of contents
 *   classify.c   lines -> blocks (heading, paragraph, item, quote, code, ...)
 *   build.c      blocks -> model nodes, with the inline pass (links, emphasis)
 *   smart.c      curly quotes, dashes and ellipses for the inline pass
 * Every stage is linear in the input and none recurses.
 */
#ifndef GALLEY_TEXT_READER_H
#define GALLEY_TEXT_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "../../src/model_private.h"

/* ---- decode.c ----------------------------------------------------- */

/**
 * Turns the input into UTF-8 with '\n' line ends. `*out` is malloc'd (the
 * caller frees it), NUL-terminated past `*out_len`.
 */
int tx_decode(const char *data, size_t len, const galley_options *opts, galley_error *err, char **out,
              size_t *out_len);

/* ---- lines.c ------------------------------------------------------ */

enum tx_marker { TX_MARK_NONE = 0, TX_MARK_BULLET, TX_MARK_ORDERED };

typedef struct tx_line {
	const char *raw; /* the line as read, without its '\n' */
	const char *s;   /* content: after the indentation, trailing blanks trimmed */
	uint32_t raw_len;
	uint32_t len;
	uint32_t no;      /* 1-based line number */
	uint32_t indent;  /* columns of indentation, tabs to multiples of 8 */
	uint32_t lead;    /* bytes (= characters) of indentation */
	uint32_t chars;   /* characters of content */
	uint32_t width;   /* indent + chars */
	uint32_t letters; /* alphabetic characters */
	uint32_t uppers;  /* of which upper case */
	uint32_t words;
	uint32_t last;       /* last character of content */
	uint32_t last_bare;  /* last character before closing quotes and brackets */
	uint32_t first;      /* first character of content */
	int number;          /* ordered marker: its value */
	uint8_t blank;       /* nothing but blanks */
	uint8_t skip;        /* left out (boilerplate, consumed title lines) */
	uint8_t marker;      /* enum tx_marker */
	uint8_t mlen;        /* bytes of the marker and the blank after it */
	uint8_t mchars;      /* characters of the same */
	uint8_t style;       /* ordered: '1', 'a', 'A', 'i', 'I'; bullet: rank of the glyph (0-2) */
	char delim;          /* ordered: '.' or ')' */
	uint8_t rule;        /* the character a rule line repeats ('=', '-', '*', ...), or 0 */
	uint8_t rule_spaced; /* the rule has blanks between its characters */
	uint32_t rule_count;
	uint8_t gaps;   /* inner runs of two or more blanks, not after sentence punctuation */
	uint8_t pipes;  /* '|' characters, capped */
	uint8_t border; /* a table border: only - = + | : and blanks, with + or | */
	uint8_t codey;  /* looks like a line of program code */
} tx_line;

enum tx_mode { TX_MODE_LINE = 0, TX_MODE_BLANK };

/* Heading styles, ranked into levels by their first appearance. */
enum tx_hstyle {
	TX_H_NONE = 0,
	TX_H_OVERLINED,
	TX_H_UNDER_EQ,
	TX_H_UNDER_DASH,
	TX_H_PART,
	TX_H_SUBPART, /* the inner of two kinds of part: PART I > Book I > Chapter I */
	TX_H_CHAPTER,
	TX_H_NUMBERED,
	TX_H_CENTRED,
	TX_H_CAPS,
	TX_H_BARE,
	TX_H_COUNT
};

enum tx_kind {
	TX_B_PARA = 1,
	TX_B_HEADING,
	TX_B_ITEM,      /* a list item's first paragraph */
	TX_B_ITEM_PARA, /* a further paragraph of the current item */
	TX_B_QUOTE,     /* a paragraph inside a block quote */
	TX_B_CODE,      /* verbatim lines */
	TX_B_BREAK
};

typedef struct tx_block {
	uint8_t kind;
	uint8_t hard_breaks; /* keep its line breaks */
	uint8_t level;       /* heading */
	uint8_t blank_before;
	uint8_t heading_sep;  /* heading over two lines: 0 space, 1 ": " */
	uint32_t first, last; /* line indices, inclusive; blank lines inside only for code */
	uint32_t strip;       /* code: columns of indentation removed from each line */
} tx_block;

typedef struct tx_ctx {
	galley_doc *doc;
	const galley_options *opts;
	galley_error *err;
	char *text; /* the decoded input */
	size_t text_len;
	tx_line *lines;
	size_t nlines;
	/* statistics */
	uint32_t wrap;        /* width the text is hard-wrapped at; 0 when it is not */
	uint32_t ref_width;   /* width centring is measured against; 0: no centring */
	uint32_t median_len;  /* median characters of a non-blank line */
	uint32_t base_indent; /* the usual indentation of a line */
	uint32_t blank_lines, text_lines, adjacent;
	int mode;         /* enum tx_mode */
	bool mode_asked;  /* --paragraphs line or blank: no guessing */
	bool force_join;  /* the blank-line mode was asked for: join every block */
	bool split_short; /* wrapped text without blank lines: short lines end paragraphs */
	bool verbose;
	/* the blocks */
	tx_block *blocks;
	size_t nblocks, cap;
	uint8_t style_level[TX_H_COUNT]; /* level given to each heading style, 0 = not yet seen */
	uint8_t next_level;
	char outer_part[12];  /* the unit word of the outer kind of part ("part"), when there are two */
	bool number_chapters; /* numbers alone (1, 2, 3 ...) name the chapters */
} tx_ctx;

/** Splits ctx->text into ctx->lines and measures them. */
int tx_split_lines(tx_ctx *ctx);
/** Computes the statistics and chooses the paragraph mode. */
int tx_measure_document(tx_ctx *ctx);

/** Decodes the UTF-8 character at s (n bytes left) into *c; returns its length (>= 1). */
size_t tx_char(const char *s, size_t n, uint32_t *c);
bool tx_is_sentence_end(uint32_t c);

/* ---- gutenberg.c -------------------------------------------------- */

/** Finds a Project Gutenberg header and licence; fills metadata; marks lines skipped. */
int tx_gutenberg(tx_ctx *ctx);

/* ---- book.c ------------------------------------------------------- */

/** CHAPTER I., Book the First, Stave III:, FIRST ACT, a roman numeral alone: TX_H_PART, TX_H_CHAPTER or 0. */
int tx_chapter_style(const tx_line *l);
/** The lower-case unit word of a part line ("book", "part", "volume", "act") into out; "" for others. */
void tx_part_word(const tx_line *l, char out[static 12]);
/** A number alone on its line ("12", "12."): its value, else 0. */
int tx_bare_number(const tx_line *l);
/** "IV. The Preparation": an upper-case roman numeral, a full stop and a short title. */
bool tx_roman_titled(const tx_line *l);
/** PREFACE, ETYMOLOGY., THE INTRODUCTION, Epilogue, APPENDIX: a section before or after the chapters. */
bool tx_section_line(const tx_line *l);
/** Sets toc[i] for the lines of every table of contents (toc has ctx->nlines bytes, zeroed). */
int tx_find_contents(tx_ctx *ctx, uint8_t *toc);

/* ---- smart.c ------------------------------------------------------ */

/** For each straight quote in s[0, n), whether it opens (1) or closes (2) a quotation; other bytes 0. */
void tx_quote_marks(const char *s, size_t n, uint8_t *marks);
/** Appends s[from, to) to out with curly quotes (as marked), dashes and ellipses; marks may be NULL. */
void tx_smarten(const char *s, size_t n, size_t from, size_t to, const uint8_t *marks, galley_buf *out);

/* ---- classify.c --------------------------------------------------- */

int tx_classify(tx_ctx *ctx);

/* ---- build.c ------------------------------------------------------ */

int tx_build(tx_ctx *ctx);

/** A note with --verbose: "LINE: note: ...". */
void tx_note(const tx_ctx *ctx, unsigned line, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
