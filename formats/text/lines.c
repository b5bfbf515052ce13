/*
 * lines.c - the second stage: lines with the features a reader's eye uses
 * (indentation, length, case, list markers, rules, column gaps), and the
 * document's statistics (the width it is wrapped at, its usual indentation,
 * how blank lines are used), from which the paragraph mode is chosen.
 */
#include <stdlib.h>
#include <string.h>

#include <unictype.h>

#include "text.h"

size_t tx_char(const char *s, size_t n, uint32_t *c)
{
	const unsigned char *p = (const unsigned char *)s;
	if (p[0] < 0x80 || n < 2) {
		*c = p[0];
		return 1;
	}
	if ((p[0] & 0xE0) == 0xC0) {
		*c = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
		return 2;
	}
	if ((p[0] & 0xF0) == 0xE0 && n >= 3) {
		*c = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
		return 3;
	}
	if (n >= 4) {
		*c = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
		     ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
		return 4;
	}
	*c = p[0];
	return 1;
}

bool tx_is_sentence_end(uint32_t c) { return c == '.' || c == '!' || c == '?' || c == 0x2026; }

static bool is_closing(uint32_t c)
{
	return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x201D || c == 0x2019 || c == 0xBB;
}

/* Bullet glyphs and their rank: a hollow bullet is a second level, a square a third. */
static int bullet_rank(uint32_t c)
{
	switch (c) {
	case '-':
	case '*':
	case '+':
	case 0x2022: /* • */
	case 0x00B7: /* · */
	case 0x2023: /* ‣ */
	case 0x2013: /* – */
	case 0x2043: /* ⁃ */
		return 0;
	case 0x25E6: /* ◦ */
	case 0x25CB: /* ○ */
		return 1;
	case 0x25AA: /* ▪ */
	case 0x25AB: /* ▫ */
	case 0x25A0: /* ■ */
		return 2;
	default:
		return -1;
	}
}

static int roman_value(const char *s, size_t n)
{
	static const char letters[] = "ivxlcdm";
	static const int values[] = {1, 5, 10, 50, 100, 500, 1000};
	int total = 0, prev = 0;
	for (size_t i = n; i-- > 0;) {
		const char *at = strchr(letters, s[i] | 0x20);
		if (!at || !s[i])
			return 0;
		int v = values[at - letters];
		total += v < prev ? -v : v;
		if (v > prev)
			prev = v;
	}
	return total;
}

/* "1.", "12)", "(3)", "a.", "B)", "iv.", "(ii)" followed by a blank and text. */
static void find_ordered_marker(tx_line *l)
{
	const char *s = l->s;
	size_t n = l->len, i = 0;
	bool paren = n > 0 && s[0] == '(';
	if (paren)
		i++;
	size_t start = i;
	while (i < n && i - start < 6 &&
	       ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		i++;
	size_t tok = i - start;
	if (tok == 0 || i + 1 >= n)
		return;
	char d = s[i];
	if (paren ? d != ')' : (d != '.' && d != ')'))
		return;
	if (s[i + 1] != ' ' && s[i + 1] != '\t')
		return;
	size_t after = i + 1;
	while (after < n && (s[after] == ' ' || s[after] == '\t'))
		after++;
	if (after >= n)
		return;
	const char *t = s + start;
	bool digits = true;
	for (size_t k = 0; k < tok; k++)
		digits = digits && t[k] >= '0' && t[k] <= '9';
	if (digits && tok <= 3) {
		l->style = '1';
		l->number = atoi(t);
	} else if (tok == 1 && ((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z'))) {
		l->style = (t[0] >= 'a') ? 'a' : 'A';
		l->number = (t[0] | 0x20) - 'a' + 1;
	} else if (roman_value(t, tok) > 0 && tok <= 5) {
		bool lower = t[0] >= 'a';
		for (size_t k = 0; k < tok; k++)
			if ((t[k] >= 'a') != lower)
				return;
		l->style = lower ? 'i' : 'I';
		l->number = roman_value(t, tok);
	} else {
		return;
	}
	l->marker = TX_MARK_ORDERED;
	l->delim = paren ? ')' : d;
	l->mlen = (uint8_t)after;
	l->mchars = (uint8_t)after;
}

static void find_marker(tx_line *l)
{
	uint32_t c;
	size_t k = tx_char(l->s, l->len, &c);
	int rank = bullet_rank(c);
	if (rank >= 0 && k < l->len && (l->s[k] == ' ' || l->s[k] == '\t')) {
		size_t after = k;
		while (after < l->len && (l->s[after] == ' ' || l->s[after] == '\t'))
			after++;
		if (after < l->len) {
			l->marker = TX_MARK_BULLET;
			l->style = (uint8_t)rank;
			l->mlen = (uint8_t)after;
			l->mchars = (uint8_t)(after - k + 1);
			return;
		}
	}
	find_ordered_marker(l);
}

/* A line of one repeated character (blanks between allowed): "=====", "* * *", "-----". */
static void find_rule(tx_line *l)
{
	static const char rule_chars[] = "=-*_~#+.";
	char r = l->s[0];
	uint32_t count = 0;
	bool spaced = false;
	if (!strchr(rule_chars, r) || !r)
		return;
	for (size_t i = 0; i < l->len; i++) {
		if (l->s[i] == r)
			count++;
		else if (l->s[i] == ' ' || l->s[i] == '\t')
			spaced = true;
		else
			return;
	}
	if (count >= 3) {
		l->rule = (uint8_t)r;
		l->rule_count = count;
		l->rule_spaced = spaced;
	}
}

static bool has_any(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, k) == 0)
			return true;
	return false;
}

/* Signs of program code: braces, operators, statement ends, prompts, comments. */
static bool looks_like_code(const tx_line *l)
{
	static const char *const marks[] = {"{",   "}",  "==", "!=", "->", "=>",       "::", "&&", "||",
	                                    "();", "</", "/>", "//", "/*", "#include", "[]", " = "};
	const char *s = l->s;
	size_t n = l->len, symbols = 0;
	char last = s[n - 1];
	if (last == ';' || last == '{' || last == '}')
		return true;
	if ((n >= 2 && (!memcmp(s, "$ ", 2) || !memcmp(s, "# ", 2) || !memcmp(s, "#!", 2))) ||
	    (n >= 4 && !memcmp(s, ">>> ", 4)))
		return true;
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (has_any(s, n, marks[i]))
			return true;
	/* a call: a name directly followed by '(' and closed on the line */
	for (size_t i = 1; i < n; i++)
		if (s[i] == '(' && ((s[i - 1] | 0x20) >= 'a' && (s[i - 1] | 0x20) <= 'z') &&
		    memchr(s + i, ')', n - i) && i + 1 < n && s[i + 1] != 's' && s[i + 1] != ')')
			return true;
	for (size_t i = 0; i < n; i++)
		if (strchr("{}[]<>=;/\\|&^%$#@~`*", s[i]) && s[i])
			symbols++;
	return symbols * 10 > n;
}

static void measure_content(tx_line *l)
{
	const char *s = l->s;
	size_t n = l->len, i = 0;
	bool in_word = false;
	uint32_t prev = 0, c = 0;
	l->first = 0;
	while (i < n) {
		size_t k = tx_char(s + i, n - i, &c);
		if (i == 0)
			l->first = c;
		l->chars++;
		if (c == ' ' || c == '\t') {
			if (in_word)
				l->words++;
			in_word = false;
			/* a run of two blanks inside the line, not after the end of a sentence */
			if (i + 1 < n && s[i + 1] == ' ' && prev != ' ' && !tx_is_sentence_end(prev) &&
			    prev != ':' && prev != ',' && prev != ';' && l->gaps < 255)
				l->gaps++;
		} else {
			in_word = true;
			if (uc_is_alpha(c)) {
				l->letters++;
				if (uc_is_upper(c))
					l->uppers++;
			}
			if (c == '|' && l->pipes < 255)
				l->pipes++;
		}
		prev = c;
		i += k;
	}
	if (in_word)
		l->words++;
	l->last = c;
	l->last_bare = c;
	/* the last character before closing quotes and brackets */
	for (size_t end = n; end > 0;) {
		size_t start = end - 1;
		while (start > 0 && ((unsigned char)s[start] & 0xC0) == 0x80)
			start--;
		uint32_t ch;
		tx_char(s + start, end - start, &ch);
		l->last_bare = ch;
		if (!is_closing(ch))
			break;
		end = start;
	}
}

static bool is_border(const tx_line *l)
{
	bool joint = false;
	uint32_t dashes = 0;
	for (size_t i = 0; i < l->len; i++) {
		char c = l->s[i];
		if (c == '+' || c == '|')
			joint = true;
		else if (c == '-' || c == '=')
			dashes++;
		else if (c != ' ' && c != ':')
			return false;
	}
	return joint && dashes >= 3;
}

static void measure_line(tx_line *l)
{
	const char *s = l->raw;
	size_t n = l->raw_len, i = 0;
	uint32_t col = 0;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\f' || s[n - 1] == '\v'))
		n--;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f' || s[i] == '\v')) {
		col = s[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
		i++;
	}
	l->indent = col;
	l->lead = (uint32_t)i;
	l->s = s + i;
	l->len = (uint32_t)(n - i);
	if (l->len == 0) {
		l->blank = 1;
		return;
	}
	measure_content(l);
	l->width = l->indent + l->chars;
	find_rule(l);
	if (!l->rule)
		find_marker(l);
	l->border = is_border(l);
	l->codey = looks_like_code(l);
}

int tx_split_lines(tx_ctx *ctx)
{
	size_t count = 1;
	for (size_t i = 0; i < ctx->text_len; i++)
		count += ctx->text[i] == '\n';
	if (count > UINT32_MAX - 2)
		return galley_error_set(ctx->err, GALLEY_EINPUT, ctx->opts, 0, 0, "too many lines");
	ctx->lines = calloc(count, sizeof(*ctx->lines));
	if (!ctx->lines)
		return galley_error_set(ctx->err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	const char *p = ctx->text, *end = ctx->text + ctx->text_len;
	size_t n = 0;
	while (p <= end && n < count) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		if (!nl && p == end && n > 0)
			break; /* a final '\n' opens no further line */
		tx_line *l = &ctx->lines[n];
		l->raw = p;
		l->raw_len = (uint32_t)(stop - p);
		l->no = (uint32_t)(n + 1);
		measure_line(l);
		n++;
		p = stop + 1;
	}
	ctx->nlines = n;
	return 0;
}

/* The k-th smallest of the histogram's values (0-based). */
static uint32_t hist_rank(const uint32_t *hist, size_t size, uint32_t k)
{
	uint32_t seen = 0;
	for (size_t w = 0; w < size; w++) {
		seen += hist[w];
		if (seen > k)
			return (uint32_t)w;
	}
	return (uint32_t)(size - 1);
}

/*
 * Hard-wrapped text has most of its lines within a few columns of one width
 * (the last lines of paragraphs fall short). That width is taken as the
 * 90th percentile of line widths; the text counts as wrapped when it is at
 * most 100 and at least 40% of the lines end within 12 columns of it.
 */
static void find_wrap(tx_ctx *ctx, const uint32_t *hist, size_t size, uint32_t total)
{
	uint32_t w = hist_rank(hist, size, total * 9 / 10), near = 0;
	for (size_t k = w >= 12 ? w - 12 : 0; k <= w + 4 && k < size; k++)
		near += hist[k];
	ctx->median_len = hist_rank(hist, size, total / 2);
	if (w >= 40 && w <= 100 && near * 10 >= total * 4 && total >= 4)
		ctx->wrap = w;
	if (ctx->wrap)
		ctx->ref_width = ctx->wrap;
	else if (w <= 100)
		ctx->ref_width = 72; /* short lines, not wrapped: centred against a classic terminal line */
}

static void choose_mode(tx_ctx *ctx)
{
	const char *asked = galley_options_param(ctx->opts, "paragraphs");
	if (asked && !strcmp(asked, "line")) {
		ctx->mode = TX_MODE_LINE;
		ctx->mode_asked = true;
		tx_note(ctx, 0, "paragraph mode 'line', because --paragraphs line asks for it");
		return;
	}
	if (asked && !strcmp(asked, "blank")) {
		ctx->mode = TX_MODE_BLANK;
		ctx->force_join = true;
		ctx->mode_asked = true;
		tx_note(ctx, 0, "paragraph mode 'blank', because --paragraphs blank asks for it");
		return;
	}
	if (ctx->wrap) {
		ctx->mode = TX_MODE_BLANK;
		ctx->split_short = ctx->blank_lines * 20 < ctx->text_lines;
		tx_note(
		    ctx, 0,
		    "paragraph mode 'blank' (wrapped lines joined), because the lines are hard-wrapped at %u "
		    "columns%s",
		    ctx->wrap,
		    ctx->split_short ? "; few lines are blank, so a short line ends a paragraph too" : "");
		return;
	}
	if (ctx->adjacent > ctx->blank_lines) {
		ctx->mode = TX_MODE_LINE;
		tx_note(
		    ctx, 0,
		    "paragraph mode 'line' (one paragraph a line), because the lines are not hard-wrapped and "
		    "%u of them follow another line directly, against %u blank lines",
		    ctx->adjacent, ctx->blank_lines);
		return;
	}
	ctx->mode = TX_MODE_BLANK;
	tx_note(ctx, 0,
	        "paragraph mode 'blank', because blank lines separate the text (%u blank, %u text lines)",
	        ctx->blank_lines, ctx->text_lines);
}

static bool is_prose(const tx_line *l, uint32_t base_indent)
{
	return !l->skip && !l->blank && l->indent <= base_indent + 1 && !l->gaps && l->pipes < 2 &&
	       !l->border && !l->rule && !l->codey;
}

int tx_measure_document(tx_ctx *ctx)
{
	enum { MAX_WIDTH = 512, MAX_INDENT = 64 };
	uint32_t *hist = calloc(MAX_WIDTH + MAX_INDENT, sizeof(*hist));
	uint32_t *indents = hist + MAX_WIDTH, total = 0;
	const char *asked = galley_options_param(ctx->opts, "paragraphs");
	if (!hist)
		return galley_error_set(ctx->err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	if (asked && strcmp(asked, "auto") && strcmp(asked, "line") && strcmp(asked, "blank")) {
		free(hist);
		return galley_error_set(ctx->err, GALLEY_EUSAGE, NULL, 0, 0,
		                        "paragraphs takes auto, line or blank, not '%s'", asked);
	}
	for (size_t i = 0; i < ctx->nlines; i++) {
		const tx_line *l = &ctx->lines[i];
		if (l->skip)
			continue;
		if (l->blank) {
			ctx->blank_lines++;
			continue;
		}
		ctx->text_lines++;
		indents[l->indent < MAX_INDENT ? l->indent : MAX_INDENT - 1]++;
	}
	uint32_t best = 0;
	for (uint32_t k = 0; k < MAX_INDENT; k++)
		if (indents[k] > indents[best])
			best = k;
	ctx->base_indent = best;
	/* wrapping and line-by-line writing are properties of the prose: indented, tabular and code lines say
	 * nothing of them */
	for (size_t i = 0; i < ctx->nlines; i++) {
		const tx_line *l = &ctx->lines[i];
		if (!is_prose(l, best))
			continue;
		if (i > 0 && is_prose(&ctx->lines[i - 1], best))
			ctx->adjacent++;
		hist[l->width < MAX_WIDTH ? l->width : MAX_WIDTH - 1]++;
		total++;
	}
	if (total > 0)
		find_wrap(ctx, hist, MAX_WIDTH, total);
	free(hist);
	choose_mode(ctx);
	return 0;
}
