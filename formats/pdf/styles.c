/*
 * styles.c - text styles (size, face, rise, link, note) found through a
 * hash index, and the link table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

/* Field by field: a style passed by value has padding bytes of no defined value. */
static bool same_style(const pdf_style *a, const pdf_style *b)
{
	return a->size == b->size && a->rise == b->rise && a->link == b->link && a->note == b->note &&
	       a->face == b->face && a->flags == b->flags && a->image == b->image && a->token == b->token &&
	       a->lang == b->lang;
}

static uint32_t style_hash(const pdf_style *s)
{
	uint32_t v[4], h = 2166136261u;
	memcpy(&v[0], &s->size, sizeof(v[0]));
	memcpy(&v[1], &s->rise, sizeof(v[1]));
	v[2] = (s->link | (uint32_t)s->note << 16) ^ (uint32_t)s->lang << 8;
	v[3] = (s->face | (uint32_t)s->flags << 8 | (uint32_t)s->image << 16) ^ (uint32_t)s->token << 27;
	for (int i = 0; i < 4; i++) {
		h = (h ^ v[i]) * 16777619u;
		h ^= h >> 15;
	}
	return h;
}

/* The slot of `s` in the index: where it is, or the empty slot where it goes. */
static uint32_t *style_slot(pdf_engine *e, const pdf_style *s)
{
	size_t mask = e->res.style_slot_cap - 1, i = style_hash(s) & mask;
	while (e->res.style_slots[i] && !same_style(&e->res.styles[e->res.style_slots[i] - 1], s))
		i = (i + 1) & mask;
	return &e->res.style_slots[i];
}

static int grow_style_index(pdf_engine *e)
{
	size_t cap = e->res.style_slot_cap ? e->res.style_slot_cap * 2 : 64;
	uint32_t *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -1;
	free(e->res.style_slots);
	e->res.style_slots = slots;
	e->res.style_slot_cap = cap;
	for (size_t i = 0; i < e->res.nstyles; i++)
		*style_slot(e, &e->res.styles[i]) = (uint32_t)i + 1;
	return 0;
}

/*
 * Every link and footnote reference makes a style of its own, so a document
 * may have tens of thousands: they are found through a hash index.
 */
int pdf_style_get(pdf_engine *e, const pdf_style *s)
{
	if ((e->res.nstyles + 1) * 2 > e->res.style_slot_cap && grow_style_index(e) != 0)
		return -1;
	uint32_t *slot = style_slot(e, s);
	if (*slot)
		return (int)*slot - 1;
	if (e->res.nstyles >= UINT16_MAX)
		return 0;
	if (pdf_grow((void **)&e->res.styles, &e->res.stylecap, e->res.nstyles + 1, sizeof(*e->res.styles)))
		return -1;
	e->res.styles[e->res.nstyles] = *s;
	*slot = (uint32_t)++e->res.nstyles;
	return (int)e->res.nstyles - 1;
}

int pdf_link_add(pdf_engine *e, const char *uri, int anchor)
{
	if (e->res.nlinks >= UINT16_MAX - 1)
		return 0;
	if (pdf_grow((void **)&e->res.links, &e->res.linkcap, e->res.nlinks + 1, sizeof(*e->res.links)))
		return -1;
	e->res.links[e->res.nlinks] = (pdf_link){uri, anchor};
	return (int)++e->res.nlinks;
}

pdf_style lay_make_style(int role, int face_style, float size)
{
	pdf_style s;
	memset(&s, 0, sizeof(s));
	s.face = (uint8_t)PDF_FACE(role, face_style);
	s.size = size;
	return s;
}

int lay_style_id(pdf_engine *e, int role, int face_style, float size, uint8_t flags)
{
	pdf_style s = lay_make_style(role, face_style, size);
	s.flags = flags;
	return pdf_style_get(e, &s);
}
