/*
 * docbook_ids.c - xml:id values for headings, raw HTML and footnotes.
 *
 * A heading's id (a slug or an explicit {#id}) is not always an XML name: it
 * may start with a digit or hold characters outside the name classes. The
 * shared id registry (src/ids.c) gives each heading and each id of raw HTML
 * a valid, unique NCName made from it; links to "#id" are resolved through
 * the same registry, so they keep pointing at their target. Raw HTML itself
 * is left out; its ids stay as anchors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docbook.h"

static int alloc_notes(db_ctx *c)
{
	size_t n = (size_t)c->notes + 1;
	c->note_def = calloc(n, sizeof(*c->note_def));
	c->note_id = calloc(n, sizeof(*c->note_id));
	c->note_state = calloc(n, sizeof(*c->note_state));
	c->queue = calloc(n, sizeof(*c->queue));
	return c->note_def && c->note_id && c->note_state && c->queue ? 0 : GALLEY_ENOMEM;
}

/*
 * A note needs an id when some reference to it is not the one that writes
 * it: it is referenced twice, or from inside a note (where it becomes a
 * footnoteref and the note itself follows the outer one).
 */
static int name_notes(db_ctx *c, const int *refs, const bool *from_note)
{
	char base[32];
	for (int i = 1; i <= c->notes; i++) {
		if (refs[i] < 2 && !from_note[i])
			continue;
		snprintf(base, sizeof(base), "fn-%d", i);
		c->note_id[i] = galley_ids_claim(&c->ids, base);
		if (!c->note_id[i])
			return GALLEY_ENOMEM;
	}
	return 0;
}

/* Records a heading, a note definition or a reference met by the walk. */
static int scan_node(db_ctx *c, const galley_node *n, int note_depth, int *refs, bool *from_note)
{
	int num = n->number;
	if (n->type != GALLEY_NODE_FOOTNOTE_DEF && n->type != GALLEY_NODE_FOOTNOTE_REF)
		return 0;
	if (num <= 0 || num > c->notes)
		return 0;
	if (n->type == GALLEY_NODE_FOOTNOTE_DEF && !c->note_def[num])
		c->note_def[num] = (galley_node *)n;
	else if (n->type == GALLEY_NODE_FOOTNOTE_REF && n->def) {
		refs[num]++;
		if (note_depth > 0)
			from_note[num] = true;
	}
	return 0;
}

int db_ids_init(db_ctx *c)
{
	int *refs = NULL;
	bool *from_note = NULL;
	int note_depth = 0, rc;
	galley_walk w;

	c->notes = galley_doc_footnote_count(c->doc);
	rc = galley_ids_init(&c->ids, c->doc, GALLEY_IDS_NCNAME, NULL, 0);
	if (rc == 0)
		rc = alloc_notes(c);
	refs = calloc((size_t)c->notes + 1, sizeof(*refs));
	from_note = calloc((size_t)c->notes + 1, sizeof(*from_note));
	if (rc == 0 && (!refs || !from_note))
		rc = GALLEY_ENOMEM;
	galley_walk_init(&w, galley_doc_root(c->doc));
	while (rc == 0 && galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		const galley_node *n = w.node;
		if (n->type == GALLEY_NODE_FOOTNOTE_DEF)
			note_depth += w.event == GALLEY_EVENT_ENTER ? 1 : -1;
		if (w.event == GALLEY_EVENT_ENTER)
			rc = scan_node(c, n, note_depth, refs, from_note);
	}
	if (rc == 0)
		rc = name_notes(c, refs, from_note);
	free(refs);
	free(from_note);
	return rc;
}

void db_ids_free(db_ctx *c)
{
	galley_ids_free(&c->ids);
	free(c->note_def);
	free(c->note_id);
	free(c->note_state);
	free(c->queue);
}

const char *db_heading_id(db_ctx *c, const galley_node *heading)
{
	return galley_ids_heading(&c->ids, heading);
}

const char *db_link_target(db_ctx *c, const char *url)
{
	return galley_ids_target(&c->ids, url);
}
