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

static bool is_ident_char(char ch)
{
	return is_alnum(ch) || ch == '-' || ch == '_' || ch == ':' || ch == '.';
}

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
		else if (it->kind == '.' ||
		         (it->kind == '=' && it->key_len == 5 && !memcmp(it->key, "class", 5)))
			add_class(&classes, v, value.len);
		else {
			galley_buf key = GALLEY_BUF_INIT;
			galley_buf_put(&key, it->key, it->key_len);
			rc = key.failed ? GALLEY_ENOMEM
			                : galley_node_set_attr(doc, n, (const char *)key.data, v);
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

/* A bracket of a span: where it is, then the one-character text node it becomes. */
typedef struct bracket {
	galley_node *text;
	size_t at;
	size_t child; /* the text's place among its siblings */
} bracket;

/* "[ ... ]{attributes}": the two brackets and the marker after the closing one. */
typedef struct span_pair {
	bracket open, close;
	galley_node *marker;
} span_pair;

typedef struct span_pass {
	bracket *stack; /* open brackets not matched yet */
	size_t depth, stack_cap;
	span_pair *pairs;
	size_t count, cap;
} span_pass;

static bool is_span_marker(const galley_node *n)
{
	md_attrs a;
	return md_is_attr_marker(n) && md_attrs_parse(n->lit, n->len, &a) == n->len && !a.format;
}

static int push_open(span_pass *p, bracket b)
{
	if (p->depth == p->stack_cap) {
		size_t cap = p->stack_cap ? p->stack_cap * 2 : 16;
		bracket *grown = realloc(p->stack, cap * sizeof(*grown));
		if (!grown)
			return GALLEY_ENOMEM;
		p->stack = grown;
		p->stack_cap = cap;
	}
	p->stack[p->depth++] = b;
	return 0;
}

static int add_pair(span_pass *p, bracket open, bracket close, galley_node *marker)
{
	if (p->count == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		span_pair *grown = realloc(p->pairs, cap * sizeof(*grown));
		if (!grown)
			return GALLEY_ENOMEM;
		p->pairs = grown;
		p->cap = cap;
	}
	p->pairs[p->count++] = (span_pair){open, close, marker};
	return 0;
}

/*
 * One pass over the children of `parent`, in order: each ']' matches the
 * nearest '[' not matched yet (cmark-gfm merges neighbouring texts, so the
 * brackets are inside text nodes), and a ']' that ends a text followed by
 * a marker closes a span.
 */
static int match_brackets(span_pass *p, galley_node *parent)
{
	size_t child = 0;
	int rc = 0;
	p->depth = p->count = 0;
	for (galley_node *t = parent->first; t && rc == 0; t = t->next, child++) {
		if (t->type != GALLEY_NODE_TEXT)
			continue;
		for (size_t i = 0; i < t->len && rc == 0; i++) {
			bracket b = {t, i, child};
			if (t->lit[i] == '[')
				rc = push_open(p, b);
			else if (t->lit[i] == ']' && p->depth) {
				bracket open = p->stack[--p->depth];
				if (i + 1 == t->len && is_span_marker(t->next))
					rc = add_pair(p, open, b, t->next);
			}
		}
	}
	return rc;
}

/*
 * cmark-gfm merges neighbouring text nodes, so brackets are inside texts:
 * split_text() cuts the text `t` at byte `at` into two nodes and returns
 * the second (NULL when out of memory).
 */
static galley_node *split_text(galley_doc *doc, galley_node *t, size_t at)
{
	galley_node *rest =
	    galley_node_new(doc, GALLEY_NODE_TEXT, t->line, t->line ? t->col + (unsigned)at : 0);
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

/* Later brackets first: splitting a text leaves the offsets before the cut as they were. */
static int later_first(const void *a, const void *b)
{
	const bracket *x = *(const bracket *const *)a, *y = *(const bracket *const *)b;
	if (x->child != y->child)
		return x->child < y->child ? 1 : -1;
	return x->at < y->at ? 1 : x->at > y->at ? -1 : 0;
}

/* Makes each bracket of the pairs a text node of its own (bracket.text). */
static int isolate_brackets(galley_doc *doc, span_pass *p)
{
	bracket **all = malloc(2 * p->count * sizeof(*all));
	int rc = 0;
	if (!all)
		return GALLEY_ENOMEM;
	for (size_t i = 0; i < p->count; i++) {
		all[2 * i] = &p->pairs[i].open;
		all[2 * i + 1] = &p->pairs[i].close;
	}
	qsort(all, 2 * p->count, sizeof(*all), later_first);
	for (size_t i = 0; i < 2 * p->count && rc == 0; i++) {
		bracket *b = all[i];
		if (!split_text(doc, b->text, b->at + 1) || !(b->text = split_text(doc, b->text, b->at)))
			rc = GALLEY_ENOMEM;
	}
	free(all);
	return rc;
}

/* Wraps what lies between the brackets of each pair in a span; inner spans (closed first) first. */
static int make_spans(galley_doc *doc, span_pass *p)
{
	int rc = isolate_brackets(doc, p);
	for (size_t i = 0; i < p->count && rc == 0; i++) {
		span_pair *sp = &p->pairs[i];
		galley_node *open = sp->open.text, *close = sp->close.text;
		galley_node *span = galley_node_new(doc, GALLEY_NODE_SPAN, open->line, open->col);
		md_attrs a;
		if (!span)
			return GALLEY_ENOMEM;
		galley_node_insert_before(open, span);
		while (open->next != close)
			galley_node_append(span, open->next);
		galley_node_unlink(open);
		galley_node_unlink(close);
		md_attrs_parse(sp->marker->lit, sp->marker->len, &a);
		galley_node_unlink(sp->marker);
		rc = md_attrs_apply(doc, span, &a, false);
	}
	return rc;
}

/* The cuts leave empty texts behind. */
static void drop_empty_texts(galley_node *parent)
{
	for (galley_node *n = parent->first, *next; n; n = next) {
		next = n->next;
		if (n->type == GALLEY_NODE_TEXT && !n->len)
			galley_node_unlink(n);
		else if (n->type == GALLEY_NODE_SPAN)
			drop_empty_texts(n); /* made here: its children are few levels deep */
	}
}

static bool closes_span(const galley_node *marker)
{
	const galley_node *t = marker->prev;
	return t && t->type == GALLEY_NODE_TEXT && t->len && t->lit[t->len - 1] == ']' &&
	       is_span_marker(marker);
}

/* Spans among the children of `parent`, when a marker follows a ']'. */
static int spans_in(galley_doc *doc, galley_node *parent, span_pass *p)
{
	galley_node *n = parent->first;
	while (n && !(md_is_attr_marker(n) && closes_span(n)))
		n = n->next;
	if (!n)
		return 0;
	int rc = match_brackets(p, parent);
	if (rc == 0 && p->count) {
		rc = make_spans(doc, p);
		drop_empty_texts(parent);
	}
	return rc;
}

/* Gives the attributes of a marker that closes no span to what it follows, or makes it the text it was. */
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
	span_pass p = {NULL, 0, 0, NULL, 0, 0};
	galley_node **markers = NULL;
	size_t count = 0, cap = 0;
	galley_walk w;
	int rc = 0;
	/* spans first, a parent at a time, each as its walk enters it */
	galley_walk_init(&w, doc->root);
	while (rc == 0 && galley_walk_next(&w) != GALLEY_EVENT_DONE)
		if (w.event == GALLEY_EVENT_ENTER && w.node->first)
			rc = spans_in(doc, w.node, &p);
	galley_walk_init(&w, doc->root);
	while (rc == 0 && galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		if (w.event != GALLEY_EVENT_ENTER || !md_is_attr_marker(w.node))
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			galley_node **m = realloc(markers, cap * sizeof(*m));
			if (!m) {
				rc = GALLEY_ENOMEM;
				break;
			}
			markers = m;
		}
		markers[count++] = w.node;
	}
	for (size_t i = 0; i < count && rc == 0; i++)
		rc = resolve(doc, markers[i]);
	free(markers);
	free(p.stack);
	free(p.pairs);
	return rc;
}
