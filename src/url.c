/* url.c - URL escaping, and the schemes that run code. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "url.h"

static bool href_safe(unsigned char c)
{
	if (isalnum(c))
		return true;
	return c && strchr("-_.+!*'(),%#@?=;:/&$~", c) != NULL;
}

int galley_url_escape(galley_buf *out, const char *url)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (href_safe(*p)) {
			galley_buf_putc(out, *p);
		} else {
			char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			galley_buf_put(out, esc, 3);
		}
	}
	return galley_buf_put(out, "", 0);
}

bool galley_url_is_active(const char *url)
{
	char scheme[16];
	size_t n = 0;
	/* browsers ignore white space and controls inside a scheme */
	for (const unsigned char *p = (const unsigned char *)url; *p && *p != ':' && n < sizeof(scheme) - 1; p++)
		if (*p > ' ')
			scheme[n++] = (char)tolower(*p);
	scheme[n] = '\0';
	if (!strchr(url, ':'))
		return false;
	if (!strcmp(scheme, "javascript") || !strcmp(scheme, "vbscript") || !strcmp(scheme, "livescript"))
		return true;
	if (!strcmp(scheme, "data")) {
		const char *colon = strchr(url, ':');
		return strncasecmp(colon + 1, "image/", 6) != 0 || strncasecmp(colon + 1, "image/svg", 9) == 0;
	}
	return false;
}
