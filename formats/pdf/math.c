/*
 * math.c - TeX math typeset for the PDF: the tree mathtree.h reads laid out
 * by TeX's rules (The TeXbook, Appendix G) with the constants, italic
 * corrections, accent attachments and glyph variants of an OpenType MATH
 * table, as HarfBuzz gives them.
 *
 * A formula becomes a flat list of positioned glyphs and rules. Layout
 * works on boxes, each a range of that list: a box is built from the boxes
 * of its parts, laid out one after another at the end of the list and then
 * moved into place, so a box's items stay contiguous.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb-ot.h>
#include <hb.h>

#include "../../src/mathtree.h"
#include "pdf.h"

#define RULE_FACE 255

typedef struct pdf_math_item {
	float x, y;   /* glyph origin, or a rule's lower left corner, from the formula's origin */
	float size;   /* glyph: font size; rule: height */
	float w;      /* rule: width */
	uint16_t gid; /* glyph id */
	uint8_t face; /* RULE_FACE for a rule */
	uint8_t tlen;
	const char *text; /* what the glyph stands for (ToUnicode) */
} pdf_math_item;

struct pdf_math {
	pdf_math_item *items;
	size_t nitems;
	float width, height, depth;
	const char *tex; /* the source, for /ActualText */
	size_t texlen;
	const galley_node *node;
	size_t tag_first; /* items from here on are the equation's number (nitems: none) */
	float tag_w;      /* its width */
	float tag_dx;     /* where it is drawn from the formula's origin (set with the line) */
	bool display;
};

/* TeX's atom classes, for the spaces between atoms. */
enum { C_ORD, C_OP, C_BIN, C_REL, C_OPEN, C_CLOSE, C_PUNCT, C_INNER, C_NONE };

/* Styles: display, text, script, scriptscript. */
enum { S_D, S_T, S_S, S_SS };

typedef struct mstyle {
	int level;
	bool cramped;
} mstyle;

typedef struct box {
	float w, h, d;
	float italic; /* italic correction of a single glyph */
	float accent; /* top accent attachment from the left edge */
	size_t first, last;
	bool glyph; /* one glyph of the math face */
	bool large; /* a large operator */
	uint16_t gid;
} box;

typedef struct ctx {
	pdf_engine *e;
	const math_tree *t;
	int face; /* the math face */
	hb_font_t *font;
	float upem;
	float size; /* text size */
	float script_scale, scriptscript_scale;
	pdf_math_item *v;
	size_t n, cap;
	bool nomem;
	int depth;
} ctx;

#define MAX_LAYOUT_DEPTH 200

static float size_of(const ctx *c, mstyle st)
{
	return c->size * (st.level == S_S ? c->script_scale : st.level == S_SS ? c->scriptscript_scale : 1);
}

/* A MATH table constant in points at a style's size. */
static float K(const ctx *c, hb_ot_math_constant_t k, mstyle st)
{
	return (float)hb_ot_math_get_constant(c->font, k) * size_of(c, st) / c->upem;
}

static float axis(const ctx *c, mstyle st) { return K(c, HB_OT_MATH_CONSTANT_AXIS_HEIGHT, st); }

static mstyle script_style(mstyle st, bool cramped)
{
	return (mstyle){st.level <= S_T ? S_S : S_SS, st.cramped || cramped};
}

static mstyle frac_style(mstyle st, bool cramped)
{
	return (mstyle){st.level == S_D ? S_T : st.level == S_T ? S_S : S_SS, st.cramped || cramped};
}

static pdf_math_item *push_item(ctx *c)
{
	if (c->nomem || pdf_grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v))) {
		c->nomem = true;
		return NULL;
	}
	pdf_math_item *it = &c->v[c->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

static void move(ctx *c, const box *b, float dx, float dy)
{
	for (size_t i = b->first; i < b->last; i++) {
		c->v[i].x += dx;
		c->v[i].y += dy;
	}
}

static box empty_box(const ctx *c) { return (box){0, 0, 0, 0, 0, c->n, c->n, false, false, 0}; }

static void add_rule(ctx *c, float x, float y, float w, float h)
{
	pdf_math_item *it = push_item(c);
	if (it)
		*it = (pdf_math_item){x, y, h, w, 0, RULE_FACE, 0, NULL};
}

/* One glyph of a face at the origin; its box from the glyph's extents. */
static box glyph_box(ctx *c, int face, unsigned gid, float size, const char *text, size_t tlen)
{
	hb_font_t *font = c->e->fonts.faces[c->e->fonts.alias[face]].font;
	float s = size / (float)c->e->fonts.faces[c->e->fonts.alias[face]].upem;
	hb_glyph_extents_t ext = {0, 0, 0, 0};
	hb_font_get_glyph_extents(font, gid, &ext);
	box b = empty_box(c);
	pdf_math_item *it = push_item(c);
	if (it)
		*it = (pdf_math_item){
		    0, 0, size, 0, (uint16_t)gid, (uint8_t)face, (uint8_t)(tlen < 255 ? tlen : 0), text};
	b.last = c->n;
	b.w = (float)hb_font_get_glyph_h_advance(font, gid) * s;
	b.h = (float)ext.y_bearing * s;
	b.d = -(float)(ext.y_bearing + ext.height) * s;
	if (face == c->face) {
		b.glyph = true;
		b.gid = (uint16_t)gid;
		b.italic = (float)hb_ot_math_get_glyph_italics_correction(font, gid) * s;
		b.accent = (float)hb_ot_math_get_glyph_top_accent_attachment(font, gid) * s;
	} else {
		b.accent = b.w / 2;
	}
	return b;
}

/* Appends box `b` to the right of `row` (both ranges contiguous, b just after row). */
static void hjoin(ctx *c, box *row, box b, float gap)
{
	move(c, &b, row->w + gap, 0);
	row->w += gap + b.w;
	if (b.h > row->h)
		row->h = b.h;
	if (b.d > row->d)
		row->d = b.d;
	row->last = b.last;
	row->glyph = false;
	row->italic = 0;
}

/* Text shaped in one face from the origin, fallback faces for what the body face lacks. */
static box text_box(ctx *c, int face, const char *text, size_t len, float size)
{
	pdf_fonts *f = &c->e->fonts;
	box row = empty_box(c);
	bool first = true;
	for (size_t i = 0; i < len;) {
		int use = face;
		size_t t = face == c->face ? len : pdf_face_run(f, face, text, len, i, &use);
		const pdf_shaped *sh = pdf_shape(f, use, text + i, t - i, false);
		i = t;
		if (!sh || !pdf_fonts_load(f, use)) {
			c->nomem = c->nomem || !sh;
			continue;
		}
		float s = size / (float)f->faces[f->alias[use]].upem, pen = 0;
		box run = empty_box(c);
		for (uint32_t k = 0; k < sh->nglyphs; k++) {
			const pdf_glyph *g = &sh->glyphs[k];
			uint32_t end = k + 1 < sh->nglyphs ? sh->glyphs[k + 1].cluster : sh->len;
			size_t tl = end > g->cluster ? end - g->cluster : 0;
			box gb = glyph_box(c, use, g->gid, size, sh->text + g->cluster, tl);
			move(c, &gb, pen + (float)g->dx * s, (float)g->dy * s);
			if (k == 0)
				run = gb;
			else
				run.last = gb.last;
			run.h = fmaxf(run.h, gb.h);
			run.d = fmaxf(run.d, gb.d);
			if (sh->nglyphs == 1) {
				run.italic = gb.italic;
				run.accent = gb.accent;
			}
			pen += (float)g->advance * s;
		}
		run.w = pen;
		run.glyph = run.glyph && sh->nglyphs == 1;
		if (first)
			row = run;
		else
			hjoin(c, &row, run, 0);
		first = false;
	}
	return row;
}

/* ---- characters --------------------------------------------------- */

static uint32_t decode(const char *s, size_t len, size_t *i) { return pdf_utf8_next(s, len, i); }

static size_t encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The Mathematical Alphanumeric Symbols: where each alphabet's A, a and 0 start, and its holes. */
static const struct {
	const char *variant;
	uint32_t upper, lower, digit; /* 0: none */
} alphabets[] = {
    {"bold", 0x1D400, 0x1D41A, 0x1D7CE},        {"italic", 0x1D434, 0x1D44E, 0},
    {"bold-italic", 0x1D468, 0x1D482, 0x1D7CE}, {"script", 0x1D49C, 0x1D4B6, 0},
    {"fraktur", 0x1D504, 0x1D51E, 0},           {"double-struck", 0x1D538, 0x1D552, 0x1D7D8},
    {"sans-serif", 0x1D5A0, 0x1D5BA, 0x1D7E2},  {"monospace", 0x1D670, 0x1D68A, 0x1D7F6},
};

static const struct {
	char variant; /* i, s, f, d */
	char letter;
	uint32_t cp;
} holes[] = {
    {'i', 'h', 0x210E}, {'s', 'B', 0x212C}, {'s', 'E', 0x2130}, {'s', 'F', 0x2131}, {'s', 'H', 0x210B},
    {'s', 'I', 0x2110}, {'s', 'L', 0x2112}, {'s', 'M', 0x2133}, {'s', 'R', 0x211B}, {'s', 'e', 0x212F},
    {'s', 'g', 0x210A}, {'s', 'o', 0x2134}, {'f', 'C', 0x212D}, {'f', 'H', 0x210C}, {'f', 'I', 0x2111},
    {'f', 'R', 0x211C}, {'f', 'Z', 0x2128}, {'d', 'C', 0x2102}, {'d', 'H', 0x210D}, {'d', 'N', 0x2115},
    {'d', 'P', 0x2119}, {'d', 'Q', 0x211A}, {'d', 'R', 0x211D}, {'d', 'Z', 0x2124},
};

static uint32_t greek_italic(uint32_t cp)
{
	static const uint32_t symbols[][2] = {{0x3F5, 0x1D716}, {0x3D1, 0x1D717}, {0x3F0, 0x1D718},
	                                      {0x3D5, 0x1D719}, {0x3F1, 0x1D71A}, {0x3D6, 0x1D71B},
	                                      {0x2202, 0x1D715}};
	if (cp >= 0x3B1 && cp <= 0x3C9)
		return 0x1D6FC + (cp - 0x3B1);
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
		if (symbols[i][0] == cp)
			return symbols[i][1];
	return cp;
}

/* A character of an identifier in its alphabet: TeX sets single letters and lowercase Greek italic. */
static uint32_t styled_char(uint32_t cp, const char *variant, bool single)
{
	if (!variant)
		return single ? (cp < 0x80 ? styled_char(cp, "italic", true) : greek_italic(cp)) : cp;
	bool upper = cp >= 'A' && cp <= 'Z', lower = cp >= 'a' && cp <= 'z', digit = cp >= '0' && cp <= '9';
	for (size_t i = 0; i < sizeof(alphabets) / sizeof(alphabets[0]); i++) {
		if (strcmp(variant, alphabets[i].variant) != 0)
			continue;
		char key = variant[0] == 'd'                        ? 'd'
		           : variant[0] == 'f'                      ? 'f'
		           : variant[0] == 's' && variant[1] == 'c' ? 's'
		           : !strcmp(variant, "italic")             ? 'i'
		                                                    : 0;
		for (size_t h = 0; key && h < sizeof(holes) / sizeof(holes[0]); h++)
			if (holes[h].variant == key && (uint32_t)holes[h].letter == cp)
				return holes[h].cp;
		if (upper)
			return alphabets[i].upper + (cp - 'A');
		if (lower)
			return alphabets[i].lower + (cp - 'a');
		if (digit && alphabets[i].digit)
			return alphabets[i].digit + (cp - '0');
		if (!strcmp(variant, "italic") || !strcmp(variant, "bold-italic"))
			return greek_italic(cp);
	}
	return cp;
}

/* What a token is drawn with: identifiers in their alphabet, ASCII operators as the math characters. */
static size_t token_text(ctx *c, const math_node *m, char *out, size_t cap)
{
	size_t n = 0, count = 0;
	for (size_t i = 0; i < m->len;) {
		decode(m->text, m->len, &i);
		count++;
	}
	for (size_t i = 0; i < m->len && n + 4 <= cap;) {
		uint32_t cp = decode(m->text, m->len, &i);
		if (m->kind == MK_MI || (m->kind == MK_MN && m->variant)) {
			uint32_t styled = styled_char(cp, m->variant, count == 1 && m->kind == MK_MI);
			hb_codepoint_t g;
			if (styled != cp && hb_font_get_nominal_glyph(c->font, styled, &g))
				cp = styled;
		} else if (m->kind == MK_MO) {
			cp = cp == '-' ? 0x2212 : cp == '*' ? 0x2217 : cp;
		}
		n += encode(cp, out + n);
	}
	return n;
}

/* ---- classes and spacing ------------------------------------------ */

static bool text_in(const math_node *m, const char *set)
{
	/* `set`: characters separated by spaces */
	for (const char *s = set; *s;) {
		const char *e = strchr(s, ' ');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len == m->len && !memcmp(s, m->text, len))
			return true;
		if (!e)
			break;
		s = e + 1;
	}
	return false;
}

static const char large_ops[] = "∑ ∏ ∐ ⋃ ⋂ ⨁ ⨂ ∫ ∬ ∭ ∮";

static bool is_large_op(const math_node *m) { return m->kind == MK_MO && text_in(m, large_ops); }

static bool is_fence(const math_node *m)
{
	return m->kind == MK_MO && m->attr && !strcmp(m->attr, "stretchy");
}

static int token_class(const math_node *m)
{
	if (m->kind == MK_MSPACE || !m->len)
		return C_NONE;
	size_t i = 0;
	decode(m->text, m->len, &i);
	bool multi = i < m->len;
	if (m->kind == MK_MI)
		return multi ? C_OP : C_ORD;
	if (m->kind != MK_MO)
		return C_ORD;
	if (is_large_op(m) || multi)
		return text_in(m, "… ⋯ ⋱") ? C_INNER : multi && !text_in(m, "… ⋯ ⋮ ⋱ ′") ? C_OP : C_ORD;
	if (text_in(m, "+ - − × ⋅ ± ∓ ÷ ∗ * ⋆ ∘ ∙ ⊕ ⊗ ∪ ∩ ∖ ∧ ∨"))
		return C_BIN;
	if (text_in(m, "= < > ≤ ≥ ≠ ≈ ≡ ∼ ≃ ≅ ∝ ≪ ≫ ∈ ∉ ∋ ⊂ ⊆ ⊃ ⊇ ⊥ ∥ ∣ → ← ↔ ⇒ ⇐ ⇔ ⟹ ⟺ ↦ :"))
		return C_REL;
	if (text_in(m, "( [ { ⟨ ⌊ ⌈"))
		return C_OPEN;
	if (text_in(m, ") ] } ⟩ ⌋ ⌉ !"))
		return C_CLOSE;
	if (text_in(m, ", ;"))
		return C_PUNCT;
	if (text_in(m, "… ⋯ ⋱"))
		return C_INNER;
	return C_ORD;
}

static int node_class(const ctx *c, int i)
{
	const math_node *m = &c->t->nodes[i];
	switch (m->kind) {
	case MK_MI:
	case MK_MN:
	case MK_MO:
	case MK_MTEXT:
	case MK_MSPACE:
		return token_class(m);
	case MK_MROW:
		return (m->first >= 0 && is_fence(&c->t->nodes[m->first])) ||
		               (m->last >= 0 && is_fence(&c->t->nodes[m->last]))
		           ? C_INNER
		           : C_ORD;
	case MK_MFRAC:
		return C_INNER;
	default:
		break;
	}
	if ((m->kind == MK_MOVER || m->kind == MK_MUNDER) && m->attr)
		return C_ORD; /* an accent */
	if (m->kind >= MK_MSUB && m->kind <= MK_MUNDEROVER && m->first >= 0)
		return node_class(c, m->first);
	return C_ORD;
}

/*
 * The space between two atoms in mu (1/18 em): TeX's table; negative
 * entries apply only in display and text style.
 */
static const signed char spacing[8][8] = {
    /*          ord op bin rel open close punct inner */
    /* ord */ {0, 3, -4, -5, 0, 0, 0, -3},
    /* op */ {3, 3, 0, -5, 0, 0, 0, -3},
    /* bin */ {-4, -4, 0, 0, -4, 0, 0, -4},
    /* rel */ {-5, -5, 0, 0, -5, 0, 0, -5},
    /* open */ {0, 0, 0, 0, 0, 0, 0, 0},
    /* close */ {0, 3, -4, -5, 0, 0, 0, -3},
    /* punct */ {-3, -3, 0, -3, -3, -3, -3, -3},
    /* inner */ {-3, 3, -4, -5, -3, 0, -3, -3},
};

static float space_between(const ctx *c, int left, int right, mstyle st)
{
	if (left == C_NONE || right == C_NONE)
		return 0;
	int mu = spacing[left][right];
	if (mu < 0)
		mu = st.level <= S_T ? -mu : 0;
	return (float)mu * size_of(c, st) / 18.0f;
}

/* ---- stretchy glyphs ---------------------------------------------- */

#define MAX_VARIANTS 32
#define MAX_PARTS 16

/* A glyph assembly of at least `target` along the vertical, parts from the bottom up. */
static bool assemble(ctx *c, unsigned gid, float target, float size, const char *text, size_t tlen, box *out)
{
	hb_ot_math_glyph_part_t parts[MAX_PARTS];
	unsigned count = MAX_PARTS;
	hb_ot_math_get_glyph_assembly(c->font, gid, HB_DIRECTION_BTT, 0, &count, parts, NULL);
	if (count == 0 || count > MAX_PARTS)
		return false;
	float s = size / c->upem;
	float overlap = (float)hb_ot_math_get_min_connector_overlap(c->font, HB_DIRECTION_BTT) * s;
	unsigned extenders = 0;
	float fixed = 0, ext = 0;
	for (unsigned i = 0; i < count; i++) {
		float adv = (float)parts[i].full_advance * s;
		if (parts[i].flags & HB_OT_MATH_GLYPH_PART_FLAG_EXTENDER) {
			extenders++;
			ext += adv;
		} else {
			fixed += adv;
		}
	}
	/* the fewest repeats of the extenders that reach the target with the least overlap */
	int repeats = 0;
	for (; repeats < 200; repeats++) {
		unsigned n = count - extenders + extenders * (unsigned)repeats;
		if (n > 0 && fixed + ext * (float)repeats - (float)(n - 1) * overlap >= target)
			break;
		if (extenders == 0)
			break;
	}
	unsigned n = count - extenders + extenders * (unsigned)repeats;
	float total = fixed + ext * (float)repeats;
	float o = n > 1 ? (total - target) / (float)(n - 1) : 0;
	if (o < overlap)
		o = overlap;
	float maxo = 1e9f;
	for (unsigned i = 0; i < count; i++) {
		float conn = (float)parts[i].start_connector_length * s;
		if (i > 0 && conn < maxo)
			maxo = conn;
		conn = (float)parts[i].end_connector_length * s;
		if (i + 1 < count && conn < maxo)
			maxo = conn;
	}
	if (o > maxo && maxo >= overlap)
		o = maxo;
	box b = empty_box(c);
	float pos = 0, width = 0;
	bool first = true;
	for (unsigned i = 0; i < count; i++) {
		int times = (parts[i].flags & HB_OT_MATH_GLYPH_PART_FLAG_EXTENDER) ? repeats : 1;
		for (int k = 0; k < times; k++) {
			box p = glyph_box(c, c->face, parts[i].glyph, size, text, tlen);
			move(c, &p, 0, pos + p.d);
			if (first)
				b.first = p.first;
			first = false;
			b.last = p.last;
			width = fmaxf(width, p.w);
			pos += (float)parts[i].full_advance * s - o;
		}
	}
	pos += o;
	b.w = width;
	b.h = pos;
	b.d = 0;
	*out = b;
	return true;
}

/*
 * Glyph `gid` grown to at least `target` along the vertical (or the
 * horizontal): the first variant that reaches it, else an assembly, else
 * the largest variant.
 */
static box stretch(ctx *c, unsigned gid, float target, bool vertical, float size, const char *text,
                   size_t tlen)
{
	hb_ot_math_glyph_variant_t vars[MAX_VARIANTS];
	unsigned count = MAX_VARIANTS;
	hb_direction_t dir = vertical ? HB_DIRECTION_BTT : HB_DIRECTION_LTR;
	hb_ot_math_get_glyph_variants(c->font, gid, dir, 0, &count, vars);
	float s = size / c->upem;
	unsigned pick = gid;
	for (unsigned i = 0; i < count && i < MAX_VARIANTS; i++) {
		pick = vars[i].glyph;
		if ((float)vars[i].advance * s >= target)
			return glyph_box(c, c->face, pick, size, text, tlen);
	}
	box b;
	if (vertical && assemble(c, gid, target, size, text, tlen, &b))
		return b;
	return glyph_box(c, c->face, pick, size, text, tlen);
}

/*
 * A large operator's display size: like TeX's successor in the font, the
 * first variant bigger than the text one that reaches the MATH table's
 * DisplayOperatorMinHeight.
 */
static box display_operator(ctx *c, unsigned gid, float min, float size, const char *text, size_t tlen)
{
	hb_ot_math_glyph_variant_t vars[MAX_VARIANTS];
	unsigned count = MAX_VARIANTS;
	hb_ot_math_get_glyph_variants(c->font, gid, HB_DIRECTION_BTT, 0, &count, vars);
	unsigned pick = gid;
	for (unsigned i = 0; i < count && i < MAX_VARIANTS; i++) {
		if (vars[i].glyph == gid)
			continue;
		pick = vars[i].glyph;
		if ((float)vars[i].advance * size / c->upem >= min)
			break;
	}
	return glyph_box(c, c->face, pick, size, text, tlen);
}

/* The widest horizontal variant of an accent no wider than `width`. */
static unsigned accent_variant(ctx *c, unsigned gid, float width, float size)
{
	hb_ot_math_glyph_variant_t vars[MAX_VARIANTS];
	unsigned count = MAX_VARIANTS;
	hb_ot_math_get_glyph_variants(c->font, gid, HB_DIRECTION_LTR, 0, &count, vars);
	unsigned pick = gid;
	for (unsigned i = 0; i < count && i < MAX_VARIANTS; i++) {
		if ((float)vars[i].advance * size / c->upem > width * 1.05f)
			break;
		pick = vars[i].glyph;
	}
	return pick;
}

/* ---- layout ------------------------------------------------------- */

static box lay_node(ctx *c, int i, mstyle st);

static int child(const ctx *c, int i, int k)
{
	int n = c->t->nodes[i].first;
	while (n >= 0 && k-- > 0)
		n = c->t->nodes[n].next;
	return n;
}

static box lay_or_empty(ctx *c, int i, mstyle st) { return i >= 0 ? lay_node(c, i, st) : empty_box(c); }

static box lay_token(ctx *c, const math_node *m, mstyle st)
{
	char buf[256];
	float size = size_of(c, st);
	if (m->kind == MK_MTEXT)
		return text_box(c, PDF_FACE(PDF_ROLE_BODY, 0), m->text, m->len, size);
	if (m->kind == MK_MSPACE) {
		box b = empty_box(c);
		b.w = m->attr_val ? strtof(m->attr_val, NULL) * size : 0;
		return b;
	}
	size_t len = token_text(c, m, buf, sizeof(buf));
	box b = text_box(c, c->face, buf, len, size);
	if (!is_large_op(m) || !b.glyph)
		return b;
	/* a large operator: the display size in display style, centred on the axis */
	if (st.level == S_D) {
		float min = K(c, HB_OT_MATH_CONSTANT_DISPLAY_OPERATOR_MIN_HEIGHT, st);
		c->n = b.first;
		pdf_math_item keep = c->v[b.first];
		b = display_operator(c, b.gid, min, size, keep.text, keep.tlen);
	}
	float shift = axis(c, st) - (b.h - b.d) / 2;
	move(c, &b, 0, shift);
	b.h += shift;
	b.d -= shift;
	b.large = true;
	return b;
}

/* A stretchy fence around content reaching `h` above and `d` below the baseline. */
static box lay_fence(ctx *c, const math_node *m, float h, float d, mstyle st)
{
	char buf[16];
	float size = size_of(c, st), a = axis(c, st);
	float delta = fmaxf(h - a, d + a);
	float target = fmaxf(delta * 2 * 0.901f, delta * 2 - size * 0.5f);
	size_t len = m->len < 4 ? token_text(c, m, buf, sizeof(buf)) : 0;
	size_t at = 0;
	uint32_t cp = len ? decode(buf, len, &at) : 0;
	hb_codepoint_t gid;
	if (!cp || !hb_font_get_nominal_glyph(c->font, cp, &gid))
		return lay_token(c, m, st);
	box b = stretch(c, gid, target, true, size, m->text, m->len);
	float shift = a - (b.h - b.d) / 2;
	move(c, &b, 0, shift);
	b.h += shift;
	b.d -= shift;
	return b;
}

/* Children [first, stop) as a horizontal list: classes, TeX's bin rules, spaces between. */
static box lay_list(ctx *c, int first, int stop, mstyle st)
{
	if (first >= 0 && first != stop && c->t->nodes[first].next == stop)
		return lay_node(c, first, st); /* a group of one keeps its glyph's corrections */
	box row = empty_box(c);
	int prev = C_NONE;
	for (int i = first; i >= 0 && i != stop; i = c->t->nodes[i].next) {
		int cls = node_class(c, i);
		int next = c->t->nodes[i].next;
		if (next == stop)
			next = -1;
		if (cls == C_BIN && (prev == C_NONE || prev == C_BIN || prev == C_OP || prev == C_REL ||
		                     prev == C_OPEN || prev == C_PUNCT || next < 0))
			cls = C_ORD;
		if (cls == C_BIN && next >= 0) {
			int nc = node_class(c, next);
			if (nc == C_REL || nc == C_CLOSE || nc == C_PUNCT)
				cls = C_ORD;
		}
		/* no italic correction between glyphs: an OpenType math font's advances include it */
		float gap = space_between(c, prev, cls, st);
		box b = lay_node(c, i, st);
		hjoin(c, &row, b, gap);
		if (cls != C_NONE)
			prev = cls;
	}
	return row;
}

/* A row, with stretchy fences grown to what stands between them. */
static box lay_row(ctx *c, int i, mstyle st)
{
	const math_node *m = &c->t->nodes[i];
	/* \left o ... \right c: the row is [fence?] [content] [fence?] */
	int open = m->first >= 0 && is_fence(&c->t->nodes[m->first]) ? m->first : -1;
	int close = m->last >= 0 && m->last != open && is_fence(&c->t->nodes[m->last]) ? m->last : -1;
	if (open < 0 && close < 0)
		return lay_list(c, m->first, -1, st);
	box inner = lay_list(c, open >= 0 ? c->t->nodes[open].next : m->first, close, st);
	if (open < 0) {
		box cl = lay_fence(c, &c->t->nodes[close], inner.h, inner.d, st);
		hjoin(c, &inner, cl, 0);
		return inner;
	}
	box o = lay_fence(c, &c->t->nodes[open], inner.h, inner.d, st);
	box row = inner;
	move(c, &row, o.w, 0);
	row.first = inner.first;
	row.last = o.last;
	row.w += o.w;
	row.h = fmaxf(row.h, o.h);
	row.d = fmaxf(row.d, o.d);
	if (close >= 0) {
		box cl = lay_fence(c, &c->t->nodes[close], inner.h, inner.d, st);
		hjoin(c, &row, cl, 0);
	}
	return row;
}

static box lay_frac(ctx *c, int i, mstyle st)
{
	const math_node *m = &c->t->nodes[i];
	bool display = st.level == S_D;
	box num = lay_or_empty(c, child(c, i, 0), frac_style(st, false));
	box den = lay_or_empty(c, child(c, i, 1), frac_style(st, true));
	float pad = size_of(c, st) * 0.12f;
	float w = fmaxf(num.w, den.w) + 2 * pad;
	float u, v;
	bool rule = !(m->attr && !strcmp(m->attr, "linethickness"));
	if (rule) {
		float t = K(c, HB_OT_MATH_CONSTANT_FRACTION_RULE_THICKNESS, st), a = axis(c, st);
		u = K(c,
		      display ? HB_OT_MATH_CONSTANT_FRACTION_NUMERATOR_DISPLAY_STYLE_SHIFT_UP
		              : HB_OT_MATH_CONSTANT_FRACTION_NUMERATOR_SHIFT_UP,
		      st);
		v = K(c,
		      display ? HB_OT_MATH_CONSTANT_FRACTION_DENOMINATOR_DISPLAY_STYLE_SHIFT_DOWN
		              : HB_OT_MATH_CONSTANT_FRACTION_DENOMINATOR_SHIFT_DOWN,
		      st);
		float gn = K(c,
		             display ? HB_OT_MATH_CONSTANT_FRACTION_NUM_DISPLAY_STYLE_GAP_MIN
		                     : HB_OT_MATH_CONSTANT_FRACTION_NUMERATOR_GAP_MIN,
		             st);
		float gd = K(c,
		             display ? HB_OT_MATH_CONSTANT_FRACTION_DENOM_DISPLAY_STYLE_GAP_MIN
		                     : HB_OT_MATH_CONSTANT_FRACTION_DENOMINATOR_GAP_MIN,
		             st);
		u = fmaxf(u, a + t / 2 + gn + num.d);
		v = fmaxf(v, gd + den.h - a + t / 2);
		add_rule(c, pad / 2, a - t / 2, w - pad, t);
	} else {
		u = K(c,
		      display ? HB_OT_MATH_CONSTANT_STACK_TOP_DISPLAY_STYLE_SHIFT_UP
		              : HB_OT_MATH_CONSTANT_STACK_TOP_SHIFT_UP,
		      st);
		v = K(c,
		      display ? HB_OT_MATH_CONSTANT_STACK_BOTTOM_DISPLAY_STYLE_SHIFT_DOWN
		              : HB_OT_MATH_CONSTANT_STACK_BOTTOM_SHIFT_DOWN,
		      st);
		float gap = K(c,
		              display ? HB_OT_MATH_CONSTANT_STACK_DISPLAY_STYLE_GAP_MIN
		                      : HB_OT_MATH_CONSTANT_STACK_GAP_MIN,
		              st);
		float have = (u - num.d) - (den.h - v);
		if (have < gap) {
			u += (gap - have) / 2;
			v += (gap - have) / 2;
		}
	}
	move(c, &num, (w - num.w) / 2, u);
	move(c, &den, (w - den.w) / 2, -v);
	box b = empty_box(c);
	b.first = num.first;
	b.w = w;
	b.h = fmaxf(u + num.h, axis(c, st));
	b.d = fmaxf(v + den.d, 0);
	return b;
}

static box lay_radical(ctx *c, int i, mstyle st)
{
	const math_node *m = &c->t->nodes[i];
	bool display = st.level == S_D;
	float size = size_of(c, st);
	box body = lay_or_empty(c, m->first, (mstyle){st.level, true});
	box deg = empty_box(c);
	bool has_degree = m->kind == MK_MROOT && child(c, i, 1) >= 0;
	if (has_degree)
		deg = lay_node(c, child(c, i, 1), (mstyle){S_SS, true});
	float gap = K(c,
	              display ? HB_OT_MATH_CONSTANT_RADICAL_DISPLAY_STYLE_VERTICAL_GAP
	                      : HB_OT_MATH_CONSTANT_RADICAL_VERTICAL_GAP,
	              st);
	float t = K(c, HB_OT_MATH_CONSTANT_RADICAL_RULE_THICKNESS, st);
	float extra = K(c, HB_OT_MATH_CONSTANT_RADICAL_EXTRA_ASCENDER, st);
	float target = body.h + body.d + gap + t;
	hb_codepoint_t gid = 0;
	hb_font_get_nominal_glyph(c->font, 0x221A, &gid);
	box rad = stretch(c, gid, target, true, size, "√", strlen("√"));
	float delta = rad.h + rad.d - target;
	if (delta > 0)
		gap += delta / 2;
	float dy = body.h + gap + t - rad.h;
	move(c, &rad, 0, dy);
	float x = 0;
	if (has_degree) {
		float before = K(c, HB_OT_MATH_CONSTANT_RADICAL_KERN_BEFORE_DEGREE, st);
		float after = K(c, HB_OT_MATH_CONSTANT_RADICAL_KERN_AFTER_DEGREE, st);
		float raise = (float)hb_ot_math_get_constant(
		                  c->font, HB_OT_MATH_CONSTANT_RADICAL_DEGREE_BOTTOM_RAISE_PERCENT) /
		              100.0f * (rad.h + rad.d);
		move(c, &deg, before, dy - rad.d + raise + deg.d);
		x = fmaxf(before + deg.w + after, 0);
		move(c, &rad, x, 0);
	}
	move(c, &body, x + rad.w, 0);
	add_rule(c, x + rad.w, body.h + gap, body.w, t);
	box b = empty_box(c);
	b.first = body.first;
	b.w = x + rad.w + body.w;
	b.h = fmaxf(body.h + gap + t + extra, has_degree ? dy - rad.d + (rad.h + rad.d) * 0.6f + deg.h : 0);
	b.d = fmaxf(body.d, rad.d - dy);
	return b;
}

/* Over- and underlines, and accents placed by their attachment points. */
static box lay_accent(ctx *c, int i, mstyle st)
{
	const math_node *m = &c->t->nodes[i];
	int mark = child(c, i, 1);
	box base = lay_or_empty(c, m->first, (mstyle){st.level, true});
	const math_node *a = mark >= 0 ? &c->t->nodes[mark] : NULL;
	box b = base;
	b.glyph = false;
	b.italic = 0;
	if (!a)
		return b;
	if (m->kind == MK_MUNDER) { /* \underline */
		float gap = K(c, HB_OT_MATH_CONSTANT_UNDERBAR_VERTICAL_GAP, st);
		float t = K(c, HB_OT_MATH_CONSTANT_UNDERBAR_RULE_THICKNESS, st);
		add_rule(c, 0, -(base.d + gap + t), base.w, t);
		b.last = c->n;
		b.d = base.d + gap + t + K(c, HB_OT_MATH_CONSTANT_UNDERBAR_EXTRA_DESCENDER, st);
		return b;
	}
	if (text_in(a, "‾")) { /* \overline */
		float gap = K(c, HB_OT_MATH_CONSTANT_OVERBAR_VERTICAL_GAP, st);
		float t = K(c, HB_OT_MATH_CONSTANT_OVERBAR_RULE_THICKNESS, st);
		add_rule(c, 0, base.h + gap, base.w, t);
		b.last = c->n;
		b.h = base.h + gap + t + K(c, HB_OT_MATH_CONSTANT_OVERBAR_EXTRA_ASCENDER, st);
		return b;
	}
	/* the combining characters OpenType math fonts attach */
	static const struct {
		const char *mark;
		uint32_t cp;
	} combining[] = {{"^", 0x302}, {"~", 0x303}, {"¯", 0x304}, {"→", 0x20D7}, {"˙", 0x307}, {"¨", 0x308}};
	uint32_t cp = 0;
	for (size_t k = 0; k < sizeof(combining) / sizeof(combining[0]); k++)
		if (text_in(a, combining[k].mark))
			cp = combining[k].cp;
	hb_codepoint_t gid;
	float size = size_of(c, st);
	if (!cp || !hb_font_get_nominal_glyph(c->font, cp, &gid)) {
		box acc = lay_token(c, a, st);
		move(c, &acc, (base.w - acc.w) / 2, base.h);
		b.last = c->n;
		b.h = base.h + acc.h;
		return b;
	}
	gid = accent_variant(c, gid, base.w, size);
	box acc = glyph_box(c, c->face, gid, size, a->text, a->len);
	float attach = base.glyph ? base.accent : base.w / 2;
	float base_height = K(c, HB_OT_MATH_CONSTANT_ACCENT_BASE_HEIGHT, st);
	float dy = base.h > base_height ? base.h - base_height : 0;
	move(c, &acc, attach - acc.accent, dy);
	b.last = c->n;
	b.h = fmaxf(base.h, acc.h + dy);
	return b;
}

/* Limits over and under a large operator in display style. */
static box lay_limits(ctx *c, box base, int under, int over, mstyle st)
{
	box lo = under >= 0 ? lay_node(c, under, script_style(st, true)) : empty_box(c);
	box hi = over >= 0 ? lay_node(c, over, script_style(st, false)) : empty_box(c);
	float w = fmaxf(base.w, fmaxf(lo.w, hi.w));
	move(c, &base, (w - base.w) / 2, 0);
	box b = base;
	b.w = w;
	b.glyph = false;
	b.last = c->n;
	if (over >= 0) {
		float y = base.h + fmaxf(K(c, HB_OT_MATH_CONSTANT_UPPER_LIMIT_GAP_MIN, st) + hi.d,
		                         K(c, HB_OT_MATH_CONSTANT_UPPER_LIMIT_BASELINE_RISE_MIN, st));
		move(c, &hi, (w - hi.w) / 2 + base.italic / 2, y);
		b.h = y + hi.h;
	}
	if (under >= 0) {
		float y = base.d + fmaxf(K(c, HB_OT_MATH_CONSTANT_LOWER_LIMIT_GAP_MIN, st) + lo.h,
		                         K(c, HB_OT_MATH_CONSTANT_LOWER_LIMIT_BASELINE_DROP_MIN, st));
		move(c, &lo, (w - lo.w) / 2 - base.italic / 2, -y);
		b.d = y + lo.d;
	}
	return b;
}

/* Sub- and superscripts beside a base (TeX's rules 18a-f with the MATH constants). */
static box lay_scripts(ctx *c, box base, int sub_node, int sup_node, mstyle st)
{
	box sub = sub_node >= 0 ? lay_node(c, sub_node, script_style(st, true)) : empty_box(c);
	box sup = sup_node >= 0 ? lay_node(c, sup_node, script_style(st, false)) : empty_box(c);
	bool single = base.glyph && !base.large;
	float u = single ? 0 : base.h - K(c, HB_OT_MATH_CONSTANT_SUPERSCRIPT_BASELINE_DROP_MAX, st);
	float v = single ? 0 : base.d + K(c, HB_OT_MATH_CONSTANT_SUBSCRIPT_BASELINE_DROP_MIN, st);
	if (sup_node >= 0) {
		u = fmaxf(u, K(c,
		               st.cramped ? HB_OT_MATH_CONSTANT_SUPERSCRIPT_SHIFT_UP_CRAMPED
		                          : HB_OT_MATH_CONSTANT_SUPERSCRIPT_SHIFT_UP,
		               st));
		u = fmaxf(u, sup.d + K(c, HB_OT_MATH_CONSTANT_SUPERSCRIPT_BOTTOM_MIN, st));
	}
	if (sub_node >= 0) {
		v = fmaxf(v, K(c, HB_OT_MATH_CONSTANT_SUBSCRIPT_SHIFT_DOWN, st));
		v = fmaxf(v, sub.h - K(c, HB_OT_MATH_CONSTANT_SUBSCRIPT_TOP_MAX, st));
	}
	if (sub_node >= 0 && sup_node >= 0) {
		float gap = (u - sup.d) - (sub.h - v);
		float want = K(c, HB_OT_MATH_CONSTANT_SUB_SUPERSCRIPT_GAP_MIN, st);
		if (gap < want) {
			float room =
			    K(c, HB_OT_MATH_CONSTANT_SUPERSCRIPT_BOTTOM_MAX_WITH_SUBSCRIPT, st) - (u - sup.d);
			float up = room > 0 ? fminf(room, want - gap) : 0;
			u += up;
			v += want - gap - up;
		}
	}
	float sup_x = base.large ? base.w : base.w + base.italic;
	float sub_x = base.large ? base.w - base.italic : base.w;
	move(c, &sup, sup_x, u);
	move(c, &sub, sub_x, -v);
	box b = base;
	b.glyph = false;
	b.large = false;
	b.italic = 0;
	b.last = c->n;
	float after = K(c, HB_OT_MATH_CONSTANT_SPACE_AFTER_SCRIPT, st);
	b.w = fmaxf(sup_node >= 0 ? sup_x + sup.w : 0, sub_node >= 0 ? sub_x + sub.w : 0) + after;
	if (sup_node >= 0)
		b.h = fmaxf(b.h, u + sup.h);
	if (sub_node >= 0)
		b.d = fmaxf(b.d, v + sub.d);
	return b;
}

/* A node with scripts: limits over and under an operator in display style, else beside it. */
static box lay_scripted(ctx *c, int i, mstyle st)
{
	const math_node *m = &c->t->nodes[i];
	if ((m->kind == MK_MOVER || m->kind == MK_MUNDER) && m->attr)
		return lay_accent(c, i, st);
	int b = m->first, s1 = child(c, i, 1), s2 = child(c, i, 2);
	box base = lay_or_empty(c, b, st);
	int sub = -1, sup = -1;
	switch (m->kind) {
	case MK_MSUB:
	case MK_MUNDER:
		sub = s1;
		break;
	case MK_MSUP:
	case MK_MOVER:
		sup = s1;
		break;
	default:
		sub = s1;
		sup = s2;
		break;
	}
	bool limits = m->kind >= MK_MUNDER && m->kind <= MK_MUNDEROVER && st.level == S_D;
	return limits ? lay_limits(c, base, sub, sup, st) : lay_scripts(c, base, sub, sup, st);
}

#define MAX_COLUMNS 64

/* The class of a row's first atom (C_NONE for none). */
static int first_class(const ctx *c, int i)
{
	while (i >= 0 && c->t->nodes[i].kind == MK_MROW)
		i = c->t->nodes[i].first;
	return i >= 0 ? node_class(c, i) : C_NONE;
}

/* A column's alignment from a columnalign list ("right left ..."): -1 left, 0 centre, 1 right. */
static int column_align(const char *list, int col)
{
	for (const char *s = list; s && *s; col--) {
		if (col == 0)
			return !strncmp(s, "left", 4) ? -1 : !strncmp(s, "right", 5) ? 1 : 0;
		const char *sp = strchr(s, ' ');
		s = sp ? sp + 1 : NULL;
	}
	return 0;
}

/*
 * An environment's rows and cells: columns as wide as their widest cell,
 * rows a baseline skip apart at least, the whole centred on the axis.
 * Aligned pairs (right, left) sit together with a quad between pairs.
 */
static box lay_table(ctx *c, int i, mstyle st)
{
	const math_node *m = &c->t->nodes[i];
	bool aligned = m->attr_val && !strncmp(m->attr_val, "right left", 10);
	bool cases = m->attr_val && !strncmp(m->attr_val, "left left", 9);
	mstyle cell_st = {aligned ? S_D : st.level == S_D ? S_T : st.level, false};
	float size = size_of(c, st), widths[MAX_COLUMNS] = {0};
	box table = empty_box(c);
	/* lay out every cell once; rows stacked as they come, columns placed after */
	int nrows = 0;
	for (int r = m->first; r >= 0; r = c->t->nodes[r].next)
		nrows++;
	box *cells = calloc((size_t)nrows * MAX_COLUMNS, sizeof(*cells));
	float *heights = calloc((size_t)nrows * 2 + 1, sizeof(float));
	if (!cells || !heights) {
		free(cells);
		free(heights);
		c->nomem = true;
		return table;
	}
	/* each row holds a strut, as TeX's arrays do: 70 % of a baseline skip above, 30 % below
	   (amsmath stretches the rows of cases by 1.2) */
	float skip = size * 1.2f * (cases ? 1.2f : 1.0f);
	for (int r = 0; r < nrows; r++) {
		heights[2 * r] = skip * 0.7f;
		heights[2 * r + 1] = skip * 0.3f;
	}
	int row = 0, ncols = 0;
	for (int r = m->first; r >= 0; r = c->t->nodes[r].next, row++) {
		int col = 0;
		for (int d = c->t->nodes[r].first; d >= 0 && col < MAX_COLUMNS;
		     d = c->t->nodes[d].next, col++) {
			box b = lay_or_empty(c, c->t->nodes[d].first, cell_st);
			if (aligned && col % 2 == 1) { /* "&=": the relation spaced as after an empty atom */
				float lead =
				    space_between(c, C_ORD, first_class(c, c->t->nodes[d].first), cell_st);
				move(c, &b, lead, 0);
				b.w += lead;
			}
			cells[row * MAX_COLUMNS + col] = b;
			widths[col] = fmaxf(widths[col], b.w);
			heights[2 * row] = fmaxf(heights[2 * row], b.h);
			heights[2 * row + 1] = fmaxf(heights[2 * row + 1], b.d);
		}
		if (col > ncols)
			ncols = col;
	}
	/* matrices keep their cells off the fences */
	float pad = aligned || cases ? 0 : size * 0.2f;
	float x_at[MAX_COLUMNS + 1], x = pad;
	for (int col = 0; col < ncols; col++) {
		x_at[col] = x;
		float gap = aligned ? (col % 2 == 0 ? 0 : size * 2) : cases ? size : size * 0.8f;
		x += widths[col] + (col + 1 < ncols ? gap : 0);
	}
	float jot = aligned ? size * 0.3f : 0, y = 0, top = nrows ? heights[0] : 0;
	for (row = 0; row < nrows; row++) {
		if (row > 0)
			y -= heights[2 * row - 1] + heights[2 * row] + jot;
		for (int col = 0; col < ncols; col++) {
			box *b = &cells[row * MAX_COLUMNS + col];
			if (b->first == b->last && b->w == 0)
				continue;
			int align = column_align(m->attr_val, col);
			float dx = align < 0 ? 0 : align > 0 ? widths[col] - b->w : (widths[col] - b->w) / 2;
			move(c, b, x_at[col] + dx, y);
		}
	}
	float bottom = -y + (nrows ? heights[2 * nrows - 1] : 0);
	/* centred on the axis */
	float shift = axis(c, st) - (top - bottom) / 2;
	table.last = c->n;
	move(c, &table, 0, shift);
	table.w = x + pad;
	table.h = top + shift;
	table.d = bottom - shift;
	free(cells);
	free(heights);
	return table;
}

static box lay_node(ctx *c, int i, mstyle st)
{
	const math_node *m = &c->t->nodes[i];
	if (c->nomem || ++c->depth > MAX_LAYOUT_DEPTH) {
		c->depth--;
		return empty_box(c);
	}
	box b;
	switch (m->kind) {
	case MK_MROW:
		b = lay_row(c, i, st);
		break;
	case MK_MFRAC:
		b = lay_frac(c, i, st);
		break;
	case MK_MSQRT:
	case MK_MROOT:
		b = lay_radical(c, i, st);
		break;
	case MK_MTABLE:
		b = lay_table(c, i, st);
		break;
	case MK_MSUB:
	case MK_MSUP:
	case MK_MSUBSUP:
	case MK_MUNDER:
	case MK_MOVER:
	case MK_MUNDEROVER:
		b = lay_scripted(c, i, st);
		break;
	default:
		b = lay_token(c, m, st);
		break;
	}
	c->depth--;
	b.last = c->n;
	return b;
}

/* ---- the writer's side -------------------------------------------- */

static int keep_math(pdf_engine *e, pdf_math *m)
{
	if (e->res.nmaths >= UINT16_MAX - 1)
		return 1;
	if (pdf_grow((void **)&e->res.maths, &e->res.mathcap, e->res.nmaths + 1, sizeof(*e->res.maths)))
		return GALLEY_ENOMEM;
	e->res.maths[e->res.nmaths++] = m;
	return 0;
}

static pdf_math *typeset(pdf_engine *e, const galley_node *n, int face, float size)
{
	const char *info = galley_node_info(n);
	bool display = info && !strcmp(info, "display");
	math_tree t;
	if (galley_math_parse(n, e->opts, &t))
		return NULL;
	pdf_face *fc = &e->fonts.faces[face];
	ctx c = {.e = e, .t = &t, .face = face, .font = fc->font, .upem = (float)fc->upem, .size = size};
	c.script_scale =
	    (float)hb_ot_math_get_constant(c.font, HB_OT_MATH_CONSTANT_SCRIPT_PERCENT_SCALE_DOWN) / 100.0f;
	c.scriptscript_scale =
	    (float)hb_ot_math_get_constant(c.font, HB_OT_MATH_CONSTANT_SCRIPT_SCRIPT_PERCENT_SCALE_DOWN) /
	    100.0f;
	if (c.script_scale <= 0)
		c.script_scale = 0.7f;
	if (c.scriptscript_scale <= 0)
		c.scriptscript_scale = 0.5f;
	box b = lay_node(&c, t.root, (mstyle){display ? S_D : S_T, false});
	box tag = empty_box(&c);
	if (display && t.tag >= 0 && t.nodes[t.tag].text) { /* "(n)" in the body face */
		char buf[256];
		const math_node *tn = &t.nodes[t.tag];
		int len = snprintf(buf, sizeof(buf), t.tag_star ? "%.*s" : "(%.*s)",
		                   (int)(tn->len < 200 ? tn->len : 200), tn->text);
		tag = text_box(&c, PDF_FACE(PDF_ROLE_BODY, 0), buf, (size_t)len, size);
	}
	pdf_math *m = c.nomem ? NULL : arena_alloc(&e->mem, sizeof(*m));
	pdf_math_item *items = m && c.n ? arena_alloc(&e->mem, c.n * sizeof(*items)) : NULL;
	if (m && (items || !c.n)) {
		if (c.n)
			memcpy(items, c.v, c.n * sizeof(*items));
		size_t len = 0;
		const char *tex = galley_node_literal(n, &len);
		*m = (pdf_math){items, c.n, b.w, b.h, b.d, tex, len, n, tag.first, tag.w, 0, display};
	} else {
		m = NULL;
	}
	free(c.v);
	galley_math_tree_free(&t);
	return m;
}

int pdf_math_add(pdf_engine *e, pdf_para *p, const galley_node *n, uint16_t style, bool *set)
{
	*set = false;
	int face = pdf_fonts_math(&e->fonts);
	if (face < 0 || !pdf_fonts_load(&e->fonts, PDF_FACE(PDF_ROLE_BODY, 0)))
		return 0;
	pdf_style st = e->res.styles[style];
	pdf_math *m = typeset(e, n, face, st.size);
	if (!m)
		return GALLEY_ENOMEM;
	int rc = keep_math(e, m);
	if (rc)
		return rc > 0 ? 0 : rc;
	st.flags |= PDF_ST_MATH | PDF_ST_NOHYPH;
	st.image = (uint16_t)e->res.nmaths;
	int id = pdf_style_get(e, &st);
	if (id < 0)
		return GALLEY_ENOMEM;
	*set = true;
	p->math = true;
	return pdf_para_add(e, p, "\xEF\xBF\xBC", 3, (uint16_t)id);
}

void pdf_math_extent(const pdf_math *m, float *w, float *h, float *d, bool *display)
{
	*w = m->width;
	*h = m->height;
	*d = m->depth;
	*display = m->display;
}

const galley_node *pdf_math_node(const pdf_math *m) { return m->node; }

float pdf_math_tag(pdf_math *m, float dx)
{
	m->tag_dx = dx;
	return m->tag_w;
}

void pdf_math_line_extent(const pdf_engine *e, const pdf_line *ln, float *h, float *d, pdf_math **display)
{
	*h = *d = 0;
	*display = NULL;
	for (uint32_t i = ln->first; i < ln->last; i++) {
		const pdf_atom *a = &ln->para->atoms[i];
		if (a->type != PDF_BOX || a->sh || !(e->res.styles[a->style].flags & PDF_ST_MATH))
			continue;
		pdf_math *m = e->res.maths[e->res.styles[a->style].image - 1];
		*h = fmaxf(*h, m->height);
		*d = fmaxf(*d, m->depth);
		if (m->display)
			*display = m;
	}
}

static void put_hex_glyph(galley_buf *b, unsigned gid)
{
	static const char hex[] = "0123456789ABCDEF";
	char s[6] = {'<', hex[gid >> 12 & 15], hex[gid >> 8 & 15], hex[gid >> 4 & 15], hex[gid & 15], '>'};
	galley_buf_put(b, s, sizeof(s));
}

void pdf_math_draw_glyphs(pdf_engine *e, HPDF_Page page, galley_buf *out, const pdf_math *m, float x,
                          float baseline)
{
	pdf_fonts *f = &e->fonts;
	pdf_put_actual_text(out, m->tex, m->texlen);
	int face = -1;
	float size = 0;
	for (size_t i = 0; i < m->nitems; i++) {
		const pdf_math_item *it = &m->items[i];
		if (it->face == RULE_FACE)
			continue;
		if (it->face != face || it->size != size) {
			HPDF_Dict dict = pdf_fonts_dict(f, it->face);
			const char *name = dict ? HPDF_Page_GetLocalFontName(page, (HPDF_Font)dict) : NULL;
			if (!name)
				continue;
			galley_buf_printf(out, "/%s %.2f Tf\n", name, (double)it->size);
			face = it->face;
			size = it->size;
		}
		if (it->text && it->tlen)
			pdf_fonts_use_glyph(f, it->face, it->gid, it->text, it->tlen);
		float dx = i >= m->tag_first ? m->tag_dx : 0;
		galley_buf_printf(out, "1 0 0 1 %.2f %.2f Tm ", (double)(x + dx + it->x),
		                  (double)(baseline + it->y));
		put_hex_glyph(out, it->gid);
		galley_buf_puts(out, " Tj\n");
	}
	galley_buf_puts(out, "EMC\n");
}

void pdf_math_draw_rules(galley_buf *out, const pdf_math *m, float x, float baseline)
{
	for (size_t i = 0; i < m->nitems; i++) {
		const pdf_math_item *it = &m->items[i];
		if (it->face == RULE_FACE)
			galley_buf_printf(out, "%.2f %.2f %.2f %.2f re f\n", (double)(x + it->x),
			                  (double)(baseline + it->y), (double)it->w, (double)it->size);
	}
}
