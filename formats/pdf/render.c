/*
 * render.c - the paginated vertical list drawn with libharu: text, code
 * shading, list labels and task boxes, running heads and page numbers,
 * link annotations, destinations and the outline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"

#define MAX_SPANS 64

typedef struct span {
	float x0, x1, y, size;
	uint16_t link;
	bool strike;
} span;

typedef struct painter {
	pdf_engine *e;
	HPDF_Page page;
	HPDF_Font font;
	float font_size;
	int color; /* 0 black, 1 link, 2 gray */
	float tx, ty; /* text position set by the last move */
	galley_buf text;
	span spans[MAX_SPANS];
	int nspans;
	HPDF_Destination *dests;
} painter;

static const float link_rgb[3] = {0.05f, 0.2f, 0.55f};

static void set_color(painter *pt, int color)
{
	if (pt->color == color)
		return;
	pt->color = color;
	if (color == 1)
		HPDF_Page_SetRGBFill(pt->page, link_rgb[0], link_rgb[1], link_rgb[2]);
	else if (color == 2)
		HPDF_Page_SetGrayFill(pt->page, 0.45f);
	else
		HPDF_Page_SetGrayFill(pt->page, 0);
}

/* Shows `len` bytes in one face at (x, y) inside a text object. */
static void show(painter *pt, int face, const pdf_style *st, const char *s, size_t len, float x, float y)
{
	HPDF_Font font = pdf_fonts_handle(&pt->e->fonts, face);
	if (!font || len == 0)
		return;
	if (font != pt->font || st->size != pt->font_size) {
		HPDF_Page_SetFontAndSize(pt->page, font, st->size);
		pt->font = font;
		pt->font_size = st->size;
	}
	set_color(pt, st->link ? 1 : (st->flags & PDF_ST_GRAY) ? 2 : 0);
	HPDF_Page_MoveTextPos(pt->page, x - pt->tx, y - pt->ty);
	pt->tx = x;
	pt->ty = y;
	pt->text.len = 0;
	galley_buf_put(&pt->text, s, len);
	galley_buf_putc(&pt->text, 0);
	if (!pt->text.failed)
		HPDF_Page_ShowText(pt->page, (const char *)pt->text.data);
}

static void note_span(painter *pt, const pdf_style *st, float x0, float x1, float baseline)
{
	if (!(st->flags & PDF_ST_STRIKE) && !st->link)
		return;
	span *last = pt->nspans ? &pt->spans[pt->nspans - 1] : NULL;
	bool strike = (st->flags & PDF_ST_STRIKE) != 0;
	if (last && last->link == st->link && last->strike == strike && x0 - last->x1 < st->size) {
		last->x1 = x1;
		return;
	}
	if (pt->nspans == MAX_SPANS)
		return;
	pt->spans[pt->nspans++] = (span){x0, x1, baseline, st->size, st->link, strike};
}

/* Glue's width on a line set with adjustment ratio r. */
static float glue_width(const pdf_atom *a, float r)
{
	if (r > 0)
		return a->width + r * a->stretch;
	return a->width + r * a->shrink;
}

static float line_offset(const pdf_line *ln)
{
	switch (ln->para->align) {
	case PDF_ALIGN_CENTER:
		return (ln->width - ln->natural) / 2;
	case PDF_ALIGN_RIGHT:
		return ln->width - ln->natural;
	default:
		return 0;
	}
}

static void draw_line_text(painter *pt, const pdf_line *ln, float left, float baseline)
{
	pdf_engine *e = pt->e;
	const pdf_para *p = ln->para;
	float x = left + ln->x + line_offset(ln);
	float r = ln->ratio;
	if (p->align != PDF_ALIGN_JUSTIFY && r > 0)
		r = 0;
	if (r > 1e6f)
		r = 0;
	const pdf_atom *last_box = NULL;
	for (uint32_t i = ln->first; i < ln->last; i++) {
		const pdf_atom *a = &p->atoms[i];
		if (a->type == PDF_GLUE) {
			x += glue_width(a, r);
			continue;
		}
		if (a->type != PDF_BOX)
			continue;
		if (a->len) {
			const pdf_style *st = &e->styles[a->style];
			show(pt, a->face, st, p->text + a->off, a->len, x, baseline + st->rise);
			note_span(pt, st, x, x + a->width, baseline);
			last_box = a;
		}
		x += a->width;
	}
	if (ln->hyphen && last_box) {
		const pdf_style *st = &e->styles[last_box->style];
		show(pt, pdf_fonts_resolve(&e->fonts, last_box->face, '-'), st, "-", 1, x, baseline + st->rise);
	}
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

static void draw_spans(painter *pt)
{
	pdf_engine *e = pt->e;
	for (int i = 0; i < pt->nspans; i++) {
		span *s = &pt->spans[i];
		if (s->strike) {
			HPDF_Page_SetLineWidth(pt->page, s->size * 0.05f);
			HPDF_Page_MoveTo(pt->page, s->x0, s->y + s->size * 0.28f);
			HPDF_Page_LineTo(pt->page, s->x1, s->y + s->size * 0.28f);
			HPDF_Page_Stroke(pt->page);
		}
		if (!s->link)
			continue;
		const pdf_link *lk = &e->links[s->link - 1];
		HPDF_Rect rect = {s->x0, s->y - s->size * 0.25f, s->x1, s->y + s->size * 0.85f};
		HPDF_Annotation annot = NULL;
		if (lk->uri)
			annot = HPDF_Page_CreateURILinkAnnot(pt->page, rect, lk->uri);
		else if (lk->anchor >= 0 && lk->anchor < e->nanchors && pt->dests[lk->anchor])
			annot = HPDF_Page_CreateLinkAnnot(pt->page, rect, pt->dests[lk->anchor]);
		if (annot)
			HPDF_LinkAnnot_SetBorderStyle(annot, 0, 0, 0);
	}
	pt->nspans = 0;
}

static void draw_line(painter *pt, const pdf_vitem *v, float top)
{
	pdf_engine *e = pt->e;
	float left = e->set.margin_inner;
	float baseline = top - v->ascent;
	if (v->codebg) {
		HPDF_Page_SetGrayFill(pt->page, 0.94f);
		HPDF_Page_Rectangle(pt->page, left + v->bg_x, top - v->height, v->bg_w, v->height);
		HPDF_Page_Fill(pt->page);
		HPDF_Page_SetGrayFill(pt->page, 0);
	}
	if (v->deco == PDF_DECO_TASK_OPEN || v->deco == PDF_DECO_TASK_DONE)
		draw_task_box(pt, left + v->deco_x, baseline, v->deco == PDF_DECO_TASK_DONE);
	HPDF_Page_BeginText(pt->page);
	pt->tx = pt->ty = 0;
	pt->font = NULL;
	pt->color = 0;
	if (v->deco == PDF_DECO_LABEL && v->label) {
		const pdf_style *st = &e->styles[v->label_style];
		size_t len = strlen(v->label);
		float w = pdf_text_width(e, v->label, len, v->label_style);
		int face = pdf_fonts_resolve(&e->fonts, st->face, pdf_utf8_next(v->label, len, &(size_t){0}));
		show(pt, face, st, v->label, len, left + v->deco_x - w, baseline);
	}
	if (v->line.para)
		draw_line_text(pt, &v->line, left, baseline);
	HPDF_Page_EndText(pt->page);
	set_color(pt, 0);
	draw_spans(pt);
}

static void draw_centered(painter *pt, const char *text, int style, float y, float cx)
{
	pdf_engine *e = pt->e;
	size_t len = strlen(text);
	float w = pdf_text_width(e, text, len, (uint16_t)style);
	const pdf_style *st = &e->styles[style];
	float x = cx - w / 2;
	HPDF_Page_BeginText(pt->page);
	pt->tx = pt->ty = 0;
	pt->font = NULL;
	pt->color = -1;
	/* a face per character run, as in body text */
	size_t i = 0;
	while (i < len) {
		size_t s = i;
		int face = pdf_fonts_resolve(&e->fonts, st->face, pdf_utf8_next(text, len, &i));
		size_t t = i;
		while (t < len) {
			size_t n = t;
			if (pdf_fonts_resolve(&e->fonts, st->face, pdf_utf8_next(text, len, &n)) != face)
				break;
			t = n;
		}
		show(pt, face, st, text + s, t - s, x, y);
		x += pdf_text_width(e, text + s, t - s, (uint16_t)style);
		i = t;
	}
	HPDF_Page_EndText(pt->page);
	set_color(pt, 0);
}

static void draw_furniture(painter *pt, const pdf_page *pg, size_t number)
{
	pdf_engine *e = pt->e;
	const pdf_settings *s = &e->set;
	float cx = s->margin_inner + (s->page_w - s->margin_inner - s->margin_outer) / 2;
	char num[24];
	snprintf(num, sizeof(num), "%zu", number);
	pdf_style st = {s->size * 0.9f, 0, 0, PDF_FACE(PDF_ROLE_BODY, 0), 0};
	int id = pdf_style_get(e, &st);
	if (id >= 0)
		draw_centered(pt, num, id, s->margin_bottom * 0.5f, cx);
	if (pg->running && *pg->running) {
		pdf_style hs = {s->size * 0.85f, 0, 0, PDF_FACE(PDF_ROLE_BODY, PDF_ITALIC), PDF_ST_GRAY};
		id = pdf_style_get(e, &hs);
		if (id >= 0)
			draw_centered(pt, pg->running, id, s->page_h - s->margin_top * 0.55f, cx);
	}
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
static int place_anchors(pdf_engine *e, HPDF_Page *pages, HPDF_Destination *dests)
{
	HPDF_Encoder utf8 = HPDF_GetEncoder(e->pdf, "UTF-8");
	HPDF_Outline parents[7] = {NULL};
	for (size_t p = 0; p < e->npages; p++) {
		const pdf_page *pg = &e->pages[p];
		float y = e->set.page_h - e->set.margin_top;
		for (size_t i = pg->first; i < pg->last; i++) {
			const pdf_vitem *v = &e->items[i];
			if (v->anchor >= 0 && v->anchor < e->nanchors && !dests[v->anchor]) {
				HPDF_Destination d = HPDF_Page_CreateDestination(pages[p]);
				if (d)
					set_xyz(d, y + v->height * 0.3f);
				dests[v->anchor] = d;
				if (v->heading && v->title && d) {
					int lv = v->heading;
					HPDF_Outline parent = NULL;
					for (int k = lv - 1; k >= 1 && !parent; k--)
						parent = parents[k];
					HPDF_Outline o = HPDF_CreateOutline(e->pdf, parent, v->title, utf8);
					if (o) {
						HPDF_Outline_SetDestination(o, d);
						HPDF_Outline_SetOpened(o, lv <= 1 ? HPDF_TRUE : HPDF_FALSE);
					}
					parents[lv] = o;
					for (int k = lv + 1; k <= 6; k++)
						parents[k] = NULL;
				}
			}
			y -= v->height;
		}
	}
	return 0;
}

int pdf_render(pdf_engine *e)
{
	HPDF_Page *pages = calloc(e->npages ? e->npages : 1, sizeof(*pages));
	HPDF_Destination *dests = calloc((size_t)e->nanchors + 1, sizeof(*dests));
	painter pt;
	memset(&pt, 0, sizeof(pt));
	pt.e = e;
	pt.dests = dests;
	int rc = 0;
	if (!pages || !dests) {
		rc = GALLEY_ENOMEM;
		goto cleanup;
	}
	for (size_t p = 0; p < e->npages; p++) {
		pages[p] = HPDF_AddPage(e->pdf);
		if (!pages[p]) {
			rc = GALLEY_EINTERNAL;
			goto cleanup;
		}
		HPDF_Page_SetWidth(pages[p], e->set.page_w);
		HPDF_Page_SetHeight(pages[p], e->set.page_h);
	}
	place_anchors(e, pages, dests);
	for (size_t p = 0; p < e->npages; p++) {
		const pdf_page *pg = &e->pages[p];
		pt.page = pages[p];
		float y = e->set.page_h - e->set.margin_top;
		for (size_t i = pg->first; i < pg->last; i++) {
			const pdf_vitem *v = &e->items[i];
			if (v->kind == PDF_V_LINE)
				draw_line(&pt, v, y);
			y -= v->height;
		}
		draw_furniture(&pt, pg, p + 1);
	}
	if (pt.text.failed)
		rc = GALLEY_ENOMEM;
cleanup:
	galley_buf_free(&pt.text);
	free(pages);
	free(dests);
	return rc;
}
