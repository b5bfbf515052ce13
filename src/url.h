/* url.h - URL helpers shared by the writers: escaping, and schemes that run code. */
#ifndef GALLEY_URL_H
#define GALLEY_URL_H

#include "internal.h"

/**
 * Appends `url` to `out` with the characters that may not stand in a URL
 * reference percent-encoded (spaces, quotes, brackets, backslashes, non-ASCII
 * bytes); '%' and the reserved characters are kept.
 */
int galley_url_escape(galley_buf *out, const char *url);

/** True when `url` uses a scheme that runs code (javascript:, vbscript:, data: except images). */
bool galley_url_is_active(const char *url);

/**
 * The tab stop for code (--tab-stop): the "tab-stop" parameter, or
 * `fallback` when it is not given; 0 keeps tabs. A value that is not a
 * number from 0 to 32 is a usage error, set in `err`.
 */
int galley_tab_stop(const galley_options *opts, int fallback, galley_error *err, int *stop);

/** Appends `len` bytes of `s` to `out` with tabs expanded to stops every `stop` characters (0: as they are).
 */
int galley_expand_tabs(galley_buf *out, const char *s, size_t len, int stop);

/**
 * Appends `s` to `out` with its %XX sequences decoded (the Markdown reader
 * percent-encodes non-ASCII in URLs), then a NUL. 0, or GALLEY_ENOMEM.
 */
int galley_url_decode(galley_buf *out, const char *s);

#endif
