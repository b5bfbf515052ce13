/*
 * pdf.h - the PDF writer's typesetting engine, shared by its files.
 *
 * The pipeline: fonts.c finds faces (fontconfig, HarfBuzz) and their
 * fallbacks; shape.c shapes runs of text into glyphs; atoms.c turns a
 * paragraph's styled text into boxes of shaped glyphs, glue and penalties;
 * linebreak.c breaks them into lines (Knuth-Plass) and returns them to its
 * caller; layout.c and the files of layout.h walk the model into a vertical
 * list of lines and spaces, and paginate.c cuts it into pages and places
 * each item on its page; render.c draws the pages with libharu, glyph ids
 * in the content; embed.c subsets and embeds the fonts used; pdf.c reads
 * the parameters and runs it all. The typographic constants are in
 * typography.c.
 *
 * Lengths are PostScript points throughout. Everything the engine allocates
 * for a document lives in one arena freed at the end.
 */
#ifndef GALLEY_PDF_H
#define GALLEY_PDF_H

#include <fontconfig/fontconfig.h>
#include <hpdf.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../src/internal.h"
#include "../../src/strmap.h"

/* ---- fonts (fonts.c), shaping (shape.c), embedding (embed.c) ------- */

typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_font_t hb_font_t;

/** What a family is used for; each role has four faces (regular, bold, italic, bold italic). */
enum { PDF_ROLE_BODY, PDF_ROLE_HEAD, PDF_ROLE_MONO, PDF_ROLE_COUNT };
enum { PDF_BOLD = 1, PDF_ITALIC = 2 };
#define PDF_MAIN_FACES (PDF_ROLE_COUNT * 4)
#define PDF_MAX_FACES 48
#define PDF_FACE(role, style) ((role)*4 + (style))

/* What a used glyph stands for in the text (the ToUnicode CMap): bytes in pdf_fonts.texts. */
typedef struct pdf_glyph_text {
	uint32_t off;
	uint16_t len; /* 0: not used yet */
} pdf_glyph_text;

typedef struct pdf_face {
	char *path;
	int index; /* face inside a collection */
	FcCharSet *charset;
	hb_blob_t *blob; /* the font file, mapped; loaded on first use */
	hb_face_t *hb;
	hb_font_t *font; /* scaled to font units: shaping results are size-independent */
	unsigned upem, nglyphs;
	bool cff;             /* OpenType with CFF outlines (embedded as CIDFontType0) */
	pdf_glyph_text *used; /* per glyph id, allocated when the face first draws */
	int16_t *widths;      /* per glyph id: its /W width, INT16_MIN until asked */
	HPDF_Dict dict;       /* the Type0 font, filled in by pdf_fonts_embed */
	uint8_t *known;       /* coverage bits looked up so far, per BMP code point */
	uint8_t *has;         /* coverage bits: the face has a glyph */
	bool failed;
} pdf_face;

/** One glyph of a shaped run; lengths in the face's units. */
typedef struct pdf_glyph {
	uint16_t gid;
	uint16_t unsafe;  /* a break before this glyph would change the shaping */
	uint32_t cluster; /* byte offset of its character cluster in the run's text */
	int32_t advance;
	int16_t dx, dy;
} pdf_glyph;

/** A run of text in one face and direction, shaped by HarfBuzz (cached for the document). */
typedef struct pdf_shaped {
	const char *text; /* the run's text (the cache's copy) */
	uint32_t len;
	uint32_t nglyphs;
	uint8_t face;
	bool rtl;
	uint8_t mapped; /* drawing: 0 not yet, 1 every glyph's ToUnicode entry says its text, 2 not */
	uint32_t hash;
	pdf_glyph *glyphs; /* in visual order */
} pdf_shaped;

typedef struct pdf_fonts {
	HPDF_Doc pdf;
	FcConfig *config;
	const galley_options *opts;
	pdf_face faces[PDF_MAX_FACES];
	uint8_t alias[PDF_MAX_FACES]; /* the slot that owns a shared file */
	int count;
	uint8_t *fallback; /* per BMP code point: face + 1, 0 = not looked up, 255 = none */
	uint32_t *astral;  /* beyond the BMP: (cp << 8 | face + 1) in an open-addressed table */
	size_t nastral, astralcap;
	int load_error;        /* a face that could not be loaded */
	unsigned line, column; /* the block being laid out, for messages */
	/* a run of characters no font has, reported once when it ends */
	struct {
		uint32_t cps[4]; /* the first new ones */
		unsigned count;  /* characters in the run so far; 0: none open */
		unsigned line, column;
	} missing;
	bool no_ligatures;
	const char *lang;
	/* the shaping cache: runs by (face, direction, text) */
	arena mem;
	pdf_shaped **runs;
	size_t nruns, runcap; /* runcap: a power of two */
	void *buffer;         /* the hb_buffer_t shaping goes through */
	galley_buf texts;     /* the glyphs' text for ToUnicode */
	int fonts_made;       /* Type0 fonts made, for their subset tags */
	int math;             /* the math face + 1; 0 not looked for yet, -1 none installed */
} pdf_fonts;

/** Reports the run of characters no font has that is still open (see pdf_fonts_resolve). */
void pdf_fonts_report_missing(pdf_fonts *f);
/** Looks the three families up (NULL: defaults). Fails naming a family that is not installed. */
int pdf_fonts_init(pdf_fonts *f, HPDF_Doc pdf, const char *families[PDF_ROLE_COUNT],
                   const galley_options *opts, galley_error *err);
void pdf_fonts_free(pdf_fonts *f);
/** The face that draws `cp` in place of `face` (itself when it has the glyph). */
int pdf_fonts_resolve(pdf_fonts *f, int face, uint32_t cp);
/** Whether a face has a glyph for `cp`. */
bool pdf_fonts_has(pdf_fonts *f, int face, uint32_t cp);
/** Loads a face into HarfBuzz (on first use); false when it cannot be read. */
bool pdf_fonts_load(pdf_fonts *f, int face);
/** The Type0 font dictionary of a face, made on first use (filled in by pdf_fonts_embed). */
HPDF_Dict pdf_fonts_dict(pdf_fonts *f, int face);
/** The advance of a glyph as the PDF's /W array gives it, 1/1000 em. */
int pdf_fonts_glyph_width(pdf_fonts *f, int face, unsigned gid);
/**
 * Records that a glyph stands for `text`; returns false when it already
 * stands for other text (the drawing then needs /ActualText).
 */
bool pdf_fonts_use_glyph(pdf_fonts *f, int face, unsigned gid, const char *text, size_t len);
/** The OpenType math face (looked for and loaded on first use), or -1 with a warning when none is installed.
 */
int pdf_fonts_math(pdf_fonts *f);
/** Subsets and embeds every face used: font programs, widths, ToUnicode maps. */
int pdf_fonts_embed(pdf_fonts *f);

/** Shapes `len` bytes in one face and direction (cached); NULL when out of memory. */
const pdf_shaped *pdf_shape(pdf_fonts *f, int face, const char *text, size_t len, bool rtl);
/** Width of glyphs [g0, g1) of a shaped run at `size` points. */
float pdf_shaped_width(pdf_fonts *f, const pdf_shaped *sh, uint32_t g0, uint32_t g1, float size);

/* ---- hyphenation (hyphenate.c) ------------------------------------- */

typedef struct pdf_hyphenator pdf_hyphenator;

/** Patterns for a BCP 47 tag, or NULL (with a warning) when none are installed. */
pdf_hyphenator *pdf_hyphenator_new(const char *lang, const galley_options *opts);
void pdf_hyphenator_free(pdf_hyphenator *h);
/**
 * Hyphenation points of a word of `len` bytes: for each byte offset i where
 * the word may be broken before byte i, points[i] = 1. Returns how many.
 */
int pdf_hyphenate(pdf_hyphenator *h, const char *word, size_t len, uint8_t *points);

/* ---- styled text and line breaking (linebreak.c) -------------------- */

enum {
	PDF_ST_STRIKE = 1 << 0,
	PDF_ST_NOHYPH = 1 << 1, /* code, URLs */
	PDF_ST_LINK = 1 << 2,
	PDF_ST_CODE = 1 << 3,
	PDF_ST_GRAY = 1 << 4,
	PDF_ST_QUIET = 1 << 5, /* a link set in the text colour (contents) */
	PDF_ST_MATH = 1 << 6   /* U+FFFC standing for a typeset formula: pdf_style.image names it */
};

typedef struct pdf_style {
	float size;
	float rise;
	uint16_t link; /* index + 1 into the link table, 0 = none */
	uint16_t note; /* a footnote reference's number, 0 = none */
	uint8_t face;  /* main face */
	uint8_t flags;
	uint16_t image; /* an inline image: index + 1 into the engine's images (with PDF_ST_MATH: into its
	                   formulas), 0 = none */
	uint8_t token;  /* highlighted code: a galley_token_kind drawn in its colour, 0 = none */
	uint16_t lang;  /* a span in another language (tagged): index + 1 into res.langs, 0 = none */
} pdf_style;

typedef struct pdf_link {
	const char *uri; /* external, or NULL */
	int anchor;      /* internal target, -1 = none */
} pdf_link;

enum { PDF_BOX, PDF_GLUE, PDF_PENALTY };
#define PDF_INF_PENALTY 10000

typedef struct pdf_atom {
	uint8_t type;
	uint8_t flagged; /* a penalty at a hyphen: PDF_FLAG_EXPLICIT or PDF_FLAG_HYPHENATION */
	uint8_t face;    /* resolved face for a box */
	bool fil;        /* infinite stretch */
	uint16_t style;
	int16_t penalty; /* within +-PDF_INF_PENALTY */
	float width;
	uint8_t level; /* bidi embedding level (odd: right to left) */
	union {
		struct {
			const pdf_shaped *sh; /* a box's glyphs [g0, g1) of a shaped run; NULL: empty */
			uint32_t g0, g1;
		};
		struct {
			float stretch, shrink; /* glue */
		};
	};
} pdf_atom;

/* pdf_atom.flagged: after a hyphen in the text, or a hyphenation point (draws a hyphen), in a name */
enum { PDF_FLAG_EXPLICIT = 1, PDF_FLAG_HYPHENATION = 2, PDF_FLAG_NAME = 4 };

typedef struct pdf_run {
	uint32_t off;
	uint16_t style;
} pdf_run;

enum { PDF_ALIGN_JUSTIFY, PDF_ALIGN_LEFT, PDF_ALIGN_CENTER, PDF_ALIGN_RIGHT };

/* A paragraph's base direction: from its first strong character (or the language), or as given. */
enum { PDF_DIR_AUTO, PDF_DIR_LTR, PDF_DIR_RTL };

/** The direction a `dir` value names: ltr or rtl, else PDF_DIR_AUTO. */
uint8_t pdf_dir_from(const char *value);

/* The directional isolates: left to right, right to left, first strong, and their end. */
enum { PDF_LRI = 0x2066, PDF_RLI = 0x2067, PDF_FSI = 0x2068, PDF_PDI = 0x2069 };

/* A directional isolate the bidi algorithm sees before byte `off` of a paragraph (a span's `dir`). */
typedef struct pdf_isolate {
	uint32_t off;
	uint32_t ch; /* PDF_LRI, PDF_RLI, PDF_FSI or PDF_PDI */
} pdf_isolate;

/** A paragraph's text, its style runs, and after breaking its atoms. */
typedef struct pdf_para {
	char *text;
	size_t len, cap;
	pdf_run *runs;
	size_t nruns, runcap;
	pdf_atom *atoms;
	size_t natoms, atomcap;
	float indent; /* first-line indent */
	uint8_t align;
	bool hyphenate;        /* allowed at all (not a heading) */
	bool rtl;              /* the paragraph's direction is right to left */
	bool math;             /* holds a typeset formula (its lines may need more room) */
	uint8_t dir;           /* PDF_DIR_*: the base direction asked for */
	pdf_isolate *isolates; /* in order of `off` */
	size_t nisolates, isolatecap;
} pdf_para;

typedef struct pdf_line {
	const pdf_para *para;
	uint32_t first, last; /* atoms [first, last) */
	float ratio;
	float x;     /* left edge from the left margin */
	float width; /* measure */
	float natural;
	bool hyphen; /* ends at a flagged break: draw a hyphen */
	bool shrinkonly;
	float expand; /* the glyphs' widths scaled by 1 + expand (font expansion) */
	float shift;  /* the first character hangs this far into the left margin */
} pdf_line;

typedef struct pdf_engine pdf_engine;

/** Builds a paragraph's atoms (shaped boxes, glue, penalties) for a measure of `width` (atoms.c). */
int pdf_atoms_build(pdf_engine *e, pdf_para *p, float width, bool hyphenate);
/** Appends shaped boxes for bytes [from, to) of a paragraph in one style, unbroken (code lines). */
int pdf_atoms_add_text(pdf_engine *e, pdf_para *p, size_t from, size_t to, uint16_t style);
/** End of the stretch from byte `i` that one face draws (a mark keeps its base's face); *face gets it. */
size_t pdf_face_run(pdf_fonts *f, int main_face, const char *text, size_t len, size_t i, int *face);
/** Appends text in a style to a paragraph. */
int pdf_para_add(pdf_engine *e, pdf_para *p, const char *text, size_t len, uint16_t style);
/** Opens (PDF_LRI, PDF_RLI, PDF_FSI) or closes (PDF_PDI) a directional isolate at the paragraph's end. */
int pdf_para_isolate(pdf_para *p, uint32_t ch);
/** The widest unbreakable stretch and the width of the text set on one line. */
int pdf_para_measure(pdf_engine *e, pdf_para *p, float *min, float *natural);
/** A paragraph's lines, as the line breaker hands them to its caller. */
typedef struct pdf_lines {
	pdf_line *v;
	size_t count, cap;
} pdf_lines;

/** Breaks a paragraph into lines of `width` starting `x` from the margin, appended to `out` (the caller frees
 * out->v). */
int pdf_para_break(pdf_engine *e, pdf_para *p, float width, float x, pdf_lines *out);

/* ---- page compression (deflate.c) ---------------------------------- */

typedef struct pdf_deflater pdf_deflater;

/** A compressor for `npages` pages, with a worker thread when one can be had; NULL when out of memory (pages
 * are then left to libharu). */
pdf_deflater *pdf_deflater_new(size_t npages);
/** Takes page `index`'s finished content to be compressed. */
int pdf_deflater_take(pdf_deflater *d, size_t index, HPDF_Page page);
/** Waits for the compression and puts each page's content back, compressed. */
int pdf_deflater_finish(pdf_deflater *d, HPDF_Page *pages);
void pdf_deflater_free(pdf_deflater *d);
/** Compresses a finished stream object now, at libdeflate `level` (libharu then copies it as it is). */
int pdf_deflate_now(HPDF_Dict dict, int level);

/* ---- the engine (layout.c) ----------------------------------------- */

enum { PDF_V_LINE, PDF_V_SPACE, PDF_V_PAGEBREAK, PDF_V_RULE, PDF_V_IMAGE };

enum {
	PDF_DECO_NONE,
	PDF_DECO_LABEL,     /* list label text right-aligned before the line */
	PDF_DECO_TASK_OPEN, /* an empty task box */
	PDF_DECO_TASK_DONE  /* a ticked task box */
};

typedef struct pdf_vitem {
	uint8_t kind;
	bool nobreak; /* no page break right before this item */
	bool codebg;  /* code block line: shaded from bg_x over bg_w */
	uint8_t deco;
	uint8_t heading; /* level of a heading's first line, 0 otherwise */
	float height;    /* line box height or space */
	float dy;        /* drawn this far below the current position (table cells) */
	float top;    /* where its box's top stands on its page (points from the bottom, set by pagination) */
	float ascent; /* baseline below the line box's top */
	pdf_line line;
	const char *label; /* PDF_DECO_LABEL */
	uint16_t label_style;
	float bg_x, bg_w;
	HPDF_Image image;    /* PDF_V_IMAGE: drawn at line.x over line.width, height less a gap */
	float deco_x;        /* right edge of the label / left of the task box */
	int anchor;          /* destination placed here, -1 = none */
	uint16_t table;      /* table index + 1 for a table's lines and rules */
	bool header_row;     /* part of a table's header (repeated after a page break) */
	const char *title;   /* a heading's plain text (outline, running head) */
	int toc_anchor;      /* a contents entry's heading: leader and page number drawn after the text */
	uint32_t elem;       /* the structure element its content belongs to, 0: an artifact */
	uint32_t label_elem; /* the Lbl element of its label, 0: an artifact */
} pdf_vitem;

/* A table's header items, repeated at the top of a page the table continues on. */
typedef struct pdf_table {
	size_t header_first, header_last;
	float header_height;
} pdf_table;

/* A run of footnote items [first, last) set at the foot of a page. */
typedef struct pdf_range {
	size_t first, last;
} pdf_range;

/* A footnote's items, laid out after the main text, and the line of its first reference. */
typedef struct pdf_note {
	size_t first, last;
	size_t ref_item; /* SIZE_MAX when never referenced in the text */
} pdf_note;

typedef struct pdf_page {
	size_t first, last;              /* vitems [first, last) */
	size_t notes_first, notes_count; /* ranges in e->note_ranges */
	pdf_range top_float;             /* a figure put off from the page before, set first */
	pdf_range skip;                  /* a figure inside [first, last) put off to the next page */
	int repeat_table;                /* table index + 1 whose header opens this page */
	float space_stretch;             /* the page's spaces drawn this share taller (filled to the foot) */
	int chapter_opening;
	const char *running; /* header text or NULL */
} pdf_page;

typedef struct pdf_settings {
	float page_w, page_h;
	float margin_top, margin_bottom, margin_inner, margin_outer;
	float size;
	float leading; /* baseline distance for body text */
	const char *families[PDF_ROLE_COUNT];
	const char *lang;
	uint8_t dir;  /* PDF_DIR_*: the document's `dir` */
	int tab_stop; /* code: tabs to stops this far apart (--tab-stop, 0 to 32) */
	bool ragged;
	bool number_sections;
	bool chapter_breaks;
	bool print; /* print-on-demand preset: no links or outline, image resolution checked */
	bool toc;
	bool title_page;
	bool twoside;
	bool crop_marks;
	bool microtype; /* font expansion and character protrusion in justified text */
	bool tagged;    /* a structure tree, marked content, XMP with PDF/UA identification */
	bool pdfa;      /* PDF/A-2b: an sRGB output intent and the PDF/A identification */
	float bleed;
} pdf_settings;

/* The engine's state, one part per concern. Each part is owned by the stage
 * named beside it; later stages read it. */

/** The libharu document being written (pdf.c, render.c, embed.c). */
typedef struct pdf_output {
	HPDF_Doc pdf;
	int error; /* first libharu error seen, or 0 */
	unsigned long detail;
} pdf_output;

/** What atoms refer to by index: styles, links and inline images (styles.c, inlines.c). */
typedef struct pdf_resources {
	pdf_style *styles;
	size_t nstyles, stylecap;
	uint32_t *style_slots; /* open-addressing index into styles (index + 1; 0 empty) */
	size_t style_slot_cap; /* a power of two, at least twice nstyles */
	pdf_link *links;
	size_t nlinks, linkcap;
	HPDF_Image *images; /* inline images, set as U+FFFC in their own style */
	size_t nimages, imagecap;
	struct pdf_math **maths; /* typeset formulas, set as U+FFFC in a PDF_ST_MATH style */
	size_t nmaths, mathcap;
	const char **langs; /* languages of spans, for their structure elements' /Lang */
	size_t nlangs, langcap;
} pdf_resources;

/** The vertical list the layout builds (vlist.c, blocks.c and the other block makers). */
typedef struct pdf_vlist {
	pdf_vitem *items;
	size_t nitems, itemcap;
	size_t main_end;  /* items past this are footnotes */
	pdf_vitem proto;  /* fields copied into each new line of the block being laid out */
	pdf_para **paras; /* every paragraph, for freeing */
	size_t nparas, paracap;
	int raw_dropped; /* raw HTML/format blocks left out (one warning) */
} pdf_vlist;

/** Pages cut from the vertical list (paginate.c). */
typedef struct pdf_pages {
	pdf_page *pages;
	size_t npages, pagecap;
	pdf_range *note_ranges;
	size_t nnote_ranges, note_rangecap;
} pdf_pages;

/** Tables laid out, referred to by their rows' items (table.c). */
typedef struct pdf_tables {
	pdf_table *tables;
	size_t ntables, tablecap;
} pdf_tables;

/** Footnotes by number, 1..n (notes.c). */
typedef struct pdf_footnotes {
	pdf_note *notes;
	int n;
} pdf_footnotes;

/** Link targets: heading ids and where they land (blocks.c, front.c; pages filled by render.c). */
typedef struct pdf_anchors {
	int n;
	int *page;  /* page index of each anchor, filled by rendering */
	strmap ids; /* id -> anchor + 1 */
} pdf_anchors;

/** Scratch for the paragraph being broken into lines (atoms.c, linebreak.c). */
typedef struct pdf_para_scratch {
	uint8_t *scratch; /* line-break classes */
	size_t scratchcap;
	uint8_t *gscratch; /* grapheme breaks */
	size_t gscratchcap;
	uint8_t *levels; /* bidi levels per byte */
	size_t levelcap;
	pdf_lines lines; /* the line breaker's output, reused */
} pdf_para_scratch;

/* ---- the structure tree (tags.c) ---------------------------------- */

/** Structure types, as tags.c names them. */
enum {
	PDF_SE_DOCUMENT,
	PDF_SE_P,
	PDF_SE_H1, /* ... PDF_SE_H1 + 5 for H6 */
	PDF_SE_L = PDF_SE_H1 + 6,
	PDF_SE_LI,
	PDF_SE_LBL,
	PDF_SE_LBODY,
	PDF_SE_TABLE,
	PDF_SE_TR,
	PDF_SE_TH,
	PDF_SE_TD,
	PDF_SE_FIGURE,
	PDF_SE_CAPTION,
	PDF_SE_NOTE,
	PDF_SE_LINK,
	PDF_SE_CODE,
	PDF_SE_BLOCKQUOTE,
	PDF_SE_TOC,
	PDF_SE_TOCI,
	PDF_SE_DIV,
	PDF_SE_SPAN,
	PDF_SE_FORMULA,
	PDF_SE_COUNT
};

typedef struct pdf_selem {
	uint32_t parent; /* the element it belongs to (0, the Document, for the top level) */
	uint8_t type;
	const char *alt; /* a Figure's alternate description; a Note's ID; a TH's scope; a Span's or Link's
	                    language */
	HPDF_Dict dict;  /* made when rendering starts (or when made while rendering) */
	HPDF_Dict kdict; /* where its next kids go: itself, or a Div continuing it past an array's limit */
	HPDF_Array kids; /* kdict's /K */
	HPDF_Page page;  /* kdict's /Pg: the page of its first marked content */
	uint32_t nkids;  /* kids so far, elements and content */
} pdf_selem;

/** The structure tree: elements made by the layout (reading order), content marked by render.c. */
typedef struct pdf_tags {
	pdf_selem *elems; /* [0] is the Document */
	size_t n, cap;
	bool drawing;      /* dicts exist: a new element gets its dict at once */
	HPDF_Dict root;    /* the StructTreeRoot */
	HPDF_Dict tree;    /* the ParentTree: a number tree of leaves, keys ascending */
	HPDF_Array leaves; /* its /Kids */
	HPDF_Dict leaf;    /* the leaf being filled, its /Nums, its first key */
	HPDF_Array nums;
	int leaf_first;
	int next_key;           /* the next ParentTree key (pages and annotations in drawing order) */
	HPDF_Array marks;       /* the page being drawn: its elements by MCID */
	int mcid;               /* the page's next MCID */
	const char **image_alt; /* inline images' descriptions, by image index */
	size_t nimage_alt;
} pdf_tags;

struct pdf_engine {
	arena mem;
	const galley_doc *doc;
	const galley_options *opts;
	pdf_settings set;
	pdf_fonts fonts;
	pdf_hyphenator *hyph;
	pdf_output out;
	pdf_resources res;
	pdf_vlist vl;
	pdf_pages pg;
	pdf_tables tabs;
	pdf_footnotes foot;
	pdf_anchors anc;
	pdf_para_scratch para;
	pdf_tags tags;
};

int pdf_style_get(pdf_engine *e, const pdf_style *s);
int pdf_link_add(pdf_engine *e, const char *uri, int anchor);
/** Appends a vertical item; returns it or NULL when out of memory. */
pdf_vitem *pdf_vlist_push(pdf_engine *e, uint8_t kind);
/** Lays the document out into e->vl.items. */
int pdf_layout_document(pdf_engine *e, galley_error *err);
/** Frees the paragraphs the layout made. */
void pdf_paras_free(pdf_engine *e);
/** The item ranges of a page in drawing order (a float, then the text around a skipped figure). */
size_t pdf_page_ranges(const pdf_page *pg, pdf_range out[3]);
/** Cuts e->vl.items into pages. */
int pdf_paginate(pdf_engine *e);
/** Draws every page into e->out.pdf. */
int pdf_render(pdf_engine *e);
/** Width of `len` bytes drawn in a style (fallback faces included). */
float pdf_text_width(pdf_engine *e, const char *text, size_t len, uint16_t style);

/** A new structure element under `parent`; 0 (an artifact) when untagged or out of memory. */
uint32_t pdf_tags_add(pdf_engine *e, uint32_t parent, int type, const char *alt);
/** Makes the elements' dictionaries under a StructTreeRoot (rendering starts). */
int pdf_tags_begin(pdf_engine *e);
/** The page starts: its ParentTree entry and /StructParents, /Tabs /S. */
int pdf_tags_page(pdf_engine *e, HPDF_Page page);
/** A new MCID on `page` for element `elem` (its kid); -1 on failure. */
int pdf_tags_mark(pdf_engine *e, uint32_t elem, HPDF_Page page);
/** An annotation made for element `elem`: its /StructParent and an OBJR kid. */
int pdf_tags_annot(pdf_engine *e, uint32_t elem, HPDF_Dict annot, HPDF_Page page);
/** The structure type's name (P, H1, Link, ...). */
const char *pdf_tags_name(int type);
/** The catalog's MarkInfo, StructTreeRoot and ViewerPreferences. */
int pdf_tags_finish(pdf_engine *e);
/** XMP metadata from the Info dictionary (tagged or PDF/A) and PDF/A's output intent (xmp.c). */
int pdf_metadata(pdf_engine *e, galley_error *err);
void pdf_tags_free(pdf_engine *e);

/* ---- mathematics (math.c) ------------------------------------------- */

typedef struct pdf_math pdf_math;

/**
 * Typesets a MATH node (display style when it is display math) and appends
 * it to paragraph `p` as one unbreakable box in `style`'s size; *set is
 * false when no math font is installed and nothing was added.
 */
int pdf_math_add(pdf_engine *e, pdf_para *p, const galley_node *n, uint16_t style, bool *set);
/** A formula's width, height and depth in points; whether it is display math. */
void pdf_math_extent(const pdf_math *m, float *w, float *h, float *d, bool *display);
/** The height and depth the formulas on a line reach, and its display formula (NULL: none). */
void pdf_math_line_extent(const pdf_engine *e, const pdf_line *ln, float *h, float *d, pdf_math **display);
/** A display formula's equation number drawn `dx` right of its origin; returns the number's width (0: none).
 */
float pdf_math_tag(pdf_math *m, float dx);
/** A formula's source node. */
const galley_node *pdf_math_node(const pdf_math *m);
/**
 * Draws a formula's glyphs with its origin at (x, baseline) into a text
 * object of a page's content `out`, marked with its source as /ActualText
 * (the text matrix is left set; the caller restores its own).
 */
void pdf_math_draw_glyphs(pdf_engine *e, HPDF_Page page, galley_buf *out, const pdf_math *m, float x,
                          float baseline);
/** Draws a formula's rules (fraction bars, radicals' overbars), outside a text object. */
void pdf_math_draw_rules(galley_buf *out, const pdf_math *m, float x, float baseline);
/** Writes "/Span<</ActualText<...>>>BDC" for `len` bytes of UTF-8 (render.c). */
void pdf_put_actual_text(galley_buf *b, const char *s, size_t len);

/** Decodes one UTF-8 character at s[*i] (advancing *i); invalid bytes give U+FFFD. */
uint32_t pdf_utf8_next(const char *s, size_t len, size_t *i);

/** atoms.c: grows *ptr (of *cap items of `size` bytes) to hold `need` items; 0, or GALLEY_ENOMEM. */
int pdf_grow(void **ptr, size_t *cap, size_t need, size_t size);

/* image_check.c: why image bytes are unfit for libharu, or NULL when they are sound */
const char *pdf_image_problem(const unsigned char *data, size_t len, bool png);
/** The JPEG rewritten losslessly by libjpeg for libharu (no fill bytes); 0, or -1 when it cannot be. */
int pdf_jpeg_rewrite(const unsigned char *data, size_t len, unsigned char **out, size_t *out_len);

#endif
