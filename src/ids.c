/* ids.c - one registry for the ids of an output file (see ids.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "ids.h"
#include "model_private.h"
#include "url.h"

/* The ids the registry gave to the raw elements written with one id, in document order. */
typedef struct raw_uses {
	const char **ids;
	size_t count, cap;
	size_t next; /* the next one the renderer takes */
} raw_uses;

/* Elements the sanitizer always drops, with their content. */
static const char *const dropped_elements[] = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet",
    "base",   "meta",   "link",  "style",    "title",  NULL,
};

bool galley_ids_is_note_name(const char *id)
{
	const char *p;
	char *end;
	if (!strncmp(id, "fn-", 3))
		p = id + 3;
	else if (!strncmp(id, "fnref-", 6))
		p = id + 6;
	else
		return false;
	for (int part = 0; part < 2; part++) {
		if (*p < '1' || *p > '9')
			return false;
		strtoul(p, &end, 10);
		if (!*end)
			return true;
		if (*end != '-' || part == 1 || id[2] == '-')
			return false; /* only "fnref-N-K" has a second number */
		p = end + 1;
	}
	return false;
}

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
 * The form an id takes in the output, into ids->scratch. For xml:id, ASCII
 * letters, digits, '-', '_' and '.' are kept and any other byte becomes
 * "_xx" (its hex value), so different ids stay different, with "id-" before
 * one that does not start with a letter or '_'. HTML takes any characters
 * but spaces, which become '_'.
 */
static const char *output_form(galley_ids *ids, const char *id)
{
	const unsigned char *p = (const unsigned char *)id;
	galley_buf *out = &ids->scratch;
	out->len = 0;
	if ((ids->flags & GALLEY_IDS_NCNAME) && !is_name_start(*p))
		galley_buf_puts(out, "id-");
	for (; *p; p++) {
		if (!(ids->flags & GALLEY_IDS_NCNAME))
			galley_buf_putc(out, strchr(" \t\n\r\f", *p) ? '_' : *p);
		else if (is_name_char(*p))
			galley_buf_putc(out, *p);
		else
			galley_buf_printf(out, "_%02x", *p);
	}
	galley_buf_put(out, "", 0);
	return out->failed ? NULL : (const char *)out->data;
}

static bool taken(const galley_ids *ids, const char *id)
{
	return strmap_get(&ids->used, id) || ((ids->flags & GALLEY_IDS_NOTES) && galley_ids_is_note_name(id));
}

const char *galley_ids_claim(galley_ids *ids, const char *base)
{
	size_t len = strlen(base);
	char *id = arena_strndup(&ids->mem, base, len);
	if (id && (ids->flags & GALLEY_IDS_NOTES) && galley_ids_is_note_name(id)) {
		/* base-2 would be a note's name too ("fnref-1-2") */
		id = arena_alloc(&ids->mem, len + 4);
		if (id)
			snprintf(id, len + 4, "%s-id", base);
		len += 3;
		base = id;
	}
	for (unsigned i = 2; id && taken(ids, id); i++) {
		id = arena_alloc(&ids->mem, len + 16);
		if (id)
			snprintf(id, len + 16, "%s-%u", base, i);
	}
	if (!id || strmap_put(&ids->used, id, id) != 0)
		return NULL;
	return id;
}

/* Gives `node` an id made from `written` and records it; the id, or NULL when out of memory. */
static const char *give(galley_ids *ids, const galley_node *node, const char *written)
{
	const char *form = output_form(ids, written);
	const char *id = form ? galley_ids_claim(ids, form) : NULL;
	char *key = id ? arena_strndup(&ids->mem, written, strlen(written)) : NULL;
	if (!key)
		return NULL;
	if (ids->count == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 64;
		galley_id_record *grown = realloc(ids->records, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		ids->records = grown;
		ids->cap = cap;
	}
	ids->records[ids->count++] = (galley_id_record){node, key, id};
	if (!strmap_get(&ids->targets, key) && strmap_put(&ids->targets, key, (void *)id) != 0)
		return NULL;
	return id;
}

static int add_raw_use(galley_ids *ids, const char *written, const char *id)
{
	raw_uses *u = strmap_get(&ids->raw, written);
	if (!u) {
		u = arena_alloc(&ids->mem, sizeof(*u));
		if (!u || strmap_put(&ids->raw, ids->records[ids->count - 1].written, u) != 0)
			return GALLEY_ENOMEM;
	}
	if (u->count == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 4;
		const char **grown = arena_alloc(&ids->mem, cap * sizeof(*grown));
		if (!grown)
			return GALLEY_ENOMEM;
		if (u->count)
			memcpy(grown, u->ids, u->count * sizeof(*grown));
		u->ids = grown;
		u->cap = cap;
	}
	u->ids[u->count++] = id;
	return 0;
}

static bool in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(name, *list))
			return true;
	return false;
}

typedef struct raw_scan {
	galley_ids *ids;
	const galley_node *node;
	galley_ids_keeps_fn keeps;
	unsigned writer_flags;
} raw_scan;

static int scan_element(raw_scan *s, xmlNodePtr el)
{
	xmlChar *value = xmlGetProp(el, BAD_CAST "id");
	int rc = 0;
	if (value && *value && (!s->keeps || s->keeps(s->writer_flags, (const char *)el->name))) {
		const char *id = give(s->ids, s->node, (const char *)value);
		rc = id ? add_raw_use(s->ids, (const char *)value, id) : GALLEY_ENOMEM;
	}
	xmlFree(value);
	return rc;
}

/* The ids of the elements under `top`, in document order, without recursion. */
static int scan_tree(raw_scan *s, xmlNodePtr top)
{
	xmlNodePtr n = top ? top->children : NULL;
	int rc = 0;
	while (n && rc == 0) {
		bool descend = false;
		if (n->type == XML_ELEMENT_NODE && !in_list((const char *)n->name, dropped_elements)) {
			rc = scan_element(s, n);
			descend = n->children != NULL;
		}
		if (descend) {
			n = n->children;
			continue;
		}
		while (n && n != top && !n->next)
			n = n->parent;
		n = n && n != top ? n->next : NULL;
	}
	return rc;
}

static bool mentions_id(const galley_node *n)
{
	for (size_t i = 0; i + 2 < n->len; i++)
		if ((n->lit[i] == 'i' || n->lit[i] == 'I') && (n->lit[i + 1] == 'd' || n->lit[i + 1] == 'D'))
			return true;
	return false;
}

/* The ids of one raw HTML node, parsed as the sanitizer parses it. */
static int scan_raw(raw_scan *s)
{
	const galley_node *n = s->node;
	htmlDocPtr doc;
	int rc;
	if (!n->lit || !mentions_id(n) || n->len > INT32_MAX)
		return 0;
	doc = htmlReadMemory(n->lit, (int)n->len, NULL, "UTF-8",
	                     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (!doc)
		return 0;
	rc = scan_tree(s, (xmlNodePtr)doc);
	xmlFreeDoc(doc);
	return rc;
}

static bool is_raw_html(const galley_node *n)
{
	return (n->type == GALLEY_NODE_RAW_BLOCK || n->type == GALLEY_NODE_RAW_INLINE) &&
	       (!n->info || !strcmp(n->info, "html"));
}

static int by_node_then_index(const void *a, const void *b, void *records)
{
	const galley_id_record *r = records;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	uintptr_t p = (uintptr_t)r[i].node, q = (uintptr_t)r[j].node;
	if (p != q)
		return p < q ? -1 : 1;
	return i < j ? -1 : i > j;
}

static int index_records(galley_ids *ids)
{
	if (!ids->count)
		return 0;
	ids->by_node = malloc(ids->count * sizeof(*ids->by_node));
	if (!ids->by_node)
		return GALLEY_ENOMEM;
	for (size_t i = 0; i < ids->count; i++)
		ids->by_node[i] = i;
	qsort_r(ids->by_node, ids->count, sizeof(*ids->by_node), by_node_then_index, ids->records);
	return 0;
}

int galley_ids_init(galley_ids *ids, const galley_doc *doc, unsigned flags, galley_ids_keeps_fn keeps,
                    unsigned writer_flags)
{
	raw_scan scan = {ids, NULL, keeps, writer_flags};
	galley_walk w;
	int rc = 0;
	memset(ids, 0, sizeof(*ids));
	arena_init(&ids->mem);
	ids->flags = flags;
	/* headings (and spans and code blocks with {#id}) first, so their ids stay the ones the model (and
	 * the JSON view) has */
	galley_walk_init(&w, galley_doc_root(doc));
	while (rc == 0 && galley_walk_next(&w) != GALLEY_EVENT_DONE)
		if (w.event == GALLEY_EVENT_ENTER && galley_node_id(w.node) && *galley_node_id(w.node) &&
		    (w.node->type == GALLEY_NODE_HEADING || w.node->type == GALLEY_NODE_SPAN ||
		     w.node->type == GALLEY_NODE_CODE_BLOCK))
			rc = give(ids, w.node, galley_node_id(w.node)) ? 0 : GALLEY_ENOMEM;
	galley_walk_init(&w, galley_doc_root(doc));
	while (rc == 0 && galley_walk_next(&w) != GALLEY_EVENT_DONE)
		if (w.event == GALLEY_EVENT_ENTER && is_raw_html(w.node)) {
			scan.node = w.node;
			rc = scan_raw(&scan);
		}
	if (rc == 0)
		rc = index_records(ids);
	return rc;
}

void galley_ids_free(galley_ids *ids)
{
	strmap_free(&ids->used);
	strmap_free(&ids->targets);
	strmap_free(&ids->raw);
	free(ids->records);
	free(ids->by_node);
	galley_buf_free(&ids->scratch);
	arena_free(&ids->mem);
	memset(ids, 0, sizeof(*ids));
}

size_t galley_ids_at(const galley_ids *ids, const galley_node *node, const galley_id_record **first)
{
	size_t lo = 0, hi = ids->count, n = 0;
	*first = NULL;
	while (lo < hi) { /* the first record whose node is not below `node` */
		size_t mid = lo + (hi - lo) / 2;
		if ((uintptr_t)ids->records[ids->by_node[mid]].node < (uintptr_t)node)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == ids->count || ids->records[ids->by_node[lo]].node != node)
		return 0;
	*first = &ids->records[ids->by_node[lo]];
	/* a node's ids were given out one after the other */
	while (ids->by_node[lo] + n < ids->count && (*first)[n].node == node)
		n++;
	return n;
}

const char *galley_ids_heading(const galley_ids *ids, const galley_node *heading)
{
	const galley_id_record *r;
	return galley_ids_at(ids, heading, &r) ? r->id : NULL;
}

const char *galley_ids_raw(galley_ids *ids, const char *written)
{
	raw_uses *u;
	const char *form;
	if (!written || !*written)
		return NULL;
	u = strmap_get(&ids->raw, written);
	if (u && u->next < u->count)
		return u->ids[u->next++];
	form = output_form(ids, written);
	return form ? galley_ids_claim(ids, form) : NULL;
}

/* `s` with %XX sequences decoded (the Markdown reader escapes non-ASCII in URLs), into scratch. */
static const char *percent_decode(galley_ids *ids, const char *s)
{
	ids->scratch.len = 0;
	return galley_url_decode(&ids->scratch, s) ? NULL : (const char *)ids->scratch.data;
}

const char *galley_ids_target(galley_ids *ids, const char *url)
{
	const char *id, *decoded;
	if (!url || url[0] != '#' || !url[1])
		return NULL;
	if ((ids->flags & GALLEY_IDS_NOTES) && galley_ids_is_note_name(url + 1))
		return NULL; /* the writer's footnotes answer to those */
	if ((id = strmap_get(&ids->targets, url + 1)) != NULL)
		return id;
	decoded = strchr(url, '%') ? percent_decode(ids, url + 1) : NULL;
	return decoded ? strmap_get(&ids->targets, decoded) : NULL;
}
