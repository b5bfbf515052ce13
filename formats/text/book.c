/*
 * book.c - the shapes of a book's structure, for classify.c: lines naming a
 * part or a chapter ("BOOK ONE", "CHAPTER 12.", "Stave III:", "FIRST ACT",
 * "IV. The Preparation"), the unnumbered sections before and after the
 * chapters (PREFACE, ETYMOLOGY., Epilogue, APPENDIX), and the table of
 * contents that lists them.
 *
 * A table of contents is found before the classifying pass, in one linear
 * scan: a chain of three or more chapter or section lines, each within a few
 * short lines of the one before, is a contents list and never headings (its
 * entries are the same lines as the chapters' headings, only closer
 * together). A chapter's heading is followed by its text.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unictype.h>

#include "text.h"

static bool word_in(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == n && strncasecmp(s, *words, n) == 0)
			return true;
	return false;
}

static const char *const cardinals[] = {"one",      "two",      "three",   "four",    "five",      "six",
                                        "seven",    "eight",    "nine",    "ten",     "eleven",    "twelve",
                                        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                                        "nineteen", "twenty",   NULL};
static const char *const ordinals[] = {"first",     "second",      "third",      "fourth",     "fifth",
                                       "sixth",     "seventh",     "eighth",     "ninth",      "tenth",
                                       "eleventh",  "twelfth",     "thirteenth", "fourteenth", "fifteenth",
                                       "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth",
                                       "last",      "final",       NULL};

static bool is_roman_upper(const char *s, size_t n)
{
	if (n == 0 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr("IVXLCDM", s[i]))
			return false;
	return true;
}

/* The token after "CHAPTER": digits, a roman numeral, a number word, or "the" before an ordinal. */
static bool is_number_token(const char *t, size_t k)
{
	bool digits = k > 0 && k <= 4;
	for (size_t j = 0; j < k && digits; j++)
		digits = t[j] >= '0' && t[j] <= '9';
	return digits || is_roman_upper(t, k) || word_in(t, k, cardinals) || word_in(t, k, ordinals) ||
	       (k == 3 && strncasecmp(t, "the", 3) == 0);
}

static size_t word_end(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] != ' ' && s[i] != '.' && s[i] != ':' && s[i] != ',' && s[i] != '-' &&
	       !((unsigned char)s[i] == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80))
		i++;
	return i;
}

static int unit_style(const char *s, size_t n)
{
	static const char *const parts[] = {"book", "part", "volume", "act", NULL};
	static const char *const chapters[] = {"chapter", "letter", "stave", "canto", "scene", NULL};
	if (n < 3 || !uc_is_upper((uint32_t)(unsigned char)s[0]))
		return TX_H_NONE;
	return word_in(s, n, parts) ? TX_H_PART : word_in(s, n, chapters) ? TX_H_CHAPTER : TX_H_NONE;
}

int tx_chapter_style(const tx_line *l)
{
	const char *s = l->s;
	size_t n = l->len;
	if (l->marker == TX_MARK_BULLET || l->rule || n > 80 || n == 0)
		return TX_H_NONE;
	size_t bare = n;
	while (bare > 0 && (s[bare - 1] == '.' || s[bare - 1] == ':'))
		bare--;
	if (is_roman_upper(s, bare))
		return TX_H_CHAPTER;
	size_t w = word_end(s, n, 0);
	int style = unit_style(s, w);
	if (style) {
		/* CHAPTER 12, Book the First--Recalled to Life, Stave III: */
		size_t t = w;
		while (t < n && s[t] == ' ')
			t++;
		if (t == w || t >= n)
			return TX_H_NONE;
		size_t e = word_end(s, n, t);
		if (e < n && s[e] == ',')
			return TX_H_NONE; /* "Part II, The Country of the Saints, deals with": a sentence */
		return is_number_token(s + t, e - t) ? style : TX_H_NONE;
	}
	/* FIRST ACT, SECOND PART: an ordinal before the unit, and nothing after it */
	if (!word_in(s, w, ordinals) || w >= n || s[w] != ' ')
		return TX_H_NONE;
	size_t u = w + 1, ue = word_end(s, n, u);
	style = unit_style(s + u, ue - u);
	return style && ue >= bare ? style : TX_H_NONE;
}

void tx_part_word(const tx_line *l, char out[static 12])
{
	size_t w = word_end(l->s, l->len, 0), len = 0;
	out[0] = '\0';
	if (tx_chapter_style(l) != TX_H_PART || unit_style(l->s, w) != TX_H_PART)
		return;
	for (size_t i = 0; i < w && len < 11; i++)
		out[len++] = (char)(l->s[i] >= 'A' && l->s[i] <= 'Z' ? l->s[i] | 0x20 : l->s[i]);
	out[len] = '\0';
}

int tx_bare_number(const tx_line *l)
{
	size_t n = l->len;
	if (n > 0 && l->s[n - 1] == '.')
		n--;
	if (n == 0 || n > 3 || l->marker == TX_MARK_BULLET)
		return 0;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (l->s[i] < '0' || l->s[i] > '9')
			return 0;
		v = v * 10 + (l->s[i] - '0');
	}
	return v;
}

bool tx_roman_titled(const tx_line *l)
{
	const char *s = l->s;
	size_t n = l->len, k = 0;
	while (k < n && k < 8 && s[k] && strchr("IVXLCDM", s[k]))
		k++;
	if (k == 0 || k + 2 >= n || s[k] != '.' || s[k + 1] != ' ' || l->chars > 80 || l->words > 14)
		return false;
	uint32_t first;
	tx_char(s + k + 2, n - k - 2, &first);
	return uc_is_upper(first) && l->last_bare != ',' && l->last_bare != ';' && l->last_bare != ':';
}

/*
 * PREFACE, ETYMOLOGY., THE PREFACE, Epilogue, POPE'S PREFACE TO THE ILIAD,
 * EXTRACTS (Supplied by a Sub-Sub-Librarian)., LETTER FROM WENDELL PHILLIPS:
 * a section word first (or after a possessive), on a short line.
 */
bool tx_section_line(const tx_line *l)
{
	static const char *const words[] = {
	    "preface",          "introduction", "etymology", "extracts",  "epilogue",   "prologue",
	    "appendix",         "dedication",   "foreword",  "afterword", "postscript", "conclusion",
	    "contents",         "glossary",     "index",     "notes",     "footnotes",  "acknowledgments",
	    "acknowledgements", "bibliography", "envoi",     "l'envoi",   NULL};
	const char *s = l->s;
	size_t n = l->len;
	if (l->marker || l->rule || l->chars > 60 || l->words > 8 || n == 0 ||
	    !uc_is_upper((uint32_t)(unsigned char)s[0]))
		return false;
	if (l->last_bare == ',' || l->last_bare == ';' || l->last_bare == ':' || l->last_bare == '?' ||
	    l->last_bare == '!')
		return false;
	size_t w = word_end(s, n, 0);
	if (w == 3 && strncasecmp(s, "the", 3) == 0 && w + 1 < n) {
		size_t t = w + 1;
		return word_in(s + t, word_end(s, n, t) - t, words);
	}
	if (word_in(s, w, words))
		return w == n || s[w] == '.' || s[w] == ' ' || s[w] == ':';
	if (w >= 3 && (!strncmp(s + w - 2, "'S", 2) || !strncmp(s + w - 2, "'s", 2)) && w + 1 < n) {
		size_t t = w + 1;
		return word_in(s + t, word_end(s, n, t) - t, words);
	}
	/* "LETTER FROM ..." and "LETTER TO ...": a letter set before the text, as in a slave narrative */
	if (w == 6 && !strncasecmp(s, "letter", 6) && w + 1 < n) {
		size_t t = w + 1, e = word_end(s, n, t);
		return (e - t == 4 && !strncasecmp(s + t, "from", 4)) ||
		       (e - t == 2 && !strncasecmp(s + t, "to", 2));
	}
	return false;
}

/* An entry of a contents list; the list's own heading (CONTENTS) is not one. */
static bool is_entry(const tx_line *l)
{
	if (l->blank || l->skip)
		return false;
	if (tx_chapter_style(l) || tx_roman_titled(l))
		return true;
	return tx_section_line(l) && strncasecmp(l->s, "contents", 8) != 0 &&
	       strncasecmp(l->s, "table of", 8) != 0;
}

/* What names an entry, in lower case: "chapter i", "book one", "iv", "etymology". */
static void entry_key(const tx_line *l, char key[static 32])
{
	const char *s = l->s;
	size_t n = l->len, w = word_end(s, n, 0), len = 0;
	size_t end = w;
	if (unit_style(s, w) && w + 1 < n) {
		size_t t = w;
		while (t < n && s[t] == ' ')
			t++;
		end = word_end(s, n, t);
	}
	for (size_t i = 0; i < end && len < 31; i++)
		key[len++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] | 0x20 : s[i]);
	key[len] = '\0';
}

/* Marks lines [from, to] as the table of contents. */
static void mark(uint8_t *toc, size_t from, size_t to)
{
	for (size_t k = from; k <= to; k++)
		toc[k] = 1;
}

/* The kind of an entry, to tell a list (CHAPTER I, CHAPTER II) from a book's opening (PART I, BOOK I, CHAPTER
 * I). */
static void entry_kind(const tx_line *l, char kind[static 16])
{
	size_t w = word_end(l->s, l->len, 0), len = 0;
	if (!tx_chapter_style(l) && !unit_style(l->s, w)) {
		strcpy(kind, tx_section_line(l) ? "#section" : "#roman");
		return;
	}
	for (size_t i = 0; i < w && len < 15; i++)
		kind[len++] = (char)(l->s[i] >= 'A' && l->s[i] <= 'Z' ? l->s[i] | 0x20 : l->s[i]);
	kind[len] = '\0';
}

typedef struct chain {
	size_t first, last, entries, last_gap, repeats;
	uint32_t between;
	char first_key[32], kind[16];
} chain;

/* Does line i (an entry or not) end the chain? */
static bool chain_ends(const tx_ctx *ctx, const chain *ch, size_t i, bool entry, const char *key)
{
	enum { MAX_GAP = 7, MAX_BETWEEN = 3 };
	const tx_line *l = &ctx->lines[i];
	size_t gap = i - ch->last, usual = 2 * ch->last_gap > 3 ? 2 * ch->last_gap : 3;
	uint32_t wide = ctx->wrap ? ctx->wrap : 72;
	if (entry && !strcmp(key, ch->first_key))
		return true; /* the text begins with the list's first entry again */
	if (gap > MAX_GAP || ch->between > MAX_BETWEEN)
		return true;
	if (ch->entries >= 2 && gap > usual && (entry || gap > usual + 1))
		return true; /* much further apart than the entries before */
	/* a paragraph of prose (a full line after a blank one, ending a sentence or wrapped onto the next);
	 * under an entry, a full line is its title going on */
	bool wrapped_on = i + 1 < ctx->nlines && !ctx->lines[i + 1].blank && !ctx->lines[i + 1].skip;
	return !entry && !l->blank && l->width * 10 > wide * 9 &&
	       (tx_is_sentence_end(l->last_bare) || wrapped_on) && i > 0 && ctx->lines[i - 1].blank;
}

static void close_chain(tx_ctx *ctx, const chain *ch, uint8_t *toc)
{
	enum { MIN_ENTRIES = 3 };
	if (ch->entries < MIN_ENTRIES || ch->repeats == 0)
		return;
	size_t end = ch->last;
	while (end + 1 < ctx->nlines && end + 1 < ch->last + ch->last_gap && !is_entry(&ctx->lines[end + 1]))
		end++;
	while (end > ch->last && ctx->lines[end].blank)
		end--;
	mark(toc, ch->first, end);
	tx_note(
	    ctx, ctx->lines[ch->first].no,
	    "a table of contents (kept as lines, not headings), because %zu chapter lines follow one another with "
	    "no text between",
	    ch->entries);
}

/*
 * Between two entries of a contents list come at most three short lines
 * (an entry's title, a page number) and a few blank lines, never much more
 * than between the two before; a list ends where its first entry comes
 * again (the text begins with the same chapter line), and some entry in it
 * is of the kind of the one before (PART I, BOOK I, CHAPTER I opening a
 * book is no list). The last entry keeps as many lines after it as the one
 * before it had.
 */
int tx_find_contents(tx_ctx *ctx, uint8_t *toc)
{
	chain ch;
	char key[32] = "", kind[16] = "";
	memset(&ch, 0, sizeof(ch));
	for (size_t i = 0; i <= ctx->nlines; i++) {
		const tx_line *l = i < ctx->nlines ? &ctx->lines[i] : NULL;
		bool entry = l && is_entry(l);
		if (entry) {
			entry_key(l, key);
			entry_kind(l, kind);
		}
		if (ch.entries && l && !entry && !l->blank && !l->skip)
			ch.between++;
		if (ch.entries && (!l || chain_ends(ctx, &ch, i, entry, key))) {
			close_chain(ctx, &ch, toc);
			ch.entries = 0;
		}
		if (!entry)
			continue;
		if (!ch.entries) {
			memset(&ch, 0, sizeof(ch));
			ch.first = i;
			memcpy(ch.first_key, key, sizeof(key));
		} else {
			ch.last_gap = i - ch.last;
			ch.repeats += !strcmp(kind, ch.kind);
		}
		memcpy(ch.kind, kind, sizeof(kind));
		ch.entries++;
		ch.last = i;
		ch.between = 0;
	}
	return 0;
}
