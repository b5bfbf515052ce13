/*
 * front.c - front matter: the title block, the abstract and the contents.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

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
	container *c = lay_top(l);
	float size = e->set.size * pdf_typo.abstract_size;
	lay_want_space(l, e->set.leading);
	e->vl.proto.elem = lay_elem(l, PDF_SE_H1 + 1, NULL);
	int rc = lay_centered(l, "Abstract", PDF_ROLE_HEAD, PDF_BOLD, size,
	                      size * pdf_typo.abstract_heading_leading);
	pdf_para *p = lay_new_para(e);
	if (!p)
		return GALLEY_ENOMEM;
	p->align = e->set.ragged ? PDF_ALIGN_LEFT : PDF_ALIGN_JUSTIFY;
	p->hyphenate = true;
	inline_state s = lay_body_state(l);
	s.size = size;
	if (rc == 0)
		rc = lay_add_text(e, p, &s, text, strlen(text));
	float indent = e->set.size * pdf_typo.abstract_indent;
	e->vl.proto.elem = lay_elem(l, PDF_SE_P, NULL);
	if (rc == 0)
		rc = lay_set_paragraph(l, p, c->x + indent, c->width - 2 * indent,
		                       size * pdf_typo.abstract_leading);
	return rc;
}

/* Title, subtitle, authors, date and abstract; with --title-page alone on the first page. */
int lay_title_block(layout *l)
{
	pdf_engine *e = l->e;
	const galley_doc *doc = e->doc;
	const char *title = galley_doc_meta(doc, GALLEY_META_TITLE);
	if (!title)
		return 0;
	float s = e->set.size;
	int rc = 0;
	l->heading_shift = 1; /* the title is the H1 */
	l->last_heading = 0;
	if (e->set.title_page)
		rc = push_strut(l, (e->set.page_h - e->set.margin_top - e->set.margin_bottom) *
		                       pdf_typo.title_page_drop);
	e->vl.proto.elem = lay_elem(l, PDF_SE_H1, NULL);
	if (rc == 0)
		rc = lay_centered(l, title, PDF_ROLE_HEAD, PDF_BOLD, s * pdf_typo.title_size,
		                  s * pdf_typo.title_leading);
	const char *sub = galley_doc_meta(doc, GALLEY_META_SUBTITLE);
	e->vl.proto.elem = sub ? lay_elem(l, PDF_SE_P, NULL) : 0;
	if (rc == 0 && sub)
		rc = lay_centered(l, sub, PDF_ROLE_HEAD, 0, s * pdf_typo.subtitle_size,
		                  s * pdf_typo.subtitle_leading);
	lay_want_space(l, e->set.leading *
	                      (e->set.title_page ? pdf_typo.title_page_space : pdf_typo.title_space));
	for (size_t i = 0; rc == 0 && i < galley_doc_author_count(doc); i++) {
		e->vl.proto.elem = lay_elem(l, PDF_SE_P, NULL);
		rc = lay_centered(l, galley_doc_author(doc, i), PDF_ROLE_BODY, 0, s * pdf_typo.author_size,
		                  e->set.leading * pdf_typo.author_leading);
	}
	const char *date = galley_doc_meta(doc, GALLEY_META_DATE);
	e->vl.proto.elem = date ? lay_elem(l, PDF_SE_P, NULL) : 0;
	if (rc == 0 && date)
		rc = lay_centered(l, date, PDF_ROLE_BODY, PDF_ITALIC, s, e->set.leading);
	const char *abstract = galley_doc_meta(doc, GALLEY_META_DESCRIPTION);
	if (rc == 0 && abstract && *abstract)
		rc = layout_abstract(l, abstract);
	if (rc == 0 && e->set.title_page) {
		if (!pdf_vlist_push(e, PDF_V_PAGEBREAK))
			return GALLEY_ENOMEM;
		l->pending_space = 0;
		return 0;
	}
	lay_want_space(l, e->set.leading * 2);
	return rc;
}

/*
 * Contents: one entry per heading down to two levels below the top one,
 * linked to it; the leader dots and the page number are drawn once the
 * pages are known (the entries' height does not depend on them).
 */
int lay_toc(layout *l)
{
	pdf_engine *e = l->e;
	container *c = lay_top(l);
	e->vl.proto.elem = lay_elem(l, PDF_SE_H1 + l->heading_shift, NULL);
	int rc =
	    lay_centered(l, "Contents", PDF_ROLE_HEAD, PDF_BOLD, e->set.size * pdf_typo.contents_title_size,
	                 e->set.size * pdf_typo.contents_title_leading);
	uint32_t toc = lay_elem(l, PDF_SE_TOC, NULL);
	lay_want_space(l, e->set.leading);
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
			lay_section_number(l, level, num, sizeof(num));
		if (level > l->base_level + 2)
			continue;
		const char *id = galley_node_id(n);
		void *anchor = id ? strmap_get(&e->anc.ids, id) : NULL;
		if (!anchor)
			continue;
		int a = (int)(intptr_t)anchor - 1;
		pdf_para *p = lay_new_para(e);
		if (!p)
			return GALLEY_ENOMEM;
		p->align = PDF_ALIGN_LEFT;
		inline_state s = lay_body_state(l);
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
		rc = lay_add_text(e, p, &s, num, strlen(num));
		if (rc == 0)
			rc = lay_add_text(e, p, &s, plain, strlen(plain));
		free(plain);
		float indent = (float)(level - l->base_level) * e->set.size * pdf_typo.contents_indent;
		if (level == l->base_level)
			lay_want_space(l, e->set.leading * pdf_typo.contents_space);
		size_t first = e->vl.nitems;
		e->vl.proto.elem = pdf_tags_add(e, toc, PDF_SE_TOCI, NULL);
		if (rc == 0)
			rc = lay_set_paragraph(l, p, c->x + indent, c->width - indent - numfield,
			                       e->set.leading);
		if (rc == 0 && e->vl.nitems > first) {
			pdf_vitem *last = &e->vl.items[e->vl.nitems - 1];
			last->toc_anchor = a;
			last->deco_x = c->x + c->width;
			for (size_t i = first; i < e->vl.nitems; i++)
				e->vl.items[i].nobreak = i > first;
		}
	}
	memcpy(l->section, saved, sizeof(saved));
	if (rc == 0 && !pdf_vlist_push(e, PDF_V_PAGEBREAK))
		return GALLEY_ENOMEM;
	l->pending_space = 0;
	return rc;
}
