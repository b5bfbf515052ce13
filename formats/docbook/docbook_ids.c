/*
 * docbook_ids.c - xml:id values for headings and footnotes.
 *
 * A heading's id (a slug or an explicit {#id}) is not always an XML name: it
 * may start with a digit or hold characters outside the name classes. Each
 * heading gets a valid, unique NCName made from it; links to "#id" are
 * resolved through the same map, so they keep pointing at their heading.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/url.h"
#include "docbook.h"

typedef struct heading_id {
	const galley_node *heading; /* NULL for an anchor in raw HTML */
	const char *xml_id;
	bool written; /* an anchor's id given out */
} heading_id;

static bool is_name_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_' || ch == '.';
}

static bool is_name_start(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

/*
 * ASCII letters, digits, '-', '_' and '.' are kept; any other byte becomes
 * "_xx" (its hex value), so different ids stay different. Ids that do not
 * start with a letter or '_' get an "id-" prefix.
 */
static void ncname_from(galley_buf *out, const char *id)
{
	const unsigned char *p = (const unsigned char *)id;
	out->len = 0;
	if (!is_name_start(*p))
		galley_buf_puts(out, "id-");
	for (; *p; p++) {
		if (is_name_char(*p))
			galley_buf_putc(out, *p);
		else
			galley_buf_printf(out, "_%02x", *p);
	}
	galley_buf_put(out, "", 0);
}

/* Stores `base` (or base-2, base-3, ... when taken) as a used id; NULL when out of memory. */
static const char *claim_id(db_ctx *c, const char *base)
{
	size_t len = strlen(base);
	char *id = arena_strndup(&c->mem, base, len);
	for (unsigned i = 2; id && strmap_get(&c->used, id); i++) {
		id = arena_alloc(&c->mem, len + 16);
		if (id)
			snprintf(id, len + 16, "%s-%u", base, i);
	}
	if (!id || strmap_put(&c->used, id, id) != 0)
		return NULL;
	return id;
}

/* A heading's id, or a code block's or span's {#id}. */
/* Registers an anchor's id from raw HTML, so that links to it, before or after it, find it. */
static heading_id *add_raw_id(db_ctx *c, const char *id)
{
	galley_buf tmp = GALLEY_BUF_INIT;
	heading_id *e = NULL;
	char *key = NULL;
	ncname_from(&tmp, id);
	if (!tmp.failed && (e = arena_alloc(&c->mem, sizeof(*e))) != NULL) {
		e->heading = NULL;
		e->xml_id = claim_id(c, (const char *)tmp.data);
		key = arena_strndup(&c->mem, id, strlen(id));
	}
	galley_buf_free(&tmp);
	if (!e || !e->xml_id || !key)
		return NULL;
	if (!strmap_get(&c->ids, key) && strmap_put(&c->ids, key, e) != 0)
		return NULL;
	return e;
}

const char *db_raw_id(db_ctx *c, const char *id)
{
	heading_id *e = strmap_get(&c->ids, id);
	if (e && !e->heading && !e->written) {
		e->written = true;
		return e->xml_id;
	}
	e = add_raw_id(c, id); /* a repeated name: an id of its own, which links do not reach */
	if (e)
		e->written = true;
	return e ? e->xml_id : NULL;
}

/* Every <a name> and <a id> in raw HTML, found before writing so that earlier links reach them too. */
static int scan_raw_anchors(db_ctx *c, const galley_node *n)
{
	const char *ids[64];
	size_t count, len;
	const char *lit = galley_node_literal(n, &len);
	if ((galley_node_info(n) && strcmp(galley_node_info(n), "html")) || !memmem(lit, len, "<a", 2))
		return 0;
	count = db_html_anchor_names(n, ids, 64);
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++)
		if (*ids[i] && !strmap_get(&c->ids, ids[i]) && !add_raw_id(c, ids[i]))
			rc = GALLEY_ENOMEM;
	db_html_anchor_names_free(ids, count);
	return rc;
}

static int add_heading(db_ctx *c, const galley_node *h, galley_buf *tmp)
{
	const char *id = galley_node_id(h);
	if (!id || !*id || strmap_get(&c->ids, id))
		return 0; /* a repeated id stays with its first node */
	heading_id *e = arena_alloc(&c->mem, sizeof(*e));
	if (!e)
		return GALLEY_ENOMEM;
	ncname_from(tmp, id);
	if (tmp->failed)
		return GALLEY_ENOMEM;
	e->heading = h;
	e->xml_id = claim_id(c, (const char *)tmp->data);
	if (!e->xml_id || strmap_put(&c->ids, id, e) != 0)
		return GALLEY_ENOMEM;
	return 0;
}

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
		c->note_id[i] = claim_id(c, base);
		if (!c->note_id[i])
			return GALLEY_ENOMEM;
	}
	return 0;
}

/* Records a heading, a note definition or a reference met by the walk. */
static int scan_node(db_ctx *c, const galley_node *n, int note_depth, int *refs, bool *from_note,
                     galley_buf *tmp)
{
	int num = galley_node_footnote_number(n);
	if (galley_node_get_type(n) == GALLEY_NODE_HEADING ||
	    galley_node_get_type(n) == GALLEY_NODE_CODE_BLOCK || galley_node_get_type(n) == GALLEY_NODE_SPAN)
		return add_heading(c, n, tmp);
	if (galley_node_get_type(n) == GALLEY_NODE_RAW_BLOCK ||
	    galley_node_get_type(n) == GALLEY_NODE_RAW_INLINE)
		return scan_raw_anchors(c, n);
	if (num <= 0 || num > c->notes)
		return 0;
	if (galley_node_get_type(n) == GALLEY_NODE_FOOTNOTE_DEF && !c->note_def[num])
		c->note_def[num] = (galley_node *)n;
	else if (galley_node_get_type(n) == GALLEY_NODE_FOOTNOTE_REF && galley_node_footnote_def(n)) {
		refs[num]++;
		if (note_depth > 0)
			from_note[num] = true;
	}
	return 0;
}

int db_ids_init(db_ctx *c)
{
	galley_buf tmp = GALLEY_BUF_INIT;
	int *refs = NULL;
	bool *from_note = NULL;
	int note_depth = 0, rc;
	galley_walk w;

	arena_init(&c->mem);
	c->notes = galley_doc_footnote_count(c->doc);
	rc = alloc_notes(c);
	refs = calloc((size_t)c->notes + 1, sizeof(*refs));
	from_note = calloc((size_t)c->notes + 1, sizeof(*from_note));
	if (rc == 0 && (!refs || !from_note))
		rc = GALLEY_ENOMEM;
	galley_walk_init(&w, galley_doc_root(c->doc));
	while (rc == 0 && galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		const galley_node *n = w.node;
		if (galley_node_get_type(n) == GALLEY_NODE_FOOTNOTE_DEF)
			note_depth += w.event == GALLEY_EVENT_ENTER ? 1 : -1;
		if (w.event == GALLEY_EVENT_ENTER)
			rc = scan_node(c, n, note_depth, refs, from_note, &tmp);
	}
	if (rc == 0)
		rc = name_notes(c, refs, from_note);
	free(refs);
	free(from_note);
	galley_buf_free(&tmp);
	return rc;
}

void db_ids_free(db_ctx *c)
{
	strmap_free(&c->ids);
	strmap_free(&c->used);
	arena_free(&c->mem);
	free(c->note_def);
	free(c->note_id);
	free(c->note_state);
	free(c->queue);
}

const char *db_heading_id(db_ctx *c, const galley_node *heading)
{
	const char *id = galley_node_id(heading);
	const heading_id *e = id ? strmap_get(&c->ids, id) : NULL;
	return e && e->heading == heading ? e->xml_id : NULL;
}

bool db_dangling_fragment(db_ctx *c, const char *url)
{
	return url && url[0] == '#' && url[1] && !db_link_target(c, url);
}

const char *db_link_target(db_ctx *c, const char *url)
{
	const heading_id *e;
	if (!url || url[0] != '#' || !url[1])
		return NULL;
	e = strmap_get(&c->ids, url + 1);
	if (e)
		return e->xml_id;
	c->scratch.len = 0;
	galley_url_decode(&c->scratch, url + 1);
	if (c->scratch.failed || !c->scratch.data)
		return NULL;
	e = strmap_get(&c->ids, (const char *)c->scratch.data);
	return e ? e->xml_id : NULL;
}
