/*
 * mathtree.h - the tree TeX math is read into (mathml.c), for the writers
 * that lay it out themselves (the PDF). Internal to the library.
 *
 * Nodes are the presentation-MathML elements the TeX stands for, held in
 * one array and linked by index: a node's children run from `first` along
 * `next` (-1 ends either).
 */
#ifndef GALLEY_MATHTREE_H
#define GALLEY_MATHTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "galley/sys/format.h"

enum math_kind {
	MK_MI,
	MK_MN,
	MK_MO,
	MK_MTEXT,
	MK_MSPACE,
	MK_MROW,
	MK_MSUB,
	MK_MSUP,
	MK_MSUBSUP,
	MK_MUNDER,
	MK_MOVER,
	MK_MUNDEROVER,
	MK_MFRAC,
	MK_MSQRT,
	MK_MROOT,
	MK_MTABLE, /* attr "columnalign" */
	MK_MTR,
	MK_MTD
};

typedef struct math_node {
	enum math_kind kind;
	const char *text; /* token text (UTF-8), not NUL-terminated */
	size_t len;
	const char *variant;         /* mathvariant, or NULL */
	const char *attr, *attr_val; /* one more attribute ("stretchy", "accent", "width", ...), or NULL */
	int first, last, next;       /* children and sibling, -1 for none */
} math_node;

typedef struct math_tree {
	math_node *nodes; /* owned: galley_math_tree_free */
	int count;
	int root; /* an MK_MROW */
	int tag; /* \tag{...}: its text, a node outside the root (set in parentheses unless tag_star); -1 none
	          */
	bool tag_star;
} math_tree;

/**
 * Reads the TeX of MATH node `n` into `t` (token texts point into the
 * node's literal or static strings). Unknown commands are warned about
 * through `opts`. 0, or GALLEY_ENOMEM.
 */
int galley_math_parse(const galley_node *n, const galley_options *opts, math_tree *t);
void galley_math_tree_free(math_tree *t);

#endif
