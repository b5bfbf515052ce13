/*
 * embed.c - each face the pages draw embedded as a Type0 font of its own
 * making (libharu's fonts map characters, not glyphs): a CIDFont whose CIDs
 * are the face's glyph ids (Identity-H), its program cut down by hb-subset
 * to the glyphs used, its widths, and a ToUnicode CMap from each glyph to
 * the text it was drawn for, so that copying gives the source text back.
 *
 * TrueType faces become CIDFontType2 with a CIDToGIDMap from the original
 * glyph ids to the subset's; OpenType/CFF faces become CIDFontType0 with the
 * OpenType program (FontFile3, /OpenType), subset with their glyph ids kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>

#include "pdf.h"

HPDF_Dict pdf_fonts_dict(pdf_fonts *f, int face)
{
	face = f->alias[face];
	pdf_face *fc = &f->faces[face];
	if (fc->dict || !pdf_fonts_load(f, face))
		return fc->dict;
	if (!fc->used && !(fc->used = calloc(fc->nglyphs, sizeof(*fc->used))))
		return NULL;
	HPDF_Doc pdf = f->pdf;
	HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
	if (!d || HPDF_Xref_Add(pdf->xref, d) != HPDF_OK)
		return NULL;
	HPDF_STATUS ret = HPDF_Dict_AddName(d, "Type", "Font");
	ret += HPDF_Dict_AddName(d, "Subtype", "Type0");
	ret += HPDF_Dict_AddName(d, "Encoding", "Identity-H");
	if (ret != HPDF_OK)
		return NULL;
	fc->dict = d;
	return d;
}

bool pdf_fonts_use_glyph(pdf_fonts *f, int face, unsigned gid, const char *text, size_t len)
{
	pdf_face *fc = &f->faces[f->alias[face]];
	if (!fc->used || gid >= fc->nglyphs)
		return false;
	pdf_glyph_text *u = &fc->used[gid];
	if (u->len)
		return u->len == len && memcmp((const char *)f->texts.data + u->off, text, len) == 0;
	if (len == 0 || len > 0xFFFF) {
		u->off = UINT32_MAX; /* drawn, standing for no text a ToUnicode entry can give */
		return len == 0;
	}
	u->off = (uint32_t)f->texts.len;
	u->len = (uint16_t)len;
	galley_buf_put(&f->texts, text, len);
	return !f->texts.failed;
}

/* ---- the descriptor ------------------------------------------------- */

static int to1000(const pdf_face *fc, long v)
{
	return (int)(v * 1000 / (long)fc->upem);
}

static int16_t be16(const char *p)
{
	return (int16_t)(((unsigned char)p[0] << 8) | (unsigned char)p[1]);
}

static HPDF_Array font_bbox(HPDF_MMgr mm, const pdf_face *fc)
{
	HPDF_Array a = HPDF_Array_New(mm);
	hb_blob_t *head = hb_face_reference_table(fc->hb, HB_TAG('h', 'e', 'a', 'd'));
	unsigned len;
	const char *d = hb_blob_get_data(head, &len);
	for (int i = 0; a && i < 4; i++)
		HPDF_Array_AddNumber(a, len >= 44 ? to1000(fc, be16(d + 36 + 2 * i)) : (i < 2 ? -200 : 1000));
	hb_blob_destroy(head);
	return a;
}

static long metric(const pdf_face *fc, hb_ot_metrics_tag_t tag, long fallback)
{
	hb_position_t v;
	return hb_ot_metrics_get_position(fc->font, tag, &v) ? v : fallback;
}

static HPDF_Dict descriptor(pdf_fonts *f, const pdf_face *fc, const char *name, HPDF_Dict program)
{
	HPDF_Doc pdf = f->pdf;
	HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
	if (!d || HPDF_Xref_Add(pdf->xref, d) != HPDF_OK)
		return NULL;
	float italic = hb_style_get_value(fc->font, HB_STYLE_TAG_SLANT_ANGLE);
	float weight = hb_style_get_value(fc->font, HB_STYLE_TAG_WEIGHT);
	long ascent = metric(fc, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, (long)fc->upem * 8 / 10);
	long descent = metric(fc, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, -(long)fc->upem / 5);
	long cap = metric(fc, HB_OT_METRICS_TAG_CAP_HEIGHT, ascent);
	long xh = metric(fc, HB_OT_METRICS_TAG_X_HEIGHT, cap / 2);
	/* symbolic: the glyphs are reached by glyph id, not through a standard encoding */
	int flags = 4 | (italic != 0 ? 64 : 0);
	HPDF_STATUS ret = HPDF_Dict_AddName(d, "Type", "FontDescriptor");
	ret += HPDF_Dict_AddName(d, "FontName", name);
	ret += HPDF_Dict_AddNumber(d, "Flags", flags);
	ret += HPDF_Dict_Add(d, "FontBBox", font_bbox(pdf->mmgr, fc));
	ret += HPDF_Dict_AddReal(d, "ItalicAngle", italic);
	ret += HPDF_Dict_AddNumber(d, "Ascent", to1000(fc, ascent));
	ret += HPDF_Dict_AddNumber(d, "Descent", to1000(fc, descent));
	ret += HPDF_Dict_AddNumber(d, "CapHeight", to1000(fc, cap));
	ret += HPDF_Dict_AddNumber(d, "XHeight", to1000(fc, xh));
	/* no font says its stem width; this is the usual estimate from the weight */
	ret += HPDF_Dict_AddNumber(d, "StemV", (HPDF_INT32)(10 + weight * weight / 4000));
	ret += HPDF_Dict_Add(d, fc->cff ? "FontFile3" : "FontFile2", program);
	return ret == HPDF_OK ? d : NULL;
}

/* ---- the program ---------------------------------------------------- */

static hb_subset_input_t *subset_input(const pdf_face *fc)
{
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	if (!in)
		return NULL;
	hb_set_t *glyphs = hb_subset_input_glyph_set(in);
	hb_set_add(glyphs, 0);
	for (unsigned g = 1; g < fc->nglyphs; g++)
		if (fc->used[g].len || fc->used[g].off)
			hb_set_add(glyphs, g);
	hb_set_clear(hb_subset_input_unicode_set(in));
	/* the PDF reaches glyphs by id: layout tables (and their glyph closure) are not needed */
	static const char *const drop[] = {"GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern",
	                                   "morx", "kerx", "DSIG", "vhea", "vmtx", "VORG"};
	hb_set_t *tables = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		hb_set_add(tables, hb_tag_from_string(drop[i], 4));
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING |
	                                  (fc->cff ? HB_SUBSET_FLAGS_RETAIN_GIDS : 0));
	return in;
}

static HPDF_Dict new_stream(pdf_fonts *f)
{
	HPDF_Dict s = HPDF_DictStream_New(f->pdf->mmgr, f->pdf->xref);
	if (s)
		s->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	return s;
}

/* The CIDToGIDMap: two bytes per original glyph id up to the last one used. */
static HPDF_Dict gid_map(pdf_fonts *f, const pdf_face *fc, const hb_map_t *old_to_new)
{
	HPDF_Dict s = new_stream(f);
	if (!s)
		return NULL;
	unsigned last = 0;
	for (unsigned g = 0; g < fc->nglyphs; g++)
		if (fc->used[g].len || fc->used[g].off)
			last = g;
	for (unsigned g = 0; g <= last; g++) {
		hb_codepoint_t n = hb_map_get(old_to_new, g);
		if (n == HB_MAP_VALUE_INVALID)
			n = 0;
		HPDF_BYTE b[2] = {(HPDF_BYTE)(n >> 8), (HPDF_BYTE)n};
		if (HPDF_Stream_Write(s->stream, b, 2) != HPDF_OK)
			return NULL;
	}
	return pdf_deflate_now(s, 6) ? NULL : s;
}

/* The subset program as a stream; *map gets the CIDToGIDMap for TrueType. */
static HPDF_Dict program(pdf_fonts *f, const pdf_face *fc, HPDF_Dict *map)
{
	HPDF_Dict s = NULL;
	hb_subset_input_t *in = subset_input(fc);
	hb_subset_plan_t *plan = in ? hb_subset_plan_create_or_fail(fc->hb, in) : NULL;
	hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
	hb_blob_t *blob = sub ? hb_face_reference_blob(sub) : NULL;
	unsigned len = 0;
	const char *data = blob ? hb_blob_get_data(blob, &len) : NULL;
	if (!data || !len || !(s = new_stream(f)))
		goto cleanup;
	if (HPDF_Stream_Write(s->stream, (const HPDF_BYTE *)data, len) != HPDF_OK ||
	    (fc->cff ? HPDF_Dict_AddName(s, "Subtype", "OpenType")
	             : HPDF_Dict_AddNumber(s, "Length1", (HPDF_INT32)len)) != HPDF_OK ||
	    pdf_deflate_now(s, 6)) {
		s = NULL;
		goto cleanup;
	}
	if (!fc->cff && !(*map = gid_map(f, fc, hb_subset_plan_old_to_new_glyph_mapping(plan))))
		s = NULL;
cleanup:
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	hb_subset_plan_destroy(plan);
	hb_subset_input_destroy(in);
	return s;
}

/* ---- widths and ToUnicode -------------------------------------------- */

/* /W as runs of consecutive glyph ids: first [w1 w2 ...]. */
static HPDF_Array widths(pdf_fonts *f, int face, const pdf_face *fc)
{
	HPDF_MMgr mm = f->pdf->mmgr;
	HPDF_Array w = HPDF_Array_New(mm), run = NULL;
	for (unsigned g = 0; w && g < fc->nglyphs; g++) {
		if (!fc->used[g].len && !fc->used[g].off) {
			run = NULL;
			continue;
		}
		if (!run) {
			run = HPDF_Array_New(mm);
			if (!run || HPDF_Array_AddNumber(w, (HPDF_INT32)g) != HPDF_OK ||
			    HPDF_Array_Add(w, run) != HPDF_OK)
				return NULL;
		}
		if (HPDF_Array_AddNumber(run, pdf_fonts_glyph_width(f, face, g)) != HPDF_OK)
			return NULL;
	}
	return w;
}

static void put_utf16(galley_buf *b, const char *s, size_t len)
{
	char hex[12];
	for (size_t i = 0; i < len;) {
		uint32_t c = pdf_utf8_next(s, len, &i);
		if (c > 0xFFFF) {
			c -= 0x10000;
			snprintf(hex, sizeof(hex), "%04X%04X", 0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF));
		} else
			snprintf(hex, sizeof(hex), "%04X", (unsigned)c);
		galley_buf_puts(b, hex);
	}
}

static HPDF_Dict tounicode(pdf_fonts *f, const pdf_face *fc)
{
	galley_buf b = {0};
	galley_buf_puts(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
	                    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
	                    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	                    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	unsigned g = 0;
	char line[32];
	while (g < fc->nglyphs) {
		/* at most 100 entries a block, as the format requires */
		unsigned n = 0, end = g;
		for (; end < fc->nglyphs && n < 100; end++)
			n += fc->used[end].len > 0;
		if (!n)
			break;
		snprintf(line, sizeof(line), "%u beginbfchar\n", n);
		galley_buf_puts(&b, line);
		for (; g < end; g++) {
			if (!fc->used[g].len)
				continue;
			snprintf(line, sizeof(line), "<%04X> <", g);
			galley_buf_puts(&b, line);
			put_utf16(&b, (const char *)f->texts.data + fc->used[g].off, fc->used[g].len);
			galley_buf_puts(&b, ">\n");
		}
		galley_buf_puts(&b, "endbfchar\n");
	}
	galley_buf_puts(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	HPDF_Dict s = b.failed ? NULL : new_stream(f);
	if (s && (HPDF_Stream_Write(s->stream, (const HPDF_BYTE *)b.data, (HPDF_UINT)b.len) != HPDF_OK ||
	          pdf_deflate_now(s, 6)))
		s = NULL;
	galley_buf_free(&b);
	return s;
}

/* ---- the fonts ------------------------------------------------------- */

/*
 * The subset tag: six capitals from the font's name and glyph set, made
 * unique among the document's fonts (two subsets of one face differ).
 */
static void subset_name(pdf_fonts *f, const pdf_face *fc, char *out, size_t size)
{
	char ps[96];
	unsigned len = sizeof(ps) - 1;
	if (!hb_ot_name_get_utf8(fc->hb, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len, ps))
		snprintf(ps, sizeof(ps), "Font%d", f->fonts_made);
	for (char *p = ps; *p; p++)
		if (*p <= ' ' || *p > '~' || strchr("()<>[]{}/%#", *p))
			*p = '-';
	uint32_t h = 2166136261u ^ (uint32_t)f->fonts_made * 0x9E3779B9u;
	for (const char *p = ps; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (unsigned g = 0; g < fc->nglyphs; g++)
		if (fc->used[g].len || fc->used[g].off)
			h = (h ^ g) * 16777619u;
	char tag[7];
	for (int i = 0; i < 6; i++) {
		tag[i] = (char)('A' + h % 26);
		h /= 26;
		if (i == 4)
			tag[i] = (char)('A' + (unsigned)(f->fonts_made + tag[i] - 'A') % 26);
	}
	tag[6] = 0;
	snprintf(out, size, "%s+%s", tag, ps);
	f->fonts_made++;
}

static HPDF_Dict cid_font(pdf_fonts *f, int face, const pdf_face *fc, const char *name)
{
	HPDF_Doc pdf = f->pdf;
	HPDF_Dict map = NULL;
	HPDF_Dict prog = program(f, fc, &map);
	HPDF_Dict desc = prog ? descriptor(f, fc, name, prog) : NULL;
	HPDF_Dict cid = HPDF_Dict_New(pdf->mmgr);
	HPDF_Dict info = HPDF_Dict_New(pdf->mmgr);
	HPDF_Array w = widths(f, face, fc);
	if (!desc || !cid || !info || !w || HPDF_Xref_Add(pdf->xref, cid) != HPDF_OK)
		return NULL;
	HPDF_STATUS ret = HPDF_Dict_Add(info, "Registry", HPDF_String_New(pdf->mmgr, "Adobe", NULL));
	ret += HPDF_Dict_Add(info, "Ordering", HPDF_String_New(pdf->mmgr, "Identity", NULL));
	ret += HPDF_Dict_AddNumber(info, "Supplement", 0);
	ret += HPDF_Dict_AddName(cid, "Type", "Font");
	ret += HPDF_Dict_AddName(cid, "Subtype", fc->cff ? "CIDFontType0" : "CIDFontType2");
	ret += HPDF_Dict_AddName(cid, "BaseFont", name);
	ret += HPDF_Dict_Add(cid, "CIDSystemInfo", info);
	ret += HPDF_Dict_Add(cid, "FontDescriptor", desc);
	ret += HPDF_Dict_Add(cid, "W", w);
	if (map)
		ret += HPDF_Dict_Add(cid, "CIDToGIDMap", map);
	return ret == HPDF_OK ? cid : NULL;
}

static int embed_face(pdf_fonts *f, int face)
{
	pdf_face *fc = &f->faces[face];
	char name[128];
	subset_name(f, fc, name, sizeof(name));
	HPDF_Dict cid = cid_font(f, face, fc, name);
	HPDF_Dict map = cid ? tounicode(f, fc) : NULL;
	HPDF_Array desc = HPDF_Array_New(f->pdf->mmgr);
	if (!cid || !map || !desc)
		return GALLEY_EINTERNAL;
	HPDF_STATUS ret = HPDF_Array_Add(desc, cid);
	ret += HPDF_Dict_AddName(fc->dict, "BaseFont", name);
	ret += HPDF_Dict_Add(fc->dict, "DescendantFonts", desc);
	ret += HPDF_Dict_Add(fc->dict, "ToUnicode", map);
	/* OpenType programs in FontFile3 came with PDF 1.6 */
	if (fc->cff && f->pdf->pdf_version < HPDF_VER_16)
		f->pdf->pdf_version = HPDF_VER_16;
	return ret == HPDF_OK ? 0 : GALLEY_EINTERNAL;
}

int pdf_fonts_embed(pdf_fonts *f)
{
	for (int i = 0; i < f->count; i++) {
		if (!f->faces[i].dict || f->alias[i] != i)
			continue;
		int rc = embed_face(f, i);
		if (rc)
			return rc;
	}
	return 0;
}
