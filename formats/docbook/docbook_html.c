/*
 * docbook_html.c - raw HTML as the DocBook it stands for.
 *
 * Raw HTML is parsed with libxml2's HTML parser (as the HTML writer's
 * sanitizer does), and the tree is written as DocBook: text in blocks
 * becomes <para>, <a href> a link, <a name> an anchor, <img> a media object,
 * <span lang> a phrase with xml:lang, tables an informaltable, lists, quotes,
 * preformatted text and headings their DocBook counterparts, comments XML
 * comments. Containers DocBook has no use for (<div>, <section>, ...) give
 * their content; elements with no counterpart (scripts, forms, embedded
 * objects, rules) are left out with a warning each.
 *
 * DocBook's content models are strict, so the tree is written in one of two
 * modes: blocks, where runs of inline content are gathered into <para>s,
 * and inlines, where block elements give their inline content.
 *
 * Every element's id stays, as the shared id registry gave it out: as the
 * xml:id of the DocBook element it becomes, or as an <anchor> where it
 * becomes none (a container, an element left out); an id inside content
 * written as text only becomes an anchor after it, so links never dangle.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "../../src/url.h"
#include "docbook.h"

/* Nesting past this gives text only, so the writer's recursion stays shallow. */
#define MAX_HTML_DEPTH 48

typedef struct hx {
	db_ctx *c;
	const galley_node *at;       /* the raw node, for warnings */
	int blocks;                  /* blocks written so far */
	int wrote;                   /* elements and text written so far */
	int warned;                  /* warnings given */
	bool dry;                    /* count what would be written, write nothing */
	const galley_id_record *ids; /* the ids the registry gave the node's elements, in order */
	size_t id_count;
	bool *id_taken; /* per id: written (NULL: none taken yet) */
} hx;

static void hx_init(hx *h, db_ctx *c, const galley_node *n, bool dry)
{
	memset(h, 0, sizeof(*h));
	h->c = c;
	h->at = n;
	h->dry = dry;
	h->id_count = galley_ids_at(&c->ids, n, &h->ids);
}

static bool name_is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcasecmp((const char *)n->name, name);
}

static bool in_list(xmlNodePtr n, const char *const *list)
{
	for (; n->type == XML_ELEMENT_NODE && *list; list++)
		if (!strcasecmp((const char *)n->name, *list))
			return true;
	return false;
}

static const char *const containers[] = {
    "div",    "section",    "article", "main",    "header", "footer", "aside",    "nav", "figure",
    "center", "details",    "summary", "address", "body",   "html",   "fieldset", "dl",  "dt",
    "dd",     "figcaption", "hgroup",  "caption", "form",   "search", NULL,
};

/* Elements with no DocBook counterpart whose content is code, a control or nothing: left out with it. */
static const char *const dropped[] = {
    "script", "style", "template", "head", "title", "iframe", "frame",    "frameset", "object", "embed",
    "applet", "base",  "meta",     "link", "input", "hr",     "textarea", "select",   NULL,
};

/* Elements with no DocBook counterpart whose content is text for readers: their content, with a warning. */
static const char *const unwrapped[] = {
    "noscript", "svg",     "math", "video", "audio",  "canvas",
    "button",   "picture", "map",  "label", "output", NULL,
};

static const char *const headings[] = {"h1", "h2", "h3", "h4", "h5", "h6", NULL};

static bool is_block(xmlNodePtr n)
{
	static const char *const blocks[] = {"p", "blockquote", "ul", "ol", "pre", "table", NULL};
	return in_list(n, blocks) || in_list(n, containers) || in_list(n, headings) || in_list(n, dropped);
}

static bool is_blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static void left_out(hx *h, xmlNodePtr n)
{
	h->warned++;
	if (!h->dry)
		galley_report(h->c->opts, GALLEY_WARNING, galley_node_line(h->at), galley_node_column(h->at),
		              "raw HTML <%s> left out: DocBook has no equivalent", (const char *)n->name);
}

static void start(hx *h, const char *name)
{
	h->wrote++;
	if (!h->dry)
		db_start(h->c, name);
}

static void end(hx *h)
{
	if (!h->dry)
		db_end(h->c);
}

static void end_block(hx *h)
{
	h->blocks++;
	if (!h->dry)
		db_end_block(h->c);
}

static void attr(hx *h, const char *name, const char *value)
{
	if (!h->dry && value)
		xmlw_attr(h->c->x, name, value);
}

static void text(hx *h, const xmlChar *s)
{
	if (s && *s)
		h->wrote++;
	if (!h->dry && s)
		xmlw_str(h->c->x, (const char *)s);
}

/* An XML comment, when the text can be one. */
static void comment(hx *h, const xmlChar *content)
{
	const char *s = content ? (const char *)content : "";
	size_t n = strlen(s);
	h->wrote++;
	if (h->dry || strstr(s, "--") || (n && s[n - 1] == '-'))
		return;
	if (xmlTextWriterWriteComment(h->c->x->w, BAD_CAST xmlw_clean(h->c->x, s, n)) < 0)
		h->c->x->failed = 1;
}

/* The text content of `n`, as a text-only element's content. */
static void text_content(hx *h, xmlNodePtr n)
{
	xmlChar *s = xmlNodeGetContent(n);
	text(h, s);
	xmlFree(s);
}

/* The value of attribute `name` (caller frees with xmlFree), or NULL. */
static xmlChar *prop(xmlNodePtr n, const char *name) { return xmlGetProp(n, BAD_CAST name); }

/* ---- ids ----------------------------------------------------------------- */

/*
 * The id the registry gave element `n`: the first of the node's ids given
 * for n's id as written that is not taken yet. NULL when it has none.
 */
static const char *take_id(hx *h, xmlNodePtr n)
{
	xmlChar *written = h->id_count && n->type == XML_ELEMENT_NODE ? prop(n, "id") : NULL;
	const char *id = NULL;
	if (written && *written && !h->id_taken && !(h->id_taken = calloc(h->id_count, sizeof(bool))))
		h->c->x->failed = 1;
	for (size_t i = 0; written && h->id_taken && i < h->id_count && !id; i++)
		if (!h->id_taken[i] && !strcmp(h->ids[i].written, (const char *)written)) {
			h->id_taken[i] = true;
			id = h->ids[i].id;
		}
	xmlFree(written);
	return id;
}

/* xml:id on the element just started for `n`, when it has an id. */
static void id_attr(hx *h, xmlNodePtr n)
{
	const char *id = take_id(h, n);
	if (id && !h->dry)
		xmlw_attr(h->c->x, "xml:id", id);
}

static void write_anchor(db_ctx *c, const char *id)
{
	db_start(c, "anchor");
	xmlw_attr(c->x, "xml:id", id);
	db_end_empty(c);
}

/* An <anchor> for the id of `n`, an element that becomes no DocBook element: inline, or as a block. */
static void anchor_for(hx *h, xmlNodePtr n, bool block)
{
	const char *id = take_id(h, n);
	if (!id)
		return;
	h->wrote++;
	h->blocks += block;
	if (!h->dry)
		write_anchor(h->c, id);
	if (!h->dry && block)
		xmlw_raw(h->c->x, "\n", 1);
}

/* Anchors for the ids under `top` (not its own): its content was written as text only. */
static void anchors_within(hx *h, xmlNodePtr top, bool block)
{
	xmlNodePtr n = top->children;
	while (n) {
		anchor_for(h, n, block);
		if (n->children) {
			n = n->children;
			continue;
		}
		while (n && n != top && !n->next)
			n = n->parent;
		n = n && n != top ? n->next : NULL;
	}
}

/* Anchors for the node's ids nothing took: of elements whose place had no room for one. */
static void anchors_left(hx *h, bool block)
{
	for (size_t i = 0; i < h->id_count; i++) {
		if (h->id_taken && h->id_taken[i])
			continue;
		h->wrote++;
		h->blocks += block;
		if (!h->dry)
			write_anchor(h->c, h->ids[i].id);
		if (!h->dry && block)
			xmlw_raw(h->c->x, "\n", 1);
	}
	free(h->id_taken);
	h->id_taken = NULL;
}

void db_html_ids_as_anchors(db_ctx *c, const galley_node *n)
{
	const galley_id_record *r;
	size_t count = galley_ids_at(&c->ids, n, &r);
	for (size_t i = 0; i < count; i++)
		write_anchor(c, r[i].id);
}

void db_html_tag_id(db_ctx *c, const galley_node *n)
{
	const galley_id_record *r;
	if (galley_ids_at(&c->ids, n, &r))
		xmlw_attr(c->x, "xml:id", r->id);
}

static void inlines(hx *h, xmlNodePtr first, int depth);
static void blocks(hx *h, xmlNodePtr first, int depth);

static void image(hx *h, xmlNodePtr n, bool block)
{
	xmlChar *src = prop(n, "src"), *alt = prop(n, "alt");
	start(h, block ? "mediaobject" : "inlinemediaobject");
	id_attr(h, n);
	start(h, "imageobject");
	start(h, "imagedata");
	if (!h->dry)
		db_write_url_attr(h->c, "fileref", src ? (const char *)src : "");
	if (!h->dry)
		db_end_empty(h->c);
	end(h);
	if (alt && *alt) {
		start(h, "textobject");
		start(h, "phrase");
		text(h, alt);
		end(h);
		end(h);
	}
	end(h);
	xmlFree(src);
	xmlFree(alt);
}

/* <a>: an anchor for its name or id, then a link for its href, around its content. */
static void anchor_link(hx *h, xmlNodePtr n, int depth)
{
	xmlChar *href = prop(n, "href"), *name = prop(n, "id");
	if (name)
		anchor_for(h, n, false);
	else if ((name = prop(n, "name")) != NULL && *name && !h->dry) {
		const char *id = db_name_id(h->c, (const char *)name);
		if (id)
			write_anchor(h->c, id);
	}
	bool link = href && !galley_url_is_active((const char *)href) &&
	            !db_dangling_fragment(h->c, (const char *)href);
	if (link) {
		const char *target = h->dry ? NULL : db_link_target(h->c, (const char *)href);
		start(h, "link");
		if (target)
			attr(h, "linkend", target);
		else if (!h->dry)
			db_write_url_attr(h->c, "xlink:href", (const char *)href);
	}
	inlines(h, n->children, depth + 1);
	if (link)
		end(h);
	xmlFree(href);
	xmlFree(name);
}

/* An element's dir as DocBook's (ltr, rtl; HTML's auto has no equivalent). */
static void dir_attr(hx *h, xmlNodePtr el)
{
	xmlChar *dir = prop(el, "dir");
	if (dir && (!strcasecmp((const char *)dir, "ltr") || !strcasecmp((const char *)dir, "rtl")))
		attr(h, "dir", !strcasecmp((const char *)dir, "ltr") ? "ltr" : "rtl");
	xmlFree(dir);
}

static void phrase(hx *h, xmlNodePtr n, int depth)
{
	xmlChar *lang = prop(n, "lang"), *cls = prop(n, "class");
	start(h, "phrase");
	id_attr(h, n);
	if (lang && *lang)
		attr(h, "xml:lang", (const char *)lang);
	if (cls && *cls)
		attr(h, "role", (const char *)cls);
	dir_attr(h, n);
	inlines(h, n->children, depth + 1);
	end(h);
	xmlFree(lang);
	xmlFree(cls);
}

/* Inline elements: name, DocBook element, role, and whether it holds text only. */
static const struct {
	const char *tag, *element, *role;
	bool text_only;
} inline_map[] = {
    {"em", "emphasis", NULL, false},
    {"i", "emphasis", NULL, false},
    {"strong", "emphasis", "strong", false},
    {"b", "emphasis", "strong", false},
    {"del", "emphasis", "strikethrough", false},
    {"s", "emphasis", "strikethrough", false},
    {"strike", "emphasis", "strikethrough", false},
    {"u", "emphasis", "underline", false},
    {"ins", "emphasis", "underline", false},
    {"mark", "emphasis", "highlight", false},
    {"sup", "superscript", NULL, false},
    {"sub", "subscript", NULL, false},
    {"q", "quote", NULL, false},
    {"cite", "citetitle", NULL, false},
    {"code", "literal", NULL, true},
    {"tt", "literal", NULL, true},
    {"kbd", "keycap", NULL, true},
    {"samp", "computeroutput", NULL, true},
    {"var", "varname", NULL, true},
    {"abbr", "abbrev", NULL, true},
};

static void inline_element(hx *h, xmlNodePtr n, int depth)
{
	const char *name = (const char *)n->name;
	if (name_is(n, "a")) {
		anchor_link(h, n, depth);
		return;
	}
	if (name_is(n, "span")) {
		phrase(h, n, depth);
		return;
	}
	if (name_is(n, "img")) {
		image(h, n, false);
		return;
	}
	if (name_is(n, "br")) {
		anchor_for(h, n, false);
		text(h, BAD_CAST "\n");
		return;
	}
	if (in_list(n, dropped)) {
		left_out(h, n);
		anchor_for(h, n, false);
		return;
	}
	if (in_list(n, unwrapped) && !h->dry) {
		h->warned++;
		galley_report(h->c->opts, GALLEY_WARNING, galley_node_line(h->at), galley_node_column(h->at),
		              "raw HTML <%s> written as its text: DocBook has no equivalent",
		              (const char *)n->name);
	}
	for (size_t k = 0; k < sizeof(inline_map) / sizeof(inline_map[0]); k++) {
		if (strcasecmp(name, inline_map[k].tag))
			continue;
		start(h, inline_map[k].element);
		id_attr(h, n);
		attr(h, "role", inline_map[k].role);
		if (inline_map[k].text_only)
			text_content(h, n);
		else
			inlines(h, n->children, depth + 1);
		end(h);
		if (inline_map[k].text_only)
			anchors_within(h, n, false);
		return;
	}
	anchor_for(h, n, false);
	inlines(h, n->children, depth + 1); /* an element DocBook does not need: its content */
}

static void inline_node(hx *h, xmlNodePtr n, int depth)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
		text(h, n->content);
	else if (n->type == XML_COMMENT_NODE)
		comment(h, n->content);
	else if (n->type != XML_ELEMENT_NODE)
		return;
	else if (depth >= MAX_HTML_DEPTH) {
		text_content(h, n);
		anchor_for(h, n, false);
		anchors_within(h, n, false);
	} else
		inline_element(h, n, depth);
}

static void inlines(hx *h, xmlNodePtr first, int depth)
{
	for (xmlNodePtr n = first; n; n = n->next)
		inline_node(h, n, depth);
}

/* ---- blocks ------------------------------------------------------------ */

/* A block container's content, with an empty <para/> when it has none. */
static void filled_blocks(hx *h, xmlNodePtr first, int depth)
{
	int before = h->blocks;
	blocks(h, first, depth + 1);
	if (h->blocks == before) {
		start(h, "para");
		end_block(h);
	}
}

static void list(hx *h, xmlNodePtr n, int depth)
{
	bool any = false;
	for (xmlNodePtr li = n->children; li; li = li->next)
		any = any || name_is(li, "li");
	if (!any) {
		anchor_for(h, n, true);
		blocks(h, n->children, depth + 1);
		return;
	}
	start(h, name_is(n, "ol") ? "orderedlist" : "itemizedlist");
	id_attr(h, n);
	if (name_is(n, "ol"))
		attr(h, "numeration", "arabic");
	for (xmlNodePtr li = n->children; li; li = li->next) {
		if (!name_is(li, "li"))
			continue;
		start(h, "listitem");
		id_attr(h, li);
		filled_blocks(h, li->children, depth);
		end_block(h);
	}
	end_block(h);
}

static bool has_block_child(xmlNodePtr n)
{
	for (xmlNodePtr ch = n->children; ch; ch = ch->next)
		if (is_block(ch))
			return true;
	return false;
}

/* The rows of a table, in order: its own and those of thead, tbody and tfoot (`rows` NULL: count them). */
static int table_rows(xmlNodePtr t, xmlNodePtr *rows, int *cols)
{
	int count = 0;
	*cols = 0;
	for (xmlNodePtr g = t->children; g; g = g->next) {
		xmlNodePtr first = name_is(g, "tr") ? g : g->children,
		           stop = name_is(g, "tr") ? g->next : NULL;
		if (!name_is(g, "tr") && !name_is(g, "thead") && !name_is(g, "tbody") && !name_is(g, "tfoot"))
			continue;
		for (xmlNodePtr r = first; r && r != stop; r = r->next) {
			int k = 0;
			if (!name_is(r, "tr"))
				continue;
			for (xmlNodePtr cell = r->children; cell; cell = cell->next)
				k += name_is(cell, "td") || name_is(cell, "th");
			if (k > *cols)
				*cols = k;
			if (rows)
				rows[count] = r;
			count++;
		}
	}
	return count;
}

static void table_row(hx *h, xmlNodePtr r, int depth)
{
	start(h, "row");
	id_attr(h, r);
	for (xmlNodePtr cell = r->children; cell; cell = cell->next) {
		if (!name_is(cell, "td") && !name_is(cell, "th"))
			continue;
		start(h, "entry");
		id_attr(h, cell);
		if (has_block_child(cell)) {
			int before = h->blocks;
			filled_blocks(h, cell->children, depth);
			h->blocks = before;
		} else {
			inlines(h, cell->children, depth + 1);
		}
		end(h);
	}
	end_block(h);
}

/* A table: an informaltable, its leading <thead> rows as the thead when body rows follow. */
static void table(hx *h, xmlNodePtr t, int depth)
{
	int cols, n = table_rows(t, NULL, &cols), head = 0;
	xmlNodePtr *rows = n ? malloc((size_t)n * sizeof(*rows)) : NULL;
	for (xmlNodePtr ch = t->children; ch; ch = ch->next)
		if (name_is(ch, "caption"))
			blocks(h, ch->children, depth + 1);
	if (!rows || !cols) {
		if (n && !rows)
			h->c->x->failed = 1;
		free(rows);
		return;
	}
	table_rows(t, rows, &cols);
	while (head < n && name_is(rows[head]->parent, "thead"))
		head++;
	if (head == n)
		head = 0;
	start(h, "informaltable");
	id_attr(h, t);
	start(h, "tgroup");
	if (!h->dry)
		xmlw_attrf(h->c->x, "cols", "%d", cols);
	for (int i = 0; i < n; i++) {
		if (i == 0 && head)
			start(h, "thead");
		if (i == head)
			start(h, "tbody");
		table_row(h, rows[i], depth);
		if (i + 1 == head)
			end(h);
	}
	end(h); /* tbody */
	end(h); /* tgroup */
	end_block(h);
	free(rows);
}

static void block_element(hx *h, xmlNodePtr n, int depth)
{
	if (in_list(n, dropped)) {
		left_out(h, n);
		anchor_for(h, n, true);
	} else if (name_is(n, "p")) {
		start(h, "para");
		id_attr(h, n);
		inlines(h, n->children, depth + 1);
		end_block(h);
	} else if (name_is(n, "blockquote")) {
		start(h, "blockquote");
		id_attr(h, n);
		filled_blocks(h, n->children, depth);
		end_block(h);
	} else if (name_is(n, "ul") || name_is(n, "ol")) {
		list(h, n, depth);
	} else if (name_is(n, "pre")) {
		xmlChar *code = xmlNodeGetContent(n);
		start(h, "programlisting");
		id_attr(h, n);
		if (code && !h->dry) {
			h->c->code.len = 0;
			galley_expand_tabs(&h->c->code, (const char *)code, strlen((const char *)code),
			                   h->c->tab_stop);
			xmlw_text(h->c->x, (const char *)h->c->code.data, h->c->code.len);
		}
		xmlFree(code);
		end_block(h);
		anchors_within(h, n, true);
	} else if (in_list(n, headings)) {
		start(h, "bridgehead");
		id_attr(h, n);
		inlines(h, n->children, depth + 1);
		end_block(h);
	} else if (name_is(n, "table")) {
		table(h, n, depth);
	} else {
		anchor_for(h, n, true);
		blocks(h, n->children, depth + 1); /* a container: its content */
	}
}

/* Siblings as blocks: each run of inline content in a <para>. */
static void blocks(hx *h, xmlNodePtr first, int depth)
{
	bool para = false;
	for (xmlNodePtr n = first; n; n = n->next) {
		bool is_inline = n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE ||
		                 (n->type == XML_ELEMENT_NODE && !is_block(n));
		if (n->type == XML_COMMENT_NODE) {
			comment(h, n->content);
			continue;
		}
		if (is_inline && !para && n->type != XML_ELEMENT_NODE && is_blank(n->content))
			continue;
		if (is_inline && !para) {
			start(h, "para");
			para = true;
		} else if (!is_inline && para) {
			end_block(h);
			para = false;
		}
		if (is_inline)
			inline_node(h, n, depth);
		else if (n->type == XML_ELEMENT_NODE && depth < MAX_HTML_DEPTH)
			block_element(h, n, depth);
		else if (n->type == XML_ELEMENT_NODE) {
			start(h, "para");
			text_content(h, n);
			anchor_for(h, n, false);
			anchors_within(h, n, false);
			end_block(h);
		}
	}
	if (para)
		end_block(h);
}

/* ---- entry points ------------------------------------------------------ */

/* The parsed raw HTML's body content (inside "<html><body>"), or NULL. */
static htmlDocPtr parse(const galley_node *n, xmlNodePtr *first)
{
	galley_buf in = GALLEY_BUF_INIT;
	htmlDocPtr doc = NULL;
	*first = NULL;
	size_t len;
	const char *lit = galley_node_literal(n, &len);
	galley_buf_puts(&in, "<html><body>");
	galley_buf_put(&in, lit, len);
	if (!in.failed && in.len < (size_t)1 << 30)
		doc = htmlReadMemory((const char *)in.data, (int)in.len, NULL, "UTF-8",
		                     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	galley_buf_free(&in);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	for (xmlNodePtr ch = root ? root->children : NULL; ch; ch = ch->next)
		if (name_is(ch, "body"))
			*first = ch->children;
	return doc;
}

/* A raw HTML block as DocBook blocks, or (dry) only counted; the number of blocks. */
static int html_blocks(db_ctx *c, const galley_node *n, bool dry)
{
	hx h;
	xmlNodePtr first;
	hx_init(&h, c, n, dry);
	htmlDocPtr doc = parse(n, &first);
	blocks(&h, first, 0);
	anchors_left(&h, true);
	xmlFreeDoc(doc);
	return h.blocks;
}

bool db_html_writes_block(db_ctx *c, const galley_node *n) { return html_blocks(c, n, true) > 0; }

void db_html_block(db_ctx *c, const galley_node *n) { html_blocks(c, n, false); }

void db_html_inline(db_ctx *c, const galley_node *n)
{
	hx h;
	xmlNodePtr first;
	hx_init(&h, c, n, false);
	htmlDocPtr doc = parse(n, &first);
	inlines(&h, first, 0);
	anchors_left(&h, false);
	xmlFreeDoc(doc);
	if (!h.wrote && !h.warned) {
		size_t len;
		const char *lit = galley_node_literal(n, &len);
		galley_report(c->opts, GALLEY_WARNING, galley_node_line(n), galley_node_column(n),
		              "raw HTML %.*s left out: DocBook has no equivalent", len > 40 ? 40 : (int)len,
		              lit);
	}
}

bool db_html_open_tag(db_ctx *c, const galley_node *n, bool write)
{
	hx h;
	xmlNodePtr el;
	hx_init(&h, c, n, !write);
	htmlDocPtr doc = parse(n, &el);
	bool open = false;
	if (el && name_is(el, "span")) {
		xmlChar *lang = prop(el, "lang"), *cls = prop(el, "class");
		start(&h, "phrase");
		id_attr(&h, el);
		if (lang && *lang)
			attr(&h, "xml:lang", (const char *)lang);
		if (cls && *cls)
			attr(&h, "role", (const char *)cls);
		dir_attr(&h, el);
		open = true;
		xmlFree(lang);
		xmlFree(cls);
	} else if (el && name_is(el, "a")) {
		/* anchor_link with no content: the link stays open for the siblings up to </a> */
		xmlChar *href = prop(el, "href");
		xmlNodePtr saved = el->children;
		el->children = NULL;
		open = href && !galley_url_is_active((const char *)href) &&
		       !db_dangling_fragment(c, (const char *)href);
		if (open) {
			xmlUnsetProp(el, BAD_CAST "href");
			anchor_link(&h, el, 0);
			const char *target = h.dry ? NULL : db_link_target(c, (const char *)href);
			start(&h, "link");
			if (target)
				attr(&h, "linkend", target);
			else if (!h.dry)
				db_write_url_attr(c, "xlink:href", (const char *)href);
		} else {
			anchor_link(&h, el, 0);
		}
		el->children = saved;
		xmlFree(href);
	}
	free(h.id_taken);
	xmlFreeDoc(doc);
	return open;
}

/* The names (of those without an id) and hrefs of the <a> elements under `el` and its siblings, in order. */
static int scan_anchors(xmlNodePtr el, int (*fn)(db_ctx *c, const char *name, const char *href), db_ctx *c)
{
	int rc = 0;
	/* document order, without recursion: down to the first child, else on to the next sibling up the tree
	 */
	while (el && rc == 0) {
		if (name_is(el, "a")) {
			xmlChar *id = prop(el, "id"), *name = id ? NULL : prop(el, "name"),
			        *href = prop(el, "href");
			rc = fn(c, (const char *)name, (const char *)href);
			xmlFree(id);
			xmlFree(name);
			xmlFree(href);
		}
		if (el->children) {
			el = el->children;
			continue;
		}
		while (el && !el->next)
			el =
			    el->parent && el->parent->type == XML_ELEMENT_NODE && !name_is(el->parent, "body")
			        ? el->parent
			        : NULL;
		if (el)
			el = el->next;
	}
	return rc;
}

int db_html_scan_anchors(const galley_node *n, int (*fn)(db_ctx *c, const char *name, const char *href),
                         db_ctx *c)
{
	xmlNodePtr el;
	htmlDocPtr doc = parse(n, &el);
	int rc = scan_anchors(el, fn, c);
	xmlFreeDoc(doc);
	return rc;
}
