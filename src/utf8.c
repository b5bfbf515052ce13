/* utf8.c - validation of reader input. */
#include <unistr.h>

#include "internal.h"

size_t galley_utf8_check(const char *data, size_t len)
{
	const uint8_t *bad = u8_check((const uint8_t *)data, len);
	return bad ? (size_t)(bad - (const uint8_t *)data) : (size_t)-1;
}
