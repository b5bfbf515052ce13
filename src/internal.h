/* internal.h - the model's layout, shared by src/ and the in-tree formats. */
#ifndef GALLEY_INTERNAL_H
#define GALLEY_INTERNAL_H

#include <stdint.h>
#include <time.h>

#include "galley/sys/format.h"
#include "arena.h"

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
			const char *id;   /* HEADING id, FOOTNOTE_* label */
			galley_node *def; /* FOOTNOTE_REF: its definition */
		};
		uint8_t *align;   /* TABLE */
		const char *info; /* every other type: code language, raw format, list numbering */
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
};

/** Calls opts->diag with a preformatted message. */
void galley_report_v(const galley_options *opts, galley_severity sev, unsigned line, unsigned col,
                     const char *fmt, va_list ap);

/** GALLEY_EUSAGE, with `err` set, when `opts` has a version this library does not know. */
int galley_options_check_version(const galley_options *opts, galley_error *err);

/** Applies opts->metadata (-M key=value) to the document. */
int galley_doc_apply_metadata(galley_doc *doc, const galley_options *opts, galley_error *err);
/* --metadata-file (the "metadata-file" parameter): fills what the document does not set (metadata_file.c). */
int galley_doc_apply_metadata_file(galley_doc *doc, const galley_options *opts, galley_error *err);
/*
 * The time the outputs of `doc` carry (stamp.c): SOURCE_DATE_EPOCH, else the
 * document's date, else 1980-01-01; never the clock, so that output is
 * reproducible. A malformed SOURCE_DATE_EPOCH is warned about and ignored.
 */
time_t galley_doc_stamp(const galley_doc *doc, const galley_options *opts);

/**
 * Appends `len` bytes of `data` to `out` with each invalid UTF-8 sequence
 * replaced by U+FFFD. 0, or GALLEY_ENOMEM.
 */
int galley_utf8_repair(galley_buf *out, const char *data, size_t len);

/** Makes a heading id from text into `out` (arena); NULL on no memory. */
char *galley_slugify(galley_doc *doc, const char *text, size_t len);

#endif
