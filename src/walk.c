/* walk.c - the one iterator every writer uses. */
#include "model_private.h"

void galley_walk_init(galley_walk *w, galley_node *root)
{
	w->root = root;
	w->node = NULL;
	w->event = GALLEY_EVENT_DONE;
	w->skip = 0;
}

static galley_event finish(galley_walk *w)
{
	w->root = NULL;
	w->node = NULL;
	return w->event = GALLEY_EVENT_DONE;
}

galley_event galley_walk_next(galley_walk *w)
{
	galley_node *n = w->node;
	if (!w->root)
		return GALLEY_EVENT_DONE;
	if (!n) {
		w->node = w->root;
		return w->event = GALLEY_EVENT_ENTER;
	}
	if (w->event == GALLEY_EVENT_ENTER && !galley_node_type_is_leaf((galley_node_type)n->type)) {
		if (n->first && !w->skip) {
			w->node = n->first;
			return GALLEY_EVENT_ENTER;
		}
		w->skip = 0;
		return w->event = GALLEY_EVENT_EXIT;
	}
	w->skip = 0;
	if (n == w->root)
		return finish(w);
	if (n->next) {
		w->node = n->next;
		return w->event = GALLEY_EVENT_ENTER;
	}
	if (n->parent) {
		w->node = n->parent;
		return w->event = GALLEY_EVENT_EXIT;
	}
	return finish(w);
}

void galley_walk_skip_children(galley_walk *w)
{
	if (w->event == GALLEY_EVENT_ENTER)
		w->skip = 1;
}
