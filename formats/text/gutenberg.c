/*
 * gutenberg.c - Project Gutenberg's header and licence.
 *
 * An e-text from Project Gutenberg opens with a header ("Title:",
 * "Author:", "Release date:", "Language:") and a "*** START OF ..." line,
 * and ends with "*** END OF ..." and the licence. The header fills the
 * metadata; the text outside the markers is left out of the body unless the
 * `keep-boilerplate` parameter is given.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

static bool starts_with_ci(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && strncasecmp(s, prefix, k) == 0;
}

static bool contains_ci(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, needle, k) == 0)
			return true;
	return false;
}

/* "*** START OF THE PROJECT GUTENBERG EBOOK ..." (and END), with or without the blank after the stars. */
static bool is_marker(const tx_line *l, const char *word)
{
	const char *s = l->s;
	size_t n = l->len;
	if (l->blank || !starts_with_ci(s, n, "***"))
		return false;
	while (n > 0 && (*s == '*' || *s == ' '))
		s++, n--;
	return starts_with_ci(s, n, word) && contains_ci(s, n, "PROJECT GUTENBERG");
}

static const char *language_code(const char *name, size_t n)
{
	static const char *const table[][2] = {
	    {"English", "en"}, {"French", "fr"},     {"German", "de"},   {"Spanish", "es"},
	    {"Italian", "it"}, {"Portuguese", "pt"}, {"Dutch", "nl"},    {"Latin", "la"},
	    {"Finnish", "fi"}, {"Swedish", "sv"},    {"Danish", "da"},   {"Norwegian", "no"},
	    {"Russian", "ru"}, {"Chinese", "zh"},    {"Japanese", "ja"}, {"Greek", "el"},
	    {"Polish", "pl"},  {"Hungarian", "hu"},  {"Czech", "cs"},    {"Esperanto", "eo"},
	    {"Catalan", "ca"}, {"Welsh", "cy"},      {"Irish", "ga"},    {"Icelandic", "is"},
	    {"Tagalog", "tl"},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strlen(table[i][0]) == n && strncasecmp(name, table[i][0], n) == 0)
			return table[i][1];
	return NULL;
}

/* "June 25, 2008" or "25 June 2008" into 2008-06-25; a bare year stays a year. */
static bool iso_date(const char *s, size_t n, char out[static 48])
{
	static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
	                                     "jul", "aug", "sep", "oct", "nov", "dec"};
	char buf[64];
	int day = 0, year = 0, month = 0;
	char word[16] = "";
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (sscanf(buf, "%15[A-Za-z] %d, %d", word, &day, &year) != 3 &&
	    sscanf(buf, "%d %15[A-Za-z] %d", &day, word, &year) != 3) {
		if (n == 4 && sscanf(buf, "%d", &year) == 1 && year > 999) {
			snprintf(out, 48, "%04d", year);
			return true;
		}
		return false;
	}
	for (int m = 0; m < 12; m++)
		if (strncasecmp(word, months[m], 3) == 0)
			month = m + 1;
	if (!month || day < 1 || day > 31 || year < 1000 || year > 9999)
		return false;
	snprintf(out, 48, "%04d-%02d-%02d", year, month, day);
	return true;
}

typedef struct field {
	const char *key;
	int meta; /* galley_meta_field, or -1 for the author, -2 for extras */
} field;

static const field fields[] = {
    {"Title", GALLEY_META_TITLE},
    {"Author", -1},
    {"Language", GALLEY_META_LANG},
    {"Release date", GALLEY_META_DATE},
    {"Release Date", GALLEY_META_DATE},
    {"Translator", -2},
    {"Editor", -2},
    {"Illustrator", -2},
};

static int set_field(tx_ctx *ctx, const field *f, const char *v, size_t n, unsigned line)
{
	char date[48];
	const char *bracket = memchr(v, '[', n);
	if (f->meta == GALLEY_META_DATE && bracket) /* "June 25, 2008 [eBook #11]" */
		n = (size_t)(bracket - v);
	while (n > 0 && v[n - 1] == ' ')
		n--;
	if (n == 0)
		return 0;
	tx_note(ctx, line, "metadata %s, because the Project Gutenberg header has '%s:'",
	        f->meta >= 0    ? galley_meta_field_name((galley_meta_field)f->meta)
	        : f->meta == -1 ? "author"
	                        : f->key,
	        f->key);
	if (f->meta == -1)
		return galley_doc_add_author(ctx->doc, v, n);
	if (f->meta == -2) {
		char *key = galley_doc_strdup(ctx->doc, f->key, strlen(f->key));
		char *value = galley_doc_strdup(ctx->doc, v, n);
		if (!key || !value)
			return GALLEY_ENOMEM;
		key[0] = (char)tolower((unsigned char)key[0]);
		return galley_doc_set_extra(ctx->doc, key, value);
	}
	if (f->meta == GALLEY_META_LANG) {
		const char *code = language_code(v, n);
		if (code)
			return galley_doc_set_meta(ctx->doc, GALLEY_META_LANG, code, (size_t)-1);
		return n <= 3 ? galley_doc_set_meta(ctx->doc, GALLEY_META_LANG, v, n) : 0;
	}
	if (f->meta == GALLEY_META_DATE)
		return iso_date(v, n, date)
		           ? galley_doc_set_meta(ctx->doc, GALLEY_META_DATE, date, (size_t)-1)
		           : 0;
	return galley_doc_set_meta(ctx->doc, (galley_meta_field)f->meta, v, n);
}

static bool is_continuation(const tx_ctx *ctx, size_t i, size_t stop)
{
	return i < stop && !ctx->lines[i].blank && ctx->lines[i].indent > 0 &&
	       !memchr(ctx->lines[i].s, ':', ctx->lines[i].len);
}

/* A value may go on over indented lines ("Title: A Long\n       Title"). */
static size_t field_value(tx_ctx *ctx, size_t i, size_t stop, size_t col, galley_buf *v)
{
	galley_buf_put(v, ctx->lines[i].s + col, ctx->lines[i].len - col);
	while (is_continuation(ctx, i + 1, stop)) {
		i++;
		galley_buf_putc(v, ' ');
		galley_buf_put(v, ctx->lines[i].s, ctx->lines[i].len);
	}
	return i;
}

/*
 * "Title: A Christmas Carol\n       A Ghost Story of Christmas": the indented
 * line is the subtitle, unless the first line was cut short (it ends in a
 * comma or a word that cannot end a title: "of", "and", "the"...), or the
 * next line goes on in lower case ("Gulliver's Travels\n into several remote
 * nations").
 */
static bool title_goes_on(const tx_line *first, const tx_line *next)
{
	static const char *const joiners[] = {"of",   "and",  "the", "a",  "an", "to", "in", "for",
	                                      "with", "from", "on",  "by", "or", "&",  NULL};
	const char *s = first->s;
	size_t n = first->len, w = n;
	if (n == 0 || s[n - 1] == ',' || s[n - 1] == '-' || s[n - 1] == ';')
		return true;
	if (next->s[0] >= 'a' && next->s[0] <= 'z' && strncmp(next->s, "or,", 3) &&
	    strncmp(next->s, "an ", 3))
		return true;
	while (w > 0 && s[w - 1] != ' ')
		w--;
	for (size_t k = 0; joiners[k]; k++)
		if (strlen(joiners[k]) == n - w && strncasecmp(s + w, joiners[k], n - w) == 0)
			return true;
	return false;
}

/* The title: its first line; indented lines after it are the subtitle or, when it was cut short, more of it.
 */
static size_t title_value(tx_ctx *ctx, size_t i, size_t stop, size_t col, galley_buf *v, galley_buf *sub)
{
	galley_buf_put(v, ctx->lines[i].s + col, ctx->lines[i].len - col);
	while (is_continuation(ctx, i + 1, stop) && sub->len == 0 &&
	       title_goes_on(&ctx->lines[i], &ctx->lines[i + 1])) {
		i++;
		galley_buf_putc(v, ' ');
		galley_buf_put(v, ctx->lines[i].s, ctx->lines[i].len);
	}
	while (is_continuation(ctx, i + 1, stop)) {
		i++;
		if (sub->len)
			galley_buf_putc(sub, ' ');
		galley_buf_put(sub, ctx->lines[i].s, ctx->lines[i].len);
	}
	return i;
}

static int read_header(tx_ctx *ctx, size_t stop)
{
	galley_buf v = GALLEY_BUF_INIT, sub = GALLEY_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < stop && rc == 0; i++) {
		const tx_line *l = &ctx->lines[i];
		for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
			size_t kl = strlen(fields[k].key);
			if (l->len > kl + 1 && !strncmp(l->s, fields[k].key, kl) && l->s[kl] == ':') {
				size_t col = kl + 1;
				while (col < l->len && l->s[col] == ' ')
					col++;
				bool title = fields[k].meta == GALLEY_META_TITLE;
				v.len = sub.len = 0;
				i = title ? title_value(ctx, i, stop, col, &v, &sub)
				          : field_value(ctx, i, stop, col, &v);
				if (v.failed || sub.failed)
					rc = GALLEY_ENOMEM;
				else if (title && galley_doc_meta(ctx->doc, GALLEY_META_TITLE))
					break; /* the first Title: wins */
				else
					rc = set_field(ctx, &fields[k], (const char *)v.data, v.len, l->no);
				if (rc == 0 && title && sub.len) {
					tx_note(
					    ctx, l->no + 1,
					    "metadata subtitle, because an indented line follows the title");
					rc = galley_doc_set_meta(ctx->doc, GALLEY_META_SUBTITLE,
					                         (const char *)sub.data, sub.len);
				}
				break;
			}
		}
	}
	galley_buf_free(&v);
	galley_buf_free(&sub);
	return rc;
}

/* Older e-texts name the book only in their first line: "The Project Gutenberg EBook of TITLE, by AUTHOR". */
static int read_first_line(tx_ctx *ctx, size_t stop)
{
	static const char *const openings[] = {"The Project Gutenberg eBook of ",
	                                       "The Project Gutenberg Etext of ", "Project Gutenberg's ",
	                                       NULL};
	for (size_t i = 0; i < stop; i++) {
		const tx_line *l = &ctx->lines[i];
		if (l->blank)
			continue;
		for (size_t k = 0; openings[k]; k++) {
			size_t n = strlen(openings[k]);
			if (!starts_with_ci(l->s, l->len, openings[k]) || l->len <= n)
				continue;
			const char *t = l->s + n;
			size_t tl = l->len - n, by = tl;
			for (size_t j = 0; j + 5 <= tl; j++)
				if (!memcmp(t + j, ", by ", 5)) {
					by = j;
					break;
				}
			tx_note(ctx, l->no,
			        "metadata title%s, because the first line names the Project Gutenberg eBook",
			        by < tl ? " and author" : "");
			if (galley_doc_set_meta(ctx->doc, GALLEY_META_TITLE, t, by) != 0 ||
			    (by < tl && galley_doc_author_count(ctx->doc) == 0 &&
			     galley_doc_add_author(ctx->doc, t + by + 5, tl - by - 5) != 0))
				return GALLEY_ENOMEM;
			return 0;
		}
		return 0; /* only the first line counts */
	}
	return 0;
}

/* A marker wrapped over lines ("*** START OF THIS PROJECT GUTENBERG EBOOK\nTHE STRANGE CASE ... ***"): its
 * last line. */
static size_t marker_end(const tx_ctx *ctx, size_t i)
{
	for (size_t k = i; k < ctx->nlines && k < i + 3 && !ctx->lines[k].blank; k++) {
		const tx_line *l = &ctx->lines[k];
		if (l->len >= 3 && !memcmp(l->s + l->len - 3, "***", 3) && (k > i || l->len > 3))
			return k;
	}
	return i;
}

/*
 * "Produced by David Widger" and the like, in the paragraph right after the
 * start marker: who made the e-text, part of the header, not of the book.
 */
static void skip_credits(tx_ctx *ctx, size_t start)
{
	static const char *const credits[] = {"Produced by",
	                                      "E-text prepared by",
	                                      "Etext prepared by",
	                                      "This etext was",
	                                      "This eBook was",
	                                      "Transcribed by",
	                                      NULL};
	size_t k = start + 1;
	while (k < ctx->nlines && ctx->lines[k].blank)
		k++;
	if (k >= ctx->nlines)
		return;
	for (size_t c = 0; credits[c]; c++) {
		if (!starts_with_ci(ctx->lines[k].s, ctx->lines[k].len, credits[c]))
			continue;
		size_t first = k;
		for (; k < ctx->nlines && !ctx->lines[k].blank && k < first + 8; k++)
			ctx->lines[k].skip = 1;
		tx_note(ctx, ctx->lines[first].no,
		        "left out, because it names who produced the Project Gutenberg e-text");
		return;
	}
}

int tx_gutenberg(tx_ctx *ctx)
{
	size_t start = (size_t)-1, end = (size_t)-1;
	bool keep = galley_options_param(ctx->opts, "keep-boilerplate") != NULL;
	for (size_t i = 0; i < ctx->nlines; i++) {
		if (start == (size_t)-1 && is_marker(&ctx->lines[i], "START OF"))
			start = i;
		else if (start != (size_t)-1 && is_marker(&ctx->lines[i], "END OF")) {
			end = i;
			break;
		}
	}
	if (start == (size_t)-1)
		return 0;
	start = marker_end(ctx, start);
	int rc = read_header(ctx, start);
	if (rc == 0 && !galley_doc_meta(ctx->doc, GALLEY_META_TITLE))
		rc = read_first_line(ctx, start);
	if (rc)
		return galley_error_set(ctx->err, rc, NULL, 0, 0, "out of memory");
	if (keep) {
		tx_note(
		    ctx, ctx->lines[start].no,
		    "Project Gutenberg header and licence kept in the body, because --keep-boilerplate asks for it");
		return 0;
	}
	for (size_t i = 0; i <= start; i++)
		ctx->lines[i].skip = 1;
	skip_credits(ctx, start);
	tx_note(ctx, ctx->lines[start].no,
	        "lines 1-%u left out, because they are the Project Gutenberg header", ctx->lines[start].no);
	if (end != (size_t)-1) {
		for (size_t i = end; i < ctx->nlines; i++)
			ctx->lines[i].skip = 1;
		tx_note(
		    ctx, ctx->lines[end].no,
		    "lines %u-%u left out, because they are the Project Gutenberg licence after '*** END OF'",
		    ctx->lines[end].no, ctx->lines[ctx->nlines - 1].no);
	}
	return 0;
}
