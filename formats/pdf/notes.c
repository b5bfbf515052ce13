/*
 * notes.c - anchors for headings and notes, and the footnotes laid out
 * after the main text (pagination sets each at the foot of its page).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

/* Anchors for every heading (so links may point forward) and every note. */
int lay_assign_anchors(layout *l)
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
		if (id && !strmap_get(&e->anc.ids, id) &&
		    strmap_put(&e->anc.ids, id, (void *)(intptr_t)(++e->anc.n)))
			return GALLEY_ENOMEM;
		galley_walk_skip_children(&w);
	}
	int notes = galley_doc_footnote_count(e->doc);
	l->note_anchor = calloc((size_t)notes + 2, sizeof(int));
	if (!l->note_anchor)
		return GALLEY_ENOMEM;
	l->note_anchor[0] = -1;
	for (int i = 1; i <= notes; i++)
		l->note_anchor[i] = e->anc.n++;
	return 0;
}

/*
 * Footnotes are laid out after the main text, each in its own run of items,
 * at a smaller size; pagination sets each at the foot of the page of its
 * first reference.
 */
int lay_footnotes(layout *l)
{
	pdf_engine *e = l->e;
	int notes = galley_doc_footnote_count(e->doc);
	e->vl.main_end = e->vl.nitems;
	if (notes <= 0)
		return 0;
	e->foot.notes = calloc((size_t)notes + 1, sizeof(*e->foot.notes));
	if (!e->foot.notes)
		return GALLEY_ENOMEM;
	e->foot.n = notes;
	for (int i = 0; i <= notes; i++)
		e->foot.notes[i] = (pdf_note){0, 0, SIZE_MAX};
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
	for (size_t i = 0; i < e->vl.main_end; i++) {
		const pdf_vitem *v = &e->vl.items[i];
		if (v->kind != PDF_V_LINE || !v->line.para)
			continue;
		for (uint32_t a = v->line.first; a < v->line.last; a++) {
			const pdf_atom *at = &v->line.para->atoms[a];
			int num = at->type == PDF_BOX ? e->res.styles[at->style].note : 0;
			if (num > 0 && num <= notes && e->foot.notes[num].ref_item == SIZE_MAX)
				e->foot.notes[num].ref_item = i;
		}
	}
	/* notes are set smaller: the body size and leading stand in for theirs meanwhile */
	pdf_settings saved = e->set;
	e->set.size *= pdf_typo.note_size;
	e->set.leading *= pdf_typo.note_size;
	int rc = 0;
	for (int i = 1; i <= notes && rc == 0; i++) {
		if (!defs[i])
			continue;
		l->pending_space = 0;
		l->keep = 0;
		e->foot.notes[i].first = e->vl.nitems;
		char buf[16];
		/* a Note (its ID as PDF/UA wants one): the number as its Lbl, then its blocks */
		snprintf(buf, sizeof(buf), "note-%d", i);
		uint32_t note = lay_elem(l, PDF_SE_NOTE, arena_strndup(&e->mem, buf, strlen(buf)));
		lay_push_container(l, GALLEY_NODE_LIST_ITEM, e->set.size * pdf_typo.note_indent, 0);
		lay_container_elem(l, note);
		lay_top(l)->tight = true;
		e->vl.proto.label_elem = pdf_tags_add(e, note, PDF_SE_LBL, NULL);
		snprintf(buf, sizeof(buf), "%d", i);
		int st = lay_style_id(e, PDF_ROLE_BODY, 0, e->set.size, 0);
		e->vl.proto.label = arena_strndup(&e->mem, buf, strlen(buf));
		if (st < 0 || !e->vl.proto.label) {
			rc = GALLEY_ENOMEM;
			break;
		}
		e->vl.proto.label_style = (uint16_t)st;
		e->vl.proto.deco = PDF_DECO_LABEL;
		e->vl.proto.deco_x = lay_top(l)->x - e->set.size * pdf_typo.label_offset;
		e->vl.proto.anchor = l->note_anchor[i];
		rc = lay_blocks(l, defs[i]);
		if (rc == 0)
			rc = lay_exit_list_item(l);
		e->foot.notes[i].last = e->vl.nitems;
		for (size_t k = e->foot.notes[i].first; k < e->vl.nitems; k++)
			e->vl.items[k].nobreak = false;
	}
	e->set = saved;
	l->pending_space = 0;
	free(defs);
	return rc;
}
