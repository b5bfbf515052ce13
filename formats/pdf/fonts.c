/*
 * fonts.c - faces found by family name through fontconfig and loaded into
 * HarfBuzz (TrueType and OpenType/CFF), and a fallback face for each
 * character the main face lacks, Noto preferred.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unictype.h>

#include <hb-ot.h>
#include <hb.h>

#include "pdf.h"

#define NO_FALLBACK 255

/* see docs/pdf.md for why these */
static const char *const default_families[PDF_ROLE_COUNT][3] = {
    {"Linux Libertine O", "Noto Serif", "DejaVu Serif"},
    {"Linux Biolinum O", "Noto Sans", "DejaVu Sans"},
    {"DejaVu Sans Mono", "Noto Sans Mono", "Liberation Mono"},
};

static bool pattern_has_family(FcPattern *pat, const char *family)
{
	FcChar8 *name;
	for (int i = 0; FcPatternGetString(pat, FC_FAMILY, i, &name) == FcResultMatch; i++)
		if (strcasecmp((const char *)name, family) == 0)
			return true;
	return false;
}

/* TrueType or OpenType/CFF: what HarfBuzz shapes and a PDF can embed whole or subset */
static bool pattern_is_embeddable(FcPattern *pat)
{
	FcChar8 *format;
	FcBool variable = FcFalse;
	int index = 0;
	FcPatternGetBool(pat, FC_VARIABLE, 0, &variable);
	FcPatternGetInteger(pat, FC_INDEX, 0, &index);
	/* a variable font's instances (index above 0xFFFF) would embed as its default outlines */
	return FcPatternGetString(pat, FC_FONTFORMAT, 0, &format) == FcResultMatch && !variable &&
	       index <= 0xFFFF &&
	       (strcmp((const char *)format, "TrueType") == 0 || strcmp((const char *)format, "CFF") == 0);
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
		if (!pattern_is_embeddable(m)) {
			FcPatternDestroy(m);
			return galley_error_set(
			    err, GALLEY_EUSAGE, f->opts, 0, 0,
			    "font family '%s' has no TrueType or OpenType face (PDF output embeds them)",
			    family);
		}
		int idx = add_face(f, m, PDF_FACE(role, style));
		FcPatternDestroy(m);
		if (idx < 0)
			return galley_error_set(err, GALLEY_ENOMEM, f->opts, 0, 0, "out of memory");
	}
	return 0;
}

/*
 * The math face: an OpenType MATH table for the layout's constants and
 * glyph variants. TeX Gyre Pagella Math first: a Palatino, whose weight and
 * large x-height sit better beside Linux Libertine than Latin Modern's
 * lighter strokes (see docs/pdf.md).
 */
static const char *const math_families[] = {"TeX Gyre Pagella Math", "Latin Modern Math",
                                            "TeX Gyre Termes Math"};

int pdf_fonts_math(pdf_fonts *f)
{
	if (f->math)
		return f->math > 0 ? f->math - 1 : -1;
	f->math = -1;
	for (size_t i = 0; i < sizeof(math_families) / sizeof(math_families[0]) && f->math < 0; i++) {
		FcPattern *m = match_face(f, math_families[i], 0);
		if (m && pattern_has_family(m, math_families[i]) && pattern_is_embeddable(m)) {
			int idx = add_face(f, m, -1);
			if (idx >= 0 && pdf_fonts_load(f, idx) && hb_ot_math_has_data(f->faces[idx].hb))
				f->math = idx + 1;
		}
		if (m)
			FcPatternDestroy(m);
	}
	if (f->math < 0)
		galley_report(f->opts, GALLEY_WARNING, 0, 0,
		              "no OpenType math font is installed (fonts-texgyre-math or fonts-lmodern); "
		              "formulas are printed as their TeX source");
	return f->math > 0 ? f->math - 1 : -1;
}

static const char *default_family(pdf_fonts *f, int role)
{
	for (int i = 0; i < 3; i++) {
		FcPattern *m = match_face(f, default_families[role][i], 0);
		bool ok = m && pattern_has_family(m, default_families[role][i]) && pattern_is_embeddable(m);
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
	f->lang = NULL;
	arena_init(&f->mem);
	f->fallback = calloc(65536, 1);
	if (!f->config || !f->fallback)
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
		pdf_face *fc = &f->faces[i];
		free(fc->path);
		free(fc->known);
		free(fc->used);
		free(fc->widths);
		if (fc->charset)
			FcCharSetDestroy(fc->charset);
		hb_font_destroy(fc->font);
		hb_face_destroy(fc->hb);
		hb_blob_destroy(fc->blob);
	}
	free(f->fallback);
	free(f->astral);
	free(f->runs);
	hb_buffer_destroy(f->buffer);
	galley_buf_free(&f->texts);
	arena_free(&f->mem);
	if (f->config)
		FcConfigDestroy(f->config);
	memset(f, 0, sizeof(*f));
}

/* Whether a face has a glyph; BMP answers are cached in bit sets (a lookup per character adds up). */
bool pdf_fonts_has(pdf_fonts *f, int face, uint32_t cp)
{
	pdf_face *fc = &f->faces[f->alias[face]];
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
/*
 * A Noto face for the script of `cp`: Noto covers the scripts a book face
 * lacks, in designs meant to sit beside one another (serif first, as for
 * body text). -1 when none is installed.
 */
static int noto_for_script(pdf_fonts *f, uint32_t cp)
{
	const uc_script_t *script = uc_script(cp);
	if (!script || strcmp(script->name, "Common") == 0 || strcmp(script->name, "Inherited") == 0 ||
	    strcmp(script->name, "Latin") == 0)
		return -1;
	const char *name = script->name;
	static const char *const cjk[] = {"Han", "Hiragana", "Katakana", "Hangul", "Bopomofo"};
	for (size_t i = 0; i < sizeof(cjk) / sizeof(cjk[0]); i++)
		if (strcmp(name, cjk[i]) == 0)
			name = "CJK SC";
	static const char *const kinds[] = {"Noto Serif %s", "Noto Naskh %s", "Noto Sans %s"};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		char family[96];
		snprintf(family, sizeof(family), kinds[k], name);
		for (char *p = family; *p; p++)
			if (*p == '_')
				*p = ' ';
		FcPattern *m = match_face(f, family, 0);
		FcCharSet *cs;
		int found = -1;
		if (m && pattern_has_family(m, family) && pattern_is_embeddable(m) &&
		    FcPatternGetCharSet(m, FC_CHARSET, 0, &cs) == FcResultMatch && FcCharSetHasChar(cs, cp))
			found = add_face(f, m, -1);
		if (m)
			FcPatternDestroy(m);
		if (found >= 0)
			return found;
	}
	return -1;
}

static int find_fallback(pdf_fonts *f, uint32_t cp)
{
	int noto = noto_for_script(f, cp);
	if (noto >= 0)
		return noto;
	for (int i = 0; i < f->count; i++)
		if (pdf_fonts_has(f, i, cp))
			return i;
	FcPattern *pat = FcPatternCreate();
	FcCharSet *cs = FcCharSetCreate();
	int found = -1;
	if (!pat || !cs)
		goto cleanup;
	FcCharSetAddChar(cs, cp);
	FcPatternAddCharSet(pat, FC_CHARSET, cs);
	/* Noto covers the scripts a book face lacks, designed to sit beside one another */
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"Noto Serif");
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"Noto Sans");
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"Noto Serif CJK SC");
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"Noto Sans CJK SC");
	FcConfigSubstitute(f->config, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	FcResult res;
	FcFontSet *set = FcFontSort(f->config, pat, FcFalse, NULL, &res);
	for (int i = 0; set && i < set->nfont && found < 0; i++) {
		FcPattern *cand = set->fonts[i];
		FcCharSet *ccs;
		if (!pattern_is_embeddable(cand) ||
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

/* Fallback faces of characters beyond the BMP: (cp << 8 | face + 1) in an open-addressed table. */
static int astral_grow(pdf_fonts *f)
{
	size_t ncap = f->astralcap ? f->astralcap * 2 : 64;
	uint32_t *n = calloc(ncap, sizeof(uint32_t));
	if (!n)
		return GALLEY_ENOMEM;
	for (size_t i = 0; i < f->astralcap; i++) {
		uint32_t v = f->astral[i];
		size_t h = ((v >> 8) * 2654435761u) & (ncap - 1);
		while (v && n[h])
			h = (h + 1) & (ncap - 1);
		if (v)
			n[h] = v;
	}
	free(f->astral);
	f->astral = n;
	f->astralcap = ncap;
	return 0;
}

/* The table slot of `cp` (its own or the empty one it would take); SIZE_MAX when there is no table. */
static size_t astral_find(const pdf_fonts *f, uint32_t cp)
{
	if (!f->astralcap)
		return SIZE_MAX;
	size_t h = (cp * 2654435761u) & (f->astralcap - 1);
	while (f->astral[h] && (f->astral[h] >> 8) != cp)
		h = (h + 1) & (f->astralcap - 1);
	return h;
}

static uint8_t fallback_get(pdf_fonts *f, uint32_t cp)
{
	if (cp <= 0xFFFF)
		return f->fallback[cp];
	size_t h = astral_find(f, cp);
	return h == SIZE_MAX ? 0 : (uint8_t)(f->astral[h] & 0xFF);
}

static void fallback_set(pdf_fonts *f, uint32_t cp, uint8_t v)
{
	if (cp <= 0xFFFF) {
		f->fallback[cp] = v;
		return;
	}
	if ((f->nastral + 1) * 2 > f->astralcap && astral_grow(f))
		return;
	size_t h = astral_find(f, cp);
	if (!f->astral[h])
		f->nastral++;
	f->astral[h] = cp << 8 | v;
}

/* Joiners, direction marks, variation selectors: shaping consumes them, no font need draw them. */
static bool default_ignorable(uint32_t cp)
{
	return cp == 0xAD || (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
	       (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

void pdf_fonts_report_missing(pdf_fonts *f)
{
	unsigned n = f->missing.count;
	if (n == 0)
		return;
	f->missing.count = 0;
	char cps[64];
	size_t len = 0, listed = n < 4 ? n : 4;
	for (size_t i = 0; i < listed && f->missing.cps[i]; i++)
		len += (size_t)snprintf(cps + len, sizeof(cps) - len, "%sU+%04X", i ? " " : "",
		                        (unsigned)f->missing.cps[i]);
	if (n == 1)
		galley_report(f->opts, GALLEY_WARNING, f->missing.line, f->missing.column,
		              "no installed font has a glyph for %s; it prints as a box", cps);
	else
		galley_report(
		    f->opts, GALLEY_WARNING, f->missing.line, f->missing.column,
		    "no installed font has a glyph for %s%s (%u characters in a row); they print as boxes",
		    cps, n > listed ? " ..." : "", n);
}

/*
 * A character no font has is reported once per document, with the block
 * where it first shows; characters next to it that no font has either join
 * its message, so a line of missing symbols makes one warning, not one each.
 */
static void note_missing(pdf_fonts *f, uint32_t cp, bool first)
{
	if (f->missing.count == 0 && !first)
		return; /* reported with the run where it first showed */
	if (f->missing.count == 0) {
		memset(f->missing.cps, 0, sizeof(f->missing.cps));
		f->missing.line = f->line;
		f->missing.column = f->column;
	}
	if (f->missing.count < 4)
		f->missing.cps[f->missing.count] = cp;
	f->missing.count++;
}

int pdf_fonts_resolve(pdf_fonts *f, int face, uint32_t cp)
{
	face = f->alias[face];
	if (cp < 0x20 || pdf_fonts_has(f, face, cp) || default_ignorable(cp)) {
		if (f->missing.count)
			pdf_fonts_report_missing(f);
		return face;
	}
	uint8_t cached = fallback_get(f, cp);
	bool first = cached == 0;
	if (first) {
		int fb = find_fallback(f, cp);
		cached = fb < 0 ? NO_FALLBACK : (uint8_t)(fb + 1);
		fallback_set(f, cp, cached);
	}
	if (cached == NO_FALLBACK)
		note_missing(f, cp, first);
	else if (f->missing.count)
		pdf_fonts_report_missing(f);
	return cached != NO_FALLBACK ? cached - 1 : face;
}

bool pdf_fonts_load(pdf_fonts *f, int face)
{
	pdf_face *fc = &f->faces[f->alias[face]];
	if (fc->font || fc->failed)
		return fc->font != NULL;
	fc->blob = hb_blob_create_from_file_or_fail(fc->path);
	if (fc->blob)
		fc->hb = hb_face_create(fc->blob, (unsigned)fc->index);
	fc->nglyphs = fc->hb ? hb_face_get_glyph_count(fc->hb) : 0;
	if (!fc->nglyphs || fc->nglyphs > 65535) {
		/* the face is left out; its characters go to a fallback */
		fc->failed = true;
		f->load_error = 1;
		galley_report(f->opts, GALLEY_WARNING, 0, 0, "cannot load font file %s", fc->path);
		return false;
	}
	fc->upem = hb_face_get_upem(fc->hb);
	fc->font = hb_font_create(fc->hb);
	hb_font_set_scale(fc->font, (int)fc->upem, (int)fc->upem);
	hb_blob_t *cff = hb_face_reference_table(fc->hb, HB_TAG('C', 'F', 'F', ' '));
	fc->cff = hb_blob_get_length(cff) > 0;
	hb_blob_destroy(cff);
	return true;
}

int pdf_fonts_glyph_width(pdf_fonts *f, int face, unsigned gid)
{
	pdf_face *fc = &f->faces[f->alias[face]];
	if (!fc->font || gid >= fc->nglyphs)
		return 0;
	if (!fc->widths && (fc->widths = malloc(fc->nglyphs * sizeof(int16_t))))
		for (unsigned g = 0; g < fc->nglyphs; g++)
			fc->widths[g] = INT16_MIN;
	if (fc->widths && fc->widths[gid] != INT16_MIN)
		return fc->widths[gid];
	long adv = hb_font_get_glyph_h_advance(fc->font, gid);
	int w = (int)((adv * 1000 + (long)fc->upem / 2) / (long)fc->upem);
	if (fc->widths)
		fc->widths[gid] = (int16_t)w;
	return w;
}
