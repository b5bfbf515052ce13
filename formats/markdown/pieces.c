/*
 * pieces.c - long Markdown documents read a piece at a time.
 *
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
 * again, in pieces, with every definition known (read_pieces). The
 * document goes back to being parsed whole when a label cannot be probed for
 * sure, when the probes do not come out as paragraphs of their own, when the
 * definitions grow past 256 KB, and for footnotes, which are numbered across
 * the whole document.
 */

#include <ctype.h>
#include <string.h>

#include "../../src/strmap.h"
#include "markdown.h"

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
	cmark_parser *parser = md_new_parser(ps->c);
	if (!parser)
		return NULL;
	cmark_parser_feed(parser, (const char *)in->data, in->len);
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
static int read_pieces(pieces *ps, size_t base)
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
				rc = md_convert_block(c, b);
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

int md_read_in_pieces(md_ctx *c, const char *data, size_t len, size_t piece)
{
	pieces ps = {.c = c, .data = data, .len = len, .body_offset = c->line_offset, .known = STRMAP_INIT};
	arena_init(&ps.keys);
	int rc = read_pieces(&ps, piece);
	c->line_offset = ps.body_offset;
	galley_buf_free(&ps.defs);
	galley_buf_free(&ps.input);
	galley_buf_free(&ps.labels);
	strmap_free(&ps.known);
	arena_free(&ps.keys);
	return rc;
}
