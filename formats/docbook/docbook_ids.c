/*
 * docbook_ids.c - xml:id values for headings, raw HTML and footnotes.
 *
 * The shared id registry (src/ids.h) gives them out, as the HTML and EPUB
 * writers have them: headings' ids first, then the ids of raw HTML
 * elements, each a valid unique NCName ("1st" becomes "id-1st", a repeated
 * "bar" "bar-2"); "fn-N" is a footnote's. A link to "#id" leads where the
 * registry says; to "#fn-N" to the note; to an <a name> (which the registry
 * does not know) to an anchor for it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/url.h"
#include "docbook.h"

/* An <a name> anchor from raw HTML: the id of its first holder, and whether it was written. */
typedef struct db_name {
	const char *xml_id;
	bool written;
} db_name;

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
 * "_xx" (its hex value), so different names stay different. Names that do
 * not start with a letter or '_' get an "id-" prefix (as the registry does).
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

/* A fresh xml:id, claimed in the registry, for an <a name>; NULL when out of memory. */
static const char *claim_name(db_ctx *c, const char *name)
{
	galley_buf tmp = GALLEY_BUF_INIT;
	const char *id = NULL;
	ncname_from(&tmp, name);
	if (!tmp.failed)
		id = galley_ids_claim(&c->ids, (const char *)tmp.data);
	galley_buf_free(&tmp);
	return id;
}

/* Registers an <a name>, so that links to it, before or after it, find it. */
static db_name *add_name(db_ctx *c, const char *name)
{
	db_name *e = arena_alloc(&c->mem, sizeof(*e));
	char *key = arena_strndup(&c->mem, name, strlen(name));
	if (!e || !key || !(e->xml_id = claim_name(c, name)))
		return NULL;
	e->written = false;
	return strmap_put(&c->names, key, e) == 0 ? e : NULL;
}

const char *db_name_id(db_ctx *c, const char *name)
{
	db_name *e = strmap_get(&c->names, name);
	if (e && !e->written) {
		e->written = true;
		return e->xml_id;
	}
	return claim_name(c, name); /* a repeated name: an id of its own, which links do not reach */
}

/* The number N of a "#fn-N" URL, or 0. */
static int note_link(const char *url)
{
	char *end;
	if (!url || strncmp(url, "#fn-", 4) || url[4] < '1' || url[4] > '9')
		return 0;
	long n = strtol(url + 4, &end, 10);
	return *end || n > INT32_MAX ? 0 : (int)n;
}

/* An <a name> or <a href> in raw HTML, found before writing so that earlier links reach the names too. */
static int scan_anchor(db_ctx *c, const char *name, const char *href)
{
	int num = note_link(href);
	if (num > 0 && num <= c->notes)
		c->note_linked[num] = true;
	if (!name || !*name || strmap_get(&c->names, name))
		return 0;
	c->scratch.len = 0;
	galley_buf_putc(&c->scratch, '#');
	galley_buf_puts(&c->scratch, name);
	if (c->scratch.failed)
		return GALLEY_ENOMEM;
	if (galley_ids_target(&c->ids, (const char *)c->scratch.data))
		return 0; /* the name of something with that id: links go there */
	return add_name(c, name) ? 0 : GALLEY_ENOMEM;
}

/* The ids of a node in a note never referenced: not written, so links to them are plain text. */
static int mark_unwritten(db_ctx *c, const galley_node *n)
{
	const galley_id_record *r;
	size_t count = galley_ids_at(&c->ids, n, &r);
	for (size_t i = 0; i < count; i++)
		if (strmap_put(&c->unwritten, r[i].id, (void *)r[i].id) != 0)
			return GALLEY_ENOMEM;
	return 0;
}

static int scan_raw(db_ctx *c, const galley_node *n)
{
	size_t len;
	const char *lit = galley_node_literal(n, &len);
	if ((galley_node_info(n) && strcmp(galley_node_info(n), "html")) || !memmem(lit, len, "<a", 2))
		return 0;
	return db_html_scan_anchors(n, scan_anchor, c);
}

static int alloc_notes(db_ctx *c)
{
	size_t n = (size_t)c->notes + 1;
	c->note_def = calloc(n, sizeof(*c->note_def));
	c->note_id = calloc(n, sizeof(*c->note_id));
	c->note_state = calloc(n, sizeof(*c->note_state));
	c->note_linked = calloc(n, sizeof(*c->note_linked));
	c->queue = calloc(n, sizeof(*c->queue));
	return c->note_def && c->note_id && c->note_state && c->note_linked && c->queue ? 0 : GALLEY_ENOMEM;
}

/*
 * A note needs an id when some reference to it is not the one that writes
 * it (it is referenced twice, or from inside a note, where it becomes a
 * footnoteref and the note itself follows the outer one), or when a link
 * leads to it ("#fn-N", as in HTML). Its id is "fn-N", a name the registry
 * keeps for the notes.
 */
static int name_notes(db_ctx *c, const int *refs, const bool *from_note)
{
	char base[32];
	for (int i = 1; i <= c->notes; i++) {
		if (refs[i] < 2 && !from_note[i] && !c->note_linked[i])
			continue;
		snprintf(base, sizeof(base), "fn-%d", i);
		c->note_id[i] = arena_strndup(&c->mem, base, strlen(base));
		if (!c->note_id[i])
			return GALLEY_ENOMEM;
	}
	return 0;
}

/* Records a note definition, a reference, a link to a note or raw HTML met by the walk. */
static int scan_node(db_ctx *c, const galley_node *n, int dead_depth, int note_depth, int *refs,
                     bool *from_note)
{
	galley_node_type type = galley_node_get_type(n);
	int num = galley_node_footnote_number(n);
	if (dead_depth > 0)
		return mark_unwritten(c, n);
	if (type == GALLEY_NODE_RAW_BLOCK || type == GALLEY_NODE_RAW_INLINE)
		return scan_raw(c, n);
	if (type == GALLEY_NODE_LINK && (num = note_link(galley_node_url(n))) > 0 && num <= c->notes)
		c->note_linked[num] = true;
	if (num <= 0 || num > c->notes)
		return 0;
	if (type == GALLEY_NODE_FOOTNOTE_DEF && !c->note_def[num])
		c->note_def[num] = (galley_node *)n;
	else if (type == GALLEY_NODE_FOOTNOTE_REF && galley_node_footnote_def(n)) {
		refs[num]++;
		if (note_depth > 0)
			from_note[num] = true;
	}
	return 0;
}

/* Finds the notes that need an id and the names of raw anchors. */
static int scan_document(db_ctx *c, int *refs, bool *from_note)
{
	int note_depth = 0, dead_depth = 0, rc = 0;
	galley_walk w;
	galley_walk_init(&w, galley_doc_root(c->doc));
	while (rc == 0 && galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		const galley_node *n = w.node;
		if (galley_node_get_type(n) == GALLEY_NODE_FOOTNOTE_DEF) {
			int step = w.event == GALLEY_EVENT_ENTER ? 1 : -1;
			note_depth += step;
			if (galley_node_footnote_number(n) <= 0) /* never referenced: never written */
				dead_depth += step;
		}
		if (w.event == GALLEY_EVENT_ENTER)
			rc = scan_node(c, n, dead_depth, note_depth, refs, from_note);
	}
	return rc;
}

int db_ids_init(db_ctx *c)
{
	int *refs = NULL;
	bool *from_note = NULL;
	int rc;

	arena_init(&c->mem);
	/* every raw element keeps its id (as xml:id, or an anchor where DocBook has no such element) */
	rc = galley_ids_init(&c->ids, c->doc, GALLEY_IDS_NOTES | GALLEY_IDS_NCNAME, NULL, 0);
	c->notes = galley_doc_footnote_count(c->doc);
	if (rc == 0)
		rc = alloc_notes(c);
	refs = calloc((size_t)c->notes + 1, sizeof(*refs));
	from_note = calloc((size_t)c->notes + 1, sizeof(*from_note));
	if (rc == 0 && (!refs || !from_note))
		rc = GALLEY_ENOMEM;
	if (rc == 0)
		rc = scan_document(c, refs, from_note);
	if (rc == 0)
		rc = name_notes(c, refs, from_note);
	free(refs);
	free(from_note);
	return rc;
}

void db_ids_free(db_ctx *c)
{
	galley_ids_free(&c->ids);
	strmap_free(&c->names);
	strmap_free(&c->unwritten);
	arena_free(&c->mem);
	free(c->note_def);
	free(c->note_id);
	free(c->note_state);
	free(c->note_linked);
	free(c->queue);
}

const char *db_heading_id(db_ctx *c, const galley_node *heading)
{
	return galley_ids_heading(&c->ids, heading);
}

bool db_dangling_fragment(db_ctx *c, const char *url)
{
	return url && url[0] == '#' && url[1] && !db_link_target(c, url);
}

/* The note a "#fn-N" URL leads to, when it has an id. */
static const char *note_target(db_ctx *c, const char *url)
{
	int num = note_link(url);
	return num > 0 && num <= c->notes ? c->note_id[num] : NULL;
}

const char *db_link_target(db_ctx *c, const char *url)
{
	const char *id;
	const db_name *e;
	if (!url || url[0] != '#' || !url[1])
		return NULL;
	id = galley_ids_target(&c->ids, url);
	if (id)
		return strmap_get(&c->unwritten, id) ? NULL : id;
	if ((id = note_target(c, url)) != NULL)
		return id;
	e = strmap_get(&c->names, url + 1);
	if (e)
		return e->xml_id;
	c->scratch.len = 0;
	galley_url_decode(&c->scratch, url + 1);
	if (c->scratch.failed || !c->scratch.data)
		return NULL;
	e = strmap_get(&c->names, (const char *)c->scratch.data);
	return e ? e->xml_id : NULL;
}
