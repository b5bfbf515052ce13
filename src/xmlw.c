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

void xmlw_attr_len(xmlw *x, const char *name, const char *value, size_t len)
{
	check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST xmlw_clean(x, value, len)));
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

/*
 * Escapes and filters text in one pass and hands it to the writer as raw
 * bytes. xmlTextWriterWriteString would copy every string once more, and it
 * leaves text outside any element unescaped, which fragments rendered on
 * their own (then parsed again) cannot afford.
 */
void xmlw_text(xmlw *x, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *run = p;
	bool copied = false;
	size_t ok;
	if (len == 0)
		return;
	x->escaped.len = 0;
	while (p < end) {
		unsigned char c = *p;
		const char *esc = NULL;
		size_t skip = 0;
		if (c >= 0x20 && c < 0x80) {
			esc = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : NULL;
			skip = esc ? 1 : 0;
			ok = 1;
		} else if ((skip = forbidden_at(p, end, &ok)) != 0) {
			x->dropped++;
		} else if (c == '\r') {
			esc = "&#13;";
			skip = 1;
		}
		if (!skip) {
			p += ok;
			continue;
		}
		galley_buf_put(&x->escaped, run, (size_t)(p - run));
		if (esc)
			galley_buf_puts(&x->escaped, esc);
		p += skip;
		run = p;
		copied = true;
	}
	if (!copied) {
		xmlw_raw(x, s, len);
		return;
	}
	galley_buf_put(&x->escaped, run, (size_t)(end - run));
	if (x->escaped.failed)
		x->failed = 1;
	else
		xmlw_raw(x, (const char *)x->escaped.data, x->escaped.len);
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
