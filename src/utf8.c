/* utf8.c - validation of reader input. */
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
