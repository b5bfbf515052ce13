/*
 * pdf.c - the PDF format: parameters, the libharu document, metadata, and
 * the run of the engine (layout, pagination, rendering).
 */
#include <ctype.h>
#include <errno.h>
#include <linebreak.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <hpdf_doc.h>
#include <hpdf_encrypt.h>

#include "../../src/url.h"
#include "pdf.h"
#include "typography.h"

#define MM (72.0 / 25.4)

static const galley_param_spec pdf_params[] = {
    {"paper", "SIZE", "PDF: a4, letter, a5, b5, 6x9in or WxH with units (150mmx220mm); default a4"},
    {"margin", "LENGTH", "PDF: page margin (20mm, 0.75in, 54pt); default an eighth of the paper width"},
    {"font-size", "PT", "PDF: body text size in points; default 11 (10 on small paper)"},
    {"leading", "N|LENGTH", "PDF: baseline distance, as a factor of the size (1.25) or a length (14pt)"},
    {"font", "FAMILY", "PDF: body font family (fontconfig name); default Linux Libertine O"},
    {"heading-font", "FAMILY", "PDF: heading font family; default Linux Biolinum O"},
    {"mono-font", "FAMILY", "PDF: code font family; default DejaVu Sans Mono"},
    {"lang", "TAG", "PDF: language for hyphenation (en-US, de, fr); default the document's, else en-US"},
    {"ragged", NULL, "PDF: ragged-right text instead of justified"},
    {"number-sections", NULL, "PDF: number the headings (1, 1.1, 1.1.1)"},
    {"chapter-breaks", NULL, "PDF: start each level-1 heading on a new page"},
    {"toc", NULL, "PDF: a table of contents after the title, with page numbers and links"},
    {"title-page", NULL, "PDF: the title block on a page of its own"},
    {"twoside", NULL, "PDF: mirrored margins, page numbers outside, chapters open on right-hand pages"},
    {"bleed", "LENGTH", "PDF: extend the page by LENGTH (3mm, 0.125in) with TrimBox and BleedBox set"},
    {"crop-marks", NULL, "PDF: trim marks in the bleed area (3mm of bleed unless --bleed says)"},
    {"print", NULL, "PDF: print-on-demand preset: no links or bookmarks, warn about images under 300 dpi"},
    {"no-ligatures", NULL, "PDF: no standard ligatures (fi, fl, ...)"},
    {"tab-stop", "N",
     "EPUB, DocBook, PDF: tabs in code become spaces to stops N apart (default 4; 0 keeps them, PDF: a space)"},
    {"no-microtype", NULL, "PDF: no font expansion or hanging punctuation in justified text"},
    {"untagged", NULL, "PDF: no structure tree, marked content or XMP metadata (smallest files)"},
    {"pdfa", NULL, "PDF: PDF/A-2b (archival): XMP identification and an sRGB output intent"},
    {"pdf-standard", "LIST", "PDF: standards to follow, comma-separated: ua-1 (the default), a-2b"},
    {"no-highlight", NULL, "HTML, EPUB, PDF: fenced code with a language is not coloured"},
    {NULL, NULL, NULL},
};

/* A length such as "20mm", "0.75in", "54pt", "2cm" or "1pc"; a bare number is points. */
static bool parse_length(const char *s, double *out, const char **end)
{
	char *e;
	errno = 0;
	double v = strtod(s, &e);
	if (e == s || errno || v < 0)
		return false;
	double unit = 1;
	if (strncasecmp(e, "mm", 2) == 0)
		unit = MM, e += 2;
	else if (strncasecmp(e, "cm", 2) == 0)
		unit = 10 * MM, e += 2;
	else if (strncasecmp(e, "in", 2) == 0)
		unit = 72, e += 2;
	else if (strncasecmp(e, "pt", 2) == 0)
		e += 2;
	else if (strncasecmp(e, "pc", 2) == 0)
		unit = 12, e += 2;
	*out = v * unit;
	if (end)
		*end = e;
	else if (*e)
		return false;
	return true;
}

static int parse_paper(const char *s, pdf_settings *set)
{
	static const struct {
		const char *name;
		double w, h;
	} papers[] = {{"a4", 210 * MM, 297 * MM}, {"letter", 612, 792}, {"a5", 148 * MM, 210 * MM},
	              {"b5", 176 * MM, 250 * MM}, {"6x9in", 432, 648},  {"legal", 612, 1008},
	              {"a3", 297 * MM, 420 * MM}};
	for (size_t i = 0; i < sizeof(papers) / sizeof(papers[0]); i++)
		if (strcasecmp(s, papers[i].name) == 0) {
			set->page_w = (float)papers[i].w;
			set->page_h = (float)papers[i].h;
			return 0;
		}
	/* WxH: a unit written once at the end applies to both ("6x9in") */
	const char *x = strpbrk(s, "xX");
	if (!x)
		return -1;
	char wbuf[32];
	size_t wl = (size_t)(x - s);
	if (wl == 0 || wl >= sizeof(wbuf))
		return -1;
	memcpy(wbuf, s, wl);
	wbuf[wl] = '\0';
	double w, h;
	const char *hend;
	if (!parse_length(x + 1, &h, &hend) || *hend)
		return -1;
	const char *wend;
	if (!parse_length(wbuf, &w, &wend))
		return -1;
	if (*wend == '\0' && isdigit((unsigned char)wbuf[wl - 1]) &&
	    isalpha((unsigned char)x[strlen(x) - 1])) {
		/* the width had no unit of its own: take the height's */
		double h1;
		const char *unit = x + 1;
		while (*unit && (isdigit((unsigned char)*unit) || *unit == '.'))
			unit++;
		parse_length("1", &h1, NULL);
		char one[16];
		snprintf(one, sizeof(one), "1%s", unit);
		if (!parse_length(one, &h1, NULL))
			return -1;
		w *= h1;
	} else if (*wend)
		return -1;
	if (w < 72 || h < 72 || w > 14400 || h > 14400)
		return -1;
	set->page_w = (float)w;
	set->page_h = (float)h;
	return 0;
}

static bool flag(const galley_options *opts, const char *name)
{
	const char *v = galley_options_param(opts, name);
	return v && strcmp(v, "false") != 0 && strcmp(v, "0") != 0 && strcmp(v, "no") != 0;
}

/* Tagging (PDF/UA-1) unless --untagged; PDF/A-2b with --pdfa or --pdf-standard a-2b. */
static int read_standards(pdf_settings *set, const galley_options *opts, galley_error *err)
{
	set->tagged = !flag(opts, "untagged");
	set->pdfa = flag(opts, "pdfa");
	const char *list = galley_options_param(opts, "pdf-standard");
	for (const char *s = list; s && *s;) {
		size_t n = strcspn(s, ",");
		if (n == 4 && strncasecmp(s, "a-2b", 4) == 0)
			set->pdfa = true;
		else if (n == 4 && strncasecmp(s, "ua-1", 4) == 0) {
			if (!set->tagged)
				return galley_error_set(
				    err, GALLEY_EUSAGE, NULL, 0, 0,
				    "pdf-standard ua-1 needs a tagged PDF: drop --untagged");
		} else
			return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
			                        "pdf-standard '%.*s': expected a-2b or ua-1", (int)n, s);
		s += n;
		s += *s == ',';
	}
	return 0;
}

static int read_settings(pdf_settings *set, const galley_doc *doc, const galley_options *opts,
                         galley_error *err)
{
	memset(set, 0, sizeof(*set));
	const char *paper = galley_options_param(opts, "paper");
	if (parse_paper(paper ? paper : "a4", set))
		return galley_error_set(
		    err, GALLEY_EUSAGE, NULL, 0, 0,
		    "paper '%s': expected a4, letter, a5, b5, 6x9in or WxH such as 150mmx220mm", paper);
	double margin = set->page_w / 8;
	const char *m = galley_options_param(opts, "margin");
	if (m && (!parse_length(m, &margin, NULL) || margin * 2 > set->page_w * 0.8))
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
		                        "margin '%s': expected a length such as 20mm", m);
	set->margin_inner = set->margin_outer = (float)margin;
	set->margin_top = (float)margin;
	set->margin_bottom = (float)(margin * 1.15);
	double size = set->page_w < 160 * MM ? 10 : 11;
	const char *fs = galley_options_param(opts, "font-size");
	if (fs && (!parse_length(fs, &size, NULL) || size < 4 || size > 72))
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
		                        "font-size '%s': expected points from 4 to 72", fs);
	set->size = (float)size;
	set->leading = set->size * pdf_typo.leading;
	const char *ld = galley_options_param(opts, "leading");
	if (ld) {
		char *end;
		double v = strtod(ld, &end);
		double len;
		if (end != ld && *end == '\0' && v >= 0.8 && v <= 4)
			set->leading = (float)(v * size);
		else if (parse_length(ld, &len, NULL) && len >= size * 0.8 && len <= size * 4)
			set->leading = (float)len;
		else
			return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
			                        "leading '%s': expected a factor (1.25) or a length (14pt)",
			                        ld);
	}
	set->families[PDF_ROLE_BODY] = galley_options_param(opts, "font");
	set->families[PDF_ROLE_HEAD] = galley_options_param(opts, "heading-font");
	set->families[PDF_ROLE_MONO] = galley_options_param(opts, "mono-font");
	set->lang = galley_options_param(opts, "lang");
	if (!set->lang && doc)
		set->lang = galley_doc_meta(doc, GALLEY_META_LANG);
	if (!set->lang || !*set->lang)
		set->lang = "en-US";
	const char *dir = doc ? galley_doc_extra(doc, "dir") : NULL;
	set->dir = pdf_dir_from(dir);
	if (dir && !set->dir && strcmp(dir, "auto") != 0)
		galley_report(opts, GALLEY_WARNING, 0, 0, "dir '%.40s' is not ltr, rtl or auto; left out",
		              dir);
	int rc = galley_tab_stop(opts, 4, err, &set->tab_stop);
	if (rc)
		return rc;
	set->ragged = flag(opts, "ragged");
	set->number_sections = flag(opts, "number-sections");
	set->chapter_breaks = flag(opts, "chapter-breaks");
	set->toc = flag(opts, "toc");
	set->title_page = flag(opts, "title-page");
	set->twoside = flag(opts, "twoside");
	set->crop_marks = flag(opts, "crop-marks");
	set->print = flag(opts, "print");
	set->microtype = !flag(opts, "no-microtype");
	rc = read_standards(set, opts, err);
	if (rc)
		return rc;
	if (set->twoside) {
		/* the same measure on both sides: a narrower inner margin, a wider outer one */
		float total = set->margin_inner + set->margin_outer;
		set->margin_inner = total * pdf_typo.inner_margin;
		set->margin_outer = total * pdf_typo.outer_margin;
		set->chapter_breaks = true;
	}
	const char *bl = galley_options_param(opts, "bleed");
	double bleed = set->crop_marks ? 3 * MM : 0;
	if (bl && (!parse_length(bl, &bleed, NULL) || bleed > 72))
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
		                        "bleed '%s': expected a length such as 3mm", bl);
	set->bleed = (float)bleed;
	return 0;
}

static void on_hpdf_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
	pdf_engine *e = data;
	if (!e->out.error) {
		e->out.error = (int)error;
		e->out.detail = (unsigned long)detail;
	}
}

static void set_info(pdf_engine *e)
{
	const galley_doc *doc = e->doc;
	static const struct {
		galley_meta_field field;
		HPDF_InfoType info;
	} fields[] = {{GALLEY_META_TITLE, HPDF_INFO_TITLE}, {GALLEY_META_DESCRIPTION, HPDF_INFO_SUBJECT}};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = galley_doc_meta(doc, fields[i].field);
		if (v && *v)
			HPDF_SetInfoAttr(e->out.pdf, fields[i].info, v);
	}
	/* a tagged PDF shows its title, not its file name: without one, the first heading's */
	const char *title = galley_doc_meta(doc, GALLEY_META_TITLE);
	for (size_t i = 0; e->set.tagged && (!title || !*title) && i < e->vl.main_end; i++)
		if (e->vl.items[i].heading && e->vl.items[i].title) {
			HPDF_SetInfoAttr(e->out.pdf, HPDF_INFO_TITLE, e->vl.items[i].title);
			break;
		}
	galley_buf list = GALLEY_BUF_INIT;
	for (size_t i = 0; i < galley_doc_author_count(doc); i++)
		galley_buf_printf(&list, "%s%s", i ? ", " : "", galley_doc_author(doc, i));
	if (list.len && !list.failed)
		HPDF_SetInfoAttr(e->out.pdf, HPDF_INFO_AUTHOR, (const char *)list.data);
	list.len = 0;
	for (size_t i = 0; i < galley_doc_keyword_count(doc); i++)
		galley_buf_printf(&list, "%s%s", i ? ", " : "", galley_doc_keyword(doc, i));
	if (list.len && !list.failed)
		HPDF_SetInfoAttr(e->out.pdf, HPDF_INFO_KEYWORDS, (const char *)list.data);
	galley_buf_free(&list);
	HPDF_SetInfoAttr(e->out.pdf, HPDF_INFO_CREATOR, "galley " GALLEY_VERSION);
	HPDF_SetInfoAttr(e->out.pdf, HPDF_INFO_PRODUCER, "galley " GALLEY_VERSION " with libharu");
	time_t t = galley_doc_stamp(doc, e->opts); /* reproducible: never the clock */
	struct tm tm;
	gmtime_r(&t, &tm);
	/* with XMP beside it, UTC as +00'00' (which checkers comparing the two read as XMP's +00:00) */
	char zone = e->set.tagged || e->set.pdfa ? '+' : 'Z';
	HPDF_Date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	               tm.tm_sec,         zone,          0,          0};
	HPDF_SetInfoDateAttr(e->out.pdf, HPDF_INFO_CREATION_DATE, d);
	HPDF_SetInfoDateAttr(e->out.pdf, HPDF_INFO_MOD_DATE, d);
}

/*
 * PDF 1.7 in the header; the document's language in the catalog (/Lang,
 * for screen readers and hyphenation when the text is reflowed); a file
 * identifier in the trailer, as the standard wants, made from the text and
 * the settings so that the same input gives the same bytes.
 */
static int set_identity(pdf_engine *e)
{
	HPDF_Doc pdf = e->out.pdf;
	pdf->pdf_version = HPDF_VER_17;
	if (e->set.lang && *e->set.lang &&
	    HPDF_Dict_Add(pdf->catalog, "Lang", HPDF_String_New(pdf->mmgr, e->set.lang, NULL)) != HPDF_OK)
		return GALLEY_EINTERNAL;
	HPDF_MD5_CTX md5;
	HPDF_MD5Init(&md5);
	for (size_t i = 0; i < e->vl.nparas; i++)
		if (e->vl.paras[i]->len)
			HPDF_MD5Update(&md5, (const HPDF_BYTE *)e->vl.paras[i]->text,
			               (HPDF_UINT)e->vl.paras[i]->len);
	char settings[160];
	int n = snprintf(settings, sizeof(settings), "%g %g %g %g %zu %lld", (double)e->set.page_w,
	                 (double)e->set.page_h, (double)e->set.size, (double)e->set.leading, e->pg.npages,
	                 (long long)galley_doc_stamp(e->doc, e->opts));
	HPDF_MD5Update(&md5, (const HPDF_BYTE *)settings, (HPDF_UINT)n);
	HPDF_BYTE digest[16];
	HPDF_MD5Final(digest, &md5);
	HPDF_Array id = HPDF_Array_New(pdf->mmgr);
	if (!id || HPDF_Dict_Add(pdf->trailer, "ID", id) != HPDF_OK ||
	    HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, digest, 16)) != HPDF_OK ||
	    HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, digest, 16)) != HPDF_OK)
		return GALLEY_EINTERNAL;
	return 0;
}

static int save(pdf_engine *e, galley_buf *out)
{
	if (HPDF_SaveToStream(e->out.pdf) != HPDF_OK)
		return GALLEY_EINTERNAL;
	HPDF_UINT32 size = HPDF_GetStreamSize(e->out.pdf);
	if (galley_buf_grow(out, size))
		return GALLEY_ENOMEM;
	HPDF_UINT32 got = size;
	HPDF_ResetStream(e->out.pdf);
	if (HPDF_ReadFromStream(e->out.pdf, out->data + out->len, &got) != HPDF_OK && got != size)
		return GALLEY_EINTERNAL;
	out->len += got;
	return 0;
}

static int open_document(pdf_engine *e, galley_error *err)
{
	e->out.pdf = HPDF_New(on_hpdf_error, e);
	if (!e->out.pdf)
		return galley_error_set(err, GALLEY_ENOMEM, e->opts, 0, 0, "cannot create the PDF document");
	HPDF_UseUTFEncodings(e->out.pdf);
	HPDF_SetCurrentEncoder(e->out.pdf, "UTF-8");
	HPDF_SetCompressionMode(e->out.pdf, HPDF_COMP_ALL);
	if (!e->set.print)
		HPDF_SetPageMode(e->out.pdf, HPDF_PAGE_MODE_USE_OUTLINE);
	int rc = pdf_fonts_init(&e->fonts, e->out.pdf, e->set.families, e->opts, err);
	e->fonts.no_ligatures = flag(e->opts, "no-ligatures");
	e->fonts.lang = e->set.lang;
	return rc;
}

static void engine_free(pdf_engine *e)
{
	pdf_paras_free(e);
	pdf_fonts_free(&e->fonts);
	pdf_hyphenator_free(e->hyph);
	if (e->out.pdf)
		HPDF_Free(e->out.pdf);
	free(e->res.styles);
	free(e->res.style_slots);
	free(e->res.links);
	free(e->res.images);
	free(e->res.langs);
	free(e->res.maths);
	free(e->vl.items);
	free(e->pg.pages);
	free(e->tabs.tables);
	free(e->foot.notes);
	free(e->pg.note_ranges);
	free(e->anc.page);
	free(e->para.scratch);
	free(e->para.gscratch);
	free(e->para.lines.v);
	free(e->para.levels);
	strmap_free(&e->anc.ids);
	pdf_tags_free(e);
	arena_free(&e->mem);
}

/* libunibreak 1.x fills its lookup index in init_linebreak(): once, before threads share it. */
static pthread_once_t libraries_once = PTHREAD_ONCE_INIT;

static void init_libraries(void) { init_linebreak(); }

static int pdf_write(const galley_doc *doc, galley_buf *out, const galley_options *opts, galley_error *err)
{
	pdf_engine *e = calloc(1, sizeof(*e));
	if (!e)
		return galley_error_set(err, GALLEY_ENOMEM, opts, 0, 0, "out of memory");
	arena_init(&e->mem);
	e->doc = doc;
	e->opts = opts;
	int rc = read_settings(&e->set, doc, opts, err);
	if (rc == 0)
		rc = open_document(e, err);
	if (rc)
		goto cleanup;
	pthread_once(&libraries_once, init_libraries);
	e->hyph = pdf_hyphenator_new(e->set.lang, opts);
	if ((rc = pdf_layout_document(e, err)))
		goto cleanup;
	if ((rc = pdf_paginate(e)) || (rc = pdf_render(e)))
		goto fail;
	pdf_fonts_report_missing(&e->fonts);
	set_info(e);
	if ((rc = set_identity(e)) || (rc = pdf_tags_finish(e)))
		goto fail;
	if ((rc = pdf_metadata(e, err)))
		goto cleanup; /* its message says what is missing */
	if ((rc = pdf_fonts_embed(&e->fonts)) || e->out.error || (rc = save(e, out)) || e->out.error)
		goto fail;
	goto cleanup;
fail:
	if (e->out.error)
		rc = galley_error_set(err, GALLEY_EINTERNAL, opts, 0, 0,
		                      "libharu failed: error 0x%04X (detail %lu)", (unsigned)e->out.error,
		                      e->out.detail);
	else
		rc = galley_error_set(err, rc ? rc : GALLEY_EINTERNAL, opts, 0, 0, "cannot write the PDF: %s",
		                      galley_strerror(rc));
cleanup:
	engine_free(e);
	free(e);
	return rc;
}

static const char *const pdf_exts[] = {"pdf", NULL};

/* The settings read as the writer will read them, without a document. */
static int pdf_check(const galley_options *opts, galley_error *err)
{
	pdf_settings set;
	return read_settings(&set, NULL, opts, err);
}

const galley_format galley_format_pdf = {
    .name = "pdf",
    .description =
        "PDF, typeset (Knuth-Plass lines, hyphenation, pagination) with shaped text in embedded OpenType fonts",
    .read_extensions = NULL,
    .write_extensions = pdf_exts,
    .mime_type = "application/pdf",
    .features = GALLEY_FORMAT_BINARY,
    .params = pdf_params,
    .read = NULL,
    .write = pdf_write,
    .check = pdf_check,
};
