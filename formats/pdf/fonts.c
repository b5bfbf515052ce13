/*
 * fonts.c - faces found by family name through fontconfig, embedded as
 * TrueType with libharu's UTF-8 encoding, widths cached per code point, and
 * a fallback face per character the main face lacks.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>

#include "pdf.h"

#define WIDTH_UNKNOWN INT16_MIN
#define NO_FALLBACK 255

static const char *const default_families[PDF_ROLE_COUNT][3] = {
    {"DejaVu Serif", "Liberation Serif", "Noto Serif"},
    {"DejaVu Sans", "Liberation Sans", "Noto Sans"},
    {"DejaVu Sans Mono", "Liberation Mono", "Noto Sans Mono"},
};

static bool pattern_has_family(FcPattern *pat, const char *family)
{
	FcChar8 *name;
	for (int i = 0; FcPatternGetString(pat, FC_FAMILY, i, &name) == FcResultMatch; i++)
		if (strcasecmp((const char *)name, family) == 0)
			return true;
	return false;
}

static bool pattern_is_truetype(FcPattern *pat)
{
	FcChar8 *format;
	return FcPatternGetString(pat, FC_FONTFORMAT, 0, &format) == FcResultMatch &&
	       strcmp((const char *)format, "TrueType") == 0;
}

/*
 * Takes the file, index and character set of a matched pattern into face
 * slot `slot` (-1: a new fallback slot). A file already in a slot is shared:
 * the slot becomes an alias, so libharu loads each file once.
 */
static int add_face(pdf_fonts *f, FcPattern *pat, int slot)
{
	FcChar8 *file;
	int index = 0;
	FcCharSet *cs;
	if (FcPatternGetString(pat, FC_FILE, 0, &file) != FcResultMatch ||
	    FcPatternGetCharSet(pat, FC_CHARSET, 0, &cs) != FcResultMatch)
		return -1;
	FcPatternGetInteger(pat, FC_INDEX, 0, &index);
	for (int i = 0; i < f->count; i++)
		if (f->faces[i].path && strcmp(f->faces[i].path, (const char *)file) == 0 &&
		    f->faces[i].index == index) {
			if (slot >= 0)
				f->alias[slot] = (uint8_t)i;
			return i;
		}
	if (slot < 0) {
		if (f->count >= PDF_MAX_FACES)
			return -1;
		slot = f->count++;
	}
	pdf_face *face = &f->faces[slot];
	face->path = strdup((const char *)file);
	face->charset = FcCharSetCopy(cs);
	face->index = index;
	f->alias[slot] = (uint8_t)slot;
	return face->path ? slot : -1;
}

static FcPattern *match_face(pdf_fonts *f, const char *family, int style)
{
	FcPattern *pat = FcPatternCreate();
	FcResult res;
	if (!pat)
		return NULL;
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
	FcPatternAddInteger(pat, FC_WEIGHT, (style & PDF_BOLD) ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
	FcPatternAddInteger(pat, FC_SLANT, (style & PDF_ITALIC) ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
	FcConfigSubstitute(f->config, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	FcPattern *match = FcFontMatch(f->config, pat, &res);
	FcPatternDestroy(pat);
	return match;
}

/* Finds the four faces of a family into its role's slots; 0, or an error naming it. */
static int find_family(pdf_fonts *f, int role, const char *family, galley_error *err)
{
	for (int style = 0; style < 4; style++) {
		FcPattern *m = match_face(f, family, style);
		if (!m || !pattern_has_family(m, family)) {
			if (m)
				FcPatternDestroy(m);
			return galley_error_set(err, GALLEY_EUSAGE, f->opts, 0, 0,
			                        "font family '%s' is not installed (see fc-list : family)",
			                        family);
		}
		if (!pattern_is_truetype(m)) {
			FcPatternDestroy(m);
			return galley_error_set(
			    err, GALLEY_EUSAGE, f->opts, 0, 0,
			    "font family '%s' has no TrueType face (PDF output embeds TrueType)", family);
		}
		int idx = add_face(f, m, PDF_FACE(role, style));
		FcPatternDestroy(m);
		if (idx < 0)
			return galley_error_set(err, GALLEY_ENOMEM, f->opts, 0, 0, "out of memory");
	}
	return 0;
}

static const char *default_family(pdf_fonts *f, int role)
{
	for (int i = 0; i < 3; i++) {
		FcPattern *m = match_face(f, default_families[role][i], 0);
		bool ok = m && pattern_has_family(m, default_families[role][i]) && pattern_is_truetype(m);
		if (m)
			FcPatternDestroy(m);
		if (ok)
			return default_families[role][i];
	}
	return default_families[role][0];
}

/*
 * fontconfig's configuration is read once per process (its XML files parsed,
 * its caches mapped: a tenth of a short article's PDF) and shared by every
 * document, each holding a reference; matching reads it and never changes it.
 */
static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static FcConfig *shared_config;

static void load_config(void) { shared_config = FcInitLoadConfigAndFonts(); }

/*
 * Given back at exit: fontconfig stores some of its pointers as offsets,
 * which leak checkers cannot follow, so what the configuration holds would
 * otherwise be reported lost.
 */
__attribute__((destructor)) static void release_config(void)
{
	if (shared_config)
		FcConfigDestroy(shared_config);
	shared_config = NULL;
}

static FcConfig *config_reference(void)
{
	pthread_once(&config_once, load_config);
	return shared_config ? FcConfigReference(shared_config) : NULL;
}

int pdf_fonts_init(pdf_fonts *f, HPDF_Doc pdf, const char *families[PDF_ROLE_COUNT],
                   const galley_options *opts, galley_error *err)
{
	memset(f, 0, sizeof(*f));
	f->pdf = pdf;
	f->opts = opts;
	f->config = config_reference();
	f->fallback = calloc(65536, 1);
	f->reported = calloc(65536 / 8, 1);
	if (!f->config || !f->fallback || !f->reported)
		return galley_error_set(err, GALLEY_EINTERNAL, opts, 0, 0, "cannot initialise fontconfig");
	/* the main faces occupy slots 0..11 whatever order they are found in */
	f->count = PDF_MAIN_FACES;
	for (int role = 0; role < PDF_ROLE_COUNT; role++) {
		const char *family = families[role] ? families[role] : default_family(f, role);
		int rc = find_family(f, role, family, err);
		if (rc)
			return rc;
	}
	return 0;
}

void pdf_fonts_free(pdf_fonts *f)
{
	for (int i = 0; i < f->count; i++) {
		free(f->faces[i].path);
		free(f->faces[i].widths);
		free(f->faces[i].known);
		if (f->faces[i].charset)
			FcCharSetDestroy(f->faces[i].charset);
	}
	free(f->fallback);
	free(f->reported);
	if (f->config)
		FcConfigDestroy(f->config);
	memset(f, 0, sizeof(*f));
}

/* Whether a face has a glyph; BMP answers are cached in bit sets (a lookup per character adds up). */
static bool face_has(pdf_fonts *f, int face, uint32_t cp)
{
	pdf_face *fc = &f->faces[face];
	if (!fc->charset || fc->failed)
		return false;
	if (cp > 0xFFFF)
		return FcCharSetHasChar(fc->charset, cp);
	if (!fc->known) {
		fc->known = calloc(2, 65536 / 8);
		if (!fc->known)
			return FcCharSetHasChar(fc->charset, cp);
		fc->has = fc->known + 65536 / 8;
	}
	uint8_t bit = (uint8_t)(1u << (cp & 7));
	if (!(fc->known[cp >> 3] & bit)) {
		fc->known[cp >> 3] |= bit;
		if (FcCharSetHasChar(fc->charset, cp))
			fc->has[cp >> 3] |= bit;
	}
	return (fc->has[cp >> 3] & bit) != 0;
}

/* A fontconfig font that has `cp`, added as a face; -1 when none. */
static int find_fallback(pdf_fonts *f, uint32_t cp)
{
	for (int i = 0; i < f->count; i++)
		if (face_has(f, i, cp))
			return i;
	FcPattern *pat = FcPatternCreate();
	FcCharSet *cs = FcCharSetCreate();
	int found = -1;
	if (!pat || !cs)
		goto cleanup;
	FcCharSetAddChar(cs, cp);
	FcPatternAddCharSet(pat, FC_CHARSET, cs);
	FcConfigSubstitute(f->config, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	FcResult res;
	FcFontSet *set = FcFontSort(f->config, pat, FcFalse, NULL, &res);
	for (int i = 0; set && i < set->nfont && found < 0; i++) {
		FcPattern *cand = set->fonts[i];
		FcCharSet *ccs;
		if (!pattern_is_truetype(cand) ||
		    FcPatternGetCharSet(cand, FC_CHARSET, 0, &ccs) != FcResultMatch ||
		    !FcCharSetHasChar(ccs, cp))
			continue;
		FcPattern *full = FcFontRenderPrepare(f->config, pat, cand);
		if (full) {
			found = add_face(f, full, -1);
			FcPatternDestroy(full);
		}
	}
	if (set)
		FcFontSetDestroy(set);
cleanup:
	if (pat)
		FcPatternDestroy(pat);
	if (cs)
		FcCharSetDestroy(cs);
	return found;
}

int pdf_fonts_resolve(pdf_fonts *f, int face, uint32_t cp)
{
	face = f->alias[face];
	if (cp < 0x20 || face_has(f, face, cp) || cp > 0xFFFF)
		return face;
	uint8_t cached = f->fallback[cp];
	if (cached == 0) {
		int fb = find_fallback(f, cp);
		cached = fb < 0 ? NO_FALLBACK : (uint8_t)(fb + 1);
		f->fallback[cp] = cached;
	}
	if (cached != NO_FALLBACK)
		return cached - 1;
	if (!(f->reported[cp >> 3] & (1u << (cp & 7)))) {
		f->reported[cp >> 3] |= (uint8_t)(1u << (cp & 7));
		galley_report(f->opts, GALLEY_WARNING, 0, 0,
		              "no installed font has a glyph for U+%04X; it prints as a box", (unsigned)cp);
	}
	return face;
}

HPDF_Font pdf_fonts_handle(pdf_fonts *f, int face)
{
	face = f->alias[face];
	pdf_face *fc = &f->faces[face];
	if (fc->font || fc->failed)
		return fc->font;
	const char *name = fc->index > 0 || strstr(fc->path, ".ttc")
	                       ? HPDF_LoadTTFontFromFile2(f->pdf, fc->path, (HPDF_UINT)fc->index, HPDF_TRUE)
	                       : HPDF_LoadTTFontFromFile(f->pdf, fc->path, HPDF_TRUE);
	if (name)
		fc->font = HPDF_GetFont(f->pdf, name, "UTF-8");
	fc->widths = malloc(65536 * sizeof(int16_t));
	if (!fc->font || !fc->widths) {
		/* the face is left out; its characters go to a fallback */
		fc->failed = true;
		fc->font = NULL;
		f->load_error = 1;
		HPDF_ResetError(f->pdf);
		galley_report(f->opts, GALLEY_WARNING, 0, 0, "cannot load font file %s", fc->path);
		return NULL;
	}
	for (size_t i = 0; i < 65536; i++)
		fc->widths[i] = WIDTH_UNKNOWN;
	return fc->font;
}

int pdf_fonts_width(pdf_fonts *f, int face, uint32_t cp)
{
	face = f->alias[face];
	pdf_face *fc = &f->faces[face];
	if (!fc->font && !pdf_fonts_handle(f, face)) {
		if (face != 0 && pdf_fonts_handle(f, 0))
			return pdf_fonts_width(f, 0, cp);
		return 500;
	}
	if (cp > 0xFFFF)
		cp = 0xFFFD;
	if (fc->widths[cp] == WIDTH_UNKNOWN)
		fc->widths[cp] = (int16_t)HPDF_Font_GetUnicodeWidth(fc->font, (HPDF_UNICODE)cp);
	return fc->widths[cp];
}

/*
 * libharu 2.3.0 writes the ToUnicode CMap of a UTF-8 font with cidrange
 * operators, which belong in an encoding CMap; readers then cannot map the
 * glyphs back to text. With Identity-H and the UTF-8 encoder a glyph's CID
 * is its BMP code point, so the correct map is the identity, written as one
 * bfrange per high byte (a range may not cross a low-byte boundary).
 */
static int write_identity_tounicode(HPDF_Stream s)
{
	static const char head[] =
	    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
	    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
	    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
	char line[64];
	int rc = HPDF_Stream_WriteStr(s, head);
	/* 248 ranges (surrogates skipped), in blocks of at most 100 as the format requires */
	int hi = 0;
	while (hi < 256 && rc == HPDF_OK) {
		int n = 0, start = hi;
		for (int h = start; h < 256 && n < 100; h++)
			if (h < 0xD8 || h > 0xDF)
				n++;
		snprintf(line, sizeof(line), "%d beginbfrange\n", n);
		rc = HPDF_Stream_WriteStr(s, line);
		for (n = 0; hi < 256 && n < 100 && rc == HPDF_OK; hi++) {
			if (hi >= 0xD8 && hi <= 0xDF)
				continue;
			snprintf(line, sizeof(line), "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
			rc = HPDF_Stream_WriteStr(s, line);
			n++;
		}
		while (hi < 256 && hi >= 0xD8 && hi <= 0xDF)
			hi++;
		if (rc == HPDF_OK)
			rc = HPDF_Stream_WriteStr(s, "endbfrange\n");
	}
	if (rc == HPDF_OK)
		rc = HPDF_Stream_WriteStr(
		    s, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	return rc;
}

/*
 * The embedded font programs and CIDToGIDMaps compressed by libdeflate
 * rather than by libharu's zlib when it saves (a tenth of a long book's
 * run). libharu makes a font's descriptor, with the font program, when it
 * first writes the font, unless the font has one: so the descriptor is made
 * here, with the entries libharu would give it, and its FontFile2 stream
 * compressed. The map is compressed where it is, and taken from libharu's
 * list of streams whose filter it sets at saving.
 */
static int precompress_font(HPDF_Font font)
{
	HPDF_FontAttr fa = (HPDF_FontAttr)font->attr;
	HPDF_FontDef def = fa ? fa->fontdef : NULL;
	if (!def || fa->type != HPDF_FONT_TYPE0_TT || def->type != HPDF_FONTDEF_TYPE_TRUETYPE)
		return 0;
	HPDF_TTFontDefAttr da = (HPDF_TTFontDefAttr)def->attr;
	if (!(font->filter & HPDF_STREAM_FILTER_FLATE_DECODE))
		return 0;
	if (fa->map_stream) {
		int rc = pdf_deflate_now(fa->map_stream, 1);
		if (rc)
			return rc;
		if (fa->map_stream->write_fn)
			fa->map_stream = NULL; /* compressed: libharu must not set its filter back */
	}
	if (def->descriptor || !da->embedding)
		return 0;
	HPDF_Dict descriptor = HPDF_Dict_New(font->mmgr);
	HPDF_Dict data = HPDF_DictStream_New(font->mmgr, fa->xref);
	if (!descriptor || !data)
		return GALLEY_ENOMEM;
	HPDF_STATUS ret = HPDF_TTFontDef_SaveFontData(def, data->stream);
	data->filter = font->filter;
	ret += HPDF_Dict_Add(descriptor, "FontFile2", data);
	ret += HPDF_Dict_AddNumber(data, "Length1", (HPDF_INT32)da->length1);
	ret += HPDF_Dict_AddNumber(data, "Length2", 0);
	ret += HPDF_Dict_AddNumber(data, "Length3", 0);
	ret += HPDF_Xref_Add(fa->xref, descriptor);
	ret += HPDF_Dict_AddName(descriptor, "Type", "FontDescriptor");
	ret += HPDF_Dict_AddNumber(descriptor, "Ascent", def->ascent);
	ret += HPDF_Dict_AddNumber(descriptor, "Descent", def->descent);
	ret += HPDF_Dict_AddNumber(descriptor, "Flags", (HPDF_INT32)def->flags);
	ret += HPDF_Dict_Add(descriptor, "FontBBox", HPDF_Box_Array_New(font->mmgr, def->font_bbox));
	ret += HPDF_Dict_AddName(descriptor, "FontName", da->base_font);
	ret += HPDF_Dict_AddNumber(descriptor, "ItalicAngle", def->italic_angle);
	ret += HPDF_Dict_AddNumber(descriptor, "StemV", def->stemv);
	ret += HPDF_Dict_AddNumber(descriptor, "XHeight", def->x_height);
	if (ret != HPDF_OK)
		return GALLEY_EINTERNAL;
	def->descriptor = descriptor;
	return pdf_deflate_now(data, 6);
}

int pdf_fonts_precompress(pdf_fonts *f)
{
	for (int i = 0; i < f->count; i++) {
		if (!f->faces[i].font || f->alias[i] != i)
			continue;
		int rc = precompress_font(f->faces[i].font);
		if (rc)
			return rc;
	}
	return 0;
}

int pdf_fonts_fix_tounicode(pdf_fonts *f)
{
	for (int i = 0; i < f->count; i++) {
		if (!f->faces[i].font || f->alias[i] != i)
			continue;
		HPDF_Dict cmap = HPDF_Dict_GetItem(f->faces[i].font, "ToUnicode", HPDF_OCLASS_DICT);
		if (!cmap || !cmap->stream)
			continue;
		HPDF_MemStream_FreeData(cmap->stream);
		HPDF_Dict_RemoveElement(cmap, "Type");
		HPDF_Dict_RemoveElement(cmap, "CMapName");
		HPDF_Dict_RemoveElement(cmap, "CIDSystemInfo");
		HPDF_Dict_RemoveElement(cmap, "WMode");
		if (write_identity_tounicode(cmap->stream) != HPDF_OK)
			return GALLEY_EINTERNAL;
	}
	return 0;
}
