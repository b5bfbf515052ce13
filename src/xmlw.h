/*
 * xmlw.h - the one escaping and attribute helper of the XML-family writers
 * (HTML, DocBook, EPUB), over libxml2's xmlTextWriter.
 *
 * Text and attribute values pass through a filter that drops what XML 1.0
 * forbids (C0 controls but tab, newline and carriage return; U+FFFE, U+FFFF)
 * and bytes that are not UTF-8, counting the dropped characters so the writer can warn once.
 */
#ifndef GALLEY_XMLW_H
#define GALLEY_XMLW_H

#include <libxml/xmlwriter.h>

#include "internal.h"

typedef struct xmlw {
	xmlTextWriterPtr w;
	galley_buf scratch; /* filtered copies */
	galley_buf escaped; /* escaped text */
	size_t dropped;     /* characters dropped so far */
	int failed;         /* a libxml2 call failed */
} xmlw;

/** A writer appending to `out`. 0, or GALLEY_ENOMEM. */
int xmlw_open(xmlw *x, galley_buf *out);
/** Flushes and frees the writer (not `out`). 0, or a negative code if any write failed. */
int xmlw_close(xmlw *x);

/** `s` (len bytes, or NUL-terminated when len is (size_t)-1) without forbidden characters. */
const char *xmlw_clean(xmlw *x, const char *s, size_t len);

void xmlw_start(xmlw *x, const char *name);
/** Closes with an end tag (<p></p>, never <p/>). */
void xmlw_end(xmlw *x);
/** Closes an element that may be empty (<br/>, <img/>). */
void xmlw_end_empty(xmlw *x);
void xmlw_attr(xmlw *x, const char *name, const char *value);
void xmlw_attr_len(xmlw *x, const char *name, const char *value, size_t len);
void xmlw_attrf(xmlw *x, const char *name, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void xmlw_text(xmlw *x, const char *s, size_t len);
void xmlw_str(xmlw *x, const char *s);
/** The literal of `node` (galley_node_literal) as text. */
void xmlw_literal(xmlw *x, const galley_node *node);
/** <name>text</name> */
void xmlw_elem(xmlw *x, const char *name, const char *text);
/** Bytes already well-formed (passed through as they are). */
void xmlw_raw(xmlw *x, const char *s, size_t len);

#endif
