/* html_format.c - the "html" format: a standalone HTML5 page or a fragment. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

static const char default_css[] =
    "html { -webkit-text-size-adjust: 100%; }\n"
    "body { margin: 0 auto; max-width: 38em; padding: 2em 1.2em; font-family: Georgia, 'DejaVu Serif', serif;\n"
    "  font-size: 1.1em; line-height: 1.55; color: #1d1d1d; background: #fdfdfb; hyphens: auto; }\n"
    "h1, h2, h3, h4, h5, h6 { font-family: 'Helvetica Neue', 'DejaVu Sans', sans-serif; line-height: 1.25;\n"
    "  margin: 1.6em 0 0.6em; hyphens: manual; }\n"
    "h1 { font-size: 1.9em; } h2 { font-size: 1.45em; } h3 { font-size: 1.2em; } h4, h5, h6 { font-size: 1em; }\n"
    "header.title-block { margin-bottom: 2.5em; text-align: center; }\n"
    "header.title-block h1 { margin-bottom: 0.2em; } .subtitle { font-size: 1.2em; font-style: italic; }\n"
    ".author, .date { margin: 0.2em 0; } .abstract { text-align: left; font-size: 0.95em; margin: 1.5em 2em; }\n"
    "p { margin: 0 0 0.9em; }\n"
    "a { color: #1a4f8b; } a:visited { color: #5a3b8b; }\n"
    "blockquote { margin: 1em 0; padding: 0 1.2em; border-left: 3px solid #ccc; color: #444; }\n"
    "code, pre { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 0.88em; }\n"
    "pre { background: #f3f3f0; padding: 0.8em 1em; overflow-x: auto; line-height: 1.4; hyphens: none;\n"
    "  tab-size: 4; }\n"
    "code { background: #f3f3f0; padding: 0.05em 0.25em; border-radius: 3px; } pre code { padding: 0; background: none; }\n"
    "table { border-collapse: collapse; margin: 1.2em 0; font-size: 0.95em; }\n"
    "th, td { padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; vertical-align: top; }\n"
    "thead th { border-bottom: 2px solid #555; } table { border-top: 2px solid #555; border-bottom: 2px solid #555; }\n"
    "figure { margin: 1.5em 0; text-align: center; } img { max-width: 100%; height: auto; }\n"
    "figcaption { font-size: 0.9em; color: #555; margin-top: 0.4em; }\n"
    "hr { border: 0; text-align: center; margin: 2em 0; } hr::after { content: '\\2042'; color: #777; }\n"
    "dt { font-weight: bold; } dd { margin: 0 0 0.6em 1.6em; }\n"
    "li.task-list-item { list-style: none; } li.task-list-item input { margin: 0 0.4em 0 -1.3em; }\n"
    "sup, sub { line-height: 0; } sup.footnote-ref a { text-decoration: none; padding: 0 0.1em; }\n"
    "kbd { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 0.85em; padding: 0.05em 0.35em;\n"
    "  border: 1px solid #bbb; border-bottom-width: 2px; border-radius: 3px; background: #fff; }\n"
    "section.footnotes { font-size: 0.9em; margin-top: 3em; border-top: 1px solid #ccc; padding-top: 0.5em; }\n"
    "section.footnotes li { margin-bottom: 0.5em; }\n"
    /* the back link ends the note's last paragraph instead of taking a line of its own */
    "section.footnotes li > p:nth-last-child(2), p.footnote-back { display: inline; }\n"
    "p.footnote-back { margin-left: 0.3em; } p.footnote-back a { text-decoration: none; }\n"
    "del { color: #777; }\n"
    "nav#toc ol { list-style: none; padding-left: 1.2em; } nav#toc > ol { padding-left: 0; }\n"
    "nav#toc a { text-decoration: none; }\n"
    ".section-number { margin-right: 0.3em; }\n";

const char *html_default_css(void) { return default_css; }

static void newline(xmlw *x) { xmlw_raw(x, "\n", 1); }

static void write_meta_tag(xmlw *x, const char *name, const char *content)
{
	if (!content || !*content)
		return;
	xmlw_start(x, "meta");
	xmlw_attr(x, "name", name);
	xmlw_attr(x, "content", content);
	xmlw_end_empty(x);
	newline(x);
}

/* <name class="cls">text</name> on a line of its own. */
static void write_line(xmlw *x, const char *name, const char *cls, const char *text)
{
	xmlw_start(x, name);
	if (cls)
		xmlw_attr(x, "class", cls);
	xmlw_str(x, text);
	xmlw_end(x);
	newline(x);
}

static void write_list_meta(xmlw *x, const char *name, const galley_doc *doc, bool authors)
{
	galley_buf b = GALLEY_BUF_INIT;
	size_t n = authors ? galley_doc_author_count(doc) : galley_doc_keyword_count(doc);
	for (size_t i = 0; i < n; i++) {
		if (i)
			galley_buf_puts(&b, authors ? "; " : ", ");
		galley_buf_puts(&b, authors ? galley_doc_author(doc, i) : galley_doc_keyword(doc, i));
	}
	if (b.len)
		write_meta_tag(x, name, (const char *)b.data);
	galley_buf_free(&b);
}

static bool flag(const galley_options *opts, const char *name)
{
	const char *v = galley_options_param(opts, name);
	return v && strcmp(v, "false") != 0 && strcmp(v, "0") != 0 && strcmp(v, "no") != 0;
}

/* A stylesheet's text; NULL with `err` set when it cannot be read. */
static char *read_css(const char *path, const galley_options *opts, galley_error *err)
{
	galley_buf b = GALLEY_BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");
	if (!f) {
		galley_error_set(err, GALLEY_EINPUT, NULL, 0, 0, "cannot read the stylesheet '%s': %s", path,
		                 strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		galley_buf_put(&b, chunk, n);
	galley_buf_put(&b, "", 0);
	fclose(f);
	if (b.failed || galley_utf8_check((const char *)b.data, b.len) != (size_t)-1) {
		galley_error_set(err, b.failed ? GALLEY_ENOMEM : GALLEY_EINPUT, NULL, 0, 0,
		                 "the stylesheet '%s' is not UTF-8 text", path);
		galley_buf_free(&b);
		return NULL;
	}
	return (char *)galley_buf_detach(&b, &n);
}

/*
 * --css FILE: linked, as pandoc does; with --embed-resources its text goes
 * into a <style> of its own, unless it holds '<' or '&' (an HTML parser
 * reads <style> as plain text, an XML parser does not: such a sheet stays
 * linked so that the page is both).
 */
static int write_user_css(xmlw *x, const galley_options *opts, galley_error *err)
{
	const char *path = galley_options_param(opts, "css");
	char *css = NULL;
	if (!path)
		return 0;
	if (flag(opts, "embed-resources")) {
		if (!(css = read_css(path, opts, err)))
			return err->code;
		if (strpbrk(css, "<&")) {
			galley_report(opts, GALLEY_WARNING, 0, 0,
			              "stylesheet '%s' not embedded: it holds '<' or '&'", path);
			free(css);
			css = NULL;
		}
	}
	if (css) {
		xmlw_start(x, "style");
		newline(x);
		xmlw_raw(x, css, strlen(css));
		xmlw_end(x);
	} else {
		xmlw_start(x, "link");
		xmlw_attr(x, "rel", "stylesheet");
		xmlw_attr(x, "href", path);
		xmlw_end_empty(x);
	}
	newline(x);
	free(css);
	return 0;
}

static int write_head(xmlw *x, const galley_doc *doc, const galley_options *opts, galley_error *err)
{
	const char *title = galley_doc_meta(doc, GALLEY_META_TITLE);
	xmlw_start(x, "head");
	newline(x);
	xmlw_start(x, "meta");
	xmlw_attr(x, "charset", "utf-8");
	xmlw_end_empty(x);
	newline(x);
	write_meta_tag(x, "viewport", "width=device-width, initial-scale=1");
	write_meta_tag(x, "generator", "galley " GALLEY_VERSION);
	write_list_meta(x, "author", doc, true);
	write_meta_tag(x, "description", galley_doc_meta(doc, GALLEY_META_DESCRIPTION));
	write_list_meta(x, "keywords", doc, false);
	write_meta_tag(x, "dcterms.date", galley_doc_meta(doc, GALLEY_META_DATE));
	write_line(x, "title", NULL, title && *title ? title : "Untitled");
	xmlw_start(x, "style");
	newline(x);
	/*
	 * Raw: an HTML parser reads <style> as plain text, so "&gt;" would reach
	 * the CSS as it is. The stylesheet holds no '<' or '&', so it is XML too.
	 */
	xmlw_raw(x, default_css, sizeof(default_css) - 1);
	xmlw_raw(x, html_highlight_css(), strlen(html_highlight_css()));
	xmlw_end(x);
	newline(x);
	int rc = write_user_css(x, opts, err);
	xmlw_end(x);
	newline(x);
	return rc;
}

/* --toc-depth N: 1 to 6, default 3. */
static int toc_depth(const galley_options *opts, int *depth, galley_error *err)
{
	const char *v = galley_options_param(opts, "toc-depth");
	char *end;
	*depth = 3;
	if (!v)
		return 0;
	long n = strtol(v, &end, 10);
	if (end == v || *end || n < 1 || n > 6)
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0, "--toc-depth takes 1 to 6, not '%s'",
		                        v);
	*depth = (int)n;
	return 0;
}

/* A title block, unless the title is the document's own first heading. */
static void write_title_block(xmlw *x, const galley_doc *doc)
{
	const char *title = galley_doc_meta(doc, GALLEY_META_TITLE);
	const char *sub = galley_doc_meta(doc, GALLEY_META_SUBTITLE);
	const char *date = galley_doc_meta(doc, GALLEY_META_DATE);
	const char *abstract = galley_doc_meta(doc, GALLEY_META_DESCRIPTION);
	if (!title || galley_doc_title_heading(doc))
		return;
	xmlw_start(x, "header");
	xmlw_attr(x, "class", "title-block");
	newline(x);
	write_line(x, "h1", "title", title);
	if (sub)
		write_line(x, "p", "subtitle", sub);
	for (size_t i = 0; i < galley_doc_author_count(doc); i++)
		write_line(x, "p", "author", galley_doc_author(doc, i));
	if (date)
		write_line(x, "p", "date", date);
	if (abstract) {
		xmlw_start(x, "div");
		xmlw_attr(x, "class", "abstract");
		newline(x);
		write_line(x, "p", NULL, abstract);
		xmlw_end(x);
		newline(x);
	}
	xmlw_end(x);
	newline(x);
}

static int write_notes(html_ctx *c)
{
	int count = galley_doc_footnote_count(c->doc);
	galley_node **defs;
	galley_walk w;
	int rc = 0;
	if (count == 0)
		return 0;
	defs = calloc((size_t)count + 1, sizeof(*defs));
	if (!defs)
		return GALLEY_ENOMEM;
	galley_walk_init(&w, galley_doc_root(c->doc));
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		int num = galley_node_footnote_number(n);
		if (w.event == GALLEY_EVENT_ENTER && galley_node_get_type(n) == GALLEY_NODE_FOOTNOTE_DEF &&
		    num > 0 && num <= count && !defs[num])
			defs[num] = n;
	}
	xmlw_start(c->x, "section");
	xmlw_attr(c->x, "class", "footnotes");
	xmlw_attr(c->x, "role", "doc-endnotes");
	newline(c->x);
	xmlw_start(c->x, "ol");
	newline(c->x);
	for (int i = 1; i <= count && rc == 0; i++)
		if (defs[i])
			rc = html_render_note(c, defs[i]);
	xmlw_end(c->x);
	newline(c->x);
	xmlw_end(c->x);
	newline(c->x);
	free(defs);
	return rc;
}

/* The page around the body content: head, title block, contents. */
static int write_page_start(html_ctx *c, galley_buf *out, galley_error *err)
{
	const char *lang = galley_doc_meta(c->doc, GALLEY_META_LANG);
	int depth;
	int rc = toc_depth(c->opts, &depth, err);
	if (rc)
		return rc;
	galley_buf_puts(out, "<!DOCTYPE html>\n");
	xmlw_start(c->x, "html");
	xmlw_attr(c->x, "xmlns", "http://www.w3.org/1999/xhtml");
	xmlw_attr(c->x, "lang", lang ? lang : "en");
	xmlw_attr(c->x, "xml:lang", lang ? lang : "en");
	newline(c->x);
	if ((rc = write_head(c->x, c->doc, c->opts, err)) != 0)
		return rc;
	xmlw_start(c->x, "body");
	newline(c->x);
	write_title_block(c->x, c->doc);
	if (flag(c->opts, "toc"))
		html_write_toc(c->x, c->doc, depth, c->sections != NULL);
	return 0;
}

static int html_write(const galley_doc *doc, galley_buf *out, const galley_options *opts, galley_error *err)
{
	bool fragment = opts && (opts->flags & GALLEY_OPT_FRAGMENT);
	xmlw x;
	html_ctx c;
	html_sections sections;
	html_embed embed;
	galley_ids ids = {0};
	galley_error_clear(err);
	int rc = xmlw_open(&x, out);
	if (rc)
		return galley_error_set(err, rc, NULL, 0, 0, "out of memory");
	html_embed_init(&embed, doc, opts);
	rc = html_ctx_init(&c, &x, doc, opts, flag(opts, "embed-resources") ? &embed.hooks : NULL, 0);
	if (rc == 0)
		rc = html_ids_init(&ids, doc, 0);
	c.ids = &ids;
	if (flag(opts, "number-sections")) {
		html_sections_init(&sections, doc);
		c.sections = &sections;
	}
	if (rc == 0 && !fragment)
		rc = write_page_start(&c, out, err);
	if (rc == 0 && c.sections) /* the contents counted too: the headings start again at 1 */
		html_sections_init(c.sections, doc);
	if (rc == 0)
		rc = html_render(&c, galley_doc_root(doc));
	if (rc == 0)
		rc = write_notes(&c);
	if (rc == 0 && !fragment) {
		xmlw_end(&x);
		newline(&x);
		xmlw_end(&x);
	}
	if (rc == 0)
		html_report_dropped(&c);
	html_ctx_free(&c);
	html_embed_free(&embed);
	galley_ids_free(&ids);
	int rc2 = xmlw_close(&x);
	if (rc == 0)
		rc = rc2;
	if (rc == 0)
		galley_buf_putc(out, '\n');
	if (rc && err->code) /* a message already set (a bad option, a stylesheet that cannot be read) */
		return rc;
	return rc ? galley_error_set(err, rc, NULL, 0, 0, "cannot render HTML: %s", galley_strerror(rc)) : 0;
}

static const galley_param_spec html_params[] = {
    {"toc", NULL, "PDF, HTML: a table of contents after the title (PDF: with page numbers)"},
    {"toc-depth", "N", "HTML: heading levels the table of contents lists (1-6, default 3)"},
    {"number-sections", NULL, "PDF, HTML: number the headings (1, 1.1, 1.1.1)"},
    {"css", "FILE", "HTML: a stylesheet linked after the default one; EPUB: appended to it"},
    {"embed-resources", NULL, "HTML: self-contained: images as data: URIs, --css inside the page"},
    {"no-highlight", NULL, "HTML, EPUB, PDF: fenced code with a language is not coloured"},
    {NULL, NULL, NULL},
};

static const char *const html_exts[] = {"html", "htm", "xhtml", NULL};

const galley_format galley_format_html = {
    .name = "html",
    .description = "HTML5 (polyglot XHTML), standalone or --fragment",
    .read_extensions = NULL,
    .write_extensions = html_exts,
    .mime_type = "text/html",
    .features = GALLEY_FORMAT_XML | GALLEY_FORMAT_FRAGMENT,
    .params = html_params,
    .read = NULL,
    .write = html_write,
};
