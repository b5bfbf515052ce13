/*
 * linebreak.c - a paragraph's styled text as boxes, glue and penalties, and
 * Knuth and Plass's total-fit line breaking over them.
 *
 * Break opportunities come from the Unicode line breaking algorithm
 * (libunibreak); spaces become glue. As in TeX, a paragraph is first set
 * without hyphenation under a strict tolerance; only when that fails are
 * hyphenation points added, then emergency stretch, and last a pass that
 * accepts any badness. A word wider than the line may break between any two
 * graphemes, so no pass ever needs to run text past the margin.
 */
#include <linebreak.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unictype.h>
#include <unigbrk.h>

#include "pdf.h"
#include "typography.h"

#define AWFUL_BADNESS 1e7
#define MAX_HYPHEN_RUN 4

/* a word's break points: a hyphenation point (near the word's start, in a name), or anywhere */
enum { CUT_NONE, CUT_HYPHEN, CUT_HYPHEN_SHORT, CUT_HYPHEN_NAME, CUT_ANY };

uint32_t pdf_utf8_next(const char *s, size_t len, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	size_t left = len - *i;
	uint32_t c = p[0];
	int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
	if (n == 0 || (size_t)n > left) {
		*i += 1;
		return 0xFFFD;
	}
	if (n > 1) {
		c &= 0xFFu >> (n + 1);
		for (int k = 1; k < n; k++) {
			if ((p[k] & 0xC0) != 0x80) {
				*i += 1;
				return 0xFFFD;
			}
			c = (c << 6) | (p[k] & 0x3F);
		}
	}
	*i += (size_t)n;
	return c;
}

static int grow(void **ptr, size_t *cap, size_t need, size_t size)
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
	if (grow((void **)&p->text, &p->cap, p->len + n + 1, 1))
		return GALLEY_ENOMEM;
	memcpy(p->text + p->len, s, n);
	p->len += n;
	p->text[p->len] = '\0';
	return 0;
}

int pdf_para_add(pdf_engine *e, pdf_para *p, const char *text, size_t len, uint16_t style)
{
	if (p->nruns == 0 || p->runs[p->nruns - 1].style != style) {
		if (grow((void **)&p->runs, &p->runcap, p->nruns + 1, sizeof(pdf_run)))
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
		else if (c > 0xFFFD || (c == 0xFFFD && i - at == 1)) {
			/*
			 * libharu's UTF-8 encoder keeps to the BMP; libunibreak takes
			 * U+FFFF for the end of the text (and asserts), and U+FFFE is no
			 * character either
			 */
			if (c > 0xFFFF && !e->nonbmp_reported++)
				galley_report(e->opts, GALLEY_WARNING, 0, 0,
				              "U+%04X and other characters beyond U+FFFF cannot be set in "
				              "PDF; they print "
				              "as U+FFFD",
				              (unsigned)c);
			sub = "\xEF\xBF\xBD";
		}
		if (!sub)
			continue;
		if (put_bytes(p, text + clean, at - clean) || put_bytes(p, sub, strlen(sub)))
			return GALLEY_ENOMEM;
		clean = i;
	}
	return put_bytes(p, text + clean, len - clean);
}

float pdf_text_width(pdf_engine *e, const char *text, size_t len, uint16_t style)
{
	const pdf_style *st = &e->styles[style];
	long w = 0;
	for (size_t i = 0; i < len;) {
		uint32_t c = pdf_utf8_next(text, len, &i);
		w += pdf_fonts_width(&e->fonts, pdf_fonts_resolve(&e->fonts, st->face, c), c);
	}
	return (float)w * st->size / 1000.0f;
}

/* ---- atoms ---------------------------------------------------------- */

typedef struct builder {
	pdf_engine *e;
	pdf_para *p;
	float width; /* the measure */
	bool hyphenate;
	size_t run; /* current style run */
	uint8_t *cuts;
} builder;

static pdf_atom *push_atom(pdf_para *p, uint8_t type)
{
	if (grow((void **)&p->atoms, &p->atomcap, p->natoms + 1, sizeof(pdf_atom)))
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
	a->penalty = (int16_t)(penalty > PDF_INF_PENALTY ? PDF_INF_PENALTY : penalty < -PDF_INF_PENALTY ? -PDF_INF_PENALTY : penalty);
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

static bool is_space(uint32_t c)
{
	return c == ' ' || c == 0x2002 || c == 0x2003 || c == 0x2009;
}

static bool is_hyphen_like(uint32_t c)
{
	return c == '-' || c == 0x2010 || c == 0x2013 || c == 0x2014;
}

static float char_width(builder *b, uint16_t style, int face, uint32_t c)
{
	return (float)pdf_fonts_width(&b->e->fonts, face, c) * b->e->styles[style].size / 1000.0f;
}

/* Marks the hyphenation points of the letters inside [s, t). */
static void mark_hyphens(builder *b, size_t s, size_t t)
{
	const char *text = b->p->text;
	for (size_t i = s; i < t;) {
		if (b->e->styles[style_at(b, i)].flags & PDF_ST_NOHYPH)
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
		if (!uc_is_alpha(pdf_utf8_next(text, t, &i))) {
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
				b->cuts[i] = name ? CUT_HYPHEN_NAME : letters < 3 ? CUT_HYPHEN_SHORT : CUT_HYPHEN;
			letters += ((unsigned char)text[i] & 0xC0) != 0x80;
		}
	}
}

/* Any grapheme boundary may break a word wider than the line, except before punctuation. */
static void mark_graphemes(builder *b, size_t s, size_t t)
{
	size_t n = t - s;
	if (grow((void **)&b->e->gscratch, &b->e->gscratchcap, n, 1))
		return;
	char *brk = (char *)b->e->gscratch;
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

static float segment_width(builder *b, size_t s, size_t t)
{
	float w = 0;
	for (size_t i = s; i < t;) {
		size_t at = i;
		uint32_t c = pdf_utf8_next(b->p->text, t, &i);
		uint16_t st = style_at(b, at);
		w += char_width(b, st, pdf_fonts_resolve(&b->e->fonts, b->e->styles[st].face, c), c);
	}
	return w;
}

/* Boxes for the unbreakable stretch [s, t), split by style, face and cut points. */
static int emit_segment(builder *b, size_t s, size_t t)
{
	pdf_para *p = b->p;
	memset(b->cuts + s, 0, t - s);
	if (b->hyphenate)
		mark_hyphens(b, s, t);
	/* measured only when it might not fit: no glyph is wider than two ems */
	if ((float)(t - s) * b->e->styles[style_at(b, s)].size * 2.0f > b->width && segment_width(b, s, t) > b->width)
		mark_graphemes(b, s, t);
	pdf_atom *box = NULL;
	for (size_t i = s; i < t;) {
		size_t at = i;
		uint32_t c = pdf_utf8_next(p->text, t, &i);
		uint16_t st = style_at(b, at);
		int face = pdf_fonts_resolve(&b->e->fonts, b->e->styles[st].face, c);
		if (b->cuts[at] && box) {
			uint8_t cut = b->cuts[at];
			bool hyphen = cut != CUT_ANY;
			float hw = 0;
			if (hyphen)
				hw = char_width(b, box->style,
				                pdf_fonts_resolve(&b->e->fonts, box->face, '-'), '-');
			int penalty = !hyphen ? pdf_typo.emergency_cut_penalty
			              : pdf_typo.hyphen_penalty +
			                    (cut == CUT_HYPHEN_SHORT ? pdf_typo.short_fragment_penalty : 0);
			uint8_t flag = !hyphen ? 0
			               : PDF_FLAG_HYPHENATION | (cut == CUT_HYPHEN_NAME ? PDF_FLAG_NAME : 0);
			if (push_penalty(p, penalty, hw, flag, box->style))
				return GALLEY_ENOMEM;
			box = NULL;
		}
		if (!box || box->style != st || box->face != face) {
			if (!(box = push_atom(p, PDF_BOX)))
				return GALLEY_ENOMEM;
			box->style = st;
			box->face = (uint8_t)face;
			box->off = (uint32_t)at;
		}
		box->len = (uint32_t)(i - box->off);
		box->width += char_width(b, st, face, c);
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
	    {"en", "|Mr.|Mrs.|Ms.|Mx.|Dr.|St.|Mr|Mrs|Ms|Dr|Prof.|Rev.|Messrs.|Hon.|Capt.|Col.|Gen.|Lt.|Sgt.|"},
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
	float w = char_width(b, st, pdf_fonts_resolve(&b->e->fonts, b->e->styles[st].face, ' '), ' ');
	bool justify = p->align == PDF_ALIGN_JUSTIFY;
	bool title = after_title(p->text, at, b->e->set.lang);
	if ((nobreak || title) && push_penalty(p, PDF_INF_PENALTY, 0, 0, st))
		return GALLEY_ENOMEM;
	float sf = justify && !title ? space_factor(p->text, at) : 1.0f;
	float stretch = w * (float)pdf_typo.space_stretch, shrink = w * (float)pdf_typo.space_shrink;
	return push_glue(p, w, justify ? stretch * sf : 0, justify ? shrink / sf : 0, false, st);
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

static int end_line_atoms(pdf_para *p, int penalty)
{
	while (p->natoms && p->atoms[p->natoms - 1].type == PDF_GLUE)
		p->natoms--;
	if (push_penalty(p, PDF_INF_PENALTY, 0, 0, 0) || push_glue(p, 0, 0, 0, true, 0) ||
	    push_penalty(p, penalty, 0, 0, 0))
		return GALLEY_ENOMEM;
	return 0;
}

static bool is_legal_break(const pdf_para *p, size_t i);

/*
 * The paragraph's atoms: boxes, glue and penalties, with the hyphenation
 * points as flagged penalties when `hyphenate` (a pass that does not
 * hyphenate skips them; see kp_run).
 */
static int build_atoms(pdf_engine *e, pdf_para *p, float width, bool hyphenate)
{
	builder b = {e, p, width, hyphenate && e->hyph && p->hyphenate, 0, NULL};
	if (grow((void **)&e->scratch, &e->scratchcap, p->len * 2 + 2, 1))
		return GALLEY_ENOMEM;
	char *brks = (char *)e->scratch;
	b.cuts = e->scratch + p->len + 1;
	set_linebreaks_utf8((const utf8_t *)p->text, p->len, e->set.lang, brks);
	p->natoms = 0;
	if (p->indent > 0) {
		pdf_atom *a = push_atom(p, PDF_BOX);
		if (!a)
			return GALLEY_ENOMEM;
		a->width = p->indent;
	}
	size_t i = 0;
	while (i < p->len) {
		size_t at = i;
		uint32_t c = pdf_utf8_next(p->text, p->len, &i);
		int rc = 0;
		if (is_space(c))
			rc = emit_space(&b, at, false);
		else if (c == 0xA0 || c == 0x202F)
			rc = emit_space(&b, at, true);
		else if (c == '\n')
			rc = end_line_atoms(p, -PDF_INF_PENALTY);
		else {
			/* an unbreakable stretch ends where a break is allowed after a character */
			size_t t = i, last_at = at;
			uint32_t last = c;
			while (t < p->len &&
			       ((brks[t - 1] != LINEBREAK_ALLOWBREAK && brks[t - 1] != LINEBREAK_MUSTBREAK) ||
			        (is_hyphen_like(last) && !hyphen_breaks(p->text, last_at)))) {
				size_t n = t;
				uint32_t d = pdf_utf8_next(p->text, p->len, &n);
				if (is_space(d) || d == 0xA0 || d == 0x202F || d == '\n')
					break;
				last = d;
				last_at = t;
				t = n;
			}
			rc = emit_segment(&b, at, t);
			i = t;
			if (rc == 0 && t < p->len && brks[t - 1] == LINEBREAK_ALLOWBREAK) {
				size_t n = t;
				uint32_t d = pdf_utf8_next(p->text, p->len, &n);
				if (!is_space(d) && d != '\n')
					rc = push_penalty(p, pdf_typo.explicit_penalty, 0,
					                  is_hyphen_like(last) ? PDF_FLAG_EXPLICIT : 0, 0);
			}
		}
		if (rc)
			return rc;
	}
	return end_line_atoms(p, -PDF_INF_PENALTY);
}

int pdf_para_measure(pdf_engine *e, pdf_para *p, float *min, float *natural)
{
	int rc = build_atoms(e, p, 1e9f, false);
	if (rc)
		return rc;
	float run = 0, widest = 0, total = 0;
	for (size_t i = 0; i < p->natoms; i++) {
		const pdf_atom *a = &p->atoms[i];
		if (a->type == PDF_BOX) {
			run += a->width;
			total += a->width;
		} else {
			if (a->type == PDF_GLUE && !a->fil)
				total += a->width;
			if (is_legal_break(p, i) || a->type == PDF_GLUE)
				run = 0;
		}
		if (run > widest)
			widest = run;
	}
	*min = widest;
	*natural = total;
	return 0;
}

/* ---- Knuth-Plass ---------------------------------------------------- */

typedef struct kp_node {
	uint32_t pos; /* the break: atom index */
	int line;
	int fitness;
	double w, y, z, fil, b; /* totals after the break (b: the boxes' widths) */
	double lp;              /* the next line's first character hangs this far into the margin */
	double demerits;
	int prev; /* node index */
	int next; /* next active node, -1 = end */
	bool hyphen;
	uint8_t hyphens; /* hyphenated lines in a row ending here */
} kp_node;

typedef struct kp {
	const pdf_para *p;
	double *sw, *sy, *sz, *sf, *sb; /* prefix sums */
	float *rp, *lp; /* protrusion at a break at atom i (right), of a line from box i (left) */
	kp_node *nodes;
	size_t nnodes, cap;
	int active;
	double width;
	double em;
	double tolerance;
	double extra_stretch; /* emergency stretch plus a ragged right margin's */
	double expand;        /* font expansion: a share of the boxes' width */
	bool any_badness;
	bool hyphenate; /* breaks at hyphenation points allowed */
	bool names;     /* ... in words with a capital too */
} kp;

static int kp_push(kp *k, kp_node n)
{
	if (grow((void **)&k->nodes, &k->cap, k->nnodes + 1, sizeof(kp_node)))
		return -1;
	k->nodes[k->nnodes] = n;
	return (int)k->nnodes++;
}

/* Totals from the start to the first box (or forced break) after a break at `pos`. */
static void totals_after(kp *k, size_t pos, kp_node *n)
{
	const pdf_para *p = k->p;
	size_t i = pos;
	if (p->atoms[pos].type == PDF_PENALTY || p->atoms[pos].type == PDF_GLUE)
		i = pos;
	for (; i < p->natoms; i++) {
		const pdf_atom *a = &p->atoms[i];
		if (a->type == PDF_BOX ||
		    (a->type == PDF_PENALTY && a->penalty == -PDF_INF_PENALTY && i > pos))
			break;
	}
	n->w = k->sw[i];
	n->y = k->sy[i];
	n->z = k->sz[i];
	n->fil = k->sf[i];
	n->b = k->sb[i];
	n->lp = i < p->natoms ? k->lp[i] : 0;
}

static double adjustment_ratio(const kp *k, const kp_node *a, size_t b, double *natural)
{
	const pdf_atom *at = &k->p->atoms[b];
	double L = k->sw[b] - a->w + (at->type == PDF_PENALTY ? at->width : 0) - k->rp[b] - a->lp;
	double expand = k->expand * (k->sb[b] - a->b);
	*natural = L;
	if (L < k->width) {
		if (k->sf[b] - a->fil > 0)
			return 0;
		double y = k->sy[b] - a->y + expand + k->extra_stretch;
		return y > 0 ? (k->width - L) / y : AWFUL_BADNESS;
	}
	if (L > k->width) {
		double z = k->sz[b] - a->z + expand;
		return z > 0 ? (k->width - L) / z : -AWFUL_BADNESS;
	}
	return 0;
}

static int fitness_class(double r)
{
	return r < -0.5 ? 0 : r <= 0.5 ? 1 : r <= 1 ? 2 : 3;
}

static double badness(double r)
{
	if (r >= AWFUL_BADNESS)
		return 10000;
	double b = 100 * fabs(r) * r * r;
	return b > 10000 ? 10000 : b;
}

typedef struct kp_candidate {
	double demerits;
	int prev;
} kp_candidate;

static int kp_try_break(kp *k, size_t b)
{
	const pdf_atom *at = &k->p->atoms[b];
	int penalty = at->type == PDF_PENALTY ? at->penalty : 0;
	bool flagged = at->type == PDF_PENALTY && at->flagged;
	int max_run = pdf_typo.max_hyphen_run < MAX_HYPHEN_RUN ? pdf_typo.max_hyphen_run : MAX_HYPHEN_RUN;
	/* the best way here for each fitness and each count of hyphenated lines before */
	kp_candidate best[4][MAX_HYPHEN_RUN + 1];
	for (int f = 0; f < 4; f++)
		for (int h = 0; h <= MAX_HYPHEN_RUN; h++)
			best[f][h] = (kp_candidate){INFINITY, -1};
	int prev_active = -1;
	for (int a = k->active; a >= 0;) {
		kp_node *node = &k->nodes[a];
		int next = node->next;
		double natural;
		double r = adjustment_ratio(k, node, b, &natural);
		if (r < -1 || penalty == -PDF_INF_PENALTY) {
			/* unlink: this node can start no more lines */
			if (prev_active < 0)
				k->active = next;
			else
				k->nodes[prev_active].next = next;
		} else
			prev_active = a;
		int run = flagged ? node->hyphens + 1 : 0;
		if (run > max_run && !k->any_badness)
			run = -1;
		if (run >= 0 && r >= -1 && (k->any_badness || badness(r) <= k->tolerance)) {
			double l = pdf_typo.line_penalty + badness(r);
			double d = l * l;
			if (penalty >= 0)
				d += (double)penalty * penalty;
			else if (penalty > -PDF_INF_PENALTY)
				d -= (double)penalty * penalty;
			if (node->hyphen && flagged)
				d += pdf_typo.double_hyphen_demerits;
			else if (node->hyphen && penalty == -PDF_INF_PENALTY)
				d += pdf_typo.final_hyphen_demerits;
			if (penalty == -PDF_INF_PENALTY && natural < pdf_typo.short_last_line * k->em &&
			    node->prev >= 0)
				d += pdf_typo.final_hyphen_demerits; /* a last line of a syllable or two */
			int fit = fitness_class(r);
			if (abs(fit - node->fitness) > 1)
				d += pdf_typo.adj_demerits;
			d += node->demerits;
			if (run > max_run)
				run = max_run;
			if (d < best[fit][run].demerits)
				best[fit][run] = (kp_candidate){d, a};
		}
		a = next;
	}
	for (int fit = 0; fit < 4; fit++) {
		for (int run = 0; run <= max_run; run++) {
			const kp_candidate *c = &best[fit][run];
			if (c->prev < 0)
				continue;
			kp_node n = {(uint32_t)b, k->nodes[c->prev].line + 1, fit, 0, 0, 0, 0, 0, 0,
			             c->demerits, c->prev, k->active, flagged, (uint8_t)run};
			totals_after(k, b, &n);
			int idx = kp_push(k, n);
			if (idx < 0)
				return GALLEY_ENOMEM;
			k->active = idx;
		}
	}
	return 0;
}

static bool is_legal_break(const pdf_para *p, size_t i)
{
	const pdf_atom *a = &p->atoms[i];
	if (a->type == PDF_PENALTY)
		return a->penalty < PDF_INF_PENALTY;
	return a->type == PDF_GLUE && i > 0 && p->atoms[i - 1].type == PDF_BOX;
}

/* Runs one pass; returns the best final node, -1 when no set of breaks fits, or an error. */
static int kp_run(kp *k)
{
	const pdf_para *p = k->p;
	k->nnodes = 0;
	kp_node start = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, -1, -1, false, 0};
	totals_after(k, 0, &start);
	start.pos = 0;
	k->active = kp_push(k, start);
	if (k->active < 0)
		return GALLEY_ENOMEM;
	int last_final = -1;
	for (size_t i = 0; i < p->natoms; i++) {
		uint8_t flag = p->atoms[i].flagged;
		if (!is_legal_break(p, i) || (!k->hyphenate && (flag & PDF_FLAG_HYPHENATION)) ||
		    (!k->names && (flag & PDF_FLAG_NAME)))
			continue;
		size_t before = k->nnodes;
		if (kp_try_break(k, i))
			return GALLEY_ENOMEM;
		bool forced = p->atoms[i].type == PDF_PENALTY && p->atoms[i].penalty == -PDF_INF_PENALTY;
		if (forced) {
			if (k->nnodes == before)
				return -1;
			last_final = k->active;
		}
		if (k->active < 0)
			return -1;
	}
	/* the best of the nodes at the paragraph's end */
	int best = -1;
	for (int a = k->active; a >= 0; a = k->nodes[a].next)
		if (k->nodes[a].pos == p->natoms - 1 &&
		    (best < 0 || k->nodes[a].demerits < k->nodes[best].demerits))
			best = a;
	return best >= 0 ? best : last_final;
}

/* Width of the character at a box's start or end, times its protrusion share. */
static float box_protrusion(pdf_engine *e, const pdf_para *p, const pdf_atom *a, bool right)
{
	if (a->type != PDF_BOX || a->len == 0)
		return 0;
	size_t i = a->off;
	if (right) {
		i = a->off + a->len - 1;
		while (i > a->off && ((unsigned char)p->text[i] & 0xC0) == 0x80)
			i--;
	}
	uint32_t c = pdf_utf8_next(p->text, a->off + a->len, &i);
	float share = right ? pdf_protrusion_right(c) : pdf_protrusion_left(c);
	if (share == 0)
		return 0;
	return share * (float)pdf_fonts_width(&e->fonts, a->face, c) * e->styles[a->style].size / 1000.0f;
}

static int kp_sums(pdf_engine *e, kp *k, bool protrude)
{
	const pdf_para *p = k->p;
	size_t n = p->natoms + 1;
	k->sw = malloc(5 * n * sizeof(double) + 2 * n * sizeof(float));
	if (!k->sw)
		return GALLEY_ENOMEM;
	k->sy = k->sw + n;
	k->sz = k->sy + n;
	k->sf = k->sz + n;
	k->sb = k->sf + n;
	k->rp = (float *)(k->sb + n);
	k->lp = k->rp + n;
	k->sw[0] = k->sy[0] = k->sz[0] = k->sf[0] = k->sb[0] = 0;
	for (size_t i = 0; i < p->natoms; i++) {
		const pdf_atom *a = &p->atoms[i];
		bool counts = a->type != PDF_PENALTY;
		k->sw[i + 1] = k->sw[i] + (counts ? a->width : 0);
		k->sy[i + 1] = k->sy[i] + (a->type == PDF_GLUE ? a->stretch : 0);
		k->sz[i + 1] = k->sz[i] + (a->type == PDF_GLUE ? a->shrink : 0);
		k->sf[i + 1] = k->sf[i] + (a->type == PDF_GLUE && a->fil ? 1 : 0);
		k->sb[i + 1] = k->sb[i] + (a->type == PDF_BOX && a->len ? a->width : 0);
		k->rp[i] = k->lp[i] = 0;
		if (!protrude)
			continue;
		k->lp[i] = box_protrusion(e, p, a, false);
		if (a->type == PDF_PENALTY && a->flagged && a->width > 0)
			k->rp[i] = a->width * pdf_protrusion_right('-');
		else if (i > 0 && a->type != PDF_BOX)
			k->rp[i] = box_protrusion(e, p, &p->atoms[i - 1], true);
	}
	k->rp[p->natoms] = k->lp[p->natoms] = 0;
	return 0;
}

/* ---- lines ---------------------------------------------------------- */

/* How a chosen line is set: its glue's ratio, its glyphs' expansion, its left protrusion. */
typedef struct line_set {
	double ratio, expand, shift, natural;
} line_set;

static int emit_line(pdf_engine *e, const pdf_para *p, size_t from, size_t to, bool hyphen, float width,
                     float x, line_set set)
{
	pdf_vitem *v = pdf_vlist_push(e, PDF_V_LINE);
	if (!v)
		return GALLEY_ENOMEM;
	pdf_vitem proto = e->proto;
	proto.kind = PDF_V_LINE;
	*v = proto;
	v->line = (pdf_line){p,     (uint32_t)from,       (uint32_t)to, (float)set.ratio,  x,
	                     width, (float)set.natural, hyphen,       false, (float)set.expand,
	                     (float)set.shift};
	e->lines_emitted++;
	/* decorations and anchors belong to a block's first line only */
	e->proto.deco = PDF_DECO_NONE;
	e->proto.anchor = -1;
	e->proto.heading = 0;
	e->proto.title = NULL;
	e->proto.toc_anchor = -1;
	return 0;
}

/*
 * The ratio a chosen line is set with: its own glue's, without the
 * emergency stretch that helped choose it (as in TeX, that stretch only
 * changes which breaks are found). A justified line so always fills the
 * measure, however loose; a line with nothing to stretch is left short.
 */
static line_set set_line(const kp *k, const kp_node *a, size_t b)
{
	kp real = *k;
	real.extra_stretch = 0;
	line_set set = {0, 0, a->lp, 0};
	double r = adjustment_ratio(&real, a, b, &set.natural);
	if (r >= AWFUL_BADNESS || r == 0)
		return set;
	/* the glyphs widen or narrow in step with the glue up to their limit; the glue takes the rest */
	double boxes = k->sb[b] - a->b, glue = (r > 0 ? k->sy[b] - a->y : k->sz[b] - a->z);
	if (r < -1)
		r = -1;
	if (r > 1 && boxes > 0) {
		set.expand = k->expand;
		r = glue > 0 ? (k->width - set.natural - k->expand * boxes) / glue : 0;
	} else
		set.expand = r * k->expand;
	set.ratio = r;
	return set;
}

/* First atom of a line that starts after a break at `pos`. */
static size_t line_start(const pdf_para *p, size_t pos)
{
	size_t i = pos;
	while (i < p->natoms && p->atoms[i].type != PDF_BOX &&
	       !(p->atoms[i].type == PDF_PENALTY && p->atoms[i].penalty == -PDF_INF_PENALTY && i > pos))
		i++;
	return i;
}

static int emit_lines(pdf_engine *e, kp *k, int best, float x)
{
	int count = 0;
	for (int n = best; n >= 0 && k->nodes[n].prev >= 0; n = k->nodes[n].prev)
		count++;
	int *chain = malloc((size_t)(count + 1) * sizeof(int));
	if (!chain)
		return GALLEY_ENOMEM;
	int i = count;
	for (int n = best; i > 0; n = k->nodes[n].prev)
		chain[--i] = n;
	int rc = 0;
	int prev = 0;
	for (i = 0; i < count && rc == 0; i++) {
		const kp_node *a = &k->nodes[prev], *b = &k->nodes[chain[i]];
		/* glue before the first box (a space the text starts with) is no part of a line */
		size_t from = line_start(k->p, a->pos);
		line_set set = set_line(k, a, b->pos);
		/* an explicit hyphen's break is flagged too, but has nothing to add */
		bool hyphen = b->hyphen && k->p->atoms[b->pos].width > 0;
		rc = emit_line(e, k->p, from, b->pos, hyphen, (float)k->width, x, set);
		prev = chain[i];
	}
	free(chain);
	return rc;
}

/* A last resort when no pass found breaks: fill each line as far as it goes. */
static int greedy_lines(pdf_engine *e, pdf_para *p, float width, float x)
{
	size_t from = 0;
	while (from < p->natoms) {
		double w = 0;
		size_t last_ok = 0, i;
		double last_w = 0;
		for (i = from; i < p->natoms; i++) {
			const pdf_atom *a = &p->atoms[i];
			if (is_legal_break(p, i) && i > from) {
				double lw = w + (a->type == PDF_PENALTY ? a->width : 0);
				if (lw <= width || last_ok == 0) {
					last_ok = i;
					last_w = lw;
				}
				if (a->type == PDF_PENALTY && a->penalty == -PDF_INF_PENALTY)
					break;
			}
			if (a->type != PDF_PENALTY)
				w += a->width;
			if (w > width && last_ok)
				break;
		}
		if (!last_ok)
			last_ok = p->natoms - 1;
		const pdf_atom *b = &p->atoms[last_ok];
		line_set set = {0, 0, 0, last_w};
		int rc = emit_line(e, p, from, last_ok, b->type == PDF_PENALTY && b->flagged && b->width > 0,
		                   width, x, set);
		if (rc)
			return rc;
		from = line_start(p, last_ok);
		if (from >= p->natoms - 1)
			break;
	}
	return 0;
}

int pdf_para_break(pdf_engine *e, pdf_para *p, float width, float x)
{
	/*
	 * TeX's passes: without hyphenation under the pretolerance, with it
	 * under the tolerance, then with emergency stretch (which only chooses
	 * the breaks), and last any badness, names hyphenated too.
	 */
	const pdf_typography *t = &pdf_typo;
	const struct {
		double tolerance;
		bool hyphenate, names;
		double emergency_em;
		bool any;
	} passes[] = {{t->pretolerance, false, false, 0, false},
	              {t->tolerance, true, false, 0, false},
	              {t->tolerance, true, false, t->emergency_stretch, false},
	              {0, true, true, 2 * t->emergency_stretch, true}};
	kp k = {0};
	k.p = p;
	k.width = width;
	k.em = e->set.size;
	bool justify = p->align == PDF_ALIGN_JUSTIFY;
	bool micro = justify && e->set.microtype;
	k.expand = micro ? t->expansion : 0;
	int rc = 0, best = -1;
	/*
	 * The atoms are built once, with the hyphenation points: the first pass,
	 * which does not hyphenate, passes over them, and the boxes they split
	 * add up to the same widths as the whole words.
	 */
	if ((rc = build_atoms(e, p, width, true)) || (rc = kp_sums(e, &k, micro)))
		goto cleanup;
	for (size_t pass = 0; pass < sizeof(passes) / sizeof(passes[0]) && best < 0; pass++) {
		k.hyphenate = passes[pass].hyphenate;
		k.names = passes[pass].names;
		k.tolerance = passes[pass].tolerance;
		k.any_badness = passes[pass].any;
		k.extra_stretch = passes[pass].emergency_em * k.em;
		if (!justify)
			k.extra_stretch += t->ragged_stretch * k.em; /* like TeX's \rightskip */
		best = kp_run(&k);
		if (best < -1) {
			rc = best;
			goto cleanup;
		}
	}
	rc = best >= 0 ? emit_lines(e, &k, best, x) : greedy_lines(e, p, width, x);
cleanup:
	free(k.sw);
	free(k.nodes);
	return rc;
}
