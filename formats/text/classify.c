/*
 * classify.c - the third stage: measured lines into blocks.
 *
 * One pass over the lines, in order, with a fixed look-ahead; per-run facts
 * (where a run of non-blank lines ends, its smallest indentation, how many
 * of its lines look like a table or like code) are computed beforehand
 * backwards, so the pass stays linear. The rules, first match wins:
 *
 *   title      the first line alone before a blank line, a centred block at
 *              the top of wrapped text, or a headline over a one-line lede;
 *              "by NAME" after it is the author
 *   contents   the lines of a table of contents (found beforehand, book.c)
 *   heading    a line underlined (or over- and underlined) with = or -
 *   break      a line of one repeated symbol ("* * *", "-----"), a lone #
 *   heading    PREFACE, Epilogue and the other sections around the chapters;
 *              CHAPTER/Book/Part/Letter + number, a roman numeral alone,
 *              "IV. Title" alone, with its title under it or wrapped on
 *   author     "By NAME" alone
 *   heading    numbered "1.2 Title"
 *   item       a bullet (- * + • ◦ · ‣ ▪) or a number/letter/roman numeral
 *              with . or ), at the start of a block, after a line ending in
 *              ':', or after another item
 *   code       a run drawn as a table (| columns, +--+ borders, columns
 *              aligned by blank gaps), or an indented run that looks like code
 *   quote      an indented run of prose
 *   heading    a centred short line; a short ALL-CAPS or bare line without
 *              closing punctuation, followed by text and not in a run of
 *              three or more such lines (unless it ends one, set apart)
 *   paragraph  everything else; in the blank-line mode, wrapped lines are
 *              joined until a blank line or a line that cannot be wrapped
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unictype.h>

#include "text.h"

typedef struct run_info {
	uint32_t end;        /* last line of the run of non-blank lines */
	uint32_t min_indent; /* from this line to the end of its run */
	uint32_t max_width;
	uint32_t tabular; /* lines with pipes, borders or column gaps, to the end of the run */
	uint32_t codey;
	uint32_t centred;
	uint32_t borders;
} run_info;

typedef struct cls {
	tx_ctx *ctx;
	run_info *runs;
	size_t n;
	size_t i;
	bool blank_before;
	uint8_t prev_kind;
	uint32_t item_indent,
	    item_col; /* last list item's marker and content columns; 0 col: not in a list */
	uint8_t ord_style;
	int ord_number;
	size_t weak_run_end; /* the weak heading candidates counted so far end before this line */
	uint32_t weak_run_len;
	uint8_t *toc; /* lines of a table of contents */
} cls;

enum { WEAK_NONE = 0, WEAK_CAPS, WEAK_BARE };

static bool is_byline(const tx_line *l, size_t *skip);

static tx_line *line_at(const cls *c, size_t i) { return &c->ctx->lines[i]; }

static bool is_gap(const cls *c, size_t i)
{
	return i >= c->n || c->ctx->lines[i].blank || c->ctx->lines[i].skip;
}

static size_t next_text(const cls *c, size_t i)
{
	for (i++; i < c->n && is_gap(c, i); i++)
		;
	return i;
}

static bool alone(const cls *c, size_t i) { return (i == 0 || is_gap(c, i - 1)) && is_gap(c, i + 1); }

static bool centred(const tx_ctx *ctx, const tx_line *l)
{
	if (!ctx->ref_width || l->indent < 4 || l->width + 4 > ctx->ref_width)
		return false;
	int left = (int)l->indent, right = (int)ctx->ref_width - (int)l->width;
	return abs(left - right) <= 3;
}

static int compute_runs(cls *c)
{
	c->runs = calloc(c->n ? c->n : 1, sizeof(*c->runs));
	if (!c->runs)
		return GALLEY_ENOMEM;
	for (size_t i = c->n; i-- > 0;) {
		const tx_line *l = line_at(c, i);
		run_info *r = &c->runs[i];
		if (is_gap(c, i))
			continue;
		bool last = is_gap(c, i + 1);
		const run_info *nx = last ? NULL : &c->runs[i + 1];
		r->end = last ? (uint32_t)i : nx->end;
		r->min_indent = nx && nx->min_indent < l->indent ? nx->min_indent : l->indent;
		r->max_width = nx && nx->max_width > l->width ? nx->max_width : l->width;
		r->tabular = (nx ? nx->tabular : 0) + (l->pipes >= 2 || l->border || l->gaps >= 1);
		r->codey = (nx ? nx->codey : 0) + l->codey;
		r->centred = (nx ? nx->centred : 0) + centred(c->ctx, l);
		r->borders = (nx ? nx->borders : 0) + l->border;
	}
	return 0;
}

static tx_block *emit(cls *c, int kind, size_t first, size_t last)
{
	tx_ctx *ctx = c->ctx;
	if (ctx->nblocks == ctx->cap) {
		size_t cap = ctx->cap ? ctx->cap * 2 : 64;
		tx_block *b = realloc(ctx->blocks, cap * sizeof(*b));
		if (!b)
			return NULL;
		ctx->blocks = b;
		ctx->cap = cap;
	}
	tx_block *b = &ctx->blocks[ctx->nblocks++];
	memset(b, 0, sizeof(*b));
	b->kind = (uint8_t)kind;
	b->first = (uint32_t)first;
	b->last = (uint32_t)last;
	b->blank_before = c->blank_before;
	c->prev_kind = (uint8_t)kind;
	if (kind != TX_B_ITEM && kind != TX_B_ITEM_PARA)
		c->item_col = 0;
	c->i = last + 1;
	return b;
}

static int heading_level(cls *c, int style, int depth)
{
	tx_ctx *ctx = c->ctx;
	if (!ctx->style_level[style])
		ctx->style_level[style] = ctx->next_level < 6 ? ++ctx->next_level : 6;
	int level = ctx->style_level[style] + depth - 1;
	return level > 6 ? 6 : level;
}

static tx_block *emit_heading(cls *c, int style, int depth, size_t first, size_t last)
{
	tx_block *b = emit(c, TX_B_HEADING, first, last);
	if (b)
		b->level = (uint8_t)heading_level(c, style, depth);
	return b;
}

/* ---- shapes of lines ---------------------------------------------- */

/* "2.3.1 Title" (two or more numbers): its depth; 0 if the line is not that. */
static int numbered_depth(const tx_line *l)
{
	const char *s = l->s;
	size_t n = l->len, i = 0;
	int depth = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9') {
		size_t start = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i - start > 3)
			return 0;
		depth++;
		if (i < n && s[i] == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')
			i++;
	}
	if (depth < 2)
		return 0;
	if (i < n && s[i] == '.')
		i++;
	if (i >= n || s[i] != ' ')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || !((s[i] >= 'A' && s[i] <= 'Z') || (unsigned char)s[i] >= 0x80))
		return 0;
	if (l->chars > 80 || l->last_bare == '.' || l->last_bare == ',' || l->last_bare == ';')
		return 0;
	return depth;
}

static bool is_closing_quote(uint32_t c) { return c == '"' || c == 0x201D || c == 0x2019 || c == '\''; }

/* "Updated 14:32 GMT", "Published 3 May 2024": when an article was written, not a heading. */
static bool is_timestamp(const tx_line *l)
{
	static const char *const words[] = {"Updated ",      "Published ", "Posted ",
	                                    "Last updated ", "Filed ",     NULL};
	for (size_t k = 0; words[k]; k++)
		if (l->len > strlen(words[k]) && !strncmp(l->s, words[k], strlen(words[k])))
			return true;
	return false;
}

static bool is_opening_quote(uint32_t c) { return c == '"' || c == 0x201C || c == 0x2018 || c == '\''; }

/*
 * A line ending in a closing quote is speech ("Come here," he said; "We
 * shall see") unless the quote closes a word or phrase inside it, as in the
 * title Camera phones are 'must-haves'.
 */
static bool quoted_speech(const tx_line *l)
{
	if (!is_closing_quote(l->last))
		return false;
	return is_opening_quote(l->first) || tx_is_sentence_end(l->last_bare) || l->last_bare == ',';
}

/*
 * A short line a person would read as a heading: starts with a capital or a
 * digit, no closing punctuation (. , ; :, nor ? ! in wrapped prose, nor a
 * closing quote, which makes it dialogue), at most 80 characters and 12
 * words, and in wrapped text well short of the wrap width.
 */
static int weak_kind(const cls *c, const tx_line *l)
{
	const tx_ctx *ctx = c->ctx;
	uint32_t last = l->last_bare;
	if (l->marker || l->rule || l->letters == 0 || l->chars > 80 || l->words > 12)
		return WEAK_NONE;
	if (quoted_speech(l) || last == '.' || last == ',' || last == ';' || last == ':' || is_timestamp(l))
		return WEAK_NONE;
	if ((last == '?' || last == '!') && ctx->wrap)
		return WEAK_NONE;
	if (!uc_is_upper(l->first) && !(l->first >= '0' && l->first <= '9'))
		return WEAK_NONE;
	if (ctx->wrap && l->width * 10 > ctx->wrap * 7)
		return WEAK_NONE;
	if (ctx->mode == TX_MODE_LINE && ctx->median_len > 60 && l->chars * 2 > ctx->median_len)
		return WEAK_NONE;
	if (l->letters >= 3 && l->uppers * 10 >= l->letters * 9)
		return WEAK_CAPS;
	return WEAK_BARE;
}

/*
 * A line starting in lower case carries on the sentence of the line before
 * (unless a mode was asked for). Past the last line nothing does.
 */
static bool continues_sentence(const cls *c, size_t k)
{
	if (k >= c->n || k == 0)
		return false;
	const tx_line *l = line_at(c, k);
	return !is_gap(c, k - 1) && uc_is_lower(l->first) && !l->marker && !l->rule &&
	       !tx_is_sentence_end(line_at(c, k - 1)->last_bare) && !c->ctx->mode_asked;
}

static bool is_weak_unit(const cls *c, size_t i)
{
	return i < c->n && !is_gap(c, i) && (c->ctx->mode == TX_MODE_LINE || alone(c, i)) &&
	       weak_kind(c, line_at(c, i)) != WEAK_NONE;
}

/* How many heading-like lines follow one another from line i (blank lines between allowed). */
static uint32_t weak_run_length(cls *c, size_t i)
{
	if (i < c->weak_run_end)
		return c->weak_run_len;
	uint32_t count = 0;
	size_t k = i;
	while (is_weak_unit(c, k)) {
		count++;
		k = next_text(c, k);
	}
	c->weak_run_end = k;
	c->weak_run_len = count;
	return count;
}

/* ---- the rules ---------------------------------------------------- */

static bool try_rules_and_breaks(cls *c)
{
	size_t i = c->i;
	const tx_line *l = line_at(c, i), *nx = is_gap(c, i + 1) ? NULL : line_at(c, i + 1);
	const tx_line *nn = nx && !is_gap(c, i + 2) ? line_at(c, i + 2) : NULL;
	if (l->rule && !l->rule_spaced && nx && !nx->rule && nn && nn->rule == l->rule && nx->chars <= 100) {
		tx_note(c->ctx, nx->no, "heading (level %d), because it is over- and underlined with '%c'",
		        heading_level(c, TX_H_OVERLINED, 1), l->rule);
		emit_heading(c, TX_H_OVERLINED, 1, i + 1, i + 1);
		c->i = i + 3;
		return true;
	}
	if (!l->rule && nx && (nx->rule == '=' || nx->rule == '-') && !nx->rule_spaced && l->chars <= 100 &&
	    nx->rule_count * 2 >= (l->chars < 6 ? 3 : l->chars / 2 + 1) - 1) {
		tx_note(c->ctx, l->no, "heading (level %d), because the next line underlines it with '%c'",
		        heading_level(c, nx->rule == '=' ? TX_H_UNDER_EQ : TX_H_UNDER_DASH, 1), nx->rule);
		emit_heading(c, nx->rule == '=' ? TX_H_UNDER_EQ : TX_H_UNDER_DASH, 1, i, i);
		c->i = i + 2;
		return true;
	}
	bool lone = l->chars == 1 && (l->first == '#' || l->first == '*' || l->first == '~' ||
	                              l->first == 0xA7 || l->first == 0x2042 || l->first == 0x2766);
	if (l->rule || lone) {
		tx_note(c->ctx, l->no, "scene break, because the line is %s",
		        lone ? "a lone symbol" : "one symbol repeated");
		emit(c, TX_B_BREAK, i, i);
		return true;
	}
	return false;
}

/* Reads "i." as the roman one, not the ninth letter, unless a lettered list is going on. */
static void settle_roman(cls *c, tx_line *l)
{
	bool letter_list = c->item_col && (c->ord_style == 'a' || c->ord_style == 'A');
	if ((l->style == 'a' || l->style == 'A') && !letter_list && strchr("ivxlcdm", l->s[l->s[0] == '(']) &&
	    (c->ord_style == 'i' || c->ord_style == 'I' || l->number == 9)) {
		char ch = l->s[l->s[0] == '('];
		l->number = ch == 'i' || ch == 'I'   ? 1
		            : ch == 'v' || ch == 'V' ? 5
		            : ch == 'x' || ch == 'X' ? 10
		                                     : 50;
		l->style = l->style == 'a' ? 'i' : 'I';
	}
}

static bool continues_list(const cls *c, const tx_line *l)
{
	if (!c->item_col)
		return false;
	if (l->marker == TX_MARK_BULLET)
		return true;
	return l->indent > c->item_indent || (l->style == c->ord_style && l->number == c->ord_number + 1);
}

static bool marker_allowed(cls *c, tx_line *l, const char **why)
{
	size_t i = c->i;
	const tx_line *prev = i > 0 && !is_gap(c, i - 1) ? line_at(c, i - 1) : NULL;
	if (l->marker == TX_MARK_ORDERED)
		settle_roman(c, l);
	bool cont = continues_list(c, l);
	if (l->marker == TX_MARK_ORDERED && !cont && l->style != '1' && l->number != 1)
		return false; /* "B. Smith wrote": a lettered list starts at a */
	if (cont)
		*why = "it follows another list item";
	else if (c->ctx->mode == TX_MODE_LINE)
		*why = "every line stands alone in this text";
	else if (!prev)
		*why = "it starts a block";
	else if (prev->last == ':')
		*why = "the line before ends with ':'";
	else if (c->ctx->ref_width && prev->width * 10 < c->ctx->ref_width * 7)
		*why = "the line before is short, so it was not wrapped into this one";
	else
		return false;
	return true;
}

/* Lines after an item's first that belong to it: hanging indentation, or wrapped on from a full line. */
static size_t item_extent(const cls *c, size_t i, uint32_t content_col)
{
	const tx_ctx *ctx = c->ctx;
	size_t j = i;
	while (!is_gap(c, j + 1)) {
		const tx_line *l = line_at(c, j + 1), *p = line_at(c, j);
		if (l->marker || l->rule)
			break;
		bool hanging = l->indent + 1 >= content_col && l->indent > line_at(c, i)->indent;
		bool wrapped = ctx->mode == TX_MODE_BLANK && ctx->wrap && p->width * 10 >= ctx->wrap * 7 &&
		               l->indent <= line_at(c, i)->indent + 1;
		if (!hanging && !wrapped && !ctx->force_join)
			break;
		j++;
	}
	return j;
}

static bool try_item(cls *c)
{
	tx_line *l = line_at(c, c->i);
	const char *why = NULL;
	if (!l->marker || !marker_allowed(c, l, &why))
		return false;
	uint32_t content_col = l->indent + l->mchars;
	size_t last = item_extent(c, c->i, content_col);
	if (l->marker == TX_MARK_BULLET)
		tx_note(c->ctx, l->no, "list item, because it starts with a bullet and %s", why);
	else
		tx_note(c->ctx, l->no,
		        "list item %d, because it starts with a number or letter and '%c', and %s", l->number,
		        l->delim, why);
	if (!emit(c, TX_B_ITEM, c->i, last))
		return true;
	c->item_col = content_col;
	c->item_indent = l->indent;
	if (l->marker == TX_MARK_ORDERED) {
		c->ord_style = l->style;
		c->ord_number = l->number;
	}
	return true;
}

static bool try_item_paragraph(cls *c)
{
	const tx_line *l = line_at(c, c->i);
	if (!c->item_col || !c->blank_before || l->marker || l->indent + 1 < c->item_col ||
	    l->indent <= c->item_indent)
		return false;
	size_t last = c->i;
	while (!is_gap(c, last + 1) && !line_at(c, last + 1)->marker &&
	       line_at(c, last + 1)->indent > c->item_indent)
		last++;
	tx_note(c->ctx, l->no, "paragraph of the list item above, because it is indented to the item's text");
	uint32_t col = c->item_col, ind = c->item_indent;
	emit(c, TX_B_ITEM_PARA, c->i, last);
	c->item_col = col;
	c->item_indent = ind;
	return true;
}

static bool is_table(const cls *c, size_t i)
{
	const run_info *r = &c->runs[i];
	uint32_t lines = r->end - (uint32_t)i + 1;
	if (lines < 2)
		return false;
	return r->borders > 0 || r->tabular * 3 >= lines * 2;
}

/* An indented run of code goes on over blank lines into further indented code. */
static size_t code_extent(const cls *c, size_t i, uint32_t min_indent)
{
	size_t end = c->runs[i].end;
	for (;;) {
		size_t k = next_text(c, end);
		if (k >= c->n || k > end + 3)
			break;
		const run_info *r = &c->runs[k];
		uint32_t lines = r->end - (uint32_t)k + 1;
		if (r->min_indent < min_indent || r->codey * 2 < lines)
			break;
		end = r->end;
	}
	return end;
}

static bool try_preformatted(cls *c)
{
	tx_ctx *ctx = c->ctx;
	size_t i = c->i;
	const run_info *r = &c->runs[i];
	uint32_t lines = r->end - (uint32_t)i + 1;
	if (ctx->mode == TX_MODE_BLANK && !c->blank_before && i > 0)
		return false;
	if (is_table(c, i)) {
		tx_note(ctx, line_at(c, i)->no,
		        "preformatted (kept verbatim), because its %u lines are drawn as a table", lines);
		tx_block *b = emit(c, TX_B_CODE, i, r->end);
		if (b)
			b->strip = r->min_indent;
		return true;
	}
	bool indented = r->min_indent >= ctx->base_indent + 2;
	if (!indented || r->centred == lines)
		return false;
	if (r->codey * 2 >= lines) {
		size_t end = code_extent(c, i, r->min_indent);
		tx_note(ctx, line_at(c, i)->no,
		        "code (kept verbatim), because it is indented and %u of its %u lines "
		        "look like program code",
		        r->codey, lines);
		tx_block *b = emit(c, TX_B_CODE, i, end);
		if (b)
			b->strip = r->min_indent;
		return true;
	}
	size_t last = ctx->mode == TX_MODE_LINE ? i : r->end;
	tx_note(ctx, line_at(c, i)->no,
	        "block quote, because it is indented by %u columns more than the text",
	        r->min_indent - ctx->base_indent);
	tx_block *b = emit(c, TX_B_QUOTE, i, last);
	if (b && last > i && r->max_width * 10 < (ctx->wrap ? ctx->wrap : 72) * 6)
		b->hard_breaks = 1; /* short indented lines: verse */
	return true;
}

static bool try_centred(cls *c)
{
	tx_ctx *ctx = c->ctx;
	size_t i = c->i;
	const run_info *r = &c->runs[i];
	uint32_t lines = r->end - (uint32_t)i + 1;
	if (r->centred != lines || (ctx->mode == TX_MODE_BLANK && !c->blank_before && i > 0))
		return false;
	if (lines == 1 && weak_kind(c, line_at(c, i)) && next_text(c, i) < c->n) {
		tx_note(ctx, line_at(c, i)->no,
		        "heading (level %d), because it is a short line centred in the %u-column text",
		        heading_level(c, TX_H_CENTRED, 1), ctx->ref_width);
		emit_heading(c, TX_H_CENTRED, 1, i, i);
		return true;
	}
	tx_note(ctx, line_at(c, i)->no, "centred lines kept as lines, because %u lines are centred", lines);
	tx_block *b = emit(c, TX_B_PARA, i, r->end);
	if (b)
		b->hard_breaks = 1;
	return true;
}

static bool is_structure_line(const tx_line *l)
{
	return tx_chapter_style(l) || tx_roman_titled(l) || tx_section_line(l);
}

/* A chapter line with a title of its own ("CHAPTER 1. Loomings.", not "CHAPTER I." or "IV"). */
static bool has_own_title(const tx_line *l)
{
	if (tx_roman_titled(l))
		return true;
	if (l->words <= 2)
		return false;
	const char *sp = memchr(l->s, ' ', l->len);
	return !(l->words == 3 && sp && strncasecmp(sp + 1, "the ", 4) == 0);
}

/*
 * A line that can be a chapter's title: short and heading-shaped; under the
 * chapter line in its block (or in capitals) it may end in a full stop
 * ("I.\nTHE EVE OF THE WAR."), and it may be in brackets ("[Second Report
 * of Dr. Watson]"). A label of what follows (SCENE, ARGUMENT) is no title,
 * nor is an italic line (a letter's address, "_To Mrs. Saville, England._").
 */
static bool title_line(const cls *c, const tx_line *l, bool under)
{
	static const char *const labels[] = {"SCENE",    "ARGUMENT", "SYNOPSIS", "SUMMARY",
	                                     "CONTENTS", "NOTE",     NULL};
	const tx_ctx *ctx = c->ctx;
	if (tx_chapter_style(l) || tx_roman_titled(l) || (!under && tx_section_line(l)) || l->marker ||
	    l->rule || l->letters == 0 || l->chars > 80 || l->words > 12 ||
	    (ctx->wrap && l->width * 10 > ctx->wrap * 9))
		return false;
	for (size_t k = 0; labels[k]; k++)
		if (l->len >= strlen(labels[k]) && !strncasecmp(l->s, labels[k], strlen(labels[k])) &&
		    !uc_is_alpha((uint32_t)(unsigned char)l->s[strlen(labels[k])]))
			return false; /* the label of what follows, not a title */
	uint32_t first = l->first, last = l->last_bare;
	if (first == '[' || first == '(')
		tx_char(l->s + 1, l->len - 1, &first);
	if (!uc_is_upper(first) && !(first >= '0' && first <= '9'))
		return false;
	if (last == ',' || last == ';' || last == ':' || last == '-' || last == 0x2014 || last == 0x2013 ||
	    (is_closing_quote(l->last) && tx_is_sentence_end(last)))
		return false;
	bool caps = l->letters >= 3 && l->uppers * 10 >= l->letters * 6;
	return last != '.' || ((under || caps) && l->words <= 10);
}

/*
 * The title under a chapter line without one: one or two short lines ending
 * the chapter line's block, or a short line alone after a blank line. Its
 * last line, or 0.
 */
static size_t chapter_title(const cls *c, size_t i)
{
	size_t k = next_text(c, i);
	if (k >= c->n || k > i + 3 || c->toc[k])
		return 0;
	size_t end = c->runs[k].end;
	if (k == i + 1) {
		if (end > k + 1)
			return 0;
		for (size_t j = k; j <= end; j++)
			if (!title_line(c, line_at(c, j), true))
				return 0;
	} else if (end != k || !title_line(c, line_at(c, k), false)) {
		return 0;
	}
	return next_text(c, end) < c->n ? end : 0;
}

/* A chapter line wrapped onto the next ("CHAPTER 57. Of Whales in Paint; ... in\nStone; in Stars."): its last
 * line, or 0. */
static size_t wrapped_chapter(const cls *c, size_t i)
{
	const tx_ctx *ctx = c->ctx;
	const tx_line *l = line_at(c, i);
	size_t end = c->runs[i].end;
	uint32_t wide = ctx->wrap ? ctx->wrap : 72;
	if (end == i || end > i + 2 || l->width * 10 < wide * 6 || !has_own_title(l) ||
	    tx_is_sentence_end(l->last_bare))
		return 0;
	for (size_t j = i + 1; j <= end; j++)
		if (line_at(c, j)->marker || line_at(c, j)->rule || is_structure_line(line_at(c, j)))
			return 0;
	return next_text(c, end) < c->n ? end : 0;
}

/* The style of a chapter or part line in this book: the inner kind of part, numbers alone as chapters. */
static int book_style(const cls *c, const tx_line *l)
{
	int style = tx_chapter_style(l);
	if (style == TX_H_PART && c->ctx->outer_part[0]) {
		char word[12];
		tx_part_word(l, word);
		if (strcmp(word, c->ctx->outer_part))
			style = TX_H_SUBPART;
	}
	if (!style && c->ctx->number_chapters && tx_bare_number(l))
		style = TX_H_CHAPTER;
	return style;
}

static bool try_chapter(cls *c)
{
	size_t i = c->i;
	const tx_line *l = line_at(c, i);
	int style = book_style(c, l);
	bool roman = !style && tx_roman_titled(l);
	if (roman) {
		/* "I. The Period" alone is a chapter; "I. Scope" in a run of items is an outline */
		if (!alone(c, i) || continues_list(c, l))
			return false;
		style = TX_H_CHAPTER;
	}
	if (!style || (c->ctx->mode == TX_MODE_BLANK && !c->blank_before && i > 0) || next_text(c, i) >= c->n)
		return false;
	size_t title = has_own_title(l) ? 0 : chapter_title(c, i);
	size_t wrapped = title ? 0 : wrapped_chapter(c, i);
	if (c->ctx->mode == TX_MODE_BLANK && c->runs[i].end != i && !title && !wrapped)
		return false;
	const char *kind = style == TX_H_CHAPTER ? "chapter" : "part";
	int level = heading_level(c, style, 1);
	if (title)
		tx_note(c->ctx, l->no,
		        "heading (level %d), because it names a %s; the short line at %u is its title", level,
		        kind, line_at(c, title)->no);
	else if (wrapped)
		tx_note(c->ctx, l->no,
		        "heading (level %d), because it names a %s; its title goes on to line %u", level,
		        kind, line_at(c, wrapped)->no);
	else
		tx_note(c->ctx, l->no, "heading (level %d), because it names a %s", level, kind);
	size_t last = title ? title : wrapped ? wrapped : i;
	tx_block *b = emit_heading(c, style, 1, i, last);
	if (b && title) {
		uint32_t end = l->last;
		b->heading_sep = !(end == '.' || end == ':');
	}
	return true;
}

/* PREFACE, ETYMOLOGY., Epilogue, APPENDIX: alone, followed by text; at the top level whatever the book's
 * parts. */
static bool try_section(cls *c)
{
	size_t i = c->i;
	const tx_line *l = line_at(c, i);
	if (!tx_section_line(l) || tx_chapter_style(l) || next_text(c, i) >= c->n)
		return false;
	if (c->ctx->mode == TX_MODE_BLANK ? !alone(c, i) : continues_sentence(c, i + 1))
		return false;
	tx_note(c->ctx, l->no, "heading (level 1), because it names a section before or after the chapters");
	tx_block *b = emit(c, TX_B_HEADING, i, i);
	if (b)
		b->level = 1;
	return true;
}

/* A table of contents found beforehand (book.c): its lines kept as lines. */
static bool try_contents(cls *c)
{
	size_t i = c->i, last = i;
	if (!c->toc[i])
		return false;
	while (last + 1 < c->n && c->toc[last + 1])
		last++;
	tx_note(c->ctx, line_at(c, i)->no, "lines %u-%u kept as lines, because they are a table of contents",
	        line_at(c, i)->no, line_at(c, last)->no);
	tx_block *b = emit(c, TX_B_PARA, i, last);
	if (b)
		b->hard_breaks = 1;
	return true;
}

/* "By Herman Melville" on a line of its own: the author, not a heading. */
static bool try_byline(cls *c)
{
	size_t i = c->i, skip = 0;
	tx_line *l = line_at(c, i);
	if (!alone(c, i) || !is_byline(l, &skip) || l->words > 7 || l->last_bare == '.' ||
	    l->last_bare == ',')
		return false;
	uint32_t first;
	tx_char(l->s + skip, l->len - skip, &first);
	if (!uc_is_upper(first))
		return false;
	tx_note(c->ctx, l->no, "author, left out of the text, because the line reads 'by NAME'");
	if (galley_doc_author_count(c->ctx->doc) == 0 &&
	    galley_doc_add_author(c->ctx->doc, l->s + skip, l->len - skip) != 0)
		return false;
	l->skip = 1;
	c->i = i + 1;
	return true;
}

static bool try_numbered_heading(cls *c)
{
	size_t i = c->i;
	const tx_line *l = line_at(c, i);
	if (c->ctx->mode == TX_MODE_BLANK && !alone(c, i))
		return false;
	int depth = numbered_depth(l);
	if (depth) {
		tx_note(c->ctx, l->no, "heading (level %d), because it is numbered %d levels deep ('%.*s')",
		        heading_level(c, TX_H_NUMBERED, depth), depth, (int)(strchr(l->s, ' ') - l->s), l->s);
		emit_heading(c, TX_H_NUMBERED, depth, i, i);
		return true;
	}
	/* "3. Results": a numbered line that is not part of a list */
	if (l->marker != TX_MARK_ORDERED || l->style != '1' || l->delim != '.' || continues_list(c, l))
		return false;
	size_t k = next_text(c, i);
	if (k >= c->n || (line_at(c, k)->marker == TX_MARK_ORDERED && line_at(c, k)->number == l->number + 1))
		return false;
	tx_line shaped = *l;
	shaped.marker = TX_MARK_NONE;
	shaped.s += l->mlen;
	shaped.len -= l->mlen;
	shaped.chars -= l->mchars;
	shaped.width -= l->mchars;
	tx_char(shaped.s, shaped.len, &shaped.first);
	if (weak_kind(c, &shaped) == WEAK_NONE)
		return false;
	tx_note(c->ctx, l->no,
	        "heading (level %d), because it is a short numbered line ('%d.') with no list around it",
	        heading_level(c, TX_H_NUMBERED, 1), l->number);
	emit_heading(c, TX_H_NUMBERED, 1, i, i);
	return true;
}

/*
 * The last of a run of short lines, set apart from the others (two blank
 * lines or another indentation before it) and followed by a paragraph of
 * several lines: the first heading after a contents list.
 */
static bool ends_short_lines(const cls *c, size_t i)
{
	size_t k = next_text(c, i);
	if (is_weak_unit(c, k) || k >= c->n || c->runs[k].end == k || i < 2)
		return false;
	size_t p = i - 1;
	while (p > 0 && is_gap(c, p))
		p--;
	return i - p >= 3 || line_at(c, p)->indent != line_at(c, i)->indent;
}

static bool try_weak_heading(cls *c)
{
	size_t i = c->i;
	const tx_line *l = line_at(c, i);
	if (!is_weak_unit(c, i))
		return false;
	int kind = weak_kind(c, l);
	size_t k = next_text(c, i);
	if (k == i + 1 && continues_sentence(c, k))
		return false;
	if (k >= c->n) {
		tx_note(c->ctx, l->no, "paragraph, not a heading: it is short but nothing follows it");
		return false;
	}
	uint32_t run = weak_run_length(c, i);
	if (run >= 3 && ends_short_lines(c, i)) {
		tx_note(c->ctx, l->no,
		        "heading (level %d), because it ends %u short lines set apart from it (a contents "
		        "list) and text follows it",
		        heading_level(c, kind == WEAK_CAPS ? TX_H_CAPS : TX_H_BARE, 1), run);
		emit_heading(c, kind == WEAK_CAPS ? TX_H_CAPS : TX_H_BARE, 1, i, i);
		return true;
	}
	if (run >= 3) {
		tx_note(c->ctx, l->no, "paragraph, not a heading: it is one of %u short lines in a row", run);
		return false;
	}
	if (kind == WEAK_CAPS)
		tx_note(
		    c->ctx, l->no,
		    "heading (level %d), because it is a short line in capitals (%u characters), followed by text",
		    heading_level(c, TX_H_CAPS, 1), l->chars);
	else
		tx_note(
		    c->ctx, l->no,
		    "heading (level %d), because it is a short line (%u characters, %u word%s) without closing "
		    "punctuation, followed by text",
		    heading_level(c, TX_H_BARE, 1), l->chars, l->words, l->words == 1 ? "" : "s");
	emit_heading(c, kind == WEAK_CAPS ? TX_H_CAPS : TX_H_BARE, 1, i, i);
	return true;
}

/* Where a paragraph that starts at line i ends, in the blank-line mode. */
static size_t paragraph_extent(const cls *c, size_t i, const char **why)
{
	const tx_ctx *ctx = c->ctx;
	size_t j = i;
	*why = "it is a line of prose";
	while (!is_gap(c, j + 1)) {
		const tx_line *p = line_at(c, j), *l = line_at(c, j + 1);
		if (!ctx->force_join && !continues_sentence(c, j + 1)) {
			if (!ctx->wrap || p->width > ctx->wrap + 8)
				break; /* the line was not wrapped: it ends where the writer ended it */
			if (ctx->split_short && p->width * 10 < ctx->wrap * 6 &&
			    tx_is_sentence_end(p->last_bare))
				break;
			if (ctx->split_short && l->indent > p->indent && l->indent <= ctx->base_indent + 8)
				break; /* first-line indentation */
		}
		if (l->rule || (!is_gap(c, j + 2) &&
		                (line_at(c, j + 2)->rule == '=' || line_at(c, j + 2)->rule == '-') &&
		                !line_at(c, j + 2)->rule_spaced))
			break;
		if (l->marker &&
		    (p->last == ':' || p->width * 10 < (ctx->ref_width ? ctx->ref_width : 72) * 7))
			break;
		j++;
	}
	if (j > i)
		*why = ctx->force_join ? "the lines of a block are joined (--paragraphs blank)"
		                       : "its lines are wrapped and joined";
	return j;
}

static void emit_paragraph(cls *c)
{
	tx_ctx *ctx = c->ctx;
	size_t i = c->i, last = i;
	const char *why = "every line is a paragraph in this text";
	bool hard = false;
	if (ctx->mode == TX_MODE_LINE) {
		while (!is_gap(c, last + 1) && continues_sentence(c, last + 1))
			last++;
		if (last > i)
			why = "the lines after the first start in lower case: the sentence goes on";
	} else {
		const run_info *r = &c->runs[i];
		if (!ctx->wrap && !ctx->force_join && r->end > i && r->max_width <= 60 &&
		    (c->blank_before || i == 0)) {
			while (last < r->end && !line_at(c, last + 1)->marker && !line_at(c, last + 1)->rule)
				last++;
			hard = last > i;
			why = hard ? "its short lines are kept as lines (not wrapped text)"
			           : "it is a line of prose";
		} else {
			last = paragraph_extent(c, i, &why);
			if (last > i && !ctx->force_join) {
				hard = true;
				for (size_t k = i; k < last && hard; k++)
					hard = line_at(c, k)->width * 10 < ctx->wrap * 6;
				if (hard)
					why = "its lines are all short, so their breaks are kept (verse)";
			}
		}
	}
	tx_note(ctx, line_at(c, i)->no, "paragraph%s, because %s", last > i ? " of several lines" : "", why);
	tx_block *b = emit(c, TX_B_PARA, i, last);
	if (b)
		b->hard_breaks = hard;
}

/* ---- the title block ---------------------------------------------- */

static void fold_text(galley_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z'))
			galley_buf_putc(b, ch);
		else if (ch >= 'A' && ch <= 'Z')
			galley_buf_putc(b, ch | 0x20);
		else if (ch >= 0x80)
			galley_buf_putc(b, ch);
	}
}

/* Lines [first, last] joined by blanks into `out`. */
static void join_lines(const cls *c, size_t first, size_t last, galley_buf *out)
{
	for (size_t k = first; k <= last; k++) {
		if (is_gap(c, k))
			continue;
		if (out->len)
			galley_buf_putc(out, ' ');
		galley_buf_put(out, line_at(c, k)->s, line_at(c, k)->len);
	}
}

static bool same_title(const char *a, size_t an, const char *b, size_t bn)
{
	galley_buf fa = GALLEY_BUF_INIT, fb = GALLEY_BUF_INIT;
	fold_text(&fa, a, an);
	fold_text(&fb, b, bn);
	bool same = fa.len == fb.len && (fa.len == 0 || memcmp(fa.data, fb.data, fa.len) == 0);
	galley_buf_free(&fa);
	galley_buf_free(&fb);
	return same;
}

static bool title_shaped(const cls *c, const tx_line *l)
{
	uint32_t last = l->last_bare;
	return !l->marker && !l->rule && l->letters > 0 && l->chars <= 100 && l->words <= 15 && last != '.' &&
	       last != ',' && last != ';' && last != ':' && !quoted_speech(l) && !tx_chapter_style(l) &&
	       !numbered_depth(l);
}

static bool is_byline(const tx_line *l, size_t *skip)
{
	if (l->len < 4 || l->chars > 80 ||
	    (strncmp(l->s, "by ", 3) && strncmp(l->s, "By ", 3) && strncmp(l->s, "BY ", 3)))
		return false;
	*skip = 3;
	return true;
}

static void skip_lines(cls *c, size_t first, size_t last)
{
	for (size_t k = first; k <= last; k++)
		line_at(c, k)->skip = 1;
}

/* After the title: "by NAME" (the author) and, in a centred block, one short line (the subtitle). */
static int take_title_extras(cls *c, size_t k, bool centred_block, bool set)
{
	tx_ctx *ctx = c->ctx;
	bool subtitle_done = !centred_block;
	int rc = 0;
	while (rc == 0 && k < c->n) {
		const run_info *r = &c->runs[k];
		const tx_line *l = line_at(c, k);
		size_t skip = 0;
		if (centred_block && r->centred != r->end - k + 1)
			break;
		if (r->end == k && l->len == 2 && strncasecmp(l->s, "by", 2) == 0) {
			/* "BY" alone, the name on a line of its own */
			size_t name = next_text(c, k);
			if (name >= c->n || c->runs[name].end != name || line_at(c, name)->chars > 80)
				break;
			tx_note(ctx, line_at(c, name)->no, "author, because it follows 'by' after the title");
			if (set && galley_doc_author_count(ctx->doc) == 0)
				rc = galley_doc_add_author(ctx->doc, line_at(c, name)->s,
				                           line_at(c, name)->len);
			skip_lines(c, k, name);
			k = next_text(c, name);
			subtitle_done = true;
			continue;
		} else if (r->end == k && is_byline(l, &skip)) {
			tx_note(ctx, l->no, "author, because 'by NAME' follows the title");
			if (set && galley_doc_author_count(ctx->doc) == 0)
				rc = galley_doc_add_author(ctx->doc, l->s + skip, l->len - skip);
			subtitle_done = true;
		} else if (!subtitle_done && r->end == k && title_shaped(c, l)) {
			tx_note(ctx, l->no, "subtitle, because a short centred line follows the title");
			if (set && !galley_doc_meta(ctx->doc, GALLEY_META_SUBTITLE))
				rc = galley_doc_set_meta(ctx->doc, GALLEY_META_SUBTITLE, l->s, l->len);
			subtitle_done = true;
		} else {
			break;
		}
		skip_lines(c, k, r->end);
		k = next_text(c, r->end);
	}
	return rc;
}

/*
 * In a text written a paragraph a line, a short first line without closing
 * punctuation over a long line of prose (twice as long, ending a sentence)
 * is a headline.
 */
static bool headline_over_lede(const cls *c, size_t k)
{
	const tx_line *l = line_at(c, k);
	if (c->ctx->mode != TX_MODE_LINE || is_gap(c, k + 1) || !title_shaped(c, l) || l->marker ||
	    l->words > 14 || !uc_is_upper(l->first) || l->last_bare == '?' || l->last_bare == '!' ||
	    is_timestamp(l))
		return false;
	const tx_line *lede = line_at(c, k + 1);
	return lede->chars >= 60 && lede->chars >= 2 * l->chars && tx_is_sentence_end(lede->last_bare) &&
	       !lede->marker;
}

static int find_title(cls *c)
{
	tx_ctx *ctx = c->ctx;
	size_t k = next_text(c, (size_t)-1);
	if (k >= c->n)
		return 0;
	const run_info *r = &c->runs[k];
	const tx_line *l = line_at(c, k);
	bool centred_block = ctx->wrap && r->centred == r->end - k + 1 && r->end - k < 4;
	bool first_line = !centred_block && r->end == k && title_shaped(c, l) && l->marker == TX_MARK_NONE;
	bool headline = !centred_block && !first_line && headline_over_lede(c, k);
	size_t end = headline ? k : r->end;
	if ((!centred_block && !first_line && !headline) || next_text(c, end) >= c->n)
		return 0;
	galley_buf text = GALLEY_BUF_INIT;
	join_lines(c, k, end, &text);
	if (text.failed)
		return GALLEY_ENOMEM;
	const char *have = galley_doc_meta(ctx->doc, GALLEY_META_TITLE);
	int rc = 0;
	bool set = !have;
	if (have && !same_title(have, strlen(have), (const char *)text.data, text.len)) {
		galley_buf_free(&text);
		return 0;
	}
	if (set) {
		tx_note(ctx, l->no, "title, because %s",
		        centred_block ? "a centred block opens the text"
		        : headline ? "a short first line stands over a line of prose (one paragraph a line)"
		                   : "the first line stands alone before a blank line");
		rc = galley_doc_set_meta(ctx->doc, GALLEY_META_TITLE, (const char *)text.data, text.len);
	} else {
		tx_note(ctx, l->no, "left out, because it repeats the title of the Project Gutenberg header");
	}
	galley_buf_free(&text);
	skip_lines(c, k, end);
	if (rc == 0)
		rc = take_title_extras(c, next_text(c, end), centred_block, set);
	return rc;
}

/* ---- the pass ----------------------------------------------------- */

static void classify_one(cls *c)
{
	if (try_contents(c) || try_rules_and_breaks(c) || try_section(c) || try_chapter(c) || try_byline(c) ||
	    try_numbered_heading(c) || try_item(c) || try_item_paragraph(c) || try_preformatted(c) ||
	    try_centred(c) || try_weak_heading(c))
		return;
	emit_paragraph(c);
}

/*
 * Parts and chapters are the top of a book whatever comes first (a centred
 * CONTENTS, say): their levels are given before the pass, the other styles'
 * levels in the order they appear. Two kinds of part (PART I, then Book I)
 * nest in the order they first come; numbers alone (1, 2, 3 ...) name the
 * chapters when at least three follow one another in order from 1.
 */
static void reserve_book_levels(cls *c)
{
	tx_ctx *ctx = c->ctx;
	bool part = false, subpart = false, chapter = false;
	char word[12];
	int next_number = 1;
	for (size_t i = 0; i < c->n; i++) {
		if (is_gap(c, i) || (i > 0 && !is_gap(c, i - 1)) || c->toc[i])
			continue;
		const tx_line *l = line_at(c, i);
		int style = tx_chapter_style(l);
		if (!style && tx_roman_titled(l) && alone(c, i))
			style = TX_H_CHAPTER;
		if (style == TX_H_PART) {
			tx_part_word(l, word);
			if (!part)
				memcpy(ctx->outer_part, word, sizeof(word));
			else if (strcmp(word, ctx->outer_part))
				subpart = true;
		}
		if (alone(c, i) && tx_bare_number(l) == next_number)
			next_number++;
		part = part || style == TX_H_PART;
		chapter = chapter || style == TX_H_CHAPTER;
	}
	if (!subpart)
		ctx->outer_part[0] = '\0';
	ctx->number_chapters = next_number > 3;
	if (part)
		heading_level(c, TX_H_PART, 1);
	if (subpart)
		heading_level(c, TX_H_SUBPART, 1);
	if (chapter || ctx->number_chapters)
		heading_level(c, TX_H_CHAPTER, 1);
}

int tx_classify(tx_ctx *ctx)
{
	cls c;
	memset(&c, 0, sizeof(c));
	c.ctx = ctx;
	c.n = ctx->nlines;
	int rc = compute_runs(&c);
	c.toc = calloc(c.n ? c.n : 1, 1);
	if (rc == 0 && !c.toc)
		rc = GALLEY_ENOMEM;
	if (rc == 0)
		rc = find_title(&c);
	if (rc == 0)
		rc = tx_find_contents(ctx, c.toc);
	if (rc == 0)
		reserve_book_levels(&c);
	c.blank_before = true;
	while (rc == 0 && c.i < c.n) {
		if (is_gap(&c, c.i)) {
			c.blank_before = true;
			c.i++;
			continue;
		}
		size_t at = c.i;
		classify_one(&c);
		if (c.i <= at) {
			rc = GALLEY_ENOMEM; /* emit() failed */
			break;
		}
		c.blank_before = false;
	}
	free(c.runs);
	free(c.toc);
	if (rc)
		return galley_error_set(ctx->err, rc, NULL, 0, 0, "out of memory");
	return 0;
}
