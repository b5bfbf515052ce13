/* buf.c - the owning growable byte buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int galley_buf_grow(galley_buf *b, size_t extra)
{
	if (b->failed)
		return GALLEY_ENOMEM;
	if (b->sink && b->len >= GALLEY_BUF_SPILL) {
		if (b->sink(b->sink_ctx, b->data, b->len) != 0) {
			b->failed = 1;
			return GALLEY_EOUTPUT;
		}
		b->len = 0;
	}
	if (extra >= (size_t)-1 / 2 - b->len) {
		b->failed = 1;
		return GALLEY_ENOMEM;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	unsigned char *data = realloc(b->data, cap);
	if (!data) {
		b->failed = 1;
		return GALLEY_ENOMEM;
	}
	b->data = data;
	b->cap = cap;
	return 0;
}

int galley_buf_put(galley_buf *b, const void *data, size_t len)
{
	if (galley_buf_grow(b, len) != 0)
		return GALLEY_ENOMEM;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int galley_buf_puts(galley_buf *b, const char *str) { return galley_buf_put(b, str, strlen(str)); }

int galley_buf_putc(galley_buf *b, int c)
{
	if (b->len + 1 < b->cap) {
		b->data[b->len++] = (unsigned char)c;
		b->data[b->len] = '\0';
		return 0;
	}
	unsigned char ch = (unsigned char)c;
	return galley_buf_put(b, &ch, 1);
}

int galley_buf_printf(galley_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || galley_buf_grow(b, (size_t)n) != 0)
		return GALLEY_ENOMEM;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

unsigned char *galley_buf_detach(galley_buf *b, size_t *len)
{
	unsigned char *data = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return data;
}

void galley_buf_free(galley_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}
