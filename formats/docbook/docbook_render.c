/* docbook_render.c - blocks and inlines as DocBook 5 elements. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "../../src/mathml.h"
#include "../../src/url.h"
#include "docbook.h"

#define CHECKED_BOX "\xE2\x98\x92"   /* U+2612, the ballot box with X DocBook readers expect */
#define UNCHECKED_BOX "\xE2\x98\x90" /* U+2610 */

typedef enum cell_mode { CELL_INLINES, CELL_LAYOUT, CELL_BLOCKS } cell_mode;

static bool is_inline(const galley_node *n)
{
	return !galley_node_type_is_block((galley_node_type)galley_node_get_type(n));
}

static bool has_block_child(const galley_node *n)
{
	for (const galley_node *ch = galley_node_first_child(n); ch; ch = galley_node_next(ch))
		if (!is_inline(ch))
			return true;
	return false;
}

/* Nodes whose DocBook element holds blocks only; inline children get wrapped in <para>. */
static bool takes_blocks(const galley_node *n)
{
	switch ((galley_node_type)galley_node_get_type(n)) {
	case GALLEY_NODE_DOCUMENT:
	case GALLEY_NODE_LIST_ITEM:
	case GALLEY_NODE_BLOCK_QUOTE:
	case GALLEY_NODE_DEF_DESC:
	case GALLEY_NODE_FOOTNOTE_DEF:
		return true;
	case GALLEY_NODE_TABLE_CELL:
		return has_block_child(n);
	default:
		return false;
	}
}

static bool in_block_container(const galley_node *n)
{
	return is_inline(n) && galley_node_parent(n) && takes_blocks(galley_node_parent(n));
}

/* A hard break anywhere in the inlines of `n` (not in image alt text, which is written as plain text). */
static bool has_hard_break(const galley_node *n)
{
	galley_walk w;
	galley_walk_init(&w, (galley_node *)n);
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		if (w.event != GALLEY_EVENT_ENTER)
			continue;
		if (galley_node_get_type(w.node) == GALLEY_NODE_HARD_BREAK)
			return true;
		if (galley_node_get_type(w.node) == GALLEY_NODE_IMAGE && w.node != n)
			galley_walk_skip_children(&w);
	}
	return false;
}

static cell_mode cell_mode_of(const galley_node *cell)
{
	if (has_block_child(cell))
		return CELL_BLOCKS;
	return has_hard_break(cell) ? CELL_LAYOUT : CELL_INLINES;
}

/* ---- raw content ---------------------------------------------------- */

static bool is_raw(const galley_node *n)
{
	return galley_node_get_type(n) == GALLEY_NODE_RAW_BLOCK ||
	       galley_node_get_type(n) == GALLEY_NODE_RAW_INLINE;
}

static bool is_docbook_raw(const galley_node *n)
{
	return is_raw(n) && galley_node_info(n) && !strcmp(galley_node_info(n), "docbook");
}

/* Raw DocBook is passed through only when it parses as XML content in the DocBook namespace. */
static bool raw_well_formed(const galley_node *n)
{
	galley_buf b = GALLEY_BUF_INIT;
	xmlDocPtr parsed = NULL;
	size_t len;
	const char *lit = galley_node_literal(n, &len);
	galley_buf_puts(
	    &b, "<r xmlns=\"http://docbook.org/ns/docbook\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">");
	galley_buf_put(&b, lit, len);
	galley_buf_puts(&b, "</r>");
	if (!b.failed && b.len < (size_t)1 << 30)
		parsed = xmlReadMemory((const char *)b.data, (int)b.len, NULL, "UTF-8",
		                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	galley_buf_free(&b);
	if (!parsed)
		return false;
	xmlFreeDoc(parsed);
	return true;
}

static bool raw_passes(const galley_node *n) { return is_docbook_raw(n) && raw_well_formed(n); }

static bool is_html_raw(const galley_node *n)
{
	return is_raw(n) && (!galley_node_info(n) || !strcmp(galley_node_info(n), "html"));
}

bool db_writes_block(db_ctx *c, const galley_node *n)
{
	switch ((galley_node_type)galley_node_get_type(n)) {
	case GALLEY_NODE_THEMATIC_BREAK:
	case GALLEY_NODE_FOOTNOTE_DEF:
		return false;
	case GALLEY_NODE_RAW_BLOCK:
		return is_html_raw(n) ? db_html_writes_block(c, n) : raw_passes(n);
	case GALLEY_NODE_RAW_INLINE:
		return raw_passes(n);
	case GALLEY_NODE_BULLET_LIST:
	case GALLEY_NODE_ORDERED_LIST:
	case GALLEY_NODE_DEF_LIST:
	case GALLEY_NODE_TABLE:
		return galley_node_first_child(n) != NULL;
	default:
		return true;
	}
}

/* True when the element for container `n` gets at least one block from its children. */
static bool has_output_block(db_ctx *c, const galley_node *n)
{
	for (const galley_node *ch = galley_node_first_child(n); ch; ch = galley_node_next(ch))
		if (is_inline(ch) || db_writes_block(c, ch))
			return true;
	return false;
}

/* ---- small writers ---------------------------------------------------- */

void db_start(db_ctx *c, const char *name)
{
	xmlw_start(c->x, name);
	if (c->fragment && c->depth == 0) {
		xmlw_attr(c->x, "xmlns", "http://docbook.org/ns/docbook");
		xmlw_attr(c->x, "xmlns:xlink", "http://www.w3.org/1999/xlink");
	}
	c->depth++;
}

void db_end(db_ctx *c)
{
	xmlw_end(c->x);
	c->depth--;
}

void db_end_empty(db_ctx *c)
{
	xmlw_end_empty(c->x);
	c->depth--;
}

void db_elem(db_ctx *c, const char *name, const char *text)
{
	db_start(c, name);
	xmlw_str(c->x, text);
	db_end(c);
}

void db_end_block(db_ctx *c)
{
	db_end(c);
	xmlw_raw(c->x, "\n", 1);
}

static void start_container(db_ctx *c, const char *name)
{
	db_start(c, name);
	xmlw_raw(c->x, "\n", 1);
}

/* <para/> where the grammar wants a block and the model has none. */
static void empty_para(db_ctx *c)
{
	db_start(c, "para");
	db_end_block(c);
}

static void fill_if_empty(db_ctx *c, const galley_node *n)
{
	if (!has_output_block(c, n))
		empty_para(c);
}

static bool is_scheme(const char *s, size_t len)
{
	if (!len || !isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("+-.", s[i]))
			return false;
	return true;
}

/*
 * The schema types URLs as xsd:anyURI, stricter than browsers: a '%' must
 * start an escape, only one '#' may appear, and a colon before any '/' must
 * end a scheme ("foo):" becomes "./foo):", the same relative reference).
 */
static void make_uri(galley_buf *out, const char *escaped)
{
	size_t head = strcspn(escaped, ":/?#");
	bool fragment = false;
	out->len = 0;
	if (escaped[head] == ':' && !is_scheme(escaped, head))
		galley_buf_puts(out, "./");
	for (const char *p = escaped; *p; p++) {
		if (*p == '%' && !(isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])))
			galley_buf_puts(out, "%25");
		else if (*p == '#' && fragment)
			galley_buf_puts(out, "%23");
		else
			galley_buf_putc(out, *p);
		fragment = fragment || *p == '#';
	}
	galley_buf_put(out, "", 0);
}

void db_write_url_attr(db_ctx *c, const char *name, const char *url)
{
	if (!url || galley_url_is_active(url)) {
		xmlw_attr(c->x, name, "");
		return;
	}
	c->scratch.len = 0;
	galley_url_escape(&c->scratch, url);
	make_uri(&c->uri, c->scratch.data ? (const char *)c->scratch.data : "");
	xmlw_attr(c->x, name, c->uri.data ? (const char *)c->uri.data : "");
}

void db_write_role(db_ctx *c, const galley_node *n)
{
	const char *classes = galley_node_classes(n);
	if (classes && *classes)
		xmlw_attr(c->x, "role", classes);
}

/* A span: a phrase with its id, classes (role) and language. */
static void enter_span(db_ctx *c, const galley_node *n)
{
	const char *id = db_heading_id(c, n), *lang = galley_node_attr(n, "lang");
	db_start(c, "phrase");
	if (id)
		xmlw_attr(c->x, "xml:id", id);
	db_write_role(c, n);
	if (lang && *lang)
		xmlw_attr(c->x, "xml:lang", lang);
}

static void start_with_role(db_ctx *c, const char *name, const char *role)
{
	db_start(c, name);
	if (role)
		xmlw_attr(c->x, "role", role);
}

static void left_out(db_ctx *c, const galley_node *n, const char *what)
{
	galley_report(c->opts, GALLEY_WARNING, galley_node_line(n), galley_node_column(n),
	              "%s left out: DocBook has no equivalent", what);
}

/* Inline HTML elements with a DocBook counterpart (the reader already maps <em>, <sup>, ...). */
static const struct {
	const char *tag;
	const char *element;
	const char *role;
} html_inlines[] = {
    {"kbd", "keycap", NULL},
    {"code", "literal", NULL},
    {"samp", "computeroutput", NULL},
    {"var", "varname", NULL},
    {"cite", "citetitle", NULL},
    {"q", "quote", NULL},
    {"abbr", "abbrev", NULL},
    {"span", NULL, NULL},
    {"a", NULL, NULL},
    {"u", "emphasis", "underline"},
    {"ins", "emphasis", "underline"},
    {"mark", "emphasis", "highlight"},
};

/* The html_inlines entry of a raw "<tag>", "<tag attributes>" or "</tag>", or -1. */
static int html_inline_tag(const galley_node *n, bool *closing)
{
	size_t len, i = 1, name;
	const char *s = galley_node_literal(n, &len);
	if (galley_node_get_type(n) != GALLEY_NODE_RAW_INLINE ||
	    (galley_node_info(n) && strcmp(galley_node_info(n), "html")) || len < 3 || s[0] != '<' ||
	    s[len - 1] != '>' || s[len - 2] == '/')
		return -1;
	*closing = s[1] == '/';
	i += *closing;
	name = i;
	while (i < len && isalpha((unsigned char)s[i]))
		i++;
	name = i - name;
	if (!name || (*closing ? i != len - 1 : !strchr("> \t\n", s[i])))
		return -1;
	for (size_t k = 0; k < sizeof(html_inlines) / sizeof(html_inlines[0]); k++)
		if (strlen(html_inlines[k].tag) == name &&
		    !strncasecmp(s + i - name, html_inlines[k].tag, name))
			return (int)k;
	return -1;
}

/*
 * An opening tag is mapped when the next raw inline among its siblings is
 * its closing tag, and the closing tag when the previous one is its opening
 * tag: the element then wraps whole siblings and stays well-formed.
 */
static const galley_node *html_inline_paired(const galley_node *n, int *entry, bool *closing)
{
	bool other;
	*entry = html_inline_tag(n, closing);
	if (*entry < 0)
		return NULL;
	for (const galley_node *p = *closing ? galley_node_prev(n) : galley_node_next(n); p;
	     p = *closing ? galley_node_prev(p) : galley_node_next(p))
		if (galley_node_get_type(p) == GALLEY_NODE_RAW_INLINE)
			return html_inline_tag(p, &other) == *entry && other != *closing ? p : NULL;
	return NULL;
}

static bool write_html_inline(db_ctx *c, const galley_node *n)
{
	int k;
	bool closing;
	const galley_node *partner = html_inline_paired(n, &k, &closing);
	if (!partner)
		return false;
	if (!html_inlines[k].element) { /* <a> and <span>: what they open depends on their attributes */
		if (!closing)
			db_html_open_tag(c, n, true);
		else if (db_html_open_tag(c, partner, false))
			db_end(c);
	} else if (closing) {
		db_end(c);
	} else {
		start_with_role(c, html_inlines[k].element, html_inlines[k].role);
		db_html_tag_id(c, n);
	}
	return true;
}

/*
 * A raw <script> (<style>, ...) whose closing tag is a later sibling: what
 * lies between is its code, left out with it.
 */
static bool skip_raw_code(db_ctx *c, const galley_node *n)
{
	static const char *const tags[] = {"<script", "<style", "<textarea", "<template", NULL};
	size_t n_len, p_len;
	const char *n_lit = galley_node_literal(n, &n_len);
	for (size_t k = 0; tags[k]; k++) {
		size_t len = strlen(tags[k]);
		if (galley_node_get_type(n) != GALLEY_NODE_RAW_INLINE || n_len <= len ||
		    strncasecmp(n_lit, tags[k], len) || !strchr("> \t\n", n_lit[len]))
			continue;
		for (const galley_node *p = galley_node_next(n); p; p = galley_node_next(p)) {
			const char *p_lit = galley_node_literal(p, &p_len);
			if (galley_node_get_type(p) == GALLEY_NODE_RAW_INLINE && p_len > len + 1 &&
			    p_lit[1] == '/' && !strncasecmp(p_lit + 2, tags[k] + 1, len - 1)) {
				c->skip_to = p;
				/* the ids of what is left out stay, so that links to them do not dangle */
				for (const galley_node *q = n; q != galley_node_next(p);
				     q = galley_node_next(q))
					if (galley_node_get_type(q) == GALLEY_NODE_RAW_INLINE)
						db_html_ids_as_anchors(c, q);
				galley_report(
				    c->opts, GALLEY_WARNING, galley_node_line(n), galley_node_column(n),
				    "raw HTML %s> left out with its content: DocBook has no equivalent",
				    tags[k]);
				return true;
			}
		}
	}
	return false;
}

static void write_raw(db_ctx *c, const galley_node *n)
{
	if (write_html_inline(c, n) || skip_raw_code(c, n))
		return;
	if (raw_passes(n)) {
		size_t len;
		const char *lit = galley_node_literal(n, &len);
		xmlw_raw(c->x, lit, len);
		if (galley_node_get_type(n) == GALLEY_NODE_RAW_BLOCK)
			xmlw_raw(c->x, "\n", 1);
	} else if (is_docbook_raw(n)) {
		galley_report(c->opts, GALLEY_WARNING, galley_node_line(n), galley_node_column(n),
		              "raw DocBook left out: it is not well-formed");
	} else if (is_html_raw(n) && galley_node_get_type(n) == GALLEY_NODE_RAW_BLOCK) {
		db_html_block(c, n);
	} else if (is_html_raw(n)) {
		db_html_inline(c, n);
	} else {
		left_out(c, n, "raw content");
	}
}

/* ---- footnotes -------------------------------------------------------- */

static int write_note(db_ctx *c, int num)
{
	const galley_node *def = c->note_def[num];
	bool layout = c->layout;
	int rc;
	c->note_state[num] = DB_NOTE_WRITTEN;
	db_start(c, "footnote");
	if (c->note_id[num])
		xmlw_attr(c->x, "xml:id", c->note_id[num]);
	xmlw_raw(c->x, "\n", 1);
	c->layout = false;
	c->in_note++;
	rc = db_render_children(c, def);
	fill_if_empty(c, def);
	c->in_note--;
	c->layout = layout;
	db_end(c);
	return rc;
}

/*
 * The first reference outside any note writes the note in place. A note
 * cannot hold a footnote, so a reference inside one becomes a footnoteref,
 * and a note first met there is written right after the outer note.
 */
static int write_note_ref(db_ctx *c, const galley_node *n)
{
	int num = galley_node_footnote_number(n), rc;
	if (!galley_node_footnote_def(n) || num <= 0 || num > c->notes) {
		const char *label = galley_node_footnote_label(n);
		xmlw_str(c->x, "[^");
		xmlw_str(c->x, label ? label : "");
		xmlw_str(c->x, "]");
		return 0;
	}
	if (!c->note_def[num])
		c->note_def[num] = galley_node_footnote_def(n);
	if (c->note_state[num] != DB_NOTE_UNWRITTEN || c->in_note) {
		if (c->note_state[num] == DB_NOTE_UNWRITTEN) {
			c->note_state[num] = DB_NOTE_QUEUED;
			c->queue[c->queued++] = num;
		}
		if (c->note_id[num]) {
			db_start(c, "footnoteref");
			xmlw_attr(c->x, "linkend", c->note_id[num]);
			db_end_empty(c);
		}
		return 0;
	}
	rc = write_note(c, num);
	for (int i = 0; rc == 0 && i < c->queued; i++)
		rc = write_note(c, c->queue[i]);
	c->queued = 0;
	return rc;
}

/* ---- images ----------------------------------------------------------- */

static void write_alt(db_ctx *c, const galley_node *img)
{
	char *alt = galley_node_plain_text(img);
	if (!alt) {
		c->x->failed = 1;
		return;
	}
	if (*alt) {
		db_start(c, "textobject");
		db_elem(c, "phrase", alt);
		db_end(c);
	}
	free(alt);
}

static void write_imageobject(db_ctx *c, const galley_node *img)
{
	db_start(c, "imageobject");
	db_start(c, "imagedata");
	db_write_url_attr(c, "fileref", galley_node_url(img));
	db_end_empty(c);
	db_end(c);
}

static void write_inline_image(db_ctx *c, const galley_node *img)
{
	db_start(c, "inlinemediaobject");
	write_imageobject(c, img);
	write_alt(c, img);
	db_end(c);
}

/*
 * A figure's caption is its image's alt text, as inlines. Inside a note the
 * Schematron rules forbid a formal figure: an informalfigure keeps the caption
 * in the mediaobject.
 */
static int write_figure(db_ctx *c, const galley_node *img)
{
	int rc = 0;
	bool formal = c->in_note == 0;
	db_start(c, formal ? "figure" : "informalfigure");
	if (formal) {
		db_start(c, "title");
		rc = db_render_children(c, img);
		db_end(c);
	}
	db_start(c, "mediaobject");
	write_imageobject(c, img);
	write_alt(c, img);
	if (!formal && rc == 0) {
		db_start(c, "caption");
		db_start(c, "para");
		rc = db_render_children(c, img);
		db_end(c);
		db_end(c);
	}
	db_end(c);
	db_end_block(c);
	return rc;
}

static const galley_node *figure_image(const galley_node *fig)
{
	return galley_node_first_child(fig) &&
	               galley_node_get_type(galley_node_first_child(fig)) == GALLEY_NODE_IMAGE
	           ? galley_node_first_child(fig)
	           : NULL;
}

/* ---- lists, tables, definitions -------------------------------------- */

static void enter_list(db_ctx *c, const galley_node *n)
{
	bool ordered = galley_node_get_type(n) == GALLEY_NODE_ORDERED_LIST;
	db_start(c, ordered ? "orderedlist" : "itemizedlist");
	if (ordered && galley_node_list_start(n) != 1)
		xmlw_attrf(c->x, "startingnumber", "%d", galley_node_list_start(n));
	/* always: the stylesheets number nested lists 1, a, i otherwise */
	switch (ordered ? galley_node_list_numbering(n) : 0) {
	case '1':
		xmlw_attr(c->x, "numeration", "arabic");
		break;
	case 'a':
		xmlw_attr(c->x, "numeration", "loweralpha");
		break;
	case 'A':
		xmlw_attr(c->x, "numeration", "upperalpha");
		break;
	case 'i':
		xmlw_attr(c->x, "numeration", "lowerroman");
		break;
	case 'I':
		xmlw_attr(c->x, "numeration", "upperroman");
		break;
	default:
		break;
	}
	if (galley_node_list_tight(n))
		xmlw_attr(c->x, "spacing", "compact");
	xmlw_raw(c->x, "\n", 1);
}

static void write_task_box(db_ctx *c, const galley_node *item)
{
	xmlw_str(c->x, galley_node_task(item) == GALLEY_TASK_CHECKED ? CHECKED_BOX " " : UNCHECKED_BOX " ");
}

static void enter_item(db_ctx *c, const galley_node *n)
{
	start_container(c, "listitem");
	if (galley_node_task(n) &&
	    (!galley_node_first_child(n) ||
	     galley_node_get_type(galley_node_first_child(n)) != GALLEY_NODE_PARAGRAPH)) {
		db_start(c, "para");
		write_task_box(c, n);
		db_end_block(c);
	}
}

static void enter_paragraph(db_ctx *c, const galley_node *n)
{
	const galley_node *item = galley_node_parent(n);
	/* literallayout keeps hard line breaks, which <para> cannot hold */
	c->layout = has_hard_break(n);
	db_start(c, c->layout ? "literallayout" : "para");
	if (item && galley_node_get_type(item) == GALLEY_NODE_LIST_ITEM && galley_node_task(item) &&
	    galley_node_first_child(item) == n)
		write_task_box(c, item);
}

static int table_columns(const galley_node *t)
{
	int cols = galley_node_table_columns(t);
	for (const galley_node *row = galley_node_first_child(t); row; row = galley_node_next(row)) {
		int k = 0;
		for (const galley_node *cell = galley_node_first_child(row); cell;
		     cell = galley_node_next(cell))
			k++;
		if (k > cols)
			cols = k;
	}
	return cols > 0 ? cols : 1;
}

static void enter_table(db_ctx *c, const galley_node *t)
{
	int cols = table_columns(t);
	start_container(c, "informaltable");
	db_start(c, "tgroup");
	xmlw_attrf(c->x, "cols", "%d", cols);
	xmlw_raw(c->x, "\n", 1);
	for (int i = 0; i < cols; i++) {
		galley_align al = galley_node_table_align(t, i);
		const char *align = al == GALLEY_ALIGN_NONE ? NULL : galley_align_name(al);
		db_start(c, "colspec");
		xmlw_attrf(c->x, "colname", "c%d", i + 1);
		if (align)
			xmlw_attr(c->x, "align", align);
		int share = (int)(galley_node_table_width(t, i) * 100 + 0.5f);
		if (galley_node_table_width(t, i) > 0) /* proportional, as the source's dashes */
			xmlw_attrf(c->x, "colwidth", "%d*", share > 0 ? share : 1);
		db_end_empty(c);
		xmlw_raw(c->x, "\n", 1);
	}
}

/*
 * The leading header rows form the thead, when body rows follow: CALS needs
 * a tbody with at least one row, so a table of header rows only puts them in
 * the tbody.
 */
static bool row_in_head(const galley_node *r)
{
	if (!r || !galley_node_row_is_header(r))
		return false;
	for (const galley_node *p = galley_node_prev(r); p; p = galley_node_prev(p))
		if (!galley_node_row_is_header(p))
			return false;
	for (const galley_node *p = galley_node_next(r); p; p = galley_node_next(p))
		if (!galley_node_row_is_header(p))
			return true;
	return false;
}

static void enter_row(db_ctx *c, const galley_node *r)
{
	bool head = row_in_head(r);
	if (head && !galley_node_prev(r))
		start_container(c, "thead");
	else if (!head && (!galley_node_prev(r) || row_in_head(galley_node_prev(r))))
		start_container(c, "tbody");
	db_start(c, "row");
	if (!galley_node_first_child(r)) {
		db_start(c, "entry");
		db_end(c);
	}
}

static void leave_row(db_ctx *c, const galley_node *r)
{
	bool head = row_in_head(r);
	db_end_block(c);
	if (head && !row_in_head(galley_node_next(r)))
		db_end_block(c);
	else if (!head && !galley_node_next(r))
		db_end_block(c);
}

static void enter_cell(db_ctx *c, const galley_node *cell)
{
	cell_mode mode = cell_mode_of(cell);
	db_start(c, "entry");
	if (mode == CELL_LAYOUT) {
		db_start(c, "literallayout");
		c->layout = true;
	} else if (mode == CELL_BLOCKS) {
		xmlw_raw(c->x, "\n", 1);
	}
}

static void leave_cell(db_ctx *c, const galley_node *cell)
{
	cell_mode mode = cell_mode_of(cell);
	if (mode == CELL_LAYOUT) {
		db_end(c);
		c->layout = false;
	} else if (mode == CELL_BLOCKS) {
		fill_if_empty(c, cell);
	}
	db_end(c);
}

/* varlistentry holds term+, listitem: the descriptions share one listitem. */
static void enter_def_item(db_ctx *c, const galley_node *item)
{
	start_container(c, "varlistentry");
	if (!galley_node_first_child(item) ||
	    galley_node_get_type(galley_node_first_child(item)) != GALLEY_NODE_DEF_TERM) {
		db_start(c, "term");
		db_end_block(c);
	}
}

static bool has_desc(const galley_node *item)
{
	for (const galley_node *ch = galley_node_first_child(item); ch; ch = galley_node_next(ch))
		if (galley_node_get_type(ch) == GALLEY_NODE_DEF_DESC)
			return true;
	return false;
}

static void leave_def_item(db_ctx *c, const galley_node *item)
{
	if (!has_desc(item)) {
		start_container(c, "listitem");
		empty_para(c);
		db_end_block(c);
	}
	db_end_block(c);
}

static void enter_def_desc(db_ctx *c, const galley_node *d)
{
	if (!galley_node_prev(d) || galley_node_get_type(galley_node_prev(d)) != GALLEY_NODE_DEF_DESC)
		start_container(c, "listitem");
}

static void leave_def_desc(db_ctx *c, const galley_node *d)
{
	fill_if_empty(c, d);
	if (!galley_node_next(d) || galley_node_get_type(galley_node_next(d)) != GALLEY_NODE_DEF_DESC)
		db_end_block(c);
}

/* ---- links and headings ---------------------------------------------- */

/*
 * A link to "#id" where the document has no such id would be a dangling
 * link for DocBook tools (they read it as a linkend): its text is written
 * without it. So is a link to a script URL.
 */
static bool link_opens(db_ctx *c, const galley_node *n)
{
	const char *url = galley_node_url(n);
	return !galley_url_is_active(url) && !db_dangling_fragment(c, url);
}

static void enter_link(db_ctx *c, const galley_node *n)
{
	const char *target;
	if (!link_opens(c, n)) {
		if (galley_url_is_active(galley_node_url(n)))
			galley_report(c->opts, GALLEY_WARNING, galley_node_line(n), galley_node_column(n),
			              "link to a script URL written as plain text");
		else
			galley_report(c->opts, GALLEY_WARNING, galley_node_line(n), galley_node_column(n),
			              "link to %s written as plain text: nothing in the document has that id",
			              galley_node_url(n));
		return;
	}
	db_start(c, "link");
	target = db_link_target(c, galley_node_url(n));
	if (target)
		xmlw_attr(c->x, "linkend", target);
	else
		db_write_url_attr(c, "xlink:href", galley_node_url(n));
	if (galley_node_title(n))
		xmlw_attr(c->x, "xlink:title", galley_node_title(n));
}

/* A heading inside a list, quotation or note: sections cannot go there. */
static void enter_bridgehead(db_ctx *c, const galley_node *h)
{
	const char *id = db_heading_id(c, h);
	db_start(c, "bridgehead");
	if (id)
		xmlw_attr(c->x, "xml:id", id);
	db_write_role(c, h);
}

static void write_code_block(db_ctx *c, const galley_node *n)
{
	const char *id = db_heading_id(c, n);
	db_start(c, "programlisting");
	if (id)
		xmlw_attr(c->x, "xml:id", id);
	db_write_role(c, n);
	if (galley_node_info(n) && *galley_node_info(n))
		xmlw_attr(c->x, "language", galley_node_info(n));
	size_t len;
	const char *lit = galley_node_literal(n, &len);
	if (c->tab_stop && memchr(lit, '\t', len)) {
		c->code.len = 0;
		galley_expand_tabs(&c->code, lit, len, c->tab_stop);
		xmlw_text(c->x, c->code.data ? (const char *)c->code.data : "", c->code.len);
	} else {
		xmlw_literal(c->x, n);
	}
	db_end_block(c);
}

/* ---- the walk --------------------------------------------------------- */

/* Blocks: returns a negative code on failure. */
static int enter_block(db_ctx *c, galley_walk *w)
{
	galley_node *n = w->node;
	switch ((galley_node_type)galley_node_get_type(n)) {
	case GALLEY_NODE_HEADING:
		enter_bridgehead(c, n);
		break;
	case GALLEY_NODE_PARAGRAPH:
		enter_paragraph(c, n);
		break;
	case GALLEY_NODE_BULLET_LIST:
	case GALLEY_NODE_ORDERED_LIST:
		if (galley_node_first_child(n))
			enter_list(c, n);
		break;
	case GALLEY_NODE_LIST_ITEM:
		enter_item(c, n);
		break;
	case GALLEY_NODE_BLOCK_QUOTE:
		start_container(c, "blockquote");
		break;
	case GALLEY_NODE_CODE_BLOCK:
		write_code_block(c, n);
		break;
	case GALLEY_NODE_THEMATIC_BREAK:
		left_out(c, n, "thematic break");
		break;
	case GALLEY_NODE_TABLE:
		if (galley_node_first_child(n))
			enter_table(c, n);
		break;
	case GALLEY_NODE_TABLE_ROW:
		enter_row(c, n);
		break;
	case GALLEY_NODE_TABLE_CELL:
		enter_cell(c, n);
		break;
	case GALLEY_NODE_FIGURE:
		if (!figure_image(n)) {
			db_start(c, "para");
			break;
		}
		galley_walk_skip_children(w);
		return write_figure(c, figure_image(n));
	case GALLEY_NODE_FOOTNOTE_DEF:
		galley_walk_skip_children(w); /* written at its first reference */
		break;
	case GALLEY_NODE_DEF_LIST:
		if (galley_node_first_child(n))
			start_container(c, "variablelist");
		break;
	case GALLEY_NODE_DEF_ITEM:
		enter_def_item(c, n);
		break;
	case GALLEY_NODE_DEF_TERM:
		db_start(c, "term");
		break;
	case GALLEY_NODE_DEF_DESC:
		enter_def_desc(c, n);
		break;
	case GALLEY_NODE_RAW_BLOCK:
		write_raw(c, n);
		break;
	default:
		break;
	}
	return 0;
}

/*
 * TeX math: an inlineequation, or an informalequation for display math (an
 * equation is DocBook's titled, numbered kind), holding the TeX as its alt
 * and the formula as MathML.
 */
static int write_math(db_ctx *c, const galley_node *n)
{
	bool display = galley_node_info(n) && !strcmp(galley_node_info(n), "display");
	db_start(c, display ? "informalequation" : "inlineequation");
	db_start(c, "alt");
	xmlw_literal(c->x, n);
	db_end(c);
	int rc = galley_mathml_write(c->x, "mml", n, c->opts);
	db_end(c);
	return rc;
}

static int enter_inline(db_ctx *c, galley_walk *w)
{
	galley_node *n = w->node;
	switch ((galley_node_type)galley_node_get_type(n)) {
	case GALLEY_NODE_TEXT:
		xmlw_literal(c->x, n);
		break;
	case GALLEY_NODE_EMPH:
		start_with_role(c, "emphasis", NULL);
		break;
	case GALLEY_NODE_STRONG:
		start_with_role(c, "emphasis", "strong");
		break;
	case GALLEY_NODE_STRIKETHROUGH:
		start_with_role(c, "emphasis", "strikethrough");
		break;
	case GALLEY_NODE_SUPERSCRIPT:
		db_start(c, "superscript");
		break;
	case GALLEY_NODE_SUBSCRIPT:
		db_start(c, "subscript");
		break;
	case GALLEY_NODE_SPAN:
		enter_span(c, n);
		break;
	case GALLEY_NODE_CODE:
		db_start(c, "literal");
		xmlw_literal(c->x, n);
		db_end(c);
		break;
	case GALLEY_NODE_MATH:
		return write_math(c, n);
	case GALLEY_NODE_LINK:
		enter_link(c, n);
		break;
	case GALLEY_NODE_IMAGE:
		write_inline_image(c, n);
		galley_walk_skip_children(w);
		break;
	case GALLEY_NODE_FOOTNOTE_REF:
		return write_note_ref(c, n);
	case GALLEY_NODE_SOFT_BREAK:
		xmlw_raw(c->x, c->layout ? " " : "\n", 1);
		break;
	case GALLEY_NODE_HARD_BREAK:
		xmlw_raw(c->x, "\n", 1);
		break;
	case GALLEY_NODE_RAW_INLINE:
		write_raw(c, n);
		break;
	default:
		break;
	}
	return 0;
}

static void leave(db_ctx *c, const galley_node *n)
{
	switch ((galley_node_type)galley_node_get_type(n)) {
	case GALLEY_NODE_PARAGRAPH:
		c->layout = false;
		db_end_block(c);
		break;
	case GALLEY_NODE_HEADING:
	case GALLEY_NODE_DEF_TERM:
		db_end_block(c);
		break;
	case GALLEY_NODE_BULLET_LIST:
	case GALLEY_NODE_ORDERED_LIST:
	case GALLEY_NODE_DEF_LIST:
		if (galley_node_first_child(n))
			db_end_block(c);
		break;
	case GALLEY_NODE_TABLE:
		if (galley_node_first_child(n)) {
			db_end_block(c); /* tgroup */
			db_end_block(c);
		}
		break;
	case GALLEY_NODE_LIST_ITEM:
		if (!galley_node_task(n)) /* a task item has its mark's paragraph */
			fill_if_empty(c, n);
		db_end_block(c);
		break;
	case GALLEY_NODE_BLOCK_QUOTE:
		fill_if_empty(c, n);
		db_end_block(c);
		break;
	case GALLEY_NODE_FIGURE:
		if (!figure_image(n))
			db_end_block(c);
		break;
	case GALLEY_NODE_TABLE_ROW:
		leave_row(c, n);
		break;
	case GALLEY_NODE_TABLE_CELL:
		leave_cell(c, n);
		break;
	case GALLEY_NODE_DEF_ITEM:
		leave_def_item(c, n);
		break;
	case GALLEY_NODE_DEF_DESC:
		leave_def_desc(c, n);
		break;
	case GALLEY_NODE_LINK:
		if (link_opens(c, n))
			db_end(c);
		break;
	case GALLEY_NODE_EMPH:
	case GALLEY_NODE_STRONG:
	case GALLEY_NODE_STRIKETHROUGH:
	case GALLEY_NODE_SUPERSCRIPT:
	case GALLEY_NODE_SUBSCRIPT:
	case GALLEY_NODE_SPAN:
		db_end(c);
		break;
	default:
		break;
	}
}

/* Inlines met directly in a block container are wrapped in a <para> per run. */
static void open_inline_run(db_ctx *c, const galley_node *n)
{
	if (in_block_container(n) && (!galley_node_prev(n) || !is_inline(galley_node_prev(n))))
		db_start(c, "para");
}

static void close_inline_run(db_ctx *c, const galley_node *n)
{
	if (in_block_container(n) && (!galley_node_next(n) || !is_inline(galley_node_next(n))))
		db_end_block(c);
}

int db_render(db_ctx *c, galley_node *node)
{
	galley_walk w;
	galley_event ev;
	galley_walk_init(&w, node);
	while ((ev = galley_walk_next(&w)) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		int rc = 0;
		if (c->skip_to && ev == GALLEY_EVENT_ENTER) {
			if (n == c->skip_to) {
				c->skip_to = NULL;
				close_inline_run(c, n);
			}
			galley_walk_skip_children(&w);
			continue;
		}
		if (c->skip_to && galley_node_parent(n) == galley_node_parent(c->skip_to))
			continue; /* the exit of a skipped sibling */
		if (ev == GALLEY_EVENT_ENTER) {
			open_inline_run(c, n);
			rc = is_inline(n) ? enter_inline(c, &w) : enter_block(c, &w);
			if (galley_node_type_is_leaf((galley_node_type)galley_node_get_type(n)))
				close_inline_run(c, n);
		} else {
			leave(c, n);
			close_inline_run(c, n);
		}
		if (rc)
			return rc;
		if (c->x->failed)
			return GALLEY_ENOMEM;
	}
	return 0;
}

int db_render_children(db_ctx *c, const galley_node *node)
{
	int rc = 0;
	for (galley_node *ch = galley_node_first_child(node); ch && rc == 0; ch = galley_node_next(ch))
		rc = db_render(c, ch);
	return rc;
}
