/*
 * html_sanitize.c - raw HTML made safe and well-formed.
 *
 * Raw HTML from the input is parsed with libxml2's HTML parser (which closes
 * what was left open and repairs what was malformed) and written back through
 * the XML writer, leaving out:
 *   - elements that run or embed active content: script, iframe, frame,
 *     frameset, object, embed, applet, base, meta, link (and, in EPUB, style
 *     and any element HTML5 does not define, whose content is kept);
 *   - event handler attributes (on*), and URLs with javascript:, vbscript: or
 *     non-image data: schemes;
 *   - names that are not XML names.
 * The CommonMark test normalizer applies the same list (tests/spec/normalize.py).
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "../../src/url.h"
#include "html.h"

/*
 * Raw HTML nested deeper than this keeps its content but loses the elements
 * past that depth, so that the output stays within what XML parsers accept.
 */
#define MAX_RAW_DEPTH 64

/* Marks (in _private) an element of the parsed tree that was left unwritten for its depth. */
static char unwrapped_for_depth;

static bool in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcasecmp(name, *list) == 0)
			return true;
	return false;
}

static const char *const active_elements[] = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link", NULL,
};

static const char *const void_elements[] = {
    "area", "base", "br",    "col",    "embed", "hr",  "img", "input",
    "link", "meta", "param", "source", "track", "wbr", NULL,
};

/* HTML5 elements allowed in an EPUB content document's body. */
static const char *const epub_elements[] = {
    "a",       "abbr",    "address", "article", "aside", "b",        "bdi",        "bdo",     "blockquote",
    "br",      "caption", "cite",    "code",    "col",   "colgroup", "data",       "dd",      "del",
    "details", "dfn",     "div",     "dl",      "dt",    "em",       "figcaption", "figure",  "footer",
    "h1",      "h2",      "h3",      "h4",      "h5",    "h6",       "header",     "hr",      "i",
    "img",     "ins",     "kbd",     "li",      "main",  "mark",     "nav",        "ol",      "p",
    "pre",     "q",       "rp",      "rt",      "ruby",  "s",        "samp",       "section", "small",
    "span",    "strong",  "sub",     "summary", "sup",   "table",    "tbody",      "td",      "tfoot",
    "th",      "thead",   "time",    "tr",      "u",     "ul",       "var",        "wbr",     NULL,
};

static const char *const url_attributes[] = {
    "href", "src",      "action", "formaction", "background", "poster", "data",
    "cite", "longdesc", "usemap", "xlink:href", "srcset",     NULL,
};

static bool valid_name(const xmlChar *name, bool allow_xml_prefix)
{
	if (!name || xmlValidateName(name, 0) != 0)
		return false;
	if (strchr((const char *)name, ':'))
		return allow_xml_prefix && strcmp((const char *)name, "xml:lang") == 0;
	return true;
}

static bool attribute_allowed(html_ctx *c, const char *name, const char *value)
{
	if (strncasecmp(name, "on", 2) == 0)
		return false;
	if (in_list(name, url_attributes) && galley_url_is_active(value))
		return false;
	if (strcasecmp(name, "style") == 0 && value &&
	    (strcasestr(value, "javascript:") || strcasestr(value, "expression(")))
		return false;
	if ((c->flags & HTML_EPUB) && !strcasecmp(name, "align"))
		return false;
	return true;
}

/* The URL the raw_url hook gives for an <a href> or <img src>; NULL: as written. */
static const char *hooked_url(html_ctx *c, xmlNodePtr el, const char *name, const char *value)
{
	const char *tag = (const char *)el->name;
	bool link = !strcasecmp(tag, "a") && !strcasecmp(name, "href");
	bool image = !strcasecmp(tag, "img") && !strcasecmp(name, "src");
	if (link && c->ids && value[0] == '#' && (!c->hooks || !c->hooks->raw_url)) {
		const char *id = galley_ids_target(c->ids, value); /* the target may have been renamed */
		c->scratch.len = 0;
		if (!id || galley_buf_printf(&c->scratch, "#%s", id) != 0)
			return NULL;
		return (const char *)c->scratch.data;
	}
	if (!c->hooks || !c->hooks->raw_url || !(link || image))
		return NULL;
	return c->hooks->raw_url(c->hooks->data, link ? "a" : "img", value, c->raw_at);
}

static void write_attributes(html_ctx *c, xmlNodePtr el, const char *src)
{
	for (xmlAttrPtr a = el->properties; a; a = a->next) {
		xmlChar *value = xmlNodeListGetString(el->doc, a->children, 1);
		const char *name = (const char *)a->name;
		const char *v = value ? (const char *)value : "";
		const char *hooked;
		if (!valid_name(a->name, true))
			;
		else if (!attribute_allowed(c, name, v))
			c->raw_dropped++;
		else if (!strcasecmp(name, HTML_OWN_ID)) {
			if (c->flags & HTML_OWN_IDS)
				xmlw_attr(c->x, "id", v); /* the renderer's, unique already */
		} else if (c->ids && !strcasecmp(name, "id")) {
			const char *id = galley_ids_raw(c->ids, v); /* unique in the output, links follow */
			if (id)
				xmlw_attr(c->x, "id", id);
		} else if (src && !strcasecmp(name, "src"))
			xmlw_attr(c->x, name, src);
		else if (src && !strcasecmp(name, "srcset"))
			; /* other files than the one the hook placed */
		else if ((hooked = hooked_url(c, el, name, v)) != NULL) {
			if (*hooked)
				xmlw_attr(c->x, name, hooked);
		} else
			xmlw_attr(c->x, name, v);
		xmlFree(value);
	}
}

/*
 * What stands for an image left out: its alt text, in a span with its id
 * when it has one, so that links to it still arrive.
 */
static void write_alt_text(html_ctx *c, xmlNodePtr el)
{
	xmlChar *alt = xmlGetProp(el, BAD_CAST "alt"), *id = xmlGetProp(el, BAD_CAST "id");
	const char *written =
	    id && *id ? (c->ids ? galley_ids_raw(c->ids, (const char *)id) : (const char *)id) : NULL;
	if (written) {
		xmlw_start(c->x, "span");
		xmlw_attr(c->x, "id", written);
	}
	if (alt)
		xmlw_str(c->x, (const char *)alt);
	if (written)
		xmlw_end(c->x);
	xmlFree(alt);
	xmlFree(id);
}

/*
 * An <img> whose src the raw_url hook maps: its new src, or NULL with the
 * alt text written instead when the hook gives "". `*hooked` says whether
 * the hook was asked at all.
 */
static const char *image_src(html_ctx *c, xmlNodePtr el, bool *hooked)
{
	xmlChar *src = xmlGetProp(el, BAD_CAST "src");
	const char *mapped = NULL;
	*hooked = false;
	if (src && !galley_url_is_active((const char *)src)) {
		mapped = hooked_url(c, el, "src", (const char *)src);
		*hooked = mapped != NULL;
	}
	xmlFree(src);
	if (mapped && !*mapped) {
		write_alt_text(c, el);
		return NULL;
	}
	return mapped;
}

typedef enum { EL_WRITE, EL_UNWRAP, EL_DROP } el_action;

static el_action element_action(unsigned flags, const char *name)
{
	if (in_list(name, active_elements))
		return EL_DROP;
	if (flags & HTML_EPUB) {
		if (!strcasecmp(name, "style") || !strcasecmp(name, "title"))
			return EL_DROP;
		if (!in_list(name, epub_elements))
			return EL_UNWRAP;
	}
	return valid_name(BAD_CAST name, false) ? EL_WRITE : EL_UNWRAP;
}

bool html_element_kept(unsigned flags, const char *name) { return element_action(flags, name) == EL_WRITE; }

static void write_comment(html_ctx *c, const char *text)
{
	size_t n = strlen(text);
	if (strstr(text, "--") || (n && text[n - 1] == '-'))
		return; /* not expressible as an XML comment */
	if (xmlTextWriterWriteComment(c->x->w, BAD_CAST xmlw_clean(c->x, text, n)) < 0)
		c->x->failed = 1;
}

static void write_pi(html_ctx *c, xmlNodePtr n)
{
	const char *content = n->content ? (const char *)n->content : "";
	size_t len = strlen(content);
	if ((c->flags & HTML_EPUB) || !valid_name(n->name, false) || strstr(content, "?>") ||
	    !strcasecmp((const char *)n->name, "xml"))
		return;
	/* the HTML parser ends a PI at '>', so "<?php x ?>" leaves the '?' in */
	if (len && content[len - 1] == '?')
		len--;
	if (xmlTextWriterWritePI(c->x->w, n->name, BAD_CAST xmlw_clean(c->x, content, len)) < 0)
		c->x->failed = 1;
}

/* Writes the start of `n` (at `depth` open elements); true when its children are to be written next. */
static bool open_node(html_ctx *c, xmlNodePtr n, unsigned depth, bool *opened)
{
	*opened = false;
	switch (n->type) {
	case XML_ELEMENT_NODE: {
		el_action act = element_action(c->flags, (const char *)n->name);
		if (act == EL_DROP) {
			c->raw_dropped++;
			return false;
		}
		if (act == EL_WRITE && depth >= MAX_RAW_DEPTH) {
			n->_private = &unwrapped_for_depth;
			act = EL_UNWRAP;
		}
		if (act == EL_WRITE) {
			bool hooked = false;
			const char *src = NULL;
			if (!strcasecmp((const char *)n->name, "img")) {
				src = image_src(c, n, &hooked);
				if (hooked && !src)
					return false; /* written as its alt text */
			}
			xmlw_start(c->x, (const char *)n->name);
			write_attributes(c, n, src);
			*opened = true;
		}
		return n->children != NULL;
	}
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if (n->content)
			xmlw_text(c->x, (const char *)n->content, strlen((const char *)n->content));
		return false;
	case XML_COMMENT_NODE:
		if (n->content && !(c->flags & HTML_EPUB))
			write_comment(c, (const char *)n->content);
		return false;
	case XML_PI_NODE:
		write_pi(c, n);
		return false;
	default:
		return false;
	}
}

static void close_node(html_ctx *c, xmlNodePtr n)
{
	if (in_list((const char *)n->name, void_elements) && !n->children)
		xmlw_end_empty(c->x);
	else
		xmlw_end(c->x);
}

static bool was_opened(html_ctx *c, xmlNodePtr n)
{
	return n->type == XML_ELEMENT_NODE && n->_private != &unwrapped_for_depth &&
	       element_action(c->flags, (const char *)n->name) == EL_WRITE;
}

/* Writes the siblings from `first` on and their subtrees, without recursion. */
static void write_nodes(html_ctx *c, xmlNodePtr first)
{
	xmlNodePtr top = first ? first->parent : NULL;
	xmlNodePtr n = first;
	unsigned depth = 0; /* elements open */
	while (n) {
		bool opened;
		if (open_node(c, n, depth, &opened)) {
			depth += opened;
			n = n->children;
			continue;
		}
		if (opened)
			close_node(c, n);
		while (n && !n->next) {
			n = n->parent;
			if (!n || n == top)
				return;
			if (was_opened(c, n)) {
				close_node(c, n);
				depth--;
			}
		}
		if (n)
			n = n->next;
	}
}

/* Writes what the parser made of the body (and any lone node outside it). */
static void write_document(html_ctx *c, htmlDocPtr doc)
{
	for (xmlNodePtr top = xmlDocGetRootElement(doc) ? xmlDocGetRootElement(doc)->children : NULL; top;
	     top = top->next) {
		if (top->type == XML_ELEMENT_NODE && !strcasecmp((const char *)top->name, "head"))
			continue;
		if (top->type == XML_ELEMENT_NODE && !strcasecmp((const char *)top->name, "body")) {
			if (top->children)
				write_nodes(c, top->children);
			continue;
		}
		/* a lone node outside body: write it by itself */
		xmlNodePtr next = top->next;
		top->next = NULL;
		write_nodes(c, top);
		top->next = next;
	}
}

/* The end of the construct starting at `p` that ends with `close`, or NULL. */
static const char *skip_past(const char *p, const char *end, const char *close)
{
	size_t n = strlen(close);
	for (; p + n <= end; p++)
		if (!memcmp(p, close, n))
			return p + n;
	return NULL;
}

/* The end of the tag starting at `p` ('<' then a letter or '/'), quotes honoured; NULL if unterminated. */
static const char *tag_end(const char *p, const char *end)
{
	char quote = 0;
	for (p++; p < end; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '>') {
			return p + 1;
		}
	}
	return NULL;
}

static bool is_alpha(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }

/*
 * Copies raw HTML into `out` for the parser, leaving out declarations
 * (<!DOCTYPE ...>, <!ELEMENT ...>) and CDATA sections, which an XHTML body
 * cannot hold and browsers do not show. A tag left unterminated at the end
 * ("<div id=x" and no '>') is not markup: *text_at is where that text starts
 * in `out` (out->len when there is none).
 */
static int prepare_source(const char *src, size_t len, galley_buf *out, size_t *text_at)
{
	const char *p = src, *end = src + len, *run = src, *next;
	*text_at = (size_t)-1;
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		const char *rest = p + 1;
		if (rest < end && (is_alpha(*rest) || *rest == '/')) {
			if (!(next = tag_end(p, end))) {
				galley_buf_put(out, run, (size_t)(p - run));
				*text_at = out->len;
				run = p;
				break;
			}
		} else if (end - rest >= 3 && !memcmp(rest, "!--", 3)) {
			next = skip_past(rest + 3, end, "-->");
		} else if (end - rest >= 8 && !memcmp(rest, "![CDATA[", 8)) {
			next = skip_past(rest + 8, end, "]]>");
			galley_buf_put(out, run, (size_t)(p - run));
			run = next ? next : end;
		} else if (end - rest >= 2 && rest[0] == '!' && is_alpha(rest[1])) {
			next = skip_past(rest, end, ">");
			galley_buf_put(out, run, (size_t)(p - run));
			run = next ? next : end;
		} else {
			next = rest;
		}
		p = next ? next : end;
	}
	galley_buf_put(out, run, (size_t)(end - run));
	if (*text_at == (size_t)-1)
		*text_at = out->len;
	return out->failed ? GALLEY_ENOMEM : 0;
}

/* Elements whose content is text up to their end tag. */
static const char *const raw_text_elements[] = {"script", "style", "textarea", "title", "xmp", NULL};

typedef struct open_tag {
	const char *name;
	size_t len;
} open_tag;

static size_t tag_name_len(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && (is_alpha(*q) || (*q >= '0' && *q <= '9') || *q == '-' || *q == ':'))
		q++;
	return (size_t)(q - p);
}

static bool name_in(const char *name, size_t len, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == len && !strncasecmp(name, *list, len))
			return true;
	return false;
}

/* The end of a raw text element's content (at its end tag), or NULL. */
static const char *raw_text_end(const char *p, const char *end, const char *name, size_t len)
{
	for (; (p = memchr(p, '<', (size_t)(end - p))) != NULL; p++)
		if (end - p > (ptrdiff_t)(len + 2) && p[1] == '/' && !strncasecmp(p + 2, name, len))
			return p;
	return NULL;
}

bool html_is_self_contained(const char *src, size_t len)
{
	open_tag stack[32];
	size_t depth = 0;
	const char *p = src, *end = src + len, *next;
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		const char *rest = p + 1;
		if (end - rest >= 3 && !memcmp(rest, "!--", 3)) {
			next = skip_past(rest + 3, end, "-->");
		} else if (rest < end && (*rest == '!' || *rest == '?')) {
			next = skip_past(rest, end, ">");
		} else if (rest < end && *rest == '/') {
			size_t n = tag_name_len(rest + 1, end);
			if (!depth || stack[depth - 1].len != n ||
			    strncasecmp(stack[depth - 1].name, rest + 1, n))
				return false;
			depth--;
			next = skip_past(rest, end, ">");
		} else if (rest < end && is_alpha(*rest)) {
			size_t n = tag_name_len(rest, end);
			next = tag_end(p, end);
			if (next && next[-2] != '/' && !name_in(rest, n, void_elements)) {
				if (depth == sizeof(stack) / sizeof(stack[0]))
					return false;
				stack[depth++] = (open_tag){rest, n};
				if (name_in(rest, n, raw_text_elements))
					next = raw_text_end(next, end, rest, n);
			}
		} else {
			next = rest;
		}
		if (!next)
			return false;
		p = next;
	}
	return depth == 0;
}

int html_write_sanitized(html_ctx *c, const char *src, size_t len)
{
	static const char prefix[] = "<html><body>";
	galley_buf in = GALLEY_BUF_INIT;
	htmlDocPtr doc;
	size_t text_at;

	if (galley_buf_put(&in, prefix, sizeof(prefix) - 1) != 0 ||
	    prepare_source(src, len, &in, &text_at) != 0) {
		galley_buf_free(&in);
		return GALLEY_ENOMEM;
	}
	doc = htmlReadMemory((const char *)in.data, (int)text_at, NULL, "UTF-8",
	                     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (doc) {
		write_document(c, doc);
		xmlFreeDoc(doc);
	}
	xmlw_text(c->x, (const char *)in.data + text_at, in.len - text_at);
	galley_buf_free(&in);
	return c->x->failed ? GALLEY_ENOMEM : 0;
}
