/* xmlw.c - filtered, escaped XML output through libxml2. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlIO.h>

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
	if (x->failed || x->scratch.failed)
		rc = GALLEY_ENOMEM;
	galley_buf_free(&x->scratch);
	return rc;
}

/* The length of a forbidden character starting at s, or 0. */
static size_t forbidden_at(const unsigned char *s, const unsigned char *end)
{
	if (*s < 0x20)
		return (*s == '\t' || *s == '\n' || *s == '\r') ? 0 : 1;
	if (*s == 0xEF && end - s >= 3 && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF))
		return 3;
	return 0;
}

const char *xmlw_clean(xmlw *x, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	if (len == (size_t)-1)
		len = strlen(s);
	end = p + len;
	for (; p < end; p++)
		if ((*p < 0x20 || *p == 0xEF) && forbidden_at(p, end))
			break;
	if (p == end && s[len] == '\0')
		return s;
	x->scratch.len = 0;
	galley_buf_put(&x->scratch, s, (size_t)(p - (const unsigned char *)s));
	while (p < end) {
		size_t bad = forbidden_at(p, end);
		if (bad) {
			x->dropped++;
			p += bad;
			continue;
		}
		galley_buf_putc(&x->scratch, *p++);
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

/* What `c` becomes in an attribute value, or NULL when it stays as it is. */
static const char *attr_escape(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\n':
		return "&#10;";
	case '\r':
		return "&#13;";
	case '\t':
		return "&#9;";
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
	while (*p && !attr_escape((unsigned char)*p))
		p++;
	if (!*p) {
		check(x, xmlTextWriterStartAttribute(x->w, BAD_CAST name));
		xmlw_raw(x, clean, (size_t)(p - clean));
		check(x, xmlTextWriterEndAttribute(x->w));
		return;
	}
	for (; *p; p++) {
		const char *e = attr_escape((unsigned char)*p);
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

/* Bytes text cannot hold as they are: controls, markup characters, the lead byte of U+FFFE/U+FFFF. */
static const bool needs_care_table[256] = {
    [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1,
    [0x08] = 1, [0x0B] = 1, [0x0C] = 1, [0x0D] = 1, [0x0E] = 1, [0x0F] = 1, [0x10] = 1, [0x11] = 1,
    [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1,
    [0x1A] = 1, [0x1B] = 1, [0x1C] = 1, [0x1D] = 1, [0x1E] = 1, [0x1F] = 1, ['&'] = 1,  ['<'] = 1,
    ['>'] = 1,  [0xEF] = 1,
};

/* Appends what `c` becomes in text content at `o`; returns the new end. */
static unsigned char *put_escaped(unsigned char *o, unsigned char c)
{
	const char *esc;
	switch (c) {
	case '&':
		esc = "&amp;";
		break;
	case '<':
		esc = "&lt;";
		break;
	case '>':
		esc = "&gt;";
		break;
	case '\r':
		esc = "&#13;";
		break;
	default:
		*o++ = c;
		return o;
	}
	size_t n = strlen(esc);
	memcpy(o, esc, n);
	return o + n;
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
	unsigned char *o;
	while (p < end && !needs_care_table[*p])
		p++;
	if (p == end) {
		xmlw_raw(x, s, len);
		return;
	}
	/* an escape is at most five bytes for one */
	x->scratch.len = 0;
	if (len > ((size_t)-1 - 16) / 5 || galley_buf_grow(&x->scratch, len * 5) != 0) {
		x->failed = 1;
		return;
	}
	o = x->scratch.data;
	memcpy(o, s, (size_t)(p - (const unsigned char *)s));
	o += p - (const unsigned char *)s;
	while (p < end) {
		size_t bad;
		if (!needs_care_table[*p])
			*o++ = *p++;
		else if ((bad = forbidden_at(p, end)) != 0) {
			x->dropped++;
			p += bad;
		} else
			o = put_escaped(o, *p++);
	}
	x->scratch.len = (size_t)(o - x->scratch.data);
	xmlw_raw(x, (const char *)x->scratch.data, x->scratch.len);
}

void xmlw_str(xmlw *x, const char *s) { xmlw_text(x, s, strlen(s)); }

void xmlw_elem(xmlw *x, const char *name, const char *text)
{
	xmlw_start(x, name);
	xmlw_str(x, text);
	xmlw_end(x);
}

void xmlw_raw(xmlw *x, const char *s, size_t len)
{
	if (len)
		check(x, xmlTextWriterWriteRawLen(x->w, BAD_CAST s, (int)len));
}
