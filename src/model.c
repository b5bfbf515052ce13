/* model.c - documents, metadata and nodes. */
#include <stdlib.h>
#include <string.h>

#include "model_private.h"

static const char *const meta_names[GALLEY_META_FIELD_COUNT] = {
    "title", "subtitle", "date", "lang", "identifier", "publisher", "rights", "description", "cover-image",
};

static const char *const type_names[GALLEY_NODE_TYPE_COUNT] = {
    "none",
    "document",
    "heading",
    "paragraph",
    "bullet_list",
    "ordered_list",
    "list_item",
    "block_quote",
    "code_block",
    "thematic_break",
    "table",
    "table_row",
    "table_cell",
    "figure",
    "footnote_definition",
    "definition_list",
    "definition_item",
    "definition_term",
    "definition_description",
    "raw_block",
    "text",
    "emph",
    "strong",
    "strikethrough",
    "code",
    "link",
    "image",
    "footnote_reference",
    "soft_break",
    "hard_break",
    "raw_inline",
    "superscript",
    "subscript",
    "span",
    "math",
};

/* ---- documents ---------------------------------------------------- */

galley_doc *galley_doc_new(void)
{
	galley_doc *doc = calloc(1, sizeof(*doc));
	if (!doc)
		return NULL;
	arena_init(&doc->mem);
	doc->root = galley_node_new(doc, GALLEY_NODE_DOCUMENT, 1, 1);
	if (!doc->root) {
		free(doc);
		return NULL;
	}
	return doc;
}

static void strlist_free(strlist *l)
{
	free(l->items);
	l->items = NULL;
	l->count = l->cap = 0;
}

void galley_doc_free(galley_doc *doc)
{
	if (!doc)
		return;
	strlist_free(&doc->authors);
	strlist_free(&doc->keywords);
	strlist_free(&doc->extra_keys);
	strlist_free(&doc->extra_values);
	arena_free(&doc->mem);
	free(doc);
}

galley_node *galley_doc_root(const galley_doc *doc) { return doc->root; }

const char *galley_doc_base_dir(const galley_doc *doc) { return doc->base_dir ? doc->base_dir : ""; }

int galley_doc_set_base_dir(galley_doc *doc, const char *dir)
{
	doc->base_dir = galley_doc_strdup(doc, dir, strlen(dir));
	return doc->base_dir ? 0 : GALLEY_ENOMEM;
}

char *galley_doc_strdup(galley_doc *doc, const char *str, size_t len)
{
	return arena_strndup(&doc->mem, str ? str : "", str ? len : 0);
}

const char *galley_doc_meta(const galley_doc *doc, galley_meta_field field)
{
	if ((unsigned)field >= GALLEY_META_FIELD_COUNT)
		return NULL;
	return doc->meta[field];
}

const char *galley_meta_field_name(galley_meta_field field)
{
	return (unsigned)field < GALLEY_META_FIELD_COUNT ? meta_names[field] : NULL;
}

galley_meta_field galley_meta_field_from_name(const char *name)
{
	for (int i = 0; i < GALLEY_META_FIELD_COUNT; i++)
		if (strcmp(name, meta_names[i]) == 0)
			return (galley_meta_field)i;
	if (strcmp(name, "language") == 0)
		return GALLEY_META_LANG;
	if (strcmp(name, "abstract") == 0)
		return GALLEY_META_DESCRIPTION;
	if (strcmp(name, "cover") == 0)
		return GALLEY_META_COVER_IMAGE;
	return GALLEY_META_FIELD_COUNT;
}

static size_t len_or_strlen(const char *s, size_t len) { return len == (size_t)-1 ? strlen(s) : len; }

int galley_doc_set_meta(galley_doc *doc, galley_meta_field field, const char *value, size_t len)
{
	if ((unsigned)field >= GALLEY_META_FIELD_COUNT)
		return GALLEY_EUSAGE;
	if (!value) {
		doc->meta[field] = NULL;
		return 0;
	}
	char *copy = galley_doc_strdup(doc, value, len_or_strlen(value, len));
	if (!copy)
		return GALLEY_ENOMEM;
	doc->meta[field] = copy;
	return 0;
}

static int strlist_push(strlist *l, char *item)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		char **items = realloc(l->items, cap * sizeof(*items));
		if (!items)
			return GALLEY_ENOMEM;
		l->items = items;
		l->cap = cap;
	}
	l->items[l->count++] = item;
	return 0;
}

static int push_copy(galley_doc *doc, strlist *l, const char *s, size_t len)
{
	char *copy = galley_doc_strdup(doc, s, len_or_strlen(s, len));
	return copy ? strlist_push(l, copy) : GALLEY_ENOMEM;
}

size_t galley_doc_author_count(const galley_doc *doc) { return doc->authors.count; }
const char *galley_doc_author(const galley_doc *doc, size_t i)
{
	return i < doc->authors.count ? doc->authors.items[i] : NULL;
}
int galley_doc_add_author(galley_doc *doc, const char *name, size_t len)
{
	return push_copy(doc, &doc->authors, name, len);
}
void galley_doc_clear_authors(galley_doc *doc) { doc->authors.count = 0; }

size_t galley_doc_keyword_count(const galley_doc *doc) { return doc->keywords.count; }
const char *galley_doc_keyword(const galley_doc *doc, size_t i)
{
	return i < doc->keywords.count ? doc->keywords.items[i] : NULL;
}
int galley_doc_add_keyword(galley_doc *doc, const char *word, size_t len)
{
	return push_copy(doc, &doc->keywords, word, len);
}
void galley_doc_clear_keywords(galley_doc *doc) { doc->keywords.count = 0; }

size_t galley_doc_extra_count(const galley_doc *doc) { return doc->extra_keys.count; }
const char *galley_doc_extra_key(const galley_doc *doc, size_t i)
{
	return i < doc->extra_keys.count ? doc->extra_keys.items[i] : NULL;
}
const char *galley_doc_extra_value(const galley_doc *doc, size_t i)
{
	return i < doc->extra_values.count ? doc->extra_values.items[i] : NULL;
}

const char *galley_doc_extra(const galley_doc *doc, const char *key)
{
	for (size_t i = 0; i < doc->extra_keys.count; i++)
		if (strcmp(doc->extra_keys.items[i], key) == 0)
			return doc->extra_values.items[i];
	return NULL;
}

int galley_doc_set_extra(galley_doc *doc, const char *key, const char *value)
{
	char *v = galley_doc_strdup(doc, value, strlen(value));
	if (!v)
		return GALLEY_ENOMEM;
	for (size_t i = 0; i < doc->extra_keys.count; i++) {
		if (strcmp(doc->extra_keys.items[i], key) == 0) {
			doc->extra_values.items[i] = v;
			return 0;
		}
	}
	int rc = push_copy(doc, &doc->extra_keys, key, (size_t)-1);
	if (rc == 0)
		rc = strlist_push(&doc->extra_values, v);
	if (rc != 0 && doc->extra_keys.count > doc->extra_values.count)
		doc->extra_keys.count--;
	return rc;
}

int galley_doc_footnote_count(const galley_doc *doc) { return doc->footnotes; }

galley_node *galley_doc_title_heading(const galley_doc *doc) { return doc->title_heading; }
void galley_doc_set_title_heading(galley_doc *doc, galley_node *heading) { doc->title_heading = heading; }

/* ---- node accessors ----------------------------------------------- */

galley_node_type galley_node_get_type(const galley_node *n) { return (galley_node_type)n->type; }

const char *galley_node_type_name(galley_node_type type)
{
	return (unsigned)type < GALLEY_NODE_TYPE_COUNT ? type_names[type] : "none";
}

bool galley_node_type_is_block(galley_node_type t)
{
	return t >= GALLEY_NODE_DOCUMENT && t <= GALLEY_NODE_RAW_BLOCK;
}

bool galley_node_type_is_leaf(galley_node_type t)
{
	switch (t) {
	case GALLEY_NODE_CODE_BLOCK:
	case GALLEY_NODE_THEMATIC_BREAK:
	case GALLEY_NODE_RAW_BLOCK:
	case GALLEY_NODE_TEXT:
	case GALLEY_NODE_CODE:
	case GALLEY_NODE_FOOTNOTE_REF:
	case GALLEY_NODE_SOFT_BREAK:
	case GALLEY_NODE_HARD_BREAK:
	case GALLEY_NODE_RAW_INLINE:
	case GALLEY_NODE_MATH:
		return true;
	default:
		return false;
	}
}

galley_node *galley_node_parent(const galley_node *n) { return n->parent; }
galley_node *galley_node_first_child(const galley_node *n) { return n->first; }
galley_node *galley_node_last_child(const galley_node *n) { return n->last; }
galley_node *galley_node_next(const galley_node *n) { return n->next; }
galley_node *galley_node_prev(const galley_node *n) { return n->prev; }
unsigned galley_node_line(const galley_node *n) { return n->line; }
unsigned galley_node_column(const galley_node *n) { return n->col; }

const char *galley_node_literal(const galley_node *n, size_t *len)
{
	if (len)
		*len = n->lit ? n->len : 0;
	return n->lit ? n->lit : "";
}

int galley_node_heading_level(const galley_node *n) { return n->level; }
/* The attributes of a node that may have some, or NULL. */
static galley_attrs *attrs_of(const galley_node *n)
{
	if (n->type == GALLEY_NODE_HEADING)
		return n->heading_attrs;
	if (n->type == GALLEY_NODE_CODE_BLOCK || n->type == GALLEY_NODE_SPAN)
		return n->attrs;
	return NULL;
}

const char *galley_node_id(const galley_node *n)
{
	if (n->type == GALLEY_NODE_HEADING)
		return n->id;
	const galley_attrs *a = attrs_of(n);
	return a ? a->id : NULL;
}

const char *galley_node_classes(const galley_node *n)
{
	const galley_attrs *a = attrs_of(n);
	return a ? a->classes : NULL;
}

size_t galley_node_attr_count(const galley_node *n)
{
	const galley_attrs *a = attrs_of(n);
	return a ? a->count : 0;
}

const char *galley_node_attr_key(const galley_node *n, size_t i)
{
	const galley_attrs *a = attrs_of(n);
	return a && i < a->count ? a->keys[i] : NULL;
}

const char *galley_node_attr_value(const galley_node *n, size_t i)
{
	const galley_attrs *a = attrs_of(n);
	return a && i < a->count ? a->values[i] : NULL;
}

const char *galley_node_attr(const galley_node *n, const char *key)
{
	const galley_attrs *a = attrs_of(n);
	for (size_t i = 0; a && i < a->count; i++)
		if (!strcmp(a->keys[i], key))
			return a->values[i];
	return NULL;
}
int galley_node_list_start(const galley_node *n)
{
	return n->type == GALLEY_NODE_ORDERED_LIST || n->type == GALLEY_NODE_BULLET_LIST ? n->start : 0;
}
char galley_node_list_delimiter(const galley_node *n) { return n->delim ? n->delim : '.'; }
bool galley_node_list_tight(const galley_node *n) { return n->tight != 0; }

char galley_node_list_numbering(const galley_node *n)
{
	if (n->type == GALLEY_NODE_ORDERED_LIST && n->info && n->info[0] && !n->info[1] &&
	    strchr("aAiI", n->info[0]))
		return n->info[0];
	return '1';
}
galley_task galley_node_task(const galley_node *n) { return (galley_task)n->task; }
const char *galley_node_info(const galley_node *n)
{
	return galley_node_group(n->type) == GALLEY_GROUP_INFO ? n->info : NULL;
}

const char *galley_node_url(const galley_node *n)
{
	if (n->type == GALLEY_NODE_LINK || n->type == GALLEY_NODE_IMAGE)
		return n->url ? n->url : "";
	return NULL;
}

const char *galley_node_title(const galley_node *n)
{
	return galley_node_group(n->type) == GALLEY_GROUP_LINK ? n->title : NULL;
}
int galley_node_footnote_number(const galley_node *n)
{
	return n->type == GALLEY_NODE_FOOTNOTE_REF || n->type == GALLEY_NODE_FOOTNOTE_DEF ? n->number : 0;
}

const char *galley_node_footnote_label(const galley_node *n)
{
	return (n->type == GALLEY_NODE_FOOTNOTE_REF || n->type == GALLEY_NODE_FOOTNOTE_DEF) ? n->id : NULL;
}

galley_node *galley_node_footnote_def(const galley_node *n)
{
	return n->type == GALLEY_NODE_FOOTNOTE_REF ? n->def : NULL;
}
int galley_node_table_columns(const galley_node *n) { return n->type == GALLEY_NODE_TABLE ? n->columns : 0; }

galley_align galley_node_table_align(const galley_node *n, int col)
{
	if (n->type != GALLEY_NODE_TABLE || !n->align || col < 0 || col >= n->columns)
		return GALLEY_ALIGN_NONE;
	return (galley_align)n->align[col];
}

const char *galley_align_name(galley_align a)
{
	static const char *const names[] = {"none", "left", "center", "right"};
	return names[(unsigned)a <= GALLEY_ALIGN_RIGHT ? a : 0];
}

bool galley_node_row_is_header(const galley_node *n) { return n->header != 0; }

float galley_node_table_width(const galley_node *n, int col)
{
	if (n->type != GALLEY_NODE_TABLE || !n->widths || col < 0 || col >= n->columns)
		return 0;
	return n->widths[col];
}

int galley_node_set_table_widths(galley_doc *doc, galley_node *n, const float *widths)
{
	if (n->type != GALLEY_NODE_TABLE)
		return GALLEY_EUSAGE;
	n->widths = NULL;
	if (!widths || n->columns <= 0)
		return 0;
	n->widths = arena_alloc(&doc->mem, (size_t)n->columns * sizeof(*n->widths));
	if (!n->widths)
		return GALLEY_ENOMEM;
	memcpy(n->widths, widths, (size_t)n->columns * sizeof(*n->widths));
	return 0;
}

/* ---- building ----------------------------------------------------- */

galley_node *galley_node_new(galley_doc *doc, galley_node_type type, unsigned line, unsigned column)
{
	galley_node *n = arena_alloc(&doc->mem, sizeof(*n));
	if (!n)
		return NULL;
	n->type = (uint8_t)type;
	n->line = line;
	n->col = column;
	if (type == GALLEY_NODE_ORDERED_LIST) {
		n->start = 1;
		n->delim = '.';
	}
	return n;
}

void galley_node_unlink(galley_node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else if (n->parent)
		n->parent->first = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else if (n->parent)
		n->parent->last = n->prev;
	n->parent = n->prev = n->next = NULL;
}

void galley_node_append(galley_node *parent, galley_node *child)
{
	galley_node_unlink(child);
	child->parent = parent;
	child->prev = parent->last;
	if (parent->last)
		parent->last->next = child;
	else
		parent->first = child;
	parent->last = child;
}

void galley_node_insert_before(galley_node *sibling, galley_node *n)
{
	galley_node_unlink(n);
	n->parent = sibling->parent;
	n->next = sibling;
	n->prev = sibling->prev;
	if (sibling->prev)
		sibling->prev->next = n;
	else if (sibling->parent)
		sibling->parent->first = n;
	sibling->prev = n;
}

static int set_str(galley_doc *doc, const char **field, const char *s, size_t len)
{
	if (!s) {
		*field = NULL;
		return 0;
	}
	char *copy = galley_doc_strdup(doc, s, len_or_strlen(s, len));
	if (!copy)
		return GALLEY_ENOMEM;
	*field = copy;
	return 0;
}

int galley_node_set_literal(galley_doc *doc, galley_node *n, const char *text, size_t len)
{
	len = text ? len_or_strlen(text, len) : 0;
	int rc = set_str(doc, &n->lit, text ? text : "", len);
	if (rc == 0)
		n->len = len;
	return rc;
}

int galley_node_set_info(galley_doc *doc, galley_node *n, const char *s, size_t len)
{
	if (galley_node_group(n->type) != GALLEY_GROUP_INFO)
		return GALLEY_EUSAGE;
	return set_str(doc, &n->info, s, len);
}
int galley_node_set_url(galley_doc *doc, galley_node *n, const char *s, size_t len)
{
	if (galley_node_group(n->type) != GALLEY_GROUP_LINK)
		return GALLEY_EUSAGE;
	return set_str(doc, &n->url, s, len);
}
int galley_node_set_title(galley_doc *doc, galley_node *n, const char *s, size_t len)
{
	if (galley_node_group(n->type) != GALLEY_GROUP_LINK)
		return GALLEY_EUSAGE;
	return set_str(doc, &n->title, s, len);
}
/* The attributes of a HEADING, CODE_BLOCK or SPAN, made on first use; NULL for other types or out of memory.
 */
static galley_attrs *attrs_for(galley_doc *doc, galley_node *n, int *rc)
{
	galley_attrs **slot = n->type == GALLEY_NODE_HEADING ? &n->heading_attrs
	                      : n->type == GALLEY_NODE_CODE_BLOCK || n->type == GALLEY_NODE_SPAN ? &n->attrs
	                                                                                         : NULL;
	*rc = GALLEY_EUSAGE;
	if (!slot)
		return NULL;
	if (!*slot)
		*slot = arena_alloc(&doc->mem, sizeof(**slot));
	*rc = *slot ? 0 : GALLEY_ENOMEM;
	return *slot;
}

int galley_node_set_id(galley_doc *doc, galley_node *n, const char *s, size_t len)
{
	int rc;
	if (n->type == GALLEY_NODE_CODE_BLOCK || n->type == GALLEY_NODE_SPAN) {
		galley_attrs *a = attrs_for(doc, n, &rc);
		return a ? set_str(doc, &a->id, s, len) : rc;
	}
	if (galley_node_group(n->type) != GALLEY_GROUP_ID)
		return GALLEY_EUSAGE;
	return set_str(doc, &n->id, s, len);
}

int galley_node_set_classes(galley_doc *doc, galley_node *n, const char *classes, size_t len)
{
	int rc;
	galley_attrs *a = attrs_for(doc, n, &rc);
	return a ? set_str(doc, &a->classes, classes, len) : rc;
}

int galley_node_set_attr(galley_doc *doc, galley_node *n, const char *key, const char *value)
{
	int rc;
	galley_attrs *a = attrs_for(doc, n, &rc);
	if (!a)
		return rc;
	for (size_t i = 0; i < a->count; i++)
		if (!strcmp(a->keys[i], key))
			return set_str(doc, &a->values[i], value, (size_t)-1);
	if (a->count == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4;
		const char **keys = arena_alloc(&doc->mem, cap * sizeof(*keys));
		const char **values = arena_alloc(&doc->mem, cap * sizeof(*values));
		if (!keys || !values)
			return GALLEY_ENOMEM;
		if (a->count) {
			memcpy(keys, a->keys, a->count * sizeof(*keys));
			memcpy(values, a->values, a->count * sizeof(*values));
		}
		a->keys = keys;
		a->values = values;
		a->cap = cap;
	}
	rc = set_str(doc, &a->keys[a->count], key, (size_t)-1);
	if (rc == 0)
		rc = set_str(doc, &a->values[a->count], value, (size_t)-1);
	if (rc == 0)
		a->count++;
	return rc;
}
int galley_node_set_footnote_label(galley_doc *doc, galley_node *n, const char *s, size_t len)
{
	if (n->type != GALLEY_NODE_FOOTNOTE_REF && n->type != GALLEY_NODE_FOOTNOTE_DEF)
		return GALLEY_EUSAGE;
	return set_str(doc, &n->id, s, len);
}

int galley_node_set_heading_level(galley_node *n, int level)
{
	if (n->type != GALLEY_NODE_HEADING)
		return GALLEY_EUSAGE;
	n->level = (uint8_t)(level < 1 ? 1 : level > 6 ? 6 : level);
	return 0;
}

int galley_node_set_list(galley_node *n, int start, char delimiter, bool tight)
{
	if (n->type != GALLEY_NODE_ORDERED_LIST && n->type != GALLEY_NODE_BULLET_LIST)
		return GALLEY_EUSAGE;
	n->start = start;
	n->delim = delimiter == ')' ? ')' : '.';
	n->tight = tight;
	return 0;
}

int galley_node_set_task(galley_node *n, galley_task task)
{
	if (n->type != GALLEY_NODE_LIST_ITEM)
		return GALLEY_EUSAGE;
	n->task = (uint8_t)task;
	return 0;
}

int galley_node_set_row_header(galley_node *n, bool header)
{
	if (n->type != GALLEY_NODE_TABLE_ROW)
		return GALLEY_EUSAGE;
	n->header = header;
	return 0;
}

int galley_node_set_table(galley_doc *doc, galley_node *n, int columns, const galley_align *align)
{
	if (columns < 0 || n->type != GALLEY_NODE_TABLE)
		return GALLEY_EUSAGE;
	n->columns = columns;
	n->align = columns ? arena_alloc(&doc->mem, (size_t)columns) : NULL;
	if (columns && !n->align)
		return GALLEY_ENOMEM;
	for (int i = 0; align && i < columns; i++)
		n->align[i] = (uint8_t)align[i];
	return 0;
}
