/*
 * docbook.c - the "docbook" format: the model as a DocBook 5.0 article (or
 * book), valid against the RELAX NG schema and the Schematron rules.
 *
 * Headings become nested sections by a stack of open levels, so any sequence
 * of levels (an h1 then an h3, a document starting with an h2) nests validly:
 * a heading closes the open sections of its level or deeper and opens one
 * more. Blocks always follow the heading they belong to, so no block ever
 * comes after a section at the same depth.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../src/url.h"
#include "docbook.h"

#define MAX_DEPTH 8 /* open levels strictly increase, 1..6 */

typedef struct sections {
	int level[MAX_DEPTH];
	int depth;
	bool preface; /* book: the blocks before the first heading */
} sections;

static void write_meta_elem(db_ctx *c, const char *name, galley_meta_field field)
{
	const char *value = galley_doc_meta(c->doc, field);
	if (value)
		db_elem(c, name, value);
	if (value)
		xmlw_raw(c->x, "\n", 1);
}

/* <name><para>value</para></name> */
static void write_meta_para(db_ctx *c, const char *name, galley_meta_field field)
{
	const char *value = galley_doc_meta(c->doc, field);
	if (!value)
		return;
	db_start(c, name);
	db_elem(c, "para", value);
	db_end_block(c);
}

static void write_authors(db_ctx *c)
{
	size_t n = galley_doc_author_count(c->doc);
	if (!n)
		return;
	db_start(c, "authorgroup");
	for (size_t i = 0; i < n; i++) {
		db_start(c, "author");
		db_elem(c, "personname", galley_doc_author(c->doc, i));
		db_end(c);
	}
	db_end_block(c);
}

static void write_keywords(db_ctx *c)
{
	size_t n = galley_doc_keyword_count(c->doc);
	if (!n)
		return;
	db_start(c, "keywordset");
	for (size_t i = 0; i < n; i++)
		db_elem(c, "keyword", galley_doc_keyword(c->doc, i));
	db_end_block(c);
}

/* The first h1 the title came from, when the title is still its text. */
static const galley_node *title_heading(const galley_doc *doc)
{
	const galley_node *h = galley_doc_title_heading(doc);
	const char *title = galley_doc_meta(doc, GALLEY_META_TITLE);
	char *text;
	bool same;
	if (!h || !title)
		return NULL;
	text = galley_node_plain_text(h);
	same = text && !strcmp(text, title);
	free(text);
	return same ? h : NULL;
}

/* The first heading of any level, or NULL. */
static const galley_node *first_heading(const galley_doc *doc)
{
	for (const galley_node *n = galley_node_first_child(galley_doc_root(doc)); n; n = galley_node_next(n))
		if (galley_node_get_type(n) == GALLEY_NODE_HEADING)
			return n;
	return NULL;
}

/* The first paragraph's words, up to about 60 bytes, cut at a space ("…" when cut); or "Untitled". */
static void write_derived_title(db_ctx *c)
{
	const galley_node *n = galley_node_first_child(galley_doc_root(c->doc));
	while (n && galley_node_get_type(n) != GALLEY_NODE_PARAGRAPH)
		n = galley_node_next(n);
	char *text = n ? galley_node_plain_text(n) : NULL;
	size_t len = text ? strlen(text) : 0, cut = len;
	if (len > 60) {
		cut = 60;
		while (cut > 0 && text[cut] != ' ')
			cut--;
		if (!cut)
			for (cut = 60; cut < len && ((unsigned char)text[cut] & 0xC0) == 0x80; cut++)
				;
	}
	if (cut) {
		xmlw_text(c->x, text, cut);
		if (cut < len)
			xmlw_str(c->x, "\xE2\x80\xA6");
	} else {
		xmlw_str(c->x, "Untitled");
	}
	free(text);
}

/*
 * An article must have a title: an untitled one takes the text of its first
 * heading, else the first words of its first paragraph. A book may have none.
 */
static int write_title(db_ctx *c)
{
	const galley_node *h = title_heading(c->doc);
	const char *title = galley_doc_meta(c->doc, GALLEY_META_TITLE);
	int rc = 0;
	if (!h && !title && c->book)
		return 0;
	bool derived = !h && !title;
	size_t dropped = c->x->dropped;
	if (derived)
		h = first_heading(c->doc);
	db_start(c, "title");
	if (h)
		rc = db_render_children(c, h);
	else if (title)
		xmlw_str(c->x, title);
	else
		write_derived_title(c);
	db_end_block(c);
	if (derived) /* text written again in the body, whose characters are counted there */
		c->x->dropped = dropped;
	return rc;
}

/* The identifier as a biblioid: an ISBN, a DOI, a URI or another kind. */
static void write_identifier(db_ctx *c)
{
	const char *id = galley_doc_meta(c->doc, GALLEY_META_IDENTIFIER);
	const char *value = id;
	if (!id || !*id)
		return;
	db_start(c, "biblioid");
	if (!strncasecmp(id, "urn:isbn:", 9)) {
		xmlw_attr(c->x, "class", "isbn");
		value = id + 9;
	} else if (!strncasecmp(id, "doi:", 4) || !strncmp(id, "10.", 3)) {
		xmlw_attr(c->x, "class", "doi");
	} else if (strchr(id, ':') && !strchr(id, ' ')) {
		xmlw_attr(c->x, "class", "uri");
	} else {
		xmlw_attr(c->x, "class", "other");
		xmlw_attr(c->x, "otherclass", "identifier");
	}
	xmlw_str(c->x, value);
	db_end_block(c);
}

/* The cover image, as a mediaobject in <cover>. */
static void write_cover(db_ctx *c)
{
	const char *path = galley_doc_meta(c->doc, GALLEY_META_COVER_IMAGE);
	if (!path || !*path)
		return;
	db_start(c, "cover");
	db_start(c, "mediaobject");
	db_start(c, "imageobject");
	db_start(c, "imagedata");
	db_write_url_attr(c, "fileref", path);
	db_end_empty(c);
	db_end(c);
	db_end(c);
	db_end_block(c);
}

static int write_info(db_ctx *c)
{
	int rc;
	db_start(c, "info");
	xmlw_raw(c->x, "\n", 1);
	rc = write_title(c);
	write_meta_elem(c, "subtitle", GALLEY_META_SUBTITLE);
	write_authors(c);
	/* pubdate, which the DocBook stylesheets show on the title page */
	write_meta_elem(c, "pubdate", GALLEY_META_DATE);
	write_identifier(c);
	if (galley_doc_meta(c->doc, GALLEY_META_PUBLISHER)) {
		db_start(c, "publisher");
		db_elem(c, "publishername", galley_doc_meta(c->doc, GALLEY_META_PUBLISHER));
		db_end_block(c);
	}
	write_meta_para(c, "legalnotice", GALLEY_META_RIGHTS);
	write_meta_para(c, "abstract", GALLEY_META_DESCRIPTION);
	write_keywords(c);
	write_cover(c);
	db_end_block(c);
	return rc;
}

/* ---- sections ---------------------------------------------------------- */

/*
 * A section must hold a block or a subsection. It gets a subsection when the
 * next heading is deeper; otherwise the blocks up to that heading must write
 * something.
 */
static bool section_is_empty(db_ctx *c, const galley_node *h)
{
	for (const galley_node *n = galley_node_next(h); n; n = galley_node_next(n)) {
		if (galley_node_get_type(n) == GALLEY_NODE_HEADING)
			return galley_node_heading_level(n) <= galley_node_heading_level(h);
		if (db_writes_block(c, n))
			return false;
	}
	return true;
}

static void close_sections(db_ctx *c, sections *s, int level)
{
	while (s->depth > 0 && s->level[s->depth - 1] >= level) {
		db_end_block(c);
		s->depth--;
	}
}

static int open_section(db_ctx *c, sections *s, const galley_node *h)
{
	const char *id = db_heading_id(c, h);
	int rc;
	if (s->preface) {
		db_end_block(c);
		s->preface = false;
	}
	close_sections(c, s, galley_node_heading_level(h));
	db_start(c, c->book && s->depth == 0 ? "chapter" : "section");
	if (id)
		xmlw_attr(c->x, "xml:id", id);
	db_write_role(c, h);
	xmlw_raw(c->x, "\n", 1);
	db_start(c, "title");
	rc = db_render_children(c, h);
	db_end_block(c);
	if (section_is_empty(c, h)) {
		db_start(c, "para");
		db_end_block(c);
	}
	s->level[s->depth++] = galley_node_heading_level(h);
	return rc;
}

/* "Preface" in the document's language (English when it is unknown or not listed). */
static const char *preface_title(const galley_doc *doc)
{
	static const struct {
		const char *lang, *title;
	} names[] = {
	    {"de", "Vorwort"},
	    {"es", "Prefacio"},
	    {"fr", "Pr\xC3\xA9"
	           "face"},
	    {"it", "Prefazione"},
	    {"nl", "Voorwoord"},
	    {"pt", "Pref\xC3\xA1"
	           "cio"},
	    {"sv", "F\xC3\xB6rord"},
	};
	const char *lang = galley_doc_meta(doc, GALLEY_META_LANG);
	for (size_t i = 0; lang && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncasecmp(lang, names[i].lang, 2) && (!lang[2] || lang[2] == '-' || lang[2] == '_'))
			return names[i].title;
	return "Preface";
}

/*
 * A book holds no blocks of its own: those before the first chapter go in a
 * preface, which must have a title.
 */
static void open_preface(db_ctx *c, sections *s)
{
	db_start(c, "preface");
	xmlw_raw(c->x, "\n", 1);
	db_elem(c, "title", preface_title(c->doc));
	xmlw_raw(c->x, "\n", 1);
	s->preface = true;
}

/* An article needs some content: blocks or a section. */
static bool body_is_empty(db_ctx *c, const galley_node *skip)
{
	for (const galley_node *n = galley_node_first_child(galley_doc_root(c->doc)); n;
	     n = galley_node_next(n))
		if (n != skip && (galley_node_get_type(n) == GALLEY_NODE_HEADING || db_writes_block(c, n)))
			return false;
	return true;
}

static int write_body(db_ctx *c)
{
	/* a fragment has no info: the title heading stays a section */
	const galley_node *skip = c->fragment ? NULL : title_heading(c->doc);
	sections s = {{0}, 0, false};
	int rc = 0;
	if (!c->book && !c->fragment && body_is_empty(c, skip)) {
		db_start(c, "para");
		db_end_block(c);
	}
	for (galley_node *n = galley_node_first_child(galley_doc_root(c->doc)); n && rc == 0;
	     n = galley_node_next(n)) {
		if (n == skip)
			continue;
		if (galley_node_get_type(n) == GALLEY_NODE_HEADING) {
			rc = open_section(c, &s, n);
			continue;
		}
		if (c->book && s.depth == 0 && !s.preface && db_writes_block(c, n))
			open_preface(c, &s);
		rc = db_render(c, n);
	}
	if (s.preface)
		db_end_block(c);
	close_sections(c, &s, 0);
	return rc;
}

static int write_root(db_ctx *c)
{
	const char *lang = galley_doc_meta(c->doc, GALLEY_META_LANG);
	const galley_node *h = title_heading(c->doc);
	const char *id = h ? db_heading_id(c, h) : NULL;
	int rc;
	db_start(c, c->book ? "book" : "article");
	xmlw_attr(c->x, "xmlns", "http://docbook.org/ns/docbook");
	xmlw_attr(c->x, "xmlns:xlink", "http://www.w3.org/1999/xlink");
	xmlw_attr(c->x, "version", "5.0");
	if (lang && *lang) /* no language unless the document gives one */
		xmlw_attr(c->x, "xml:lang", lang);
	if (id)
		xmlw_attr(c->x, "xml:id", id);
	xmlw_raw(c->x, "\n", 1);
	rc = write_info(c);
	if (rc == 0)
		rc = write_body(c);
	db_end(c);
	return rc;
}

static int parse_root(const galley_options *opts, bool *book, galley_error *err)
{
	const char *root = opts ? galley_options_param(opts, "docbook-root") : NULL;
	*book = false;
	if (!root || !strcmp(root, "article"))
		return 0;
	if (!strcmp(root, "book")) {
		*book = true;
		return 0;
	}
	return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
	                        "docbook-root takes 'article' or 'book', not '%s'", root);
}

static int docbook_check(const galley_options *opts, galley_error *err)
{
	bool book;
	return parse_root(opts, &book, err);
}

static int docbook_write(const galley_doc *doc, galley_buf *out, const galley_options *opts,
                         galley_error *err)
{
	db_ctx c;
	xmlw x;
	bool book;
	int rc = parse_root(opts, &book, err), rc2, stop = 0;
	if (rc == 0)
		rc = galley_tab_stop(opts, 4, err, &stop);
	if (rc)
		return rc;
	rc = xmlw_open(&x, out);
	if (rc)
		return galley_error_set(err, rc, NULL, 0, 0, "out of memory");
	memset(&c, 0, sizeof(c));
	c.x = &x;
	c.doc = doc;
	c.opts = opts;
	c.book = book;
	c.tab_stop = stop;
	c.fragment = opts && (opts->flags & GALLEY_OPT_FRAGMENT);
	if (!c.fragment)
		galley_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	rc = db_ids_init(&c);
	if (rc == 0)
		rc = c.fragment ? write_body(&c) : write_root(&c);
	if (rc == 0 && x.dropped)
		galley_report(opts, GALLEY_WARNING, 0, 0,
		              "%zu control character(s) that XML does not allow were left out", x.dropped);
	db_ids_free(&c);
	galley_buf_free(&c.scratch);
	galley_buf_free(&c.uri);
	galley_buf_free(&c.code);
	rc2 = xmlw_close(&x);
	if (rc == 0)
		rc = rc2;
	if (rc == 0 && !c.fragment)
		galley_buf_putc(out, '\n');
	return rc ? galley_error_set(err, rc, NULL, 0, 0, "cannot render DocBook: %s", galley_strerror(rc))
	          : 0;
}

static const char *const docbook_exts[] = {"xml", "dbk", NULL};

static const galley_param_spec docbook_params[] = {
    {"docbook-root", "article|book", "DocBook: the root element (book: top-level headings become chapters)"},
    {"tab-stop", "N", "EPUB, DocBook: tabs in code become spaces to stops N apart (default 4; 0 keeps them)"},
    {NULL, NULL, NULL},
};

const galley_format galley_format_docbook = {
    .name = "docbook",
    .description = "DocBook 5.0 article or book (--docbook-root), or its body (--fragment)",
    .read_extensions = NULL,
    .write_extensions = docbook_exts,
    .mime_type = "application/docbook+xml",
    .features = GALLEY_FORMAT_XML | GALLEY_FORMAT_FRAGMENT,
    .params = docbook_params,
    .read = NULL,
    .write = docbook_write,
    .check = docbook_check,
};
