/*
 * math.c - "$…$" and "$$…$$" TeX math as a cmark-gfm inline extension.
 *
 * cmark-gfm hands the extension each '$' its inline parser meets outside
 * code spans, autolinks and raw HTML, and after backslash escapes: "\$" and
 * `$x$` never get here. The rules are pandoc's: no space after the opening
 * '$' nor before the closing one, and a closing '$' not followed by a
 * digit, so that "$5 and $6" stays text. A match becomes a code-span node
 * marked as math (its user data), which the reader turns into a MATH node.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-extension_api.h>

#include "markdown.h"

static void free_mark(cmark_mem *mem, void *data)
{
	(void)mem;
	free(data);
}

static bool is_space(unsigned char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

/*
 * Where the closing delimiter starts (from `from`), or -1. The paragraph's
 * text has no NUL (the reader refuses them), so 0 is its end.
 */
static int find_close(cmark_inline_parser *ip, int from, bool display)
{
	unsigned char ch;
	for (int i = from; (ch = cmark_inline_parser_peek_at(ip, i)) != 0; i++) {
		if (ch == '\\') {
			if (!cmark_inline_parser_peek_at(ip, i + 1))
				break;
			i++; /* "\$" inside math is TeX's dollar sign */
			continue;
		}
		if (ch != '$')
			continue;
		unsigned char next = cmark_inline_parser_peek_at(ip, i + 1);
		if (display) {
			if (next == '$')
				return i;
			continue;
		}
		if (!is_space(cmark_inline_parser_peek_at(ip, i - 1)) && !(next >= '0' && next <= '9'))
			return i;
	}
	return -1;
}

static cmark_node *match_math(cmark_syntax_extension *self, cmark_parser *parser, cmark_node *parent,
                              unsigned char ch, cmark_inline_parser *ip)
{
	(void)self;
	(void)parser;
	(void)parent;
	if (ch != '$')
		return NULL; /* cmark-gfm asks about every character that starts no other inline */
	int at = cmark_inline_parser_get_offset(ip);
	bool display = cmark_inline_parser_peek_at(ip, at + 1) == '$';
	int open = at + (display ? 2 : 1);
	unsigned char first = cmark_inline_parser_peek_at(ip, open);
	if (!first || (!display && is_space(first)))
		return NULL;
	int close = find_close(ip, display ? open : open + 1, display);
	if (close < 0 || close == open)
		return NULL;
	md_math_mark *mark = calloc(1, sizeof(*mark));
	cmark_node *n = cmark_node_new_with_mem(CMARK_NODE_CODE, cmark_get_default_mem_allocator());
	if (!mark || !n) {
		free(mark);
		if (n)
			cmark_node_free(n);
		return NULL;
	}
	mark->display = display;
	mark->line = cmark_inline_parser_get_line(ip);
	mark->column = cmark_inline_parser_get_column(ip);
	char *tex = malloc((size_t)(close - open) + 1);
	if (!tex) {
		free(mark);
		cmark_node_free(n);
		return NULL;
	}
	mark->offset = at;
	for (int i = open; i < close; i++) {
		tex[i - open] = (char)cmark_inline_parser_peek_at(ip, i);
		if (tex[i - open] == '\n') {
			mark->newlines++;
			mark->last_nl = i;
		}
	}
	tex[close - open] = '\0';
	cmark_node_set_literal(n, tex);
	free(tex);
	cmark_node_set_user_data(n, mark);
	cmark_node_set_user_data_free_func(n, free_mark);
	cmark_inline_parser_set_offset(ip, (int)(close + (display ? 2 : 1)));
	return n;
}

static cmark_syntax_extension *math_ext;

static void make_extension(void)
{
	cmark_syntax_extension *ext = cmark_syntax_extension_new("galley-math");
	cmark_llist *chars =
	    ext ? cmark_llist_append(cmark_get_default_mem_allocator(), NULL, (void *)'$') : NULL;
	if (!chars) {
		if (ext)
			cmark_syntax_extension_free(cmark_get_default_mem_allocator(), ext);
		return;
	}
	cmark_syntax_extension_set_special_inline_chars(ext, chars);
	cmark_syntax_extension_set_match_inline_func(ext, match_math);
	math_ext = ext;
}

/* One extension for every parser of the process, made once (readers may run in threads). */
cmark_syntax_extension *md_math_extension(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, make_extension);
	return math_ext;
}
