/*
 * smart.c - smart punctuation for plain text, as the Markdown reader has it:
 * straight quotes become curly ones, "--" and "---" dashes, "..." an
 * ellipsis. --no-smart keeps them as written.
 *
 * Quotes are decided over a whole block first (tx_quote_marks), since a
 * closing quote needs the opening one before it; the text is then converted
 * a piece at a time (tx_smarten), so that the model's text nodes keep the
 * source positions of the straight text.
 *
 * Plain-text conventions differ from Markdown's in one place: e-texts write
 * an em dash as "--" (Project Gutenberg's rule), so "--" is an em dash, and
 * an en dash only between digits ("1914--1918"); "---" is an em dash too.
 */
#include <string.h>
#include <strings.h>

#include <unictype.h>

#include "text.h"

enum { MARK_NONE = 0, MARK_OPEN, MARK_CLOSE };
enum { MAX_OPEN_SINGLE = 16 };

/* The character before byte `i` (a blank at the start). */
static uint32_t char_before(const char *s, size_t i)
{
	if (i == 0)
		return ' ';
	size_t k = i - 1;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	uint32_t c;
	tx_char(s + k, i - k, &c);
	return c;
}

static uint32_t char_after(const char *s, size_t i, size_t n)
{
	if (i + 1 >= n)
		return ' ';
	uint32_t c;
	tx_char(s + i + 1, n - i - 1, &c);
	return c;
}

static bool is_blank(uint32_t c) { return c == ' ' || c == '\n' || c == '\t' || c == 0xA0; }

static bool is_dash(uint32_t c) { return c == '-' || c == 0x2013 || c == 0x2014; }

/* Where a quotation may open: after a blank, an opening bracket or a dash. */
static bool opens_after(uint32_t c) { return is_blank(c) || c == '(' || c == '[' || c == '{' || is_dash(c); }

static bool is_word(uint32_t c) { return uc_is_alpha(c) || (c >= '0' && c <= '9'); }

/* 'tis, 'twas, 'em, '90s: an apostrophe where a quotation could open. */
static bool elision_at(const char *s, size_t i, size_t n)
{
	static const char *const words[] = {"tis ", "twas ", "twere ", "twill ", "em ",  "em,",
	                                    "em.",  "n ",    "n'",     "cause ", "til ", NULL};
	if (i + 2 < n && s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9')
		return true;
	for (size_t k = 0; words[k]; k++) {
		size_t len = strlen(words[k]);
		if (i + 1 + len <= n && !strncasecmp(s + i + 1, words[k], len))
			return true;
	}
	return false;
}

static void mark_double(uint8_t *marks, size_t i, uint32_t prev, uint32_t next, bool *open)
{
	bool opening = opens_after(prev) && !is_blank(next);
	if (!opening && (!is_blank(prev) || *open))
		marks[i] = MARK_CLOSE;
	else
		marks[i] = MARK_OPEN;
	*open = marks[i] == MARK_OPEN;
}

void tx_quote_marks(const char *s, size_t n, uint8_t *marks)
{
	size_t open_single[MAX_OPEN_SINGLE];
	size_t depth = 0;
	bool open_double = false;
	memset(marks, MARK_NONE, n);
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '"' && s[i] != '\'')
			continue;
		uint32_t prev = char_before(s, i), next = char_after(s, i, n);
		if (s[i] == '"') {
			mark_double(marks, i, prev, next, &open_double);
			continue;
		}
		marks[i] = MARK_CLOSE; /* an apostrophe unless it proves to open a quotation */
		if (is_word(prev) && is_word(next))
			continue; /* don't, O'Brien */
		if (opens_after(prev) && !is_blank(next)) {
			if (!elision_at(s, i, n) && depth < MAX_OPEN_SINGLE)
				open_single[depth++] = i;
		} else if (!is_blank(prev) && depth > 0) {
			marks[open_single[--depth]] = MARK_OPEN;
		}
	}
}

static void put_dashes(galley_buf *out, const char *s, size_t at, size_t run, size_t n)
{
	if (run == 2) {
		bool digits = at > 0 && s[at - 1] >= '0' && s[at - 1] <= '9' && at + 2 < n &&
		              s[at + 2] >= '0' && s[at + 2] <= '9';
		galley_buf_puts(out, digits ? "\xE2\x80\x93" : "\xE2\x80\x94");
	} else if (run == 3) {
		galley_buf_puts(out, "\xE2\x80\x94");
	} else {
		galley_buf_put(out, s + at,
		               run); /* a longer run is a rule or a blank to fill, left as written */
	}
}

void tx_smarten(const char *s, size_t n, size_t from, size_t to, const uint8_t *marks, galley_buf *out)
{
	size_t i = from;
	while (i < to) {
		char ch = s[i];
		if ((ch == '"' || ch == '\'') && marks && marks[i]) {
			bool open = marks[i] == MARK_OPEN;
			galley_buf_puts(out, ch == '"' ? (open ? "\xE2\x80\x9C" : "\xE2\x80\x9D")
			                               : (open ? "\xE2\x80\x98" : "\xE2\x80\x99"));
			i++;
		} else if (ch == '-' && i + 1 < to && s[i + 1] == '-') {
			size_t run = 0;
			while (i + run < to && s[i + run] == '-')
				run++;
			put_dashes(out, s, i, run, n);
			i += run;
		} else if (ch == '.' && i + 2 < to && s[i + 1] == '.' && s[i + 2] == '.') {
			galley_buf_puts(out, "\xE2\x80\xA6");
			i += 3;
		} else {
			galley_buf_putc(out, (unsigned char)ch);
			i++;
		}
	}
}
