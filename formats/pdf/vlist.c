/*
 * vlist.c - the vertical list: items pushed as blocks are laid out, the
 * space between blocks, the stack of containers that indent them, keeps
 * (widows, orphans, headings kept with their text), and the paragraphs
 * whose lines the list holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

pdf_vitem *pdf_vlist_push(pdf_engine *e, uint8_t kind)
{
	if (pdf_grow((void **)&e->vl.items, &e->vl.itemcap, e->vl.nitems + 1, sizeof(*e->vl.items)))
		return NULL;
	pdf_vitem *v = &e->vl.items[e->vl.nitems++];
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->anchor = -1;
	v->toc_anchor = -1;
	return v;
}

void lay_want_space(layout *l, float amount)
{
	if (amount > l->pending_space)
		l->pending_space = amount;
}

int lay_flush_space(layout *l)
{
	pdf_engine *e = l->e;
	if (l->pending_space > 0 && e->vl.nitems > 0 && e->vl.items[e->vl.nitems - 1].kind != PDF_V_SPACE &&
	    e->vl.items[e->vl.nitems - 1].kind != PDF_V_PAGEBREAK) {
		pdf_vitem *v = pdf_vlist_push(e, PDF_V_SPACE);
		if (!v)
			return GALLEY_ENOMEM;
		v->height = l->pending_space;
	}
	l->pending_space = 0;
	return 0;
}

container *lay_top(layout *l) { return &l->stack[l->depth - 1]; }

void lay_push_container(layout *l, galley_node_type type, float indent_left, float indent_right)
{
	if (l->depth >= MAX_NEST) {
		l->overflow++;
		return;
	}
	container *parent = lay_top(l);
	container *c = &l->stack[l->depth++];
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->elem = parent->elem;
	c->x = parent->x + indent_left;
	c->width = parent->width - indent_left - indent_right;
	if (c->width < parent->width / 3) {
		/* deep nesting stops indenting before the measure gets too narrow */
		c->x = parent->x;
		c->width = parent->width;
	}
}

void lay_pop_container(layout *l)
{
	if (l->overflow > 0)
		l->overflow--;
	else if (l->depth > 1)
		l->depth--;
}

/* Widow, orphan and heading-keep marks on the lines [first, e->vl.nitems). */
void lay_mark_keeps(layout *l, size_t first)
{
	pdf_engine *e = l->e;
	size_t n = e->vl.nitems - first;
	for (size_t k = 0; k < n; k++) {
		pdf_vitem *v = &e->vl.items[first + k];
		if (k == 1 || (n >= 2 && k == n - 1))
			v->nobreak = true;
		if (l->keep > 0) {
			v->nobreak = true;
			l->keep--;
		}
	}
	if (n > 0 && l->keep == 0 && first > 0 && e->vl.items[first - 1].kind == PDF_V_SPACE &&
	    e->vl.items[first].nobreak)
		e->vl.items[first - 1].nobreak = true;
}

/* A block that is no paragraph (a table, a figure) starting at item `first` stays with a heading above. */
void lay_keep_with_heading(layout *l, size_t first)
{
	pdf_engine *e = l->e;
	if (l->keep == 0 || first >= e->vl.nitems)
		return;
	e->vl.items[first].nobreak = true;
	if (first > 0 && e->vl.items[first - 1].kind == PDF_V_SPACE)
		e->vl.items[first - 1].nobreak = true;
	l->keep = 0;
}

static void para_free(pdf_para *p)
{
	free(p->text);
	free(p->runs);
	free(p->atoms);
	free(p->isolates);
}

/*
 * Paragraph memory lives until rendering: the lines point into it. Each
 * paragraph struct is allocated in the engine's arena; its growable arrays
 * are registered so they can be freed at the end.
 */
pdf_para *lay_new_para(pdf_engine *e)
{
	pdf_para *p = arena_alloc(&e->mem, sizeof(*p));
	if (!p)
		return NULL;
	p->dir = e->set.dir;
	if (pdf_grow((void **)&e->vl.paras, &e->vl.paracap, e->vl.nparas + 1, sizeof(*e->vl.paras)))
		return NULL;
	e->vl.paras[e->vl.nparas++] = p;
	return p;
}

void pdf_paras_free(pdf_engine *e)
{
	for (size_t i = 0; i < e->vl.nparas; i++)
		para_free(e->vl.paras[i]);
	free(e->vl.paras);
	e->vl.paras = NULL;
	e->vl.nparas = e->vl.paracap = 0;
}

/*
 * A line with formulas taller or deeper than its type gets the room they
 * need; a display formula's line gets TeX's space above and below.
 */
static void make_room_for_math(const pdf_engine *e, pdf_vitem *v)
{
	float h, d, w = 0, unused;
	pdf_math *m;
	pdf_math_line_extent(e, &v->line, &h, &d, &m);
	bool display = m != NULL;
	if (m)
		pdf_math_extent(m, &w, &unused, &unused, &display);
	float above = v->ascent, below = v->height - v->ascent;
	float pad = display ? e->set.size * 0.5f : e->set.size * 0.15f;
	if (h + pad > above)
		above = h + pad;
	if (d + pad > below)
		below = d + pad;
	if (display) {
		above += e->set.size * 0.1f;
		below += e->set.size * 0.1f;
	}
	v->ascent = above;
	v->height = above + below;
	if (!display)
		return;
	/* an equation number stands at the right margin, a quad off the formula */
	float measure = v->line.width, tag = pdf_math_tag(m, 0), room = tag > 0 ? tag + e->set.size : 0;
	const galley_node *n = pdf_math_node(m);
	if (w + room > measure + 0.5f)
		galley_report(
		    e->opts, GALLEY_WARNING, galley_node_line(n), galley_node_column(n),
		    "display formula is %.0fpt wider than the text (%.0fpt); it runs into the margin",
		    (double)(w + room - measure), (double)measure);
	/* centred in the measure (the line holds the formula between two fils), clear of its number */
	float x = (measure - w) / 2;
	if (x + w > measure - room)
		x = measure - room - w;
	if (x < 0)
		x = 0;
	pdf_math_tag(m, measure - tag - x);
	v->line.x += x;
	v->line.width = w;
}

/* A line on the vertical list, with what the block gives its lines; decorations and anchors go on its first.
 */
static int push_line(pdf_engine *e, const pdf_line *line)
{
	pdf_vitem *v = pdf_vlist_push(e, PDF_V_LINE);
	if (!v)
		return GALLEY_ENOMEM;
	*v = e->vl.proto;
	v->kind = PDF_V_LINE;
	v->line = *line;
	if (line->para && line->para->math)
		make_room_for_math(e, v);
	e->vl.proto.deco = PDF_DECO_NONE;
	e->vl.proto.label_elem = 0;
	e->vl.proto.anchor = -1;
	e->vl.proto.heading = 0;
	e->vl.proto.title = NULL;
	e->vl.proto.toc_anchor = -1;
	return 0;
}

/* Breaks a filled paragraph into lines of the given height, with keeps. */
int lay_set_paragraph(layout *l, pdf_para *p, float x, float width, float height)
{
	pdf_engine *e = l->e;
	int rc = lay_flush_space(l);
	if (rc)
		return rc;
	e->vl.proto.kind = PDF_V_LINE;
	e->vl.proto.height = height;
	e->vl.proto.ascent = height * pdf_typo.ascent;
	size_t first = e->vl.nitems;
	if (p->len == 0 && e->vl.proto.deco == PDF_DECO_NONE && e->vl.proto.anchor < 0) {
		e->vl.proto.elem = 0;
		return 0;
	}
	e->para.lines.count = 0;
	rc = pdf_para_break(e, p, width, x, &e->para.lines);
	for (size_t i = 0; rc == 0 && i < e->para.lines.count; i++)
		rc = push_line(e, &e->para.lines.v[i]);
	if (rc == 0)
		lay_mark_keeps(l, first);
	e->vl.proto.elem = 0; /* each block names its own element */
	return rc;
}

inline_state lay_body_state(layout *l)
{
	inline_state s = {PDF_ROLE_BODY, 0, l->e->set.size, 0, 0, 0, 0, 0};
	return s;
}

uint32_t lay_elem(layout *l, int type, const char *alt)
{
	return pdf_tags_add(l->e, lay_top(l)->elem, type, alt);
}

void lay_container_elem(layout *l, uint32_t elem)
{
	if (l->overflow == 0)
		lay_top(l)->elem = elem;
}

/* The model's level from the shallowest one used, never more than one deeper than the heading before
 * (PDF/UA: no level skipped). */
int lay_heading_type(layout *l, int level)
{
	int rel = level - l->base_level + l->heading_shift;
	if (rel > l->last_heading + 1)
		rel = l->last_heading + 1;
	rel = rel < 0 ? 0 : rel > 5 ? 5 : rel;
	l->last_heading = rel;
	return PDF_SE_H1 + rel;
}
