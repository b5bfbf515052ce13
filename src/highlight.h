/*
 * highlight.h - token spans of source code in a named language, for the
 * writers that colour fenced code (HTML, EPUB; PDF through the same spans).
 *
 * The spans come from GNU Source-highlight (libsource-highlight, a C++
 * library: highlight.cpp is the only C++ in galley and exposes this C
 * interface). It knows some 150 languages by the names and aliases of its
 * lang.map ("python", "py", "c", "sh", ...); any other name gives no spans
 * and the code stays plain.
 */
#ifndef GALLEY_HIGHLIGHT_H
#define GALLEY_HIGHLIGHT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The kinds of token galley colours; everything else is plain text. */
typedef enum galley_token_kind {
	GALLEY_TOKEN_PLAIN = 0,
	GALLEY_TOKEN_KEYWORD,
	GALLEY_TOKEN_TYPE,
	GALLEY_TOKEN_STRING,
	GALLEY_TOKEN_COMMENT,
	GALLEY_TOKEN_NUMBER,
	GALLEY_TOKEN_PREPROC,
	GALLEY_TOKEN_FUNCTION,
	GALLEY_TOKEN_KIND_COUNT
} galley_token_kind;

/* A run of `len` bytes at `offset` in the code. */
typedef struct galley_token_span {
	size_t offset;
	size_t len;
	galley_token_kind kind;
} galley_token_span;

/**
 * Highlights `len` bytes of code in `lang` (the first word of a fenced
 * block's info string). On success *spans (freed with free(); NULL when
 * there are none) holds *count spans in order, not overlapping. Returns 0,
 * or -1 when the language is unknown or the highlighter failed: then the
 * code is written plain.
 */
int galley_highlight(const char *lang, const char *code, size_t len, galley_token_span **spans,
                     size_t *count);

/** The short name of a kind, for CSS classes ("kw", "str", ...). Static. */
const char *galley_token_kind_name(galley_token_kind kind);

#ifdef __cplusplus
}
#endif
#endif
