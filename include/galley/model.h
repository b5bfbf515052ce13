/*
 * galley/model.h - the article model: metadata and a tree of nodes.
 *
 * A document owns every node and string in it; all of it lives in one arena
 * and is released at once by galley_doc_free(). Pointers returned by the
 * accessors below stay valid until then and must not be freed.
 */
#ifndef GALLEY_MODEL_H
#define GALLEY_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct galley_doc galley_doc;
typedef struct galley_node galley_node;

typedef enum galley_node_type {
	GALLEY_NODE_NONE = 0,
	GALLEY_NODE_DOCUMENT,
	/* blocks */
	GALLEY_NODE_HEADING,
	GALLEY_NODE_PARAGRAPH,
	GALLEY_NODE_BULLET_LIST,
	GALLEY_NODE_ORDERED_LIST,
	GALLEY_NODE_LIST_ITEM,
	GALLEY_NODE_BLOCK_QUOTE,
	GALLEY_NODE_CODE_BLOCK,
	GALLEY_NODE_THEMATIC_BREAK,
	GALLEY_NODE_TABLE,
	GALLEY_NODE_TABLE_ROW,
	GALLEY_NODE_TABLE_CELL,
	GALLEY_NODE_FIGURE, /**< one child: an IMAGE; its alt inlines are the caption */
	GALLEY_NODE_FOOTNOTE_DEF,
	GALLEY_NODE_DEF_LIST, /**< children: DEF_ITEM */
	GALLEY_NODE_DEF_ITEM, /**< children: one DEF_TERM, then DEF_DESC nodes */
	GALLEY_NODE_DEF_TERM, /**< inlines */
	GALLEY_NODE_DEF_DESC, /**< blocks */
	GALLEY_NODE_RAW_BLOCK,
	/* inlines */
	GALLEY_NODE_TEXT,
	GALLEY_NODE_EMPH,
	GALLEY_NODE_STRONG,
	GALLEY_NODE_STRIKETHROUGH,
	GALLEY_NODE_CODE,
	GALLEY_NODE_LINK,
	GALLEY_NODE_IMAGE, /**< children: the alt text as inlines */
	GALLEY_NODE_FOOTNOTE_REF,
	GALLEY_NODE_SOFT_BREAK,
	GALLEY_NODE_HARD_BREAK,
	GALLEY_NODE_RAW_INLINE,
	GALLEY_NODE_SUPERSCRIPT,
	GALLEY_NODE_SUBSCRIPT,
	GALLEY_NODE_SPAN, /**< inlines with attributes: Markdown's [text]{#id .class} */
	GALLEY_NODE_MATH, /**< TeX math: literal is the source, info "inline" or "display" */
	GALLEY_NODE_TYPE_COUNT
} galley_node_type;

typedef enum galley_task { GALLEY_TASK_NONE = 0, GALLEY_TASK_UNCHECKED, GALLEY_TASK_CHECKED } galley_task;

typedef enum galley_align {
	GALLEY_ALIGN_NONE = 0,
	GALLEY_ALIGN_LEFT,
	GALLEY_ALIGN_CENTER,
	GALLEY_ALIGN_RIGHT
} galley_align;

/** Metadata fields holding one string each (plain UTF-8 text). */
typedef enum galley_meta_field {
	GALLEY_META_TITLE = 0,
	GALLEY_META_SUBTITLE,
	GALLEY_META_DATE,
	GALLEY_META_LANG, /**< BCP 47 tag */
	GALLEY_META_IDENTIFIER,
	GALLEY_META_PUBLISHER,
	GALLEY_META_RIGHTS,
	GALLEY_META_DESCRIPTION, /**< the abstract */
	GALLEY_META_COVER_IMAGE, /**< path relative to the input's folder */
	GALLEY_META_FIELD_COUNT
} galley_meta_field;

/* ---- documents ---------------------------------------------------- */

/** A new empty document. Free it with galley_doc_free(). NULL if out of memory. */
GALLEY_EXTERN galley_doc *galley_doc_new(void);

/** Frees the document, its nodes and strings. NULL is allowed. */
GALLEY_EXTERN void galley_doc_free(galley_doc *doc);

/** The DOCUMENT node at the root of the tree. Owned by the document. */
GALLEY_EXTERN galley_node *galley_doc_root(const galley_doc *doc);

/** The folder resources (images) are resolved against; "" when unknown. */
GALLEY_EXTERN const char *galley_doc_base_dir(const galley_doc *doc);

/** A metadata field, or NULL when unset. Owned by the document. */
GALLEY_EXTERN const char *galley_doc_meta(const galley_doc *doc, galley_meta_field field);

/** The name used for a field in front matter and JSON ("title", "lang", ...). Static. */
GALLEY_EXTERN const char *galley_meta_field_name(galley_meta_field field);

/** Looks a front-matter key up; returns GALLEY_META_FIELD_COUNT if it names no field. */
GALLEY_EXTERN galley_meta_field galley_meta_field_from_name(const char *name);

/** Sets a field; the value is copied. len == (size_t)-1 means NUL-terminated. */
GALLEY_EXTERN int galley_doc_set_meta(galley_doc *doc, galley_meta_field field, const char *value,
                                      size_t len);

GALLEY_EXTERN size_t galley_doc_author_count(const galley_doc *doc);
GALLEY_EXTERN const char *galley_doc_author(const galley_doc *doc, size_t i);
GALLEY_EXTERN int galley_doc_add_author(galley_doc *doc, const char *name, size_t len);
GALLEY_EXTERN void galley_doc_clear_authors(galley_doc *doc);

GALLEY_EXTERN size_t galley_doc_keyword_count(const galley_doc *doc);
GALLEY_EXTERN const char *galley_doc_keyword(const galley_doc *doc, size_t i);
GALLEY_EXTERN int galley_doc_add_keyword(galley_doc *doc, const char *word, size_t len);
GALLEY_EXTERN void galley_doc_clear_keywords(galley_doc *doc);

/** Free key/value pairs from the front matter that name no field. */
GALLEY_EXTERN size_t galley_doc_extra_count(const galley_doc *doc);
GALLEY_EXTERN const char *galley_doc_extra_key(const galley_doc *doc, size_t i);
GALLEY_EXTERN const char *galley_doc_extra_value(const galley_doc *doc, size_t i);
/** Sets a pair, replacing an existing key's value. Both strings are copied. */
GALLEY_EXTERN int galley_doc_set_extra(galley_doc *doc, const char *key, const char *value);
/** The value of a free key, or NULL. */
GALLEY_EXTERN const char *galley_doc_extra(const galley_doc *doc, const char *key);

/**
 * The heading the title was taken from (a first level-1 heading, when the
 * metadata had no title), or NULL. Writers that print a title block leave
 * this heading out so the title is not set twice.
 */
GALLEY_EXTERN galley_node *galley_doc_title_heading(const galley_doc *doc);
GALLEY_EXTERN void galley_doc_set_title_heading(galley_doc *doc, galley_node *heading);

/** Number of footnote definitions that are referenced (numbered 1..N). */
GALLEY_EXTERN int galley_doc_footnote_count(const galley_doc *doc);

/* ---- nodes -------------------------------------------------------- */

GALLEY_EXTERN galley_node_type galley_node_get_type(const galley_node *node);
/** "heading", "paragraph", ... as used in the JSON view. Static. */
GALLEY_EXTERN const char *galley_node_type_name(galley_node_type type);
/** True for block types (DOCUMENT through RAW_BLOCK). */
GALLEY_EXTERN bool galley_node_type_is_block(galley_node_type type);
/** True for types that never have children (text, code, breaks, raw, ...). */
GALLEY_EXTERN bool galley_node_type_is_leaf(galley_node_type type);

GALLEY_EXTERN galley_node *galley_node_parent(const galley_node *node);
GALLEY_EXTERN galley_node *galley_node_first_child(const galley_node *node);
GALLEY_EXTERN galley_node *galley_node_last_child(const galley_node *node);
GALLEY_EXTERN galley_node *galley_node_next(const galley_node *node);
GALLEY_EXTERN galley_node *galley_node_prev(const galley_node *node);

/** Source position of the node's start, 1-based; 0 when unknown. */
GALLEY_EXTERN unsigned galley_node_line(const galley_node *node);
GALLEY_EXTERN unsigned galley_node_column(const galley_node *node);

/**
 * The text of a TEXT, CODE, CODE_BLOCK, RAW_BLOCK, RAW_INLINE or MATH node (not
 * NUL-terminated in general: use *len). "" with *len 0 for other nodes.
 */
GALLEY_EXTERN const char *galley_node_literal(const galley_node *node, size_t *len);

/** HEADING: level 1-6. */
GALLEY_EXTERN int galley_node_heading_level(const galley_node *node);
/** HEADING: its unique id (explicit {#id} or a slug); CODE_BLOCK, SPAN: their {#id} or NULL. NULL for others.
 */
GALLEY_EXTERN const char *galley_node_id(const galley_node *node);

/*
 * Attributes given with Markdown's {#id .class key=value} syntax, on a
 * HEADING, CODE_BLOCK or SPAN (a code block's language is its info, not a
 * class). Strings are owned by the document; other node types have none.
 */
/** The classes, space-separated in the order given, or NULL. */
GALLEY_EXTERN const char *galley_node_classes(const galley_node *node);
/** The number of key=value attributes. */
GALLEY_EXTERN size_t galley_node_attr_count(const galley_node *node);
/** Key and value of the i-th attribute (0-based), or NULL past the end. */
GALLEY_EXTERN const char *galley_node_attr_key(const galley_node *node, size_t i);
GALLEY_EXTERN const char *galley_node_attr_value(const galley_node *node, size_t i);
/** The value of attribute `key`, or NULL. */
GALLEY_EXTERN const char *galley_node_attr(const galley_node *node, const char *key);

/** ORDERED_LIST: first number. */
GALLEY_EXTERN int galley_node_list_start(const galley_node *node);
/** ORDERED_LIST: '.' or ')'. */
GALLEY_EXTERN char galley_node_list_delimiter(const galley_node *node);
/**
 * ORDERED_LIST: how the items are numbered: '1' (1, 2, 3), 'a' (a, b, c),
 * 'A', 'i' (i, ii, iii) or 'I'. Set with galley_node_set_info (a plain-text
 * list lettered "a)" has info "a"); '1' when the info says nothing else.
 */
GALLEY_EXTERN char galley_node_list_numbering(const galley_node *node);
/** BULLET_LIST, ORDERED_LIST: true when tight (no blank lines between items). */
GALLEY_EXTERN bool galley_node_list_tight(const galley_node *node);
/** LIST_ITEM: task state. */
GALLEY_EXTERN galley_task galley_node_task(const galley_node *node);

/**
 * CODE_BLOCK: language (first word of the info string); RAW_*: the format
 * ("html"); MATH: "inline" or "display". NULL if none.
 */
GALLEY_EXTERN const char *galley_node_info(const galley_node *node);

/** LINK, IMAGE: destination URL (never NULL for those); NULL for others. */
GALLEY_EXTERN const char *galley_node_url(const galley_node *node);
/** LINK, IMAGE: title, or NULL. */
GALLEY_EXTERN const char *galley_node_title(const galley_node *node);

/** FOOTNOTE_REF, FOOTNOTE_DEF: number 1..N in order of first reference; 0 if never referenced. */
GALLEY_EXTERN int galley_node_footnote_number(const galley_node *node);
/** FOOTNOTE_REF, FOOTNOTE_DEF: the label as written. */
GALLEY_EXTERN const char *galley_node_footnote_label(const galley_node *node);
/** FOOTNOTE_REF: the definition it refers to, or NULL. */
GALLEY_EXTERN galley_node *galley_node_footnote_def(const galley_node *node);

/** TABLE: number of columns. */
GALLEY_EXTERN int galley_node_table_columns(const galley_node *node);
/** TABLE: alignment of column `col` (0-based). */
GALLEY_EXTERN galley_align galley_node_table_align(const galley_node *node, int col);
/** "left", "center", "right", or "none" for GALLEY_ALIGN_NONE. Static. */
GALLEY_EXTERN const char *galley_align_name(galley_align align);
/**
 * TABLE: the relative width of column `col` (the widths add up to 1), when
 * the source gave them (a pipe table too wide for a line: its dashes); 0
 * when it did not.
 */
GALLEY_EXTERN float galley_node_table_width(const galley_node *node, int col);
/** TABLE_ROW: true for a header row. */
GALLEY_EXTERN bool galley_node_row_is_header(const galley_node *node);

/* ---- building a tree (for readers) -------------------------------- */

/** A new detached node owned by `doc`. NULL if out of memory. */
GALLEY_EXTERN galley_node *galley_node_new(galley_doc *doc, galley_node_type type, unsigned line,
                                           unsigned column);
/** Appends `child` as the last child of `parent`; unlinks it first. */
GALLEY_EXTERN void galley_node_append(galley_node *parent, galley_node *child);
/** Inserts `node` before `sibling`; unlinks it first. */
GALLEY_EXTERN void galley_node_insert_before(galley_node *sibling, galley_node *node);
/** Detaches `node` (and its subtree) from its parent. */
GALLEY_EXTERN void galley_node_unlink(galley_node *node);

/*
 * The setters copy their strings into the document's arena. Each field
 * belongs to some node types: url and title to LINK and IMAGE; id to
 * HEADING, CODE_BLOCK, SPAN and (as the label) to FOOTNOTE_DEF and
 * FOOTNOTE_REF; the table's columns to TABLE; info to the others
 * (CODE_BLOCK, RAW_*, ORDERED_LIST); the level to HEADING, the list fields
 * to lists, the task to LIST_ITEM, the header flag to TABLE_ROW. Every
 * setter given another type returns GALLEY_EUSAGE and changes nothing.
 */
GALLEY_EXTERN int galley_node_set_literal(galley_doc *doc, galley_node *node, const char *text, size_t len);
GALLEY_EXTERN int galley_node_set_info(galley_doc *doc, galley_node *node, const char *info, size_t len);
GALLEY_EXTERN int galley_node_set_url(galley_doc *doc, galley_node *node, const char *url, size_t len);
GALLEY_EXTERN int galley_node_set_title(galley_doc *doc, galley_node *node, const char *title, size_t len);
GALLEY_EXTERN int galley_node_set_id(galley_doc *doc, galley_node *node, const char *id, size_t len);
/** HEADING, CODE_BLOCK, SPAN: sets the space-separated classes (NULL clears them). */
GALLEY_EXTERN int galley_node_set_classes(galley_doc *doc, galley_node *node, const char *classes,
                                          size_t len);
/** HEADING, CODE_BLOCK, SPAN: sets attribute `key` (both strings copied), replacing its value if set. */
GALLEY_EXTERN int galley_node_set_attr(galley_doc *doc, galley_node *node, const char *key,
                                       const char *value);
GALLEY_EXTERN int galley_node_set_footnote_label(galley_doc *doc, galley_node *node, const char *label,
                                                 size_t len);
/* Each for its own types (HEADING; the two lists; LIST_ITEM; TABLE_ROW); GALLEY_EUSAGE for another. */
GALLEY_EXTERN int galley_node_set_heading_level(galley_node *node, int level);
GALLEY_EXTERN int galley_node_set_list(galley_node *node, int start, char delimiter, bool tight);
GALLEY_EXTERN int galley_node_set_task(galley_node *node, galley_task task);
GALLEY_EXTERN int galley_node_set_row_header(galley_node *node, bool header);
/** TABLE: sets the relative column widths (copied; galley_node_table_columns of them), or clears them (NULL).
 */
GALLEY_EXTERN int galley_node_set_table_widths(galley_doc *doc, galley_node *node, const float *widths);
/** TABLE: sets the column count and alignments (copied). */
GALLEY_EXTERN int galley_node_set_table(galley_doc *doc, galley_node *node, int columns,
                                        const galley_align *align);

/**
 * Finishes a tree a reader built: links footnote references to their
 * definitions and numbers them, and gives every heading a unique id (an
 * explicit id is kept; otherwise a slug of its text, with -1, -2 suffixes).
 */
GALLEY_EXTERN int galley_doc_finish(galley_doc *doc);

/**
 * The plain text of a node's inline content (text, code, alt text; breaks
 * become spaces), appended to a fresh NUL-terminated string the caller frees
 * with galley_free(). NULL if out of memory.
 */
GALLEY_EXTERN char *galley_node_plain_text(const galley_node *node);

#ifdef __cplusplus
}
#endif
#endif
