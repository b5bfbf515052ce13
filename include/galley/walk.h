/*
 * galley/walk.h - walking the model with enter and exit events.
 *
 * Every node with possible children is reported twice, on ENTER and on EXIT;
 * leaf nodes (galley_node_type_is_leaf) only on ENTER. The walk is iterative,
 * so any depth of nesting is safe.
 */
#ifndef GALLEY_WALK_H
#define GALLEY_WALK_H

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum galley_event { GALLEY_EVENT_DONE = 0, GALLEY_EVENT_ENTER, GALLEY_EVENT_EXIT } galley_event;

/** Walk state; a plain struct so it can live on the stack. */
typedef struct galley_walk {
	galley_node *root;
	galley_node *node;
	galley_event event;
	int skip; /* private */
} galley_walk;

/** Starts a walk of the subtree at `root` (root included). */
GALLEY_EXTERN void galley_walk_init(galley_walk *walk, galley_node *root);

/** Advances; returns the new event (DONE at the end). */
GALLEY_EXTERN galley_event galley_walk_next(galley_walk *walk);

/**
 * Skips the children of the node just entered: the next event is its EXIT
 * (or, for a leaf, whatever follows it).
 */
GALLEY_EXTERN void galley_walk_skip_children(galley_walk *walk);

#ifdef __cplusplus
}
#endif
#endif
