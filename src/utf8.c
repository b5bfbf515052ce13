/* utf8.c - validation and repair of UTF-8. */
#include <unistr.h>

#include "internal.h"

size_t galley_utf8_check(const char *data, size_t len)
{
	const uint8_t *bad = u8_check((const uint8_t *)data, len);
	return bad ? (size_t)(bad - (const uint8_t *)data) : (size_t)-1;
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
