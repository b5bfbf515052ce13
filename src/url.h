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

#endif
