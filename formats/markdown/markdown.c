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
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
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

/*
 * cmark-gfm is not safe for concurrent documents in two places: registering
 * the extensions sets a flag unguarded, and every parse turns the
 * extensions' characters (~ for strikethrough, : and w for autolinks) on in
 * tables shared by all parsers for its inline pass, then off again, under
 * the feet of a parse going on in another thread. The registration is done
 * once, and the inline passes (cmark_parser_finish) one at a time; block
 * parsing, most of the work, runs in parallel.
 */
static pthread_once_t extensions_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t inline_pass = PTHREAD_MUTEX_INITIALIZER;

cmark_node *md_finish_parse(cmark_parser *parser)
{
	pthread_mutex_lock(&inline_pass);
	cmark_node *root = cmark_parser_finish(parser);
	pthread_mutex_unlock(&inline_pass);
	return root;
}

/* A parser with the document's options and extensions; NULL when out of memory. */
cmark_parser *md_new_parser(const md_ctx *c)
{
	static const char *const names[] = {"table", "strikethrough", "autolink", "tasklist"};
	cmark_parser *p = cmark_parser_new(c->cmark_opts);
	if (p && c->attrs)
		cmark_parser_attach_syntax_extension(p, c->attrs);
	if (p && c->math) {
		cmark_syntax_extension *math = md_math_extension();
		if (!math || !cmark_parser_attach_syntax_extension(p, math)) {
			cmark_parser_free(p);
			return NULL;
		}
	}
	if (!p || !c->extensions)
		return p;
	pthread_once(&extensions_once, cmark_gfm_core_extensions_ensure_registered);
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
		return cmark_node_get_user_data(n) ? GALLEY_NODE_MATH : GALLEY_NODE_CODE;
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
	if (c->attrs && *brace == '{' &&
	    md_attrs_parse(brace, len - (size_t)(brace - s), &a) == len - (size_t)(brace - s)) {
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
void md_set_input(md_ctx *c, const char *input, size_t len)
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
		md_set_input(c, c->input, c->input_len);
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
/*
 * A "$" formula's place. cmark-gfm counts lines at the newlines its inline
 * parser meets; those inside a formula it never sees, so every later line
 * of the block is counted short by them, and columns on the line where such
 * a formula ends count from a stale line start. Both are put right here,
 * formulas coming in the order of the text.
 */
static void place_math(md_ctx *c, cmark_node *n, const md_math_mark *mark, galley_node *g)
{
	cmark_node *block = cmark_node_parent(n);
	while (block && (cmark_node_get_type(block) & CMARK_NODE_TYPE_MASK) != CMARK_NODE_TYPE_BLOCK)
		block = cmark_node_parent(block);
	if (block != c->math_block) {
		c->math_block = block;
		c->math_lines = 0;
		c->math_cm_line = -1;
	}
	int line = mark->line + c->math_lines, col = mark->column;
	if (mark->line == c->math_cm_line && block) /* on the line a formula spanning lines ends */
		col = cmark_node_get_start_column(block) + (mark->offset - c->math_nl - 1);
	if (mark->newlines) {
		c->math_lines += mark->newlines;
		c->math_cm_line = mark->line;
		c->math_nl = mark->last_nl;
	}
	g->line = model_line(c, line);
	g->col = col > 0 ? (unsigned)col : 0;
}

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
			galley_node_set_task(g, cmark_gfm_extensions_get_tasklist_item_checked(n)
			                            ? GALLEY_TASK_CHECKED
			                            : GALLEY_TASK_UNCHECKED);
		break;
	case GALLEY_NODE_MATH: {
		const md_math_mark *mark = cmark_node_get_user_data(n);
		rc = mark->display ? galley_node_set_info(doc, g, "display", 7)
		                   : galley_node_set_info(doc, g, "inline", 6);
		if (rc == 0)
			rc = set_string(c, g, galley_node_set_literal, cmark_node_get_literal(n), (size_t)-1);
		place_math(c, n, mark, g);
		break;
	}
	case GALLEY_NODE_CODE_BLOCK:
		s = cmark_node_get_fence_info(n);
		if (s && *s)
			rc = c->attrs ? set_code_info(c, g, s)
			              : set_string(c, g, galley_node_set_info, s, strcspn(s, " \t"));
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
			align[i] = !al            ? GALLEY_ALIGN_NONE
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

static bool is_math_fence(cmark_node *n)
{
	const char *info = cmark_node_get_fence_info(n);
	int flen = 0, foff = 0;
	char fch = 0;
	return info && cmark_node_get_fenced(n, &flen, &foff, &fch) && !strncmp(info, "math", 4) &&
	       (info[4] == '\0' || info[4] == ' ' || info[4] == '\t');
}

/* A ```math block: a paragraph of one display MATH node, which *g becomes. */
static int add_math_block(md_ctx *c, cmark_node *n, galley_node **g)
{
	galley_node *para = galley_node_new(c->doc, GALLEY_NODE_PARAGRAPH, (*g)->line, (*g)->col);
	/* the formula stands where its content begins, on the line after the fence */
	galley_node *math =
	    galley_node_new(c->doc, GALLEY_NODE_MATH, (*g)->line ? (*g)->line + 1 : 0, (*g)->col);
	if (!para || !math)
		return GALLEY_ENOMEM;
	const char *tex = cmark_node_get_literal(n);
	size_t len = tex ? strlen(tex) : 0;
	while (len > 0 && (tex[len - 1] == '\n' || tex[len - 1] == ' '))
		len--; /* the fence's last newline is no part of the formula */
	int rc = galley_node_set_info(c->doc, math, "display", 7);
	if (rc == 0)
		rc = set_string(c, math, galley_node_set_literal, tex ? tex : "", len);
	galley_node_append(para, math);
	*g = para;
	return rc;
}

/* Adds one top-level block of the cmark tree to the model, iteratively. */
int md_convert_block(md_ctx *c, cmark_node *block)
{
	cmark_iter *it = cmark_iter_new(block);
	galley_node *cur = c->doc->root;
	cmark_node *unplaced = NULL; /* a container cmark-gfm gives no place: nor has anything in it */
	c->math_block = NULL;
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
		if (t == GALLEY_NODE_CODE_BLOCK && c->math && is_math_fence(n))
			rc = add_math_block(c, n, &g);
		else
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
		rc = md_convert_block(c, block);
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
		return galley_error_set(
		    c->err, GALLEY_EINPUT, c->opts, 1, 1,
		    "the input is UTF-16 (it starts with a byte order mark), not UTF-8; convert "
		    "it first");
	position_of(data, bad, &line, &col);
	return galley_error_set(
	    c->err, GALLEY_EINPUT, c->opts, line, col,
	    "the input is not valid UTF-8 (bad byte 0x%02X at offset %zu); convert it first or "
	    "read it as text, naming its encoding",
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
		return galley_error_set(
		    c->err, GALLEY_EINPUT, c->opts, 1, 1,
		    "the input looks like UTF-16 (%s, no byte order mark), not UTF-8; convert it "
		    "first",
		    nul[1] > nul[0] ? "little-endian" : "big-endian");
	position_of(data, (size_t)(first - data), &line, &col);
	galley_report(c->opts, GALLEY_WARNING, line, col, "%zu NUL byte(s) replaced by U+FFFD", total);
	return 0;
}

static const galley_param_spec md_params[] = {
    {"markdown-pieces", "BYTES", "Markdown: read a long document BYTES at a time (default 65536; 0: whole)"},
    {NULL, NULL, NULL},
};

static int check_params(const galley_options *opts, galley_error *err)
{
	const char *v = galley_options_param(opts, "markdown-pieces");
	char *end;
	if (!v)
		return 0;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v || *end || *v == '-' || n > SIZE_MAX / 4)
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
		                        "markdown-pieces takes a number of bytes (0: read whole), not '%s'",
		                        v);
	return 0;
}

/* The piece size the options ask for (checked by check_params), 0 for whole. */
static size_t md_piece_size(const galley_options *opts)
{
	const char *v = galley_options_param(opts, "markdown-pieces");
	return v ? (size_t)strtoull(v, NULL, 10) : MD_PIECE;
}

static int read_dialect(galley_doc *doc, const char *data, size_t len, const galley_options *opts,
                        galley_error *err, unsigned features)
{
	md_ctx c = {.doc = doc, .opts = opts, .err = err, .scratch = GALLEY_BUF_INIT, .cursor_line = 1};
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
	c.math = (features & MD_EXTENSIONS) != 0; /* markdown and gfm, not strict commonmark */
	c.wide_table = c.extensions ? overwide_table_line(data, len) : 0;
	if (c.wide_table)
		galley_report(
		    opts, GALLEY_WARNING, model_line(&c, (int)c.wide_table), 1,
		    "more than %d table cells on one line; tables are read as text in this document",
		    MAX_TABLE_CELLS);
	/* a long document a piece at a time, unless it has footnotes */
	size_t piece = md_piece_size(opts);
	if (piece && !(cmark_opts & CMARK_OPT_FOOTNOTES) && len > 2 * piece) {
		rc = md_read_in_pieces(&c, data, len, piece);
		if (rc == MD_WHOLE) {
			/* start again from nothing: what was converted stays in the arena, unused */
			galley_report(opts, GALLEY_NOTE, 0, 0,
			              "read whole: the pieces could not be read alone");
			doc->root->first = doc->root->last = NULL;
			rc = 0;
		} else if (rc) {
			rc = galley_error_set(err, rc, NULL, 0, 0, "out of memory parsing Markdown");
			goto cleanup;
		} else {
			goto converted;
		}
	}
	parser = md_new_parser(&c);
	if (!parser) {
		rc = galley_error_set(err, GALLEY_EINTERNAL, NULL, 0, 0, "cannot set up the Markdown parser");
		goto cleanup;
	}
	cmark_parser_feed(parser, data, len);
	md_set_input(&c, data, len);
	root = md_finish_parse(parser);
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

static int read_gfm(galley_doc *doc, const char *data, size_t len, const galley_options *opts,
                    galley_error *err)
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
    .params = md_params,
    .check = check_params,
    .read = read_markdown,
};

const galley_format galley_format_gfm = {
    .name = "gfm",
    .description = "GitHub Flavored Markdown, as GitHub reads it",
    .mime_type = "text/markdown",
    .params = md_params,
    .check = check_params,
    .read = read_gfm,
};

const galley_format galley_format_commonmark = {
    .name = "commonmark",
    .description = "strict CommonMark 0.31 (no extensions)",
    .mime_type = "text/markdown",
    .params = md_params,
    .check = check_params,
    .read = read_commonmark,
};
