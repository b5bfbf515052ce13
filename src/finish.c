/* finish.c - what every reader's tree gets: footnote numbers and heading ids. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <unistr.h>

#include "model_private.h"
#include "strmap.h"

/* The nodes finishing works on, gathered in one walk of the tree. */
typedef struct node_list {
	galley_node **items;
	size_t count, cap;
} node_list;

static int node_list_add(node_list *l, galley_node *n)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		galley_node **items = realloc(l->items, cap * sizeof(*items));
		if (!items)
			return GALLEY_ENOMEM;
		l->items = items;
		l->cap = cap;
	}
	l->items[l->count++] = n;
	return 0;
}

typedef struct finish_nodes {
	node_list headings, refs, defs;
} finish_nodes;

static int gather(galley_doc *doc, finish_nodes *f)
{
	galley_walk w;
	int rc = 0;
	galley_walk_init(&w, doc->root);
	while (rc == 0 && galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (w.event != GALLEY_EVENT_ENTER)
			continue;
		if (n->type == GALLEY_NODE_HEADING)
			rc = node_list_add(&f->headings, n);
		else if (n->type == GALLEY_NODE_FOOTNOTE_REF)
			rc = node_list_add(&f->refs, n);
		else if (n->type == GALLEY_NODE_FOOTNOTE_DEF)
			rc = node_list_add(&f->defs, n);
	}
	return rc;
}

static int number_footnotes(galley_doc *doc, const finish_nodes *f)
{
	strmap defs = STRMAP_INIT;
	int rc = 0;

	for (size_t i = 0; i < f->defs.count; i++) {
		galley_node *n = f->defs.items[i];
		if (n->id && !strmap_get(&defs, n->id) && strmap_put(&defs, n->id, n) != 0) {
			rc = GALLEY_ENOMEM;
			goto cleanup;
		}
	}
	doc->footnotes = 0;
	for (size_t i = 0; i < f->refs.count; i++) {
		galley_node *n = f->refs.items[i];
		galley_node *def = n->def ? n->def : n->id ? strmap_get(&defs, n->id) : NULL;
		n->def = def;
		if (!def)
			continue;
		if (!def->number)
			def->number = ++doc->footnotes;
		n->number = def->number;
	}
cleanup:
	strmap_free(&defs);
	return rc;
}

char *galley_slugify(galley_doc *doc, const char *text, size_t len)
{
	char *out = arena_alloc(&doc->mem, len * 4 + 8);
	size_t o = 0;
	const uint8_t *s = (const uint8_t *)text, *end = s + len;
	if (!out)
		return NULL;
	while (s < end) {
		ucs4_t c;
		int n = u8_mbtouc(&c, s, (size_t)(end - s));
		s += n > 0 ? n : 1;
		if (c == ' ' || c == '\t' || c == '\n' || c == '-') {
			out[o++] = '-';
		} else if (c == '_' || uc_is_alnum(c) || uc_is_general_category(c, UC_CATEGORY_M)) {
			int w = u8_uctomb((uint8_t *)out + o, uc_tolower(c), 6);
			o += w > 0 ? (size_t)w : 0;
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * `suffixes` remembers, per slug, the last number tried, so that n headings
 * with the same text cost O(n) and not O(n^2) in time and memory.
 */
static int unique_id(galley_doc *doc, strmap *used, strmap *suffixes, galley_node *h)
{
	char *text = galley_node_plain_text(h);
	if (!text)
		return GALLEY_ENOMEM;
	char *slug = galley_slugify(doc, text, strlen(text));
	free(text);
	if (!slug)
		return GALLEY_ENOMEM;
	if (!*slug)
		slug = "section";
	char *id = slug;
	if (strmap_get(used, slug)) {
		size_t size = strlen(slug) + 24;
		uintptr_t i = (uintptr_t)strmap_get(suffixes, slug);
		id = arena_alloc(&doc->mem, size);
		if (!id)
			return GALLEY_ENOMEM;
		do
			snprintf(id, size, "%s-%lu", slug, (unsigned long)++i);
		while (strmap_get(used, id));
		if (strmap_put(suffixes, slug, (void *)i) != 0)
			return GALLEY_ENOMEM;
	}
	h->id = id;
	return strmap_put(used, id, h) == 0 ? 0 : GALLEY_ENOMEM;
}

static int assign_ids(galley_doc *doc, const finish_nodes *f)
{
	strmap used = STRMAP_INIT, suffixes = STRMAP_INIT;
	int rc = 0;

	/* explicit ids are claimed first, so a slug never takes one */
	for (size_t i = 0; i < f->headings.count; i++) {
		galley_node *n = f->headings.items[i];
		if (n->id && *n->id && strmap_put(&used, n->id, n) != 0) {
			rc = GALLEY_ENOMEM;
			goto cleanup;
		}
	}
	for (size_t i = 0; i < f->headings.count && rc == 0; i++) {
		galley_node *n = f->headings.items[i];
		if (!n->id || !*n->id)
			rc = unique_id(doc, &used, &suffixes, n);
	}
cleanup:
	strmap_free(&used);
	strmap_free(&suffixes);
	return rc;
}

int galley_doc_finish(galley_doc *doc)
{
	finish_nodes f;
	memset(&f, 0, sizeof(f));
	int rc = gather(doc, &f);
	if (rc == 0)
		rc = number_footnotes(doc, &f);
	if (rc == 0)
		rc = assign_ids(doc, &f);
	free(f.headings.items);
	free(f.refs.items);
	free(f.defs.items);
	return rc;
}

char *galley_node_plain_text(const galley_node *node)
{
	galley_buf buf = GALLEY_BUF_INIT;
	galley_walk w;
	galley_walk_init(&w, (galley_node *)node);
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		if (w.event != GALLEY_EVENT_ENTER)
			continue;
		switch (w.node->type) {
		case GALLEY_NODE_TEXT:
		case GALLEY_NODE_CODE:
		case GALLEY_NODE_MATH:
			galley_buf_put(&buf, w.node->lit, w.node->len);
			break;
		case GALLEY_NODE_SOFT_BREAK:
		case GALLEY_NODE_HARD_BREAK:
			galley_buf_putc(&buf, ' ');
			break;
		case GALLEY_NODE_FOOTNOTE_DEF:
			galley_walk_skip_children(&w);
			break;
		default:
			break;
		}
	}
	if (galley_buf_put(&buf, "", 0) != 0) {
		galley_buf_free(&buf);
		return NULL;
	}
	return (char *)galley_buf_detach(&buf, NULL);
}
