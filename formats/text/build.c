/*
 * build.c - the last stage: blocks into model nodes, and the inline pass.
 *
 * Lists nest by the indentation of their markers (and the glyph: a hollow
 * bullet under a filled one is a level deeper), kept on a small explicit
 * stack. The inline pass is one loop over a block's text: URLs and e-mail
 * addresses become links, _underscored_ words emphasis, and a "Label:" at
 * the start of a list item strong. Nothing else is markup: *, # and the
 * rest stay as they are.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unictype.h>

#include "text.h"

enum { MAX_LIST_DEPTH = 6 };

typedef struct open_list {
	galley_node *list, *item;
	uint32_t key; /* marker indentation * 4 + glyph rank */
	uint8_t marker, style;
} open_list;

typedef struct seg {
	size_t off; /* where the line's text starts in the joined text */
	uint32_t line, col;
} seg;

typedef struct builder {
	tx_ctx *ctx;
	galley_doc *doc;
	open_list lists[MAX_LIST_DEPTH];
	int depth;
	galley_node *quote;
	galley_buf text; /* a block's text, lines joined */
	seg *segs;
	size_t nsegs, segs_cap;
	/* the position cursor: offsets are asked for in increasing order */
	size_t cur_seg, cur_off;
	uint32_t cur_col;
	/* smart punctuation: the block's quotes, opening or closing */
	bool smart, in_link;
	uint8_t *marks;
	size_t marks_cap;
	galley_buf smart_text;
} builder;

/* ---- positions ---------------------------------------------------- */

static void position(builder *b, size_t off, uint32_t *line, uint32_t *col)
{
	if (b->nsegs == 0) {
		*line = *col = 0;
		return;
	}
	while (b->cur_seg + 1 < b->nsegs && b->segs[b->cur_seg + 1].off <= off) {
		b->cur_seg++;
		b->cur_off = b->segs[b->cur_seg].off;
		b->cur_col = b->segs[b->cur_seg].col;
	}
	for (; b->cur_off < off && b->cur_off < b->text.len; b->cur_off++)
		if ((b->text.data[b->cur_off] & 0xC0) != 0x80)
			b->cur_col++;
	*line = b->segs[b->cur_seg].line;
	*col = b->cur_col;
}

static galley_node *node_at(builder *b, galley_node_type type, size_t off)
{
	uint32_t line, col;
	position(b, off, &line, &col);
	return galley_node_new(b->doc, type, line, col);
}

/* ---- gathering a block's text ------------------------------------- */

static int add_seg(builder *b, uint32_t line, uint32_t col)
{
	if (b->nsegs == b->segs_cap) {
		size_t cap = b->segs_cap ? b->segs_cap * 2 : 16;
		seg *s = realloc(b->segs, cap * sizeof(*s));
		if (!s)
			return GALLEY_ENOMEM;
		b->segs = s;
		b->segs_cap = cap;
	}
	b->segs[b->nsegs++] = (seg){b->text.len, line, col};
	return 0;
}

static bool ends_in_hyphenated_word(const galley_buf *t)
{
	size_t n = t->len;
	if (n < 2 || t->data[n - 1] != '-')
		return false;
	unsigned char before = t->data[n - 2];
	return (before >= 'a' && before <= 'z') || (before >= 'A' && before <= 'Z');
}

/* The block's quotes decided at once, before its text is cut into nodes. */
static int mark_quotes(builder *b)
{
	if (b->text.len > b->marks_cap) {
		uint8_t *m = realloc(b->marks, b->text.len);
		if (!m)
			return GALLEY_ENOMEM;
		b->marks = m;
		b->marks_cap = b->text.len;
	}
	if (b->text.len)
		tx_quote_marks((const char *)b->text.data, b->text.len, b->marks);
	return 0;
}

/*
 * The text of lines [first, last] (blank lines skipped), without the first
 * line's first `skip` bytes. Joined by a blank, or by '\n' (a hard break).
 * A word broken by a hyphen at a line end is joined up again, hyphen kept.
 */
static int gather(builder *b, const tx_block *blk, size_t skip, uint32_t skip_chars, const char *sep)
{
	b->text.len = 0;
	b->nsegs = 0;
	b->cur_seg = 0;
	for (size_t k = blk->first; k <= blk->last; k++) {
		const tx_line *l = &b->ctx->lines[k];
		if (l->blank || l->skip)
			continue;
		size_t from = k == blk->first ? skip : 0;
		if (b->text.len) {
			if (blk->hard_breaks)
				galley_buf_putc(&b->text, '\n');
			else if (!(ends_in_hyphenated_word(&b->text) && l->first >= 'a' && l->first <= 'z'))
				galley_buf_puts(&b->text, b->nsegs == 1 && sep ? sep : " ");
		}
		if (add_seg(b, l->no, l->lead + 1 + (k == blk->first ? skip_chars : 0)) != 0)
			return GALLEY_ENOMEM;
		galley_buf_put(&b->text, l->s + from, l->len - from);
	}
	galley_buf_putc(&b->text, '\0');
	if (b->text.failed)
		return GALLEY_ENOMEM;
	b->text.len--;
	b->cur_off = b->segs[0].off;
	b->cur_col = b->segs[0].col;
	return b->smart ? mark_quotes(b) : 0;
}

/* ---- the inline pass ---------------------------------------------- */

static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int add_text(builder *b, galley_node *parent, size_t from, size_t to)
{
	if (to <= from)
		return 0;
	galley_node *t = node_at(b, GALLEY_NODE_TEXT, from);
	const char *lit = (const char *)b->text.data + from;
	size_t len = to - from;
	if (t && b->smart && !b->in_link) {
		b->smart_text.len = 0;
		tx_smarten((const char *)b->text.data, b->text.len, from, to, b->marks, &b->smart_text);
		if (b->smart_text.failed)
			return GALLEY_ENOMEM;
		lit = (const char *)b->smart_text.data;
		len = b->smart_text.len;
	}
	if (!t || galley_node_set_literal(b->doc, t, lit, len) != 0)
		return GALLEY_ENOMEM;
	galley_node_append(parent, t);
	return 0;
}

static int add_link(builder *b, galley_node *parent, size_t from, size_t to, const char *prefix)
{
	const char *s = (const char *)b->text.data;
	galley_node *link = node_at(b, GALLEY_NODE_LINK, from);
	galley_buf url = GALLEY_BUF_INIT;
	int rc = GALLEY_ENOMEM;
	galley_buf_puts(&url, prefix);
	galley_buf_put(&url, s + from, to - from);
	if (link && !url.failed && galley_node_set_url(b->doc, link, (const char *)url.data, url.len) == 0) {
		galley_node_append(parent, link);
		b->in_link = true; /* a link's text is its address, as written */
		rc = add_text(b, link, from, to);
		b->in_link = false;
	}
	galley_buf_free(&url);
	return rc;
}

/* Length of the URL starting at `pos`, or 0; *prefix is what makes it absolute. */
static size_t url_at(const char *s, size_t pos, size_t limit, const char **prefix)
{
	static const char *const schemes[] = {"https://", "http://", "ftp://", "mailto:", "www."};
	size_t i, start = pos;
	if (!strchr("hHfFmMwW", s[pos]) || !s[pos])
		return 0;
	if (pos > 0 && (is_alnum((unsigned char)s[pos - 1]) || s[pos - 1] == '/' || s[pos - 1] == '@'))
		return 0;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t k = strlen(schemes[i]);
		if (pos + k < limit && strncasecmp(s + pos, schemes[i], k) == 0 &&
		    is_alnum((unsigned char)s[pos + k]))
			break;
	}
	if (i == sizeof(schemes) / sizeof(schemes[0]))
		return 0;
	*prefix = i == 4 ? "http://" : "";
	int parens = 0;
	while (pos < limit && s[pos] != ' ' && s[pos] != '\n' && s[pos] != '<' && s[pos] != '>' &&
	       s[pos] != '"' && (unsigned char)s[pos] >= 0x21 &&
	       !((unsigned char)s[pos] == 0xE2 && pos + 1 < limit && (unsigned char)s[pos + 1] == 0x80)) {
		parens += s[pos] == '(' ? 1 : s[pos] == ')' ? -1 : 0;
		pos++;
	}
	/* sentence punctuation after a URL is not part of it, nor an unmatched closing bracket */
	while (pos > start && (strchr(".,;:!?'*_", s[pos - 1]) || (s[pos - 1] == ')' && parens < 0) ||
	                       s[pos - 1] == ']' || s[pos - 1] == '}')) {
		if (s[pos - 1] == ')')
			parens++;
		pos--;
	}
	return pos - start;
}

static bool local_char(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* An e-mail address around the '@' at `at`: its extent in [*from, *to). */
static bool email_at(const char *s, size_t at, size_t floor, size_t limit, size_t *from, size_t *to)
{
	size_t a = at, z = at + 1, last_dot = 0;
	while (a > floor && local_char((unsigned char)s[a - 1]))
		a--;
	while (a < at && s[a] == '.')
		a++;
	if (a == at)
		return false;
	while (z < limit && (is_alnum((unsigned char)s[z]) || s[z] == '-' || s[z] == '.'))
		z++;
	while (z > at + 1 && (s[z - 1] == '.' || s[z - 1] == '-'))
		z--;
	for (size_t k = at + 1; k < z; k++)
		if (s[k] == '.')
			last_dot = k;
	if (last_dot <= at + 1 || last_dot + 2 >= z + 1 || z - last_dot - 1 < 2)
		return false;
	for (size_t k = last_dot + 1; k < z; k++)
		if (!((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z'))
			return false;
	*from = a;
	*to = z;
	return true;
}

/* The '_' closing an emphasis opened at `pos`, or 0. */
static size_t emphasis_end(const char *s, size_t pos, size_t limit)
{
	if (pos > 0 && (is_alnum((unsigned char)s[pos - 1]) || s[pos - 1] == '_'))
		return 0;
	if (pos + 2 >= limit || s[pos + 1] == ' ' || s[pos + 1] == '_' || s[pos + 1] == '\n')
		return 0;
	const char *q = memchr(s + pos + 2, '_', limit - pos - 2);
	if (!q)
		return 0;
	size_t e = (size_t)(q - s);
	if (s[e - 1] == ' ' || (e + 1 < limit && (is_alnum((unsigned char)s[e + 1]) || s[e + 1] == '_')))
		return 0;
	return e;
}

/* One loop over the text from `start`; an emphasis is the only container, so no nesting to track. */
static int inline_pass(builder *b, galley_node *parent, size_t start)
{
	const char *s = (const char *)b->text.data;
	size_t n = b->text.len, pos = start, from = start, emph_end = 0;
	galley_node *cur = parent;
	int rc = 0;
	while (rc == 0 && pos < n) {
		size_t limit = emph_end ? emph_end : n, a, z, m;
		const char *prefix = "";
		if (emph_end && pos == emph_end) {
			rc = add_text(b, cur, from, pos);
			cur = parent;
			emph_end = 0;
			from = ++pos;
		} else if (s[pos] == '\n') {
			galley_node *br = node_at(b, GALLEY_NODE_HARD_BREAK, pos);
			if ((rc = add_text(b, cur, from, pos)) == 0 && !br)
				rc = GALLEY_ENOMEM;
			if (rc == 0)
				galley_node_append(cur, br);
			from = ++pos;
		} else if ((m = url_at(s, pos, limit, &prefix)) > 0) {
			if ((rc = add_text(b, cur, from, pos)) == 0)
				rc = add_link(b, cur, pos, pos + m, prefix);
			pos += m;
			from = pos;
		} else if (s[pos] == '@' && email_at(s, pos, from, limit, &a, &z)) {
			if ((rc = add_text(b, cur, from, a)) == 0)
				rc = add_link(b, cur, a, z, "mailto:");
			pos = z;
			from = pos;
		} else if (s[pos] == '_' && !emph_end && (m = emphasis_end(s, pos, n)) > 0) {
			galley_node *em = node_at(b, GALLEY_NODE_EMPH, pos);
			if ((rc = add_text(b, cur, from, pos)) == 0 && !em)
				rc = GALLEY_ENOMEM;
			if (rc == 0)
				galley_node_append(cur, em);
			cur = em;
			emph_end = m;
			from = ++pos;
		} else {
			pos++;
		}
	}
	if (rc == 0)
		rc = add_text(b, cur, from, n);
	return rc;
}

/*
 * "Humanitarian Role: The KSF ..." - a short label (one to six words, a
 * capital first, no sentence inside) and a colon at the start of an item.
 */
static size_t label_length(const builder *b)
{
	const char *s = (const char *)b->text.data;
	size_t n = b->text.len < 64 ? b->text.len : 64, words = 1;
	uint32_t first;
	tx_char(s, b->text.len, &first);
	if (!uc_is_upper(first))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ':')
			return i + 1 < b->text.len && s[i + 1] == ' ' && i > 0 && s[i - 1] != ' ' ? i + 1 : 0;
		if (s[i] == ' ' && ++words > 6)
			return 0;
		if (strchr(".!?;,()\n", s[i]) && !(s[i] == '.' && i + 1 < n && s[i + 1] != ' '))
			return 0;
	}
	return 0;
}

static int add_inlines(builder *b, galley_node *parent, bool labelled)
{
	size_t label = labelled ? label_length(b) : 0;
	if (label) {
		galley_node *strong = node_at(b, GALLEY_NODE_STRONG, 0);
		if (!strong || add_text(b, strong, 0, label) != 0)
			return GALLEY_ENOMEM;
		galley_node_append(parent, strong);
		tx_note(b->ctx, b->segs[0].line,
		        "'%.*s' set strong, because a list item starts with a short label and ':'",
		        (int)label, (const char *)b->text.data);
	}
	return inline_pass(b, parent, label);
}

/* ---- blocks ------------------------------------------------------- */

static galley_node *block_node(builder *b, galley_node_type type, const tx_line *l, uint32_t extra_col)
{
	return galley_node_new(b->doc, type, l->no, l->lead + 1 + extra_col);
}

static int add_paragraph(builder *b, galley_node *parent, const tx_block *blk, size_t skip,
                         uint32_t skip_chars, bool labelled)
{
	const tx_line *l = &b->ctx->lines[blk->first];
	galley_node *p = block_node(b, GALLEY_NODE_PARAGRAPH, l, skip_chars);
	if (!p || gather(b, blk, skip, skip_chars, NULL) != 0)
		return GALLEY_ENOMEM;
	galley_node_append(parent, p);
	return add_inlines(b, p, labelled);
}

static int add_code(builder *b, const tx_block *blk)
{
	galley_node *code = block_node(b, GALLEY_NODE_CODE_BLOCK, &b->ctx->lines[blk->first], 0);
	galley_buf *t = &b->text;
	if (!code)
		return GALLEY_ENOMEM;
	t->len = 0;
	for (size_t k = blk->first; k <= blk->last; k++) {
		const tx_line *l = &b->ctx->lines[k];
		if (!l->blank)
			for (uint32_t col = blk->strip; col < l->indent; col++)
				galley_buf_putc(t, ' ');
		galley_buf_put(t, l->s, l->blank ? 0 : l->len);
		galley_buf_putc(t, '\n');
	}
	if (t->failed || galley_node_set_literal(b->doc, code, (const char *)t->data, t->len) != 0)
		return GALLEY_ENOMEM;
	galley_node_append(b->doc->root, code);
	return 0;
}

static int add_heading(builder *b, const tx_block *blk)
{
	galley_node *h = block_node(b, GALLEY_NODE_HEADING, &b->ctx->lines[blk->first], 0);
	if (!h || gather(b, blk, 0, 0, blk->heading_sep ? ": " : " ") != 0)
		return GALLEY_ENOMEM;
	galley_node_set_heading_level(h, blk->level);
	galley_node_append(b->doc->root, h);
	return add_inlines(b, h, false);
}

static uint32_t list_key(const tx_line *l)
{
	return l->indent * 4 + (l->marker == TX_MARK_BULLET ? l->style : 0);
}

static bool same_kind(const open_list *o, const tx_line *l)
{
	if (o->marker != l->marker)
		return false;
	return l->marker == TX_MARK_BULLET || o->style == l->style;
}

static galley_node *new_list(builder *b, const tx_line *l, galley_node *parent)
{
	bool ordered = l->marker == TX_MARK_ORDERED;
	galley_node *list = block_node(b, ordered ? GALLEY_NODE_ORDERED_LIST : GALLEY_NODE_BULLET_LIST, l, 0);
	if (!list)
		return NULL;
	galley_node_set_list(list, ordered ? l->number : 0, ordered ? l->delim : 0, true);
	if (ordered && l->style != '1') {
		char style[2] = {(char)l->style, 0};
		if (galley_node_set_info(b->doc, list, style, 1) != 0)
			return NULL;
	}
	galley_node_append(parent, list);
	return list;
}

/* The list an item at this indentation goes into: continued, nested or new. */
static open_list *list_for(builder *b, const tx_line *l)
{
	uint32_t key = list_key(l);
	while (b->depth > 0 && b->lists[b->depth - 1].key > key)
		b->depth--;
	if (b->depth > 0 && b->lists[b->depth - 1].key == key) {
		if (same_kind(&b->lists[b->depth - 1], l))
			return &b->lists[b->depth - 1];
		b->depth--; /* another kind of marker at the same place: a new list */
	}
	if (b->depth == MAX_LIST_DEPTH)
		return &b->lists[b->depth - 1];
	galley_node *parent = b->depth > 0 ? b->lists[b->depth - 1].item : b->doc->root;
	open_list *o = &b->lists[b->depth];
	o->list = new_list(b, l, parent);
	if (!o->list)
		return NULL;
	o->key = key;
	o->marker = l->marker;
	o->style = l->style;
	o->item = NULL;
	b->depth++;
	return o;
}

static int add_item(builder *b, const tx_block *blk)
{
	const tx_line *l = &b->ctx->lines[blk->first];
	open_list *o = list_for(b, l);
	if (!o)
		return GALLEY_ENOMEM;
	if (o->item && blk->blank_before)
		o->list->tight = 0;
	galley_node *item = block_node(b, GALLEY_NODE_LIST_ITEM, l, 0);
	if (!item)
		return GALLEY_ENOMEM;
	galley_node_append(o->list, item);
	o->item = item;
	return add_paragraph(b, item, blk, l->mlen, l->mchars, true);
}

static int add_item_paragraph(builder *b, const tx_block *blk)
{
	if (b->depth == 0 || !b->lists[b->depth - 1].item)
		return add_paragraph(b, b->doc->root, blk, 0, 0, false);
	open_list *o = &b->lists[b->depth - 1];
	o->list->tight = 0;
	return add_paragraph(b, o->item, blk, 0, 0, false);
}

static int add_quote(builder *b, const tx_block *blk)
{
	if (!b->quote) {
		b->quote = block_node(b, GALLEY_NODE_BLOCK_QUOTE, &b->ctx->lines[blk->first], 0);
		if (!b->quote)
			return GALLEY_ENOMEM;
		galley_node_append(b->doc->root, b->quote);
	}
	return add_paragraph(b, b->quote, blk, 0, 0, false);
}

static int add_block(builder *b, const tx_block *blk)
{
	if (blk->kind != TX_B_QUOTE)
		b->quote = NULL;
	if (blk->kind != TX_B_ITEM && blk->kind != TX_B_ITEM_PARA)
		b->depth = 0;
	switch (blk->kind) {
	case TX_B_HEADING:
		return add_heading(b, blk);
	case TX_B_ITEM:
		return add_item(b, blk);
	case TX_B_ITEM_PARA:
		return add_item_paragraph(b, blk);
	case TX_B_QUOTE:
		return add_quote(b, blk);
	case TX_B_CODE:
		return add_code(b, blk);
	case TX_B_BREAK: {
		galley_node *hr = block_node(b, GALLEY_NODE_THEMATIC_BREAK, &b->ctx->lines[blk->first], 0);
		if (!hr)
			return GALLEY_ENOMEM;
		galley_node_append(b->doc->root, hr);
		return 0;
	}
	default:
		return add_paragraph(b, b->doc->root, blk, 0, 0, false);
	}
}

/* The title and subtitle, taken from the text, get the text's punctuation. */
static int smarten_meta(galley_doc *doc)
{
	static const galley_meta_field fields[] = {GALLEY_META_TITLE, GALLEY_META_SUBTITLE};
	galley_buf out = GALLEY_BUF_INIT;
	uint8_t *marks = NULL;
	int rc = 0;
	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]) && rc == 0; k++) {
		const char *v = galley_doc_meta(doc, fields[k]);
		size_t n = v ? strlen(v) : 0;
		if (n == 0)
			continue;
		uint8_t *m = realloc(marks, n);
		if (!m) {
			rc = GALLEY_ENOMEM;
			break;
		}
		marks = m;
		tx_quote_marks(v, n, marks);
		out.len = 0;
		tx_smarten(v, n, 0, n, marks, &out);
		rc = out.failed ? GALLEY_ENOMEM
		                : galley_doc_set_meta(doc, fields[k], (const char *)out.data, out.len);
	}
	galley_buf_free(&out);
	free(marks);
	return rc;
}

int tx_build(tx_ctx *ctx)
{
	builder b;
	int rc = 0;
	memset(&b, 0, sizeof(b));
	b.ctx = ctx;
	b.doc = ctx->doc;
	b.smart = !(ctx->opts && (ctx->opts->flags & GALLEY_OPT_NO_SMART));
	for (size_t i = 0; i < ctx->nblocks && rc == 0; i++)
		rc = add_block(&b, &ctx->blocks[i]);
	if (rc == 0 && b.smart)
		rc = smarten_meta(ctx->doc);
	galley_buf_free(&b.text);
	galley_buf_free(&b.smart_text);
	free(b.segs);
	free(b.marks);
	if (rc)
		return galley_error_set(ctx->err, rc, NULL, 0, 0, "out of memory");
	return 0;
}
