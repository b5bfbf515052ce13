/*
 * shape.c - text runs shaped by HarfBuzz: kerning, ligatures, mark
 * positioning and contextual forms, in font units so that one shaping
 * serves every size. A document repeats its words, so each run is shaped
 * once and kept in a hash table for the rest of the document.
 */
#include <stdlib.h>
#include <string.h>

#include <hb.h>

#include "pdf.h"

static uint32_t run_hash(int face, bool rtl, const char *text, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)face ^ (rtl ? 0x80000000u : 0);
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 16777619u;
	return h;
}

static int cache_grow(pdf_fonts *f)
{
	size_t ncap = f->runcap ? f->runcap * 2 : 1024;
	pdf_shaped **n = calloc(ncap, sizeof(*n));
	if (!n)
		return GALLEY_ENOMEM;
	for (size_t i = 0; i < f->runcap; i++) {
		pdf_shaped *r = f->runs[i];
		if (!r)
			continue;
		size_t h = r->hash & (ncap - 1);
		while (n[h])
			h = (h + 1) & (ncap - 1);
		n[h] = r;
	}
	free(f->runs);
	f->runs = n;
	f->runcap = ncap;
	return 0;
}

static void set_features(pdf_fonts *f, hb_feature_t *feats, unsigned *n)
{
	*n = 0;
	if (!f->no_ligatures)
		return;
	static const char *const off[] = {"liga", "clig", "dlig", "hlig"};
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		feats[*n].tag = hb_tag_from_string(off[i], 4);
		feats[*n].value = 0;
		feats[*n].start = HB_FEATURE_GLOBAL_START;
		feats[*n].end = HB_FEATURE_GLOBAL_END;
		(*n)++;
	}
}

/* Shapes into a new run allocated in the cache's arena. */
static pdf_shaped *shape_new(pdf_fonts *f, int face, const char *text, size_t len, bool rtl, uint32_t hash)
{
	pdf_face *fc = &f->faces[face];
	hb_buffer_t *buf = f->buffer;
	if (!buf && !(buf = f->buffer = hb_buffer_create()))
		return NULL;
	hb_buffer_clear_contents(buf);
	hb_buffer_add_utf8(buf, text, (int)len, 0, (int)len);
	hb_buffer_set_cluster_level(buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
	hb_buffer_guess_segment_properties(buf);
	hb_buffer_set_direction(buf, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
	if (f->lang)
		hb_buffer_set_language(buf, hb_language_from_string(f->lang, -1));
	hb_feature_t feats[4];
	unsigned nfeats;
	set_features(f, feats, &nfeats);
	hb_shape(fc->font, buf, feats, nfeats);
	unsigned n;
	hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
	hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &n);
	pdf_shaped *sh = arena_alloc(&f->mem, sizeof(*sh));
	char *copy = arena_strndup(&f->mem, text, len);
	pdf_glyph *g = arena_alloc(&f->mem, (n ? n : 1) * sizeof(*g));
	if (!sh || !copy || !g)
		return NULL;
	*sh = (pdf_shaped){copy, (uint32_t)len, n, (uint8_t)face, rtl, 0, hash, g};
	for (unsigned i = 0; i < n; i++) {
		hb_glyph_flags_t fl = hb_glyph_info_get_glyph_flags(&info[i]);
		g[i] = (pdf_glyph){(uint16_t)info[i].codepoint,
		                   (fl & HB_GLYPH_FLAG_UNSAFE_TO_BREAK) != 0,
		                   info[i].cluster,
		                   pos[i].x_advance,
		                   (int16_t)pos[i].x_offset,
		                   (int16_t)pos[i].y_offset};
	}
	return sh;
}

const pdf_shaped *pdf_shape(pdf_fonts *f, int face, const char *text, size_t len, bool rtl)
{
	face = f->alias[face];
	if (!pdf_fonts_load(f, face) && (face = f->alias[0], !pdf_fonts_load(f, face)))
		return NULL;
	uint32_t hash = run_hash(face, rtl, text, len);
	if ((f->nruns + 1) * 2 > f->runcap && cache_grow(f))
		return NULL;
	size_t h = hash & (f->runcap - 1);
	for (pdf_shaped *r; (r = f->runs[h]); h = (h + 1) & (f->runcap - 1))
		if (r->hash == hash && r->face == face && r->rtl == rtl && r->len == len &&
		    memcmp(r->text, text, len) == 0)
			return r;
	pdf_shaped *sh = shape_new(f, face, text, len, rtl, hash);
	if (!sh)
		return NULL;
	f->runs[h] = sh;
	f->nruns++;
	return sh;
}

float pdf_shaped_width(pdf_fonts *f, const pdf_shaped *sh, uint32_t g0, uint32_t g1, float size)
{
	long w = 0;
	for (uint32_t i = g0; i < g1; i++)
		w += sh->glyphs[i].advance;
	return (float)w * size / (float)f->faces[sh->face].upem;
}
