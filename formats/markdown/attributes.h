/* attributes.h - pandoc's attribute syntax {#id .class key=value} (attributes.c). */
#ifndef GALLEY_MD_ATTRIBUTES_H
#define GALLEY_MD_ATTRIBUTES_H

#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include "../../src/model_private.h"

/* The info of the marker nodes the reader makes from the extension's text nodes. */
#define MD_ATTR_MARKER "galley-attributes"
#define MD_ATTR_MAX_ITEMS 32

typedef struct md_attr_item {
	char kind; /* '#' id, '.' class, '=' key=value */
	const char *key;
	size_t key_len;
	const char *value; /* as written, inside the quotes */
	size_t value_len;
	char quote; /* the value's quote, 0 when bare */
} md_attr_item;

/* Slices of the parsed text: valid while it is. */
typedef struct md_attrs {
	md_attr_item item[MD_ATTR_MAX_ITEMS];
	size_t count;
	const char *format; /* {=format}: raw content in that format; NULL otherwise */
	size_t format_len;
} md_attrs;

/** Parses "{...}" at the start of `s`; the bytes it takes, braces included, or 0 when it is not attributes.
 */
size_t md_attrs_parse(const char *s, size_t len, md_attrs *a);

/**
 * Gives `n` the id, classes and key=value pairs of `a` ("id" and "class"
 * keys count as #id and .class). With `language_first`, the first class is
 * the node's info (a code block's language) when it has none.
 */
int md_attrs_apply(galley_doc *doc, galley_node *n, const md_attrs *a, bool language_first);

/** The inline extension that keeps "{...}" as written. Free with md_attrs_extension_free(). */
cmark_syntax_extension *md_attrs_extension_new(void);
void md_attrs_extension_free(cmark_syntax_extension *ext);

bool md_is_attr_marker(const galley_node *n);

/** Gives every marker's attributes to the heading, [span] or `code` it follows; others become text. */
int md_attributes(galley_doc *doc);

#endif
