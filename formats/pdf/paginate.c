/*
 * paginate.c - the vertical list cut into pages: keeps, figures put off to
 * the next page, footnotes at the foot of the page that refers to them,
 * pages filled to the foot, running heads.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

static bool break_allowed(const pdf_engine *e, size_t j)
{
	const pdf_vitem *it = e->vl.items;
	if (j == 0 || it[j - 1].kind == PDF_V_SPACE || it[j - 1].kind == PDF_V_PAGEBREAK)
		return false;
	if (it[j].kind != PDF_V_SPACE)
		return !it[j].nobreak;
	/* before a space: as before the line that follows it */
	if (it[j].nobreak)
		return false;
	for (size_t k = j + 1; k < e->vl.nitems; k++)
		if (it[k].kind != PDF_V_SPACE)
			return it[k].kind == PDF_V_PAGEBREAK || !it[k].nobreak;
	return true;
}

static int add_page(pdf_engine *e, size_t first, size_t last)
{
	if (pdf_grow((void **)&e->pg.pages, &e->pg.pagecap, e->pg.npages + 1, sizeof(*e->pg.pages)))
		return GALLEY_ENOMEM;
	pdf_page *pg = &e->pg.pages[e->pg.npages++];
	memset(pg, 0, sizeof(*pg));
	pg->first = first;
	pg->last = last;
	pg->notes_first = e->pg.nnote_ranges;
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
		h += e->vl.items[i].height;
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
	if (pdf_grow((void **)&nq->q, &nq->cap, nq->count + 1, sizeof(*nq->q)))
		return GALLEY_ENOMEM;
	nq->q[nq->count++] = (pdf_range){first, last};
	return 0;
}

static int add_note_range(pdf_engine *e, size_t first, size_t last)
{
	if (pdf_grow((void **)&e->pg.note_ranges, &e->pg.note_rangecap, e->pg.nnote_ranges + 1,
	             sizeof(*e->pg.note_ranges)))
		return GALLEY_ENOMEM;
	e->pg.note_ranges[e->pg.nnote_ranges++] = (pdf_range){first, last};
	e->pg.pages[e->pg.npages - 1].notes_count++;
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
		while (k < r->last && (h + e->vl.items[k].height <= room ||
		                       (k == r->first && done == 0 && room > 0 &&
		                        e->pg.pages[e->pg.npages - 1].notes_count == 0)))
			h += e->vl.items[k++].height;
		if (k > r->first)
			rc = add_note_range(e, r->first, k);
		room -= h;
		if (k < r->last) {
			/* the rest waits, without the space it would start with */
			while (k < r->last && e->vl.items[k].kind == PDF_V_SPACE)
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
	size_t x = e->foot.notes[*(const int *)a].ref_item, y = e->foot.notes[*(const int *)b].ref_item;
	return x < y ? -1 : x > y ? 1 : *(const int *)a - *(const int *)b;
}

/* Height of the notes first referenced on item j, and of their first two lines; *cursor walks `order`. */
static void notes_of(const pdf_engine *e, const int *order, size_t *cursor, size_t j, float *full,
                     float *least)
{
	*full = *least = 0;
	while (*cursor < (size_t)e->foot.n && e->foot.notes[order[*cursor]].ref_item < j)
		(*cursor)++;
	for (size_t c = *cursor; c < (size_t)e->foot.n && e->foot.notes[order[c]].ref_item == j; c++) {
		const pdf_note *note = &e->foot.notes[order[c]];
		if (note->last <= note->first)
			continue;
		*full += items_height(e, note->first, note->last);
		size_t two = note->first + 2 < note->last ? note->first + 2 : note->last;
		*least += items_height(e, note->first, two);
	}
}

/*
 * A page that ends short of the foot because a line is kept with the next
 * (a widow, an orphan, a heading) is filled to it: its spaces (around
 * headings, scene breaks, lists, quotes, between paragraphs) stretch, each
 * by at most pdf_typo.page_fill_stretch of its height, as TeX's \bigskip
 * stretches by a third: a page whose only space is a scene break's stays a
 * little short rather than open a gap twice as wide as the others. Returns
 * the share each grows by.
 */
static float fill_page(const pdf_engine *e, size_t first, size_t last, const pdf_range *skip, float room)
{
	while (last > first && e->vl.items[last - 1].kind == PDF_V_SPACE)
		last--; /* spaces at the foot are not seen */
	float spaces = 0;
	for (size_t i = first; i < last; i++)
		if (e->vl.items[i].kind == PDF_V_SPACE && !(i >= skip->first && i < skip->last))
			spaces += e->vl.items[i].height;
	if (spaces <= 0 || room <= 0)
		return 0;
	float most = pdf_typo.page_fill_stretch;
	return room / spaces < most ? room / spaces : most;
}

/* The room left on a page once its text, float, repeated header and notes are placed, filled. */
static int stretch_page(pdf_engine *e, pdf_page *pg, float text_h, float sep)
{
	float used = items_height(e, pg->first, pg->last) - items_height(e, pg->skip.first, pg->skip.last);
	if (pg->repeat_table)
		used += e->tabs.tables[pg->repeat_table - 1].header_height;
	if (pg->top_float.last > pg->top_float.first)
		used += items_height(e, pg->top_float.first, pg->top_float.last) +
		        e->set.leading * pdf_typo.float_space;
	float notes = 0;
	for (size_t r = 0; r < pg->notes_count; r++) {
		const pdf_range *nr = &e->pg.note_ranges[pg->notes_first + r];
		notes += items_height(e, nr->first, nr->last);
	}
	if (notes > 0)
		notes += sep;
	/* to the foot where a page of body lines ends, not below it */
	float foot = floorf(text_h / e->set.leading + 0.01f) * e->set.leading;
	pg->space_stretch = fill_page(e, pg->first, pg->last, &pg->skip, foot - used - notes);
	return 0;
}

/* Whether the items [first, last) hold a space that could stretch. */
static bool has_space(const pdf_engine *e, size_t first, size_t last)
{
	for (size_t i = first; i < last; i++)
		if (e->vl.items[i].kind == PDF_V_SPACE)
			return true;
	return false;
}

/*
 * Fills each page up to its last allowed break before the text height runs
 * out; prose with no space to stretch may run a line long instead of a
 * line short, as a compositor lengthens a spread; a page that has no allowed break at all is cut where it is
 * full. Spaces at the top of a page are dropped. The notes a page's lines refer to take room at its foot: a
 * line goes on the page only when at least the first two lines of its notes fit there too.
 */
static int cut_pages(pdf_engine *e)
{
	float text_h = e->set.page_h - e->set.margin_top - e->set.margin_bottom;
	float sep = e->set.leading;
	size_t i = 0, n = e->vl.main_end ? e->vl.main_end : e->vl.nitems;
	note_queue nq = {NULL, 0, 0};
	int rc = 0;
	/* notes no line of the text refers to go with the last line */
	int *order = calloc((size_t)e->foot.n + 1, sizeof(int));
	if (!order)
		return GALLEY_ENOMEM;
	for (int k = 1; k <= e->foot.n; k++) {
		if (e->foot.notes[k].ref_item == SIZE_MAX)
			e->foot.notes[k].ref_item = n ? n - 1 : 0;
		order[k - 1] = k;
	}
	if (e->foot.n)
		qsort_r(order, (size_t)e->foot.n, sizeof(int), by_ref_item, e);
	size_t cursor = 0;
	pdf_range pending = {0, 0}; /* a figure put off to the next page */
	while (rc == 0 && (i < n || nq.count || pending.last > pending.first)) {
		bool chapter = false;
		while (i < n &&
		       (e->vl.items[i].kind == PDF_V_SPACE || e->vl.items[i].kind == PDF_V_PAGEBREAK))
			chapter |= e->vl.items[i++].kind == PDF_V_PAGEBREAK;
		if (i >= n && nq.count == 0 && pending.last <= pending.first)
			break;
		/* in two-sided print a chapter opens on a right-hand (odd) page */
		if (chapter && e->set.twoside && e->pg.npages % 2 == 1 && nq.count == 0 &&
		    (rc = add_page(e, i, i)))
			break;
		size_t start = i, end = n, best = 0, j;
		float h = 0, h_best = 0;
		bool overflow = false;
		/* a table that goes on from the page before repeats its header */
		int repeat = 0;
		const pdf_vitem *st = i < n ? &e->vl.items[start] : NULL;
		if (st && st->table && !st->header_row && e->tabs.tables[st->table - 1].header_last > 0 &&
		    start > 0 && e->vl.items[start - 1].table == st->table) {
			repeat = st->table;
			h = e->tabs.tables[repeat - 1].header_height;
		}
		/* notes carried over take at most half the page from the text */
		float notes = 0;
		for (size_t q = 0; q < nq.count; q++)
			notes += items_height(e, nq.q[q].first, nq.q[q].last);
		if (notes > text_h / 2)
			notes = text_h / 2;
		cursor = 0;
		while (cursor < (size_t)e->foot.n && e->foot.notes[order[cursor]].ref_item < start)
			cursor++;
		size_t page_cursor = cursor;
		pdf_range top_float = pending, skip = {0, 0};
		pending = (pdf_range){0, 0};
		if (top_float.last > top_float.first)
			h += items_height(e, top_float.first, top_float.last) +
			     e->set.leading * pdf_typo.float_space;
		for (j = start; j < n; j++) {
			const pdf_vitem *it = &e->vl.items[j];
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
				while (k < n && e->vl.items[k].kind == PDF_V_LINE && e->vl.items[k].nobreak)
					k++;
				skip = (pdf_range){j, k};
				if (break_allowed(e, j))
					best = j;
				j = k - 1;
				continue;
			}
			if (j > start && break_allowed(e, j)) {
				best = j;
				h_best = h;
			}
			float full = 0, least = 0;
			if (e->foot.n)
				notes_of(e, order, &cursor, j, &full, &least);
			float need = h + it->height + (notes + least > 0 ? notes + least + sep : 0);
			if (need > text_h + 0.01f && j > start) {
				end = best > start ? best : j;
				overflow = true;
				if (best > start && notes == 0 && full == 0 && skip.last == 0 &&
				    !top_float.last && text_h - h_best > e->set.leading * 0.9f &&
				    !has_space(e, start, best)) {
					/* a line long, where the next allowed break is that near */
					float hh = h;
					for (size_t k = j; k < n && e->vl.items[k].kind == PDF_V_LINE; k++) {
						if (k > j && hh <= text_h + e->set.leading * 1.05f &&
						    break_allowed(e, k)) {
							end = k;
							break;
						}
						hh += e->vl.items[k].height;
						if (hh > text_h + e->set.leading * 1.05f)
							break;
					}
				}
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
		e->pg.pages[e->pg.npages - 1].repeat_table = repeat;
		e->pg.pages[e->pg.npages - 1].top_float = top_float;
		e->pg.pages[e->pg.npages - 1].skip = skip;
		/* the notes of this page's lines join the queue, then as many as fit are set */
		for (size_t c = page_cursor; c < (size_t)e->foot.n && rc == 0; c++) {
			const pdf_note *note = &e->foot.notes[order[c]];
			if (note->ref_item >= end)
				break;
			rc = queue_push(&nq, note->first, note->last);
		}
		if (rc == 0 && nq.count) {
			float used = items_height(e, start, end) +
			             (repeat ? e->tabs.tables[repeat - 1].header_height : 0) +
			             (top_float.last > top_float.first
			                  ? items_height(e, top_float.first, top_float.last) +
			                        e->set.leading * pdf_typo.float_space
			                  : 0) -
			             items_height(e, skip.first, skip.last);
			rc = place_notes(e, &nq, text_h - used - sep);
		}
		if (rc == 0 && overflow && end > start)
			rc = stretch_page(e, &e->pg.pages[e->pg.npages - 1], text_h, sep);
		i = end;
	}
	free(nq.q);
	free(order);
	if (rc == 0 && e->pg.npages == 0)
		return add_page(e, 0, 0);
	return rc;
}

/* Running heads: the current chapter (or the title), left off pages that open a chapter. */
static void running_heads(pdf_engine *e)
{
	const char *title = galley_doc_meta(e->doc, GALLEY_META_TITLE);
	const char *chapter = NULL;
	for (size_t p = 0; p < e->pg.npages; p++) {
		pdf_page *pg = &e->pg.pages[p];
		const char *at_top = chapter;
		pdf_range rs[3];
		size_t nr = pdf_page_ranges(pg, rs);
		for (size_t r = 0; r < nr; r++)
			for (size_t i = rs[r].first; i < rs[r].last; i++)
				if (e->vl.items[i].heading == 1) {
					pg->chapter_opening = 1;
					chapter = e->vl.items[i].title;
				}
		if (p == 0 || pg->chapter_opening)
			pg->running = NULL;
		else
			pg->running = at_top ? at_top : title;
	}
}

/*
 * Where each item stands on its page, computed once for drawing and for the
 * destinations links and the outline jump to: the text from the top margin
 * down (under a repeated table header, a figure put off from the page
 * before, spaces stretched to fill the page), the notes up from the bottom
 * margin.
 */
static void place_items(pdf_engine *e)
{
	for (size_t p = 0; p < e->pg.npages; p++) {
		const pdf_page *pg = &e->pg.pages[p];
		float y = e->set.page_h - e->set.margin_top;
		if (pg->repeat_table)
			y -= e->tabs.tables[pg->repeat_table - 1].header_height;
		pdf_range rs[3];
		size_t nr = pdf_page_ranges(pg, rs);
		for (size_t r = 0; r < nr; r++) {
			if (r == 1 && pg->top_float.last > pg->top_float.first)
				y -= e->set.leading *
				     pdf_typo.float_space; /* a float stands apart from the text under it */
			for (size_t i = rs[r].first; i < rs[r].last; i++) {
				pdf_vitem *v = &e->vl.items[i];
				v->top = y;
				y -= v->height * (v->kind == PDF_V_SPACE ? 1 + pg->space_stretch : 1);
			}
		}
		float ny = e->set.margin_bottom;
		for (size_t r = 0; r < pg->notes_count; r++) {
			const pdf_range *n = &e->pg.note_ranges[pg->notes_first + r];
			ny += items_height(e, n->first, n->last);
		}
		for (size_t r = 0; r < pg->notes_count; r++) {
			const pdf_range *n = &e->pg.note_ranges[pg->notes_first + r];
			for (size_t i = n->first; i < n->last; i++) {
				e->vl.items[i].top = ny;
				ny -= e->vl.items[i].height;
			}
		}
	}
}

int pdf_paginate(pdf_engine *e)
{
	int rc = cut_pages(e);
	if (rc == 0) {
		running_heads(e);
		place_items(e);
	}
	return rc;
}
