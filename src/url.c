/* url.c - URL escaping, and the schemes that run code. */
#include <ctype.h>
#include <stdlib.h>
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
	for (const unsigned char *p = (const unsigned char *)url; *p && *p != ':' && n < sizeof(scheme) - 1;
	     p++)
		if (*p > ' ')
			scheme[n++] = (char)tolower(*p);
	scheme[n] = '\0';
	if (!strchr(url, ':'))
		return false;
	if (!strcmp(scheme, "javascript") || !strcmp(scheme, "vbscript") || !strcmp(scheme, "livescript"))
		return true;
	if (!strcmp(scheme, "data")) {
		const char *colon = strchr(url, ':');
		return strncasecmp(colon + 1, "image/", 6) != 0 ||
		       strncasecmp(colon + 1, "image/svg", 9) == 0;
	}
	return false;
}

int galley_tab_stop(const galley_options *opts, int fallback, galley_error *err, int *stop)
{
	const char *v = opts ? galley_options_param(opts, "tab-stop") : NULL;
	char *end;
	long n;
	*stop = fallback;
	if (!v)
		return 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || n < 0 || n > 32)
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
		                        "--tab-stop takes a number from 0 to 32, not '%s'", v);
	*stop = (int)n;
	return 0;
}

int galley_expand_tabs(galley_buf *out, const char *s, size_t len, int stop)
{
	static const char spaces[] = "                                ";
	size_t col = 0, run = 0;
	for (size_t i = 0; stop > 0 && i < len; i++) {
		if (s[i] == '\n') {
			col = 0;
		} else if (s[i] != '\t') {
			col += ((unsigned char)s[i] & 0xC0) != 0x80; /* characters, not bytes */
		} else {
			size_t n = (size_t)stop - col % (size_t)stop;
			galley_buf_put(out, s + run, i - run);
			galley_buf_put(out, spaces, n);
			col += n;
			run = i + 1;
		}
	}
	galley_buf_put(out, s + run, len - run);
	return out->failed ? GALLEY_ENOMEM : 0;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int galley_url_decode(galley_buf *out, const char *s)
{
	for (; *s; s++) {
		int hi, lo;
		if (*s == '%' && (hi = hex_digit(s[1])) >= 0 && (lo = hex_digit(s[2])) >= 0) {
			galley_buf_putc(out, (char)(hi * 16 + lo));
			s += 2;
		} else {
			galley_buf_putc(out, *s);
		}
	}
	galley_buf_put(out, "", 0);
	return out->failed ? GALLEY_ENOMEM : 0;
}
