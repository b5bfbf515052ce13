/* finish.c - what every reader's tree gets: footnote numbers and heading ids. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <unistr.h>

#include "internal.h"
#include "strmap.h"

static int number_footnotes(galley_doc *doc)
{
	strmap defs = STRMAP_INIT;
	galley_walk w;
	int rc = 0;

	galley_walk_init(&w, doc->root);
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (w.event == GALLEY_EVENT_ENTER && n->type == GALLEY_NODE_FOOTNOTE_DEF && n->id &&
		    !strmap_get(&defs, n->id) && strmap_put(&defs, n->id, n) != 0) {
			rc = GALLEY_ENOMEM;
			goto cleanup;
		}
	}
	doc->footnotes = 0;
	galley_walk_init(&w, doc->root);
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (w.event != GALLEY_EVENT_ENTER || n->type != GALLEY_NODE_FOOTNOTE_REF)
			continue;
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
 * `next` remembers, for each slug, the first suffix not yet tried, so that
 * many headings with the same text (every chapter's "Notes") cost linear
 * time, not quadratic.
 */
static int unique_id(galley_doc *doc, strmap *used, strmap *next, galley_node *h)
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
	size_t len = strlen(slug);
	uintptr_t i = (uintptr_t)strmap_get(next, slug);
	for (i = i ? i : 1; strmap_get(used, id); i++) {
		id = arena_alloc(&doc->mem, len + 24);
		if (!id)
			return GALLEY_ENOMEM;
		snprintf(id, len + 24, "%s-%lu", slug, (unsigned long)i);
	}
	h->id = id;
	if (id != slug && strmap_put(next, slug, (void *)i) != 0)
		return GALLEY_ENOMEM;
	return strmap_put(used, id, h) == 0 ? 0 : GALLEY_ENOMEM;
}

static int assign_ids(galley_doc *doc)
{
	strmap used = STRMAP_INIT, next = STRMAP_INIT;
	galley_walk w;
	int rc = 0;

	/* explicit ids are claimed first, so a slug never takes one */
	galley_walk_init(&w, doc->root);
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE)
		if (w.event == GALLEY_EVENT_ENTER && w.node->type == GALLEY_NODE_HEADING && w.node->id &&
		    *w.node->id && strmap_put(&used, w.node->id, w.node) != 0) {
			rc = GALLEY_ENOMEM;
			goto cleanup;
		}
	galley_walk_init(&w, doc->root);
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (w.event == GALLEY_EVENT_ENTER && n->type == GALLEY_NODE_HEADING && (!n->id || !*n->id)) {
			rc = unique_id(doc, &used, &next, n);
			if (rc)
				goto cleanup;
		}
	}
cleanup:
	strmap_free(&used);
	strmap_free(&next);
	return rc;
}

int galley_doc_finish(galley_doc *doc)
{
	int rc = number_footnotes(doc);
	return rc ? rc : assign_ids(doc);
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
