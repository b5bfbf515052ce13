/*
 * atoms.c - a paragraph's styled text as the line breaker's atoms: boxes of
 * shaped glyphs, glue and penalties.
 *
 * Break opportunities come from the Unicode line breaking algorithm
 * (libunibreak); spaces become glue; between ideographs a glue that only
 * stretches lets CJK lines be justified. Each stretch between break
 * opportunities is cut where its style, face or bidi level changes, and
 * each piece is shaped whole (HarfBuzz, cached per document); hyphenation
 * and emergency cut points split a piece into boxes that share its glyphs,
 * where HarfBuzz says a break leaves the shaping unchanged. Bidi levels come
 * from FriBidi; lines are reordered when drawn.
 */
#include <ctype.h>
#include <fribidi.h>
#include <linebreak.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unictype.h>
#include <unigbrk.h>

#include "pdf.h"
#include "typography.h"

#define CJK_STRETCH 0.15f /* of the size: inter-character glue of justified CJK */

/* a word's break points: a hyphenation point (near the word's start, in a name), or anywhere */
enum { CUT_NONE, CUT_HYPHEN, CUT_HYPHEN_SHORT, CUT_HYPHEN_NAME, CUT_ANY };

/* Grows *ptr (of *cap items of `size` bytes) to hold `need` items, doubling. */
int pdf_grow(void **ptr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	void *np = realloc(*ptr, ncap * size);
	if (!np)
		return GALLEY_ENOMEM;
	*ptr = np;
	*cap = ncap;
	return 0;
}

static int put_bytes(pdf_para *p, const char *s, size_t n)
{
	if (pdf_grow((void **)&p->text, &p->cap, p->len + n + 1, 1))
		return GALLEY_ENOMEM;
	memcpy(p->text + p->len, s, n);
	p->len += n;
	p->text[p->len] = '\0';
	return 0;
}

int pdf_para_add(pdf_engine *e, pdf_para *p, const char *text, size_t len, uint16_t style)
{
	(void)e;
	if (p->nruns == 0 || p->runs[p->nruns - 1].style != style) {
		if (pdf_grow((void **)&p->runs, &p->runcap, p->nruns + 1, sizeof(pdf_run)))
			return GALLEY_ENOMEM;
		p->runs[p->nruns++] = (pdf_run){(uint32_t)p->len, style};
	}
	size_t i = 0, clean = 0;
	while (i < len) {
		size_t at = i;
		uint32_t c = pdf_utf8_next(text, len, &i);
		const char *sub = NULL;
		if (c == '\t' || c == '\r' || (c < 0x20 && c != '\n') || c == 0x7F)
			sub = " ";
		else if (c == 0xFFFE || c == 0xFFFF || (c == 0xFFFD && i - at == 1))
			sub = "\xEF\xBF\xBD"; /* libunibreak takes U+FFFF for the end of the text */
		if (!sub)
			continue;
		if (put_bytes(p, text + clean, at - clean) || put_bytes(p, sub, strlen(sub)))
			return GALLEY_ENOMEM;
		clean = i;
	}
	return put_bytes(p, text + clean, len - clean);
}

static bool joins_previous(uint32_t c)
{
	if (c < 0x300)
		return false; /* the first combining marks; most text has none */
	return c == 0x200C || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF) ||
	       uc_is_general_category(c, UC_CATEGORY_M);
}

size_t pdf_face_run(pdf_fonts *f, int main_face, const char *text, size_t len, size_t i, int *face)
{
	*face = pdf_fonts_resolve(f, main_face, pdf_utf8_next(text, len, &i));
	while (i < len) {
		size_t n = i;
		uint32_t c = pdf_utf8_next(text, len, &n);
		/* a mark stays with its base when that face has it; joiners and selectors always do */
		bool ignorable = c == 0x200C || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F) ||
		                 (c >= 0xE0100 && c <= 0xE01EF);
		/* punctuation and spaces stay in the run's face when it has them (an Arabic comma in Naskh)
		 */
		bool neutral = !uc_is_alpha(c) && c >= 0x20 && pdf_fonts_has(f, *face, c);
		if (!neutral && !(joins_previous(c) && (ignorable || pdf_fonts_has(f, *face, c))) &&
		    pdf_fonts_resolve(f, main_face, c) != *face)
			break;
		i = n;
	}
	return i;
}

float pdf_text_width(pdf_engine *e, const char *text, size_t len, uint16_t style)
{
	const pdf_style *st = &e->res.styles[style];
	float w = 0;
	for (size_t i = 0; i < len;) {
		int face;
		size_t t = pdf_face_run(&e->fonts, st->face, text, len, i, &face);
		const pdf_shaped *sh = pdf_shape(&e->fonts, face, text + i, t - i, false);
		if (sh)
			w += pdf_shaped_width(&e->fonts, sh, 0, sh->nglyphs, st->size);
		i = t;
	}
	return w;
}

/* ---- building ------------------------------------------------------- */

typedef struct builder {
	pdf_engine *e;
	pdf_para *p;
	float width; /* the measure */
	bool hyphenate;
	size_t run; /* current style run */
	uint8_t *cuts;
	uint8_t *levels; /* NULL: all left to right */
} builder;

static pdf_atom *push_atom(pdf_para *p, uint8_t type)
{
	if (pdf_grow((void **)&p->atoms, &p->atomcap, p->natoms + 1, sizeof(pdf_atom)))
		return NULL;
	pdf_atom *a = &p->atoms[p->natoms++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

static int push_penalty(pdf_para *p, int penalty, float width, uint8_t flagged, uint16_t style)
{
	pdf_atom *a = push_atom(p, PDF_PENALTY);
	if (!a)
		return GALLEY_ENOMEM;
	a->penalty = (int16_t)(penalty > PDF_INF_PENALTY    ? PDF_INF_PENALTY
	                       : penalty < -PDF_INF_PENALTY ? -PDF_INF_PENALTY
	                                                    : penalty);
	a->width = width;
	a->flagged = flagged;
	a->style = style;
	return 0;
}

static int push_glue(pdf_para *p, float w, float stretch, float shrink, bool fil, uint16_t style)
{
	pdf_atom *a = push_atom(p, PDF_GLUE);
	if (!a)
		return GALLEY_ENOMEM;
	a->width = w;
	a->stretch = stretch;
	a->shrink = shrink;
	a->fil = fil;
	a->style = style;
	return 0;
}

static uint16_t style_at(builder *b, size_t off)
{
	const pdf_para *p = b->p;
	if (b->run >= p->nruns || p->runs[b->run].off > off)
		b->run = 0;
	while (b->run + 1 < p->nruns && p->runs[b->run + 1].off <= off)
		b->run++;
	return p->nruns ? p->runs[b->run].style : 0;
}

static uint8_t level_at(const builder *b, size_t off) { return b->levels ? b->levels[off] : 0; }

static bool is_space(uint32_t c) { return c == ' ' || c == 0x2002 || c == 0x2003 || c == 0x2009; }

static bool is_hyphen_like(uint32_t c) { return c == '-' || c == 0x2010 || c == 0x2013 || c == 0x2014; }

/* Ideographs, kana and the like: lines may break between any two, and justification spreads them. */
static bool is_cjk(uint32_t c)
{
	return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0xFF00 && c <= 0xFF60) || (c >= 0x20000 && c <= 0x3FFFF);
}

/* Width of one character shaped alone (spaces, hyphens). */
static float char_width(pdf_engine *e, uint16_t style, int face, const char *s, size_t len)
{
	const pdf_shaped *sh = pdf_shape(&e->fonts, face, s, len, false);
	return sh ? pdf_shaped_width(&e->fonts, sh, 0, sh->nglyphs, e->res.styles[style].size) : 0;
}

/* Marks the hyphenation points of the letters inside [s, t). */
static void mark_hyphens(builder *b, size_t s, size_t t)
{
	const char *text = b->p->text;
	for (size_t i = s; i < t;) {
		if (b->e->res.styles[style_at(b, i)].flags & PDF_ST_NOHYPH)
			return;
		pdf_utf8_next(text, t, &i);
	}
	/* the word proper: letters between leading and trailing punctuation */
	size_t ws = s, we = t;
	while (ws < t) {
		size_t n = ws;
		if (uc_is_alpha(pdf_utf8_next(text, t, &n)))
			break;
		ws = n;
	}
	for (size_t i = ws; i < t;) {
		size_t at = i;
		uint32_t c = pdf_utf8_next(text, t, &i);
		if (!uc_is_alpha(c) || is_cjk(c)) {
			we = at;
			break;
		}
	}
	/* words with digits or inner punctuation (URLs, identifiers) are left whole */
	for (size_t i = we; i < t;) {
		uint32_t c = pdf_utf8_next(text, t, &i);
		if (uc_is_alpha(c) || uc_is_digit(c) || c == '/' || c == '_' || c == '@')
			return;
	}
	if (we > ws && pdf_hyphenate(b->e->hyph, text + ws, we - ws, b->cuts + ws)) {
		/* a capital first letter: a name, hyphenated only when nothing else works */
		size_t n = ws;
		bool name = uc_is_upper(pdf_utf8_next(text, we, &n));
		size_t letters = 0;
		for (size_t i = ws; i < we; i++) {
			if (b->cuts[i])
				b->cuts[i] = name          ? CUT_HYPHEN_NAME
				             : letters < 3 ? CUT_HYPHEN_SHORT
				                           : CUT_HYPHEN;
			letters += ((unsigned char)text[i] & 0xC0) != 0x80;
		}
	}
}

/* Any grapheme boundary may break a word wider than the line, except before punctuation. */
static void mark_graphemes(builder *b, size_t s, size_t t)
{
	size_t n = t - s;
	if (pdf_grow((void **)&b->e->para.gscratch, &b->e->para.gscratchcap, n, 1))
		return;
	char *brk = (char *)b->e->para.gscratch;
	const char *text = b->p->text;
	u8_grapheme_breaks((const uint8_t *)text + s, n, brk);
	for (size_t i = 1; i < n; i++) {
		if (!brk[i] || b->cuts[s + i])
			continue;
		size_t k = s + i;
		uint32_t c = pdf_utf8_next(text, t, &k);
		if (uc_is_alnum(c))
			b->cuts[s + i] = CUT_ANY;
	}
}

/* End of the piece from `i` in one style, face and bidi level; fills them in. */
static size_t piece_end(builder *b, size_t i, size_t t, uint16_t *style, int *face, uint8_t *level)
{
	const pdf_para *p = b->p;
	*style = style_at(b, i);
	*level = level_at(b, i);
	size_t end = pdf_face_run(&b->e->fonts, b->e->res.styles[*style].face, p->text, t, i, face);
	for (size_t k = i + 1; k < end; k++)
		if (style_at(b, k) != *style || level_at(b, k) != *level)
			return k;
	return end;
}

static float segment_width(builder *b, size_t s, size_t t)
{
	float w = 0;
	for (size_t i = s; i < t;) {
		uint16_t st;
		int face;
		uint8_t level;
		size_t end = piece_end(b, i, t, &st, &face, &level);
		const pdf_shaped *sh = pdf_shape(&b->e->fonts, face, b->p->text + i, end - i, level & 1);
		if (sh)
			w += pdf_shaped_width(&b->e->fonts, sh, 0, sh->nglyphs, b->e->res.styles[st].size);
		i = end;
	}
	return w;
}

static int push_box(builder *b, const pdf_shaped *sh, uint32_t g0, uint32_t g1, uint16_t style, uint8_t level)
{
	pdf_atom *box = push_atom(b->p, PDF_BOX);
	if (!box)
		return GALLEY_ENOMEM;
	box->style = style;
	box->face = sh->face;
	box->level = level;
	box->sh = sh;
	box->g0 = g0;
	box->g1 = g1;
	box->width = pdf_shaped_width(&b->e->fonts, sh, g0, g1, b->e->res.styles[style].size);
	return 0;
}

/*
 * Where a cut before byte `c` of a shaped run divides its glyphs: the first
 * glyph of the part that follows in visual order, or -1 when the cut would
 * fall inside a cluster or change the shaping.
 */
static long glyph_cut(const pdf_shaped *sh, uint32_t lo, uint32_t hi, uint32_t c)
{
	/* searched from the side the text before the cut lies on, so each glyph is passed once */
	uint32_t k;
	const pdf_glyph *first;
	if (sh->rtl) {
		for (k = hi; k > lo && sh->glyphs[k - 1].cluster < c; k--)
			;
		if (k == lo)
			return -1;
		first = &sh->glyphs[k - 1];
	} else {
		for (k = lo; k < hi && sh->glyphs[k].cluster < c; k++)
			;
		if (k == hi)
			return -1;
		first = &sh->glyphs[k];
	}
	return first->cluster == c && !first->unsafe ? (long)k : -1;
}

static int cut_penalty(builder *b, uint8_t cut, int face, uint16_t style)
{
	float hw = 0;
	bool hyphen = cut != CUT_ANY;
	if (hyphen)
		hw = char_width(b->e, style, pdf_fonts_resolve(&b->e->fonts, face, '-'), "-", 1);
	int penalty = !hyphen ? pdf_typo.emergency_cut_penalty
	                      : pdf_typo.hyphen_penalty +
	                            (cut == CUT_HYPHEN_SHORT ? pdf_typo.short_fragment_penalty : 0);
	uint8_t flag = !hyphen ? 0 : PDF_FLAG_HYPHENATION | (cut == CUT_HYPHEN_NAME ? PDF_FLAG_NAME : 0);
	return push_penalty(b->p, penalty, hw, flag, style);
}

/* Boxes for the piece [s, t), divided at its cut points; `after_box` when a box of the stretch precedes. */
static int emit_piece(builder *b, size_t s, size_t t, uint16_t st, int face, uint8_t level, bool after_box)
{
	const pdf_shaped *sh = pdf_shape(&b->e->fonts, face, b->p->text + s, t - s, level & 1);
	if (!sh)
		return GALLEY_ENOMEM;
	if (after_box && b->cuts[s] && cut_penalty(b, b->cuts[s], sh->face, st))
		return GALLEY_ENOMEM;
	uint32_t lo = 0, hi = sh->nglyphs;
	for (size_t i = s + 1; i < t; i++) {
		if (!b->cuts[i])
			continue;
		long k = glyph_cut(sh, lo, hi, (uint32_t)(i - s));
		if (k < 0)
			continue;
		int rc = sh->rtl ? push_box(b, sh, (uint32_t)k, hi, st, level)
		                 : push_box(b, sh, lo, (uint32_t)k, st, level);
		if (rc || cut_penalty(b, b->cuts[i], sh->face, st))
			return GALLEY_ENOMEM;
		if (sh->rtl)
			hi = (uint32_t)k;
		else
			lo = (uint32_t)k;
	}
	return push_box(b, sh, lo, hi, st, level);
}

/* Boxes for the unbreakable stretch [s, t). */
static int emit_segment(builder *b, size_t s, size_t t)
{
	memset(b->cuts + s, 0, t - s);
	if (b->hyphenate)
		mark_hyphens(b, s, t);
	/* measured only when it might not fit: no glyph is wider than two ems */
	if ((float)(t - s) * b->e->res.styles[style_at(b, s)].size * 2.0f > b->width &&
	    segment_width(b, s, t) > b->width)
		mark_graphemes(b, s, t);
	for (size_t i = s; i < t;) {
		uint16_t st;
		int face;
		uint8_t level;
		size_t end = piece_end(b, i, t, &st, &face, &level);
		int rc = emit_piece(b, i, end, st, face, level, i > s);
		if (rc)
			return rc;
		i = end;
	}
	return 0;
}

/*
 * TeX's space factor, for stretch and shrink only (the space keeps its
 * width, as with \frenchspacing): a space after a sentence stretches three
 * times as readily as one between words, after a colon twice, a semicolon
 * one and a half, a comma a quarter more, and shrinks as much less. Closing
 * quotes and brackets pass the factor of what they close on.
 */
static float space_factor(const char *text, size_t at)
{
	size_t i = at;
	while (i > 0) {
		size_t k = i - 1;
		while (k > 0 && ((unsigned char)text[k] & 0xC0) == 0x80)
			k--;
		size_t n = k;
		uint32_t c = pdf_utf8_next(text, at, &n);
		i = k;
		switch (c) {
		case ')':
		case ']':
		case '"':
		case '\'':
		case 0x2019: /* ’ */
		case 0x201D: /* ” */
		case 0xBB:   /* » */
			continue;
		case '.':
		case '?':
		case '!':
			return 3.0f;
		case ':':
			return 2.0f;
		case ';':
			return 1.5f;
		case ',':
			return 1.25f;
		default:
			return 1.0f;
		}
	}
	return 1.0f;
}

/*
 * Titles that stand before a name and end in a stop that ends no sentence:
 * the space after them is an ordinary one that does not break ("Mr. Darcy").
 */
static bool after_title(const char *text, size_t at, const char *lang)
{
	static const struct {
		const char *lang; /* a language tag's first letters */
		const char *words;
	} titles[] = {
	    {"en",
	     "|Mr.|Mrs.|Ms.|Mx.|Dr.|St.|Mr|Mrs|Ms|Dr|Prof.|Rev.|Messrs.|Hon.|Capt.|Col.|Gen.|Lt.|Sgt.|"},
	    {"de", "|Dr.|Hr.|Fr.|Prof.|St.|Nr.|"},
	    {"fr", "|M.|MM.|Mme|Mlle|Mmes|Dr|Pr|St|Me|"},
	};
	size_t s = at;
	while (s > 0 && text[s - 1] != ' ' && text[s - 1] != '\n' && at - s < 8)
		s--;
	if (s == at || at - s >= 8 || (s > 0 && text[s - 1] != ' ' && text[s - 1] != '\n'))
		return false;
	char word[12];
	snprintf(word, sizeof(word), "|%.*s|", (int)(at - s), text + s);
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strncasecmp(lang, titles[i].lang, 2) == 0 && strstr(titles[i].words, word))
			return true;
	return false;
}

static int emit_space(builder *b, size_t at, bool nobreak)
{
	pdf_para *p = b->p;
	uint16_t st = style_at(b, at);
	if (p->natoms && p->atoms[p->natoms - 1].type == PDF_GLUE && !nobreak)
		return 0;
	float w =
	    char_width(b->e, st, pdf_fonts_resolve(&b->e->fonts, b->e->res.styles[st].face, ' '), " ", 1);
	bool justify = p->align == PDF_ALIGN_JUSTIFY;
	bool title = after_title(p->text, at, b->e->set.lang);
	if ((nobreak || title) && push_penalty(p, PDF_INF_PENALTY, 0, 0, st))
		return GALLEY_ENOMEM;
	float sf = justify && !title ? space_factor(p->text, at) : 1.0f;
	float stretch = w * (float)pdf_typo.space_stretch, shrink = w * (float)pdf_typo.space_shrink;
	int rc = push_glue(p, w, justify ? stretch * sf : 0, justify ? shrink / sf : 0, false, st);
	if (rc == 0)
		p->atoms[p->natoms - 1].level = level_at(b, at);
	return rc;
}

static int end_line_atoms(pdf_para *p, int penalty)
{
	while (p->natoms && p->atoms[p->natoms - 1].type == PDF_GLUE)
		p->natoms--;
	if (push_penalty(p, PDF_INF_PENALTY, 0, 0, 0) || push_glue(p, 0, 0, 0, true, 0) ||
	    push_penalty(p, penalty, 0, 0, 0))
		return GALLEY_ENOMEM;
	return 0;
}

/* What follows a stretch that ends at a break opportunity with no space after it. */
static int emit_break(builder *b, size_t t, uint32_t last)
{
	pdf_para *p = b->p;
	size_t n = t;
	uint32_t d = pdf_utf8_next(p->text, p->len, &n);
	if (is_space(d) || d == '\n')
		return 0;
	if (is_cjk(last) || is_cjk(d)) {
		/* between ideographs: a break at no cost, and room to spread a justified line */
		uint16_t st = style_at(b, t);
		float stretch = p->align == PDF_ALIGN_JUSTIFY ? b->e->res.styles[st].size * CJK_STRETCH : 0;
		int rc = push_glue(p, 0, stretch, 0, false, st);
		if (rc == 0)
			p->atoms[p->natoms - 1].level = level_at(b, t);
		return rc;
	}
	return push_penalty(p, pdf_typo.explicit_penalty, 0, is_hyphen_like(last) ? PDF_FLAG_EXPLICIT : 0, 0);
}

/* Characters that make a paragraph need the bidi algorithm at all. */
static bool needs_bidi(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch < 0xD6)
			continue; /* below U+0590, or a continuation byte */
		size_t k = i;
		uint32_t c = pdf_utf8_next(text, len, &k);
		if ((c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) ||
		    (c >= 0xFE70 && c <= 0xFEFF) || (c >= 0x10800 && c <= 0x10FFF) ||
		    (c >= 0x1E800 && c <= 0x1EFFF) || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
		    (c >= 0x2066 && c <= 0x2069) || c == 0x061C)
			return true;
		i = k - 1;
	}
	return false;
}

/* Bidi levels per byte (FriBidi, paragraph direction from its first strong character). */
static int bidi_levels(builder *b)
{
	pdf_engine *e = b->e;
	pdf_para *p = b->p;
	p->rtl = false;
	b->levels = NULL;
	if (!needs_bidi(p->text, p->len))
		return 0;
	size_t n = 0;
	FriBidiChar *u = malloc((p->len + 1) * (sizeof(FriBidiChar) + sizeof(FriBidiCharType) +
	                                        sizeof(FriBidiBracketType) + sizeof(FriBidiLevel)));
	if (!u || pdf_grow((void **)&e->para.levels, &e->para.levelcap, p->len + 1, 1)) {
		free(u);
		return GALLEY_ENOMEM;
	}
	for (size_t i = 0; i < p->len; n++)
		u[n] = pdf_utf8_next(p->text, p->len, &i);
	FriBidiCharType *types = (FriBidiCharType *)(u + p->len + 1);
	FriBidiBracketType *brackets = (FriBidiBracketType *)(types + p->len + 1);
	FriBidiLevel *lv = (FriBidiLevel *)(brackets + p->len + 1);
	fribidi_get_bidi_types(u, (FriBidiStrIndex)n, types);
	fribidi_get_bracket_types(u, (FriBidiStrIndex)n, types, brackets);
	/* the first strong character decides; without one, the document's language */
	static const char *const rtl_langs[] = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "syr"};
	FriBidiParType base = FRIBIDI_PAR_ON;
	for (size_t k = 0; e->set.lang && k < sizeof(rtl_langs) / sizeof(rtl_langs[0]); k++) {
		size_t tag = strlen(rtl_langs[k]);
		if (strncmp(e->set.lang, rtl_langs[k], tag) == 0 && !isalpha((unsigned char)e->set.lang[tag]))
			base = FRIBIDI_PAR_WRTL;
	}
	if (!fribidi_get_par_embedding_levels_ex(types, brackets, (FriBidiStrIndex)n, &base, lv))
		memset(lv, 0, n * sizeof(*lv));
	p->rtl = FRIBIDI_IS_RTL(base);
	size_t k = 0;
	for (size_t i = 0; i < p->len; k++) {
		size_t at = i;
		pdf_utf8_next(p->text, p->len, &i);
		memset(e->para.levels + at, (uint8_t)lv[k], i - at);
	}
	free(u);
	b->levels = e->para.levels;
	return 0;
}

/*
 * A break after a hyphen that follows no letter or digit ("--option", "-5")
 * would leave the hyphen standing alone: none there.
 */
static bool hyphen_breaks(const char *text, size_t hyphen_at)
{
	if (hyphen_at == 0)
		return false;
	size_t k = hyphen_at - 1;
	while (k > 0 && ((unsigned char)text[k] & 0xC0) == 0x80)
		k--;
	size_t n = k;
	return uc_is_alnum(pdf_utf8_next(text, hyphen_at, &n));
}

/* One stretch between break opportunities from `i` (its first character at `at`); returns where it ends. */
static size_t stretch_end(const pdf_para *p, const char *brks, size_t at, size_t i, uint32_t *last)
{
	size_t t = i, last_at = at;
	while (t < p->len && ((brks[t - 1] != LINEBREAK_ALLOWBREAK && brks[t - 1] != LINEBREAK_MUSTBREAK) ||
	                      (is_hyphen_like(*last) && !hyphen_breaks(p->text, last_at)))) {
		size_t n = t;
		uint32_t d = pdf_utf8_next(p->text, p->len, &n);
		if (is_space(d) || d == 0xA0 || d == 0x202F || d == '\n')
			break;
		*last = d;
		last_at = t;
		t = n;
	}
	return t;
}

/*
 * An inline image (U+FFFC in a style that names one): a box as tall as the
 * type from descender to ascender, narrowed to the measure if need be.
 */
static int emit_image(builder *b, size_t at)
{
	pdf_engine *e = b->e;
	uint16_t st = style_at(b, at);
	HPDF_Image im = e->res.images[e->res.styles[st].image - 1];
	float iw = (float)HPDF_Image_GetWidth(im), ih = (float)HPDF_Image_GetHeight(im);
	float h = e->res.styles[st].size, w = ih > 0 ? h * iw / ih : h;
	pdf_atom *a = push_atom(b->p, PDF_BOX);
	if (!a)
		return GALLEY_ENOMEM;
	a->width = w < b->width ? w : b->width;
	a->style = st;
	a->level = level_at(b, at);
	return 0;
}

/* Whether the last atom ends a line by force (a hard break, or a display formula's end). */
static bool at_line_start(const pdf_para *p)
{
	if (p->natoms == 0)
		return true;
	const pdf_atom *a = &p->atoms[p->natoms - 1];
	return a->type == PDF_PENALTY && a->penalty <= -PDF_INF_PENALTY;
}

/*
 * A typeset formula (U+FFFC in a PDF_ST_MATH style): inline, one unbreakable
 * box; display, a line of its own with the formula centred between two fil
 * glues, and the spaces and breaks around it dropped (*i moves past them).
 */
static int emit_math(builder *b, size_t at, size_t *i)
{
	pdf_engine *e = b->e;
	pdf_para *p = b->p;
	uint16_t st = style_at(b, at);
	float w, h, d;
	bool display;
	pdf_math_extent(e->res.maths[e->res.styles[st].image - 1], &w, &h, &d, &display);
	if (display && p->indent > 0 && p->natoms == 1)
		p->natoms = 0; /* a paragraph that opens with a display formula: no indent */
	if (display && !at_line_start(p) && end_line_atoms(p, -PDF_INF_PENALTY))
		return GALLEY_ENOMEM;
	if (display && (!push_atom(p, PDF_BOX) || push_glue(p, 0, 0, 0, true, st)))
		return GALLEY_ENOMEM;
	pdf_atom *a = push_atom(p, PDF_BOX);
	if (!a)
		return GALLEY_ENOMEM;
	a->width = w;
	a->style = st;
	a->level = level_at(b, at);
	if (!display) {
		const char *brks = (const char *)e->para.scratch;
		return *i < p->len && brks[*i - 1] == LINEBREAK_ALLOWBREAK ? emit_break(b, *i, 0xFFFC) : 0;
	}
	while (*i < p->len && (p->text[*i] == ' ' || p->text[*i] == '\n'))
		(*i)++;
	return *i < p->len ? end_line_atoms(p, -PDF_INF_PENALTY) : 0;
}

/*
 * The paragraph's atoms: boxes, glue and penalties, with the hyphenation
 * points as flagged penalties when `hyphenate` (a pass that does not
 * hyphenate skips them).
 */
int pdf_atoms_build(pdf_engine *e, pdf_para *p, float width, bool hyphenate)
{
	builder b = {e, p, width, hyphenate && e->hyph && p->hyphenate, 0, NULL, NULL};
	if (pdf_grow((void **)&e->para.scratch, &e->para.scratchcap, p->len * 2 + 2, 1) || bidi_levels(&b))
		return GALLEY_ENOMEM;
	char *brks = (char *)e->para.scratch;
	b.cuts = e->para.scratch + p->len + 1;
	set_linebreaks_utf8((const utf8_t *)p->text, p->len, e->set.lang, brks);
	p->natoms = 0;
	if (p->indent > 0) {
		pdf_atom *a = push_atom(p, PDF_BOX);
		if (!a)
			return GALLEY_ENOMEM;
		a->width = p->indent;
		a->level = p->rtl;
	}
	size_t i = 0;
	while (i < p->len) {
		size_t at = i;
		uint32_t c = pdf_utf8_next(p->text, p->len, &i);
		int rc = 0;
		if (c == 0xFFFC && (e->res.styles[style_at(&b, at)].flags & PDF_ST_MATH)) {
			rc = emit_math(&b, at, &i);
		} else if (c == 0xFFFC && e->res.styles[style_at(&b, at)].image) {
			rc = emit_image(&b, at);
			if (rc == 0 && i < p->len && brks[i - 1] == LINEBREAK_ALLOWBREAK)
				rc = emit_break(&b, i, c);
		} else if (is_space(c))
			rc = emit_space(&b, at, false);
		else if (c == 0xA0 || c == 0x202F)
			rc = emit_space(&b, at, true);
		else if (c == '\n')
			rc = end_line_atoms(p, -PDF_INF_PENALTY);
		else {
			/* an unbreakable stretch ends where a break is allowed after a character */
			uint32_t last = c;
			size_t t = stretch_end(p, brks, at, i, &last);
			rc = emit_segment(&b, at, t);
			i = t;
			if (rc == 0 && t < p->len && brks[t - 1] == LINEBREAK_ALLOWBREAK)
				rc = emit_break(&b, t, last);
		}
		if (rc)
			return rc;
	}
	if (p->math && p->natoms > 0 && at_line_start(p))
		return 0; /* a display formula ended the last line */
	return end_line_atoms(p, -PDF_INF_PENALTY);
}

int pdf_atoms_add_text(pdf_engine *e, pdf_para *p, size_t from, size_t to, uint16_t style)
{
	builder b = {e, p, 1e9f, false, 0, NULL, NULL};
	const pdf_style *st = &e->res.styles[style];
	for (size_t i = from; i < to;) {
		int face;
		size_t t = pdf_face_run(&e->fonts, st->face, p->text, to, i, &face);
		const pdf_shaped *sh = pdf_shape(&e->fonts, face, p->text + i, t - i, false);
		if (!sh || push_box(&b, sh, 0, sh->nglyphs, style, 0))
			return GALLEY_ENOMEM;
		i = t;
	}
	return 0;
}
