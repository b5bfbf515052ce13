/*
 * embed.c - each face the pages draw embedded as a Type0 font of its own
 * making (libharu's fonts map characters, not glyphs): the content's codes
 * are the face's glyph ids, its program cut down by hb-subset
 * to the glyphs used, its widths, and a ToUnicode CMap from each glyph to
 * the text it was drawn for, so that copying gives the source text back.
 *
 * TrueType faces become CIDFontType2 with a CIDToGIDMap from the original
 * glyph ids to the subset's. OpenType/CFF faces become CIDFontType0: a
 * name-keyed program as OpenType (FontFile3, /OpenType), renumbered, with an
 * embedded CMap from the content's codes to the subset's glyph ids; a
 * CID-keyed one (Noto CJK) as its bare CFF (FontFile3, /CIDFontType0C), its
 * charset keeping each glyph's CID, and a CMap only where a glyph's CID is
 * not its glyph id. CFF programs are desubroutinized: a few hundred glyphs
 * use a small part of a face's subroutines, and the flat charstrings
 * compress better than the subroutines hb-subset keeps.
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

static int to1000(const pdf_face *fc, long v) { return (int)(v * 1000 / (long)fc->upem); }

static int16_t be16(const char *p) { return (int16_t)(((unsigned char)p[0] << 8) | (unsigned char)p[1]); }

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
	                                  (fc->cff ? HB_SUBSET_FLAGS_DESUBROUTINIZE : 0));
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

/* The program hb-subset made, as a stream: a CID-keyed CFF bare, other faces whole. */
static HPDF_Dict program(pdf_fonts *f, const pdf_face *fc, hb_face_t *sub, bool cid_keyed)
{
	hb_blob_t *blob = cid_keyed ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '))
	                            : hb_face_reference_blob(sub);
	unsigned len = 0;
	const char *data = hb_blob_get_data(blob, &len);
	HPDF_Dict s = data && len ? new_stream(f) : NULL;
	HPDF_STATUS ret = s ? HPDF_Stream_Write(s->stream, (const HPDF_BYTE *)data, len) : HPDF_OK;
	if (s && cid_keyed)
		ret += HPDF_Dict_AddName(s, "Subtype", "CIDFontType0C");
	else if (s && fc->cff)
		ret += HPDF_Dict_AddName(s, "Subtype", "OpenType");
	else if (s)
		ret += HPDF_Dict_AddNumber(s, "Length1", (HPDF_INT32)len);
	if (s && (ret != HPDF_OK || pdf_deflate_now(s, 6)))
		s = NULL;
	hb_blob_destroy(blob);
	return s;
}

/* ---- reading CFF ---------------------------------------------------- */

static unsigned be16u(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

/* Entry `i` of a CFF INDEX at `at`: its bytes [*start, *end); false when malformed. */
static bool cff_index_entry(const unsigned char *d, size_t len, size_t at, unsigned i, size_t *start,
                            size_t *end)
{
	if (at + 3 > len)
		return false;
	unsigned count = be16u(d + at), size = d[at + 2];
	if (i >= count || size < 1 || size > 4 || at + 3 + (size_t)(count + 1) * size > len)
		return false;
	size_t offs[2];
	for (unsigned k = 0; k < 2; k++) {
		offs[k] = 0;
		for (unsigned b = 0; b < size; b++)
			offs[k] = offs[k] << 8 | d[at + 3 + (i + k) * size + b];
	}
	size_t base = at + 2 + (size_t)(count + 1) * size;
	*start = base + offs[0];
	*end = base + offs[1];
	return offs[0] >= 1 && *start <= *end && *end <= len;
}

/* The end of a CFF INDEX at `at` (its last entry's end); 0 when malformed. */
static size_t cff_index_end(const unsigned char *d, size_t len, size_t at)
{
	size_t start, end;
	if (at + 2 <= len && d[at] == 0 && d[at + 1] == 0)
		return at + 2;
	unsigned count = at + 2 <= len ? be16u(d + at) : 0;
	return count && cff_index_entry(d, len, at, count - 1, &start, &end) ? end : 0;
}

#define CFF_ROS (12 << 8 | 30)
#define CFF_CHARSET 15

/*
 * Whether the Top DICT of the CFF program `d` has the operator `op` (an
 * escaped one as 12 << 8 | second byte), and its last operand if an integer.
 */
static bool cff_top_dict(const unsigned char *d, size_t len, unsigned op, long *operand)
{
	size_t names = len >= 4 ? d[2] : 0, start, end;
	size_t top = names ? cff_index_end(d, len, names) : 0;
	if (!top || !cff_index_entry(d, len, top, 0, &start, &end))
		return false;
	long last = 0;
	for (size_t i = start; i < end;) {
		unsigned char b = d[i];
		if (b <= 21) { /* an operator */
			unsigned o = b == 12 && i + 1 < end ? 12u << 8 | d[i + 1] : b;
			if (o == op) {
				*operand = last;
				return true;
			}
			i += b == 12 ? 2 : 1;
		} else if (b == 28 && i + 3 <= end)
			last = (int16_t)be16u(d + i + 1), i += 3;
		else if (b == 29 && i + 5 <= end)
			last = (long)(int32_t)((uint32_t)be16u(d + i + 1) << 16 | be16u(d + i + 3)), i += 5;
		else if (b == 30) { /* a real: nibbles up to an 0xF one */
			for (i++; i < end && (d[i] & 0x0F) != 0x0F && (d[i] >> 4) != 0x0F;)
				i++;
			i++, last = 0;
		} else if (b >= 32 && b <= 246)
			last = b - 139, i++;
		else if (b >= 247 && b <= 250 && i + 2 <= end)
			last = (b - 247) * 256 + d[i + 1] + 108, i += 2;
		else if (b >= 251 && b <= 254 && i + 2 <= end)
			last = -(b - 251) * 256 - d[i + 1] - 108, i += 2;
		else
			i++;
	}
	return false;
}

/* Whether a face's CFF program is CID-keyed (its Top DICT has ROS); a malformed one counts as such. */
static bool cff_cid_keyed(const pdf_face *fc)
{
	hb_blob_t *blob = hb_face_reference_table(fc->hb, HB_TAG('C', 'F', 'F', ' '));
	unsigned len;
	const unsigned char *d = (const unsigned char *)hb_blob_get_data(blob, &len);
	long unused;
	size_t names = len >= 4 ? d[2] : 0;
	bool readable = names && cff_index_end(d, len, names);
	bool keyed = !readable || cff_top_dict(d, len, CFF_ROS, &unused);
	hb_blob_destroy(blob);
	return keyed;
}

/*
 * The CIDs of a CID-keyed subset, from its charset: cids[gid] for each of
 * its `n` glyphs (glyph 0 is CID 0). False when the charset is unreadable.
 */
static bool cff_charset_cids(hb_face_t *sub, unsigned n, unsigned *cids)
{
	hb_blob_t *blob = hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '));
	unsigned len;
	const unsigned char *d = (const unsigned char *)hb_blob_get_data(blob, &len);
	long at = 0;
	bool ok = d && cff_top_dict(d, len, CFF_CHARSET, &at) && at > 0 && (size_t)at < len;
	unsigned g = 1, format = ok ? d[at] : 3;
	size_t i = (size_t)at + 1;
	cids[0] = 0;
	if (format == 0)
		for (; g < n && i + 2 <= len; g++, i += 2)
			cids[g] = be16u(d + i);
	else if (format == 1 || format == 2)
		for (size_t step = format == 1 ? 3 : 4; g < n && i + step <= len; i += step) {
			unsigned first = be16u(d + i), left = format == 1 ? d[i + 2] : be16u(d + i + 2);
			for (unsigned k = 0; k <= left && g < n; k++)
				cids[g++] = first + k;
		}
	hb_blob_destroy(blob);
	return ok && g >= n;
}

/*
 * The encoding of a CFF face whose CIDs are not the content's codes (the
 * original glyph ids): a name-keyed program's CIDs are the subset's glyph
 * ids (a CIDFontType0 without a CID-keyed program takes CIDs for glyph
 * ids), a CID-keyed one's those its charset gives. A CMap maps one to the
 * other, as the CIDToGIDMap does for TrueType.
 */
static HPDF_Dict gid_cmap(pdf_fonts *f, const pdf_face *fc, const hb_map_t *old_to_new, const char *name)
{
	galley_buf b = {0};
	char line[48];
	galley_buf_puts(&b,
	                "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
	                "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> def\n");
	snprintf(line, sizeof(line), "/CMapName /%.20s-GID def\n", name);
	galley_buf_puts(&b, line);
	galley_buf_puts(&b, "/CMapType 1 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	for (unsigned g = 0; g < fc->nglyphs;) {
		unsigned n = 0, end = g;
		for (; end < fc->nglyphs && n < 100; end++)
			n += hb_map_has(old_to_new, end);
		if (!n)
			break;
		snprintf(line, sizeof(line), "%u begincidchar\n", n);
		galley_buf_puts(&b, line);
		for (; g < end; g++)
			if (hb_map_has(old_to_new, g)) {
				snprintf(line, sizeof(line), "<%04X> %u\n", g, hb_map_get(old_to_new, g));
				galley_buf_puts(&b, line);
			}
		galley_buf_puts(&b, "endcidchar\n");
	}
	galley_buf_puts(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	HPDF_Dict s = b.failed ? NULL : new_stream(f);
	HPDF_Dict info = HPDF_Dict_New(f->pdf->mmgr);
	snprintf(line, sizeof(line), "%.20s-GID", name);
	if (s && info &&
	    (HPDF_Dict_AddName(s, "Type", "CMap") + HPDF_Dict_AddName(s, "CMapName", line) +
	             HPDF_Dict_Add(info, "Registry", HPDF_String_New(f->pdf->mmgr, "Adobe", NULL)) +
	             HPDF_Dict_Add(info, "Ordering", HPDF_String_New(f->pdf->mmgr, "Identity", NULL)) +
	             HPDF_Dict_AddNumber(info, "Supplement", 0) + HPDF_Dict_Add(s, "CIDSystemInfo", info) !=
	         HPDF_OK ||
	     HPDF_Stream_Write(s->stream, (const HPDF_BYTE *)b.data, (HPDF_UINT)b.len) != HPDF_OK ||
	     pdf_deflate_now(s, 6)))
		s = NULL;
	galley_buf_free(&b);
	return s;
}

/* ---- widths and ToUnicode -------------------------------------------- */

/* /W as runs of consecutive CIDs: first [w1 w2 ...]; CIDs through `cids` unless they are the glyph ids. */
static HPDF_Array widths(pdf_fonts *f, int face, const pdf_face *fc, const hb_map_t *cids)
{
	HPDF_MMgr mm = f->pdf->mmgr;
	HPDF_Array w = HPDF_Array_New(mm), run = NULL;
	unsigned last = UINT32_MAX;
	for (unsigned g = 0; w && g < fc->nglyphs; g++) {
		if (!fc->used[g].len && !fc->used[g].off)
			continue;
		unsigned cid = cids ? hb_map_get(cids, g) : g;
		if (cid == HB_MAP_VALUE_INVALID)
			continue;
		if (!run || cid != last + 1) {
			run = HPDF_Array_New(mm);
			if (!run || HPDF_Array_AddNumber(w, (HPDF_INT32)cid) != HPDF_OK ||
			    HPDF_Array_Add(w, run) != HPDF_OK)
				return NULL;
		}
		last = cid;
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

/* How a face is subset and reached: its program, and the map from its glyph ids to the subset's. */
typedef struct subset {
	hb_subset_plan_t *plan;
	hb_face_t *face;
	const hb_map_t *old_to_new;
	bool cid_keyed;       /* a CID-keyed CFF program, embedded bare */
	const hb_map_t *cids; /* the content's codes (original glyph ids) to CIDs; NULL when the same */
	hb_map_t *own_cids;   /* the map `cids` points to when this made it */
} subset;

static HPDF_Dict cid_font(pdf_fonts *f, int face, const pdf_face *fc, const char *name, const subset *sub)
{
	HPDF_Doc pdf = f->pdf;
	HPDF_Dict map = fc->cff ? NULL : gid_map(f, fc, sub->old_to_new);
	HPDF_Dict prog = program(f, fc, sub->face, sub->cid_keyed);
	HPDF_Dict desc = prog ? descriptor(f, fc, name, prog) : NULL;
	HPDF_Dict cid = HPDF_Dict_New(pdf->mmgr);
	HPDF_Dict info = HPDF_Dict_New(pdf->mmgr);
	HPDF_Array w = widths(f, face, fc, sub->cids);
	if (!desc || !cid || !info || !w || (!fc->cff && !map) || HPDF_Xref_Add(pdf->xref, cid) != HPDF_OK)
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

/*
 * The CIDs of a CID-keyed subset's glyphs, which readers look up through
 * its charset: NULL in `sub->cids` when each is the original glyph id, the
 * content's code (as in Noto CJK), else a map the font's CMap gives.
 */
static int cid_keyed_cids(const pdf_face *fc, subset *sub)
{
	unsigned n = hb_face_get_glyph_count(sub->face);
	unsigned *cids = n ? malloc(n * sizeof(*cids)) : NULL;
	int rc = cids && cff_charset_cids(sub->face, n, cids) ? 0 : GALLEY_EINTERNAL;
	hb_map_t *map = rc ? NULL : hb_map_create();
	bool same = true;
	for (unsigned g = 0; map && g < fc->nglyphs; g++) {
		hb_codepoint_t to = hb_map_get(sub->old_to_new, g);
		if (to == HB_MAP_VALUE_INVALID || to >= n)
			continue;
		hb_map_set(map, g, cids[to]);
		same = same && cids[to] == g;
	}
	free(cids);
	if (!rc && (!map || !hb_map_allocation_successful(map)))
		rc = GALLEY_ENOMEM;
	if (rc || same)
		hb_map_destroy(map);
	else
		sub->cids = sub->own_cids = map;
	return rc;
}

/*
 * hb-subset renumbers the glyphs. A CIDToGIDMap (TrueType) or a CMap
 * (name-keyed CFF, whose CIDs are its glyph ids) takes the content's codes
 * to the subset's glyphs; a CID-keyed CFF subset keeps each glyph's CID in
 * its charset.
 */
static int make_subset(const pdf_face *fc, subset *sub)
{
	sub->cid_keyed = fc->cff && cff_cid_keyed(fc);
	hb_subset_input_t *in = subset_input(fc);
	sub->plan = in ? hb_subset_plan_create_or_fail(fc->hb, in) : NULL;
	sub->face = sub->plan ? hb_subset_plan_execute_or_fail(sub->plan) : NULL;
	sub->old_to_new = sub->plan ? hb_subset_plan_old_to_new_glyph_mapping(sub->plan) : NULL;
	hb_subset_input_destroy(in);
	if (!sub->face || !sub->old_to_new)
		return GALLEY_EINTERNAL;
	if (sub->cid_keyed)
		return cid_keyed_cids(fc, sub);
	sub->cids = fc->cff ? sub->old_to_new : NULL;
	return 0;
}

static int embed_face(pdf_fonts *f, int face)
{
	pdf_face *fc = &f->faces[face];
	char name[128];
	subset sub = {0};
	int rc = make_subset(fc, &sub);
	subset_name(f, fc, name, sizeof(name));
	HPDF_Dict cid = rc ? NULL : cid_font(f, face, fc, name, &sub);
	HPDF_Dict map = cid ? tounicode(f, fc) : NULL;
	HPDF_Dict cmap = map && sub.cids ? gid_cmap(f, fc, sub.cids, name + 7) : NULL;
	HPDF_Array desc = HPDF_Array_New(f->pdf->mmgr);
	rc = rc ? rc : GALLEY_EINTERNAL;
	if (!cid || !map || !desc || (sub.cids && !cmap))
		goto cleanup;
	HPDF_STATUS ret = HPDF_Array_Add(desc, cid);
	ret += HPDF_Dict_AddName(fc->dict, "BaseFont", name);
	ret += cmap ? HPDF_Dict_Add(fc->dict, "Encoding", cmap)
	            : HPDF_Dict_AddName(fc->dict, "Encoding", "Identity-H");
	ret += HPDF_Dict_Add(fc->dict, "DescendantFonts", desc);
	ret += HPDF_Dict_Add(fc->dict, "ToUnicode", map);
	/* OpenType programs in FontFile3 came with PDF 1.6 */
	if (fc->cff && !sub.cid_keyed && f->pdf->pdf_version < HPDF_VER_16)
		f->pdf->pdf_version = HPDF_VER_16;
	rc = ret == HPDF_OK ? 0 : GALLEY_EINTERNAL;
cleanup:
	hb_map_destroy(sub.own_cids);
	hb_face_destroy(sub.face);
	hb_subset_plan_destroy(sub.plan);
	return rc;
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
