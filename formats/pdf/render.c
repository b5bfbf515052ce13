/*
 * render.c - the paginated vertical list drawn with libharu: text, code
 * shading, list labels and task boxes, running heads and page numbers,
 * link annotations, destinations and the outline.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_pages.h>

#include "pdf.h"
#include "typography.h"

#define MAX_SPANS 64

typedef struct span {
	float x0, x1, y, size;
	uint16_t link;
	bool strike;
	uint32_t elem; /* a link's Link element; an inline image's line's element */
} span;

typedef struct painter {
	pdf_engine *e;
	HPDF_Page page;
	int face; /* the face and size set in the text object, -1: none */
	float font_size;
	int color;     /* 0 black, 1 link, 2 gray */
	float tx, ty;  /* text position set by the last move */
	float hscale;  /* the horizontal scaling (Tz) in force, 1 = none */
	galley_buf tj; /* the text object being built, written to the page at its end */
	span spans[MAX_SPANS];
	int nspans;
	span images[MAX_SPANS]; /* a line's inline images, drawn once its text object ends */
	int nimages;
	span maths[MAX_SPANS]; /* a line's formulas (link: index + 1), drawn after its text object */
	int nmaths;
	uint32_t *order; /* a line's atoms in visual order */
	size_t ordercap;
	HPDF_Destination *dests;
	float left; /* this page's left margin */
	float off;  /* the bleed: trim box origin inside the media box */
	/* tagging: the marked content open in the text object (-1 none, 0 an artifact, else its element) */
	bool tagged;
	bool artifacts_only; /* a repeated table header: drawn again, read once */
	int64_t mark;
	const char **anchor_title; /* what an internal link leads to (its annotation's description) */
	const pdf_shaped *space[PDF_MAX_FACES]; /* each face's space, shaped once */
	/* a link or span that ended its line, as its element goes on into the next line of the same element
	 */
	uint32_t carry_key;
	uint32_t carry_elem, carry_parent, carry_kids;
} painter;

/* ---- marked content (tagged PDF) ------------------------------------ */

/*
 * Opens marked content for element `elem` in `b`: its MCID, or an artifact
 * (elem 0, with `artifact` its property list, NULL for a bare one).
 */
static void open_mark(painter *pt, galley_buf *b, uint32_t elem, const char *artifact)
{
	int mcid = elem && !pt->artifacts_only ? pdf_tags_mark(pt->e, elem, pt->page) : -1;
	if (mcid < 0) {
		galley_buf_puts(b, artifact ? "/Artifact " : "/Artifact BMC\n");
		if (artifact) {
			galley_buf_puts(b, artifact);
			galley_buf_puts(b, " BDC\n");
		}
		return;
	}
	char digits[16];
	int n = 0;
	do
		digits[n++] = (char)('0' + mcid % 10);
	while ((mcid /= 10) > 0);
	galley_buf_putc(b, '/');
	galley_buf_puts(b, pdf_tags_name(pt->e->tags.elems[elem].type));
	galley_buf_puts(b, " <</MCID ");
	while (n > 0)
		galley_buf_putc(b, digits[--n]);
	galley_buf_puts(b, ">> BDC\n");
}

/* Graphics drawn straight into the page, inside marked content for `elem`. */
static void page_mark(painter *pt, uint32_t elem, const char *artifact)
{
	if (!pt->tagged)
		return;
	galley_buf b = GALLEY_BUF_INIT;
	open_mark(pt, &b, elem, artifact);
	HPDF_PageAttr attr = (HPDF_PageAttr)pt->page->attr;
	if (!b.failed)
		HPDF_Stream_Write(attr->stream, b.data, (HPDF_UINT)b.len);
	galley_buf_free(&b);
}

static void page_unmark(painter *pt)
{
	if (!pt->tagged)
		return;
	HPDF_PageAttr attr = (HPDF_PageAttr)pt->page->attr;
	HPDF_Stream_WriteStr(attr->stream, "EMC\n");
}

static const char artifact_layout[] = "<</Type /Layout>>";

/* `v` with `decimals` (1 or 2) digits after the point (printf's float path is slow). */
static void put_fixed(galley_buf *b, float v, int decimals)
{
	long t = lroundf(v * (decimals == 2 ? 100.0f : 10.0f));
	char buf[32];
	int n = 0;
	bool neg = t < 0;
	unsigned long u = neg ? (unsigned long)-t : (unsigned long)t;
	for (int k = 0; k < decimals; k++) {
		buf[n++] = (char)('0' + u % 10);
		u /= 10;
	}
	buf[n++] = '.';
	do {
		buf[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (neg)
		buf[n++] = '-';
	while (n > 0)
		galley_buf_putc(b, buf[--n]);
}

/* A number to two decimals, then a space. */
static void put_num(galley_buf *b, float v)
{
	put_fixed(b, v, 2);
	galley_buf_putc(b, ' ');
}

/*
 * Highlighted code by token kind (galley_token_kind order, from keywords),
 * the colours of the HTML stylesheet: each has a contrast of at least 4.5:1
 * (WCAG AA) on white and on the code background; tests/pdf checks it.
 */
static const char *const token_colors[] = {
    "0.478 0.18 0.557 rg\n",  /* keyword #7a2e8e */
    "0.122 0.373 0.545 rg\n", /* type #1f5f8b */
    "0.184 0.42 0.122 rg\n",  /* string #2f6b1f */
    "0.373 0.376 0.392 rg\n", /* comment #5f6064 */
    "0.541 0.294 0 rg\n",     /* number #8a4b00 */
    "0.545 0.102 0.227 rg\n", /* preprocessor #8b1a3a */
    "0.102 0.31 0.545 rg\n",  /* function #1a4f8b */
};

/* With --print, monochrome: comments grey (6:1 on the code background), other tokens black. */
static const char *const token_grays[] = {"0 g\n", "0 g\n", "0 g\n", "0.35 g\n", "0 g\n", "0 g\n", "0 g\n"};

/* Colour 0 is black, 1 a link's blue, 2 grey, 3 + k a token kind's. */
static void set_color(painter *pt, int color)
{
	if (pt->color == color)
		return;
	pt->color = color;
	if (color == 1)
		galley_buf_puts(&pt->tj, "0.05 0.2 0.55 rg\n");
	else if (color == 2)
		galley_buf_puts(&pt->tj, "0.45 g\n");
	else if (color >= 3)
		galley_buf_puts(&pt->tj, (pt->e->set.print ? token_grays : token_colors)[color - 3]);
	else
		galley_buf_puts(&pt->tj, "0 g\n");
}

static int style_color(const pdf_style *st)
{
	if (st->link && !(st->flags & PDF_ST_QUIET))
		return 1;
	if (st->flags & PDF_ST_GRAY)
		return 2;
	if (st->token > 0 && st->token <= sizeof(token_colors) / sizeof(token_colors[0]))
		return 2 + st->token;
	return 0;
}

static void note_span(painter *pt, const pdf_style *st, float x0, float x1, float baseline, uint32_t elem)
{
	if (!(st->flags & PDF_ST_STRIKE) && !st->link)
		return;
	span *last = pt->nspans ? &pt->spans[pt->nspans - 1] : NULL;
	bool strike = (st->flags & PDF_ST_STRIKE) != 0;
	if (last && last->link == st->link && last->strike == strike && last->elem == elem &&
	    x0 - last->x1 < st->size) {
		last->x1 = x1;
		return;
	}
	if (pt->nspans == MAX_SPANS)
		return;
	pt->spans[pt->nspans++] = (span){x0, x1, baseline, st->size, st->link, strike, elem};
}

/*
 * Text as TJ arrays of glyph ids (Identity-H: two bytes each), written
 * straight into the page's content stream; libharu has no TJ and draws
 * characters, not glyphs. The pen moves by the widths the font's /W gives;
 * where HarfBuzz placed a glyph elsewhere (kerning, marks) a displacement
 * in the array moves it, and a vertical offset is a text rise.
 */
typedef struct tj_run {
	bool open;  /* font, size and position set for the run */
	bool array; /* inside "[ ... ] TJ" */
	int face;
	const pdf_style *st;
	float pen;  /* where the PDF's pen stands after the last glyph */
	float rise; /* the text rise a glyph offset set */
} tj_run;

static void begin_text(painter *pt)
{
	galley_buf_puts(&pt->tj, "BT\n");
	pt->tx = pt->ty = 0;
	pt->hscale = 1;
	pt->face = -1;
}

/* Ends the text object and writes it into the page's content. */
static void end_text(painter *pt)
{
	set_color(pt, 0);
	if (pt->mark >= 0)
		galley_buf_puts(&pt->tj, "EMC\n");
	pt->mark = -1;
	galley_buf_puts(&pt->tj, "ET\n");
	HPDF_PageAttr attr = (HPDF_PageAttr)pt->page->attr;
	if (!pt->tj.failed)
		HPDF_Stream_Write(attr->stream, pt->tj.data, (HPDF_UINT)pt->tj.len);
	pt->tj.len = 0;
}

static void tj_close(painter *pt, tj_run *run)
{
	if (run->array)
		galley_buf_puts(&pt->tj, "] TJ\n");
	run->array = false;
}

/* Text from here on belongs to `elem` (0: an artifact): the open marked content ends, a new one begins. */
static void text_mark(painter *pt, tj_run *run, uint32_t elem, const char *artifact)
{
	if (!pt->tagged || pt->mark == (int64_t)elem)
		return;
	tj_close(pt, run);
	if (pt->mark >= 0)
		galley_buf_puts(&pt->tj, "EMC\n");
	open_mark(pt, &pt->tj, elem, artifact);
	pt->mark = elem;
}

static void tj_flush(painter *pt, tj_run *run)
{
	tj_close(pt, run);
	if (run->open && run->rise != 0)
		galley_buf_puts(&pt->tj, "0 Ts\n");
	run->rise = 0;
	run->open = false;
}

/* Starts a run in a face and style at (x, y) unless the open one continues. */
static bool tj_start(painter *pt, tj_run *run, int face, const pdf_style *st, float x, float baseline)
{
	int color = style_color(st);
	if (run->open && run->face == face && run->st->size == st->size && run->st->rise == st->rise &&
	    color == pt->color)
		return true;
	tj_flush(pt, run);
	HPDF_Dict font = pdf_fonts_dict(&pt->e->fonts, face);
	const char *name = font ? HPDF_Page_GetLocalFontName(pt->page, (HPDF_Font)font) : NULL;
	if (!name)
		return false;
	if (face != pt->face || st->size != pt->font_size) {
		galley_buf_putc(&pt->tj, '/');
		galley_buf_puts(&pt->tj, name);
		galley_buf_putc(&pt->tj, ' ');
		put_num(&pt->tj, st->size);
		galley_buf_puts(&pt->tj, "Tf\n");
		pt->face = face;
		pt->font_size = st->size;
	}
	set_color(pt, color);
	float y = baseline + st->rise;
	put_num(&pt->tj, x - pt->tx);
	put_num(&pt->tj, y - pt->ty);
	galley_buf_puts(&pt->tj, "Td\n");
	pt->tx = x;
	pt->ty = y;
	*run = (tj_run){true, false, face, st, x, 0};
	return true;
}

/* A displacement in thousandths of an em, to a tenth. */
static void put_tenths(galley_buf *b, float v) { put_fixed(b, v, 1); }

/* Appends a glyph to the array's string, or opens one. */
static void put_glyph(galley_buf *b, unsigned gid)
{
	if (b->len && b->data[b->len - 1] == ')')
		b->len--;
	else
		galley_buf_putc(b, '(');
	unsigned char bytes[2] = {(unsigned char)(gid >> 8), (unsigned char)(gid & 0xFF)};
	for (int k = 0; k < 2; k++) {
		unsigned char ch = bytes[k];
		if (ch == '(' || ch == ')' || ch == '\\')
			galley_buf_putc(b, '\\');
		if (ch == '\r')
			galley_buf_puts(b, "\\r");
		else
			galley_buf_putc(b, ch);
	}
	galley_buf_putc(b, ')');
}

/* The bytes of the cluster glyph k belongs to: from its cluster to the next larger one. */
static uint32_t cluster_end(const pdf_shaped *sh, uint32_t k)
{
	uint32_t c = sh->glyphs[k].cluster;
	if (sh->rtl) {
		while (k > 0)
			if (sh->glyphs[--k].cluster != c)
				return sh->glyphs[k].cluster;
	} else {
		while (++k < sh->nglyphs)
			if (sh->glyphs[k].cluster != c)
				return sh->glyphs[k].cluster;
	}
	return sh->len;
}

/*
 * Records the text each glyph of [g0, g1) stands for; false when the
 * ToUnicode map cannot say it (a glyph already standing for other text, or
 * a cluster of several glyphs), and the glyphs need /ActualText.
 */
static bool map_glyphs(pdf_fonts *f, const pdf_shaped *sh, uint32_t g0, uint32_t g1, uint32_t *from,
                       uint32_t *to)
{
	bool ok = true;
	*from = UINT32_MAX;
	*to = 0;
	for (uint32_t k = g0; k < g1; k++) {
		const pdf_glyph *g = &sh->glyphs[k];
		uint32_t end = cluster_end(sh, k);
		bool prev_same = k > 0 && sh->glyphs[k - 1].cluster == g->cluster;
		bool next_same = k + 1 < sh->nglyphs && sh->glyphs[k + 1].cluster == g->cluster;
		size_t len = prev_same ? 0 : end - g->cluster;
		if (!pdf_fonts_use_glyph(f, sh->face, g->gid, sh->text + g->cluster, len) || prev_same ||
		    next_same)
			ok = false;
		if (g->cluster < *from)
			*from = g->cluster;
		if (end > *to)
			*to = end;
	}
	return ok;
}

static void put_actual_text(galley_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	galley_buf_puts(b, "/Span<</ActualText<FEFF");
	for (size_t i = 0; i < len;) {
		uint32_t c = pdf_utf8_next(s, len, &i);
		uint32_t units[2] = {c, 0};
		int n = 1;
		if (c > 0xFFFF) {
			units[0] = 0xD800 + ((c - 0x10000) >> 10);
			units[1] = 0xDC00 + ((c - 0x10000) & 0x3FF);
			n = 2;
		}
		for (int k = 0; k < n; k++)
			for (int sh = 12; sh >= 0; sh -= 4)
				galley_buf_putc(b, hex[(units[k] >> sh) & 15]);
	}
	galley_buf_puts(b, ">>>BDC\n");
}

void pdf_put_actual_text(galley_buf *b, const char *s, size_t len) { put_actual_text(b, s, len); }

/*
 * Opens /ActualText for glyphs whose text the ToUnicode map cannot give. In
 * a tagged page's element it is that element's own marked content (an MCID
 * with /ActualText), not a Span nested in it: readers of the structure lose
 * the text after a nested sequence ends. Returns that element (0: nested),
 * whose marked content opens again after.
 */
static uint32_t open_actual_text(painter *pt, const char *s, size_t len)
{
	uint32_t elem = pt->tagged && pt->mark > 0 && !pt->artifacts_only ? (uint32_t)pt->mark : 0;
	if (!elem) {
		put_actual_text(&pt->tj, s, len);
		return 0;
	}
	galley_buf_puts(&pt->tj, "EMC\n");
	pt->mark = -1;
	galley_buf tmp = GALLEY_BUF_INIT;
	put_actual_text(&tmp, s, len); /* "/Span<</ActualText<...>>>BDC" */
	int mcid = pdf_tags_mark(pt->e, elem, pt->page);
	if (mcid >= 0 && !tmp.failed && tmp.len > 7) {
		/* tagged Span (readers take /ActualText from a Span), its MCID the element's */
		galley_buf_printf(&pt->tj, "/Span <</MCID %d ", mcid);
		galley_buf_put(&pt->tj, tmp.data + 7, tmp.len - 7);
	} else if (!tmp.failed)
		galley_buf_put(&pt->tj, tmp.data, tmp.len);
	galley_buf_free(&tmp);
	return elem;
}

/* Draws glyphs [g0, g1) of a shaped run from x on the baseline. */
static void tj_glyphs(painter *pt, tj_run *run, const pdf_style *st, const pdf_shaped *sh, uint32_t g0,
                      uint32_t g1, float x, float baseline)
{
	pdf_fonts *f = &pt->e->fonts;
	if (g0 >= g1 || !tj_start(pt, run, sh->face, st, x, baseline))
		return;
	uint32_t from = 0, to = 0;
	/*
	 * A run whose glyphs all map to their text once always will (an entry
	 * never changes), and every glyph of a run in the atoms is drawn: the
	 * first drawing checks the whole run, later ones need not look.
	 */
	pdf_shaped *mut = (pdf_shaped *)sh; /* the cache's own run */
	if (!sh->mapped)
		mut->mapped = map_glyphs(f, sh, 0, sh->nglyphs, &from, &to) ? 1 : 2;
	bool actual = sh->mapped == 2 && !map_glyphs(f, sh, g0, g1, &from, &to);
	uint32_t resume = 0;
	if (actual) {
		tj_close(pt, run);
		resume = open_actual_text(pt, sh->text + from, to - from);
	}
	/* under font expansion (Tz) advances and displacements scale with the glyphs */
	float h = pt->hscale;
	float scale = st->size / (float)f->faces[sh->face].upem;
	float px = x;
	for (uint32_t k = g0; k < g1; k++) {
		const pdf_glyph *g = &sh->glyphs[k];
		float rise = (float)g->dy * scale;
		if (rise != run->rise) {
			tj_close(pt, run);
			put_num(&pt->tj, rise);
			galley_buf_puts(&pt->tj, "Ts\n");
			run->rise = rise;
		}
		if (!run->array) {
			galley_buf_putc(&pt->tj, '[');
			run->array = true;
		}
		float want = px + (float)g->dx * scale * h;
		float shift = (run->pen - want) * 1000.0f / (st->size * h);
		if (shift > 0.6f || shift < -0.6f) {
			put_tenths(&pt->tj, shift);
			run->pen = want;
		}
		put_glyph(&pt->tj, g->gid);
		run->pen += (float)pdf_fonts_glyph_width(f, sh->face, g->gid) * st->size / 1000.0f * h;
		px += (float)g->advance * scale * h;
	}
	if (actual) {
		tj_close(pt, run);
		galley_buf_puts(&pt->tj, "EMC\n");
	}
	if (resume) {
		open_mark(pt, &pt->tj, resume, NULL);
		pt->mark = resume;
	}
}

/*
 * A formula's glyphs in the line's text object where it stands, so text
 * extraction reads it in its place; the text state it changes (matrix,
 * font, colour, scaling) is put back for the text after it.
 */
static void draw_math_glyphs(painter *pt, tj_run *run, const pdf_math *m, float x, float baseline)
{
	tj_flush(pt, run);
	set_color(pt, 0);
	if (pt->hscale != 1)
		galley_buf_puts(&pt->tj, "100 Tz\n");
	pdf_math_draw_glyphs(pt->e, pt->page, &pt->tj, m, x, baseline);
	put_num(&pt->tj, 1);
	galley_buf_puts(&pt->tj, "0 0 1 ");
	put_num(&pt->tj, pt->tx);
	put_num(&pt->tj, pt->ty);
	galley_buf_puts(&pt->tj, "Tm\n");
	if (pt->hscale != 1) {
		put_num(&pt->tj, pt->hscale * 100);
		galley_buf_puts(&pt->tj, "Tz\n");
	}
	pt->face = -1;
}

/* Draws a string in a style from x (labels, page numbers, running heads); returns its width. */
static float draw_string(painter *pt, tj_run *run, int style, const char *text, size_t len, float x,
                         float baseline)
{
	pdf_engine *e = pt->e;
	const pdf_style *st = &e->res.styles[style];
	float x0 = x;
	for (size_t i = 0; i < len;) {
		int face;
		size_t t = pdf_face_run(&e->fonts, st->face, text, len, i, &face);
		const pdf_shaped *sh = pdf_shape(&e->fonts, face, text + i, t - i, false);
		if (sh) {
			tj_glyphs(pt, run, st, sh, 0, sh->nglyphs, x, baseline);
			x += pdf_shaped_width(&e->fonts, sh, 0, sh->nglyphs, st->size);
		}
		i = t;
	}
	return x - x0;
}

/* Glue's width on a line set with adjustment ratio r. */
static float glue_width(const pdf_atom *a, float r)
{
	if (r > 0)
		return a->width + r * a->stretch;
	return a->width + r * a->shrink;
}

/* Reverses order[i, j). */
static void reverse(uint32_t *order, size_t i, size_t j)
{
	while (i + 1 < j) {
		uint32_t t = order[i];
		order[i++] = order[--j];
		order[j] = t;
	}
}

/*
 * The line's boxes and glue in the order they are drawn, left to right:
 * Unicode's rule L2, each run at a level or higher reversed, from the
 * highest level down to the lowest odd one. Returns how many.
 */
static size_t visual_order(painter *pt, const pdf_line *ln)
{
	const pdf_para *p = ln->para;
	size_t n = 0;
	uint8_t high = 0, low = 255;
	if (ln->last - ln->first > pt->ordercap) {
		uint32_t *o = realloc(pt->order, (ln->last - ln->first) * sizeof(*o));
		if (!o)
			return 0;
		pt->order = o;
		pt->ordercap = ln->last - ln->first;
	}
	for (uint32_t i = ln->first; i < ln->last; i++) {
		const pdf_atom *a = &p->atoms[i];
		if (a->type == PDF_PENALTY)
			continue;
		pt->order[n++] = i;
		if (a->level > high)
			high = a->level;
		if (a->level < low)
			low = a->level;
	}
	if (low % 2 == 0)
		low++;
	for (int lv = high; lv >= low; lv--)
		for (size_t i = 0; i < n;) {
			if (p->atoms[pt->order[i]].level < lv) {
				i++;
				continue;
			}
			size_t j = i;
			while (j < n && p->atoms[pt->order[j]].level >= lv)
				j++;
			reverse(pt->order, i, j);
			i = j;
		}
	return n;
}

/* The measure of the text block. */
static float text_measure(const pdf_engine *e)
{
	return e->set.page_w - e->set.margin_inner - e->set.margin_outer;
}

/* A line's left edge: a right-to-left paragraph's indents mirrored, so lists and quotes indent from the
 * right. */
static float line_x(const painter *pt, const pdf_line *ln)
{
	if (!ln->para || !ln->para->rtl)
		return ln->x;
	return text_measure(pt->e) - ln->x - ln->width;
}

static float line_offset(const pdf_line *ln, float drawn)
{
	uint8_t align = ln->para->align;
	if (ln->para->rtl)
		align = align == PDF_ALIGN_RIGHT    ? PDF_ALIGN_LEFT
		        : align == PDF_ALIGN_CENTER ? align
		                                    : PDF_ALIGN_RIGHT;
	switch (align) {
	case PDF_ALIGN_CENTER:
		return (ln->width - drawn) / 2;
	case PDF_ALIGN_RIGHT:
		return ln->width - drawn;
	default:
		return 0;
	}
}

/* The hyphen a line broken inside a word ends with, in the face of its last box. */
static void draw_hyphen(painter *pt, tj_run *run, const pdf_atom *last_box, float x, float baseline)
{
	pdf_engine *e = pt->e;
	const pdf_style *st = &e->res.styles[last_box->style];
	int face = pdf_fonts_resolve(&e->fonts, last_box->face, '-');
	const pdf_shaped *sh = pdf_shape(&e->fonts, face, "-", 1, false);
	if (sh)
		tj_glyphs(pt, run, st, sh, 0, sh->nglyphs, x, baseline);
}

/* What puts a box in an inline element of its own: a link (holding its annotation), else a span's language.
 */
static uint32_t inline_key(const painter *pt, const pdf_style *st)
{
	if (st->link && !pt->e->set.print)
		return st->link;
	return st->lang ? 0x10000u + st->lang : 0;
}

/*
 * The element a box's text belongs to: the line's, or a Link (or a Span
 * with its /Lang) under it, one per stretch on a line, or the one the line
 * before ended in when it goes on.
 */
static uint32_t box_elem(painter *pt, const pdf_style *st, uint32_t elem, uint32_t *key, uint32_t *inl)
{
	uint32_t k = pt->tagged && !pt->artifacts_only && elem ? inline_key(pt, st) : 0;
	if (!k) {
		*key = 0;
		return elem;
	}
	if (*key != k) {
		const pdf_selem *parent = &pt->e->tags.elems[elem];
		bool carried =
		    pt->carry_key == k && pt->carry_parent == elem && parent->nkids == pt->carry_kids;
		const char *lang = st->lang ? pt->e->res.langs[st->lang - 1] : NULL;
		*key = k;
		*inl = carried ? pt->carry_elem
		               : pdf_tags_add(pt->e, elem, k < 0x10000u ? PDF_SE_LINK : PDF_SE_SPAN, lang);
	}
	return *inl ? *inl : elem;
}

/* A formula's own element (its TeX source as /Alt), marked apart from the text around it. */
static uint32_t formula(painter *pt, const pdf_math *m, uint32_t elem)
{
	if (!pt->tagged || !elem || pt->artifacts_only)
		return elem;
	size_t len;
	const char *tex = galley_node_literal(pdf_math_node(m), &len);
	const char *alt = tex ? arena_strndup(&pt->e->mem, tex, len) : NULL;
	uint32_t f = pdf_tags_add(pt->e, elem, PDF_SE_FORMULA, alt && *alt ? alt : "A formula");
	return f ? f : elem;
}

/*
 * An inline image's Figure, made where the image stands in the text (it is
 * drawn once the text object ends): the text after it opens new marked
 * content, so the element's kids keep the reading order.
 */
static uint32_t inline_figure(painter *pt, tj_run *run, const pdf_style *st, uint32_t elem)
{
	if (!pt->tagged || !elem || pt->artifacts_only)
		return 0;
	const pdf_tags *t = &pt->e->tags;
	const char *alt = st->image <= t->nimage_alt ? t->image_alt[st->image - 1] : NULL;
	uint32_t fig = pdf_tags_add(pt->e, elem, PDF_SE_FIGURE, alt && *alt ? alt : "An image");
	if (pt->mark >= 0) {
		tj_close(pt, run);
		galley_buf_puts(&pt->tj, "EMC\n");
		pt->mark = -1;
	}
	return fig;
}

/*
 * A space glyph where glue stands between words, in the face before it:
 * glue is only a move, and text read from the structure (a screen reader)
 * needs its word breaks as characters. The next word's displacement puts
 * it back where the glue says.
 */
static void draw_space(painter *pt, tj_run *run, const pdf_atom *last_box, float x, float baseline)
{
	pdf_engine *e = pt->e;
	const pdf_shaped *sh = pt->space[last_box->face];
	if (!sh)
		sh = pt->space[last_box->face] = pdf_shape(&e->fonts, last_box->face, " ", 1, false);
	if (sh && sh->nglyphs == 1 && sh->glyphs[0].gid)
		tj_glyphs(pt, run, &e->res.styles[last_box->style], sh, 0, 1, x, baseline);
}

static void draw_line_text(painter *pt, const pdf_line *ln, float left, float baseline, uint32_t elem)
{
	pdf_engine *e = pt->e;
	const pdf_para *p = ln->para;
	float r = ln->ratio;
	if (p->align != PDF_ALIGN_JUSTIFY && r > 0)
		r = 0;
	if (r > 1e6f)
		r = 0;
	size_t n = visual_order(pt, ln);
	/* font expansion: the line's glyphs widened or narrowed by the PDF's Tz */
	float scale = 1 + ln->expand;
	float drawn = 0;
	for (size_t k = 0; k < n; k++) {
		const pdf_atom *a = &p->atoms[pt->order[k]];
		drawn += a->type == PDF_GLUE ? glue_width(a, r) : a->sh ? a->width * scale : a->width;
	}
	float x = left + line_x(pt, ln) + line_offset(ln, drawn) - ln->shift;
	if (scale != pt->hscale) {
		put_num(&pt->tj, scale * 100);
		galley_buf_puts(&pt->tj, "Tz\n");
		pt->hscale = scale;
	}
	const pdf_atom *last_box = NULL;
	tj_run run = {0};
	uint32_t key = 0, inl = 0;        /* the inline element open on the line, and what made it */
	const pdf_atom *space_box = NULL; /* a space to draw before the next box */
	float space_x = 0;
	for (size_t k = 0; k < n; k++) {
		const pdf_atom *a = &p->atoms[pt->order[k]];
		if (a->type == PDF_GLUE) {
			if (pt->tagged && last_box) {
				space_box = last_box;
				space_x = x;
			}
			x += glue_width(a, r);
			continue;
		}
		float w = a->sh ? a->width * scale : a->width;
		const pdf_style *st = &e->res.styles[a->style];
		bool math = !a->sh && (st->flags & PDF_ST_MATH);
		if (space_box && (a->sh || math)) {
			/* the space inside a link when the link goes on, else in the line's element */
			uint32_t next = inline_key(pt, st);
			bool same = next && next == key && pt->mark == (int64_t)inl;
			text_mark(pt, &run, same ? inl : elem, NULL);
			draw_space(pt, &run, space_box, space_x, baseline);
			space_box = NULL;
		}
		uint32_t at = box_elem(pt, st, elem, &key, &inl);
		if (math) {
			text_mark(pt, &run, formula(pt, e->res.maths[st->image - 1], at), NULL);
			draw_math_glyphs(pt, &run, e->res.maths[st->image - 1], x, baseline);
			if (pt->nmaths < MAX_SPANS)
				pt->maths[pt->nmaths++] = (span){x, x + w, baseline, 0, st->image, false, at};
			note_span(pt, st, x, x + w, baseline, at); /* a formula inside a link */
		} else if (!a->sh && st->image && pt->nimages < MAX_SPANS)
			pt->images[pt->nimages++] = (span){
			    x, x + w, baseline, st->size, st->image, false, inline_figure(pt, &run, st, at)};
		if (a->sh) {
			text_mark(pt, &run, at, NULL);
			tj_glyphs(pt, &run, st, a->sh, a->g0, a->g1, x, baseline);
			note_span(pt, st, x, x + w, baseline, at);
			last_box = a;
		}
		x += w;
	}
	if (ln->hyphen && last_box)
		draw_hyphen(pt, &run, last_box, x, baseline);
	tj_flush(pt, &run);
	pt->carry_key = key && pt->mark == (int64_t)inl ? key : 0;
	if (pt->carry_key) {
		pt->carry_elem = inl;
		pt->carry_parent = elem;
		pt->carry_kids = pt->e->tags.elems[elem].nkids;
	}
	if (pt->hscale != 1) {
		galley_buf_puts(&pt->tj, "100 Tz\n");
		pt->hscale = 1;
	}
}

/* A contents entry's dotted leader and page number, right-aligned at deco_x. */
static void draw_toc_leader(painter *pt, const pdf_vitem *v, float left, float baseline)
{
	pdf_engine *e = pt->e;
	char num[24];
	snprintf(num, sizeof(num), "%d", e->anc.page[v->toc_anchor] + 1);
	pdf_style st = {e->set.size, 0, 0, 0, PDF_FACE(PDF_ROLE_BODY, 0), 0, 0, 0, 0};
	int id = pdf_style_get(e, &st);
	if (id < 0)
		return;
	float nw = pdf_text_width(e, num, strlen(num), (uint16_t)id);
	float right = left + v->deco_x;
	/* dots on a grid common to all entries, so they line up down the page */
	float step = e->set.size * pdf_typo.leader_step, dot = pdf_text_width(e, ".", 1, (uint16_t)id);
	/* the last dot close to the number, which reads as the same line's end */
	float start = left + v->line.x + v->line.natural + step * 0.5f,
	      end = right - nw - e->set.size * pdf_typo.leader_gap;
	tj_run run = {0};
	text_mark(pt, &run, v->elem, NULL);
	for (float x = left + step * ceilf((start - left) / step); x + dot <= end; x += step)
		draw_string(pt, &run, id, ".", 1, x, baseline);
	draw_string(pt, &run, id, num, strlen(num), right - nw, baseline);
	tj_flush(pt, &run);
}

static void draw_task_box(painter *pt, float x, float baseline, bool done)
{
	float s = pt->e->set.size * 0.72f;
	HPDF_Page_SetLineWidth(pt->page, 0.6f);
	HPDF_Page_Rectangle(pt->page, x, baseline - s * 0.08f, s, s);
	HPDF_Page_Stroke(pt->page);
	if (done) {
		HPDF_Page_SetLineWidth(pt->page, 1.1f);
		HPDF_Page_MoveTo(pt->page, x + s * 0.2f, baseline + s * 0.4f);
		HPDF_Page_LineTo(pt->page, x + s * 0.42f, baseline + s * 0.15f);
		HPDF_Page_LineTo(pt->page, x + s * 0.85f, baseline + s * 0.8f);
		HPDF_Page_Stroke(pt->page);
	}
}

/* Inline images stand on the baseline, reaching down as far as a descender. */
static void draw_inline_images(painter *pt)
{
	for (int i = 0; i < pt->nimages; i++) {
		const span *s = &pt->images[i];
		HPDF_Image im = pt->e->res.images[s->link - 1];
		float w = s->x1 - s->x0,
		      h = w * (float)HPDF_Image_GetHeight(im) / (float)HPDF_Image_GetWidth(im);
		page_mark(pt, s->elem, artifact_layout);
		HPDF_Page_DrawImage(pt->page, im, s->x0, s->y - s->size * 0.2f, w, h);
		page_unmark(pt);
	}
	pt->nimages = 0;
}

/*
 * A link annotation in the structure: its Link element's object reference,
 * a description (PDF/UA wants one: where it leads), the print flag
 * (PDF/A wants it).
 */
static void tag_annot(painter *pt, HPDF_Annotation annot, const pdf_link *lk, uint32_t elem)
{
	pdf_engine *e = pt->e;
	const char *title = lk->uri                                           ? lk->uri
	                    : lk->anchor >= 0 && pt->anchor_title[lk->anchor] ? pt->anchor_title[lk->anchor]
	                                                                      : "Footnote";
	HPDF_Dict_AddNumber(annot, "F", 4);
	HPDF_Dict_Add(annot, "Contents",
	              HPDF_String_New(e->out.pdf->mmgr, title, HPDF_GetEncoder(e->out.pdf, "UTF-8")));
	if (pt->tagged && pdf_tags_annot(e, elem, annot, pt->page) && !e->out.error)
		e->out.error = HPDF_FAILD_TO_ALLOC_MEM;
}

/* A line's formulas' rules, drawn once its text object ends. */
static void draw_maths(painter *pt)
{
	if (!pt->nmaths)
		return;
	if (pt->tagged)
		galley_buf_puts(&pt->tj, "/Artifact BMC\n"); /* the text is in the formula's /ActualText */
	for (int i = 0; i < pt->nmaths; i++)
		pdf_math_draw_rules(&pt->tj, pt->e->res.maths[pt->maths[i].link - 1], pt->maths[i].x0,
		                    pt->maths[i].y);
	if (pt->tagged)
		galley_buf_puts(&pt->tj, "EMC\n");
	HPDF_PageAttr attr = (HPDF_PageAttr)pt->page->attr;
	if (!pt->tj.failed)
		HPDF_Stream_Write(attr->stream, pt->tj.data, (HPDF_UINT)pt->tj.len);
	pt->tj.len = 0;
	pt->face = -1;
	pt->nmaths = 0;
}

static void draw_spans(painter *pt)
{
	pdf_engine *e = pt->e;
	for (int i = 0; i < pt->nspans; i++) {
		span *s = &pt->spans[i];
		if (s->strike) {
			page_mark(pt, 0, artifact_layout);
			HPDF_Page_SetLineWidth(pt->page, s->size * 0.05f);
			HPDF_Page_MoveTo(pt->page, s->x0, s->y + s->size * 0.28f);
			HPDF_Page_LineTo(pt->page, s->x1, s->y + s->size * 0.28f);
			HPDF_Page_Stroke(pt->page);
			page_unmark(pt);
		}
		if (!s->link || e->set.print)
			continue;
		const pdf_link *lk = &e->res.links[s->link - 1];
		/* annotations live in default user space, outside the bleed's translation */
		float o = pt->off;
		HPDF_Rect rect = {s->x0 + o, s->y - s->size * 0.25f + o, s->x1 + o,
		                  s->y + s->size * 0.85f + o};
		HPDF_Annotation annot = NULL;
		if (lk->uri)
			annot = HPDF_Page_CreateURILinkAnnot(pt->page, rect, lk->uri);
		else if (lk->anchor >= 0 && lk->anchor < e->anc.n && pt->dests[lk->anchor])
			annot = HPDF_Page_CreateLinkAnnot(pt->page, rect, pt->dests[lk->anchor]);
		if (annot)
			HPDF_LinkAnnot_SetBorderStyle(annot, 0, 0, 0);
		if (annot && (pt->tagged || e->set.pdfa))
			tag_annot(pt, annot, lk, s->elem);
	}
	pt->nspans = 0;
}

static void draw_line(painter *pt, const pdf_vitem *v, float top)
{
	pdf_engine *e = pt->e;
	float left = pt->left;
	float baseline = top - v->ascent;
	if (v->codebg) {
		page_mark(pt, 0, artifact_layout);
		HPDF_Page_SetGrayFill(pt->page, 0.94f);
		HPDF_Page_Rectangle(pt->page, left + v->bg_x, top - v->height, v->bg_w, v->height);
		HPDF_Page_Fill(pt->page);
		HPDF_Page_SetGrayFill(pt->page, 0);
		page_unmark(pt);
	}
	if (v->deco == PDF_DECO_TASK_OPEN || v->deco == PDF_DECO_TASK_DONE) {
		page_mark(pt, v->label_elem, artifact_layout);
		draw_task_box(pt, left + v->deco_x, baseline, v->deco == PDF_DECO_TASK_DONE);
		page_unmark(pt);
	}
	begin_text(pt);
	if (v->deco == PDF_DECO_LABEL && v->label) {
		size_t len = strlen(v->label);
		float w = pdf_text_width(e, v->label, len, v->label_style);
		tj_run run = {0};
		text_mark(pt, &run, v->label_elem, NULL);
		/* a right-to-left item's label stands at the right, before its text */
		float lx = v->line.para && v->line.para->rtl ? left + text_measure(e) - v->deco_x
		                                             : left + v->deco_x - w;
		draw_string(pt, &run, v->label_style, v->label, len, lx, baseline);
		tj_flush(pt, &run);
	}
	if (v->line.para)
		draw_line_text(pt, &v->line, left, baseline, v->elem);
	if (v->toc_anchor >= 0)
		draw_toc_leader(pt, v, left, baseline);
	end_text(pt);
	draw_spans(pt);
	draw_inline_images(pt);
	draw_maths(pt);
}

static void draw_rule(painter *pt, const pdf_vitem *v, float top)
{
	float y = top - v->height / 2;
	float left = pt->left + v->line.x;
	page_mark(pt, 0, artifact_layout);
	HPDF_Page_SetLineWidth(pt->page, v->ascent);
	HPDF_Page_MoveTo(pt->page, left, y);
	HPDF_Page_LineTo(pt->page, left + v->line.width, y);
	HPDF_Page_Stroke(pt->page);
	page_unmark(pt);
}

/* Draws item `v` with its box's top at `y`. */
static void draw_item(painter *pt, const pdf_vitem *v, float y)
{
	if (v->kind == PDF_V_LINE)
		draw_line(pt, v, y - v->dy);
	else if (v->kind == PDF_V_RULE)
		draw_rule(pt, v, y);
	else if (v->kind == PDF_V_IMAGE && v->image) {
		float h = v->height - pt->e->set.leading * pdf_typo.figure_caption_space;
		page_mark(pt, v->elem, artifact_layout);
		HPDF_Page_DrawImage(pt->page, v->image, pt->left + v->line.x, y - h, v->line.width, h);
		page_unmark(pt);
	}
}

/* Draws items [first, last) where pagination placed them. */
static void draw_placed(painter *pt, size_t first, size_t last)
{
	for (size_t i = first; i < last; i++)
		draw_item(pt, &pt->e->vl.items[i], pt->e->vl.items[i].top);
}

/* Draws items [first, last) from `y` down (a table header repeated); returns where they end. */
static float draw_items(painter *pt, size_t first, size_t last, float y)
{
	for (size_t i = first; i < last; i++) {
		draw_item(pt, &pt->e->vl.items[i], y);
		y -= pt->e->vl.items[i].height;
	}
	return y;
}

/* The page's footnotes above the bottom margin, under a short rule. */
static void draw_notes(painter *pt, const pdf_page *pg)
{
	pdf_engine *e = pt->e;
	if (pg->notes_count == 0)
		return;
	const pdf_range *first = &e->pg.note_ranges[pg->notes_first];
	if (first->last <= first->first)
		return;
	float measure = e->set.page_w - e->set.margin_inner - e->set.margin_outer;
	float ry = e->vl.items[first->first].top + e->set.leading * pdf_typo.note_rule_space;
	page_mark(pt, 0, artifact_layout);
	HPDF_Page_SetLineWidth(pt->page, pdf_typo.note_rule);
	HPDF_Page_MoveTo(pt->page, pt->left, ry);
	HPDF_Page_LineTo(pt->page, pt->left + measure * pdf_typo.note_rule_length, ry);
	HPDF_Page_Stroke(pt->page);
	page_unmark(pt);
	for (size_t r = 0; r < pg->notes_count; r++) {
		const pdf_range *nr = &e->pg.note_ranges[pg->notes_first + r];
		draw_placed(pt, nr->first, nr->last);
	}
}

/* Running heads and page numbers: artifacts of pagination, `artifact` their property list. */
static void draw_centered(painter *pt, const char *text, int style, float y, float cx, const char *artifact)
{
	pdf_engine *e = pt->e;
	size_t len = strlen(text);
	float w = pdf_text_width(e, text, len, (uint16_t)style);
	float x = cx - w / 2;
	begin_text(pt);
	tj_run run = {0};
	text_mark(pt, &run, 0, artifact);
	draw_string(pt, &run, style, text, len, x, y);
	tj_flush(pt, &run);
	end_text(pt);
}

static void draw_furniture(painter *pt, const pdf_page *pg, size_t number)
{
	pdf_engine *e = pt->e;
	const pdf_settings *s = &e->set;
	float measure = s->page_w - s->margin_inner - s->margin_outer;
	float cx = pt->left + measure / 2;
	char num[24];
	snprintf(num, sizeof(num), "%zu", number);
	pdf_style st = {s->size * pdf_typo.folio_size, 0, 0, 0, PDF_FACE(PDF_ROLE_BODY, 0), 0, 0, 0, 0};
	int id = pdf_style_get(e, &st);
	if (id >= 0) {
		float nx = cx;
		if (s->twoside) {
			/* on the outer edge of the text block */
			float w = pdf_text_width(e, num, strlen(num), (uint16_t)id);
			nx = number % 2 ? pt->left + measure - w / 2 : pt->left + w / 2;
		}
		draw_centered(pt, num, id, s->margin_bottom * pdf_typo.folio_drop, nx,
		              "<</Type /Pagination /Subtype /Footer>>");
	}
	if (pg->running && *pg->running) {
		pdf_style hs = {s->size * pdf_typo.running_head_size,
		                0,
		                0,
		                0,
		                PDF_FACE(PDF_ROLE_BODY, PDF_ITALIC),
		                PDF_ST_GRAY,
		                0,
		                0,
		                0};
		id = pdf_style_get(e, &hs);
		if (id >= 0)
			draw_centered(pt, pg->running, id,
			              s->page_h - s->margin_top * pdf_typo.running_head_rise, cx,
			              "<</Type /Pagination /Subtype /Header>>");
	}
}

static float page_left(const pdf_engine *e, size_t index)
{
	/* page 1 is a right-hand page: its inner margin is on the left */
	return e->set.twoside && index % 2 ? e->set.margin_outer : e->set.margin_inner;
}

static HPDF_Array box_array(HPDF_Page page, float x0, float y0, float x1, float y1)
{
	HPDF_Array a = HPDF_Array_New(page->mmgr);
	if (a) {
		HPDF_Array_AddReal(a, x0);
		HPDF_Array_AddReal(a, y0);
		HPDF_Array_AddReal(a, x1);
		HPDF_Array_AddReal(a, y1);
	}
	return a;
}

/*
 * The bleed: the media box grows by it on every side, and the trim and bleed
 * boxes say where the page is cut (libharu sets only the media box, so they
 * go in through its dictionary API). Crop marks stand in the bleed, in line
 * with the trim edges, clear of the page itself.
 */
static void set_bleed(painter *pt, HPDF_Page page)
{
	const pdf_settings *s = &pt->e->set;
	float b = s->bleed, w = s->page_w, h = s->page_h;
	HPDF_Array trim = box_array(page, b, b, b + w, b + h);
	HPDF_Array bleed = box_array(page, 0, 0, w + 2 * b, h + 2 * b);
	if (trim)
		HPDF_Dict_Add(page, "TrimBox", trim);
	if (bleed)
		HPDF_Dict_Add(page, "BleedBox", bleed);
	if (s->crop_marks) {
		page_mark(pt, 0, "<</Type /Pagination>>");
		float gap = b * 0.3f;
		float xs[2] = {b, b + w}, ys[2] = {b, b + h};
		HPDF_Page_SetLineWidth(page, 0.25f);
		HPDF_Page_SetGrayStroke(page, 0);
		for (int i = 0; i < 2; i++)
			for (int j = 0; j < 2; j++) {
				float x = xs[i], y = ys[j];
				float ex = i ? w + 2 * b : 0, ey = j ? h + 2 * b : 0;
				float dx = i ? gap : -gap, dy = j ? gap : -gap;
				HPDF_Page_MoveTo(page, x, y + dy);
				HPDF_Page_LineTo(page, x, ey);
				HPDF_Page_MoveTo(page, x + dx, y);
				HPDF_Page_LineTo(page, ex, y);
			}
		HPDF_Page_Stroke(page);
		page_unmark(pt);
	}
	HPDF_Page_Concat(page, 1, 0, 0, 1, b, b);
}

/*
 * An XYZ destination that keeps the reader's zoom: libharu refuses zoom 0,
 * which the PDF format defines as "unchanged", so it is set afterwards.
 */
static void set_xyz(HPDF_Destination d, float top)
{
	HPDF_Destination_SetXYZ(d, 0, top, 1);
	HPDF_Real zoom = HPDF_Array_GetItem(d, 4, HPDF_OCLASS_REAL);
	if (zoom)
		zoom->value = 0;
}

/* Destinations for anchors and the outline from headings, before any link is drawn. */
static int place_anchors(pdf_engine *e, HPDF_Page *pages, HPDF_Destination *dests, const char **titles)
{
	HPDF_Encoder utf8 = HPDF_GetEncoder(e->out.pdf, "UTF-8");
	HPDF_Outline parents[7] = {NULL};
	for (size_t p = 0; p < e->pg.npages; p++) {
		const pdf_page *pg = &e->pg.pages[p];
		/* footnotes: their first line's anchor, at the foot of the page */
		for (size_t r = 0; r < pg->notes_count; r++) {
			const pdf_range *nr = &e->pg.note_ranges[pg->notes_first + r];
			for (size_t i = nr->first; i < nr->last; i++) {
				const pdf_vitem *v = &e->vl.items[i];
				if (v->anchor >= 0 && v->anchor < e->anc.n && !dests[v->anchor]) {
					HPDF_Destination d = HPDF_Page_CreateDestination(pages[p]);
					if (d)
						set_xyz(d, v->top + v->height * 0.3f + e->set.bleed);
					dests[v->anchor] = d;
					e->anc.page[v->anchor] = (int)p;
				}
			}
		}
		pdf_range rs[3];
		size_t nr = pdf_page_ranges(pg, rs);
		for (size_t r = 0; r < nr; r++) {
			for (size_t i = rs[r].first; i < rs[r].last; i++) {
				const pdf_vitem *v = &e->vl.items[i];
				if (v->anchor >= 0 && v->anchor < e->anc.n && !dests[v->anchor]) {
					HPDF_Destination d = HPDF_Page_CreateDestination(pages[p]);
					if (d)
						set_xyz(d, v->top + v->height * 0.3f + e->set.bleed);
					dests[v->anchor] = d;
					e->anc.page[v->anchor] = (int)p;
					titles[v->anchor] = v->title;
					if (v->heading && v->title && d && !e->set.print) {
						int lv = v->heading;
						HPDF_Outline parent = NULL;
						for (int k = lv - 1; k >= 1 && !parent; k--)
							parent = parents[k];
						HPDF_Outline o =
						    HPDF_CreateOutline(e->out.pdf, parent, v->title, utf8);
						if (o) {
							HPDF_Outline_SetDestination(o, d);
							HPDF_Outline_SetOpened(o, lv <= 1 ? HPDF_TRUE
							                                  : HPDF_FALSE);
						}
						parents[lv] = o;
						for (int k = lv + 1; k <= 6; k++)
							parents[k] = NULL;
					}
				}
			}
		}
	}
	return 0;
}

int pdf_render(pdf_engine *e)
{
	HPDF_Page *pages = calloc(e->pg.npages ? e->pg.npages : 1, sizeof(*pages));
	HPDF_Destination *dests = calloc((size_t)e->anc.n + 1, sizeof(*dests));
	const char **titles = calloc((size_t)e->anc.n + 1, sizeof(*titles));
	e->anc.page = calloc((size_t)e->anc.n + 1, sizeof(int));
	painter pt;
	memset(&pt, 0, sizeof(pt));
	pt.e = e;
	pt.dests = dests;
	pt.anchor_title = titles;
	pt.tagged = e->set.tagged;
	pt.mark = -1;
	pdf_deflater *dz = NULL;
	int rc = 0;
	if (!pages || !dests || !titles || !e->anc.page) {
		rc = GALLEY_ENOMEM;
		goto cleanup;
	}
	for (size_t p = 0; p < e->pg.npages; p++) {
		pages[p] = HPDF_AddPage(e->out.pdf);
		if (!pages[p]) {
			rc = GALLEY_EINTERNAL;
			goto cleanup;
		}
		HPDF_Page_SetWidth(pages[p], e->set.page_w + 2 * e->set.bleed);
		HPDF_Page_SetHeight(pages[p], e->set.page_h + 2 * e->set.bleed);
	}
	place_anchors(e, pages, dests, titles);
	if (e->set.tagged && (rc = pdf_tags_begin(e)))
		goto cleanup;
	dz = pdf_deflater_new(e->pg.npages);
	for (size_t p = 0; p < e->pg.npages; p++) {
		const pdf_page *pg = &e->pg.pages[p];
		pt.page = pages[p];
		pt.face = -1; /* each page starts with a fresh graphics state */
		pt.color = 0;
		pt.left = page_left(e, p);
		pt.off = e->set.bleed;
		if (e->set.tagged && (rc = pdf_tags_page(e, pages[p])))
			goto cleanup;
		if (e->set.bleed > 0)
			set_bleed(&pt, pages[p]);
		if (pg->repeat_table) {
			const pdf_table *t = &e->tabs.tables[pg->repeat_table - 1];
			pt.artifacts_only = true; /* read where the table starts */
			draw_items(&pt, t->header_first, t->header_last, e->set.page_h - e->set.margin_top);
			pt.artifacts_only = false;
		}
		pdf_range rs[3];
		size_t nr = pdf_page_ranges(pg, rs);
		for (size_t r = 0; r < nr; r++)
			draw_placed(&pt, rs[r].first, rs[r].last);
		draw_notes(&pt, pg);
		if (pg->last > pg->first || pg->notes_count || pg->top_float.last > pg->top_float.first)
			draw_furniture(&pt, pg, p + 1);
		if ((rc = pdf_deflater_take(dz, p, pages[p])))
			goto cleanup;
	}
	rc = pdf_deflater_finish(dz, pages);
	if (rc == 0 && pt.tj.failed)
		rc = GALLEY_ENOMEM;
cleanup:
	pdf_deflater_free(dz);
	free(pt.order);
	galley_buf_free(&pt.tj);
	free(pages);
	free(dests);
	free(titles);
	return rc;
}
