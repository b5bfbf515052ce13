/*
 * epub_package.c - the files around the chapters: container.xml, the package
 * document (OPF), the navigation document, toc.ncx, the cover and title pages.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/l10n.h"
#include "epub.h"

#define NS_OPF "http://www.idpf.org/2007/opf"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_XHTML "http://www.w3.org/1999/xhtml"
#define NS_EPUB "http://www.idpf.org/2007/ops"
#define NS_NCX "http://www.daisy.org/z3986/2005/ncx/"

int epub_xml_open(xmlw *x, galley_buf *out, bool indent)
{
	int rc = xmlw_open(x, out);
	if (rc)
		return rc;
	if (indent) {
		xmlTextWriterSetIndent(x->w, 1);
		xmlTextWriterSetIndentString(x->w, BAD_CAST "  ");
	}
	if (xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0)
		x->failed = 1;
	return 0;
}

int epub_xml_close(xmlw *x)
{
	if (xmlTextWriterEndDocument(x->w) < 0)
		x->failed = 1;
	return xmlw_close(x);
}

int epub_write_container(galley_buf *out)
{
	xmlw x;
	int rc = epub_xml_open(&x, out, true);
	if (rc)
		return rc;
	xmlw_start(&x, "container");
	xmlw_attr(&x, "version", "1.0");
	xmlw_attr(&x, "xmlns", "urn:oasis:names:tc:opendocument:xmlns:container");
	xmlw_start(&x, "rootfiles");
	xmlw_start(&x, "rootfile");
	xmlw_attr(&x, "full-path", EPUB_DIR "package.opf");
	xmlw_attr(&x, "media-type", "application/oebps-package+xml");
	xmlw_end_empty(&x);
	return epub_xml_close(&x);
}

void epub_xhtml_begin(epub_book *b, xmlw *x, const char *title, const char *body_type)
{
	if (xmlTextWriterWriteDTD(x->w, BAD_CAST "html", NULL, NULL, NULL) < 0)
		x->failed = 1;
	xmlw_raw(x, "\n", 1);
	xmlw_start(x, "html");
	xmlw_attr(x, "xmlns", NS_XHTML);
	xmlw_attr(x, "xmlns:epub", NS_EPUB);
	xmlw_attr(x, "lang", b->lang);
	xmlw_attr(x, "xml:lang", b->lang);
	xmlw_raw(x, "\n", 1);
	xmlw_start(x, "head");
	xmlw_start(x, "meta");
	xmlw_attr(x, "charset", "utf-8");
	xmlw_end_empty(x);
	xmlw_elem(x, "title", title);
	xmlw_start(x, "link");
	xmlw_attr(x, "rel", "stylesheet");
	xmlw_attr(x, "type", "text/css");
	xmlw_attr(x, "href", "css/book.css");
	xmlw_end_empty(x);
	xmlw_end(x);
	xmlw_raw(x, "\n", 1);
	xmlw_start(x, "body");
	if (body_type)
		xmlw_attr(x, "epub:type", body_type);
	xmlw_raw(x, "\n", 1);
}

/* ---- table of contents ------------------------------------------- */

typedef struct toc_entry {
	int level;
	char *label;
	char *href;
} toc_entry;

typedef struct toc {
	toc_entry *entries;
	size_t count, cap;
	int depth; /* deepest nesting */
} toc;

bool epub_heading_listed(const epub_book *b, const galley_node *n)
{
	if (galley_node_get_type(n) != GALLEY_NODE_HEADING || n == galley_doc_title_heading(b->doc) ||
	    !galley_node_id(n))
		return false;
	for (const galley_node *c = galley_node_first_child(n); c; c = galley_node_next(c))
		if (galley_node_get_type(c) != GALLEY_NODE_SOFT_BREAK &&
		    galley_node_get_type(c) != GALLEY_NODE_HARD_BREAK)
			return true;
	return false;
}

static void toc_free(toc *t)
{
	for (size_t i = 0; i < t->count; i++)
		free(t->entries[i].label), free(t->entries[i].href);
	free(t->entries);
}

static int toc_add(toc *t, int level, char *label, const char *file, const char *id)
{
	size_t n = strlen(file) + (id ? strlen(id) + 1 : 0) + 1;
	char *href = malloc(n);
	if (t->count == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		toc_entry *grown = realloc(t->entries, cap * sizeof(*grown));
		if (grown) {
			t->entries = grown;
			t->cap = cap;
		}
	}
	if (!href || !label || t->count == t->cap) {
		free(href);
		free(label);
		return GALLEY_ENOMEM;
	}
	snprintf(href, n, "%s%s%s", file, id ? "#" : "", id ? id : "");
	t->entries[t->count++] = (toc_entry){level, label, href};
	return 0;
}

static const char *text(const epub_book *b, galley_text key) { return galley_text_get(b->lang, key); }

const char *epub_toc_title(const epub_book *b)
{
	const char *given = galley_doc_extra(b->doc, "toc-title");
	return given && *given ? given : text(b, GALLEY_TEXT_CONTENTS);
}

static bool has_listed_heading(const epub_book *b)
{
	for (size_t i = 0; i < b->chapter_count; i++)
		for (galley_node *n = b->chapters[i].first; n && n != b->chapters[i].stop;
		     n = galley_node_next(n))
			if (epub_heading_listed(b, n))
				return true;
	return false;
}

bool epub_is_front_matter(const epub_book *b, size_t i)
{
	const epub_chapter *ch = b->chapter_count > 1 && i == 0 ? &b->chapters[0] : NULL;
	const galley_node *first = ch ? ch->first : NULL;
	if (first && first == galley_doc_title_heading(b->doc))
		first = galley_node_next(first);
	/* text, not a heading of its own, before the first chapter heading */
	return ch && !ch->heading && first && first != ch->stop && !epub_heading_listed(b, first) &&
	       has_listed_heading(b);
}

/* The level of the shallowest heading the contents list. */
static int shallowest_listed(const epub_book *b)
{
	int level = 6;
	for (size_t i = 0; i < b->chapter_count; i++)
		for (galley_node *n = b->chapters[i].first; n && n != b->chapters[i].stop;
		     n = galley_node_next(n))
			if (epub_heading_listed(b, n) && galley_node_heading_level(n) < level)
				level = galley_node_heading_level(n);
	return level;
}

/* The first chapter that is not front matter. */
static size_t first_body_chapter(const epub_book *b) { return epub_is_front_matter(b, 0) ? 1 : 0; }

/*
 * Every listed heading of every chapter, in order, after an entry for the
 * text before the first heading (a preface, a plain-text book's front
 * matter); the book's title when there is no heading.
 */
static int toc_build(epub_book *b, toc *t)
{
	int rc = 0;
	memset(t, 0, sizeof(*t));
	if (epub_is_front_matter(b, 0)) /* beside the chapters, not above them */
		rc = toc_add(t, shallowest_listed(b), strdup(text(b, GALLEY_TEXT_FRONT)), b->chapters[0].file,
		             NULL);
	for (size_t i = 0; i < b->chapter_count && rc == 0; i++) {
		const epub_chapter *ch = &b->chapters[i];
		for (galley_node *n = ch->first; n && n != ch->stop && rc == 0; n = galley_node_next(n))
			if (epub_heading_listed(b, n))
				rc = toc_add(t, galley_node_heading_level(n), galley_node_plain_text(n),
				             ch->file, galley_ids_heading(&b->ids, n));
	}
	if (rc == 0 && t->count == 0)
		rc = toc_add(t, 1, strdup(b->title),
		             b->chapter_count ? b->chapters[0].file : "titlepage.xhtml", NULL);
	return rc;
}

static void nav_item_open(xmlw *x, const toc_entry *e)
{
	xmlw_start(x, "li");
	xmlw_start(x, "a");
	xmlw_attr(x, "href", e->href);
	xmlw_str(x, e->label);
	xmlw_end(x);
}

static void ncx_item_open(xmlw *x, const toc_entry *e, int play)
{
	xmlw_start(x, "navPoint");
	xmlw_attrf(x, "id", "navpoint-%d", play);
	xmlw_attrf(x, "playOrder", "%d", play);
	xmlw_start(x, "navLabel");
	xmlw_elem(x, "text", e->label);
	xmlw_end(x);
	xmlw_start(x, "content");
	xmlw_attr(x, "src", e->href);
	xmlw_end_empty(x);
}

/*
 * Writes the entries nested by heading level: a deeper heading opens a list
 * inside the current item, a shallower one closes lists down to its level
 * and becomes a sibling there (h1, h5, h2: the h2 stands beside the h5).
 * Levels are 1-6 and strictly rise along the stack, so it holds six at most.
 */
static void toc_write(toc *t, xmlw *x, bool ncx)
{
	int stack[8], depth = 0;
	for (size_t i = 0; i < t->count; i++) {
		const toc_entry *e = &t->entries[i];
		if (depth > 0) {
			/* close the deeper items whose parent is no shallower than the new entry */
			while (depth > 1 && stack[depth - 2] >= e->level) {
				xmlw_end(x); /* li or navPoint */
				if (!ncx)
					xmlw_end(x); /* ol */
				depth--;
			}
			if (stack[depth - 1] >= e->level) {
				xmlw_end(x);
				depth--;
			} else if (!ncx) {
				xmlw_start(x, "ol");
			}
		}
		if (ncx)
			ncx_item_open(x, e, (int)i + 1);
		else
			nav_item_open(x, e);
		stack[depth++] = e->level;
		if (depth > t->depth)
			t->depth = depth;
	}
	while (depth > 0) {
		xmlw_end(x);
		if (!ncx && depth > 1)
			xmlw_end(x);
		depth--;
	}
}

static void landmark(xmlw *x, const char *type, const char *href, const char *label)
{
	xmlw_start(x, "li");
	xmlw_start(x, "a");
	xmlw_attr(x, "epub:type", type);
	xmlw_attr(x, "href", href);
	xmlw_str(x, label);
	xmlw_end(x);
	xmlw_end(x);
}

int epub_write_nav(epub_book *b, galley_buf *out)
{
	toc t;
	xmlw x;
	int rc = toc_build(b, &t);
	if (rc == 0)
		rc = epub_xml_open(&x, out, false);
	if (rc) {
		toc_free(&t);
		return rc;
	}
	epub_xhtml_begin(b, &x, epub_toc_title(b), "frontmatter");
	xmlTextWriterSetIndent(x.w, 1);
	xmlw_start(&x, "nav");
	xmlw_attr(&x, "epub:type", "toc");
	xmlw_attr(&x, "id", "toc");
	xmlw_attr(&x, "role", "doc-toc");
	xmlw_elem(&x, "h1", epub_toc_title(b));
	xmlw_start(&x, "ol");
	toc_write(&t, &x, false);
	xmlw_end(&x);
	xmlw_end(&x);
	xmlw_start(&x, "nav");
	xmlw_attr(&x, "epub:type", "landmarks");
	xmlw_attr(&x, "id", "landmarks");
	xmlw_attr(&x, "hidden", "hidden");
	xmlw_elem(&x, "h2", text(b, GALLEY_TEXT_LANDMARKS));
	xmlw_start(&x, "ol");
	if (b->cover)
		landmark(&x, "cover", "cover.xhtml", text(b, GALLEY_TEXT_COVER));
	landmark(&x, "titlepage", "titlepage.xhtml", text(b, GALLEY_TEXT_TITLE_PAGE));
	landmark(&x, "toc", "nav.xhtml#toc", epub_toc_title(b));
	if (b->chapter_count)
		landmark(&x, "bodymatter", b->chapters[first_body_chapter(b)].file,
		         text(b, GALLEY_TEXT_START));
	xmlw_end(&x);
	xmlw_end(&x);
	toc_free(&t);
	return epub_xml_close(&x);
}

int epub_write_ncx(epub_book *b, galley_buf *out)
{
	toc t;
	xmlw x;
	galley_buf head = GALLEY_BUF_INIT;
	int rc = toc_build(b, &t);
	if (rc) {
		toc_free(&t);
		return rc;
	}
	/* the navMap first, into a scratch buffer, so the head can give its depth */
	rc = xmlw_open(&x, &head);
	if (rc == 0) {
		toc_write(&t, &x, true);
		rc = xmlw_close(&x);
	}
	if (rc == 0)
		rc = epub_xml_open(&x, out, true);
	if (rc) {
		toc_free(&t);
		galley_buf_free(&head);
		return rc;
	}
	xmlw_start(&x, "ncx");
	xmlw_attr(&x, "xmlns", NS_NCX);
	xmlw_attr(&x, "version", "2005-1");
	xmlw_attr(&x, "xml:lang", b->lang);
	xmlw_start(&x, "head");
	const char *names[] = {"dtb:uid", "dtb:depth", "dtb:totalPageCount", "dtb:maxPageNumber"};
	for (int i = 0; i < 4; i++) {
		xmlw_start(&x, "meta");
		xmlw_attr(&x, "name", names[i]);
		if (i == 0)
			xmlw_attr(&x, "content", b->identifier);
		else
			xmlw_attrf(&x, "content", "%d", i == 1 ? t.depth : 0);
		xmlw_end_empty(&x);
	}
	xmlw_end(&x);
	xmlw_start(&x, "docTitle");
	xmlw_elem(&x, "text", b->title);
	xmlw_end(&x);
	xmlw_start(&x, "navMap");
	xmlw_raw(&x, head.data ? (const char *)head.data : "", head.len);
	xmlw_end(&x);
	toc_free(&t);
	galley_buf_free(&head);
	return epub_xml_close(&x);
}

/* ---- cover and title page ----------------------------------------- */

int epub_write_cover(epub_book *b, galley_buf *out)
{
	xmlw x;
	int rc = epub_xml_open(&x, out, false);
	if (rc)
		return rc;
	epub_xhtml_begin(b, &x, text(b, GALLEY_TEXT_COVER), "frontmatter");
	xmlw_start(&x, "section");
	xmlw_attr(&x, "epub:type", "cover");
	xmlw_attr(&x, "class", "cover");
	xmlw_start(&x, "img");
	xmlw_attr(&x, "src", b->cover->href);
	xmlw_attrf(&x, "alt", text(b, GALLEY_TEXT_COVER_OF), b->title);
	xmlw_attr(&x, "role", "doc-cover");
	xmlw_end_empty(&x);
	xmlw_end(&x);
	return epub_xml_close(&x);
}

static void para(xmlw *x, const char *cls, const char *text)
{
	if (!text || !*text)
		return;
	xmlw_start(x, "p");
	xmlw_attr(x, "class", cls);
	xmlw_str(x, text);
	xmlw_end(x);
	xmlw_raw(x, "\n", 1);
}

int epub_write_titlepage(epub_book *b, galley_buf *out)
{
	const galley_doc *doc = b->doc;
	xmlw x;
	int rc = epub_xml_open(&x, out, false);
	if (rc)
		return rc;
	epub_xhtml_begin(b, &x, b->title, "frontmatter");
	xmlw_start(&x, "section");
	xmlw_attr(&x, "epub:type", "titlepage");
	xmlw_attr(&x, "class", "titlepage");
	xmlw_raw(&x, "\n", 1);
	xmlw_start(&x, "h1");
	xmlw_attr(&x, "class", "title");
	xmlw_str(&x, b->title);
	xmlw_end(&x);
	xmlw_raw(&x, "\n", 1);
	para(&x, "subtitle", galley_doc_meta(doc, GALLEY_META_SUBTITLE));
	for (size_t i = 0; i < galley_doc_author_count(doc); i++)
		para(&x, "author", galley_doc_author(doc, i));
	para(&x, "publisher", galley_doc_meta(doc, GALLEY_META_PUBLISHER));
	para(&x, "date", galley_doc_meta(doc, GALLEY_META_DATE));
	para(&x, "abstract", galley_doc_meta(doc, GALLEY_META_DESCRIPTION));
	para(&x, "rights", galley_doc_meta(doc, GALLEY_META_RIGHTS));
	xmlw_end(&x);
	return epub_xml_close(&x);
}

/* ---- package document --------------------------------------------- */

static void meta_property(xmlw *x, const char *property, const char *value, const char *refines)
{
	xmlw_start(x, "meta");
	if (refines)
		xmlw_attr(x, "refines", refines);
	xmlw_attr(x, "property", property);
	xmlw_str(x, value);
	xmlw_end(x);
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* YYYY, YYYY-MM, YYYY-MM-DD, optionally with a time: the forms dc:date takes. */
static bool is_w3c_date(const char *s)
{
	if (!digits(s, 4))
		return false;
	if (!s[4])
		return true;
	if (s[4] != '-' || !digits(s + 5, 2))
		return false;
	if (!s[7])
		return true;
	if (s[7] != '-' || !digits(s + 8, 2))
		return false;
	if (!s[10])
		return true;
	if (s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2))
		return false;
	return strspn(s + 16, "0123456789:.+-Z") == strlen(s + 16) && s[16];
}

static void write_dc(epub_book *b, xmlw *x)
{
	const galley_doc *doc = b->doc;
	const char *sub = galley_doc_meta(doc, GALLEY_META_SUBTITLE);
	const char *date = galley_doc_meta(doc, GALLEY_META_DATE);
	static const struct {
		galley_meta_field field;
		const char *element;
	} simple[] = {
	    {GALLEY_META_PUBLISHER, "dc:publisher"},
	    {GALLEY_META_RIGHTS, "dc:rights"},
	    {GALLEY_META_DESCRIPTION, "dc:description"},
	};
	xmlw_start(x, "dc:identifier");
	xmlw_attr(x, "id", "pub-id");
	xmlw_str(x, b->identifier);
	xmlw_end(x);
	xmlw_start(x, "dc:title");
	xmlw_attr(x, "id", "title");
	xmlw_str(x, b->title);
	xmlw_end(x);
	if (sub && *sub) {
		meta_property(x, "title-type", "main", "#title");
		xmlw_start(x, "dc:title");
		xmlw_attr(x, "id", "subtitle");
		xmlw_str(x, sub);
		xmlw_end(x);
		meta_property(x, "title-type", "subtitle", "#subtitle");
	}
	xmlw_elem(x, "dc:language", b->lang);
	for (size_t i = 0; i < galley_doc_author_count(doc); i++) {
		char id[32], ref[40];
		snprintf(id, sizeof(id), "creator-%zu", i + 1);
		snprintf(ref, sizeof(ref), "#%s", id);
		xmlw_start(x, "dc:creator");
		xmlw_attr(x, "id", id);
		xmlw_str(x, galley_doc_author(doc, i));
		xmlw_end(x);
		xmlw_start(x, "meta");
		xmlw_attr(x, "refines", ref);
		xmlw_attr(x, "property", "role");
		xmlw_attr(x, "scheme", "marc:relators");
		xmlw_str(x, "aut");
		xmlw_end(x);
	}
	if (date && is_w3c_date(date))
		xmlw_elem(x, "dc:date", date);
	else if (date)
		galley_report(b->opts, GALLEY_WARNING, 0, 0,
		              "date '%s' is not of the form YYYY-MM-DD; it is left out of the EPUB's dc:date",
		              date);
	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		const char *v = galley_doc_meta(doc, simple[i].field);
		if (v && *v)
			xmlw_elem(x, simple[i].element, v);
	}
	for (size_t i = 0; i < galley_doc_keyword_count(doc); i++)
		xmlw_elem(x, "dc:subject", galley_doc_keyword(doc, i));
}

/* The accessibility summary: what the metadata says, in words, in the book's language. */
static void write_summary(const epub_book *b, galley_buf *out, bool headings, bool alt_text)
{
	size_t images = b->images_in_text, lacking = b->images_without_alt;
	galley_buf_puts(out, text(b, GALLEY_TEXT_SUM_BASE));
	if (headings)
		galley_buf_puts(out, text(b, GALLEY_TEXT_SUM_HEADINGS));
	if (alt_text && images == 1)
		galley_buf_puts(out, text(b, GALLEY_TEXT_SUM_ALT_ONE));
	else if (alt_text)
		galley_buf_printf(out, text(b, GALLEY_TEXT_SUM_ALT_ALL), images);
	else if (lacking && images == 1)
		galley_buf_puts(out, text(b, GALLEY_TEXT_SUM_LACK_ONLY));
	else if (lacking == 1)
		galley_buf_printf(out, text(b, GALLEY_TEXT_SUM_LACK_ONE), images);
	else if (lacking)
		galley_buf_printf(out, text(b, GALLEY_TEXT_SUM_LACK_SOME), lacking, images);
	galley_buf_puts(out, text(b, GALLEY_TEXT_SUM_END));
}

/*
 * EPUB Accessibility 1.1 metadata, claiming only what the book has: every
 * book has a table of contents and a reading order; structural navigation
 * needs headings; alternative text needs images that all have some.
 */
static void write_accessibility(epub_book *b, xmlw *x)
{
	bool visual = b->images_in_text > 0 || b->cover;
	bool headings = has_listed_heading(b);
	bool alt_text = b->images_in_text > 0 && b->images_without_alt == 0;
	galley_buf summary = GALLEY_BUF_INIT;

	meta_property(x, "schema:accessMode", "textual", NULL);
	if (visual)
		meta_property(x, "schema:accessMode", "visual", NULL);
	if (b->images_without_alt == 0)
		meta_property(x, "schema:accessModeSufficient", "textual", NULL);
	if (visual)
		meta_property(x, "schema:accessModeSufficient", "textual,visual", NULL);
	meta_property(x, "schema:accessibilityFeature", "tableOfContents", NULL);
	meta_property(x, "schema:accessibilityFeature", "readingOrder", NULL);
	if (headings)
		meta_property(x, "schema:accessibilityFeature", "structuralNavigation", NULL);
	if (alt_text)
		meta_property(x, "schema:accessibilityFeature", "alternativeText", NULL);
	meta_property(x, "schema:accessibilityHazard", "none", NULL);
	/* what galley checks each book against: epubcheck, and Ace by DAISY in the tests */
	meta_property(x, "dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA", NULL);

	write_summary(b, &summary, headings, alt_text);
	meta_property(x, "schema:accessibilitySummary", summary.data ? (const char *)summary.data : "", NULL);
	if (summary.failed)
		x->failed = 1;
	galley_buf_free(&summary);
}

static void manifest_item(xmlw *x, const char *id, const char *href, const char *type, const char *props)
{
	xmlw_start(x, "item");
	xmlw_attr(x, "id", id);
	xmlw_attr(x, "href", href);
	xmlw_attr(x, "media-type", type);
	if (props)
		xmlw_attr(x, "properties", props);
	xmlw_end_empty(x);
}

static void write_manifest(epub_book *b, xmlw *x)
{
	static const char xhtml[] = "application/xhtml+xml";
	xmlw_start(x, "manifest");
	manifest_item(x, "nav", "nav.xhtml", xhtml, "nav");
	manifest_item(x, "ncx", "toc.ncx", "application/x-dtbncx+xml", NULL);
	manifest_item(x, "css", "css/book.css", "text/css", NULL);
	if (b->cover)
		manifest_item(x, "cover", "cover.xhtml", xhtml, NULL);
	manifest_item(x, "titlepage", "titlepage.xhtml", xhtml, NULL);
	for (size_t i = 0; i < b->chapter_count; i++) {
		char id[32];
		snprintf(id, sizeof(id), "chapter%zu", i + 1);
		/* the renderer writes every formula as a <math> in the MathML namespace */
		const galley_buf *page = &b->chapters[i].xhtml;
		bool math = page->data && memmem(page->data, page->len, "<math xmlns=", 12);
		manifest_item(x, id, b->chapters[i].file, xhtml, math ? "mathml" : NULL);
	}
	for (size_t i = 0; i < b->image_count; i++) {
		const epub_image *img = b->images[i];
		if (img->media_type)
			manifest_item(x, img->id, img->href, img->media_type,
			              img == b->cover ? "cover-image" : NULL);
	}
	xmlw_end(x);
}

static void itemref(xmlw *x, const char *idref)
{
	xmlw_start(x, "itemref");
	xmlw_attr(x, "idref", idref);
	xmlw_end_empty(x);
}

static void write_spine(epub_book *b, xmlw *x)
{
	xmlw_start(x, "spine");
	xmlw_attr(x, "toc", "ncx");
	if (b->cover)
		itemref(x, "cover");
	itemref(x, "titlepage");
	itemref(x, "nav");
	for (size_t i = 0; i < b->chapter_count; i++) {
		char id[32];
		snprintf(id, sizeof(id), "chapter%zu", i + 1);
		itemref(x, id);
	}
	xmlw_end(x);
}

int epub_write_opf(epub_book *b, galley_buf *out)
{
	char modified[32];
	struct tm tm;
	xmlw x;
	int rc = epub_xml_open(&x, out, true);
	if (rc)
		return rc;
	gmtime_r(&b->stamp, &tm);
	strftime(modified, sizeof(modified), "%Y-%m-%dT%H:%M:%SZ", &tm);
	xmlw_start(&x, "package");
	xmlw_attr(&x, "xmlns", NS_OPF);
	xmlw_attr(&x, "version", "3.0");
	xmlw_attr(&x, "unique-identifier", "pub-id");
	xmlw_attr(&x, "xml:lang", b->lang);
	xmlw_start(&x, "metadata");
	xmlw_attr(&x, "xmlns:dc", NS_DC);
	write_dc(b, &x);
	meta_property(&x, "dcterms:modified", modified, NULL);
	write_accessibility(b, &x);
	if (b->cover) {
		/* for EPUB 2 reading systems */
		xmlw_start(&x, "meta");
		xmlw_attr(&x, "name", "cover");
		xmlw_attr(&x, "content", b->cover->id);
		xmlw_end_empty(&x);
	}
	xmlw_end(&x);
	write_manifest(b, &x);
	write_spine(b, &x);
	return epub_xml_close(&x);
}
