/*
 * blocks.c - the block walk: paragraphs, headings, code, rules, lists and
 * definitions; tables (table.c) and figures (figure.c) are laid out by
 * their own files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/highlight.h"
#include "layout.h"

static int layout_paragraph(layout *l, galley_node *n, bool after_paragraph)
{
	pdf_engine *e = l->e;
	container *c = lay_top(l);
	pdf_para *p = lay_new_para(e);
	if (!p)
		return GALLEY_ENOMEM;
	p->align = e->set.ragged ? PDF_ALIGN_LEFT : PDF_ALIGN_JUSTIFY;
	p->hyphenate = true;
	if (after_paragraph)
		p->indent = e->set.size * pdf_typo.paragraph_indent;
	else
		lay_want_space(l, c->tight ? 0 : e->set.leading * pdf_typo.paragraph_space);
	inline_state s = lay_body_state(l);
	if (galley_node_get_type(n) == GALLEY_NODE_DEF_TERM)
		s.face_style = PDF_BOLD;
	int rc = lay_collect_inlines(l, p, n, s);
	e->vl.proto.elem = lay_elem(l, PDF_SE_P, NULL);
	if (rc == 0)
		rc = lay_set_paragraph(l, p, c->x, c->width, e->set.leading);
	if (!(c->type == GALLEY_NODE_LIST_ITEM && c->tight))
		lay_want_space(l, 0);
	return rc;
}

/* ---- headings ------------------------------------------------------- */

int lay_section_number(layout *l, int level, char *buf, size_t size)
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
	if (level == 1 && e->set.chapter_breaks && e->vl.nitems > 0 &&
	    e->vl.items[e->vl.nitems - 1].kind != PDF_V_PAGEBREAK) {
		if (!pdf_vlist_push(e, PDF_V_PAGEBREAK))
			return GALLEY_ENOMEM;
		l->pending_space = 0;
	}
	container *c = lay_top(l);
	pdf_para *p = lay_new_para(e);
	if (!p)
		return GALLEY_ENOMEM;
	p->align = PDF_ALIGN_LEFT;
	p->hyphenate = false;
	const char *dir = galley_node_attr(n, "dir");
	if (dir && (pdf_dir_from(dir) || !strcmp(dir, "auto")))
		p->dir = pdf_dir_from(dir);
	float size = e->set.size * pdf_typo.heading_scale[level - 1];
	inline_state s = {
	    PDF_ROLE_HEAD, level == 6 ? PDF_BOLD | PDF_ITALIC : PDF_BOLD, size, 0, PDF_ST_NOHYPH, 0, 0, 0};
	char num[64];
	int rc = 0;
	char *plain = galley_node_plain_text(n);
	if (!plain)
		return GALLEY_ENOMEM;
	char *title = plain;
	if (e->set.number_sections) {
		lay_section_number(l, level, num, sizeof(num));
		rc = lay_add_text(e, p, &s, num, strlen(num));
		title = arena_alloc(&e->mem, strlen(num) + strlen(plain) + 1);
		if (title)
			sprintf(title, "%s%s", num, plain);
	} else
		title = arena_strndup(&e->mem, plain, strlen(plain));
	free(plain);
	if (!title)
		return GALLEY_ENOMEM;
	if (rc == 0)
		rc = lay_collect_inlines(l, p, n, s);
	lay_want_space(l, e->set.leading * pdf_typo.heading_space_before[level - 1]);
	const char *id = galley_node_id(n);
	void *anchor = id ? strmap_get(&e->anc.ids, id) : NULL;
	e->vl.proto.anchor = anchor ? (int)(intptr_t)anchor - 1 : -1;
	e->vl.proto.heading = (uint8_t)level;
	e->vl.proto.title = title;
	e->vl.proto.elem = lay_elem(l, lay_heading_type(l, level), NULL);
	/* a heading right under another stays with it: a run of headings goes to the page of its text */
	l->keep = l->keep > 0 ? 1 : 0;
	if (rc == 0)
		rc = lay_flush_space(l);
	size_t first = e->vl.nitems;
	if (rc == 0)
		rc = lay_set_paragraph(l, p, c->x, c->width, size * pdf_typo.heading_leading);
	for (size_t i = first + 1; i < e->vl.nitems; i++)
		e->vl.items[i].nobreak = true;
	l->keep = 2;
	lay_want_space(l, e->set.leading * pdf_typo.heading_space_after[level - 1]);
	return rc;
}

/* ---- code blocks ---------------------------------------------------- */

static pdf_atom *code_box(pdf_para *p)
{
	if (pdf_grow((void **)&p->atoms, &p->atomcap, p->natoms + 1, sizeof(*p->atoms)))
		return NULL;
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
	/* one box per face and token: characters the code font lacks come from a fallback */
	size_t r = 0;
	while (r + 1 < p->nruns && p->runs[r + 1].off <= from)
		r++;
	for (size_t i = from; i < to; r++) {
		size_t end = r + 1 < p->nruns && p->runs[r + 1].off < to ? p->runs[r + 1].off : to;
		if (pdf_atoms_add_text(e, p, i, end, p->runs[r].style))
			return GALLEY_ENOMEM;
		i = end;
	}
	if (p->natoms == first && !code_box(p))
		return GALLEY_ENOMEM;
	pdf_vitem *v = pdf_vlist_push(e, PDF_V_LINE);
	if (!v)
		return GALLEY_ENOMEM;
	*v = e->vl.proto;
	v->kind = PDF_V_LINE;
	v->codebg = true;
	v->bg_x = lay_top(l)->x;
	v->bg_w = lay_top(l)->width;
	v->line = (pdf_line){p, (uint32_t)first, (uint32_t)p->natoms, 0, x, width, 0, false, false, 0, 0};
	if (continued) {
		v->deco = PDF_DECO_LABEL;
		v->label = "\xE2\x86\xAA"; /* ↪ */
		v->label_style = (uint16_t)mark_style;
		v->deco_x = x - e->set.size * pdf_typo.code_mark_offset;
	}
	e->vl.proto.deco = PDF_DECO_NONE;
	e->vl.proto.label_elem = 0;
	e->vl.proto.anchor = -1;
	return 0;
}

/*
 * Code text [from, to) with tabs expanded to stops every --tab-stop columns
 * (with 0, a tab is a space); *col carries the column.
 */
static int add_code_text(pdf_engine *e, pdf_para *p, const char *lit, size_t from, size_t to, uint16_t style,
                         size_t *col)
{
	size_t run = from, stop = (size_t)e->set.tab_stop;
	for (size_t i = from; stop && i < to; i++) {
		if (lit[i] == '\n') {
			*col = 0;
			continue;
		}
		if (lit[i] != '\t') {
			if (((unsigned char)lit[i] & 0xC0) != 0x80)
				(*col)++;
			continue;
		}
		static const char spaces[] = "                                ";
		size_t n = stop - *col % stop;
		if (pdf_para_add(e, p, lit + run, i - run, style) || pdf_para_add(e, p, spaces, n, style))
			return GALLEY_ENOMEM;
		*col += n;
		run = i + 1;
	}
	return pdf_para_add(e, p, lit + run, to - run, style);
}

/*
 * The style of a highlighted token: keywords bold and comments italic, as
 * in HTML, and the kind's colour (render.c; greys with --print).
 */
static int token_style(pdf_engine *e, galley_token_kind kind, float size)
{
	int face_style = kind == GALLEY_TOKEN_KEYWORD   ? PDF_BOLD
	                 : kind == GALLEY_TOKEN_COMMENT ? PDF_ITALIC
	                                                : 0;
	pdf_style s = lay_make_style(PDF_ROLE_MONO, face_style, size);
	s.flags = PDF_ST_NOHYPH | PDF_ST_CODE;
	s.token = (uint8_t)kind;
	return pdf_style_get(e, &s);
}

/* The language of a fenced block: its info string's first word ("python" of "python {.x}"). */
static bool code_language(const galley_node *n, char *lang, size_t size)
{
	const char *info = galley_node_info(n);
	size_t len = info ? strcspn(info, " \t{") : 0;
	if (len == 0 || len >= size)
		return false;
	memcpy(lang, info, len);
	lang[len] = '\0';
	return true;
}

/*
 * The code into `p`: in its tokens' styles when the block names a language
 * the highlighter knows and --no-highlight is not given, else in `style`.
 */
static int add_code(pdf_engine *e, pdf_para *p, galley_node *n, const char *lit, size_t len, uint16_t style)
{
	char lang[64];
	galley_token_span *spans = NULL;
	size_t count = 0, at = 0, col = 0;
	const char *off = galley_options_param(e->opts, "no-highlight");
	if ((off && strcmp(off, "false") != 0) || !code_language(n, lang, sizeof(lang)) ||
	    galley_highlight(lang, lit, len, &spans, &count) != 0)
		return add_code_text(e, p, lit, 0, len, style, &col);
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0 && spans[i].offset < len; i++) {
		size_t end = spans[i].offset + spans[i].len < len ? spans[i].offset + spans[i].len : len;
		int st = token_style(e, spans[i].kind, e->res.styles[style].size);
		rc = st < 0 ? GALLEY_ENOMEM : add_code_text(e, p, lit, at, spans[i].offset, style, &col);
		if (rc == 0)
			rc = add_code_text(e, p, lit, spans[i].offset, end, (uint16_t)st, &col);
		at = end;
	}
	if (rc == 0)
		rc = add_code_text(e, p, lit, at, len, style, &col);
	free(spans);
	return rc;
}

/*
 * Code keeps its lines; a line longer than the measure wraps at its last
 * space (or anywhere when it has none late enough), and the rest goes on
 * the next line after a continuation mark.
 */
static int layout_code(layout *l, galley_node *n)
{
	pdf_engine *e = l->e;
	container *c = lay_top(l);
	size_t len;
	const char *lit = galley_node_literal(n, &len);
	if (len && lit[len - 1] == '\n')
		len--;
	pdf_para *p = lay_new_para(e);
	if (!p)
		return GALLEY_ENOMEM;
	float size = e->set.size * pdf_typo.code_size;
	int st = lay_style_id(e, PDF_ROLE_MONO, 0, size, PDF_ST_NOHYPH | PDF_ST_CODE);
	int mark = lay_style_id(e, PDF_ROLE_MONO, 0, size, PDF_ST_GRAY);
	if (st < 0 || mark < 0 || add_code(e, p, n, lit, len, (uint16_t)st))
		return GALLEY_ENOMEM;
	lay_want_space(l, e->set.leading * pdf_typo.code_space);
	int rc = lay_flush_space(l);
	float pad = e->set.size * pdf_typo.code_padding;
	float x = c->x + pad, width = c->width - 2 * pad;
	float cont_indent = e->set.size * pdf_typo.code_wrap_indent;
	e->vl.proto.height = e->set.leading * pdf_typo.code_leading;
	e->vl.proto.ascent = e->vl.proto.height * pdf_typo.ascent;
	/* Code is inline structure: a block of it stands in a P of its own */
	e->vl.proto.elem = pdf_tags_add(e, lay_elem(l, PDF_SE_P, NULL), PDF_SE_CODE, NULL);
	size_t first = e->vl.nitems;
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
		lay_mark_keeps(l, first);
	e->vl.proto.elem = 0;
	lay_want_space(l, e->set.leading * pdf_typo.code_space);
	return rc;
}

/* ---- other blocks --------------------------------------------------- */

int lay_centered(layout *l, const char *text, int role, int face_style, float size, float height)
{
	pdf_engine *e = l->e;
	container *c = lay_top(l);
	pdf_para *p = lay_new_para(e);
	if (!p)
		return GALLEY_ENOMEM;
	p->align = PDF_ALIGN_CENTER;
	inline_state s = {role, face_style, size, 0, PDF_ST_NOHYPH, 0, 0, 0};
	int rc = lay_add_text(e, p, &s, text, strlen(text));
	if (rc == 0)
		rc = lay_set_paragraph(l, p, c->x, c->width, height);
	return rc;
}

static int layout_rule(layout *l)
{
	lay_want_space(l, l->e->set.leading);
	int rc = lay_centered(l, "*\xE2\x80\x83*\xE2\x80\x83*", PDF_ROLE_BODY, 0, l->e->set.size,
	                      l->e->set.leading);
	lay_want_space(l, l->e->set.leading);
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
		static const char *const syms[] = {"m",  "cm", "d",  "cd", "c",  "xc", "l",
		                                   "xl", "x",  "ix", "v",  "iv", "i"};
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
	container *list = lay_top(l);
	bool ordered = list->type == GALLEY_NODE_ORDERED_LIST;
	galley_task task = galley_node_task(item);
	float indent = ordered ? list->label_indent : e->set.size * pdf_typo.list_indent;
	if (task != GALLEY_TASK_NONE)
		indent = e->set.size * pdf_typo.task_indent;
	if (!list->tight && galley_node_prev(item))
		lay_want_space(l, e->set.leading * pdf_typo.list_item_space);
	/* LI: the label (Lbl), then the item's blocks (LBody) */
	uint32_t li = lay_elem(l, PDF_SE_LI, NULL);
	e->vl.proto.label_elem =
	    pdf_tags_add(e, li, PDF_SE_LBL,
	                 task == GALLEY_TASK_NONE      ? NULL
	                 : task == GALLEY_TASK_CHECKED ? "\xE2\x98\x91" /* ballot box with check */
	                                               : "\xE2\x98\x90" /* ballot box */);
	uint32_t body = pdf_tags_add(e, li, PDF_SE_LBODY, NULL);
	lay_push_container(l, GALLEY_NODE_LIST_ITEM, indent, 0);
	lay_container_elem(l, body);
	container *c = lay_top(l);
	c->tight = list->tight;
	e->vl.proto.deco_x = c->x - e->set.size * pdf_typo.label_offset;
	if (task != GALLEY_TASK_NONE) {
		e->vl.proto.deco = task == GALLEY_TASK_CHECKED ? PDF_DECO_TASK_DONE : PDF_DECO_TASK_OPEN;
		e->vl.proto.deco_x = c->x - e->set.size * pdf_typo.task_box_offset;
		return 0;
	}
	char buf[32];
	if (ordered)
		list_label(buf, sizeof(buf), list->counter++,
		           galley_node_list_numbering(galley_node_parent(item)),
		           galley_node_list_delimiter(galley_node_parent(item)));
	else {
		/* bullet, then dash, then small bullet with depth */
		static const char *const bullets[] = {"\xE2\x80\xA2", "\xE2\x80\x93", "\xE2\x88\x98"};
		int level = 0;
		for (int i = 0; i < l->depth; i++)
			level += l->stack[i].type == GALLEY_NODE_BULLET_LIST;
		snprintf(buf, sizeof(buf), "%s", bullets[(level + 2) % 3]);
	}
	e->vl.proto.label = arena_strndup(&e->mem, buf, strlen(buf));
	int st = lay_style_id(e, PDF_ROLE_BODY, 0, e->set.size, 0);
	if (!e->vl.proto.label || st < 0)
		return GALLEY_ENOMEM;
	e->vl.proto.label_style = (uint16_t)st;
	e->vl.proto.deco = PDF_DECO_LABEL;
	return 0;
}

int lay_exit_list_item(layout *l)
{
	pdf_engine *e = l->e;
	int rc = 0;
	if (e->vl.proto.deco != PDF_DECO_NONE) {
		/* an empty item still shows its label */
		pdf_para *p = lay_new_para(e);
		if (!p)
			return GALLEY_ENOMEM;
		rc = lay_set_paragraph(l, p, lay_top(l)->x, lay_top(l)->width, e->set.leading);
		if (rc == 0 && e->vl.proto.deco != PDF_DECO_NONE) {
			pdf_vitem *v = pdf_vlist_push(e, PDF_V_LINE);
			if (!v)
				return GALLEY_ENOMEM;
			*v = e->vl.proto;
			v->line.para = p;
			e->vl.proto.deco = PDF_DECO_NONE;
			e->vl.proto.label_elem = 0;
		}
	}
	lay_pop_container(l);
	return rc;
}

static int enter_block(layout *l, galley_walk *w, galley_node *n, bool *skip)
{
	pdf_engine *e = l->e;
	float em = e->set.size;
	galley_node *prev = galley_node_prev(n);
	*skip = true;
	e->fonts.line = galley_node_line(n);
	e->fonts.column = galley_node_column(n);
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
		return lay_table(l, n);
	case GALLEY_NODE_FIGURE:
		return lay_figure(l, n);
	case GALLEY_NODE_FOOTNOTE_DEF:
		return 0;
	case GALLEY_NODE_RAW_BLOCK:
		e->vl.raw_dropped++;
		return 0;
	default:
		break;
	}
	*skip = false;
	(void)w;
	uint32_t elem;
	switch (galley_node_get_type(n)) {
	case GALLEY_NODE_BLOCK_QUOTE:
		lay_want_space(l, e->set.leading * pdf_typo.block_space);
		elem = lay_elem(l, PDF_SE_BLOCKQUOTE, NULL);
		lay_push_container(l, GALLEY_NODE_BLOCK_QUOTE, pdf_typo.quote_indent * em,
		                   pdf_typo.quote_indent * em);
		lay_container_elem(l, elem);
		break;
	case GALLEY_NODE_BULLET_LIST:
	case GALLEY_NODE_ORDERED_LIST:
		lay_want_space(l, e->set.leading * pdf_typo.block_space);
		elem = lay_elem(l, PDF_SE_L, NULL);
		lay_push_container(l, galley_node_get_type(n), 0, 0);
		lay_container_elem(l, elem);
		lay_top(l)->tight = galley_node_list_tight(n);
		lay_top(l)->counter = galley_node_list_start(n);
		if (galley_node_get_type(n) == GALLEY_NODE_ORDERED_LIST) {
			/* the widest number, plus its delimiter and a gap */
			int items = 0;
			for (galley_node *c = galley_node_first_child(n); c; c = galley_node_next(c))
				items++;
			/* the widest label: not always the last one (viii is wider than ix) */
			int first = lay_top(l)->counter, last = first + (items > 0 ? items - 1 : 0);
			char numbering = galley_node_list_numbering(n);
			if (numbering == '1' || last - first > 4000)
				first = last;
			float lw = 0;
			for (int v = first; v <= last; v++) {
				char label[32];
				list_label(label, sizeof(label), v, numbering, '.');
				float label_w =
				    pdf_text_width(e, label, strlen(label), (uint16_t)l->body_style);
				lw = label_w > lw ? label_w : lw;
			}
			float gap = em * pdf_typo.label_gap, least = em * pdf_typo.label_min_indent;
			lay_top(l)->label_indent = lw + gap > least ? lw + gap : least;
		}
		break;
	case GALLEY_NODE_LIST_ITEM:
		return enter_list_item(l, n);
	case GALLEY_NODE_DEF_LIST:
		lay_want_space(l, e->set.leading * pdf_typo.block_space);
		break;
	case GALLEY_NODE_DEF_DESC:
		elem = lay_elem(l, PDF_SE_DIV, NULL);
		lay_push_container(l, GALLEY_NODE_DEF_DESC, pdf_typo.definition_indent * em, 0);
		lay_container_elem(l, elem);
		lay_top(l)->tight = true;
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
		lay_pop_container(l);
		lay_want_space(l, e->set.leading * pdf_typo.block_space);
		break;
	case GALLEY_NODE_LIST_ITEM:
		return lay_exit_list_item(l);
	case GALLEY_NODE_DEF_LIST:
		lay_want_space(l, e->set.leading * pdf_typo.block_space);
		break;
	default:
		break;
	}
	return 0;
}

int lay_blocks(layout *l, galley_node *root)
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
