/*
 * markdown.c - Markdown into the article model, parsed by cmark-gfm.
 *
 * Three dialects share this reader:
 *   markdown    GFM tables, strikethrough, autolinks, task lists, footnotes,
 *               smart punctuation, YAML front matter, implicit figures,
 *               {#id} on headings, "Term / : definition" lists, simple
 *               inline HTML (<sup>, <sub>, <em>, ...) mapped to the model;
 *   gfm         GitHub Flavored Markdown as GitHub renders it;
 *   commonmark  the CommonMark spec and nothing more.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include "../../src/internal.h"
#include "../../src/strmap.h"
#include "attributes.h"
#include "frontmatter.h"
#include "markdown.h"

enum {
	MD_EXTENSIONS = 1u << 0, /* GFM extensions and footnotes */
	MD_SMART = 1u << 1,
	MD_FRONT_MATTER = 1u << 2,
	MD_RICH = 1u << 3 /* figures, ids, definition lists, inline HTML mapping */
};

typedef struct md_ctx {
	galley_doc *doc;
	const galley_options *opts;
	galley_error *err;
	long line_offset; /* added to cmark's line numbers: front matter, and a piece's place */
	unsigned wide_table; /* the first line with too many table cells, or 0 */
	int cmark_opts;
	bool extensions;
	galley_buf scratch; /* repaired strings */
	cmark_syntax_extension *attrs; /* {#id .class} kept as written (markdown dialect), or NULL */
	const char *input; /* the text cmark-gfm parsed last, which its line numbers count in */
	size_t input_len;
	int cursor_line; /* a line of `input` and where it starts, for reading lines in order */
	size_t cursor_pos;
} md_ctx;

/*
 * cmark-gfm's table extension takes time quadratic in the cells of a line
 * (100,000 columns: half a minute); past this many on one line the document
 * is read without tables.
 */
#define MAX_TABLE_CELLS 256

/* The first line (1-based) with more than MAX_TABLE_CELLS pipes, or 0. */
static unsigned overwide_table_line(const char *data, size_t len)
{
	unsigned line = 1;
	size_t pipes = 0;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n') {
			line++;
			pipes = 0;
		} else if (data[i] == '|' && ++pipes > MAX_TABLE_CELLS) {
			return line;
		}
	}
	return 0;
}

/* A parser with the document's options and extensions; NULL when out of memory. */
static cmark_parser *new_parser(const md_ctx *c)
{
	static const char *const names[] = {"table", "strikethrough", "autolink", "tasklist"};
	cmark_parser *p = cmark_parser_new(c->cmark_opts);
	if (p && c->attrs)
		cmark_parser_attach_syntax_extension(p, c->attrs);
	if (!p || !c->extensions)
		return p;
	cmark_gfm_core_extensions_ensure_registered();
	for (size_t i = c->wide_table ? 1 : 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(names[i]);
		if (!ext || !cmark_parser_attach_syntax_extension(p, ext)) {
			cmark_parser_free(p);
			return NULL;
		}
	}
	return p;
}

/* A model line from cmark's: 0 (unknown) stays 0. */
static unsigned model_line(const md_ctx *c, int line)
{
	return line > 0 && line + c->line_offset > 0 ? (unsigned)(line + c->line_offset) : 0;
}

static galley_node_type map_extension(cmark_node *n)
{
	const char *t = cmark_node_get_type_string(n);
	if (!strcmp(t, "table"))
		return GALLEY_NODE_TABLE;
	if (!strcmp(t, "table_header") || !strcmp(t, "table_row"))
		return GALLEY_NODE_TABLE_ROW;
	if (!strcmp(t, "table_cell"))
		return GALLEY_NODE_TABLE_CELL;
	if (!strcmp(t, "strikethrough"))
		return GALLEY_NODE_STRIKETHROUGH;
	return GALLEY_NODE_NONE;
}

static galley_node_type map_type(cmark_node *n)
{
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_DOCUMENT:
		return GALLEY_NODE_DOCUMENT;
	case CMARK_NODE_BLOCK_QUOTE:
		return GALLEY_NODE_BLOCK_QUOTE;
	case CMARK_NODE_LIST:
		return cmark_node_get_list_type(n) == CMARK_ORDERED_LIST ? GALLEY_NODE_ORDERED_LIST
		                                                         : GALLEY_NODE_BULLET_LIST;
	case CMARK_NODE_ITEM:
		return GALLEY_NODE_LIST_ITEM;
	case CMARK_NODE_CODE_BLOCK:
		return GALLEY_NODE_CODE_BLOCK;
	case CMARK_NODE_HTML_BLOCK:
		return GALLEY_NODE_RAW_BLOCK;
	case CMARK_NODE_PARAGRAPH:
		return GALLEY_NODE_PARAGRAPH;
	case CMARK_NODE_HEADING:
		return GALLEY_NODE_HEADING;
	case CMARK_NODE_THEMATIC_BREAK:
		return GALLEY_NODE_THEMATIC_BREAK;
	case CMARK_NODE_FOOTNOTE_DEFINITION:
		return GALLEY_NODE_FOOTNOTE_DEF;
	case CMARK_NODE_TEXT:
		return GALLEY_NODE_TEXT;
	case CMARK_NODE_SOFTBREAK:
		return GALLEY_NODE_SOFT_BREAK;
	case CMARK_NODE_LINEBREAK:
		return GALLEY_NODE_HARD_BREAK;
	case CMARK_NODE_CODE:
		return GALLEY_NODE_CODE;
	case CMARK_NODE_HTML_INLINE:
		return GALLEY_NODE_RAW_INLINE;
	case CMARK_NODE_EMPH:
		return GALLEY_NODE_EMPH;
	case CMARK_NODE_STRONG:
		return GALLEY_NODE_STRONG;
	case CMARK_NODE_LINK:
		return GALLEY_NODE_LINK;
	case CMARK_NODE_IMAGE:
		return GALLEY_NODE_IMAGE;
	case CMARK_NODE_FOOTNOTE_REFERENCE:
		return GALLEY_NODE_FOOTNOTE_REF;
	default:
		return map_extension(n);
	}
}

/*
 * A string from cmark-gfm as valid UTF-8 ("" for NULL; *len in and out;
 * NULL when out of memory). cmark-gfm turns the character references
 * &#xFFFE; and &#xFFFF; into the lone bytes 0xFE and 0xFF, which are not
 * UTF-8: they become U+FFFD like every other invalid sequence.
 */
static const char *valid_utf8(md_ctx *c, const char *s, size_t *len)
{
	if (!s) {
		*len = 0;
		return "";
	}
	if (*len == (size_t)-1)
		*len = strlen(s);
	if (galley_utf8_check(s, *len) == (size_t)-1)
		return s;
	c->scratch.len = 0;
	if (galley_utf8_repair(&c->scratch, s, *len) != 0)
		return NULL;
	*len = c->scratch.len;
	return (const char *)c->scratch.data;
}

typedef int (*set_string_fn)(galley_doc *doc, galley_node *n, const char *s, size_t len);

/* Sets a string field of `g` from cmark's `s` (up to `len` bytes, or all of it for (size_t)-1). */
static int set_string(md_ctx *c, galley_node *g, set_string_fn set, const char *s, size_t len)
{
	const char *v = valid_utf8(c, s, &len);
	return v ? set(c->doc, g, v, len) : GALLEY_ENOMEM;
}

/*
 * A fenced code block's info string in the markdown dialect: "{.lang #id
 * .class key=value}", "lang {.class}", "{=format}" (raw content in that
 * format) or a plain "lang ...", whose first word is the language.
 */
static int set_code_info(md_ctx *c, galley_node *g, const char *info)
{
	size_t len = (size_t)-1, word;
	const char *s = valid_utf8(c, info, &len), *brace;
	md_attrs a;
	if (!s)
		return GALLEY_ENOMEM;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	word = s[0] == '{' ? 0 : strcspn(s, " \t");
	brace = s + word + strspn(s + word, " \t");
	if (c->attrs && *brace == '{' && md_attrs_parse(brace, len - (size_t)(brace - s), &a) == len - (size_t)(brace - s)) {
		int rc = word ? galley_node_set_info(c->doc, g, s, word) : 0;
		if (rc == 0 && a.format) {
			if (word)
				return 0; /* "lang {=format}" is not raw content: the language alone */
			g->type = GALLEY_NODE_RAW_BLOCK;
			return galley_node_set_info(c->doc, g, a.format, a.format_len);
		}
		return rc ? rc : md_attrs_apply(c->doc, g, &a, true);
	}
	return word ? galley_node_set_info(c->doc, g, s, word) : 0;
}

/* What cmark-gfm parses next: its line numbers count in `input`. */
static void set_input(md_ctx *c, const char *input, size_t len)
{
	c->input = input;
	c->input_len = len;
	c->cursor_line = 1;
	c->cursor_pos = 0;
}

/* Line `line` (1-based) of the input and its length, or NULL; lines read in order cost linear time. */
static const char *input_line(md_ctx *c, int line, size_t *len)
{
	if (!c->input || line < 1)
		return NULL;
	if (line < c->cursor_line)
		set_input(c, c->input, c->input_len);
	while (c->cursor_line < line) {
		const char *nl = memchr(c->input + c->cursor_pos, '\n', c->input_len - c->cursor_pos);
		if (!nl)
			return NULL;
		c->cursor_pos = (size_t)(nl - c->input) + 1;
		c->cursor_line++;
	}
	const char *s = c->input + c->cursor_pos;
	const char *nl = memchr(s, '\n', c->input_len - c->cursor_pos);
	*len = nl ? (size_t)(nl - s) : c->input_len - c->cursor_pos;
	return s;
}

/* The dashes of each cell of a pipe table's delimiter row into `dashes`; the number of cells. */
static int delimiter_dashes(const char *s, size_t len, float *dashes, int max)
{
	int k = 0;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (len && *s == '|') {
		s++;
		len--;
	}
	if (len && s[len - 1] == '|')
		len--;
	for (size_t i = 0; i <= len && k < max; i++) {
		if (i == len || s[i] == '|')
			k++;
		else if (s[i] == '-')
			dashes[k]++;
	}
	return k;
}

/*
 * As pandoc does: a pipe table with a line wider than a text line (72
 * characters) wraps, and its columns take widths in proportion to the
 * dashes of its delimiter row.
 */
#define MD_TEXT_COLUMNS 72
static int set_table_widths(md_ctx *c, cmark_node *n, galley_node *g)
{
	int first = cmark_node_get_start_line(n), last = cmark_node_get_end_line(n);
	const char *delim = NULL, *s;
	size_t len, delim_len = 0, widest = 0;
	float dashes[1024] = {0}, total = 0;
	if (first <= 0 || last <= first || g->columns <= 0 || g->columns > 1024)
		return 0;
	for (int line = first; line <= last; line++) {
		size_t chars = 0;
		if (!(s = input_line(c, line, &len)))
			return 0;
		for (size_t i = 0; i < len; i++)
			chars += ((unsigned char)s[i] & 0xC0) != 0x80;
		widest = chars > widest ? chars : widest;
		if (line == first + 1) {
			delim = s;
			delim_len = len;
		}
	}
	if (widest <= MD_TEXT_COLUMNS || delimiter_dashes(delim, delim_len, dashes, 1024) != g->columns)
		return 0;
	for (int i = 0; i < g->columns; i++)
		total += dashes[i];
	for (int i = 0; i < g->columns && total > 0; i++)
		dashes[i] /= total;
	return total > 0 ? galley_node_set_table_widths(c->doc, g, dashes) : 0;
}

/* Fills the fields of `g` from the cmark node `n`. */
static int copy_fields(md_ctx *c, cmark_node *n, galley_node *g)
{
	galley_doc *doc = c->doc;
	const char *s;
	int rc = 0;
	switch (g->type) {
	case GALLEY_NODE_HEADING:
		galley_node_set_heading_level(g, cmark_node_get_heading_level(n));
		break;
	case GALLEY_NODE_ORDERED_LIST:
	case GALLEY_NODE_BULLET_LIST:
		galley_node_set_list(g, cmark_node_get_list_start(n),
		                     cmark_node_get_list_delim(n) == CMARK_PAREN_DELIM ? ')' : '.',
		                     cmark_node_get_list_tight(n));
		break;
	case GALLEY_NODE_LIST_ITEM:
		if (!strcmp(cmark_node_get_type_string(n), "tasklist"))
			galley_node_set_task(g, cmark_gfm_extensions_get_tasklist_item_checked(n) ? GALLEY_TASK_CHECKED
			                                                                           : GALLEY_TASK_UNCHECKED);
		break;
	case GALLEY_NODE_CODE_BLOCK:
		s = cmark_node_get_fence_info(n);
		if (s && *s)
			rc = c->attrs ? set_code_info(c, g, s) : set_string(c, g, galley_node_set_info, s, strcspn(s, " \t"));
		if (rc == 0)
			rc = set_string(c, g, galley_node_set_literal, cmark_node_get_literal(n), (size_t)-1);
		break;
	case GALLEY_NODE_RAW_BLOCK:
	case GALLEY_NODE_RAW_INLINE:
		/* braces the attribute extension kept as written: a marker until md_attributes() */
		if (c->attrs && cmark_node_get_syntax_extension(n) == c->attrs)
			rc = galley_node_set_info(doc, g, MD_ATTR_MARKER, (size_t)-1);
		else
			rc = galley_node_set_info(doc, g, "html", 4);
		/* fall through */
	case GALLEY_NODE_TEXT:
	case GALLEY_NODE_CODE:
		if (rc == 0)
			rc = set_string(c, g, galley_node_set_literal, cmark_node_get_literal(n), (size_t)-1);
		break;
	case GALLEY_NODE_LINK:
	case GALLEY_NODE_IMAGE:
		rc = set_string(c, g, galley_node_set_url, cmark_node_get_url(n), (size_t)-1);
		s = cmark_node_get_title(n);
		if (rc == 0 && s && *s)
			rc = set_string(c, g, galley_node_set_title, s, (size_t)-1);
		break;
	case GALLEY_NODE_FOOTNOTE_DEF:
	case GALLEY_NODE_FOOTNOTE_REF:
		rc = set_string(c, g, galley_node_set_footnote_label, cmark_node_get_literal(n), (size_t)-1);
		break;
	case GALLEY_NODE_TABLE: {
		int cols = cmark_gfm_extensions_get_table_columns(n);
		uint8_t *al = cmark_gfm_extensions_get_table_alignments(n);
		galley_align align[1024];
		int k = cols < 1024 ? cols : 1024;
		for (int i = 0; i < k; i++)
			align[i] = !al ? GALLEY_ALIGN_NONE
			           : al[i] == 'l' ? GALLEY_ALIGN_LEFT
			           : al[i] == 'c' ? GALLEY_ALIGN_CENTER
			           : al[i] == 'r' ? GALLEY_ALIGN_RIGHT
			                          : GALLEY_ALIGN_NONE;
		rc = galley_node_set_table(doc, g, cols, NULL);
		for (int i = 0; rc == 0 && i < k; i++)
			g->align[i] = (uint8_t)align[i];
		if (rc == 0)
			rc = set_table_widths(c, n, g);
		break;
	}
	case GALLEY_NODE_TABLE_ROW:
		galley_node_set_row_header(g, !strcmp(cmark_node_get_type_string(n), "table_header"));
		break;
	default:
		break;
	}
	return rc;
}

/* Adds one top-level block of the cmark tree to the model, iteratively. */
static int convert_block(md_ctx *c, cmark_node *block)
{
	cmark_iter *it = cmark_iter_new(block);
	galley_node *cur = c->doc->root;
	cmark_node *unplaced = NULL; /* a container cmark-gfm gives no place: nor has anything in it */
	cmark_event_type ev;
	int rc = 0;
	if (!it)
		return GALLEY_ENOMEM;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && rc == 0) {
		cmark_node *n = cmark_iter_get_node(it);
		galley_node_type t = map_type(n);
		if (ev == CMARK_EVENT_EXIT) {
			if (n == unplaced)
				unplaced = NULL;
			if (t != GALLEY_NODE_NONE && !galley_node_type_is_leaf(t) && cur->parent)
				cur = cur->parent;
			continue;
		}
		/*
		 * The paragraph that cmark-gfm's table extension cuts a header row
		 * from has no position, and what is inside it positions relative
		 * to nothing: all of it is unknown (0), however the text was read.
		 */
		int line = cmark_node_get_start_line(n);
		if (!unplaced && line == 0 && cmark_node_first_child(n))
			unplaced = n;
		if (t == GALLEY_NODE_NONE)
			continue; /* unknown extension node: its children go to the parent */
		galley_node *g = galley_node_new(c->doc, t, unplaced ? 0 : model_line(c, line),
		                                 unplaced ? 0 : (unsigned)cmark_node_get_start_column(n));
		if (!g) {
			rc = GALLEY_ENOMEM;
			break;
		}
		rc = copy_fields(c, n, g);
		galley_node_append(cur, g);
		if (!galley_node_type_is_leaf(t))
			cur = g; /* until cmark reports its exit */
	}
	cmark_iter_free(it);
	return rc;
}

/*
 * Builds the model from the cmark tree, freeing each top-level block once it
 * is converted, so that the two trees never both hold the whole document.
 */
static int convert_tree(md_ctx *c, cmark_node *root)
{
	cmark_node *block = cmark_node_first_child(root);
	int rc = 0;
	while (block && rc == 0) {
		cmark_node *next = cmark_node_next(block);
		rc = convert_block(c, block);
		cmark_node_free(block);
		block = next;
	}
	return rc;
}

/*
 * cmark-gfm keeps the definitions that are referenced, in the order of their
 * first reference, but does not expose their labels: give each definition the
 * label of the reference that numbered it.
 */
static int label_footnotes(galley_doc *doc)
{
	galley_node **defs = NULL;
	size_t ndefs = 0, cap = 0, next = 0;
	strmap seen = STRMAP_INIT;
	galley_walk w;
	int rc = 0;

	galley_walk_init(&w, doc->root);
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		if (w.event != GALLEY_EVENT_ENTER || w.node->type != GALLEY_NODE_FOOTNOTE_DEF)
			continue;
		if (ndefs == cap) {
			cap = cap ? cap * 2 : 16;
			galley_node **d = realloc(defs, cap * sizeof(*d));
			if (!d) {
				rc = GALLEY_ENOMEM;
				goto cleanup;
			}
			defs = d;
		}
		defs[ndefs++] = w.node;
	}
	galley_walk_init(&w, doc->root);
	while (next < ndefs && galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (w.event != GALLEY_EVENT_ENTER || n->type != GALLEY_NODE_FOOTNOTE_REF || !n->id)
			continue;
		galley_node *def = strmap_get(&seen, n->id);
		if (!def) {
			def = defs[next++];
			def->id = n->id;
			if (strmap_put(&seen, n->id, def) != 0) {
				rc = GALLEY_ENOMEM;
				goto cleanup;
			}
		}
		n->def = def;
	}
cleanup:
	strmap_free(&seen);
	free(defs);
	return rc;
}

/* ---- long documents, a piece at a time ------------------------------ */

/*
 * cmark-gfm builds its whole tree before it gives any of it, and the tree
 * takes about ten times the text. A long document is therefore parsed a
 * piece (64 KB) at a time: each piece alone; all its top-level blocks but
 * the last are converted and freed, and the next piece starts where that
 * last block starts (a block that starts at the top level starts afresh,
 * whatever came before it).
 *
 * What reaches across pieces is the link reference definition: one anywhere
 * serves the whole document. Every "[label]:" in a piece is probed: the
 * piece is parsed with a paragraph "[][label]" after it, which comes out a
 * link exactly when cmark-gfm knows the label, with the destination and
 * title it knows. Each definition found is written at the head of every
 * later piece, before the piece's own text, so the first definition in the
 * document still wins. A definition that turns up after a converted piece
 * that could have used it (one with a '[' in it) has the document read
 * again, in pieces, with every definition known (read_in_pieces). The
 * document goes back to being parsed whole when a label cannot be probed for
 * sure, when the probes do not come out as paragraphs of their own, when the
 * definitions grow past 256 KB, and for footnotes, which are numbered across
 * the whole document.
 */
#define MD_PIECE 65536
#define MD_WHOLE 1 /* not an error: parse the document whole */

typedef struct pieces {
	md_ctx *c;
	const char *data;
	size_t len;
	long body_offset;  /* lines before data: the front matter */
	galley_buf defs;   /* definitions found so far, one a line */
	long def_lines;
	strmap known;      /* normalized labels defined so far */
	arena keys;
	galley_buf input;  /* a piece as parsed: definitions, text, probes */
	galley_buf labels; /* this piece's probes, each NUL-terminated */
	size_t nprobes;
	bool dirty; /* a converted piece has a '[' */
} pieces;

static bool is_blank_line(const char *s, const char *end)
{
	for (; s < end && *s != '\n'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return false;
	return true;
}

/*
 * A fence at the start of the line at `s`, as CommonMark has it: three or
 * more backticks or tildes, not indented (a heuristic for choosing where
 * pieces end; the probes check the choice). *fence gets the open fence (its
 * character and length), or is cleared by the closing one.
 */
static void track_fence(const char *s, const char *end, char *fence_ch, size_t *fence_len)
{
	size_t indent = 0;
	while (indent < 3 && s + indent < end && s[indent] == ' ')
		indent++;
	const char *p = s + indent;
	char ch = p < end ? *p : 0;
	if (ch != '`' && ch != '~')
		return;
	size_t n = 0;
	while (p + n < end && p[n] == ch)
		n++;
	if (n < 3)
		return;
	const char *rest = p + n;
	if (*fence_ch) {
		if (ch == *fence_ch && n >= *fence_len && is_blank_line(rest, end))
			*fence_ch = 0;
		return;
	}
	if (indent > 0)
		return; /* maybe a fence inside a list item: leave it be */
	for (const char *q = rest; q < end && *q != '\n'; q++)
		if (ch == '`' && *q == '`')
			return; /* backticks after a backtick fence: inline code */
	*fence_ch = ch;
	*fence_len = n;
}

/*
 * Where a piece starting at `from` ends: about `size` bytes on, always
 * right after a blank line, so that no paragraph (and no definition, which
 * a blank line ends) runs on into the next piece; preferably outside a
 * fenced code block and before a plain paragraph or a heading, so that the
 * probes after it stand alone. The document's end when there is no such
 * place.
 */
static size_t piece_end(const char *data, size_t len, size_t from, size_t size)
{
	if (size >= len - from)
		return len;
	const char *p = memchr(data + from + size, '\n', len - from - size);
	if (!p)
		return len;
	size_t end = (size_t)(p - data) + 1, limit = end + 65536 < len ? end + 65536 : len;
	size_t fallback = 0;
	char fence = 0;
	size_t fence_len = 0;
	bool blank = false, plain_blank = false;
	for (size_t i = from; i < len;) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t next = nl ? (size_t)(nl - data) + 1 : len;
		if (i >= end && blank) {
			if (!fallback)
				fallback = i;
			if (plain_blank &&
			    ((data[i] >= 'A' && data[i] <= 'Z') || (data[i] >= 'a' && data[i] <= 'z') || data[i] == '#'))
				return i;
			if (i >= limit)
				return fallback;
		}
		track_fence(data + i, data + len, &fence, &fence_len);
		blank = is_blank_line(data + i, data + len);
		plain_blank = blank && !fence;
		i = next;
	}
	return fallback ? fallback : len;
}

/* Whether data[k] is escaped: an odd number of backslashes before it, from `from` on. */
static bool escaped(const char *data, size_t from, size_t k)
{
	size_t n = 0;
	while (k > from && data[k - 1] == '\\') {
		k--;
		n++;
	}
	return n & 1;
}

/*
 * The labels of the "[label]:" in [from, to) that could be definitions:
 * MD_WHOLE when one cannot be probed for sure (a label running on under a
 * block quote's '>').
 */
static int collect_probes(pieces *ps, size_t from, size_t to)
{
	const char *data = ps->data;
	ps->labels.len = 0;
	ps->nprobes = 0;
	for (size_t i = from; i + 1 < to; i++) {
		const char *hit = memchr(data + i, ']', to - i - 1);
		if (!hit)
			break;
		i = (size_t)(hit - data);
		if (data[i + 1] != ':' || escaped(data, from, i))
			continue;
		size_t j = i;
		bool found = false, newline = false;
		while (j > from && i - j < 1000) {
			char ch = data[--j];
			if ((ch == '[' || ch == ']') && escaped(data, from, j))
				continue;
			if (ch == '[') {
				found = true;
				break;
			}
			if (ch == ']')
				break;
			if (ch == '\n') {
				if (newline && is_blank_line(data + j + 1, data + to))
					break; /* a label does not span a blank line */
				newline = true;
			}
		}
		if (!found)
			continue;
		size_t start = j + 1, n = i - start;
		bool words = false;
		for (size_t k = start; k < i; k++) {
			char ch = data[k];
			if (ch == '\n') {
				size_t q = k + 1;
				while (q < i && (data[q] == ' ' || data[q] == '\t'))
					q++;
				if (q < i && data[q] == '>')
					return MD_WHOLE;
			}
			if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
				words = true;
		}
		if (!words)
			continue;
		galley_buf_put(&ps->labels, data + start, n);
		galley_buf_putc(&ps->labels, '\0');
		ps->nprobes++;
	}
	return ps->labels.failed ? GALLEY_ENOMEM : 0;
}

/* Backslash before every ASCII punctuation character: cmark-gfm takes each back as itself. */
static void put_escaped(galley_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x80 && ispunct(ch))
			galley_buf_putc(b, '\\');
		galley_buf_putc(b, ch);
	}
}

static long count_newlines(const char *s, size_t n)
{
	long lines = 0;
	for (const char *p = s; (p = memchr(p, '\n', n - (size_t)(p - s))) != NULL; p++)
		lines++;
	return lines;
}

/*
 * Records the definition a probe found. *fresh says whether the label was
 * new; MD_WHOLE when it cannot be written back as a definition.
 */
static int learn(pieces *ps, const char *label, cmark_node *link, bool *fresh)
{
	char key[1024];
	size_t k = 0;
	bool space = false;
	*fresh = false;
	for (const char *p = label; *p && k + 2 < sizeof(key); p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
			space = k > 0;
			continue;
		}
		if (space)
			key[k++] = ' ';
		space = false;
		key[k++] = (char)(ch < 0x80 ? tolower(ch) : ch);
	}
	key[k] = '\0';
	if (strmap_get(&ps->known, key))
		return 0;
	char *copy = arena_strndup(&ps->keys, key, k);
	if (!copy || strmap_put(&ps->known, copy, copy) != 0)
		return GALLEY_ENOMEM;
	const char *url = cmark_node_get_url(link), *title = cmark_node_get_title(link);
	if ((url && strchr(url, '\n')) || (title && strstr(title, "\n\n")))
		return MD_WHOLE;
	galley_buf_putc(&ps->defs, '[');
	galley_buf_puts(&ps->defs, label);
	galley_buf_puts(&ps->defs, "]: <");
	put_escaped(&ps->defs, url ? url : "");
	galley_buf_putc(&ps->defs, '>');
	if (title && *title) {
		galley_buf_puts(&ps->defs, " \"");
		put_escaped(&ps->defs, title);
		galley_buf_putc(&ps->defs, '"');
	}
	galley_buf_putc(&ps->defs, '\n');
	ps->def_lines += 1 + count_newlines(label, strlen(label)) + (title ? count_newlines(title, strlen(title)) : 0);
	*fresh = true;
	return ps->defs.failed ? GALLEY_ENOMEM : 0;
}

/*
 * Parses [from, to) with the definitions known so far before it and, when
 * `probe`, the probes of ps->labels after it. *prefix: the lines before the
 * piece's first; *probe_line: the first probe's line.
 */
static cmark_node *parse_piece(pieces *ps, size_t from, size_t to, bool probe, long *prefix, long *probe_line)
{
	galley_buf *in = &ps->input;
	in->len = 0;
	*prefix = 0;
	if (ps->defs.len) {
		galley_buf_put(in, ps->defs.data, ps->defs.len);
		galley_buf_putc(in, '\n');
		*prefix = ps->def_lines + 1;
	}
	galley_buf_put(in, ps->data + from, to - from);
	if (to > from && ps->data[to - 1] != '\n')
		galley_buf_putc(in, '\n');
	*probe_line = 0;
	if (probe && ps->nprobes) {
		*probe_line = *prefix + count_newlines(ps->data + from, to - from) + (ps->data[to - 1] != '\n') + 2;
		galley_buf_putc(in, '\n');
		const char *l = (const char *)ps->labels.data;
		/* "[][label]": a full reference with no text, whatever the label holds */
		for (size_t i = 0; i < ps->nprobes; i++, l += strlen(l) + 1) {
			galley_buf_puts(in, "[][");
			galley_buf_puts(in, l);
			galley_buf_puts(in, "]\n\n");
		}
	}
	if (in->failed)
		return NULL;
	cmark_parser *parser = new_parser(ps->c);
	if (!parser)
		return NULL;
	cmark_parser_feed(parser, (const char *)in->data, in->len);
	set_input(ps->c, (const char *)in->data, in->len);
	cmark_node *root = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	return root;
}

/*
 * Reads the probes at the end of `root` (its last ps->nprobes children,
 * which must be paragraphs from *probe_line on) and unlinks them; `fresh`
 * says whether a definition not known before turned up.
 */
static int read_probes(pieces *ps, cmark_node *root, long probe_line, bool *fresh)
{
	*fresh = false;
	if (!ps->nprobes)
		return 0;
	cmark_node *n = cmark_node_last_child(root);
	for (size_t i = 1; i < ps->nprobes && n; i++)
		n = cmark_node_previous(n);
	const char *label = (const char *)ps->labels.data;
	for (size_t i = 0; i < ps->nprobes; i++, label += strlen(label) + 1) {
		if (!n || cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH || cmark_node_get_start_line(n) < probe_line)
			return MD_WHOLE;
		cmark_node *next = cmark_node_next(n), *first = cmark_node_first_child(n);
		if (first && cmark_node_get_type(first) == CMARK_NODE_LINK && !cmark_node_next(first)) {
			bool is_new = false;
			int rc = learn(ps, label, first, &is_new);
			if (rc)
				return rc;
			*fresh = *fresh || is_new;
		}
		cmark_node_free(n);
		n = next;
	}
	return 0;
}

/* Whether [start, end] of two neighbouring blocks let the second start a piece. */
static bool can_restart(cmark_node *before, cmark_node *at, long prefix)
{
	int bs = cmark_node_get_start_line(before), be = cmark_node_get_end_line(before);
	int as = cmark_node_get_start_line(at);
	return bs > prefix && be >= bs && as > be;
}

/*
 * A definition found after a piece that could have used it: the pieces are
 * read on only to learn the rest of the definitions (`collecting`), then the
 * model is dropped and the document read again in pieces, every definition
 * known from the start (`complete`: no more probes).
 */
static int read_in_pieces(pieces *ps, size_t base)
{
	size_t size = base;
	md_ctx *c = ps->c;
	const char *data = ps->data;
	size_t pos = 0, count = 0;
	long pos_line = 1;
	bool first = true, collecting = false, complete = false;
	arena_mark mark = arena_get_mark(&c->doc->mem);
	while (pos < ps->len) {
		size_t to = piece_end(data, ps->len, pos, size);
		bool last = to == ps->len;
		int rc = complete ? 0 : collect_probes(ps, pos, to);
		if (rc)
			return rc;
		/* the last piece's definitions matter only to earlier pieces that could use them */
		bool probe = !complete && (!last || collecting || (ps->dirty && !first));
		long prefix, probe_line;
		cmark_node *root = parse_piece(ps, pos, to, probe, &prefix, &probe_line);
		if (!root)
			return GALLEY_ENOMEM;
		bool fresh = false;
		if (probe)
			rc = read_probes(ps, root, probe_line, &fresh);
		if (rc == 0 && fresh && ps->dirty)
			collecting = true;
		/* thousands of definitions, each parsed again with every piece: cheaper whole */
		if (rc == 0 && ps->defs.len > (base > 65536 ? 4 * base : 262144))
			rc = MD_WHOLE;
		cmark_node *b = cmark_node_first_child(root);
		if (rc == 0 && b && cmark_node_get_start_line(b) <= prefix)
			rc = MD_WHOLE; /* the definitions at the head made a block: cannot happen */
		/* the block to start the next piece with, if any */
		cmark_node *restart = NULL;
		if (rc == 0 && !last) {
			for (cmark_node *n = cmark_node_last_child(root); n && cmark_node_previous(n);
			     n = cmark_node_previous(n))
				if (can_restart(cmark_node_previous(n), n, prefix)) {
					restart = n;
					break;
				}
			if (!restart) {
				/* one block fills the piece: take a bigger piece */
				cmark_node_free(root);
				size *= 2;
				continue;
			}
		}
		c->line_offset = ps->body_offset + pos_line - 1 - prefix;
		while (rc == 0 && (b = cmark_node_first_child(root)) != restart) {
			if (!collecting)
				rc = convert_block(c, b);
			cmark_node_free(b);
		}
		size_t next = ps->len;
		if (rc == 0 && restart) {
			/* the restart block's first line, as a byte offset */
			long want = cmark_node_get_start_line(restart) - prefix, line = 1;
			next = pos;
			while (line < want) {
				const char *nl = memchr(data + next, '\n', to - next);
				if (!nl)
					break;
				next = (size_t)(nl - data) + 1;
				line++;
			}
			if (line != want)
				rc = MD_WHOLE; /* cannot happen: the block starts inside the piece */
			pos_line += line - 1;
		}
		cmark_node_free(root);
		if (rc)
			return rc;
		if (memchr(data + pos, '[', next - pos))
			ps->dirty = true;
		pos = next;
		first = false;
		size = base;
		count++;
		if (pos == ps->len && collecting) {
			c->doc->root->first = c->doc->root->last = NULL;
			arena_release(&c->doc->mem, mark);
			pos = 0;
			pos_line = 1;
			first = true;
			collecting = false;
			complete = true;
			ps->dirty = false;
			galley_report(c->opts, GALLEY_NOTE, 0, 0,
			              "%zu link definitions are used before they are defined: reading again with all "
			              "of them",
			              ps->known.count);
			count = 0;
		}
	}
	galley_report(c->opts, GALLEY_NOTE, 0, 0, "read in %zu pieces, %zu link definitions carried across", count,
	              ps->known.count);
	return 0;
}

/* The 1-based line and column (in characters) of byte `offset`. */
static void position_of(const char *data, size_t offset, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < offset; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)data[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static int fail_utf8(md_ctx *c, const char *data, size_t len, size_t bad)
{
	unsigned line, col;
	if (len >= 2 && (!memcmp(data, "\xFF\xFE", 2) || !memcmp(data, "\xFE\xFF", 2)))
		return galley_error_set(c->err, GALLEY_EINPUT, c->opts, 1, 1,
		                        "the input is UTF-16 (it starts with a byte order mark), not UTF-8; convert "
		                        "it first");
	position_of(data, bad, &line, &col);
	return galley_error_set(c->err, GALLEY_EINPUT, c->opts, line, col,
	                        "the input is not valid UTF-8 (bad byte 0x%02X at offset %zu); convert it first or "
	                        "read it as text with --encoding",
	                        (unsigned char)data[bad], bad);
}

/* True when "[^" occurs (memchr is much faster than memmem for a two-byte needle). */
static bool may_have_footnotes(const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	while ((p = memchr(p, '[', (size_t)(end - p))) != NULL && ++p < end)
		if (*p == '^')
			return true;
	return false;
}

/*
 * UTF-16 without a byte order mark passes as UTF-8 when its text is ASCII,
 * but every other byte is NUL: it is refused rather than turned into a page
 * of U+FFFD. Other NUL bytes become U+FFFD, as CommonMark says, with a warning.
 */
static int check_nul_bytes(md_ctx *c, const char *data, size_t len)
{
	const char *first = memchr(data, '\0', len);
	size_t nul[2] = {0, 0};
	unsigned line, col;
	if (!first)
		return 0;
	for (size_t i = (size_t)(first - data); i < len; i++)
		if (data[i] == '\0')
			nul[i & 1]++;
	size_t total = nul[0] + nul[1];
	if (len >= 8 && total * 3 >= len && (nul[0] * 10 >= total * 9 || nul[1] * 10 >= total * 9))
		return galley_error_set(c->err, GALLEY_EINPUT, c->opts, 1, 1,
		                        "the input looks like UTF-16 (%s, no byte order mark), not UTF-8; convert it "
		                        "first",
		                        nul[1] > nul[0] ? "little-endian" : "big-endian");
	position_of(data, (size_t)(first - data), &line, &col);
	galley_report(c->opts, GALLEY_WARNING, line, col, "%zu NUL byte(s) replaced by U+FFFD", total);
	return 0;
}

static int read_dialect(galley_doc *doc, const char *data, size_t len, const galley_options *opts,
                        galley_error *err, unsigned features)
{
	md_ctx c = {doc, opts, err, 0, 0, 0, false, GALLEY_BUF_INIT, NULL, NULL, 0, 1, 0};
	unsigned flags = opts ? opts->flags : 0;
	int cmark_opts = CMARK_OPT_UNSAFE;
	cmark_parser *parser = NULL;
	cmark_node *root = NULL;
	int rc = 0;

	size_t bad = galley_utf8_check(data, len);
	if (bad != (size_t)-1)
		return fail_utf8(&c, data, len, bad);
	rc = check_nul_bytes(&c, data, len);
	if (rc)
		return rc;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		data += 3;
		len -= 3;
	}
	if (features & MD_FRONT_MATTER) {
		size_t ystart = 0, ylen = 0;
		unsigned lines = 0;
		size_t skip = frontmatter_find(data, len, &ystart, &ylen, &lines);
		bool found = false;
		if (skip) {
			rc = frontmatter_parse(doc, data + ystart, ylen, 2, opts, err, &found);
			if (rc)
				return rc;
		}
		if (found) {
			data += skip;
			len -= skip;
			c.line_offset = lines;
		}
	}
	if ((features & MD_SMART) && !(flags & GALLEY_OPT_NO_SMART))
		cmark_opts |= CMARK_OPT_SMART;
	/* cmark-gfm's footnote pass walks the whole tree twice; without "[^" it finds nothing */
	if ((features & MD_EXTENSIONS) && may_have_footnotes(data, len))
		cmark_opts |= CMARK_OPT_FOOTNOTES;
	c.cmark_opts = cmark_opts;
	c.extensions = (features & MD_EXTENSIONS) != 0;
	if ((features & MD_RICH) && !(c.attrs = md_attrs_extension_new())) {
		rc = galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
		goto cleanup;
	}
	c.wide_table = c.extensions ? overwide_table_line(data, len) : 0;
	if (c.wide_table)
		galley_report(opts, GALLEY_WARNING, model_line(&c, (int)c.wide_table), 1,
		              "more than %d table cells on one line; tables are read as text in this document",
		              MAX_TABLE_CELLS);
	/* a long document a piece at a time, unless it has footnotes; GALLEY_MARKDOWN_PIECE sets the size */
	const char *env = getenv("GALLEY_MARKDOWN_PIECE");
	size_t piece = env && atol(env) > 0 ? (size_t)atol(env) : MD_PIECE;
	if (!(cmark_opts & CMARK_OPT_FOOTNOTES) && len > 2 * piece) {
		pieces ps = {&c, data, len, c.line_offset, GALLEY_BUF_INIT, 0, STRMAP_INIT, {NULL, NULL, NULL, NULL}, GALLEY_BUF_INIT,
		             GALLEY_BUF_INIT, 0, false};
		arena_init(&ps.keys);
		rc = read_in_pieces(&ps, piece);
		c.line_offset = ps.body_offset;
		galley_buf_free(&ps.defs);
		galley_buf_free(&ps.input);
		galley_buf_free(&ps.labels);
		strmap_free(&ps.known);
		arena_free(&ps.keys);
		if (rc == MD_WHOLE) {
			/* start again from nothing: what was converted stays in the arena, unused */
			galley_report(opts, GALLEY_NOTE, 0, 0, "read whole: the pieces could not be read alone");
			doc->root->first = doc->root->last = NULL;
			rc = 0;
		} else if (rc) {
			rc = galley_error_set(err, rc, NULL, 0, 0, "out of memory parsing Markdown");
			goto cleanup;
		} else {
			goto converted;
		}
	}
	parser = new_parser(&c);
	if (!parser) {
		rc = galley_error_set(err, GALLEY_EINTERNAL, NULL, 0, 0, "cannot set up the Markdown parser");
		goto cleanup;
	}
	cmark_parser_feed(parser, data, len);
	set_input(&c, data, len);
	root = cmark_parser_finish(parser);
	if (!root) {
		rc = galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory parsing Markdown");
		goto cleanup;
	}
	rc = convert_tree(&c, root);
converted:
	if (rc == 0 && (cmark_opts & CMARK_OPT_FOOTNOTES))
		rc = label_footnotes(doc);
	if (rc == 0 && (features & MD_RICH))
		rc = md_enrich(doc, opts);
	if (rc == 0 && !(flags & GALLEY_OPT_NO_TITLE_FROM_HEADING) && (features & MD_FRONT_MATTER))
		rc = md_title_from_heading(doc);
	if (rc)
		galley_error_set(err, rc, NULL, 0, 0, "out of memory");
cleanup:
	galley_buf_free(&c.scratch);
	if (root)
		cmark_node_free(root);
	if (parser)
		cmark_parser_free(parser);
	md_attrs_extension_free(c.attrs); /* after the trees, whose nodes point to it */
	return rc;
}

static int read_markdown(galley_doc *doc, const char *data, size_t len, const galley_options *opts,
                         galley_error *err)
{
	return read_dialect(doc, data, len, opts, err, MD_EXTENSIONS | MD_SMART | MD_FRONT_MATTER | MD_RICH);
}

static int read_gfm(galley_doc *doc, const char *data, size_t len, const galley_options *opts, galley_error *err)
{
	return read_dialect(doc, data, len, opts, err, MD_EXTENSIONS);
}

static int read_commonmark(galley_doc *doc, const char *data, size_t len, const galley_options *opts,
                           galley_error *err)
{
	return read_dialect(doc, data, len, opts, err, 0);
}

static const char *const md_exts[] = {"md", "markdown", "mkd", "mdown", NULL};

const galley_format galley_format_markdown = {
    .name = "markdown",
    .description = "Markdown: CommonMark with GFM extensions, footnotes, front matter, smart punctuation",
    .read_extensions = md_exts,
    .mime_type = "text/markdown",
    .read = read_markdown,
};

const galley_format galley_format_gfm = {
    .name = "gfm",
    .description = "GitHub Flavored Markdown, as GitHub reads it",
    .mime_type = "text/markdown",
    .read = read_gfm,
};

const galley_format galley_format_commonmark = {
    .name = "commonmark",
    .description = "strict CommonMark 0.31 (no extensions)",
    .mime_type = "text/markdown",
    .read = read_commonmark,
};
