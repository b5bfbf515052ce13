/*
 * docbook.h - the DocBook 5 writer's shared state (docbook.c writes the root,
 * the metadata and the sections; docbook_render.c the blocks and inlines;
 * docbook_ids.c the xml:id values, given out by the shared id registry).
 *
 * DocBook's grammar is strict where HTML is forgiving, so the renderer keeps
 * a few rules everywhere: an element that needs block content gets at least
 * an empty <para/>; a footnote never holds another footnote (a note first
 * referenced inside a note is written right after it, and referenced with
 * <footnoteref/>); a heading that is not at the top of the document becomes a
 * <bridgehead>, since sections cannot nest inside lists or quotations.
 */
#ifndef GALLEY_DOCBOOK_H
#define GALLEY_DOCBOOK_H

#include <stdbool.h>

#include "../../src/arena.h"
#include "../../src/ids.h"
#include "../../src/strmap.h"
#include "../../src/xmlw.h"

typedef enum db_note_state {
	DB_NOTE_UNWRITTEN = 0,
	DB_NOTE_QUEUED, /* referenced inside a note; written after the outer one */
	DB_NOTE_WRITTEN /* written (or being written): later references use footnoteref */
} db_note_state;

typedef struct db_ctx {
	xmlw *x;
	const galley_doc *doc;
	const galley_options *opts;
	bool book;                 /* --docbook-root book: top-level sections are chapters */
	bool fragment;             /* --fragment: the body only, each top element declaring the namespaces */
	int depth;                 /* elements open */
	galley_ids ids;            /* headings', raw HTML elements' and notes' ids (src/ids.h) */
	arena mem;                 /* the xml:id strings of <a name> anchors */
	strmap names;              /* an <a name> as written -> its db_name */
	strmap unwritten;          /* xml:ids of raw HTML that is never written (in unreferenced notes) */
	int notes;                 /* footnotes numbered 1..notes */
	galley_node **note_def;    /* per number: the definition */
	const char **note_id;      /* per number: xml:id, NULL when the note needs none */
	unsigned char *note_state; /* per number: a db_note_state */
	bool *note_linked;         /* per number: a link leads to it ("#fn-N") */
	int *queue;                /* notes waiting to be written after the current one */
	int queued;
	int in_note;                /* > 0 while a footnote's content is written */
	bool layout;                /* inside <literallayout>: a soft break is a space */
	const galley_node *skip_to; /* raw </script> (or </style> ...): what comes before it is left out */
	galley_buf scratch;         /* escaped URLs, decoded fragments */
	galley_buf uri;             /* URLs made valid xsd:anyURI values */
	galley_buf code;            /* code with its tabs expanded */
	int tab_stop;               /* --tab-stop, 4 by default; 0 keeps tabs */
} db_ctx;

/* docbook_ids.c */
/** Gives every heading an xml:id and finds the notes that need one. */
int db_ids_init(db_ctx *c);
void db_ids_free(db_ctx *c);
/** The xml:id of a heading, or of a code block or span with an {#id}; or NULL. */
const char *db_heading_id(db_ctx *c, const galley_node *heading);
/**
 * The xml:id a "#fragment" URL points to (a heading, span or code block, a
 * raw HTML element with that id, a footnote "fn-N", an <a name>), or NULL.
 */
const char *db_link_target(db_ctx *c, const char *url);
/** True for a "#fragment" URL that nothing in the document is named by. */
bool db_dangling_fragment(db_ctx *c, const char *url);

/**
 * The xml:id for an <a name> anchor (without an id) from raw HTML: the one
 * found for it before writing began, the first time; a fresh unused NCName
 * after that. NULL if out of memory.
 */
const char *db_name_id(db_ctx *c, const char *name);

/* docbook_html.c */
/**
 * Calls `fn` with the name of each <a name> without an id, and with each
 * href, of the <a> elements in raw HTML `n`; stops at fn's first non-zero
 * return and returns it.
 */
int db_html_scan_anchors(const galley_node *n, int (*fn)(db_ctx *c, const char *name, const char *href),
                         db_ctx *c);
/** An <anchor> (inline) for each id the registry gave raw HTML `n`: for raw HTML left out. */
void db_html_ids_as_anchors(db_ctx *c, const galley_node *n);
/** xml:id on the element just started for the raw opening tag `n`, when the registry gave it one. */
void db_html_tag_id(db_ctx *c, const galley_node *n);
/** True when the raw HTML block `n` gives DocBook blocks. */
bool db_html_writes_block(db_ctx *c, const galley_node *n);
/** Raw HTML as DocBook blocks, or inlines; what has no counterpart is left out with a warning. */
void db_html_block(db_ctx *c, const galley_node *n);
void db_html_inline(db_ctx *c, const galley_node *n);
/**
 * A raw opening <a> or <span> whose closing tag is a later sibling: writes
 * (when `write`) the anchor, link or phrase it starts; true when an element
 * is left open for the closing tag to end.
 */
bool db_html_open_tag(db_ctx *c, const galley_node *n, bool write);

/* docbook_render.c */
/** Starts an element (with the namespace declarations at the top of a fragment). */
void db_start(db_ctx *c, const char *name);
/** Ends with an end tag; db_end_empty may write <name/>. */
void db_end(db_ctx *c);
void db_end_empty(db_ctx *c);
/** <name>text</name> */
void db_elem(db_ctx *c, const char *name, const char *text);
/** A URL attribute, as a valid xsd:anyURI (a script URL becomes ""). */
void db_write_url_attr(db_ctx *c, const char *name, const char *url);
/** role="classes" for a node with {.class} attributes. */
void db_write_role(db_ctx *c, const galley_node *n);
/** Renders a block or inline node and its subtree. */
int db_render(db_ctx *c, galley_node *node);
/** Renders the children of `node` (the inlines of a heading, for example). */
int db_render_children(db_ctx *c, const galley_node *node);
/** False for a node that leaves nothing in the output (thematic break, raw HTML, ...). */
bool db_writes_block(db_ctx *c, const galley_node *node);
/** Ends a block element and starts a new line. */
void db_end_block(db_ctx *c);

#endif
