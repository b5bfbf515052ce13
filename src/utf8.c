/* utf8.c - validation and repair of UTF-8. */
#include <string.h>
#include <unistr.h>

#include "internal.h"

/* The length of the ASCII run at the start of `p`, eight bytes at a time. */
static size_t ascii_prefix(const uint8_t *p, size_t len)
{
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t word;
		memcpy(&word, p + i, 8);
		if (word & UINT64_C(0x8080808080808080))
			break;
	}
	while (i < len && p[i] < 0x80)
		i++;
	return i;
}

size_t galley_utf8_check(const char *data, size_t len)
{
	const uint8_t *p = (const uint8_t *)data;
	size_t i = 0;
	/* most input is mostly ASCII: skip it in words, check the rest by character */
	while ((i += ascii_prefix(p + i, len - i)) < len) {
		ucs4_t uc;
		int n = u8_mbtoucr(&uc, p + i, len - i);
		if (n <= 0)
			return i;
		i += (size_t)n;
	}
	return (size_t)-1;
}

int galley_utf8_repair(galley_buf *out, const char *data, size_t len)
{
	const uint8_t *p = (const uint8_t *)data, *end = p + len;
	while (p < end) {
		const uint8_t *bad = u8_check(p, (size_t)(end - p));
		if (!bad)
			break;
		galley_buf_put(out, p, (size_t)(bad - p));
		galley_buf_put(out, "\xEF\xBF\xBD", 3);
		int n = u8_mblen(bad, (size_t)(end - bad));
		p = bad + (n > 0 ? n : 1);
	}
	return galley_buf_put(out, p, (size_t)(end - p));
}
