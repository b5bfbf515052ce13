/*
 * stamp.c - the one time a document's outputs carry (EPUB's
 * dcterms:modified and zip times, PDF's CreationDate and ModDate), so that
 * the same input gives the same bytes: SOURCE_DATE_EPOCH when set, else the
 * document's date (YYYY[-MM[-DD]], midnight UTC), else
 * 1980-01-01T00:00:00Z, the earliest time a zip holds. Never the clock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "internal.h"

#define DEFAULT_STAMP ((time_t)315532800) /* 1980-01-01T00:00:00Z */

static bool parse_date_stamp(const char *date, time_t *out)
{
	struct tm tm = {0};
	int y = 0, m = 1, d = 1, n = 0;
	if (!date || sscanf(date, "%4d%n-%2d%n-%2d%n", &y, &n, &m, &n, &d, &n) < 1 || n < 4)
		return false;
	if (y < 1980 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	*out = timegm(&tm);
	return *out != (time_t)-1;
}

time_t galley_doc_stamp(const galley_doc *doc, const galley_options *opts)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t;
	if (sde && *sde) {
		char *end;
		errno = 0;
		long long v = strtoll(sde, &end, 10);
		if (!errno && !*end && v >= 0 && v <= (long long)253402300799) /* up to 9999-12-31 */
			return (time_t)v;
		galley_report(opts, GALLEY_WARNING, 0, 0,
		              "SOURCE_DATE_EPOCH '%s' is not a number of seconds; ignored", sde);
	}
	if (parse_date_stamp(galley_doc_meta(doc, GALLEY_META_DATE), &t))
		return t;
	return DEFAULT_STAMP;
}
