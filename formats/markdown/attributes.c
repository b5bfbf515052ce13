/*
 * attributes.c - pandoc's attribute syntax, for the markdown dialect:
 * {#id .class key=value key2="quoted value" -} after a heading's text, a
 * fenced code block's info string, [text] (a span) and `code`{=format}.
 *
 * cmark-gfm would smarten what is inside the braces ("--" into an en dash,
 * quotes into curly ones). An inline extension claims the braces first: it
 * reads the raw bytes and leaves them, as written, in an inline HTML node
 * marked as made by the extension (not a text node, which cmark-gfm would
 * merge with its neighbours); the reader turns it into a marker node, and
 * md_attributes() then gives the attributes to what they follow.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "attributes.h"

/* Longest attribute block read; a longer one stays text. */
#define MD_ATTR_MAX_LEN 1024

static bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

/* Letters, digits and non-ASCII bytes (pandoc allows any letter). */
static bool is_alnum(char ch) { return isalnum((unsigned char)ch) || (unsigned char)ch >= 0x80; }

static bool is_ident_char(char ch) { return is_alnum(ch) || ch == '-' || ch == '_' || ch == ':' || ch == '.'; }

static size_t skip_space(const char *s, size_t i, size_t len)
{
	while (i < len && is_space(s[i]))
		i++;
	return i;
}

/* An identifier as pandoc has it (a letter, then letters, digits, "-_:."); its length or 0. */
static size_t scan_identifier(const char *s, size_t i, size_t len)
{
	size_t start = i;
	if (i >= len || !(isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80))
		return 0;
	while (i < len && is_ident_char(s[i]))
		i++;
	return i - start;
}

/* A value: quoted ("..." or '...', backslash escapes) or bare (up to a space or '}'). Its end, or 0. */
static size_t scan_value(const char *s, size_t i, size_t len, char *quote)
{
	*quote = 0;
	if (i < len && (s[i] == '"' || s[i] == '\'')) {
		char q = s[i++];
		while (i < len && s[i] != q)
			i += s[i] == '\\' && i + 1 < len ? 2 : 1;
		if (i >= len)
			return 0;
		*quote = q;
		return i + 1;
	}
	size_t start = i;
	while (i < len && !is_space(s[i]) && s[i] != '}' && s[i] != '"' && s[i] != '\'')
		i++;
	return i > start ? i : 0;
}

/* {=format}: a raw attribute, alone in its braces. */
static size_t parse_format(const char *s, size_t len, md_attrs *a)
{
	size_t i = skip_space(s, 1, len) + 1, start = i;
	while (i < len && (is_alnum(s[i]) || s[i] == '-' || s[i] == '_'))
		i++;
	if (i == start)
		return 0;
	a->format = s + start;
	a->format_len = i - start;
	i = skip_space(s, i, len);
	return i < len && s[i] == '}' ? i + 1 : 0;
}

static size_t parse_item(const char *s, size_t i, size_t len, md_attr_item *it)
{
	size_t n;
	memset(it, 0, sizeof(*it));
	if (s[i] == '#' || s[i] == '.') {
		it->kind = s[i];
		n = s[i] == '#' ? 0 : scan_identifier(s, i + 1, len);
		if (s[i] == '#')
			while (i + 1 + n < len && is_ident_char(s[i + 1 + n]))
				n++;
		it->value = s + i + 1;
		it->value_len = n;
		return n ? i + 1 + n : 0;
	}
	if (s[i] == '-') {
		it->kind = '.';
		it->value = "unnumbered";
		it->value_len = 10;
		return i + 1;
	}
	n = scan_identifier(s, i, len);
	if (!n || i + n >= len || s[i + n] != '=')
		return 0;
	it->kind = '=';
	it->key = s + i;
	it->key_len = n;
	size_t end = scan_value(s, i + n + 1, len, &it->quote);
	if (!end)
		return 0;
	it->value = s + i + n + 1 + (it->quote != 0);
	it->value_len = end - (i + n + 1) - (it->quote ? 2 : 0);
	return end;
}

size_t md_attrs_parse(const char *s, size_t len, md_attrs *a)
{
	size_t i;
	memset(a, 0, sizeof(*a));
	if (!len || s[0] != '{')
		return 0;
	i = skip_space(s, 1, len);
	if (i < len && s[i] == '=')
		return parse_format(s, len, a);
	while (i < len && s[i] != '}') {
		if (a->count == MD_ATTR_MAX_ITEMS)
			return 0;
		size_t end = parse_item(s, i, len, &a->item[a->count]);
		/* attributes are separated by white space */
		if (!end || (end < len && s[end] != '}' && !is_space(s[end])))
			return 0;
		a->count++;
		i = skip_space(s, end, len);
	}
	return i < len ? i + 1 : 0;
}

/* The value of `it` with a quoted value's backslash escapes resolved, in `out` (NUL-terminated). */
static int item_value(const md_attr_item *it, galley_buf *out)
{
	out->len = 0;
	for (size_t i = 0; i < it->value_len; i++) {
		if (it->quote && it->value[i] == '\\' && i + 1 < it->value_len)
			i++;
		galley_buf_putc(out, it->value[i]);
	}
	galley_buf_put(out, "", 0);
	return out->failed ? GALLEY_ENOMEM : 0;
}

static void add_class(galley_buf *classes, const char *s, size_t len)
{
	if (classes->len)
		galley_buf_putc(classes, ' ');
	galley_buf_put(classes, s, len);
}

int md_attrs_apply(galley_doc *doc, galley_node *n, const md_attrs *a, bool language_first)
{
	galley_buf classes = GALLEY_BUF_INIT, value = GALLEY_BUF_INIT;
	int rc = 0;
	for (size_t k = 0; k < a->count && rc == 0; k++) {
		const md_attr_item *it = &a->item[k];
		rc = item_value(it, &value);
		const char *v = (const char *)value.data;
		if (rc)
			break;
		if (it->kind == '#' || (it->kind == '=' && it->key_len == 2 && !memcmp(it->key, "id", 2)))
			rc = galley_node_set_id(doc, n, v, value.len);
		else if (it->kind == '.' && language_first && !n->info)
			rc = galley_node_set_info(doc, n, v, value.len);
		else if (it->kind == '.' || (it->kind == '=' && it->key_len == 5 && !memcmp(it->key, "class", 5)))
			add_class(&classes, v, value.len);
		else {
			galley_buf key = GALLEY_BUF_INIT;
			galley_buf_put(&key, it->key, it->key_len);
			rc = key.failed ? GALLEY_ENOMEM : galley_node_set_attr(doc, n, (const char *)key.data, v);
			galley_buf_free(&key);
		}
	}
	if (rc == 0 && classes.failed)
		rc = GALLEY_ENOMEM;
	if (rc == 0 && classes.len)
		rc = galley_node_set_classes(doc, n, (const char *)classes.data, classes.len);
	galley_buf_free(&classes);
	galley_buf_free(&value);
	return rc;
}

/* ---- the inline extension ------------------------------------------- */

/*
 * The bytes from the '{' at the parser's offset up to the first '}', copied
 * into `raw`; 0 when there is none within MD_ATTR_MAX_LEN bytes or another
 * '{' comes first (so a run of braces costs linear time).
 */
static size_t copy_braces(cmark_inline_parser *ip, char *raw)
{
	int off = cmark_inline_parser_get_offset(ip);
	size_t n = 0;
	while (n < MD_ATTR_MAX_LEN) {
		unsigned char ch = cmark_inline_parser_peek_at(ip, off + (int)n);
		if (!ch || (ch == '{' && n > 0))
			return 0;
		raw[n++] = (char)ch;
		if (ch == '}')
			return n;
	}
	return 0;
}

static cmark_node *match_braces(cmark_syntax_extension *ext, cmark_parser *parser, cmark_node *parent,
                                unsigned char ch, cmark_inline_parser *ip)
{
	char raw[MD_ATTR_MAX_LEN + 1];
	md_attrs a;
	(void)parser;
	(void)parent;
	if (ch != '{')
		return NULL;
	size_t n = copy_braces(ip, raw);
	if (!n || md_attrs_parse(raw, n, &a) != n)
		return NULL;
	raw[n] = '\0';
	cmark_node *node =
	    cmark_node_new_with_mem_and_ext(CMARK_NODE_HTML_INLINE, cmark_get_default_mem_allocator(), ext);
	if (!node)
		return NULL;
	cmark_node_set_literal(node, raw);
	cmark_inline_parser_set_offset(ip, cmark_inline_parser_get_offset(ip) + (int)n);
	return node;
}

cmark_syntax_extension *md_attrs_extension_new(void)
{
	cmark_syntax_extension *ext = cmark_syntax_extension_new("galley-attributes");
	if (!ext)
		return NULL;
	cmark_llist *chars = cmark_llist_append(cmark_get_default_mem_allocator(), NULL, (void *)(size_t)'{');
	if (!chars) {
		cmark_syntax_extension_free(cmark_get_default_mem_allocator(), ext);
		return NULL;
	}
	cmark_syntax_extension_set_special_inline_chars(ext, chars);
	cmark_syntax_extension_set_match_inline_func(ext, match_braces);
	return ext;
}

void md_attrs_extension_free(cmark_syntax_extension *ext)
{
	if (ext)
		cmark_syntax_extension_free(cmark_get_default_mem_allocator(), ext);
}

/* ---- giving the attributes to what they follow ------------------------ */

bool md_is_attr_marker(const galley_node *n)
{
	return n && n->type == GALLEY_NODE_RAW_INLINE && n->info && !strcmp(n->info, MD_ATTR_MARKER);
}

/* Trailing blanks of a heading's text, and an ATX closing sequence before the braces ("## A ## {#a}"). */
static void trim_heading_text(galley_node *h)
{
	galley_node *t = h->last;
	if (!t || t->type != GALLEY_NODE_TEXT)
		return;
	while (t->len && (t->lit[t->len - 1] == ' ' || t->lit[t->len - 1] == '\t'))
		t->len--;
	size_t end = t->len;
	while (end && t->lit[end - 1] == '#')
		end--;
	/* a run of '#' after a space, or alone after nothing: the closing sequence */
	if (end < t->len && ((end && t->lit[end - 1] == ' ') || (!end && !t->prev))) {
		while (end && t->lit[end - 1] == ' ')
			end--;
		t->len = end;
	}
	if (!t->len)
		galley_node_unlink(t);
}

/*
 * cmark-gfm merges neighbouring text nodes, so the brackets of "[a span]"
 * are inside texts: split_text() cuts the text `t` at byte `at` into two
 * nodes and returns the second (NULL when out of memory).
 */
static galley_node *split_text(galley_doc *doc, galley_node *t, size_t at)
{
	galley_node *rest = galley_node_new(doc, GALLEY_NODE_TEXT, t->line, t->line ? t->col + (unsigned)at : 0);
	if (!rest)
		return NULL;
	rest->lit = t->lit + at;
	rest->len = t->len - at;
	t->len = at;
	if (t->next)
		galley_node_insert_before(t->next, rest);
	else
		galley_node_append(t->parent, rest);
	return rest;
}

/* The text and byte offset of the '[' that matches the ']' ending `close`; false if none. */
static bool find_opener(galley_node *close, galley_node **node, size_t *at)
{
	int depth = 0;
	size_t i = close->len - 1;
	for (galley_node *p = close; p; p = p->prev, i = p ? p->len : 0) {
		if (p->type != GALLEY_NODE_TEXT)
			continue;
		while (i-- > 0) {
			if (p->lit[i] == ']')
				depth++;
			else if (p->lit[i] == '[' && depth-- == 0) {
				*node = p;
				*at = i;
				return true;
			}
		}
	}
	return false;
}

/* "[...]" before a marker: a span of what the brackets hold. */
static int make_span(galley_doc *doc, galley_node *close, const md_attrs *a)
{
	galley_node *open, *after, *closer;
	size_t at;
	if (!find_opener(close, &open, &at))
		return 1;
	closer = split_text(doc, close, close->len - 1); /* "]" */
	if (!closer)
		return GALLEY_ENOMEM;
	after = split_text(doc, open, at + 1); /* what follows "[", maybe empty */
	if (!after || !split_text(doc, open, at))
		return GALLEY_ENOMEM;
	galley_node *bracket = open->next, *span = galley_node_new(doc, GALLEY_NODE_SPAN, bracket->line, bracket->col);
	if (!span)
		return GALLEY_ENOMEM;
	galley_node_insert_before(bracket, span);
	while (bracket->next != closer)
		galley_node_append(span, bracket->next);
	galley_node_unlink(bracket);
	galley_node_unlink(closer);
	for (galley_node *n = span->first, *next; n; n = next) {
		next = n->next;
		if (n->type == GALLEY_NODE_TEXT && !n->len)
			galley_node_unlink(n);
	}
	if (open->len == 0)
		galley_node_unlink(open);
	if (close->parent != span && close->len == 0)
		galley_node_unlink(close);
	return md_attrs_apply(doc, span, a, false);
}

/* Gives the attributes of `marker` to what it follows, or makes it the text it was. */
static int resolve(galley_doc *doc, galley_node *marker)
{
	galley_node *prev = marker->prev, *parent = marker->parent;
	md_attrs a;
	int rc = 0;
	md_attrs_parse(marker->lit, marker->len, &a);
	if (!a.format && parent && parent->type == GALLEY_NODE_HEADING && !marker->next) {
		galley_node_unlink(marker);
		trim_heading_text(parent);
		return md_attrs_apply(doc, parent, &a, false);
	}
	if (!a.format && prev && prev->type == GALLEY_NODE_TEXT && prev->len && prev->lit[prev->len - 1] == ']' &&
	    (rc = make_span(doc, prev, &a)) <= 0) {
		galley_node_unlink(marker);
		return rc;
	}
	if (a.format && prev && prev->type == GALLEY_NODE_CODE) {
		prev->type = GALLEY_NODE_RAW_INLINE;
		rc = galley_node_set_info(doc, prev, a.format, a.format_len);
		galley_node_unlink(marker);
		return rc;
	}
	marker->type = GALLEY_NODE_TEXT;
	marker->info = NULL;
	return 0;
}

int md_attributes(galley_doc *doc)
{
	galley_node **markers = NULL;
	size_t count = 0, cap = 0;
	galley_walk w;
	int rc = 0;
	galley_walk_init(&w, doc->root);
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		if (w.event != GALLEY_EVENT_ENTER || !md_is_attr_marker(w.node))
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			galley_node **m = realloc(markers, cap * sizeof(*m));
			if (!m) {
				rc = GALLEY_ENOMEM;
				goto cleanup;
			}
			markers = m;
		}
		markers[count++] = w.node;
	}
	/* last first: in "[a [b]{.x}]{.y}" the inner span is made before the outer one */
	for (size_t i = count; i-- > 0 && rc == 0;)
		rc = resolve(doc, markers[i]);
cleanup:
	free(markers);
	return rc;
}
