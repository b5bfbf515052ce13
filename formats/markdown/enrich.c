/* enrich.c - the Markdown reader's additions to CommonMark (see markdown.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attributes.h"
#include "markdown.h"

static bool is_blank_text(const galley_node *n)
{
	if (n->type != GALLEY_NODE_TEXT)
		return false;
	for (size_t i = 0; i < n->len; i++)
		if (!isspace((unsigned char)n->lit[i]))
			return false;
	return true;
}

/* A paragraph holding one image (and nothing but white space) becomes a figure. */
static void make_figure(galley_node *para)
{
	galley_node *img = NULL;
	for (galley_node *c = para->first; c; c = c->next) {
		if (c->type == GALLEY_NODE_IMAGE && !img)
			img = c;
		else if (!is_blank_text(c))
			return;
	}
	if (!img || !img->first)
		return; /* no alt text, no caption: an inline image */
	para->type = GALLEY_NODE_FIGURE;
	while (para->first != img)
		galley_node_unlink(para->first);
	while (para->last != img)
		galley_node_unlink(para->last);
}

/* The text node after a soft break starts with ": " in a definition paragraph. */
static bool starts_definition(const galley_node *n)
{
	return n && n->type == GALLEY_NODE_TEXT && n->len >= 2 && n->lit[0] == ':' &&
	       (n->lit[1] == ' ' || n->lit[1] == '\t');
}

static bool is_definition_para(const galley_node *p)
{
	if (p->type != GALLEY_NODE_PARAGRAPH || !p->first)
		return false;
	for (const galley_node *c = p->first; c; c = c->next)
		if (c->type == GALLEY_NODE_SOFT_BREAK)
			return c != p->first && starts_definition(c->next);
	return false;
}

/* Moves the inlines of one ": definition" line into a new paragraph in `desc`. */
static galley_node *take_line(galley_doc *doc, galley_node *first, galley_node *desc)
{
	galley_node *para = galley_node_new(doc, GALLEY_NODE_PARAGRAPH, first->line, first->col);
	if (!para)
		return NULL;
	galley_node_append(desc, para);
	/* drop ": " */
	first->lit += 2;
	first->len -= 2;
	galley_node *n = first;
	while (n && n->type != GALLEY_NODE_SOFT_BREAK) {
		galley_node *next = n->next;
		galley_node_append(para, n);
		n = next;
	}
	if (para->first && para->first->type == GALLEY_NODE_TEXT && para->first->len == 0)
		galley_node_unlink(para->first);
	return n; /* the soft break or NULL */
}

static int make_definition(galley_doc *doc, galley_node *para)
{
	galley_node *list = para->prev && para->prev->type == GALLEY_NODE_DEF_LIST ? para->prev : NULL;
	if (!list) {
		list = galley_node_new(doc, GALLEY_NODE_DEF_LIST, para->line, para->col);
		if (!list)
			return GALLEY_ENOMEM;
		galley_node_insert_before(para, list);
	}
	galley_node *item = galley_node_new(doc, GALLEY_NODE_DEF_ITEM, para->line, para->col);
	galley_node *term = galley_node_new(doc, GALLEY_NODE_DEF_TERM, para->line, para->col);
	if (!item || !term)
		return GALLEY_ENOMEM;
	galley_node_append(list, item);
	galley_node_append(item, term);
	while (para->first && para->first->type != GALLEY_NODE_SOFT_BREAK)
		galley_node_append(term, para->first);
	galley_node *brk = para->first;
	while (brk && brk->type == GALLEY_NODE_SOFT_BREAK && starts_definition(brk->next)) {
		galley_node *desc =
		    galley_node_new(doc, GALLEY_NODE_DEF_DESC, brk->next->line, brk->next->col);
		if (!desc)
			return GALLEY_ENOMEM;
		galley_node_append(item, desc);
		galley_node *line_start = brk->next;
		galley_node_unlink(brk);
		brk = take_line(doc, line_start, desc);
		if (!desc->first)
			return GALLEY_ENOMEM;
	}
	/* anything left after a line that does not start with ": " joins the last definition */
	while (para->first) {
		galley_node *last = item->last->last;
		if (item->last->type != GALLEY_NODE_DEF_DESC || !last)
			break;
		galley_node_append(last, para->first);
	}
	galley_node_unlink(para);
	return 0;
}

static const struct {
	const char *open;
	const char *close;
	galley_node_type type;
} inline_tags[] = {
    {"<sup>", "</sup>", GALLEY_NODE_SUPERSCRIPT},
    {"<sub>", "</sub>", GALLEY_NODE_SUBSCRIPT},
    {"<em>", "</em>", GALLEY_NODE_EMPH},
    {"<i>", "</i>", GALLEY_NODE_EMPH},
    {"<strong>", "</strong>", GALLEY_NODE_STRONG},
    {"<b>", "</b>", GALLEY_NODE_STRONG},
    {"<del>", "</del>", GALLEY_NODE_STRIKETHROUGH},
    {"<s>", "</s>", GALLEY_NODE_STRIKETHROUGH},
};

static bool raw_is(const galley_node *n, const char *tag)
{
	return n && n->type == GALLEY_NODE_RAW_INLINE && n->len == strlen(tag) &&
	       !strncasecmp(n->lit, tag, n->len);
}

static bool is_br(const galley_node *n)
{
	return raw_is(n, "<br>") || raw_is(n, "<br/>") || raw_is(n, "<br />");
}

/* Wraps the siblings between a raw "<sup>" and its "</sup>" in a SUPERSCRIPT node, and so on. */
static void map_inline_html(galley_node *n)
{
	if (is_br(n)) {
		n->type = GALLEY_NODE_HARD_BREAK;
		n->info = NULL;
		return;
	}
	for (size_t k = 0; k < sizeof(inline_tags) / sizeof(inline_tags[0]); k++) {
		if (!raw_is(n, inline_tags[k].open))
			continue;
		galley_node *close = n->next;
		while (close && !raw_is(close, inline_tags[k].close) && close->type != GALLEY_NODE_RAW_INLINE)
			close = close->next;
		if (!close || !raw_is(close, inline_tags[k].close))
			return;
		n->type = (uint8_t)inline_tags[k].type;
		n->lit = n->info = NULL;
		n->len = 0;
		while (n->next != close)
			galley_node_append(n, n->next);
		galley_node_unlink(close);
		return;
	}
}

int md_enrich(galley_doc *doc, const galley_options *opts)
{
	galley_walk w;
	galley_node *pending = NULL; /* a definition paragraph, rewritten once the walk has left it */
	int rc = md_attributes(doc);
	(void)opts;
	galley_walk_init(&w, doc->root);
	while (rc == 0 && galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (w.event == GALLEY_EVENT_ENTER) {
			if (n->type == GALLEY_NODE_RAW_INLINE)
				map_inline_html(n);
			continue;
		}
		if (n->type != GALLEY_NODE_PARAGRAPH)
			continue;
		/* a paragraph is complete at its exit; blocks the walk has passed may be rewritten */
		if (pending) {
			rc = make_definition(doc, pending);
			pending = NULL;
		}
		if (is_definition_para(n))
			pending = n;
		else
			make_figure(n);
	}
	if (rc == 0 && pending)
		rc = make_definition(doc, pending);
	return rc;
}

int md_title_from_heading(galley_doc *doc)
{
	galley_node *first = doc->root->first;
	if (galley_doc_meta(doc, GALLEY_META_TITLE) || !first || first->type != GALLEY_NODE_HEADING ||
	    first->level != 1)
		return 0;
	char *text = galley_node_plain_text(first);
	if (!text)
		return GALLEY_ENOMEM;
	int rc = galley_doc_set_meta(doc, GALLEY_META_TITLE, text, (size_t)-1);
	free(text);
	if (rc == 0)
		galley_doc_set_title_heading(doc, first);
	return rc;
}
