/*
 * ids.h - one registry for the ids a writer gives out (HTML, EPUB, DocBook).
 *
 * Three kinds of ids meet in one output file: headings' (an explicit {#id}
 * or a slug), the writer's own (footnotes: "fn-N", "fnref-N", "fnref-N-K")
 * and the id attributes written in raw HTML. Each may repeat another: raw
 * HTML can hold the same id three times, a slug can equal a raw id. The
 * registry walks the document once and gives every holder a unique id, in
 * this order of precedence:
 *   1. the footnote names, when the writer uses them (GALLEY_IDS_NOTES);
 *   2. headings, in document order (a repeated explicit id becomes id-2, ...);
 *   3. ids in raw HTML, in document order, renamed id-2, id-3, ... when taken.
 * A link to "#name" leads to the element that first held `name` as written.
 * Every id given out is recorded with the node that holds it, so a writer
 * that spreads the document over files (EPUB) knows where each one lands.
 */
#ifndef GALLEY_IDS_H
#define GALLEY_IDS_H

#include <stdbool.h>

#include "arena.h"
#include "internal.h"
#include "strmap.h"

enum {
	/* "fn-N" and "fnref-N[-K]" belong to the writer's footnotes: nothing else gets them */
	GALLEY_IDS_NOTES = 1u << 0,
	/* every id is made an XML NCName (xml:id); other bytes become _xx */
	GALLEY_IDS_NCNAME = 1u << 1,
};

/* One id given out, and the node that holds it: a heading or a raw HTML node. */
typedef struct galley_id_record {
	const galley_node *node;
	const char *written; /* as the input has it */
	const char *id;      /* as it is given out */
} galley_id_record;

/*
 * Whether raw HTML's element `name` reaches the output with its attributes
 * (an element that is dropped or unwrapped loses its id, and so is no link target).
 */
typedef bool (*galley_ids_keeps_fn)(unsigned writer_flags, const char *name);

typedef struct galley_ids {
	arena mem;
	unsigned flags;
	strmap used;    /* every id given out */
	strmap targets; /* a name as written -> the id its first holder got */
	strmap raw;     /* a raw id as written -> its raw_uses (one id per element holding it) */
	galley_id_record *records;
	size_t count, cap;
	size_t *by_node; /* indices of records, sorted by node */
	galley_buf scratch;
} galley_ids;

/**
 * Walks `doc` and gives out every heading's and raw HTML element's id.
 * `keeps` (NULL: every element) tells which raw elements are written, with
 * `writer_flags` passed to it. Free with galley_ids_free, even on failure.
 */
int galley_ids_init(galley_ids *ids, const galley_doc *doc, unsigned flags, galley_ids_keeps_fn keeps,
                    unsigned writer_flags);
void galley_ids_free(galley_ids *ids);

/** The id a heading is written with, or NULL when it has none. */
const char *galley_ids_heading(const galley_ids *ids, const galley_node *heading);

/**
 * The id to write for the next raw HTML element written with id `written`:
 * the k-th such element gets the k-th id the registry gave out for it (one
 * more the registry did not see gets a new one). NULL for an empty id, or
 * when out of memory.
 */
const char *galley_ids_raw(galley_ids *ids, const char *written);

/**
 * The id a link to `url` ("#name", %XX escapes allowed) leads to, or NULL
 * when `url` is not a fragment or no heading or raw element holds the name
 * (or, with GALLEY_IDS_NOTES, when it is a footnote's name).
 */
const char *galley_ids_target(galley_ids *ids, const char *url);

/** A new unique id made from `base` (base-2, base-3, ... when taken); NULL when out of memory. */
const char *galley_ids_claim(galley_ids *ids, const char *base);

/** The ids `node` holds: *first points at `n` consecutive records; 0 when none. */
size_t galley_ids_at(const galley_ids *ids, const galley_node *node, const galley_id_record **first);

/** True for the footnote names "fn-N", "fnref-N" and "fnref-N-K" (N, K > 0). */
bool galley_ids_is_note_name(const char *id);

#endif
