/* html.c - the model as XHTML5: the renderer and the "html" format. */
#include <stdlib.h>
#include <string.h>

#include "../../src/highlight.h"
#include "../../src/l10n.h"
#include "../../src/mathml.h"
#include "../../src/url.h"
#include "html.h"

int html_ctx_init(html_ctx *c, xmlw *x, const galley_doc *doc, const galley_options *opts,
                  const html_hooks *hooks, unsigned flags)
{
	memset(c, 0, sizeof(*c));
	c->x = x;
	c->doc = doc;
	c->opts = opts;
	c->hooks = hooks;
	c->flags = flags;
	/* EPUB reading systems show tabs unevenly; the HTML writer keeps them, as CommonMark does */
	if ((flags & HTML_EPUB) && galley_tab_stop(opts, 4, NULL, &c->tab_stop) != 0)
		return GALLEY_EUSAGE;
	c->note_refs = calloc((size_t)galley_doc_footnote_count(doc) + 1, sizeof(int));
	return c->note_refs ? 0 : GALLEY_ENOMEM;
}

int html_ids_init(galley_ids *ids, const galley_doc *doc, unsigned flags)
{
	return galley_ids_init(ids, doc, GALLEY_IDS_NOTES, html_element_kept, flags);
}

/*
 * An id the renderer makes (a heading's, a note's). Inside HTML written for
 * the sanitizer to re-parse, it is marked as the renderer's, so the
 * sanitizer keeps it as it is instead of treating it as raw HTML's.
 */
static void write_own_id(html_ctx *c, const char *id)
{
	xmlw_attr(c->x, (c->flags & HTML_PASSTHROUGH) ? HTML_OWN_ID : "id", id);
}

void html_ctx_free(html_ctx *c)
{
	free(c->note_refs);
	c->note_refs = NULL;
	galley_buf_free(&c->scratch);
}

static bool is_raw_html(const galley_node *n)
{
	return (galley_node_get_type(n) == GALLEY_NODE_RAW_BLOCK ||
	        galley_node_get_type(n) == GALLEY_NODE_RAW_INLINE) &&
	       (!galley_node_info(n) || strcmp(galley_node_info(n), "html") == 0);
}

/*
 * Raw HTML that opens an element here and closes it in a later sibling
 * ("<span>" text "</span>", or a "<div>" block around Markdown) is parsed
 * with those siblings; raw HTML complete in itself is sanitized alone, which
 * spares parsing a whole document again for one comment.
 */
static bool has_open_raw_html_child(const galley_node *n)
{
	for (const galley_node *c = galley_node_first_child(n); c; c = galley_node_next(c)) {
		size_t len;
		const char *lit = galley_node_literal(c, &len);
		if (is_raw_html(c) && !html_is_self_contained(lit, len))
			return true;
	}
	return false;
}

static bool in_tight_list(const galley_node *para)
{
	const galley_node *item = galley_node_parent(para);
	return item && galley_node_get_type(item) == GALLEY_NODE_LIST_ITEM && galley_node_parent(item) &&
	       galley_node_list_tight(galley_node_parent(item));
}

/*
 * A line break between blocks, so the output reads like cmark's: one block
 * a line, containers' tags on lines of their own. Never inside <pre>: code
 * blocks are leaves.
 */
static void newline(html_ctx *c) { xmlw_raw(c->x, "\n", 1); }

/* True when `item` starts with a block that writes tags (not a tight paragraph's bare text). */
static bool item_opens_with_block(const galley_node *item)
{
	const galley_node *first = galley_node_first_child(item);
	return first && !(galley_node_get_type(first) == GALLEY_NODE_PARAGRAPH && in_tight_list(first));
}

static void write_url_attr(html_ctx *c, const char *name, const char *url)
{
	if (galley_url_is_active(url)) {
		c->raw_dropped++;
		return;
	}
	c->scratch.len = 0;
	galley_url_escape(&c->scratch, url);
	xmlw_attr(c->x, name, (const char *)c->scratch.data);
}

static void enter_link(html_ctx *c, const galley_node *n)
{
	const char *href = galley_node_url(n);
	galley_buf renamed = GALLEY_BUF_INIT;
	if (c->hooks && c->hooks->link_href) {
		const char *h = c->hooks->link_href(c->hooks->data, href);
		if (h)
			href = h;
	} else if (c->ids && href[0] == '#' && !(c->flags & HTML_PASSTHROUGH)) {
		const char *id = galley_ids_target(c->ids, href);
		if (id && galley_buf_printf(&renamed, "#%s", id) == 0)
			href = (const char *)renamed.data; /* the target may have been renamed */
	}
	xmlw_start(c->x, "a");
	if (*href || !c->hooks || !c->hooks->link_href)
		write_url_attr(c, "href", href); /* a hook's "" means: the target is not there, no href */
	if (galley_node_title(n))
		xmlw_attr(c->x, "title", galley_node_title(n));
	galley_buf_free(&renamed);
}

/* <img/> for an IMAGE; false when the image is left out (its alt text stays). */
static bool write_img(html_ctx *c, const galley_node *n)
{
	const char *src = galley_node_url(n);
	if (c->hooks && c->hooks->image_src) {
		src = c->hooks->image_src(c->hooks->data, n);
		if (!src)
			return false;
	}
	char *alt = galley_node_plain_text(n);
	xmlw_start(c->x, "img");
	write_url_attr(c, "src", src);
	xmlw_attr(c->x, "alt", alt ? alt : "");
	if (galley_node_title(n))
		xmlw_attr(c->x, "title", galley_node_title(n));
	xmlw_end_empty(c->x);
	free(alt);
	return true;
}

static void write_note_ref(html_ctx *c, const galley_node *n)
{
	char id[64], href[64], num[16];
	int number = galley_node_footnote_number(n);
	if (!galley_node_footnote_def(n) || number <= 0) {
		/* a reference to no definition stays as it was written */
		const char *label = galley_node_footnote_label(n);
		xmlw_str(c->x, "[^");
		xmlw_str(c->x, label ? label : "");
		xmlw_str(c->x, "]");
		return;
	}
	int k = ++c->note_refs[number];
	if (k == 1)
		snprintf(id, sizeof(id), "fnref-%d", number);
	else
		snprintf(id, sizeof(id), "fnref-%d-%d", number, k);
	snprintf(href, sizeof(href), "#fn-%d", number);
	snprintf(num, sizeof(num), "%d", number);
	const char *target = href;
	if (c->hooks && c->hooks->link_href) {
		const char *h = c->hooks->link_href(c->hooks->data, href);
		if (h && *h)
			target = h; /* the note may live in another file (EPUB chapters) */
	}
	xmlw_start(c->x, "sup");
	xmlw_attr(c->x, "class", "footnote-ref");
	xmlw_start(c->x, "a");
	xmlw_attr(c->x, "href", target);
	write_own_id(c, id);
	if (c->flags & HTML_EPUB)
		xmlw_attr(c->x, "epub:type", "noteref");
	xmlw_attr(c->x, "role", "doc-noteref");
	xmlw_str(c->x, num);
	xmlw_end(c->x);
	xmlw_end(c->x);
}

static void write_task_box(html_ctx *c, const galley_node *item)
{
	bool checked = galley_node_task(item) == GALLEY_TASK_CHECKED;
	if (c->flags & HTML_EPUB) {
		xmlw_start(c->x, "span");
		xmlw_attr(c->x, "class", "task");
		xmlw_attr(c->x, "role", "img");
		xmlw_attr(c->x, "aria-label",
		          galley_text_get(galley_doc_meta(c->doc, GALLEY_META_LANG),
		                          checked ? GALLEY_TEXT_DONE : GALLEY_TEXT_NOT_DONE));
		xmlw_str(c->x, checked ? "\xE2\x98\x91" : "\xE2\x98\x90");
		xmlw_end(c->x);
	} else {
		xmlw_start(c->x, "input");
		xmlw_attr(c->x, "type", "checkbox");
		xmlw_attr(c->x, "disabled", "");
		if (checked)
			xmlw_attr(c->x, "checked", "");
		xmlw_end_empty(c->x);
	}
	xmlw_str(c->x, " ");
}

/* The language of a fenced block: its info string's first word, as the reader keeps it. */
static size_t info_language(const char *info, char *lang, size_t size)
{
	size_t n = info ? strcspn(info, " \t{") : 0;
	if (n == 0 || n >= size)
		return 0;
	memcpy(lang, info, n);
	lang[n] = '\0';
	return n;
}

/*
 * The code with its tokens in <span class="hl-KIND">, when the block names
 * a language the highlighter knows (and --no-highlight is not given); false
 * leaves it to be written plain.
 */
static bool write_highlighted(html_ctx *c, const galley_node *n)
{
	char lang[64];
	galley_token_span *spans = NULL;
	size_t count = 0, at = 0, len;
	const char *lit = galley_node_literal(n, &len);
	const char *off = galley_options_param(c->opts, "no-highlight");
	if ((off && strcmp(off, "false") != 0) || !info_language(galley_node_info(n), lang, sizeof(lang)) ||
	    galley_highlight(lang, lit, len, &spans, &count) != 0)
		return false;
	for (size_t i = 0; i < count; i++) {
		xmlw_text(c->x, lit + at, spans[i].offset - at);
		xmlw_start(c->x, "span");
		xmlw_attrf(c->x, "class", "hl-%s", galley_token_kind_name(spans[i].kind));
		xmlw_text(c->x, lit + spans[i].offset, spans[i].len);
		xmlw_end(c->x);
		at = spans[i].offset + spans[i].len;
	}
	xmlw_text(c->x, lit + at, len - at);
	free(spans);
	return true;
}

const char *html_highlight_css(void)
{
	/* WCAG AA (4.5:1 and more) on the code background and on white; tests/options checks it */
	return "pre .hl-kw { color: #7a2e8e; font-weight: bold; } pre .hl-type { color: #1f5f8b; }\n"
	       "pre .hl-str { color: #2f6b1f; } pre .hl-com { color: #5f6064; font-style: italic; }\n"
	       "pre .hl-num { color: #8a4b00; } pre .hl-pre { color: #8b1a3a; } pre .hl-fn { color: #1a4f8b; }\n";
}

/* A key=value attribute's HTML name: lang, dir and title as they are, others as data-KEY; false when unfit.
 */
static bool attr_name(galley_buf *out, const char *key)
{
	out->len = 0;
	if (strcmp(key, "lang") && strcmp(key, "dir") && strcmp(key, "title"))
		galley_buf_puts(out, "data-");
	for (const char *p = key; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.'))
			return false;
		galley_buf_putc(out, *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	}
	return !out->failed;
}

/*
 * The id (of a code block or span: a heading's comes with it), the classes
 * after `first_class`, and the key=value pairs of Markdown's {#id .class
 * key=value} attributes.
 */
static void write_node_attrs(html_ctx *c, const galley_node *n, const char *first_class)
{
	const char *id = galley_node_get_type(n) == GALLEY_NODE_HEADING ? NULL : galley_node_id(n);
	const char *classes = galley_node_classes(n);
	if (id && *id)
		write_own_id(c, id);
	if (first_class || classes) {
		/* built whole: a fixed buffer would cut a long name inside a UTF-8 sequence */
		c->scratch.len = 0;
		galley_buf_puts(&c->scratch, first_class ? first_class : "");
		if (first_class && classes)
			galley_buf_putc(&c->scratch, ' ');
		galley_buf_puts(&c->scratch, classes ? classes : "");
		xmlw_attr(c->x, "class", c->scratch.data ? (const char *)c->scratch.data : "");
	}
	for (size_t i = 0; i < galley_node_attr_count(n); i++)
		if (attr_name(&c->scratch, galley_node_attr_key(n, i)))
			xmlw_attr(c->x, (const char *)c->scratch.data, galley_node_attr_value(n, i));
}

static void write_code_block(html_ctx *c, const galley_node *n)
{
	galley_buf lang = GALLEY_BUF_INIT;
	xmlw_start(c->x, "pre");
	xmlw_start(c->x, "code");
	if (galley_node_info(n) && *galley_node_info(n)) {
		galley_buf_puts(&lang, "language-");
		galley_buf_puts(&lang, galley_node_info(n));
	}
	write_node_attrs(c, n, lang.data ? (const char *)lang.data : NULL);
	size_t len;
	const char *lit = galley_node_literal(n, &len);
	bool tabs = c->tab_stop && memchr(lit, '\t', len);
	if (tabs) {
		/* expanded text is written plain: the highlighter's offsets count in the source */
		lang.len = 0;
		galley_expand_tabs(&lang, lit, len, c->tab_stop);
		xmlw_text(c->x, lang.data ? (const char *)lang.data : "", lang.len);
	} else if (!write_highlighted(c, n)) {
		xmlw_literal(c->x, n);
	}
	galley_buf_free(&lang);
	xmlw_end(c->x);
	xmlw_end(c->x);
	newline(c);
}

static void enter_row(html_ctx *c, const galley_node *n)
{
	const galley_node *prev = galley_node_prev(n);
	if (galley_node_row_is_header(n) && (!prev || !galley_node_row_is_header(prev))) {
		xmlw_start(c->x, "thead");
		newline(c);
	} else if (!galley_node_row_is_header(n) && (!prev || galley_node_row_is_header(prev))) {
		xmlw_start(c->x, "tbody");
		newline(c);
	}
	xmlw_start(c->x, "tr");
	newline(c);
	c->column = 0;
}

static void exit_row(html_ctx *c, const galley_node *n)
{
	xmlw_end(c->x); /* tr */
	newline(c);
	if (galley_node_row_is_header(n)
	        ? (!galley_node_next(n) || !galley_node_row_is_header(galley_node_next(n)))
	        : !galley_node_next(n)) {
		xmlw_end(c->x); /* thead or tbody */
		newline(c);
	}
}

static void enter_cell(html_ctx *c, const galley_node *n)
{
	const galley_node *table = galley_node_parent(n) ? galley_node_parent(galley_node_parent(n)) : NULL;
	xmlw_start(c->x,
	           galley_node_parent(n) && galley_node_row_is_header(galley_node_parent(n)) ? "th" : "td");
	galley_align align = table ? galley_node_table_align(table, c->column) : GALLEY_ALIGN_NONE;
	if (align != GALLEY_ALIGN_NONE)
		xmlw_attrf(c->x, "style", "text-align: %s", galley_align_name(align));
}

static void enter_heading(html_ctx *c, const galley_node *n)
{
	int level = galley_node_heading_level(n) ? galley_node_heading_level(n) : 1;
	char tag[4] = {'h', (char)('0' + level), '\0'};
	const char *id = c->ids ? galley_ids_heading(c->ids, n) : galley_node_id(n);
	xmlw_start(c->x, tag);
	if (id)
		write_own_id(c, id);
	write_node_attrs(c, n, NULL);
	if (c->sections && n != galley_doc_title_heading(c->doc))
		html_write_section_number(c->x, html_section_number(c->sections, level));
}

static void enter_ordered_list(html_ctx *c, const galley_node *n)
{
	char numbering[2] = {galley_node_list_numbering(n), 0};
	xmlw_start(c->x, "ol");
	if (galley_node_list_start(n) != 1)
		xmlw_attrf(c->x, "start", "%d", galley_node_list_start(n));
	if (numbering[0] != '1')
		xmlw_attr(c->x, "type", numbering);
	newline(c);
}

static void write_raw_html(html_ctx *c, const galley_node *n)
{
	size_t len;
	const char *lit = galley_node_literal(n, &len);
	if (is_raw_html(n) && (c->flags & HTML_PASSTHROUGH))
		xmlw_raw(c->x, lit, len);
	else if (is_raw_html(n)) {
		c->raw_at = n;
		html_write_sanitized(c, lit, len);
	}
}

static bool is_blank_text(const galley_node *n)
{
	if (galley_node_get_type(n) == GALLEY_NODE_SOFT_BREAK)
		return true;
	if (galley_node_get_type(n) != GALLEY_NODE_TEXT)
		return false;
	size_t len;
	const char *lit = galley_node_literal(n, &len);
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\n", lit[i]))
			return false;
	return true;
}

/* True when `n` holds a link (which must stay reachable). */
static bool has_link(galley_node *n)
{
	galley_walk w;
	galley_walk_init(&w, n);
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE)
		if (galley_node_get_type(w.node) == GALLEY_NODE_LINK)
			return true;
	return false;
}

/* True when the only thing `n` holds (blank text aside) is an image, or a link around one. */
static bool holds_only_image(const galley_node *n)
{
	const galley_node *found = NULL;
	for (const galley_node *ch = galley_node_first_child(n); ch; ch = galley_node_next(ch)) {
		if (is_blank_text(ch))
			continue;
		if (found)
			return false;
		found = ch;
	}
	if (found && galley_node_get_type(found) == GALLEY_NODE_LINK)
		return holds_only_image(found);
	return found && galley_node_get_type(found) == GALLEY_NODE_IMAGE;
}

/* Renders the children of `n` through the HTML parser and sanitizer. */
static int render_mixed_children(html_ctx *c, galley_node *n)
{
	galley_buf src = GALLEY_BUF_INIT;
	xmlw sub;
	html_ctx inner;
	int rc = xmlw_open(&sub, &src);
	if (rc)
		return rc;
	inner = *c;
	inner.x = &sub;
	inner.flags |= HTML_PASSTHROUGH;
	inner.hooks = NULL; /* links and images are mapped once, when the sanitizer reads them back */
	memset(&inner.scratch, 0, sizeof(inner.scratch));
	for (galley_node *child = galley_node_first_child(n); child && rc == 0;
	     child = galley_node_next(child))
		rc = html_render(&inner, child);
	c->raw_dropped += inner.raw_dropped;
	c->x->dropped += sub.dropped; /* gone before the text reaches this writer */
	galley_buf_free(&inner.scratch);
	int rc2 = xmlw_close(&sub);
	if (rc == 0)
		rc = rc2;
	c->raw_at = n;
	c->flags |= HTML_OWN_IDS;
	if (rc == 0)
		rc = html_write_sanitized(c, src.data ? (const char *)src.data : "", src.len);
	c->flags &= ~HTML_OWN_IDS;
	galley_buf_free(&src);
	return rc;
}

/* TeX math as MathML, which browsers and EPUB 3 reading systems render. */
static void write_math(html_ctx *c, const galley_node *n)
{
	if (galley_mathml_write(c->x, NULL, n, c->opts))
		c->x->failed = 1;
}

static void enter(html_ctx *c, galley_walk *w)
{
	galley_node *n = w->node;
	xmlw *x = c->x;

	switch ((galley_node_type)galley_node_get_type(n)) {
	case GALLEY_NODE_DOCUMENT:
		break;
	case GALLEY_NODE_HEADING:
		enter_heading(c, n);
		break;
	case GALLEY_NODE_PARAGRAPH:
		if (!in_tight_list(n)) {
			xmlw_start(x, "p");
			if ((c->flags & HTML_EPUB) && holds_only_image(n))
				xmlw_attr(x, "class", "image"); /* shown whole, not as a glyph in a line */
		}
		break;
	case GALLEY_NODE_BULLET_LIST:
		xmlw_start(x, "ul");
		newline(c);
		break;
	case GALLEY_NODE_ORDERED_LIST:
		enter_ordered_list(c, n);
		break;
	case GALLEY_NODE_LIST_ITEM:
		xmlw_start(x, "li");
		if (galley_node_task(n)) {
			xmlw_attr(x, "class", "task-list-item");
			write_task_box(c, n);
		}
		if (item_opens_with_block(n))
			newline(c);
		break;
	case GALLEY_NODE_BLOCK_QUOTE:
		xmlw_start(x, "blockquote");
		newline(c);
		break;
	case GALLEY_NODE_CODE_BLOCK:
		write_code_block(c, n);
		break;
	case GALLEY_NODE_THEMATIC_BREAK:
		xmlw_start(x, "hr");
		xmlw_end_empty(x);
		newline(c);
		break;
	case GALLEY_NODE_TABLE:
		xmlw_start(x, "table");
		newline(c);
		break;
	case GALLEY_NODE_TABLE_ROW:
		enter_row(c, n);
		break;
	case GALLEY_NODE_TABLE_CELL:
		enter_cell(c, n);
		break;
	case GALLEY_NODE_FIGURE:
		xmlw_start(x, "figure");
		newline(c);
		break;
	case GALLEY_NODE_FOOTNOTE_DEF:
		galley_walk_skip_children(w); /* written with the notes */
		return;
	case GALLEY_NODE_DEF_LIST:
		xmlw_start(x, "dl");
		newline(c);
		break;
	case GALLEY_NODE_DEF_ITEM:
		break;
	case GALLEY_NODE_DEF_TERM:
		xmlw_start(x, "dt");
		break;
	case GALLEY_NODE_DEF_DESC:
		xmlw_start(x, "dd");
		newline(c);
		break;
	case GALLEY_NODE_RAW_BLOCK:
	case GALLEY_NODE_RAW_INLINE:
		write_raw_html(c, n);
		break;
	case GALLEY_NODE_TEXT:
		xmlw_literal(x, n);
		break;
	case GALLEY_NODE_EMPH:
		xmlw_start(x, "em");
		break;
	case GALLEY_NODE_STRONG:
		xmlw_start(x, "strong");
		break;
	case GALLEY_NODE_STRIKETHROUGH:
		xmlw_start(x, "del");
		break;
	case GALLEY_NODE_SUPERSCRIPT:
		xmlw_start(x, "sup");
		break;
	case GALLEY_NODE_SUBSCRIPT:
		xmlw_start(x, "sub");
		break;
	case GALLEY_NODE_SPAN:
		xmlw_start(x, "span");
		write_node_attrs(c, n, NULL);
		break;
	case GALLEY_NODE_CODE:
		xmlw_start(x, "code");
		xmlw_literal(x, n);
		xmlw_end(x);
		break;
	case GALLEY_NODE_MATH:
		write_math(c, n);
		break;
	case GALLEY_NODE_LINK:
		enter_link(c, n);
		break;
	case GALLEY_NODE_IMAGE:
		if (galley_node_parent(n) &&
		    galley_node_get_type(galley_node_parent(n)) == GALLEY_NODE_FIGURE) {
			if (write_img(c, n)) {
				newline(c);
				xmlw_start(x, "figcaption");
				/* the caption is the image's alt text: read once, not twice */
				if ((c->flags & HTML_EPUB) && !has_link(n))
					xmlw_attr(x, "aria-hidden", "true");
			} else
				xmlw_start(x, "p");
			return; /* the alt inlines are the caption */
		}
		if (!write_img(c, n)) {
			char *alt = galley_node_plain_text(n);
			xmlw_str(x, alt ? alt : "");
			free(alt);
		}
		galley_walk_skip_children(w);
		return;
	case GALLEY_NODE_FOOTNOTE_REF:
		write_note_ref(c, n);
		break;
	case GALLEY_NODE_SOFT_BREAK:
		xmlw_raw(x, "\n", 1);
		break;
	case GALLEY_NODE_HARD_BREAK:
		xmlw_start(x, "br");
		xmlw_end_empty(x);
		xmlw_raw(x, "\n", 1);
		break;
	default:
		break;
	}
	if (!(c->flags & HTML_PASSTHROUGH) && galley_node_first_child(n) &&
	    !galley_node_type_is_leaf((galley_node_type)galley_node_get_type(n)) &&
	    has_open_raw_html_child(n)) {
		render_mixed_children(c, n);
		galley_walk_skip_children(w);
	}
}

static void leave(html_ctx *c, galley_node *n)
{
	switch ((galley_node_type)galley_node_get_type(n)) {
	case GALLEY_NODE_PARAGRAPH:
		if (!in_tight_list(n)) {
			xmlw_end(c->x);
			newline(c);
		} else if (galley_node_next(n)) {
			newline(c); /* bare text, then the item's next block */
		}
		break;
	case GALLEY_NODE_TABLE_ROW:
		exit_row(c, n);
		break;
	case GALLEY_NODE_TABLE_CELL:
		xmlw_end(c->x);
		newline(c);
		c->column++;
		break;
	case GALLEY_NODE_IMAGE:
		if (galley_node_parent(n) &&
		    galley_node_get_type(galley_node_parent(n)) == GALLEY_NODE_FIGURE) {
			xmlw_end(c->x); /* figcaption */
			newline(c);
		}
		break;
	case GALLEY_NODE_HEADING:
	case GALLEY_NODE_BULLET_LIST:
	case GALLEY_NODE_ORDERED_LIST:
	case GALLEY_NODE_LIST_ITEM:
	case GALLEY_NODE_BLOCK_QUOTE:
	case GALLEY_NODE_TABLE:
	case GALLEY_NODE_FIGURE:
	case GALLEY_NODE_DEF_LIST:
	case GALLEY_NODE_DEF_TERM:
	case GALLEY_NODE_DEF_DESC:
		xmlw_end(c->x);
		newline(c);
		break;
	case GALLEY_NODE_EMPH:
	case GALLEY_NODE_STRONG:
	case GALLEY_NODE_STRIKETHROUGH:
	case GALLEY_NODE_SUPERSCRIPT:
	case GALLEY_NODE_SUBSCRIPT:
	case GALLEY_NODE_SPAN:
	case GALLEY_NODE_LINK:
		xmlw_end(c->x);
		break;
	default:
		break;
	}
}

int html_render(html_ctx *c, galley_node *node)
{
	galley_walk w;
	galley_event ev;
	galley_walk_init(&w, node);
	while ((ev = galley_walk_next(&w)) != GALLEY_EVENT_DONE) {
		if (ev == GALLEY_EVENT_ENTER)
			enter(c, &w);
		else
			leave(c, w.node);
		if (c->x->failed)
			return GALLEY_ENOMEM;
	}
	return 0;
}

int html_render_range(html_ctx *c, galley_node *first, galley_node *stop)
{
	int rc = 0;
	for (galley_node *n = first; n && n != stop && rc == 0; n = galley_node_next(n))
		rc = html_render(c, n);
	return rc;
}

/* The link from a note back to its first reference, labelled `label`. */
static void write_back_link(html_ctx *c, const galley_node *def, const char *cls, const char *label)
{
	char back[32];
	const char *href = back;
	snprintf(back, sizeof(back), "#fnref-%d", galley_node_footnote_number(def));
	if (c->hooks && c->hooks->link_href) {
		const char *h = c->hooks->link_href(c->hooks->data, back);
		if (h)
			href = h;
	}
	xmlw_start(c->x, "a");
	if (cls)
		xmlw_attr(c->x, "class", cls);
	xmlw_attr(c->x, "href", href);
	xmlw_attr(c->x, "role", "doc-backlink");
	xmlw_attrf(c->x, "aria-label",
	           galley_text_get(galley_doc_meta(c->doc, GALLEY_META_LANG), GALLEY_TEXT_BACK_TO_REF),
	           galley_node_footnote_number(def));
	xmlw_str(c->x, label);
	xmlw_end(c->x);
}

int html_render_note(html_ctx *c, galley_node *def)
{
	char id[32], num[16];
	bool epub = (c->flags & HTML_EPUB) != 0;
	snprintf(id, sizeof(id), "fn-%d", galley_node_footnote_number(def));
	snprintf(num, sizeof(num), "%d.", galley_node_footnote_number(def));
	xmlw_start(c->x, epub ? "aside" : "li");
	write_own_id(c, id);
	if (epub)
		xmlw_attr(c->x, "epub:type", "footnote");
	xmlw_attr(c->x, "role", epub ? "doc-footnote" : "doc-endnote");
	/* an aside has no list number: it opens with its own, which leads back (pop-ups show it too) */
	if (epub)
		write_back_link(c, def, "footnote-number", num);
	newline(c);
	for (galley_node *b = galley_node_first_child(def); b; b = galley_node_next(b)) {
		int rc = html_render(c, b);
		if (rc)
			return rc;
	}
	if (!epub) {
		xmlw_start(c->x, "p");
		xmlw_attr(c->x, "class", "footnote-back");
		write_back_link(c, def, NULL, "\xE2\x86\xA9\xEF\xB8\x8E");
		xmlw_end(c->x);
		newline(c);
	}
	xmlw_end(c->x);
	newline(c);
	return c->x->failed ? GALLEY_ENOMEM : 0;
}

void html_report_dropped(html_ctx *c)
{
	if (c->x->dropped)
		galley_report(c->opts, GALLEY_WARNING, 0, 0,
		              "%zu control character(s) that XML does not allow were left out",
		              c->x->dropped);
	if (c->raw_dropped)
		galley_report(
		    c->opts, GALLEY_WARNING, 0, 0,
		    "%zu active element(s), attribute(s) or URL(s) (script, iframe, on*, javascript:) were "
		    "removed from raw HTML",
		    c->raw_dropped);
}
