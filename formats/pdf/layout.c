/*
 * layout.c - the model as a vertical list of lines and spaces, and that
 * list cut into pages.
 *
 * Blocks are walked with the shared iterator; containers (quotes, lists,
 * items, definitions) push an indentation on a small stack. Each paragraph
 * is broken into lines by linebreak.c; the lines carry what pagination
 * needs: their height, whether a page may break before them (widows,
 * orphans, headings kept with what follows), and anchors for links and the
 * outline.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../src/url.h"
#include "../../src/resource.h"
#include "pdf.h"

#define MAX_NEST 32
#define MAX_INLINE_DEPTH 64
#define ASCENT 0.78f /* baseline position inside a line box, as a share of its height */

static const float heading_scale[6] = {1.9f, 1.5f, 1.25f, 1.1f, 1.0f, 1.0f};
static const float heading_space_before[6] = {2.4f, 1.8f, 1.4f, 1.2f, 1.0f, 1.0f};
static const float heading_space_after[6] = {1.0f, 0.6f, 0.5f, 0.4f, 0.3f, 0.3f};

typedef struct container {
	galley_node_type type;
	float x, width;
	int counter;        /* next ordered list number */
	float label_indent; /* room for the widest label */
	bool tight;
} container;

typedef struct layout {
	pdf_engine *e;
	container stack[MAX_NEST];
	int depth;
	int overflow; /* containers nested deeper than the stack, laid out flat */
	float pending_space;
	int keep; /* lines still to be kept with a heading above */
	int section[6];
	int base_level;
	int *note_anchor; /* per footnote number */
	int body_style;
} layout;

/* Field by field: a style passed by value has padding bytes of no defined value. */
static bool same_style(const pdf_style *a, const pdf_style *b)
{
	return a->size == b->size && a->rise == b->rise && a->link == b->link && a->note == b->note &&
	       a->face == b->face && a->flags == b->flags;
}

static uint32_t style_hash(const pdf_style *s)
{
	uint32_t v[4], h = 2166136261u;
	memcpy(&v[0], &s->size, sizeof(v[0]));
	memcpy(&v[1], &s->rise, sizeof(v[1]));
	v[2] = s->link | (uint32_t)s->note << 16;
	v[3] = s->face | (uint32_t)s->flags << 8;
	for (int i = 0; i < 4; i++) {
		h = (h ^ v[i]) * 16777619u;
		h ^= h >> 15;
	}
	return h;
}

/* The slot of `s` in the index: where it is, or the empty slot where it goes. */
static uint32_t *style_slot(pdf_engine *e, const pdf_style *s)
{
	size_t mask = e->style_slot_cap - 1, i = style_hash(s) & mask;
	while (e->style_slots[i] && !same_style(&e->styles[e->style_slots[i] - 1], s))
		i = (i + 1) & mask;
	return &e->style_slots[i];
}

static int grow_style_index(pdf_engine *e)
{
	size_t cap = e->style_slot_cap ? e->style_slot_cap * 2 : 64;
	uint32_t *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -1;
	free(e->style_slots);
	e->style_slots = slots;
	e->style_slot_cap = cap;
	for (size_t i = 0; i < e->nstyles; i++)
		*style_slot(e, &e->styles[i]) = (uint32_t)i + 1;
	return 0;
}

/*
 * Every link and footnote reference makes a style of its own, so a document
 * may have tens of thousands: they are found through a hash index.
 */
int pdf_style_get(pdf_engine *e, const pdf_style *s)
{
	if ((e->nstyles + 1) * 2 > e->style_slot_cap && grow_style_index(e) != 0)
		return -1;
	uint32_t *slot = style_slot(e, s);
	if (*slot)
		return (int)*slot - 1;
	if (e->nstyles >= UINT16_MAX)
		return 0;
	if (e->nstyles == e->stylecap) {
		size_t cap = e->stylecap ? e->stylecap * 2 : 32;
		pdf_style *n = realloc(e->styles, cap * sizeof(*n));
		if (!n)
			return -1;
		e->styles = n;
		e->stylecap = cap;
	}
	e->styles[e->nstyles] = *s;
	*slot = (uint32_t)++e->nstyles;
	return (int)e->nstyles - 1;
}

int pdf_link_add(pdf_engine *e, const char *uri, int anchor)
{
	if (e->nlinks >= UINT16_MAX - 1)
		return 0;
	if (e->nlinks == e->linkcap) {
		size_t cap = e->linkcap ? e->linkcap * 2 : 32;
		pdf_link *n = realloc(e->links, cap * sizeof(*n));
		if (!n)
			return -1;
		e->links = n;
		e->linkcap = cap;
	}
	e->links[e->nlinks] = (pdf_link){uri, anchor};
	return (int)++e->nlinks;
}

pdf_vitem *pdf_vlist_push(pdf_engine *e, uint8_t kind)
{
	if (e->nitems == e->itemcap) {
		size_t cap = e->itemcap ? e->itemcap * 2 : 256;
		pdf_vitem *n = realloc(e->items, cap * sizeof(*n));
		if (!n)
			return NULL;
		e->items = n;
		e->itemcap = cap;
	}
	pdf_vitem *v = &e->items[e->nitems++];
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->anchor = -1;
	v->toc_anchor = -1;
	return v;
}

static pdf_style make_style(int role, int face_style, float size)
{
	pdf_style s;
	memset(&s, 0, sizeof(s));
	s.face = (uint8_t)PDF_FACE(role, face_style);
	s.size = size;
	return s;
}

static int style_id(pdf_engine *e, int role, int face_style, float size, uint8_t flags)
{
	pdf_style s = make_style(role, face_style, size);
	s.flags = flags;
	return pdf_style_get(e, &s);
}

/* ---- vertical spacing ----------------------------------------------- */

static void want_space(layout *l, float amount)
{
	if (amount > l->pending_space)
		l->pending_space = amount;
}

static int flush_space(layout *l)
{
	pdf_engine *e = l->e;
	if (l->pending_space > 0 && e->nitems > 0 && e->items[e->nitems - 1].kind != PDF_V_SPACE &&
	    e->items[e->nitems - 1].kind != PDF_V_PAGEBREAK) {
		pdf_vitem *v = pdf_vlist_push(e, PDF_V_SPACE);
		if (!v)
			return GALLEY_ENOMEM;
		v->height = l->pending_space;
	}
	l->pending_space = 0;
	return 0;
}

static container *top(layout *l)
{
	return &l->stack[l->depth - 1];
}

static void push_container(layout *l, galley_node_type type, float indent_left, float indent_right)
{
	if (l->depth >= MAX_NEST) {
		l->overflow++;
		return;
	}
	container *parent = top(l);
	container *c = &l->stack[l->depth++];
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->x = parent->x + indent_left;
	c->width = parent->width - indent_left - indent_right;
	if (c->width < parent->width / 3) {
		/* deep nesting stops indenting before the measure gets too narrow */
		c->x = parent->x;
		c->width = parent->width;
	}
}

static void pop_container(layout *l)
{
	if (l->overflow > 0)
		l->overflow--;
	else if (l->depth > 1)
		l->depth--;
}

/* Widow, orphan and heading-keep marks on the lines [first, e->nitems). */
static void mark_keeps(layout *l, size_t first)
{
	pdf_engine *e = l->e;
	size_t n = e->nitems - first;
	for (size_t k = 0; k < n; k++) {
		pdf_vitem *v = &e->items[first + k];
		if (k == 1 || (n >= 2 && k == n - 1))
			v->nobreak = true;
		if (l->keep > 0) {
			v->nobreak = true;
			l->keep--;
		}
	}
	if (n > 0 && l->keep == 0 && first > 0 && e->items[first - 1].kind == PDF_V_SPACE &&
	    e->items[first].nobreak)
		e->items[first - 1].nobreak = true;
}

/* ---- inlines -------------------------------------------------------- */

typedef struct inline_state {
	int role, face_style;
	float size, rise;
	uint8_t flags;
	uint16_t link;
	uint16_t note;
} inline_state;

static int add_text(pdf_engine *e, pdf_para *p, const inline_state *s, const char *text, size_t len)
{
	pdf_style st = make_style(s->role, s->face_style, s->size);
	st.rise = s->rise;
	st.flags = s->flags;
	st.link = s->link;
	st.note = s->note;
	int id = pdf_style_get(e, &st);
	if (id < 0)
		return GALLEY_ENOMEM;
	return pdf_para_add(e, p, text, len, (uint16_t)id);
}

static int link_for(layout *l, const galley_node *n)
{
	pdf_engine *e = l->e;
	const char *url = galley_node_url(n);
	/* libharu refuses an empty URI and strings past its limit */
	if (!url || !*url || strlen(url) > 60000 || galley_url_is_active(url))
		return 0;
	if (url[0] == '#') {
		void *a = strmap_get(&e->anchors, url + 1);
		return a ? pdf_link_add(e, NULL, (int)(intptr_t)a - 1) : 0;
	}
	return pdf_link_add(e, url, -1);
}

static bool looks_like_url(const char *s, size_t len)
{
	return (len > 7 && (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0)) ||
	       (len > 4 && strncmp(s, "www.", 4) == 0) || memchr(s, '@', len) != NULL;
}

static int add_leaf(layout *l, pdf_para *p, const galley_node *n, inline_state *s)
{
	pdf_engine *e = l->e;
	size_t len;
	const char *lit = galley_node_literal(n, &len);
	switch (galley_node_get_type(n)) {
	case GALLEY_NODE_TEXT: {
		inline_state t = *s;
		if (s->link && looks_like_url(lit, len))
			t.flags |= PDF_ST_NOHYPH;
		return add_text(e, p, &t, lit, len);
	}
	case GALLEY_NODE_CODE:
	case GALLEY_NODE_MATH: { /* math: its TeX source, until math is typeset */
		inline_state t = *s;
		t.role = PDF_ROLE_MONO;
		t.size = s->size * 0.88f;
		t.flags |= PDF_ST_NOHYPH | PDF_ST_CODE;
		return add_text(e, p, &t, lit, len);
	}
	case GALLEY_NODE_SOFT_BREAK:
		return add_text(e, p, s, " ", 1);
	case GALLEY_NODE_HARD_BREAK:
		return add_text(e, p, s, "\n", 1);
	case GALLEY_NODE_FOOTNOTE_REF: {
		int num = galley_node_footnote_number(n);
		char buf[16];
		inline_state t = *s;
		t.size = s->size * 0.68f;
		t.rise = s->rise + s->size * 0.36f;
		t.flags |= PDF_ST_NOHYPH;
		t.note = (uint16_t)(num > 0 && num < UINT16_MAX ? num : 0);
		if (num > 0 && l->note_anchor && l->note_anchor[num] >= 0) {
			int link = pdf_link_add(e, NULL, l->note_anchor[num]);
			if (link < 0)
				return GALLEY_ENOMEM;
			t.link = (uint16_t)link;
		}
		snprintf(buf, sizeof(buf), "%d", num);
		return add_text(e, p, &t, buf, strlen(buf));
	}
	case GALLEY_NODE_RAW_INLINE:
		e->raw_dropped++;
		return 0;
	default:
		return 0;
	}
}

static void enter_inline(layout *l, const galley_node *n, inline_state *s)
{
	switch (galley_node_get_type(n)) {
	case GALLEY_NODE_EMPH:
	case GALLEY_NODE_IMAGE:
		s->face_style ^= PDF_ITALIC;
		break;
	case GALLEY_NODE_STRONG:
		s->face_style |= PDF_BOLD;
		break;
	case GALLEY_NODE_STRIKETHROUGH:
		s->flags |= PDF_ST_STRIKE;
		break;
	case GALLEY_NODE_LINK: {
		int link = link_for(l, n);
		if (link > 0) {
			s->link = (uint16_t)link;
			s->flags |= PDF_ST_LINK;
		}
		break;
	}
	case GALLEY_NODE_SUPERSCRIPT:
		s->rise += s->size * 0.36f;
		s->size *= 0.7f;
		break;
	case GALLEY_NODE_SUBSCRIPT:
		s->rise -= s->size * 0.16f;
		s->size *= 0.7f;
		break;
	default:
		break;
	}
}

/* The inline content of `block` into `p`, starting from style `base`. */
static int collect_inlines(layout *l, pdf_para *p, galley_node *block, inline_state base)
{
	inline_state stack[MAX_INLINE_DEPTH];
	int depth = 0, deep = 0;
	inline_state cur = base;
	galley_walk w;
	galley_walk_init(&w, block);
	galley_event ev;
	int rc = 0;
	while (rc == 0 && (ev = galley_walk_next(&w)) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (n == block)
			continue;
		galley_node_type t = galley_node_get_type(n);
		if (galley_node_type_is_leaf(t)) {
			rc = add_leaf(l, p, n, &cur);
		} else if (ev == GALLEY_EVENT_ENTER) {
			if (depth < MAX_INLINE_DEPTH)
				stack[depth++] = cur;
			else
				deep++;
			enter_inline(l, n, &cur);
		} else if (deep > 0) {
			deep--;
		} else if (depth > 0) {
			cur = stack[--depth];
		}
	}
	return rc;
}

static void para_free(pdf_para *p)
{
	free(p->text);
	free(p->runs);
	free(p->atoms);
}

/*
 * Paragraph memory lives until rendering: the lines point into it. Each
 * paragraph struct is allocated in the engine's arena; its growable arrays
 * are registered so they can be freed at the end.
 */
static pdf_para *new_para(pdf_engine *e)
{
	pdf_para *p = arena_alloc(&e->mem, sizeof(*p));
	if (!p)
		return NULL;
	if (e->nparas == e->paracap) {
		size_t cap = e->paracap ? e->paracap * 2 : 256;
		pdf_para **n = realloc(e->paras, cap * sizeof(*n));
		if (!n)
			return NULL;
		e->paras = n;
		e->paracap = cap;
	}
	e->paras[e->nparas++] = p;
	return p;
}

void pdf_paras_free(pdf_engine *e)
{
	for (size_t i = 0; i < e->nparas; i++)
		para_free(e->paras[i]);
	free(e->paras);
	e->paras = NULL;
	e->nparas = e->paracap = 0;
}

/* Breaks a filled paragraph into lines of the given height, with keeps. */
static int set_paragraph(layout *l, pdf_para *p, float x, float width, float height)
{
	pdf_engine *e = l->e;
	int rc = flush_space(l);
	if (rc)
		return rc;
	e->proto.kind = PDF_V_LINE;
	e->proto.height = height;
	e->proto.ascent = height * ASCENT;
	size_t first = e->nitems;
	if (p->len == 0 && e->proto.deco == PDF_DECO_NONE && e->proto.anchor < 0)
		return 0;
	rc = pdf_para_break(e, p, width, x);
	if (rc == 0)
		mark_keeps(l, first);
	return rc;
}

static inline_state body_state(layout *l)
{
	inline_state s = {PDF_ROLE_BODY, 0, l->e->set.size, 0, 0, 0, 0};
	return s;
}

static int layout_paragraph(layout *l, galley_node *n, bool after_paragraph)
{
	pdf_engine *e = l->e;
	container *c = top(l);
	pdf_para *p = new_para(e);
	if (!p)
		return GALLEY_ENOMEM;
	p->align = e->set.ragged ? PDF_ALIGN_LEFT : PDF_ALIGN_JUSTIFY;
	p->hyphenate = true;
	if (after_paragraph)
		p->indent = e->set.size * 1.5f;
	else
		want_space(l, c->tight ? 0 : e->set.leading * 0.5f);
	inline_state s = body_state(l);
	if (galley_node_get_type(n) == GALLEY_NODE_DEF_TERM)
		s.face_style = PDF_BOLD;
	int rc = collect_inlines(l, p, n, s);
	if (rc == 0)
		rc = set_paragraph(l, p, c->x, c->width, e->set.leading);
	if (!(c->type == GALLEY_NODE_LIST_ITEM && c->tight))
		want_space(l, 0);
	return rc;
}

/* ---- headings ------------------------------------------------------- */

static int section_number(layout *l, int level, char *buf, size_t size)
{
	int rel = level - l->base_level;
	if (rel < 0)
		rel = 0;
	l->section[rel]++;
	for (int i = rel + 1; i < 6; i++)
		l->section[i] = 0;
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i <= rel && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, i ? ".%d" : "%d", l->section[i]);
	if (used + 2 < size) {
		buf[used++] = ' ';
		buf[used++] = ' ';
		buf[used] = '\0';
	}
	return (int)used;
}

static int layout_heading(layout *l, galley_node *n)
{
	pdf_engine *e = l->e;
	int level = galley_node_heading_level(n);
	if (level < 1 || level > 6)
		level = 6;
	if (level == 1 && e->set.chapter_breaks && e->nitems > 0 &&
	    e->items[e->nitems - 1].kind != PDF_V_PAGEBREAK) {
		if (!pdf_vlist_push(e, PDF_V_PAGEBREAK))
			return GALLEY_ENOMEM;
		l->pending_space = 0;
	}
	container *c = top(l);
	pdf_para *p = new_para(e);
	if (!p)
		return GALLEY_ENOMEM;
	p->align = PDF_ALIGN_LEFT;
	p->hyphenate = false;
	float size = e->set.size * heading_scale[level - 1];
	inline_state s = {
	    PDF_ROLE_HEAD, level == 6 ? PDF_BOLD | PDF_ITALIC : PDF_BOLD, size, 0, PDF_ST_NOHYPH, 0, 0};
	char num[64];
	int rc = 0;
	char *plain = galley_node_plain_text(n);
	if (!plain)
		return GALLEY_ENOMEM;
	char *title = plain;
	if (e->set.number_sections) {
		section_number(l, level, num, sizeof(num));
		rc = add_text(e, p, &s, num, strlen(num));
		title = arena_alloc(&e->mem, strlen(num) + strlen(plain) + 1);
		if (title)
			sprintf(title, "%s%s", num, plain);
	} else
		title = arena_strndup(&e->mem, plain, strlen(plain));
	free(plain);
	if (!title)
		return GALLEY_ENOMEM;
	if (rc == 0)
		rc = collect_inlines(l, p, n, s);
	want_space(l, e->set.leading * heading_space_before[level - 1]);
	const char *id = galley_node_id(n);
	void *anchor = id ? strmap_get(&e->anchors, id) : NULL;
	e->proto.anchor = anchor ? (int)(intptr_t)anchor - 1 : -1;
	e->proto.heading = (uint8_t)level;
	e->proto.title = title;
	l->keep = 0;
	if (rc == 0)
		rc = flush_space(l);
	size_t first = e->nitems;
	if (rc == 0)
		rc = set_paragraph(l, p, c->x, c->width, size * 1.2f);
	for (size_t i = first + 1; i < e->nitems; i++)
		e->items[i].nobreak = true;
	l->keep = 2;
	want_space(l, e->set.leading * heading_space_after[level - 1]);
	return rc;
}

/* ---- code blocks ---------------------------------------------------- */

static pdf_atom *code_box(pdf_para *p)
{
	if (p->natoms == p->atomcap) {
		size_t cap = p->atomcap ? p->atomcap * 2 : 16;
		pdf_atom *n = realloc(p->atoms, cap * sizeof(*n));
		if (!n)
			return NULL;
		p->atoms = n;
		p->atomcap = cap;
	}
	pdf_atom *a = &p->atoms[p->natoms++];
	memset(a, 0, sizeof(*a));
	a->type = PDF_BOX;
	a->style = p->runs[0].style;
	return a;
}

static int code_line(layout *l, pdf_para *p, size_t from, size_t to, float x, float width, bool continued,
                     int mark_style)
{
	pdf_engine *e = l->e;
	size_t first = p->natoms;
	/* one box per face: characters the code font lacks come from a fallback */
	if (pdf_atoms_add_text(e, p, from, to, p->runs[0].style))
		return GALLEY_ENOMEM;
	if (p->natoms == first && !code_box(p))
		return GALLEY_ENOMEM;
	pdf_vitem *v = pdf_vlist_push(e, PDF_V_LINE);
	if (!v)
		return GALLEY_ENOMEM;
	*v = e->proto;
	v->kind = PDF_V_LINE;
	v->codebg = true;
	v->bg_x = top(l)->x;
	v->bg_w = top(l)->width;
	v->line = (pdf_line){p, (uint32_t)first, (uint32_t)p->natoms, 0, x, width, 0, false, false};
	if (continued) {
		v->deco = PDF_DECO_LABEL;
		v->label = "\xE2\x86\xAA"; /* ↪ */
		v->label_style = (uint16_t)mark_style;
		v->deco_x = x - e->set.size * 0.3f;
	}
	e->proto.deco = PDF_DECO_NONE;
	e->proto.anchor = -1;
	return 0;
}

/* Code text with tabs expanded to stops every four columns. */
static int add_code_text(pdf_engine *e, pdf_para *p, const char *lit, size_t len, uint16_t style)
{
	size_t col = 0, run = 0;
	for (size_t i = 0; i < len; i++) {
		if (lit[i] == '\n') {
			col = 0;
			continue;
		}
		if (lit[i] != '\t') {
			if (((unsigned char)lit[i] & 0xC0) != 0x80)
				col++;
			continue;
		}
		static const char spaces[] = "    ";
		size_t n = 4 - col % 4;
		if (pdf_para_add(e, p, lit + run, i - run, style) || pdf_para_add(e, p, spaces, n, style))
			return GALLEY_ENOMEM;
		col += n;
		run = i + 1;
	}
	return pdf_para_add(e, p, lit + run, len - run, style);
}

/*
 * Code keeps its lines; a line longer than the measure wraps at its last
 * space (or anywhere when it has none late enough), and the rest goes on
 * the next line after a continuation mark.
 */
static int layout_code(layout *l, galley_node *n)
{
	pdf_engine *e = l->e;
	container *c = top(l);
	size_t len;
	const char *lit = galley_node_literal(n, &len);
	if (len && lit[len - 1] == '\n')
		len--;
	pdf_para *p = new_para(e);
	if (!p)
		return GALLEY_ENOMEM;
	float size = e->set.size * 0.88f;
	int st = style_id(e, PDF_ROLE_MONO, 0, size, PDF_ST_NOHYPH | PDF_ST_CODE);
	int mark = style_id(e, PDF_ROLE_MONO, 0, size, PDF_ST_GRAY);
	if (st < 0 || mark < 0 || add_code_text(e, p, lit, len, (uint16_t)st))
		return GALLEY_ENOMEM;
	want_space(l, e->set.leading * 0.6f);
	int rc = flush_space(l);
	float pad = e->set.size * 0.5f;
	float x = c->x + pad, width = c->width - 2 * pad;
	float cont_indent = e->set.size * 1.5f;
	e->proto.height = e->set.leading * 0.95f;
	e->proto.ascent = e->proto.height * ASCENT;
	size_t first = e->nitems;
	size_t i = 0;
	while (rc == 0 && i <= p->len) {
		size_t eol = i;
		while (eol < p->len && p->text[eol] != '\n')
			eol++;
		bool continued = false;
		size_t s = i;
		do {
			float room = continued ? width - cont_indent : width, w = 0;
			size_t t = s, last_space = 0;
			while (t < eol) {
				size_t nt = t;
				uint32_t ch = pdf_utf8_next(p->text, eol, &nt);
				float cw = pdf_text_width(e, p->text + t, nt - t, (uint16_t)st);
				if (w + cw > room && t > s)
					break;
				w += cw;
				if (ch == ' ')
					last_space = nt;
				t = nt;
			}
			if (t < eol && last_space > s + (t - s) / 2)
				t = last_space;
			rc = code_line(l, p, s, t, continued ? x + cont_indent : x, room, continued, mark);
			continued = true;
			s = t;
		} while (rc == 0 && s < eol);
		i = eol + 1;
	}
	if (rc == 0)
		mark_keeps(l, first);
	want_space(l, e->set.leading * 0.6f);
	return rc;
}

/* ---- other blocks --------------------------------------------------- */

static int layout_centered(layout *l, const char *text, int role, int face_style, float size, float height)
{
	pdf_engine *e = l->e;
	container *c = top(l);
	pdf_para *p = new_para(e);
	if (!p)
		return GALLEY_ENOMEM;
	p->align = PDF_ALIGN_CENTER;
	inline_state s = {role, face_style, size, 0, PDF_ST_NOHYPH, 0, 0};
	int rc = add_text(e, p, &s, text, strlen(text));
	if (rc == 0)
		rc = set_paragraph(l, p, c->x, c->width, height);
	return rc;
}

static int layout_rule(layout *l)
{
	want_space(l, l->e->set.leading);
	int rc = layout_centered(l, "*\xE2\x80\x83*\xE2\x80\x83*", PDF_ROLE_BODY, 0, l->e->set.size,
	                         l->e->set.leading);
	want_space(l, l->e->set.leading);
	return rc;
}

/* ---- tables ---------------------------------------------------------- */

#define MAX_COLUMNS 128

static pdf_vitem *push_rule(layout *l, float x, float width, float thickness, float height, uint16_t table)
{
	pdf_vitem *v = pdf_vlist_push(l->e, PDF_V_RULE);
	if (!v)
		return NULL;
	v->line.x = x;
	v->line.width = width;
	v->ascent = thickness; /* a rule's line width */
	v->height = height;
	v->nobreak = true;
	v->table = table;
	return v;
}

/*
 * Column widths from content: each column's narrowest (its widest word) and
 * natural width; natural widths when they fit, otherwise the room beyond the
 * minimums shared in proportion, and when even the minimums do not fit,
 * widths in proportion to them (cells then break inside words).
 */
static void column_widths(const float *min, const float *nat, int n, float avail, float *w)
{
	float smin = 0, snat = 0;
	for (int i = 0; i < n; i++) {
		smin += min[i];
		snat += nat[i];
	}
	for (int i = 0; i < n; i++) {
		if (snat <= avail)
			w[i] = nat[i];
		else if (smin <= avail && snat > smin)
			w[i] = min[i] + (nat[i] - min[i]) * (avail - smin) / (snat - smin);
		else
			w[i] = smin > 0 ? avail * min[i] / smin : avail / (float)n;
		if (w[i] < 1)
			w[i] = 1;
	}
}

/* The lines of one cell, broken at its width, taken off the vertical list into `out`. */
static int cell_lines(layout *l, pdf_para *p, float x, float width, pdf_vitem **out, size_t *count)
{
	pdf_engine *e = l->e;
	size_t first = e->nitems;
	e->proto.kind = PDF_V_LINE;
	e->proto.height = 0;
	e->proto.ascent = e->set.leading * ASCENT;
	int rc = p->len ? pdf_para_break(e, p, width, x) : 0;
	*count = e->nitems - first;
	*out = NULL;
	if (rc == 0 && *count) {
		*out = malloc(*count * sizeof(pdf_vitem));
		if (!*out)
			rc = GALLEY_ENOMEM;
		else
			memcpy(*out, e->items + first, *count * sizeof(pdf_vitem));
	}
	e->nitems = first;
	return rc;
}

static int table_row(layout *l, galley_node *row, pdf_para **cells, int n, const float *x, const float *w,
                     uint16_t table, bool header)
{
	pdf_engine *e = l->e;
	pdf_vitem *lines[MAX_COLUMNS] = {NULL};
	size_t counts[MAX_COLUMNS] = {0}, rows = 0;
	int rc = 0;
	for (int c = 0; c < n && rc == 0; c++) {
		rc = cell_lines(l, cells[c], x[c], w[c], &lines[c], &counts[c]);
		if (counts[c] > rows)
			rows = counts[c];
	}
	if (rows == 0)
		rows = 1;
	/*
	 * Each cell's lines in turn (so text is read cell by cell), at no
	 * height and each at its offset below the row's top; then one empty
	 * item per visual line carries the row's height.
	 */
	for (int c = 0; c < n && rc == 0; c++) {
		for (size_t k = 0; k < counts[c]; k++) {
			pdf_vitem *v = pdf_vlist_push(e, PDF_V_LINE);
			if (!v) {
				rc = GALLEY_ENOMEM;
				break;
			}
			*v = lines[c][k];
			v->height = 0;
			v->dy = (float)k * e->set.leading;
			v->nobreak = true;
			v->table = table;
			v->header_row = header;
		}
	}
	for (size_t k = 0; k < rows && rc == 0; k++) {
		pdf_vitem *carrier = pdf_vlist_push(e, PDF_V_LINE);
		if (!carrier) {
			rc = GALLEY_ENOMEM;
			break;
		}
		carrier->height = e->set.leading;
		carrier->ascent = e->set.leading * ASCENT;
		carrier->nobreak = true;
		carrier->table = table;
		carrier->header_row = header;
	}
	for (int c = 0; c < n; c++)
		free(lines[c]);
	(void)row;
	return rc;
}

static int table_cells(layout *l, galley_node *row, pdf_para **cells, int n, bool header, galley_node *table)
{
	pdf_engine *e = l->e;
	int c = 0;
	for (galley_node *cell = galley_node_first_child(row); cell && c < n;
	     cell = galley_node_next(cell), c++) {
		pdf_para *p = new_para(e);
		if (!p)
			return GALLEY_ENOMEM;
		galley_align a = galley_node_table_align(table, c);
		p->align = a == GALLEY_ALIGN_CENTER  ? PDF_ALIGN_CENTER
		           : a == GALLEY_ALIGN_RIGHT ? PDF_ALIGN_RIGHT
		                                     : PDF_ALIGN_LEFT;
		p->hyphenate = true;
		inline_state s = body_state(l);
		if (header)
			s.face_style = PDF_BOLD;
		int rc = collect_inlines(l, p, cell, s);
		if (rc)
			return rc;
		cells[c] = p;
	}
	for (; c < n; c++) {
		if (!(cells[c] = new_para(e)))
			return GALLEY_ENOMEM;
	}
	return 0;
}

/* Each column's narrowest and natural width, over the cells of every row. */
static int measure_cells(layout *l, galley_node *table, pdf_para **cells, int n, float *min, float *nat)
{
	pdf_engine *e = l->e;
	int rc = 0;
	size_t r = 0;
	for (int c = 0; c < n; c++)
		min[c] = nat[c] = 0;
	for (galley_node *row = galley_node_first_child(table); row && rc == 0;
	     row = galley_node_next(row), r++) {
		rc = table_cells(l, row, cells + r * (size_t)n, n, galley_node_row_is_header(row), table);
		for (int c = 0; c < n && rc == 0; c++) {
			float mn, nt;
			rc = pdf_para_measure(e, cells[r * (size_t)n + c], &mn, &nt);
			if (mn > min[c])
				min[c] = mn;
			if (nt > nat[c])
				nat[c] = nt;
		}
	}
	return rc;
}

static int add_table(pdf_engine *e)
{
	if (e->ntables == e->tablecap) {
		size_t cap = e->tablecap ? e->tablecap * 2 : 8;
		pdf_table *t = realloc(e->tables, cap * sizeof(*t));
		if (!t)
			return GALLEY_ENOMEM;
		e->tables = t;
		e->tablecap = cap;
	}
	memset(&e->tables[e->ntables], 0, sizeof(pdf_table));
	e->ntables++;
	return 0;
}

/* A table with booktabs rules; its header row repeats on every page it continues on. */
static int layout_table(layout *l, galley_node *table)
{
	pdf_engine *e = l->e;
	container *box = top(l);
	int n = galley_node_table_columns(table);
	size_t nrows = 0;
	for (galley_node *r = galley_node_first_child(table); r; r = galley_node_next(r))
		nrows++;
	if (n <= 0 || nrows == 0)
		return 0;
	if (n > MAX_COLUMNS) {
		galley_report(e->opts, GALLEY_WARNING, galley_node_line(table), galley_node_column(table),
		              "a table of %d columns: those past %d are left out of the PDF", n, MAX_COLUMNS);
		n = MAX_COLUMNS;
	}
	if (e->ntables >= UINT16_MAX - 1)
		return 0;
	pdf_para **cells = calloc(nrows * (size_t)n, sizeof(*cells));
	if (!cells)
		return GALLEY_ENOMEM;
	float min[MAX_COLUMNS], nat[MAX_COLUMNS], w[MAX_COLUMNS], x[MAX_COLUMNS];
	int rc = measure_cells(l, table, cells, n, min, nat);
	/* a table whose narrowest columns do not fit is set smaller, down to 70% */
	pdf_settings saved = e->set;
	float smin = 0;
	for (int c = 0; c < n; c++)
		smin += min[c];
	float room = box->width - e->set.size * (float)(n - 1);
	if (rc == 0 && smin > room && room > 0) {
		float scale = room / smin * 0.98f;
		if (scale < 0.7f)
			scale = 0.7f;
		e->set.size *= scale;
		e->set.leading *= scale;
		rc = measure_cells(l, table, cells, n, min, nat);
	}
	float gap = e->set.size;
	float avail = box->width - gap * (float)(n - 1);
	if (rc == 0 && (rc = add_table(e)) == 0) {
		uint16_t id = (uint16_t)e->ntables;
		/* a little slack, so a cell set at its natural width is not broken by rounding */
		for (int c = 0; c < n; c++)
			nat[c] += 0.5f;
		column_widths(min, nat, n, avail, w);
		float total = gap * (float)(n - 1);
		for (int c = 0; c < n; c++)
			total += w[c];
		float left = box->x + (box->width - total) / 2;
		for (int c = 0; c < n; c++) {
			x[c] = left;
			left += w[c] + gap;
		}
		float tx = x[0], tw = total;
		want_space(l, e->set.leading * 0.6f);
		rc = flush_space(l);
		size_t header_first = e->nitems;
		if (rc == 0 && !push_rule(l, tx, tw, 0.8f, e->set.leading * 0.4f, id))
			rc = GALLEY_ENOMEM;
		if (rc == 0) {
			e->items[e->nitems - 1].nobreak = false;
			e->items[e->nitems - 1].header_row = true;
		}
		bool in_header = true;
		size_t r = 0;
		for (galley_node *row = galley_node_first_child(table); row && rc == 0;
		     row = galley_node_next(row), r++) {
			bool header = galley_node_row_is_header(row);
			if (in_header && !header) {
				in_header = false;
				pdf_table *t = &e->tables[id - 1];
				if (e->nitems > header_first + 1) {
					if (!push_rule(l, tx, tw, 0.5f, e->set.leading * 0.4f, id)) {
						rc = GALLEY_ENOMEM;
						break;
					}
					e->items[e->nitems - 1].header_row = true;
					t->header_first = header_first;
					t->header_last = e->nitems;
					for (size_t i = header_first; i < e->nitems; i++)
						t->header_height += e->items[i].height;
				}
			}
			size_t first = e->nitems;
			rc = table_row(l, row, cells + r * (size_t)n, n, x, w, id, header);
			/* a body row may start a page, unless it is the first under the header */
			if (rc == 0 && !header && first < e->nitems &&
			    !(first > 0 && e->items[first - 1].kind == PDF_V_RULE))
				e->items[first].nobreak = false;
		}
		if (rc == 0 && !push_rule(l, tx, tw, 0.8f, e->set.leading * 0.4f, id))
			rc = GALLEY_ENOMEM;
		want_space(l, e->set.leading * 0.6f);
	}
	e->set = saved;
	free(cells);
	return rc;
}

/* Loads a PNG or JPEG the document refers to; NULL (with a warning) when it cannot. */
static HPDF_Image load_image(pdf_engine *e, const galley_node *img)
{
	const char *url = galley_node_url(img);
	unsigned char *data = NULL;
	size_t len = 0;
	HPDF_Image im = NULL;
	galley_res_status st = galley_resource_load(e->doc, e->opts, url ? url : "", &data, &len);
	const char *type = st == GALLEY_RES_OK ? galley_image_type(data, len) : NULL;
	bool png = type && !strcmp(type, "image/png"), jpeg = type && !strcmp(type, "image/jpeg");
	const char *problem = st != GALLEY_RES_OK ? galley_resource_status_text(st)
	                      : !png && !jpeg     ? "it is neither PNG nor JPEG"
	                                          : pdf_image_problem(data, len, png);
	if (!problem) {
		/* should libharu still fail, the image is left out, not the document */
		int saved = e->hpdf_error;
		im = png ? HPDF_LoadPngImageFromMem(e->pdf, data, (HPDF_UINT)len)
		         : HPDF_LoadJpegImageFromMem(e->pdf, data, (HPDF_UINT)len);
		unsigned char *plain = NULL;
		size_t plain_len = 0;
		if (!im && jpeg && pdf_jpeg_rewrite(data, len, &plain, &plain_len) == 0) {
			HPDF_ResetError(e->pdf);
			e->hpdf_error = saved;
			im = HPDF_LoadJpegImageFromMem(e->pdf, plain, (HPDF_UINT)plain_len);
		}
		free(plain);
		if (!im) {
			HPDF_ResetError(e->pdf);
			e->hpdf_error = saved;
			problem = "it cannot be read";
		}
	}
	free(data);
	if (problem)
		galley_report(e->opts, GALLEY_WARNING, galley_node_line(img), galley_node_column(img),
		              "image '%s' left out: %s; its caption stands in for it", url ? url : "", problem);
	return im;
}

/*
 * A figure: the image at its natural size (pixels at 96 per inch, the CSS
 * reference), scaled down to the measure and to a page, never up; then its
 * caption, kept with it.
 */
static int layout_figure(layout *l, galley_node *fig)
{
	pdf_engine *e = l->e;
	container *c = top(l);
	galley_node *img = galley_node_first_child(fig);
	want_space(l, e->set.leading * 0.6f);
	int rc = flush_space(l);
	HPDF_Image im = img && galley_node_get_type(img) == GALLEY_NODE_IMAGE ? load_image(e, img) : NULL;
	if (rc == 0 && im) {
		float pw = (float)HPDF_Image_GetWidth(im), ph = (float)HPDF_Image_GetHeight(im);
		float w = pw * 72.0f / 96.0f, h = ph * 72.0f / 96.0f;
		float max_h = (e->set.page_h - e->set.margin_top - e->set.margin_bottom) * 0.8f;
		float scale = 1;
		if (w > c->width)
			scale = c->width / w;
		if (h * scale > max_h)
			scale = max_h / h;
		w *= scale;
		h *= scale;
		pdf_vitem *v = pdf_vlist_push(e, PDF_V_IMAGE);
		if (!v)
			return GALLEY_ENOMEM;
		v->image = im;
		v->line.x = c->x + (c->width - w) / 2;
		v->line.width = w;
		v->height = h + e->set.leading * 0.4f;
		if (e->set.print && pw * 72.0f / w < 299.5f)
			galley_report(e->opts, GALLEY_WARNING, galley_node_line(img), galley_node_column(img),
			              "image '%s' is %.0f dpi at its placed size; print wants 300",
			              galley_node_url(img), (double)(pw * 72.0f / w));
	}
	pdf_para *p = new_para(e);
	if (!p)
		return GALLEY_ENOMEM;
	p->align = PDF_ALIGN_CENTER;
	p->hyphenate = true;
	inline_state s = body_state(l);
	s.face_style = PDF_ITALIC;
	s.size = e->set.size * 0.92f;
	if (rc == 0)
		rc = collect_inlines(l, p, fig, s);
	size_t first = e->nitems;
	if (rc == 0)
		rc = set_paragraph(l, p, c->x, c->width, e->set.leading * 0.95f);
	if (im)
		for (size_t i = first; i < e->nitems; i++)
			e->items[i].nobreak = true;
	want_space(l, e->set.leading * 0.6f);
	return rc;
}

/*
 * An ordered list's label for `value`: 7. or g) or vii. as the list is
 * numbered; letters run a..z, aa..az (as HTML's lists do), roman numerals
 * to 3999, and digits beyond either.
 */
static void list_label(char *buf, size_t size, int value, char numbering, char delim)
{
	char t[24];
	size_t n = 0;
	if ((numbering == 'a' || numbering == 'A') && value > 0) {
		for (int v = value; v > 0 && n < sizeof(t); v = (v - 1) / 26)
			t[n++] = (char)(numbering + (v - 1) % 26);
		for (size_t i = 0; i < n / 2; i++) {
			char c = t[i];
			t[i] = t[n - 1 - i];
			t[n - 1 - i] = c;
		}
	} else if ((numbering == 'i' || numbering == 'I') && value > 0 && value < 4000) {
		static const int vals[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
		static const char *const syms[] = {"m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i"};
		int v = value;
		for (size_t k = 0; k < sizeof(vals) / sizeof(vals[0]); k++)
			for (; v >= vals[k]; v -= vals[k])
				for (const char *s = syms[k]; *s && n < sizeof(t); s++)
					t[n++] = numbering == 'I' ? (char)(*s - 'a' + 'A') : *s;
	}
	if (n == 0 || n >= sizeof(t))
		snprintf(buf, size, "%d%c", value, delim);
	else
		snprintf(buf, size, "%.*s%c", (int)n, t, delim);
}

/* Sets the label (or task box) the item's first line will carry. */
static int enter_list_item(layout *l, galley_node *item)
{
	pdf_engine *e = l->e;
	container *list = top(l);
	bool ordered = list->type == GALLEY_NODE_ORDERED_LIST;
	galley_task task = galley_node_task(item);
	float indent = ordered ? list->label_indent : e->set.size * 1.5f;
	if (task != GALLEY_TASK_NONE)
		indent = e->set.size * 1.6f;
	if (!list->tight && galley_node_prev(item))
		want_space(l, e->set.leading * 0.5f);
	push_container(l, GALLEY_NODE_LIST_ITEM, indent, 0);
	container *c = top(l);
	c->tight = list->tight;
	e->proto.deco_x = c->x - e->set.size * 0.5f;
	if (task != GALLEY_TASK_NONE) {
		e->proto.deco = task == GALLEY_TASK_CHECKED ? PDF_DECO_TASK_DONE : PDF_DECO_TASK_OPEN;
		e->proto.deco_x = c->x - e->set.size * 1.3f;
		return 0;
	}
	char buf[32];
	if (ordered)
		list_label(buf, sizeof(buf), list->counter++, galley_node_list_numbering(galley_node_parent(item)),
		           galley_node_list_delimiter(galley_node_parent(item)));
	else {
		/* bullet, then dash, then small bullet with depth */
		static const char *const bullets[] = {"\xE2\x80\xA2", "\xE2\x80\x93", "\xE2\x88\x98"};
		int level = 0;
		for (int i = 0; i < l->depth; i++)
			level += l->stack[i].type == GALLEY_NODE_BULLET_LIST;
		snprintf(buf, sizeof(buf), "%s", bullets[(level + 2) % 3]);
	}
	e->proto.label = arena_strndup(&e->mem, buf, strlen(buf));
	int st = style_id(e, PDF_ROLE_BODY, 0, e->set.size, 0);
	if (!e->proto.label || st < 0)
		return GALLEY_ENOMEM;
	e->proto.label_style = (uint16_t)st;
	e->proto.deco = PDF_DECO_LABEL;
	return 0;
}

static int exit_list_item(layout *l)
{
	pdf_engine *e = l->e;
	int rc = 0;
	if (e->proto.deco != PDF_DECO_NONE) {
		/* an empty item still shows its label */
		pdf_para *p = new_para(e);
		if (!p)
			return GALLEY_ENOMEM;
		rc = set_paragraph(l, p, top(l)->x, top(l)->width, e->set.leading);
		if (rc == 0 && e->proto.deco != PDF_DECO_NONE) {
			pdf_vitem *v = pdf_vlist_push(e, PDF_V_LINE);
			if (!v)
				return GALLEY_ENOMEM;
			*v = e->proto;
			v->line.para = p;
			e->proto.deco = PDF_DECO_NONE;
		}
	}
	pop_container(l);
	return rc;
}

static int enter_block(layout *l, galley_walk *w, galley_node *n, bool *skip)
{
	pdf_engine *e = l->e;
	float em = e->set.size;
	galley_node *prev = galley_node_prev(n);
	*skip = true;
	switch (galley_node_get_type(n)) {
	case GALLEY_NODE_HEADING:
		if (n == galley_doc_title_heading(e->doc))
			return 0;
		return layout_heading(l, n);
	case GALLEY_NODE_PARAGRAPH:
	case GALLEY_NODE_DEF_TERM:
		return layout_paragraph(l, n,
		                        prev && galley_node_get_type(prev) == GALLEY_NODE_PARAGRAPH &&
		                            galley_node_get_type(n) == GALLEY_NODE_PARAGRAPH);
	case GALLEY_NODE_CODE_BLOCK:
		return layout_code(l, n);
	case GALLEY_NODE_THEMATIC_BREAK:
		return layout_rule(l);
	case GALLEY_NODE_TABLE:
		return layout_table(l, n);
	case GALLEY_NODE_FIGURE:
		return layout_figure(l, n);
	case GALLEY_NODE_FOOTNOTE_DEF:
		return 0;
	case GALLEY_NODE_RAW_BLOCK:
		e->raw_dropped++;
		return 0;
	default:
		break;
	}
	*skip = false;
	(void)w;
	switch (galley_node_get_type(n)) {
	case GALLEY_NODE_BLOCK_QUOTE:
		want_space(l, e->set.leading * 0.5f);
		push_container(l, GALLEY_NODE_BLOCK_QUOTE, 1.5f * em, 1.5f * em);
		break;
	case GALLEY_NODE_BULLET_LIST:
	case GALLEY_NODE_ORDERED_LIST:
		want_space(l, e->set.leading * 0.5f);
		push_container(l, galley_node_get_type(n), 0, 0);
		top(l)->tight = galley_node_list_tight(n);
		top(l)->counter = galley_node_list_start(n);
		if (galley_node_get_type(n) == GALLEY_NODE_ORDERED_LIST) {
			/* the widest number, plus its delimiter and a gap */
			int items = 0;
			for (galley_node *c = galley_node_first_child(n); c; c = galley_node_next(c))
				items++;
			/* the widest label: not always the last one (viii is wider than ix) */
			int first = top(l)->counter, last = first + (items > 0 ? items - 1 : 0);
			char numbering = galley_node_list_numbering(n);
			if (numbering == '1' || last - first > 4000)
				first = last;
			float lw = 0;
			for (int v = first; v <= last; v++) {
				char label[32];
				list_label(label, sizeof(label), v, numbering, '.');
				float label_w = pdf_text_width(e, label, strlen(label), (uint16_t)l->body_style);
				lw = label_w > lw ? label_w : lw;
			}
			top(l)->label_indent = lw + em * 0.6f > em * 2 ? lw + em * 0.6f : em * 2;
		}
		break;
	case GALLEY_NODE_LIST_ITEM:
		return enter_list_item(l, n);
	case GALLEY_NODE_DEF_LIST:
		want_space(l, e->set.leading * 0.5f);
		break;
	case GALLEY_NODE_DEF_DESC:
		push_container(l, GALLEY_NODE_DEF_DESC, 1.5f * em, 0);
		top(l)->tight = true;
		break;
	default:
		break;
	}
	return 0;
}

static int exit_block(layout *l, galley_node *n)
{
	pdf_engine *e = l->e;
	switch (galley_node_get_type(n)) {
	case GALLEY_NODE_BLOCK_QUOTE:
	case GALLEY_NODE_BULLET_LIST:
	case GALLEY_NODE_ORDERED_LIST:
	case GALLEY_NODE_DEF_DESC:
		pop_container(l);
		want_space(l, e->set.leading * 0.5f);
		break;
	case GALLEY_NODE_LIST_ITEM:
		return exit_list_item(l);
	case GALLEY_NODE_DEF_LIST:
		want_space(l, e->set.leading * 0.5f);
		break;
	default:
		break;
	}
	return 0;
}

static int layout_blocks(layout *l, galley_node *root)
{
	galley_walk w;
	galley_walk_init(&w, root);
	galley_event ev;
	int rc = 0;
	while (rc == 0 && (ev = galley_walk_next(&w)) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (n == root)
			continue;
		if (ev == GALLEY_EVENT_ENTER) {
			bool skip = false;
			rc = enter_block(l, &w, n, &skip);
			if (skip && !galley_node_type_is_leaf(galley_node_get_type(n)))
				galley_walk_skip_children(&w);
		} else
			rc = exit_block(l, n);
	}
	return rc;
}

/* ---- the document --------------------------------------------------- */

static int push_strut(layout *l, float height)
{
	pdf_vitem *v = pdf_vlist_push(l->e, PDF_V_LINE);
	if (!v)
		return GALLEY_ENOMEM;
	v->height = height;
	return 0;
}

static int layout_abstract(layout *l, const char *text)
{
	pdf_engine *e = l->e;
	container *c = top(l);
	float size = e->set.size * 0.92f;
	want_space(l, e->set.leading);
	int rc = layout_centered(l, "Abstract", PDF_ROLE_HEAD, PDF_BOLD, size, size * 1.4f);
	pdf_para *p = new_para(e);
	if (!p)
		return GALLEY_ENOMEM;
	p->align = e->set.ragged ? PDF_ALIGN_LEFT : PDF_ALIGN_JUSTIFY;
	p->hyphenate = true;
	inline_state s = body_state(l);
	s.size = size;
	if (rc == 0)
		rc = add_text(e, p, &s, text, strlen(text));
	float indent = e->set.size * 2.5f;
	if (rc == 0)
		rc = set_paragraph(l, p, c->x + indent, c->width - 2 * indent, size * 1.25f);
	return rc;
}

/* Title, subtitle, authors, date and abstract; with --title-page alone on the first page. */
static int layout_title_block(layout *l)
{
	pdf_engine *e = l->e;
	const galley_doc *doc = e->doc;
	const char *title = galley_doc_meta(doc, GALLEY_META_TITLE);
	if (!title)
		return 0;
	float s = e->set.size;
	int rc = 0;
	if (e->set.title_page)
		rc = push_strut(l, (e->set.page_h - e->set.margin_top - e->set.margin_bottom) * 0.22f);
	if (rc == 0)
		rc = layout_centered(l, title, PDF_ROLE_HEAD, PDF_BOLD, s * 2.1f, s * 2.6f);
	const char *sub = galley_doc_meta(doc, GALLEY_META_SUBTITLE);
	if (rc == 0 && sub)
		rc = layout_centered(l, sub, PDF_ROLE_HEAD, 0, s * 1.35f, s * 1.9f);
	want_space(l, e->set.leading * (e->set.title_page ? 3 : 0.8f));
	for (size_t i = 0; rc == 0 && i < galley_doc_author_count(doc); i++)
		rc = layout_centered(l, galley_doc_author(doc, i), PDF_ROLE_BODY, 0, s * 1.1f,
		                     e->set.leading * 1.15f);
	const char *date = galley_doc_meta(doc, GALLEY_META_DATE);
	if (rc == 0 && date)
		rc = layout_centered(l, date, PDF_ROLE_BODY, PDF_ITALIC, s, e->set.leading);
	const char *abstract = galley_doc_meta(doc, GALLEY_META_DESCRIPTION);
	if (rc == 0 && abstract && *abstract)
		rc = layout_abstract(l, abstract);
	if (rc == 0 && e->set.title_page) {
		if (!pdf_vlist_push(e, PDF_V_PAGEBREAK))
			return GALLEY_ENOMEM;
		l->pending_space = 0;
		return 0;
	}
	want_space(l, e->set.leading * 2);
	return rc;
}

/*
 * Contents: one entry per heading down to two levels below the top one,
 * linked to it; the leader dots and the page number are drawn once the
 * pages are known (the entries' height does not depend on them).
 */
static int layout_toc(layout *l)
{
	pdf_engine *e = l->e;
	container *c = top(l);
	int rc =
	    layout_centered(l, "Contents", PDF_ROLE_HEAD, PDF_BOLD, e->set.size * 1.5f, e->set.size * 2.2f);
	want_space(l, e->set.leading);
	int saved[6];
	memcpy(saved, l->section, sizeof(saved));
	memset(l->section, 0, sizeof(l->section));
	float numfield = e->set.size * 3;
	galley_walk w;
	galley_walk_init(&w, galley_doc_root(e->doc));
	galley_event ev;
	while (rc == 0 && (ev = galley_walk_next(&w)) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (ev != GALLEY_EVENT_ENTER || galley_node_get_type(n) != GALLEY_NODE_HEADING)
			continue;
		galley_walk_skip_children(&w);
		int level = galley_node_heading_level(n);
		if (n == galley_doc_title_heading(e->doc))
			continue;
		char num[64] = "";
		if (e->set.number_sections)
			section_number(l, level, num, sizeof(num));
		if (level > l->base_level + 2)
			continue;
		const char *id = galley_node_id(n);
		void *anchor = id ? strmap_get(&e->anchors, id) : NULL;
		if (!anchor)
			continue;
		int a = (int)(intptr_t)anchor - 1;
		pdf_para *p = new_para(e);
		if (!p)
			return GALLEY_ENOMEM;
		p->align = PDF_ALIGN_LEFT;
		inline_state s = body_state(l);
		if (level == l->base_level)
			s.face_style = PDF_BOLD;
		int link = pdf_link_add(e, NULL, a);
		if (link < 0)
			return GALLEY_ENOMEM;
		s.link = (uint16_t)link;
		s.flags = PDF_ST_NOHYPH | PDF_ST_QUIET;
		char *plain = galley_node_plain_text(n);
		if (!plain)
			return GALLEY_ENOMEM;
		rc = add_text(e, p, &s, num, strlen(num));
		if (rc == 0)
			rc = add_text(e, p, &s, plain, strlen(plain));
		free(plain);
		float indent = (float)(level - l->base_level) * e->set.size * 1.5f;
		if (level == l->base_level)
			want_space(l, e->set.leading * 0.35f);
		size_t first = e->nitems;
		if (rc == 0)
			rc = set_paragraph(l, p, c->x + indent, c->width - indent - numfield, e->set.leading);
		if (rc == 0 && e->nitems > first) {
			pdf_vitem *last = &e->items[e->nitems - 1];
			last->toc_anchor = a;
			last->deco_x = c->x + c->width;
			for (size_t i = first; i < e->nitems; i++)
				e->items[i].nobreak = i > first;
		}
	}
	memcpy(l->section, saved, sizeof(saved));
	if (rc == 0 && !pdf_vlist_push(e, PDF_V_PAGEBREAK))
		return GALLEY_ENOMEM;
	l->pending_space = 0;
	return rc;
}

/* Anchors for every heading (so links may point forward) and every note. */
static int assign_anchors(layout *l)
{
	pdf_engine *e = l->e;
	galley_walk w;
	galley_walk_init(&w, galley_doc_root(e->doc));
	galley_event ev;
	l->base_level = 6;
	while ((ev = galley_walk_next(&w)) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (ev != GALLEY_EVENT_ENTER || galley_node_get_type(n) != GALLEY_NODE_HEADING)
			continue;
		if (n != galley_doc_title_heading(e->doc) && galley_node_heading_level(n) < l->base_level)
			l->base_level = galley_node_heading_level(n);
		const char *id = galley_node_id(n);
		if (id && !strmap_get(&e->anchors, id) &&
		    strmap_put(&e->anchors, id, (void *)(intptr_t)(++e->nanchors)))
			return GALLEY_ENOMEM;
		galley_walk_skip_children(&w);
	}
	int notes = galley_doc_footnote_count(e->doc);
	l->note_anchor = calloc((size_t)notes + 2, sizeof(int));
	if (!l->note_anchor)
		return GALLEY_ENOMEM;
	l->note_anchor[0] = -1;
	for (int i = 1; i <= notes; i++)
		l->note_anchor[i] = e->nanchors++;
	return 0;
}

/*
 * Footnotes are laid out after the main text, each in its own run of items,
 * at a smaller size; pagination sets each at the foot of the page of its
 * first reference.
 */
static int layout_footnotes(layout *l)
{
	pdf_engine *e = l->e;
	int notes = galley_doc_footnote_count(e->doc);
	e->main_end = e->nitems;
	if (notes <= 0)
		return 0;
	e->notes = calloc((size_t)notes + 1, sizeof(*e->notes));
	if (!e->notes)
		return GALLEY_ENOMEM;
	e->nnotes = notes;
	for (int i = 0; i <= notes; i++)
		e->notes[i] = (pdf_note){0, 0, SIZE_MAX};
	galley_node **defs = calloc((size_t)notes + 1, sizeof(*defs));
	if (!defs)
		return GALLEY_ENOMEM;
	for (galley_node *n = galley_node_first_child(galley_doc_root(e->doc)); n; n = galley_node_next(n))
		if (galley_node_get_type(n) == GALLEY_NODE_FOOTNOTE_DEF) {
			int num = galley_node_footnote_number(n);
			if (num >= 1 && num <= notes && !defs[num])
				defs[num] = n;
		}
	/* the line of each note's first reference, in reading order */
	for (size_t i = 0; i < e->main_end; i++) {
		const pdf_vitem *v = &e->items[i];
		if (v->kind != PDF_V_LINE || !v->line.para)
			continue;
		for (uint32_t a = v->line.first; a < v->line.last; a++) {
			const pdf_atom *at = &v->line.para->atoms[a];
			int num = at->type == PDF_BOX ? e->styles[at->style].note : 0;
			if (num > 0 && num <= notes && e->notes[num].ref_item == SIZE_MAX)
				e->notes[num].ref_item = i;
		}
	}
	/* notes are set smaller: the body size and leading stand in for theirs meanwhile */
	pdf_settings saved = e->set;
	e->set.size *= 0.82f;
	e->set.leading *= 0.82f;
	int rc = 0;
	for (int i = 1; i <= notes && rc == 0; i++) {
		if (!defs[i])
			continue;
		l->pending_space = 0;
		l->keep = 0;
		e->notes[i].first = e->nitems;
		push_container(l, GALLEY_NODE_LIST_ITEM, e->set.size * 1.8f, 0);
		top(l)->tight = true;
		char buf[16];
		snprintf(buf, sizeof(buf), "%d", i);
		int st = style_id(e, PDF_ROLE_BODY, 0, e->set.size, 0);
		e->proto.label = arena_strndup(&e->mem, buf, strlen(buf));
		if (st < 0 || !e->proto.label) {
			rc = GALLEY_ENOMEM;
			break;
		}
		e->proto.label_style = (uint16_t)st;
		e->proto.deco = PDF_DECO_LABEL;
		e->proto.deco_x = top(l)->x - e->set.size * 0.5f;
		e->proto.anchor = l->note_anchor[i];
		rc = layout_blocks(l, defs[i]);
		if (rc == 0)
			rc = exit_list_item(l);
		e->notes[i].last = e->nitems;
		for (size_t k = e->notes[i].first; k < e->nitems; k++)
			e->items[k].nobreak = false;
	}
	e->set = saved;
	l->pending_space = 0;
	free(defs);
	return rc;
}

int pdf_layout_document(pdf_engine *e, galley_error *err)
{
	layout l;
	memset(&l, 0, sizeof(l));
	l.e = e;
	l.depth = 1;
	l.stack[0].type = GALLEY_NODE_DOCUMENT;
	l.stack[0].x = 0;
	l.stack[0].width = e->set.page_w - e->set.margin_inner - e->set.margin_outer;
	e->proto.anchor = -1;
	e->proto.toc_anchor = -1;
	l.body_style = style_id(e, PDF_ROLE_BODY, 0, e->set.size, 0);
	int rc = l.body_style < 0 ? GALLEY_ENOMEM : assign_anchors(&l);
	if (rc == 0)
		rc = layout_title_block(&l);
	if (rc == 0 && e->set.toc)
		rc = layout_toc(&l);
	if (rc == 0)
		rc = layout_blocks(&l, galley_doc_root(e->doc));
	if (rc == 0)
		rc = layout_footnotes(&l);
	free(l.note_anchor);
	if (rc)
		return galley_error_set(err, rc, e->opts, 0, 0, "cannot lay the document out: %s",
		                        galley_strerror(rc));
	if (e->raw_dropped)
		galley_report(e->opts, GALLEY_WARNING, 0, 0, "%d raw HTML fragment%s left out of the PDF",
		              e->raw_dropped, e->raw_dropped == 1 ? "" : "s");
	return 0;
}

/* ---- pagination ----------------------------------------------------- */

static bool break_allowed(const pdf_engine *e, size_t j)
{
	const pdf_vitem *it = e->items;
	if (j == 0 || it[j - 1].kind == PDF_V_SPACE || it[j - 1].kind == PDF_V_PAGEBREAK)
		return false;
	if (it[j].kind != PDF_V_SPACE)
		return !it[j].nobreak;
	/* before a space: as before the line that follows it */
	if (it[j].nobreak)
		return false;
	for (size_t k = j + 1; k < e->nitems; k++)
		if (it[k].kind != PDF_V_SPACE)
			return it[k].kind == PDF_V_PAGEBREAK || !it[k].nobreak;
	return true;
}

static int add_page(pdf_engine *e, size_t first, size_t last)
{
	if (e->npages == e->pagecap) {
		size_t cap = e->pagecap ? e->pagecap * 2 : 64;
		pdf_page *n = realloc(e->pages, cap * sizeof(*n));
		if (!n)
			return GALLEY_ENOMEM;
		e->pages = n;
		e->pagecap = cap;
	}
	pdf_page *pg = &e->pages[e->npages++];
	memset(pg, 0, sizeof(*pg));
	pg->first = first;
	pg->last = last;
	pg->notes_first = e->nnote_ranges;
	return 0;
}

size_t pdf_page_ranges(const pdf_page *pg, pdf_range out[3])
{
	size_t n = 0;
	if (pg->top_float.last > pg->top_float.first)
		out[n++] = pg->top_float;
	if (pg->skip.last > pg->skip.first) {
		out[n++] = (pdf_range){pg->first, pg->skip.first};
		out[n++] = (pdf_range){pg->skip.last, pg->last};
	} else
		out[n++] = (pdf_range){pg->first, pg->last};
	return n;
}

static float items_height(const pdf_engine *e, size_t first, size_t last)
{
	float h = 0;
	for (size_t i = first; i < last; i++)
		h += e->items[i].height;
	return h;
}

/* Footnotes waiting for a page: whole notes, or the rest of one split at a page's foot. */
typedef struct note_queue {
	pdf_range *q;
	size_t count, cap;
} note_queue;

static int queue_push(note_queue *nq, size_t first, size_t last)
{
	if (first >= last)
		return 0;
	if (nq->count == nq->cap) {
		size_t cap = nq->cap ? nq->cap * 2 : 16;
		pdf_range *n = realloc(nq->q, cap * sizeof(*n));
		if (!n)
			return GALLEY_ENOMEM;
		nq->q = n;
		nq->cap = cap;
	}
	nq->q[nq->count++] = (pdf_range){first, last};
	return 0;
}

static int add_note_range(pdf_engine *e, size_t first, size_t last)
{
	if (e->nnote_ranges == e->note_rangecap) {
		size_t cap = e->note_rangecap ? e->note_rangecap * 2 : 32;
		pdf_range *n = realloc(e->note_ranges, cap * sizeof(*n));
		if (!n)
			return GALLEY_ENOMEM;
		e->note_ranges = n;
		e->note_rangecap = cap;
	}
	e->note_ranges[e->nnote_ranges++] = (pdf_range){first, last};
	e->pages[e->npages - 1].notes_count++;
	return 0;
}

/*
 * Sets the queued notes at the foot of the last page, as far as `room`
 * goes; a note that does not fit is split between lines and goes on at the
 * foot of the next page, as in TeX. At least one line goes on each page.
 */
static int place_notes(pdf_engine *e, note_queue *nq, float room)
{
	size_t done = 0;
	int rc = 0;
	for (; done < nq->count && rc == 0; done++) {
		pdf_range *r = &nq->q[done];
		size_t k = r->first;
		float h = 0;
		while (k < r->last &&
		       (h + e->items[k].height <= room ||
		        (k == r->first && done == 0 && room > 0 && e->pages[e->npages - 1].notes_count == 0)))
			h += e->items[k++].height;
		if (k > r->first)
			rc = add_note_range(e, r->first, k);
		room -= h;
		if (k < r->last) {
			/* the rest waits, without the space it would start with */
			while (k < r->last && e->items[k].kind == PDF_V_SPACE)
				k++;
			r->first = k;
			if (k < r->last)
				break;
		}
	}
	memmove(nq->q, nq->q + done, (nq->count - done) * sizeof(pdf_range));
	nq->count -= done;
	return rc;
}

/* Notes in the order of the lines that first refer to them. */
static int by_ref_item(const void *a, const void *b, void *data)
{
	const pdf_engine *e = data;
	size_t x = e->notes[*(const int *)a].ref_item, y = e->notes[*(const int *)b].ref_item;
	return x < y ? -1 : x > y ? 1 : *(const int *)a - *(const int *)b;
}

/* Height of the notes first referenced on item j, and of their first two lines; *cursor walks `order`. */
static void notes_of(const pdf_engine *e, const int *order, size_t *cursor, size_t j, float *full,
                     float *least)
{
	*full = *least = 0;
	while (*cursor < (size_t)e->nnotes && e->notes[order[*cursor]].ref_item < j)
		(*cursor)++;
	for (size_t c = *cursor; c < (size_t)e->nnotes && e->notes[order[c]].ref_item == j; c++) {
		const pdf_note *note = &e->notes[order[c]];
		if (note->last <= note->first)
			continue;
		*full += items_height(e, note->first, note->last);
		size_t two = note->first + 2 < note->last ? note->first + 2 : note->last;
		*least += items_height(e, note->first, two);
	}
}

/*
 * Fills each page up to its last allowed break before the text height runs
 * out; a page that has no allowed break at all is cut where it is full.
 * Spaces at the top of a page are dropped. The notes a page's lines refer
 * to take room at its foot: a line goes on the page only when at least the
 * first two lines of its notes fit there too.
 */
static int cut_pages(pdf_engine *e)
{
	float text_h = e->set.page_h - e->set.margin_top - e->set.margin_bottom;
	float sep = e->set.leading;
	size_t i = 0, n = e->main_end ? e->main_end : e->nitems;
	note_queue nq = {NULL, 0, 0};
	int rc = 0;
	/* notes no line of the text refers to go with the last line */
	int *order = calloc((size_t)e->nnotes + 1, sizeof(int));
	if (!order)
		return GALLEY_ENOMEM;
	for (int k = 1; k <= e->nnotes; k++) {
		if (e->notes[k].ref_item == SIZE_MAX)
			e->notes[k].ref_item = n ? n - 1 : 0;
		order[k - 1] = k;
	}
	if (e->nnotes)
		qsort_r(order, (size_t)e->nnotes, sizeof(int), by_ref_item, e);
	size_t cursor = 0;
	pdf_range pending = {0, 0}; /* a figure put off to the next page */
	while (rc == 0 && (i < n || nq.count || pending.last > pending.first)) {
		bool chapter = false;
		while (i < n && (e->items[i].kind == PDF_V_SPACE || e->items[i].kind == PDF_V_PAGEBREAK))
			chapter |= e->items[i++].kind == PDF_V_PAGEBREAK;
		if (i >= n && nq.count == 0 && pending.last <= pending.first)
			break;
		/* in two-sided print a chapter opens on a right-hand (odd) page */
		if (chapter && e->set.twoside && e->npages % 2 == 1 && nq.count == 0 &&
		    (rc = add_page(e, i, i)))
			break;
		size_t start = i, end = n, best = 0, j;
		float h = 0;
		/* a table that goes on from the page before repeats its header */
		int repeat = 0;
		const pdf_vitem *st = i < n ? &e->items[start] : NULL;
		if (st && st->table && !st->header_row && e->tables[st->table - 1].header_last > 0 &&
		    start > 0 && e->items[start - 1].table == st->table) {
			repeat = st->table;
			h = e->tables[repeat - 1].header_height;
		}
		/* notes carried over take at most half the page from the text */
		float notes = 0;
		for (size_t q = 0; q < nq.count; q++)
			notes += items_height(e, nq.q[q].first, nq.q[q].last);
		if (notes > text_h / 2)
			notes = text_h / 2;
		cursor = 0;
		while (cursor < (size_t)e->nnotes && e->notes[order[cursor]].ref_item < start)
			cursor++;
		size_t page_cursor = cursor;
		pdf_range top_float = pending, skip = {0, 0};
		pending = (pdf_range){0, 0};
		if (top_float.last > top_float.first)
			h += items_height(e, top_float.first, top_float.last) + e->set.leading * 0.6f;
		for (j = start; j < n; j++) {
			const pdf_vitem *it = &e->items[j];
			if (it->kind == PDF_V_PAGEBREAK) {
				end = j;
				break;
			}
			/*
			 * A figure that does not fit waits for the next page while the
			 * text after it goes on filling this one (one at a time, so
			 * figures keep their order).
			 */
			if (it->kind == PDF_V_IMAGE && j > start && skip.last == 0 &&
			    h + it->height > text_h - notes) {
				size_t k = j + 1;
				while (k < n && e->items[k].kind == PDF_V_LINE && e->items[k].nobreak)
					k++;
				skip = (pdf_range){j, k};
				if (break_allowed(e, j))
					best = j;
				j = k - 1;
				continue;
			}
			if (j > start && break_allowed(e, j))
				best = j;
			float full = 0, least = 0;
			if (e->nnotes)
				notes_of(e, order, &cursor, j, &full, &least);
			float need = h + it->height + (notes + least > 0 ? notes + least + sep : 0);
			if (need > text_h + 0.01f && j > start) {
				end = best > start ? best : j;
				break;
			}
			h += it->height;
			notes += full;
		}
		if (skip.last > skip.first) {
			if (end > skip.first)
				pending = skip;
			else
				skip = (pdf_range){0, 0}; /* the page ends before the figure anyway */
		}
		if ((rc = add_page(e, start, end)))
			break;
		e->pages[e->npages - 1].repeat_table = repeat;
		e->pages[e->npages - 1].top_float = top_float;
		e->pages[e->npages - 1].skip = skip;
		/* the notes of this page's lines join the queue, then as many as fit are set */
		for (size_t c = page_cursor; c < (size_t)e->nnotes && rc == 0; c++) {
			const pdf_note *note = &e->notes[order[c]];
			if (note->ref_item >= end)
				break;
			rc = queue_push(&nq, note->first, note->last);
		}
		if (rc == 0 && nq.count) {
			float used =
			    items_height(e, start, end) + (repeat ? e->tables[repeat - 1].header_height : 0) +
			    (top_float.last > top_float.first
			         ? items_height(e, top_float.first, top_float.last) + e->set.leading * 0.6f
			         : 0) -
			    items_height(e, skip.first, skip.last);
			rc = place_notes(e, &nq, text_h - used - sep);
		}
		i = end;
	}
	free(nq.q);
	free(order);
	if (rc == 0 && e->npages == 0)
		return add_page(e, 0, 0);
	return rc;
}

/* Running heads: the current chapter (or the title), left off pages that open a chapter. */
static void running_heads(pdf_engine *e)
{
	const char *title = galley_doc_meta(e->doc, GALLEY_META_TITLE);
	const char *chapter = NULL;
	for (size_t p = 0; p < e->npages; p++) {
		pdf_page *pg = &e->pages[p];
		const char *at_top = chapter;
		pdf_range rs[3];
		size_t nr = pdf_page_ranges(pg, rs);
		for (size_t r = 0; r < nr; r++)
			for (size_t i = rs[r].first; i < rs[r].last; i++)
				if (e->items[i].heading == 1) {
					pg->chapter_opening = 1;
					chapter = e->items[i].title;
				}
		if (p == 0 || pg->chapter_opening)
			pg->running = NULL;
		else
			pg->running = at_top ? at_top : title;
	}
}

int pdf_paginate(pdf_engine *e)
{
	int rc = cut_pages(e);
	if (rc == 0)
		running_heads(e);
	return rc;
}
