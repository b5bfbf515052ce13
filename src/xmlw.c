/* xmlw.c - filtered, escaped XML output through libxml2. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlIO.h>
#include <unistr.h>

#include "xmlw.h"

static int buf_write(void *ctx, const char *data, int len)
{
	return galley_buf_put(ctx, data, (size_t)len) == 0 ? len : -1;
}

static int buf_close(void *ctx)
{
	(void)ctx;
	return 0;
}

int xmlw_open(xmlw *x, galley_buf *out)
{
	xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(buf_write, buf_close, out, NULL);
	memset(x, 0, sizeof(*x));
	if (!ob)
		return GALLEY_ENOMEM;
	x->w = xmlNewTextWriter(ob);
	if (!x->w) {
		xmlOutputBufferClose(ob);
		return GALLEY_ENOMEM;
	}
	return 0;
}

int xmlw_close(xmlw *x)
{
	int rc = 0;
	if (x->w) {
		if (xmlTextWriterFlush(x->w) < 0)
			x->failed = 1;
		xmlFreeTextWriter(x->w);
		x->w = NULL;
	}
	if (x->failed || x->scratch.failed || x->escaped.failed)
		rc = GALLEY_ENOMEM;
	galley_buf_free(&x->scratch);
	galley_buf_free(&x->escaped);
	return rc;
}

/*
 * The length of what XML cannot carry at s, or 0: a forbidden control
 * character, U+FFFE or U+FFFF, or a byte that starts no valid UTF-8 sequence
 * (libxml2 would write it as a character reference to a non-character).
 * *ok gets the length of the valid character at s otherwise.
 */
static size_t forbidden_at(const unsigned char *s, const unsigned char *end, size_t *ok)
{
	*ok = 1;
	if (*s < 0x20)
		return (*s == '\t' || *s == '\n' || *s == '\r') ? 0 : 1;
	if (*s < 0x80)
		return 0;
	int n = u8_mblen(s, (size_t)(end - s));
	if (n <= 0)
		return 1;
	if (n == 3 && s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF))
		return 3;
	*ok = (size_t)n;
	return 0;
}

const char *xmlw_clean(xmlw *x, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	size_t ok;
	if (len == (size_t)-1)
		len = strlen(s);
	end = p + len;
	while (p < end) {
		if (*p >= 0x20 && *p < 0x80) {
			p++;
			continue;
		}
		if (forbidden_at(p, end, &ok))
			break;
		p += ok;
	}
	if (p == end && s[len] == '\0')
		return s;
	x->scratch.len = 0;
	galley_buf_put(&x->scratch, s, (size_t)(p - (const unsigned char *)s));
	while (p < end) {
		size_t bad = forbidden_at(p, end, &ok);
		if (bad) {
			x->dropped++;
			p += bad;
			continue;
		}
		galley_buf_put(&x->scratch, p, ok);
		p += ok;
	}
	galley_buf_put(&x->scratch, "", 0);
	return x->scratch.data ? (const char *)x->scratch.data : "";
}

static void check(xmlw *x, int rc)
{
	if (rc < 0)
		x->failed = 1;
}

void xmlw_start(xmlw *x, const char *name) { check(x, xmlTextWriterStartElement(x->w, BAD_CAST name)); }
void xmlw_end(xmlw *x) { check(x, xmlTextWriterFullEndElement(x->w)); }
void xmlw_end_empty(xmlw *x) { check(x, xmlTextWriterEndElement(x->w)); }

/* The escape of an ASCII byte in text content, or with `attribute` in an attribute value; NULL for none. */
static const char *escape_of(unsigned char c, bool attribute)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '\r':
		return "&#13;";
	case '"':
		return attribute ? "&quot;" : NULL;
	case '\n':
		return attribute ? "&#10;" : NULL;
	case '\t':
		return attribute ? "&#9;" : NULL;
	default:
		return NULL;
	}
}

/*
 * Attribute values are escaped here rather than by xmlTextWriterWriteAttribute,
 * which writes every non-ASCII character as a character reference
 * ("Tom&#xE1;s") when the document declares no encoding.
 */
void xmlw_attr_len(xmlw *x, const char *name, const char *value, size_t len)
{
	const char *clean = xmlw_clean(x, value, len);
	galley_buf esc = GALLEY_BUF_INIT;
	const char *run = clean, *p = clean;
	while (*p && !escape_of((unsigned char)*p, true))
		p++;
	if (!*p) {
		check(x, xmlTextWriterStartAttribute(x->w, BAD_CAST name));
		xmlw_raw(x, clean, (size_t)(p - clean));
		check(x, xmlTextWriterEndAttribute(x->w));
		return;
	}
	for (; *p; p++) {
		const char *e = escape_of((unsigned char)*p, true);
		if (!e)
			continue;
		galley_buf_put(&esc, run, (size_t)(p - run));
		galley_buf_puts(&esc, e);
		run = p + 1;
	}
	galley_buf_put(&esc, run, (size_t)(p - run));
	if (esc.failed)
		x->failed = 1;
	check(x, xmlTextWriterStartAttribute(x->w, BAD_CAST name));
	xmlw_raw(x, esc.data ? (const char *)esc.data : "", esc.len);
	check(x, xmlTextWriterEndAttribute(x->w));
	galley_buf_free(&esc);
}

void xmlw_attr(xmlw *x, const char *name, const char *value) { xmlw_attr_len(x, name, value, (size_t)-1); }

void xmlw_attrf(xmlw *x, const char *name, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	xmlw_attr(x, name, tmp);
}

/* ASCII bytes text needs to look at: controls but tab and newline, markup characters. */
static const bool ascii_care[128] = {
    [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
    [0x07] = 1, [0x08] = 1, [0x0B] = 1, [0x0C] = 1, [0x0D] = 1, [0x0E] = 1, [0x0F] = 1,
    [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1,
    [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1A] = 1, [0x1B] = 1, [0x1C] = 1, [0x1D] = 1,
    [0x1E] = 1, [0x1F] = 1, ['&'] = 1,  ['<'] = 1,  ['>'] = 1,
};

/* True for a byte that is not plain ASCII text. */
static bool needs_care(unsigned char c) { return c >= 0x80 || ascii_care[c]; }

/* Escapes and filters `len` bytes from `p` into `o` (room for five bytes each); returns the end. */
static unsigned char *escape_text(xmlw *x, unsigned char *o, const unsigned char *p, const unsigned char *end)
{
	while (p < end) {
		const char *esc;
		size_t ok, bad;
		if (!needs_care(*p)) {
			*o++ = *p++;
		} else if ((esc = escape_of(*p, false)) != NULL) {
			size_t n = strlen(esc);
			memcpy(o, esc, n);
			o += n;
			p++;
		} else if ((bad = forbidden_at(p, end, &ok)) != 0) {
			x->dropped++;
			p += bad;
		} else {
			memcpy(o, p, ok);
			o += ok;
			p += ok;
		}
	}
	return o;
}

/*
 * Escapes and filters text in one pass and hands it to the writer as raw
 * bytes. xmlTextWriterWriteString would copy every string once more, and it
 * leaves text outside any element unescaped, which fragments rendered on
 * their own (then parsed again) cannot afford.
 */
void xmlw_text(xmlw *x, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t ok;
	/* plain ASCII and valid UTF-8 go out as they are */
	while (p < end) {
		if (!needs_care(*p))
			p++;
		else if (*p >= 0x80 && !forbidden_at(p, end, &ok))
			p += ok;
		else
			break;
	}
	if (p == end) {
		xmlw_raw(x, s, len);
		return;
	}
	x->escaped.len = 0;
	if (len > ((size_t)-1 - 16) / 5 || galley_buf_grow(&x->escaped, len * 5) != 0) {
		x->failed = 1;
		return;
	}
	size_t head = (size_t)(p - (const unsigned char *)s);
	memcpy(x->escaped.data, s, head);
	unsigned char *o = escape_text(x, x->escaped.data + head, p, end);
	x->escaped.len = (size_t)(o - x->escaped.data);
	xmlw_raw(x, (const char *)x->escaped.data, x->escaped.len);
}

void xmlw_str(xmlw *x, const char *s) { xmlw_text(x, s, strlen(s)); }

void xmlw_elem(xmlw *x, const char *name, const char *text)
{
	xmlw_start(x, name);
	xmlw_str(x, text);
	xmlw_end(x);
}

void xmlw_literal(xmlw *x, const galley_node *node)
{
	size_t len;
	const char *s = galley_node_literal(node, &len);
	xmlw_text(x, s, len);
}

void xmlw_raw(xmlw *x, const char *s, size_t len)
{
	if (len)
		check(x, xmlTextWriterWriteRawLen(x->w, BAD_CAST s, (int)len));
}
