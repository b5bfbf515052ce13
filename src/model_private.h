/*
 * model_private.h - the model's layout: the node and document structs.
 *
 * For src/ (the model, its finishing and the id registry) and the readers
 * that build trees (Markdown, plain text). Writers never include it: they
 * read the model through the accessors of galley/model.h, which keeps the
 * layout free to change (the test api_writers_public checks this).
 */
#ifndef GALLEY_MODEL_PRIVATE_H
#define GALLEY_MODEL_PRIVATE_H

#include <stdint.h>

#include "internal.h"

/*
 * What Markdown's attribute syntax {#id .class key=value} gives a heading, a
 * code block or a span. A heading's id stays in the node's id field.
 */
typedef struct galley_attrs {
	const char *id;      /* CODE_BLOCK, SPAN */
	const char *classes; /* space-separated, in the order given; NULL if none */
	size_t count;        /* key=value pairs */
	size_t cap;
	const char **keys;
	const char **values;
} galley_attrs;

/*
 * A node is 96 bytes: a long document has hundreds of thousands. Each type
 * uses one group of the fields in the unions (galley_node_group); the
 * setters refuse a field outside the node's group, and the accessors read
 * only the node's own.
 */
struct galley_node {
	galley_node *parent;
	galley_node *first;
	galley_node *last;
	galley_node *next;
	galley_node *prev;
	const char *lit; /* literal text */
	size_t len;
	union {
		struct {
			const char *url;   /* LINK, IMAGE */
			const char *title; /* LINK, IMAGE */
		};
		struct {
			const char *id; /* HEADING id, FOOTNOTE_* label */
			union {
				galley_node *def;            /* FOOTNOTE_REF: its definition */
				galley_attrs *heading_attrs; /* HEADING */
			};
		};
		struct {
			uint8_t *align; /* TABLE */
			float *widths;  /* TABLE: relative column widths, or NULL */
		};
		struct {
			const char *info;    /* every other type: code language, raw format, list numbering */
			galley_attrs *attrs; /* CODE_BLOCK, SPAN */
		};
	};
	union {
		int start;   /* lists */
		int number;  /* FOOTNOTE_* */
		int columns; /* TABLE */
	};
	uint32_t line;
	uint32_t col;
	uint8_t type;
	uint8_t level;  /* heading */
	uint8_t task;   /* list item */
	uint8_t tight;  /* list */
	uint8_t header; /* table row */
	char delim;     /* ordered list */
};

enum { GALLEY_GROUP_INFO, GALLEY_GROUP_LINK, GALLEY_GROUP_ID, GALLEY_GROUP_TABLE };

/** Which of the node's union fields its type uses. */
static inline int galley_node_group(int type)
{
	switch (type) {
	case GALLEY_NODE_LINK:
	case GALLEY_NODE_IMAGE:
		return GALLEY_GROUP_LINK;
	case GALLEY_NODE_HEADING:
	case GALLEY_NODE_FOOTNOTE_DEF:
	case GALLEY_NODE_FOOTNOTE_REF:
		return GALLEY_GROUP_ID;
	case GALLEY_NODE_TABLE:
		return GALLEY_GROUP_TABLE;
	default:
		return GALLEY_GROUP_INFO;
	}
}

typedef struct strlist {
	char **items;
	size_t count;
	size_t cap;
} strlist;

/* One file of a document read from several (galley_read_files). */
typedef struct galley_source {
	const char *name;    /* as given */
	const char *dir;     /* the real path of its folder: images are read from there */
	unsigned first_line; /* its first line, numbered through the files in order */
} galley_source;

struct galley_doc {
	arena mem;
	galley_node *root;
	char *meta[GALLEY_META_FIELD_COUNT];
	strlist authors;
	strlist keywords;
	strlist extra_keys;
	strlist extra_values;
	char *base_dir;
	galley_node *title_heading;
	int footnotes;
	galley_source *sources; /* NULL unless read from several files (arena) */
	size_t source_count;
};

#endif
