/*
 * layout.h - what the layout's files share: the state of the walk over the
 * model (containers, pending space, keeps, section numbers) and the helpers
 * each concern's file offers the others. Internal to formats/pdf.
 */
#ifndef GALLEY_PDF_LAYOUT_H
#define GALLEY_PDF_LAYOUT_H

#include "pdf.h"
#include "typography.h"

#define MAX_NEST 32
#define MAX_INLINE_DEPTH 64

/* A block that indents what it holds: a quote, a list, an item, a definition. */
typedef struct container {
	galley_node_type type;
	float x, width;
	int counter;        /* next ordered list number */
	float label_indent; /* room for the widest label */
	bool tight;
	uint32_t elem; /* the structure element its blocks go under */
} container;

typedef struct layout {
	pdf_engine *e;
	container stack[MAX_NEST];
	int depth;
	int overflow; /* containers nested deeper than the stack, laid out flat */
	float pending_space;
	int keep; /* lines still to be kept with a heading above */
	int section[6];
	int base_level;
	int heading_shift; /* 1 when the title block is the H1 and the headings start at H2 */
	int last_heading;  /* the level (0 for H1) of the last heading element, -1 before any */
	int *note_anchor;  /* per footnote number */
	int body_style;
} layout;

/* The style of the inline content being collected. */
typedef struct inline_state {
	int role, face_style;
	float size, rise;
	uint8_t flags;
	uint16_t link;
	uint16_t note;
	uint16_t lang; /* index + 1 into e->res.langs */
} inline_state;

/* styles.c */
pdf_style lay_make_style(int role, int face_style, float size);
int lay_style_id(pdf_engine *e, int role, int face_style, float size, uint8_t flags);

/* vlist.c */
/** Asks for at least `amount` of space before the next item (spaces do not add up). */
void lay_want_space(layout *l, float amount);
/** Puts the space asked for on the list (none at the top or after a page break). */
int lay_flush_space(layout *l);
container *lay_top(layout *l);
void lay_push_container(layout *l, galley_node_type type, float indent_left, float indent_right);
void lay_pop_container(layout *l);
/** Widow, orphan and heading-keep marks on the lines [first, e->vl.nitems). */
void lay_mark_keeps(layout *l, size_t first);
/** A block that is no paragraph, from item `first`, kept with a heading above. */
void lay_keep_with_heading(layout *l, size_t first);
/** A new paragraph, freed with the engine. */
pdf_para *lay_new_para(pdf_engine *e);
/** Breaks a filled paragraph into lines of `height` on the list, with keeps. */
int lay_set_paragraph(layout *l, pdf_para *p, float x, float width, float height);
inline_state lay_body_state(layout *l);
/** A structure element under the innermost container's; 0 when untagged. */
uint32_t lay_elem(layout *l, int type, const char *alt);
/** The container just pushed holds its blocks under `elem` (unless nesting went too deep to push it). */
void lay_container_elem(layout *l, uint32_t elem);
/** The heading element for a level of the model. */
int lay_heading_type(layout *l, int level);

/* inlines.c */
int lay_add_text(pdf_engine *e, pdf_para *p, const inline_state *s, const char *text, size_t len);
/** The inline content of `block` into `p`, from style `base`. */
int lay_collect_inlines(layout *l, pdf_para *p, galley_node *block, inline_state base);

/* blocks.c */
/** The next section number at `level` into buf ("2.1  "); returns its length. */
int lay_section_number(layout *l, int level, char *buf, size_t size);
int lay_centered(layout *l, const char *text, int role, int face_style, float size, float height);
int lay_exit_list_item(layout *l);
/** The blocks under `root`. */
int lay_blocks(layout *l, galley_node *root);

/* table.c, figure.c, front.c, notes.c */
int lay_table(layout *l, galley_node *table);
int lay_figure(layout *l, galley_node *fig);
/** Loads a PNG or JPEG the document refers to; NULL (with a warning) when it cannot. */
HPDF_Image lay_load_image(pdf_engine *e, const galley_node *img);
int lay_title_block(layout *l);
int lay_toc(layout *l);
int lay_assign_anchors(layout *l);
int lay_footnotes(layout *l);

#endif
